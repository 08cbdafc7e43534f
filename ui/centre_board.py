"""值班看板: the centre supervisor's day from the server (``GET /centre/board``) — intake by hour and
channel, orders waiting for dispatch beyond the target, overdue by department, callbacks due.

Online only (the figures are the whole city's, counted by the server); refreshed when shown and
every minute while in front. A double click on an order opens it in the workbench.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casework.order import Channel
from casework.worklists import WorkList
from desktop.centre import centre_board
from desktop.workspace import Workspace
from ui.errors import error_text
from ui.labels import Names, channel_label, local_time, work_list_label

__all__ = ["CentreBoard"]

REFRESH_MS = 60_000


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[Any]], ids: list[int] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if ids is not None:
                item.setData(Qt.ItemDataRole.UserRole, ids[r])
            table.setItem(r, c, item)


class CentreBoard(QWidget):
    """``open_order(order_id)`` on a double click of a waiting order or a callback due."""

    open_order = Signal(int)

    def __init__(self, workspace: Workspace, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.names = names
        self.board: dict[str, Any] | None = None
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: bold; font-size: 14px;")
        self.summary.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.refresh_button)

        self.channels = [c.value for c in Channel]
        self.intake = _table([self.tr("时段")] + [channel_label(c) for c in self.channels] + [self.tr("合计")])
        self.waiting = _table([self.tr("工单编号"), self.tr("标题"), self.tr("渠道"), self.tr("已等待（分钟）")])
        self.overdue = _table([self.tr("承办单位"), self.tr("超期件数")])
        self.callbacks = _table([self.tr("工单编号"), self.tr("标题"), self.tr("答复时间"), self.tr("已回访次数")])
        for table in (self.waiting, self.callbacks):
            table.cellDoubleClicked.connect(lambda row, _c, t=table: self._open(t, row))
        self.intake_box = QGroupBox(self.tr("今日受理（按时段、渠道）"))
        self.waiting_box = QGroupBox(self.tr("超时未派单"))
        self.overdue_box = QGroupBox(self.tr("各单位超期"))
        self.callbacks_box = QGroupBox(work_list_label(WorkList.TO_CALL_BACK))
        grid = QGridLayout()
        for position, (box, table) in enumerate(
            (
                (self.intake_box, self.intake),
                (self.waiting_box, self.waiting),
                (self.overdue_box, self.overdue),
                (self.callbacks_box, self.callbacks),
            )
        ):
            inner = QVBoxLayout(box)
            inner.addWidget(table)
            grid.addWidget(box, position // 2, position % 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid, 1)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()
        self._timer.start()

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._timer.stop()

    def refresh(self) -> None:
        if not self.workspace.status.online:
            self.summary.setText(self.tr("离线：值班看板需联网查看"))
            return
        self.refresh_button.setEnabled(False)
        centre_board(self.workspace, on_done=self._show, on_error=self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        text = error_text(exc)
        if text is None:
            raise exc
        self.summary.setText(text)

    def _show(self, board: dict[str, Any]) -> None:
        self.refresh_button.setEnabled(True)
        self.board = board
        minutes = board["dispatch_target_seconds"] // 60
        self.summary.setText(
            self.tr("%1 今日受理 %2 件 · 超过 %3 分钟未派单 %4 件 · 超期 %5 件 · 待回访 %6 件（更新于 %7）")
            .replace("%1", str(board["day"]))
            .replace("%2", str(board["intake_total"]))
            .replace("%3", str(minutes))
            .replace("%4", str(board["waiting_count"]))
            .replace("%5", str(board["overdue_total"]))
            .replace("%6", str(board["callbacks_due_count"]))
            .replace("%7", local_time(board["as_of"]))
        )
        by_hour: dict[int, dict[str, int]] = {}
        for entry in board["intake"]:
            by_hour.setdefault(entry["hour"], {})[entry["channel"]] = entry["count"]
        rows: list[list[Any]] = []
        for hour in sorted(by_hour):
            counts = [by_hour[hour].get(c, 0) for c in self.channels]
            rows.append([f"{hour:02d}:00", *counts, sum(counts)])
        _fill(self.intake, rows)
        _fill(
            self.waiting,
            [
                [o["number"], o["title"], channel_label(o["channel"]), o["waiting_seconds"] // 60]
                for o in board["waiting"]
            ],
            [o["id"] for o in board["waiting"]],
        )
        _fill(
            self.overdue,
            [
                [self.names.department(d["department_id"]) or d["name"], d["overdue"]]
                for d in board["overdue_by_department"]
            ],
        )
        _fill(
            self.callbacks,
            [
                [o["number"], o["title"], local_time(o["replied_at"]), o["callback_attempts"]]
                for o in board["callbacks_due"]
            ],
            [o["id"] for o in board["callbacks_due"]],
        )

    def _open(self, table: QTableWidget, row: int) -> None:
        item = table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self.open_order.emit(int(item.data(Qt.ItemDataRole.UserRole)))
