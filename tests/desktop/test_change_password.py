"""更改密码 through the real window against a real server process: required after an administrator's
reset (the desk waits for it, then opens and syncs), and from 工具 → 更改密码… for any user."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QMenu

from api_client import CaseDeskClient, Unauthorized
from desktop.profile_key import ProfileKeyLost, forget_profile_key, profile_key
from tests.fixtures.keyring import MemoryKeyring
from tests.fixtures.server_process import PASSWORD, ServerProcess
from ui.change_password import ChangePasswordDialog

pytestmark = pytest.mark.slow

FIRST = "Ta-ji-de-mi-ma-7"
SECOND = "Di-er-ge-mi-ma-8"


def _type(qtbot: Any, field: QLineEdit, text: str) -> None:
    field.setFocus()
    field.selectAll()
    QTest.keyClick(field, Qt.Key.Key_Backspace)
    qtbot.keyClicks(field, text)


def _click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _fill(qtbot: Any, dialog: ChangePasswordDialog, old: str, new: str, repeat: str) -> None:
    _type(qtbot, dialog.old_password, old)
    _type(qtbot, dialog.new_password, new)
    _type(qtbot, dialog.repeat, repeat)
    _click(qtbot, dialog.ok)


def _reset(server: ServerProcess, username: str) -> str:
    admin = CaseDeskClient(server.url, persist_session=False)
    admin.login("admin", PASSWORD)
    user_id = next(u.id for u in admin.users() if u.username == username)
    return admin.reset_password(user_id).temporary_password


def test_after_a_reset_the_desk_asks_for_a_new_password_then_opens(
    qtbot: Any, make_app: Any, server: ServerProcess, memory_keyring: MemoryKeyring
) -> None:
    temporary = _reset(server, "handler")
    app = make_app("--server", server.url)
    qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=10_000)
    sign_in = app.sign_in_dialog
    _type(qtbot, sign_in.username, "handler")
    _type(qtbot, sign_in.password, temporary)
    _click(qtbot, sign_in.buttons.button(sign_in.buttons.StandardButton.Ok))

    # Signed in, but the window waits: the dialog asks for a password of the user's own.
    qtbot.waitUntil(lambda: getattr(app, "password_dialog", None) is not None, timeout=20_000)
    dialog = app.password_dialog
    assert dialog.isVisible() and dialog.forced and app.window is None
    assert "至少 10 个字符" in dialog.policy.text() and "常见密码" in dialog.policy.text()

    _fill(qtbot, dialog, temporary, FIRST, FIRST + "x")
    assert dialog.error.text() == "两次输入的新密码不一致"
    _fill(qtbot, dialog, temporary, "qwertyuiop", "qwertyuiop")
    assert "常见" in dialog.error.text()
    _fill(qtbot, dialog, temporary, "handler-2026-ok", "handler-2026-ok")
    assert dialog.error.text() == "密码不能包含用户名"
    _fill(qtbot, dialog, "not-the-temporary", FIRST, FIRST)  # only the server can tell this one
    qtbot.waitUntil(lambda: dialog.error.text() == "原密码不正确", timeout=10_000)
    assert dialog.isVisible() and app.window is None

    _fill(qtbot, dialog, temporary, FIRST, FIRST)
    qtbot.waitUntil(lambda: app.window is not None, timeout=20_000)
    assert not dialog.isVisible()
    window = app.window
    assert window.workspace.user.must_change_password is False
    qtbot.waitUntil(lambda: window.workspace.status.last_sync is not None, timeout=20_000)
    assert window.workspace.status.error is None
    assert window.workspace.store.orders()  # the desk synced: the server answers again

    # The server took it: the new password signs in, the temporary one no longer does.
    assert CaseDeskClient(server.url, persist_session=False).login("handler", FIRST).must_change_password is False
    with pytest.raises(Unauthorized):
        CaseDeskClient(server.url, persist_session=False).login("handler", temporary)

    # 工具 → 更改密码… by mouse, for any user at any time.
    menus = window.menus
    qtbot.mouseClick(
        window.menuBar(),
        Qt.MouseButton.LeftButton,
        pos=window.menuBar().actionGeometry(menus.tools_menu.menuAction()).center(),
    )
    _click_menu_item(qtbot, menus.tools_menu, "更改密码…")
    qtbot.waitUntil(lambda: isinstance(menus.dialog, ChangePasswordDialog) and menus.dialog.isVisible(), timeout=5000)
    again = menus.dialog
    assert not again.forced and again.cancel.text() == "取消"
    _fill(qtbot, again, FIRST, SECOND, SECOND)
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=20_000)
    assert "密码已更改" in window.statusBar().currentMessage()
    assert CaseDeskClient(server.url, persist_session=False).login("handler", SECOND).username == "handler"
    # This desk's own session goes on.
    window.workspace.sync_now()
    qtbot.waitUntil(lambda: not window.workspace.status.syncing, timeout=20_000)
    assert window.workspace.status.error is None
    # The profile's data key is wrapped under the new password, no longer under the old one (tried
    # without the keyring's copy, as on a PC without a keyring).
    root = window.workspace.root
    key = profile_key(root)
    forget_profile_key(root)
    with pytest.raises(ProfileKeyLost):
        profile_key(root, FIRST)
    assert profile_key(root, SECOND) == key


def test_declining_the_change_signs_out(
    qtbot: Any, make_app: Any, server: ServerProcess, memory_keyring: MemoryKeyring
) -> None:
    temporary = _reset(server, "chief")
    app = make_app("--server", server.url)
    qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=10_000)
    first = app.sign_in_dialog
    _type(qtbot, first.username, "chief")
    _type(qtbot, first.password, temporary)
    _click(qtbot, first.buttons.button(first.buttons.StandardButton.Ok))
    qtbot.waitUntil(lambda: getattr(app, "password_dialog", None) is not None, timeout=20_000)
    dialog = app.password_dialog
    assert dialog.cancel.text() == "注销"
    _click(qtbot, dialog.cancel)
    qtbot.waitUntil(lambda: app.sign_in_dialog is not first and app.sign_in_dialog.isVisible(), timeout=10_000)
    assert app.window is None and app.sign_in_dialog.username.text() == "chief"


def _click_menu_item(qtbot: Any, menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def test_a_reset_while_the_desk_was_closed_is_asked_for_at_its_next_start(
    qtbot: Any, make_app: Any, server: ServerProcess, memory_keyring: MemoryKeyring
) -> None:
    """A remembered desk opens on its cache before the server is asked (issue 14); the reset ended
    its session, so the server's refusal asks for the password, and the temporary one for a new one."""
    app = make_app("--server", server.url)
    qtbot.waitUntil(lambda: getattr(app, "sign_in_dialog", None) is not None, timeout=10_000)
    first = app.sign_in_dialog
    _type(qtbot, first.username, "head")
    _type(qtbot, first.password, PASSWORD)
    _click(qtbot, first.buttons.button(first.buttons.StandardButton.Ok))
    qtbot.waitUntil(lambda: app.window is not None, timeout=20_000)
    qtbot.waitUntil(lambda: app.window.workspace.status.last_sync is not None, timeout=20_000)
    app.shutdown()
    app.window.close()
    temporary = _reset(server, "head")  # ends every session of the user

    again = make_app()
    qtbot.waitUntil(lambda: getattr(again, "sign_in_dialog", None) is not None, timeout=20_000)
    dialog = again.sign_in_dialog
    assert dialog.isVisible() and dialog.username.text() == "head"
    _type(qtbot, dialog.password, temporary)
    _click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Ok))
    qtbot.waitUntil(lambda: getattr(again, "password_dialog", None) is not None, timeout=20_000)
    assert again.password_dialog.isVisible() and again.password_dialog.forced
