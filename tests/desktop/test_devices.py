"""Desks against a real server process: the user's 登录设备 dialog (list, end another desk, end this
one), an administrator revoking a desk with unsent work (erased at its next sync, what was lost
recorded on the server), and revoking a user (all their desks).

The application is driven as ``python main.py --server URL`` is: the sign-in dialog by keystrokes,
the menu and buttons by clicks. Screenshots of the dialog (zh, en; 1366×768, 1920×1080) go to
``tmp_path/shots`` (or ``$CASEDESK_SHOTS``) to be looked at.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QDialogButtonBox

from api_client import CaseDeskClient, DeviceRevoked
from api_client.auth import SERVICE
from casework.lifecycle import Command
from casework.schemas import AddNoteBody
from desktop.session import DeskWiped, resume, sign_in
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from tests.fixtures.server_process import PASSWORD, ServerProcess
from ui.app import CaseDeskApp
from ui.devices import DeviceTable

pytestmark = pytest.mark.slow


@pytest.fixture
def city(server: ServerProcess) -> ServerProcess:
    """The module's server process (tests/fixtures/server_process.py), by this module's name for it."""
    return server


def _signed_in(qtbot: Any, app: CaseDeskApp, username: str) -> None:
    qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=20_000)
    dialog = app.sign_in_dialog
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.window is not None, timeout=30_000)
    qtbot.waitUntil(lambda: app.window.workspace.status.last_sync is not None, timeout=30_000)


def _admin(city: ServerProcess) -> CaseDeskClient:
    admin = CaseDeskClient(city.url, persist_session=False)
    admin.login("admin", PASSWORD)
    return admin


def _audit(city: ServerProcess, action: str) -> list[dict[str, Any]]:
    path = city.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT actor_id, after FROM audit_log WHERE action = ? ORDER BY seq", (action,))
        return [{"actor_id": actor, "after": json.loads(after)} for actor, after in rows]


def test_the_user_sees_their_desks_ends_another_and_ends_this_one(
    qtbot: Any, make_app: Any, city: ServerProcess, tmp_path: Path, memory_keyring: Any
) -> None:
    other = sign_in(city.url, "chief", PASSWORD, tmp_path / "other-pc", TaskRunner())
    app = make_app("--server", city.url)
    _signed_in(qtbot, app, "chief")
    window = app.window
    window.menus.file_menu.popup(window.mapToGlobal(QPoint(0, 0)))  # 文件 → 登录设备…
    window.menus.devices.trigger()
    window.menus.file_menu.close()
    dialog = window.menus.dialog
    table = dialog.table
    qtbot.waitUntil(lambda: table.rowCount() >= 2, timeout=10_000)
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    states = [table.item(r, 3).text() for r in range(table.rowCount())]
    assert states.count("本机") == 1 and len(names) == 2
    assert all(table.item(r, 1).text().startswith("20") for r in range(table.rowCount()))  # Beijing time
    assert all(table.item(r, 2).text() == "127.0.0.1" for r in range(table.rowCount()))

    _screenshots(qtbot, app, tmp_path)
    window = app.window
    window.menus.devices.trigger()
    dialog = window.menus.dialog
    table = dialog.table
    qtbot.waitUntil(lambda: table.rowCount() >= 2, timeout=10_000)

    mine = next(d for d in table.devices if d.current)
    theirs = next(d for d in table.devices if not d.current)
    assert table.button(mine.id).text() == "注销" and table.button(theirs.id).text() == "结束"  # type: ignore[union-attr]
    # An administrator's table offers no 吊销 on the desk they sit at (it would erase it under them).
    admin_table = DeviceTable("吊销")
    qtbot.addWidget(admin_table)
    admin_table.set_devices(table.devices)
    assert admin_table.button(mine.id) is None and admin_table.button(theirs.id) is not None
    qtbot.mouseClick(table.button(theirs.id), Qt.MouseButton.LeftButton)  # 结束 the other desk
    qtbot.waitUntil(lambda: [d.id for d in table.devices] == [mine.id], timeout=10_000)
    report = other.sync_once()
    assert other.status.needs_sign_in and not other.status.revoked, report.error  # signed out, not erased
    assert (other.root / "local.sqlite").exists()
    other.stop()

    qtbot.mouseClick(table.button(mine.id), Qt.MouseButton.LeftButton)  # 结束 this desk: sign out
    qtbot.waitUntil(lambda: app.window is None and app.sign_in_dialog.isVisible(), timeout=10_000)
    mine_now = CaseDeskClient(city.url, persist_session=False)
    mine_now.login("chief", PASSWORD)
    assert len(mine_now.my_devices()) == 1  # only the session just opened here


def _screenshots(qtbot: Any, app: CaseDeskApp, tmp_path: Path) -> None:
    """The dialog over the window, as a person sees it, in both languages and both screen sizes."""
    out = Path(os.environ.get("CASEDESK_SHOTS") or tmp_path / "shots")
    out.mkdir(parents=True, exist_ok=True)
    for language in ("zh", "en"):
        app.switch_language(language)  # the window is rebuilt in that language
        window = app.window
        shown = window.menus.show_devices()
        qtbot.waitUntil(lambda s=shown: s.table.rowCount() >= 2, timeout=10_000)
        for width, height in ((1366, 768), (1920, 1080)):
            window.resize(width, height)
            qtbot.wait(300)
            picture = window.grab()
            shot = shown.grab()
            painter = QPainter(picture)
            painter.drawPixmap((width - shot.width()) // 2, (height - shot.height()) // 3, shot)
            painter.end()
            path = out / f"devices_{language}_{width}.png"
            assert picture.save(str(path)) and QPixmap(str(path)).width() == width
        states = {shown.table.item(r, 3).text() for r in range(shown.table.rowCount())}
        expected = {"zh": {"本机", "已登录"}, "en": {"This device", "Signed in"}}[language]
        assert states == expected and (language == "zh") == ("最近活动" in shown.table.horizontalHeaderItem(1).text())
        shown.close()
    app.switch_language("zh")


def test_a_revoked_desk_reports_its_unsent_work_and_erases_itself_at_its_next_sync(
    qtbot: Any, make_app: Any, city: ServerProcess, memory_keyring: Any
) -> None:
    order_id = city.new_order("文汇路路灯不亮，晚上一片漆黑")
    app = make_app("--server", city.url)
    _signed_in(qtbot, app, "handler")
    workspace = app.window.workspace
    profile = workspace.root
    workspace.undo_window = timedelta(hours=1)  # held on the desk: unsent when the administrator acts
    order = workspace.store.order(order_id)
    assert order is not None
    with qtbot.waitSignal(workspace.recorded, timeout=10_000):
        workspace.record(order_id, Command.SIGN, {})
    with qtbot.waitSignal(workspace.recorded, timeout=10_000):
        workspace.record(order_id, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="已联系路灯所"))
    workspace.keep_draft(order_id, "reply", {"text": "经现场核实……"})
    workspace.runner.wait()
    assert workspace.status.pending == 2
    assert [p for p in profile.rglob("*") if p.is_file()]
    assert memory_keyring.entries.get((SERVICE, f"{city.url}|handler"))

    admin = _admin(city)
    handler_id = workspace.user.id
    desks = admin.devices(handler_id)
    (desk,) = [d for d in desks if d.revoked_at is None and d.signed_in]
    admin.revoke_device(desk.id)

    qtbot.mouseClick(app.window.sync_button, Qt.MouseButton.LeftButton)  # its next contact
    qtbot.waitUntil(lambda: app.erased_box is not None and app.erased_box.isVisible(), timeout=30_000)
    text = app.erased_box.text()
    shots = Path(os.environ.get("CASEDESK_SHOTS") or profile.parent.parent.parent / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    assert app.erased_box.grab().save(str(shots / "device_erased_zh.png"))
    assert order["number"] in text and "签收" in text and "内部备注" in text and "草稿" in text, text
    app.erased_box.close()  # read: the next tests of this process start without it
    assert app.window is None and app.sign_in_dialog.isVisible()
    assert not profile.exists()  # the store, outbox, drafts, photo cache and offline verifier: gone
    assert (SERVICE, f"{city.url}|handler") not in memory_keyring.entries

    (wiped,) = [a for a in _audit(city, "device_wiped") if a["after"]["device_id"] == desk.id]
    lost = wiped["after"]["lost"]
    assert {e["command"] for e in lost} == {"sign", "add_note", "draft:reply"}
    assert all(e["order_number"] == order["number"] for e in lost) and wiped["actor_id"] == handler_id
    assert [a for a in _audit(city, "revoke_device") if a["after"]["device_id"] == desk.id]
    assert next(d for d in admin.devices(handler_id) if d.id == desk.id).wiped_at is not None
    # The table an administrator's screen embeds: the erased desk says so and offers no button.
    table = DeviceTable("停用")
    qtbot.addWidget(table)
    table.set_devices(admin.devices(handler_id))
    row = next(r for r, d in enumerate(table.devices) if d.id == desk.id)
    assert table.item(row, 3).text() == "已停用，数据已清除" and table.button(desk.id) is None

    # The same PC signs in again with the password: a new desk, a fresh profile.
    _signed_in(qtbot, app, "handler")
    assert app.window.workspace.status.pending == 0


def test_revoking_a_user_ends_all_their_desks(city: ServerProcess, tmp_path: Path, memory_keyring: Any) -> None:
    runner = TaskRunner()
    desks = [sign_in(city.url, "head", PASSWORD, tmp_path / f"pc{n}", runner) for n in range(3)]
    for desk in desks:
        assert desk.sync_once().ok
    admin = _admin(city)
    ended = admin.revoke_user_devices(desks[0].user.id)
    assert len(ended) == 3
    for desk in desks:
        report = desk.sync_once()
        assert isinstance(report.error, DeviceRevoked) and desk.status.revoked
        desk.stop_revoked()
    (audited,) = [a for a in _audit(city, "revoke_user_devices") if a["after"]["user_id"] == desks[0].user.id]
    assert len(audited["after"]["devices"]) == 3


def test_a_desk_revoked_while_closed_erases_itself_at_the_next_start_or_sign_in(
    qtbot: Any, city: ServerProcess, tmp_path: Path, memory_keyring: Any
) -> None:
    """Revoked while nobody used it: the start from the keyring (resume) or a sign-in with the
    password finds out, reports what the profile held unsent and erases it before anything opens."""
    order_id = city.new_order("海潮路窨井盖缺失")
    admin = _admin(city)
    for start in ("resume", "password"):
        home = tmp_path / start
        desk = sign_in(city.url, "handler", PASSWORD, home, TaskRunner())
        desk.sync_once()
        desk.undo_window = timedelta(hours=1)
        with qtbot.waitSignal(desk.recorded, timeout=10_000):
            desk.record(order_id, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="井盖已订购"))
        assert desk.status.pending == 1  # held in its undo window: never sent
        root, number = desk.root, (desk.store.order(order_id) or {})["number"]
        desk.stop()
        mine = max(admin.devices(desk.user.id), key=lambda d: d.id)  # the desk that just signed in
        assert mine.signed_in and mine.revoked_at is None
        admin.revoke_device(mine.id)
        if start == "resume":
            with pytest.raises(DeskWiped) as raised:
                resume(city.url, "handler", home, TaskRunner())
            wiped = raised.value.wiped
        else:
            again = sign_in(city.url, "handler", PASSWORD, home, TaskRunner())
            wiped = again.erased
            assert again.status.pending == 0 and again.root == root  # a fresh profile in the same place
            again.stop()
        assert wiped is not None and wiped.reported and wiped.erased
        assert [(e.order_number, e.command) for e in wiped.lost] == [(number, "add_note")]
        (audited,) = [a for a in _audit(city, "device_wiped") if a["after"]["device_id"] == mine.id]
        assert audited["after"]["lost"][0]["command"] == "add_note"


def test_a_remembered_desk_revoked_while_closed_is_erased_at_its_start_and_the_user_told(
    qtbot: Any, make_app: Any, city: ServerProcess, memory_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``python main.py`` on a remembered desk opens on its cached rows before the server is asked
    (issue 14); when the server then says the desk was revoked, it is erased and the user told what
    it held unsent, as a start that asked first did — and nothing is synced before."""
    order_id = city.new_order("东园路积水")
    app = make_app("--server", city.url)
    _signed_in(qtbot, app, "handler")
    workspace = app.window.workspace
    profile, number = workspace.root, (workspace.store.order(order_id) or {})["number"]
    workspace.keep_draft(order_id, "reply", {"text": "已安排疏通"})  # kept on this PC only
    workspace.runner.wait()
    app.shutdown()
    app.window.close()
    admin = _admin(city)
    mine = max(admin.devices(workspace.user.id), key=lambda d: d.id)
    admin.revoke_device(mine.id)

    synced: list[Workspace] = []
    monkeypatch.setattr(Workspace, "start_sync", lambda self, *a, **k: synced.append(self))
    opened: list[bool] = []  # each window: opened on the cache (the server not asked yet)
    open_window = CaseDeskApp._open
    monkeypatch.setattr(
        CaseDeskApp,
        "_open",
        lambda self, w, confirmed=True: (opened.append(not confirmed), open_window(self, w, confirmed)),
    )
    again = make_app()  # the server and user remembered: as the next morning's start
    qtbot.waitUntil(lambda: again.erased_box is not None and again.erased_box.isVisible(), timeout=30_000)
    text = again.erased_box.text()
    assert number in text and "草稿" in text, text
    again.erased_box.close()
    assert again.window is None and again.sign_in_dialog.isVisible()
    assert not profile.exists()
    assert (SERVICE, f"{city.url}|handler") not in memory_keyring.entries
    assert opened == [True] and not synced  # the cached rows, then erased: never synced
    (wiped,) = [a for a in _audit(city, "device_wiped") if a["after"]["device_id"] == mine.id]
    assert [e["command"] for e in wiped["after"]["lost"]] == ["draft:reply"]
