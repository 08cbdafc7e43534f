"""The application: first run with the bundled server, sign-in, the window, switching user or language."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QProgressDialog, QWidget

from desktop import crash
from desktop.devices import DeviceRevoked, Wiped
from desktop.embedded import DEMO_USERS, SERVER_EXTRA, EmbeddedServer, ServerNotInstalled
from desktop.errors import ApiError, Unauthorized
from desktop.i18n import Languages
from desktop.profile_key import ProfileLocked
from desktop.session import DeskWiped, NoOfflineCopy, OfflineLocked, confirm, open_cached, resume, sign_in
from desktop.tasks import Lane, TaskRunner
from desktop.workspace import Workspace
from ui.about import DEFAULT_SYNC_INTERVAL
from ui.change_password import ChangePasswordDialog
from ui.devices import lost_text
from ui.errors import present_error, show_message
from ui.lock import DEFAULT_IDLE_MINUTES, IDLE_LOCK_SETTING, IdleLock
from ui.sign_in import SignInDialog

if TYPE_CHECKING:  # the window's modules load while the desk opens (a sign-in dialog needs none of them)
    from ui.main_window import MainWindow

log = logging.getLogger("casedesk")

#: Names a file: once the first window shows (the list's first rows painted, or the sign-in dialog),
#: the app writes there when, which window, and the modules imported by then — for ``bench.desktop``'s
#: cold start, and the test that a desk talking to a remote server never loads the server's code.
START_TRACE = "CASEDESK_START_TRACE"

#: main.py holds Python's cyclic garbage collector off while the desk starts (issue 14: ~240 passes
#: over the young objects of the imports and the first window, ~0.05 s of CPU, for ~1,500 objects
#: to free): it runs again (:func:`collect_again`) once the first window has shown (the
#: list's first rows, or the sign-in dialog), or after this long (ms) whatever the start does (a
#: demo city seeded, an error shown).
COLLECTOR_OFF_AT_MOST_MS = 5000


def collect_again() -> None:
    """The garbage collector on again, if main.py held it off: what the start made (~100,000 objects:
    modules, classes, the window) is frozen first — kept out of every later pass, so the first full
    pass, ~0.05 s on the UI thread just after the first rows, never comes, nor its repeats over the
    same objects. The price: a cycle among them that is garbage already (~1,500 objects at the first
    rows of a remembered desk) or becomes garbage later (the first window's, replaced when the
    language changes) is never collected."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


#: At most this long (ms) the background work of a start waits for the first paint it must not slow
#: (the demo server for the splash, the first sync for the list's first rows): a window never painted
#: (started minimised, say) does not keep it waiting.
FIRST_PAINT_WAIT_MS = 2000


class _FirstPaint(QObject):
    """Calls ``then`` once, from the event loop, after ``widget``'s first paint (see :func:`after_painted`)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(QApplication.instance())  # not the widget's: its deletion must not lose ``then``
        self.then: Callable[[], None] | None = then
        widget.installEventFilter(self)
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self, self.fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.then is not None:
            QTimer.singleShot(0, self, self.fire)  # once this paint is done
        return False

    def fire(self) -> None:
        then, self.then = self.then, None
        if then is not None:
            self.deleteLater()
            then()


def after_painted(widget: QWidget, then: Callable[[], None]) -> None:
    """Run ``then`` once ``widget`` has been painted (or after :data:`FIRST_PAINT_WAIT_MS`): a thread
    started before the first paint takes the interpreter from it (issue 14: the demo server's imports)."""
    _FirstPaint(widget, then)


def _load_window_code() -> None:
    """Import the main window's modules (the first window needs them; :meth:`CaseDeskApp._build_window`
    imports it again, then for nothing)."""
    import ui.main_window  # noqa: F401


def default_data_dir() -> Path:
    return Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation) or Path.home() / ".casedesk"
    )


