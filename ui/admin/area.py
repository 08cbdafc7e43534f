"""The 管理 tab: five tabs sharing one directory read from the server, a line saying what happened,
and a plain word when the server cannot be reached (the admin screens work online only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop.admin import Directory, Offline
from desktop.tasks import Lane
from desktop.workspace import Workspace
from ui.admin.calendar import CalendarPage
from ui.admin.chains import ChainsPage
from ui.admin.org import CategoriesPage, DepartmentsPage, UsersPage
from ui.errors import message_of, present_error


class AdminArea(QWidget):
    """``loaded`` after the directory is shown; ``saved`` after the server accepted a change."""

    loaded = Signal()
    saved = Signal(object)  # what the server answered
    failed = Signal(str)  # the message shown

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.admin = workspace.administration()
        self.directory: Directory | None = None
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setObjectName("admin_notice")
        self.reload_button = QPushButton(self.tr("刷新"))
        self.reload_button.clicked.connect(self.reload)
        self.departments = DepartmentsPage(self)
        self.users = UsersPage(self)
        self.categories = CategoriesPage(self)
        self.chains = ChainsPage(self)
        self.calendar = CalendarPage(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.departments, self.tr("部门"))
        self.tabs.addTab(self.users, self.tr("人员"))
        self.tabs.addTab(self.categories, self.tr("分类"))
        self.tabs.addTab(self.chains, self.tr("审核链"))
        self.tabs.addTab(self.calendar, self.tr("工作日历"))
        top = QHBoxLayout()
        top.addWidget(self.notice, 1)
        top.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self._loaded_once = False

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self.reload()

    def reload(self) -> None:
        """Read everything again from the server (network lane)."""
        self._loaded_once = True
        self.notice.setText(self.tr("正在从服务器读取…"))
        self.call(self.admin.directory, on_done=self._show)
        self.chains.refresh()
        self.calendar.refresh()

    def _show(self, directory: Directory) -> None:
        self.directory = directory
        for page in (self.departments, self.users, self.categories):
            page.fill()
        if self.notice.text() == self.tr("正在从服务器读取…"):
            self.notice.setText(self.tr("以下为服务器上的当前数据；每项修改都记入审计日志。"))
        self.loaded.emit()

    def call(
        self, fn: Callable[..., Any], *args: Any, done: str = "", on_done: Callable[[Any], None] | None = None
    ) -> None:
        """Run a call to the server off the UI thread; a change (``done`` said) reloads the directory."""

        def succeeded(result: Any) -> None:
            if on_done is not None:
                on_done(result)
            if done:
                self.notice.setText(done)
                self.saved.emit(result)
                self.call(self.admin.directory, on_done=self._show)

        self.workspace.runner.run(
            fn, *args, lane=Lane.NETWORK, label="admin", on_done=succeeded, on_error=self._failed, owner=self
        )

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, Offline):
            text = self.tr("管理功能需要连接服务器：现在连不上服务器，请联网后点“刷新”。（修改没有保存。）")
            self.notice.setText(text)
        else:
            text = message_of(error)
            self.notice.setText(text)
            present_error(self, error, title=self.tr("服务器未接受修改"))
        self.failed.emit(text)
