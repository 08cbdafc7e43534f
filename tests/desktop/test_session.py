"""One local profile per server and user, and an offline desk that is honest and opens without a keyring.

The application as ``python main.py`` runs it, against real servers: the bundled one (restarted
on the same data; its port kept, or taken by another program) and a server process that is
stopped to play "offline". The sign-in dialog is driven with keystrokes and clicks.
"""

from __future__ import annotations

import socket
import sqlite3
import time
from pathlib import Path
from typing import Any

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from api_client import CaseDeskClient, PulledPage
from casework.lifecycle import Command
from casework.schemas import SignBody
from desktop.profile_key import profile_key
from desktop.session import VERIFIER_FILE, cached_user, check_password, sign_in
from desktop.tasks import TaskRunner
from desktop.workspace import url_profile_dir
from offline import open_store
from offline.facts import actor_of
from server.auth.passwords import hash_password
from tests.fixtures.keyring import MemoryKeyring
from tests.fixtures.server_process import PASSWORD, ServerProcess
from ui.app import CaseDeskApp

pytestmark = pytest.mark.slow


@pytest.fixture
def pulls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, int, bool]]:
    """Every pull the desks make: (cursor sent, changes received, reset)."""
    seen: list[tuple[str | None, int, bool]] = []
    real = CaseDeskClient.pull_page  # what the sync engine calls

    def pull_page(self: CaseDeskClient, cursor: str | None = None, limit: int = 200) -> PulledPage:
        page = real(self, cursor, limit)
        seen.append((cursor, len(page.changes), page.reset))
        return page

    monkeypatch.setattr(CaseDeskClient, "pull_page", pull_page)
    return seen


@pytest.fixture
def no_keyring(memory_keyring: MemoryKeyring) -> None:
    """A machine without an OS keyring (restored afterwards by ``memory_keyring``)."""
    keyring.set_keyring(keyring.backends.fail.Keyring())


def _stop(qtbot: Any, app: CaseDeskApp) -> None:
    app.shutdown()
    if app.window is not None:
        app.window.close()


def test_the_bundled_server_keeps_its_port_and_a_restart_pulls_only_what_changed(
    qtbot: Any, make_app: Any, tmp_path: Path, memory_keyring: MemoryKeyring, pulls: list[Any]
) -> None:
    first = make_app("--demo-orders", "12")
    qtbot.waitUntil(lambda: first.window is not None, timeout=180_000)
    qtbot.waitUntil(lambda: first.window.workspace.status.last_sync is not None, timeout=60_000)
    url, root = first.embedded.url, first.window.workspace.root
    cached = len(first.window.workspace.store.orders())
    cursor = first.window.workspace.store.cursor()
    assert cached > 0 and cursor is not None
    assert pulls[0][0] is None and pulls[0][1] >= cached  # the first start: a snapshot
    _stop(qtbot, first)
    pulls.clear()

    # The second start: the same address, the same profile, the cached orders at once, a delta.
    second = make_app()
    qtbot.waitUntil(lambda: second.window is not None, timeout=60_000)
    assert second.embedded.url == url
    assert second.window.workspace.root == root
    assert len(second.window.workspace.store.orders()) == cached  # before any pull
    qtbot.waitUntil(lambda: second.window.workspace.status.last_sync is not None, timeout=60_000)
    assert pulls[0][0] == cursor and not pulls[0][2]
    assert pulls[0][1] == 0  # only what changed (here: nothing), not everything again
    cursor = second.window.workspace.store.cursor()
    _stop(qtbot, second)
    pulls.clear()

    # Another program took the port: a new one, remembered; still the same server, so the same profile.
    port = int(url.rsplit(":", 1)[1])
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past the last run's TIME_WAIT
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        third = make_app()
        qtbot.waitUntil(lambda: third.window is not None, timeout=60_000)
        assert third.embedded.url != url
        assert third.window.workspace.root == root
        qtbot.waitUntil(lambda: third.window.workspace.status.last_sync is not None, timeout=60_000)
        assert pulls[0][0] == cursor and pulls[0][1] == 0
        _stop(qtbot, third)
    moved = int(third.embedded.url.rsplit(":", 1)[1])
    assert (tmp_path / "home" / "demo-server" / "port").read_text().strip() == str(moved)
    profiles = [p for p in (tmp_path / "home" / "profiles").iterdir() if p.is_dir()]
    assert profiles == [root]