class CaseDeskApp(QObject):
    """Owns the runner, the languages, the current workspace and window."""

    def __init__(self, qapp: QApplication, args: argparse.Namespace) -> None:
        super().__init__()
        self.qapp = qapp
        self.args = args
        self.data_dir: Path = args.data_dir or default_data_dir()
        self.settings = QSettings(str(self.data_dir / "settings.ini"), QSettings.Format.IniFormat)
        self.languages = Languages(qapp)
        self.languages.use(args.lang or str(self.settings.value("language", "zh")))
        self.runner = TaskRunner(self)
        self.runner.error.connect(self._task_failed)
        self.embedded: EmbeddedServer | None = None
        self.workspace: Workspace | None = None
        self.window: MainWindow | None = None
        self._asked_for: Workspace | None = None  # the desk whose expired session was asked about
        self._erasing: Workspace | None = None  # the revoked desk being erased
        self.erased_box: QMessageBox | None = None
        self._splash: QProgressDialog | None = None
        self._traced = not os.environ.get(START_TRACE)
        self._first_shown = False
        QTimer.singleShot(COLLECTOR_OFF_AT_MOST_MS, self, collect_again)
        self._shut_down = False
        crash.log_to(self.data_dir / "logs")
        crash.install(self.data_dir / "crash-reports", self._show_crash)

    # --- start ------------------------------------------------------------------------------------

    def start(self) -> None:
        server = self.args.server or str(self.settings.value("server", "") or "")
        if server:
            self._start_remote(server)
        else:
            self._start_embedded()

    def _start_embedded(self) -> None:
        self.embedded = EmbeddedServer(self.data_dir / "demo-server", orders=self.args.demo_orders)
        first = self.embedded.first_start
        self._show_splash(
            self.tr("首次启动：正在生成演示数据（约需半分钟）…") if first else self.tr("正在启动内置服务器…")
        )
        embedded = self.embedded

        def start() -> None:  # the server's imports take the interpreter for a second: after the splash shows
            if self._shut_down:
                return
            self.runner.run(
                embedded.start,
                lane=Lane.NETWORK,
                label="embedded",
                on_done=self._embedded_ready,
                on_error=self._fatal,
                owner=self,
            )

        assert self._splash is not None
        after_painted(self._splash, start)

    def _embedded_ready(self, url: str) -> None:
        self._sign_in_as_demo(url, self.args.user or "handler")

    def _sign_in_as_demo(self, url: str, username: str) -> None:
        self.runner.run(
            sign_in,
            url,
            username,
            self.embedded.password if self.embedded is not None else "",
            self.data_dir,
            self.runner,
            lane=Lane.NETWORK,
            label="sign-in",
            on_done=self._open,
            on_error=self._fatal,
            owner=self,
        )

    def _start_remote(self, server: str) -> None:
        """A remembered desk opens on its cached rows at once, then asks the server (:meth:`_confirm`);
        one that cannot open without the server (:func:`desktop.session.open_cached`) resumes first."""
        username = str(self.settings.value("username", "") or "")
        if not username:
            self._ask_sign_in(server, "")
            return
        self._show_splash(self.tr("正在连接 %1 …").replace("%1", server))

        def opened(workspace: Workspace | None) -> None:
            if workspace is None:
                self._resume(server, username)
            else:
                self._open(workspace, confirmed=False)

        self.runner.run(
            open_cached,
            server,
            username,
            self.data_dir,
            self.runner,
            lane=Lane.NETWORK,
            label="open-cached",
            on_done=opened,
            on_error=self._resume_failed(server, username),
            owner=self,
        )
        # The window's code loads while the cache is opened, once the splash is on screen.
        assert self._splash is not None
        after_painted(self._splash, _load_window_code)

    def _resume(self, server: str, username: str) -> None:
        """Ask the server first, then open the desk (online, or offline on the cache); under the splash."""
        self.runner.run(
            resume,
            server,
            username,
            self.data_dir,
            self.runner,
            lane=Lane.NETWORK,
            label="resume",
            on_done=self._open,
            on_error=self._resume_failed(server, username),
            owner=self,
        )

    def _resume_failed(self, server: str, username: str) -> Callable[[BaseException], None]:
        def failed(error: BaseException) -> None:
            self._close_splash()
            if isinstance(error, DeskWiped):  # revoked while it was closed: erased at this start
                self._ask_sign_in(server, "")
                self.show_erased(error.wiped)
                return
            # Offline without a kept session: the dialog says the password can open the local copy.
            # Likewise when the keyring lost the key of the encrypted local data: the password opens it.
            said = OfflineLocked | NoOfflineCopy | ProfileLocked
            note = error.message(self.languages.current) if isinstance(error, said) else ""
            self._ask_sign_in(server, username, note)

        return failed

    def _confirm(self, workspace: Workspace) -> None:
        """A desk opened on its cache asks the server what :func:`desktop.session.resume` would have
        asked before opening it; its sync starts only then. A revoked desk is erased and the user told
        (as when a sync finds it revoked); a refused session asks for the password (the cached desk
        stays behind the dialog, as offline); another server at this address, or a password change
        required, or any other failure closes this desk and starts again by asking the server first."""

        def done(go_on: bool) -> None:
            if self.workspace is not workspace or self._shut_down:
                return
            if go_on:
                self._offline_said(workspace)
                workspace.start_sync(interval=self._sync_interval())
                return
            window, self.workspace, self.window = self.window, None, None
            self._show_splash(self.tr("正在连接 %1 …").replace("%1", workspace.server_url))  # keeps the app open
            if window is not None:
                window.notice_on_close = False  # nothing to say: the same desk opens again
                window.close()
                window.deleteLater()
            workspace.stop()
            self._resume(workspace.server_url, workspace.user.username)

        def failed(error: BaseException) -> None:
            if self.workspace is not workspace or self._shut_down:
                return
            if isinstance(error, DeviceRevoked):
                self._erase(workspace, error)
            elif isinstance(error, Unauthorized):
                self._asked_for = workspace  # as when a sync is refused: asked once, the outbox waits
                self._ask_sign_in(workspace.server_url, workspace.user.username)
                workspace.start_sync(interval=self._sync_interval())
            else:  # any other failure: start as before (asking first), which says what went wrong
                done(False)

        self.runner.run(
            confirm,
            workspace,
            self.data_dir,
            lane=Lane.NETWORK,
            label="confirm",
            on_done=done,
            on_error=failed,
            owner=self,
        )

    def _ask_sign_in(self, server: str, username: str, note: str = "", remember: bool = True) -> None:
        """The sign-in dialog; ``remember`` keeps the server and user for the next start (not the demo's)."""
        current = getattr(self, "sign_in_dialog", None)
        if current is not None and current.isVisible():
            return  # one dialog at a time (an expired session is reported by more than one path)

        def attempt(server: str, username: str, password: str, finished: Any) -> None:
            def done(workspace: Workspace) -> None:
                if remember:
                    self.settings.setValue("server", server)
                    self.settings.setValue("username", username)
                finished(None)
                if self.workspace is not None and self.workspace is not workspace:
                    self.workspace.stop()  # signed in again: the new desk replaces the expired one
                self._open(workspace)

            self.runner.run(
                sign_in,
                server,
                username,
                password,
                self.data_dir,
                self.runner,
                lane=Lane.NETWORK,
                on_done=done,
                on_error=finished,
                owner=self,
            )

        dialog = SignInDialog(server, username, attempt, self.languages.current, note=note)
        dialog.rejected.connect(lambda: self.qapp.quit() if self.window is None else None)
        self.sign_in_dialog = dialog
        dialog.open()
        self._first_window_shown("sign-in", dialog)

    # --- the window -------------------------------------------------------------------------------

    def _open(self, workspace: Workspace, confirmed: bool = True) -> None:
        """The window on ``workspace``; ``confirmed`` False: opened on its cache, the server not asked
        yet (:meth:`_confirm` then, instead of the sync, once the list's first page is on screen)."""
        self._close_splash()
        if workspace.status.online and workspace.user.must_change_password:
            self._require_password_change(workspace)  # the desk opens once the password is changed
            return
        self.workspace = workspace
        self._build_window()
        if workspace.erased is not None:  # revoked while away: erased before this sign-in
            self.show_erased(workspace.erased)
        workspace.status_changed.connect(self._on_status)
        window = self.window
        assert window is not None
        if confirmed:
            self._after_first_page(workspace, window, lambda: workspace.start_sync(interval=self._sync_interval()))
            self._offline_said(workspace)
        else:
            self._after_first_page(workspace, window, lambda: self._confirm(workspace))

    def _offline_said(self, workspace: Workspace) -> None:
        """The status bar says for a while that the desk works offline on its cache, when it does."""
        if not workspace.status.online and self.window is not None:
            self.window.statusBar().showMessage(self.tr("无法连接服务器：正在使用本机缓存的数据离线工作"), 15_000)

    def _after_first_page(self, workspace: Workspace, window: MainWindow, then: Callable[[], None]) -> None:
        """``then`` (the first sync, or asking the server) once the list's first page is on screen (or
        after :data:`FIRST_PAINT_WAIT_MS`): its work must not delay the first rows. Not for a desk left
        meanwhile."""
        started = False

        def start() -> None:
            nonlocal started
            if not started and self.workspace is workspace and not self._shut_down:
                started = True
                then()

        window.model.loaded.connect(lambda _total: QTimer.singleShot(0, self, start))
        # The app's timers, not the window's: a window rebuilt meanwhile (another language) goes with its own.
        QTimer.singleShot(FIRST_PAINT_WAIT_MS, self, start)

    def _require_password_change(self, workspace: Workspace) -> None:
        """An initial or reset password: the server answers nothing else until it is changed, so the
        window waits for the change; declining signs out (the sign-in dialog again)."""
        dialog = ChangePasswordDialog(workspace, self.languages.current, forced=True)

        def declined() -> None:
            self._ask_sign_in(workspace.server_url, workspace.user.username)
            workspace.stop()
            self.runner.run(
                workspace.end_session, lane=Lane.NETWORK, label="sign-out", on_error=lambda _e: None, owner=self
            )

        dialog.changed.connect(lambda _user: self._open(workspace))
        dialog.rejected.connect(declined)
        self.password_dialog = dialog
        dialog.open()

    def _on_status(self, status: Any) -> None:
        """The server refused the session (say, the password changed while the desk was offline):
        ask for the password again. Nothing is lost meanwhile: the outbox waits. A revoked desk
        erases its data instead (:meth:`_erase`)."""
        workspace = self.workspace
        if status.revoked and workspace is not None:
            self._erase(workspace, status.error)
            return
        if (
            status.needs_sign_in
            and self.embedded is None
            and workspace is not None
            and self._asked_for is not workspace
        ):
            self._asked_for = workspace  # once per desk: cancelled, the status bar keeps saying so
            self._ask_sign_in(
                workspace.server_url,
                workspace.user.username,
                self.tr("服务器已恢复连接，但需要重新登录。未发送的工作仍保存在本机，登录后自动发送。"),
            )

    def _build_window(self) -> None:
        assert self.workspace is not None
        old = self.window
        from ui.main_window import MainWindow

        self.window = MainWindow(self.workspace, list(DEMO_USERS) if self.embedded else None, self.languages.current)
        self.window.switch_user.connect(self.switch_user)
        self.window.switch_language.connect(self.switch_language)
        self.window.sign_out.connect(self.sign_out)
        self.window.switch_server.connect(self.switch_server)
        self.window.data_dir = self.data_dir
        self.window.notice_on_close = True  # closed by the user: say what stays on this PC
        if old is not None:
            old.notice_on_close = False  # replaced, not closed by the user: its drafts are kept quietly
            old.close()  # saves its layout, which the new window then restores
            old.deleteLater()
        self.window.remember_layout(self.settings)
        self.window.idle_lock = IdleLock(
            self.window, self.workspace, self._idle_minutes, before_lock=self.window.order_view.keep_drafts
        )
        self.window.show()
        if not self._first_shown:
            window = self.window
            window.model.loaded.connect(
                lambda _total: (
                    self._first_window_shown("rows", window.table.viewport(), window.model.rowCount())
                    if window.model.rowCount()
                    else collect_again()
                )
            )

    def _first_window_shown(self, shown: str, widget: QWidget, rows: int = 0) -> None:
        """The first window is on screen (the list's first rows, or the sign-in dialog): the garbage
        collector runs again (:data:`COLLECTOR_OFF_AT_MOST_MS`), and :data:`START_TRACE` is written."""
        if self._first_shown:
            return
        self._first_shown = True
        collect_again()
        self._trace_start(shown, widget, rows)

    def _trace_start(self, shown: str, widget: QWidget, rows: int = 0) -> None:
        """See :data:`START_TRACE` (once, the first window painted now)."""
        if self._traced:
            return
        self._traced = True
        widget.repaint()
        trace = {
            "at": time.time(),
            "cpu": time.process_time(),  # the process's CPU seconds by then (all its threads)
            "shown": shown,
            "rows": rows,
            "collecting": gc.isenabled(),  # the garbage collector on again (see COLLECTOR_OFF_AT_MOST_MS)
            "modules": sorted(sys.modules),
        }
        Path(os.environ[START_TRACE]).write_text(json.dumps(trace), encoding="utf-8")

    def switch_language(self, language: str) -> None:
        self.settings.setValue("language", self.languages.use(language))
        if self.window is not None:
            state = self.window.view_state()  # the list, search, filters, tab and order stay as they were
            self._build_window()
            self.window.restore_view_state(state)

    def switch_user(self, username: str) -> None:
        """Demo only: become another demo user (their own store; the old one stops syncing first)."""
        if self.embedded is None or self.embedded.url is None:
            return
        if self.window is not None:
            self.window.order_view.keep_drafts()  # into the old user's store, before it closes
        if self.workspace is not None:
            self.workspace.stop()
        self._show_splash(self.tr("正在切换演示身份…"))
        self._sign_in_as_demo(self.embedded.url, username)

    def _sync_interval(self) -> float:
        """--sync-interval when given on the command line, else the preferences' (工具 → 首选项), else 60 s."""
        if self.args.sync_interval != DEFAULT_SYNC_INTERVAL:
            return float(self.args.sync_interval)
        return float(self.settings.value("sync_interval", DEFAULT_SYNC_INTERVAL) or DEFAULT_SYNC_INTERVAL)

    def _idle_minutes(self) -> float:
        """工具 → 首选项 → 自动锁定 (minutes without input before the window locks), else 10."""
        try:
            return max(0.01, float(self.settings.value(IDLE_LOCK_SETTING, DEFAULT_IDLE_MINUTES)))
        except (TypeError, ValueError):
            return DEFAULT_IDLE_MINUTES

    def sign_out(self) -> None:
        """文件 → 注销: stop syncing, end the session (server and keyring), and show the sign-in dialog.

        Work not yet sent stays in this user's local profile and goes out at their next sign-in."""
        workspace, window = self.workspace, self.window
        self.workspace, self.window = None, None
        # The dialog first: closing the last window before another shows would quit the application.
        if self.embedded is not None and self.embedded.url is not None:
            user = workspace.user.username if workspace is not None else ""
            demo = self.tr(
                "演示账号：handler（经办人）、chief（科长）、head（单位负责人）、leader（市分管领导），密码均为 %1"
            )
            self._ask_sign_in(self.embedded.url, user, demo.replace("%1", self.embedded.password), remember=False)
        else:
            server = workspace.server_url if workspace is not None else str(self.settings.value("server", ""))
            self._ask_sign_in(server, workspace.user.username if workspace is not None else "")
        self._leave(workspace, window)

    def switch_server(self, url: str) -> None:
        """文件 → 切换服务器…: sign in to ``url`` (each server and user keeps its own local profile)."""
        workspace, window = self.workspace, self.window
        self.workspace, self.window = None, None
        self._ask_sign_in(url, "")
        self._leave(workspace, window)

    def _leave(self, workspace: Workspace | None, window: MainWindow | None) -> None:
        if window is not None:
            window.close()
            window.deleteLater()
        if workspace is not None:
            workspace.stop()
            self.runner.run(
                workspace.end_session, lane=Lane.NETWORK, label="sign-out", on_error=lambda _e: None, owner=self
            )

    # --- a revoked desk ---------------------------------------------------------------------------

    def _erase(self, workspace: Workspace, revoked: DeviceRevoked) -> None:
        """An administrator revoked this desk: close the window, stop syncing, report the unsent edits
        to the server, erase the profile, then say what was discarded and show the sign-in dialog."""
        if self._erasing is workspace:
            return
        self._erasing = workspace
        window, server, username = self.window, workspace.server_url, workspace.user.username
        self.workspace, self.window = None, None
        self._show_splash(self.tr("本机已被管理员停用，正在清除本机保存的数据…"))  # a window: the app stays
        if window is not None:
            window.notice_on_close = False
            window.close()  # keeps what is typed as drafts: listed below with the rest
            window.deleteLater()

        def erased(wiped: Wiped) -> None:
            self._close_splash()
            self._ask_sign_in(server, "" if self.embedded is None else username, remember=self.embedded is None)
            self.show_erased(wiped)

        workspace.discard(revoked, on_done=erased, on_error=self._fatal)

    def show_erased(self, wiped: Wiped | None) -> None:
        """Tell the user that this desk was revoked and which unsent edits it discarded (not blocking)."""
        text = self.tr("系统管理员已停用本机。本机保存的工单、照片、草稿和登录信息已全部清除。")
        lost = wiped.lost if wiped is not None else []
        if lost:
            text += "\n\n" + self.tr("以下 %1 项未发送的工作已被丢弃：").replace("%1", str(len(lost)))
            text += "\n" + lost_text(lost)
            if wiped is not None and not wiped.reported:
                text += "\n\n" + self.tr("（未能将丢弃清单报告给服务器，请告知系统管理员。）")
        parent = self.window or getattr(self, "sign_in_dialog", None)
        self.erased_box = show_message(parent, self.tr("本机已停用"), text)
        # One edit a line, its order's title unwrapped.
        self.erased_box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 520px; }")

    def shutdown(self) -> None:
        self._shut_down = True  # what waits for a first paint starts no more
        if self.workspace is not None:
            self.workspace.stop()
        self.runner.wait(10_000)
        if self.embedded is not None:
            self.embedded.stop()

    # --- messages ---------------------------------------------------------------------------------

    def _task_failed(self, error: BaseException) -> None:
        """Failures nobody handled (the runner's): said by the one error presenter over the window."""
        if isinstance(error, DeviceRevoked) and self.workspace is not None:
            self._erase(self.workspace, error)
            return
        self.message_box: QMessageBox | None = present_error(self.window, error, title="CaseDesk")
        if isinstance(error, Unauthorized) and self.args.server:
            self._ask_sign_in(self.args.server, self.workspace.user.username if self.workspace else "")

    def _fatal(self, error: BaseException) -> None:
        self._close_splash()
        if isinstance(error, ApiError):
            text = error.message(self.languages.current)
        elif isinstance(error, ServerNotInstalled):  # `pip install casedesk` without the server extra
            text = (
                self.tr(
                    "演示模式需要内置服务器，但本机未安装服务器所需的软件包（%1）。\n"
                    "请安装：%2\n或用 --server 网址 连接到单位的 CaseDesk 服务器。"
                )
                .replace("%1", ", ".join(error.missing))
                .replace("%2", SERVER_EXTRA)
            )
        else:
            log.error("start failed: %s\n%s", error, getattr(error, "__casedesk_traceback__", ""))
            text = self.tr("无法启动：%1").replace("%1", str(error))
        box = self.message_box = show_message(self.window, "CaseDesk", text, icon=QMessageBox.Icon.Critical)
        box.finished.connect(lambda _: self.qapp.quit())

    def _show_crash(self, text: str, report: Path) -> None:
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("CaseDesk")
        box.setText(self.tr("CaseDesk 遇到了一个程序错误。您的工作已保存在本机，不会丢失。"))
        box.setInformativeText(self.tr("错误报告已保存到：%1\n请将此文件发送给系统管理员。").replace("%1", str(report)))
        box.setDetailedText(text)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # never exec(): a crash must not stop the event loop (nor a test) waiting for a click
        self.crash_box = box

    def _show_splash(self, text: str) -> None:
        self._close_splash()
        splash = QProgressDialog(text, "", 0, 0)
        splash.setCancelButton(None)
        splash.setWindowTitle("CaseDesk")
        splash.setWindowModality(Qt.WindowModality.ApplicationModal)
        splash.setMinimumDuration(0)
        splash.findChild(QLabel).setWordWrap(True)  # type: ignore[union-attr]
        splash.show()
        self._splash = splash

    def _close_splash(self) -> None:
        if self._splash is not None:
            self._splash.close()
            self._splash = None
