"""更多筛选: the list's rarer filters — channel, tag and the days received — in a panel under the
list's title, opened by one button beside it, so the toolbar keeps its room at 1366 px. With the
centre's 全部 list they search the whole city: every WeChat complaint tagged 噪音 received last week."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QWidget,
)

from casework.deadlines import SHANGHAI
from casework.order import Channel
from ui.labels import channel_label


class MoreFilters(QWidget):
    """The filters' panel under the list's title, opened and closed by :attr:`button` (which the
    window puts beside the title and which counts the filters in use). ``changed`` when one changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QToolButton()
        self.button.setCheckable(True)
        self.button.setObjectName("more_filters")
        self.button.toggled.connect(self.setVisible)
        self.channel = QComboBox()
        self.channel.addItem(self.tr("全部渠道"), "")
        for value in Channel:
            self.channel.addItem(channel_label(value.value), value.value)
        self.tag = QLineEdit()
        self.tag.setPlaceholderText(self.tr("标签，如：噪音"))
        self.tag.setClearButtonEnabled(True)
        self.by_date = QCheckBox(self.tr("受理日期"))
        self.by_date.setToolTip(self.tr("北京时间，含起止两日"))
        today = QDate.currentDate()
        self.since = QDateEdit(today.addDays(-7))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setEnabled(False)
        self.reset = QPushButton(self.tr("清除筛选"))
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 0, 4, 4)
        grid.addWidget(QLabel(self.tr("渠道")), 0, 0)
        grid.addWidget(self.channel, 0, 1)
        grid.addWidget(QLabel(self.tr("标签")), 0, 2)
        grid.addWidget(self.tag, 0, 3, 1, 2)
        grid.addWidget(self.by_date, 1, 0)
        grid.addWidget(self.since, 1, 1)
        grid.addWidget(QLabel("—"), 1, 2)
        grid.addWidget(self.until, 1, 3)
        grid.addWidget(self.reset, 1, 4)
        grid.setColumnStretch(3, 1)
        self.hide()

        self.channel.currentIndexChanged.connect(self._changed)
        self.tag.editingFinished.connect(self._changed)
        self.by_date.toggled.connect(self._dated)
        self.since.dateChanged.connect(self._changed)
        self.until.dateChanged.connect(self._changed)
        self.reset.clicked.connect(self.clear)
        self._quiet = False
        self._shown: tuple[Any, ...] = self.values()
        self._label()

    def values(self) -> tuple[str, str, datetime | None, datetime | None]:
        """(channel, tag, received from, received before): the days as Beijing midnights, the last one included."""
        if not self.by_date.isChecked():
            return (self.channel.currentData() or "", self.tag.text().strip(), None, None)
        since = datetime.combine(self.since.date().toPython(), time(), SHANGHAI)
        until = datetime.combine(self.until.date().toPython(), time(), SHANGHAI) + timedelta(days=1)
        return (self.channel.currentData() or "", self.tag.text().strip(), since, until)

    def state(self) -> dict[str, Any]:
        return {
            "channel": self.channel.currentIndex(),
            "tag": self.tag.text(),
            "dated": self.by_date.isChecked(),
            "open": self.button.isChecked(),
            "since": self.since.date().toString("yyyy-MM-dd"),
            "until": self.until.date().toString("yyyy-MM-dd"),
        }

    def restore(self, state: dict[str, Any]) -> None:
        self._quiet = True
        self.channel.setCurrentIndex(state.get("channel", 0))
        self.tag.setText(state.get("tag", ""))
        self.since.setDate(QDate.fromString(state.get("since", ""), "yyyy-MM-dd"))
        self.until.setDate(QDate.fromString(state.get("until", ""), "yyyy-MM-dd"))
        self.by_date.setChecked(state.get("dated", False))
        self.button.setChecked(state.get("open", False))
        self._quiet = False
        self._changed()

    def clear(self) -> None:
        self._quiet = True
        self.channel.setCurrentIndex(0)
        self.tag.clear()
        self.by_date.setChecked(False)
        self._quiet = False
        self._changed()

    def _dated(self, on: bool) -> None:
        self.since.setEnabled(on)
        self.until.setEnabled(on)
        self._changed()

    def _changed(self) -> None:
        if self._quiet:  # several fields set at once: one change at the end
            return
        self._label()
        if self.values() != self._shown:
            self._shown = self.values()
            self.changed.emit()

    def _label(self) -> None:
        used = sum(bool(v) for v in self.values()[:2]) + (1 if self.by_date.isChecked() else 0)
        self.button.setText(self.tr("更多筛选 (%1)").replace("%1", str(used)) if used else self.tr("更多筛选"))
