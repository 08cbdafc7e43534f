"""A city leader's monthly audit (全审核、全把关): every order in their line replied in the month.

Each is marked audited (审核无误) or sent back for re-handling with an instruction (批示重办),
which reaches the department as a returned order. Both are ordinary commands: checked offline,
queued, synced like everything else.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casework.lifecycle import Command
from desktop.measures import recent_months
from desktop.reads import Directory, audited_by
from desktop.workspace import Workspace
from ui.actions import record_command
from ui.errors import present_error, show_message
from ui.labels import Names, command_label, local_time, plain_tip, result_label, state_label


class AuditQueue(QWidget):
    """The queue for one month; ``open_order(id)`` asks the window to show an order."""

    open_order = Signal(int)
    loaded = Signal(int)  # orders in the queue

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.orders: list[dict[str, Any]] = []
        self.month = QComboBox()
        for month in recent_months(datetime.now(UTC), 12):
            self.month.addItem(
                self.tr("%1年%2月").replace("%1", str(month.year)).replace("%2", str(month.month)), month
            )
        self.month.currentIndexChanged.connect(self.refresh)
        self.progress = QLabel()
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("工单编号"),
                self.tr("标题"),
                self.tr("主办单位"),
                self.tr("办理结果"),
                self.tr("状态"),
                self.tr("审核"),
            ]
        )
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in {0: 150, 2: 150, 3: 100, 4: 100, 5: 80}.items():
            self.table.setColumnWidth(column, width)  # an order number (GY20261128-0042) fits whole
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.cellDoubleClicked.connect(lambda row, _: self._open(row))
        self.mark = QPushButton(command_label(Command.MARK_AUDITED))
        self.mark.setToolTip(self.tr("标记为已审核（Ctrl+Shift+M）"))
        self.mark.setShortcut("Ctrl+Shift+M")
        self.mark.clicked.connect(lambda: self.mark_selected())  # not clicked(bool) as the comment
        self.reopen = QPushButton(self.tr("批示重办…"))
        self.reopen.clicked.connect(lambda: self.reopen_selected())  # not clicked(bool) as the instruction
        self.view = QPushButton(self.tr("查看工单"))
        self.view.clicked.connect(lambda: self._open(self.table.currentRow()))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("审核月份")))
        top.addWidget(self.month)
        top.addWidget(self.progress, 1)
        top.addWidget(self.view)
        top.addWidget(self.reopen)
        top.addWidget(self.mark)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._generation = 0  # answers to superseded queries are dropped
        # A bound slot (not a lambda): disconnected when this widget goes. Any change — the first sync
        # bringing the month's orders, a mark recorded here (its local effect adds the audit mark) —
        # refills the queue.
        workspace.changed.connect(self._on_changed)
        self._selection_changed()
        self.refresh()

    def _on_changed(self, _ids: Any) -> None:
        self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.refresh()  # opened: what the store holds now, whatever happened while hidden

    def refresh(self) -> None:
        month = self.month.currentData()
        leader = self.workspace.user.id
        self._generation += 1
        generation = self._generation
        self.workspace.runner.run(
            self.workspace.reads.audit_queue,
            leader,
            month,
            label="audit-queue",
            on_done=lambda result: self._show(result) if generation == self._generation else None,
            owner=self,
        )

    def _show(self, result: tuple[list[dict[str, Any]], Directory]) -> None:
        orders, names = result[0], Names(result[1])
        selected = self.selected()
        self.orders = orders
        leader = self.workspace.user.id
        self.table.setRowCount(len(orders))
        for row, order in enumerate(orders):
            done = audited_by(order, leader)
            last = (order.get("replies") or [{}])[-1]
            values = [
                order["number"],
                order["title"],
                names.department(order.get("lead_department_id")),
                result_label(last.get("result_code")),
                state_label(order["state"]),
                self.tr("已审核") if done else self.tr("待审核"),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, order["id"])
                if column == 1:
                    item.setToolTip(
                        plain_tip(f"{order['title']}\n{local_time(last.get('at'))}\n{last.get('text', '')}")
                    )
                if column == 5:
                    item.setForeground(Qt.GlobalColor.darkGreen if done else Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        audited = sum(audited_by(o, leader) for o in orders)
        self.progress.setText(self.tr("已审核 %1 / %2 件").replace("%1", str(audited)).replace("%2", str(len(orders))))
        if selected is not None:
            self.select(selected["id"])
        self._selection_changed()
        self.loaded.emit(len(orders))

    def select(self, order_id: int) -> None:
        for row, order in enumerate(self.orders):
            if order["id"] == order_id:
                self.table.selectRow(row)

    def selected(self) -> dict[str, Any] | None:
        row = self.table.currentRow()
        return self.orders[row] if 0 <= row < len(self.orders) and self.table.selectedItems() else None

    def _selection_changed(self) -> None:
        order = self.selected()
        allowed = set((order or {}).get("allowed_commands") or [])
        self.mark.setEnabled("mark_audited" in allowed and not audited_by(order or {}, self.workspace.user.id))
        self.reopen.setEnabled("reopen" in allowed)
        self.view.setEnabled(order is not None)

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.orders):
            self.open_order.emit(self.orders[row]["id"])

    def mark_selected(self, comment: str | None = None) -> None:
        order = self.selected()
        if order is None or not self.mark.isEnabled():
            return
        body = {"comment": comment or ""}
        # The leader goes on down the list: the next order still to audit is selected once this one is marked.
        row = self.orders.index(order)
        leader = self.workspace.user.id
        following = [o for o in self.orders[row + 1 :] + self.orders[:row] if not audited_by(o, leader)]
        record_command(
            self.workspace, order["id"], Command.MARK_AUDITED, body,
            on_done=lambda: self.select(following[0]["id"]) if following else None,
            on_error=lambda exc: present_error(self, exc, on_bug=self.workspace.runner.error.emit), owner=self,
        )  # fmt: skip

    def reopen_selected(self, instruction: str | None = None) -> None:
        """批示重办 on the selected order: asks for the instruction (a dialog that does not block) unless given."""
        order = self.selected()
        if order is None or not self.reopen.isEnabled():
            return
        if instruction is None:
            dialog = QInputDialog(self)
            dialog.setInputMode(QInputDialog.InputMode.TextInput)
            dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
            dialog.setWindowTitle(self.tr("批示重办 — %1").replace("%1", order["number"]))
            dialog.setLabelText(
                self.tr("工单 %1：%2\n批示（将随工单退回承办单位）：")
                .replace("%1", order["number"])
                .replace("%2", order["title"])
            )
            dialog.textValueSelected.connect(lambda text: self._reopen(order, text))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.instruction_dialog = dialog
            dialog.open()
            return
        self._reopen(order, instruction)

    def _reopen(self, order: dict[str, Any], instruction: str) -> None:
        if not instruction.strip():
            show_message(self, self.tr("批示重办"), self.tr("重办需要填写批示。"))
            return
        body = {"instruction": instruction.strip()}
        record_command(
            self.workspace, order["id"], Command.REOPEN, body,
            on_error=lambda exc: present_error(self, exc, on_bug=self.workspace.runner.error.emit), owner=self,
        )  # fmt: skip
