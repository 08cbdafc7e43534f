"""A desk left alone locks: the order and the lists are hidden until the password is typed again.

The real application against a real server, a short idle time written in its settings as the
preferences dialog would, and real input: typing into the reply, then nothing; the password typed
with QTest keys and Enter. Sync goes on while locked; what was typed is there after unlocking.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QMessageBox, QWidget

from casework.lifecycle import Command
from casework.schemas import SignBody
from desktop.i18n import Languages
from desktop.workspace import REPLY_DRAFT, Workspace
from main import parse
from tests.api_client.conftest import MemoryKeyring
from tests.desktop.desk import HANDLER, put
from tests.desktop.gestures import click_row, ime
from tests.server_process import PASSWORD, ServerProcess
from ui.app import CaseDeskApp
from ui.lock import IDLE_LOCK_SETTING, IdleLock
from ui.main_window import MainWindow

TITLE = "文汇路路灯不亮"


@pytest.fixture
def make_app(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    apps: list[CaseDeskApp] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)  # nothing modal waits for a click

    def make(*argv: str) -> CaseDeskApp:
        args = parse(["--data-dir", str(tmp_path / "home"), *argv])
        app = CaseDeskApp(QApplication.instance(), args)  # type: ignore[arg-type]
        apps.append(app)
        app.start()
        return app

    yield make
    for app in apps:
        app.shutdown()
        if app.window is not None:
            app.window.close()


def _sign_in(qtbot: Any, dialog: Any) -> None:
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "handler")
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def _shown_text(window: QWidget, lock: QWidget) -> list[str]:
    """The text of every label, field and list a person could see in the window, outside the lock screen."""
    seen = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget is lock or lock.isAncestorOf(widget):
            continue
        for attribute in ("text", "toPlainText", "windowTitle"):
            value = getattr(widget, attribute, None)
            if callable(value):
                with contextlib.suppress(TypeError):  # a method that needs arguments
                    seen.append(str(value()))
    return seen


def test_an_idle_desk_locks_hides_the_order_keeps_syncing_and_the_password_brings_it_back(
    qtbot: Any, make_app: Any, tmp_path: Path, server: ServerProcess, memory_keyring: MemoryKeyring
) -> None:
    order_id = server.new_order(TITLE)
    handler = server.as_user("handler")
    handler.command(order_id, Command.SIGN, SignBody(version=handler.order(order_id).version))
    settings = QSettings(str(tmp_path / "home" / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(IDLE_LOCK_SETTING, 0.05)  # 3 s (工具 → 首选项 offers whole minutes; 10 by default)
    settings.sync()

    app = make_app("--server", server.url, "--sync-interval", "1")
    qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=20_000)
    _sign_in(qtbot, app.sign_in_dialog)
    qtbot.waitUntil(lambda: app.window is not None, timeout=30_000)
    window = app.window
    window.resize(1366, 768)
    workspace = window.workspace
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=30_000)
    qtbot.waitUntil(lambda: workspace.first_sync_reported, timeout=30_000)

    # Typing a reply, with pauses shorter than the idle time: no lock while someone works.
    click_row(qtbot, window.table, window.model.row_of(order_id))
    qtbot.waitUntil(lambda: window.order_view.order_id == order_id, timeout=10_000)
    tabs = window.order_view.tabs
    bar = tabs.tabBar()
    qtbot.mouseClick(
        bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.indexOf(window.order_view.reply_page)).center()
    )
    editor = window.order_view.reply.text
    qtbot.mouseClick(editor.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, 10))
    qtbot.wait(1500)
    for piece in ("经现场核实，", "文汇路路灯", "已修复。"):
        ime(editor, piece)
        qtbot.wait(1000)
        QTest.keyClick(editor, Qt.Key.Key_End)
    typed = "经现场核实，文汇路路灯已修复。"
    assert editor.toPlainText() == typed and not window.idle_lock.locked

    # Then nothing: the window locks and nothing of the order or the lists is shown.
    qtbot.waitUntil(lambda: window.idle_lock.locked, timeout=10_000)
    lock = window.idle_lock.screen
    assert lock is not None and lock.isVisible() and lock.geometry() == window.rect()
    assert not window.centralWidget().isVisible() and not window.menuBar().isVisible()
    assert not any(TITLE in text or "现场核实" in text or "12345" in text for text in _shown_text(window, lock))
    assert workspace.store.draft(order_id, REPLY_DRAFT)["content"]["text"] == typed  # kept on locking
    assert QApplication.focusWidget() is lock.password

    # Sync goes on behind the lock.
    later = server.new_order("高邮湖路窨井盖缺失")
    qtbot.waitUntil(lambda: workspace.store.order(later) is not None, timeout=20_000)
    assert window.idle_lock.locked

    # A wrong password says so and stays locked.
    qtbot.keyClicks(lock.password, "not-my-password")
    QTest.keyClick(lock.password, Qt.Key.Key_Return)
    error = lock.findChild(QLabel, "lock_error")
    qtbot.waitUntil(lambda: error.isVisible(), timeout=10_000)
    assert "密码不正确" in error.text() and window.idle_lock.locked and lock.password.text() == ""
    shots = Path(os.environ.get("CASEDESK_SHOTS", tmp_path))
    assert window.grab().save(str(shots / "lock_wrong_password_zh_1366.png"))

    # The right one, typed and Enter: everything is back as it was, the typing included.
    qtbot.keyClicks(lock.password, PASSWORD)
    QTest.keyClick(lock.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.idle_lock.locked, timeout=10_000)
    assert window.centralWidget().isVisible() and window.menuBar().isVisible()
    assert editor.isVisible() and editor.toPlainText() == typed
    assert window.order_view.order_id == order_id


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_the_lock_screen_reads_in_each_language_and_size(
    qtbot: Any,
    make_workspace: Callable[[Any], Workspace],
    languages: Languages,
    tmp_path: Path,
    language: str,
    size: tuple[int, int],
) -> None:
    languages.use(language)
    workspace = make_workspace(HANDLER)
    put(workspace, "in_progress", handler_id=7)
    window = MainWindow(workspace, language=language)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.idle_lock = IdleLock(window, workspace, lambda: 0.01)  # as the application attaches it
    qtbot.waitUntil(lambda: window.idle_lock.locked, timeout=10_000)
    lock = window.idle_lock.screen
    assert lock is not None
    texts = [label.text() for label in lock.findChildren(QLabel) if label.isVisible()]
    texts += [lock.password.placeholderText(), lock.unlock.text()]
    cjk = [t for t in texts if re.search(r"[\u4e00-\u9fff]", t.replace(HANDLER.name, ""))]
    assert (cjk == []) if language == "en" else len(cjk) >= 3
    assert not window.centralWidget().isVisible()
    shots = Path(os.environ.get("CASEDESK_SHOTS", tmp_path))
    assert window.grab().save(str(shots / f"lock_{language}_{size[0]}.png"))
    window.idle_lock.stop()
    window.close()
