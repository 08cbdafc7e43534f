"""The window's menu bar (文件/视图/工具/帮助) and the work list's right-click menu.

Built onto a MainWindow from outside its own building code; every action reaches the window through
its public parts (signals, the sidebar, the order view, the dashboard's exports, the print preview).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit, QMenu

from casework.lifecycle import Command
from ui.about import AboutDialog, PreferencesDialog
from ui.actions import DESK_COMMANDS
from ui.change_password import ChangePasswordDialog
from ui.devices import DevicesDialog
from ui.labels import command_label

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def data_root(window: MainWindow) -> Path:
    """The data folder (settings, logs, profiles): a profile lives in <data>/profiles/<name>."""
    explicit = getattr(window, "data_dir", None)
    return Path(explicit) if explicit else window.workspace.root.parent.parent


class WindowMenus(QObject):
    """The menu bar's actions, by name, for the application and the tests to reach."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: Any = None  # the one small dialog open from the menus (about, preferences, server)
        bar = window.menuBar()

        self.file_menu = bar.addMenu(self.tr("文件(&F)"))
        self.export_ledger = self._add(self.file_menu, self.tr("导出台账…"), self._export_ledger)
        self.export_ledger.setToolTip(self.tr("把统计页所选月份的工单导出为 Excel 工作台账"))
        self.print_sheet = self._add(
            self.file_menu, self.tr("打印回复单…"), self._print_sheet, QKeySequence(QKeySequence.StandardKey.Print)
        )
        self.file_menu.addSeparator()
        self.devices = self._add(self.file_menu, self.tr("登录设备…"), self.show_devices)
        self.sign_out = self._add(self.file_menu, self.tr("注销"), window.sign_out.emit)
        self.switch_server = self._add(self.file_menu, self.tr("切换服务器…"), self._ask_server)
        self.file_menu.addSeparator()
        self.quit = self._add(self.file_menu, self.tr("退出"), window.close, QKeySequence("Ctrl+Q"))
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.view_menu = bar.addMenu(self.tr("视图(&V)"))
        self.lists_menu = self.view_menu.addMenu(self.tr("工作列表"))
        for action in window.list_actions:
            self.lists_menu.addAction(action)
        self.columns_menu = self.view_menu.addMenu(self.tr("列"))
        self.columns_menu.aboutToShow.connect(self._fill_columns)
        self._fill_columns()
        self.language_menu = self.view_menu.addMenu(self.tr("语言"))
        group = QActionGroup(self)
        self.languages: dict[str, QAction] = {}
        for code, name in (("zh", "中文"), ("en", "English")):
            action = self.language_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(window.language == code)
            action.triggered.connect(lambda _=False, c=code: self._language(c))
            group.addAction(action)
            self.languages[code] = action

        self.tools_menu = bar.addMenu(self.tr("工具(&T)"))
        self.tools_menu.addAction(window.sync_action)
        self.tools_menu.addAction(window.find_action)
        self.tools_menu.addAction(window.knowledge_action)
        self.tools_menu.addSeparator()
        self.change_password = self._add(self.tools_menu, self.tr("更改密码…"), self.show_change_password)
        self.preferences = self._add(self.tools_menu, self.tr("首选项…"), self.show_preferences, QKeySequence("Ctrl+,"))
        self.preferences.setMenuRole(QAction.MenuRole.PreferencesRole)

        self.help_menu = bar.addMenu(self.tr("帮助(&H)"))
        self.about = self._add(self.help_menu, self.tr("关于 CaseDesk"), self.show_about)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)

    def _add(self, menu: QMenu, text: str, slot: Any, keys: QKeySequence | None = None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _=False: slot())
        if keys is not None and not keys.isEmpty():
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        return action

    # --- 文件 ---------------------------------------------------------------------------------

    def _export_ledger(self) -> None:
        self.window.dashboard.export_ledger()

    def _print_sheet(self) -> None:
        self.window.printer.preview(self.window.order_view.order_id)

    def _ask_server(self) -> None:
        dialog = QInputDialog(self.window)
        dialog.setObjectName("server_dialog")
        dialog.setWindowTitle(self.tr("切换服务器"))
        dialog.setLabelText(self.tr("服务器地址（切换后需重新登录；本机数据按服务器和用户分开保存）："))
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setTextValue(self.window.workspace.server_url)
        dialog.textValueSelected.connect(self._server_chosen)
        self.dialog = dialog
        dialog.open()

    def _server_chosen(self, url: str) -> None:
        url = url.strip().rstrip("/")
        if url and url != self.window.workspace.server_url:
            self.window.switch_server.emit(url)

    def show_devices(self) -> DevicesDialog:
        dialog = DevicesDialog(self.window.workspace, self.window)
        dialog.sign_out_requested.connect(self.window.sign_out.emit)  # ending this desk's own session
        self.dialog = dialog
        dialog.open()
        return dialog

    # --- 视图 ---------------------------------------------------------------------------------

    def _fill_columns(self) -> None:
        """One checkable entry per column of the work list, as the table shows them now."""
        self.columns_menu.clear()
        table, model = self.window.table, self.window.model
        for column in range(model.columnCount()):
            action = self.columns_menu.addAction(model.headerData(column, Qt.Orientation.Horizontal))
            action.setCheckable(True)
            action.setChecked(not table.isColumnHidden(column))
            action.toggled.connect(lambda on, c=column: table.setColumnHidden(c, not on))
        self.columns_menu.addSeparator()
        self.columns_menu.addAction(self.tr("恢复默认列宽"), self.window.reset_columns)

    def _language(self, code: str) -> None:
        if code != self.window.language:
            self.window.switch_language.emit(code)

    # --- 工具 / 帮助 -----------------------------------------------------------------------------

    def show_preferences(self) -> PreferencesDialog:
        window = self.window
        dialog = PreferencesDialog(getattr(window, "settings", None), window.language, data_root(window), window)
        dialog.language_chosen.connect(window.switch_language.emit)
        self.dialog = dialog
        dialog.open()
        return dialog

    def show_change_password(self) -> ChangePasswordDialog:
        """工具 → 更改密码…: any user's own password; the other desks of the user are signed out."""
        window = self.window
        dialog = ChangePasswordDialog(window.workspace, window.language, parent=window)
        dialog.changed.connect(
            lambda _user: window.statusBar().showMessage(self.tr("密码已更改；您在其他电脑上的登录已注销"), 15_000)
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def show_about(self) -> AboutDialog:
        window = self.window
        user = window.workspace.user
        dialog = AboutDialog(window.workspace.server_url, user.name, user.role.value, data_root(window), window)
        self.dialog = dialog
        dialog.open()
        return dialog


class RowMenu(QObject):
    """Right-click (or the menu key) on a row of the work list: open it, the commands it allows, copy its number."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.menu: QMenu | None = None
        self._pending: tuple[int, Command] | None = None
        window.order_view.loaded.connect(self._loaded)
        window.order_view.missing.connect(self._dropped)
        table = window.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self.show_at)

    def show_at(self, position: QPoint) -> QMenu | None:
        window, table = self.window, self.window.table
        index = table.indexAt(position)
        if not index.isValid():
            return None
        row = window.model.row(index.row())
        if row is None:
            return None
        if table.currentIndex().row() != index.row():
            table.setCurrentIndex(index)  # the pane shows the order the menu acts on
        menu = QMenu(table)
        menu.setObjectName("row_menu")
        menu.addAction(self.tr("打开"), lambda: self._open(row["id"]))
        allowed = [c for c in DESK_COMMANDS if f",{c.value}," in (row.get("actions") or "")]
        if allowed:
            menu.addSeparator()
            for command in allowed:
                menu.addAction(command_label(command.value), lambda c=command, i=row["id"]: self._act(i, c))
        menu.addSeparator()
        menu.addAction(self.tr("复制工单编号"), lambda: QApplication.clipboard().setText(row["number"]))
        menu.addAction(self.tr("打印回复单…"), lambda: window.printer.preview(row["id"]))
        menu.aboutToHide.connect(menu.deleteLater)
        self.menu = menu
        menu.popup(table.viewport().mapToGlobal(position))
        return menu

    def _open(self, order_id: int) -> None:
        view = self.window.order_view
        if view.order_id != order_id:
            view.show_order(order_id)
        view.setFocus(Qt.FocusReason.PopupFocusReason)

    def _act(self, order_id: int, command: Command) -> None:
        """Do ``command`` on the order once the pane shows it (the bar acts on the order in view only)."""
        view = self.window.order_view
        self._pending = None
        if view.order_id == order_id and view.order is not None and view.order.get("id") == order_id:
            view.actions.trigger(command)
            return
        self._pending = (order_id, command)  # done when that order is loaded; dropped if another one is
        if view.order_id != order_id:
            view.show_order(order_id)

    def _loaded(self, order_id: int) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] == order_id:
            self.window.order_view.actions.trigger(pending[1])

    def _dropped(self, _order_id: int) -> None:
        self._pending = None
