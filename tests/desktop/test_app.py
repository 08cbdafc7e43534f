"""The application as ``python main.py`` starts it: bundled server, demo sign-in, role switch, remote
sign-in remembered, and opening offline on the cached data of a user who signed in before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from desktop.workspace import Workspace
from tests.fixtures.keyring import MemoryKeyring
from tests.fixtures.server_process import PASSWORD, ServerProcess

pytestmark = pytest.mark.slow


def test_first_run_starts_the_bundled_server_and_signs_in_as_the_demo_handler(qtbot: Any, make_app: Any) -> None:
    app = make_app("--demo-orders", "12")
    # The splash first: the server (a second of imports on another thread) starts once it is painted.
    assert app._splash is not None and app._splash.isVisible()
    assert app.runner.running == 0
    qtbot.waitUntil(lambda: app.window is not None, timeout=120_000)
    window = app.window
    assert window.workspace.user.username == "handler" and window.isVisible()
    qtbot.waitUntil(lambda: window.workspace.status.last_sync is not None, timeout=30_000)
    qtbot.waitUntil(lambda: window.model.total > 0, timeout=10_000)
    assert window.demo_switch.isVisible()

    # A newcomer becomes the section chief: a new desk, their own store.
    window.demo_switch.setCurrentIndex(window.demo_switch.findData("chief"))
    window.switch_user.emit("chief")
    qtbot.waitUntil(lambda: app.window is not window and app.window is not None, timeout=30_000)
    assert app.window.workspace.user.username == "chief"
    assert app.window.workspace.root != window.workspace.root


def test_remote_sign_in_is_remembered_and_opens_offline_later(
    qtbot: Any,
    make_app: Any,
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = ServerProcess(tmp_path / "server")
    server.start()
    app = make_app("--server", server.url)
    # No user remembered yet: the sign-in dialog asks.
    qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=10_000)
    dialog = app.sign_in_dialog
    dialog.username.setText("handler")
    dialog.password.setText("wrong-password")
    dialog._submit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and "登录" not in dialog.error.text(), timeout=10_000)
    assert dialog.error.text() and dialog.isVisible()  # a clear message, the dialog stays
    dialog.password.setText(PASSWORD)
    dialog._submit()
    qtbot.waitUntil(lambda: app.window is not None, timeout=20_000)
    qtbot.waitUntil(lambda: app.window.workspace.status.last_sync is not None, timeout=20_000)
    assert app.settings.value("username") == "handler" and app.settings.value("server") == server.url
    cached = app.window.workspace.store.orders()
    assert cached
    app.shutdown()
    app.window.close()
    server.stop()

    # Next morning, no network: CaseDesk opens on the cached orders, signed in from the keyring.
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    started: list[bool] = []  # at each start of the sync: whether the list's first page was on screen
    start_sync = Workspace.start_sync
    monkeypatch.setattr(
        Workspace,
        "start_sync",
        lambda self, *a, **k: (started.append(again.window.model._query is not None), start_sync(self, *a, **k)),
    )
    again = make_app()
    qtbot.waitUntil(lambda: again.window is not None, timeout=30_000)
    qtbot.waitUntil(lambda: bool(started), timeout=10_000)
    assert started[0], "the sync started before the first page of the list was shown"
    assert again.window.workspace.user.username == "handler"
    assert not again.window.workspace.status.online
    assert len(again.window.workspace.store.orders()) == len(cached)