def _sign_in(qtbot: Any, dialog: Any, password: str, username: str | None = None) -> None:
    """Type into the dialog as a person would, and press 登录."""
    if username is not None:
        dialog.username.clear()
        qtbot.keyClicks(dialog.username, username)
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_without_a_keyring_the_password_opens_the_cached_desk_offline_and_work_waits(
    qtbot: Any, make_app: Any, tmp_path: Path, no_keyring: None
) -> None:
    server = ServerProcess(tmp_path / "server")
    server.start()
    try:
        order_id = server.new_order("文汇路路灯不亮，晚上一片漆黑")
        app = make_app("--server", server.url)
        qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=20_000)
        _sign_in(qtbot, app.sign_in_dialog, PASSWORD, username="handler")
        qtbot.waitUntil(lambda: app.window is not None, timeout=30_000)
        qtbot.waitUntil(lambda: app.window.workspace.status.last_sync is not None, timeout=30_000)
        profile = app.window.workspace.root
        cached = len(app.window.workspace.store.orders())
        assert cached > 0 and app.window.workspace.store.order(order_id) is not None
        assert not app.window.workspace.client.session_persisted  # nothing in a keyring
        assert profile != url_profile_dir(tmp_path / "home", server.url, "handler")  # keyed by the server's id
        _stop(qtbot, app)
        server.stop()

        # The next morning, no network, no keyring: the dialog says the password opens the local copy.
        again = make_app()
        qtbot.waitUntil(lambda: getattr(again, "sign_in_dialog", None) is not None, timeout=20_000)
        dialog = again.sign_in_dialog
        assert dialog.isVisible() and dialog.note.isVisible() and "离线" in dialog.note.text()
        assert dialog.username.text() == "handler"
        _sign_in(qtbot, dialog, "not-my-password")
        qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and "正在登录" not in dialog.error.text(), timeout=20_000)
        assert "密码不正确" in dialog.error.text() and dialog.isVisible() and again.window is None

        _sign_in(qtbot, dialog, PASSWORD)
        qtbot.waitUntil(lambda: again.window is not None, timeout=20_000)
        window = again.window
        assert not dialog.isVisible()
        assert window.workspace.root == profile and len(window.workspace.store.orders()) == cached
        qtbot.waitUntil(lambda: "离线" in window.online_label.text(), timeout=10_000)
        # Never the password itself on disk: only its verifier.
        for path in (tmp_path / "home").rglob("*"):
            if path.is_file():
                assert PASSWORD.encode() not in path.read_bytes(), path

        # Work done offline waits to be sent.
        with qtbot.waitSignal(window.workspace.changed, timeout=10_000):
            window.workspace.record(order_id, Command.SIGN, {})
        qtbot.waitUntil(lambda: window.workspace.status.pending == 1, timeout=10_000)
        assert "离线" in window.online_label.text()

        # The server answers again: the desk signs in with the password held in memory and sends it.
        server.start()
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.workspace.status.pending == 0, timeout=30_000)
        assert window.workspace.status.online and not window.workspace.status.needs_sign_in
        assert "在线" in window.online_label.text()
        assert not window.workspace.client.auth.keeps_password  # used once, then dropped
        agent = CaseDeskClient(server.url, persist_session=False)
        agent.login("agent", PASSWORD)
        assert agent.order(order_id).state.value == "in_progress"
    finally:
        server.stop()


def test_a_user_who_never_signed_in_here_is_told_so_when_offline(
    qtbot: Any, make_app: Any, tmp_path: Path, no_keyring: None
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        nowhere = f"http://127.0.0.1:{s.getsockname()[1]}"
    app = make_app("--server", nowhere)
    qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=20_000)
    dialog = app.sign_in_dialog
    _sign_in(qtbot, dialog, PASSWORD, username="handler")
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and "正在登录" not in dialog.error.text(), timeout=20_000)
    assert "从未在本机登录" in dialog.error.text() and app.window is None


def test_with_the_server_down_a_sync_turns_the_status_offline_at_once(
    qtbot: Any, make_app: Any, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    server = ServerProcess(tmp_path / "server")
    server.start()
    try:
        app = make_app("--server", server.url)
        qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=20_000)
        _sign_in(qtbot, app.sign_in_dialog, PASSWORD, username="handler")
        qtbot.waitUntil(lambda: app.window is not None, timeout=30_000)
        window = app.window
        qtbot.waitUntil(lambda: window.workspace.status.last_sync is not None, timeout=30_000)
        qtbot.waitUntil(lambda: "在线" in window.online_label.text() and "同步中" not in window.online_label.text())

        server.stop()
        started = time.monotonic()
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "离线" in window.online_label.text(), timeout=10_000)
        assert time.monotonic() - started < 1.0

        server.start()
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "在线" in window.online_label.text(), timeout=30_000)
    finally:
        server.stop()


