"""工作日历: the local days an administrator adds (a county's own holiday, a make-up working day),
and a year's statutory days loaded from the State Council's announcement (CSV ``date,kind,note``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casework.calendar import DayKind
from casework.schemas import CalendarOut, DayIn, RecomputeOut
from ui.admin.base import Caller, checked, confirm


class CalendarPage(QWidget):
    """``shown`` after the calendar is listed (tests wait on it)."""

    shown = Signal()

    def __init__(self, area: Caller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.area = area
        self.days: list[DayIn] = []
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("搜索（日期、说明）"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._fill())
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([self.tr("日期"), self.tr("类型"), self.tr("说明")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.remove_button = QPushButton(self.tr("删除所选日期"))
        self.remove_button.clicked.connect(self._remove)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.remove_button)

        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.kind = QComboBox()
        self.kind.addItem(self.tr("休息日（放假）"), DayKind.HOLIDAY.value)
        self.kind.addItem(self.tr("工作日（调休上班）"), DayKind.WORKDAY.value)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("如：县庆放假"))
        self.add_button = QPushButton(self.tr("添加本地日期"))
        self.add_button.clicked.connect(lambda: checked(self, self.add))
        add_box = QGroupBox(self.tr("添加本地日期"))
        add_form = QFormLayout(add_box)
        add_form.addRow(self.tr("日期"), self.day)
        add_form.addRow(self.tr("类型"), self.kind)
        add_form.addRow(self.tr("说明"), self.note)
        add_form.addRow(self.add_button)

        self.year = QSpinBox()
        self.year.setRange(2000, 2200)
        self.year.setValue(QDate.currentDate().year() + 1)
        self.load_button = QPushButton(self.tr("选择文件并载入…"))
        self.load_button.clicked.connect(self._choose_file)
        load_box = QGroupBox(self.tr("载入全年法定节假日"))
        load_form = QFormLayout(load_box)
        hint = QLabel(
            self.tr(
                "国务院公布下一年节假日安排后，把它存成 CSV（每行 日期,类型,说明，如 2027-02-08,workday,春节调休），"
                "在这里载入；已发布年份来自 chinesecalendar 包，无需载入。"
                "载入后，跨入该年的暂定时限会重新计算并记入审计。"
            )
        )
        hint.setWordWrap(True)
        load_form.addRow(hint)
        year_row = QHBoxLayout()
        year_row.addWidget(self.year)
        year_row.addWidget(self.load_button)
        year_row.addStretch(1)
        load_form.addRow(self.tr("年份"), year_row)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(add_box)
        right_layout.addWidget(load_box)
        right_layout.addStretch(1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def refresh(self) -> None:
        self.area.call(self.area.admin.calendar, on_done=self._show)

    def _kind_label(self, kind: str) -> str:
        return self.tr("休息日") if kind == DayKind.HOLIDAY.value else self.tr("工作日")

    def _show(self, calendar: CalendarOut) -> None:
        self.days = sorted(calendar.local_days, key=lambda d: d.day)
        years = "、".join(str(y) for y in calendar.loaded_years) or self.tr("无")
        self.summary.setText(
            self.tr("日历版本：%1。已载入的年份：%2。").replace("%1", calendar.version).replace("%2", years)
        )
        self._fill()
        self.shown.emit()

    def _fill(self) -> None:
        text = self.search.text().strip().lower()
        days = [d for d in self.days if not text or text in d.day.isoformat() or text in d.note.lower()]
        self.table.setRowCount(len(days))
        for row, d in enumerate(days):
            for column, value in enumerate([d.day.isoformat(), self._kind_label(d.kind.value), d.note]):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self._shown_days = days

    def row_of(self, day: date) -> int:
        return next((i for i, d in enumerate(self._shown_days) if d.day == day), -1)

    def add(self) -> None:
        picked = self.day.date()
        body = DayIn(
            day=date(picked.year(), picked.month(), picked.day()), kind=self.kind.currentData(), note=self.note.text()
        )
        self.area.call(self.area.admin.add_calendar_day, body, done=self._recomputed_text(), on_done=self._changed)

    def _recomputed_text(self) -> str:
        return self.tr("已保存；暂定时限已重新计算")

    def _changed(self, _result: RecomputeOut) -> None:
        self.note.clear()
        self.refresh()

    def _remove(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._shown_days):
            return
        day = self._shown_days[row]
        question = (
            self.tr("删除本地日期 %1（%2）？删除后这一天按法定日历和周末计算。")
            .replace("%1", day.day.isoformat())
            .replace("%2", self._kind_label(day.kind.value))
        )
        confirm(
            self,
            self.tr("删除日期"),
            question,
            lambda: self.area.call(
                self.area.admin.remove_calendar_day, day.day, done=self.tr("已删除"), on_done=self._changed
            ),
        )

    def _choose_file(self) -> None:
        dialog = QFileDialog(self, self.tr("选择全年节假日文件（CSV）"))
        dialog.setNameFilter(self.tr("CSV 文件 (*.csv *.txt)"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda chosen: self.load_file(Path(chosen)))
        dialog.open()

    def load_file(self, path: Path) -> None:
        """Send ``path`` (UTF-8 or GB18030, as Chinese Excel saves it) as the year's days."""
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        year = self.year.value()
        self.area.call(
            self.area.admin.load_calendar_year, year, text, done=self._recomputed_text(), on_done=self._changed
        )
