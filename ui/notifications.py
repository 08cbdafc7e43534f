"""The user's notifications: deadline warnings, overdue escalation, 督办, 催办 and 督办反馈.

:class:`NotificationPanel` lists them (newest first, unread in bold) with 标为已读 and 全部已读;
double-clicking one opens its order. :class:`Announcer` tells the user of new ones as they arrive:
a tray message with a sound where the desktop has a tray, the status bar and the taskbar otherwise
— nothing that waits for the user or fails where there is no desktop (offscreen tests).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSystemTrayIcon,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casework.notifications import NotificationKind
from desktop.workspace import Workspace
from ui.labels import Names, deadline_kind_label, local_time, notification_kind_label


def _lead(minutes: int | None) -> str:
    if not minutes:
        return ""
    if minutes % 60 == 0:
        return QCoreApplication.translate("Notifications", "%1小时").replace("%1", str(minutes // 60))
    return QCoreApplication.translate("Notifications", "%1分钟").replace("%1", str(minutes))


def notification_text(n: dict[str, Any], names: Names) -> str:
    """What the notification says, in the UI's language (plain text: the issuer's words are data)."""
    order = (
        QCoreApplication.translate("Notifications", "工单 %1「%2」")
        .replace("%1", n.get("order_number") or "")
        .replace("%2", n.get("order_title") or "")
    )
    deadline = deadline_kind_label(n.get("deadline"))
    due = local_time(n.get("due_at"))
    kind = n.get("kind")
    opening = order[:1].upper() + order[1:]  # the order begins the warnings' sentences ("Order …" in English)
    if kind == "deadline_warning":
        return (
            QCoreApplication.translate("Notifications", "%1的%2将于 %3 到期（提前%4提醒）")
            .replace("%1", opening)
            .replace("%2", deadline)
            .replace("%3", due)
            .replace("%4", _lead(n.get("lead_minutes")))
        )
    if kind == "overdue":
        level = int(n.get("level") or 0)
        text = (
            QCoreApplication.translate("Notifications", "%1已超过%2（%3）")
            .replace("%1", opening)
            .replace("%2", deadline)
            .replace("%3", due)
        )
        if level == 1:
            text += QCoreApplication.translate("Notifications", "，请单位负责人督促办理")
        elif level >= 2:
            text += QCoreApplication.translate("Notifications", "，已报市分管领导")
        return text
    who = n.get("actor_name") or names.user(n.get("actor_id"))
    words = n.get("text") or ""
    if kind == "supervision_feedback":
        template = QCoreApplication.translate("Notifications", "%1 对%2的督办反馈：%3")
    elif kind == "remind":
        template = QCoreApplication.translate("Notifications", "%1 催办%2：%3")
    elif kind == "supervise":
        template = QCoreApplication.translate("Notifications", "%1 督办%2：%3")
    else:  # a kind a newer server added: the order, what it says and when (its codes would say nothing)
        if due:
            words += QCoreApplication.translate("Notifications", "（%1）").replace("%1", due)
        return QCoreApplication.translate("Notifications", "%1：%2").replace("%1", opening).replace("%2", words)
    return template.replace("%1", who).replace("%2", order).replace("%3", words).rstrip("：: ")


class NotificationPanel(QWidget):
    """The notification list. ``open_order(order_id)`` on a double-click; ``unread_changed(count)``."""

    open_order = Signal(int)
    unread_changed = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.unread = 0
        self.heading = QLabel()
        self.list = QTreeWidget()
        self.list.setObjectName("notification_list")
        self.list.setHeaderLabels([self.tr("时间"), self.tr("类型"), self.tr("内容")])
        self.list.setRootIsDecorated(False)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        # The time and the type, whole, in the bold of an unread row (a type's name is longer in English).
        bold = QFont(self.list.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        widest = (local_time("2026-12-28T23:58:00+08:00"), *(notification_kind_label(k) for k in NotificationKind))
        for column, texts in enumerate((widest[:1], widest[1:])):
            self.list.setColumnWidth(column, max(metrics.horizontalAdvance(t) for t in texts) + 20)
        self.list.itemDoubleClicked.connect(self._open)
        self.list.itemSelectionChanged.connect(self._enable_read)
        self.read_button = QPushButton(self.tr("标为已读"))
        self.read_button.setObjectName("mark_read")
        self.read_button.clicked.connect(self._mark_selected)
        self.read_all_button = QPushButton(self.tr("全部已读"))
        self.read_all_button.setObjectName("mark_all_read")
        self.read_all_button.clicked.connect(lambda: self.workspace.mark_notifications_read(None))
        buttons = QHBoxLayout()
        buttons.addWidget(self.heading, 1)
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.read_all_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.list, 1)
        hint = QLabel(self.tr("双击一条通知打开其工单"))
        hint.setStyleSheet("color: #777;")
        layout.addWidget(hint)
        # Bound methods of this widget: the connections go with it (a lambda would outlive it).
        workspace.notified.connect(self.refresh)
        workspace.notifications_changed.connect(self.refresh)
        workspace.changed.connect(self._on_changed)
        self.refresh()

    def _on_changed(self, _order_ids: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.workspace.runner.run(
            self.workspace.reads.notifications, label="notifications", on_done=self._show, owner=self
        )

    def _show(self, found: tuple[list[dict[str, Any]], int, Any]) -> None:
        notifications, unread, directory = found
        names = Names(directory)
        selected = {item.data(0, Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()}
        self.list.clear()
        for n in notifications:
            item = QTreeWidgetItem(
                [
                    local_time(n.get("created_at")),
                    notification_kind_label(n.get("kind", "")),
                    notification_text(n, names),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, n["id"])
            item.setData(1, Qt.ItemDataRole.UserRole, n.get("order_id"))
            item.setToolTip(2, item.text(2))
            item.setData(2, Qt.ItemDataRole.UserRole, n.get("read_at") is None)  # unread
            if n.get("read_at") is None:
                font = QFont(self.list.font())
                font.setBold(True)
                for column in range(3):
                    item.setFont(column, font)
            self.list.addTopLevelItem(item)
            item.setSelected(n["id"] in selected)
        self.heading.setText(self.tr("%1 条未读").replace("%1", str(unread)) if unread else self.tr("没有未读通知"))
        self.read_all_button.setEnabled(unread > 0)
        self._enable_read()
        if unread != self.unread:
            self.unread = unread
        self.unread_changed.emit(unread)

    def _enable_read(self) -> None:
        """标为已读 while an unread notification is selected, and only then."""
        self.read_button.setEnabled(any(item.data(2, Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()))

    def _mark_selected(self) -> None:
        ids = [item.data(0, Qt.ItemDataRole.UserRole) for item in self.list.selectedItems()]
        if ids:
            self.workspace.mark_notifications_read(ids)

    def _open(self, item: QTreeWidgetItem) -> None:
        self.workspace.mark_notifications_read([item.data(0, Qt.ItemDataRole.UserRole)])
        order_id = item.data(1, Qt.ItemDataRole.UserRole)
        if order_id:
            self.open_order.emit(int(order_id))


class Announcer(QObject):
    """Tells the user of notifications that arrived: the tray (with a sound) where there is one, the
    status bar and the taskbar always. Never modal, never blocking. A child of the window: it goes
    with it, and so does its connection to the workspace."""

    def __init__(self, window: QMainWindow, workspace: Workspace, tray: QSystemTrayIcon | None) -> None:
        super().__init__(window)
        self.window, self.workspace, self.tray = window, workspace, tray
        self.announced: list[str] = []  # what was said, newest last (for the status bar and tests)
        workspace.notified.connect(self.announce)

    def announce(self) -> None:
        self.workspace.runner.run(
            self.workspace.reads.to_announce, label="notifications", on_done=self._say, owner=self.window
        )

    def _say(self, found: tuple[list[dict[str, Any]], Any]) -> None:
        notifications, directory = found
        if not notifications:
            return
        names = Names(directory)
        latest = notification_text(notifications[-1], names)
        if len(notifications) == 1:
            title = notification_kind_label(notifications[-1].get("kind", ""))
            message = latest
        else:
            title = QCoreApplication.translate("Notifications", "%1 条新通知").replace("%1", str(len(notifications)))
            message = latest
        self.announced.append(message)
        urgent = any(n.get("kind") in ("overdue", "supervise") for n in notifications)
        icon = QSystemTrayIcon.MessageIcon.Warning if urgent else QSystemTrayIcon.MessageIcon.Information
        if self.tray is not None and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(title, message, icon, 10_000)
        QApplication.beep()
        shown = QCoreApplication.translate("Notifications", "%1：%2").replace("%1", title).replace("%2", message)
        self.window.statusBar().showMessage(shown if len(notifications) > 1 else message, 15_000)
        QApplication.alert(self.window)
