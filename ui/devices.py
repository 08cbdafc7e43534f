"""Desks (signed-in devices): a table any screen can embed, the user's own 登录设备 dialog, and the
text that tells a revoked desk's user which unsent edits were discarded.

:class:`DeviceTable` shows name, last seen (Beijing time), address and state, with one button a
row; what the button does is the embedding screen's: 结束 (end a session) in the user's dialog,
停用 (revoke) on an administrator's screen. It emits ``action_clicked(device id)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casework.devices import DeviceOut, LostEdit
from desktop.workspace import Workspace
from ui.errors import present_error
from ui.labels import command_label, local_time, time_zone_note

NAME, LAST_SEEN, ADDRESS, STATE, ACTION = range(5)


class DeviceTable(QTableWidget):
    """Desks, one a row, each with a button (``action_text``); revoked desks have none. The desk this
    window runs on gets ``current_text`` (注销 in the user's own list), or no button where that is None
    (an administrator does not revoke the desk they are sitting at: that would erase it under them).

    Signals:
        action_clicked(int): the button of the desk with this id was clicked.
    """

    action_clicked = Signal(int)

    def __init__(self, action_text: str, parent: QWidget | None = None, current_text: str | None = None) -> None:
        super().__init__(0, 5, parent)
        self.action_text = action_text
        self.current_text = current_text
        self.devices: list[DeviceOut] = []
        self.setHorizontalHeaderLabels(
            [
                self.tr("设备名称"),
                self.tr("最近活动（%1）").replace("%1", time_zone_note()),
                self.tr("IP 地址"),
                self.tr("状态"),
                "",
            ]
        )
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in (LAST_SEEN, ADDRESS, STATE, ACTION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def set_devices(self, devices: Sequence[DeviceOut]) -> None:
        self.devices = list(devices)
        self.setRowCount(len(self.devices))
        for row, device in enumerate(self.devices):
            name = QTableWidgetItem(device.name)
            name.setToolTip(device.user_agent)  # a tooltip of plain text: Qt shows it as such
            self.setItem(row, NAME, name)
            self.setItem(row, LAST_SEEN, QTableWidgetItem(local_time(device.last_seen)))
            self.setItem(row, ADDRESS, QTableWidgetItem(device.last_ip))
            self.setItem(row, STATE, QTableWidgetItem(state_text(device)))
            text = self.current_text if device.current else self.action_text
            if device.revoked_at is None and text is not None:
                button = QPushButton(text)
                button.setObjectName(f"device_action_{device.id}")
                button.clicked.connect(lambda _=False, d=device.id: self.action_clicked.emit(d))
                self.setCellWidget(row, ACTION, button)
            else:
                self.removeCellWidget(row, ACTION)

    def button(self, device_id: int) -> QPushButton | None:
        """The row's button (for tests and the embedding screen)."""
        found = self.findChild(QPushButton, f"device_action_{device_id}")
        return found if isinstance(found, QPushButton) else None


def state_text(device: DeviceOut) -> str:
    if device.wiped_at is not None:
        return QCoreApplication.translate("DeviceTable", "已停用，数据已清除")
    if device.revoked_at is not None:
        return QCoreApplication.translate("DeviceTable", "已吊销")
    if device.current:
        return QCoreApplication.translate("DeviceTable", "本机")
    if device.signed_in:
        return QCoreApplication.translate("DeviceTable", "已登录")
    return QCoreApplication.translate("DeviceTable", "未登录")


class DevicesDialog(QDialog):
    """文件 → 登录设备…: the user's signed-in desks; 结束 signs one out (this one: 注销).

    Signals:
        sign_out_requested(): the user ended this desk's own session.
    """

    sign_out_requested = Signal()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setObjectName("devices_dialog")
        self.setWindowTitle(self.tr("登录设备"))
        self.note = QLabel(
            self.tr("您的账号当前在以下设备上登录。结束不认识的设备；丢失的电脑请联系系统管理员停用并清除其数据。")
        )
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.table = DeviceTable(self.tr("结束"), self, current_text=self.tr("注销"))
        self.table.action_clicked.connect(self._end)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.reload_button = buttons.addButton(self.tr("刷新"), QDialogButtonBox.ButtonRole.ActionRole)
        self.reload_button.clicked.connect(self.reload)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 280)
        self.error_box: Any = None
        self.reload()

    def reload(self) -> None:
        self.workspace.devices.mine(on_done=self.table.set_devices, on_error=self._failed, owner=self)

    def _end(self, device_id: int) -> None:
        device = next((d for d in self.table.devices if d.id == device_id), None)
        if device is not None and device.current:
            self.accept()
            self.sign_out_requested.emit()
            return
        self.workspace.devices.end(device_id, on_done=lambda _: self.reload(), on_error=self._failed, owner=self)

    def _failed(self, error: BaseException) -> None:
        self.error_box = present_error(self, error)


def lost_text(lost: Sequence[LostEdit]) -> str:
    """The discarded edits, one a line: what kind of edit, order number and title."""

    def kind(command: str) -> str:
        if command.startswith("draft:"):
            return QCoreApplication.translate("DeviceTable", "未保存的草稿")
        return command_label(command)

    return "\n".join(f"· {kind(e.command)}：{e.order_number}  {e.title}" for e in lost)
