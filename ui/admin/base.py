"""What every administration tab shares: a searchable table beside the selected row's form, the
calls to the server on the network lane, and a confirmation that never blocks the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.admin import Administration, Directory
from desktop.errors import ValidationError
from ui.errors import present_error


class Caller(Protocol):
    """The administration area, as its tabs see it."""

    directory: Directory | None
    admin: Administration

    def call(
        self, fn: Callable[..., Any], *args: Any, done: str = "", on_done: Callable[[Any], None] | None = None
    ) -> None: ...


def confirm(parent: QWidget, title: str, text: str, on_yes: Callable[[], None]) -> QMessageBox:
    """Ask before an action that takes something away (open(), never exec(): nothing waits for the click)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setObjectName("casedesk_confirm")
    box.setTextFormat(Qt.TextFormat.PlainText)  # names typed by people: text, never markup
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    yes = box.button(QMessageBox.StandardButton.Yes)
    box.buttonClicked.connect(lambda button: on_yes() if button is yes else None)
    box.open()
    return box


class TablePage(QWidget):
    """A table with search, and a form for the selected row or a new one.

    Subclasses say what a row is: ``headers``, ``rows`` (from the area's directory), ``key``,
    ``cells``, ``matches``; the form: ``build_form``, ``load_form``, ``save``; and, when rows can be
    deactivated, ``is_active`` and ``set_active``. ``shown`` is emitted after each fill (tests wait on it).
    """

    shown = Signal()
    #: The column that takes the table's free width and is elided when there is none (None: the last).
    elastic_column: int | None = None

    def __init__(self, area: Caller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.current: Any = None  # the row in the form; None: a new one
        self._rows: list[Any] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索（名称、代码…）"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.fill())
        self.new_button = QPushButton(self.tr("新建"))
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.table = QTableWidget(0, len(self.headers()))
        self.table.setHorizontalHeaderLabels(self.headers())
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if self.elastic_column is None:
            header.setStretchLastSection(True)
        else:  # the long names give way (elided) so every column stays in sight at 1366 px
            header.setSectionResizeMode(self.elastic_column, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.count = QLabel()

        self.form_box = QGroupBox()
        self.form = QFormLayout(self.form_box)
        self.build_form()
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: checked(self, self.save))
        self.toggle_button = QPushButton()
        self.toggle_button.clicked.connect(self._toggle)
        self.toggle_button.setVisible(self.can_deactivate())
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.toggle_button)
        buttons.addStretch(1)
        self.form.addRow(buttons)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.form_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.edit(None)

    # --- what a subclass says ---------------------------------------------------------------------

    def headers(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> list[Any]:
        raise NotImplementedError

    def key(self, row: Any) -> Any:
        raise NotImplementedError

    def cells(self, row: Any) -> list[str]:
        raise NotImplementedError

    def build_form(self) -> None:
        raise NotImplementedError

    def load_form(self, row: Any) -> None:
        raise NotImplementedError

    def save(self) -> None:
        raise NotImplementedError

    def can_deactivate(self) -> bool:
        return False

    def is_active(self, row: Any) -> bool:
        return True

    def set_active(self, row: Any, active: bool) -> None:
        raise NotImplementedError

    def deactivate_question(self, row: Any) -> str:
        return self.tr("确定停用吗？")

    def matches(self, row: Any, text: str) -> bool:
        return any(text in cell.lower() for cell in self.cells(row))

    # --- the table and the form ----------------------------------------------------------------

    def fill(self) -> None:
        """Show the rows that match the search, keeping the one in the form selected."""
        text = self.search.text().strip().lower()
        rows = [r for r in self.rows() if not text or self.matches(r, text)]
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(rows))
        keep = self.key(self.current) if self.current is not None else None
        for index, row in enumerate(rows):
            for column, value in enumerate(self.cells(row)):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, self.key(row))
                if not self.is_active(row):
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(index, column, item)
            if keep is not None and self.key(row) == keep:
                self.table.selectRow(index)
        self.table.blockSignals(False)
        self._rows = rows
        self.count.setText(self.tr("共 %1 条").replace("%1", str(len(rows))))
        # The form is left alone: what is typed in it stays until saved (a save puts the server's answer in it).
        self.shown.emit()

    def row_of(self, key: Any) -> int:
        """The table row showing ``key``, or -1 (tests click it)."""
        for index in range(self.table.rowCount()):
            item = self.table.item(index, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                return index
        return -1

    def _selected(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if selected and 0 <= selected[0].row() < len(self._rows):
            self.edit(self._rows[selected[0].row()])

    def edit(self, row: Any) -> None:
        """Put ``row`` in the form (None: an empty form for a new one)."""
        self.current = row
        if row is None:
            self.table.clearSelection()
        self.form_box.setTitle(self.tr("新建") if row is None else self.tr("编辑"))
        self.load_form(row)
        active = row is None or self.is_active(row)
        self.toggle_button.setText(self.tr("停用") if active else self.tr("启用"))
        self.toggle_button.setEnabled(row is not None)

    def _toggle(self) -> None:
        row = self.current
        if row is None:
            return
        if self.is_active(row):
            confirm(self, self.tr("停用"), self.deactivate_question(row), lambda: self.set_active(row, False))
        else:
            self.set_active(row, True)


def checked(parent: QWidget, action: Callable[[], None]) -> None:
    """Run ``action``, saying what does not fit when a form's values make no valid request."""
    try:
        action()
    except ValidationError as exc:
        present_error(parent, exc, title=QCoreApplication.translate("Admin", "填写有误"))


def choose(combo: Any, value: Any) -> None:
    """Select the entry of ``combo`` whose data is ``value`` (the first when none is)."""
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))