def test_a_password_changed_while_offline_is_asked_for_when_the_server_answers(
    qtbot: Any, make_app: Any, tmp_path: Path, no_keyring: None
) -> None:
    server = ServerProcess(tmp_path / "server")
    server.start()
    try:
        order_id = server.new_order("高邮湖路窨井盖缺失")
        app = make_app("--server", server.url)
        qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=20_000)
        _sign_in(qtbot, app.sign_in_dialog, PASSWORD, username="handler")
        qtbot.waitUntil(lambda: app.window is not None, timeout=30_000)
        qtbot.waitUntil(lambda: app.window.workspace.status.last_sync is not None, timeout=30_000)
        _stop(qtbot, app)
        server.stop()

        again = make_app()
        qtbot.waitUntil(lambda: getattr(again, "sign_in_dialog", None) is not None, timeout=20_000)
        _sign_in(qtbot, again.sign_in_dialog, PASSWORD)  # the old password opens the desk offline
        qtbot.waitUntil(lambda: again.window is not None, timeout=20_000)
        offline = again.window.workspace
        with qtbot.waitSignal(offline.changed, timeout=10_000):
            offline.record(order_id, Command.SIGN, {})

        # Meanwhile an administrator set a new password on the server.
        with sqlite3.connect(tmp_path / "server" / "casedesk.db") as db:
            db.execute("UPDATE users SET password_hash = ? WHERE username = 'handler'", (hash_password("new-pass-1"),))
        server.start()
        qtbot.mouseClick(again.window.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: again.sign_in_dialog.isVisible() and again.sign_in_dialog.note.isVisible(), timeout=30_000
        )
        assert offline.status.needs_sign_in and offline.status.pending == 1  # nothing lost meanwhile
        assert "重新登录" in again.sign_in_dialog.note.text()

        _sign_in(qtbot, again.sign_in_dialog, "new-pass-1")
        qtbot.waitUntil(
            lambda: again.workspace is not offline and again.window.workspace is again.workspace, timeout=30_000
        )
        desk = again.window.workspace
        assert desk.root == offline.root and desk.status.online
        qtbot.waitUntil(lambda: desk.status.pending == 0, timeout=30_000)
        agent = CaseDeskClient(server.url, persist_session=False)
        agent.login("agent", PASSWORD)
        assert agent.order(order_id).state.value == "in_progress"
    finally:
        server.stop()


def test_a_profile_kept_by_address_is_adopted_with_its_cursor_and_unsent_work(
    qtbot: Any, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """Profiles made before servers had an id were keyed by URL: the first sign-in moves it over."""
    server = ServerProcess(tmp_path / "server")
    server.start()
    home = tmp_path / "home"
    runner = TaskRunner()
    try:
        order_id = server.new_order()
        desk = sign_in(server.url, "handler", PASSWORD, home, runner)
        desk.sync_once()
        cursor, root, key = desk.store.cursor(), desk.root, profile_key(desk.root)
        desk.stop()
        # The layout of an older CaseDesk: the profile under the URL's key, no record of server ids.
        old = url_profile_dir(home, server.url, "handler")
        root.rename(old)
        (home / "profiles" / "servers.json").unlink()
        store = open_store(old / "local.sqlite", key)
        store.record(
            actor_of(cached_user(old, key)), order_id, Command.SIGN, SignBody(version=store.order(order_id)["version"])
        )
        store.close()

        again = sign_in(server.url, "handler", PASSWORD, home, runner)
        assert again.root == root and not old.exists()
        assert again.store.cursor() == cursor and again.status.pending == 1
        report = again.sync_once()
        assert report.ok and not report.reset and again.status.pending == 0
        again.stop()
    finally:
        server.stop()


def test_the_lock_screens_check_against_the_server_leaves_no_session_behind(
    tmp_path: Path, server: ServerProcess
) -> None:
    """A profile without an offline verifier (only ever resumed from the keyring): the idle lock's
    check asks the server, keeps a verifier for next time, and ends the session it opened."""
    workspace = sign_in(server.url, "head", PASSWORD, tmp_path / "desks", TaskRunner())
    try:
        (workspace.root / VERIFIER_FILE).unlink()
        watcher = server.as_user("head")

        def signed_in() -> int:
            return sum(d.signed_in for d in watcher.my_devices())

        before = signed_in()
        assert not check_password(workspace, "not-the-password")
        assert check_password(workspace, PASSWORD)
        assert signed_in() == before  # the check's own session is over
        assert (workspace.root / VERIFIER_FILE).exists()  # and the next check needs no server
    finally:
        workspace.stop()


def test_a_remembered_desk_opens_on_its_cache_while_the_server_does_not_answer(
    qtbot: Any, make_app: Any, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    """The next start shows the cached rows at once, whatever the server does (issue 14): here its
    address takes the connection and never answers (a desk that asked first waited the 30 s read
    timeout). The server is asked meanwhile; the desk syncs once it answers."""
    server = ServerProcess(tmp_path / "server")
    server.start()
    try:
        app = make_app("--server", server.url)
        qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=20_000)
        _sign_in(qtbot, app.sign_in_dialog, PASSWORD, username="handler")
        qtbot.waitUntil(lambda: app.window is not None, timeout=30_000)
        qtbot.waitUntil(lambda: app.window.workspace.status.last_sync is not None, timeout=30_000)
        cached = len(app.window.workspace.store.orders())
        _stop(qtbot, app)
        server.stop()

        silent = socket.create_server(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))  # takes, never answers
        try:
            again = make_app()
            qtbot.waitUntil(lambda: again.window is not None and again.window.model.rowCount() > 0, timeout=10_000)
            window = again.window
            assert not window.workspace.status.online and len(window.workspace.store.orders()) == cached
        finally:
            silent.close()  # the connection it held is reset: the desk finds itself offline
        qtbot.waitUntil(lambda: "离线" in window.online_label.text(), timeout=10_000)

        server.start()
        qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "在线" in window.online_label.text(), timeout=30_000)
        assert again.window is window  # the same desk went online
    finally:
        server.stop()
