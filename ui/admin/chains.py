"""审核链: the versions of the review chains, and a new version made from one of them.

A version is never edited: a change is a new version in force from a date (today at the earliest).
A reply's chain is fixed when its review starts, so a new version never moves a reply already in review.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casework.deadlines import SHANGHAI
from casework.order import Importance
from casework.review import DEFAULT_CHAINS, ReviewLevel
from casework.schemas import ReviewChainVersionIn, ReviewChainVersionOut
from ui.admin.base import Caller, checked, choose
from ui.labels import importance_label, review_level_label

DEFAULT_SCOPE = "default"
LEVELS = list(ReviewLevel)


def city_today() -> date:
    return datetime.now(SHANGHAI).date()


class ChainsPage(QWidget):
    """``shown`` after the versions are listed (tests wait on it)."""

    shown = Signal()

    def __init__(self, area: Caller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.versions: list[ReviewChainVersionOut] = []
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("版本"), self.tr("生效日期"), self.tr("状态"), self.tr("说明")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)
        rule = QLabel(
            self.tr(
                "规则：每个版本从生效日期起适用；一张工单在提交答复、开始审核的那天（北京时间）适用当时最新生效的版本，"
                "之后新增的版本不影响已在审核中的工单。版本不能修改，只能新增；生效日期不能早于今天。"
            )
        )
        rule.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.empty = QLabel(self.tr("还没有保存过版本：现行的是内置审核链（右侧所示）。"))
        self.empty.setWordWrap(True)
        left_layout.addWidget(self.empty)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(rule)

        self.editor = QTableWidget(0, 2 + len(LEVELS))
        self.editor.setHorizontalHeaderLabels(
            [self.tr("适用单位"), self.tr("重要性")] + [review_level_label(level.value) for level in LEVELS]
        )
        self.editor.verticalHeader().hide()
        self.editor.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.add_row_button = QPushButton(self.tr("添加一行"))
        self.add_row_button.clicked.connect(lambda: self.add_row(DEFAULT_SCOPE, Importance.ORDINARY, []))
        self.remove_row_button = QPushButton(self.tr("删除所选行"))
        self.remove_row_button.clicked.connect(self._remove_row)
        self.effective_from = QDateEdit()
        self.effective_from.setCalendarPopup(True)
        self.effective_from.setDisplayFormat("yyyy-MM-dd")
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("如：依据某某文件调整"))
        self.save_button = QPushButton(self.tr("保存为新版本"))
        self.save_button.clicked.connect(lambda: checked(self, self.save))
        box = QGroupBox(self.tr("新版本（从所选版本开始修改）"))
        form = QFormLayout(box)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.add_row_button)
        row_buttons.addWidget(self.remove_row_button)
        row_buttons.addStretch(1)
        form.addRow(self.editor)
        form.addRow(row_buttons)
        form.addRow(self.tr("生效日期"), self.effective_from)
        form.addRow(self.tr("说明"), self.note)
        form.addRow(self.save_button)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.start_from(None)

    # --- the versions ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.area.call(self.area.admin.review_chains, on_done=self._show)

    def _status(self, version: ReviewChainVersionOut) -> str:
        if version.in_force:
            return self.tr("现行")
        if version.effective_from > city_today():
            return self.tr("待生效")
        return self.tr("已被取代")

    def _show(self, versions: list[ReviewChainVersionOut]) -> None:
        self.versions = list(reversed(versions))  # the newest first
        self.empty.setVisible(not self.versions)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.versions))
        for row, version in enumerate(self.versions):
            values = [str(version.id), version.effective_from.isoformat(), self._status(version), version.note]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if version.in_force:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        current = next((v for v in self.versions if v.in_force), None)
        self.start_from(current)
        self.shown.emit()

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and rows[0].row() < len(self.versions):
            self.start_from(self.versions[rows[0].row()])

    # --- the editor --------------------------------------------------------------------------------

    def start_from(self, version: ReviewChainVersionOut | None) -> None:
        """Fill the editor with ``version``'s chains (None: the built-in ones), in force from tomorrow."""
        self.editor.setRowCount(0)
        chains: dict[str, Any] = (
            dict(version.chains)
            if version
            else {DEFAULT_SCOPE: {i: list(levels) for i, levels in DEFAULT_CHAINS.items()}}
        )
        for scope in sorted(chains, key=lambda s: (s != DEFAULT_SCOPE, s)):
            for importance, levels in chains[scope].items():
                self.add_row(scope, Importance(importance), [ReviewLevel(x) for x in levels])
        tomorrow = city_today() + timedelta(days=1)
        self.effective_from.setMinimumDate(QDate(*city_today().timetuple()[:3]))
        self.effective_from.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        self.note.clear()

    def add_row(self, scope: str, importance: Importance, levels: list[ReviewLevel]) -> int:
        row = self.editor.rowCount()
        self.editor.insertRow(row)
        scope_box = QComboBox()
        scope_box.addItem(self.tr("默认（所有单位）"), DEFAULT_SCOPE)
        directory = self.area.directory
        for d in directory.departments if directory else []:
            if d.kind == "department":
                scope_box.addItem(f"{d.name}（{d.code}）", d.code)
        if scope_box.findData(scope) < 0:
            scope_box.addItem(scope, scope)
        choose(scope_box, scope)
        importance_box = QComboBox()
        for value in Importance:
            importance_box.addItem(importance_label(value.value), value.value)
        choose(importance_box, importance.value)
        self.editor.setCellWidget(row, 0, scope_box)
        self.editor.setCellWidget(row, 1, importance_box)
        for column, level in enumerate(LEVELS, start=2):
            item = QTableWidgetItem()
            item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Checked if level in levels else Qt.CheckState.Unchecked)
            self.editor.setItem(row, column, item)
        return row

    def _remove_row(self) -> None:
        row = self.editor.currentRow()
        if row >= 0:
            self.editor.removeRow(row)

    def chains(self) -> dict[str, dict[str, list[str]]]:
        """The editor's rows as plain chains (levels in the order a reply climbs them)."""
        found: dict[str, dict[str, list[str]]] = {}
        for row in range(self.editor.rowCount()):
            scope_box, importance_box = self.editor.cellWidget(row, 0), self.editor.cellWidget(row, 1)
            assert isinstance(scope_box, QComboBox) and isinstance(importance_box, QComboBox)
            scope, importance = scope_box.currentData(), importance_box.currentData()
            levels = [
                level.value
                for column, level in enumerate(LEVELS, start=2)
                if (item := self.editor.item(row, column)) is not None and item.checkState() == Qt.CheckState.Checked
            ]
            found.setdefault(scope, {})[importance] = levels
        return found

    def save(self) -> None:
        day = self.effective_from.date()
        body = ReviewChainVersionIn.model_validate(
            {
                "effective_from": date(day.year(), day.month(), day.day()),
                "chains": self.chains(),
                "note": self.note.text(),
            }
        )
        self.area.call(
            self.area.admin.add_review_chains, body, done=self.tr("已保存新版本"), on_done=lambda _v: self.refresh()
        )
