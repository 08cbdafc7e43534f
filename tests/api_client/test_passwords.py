"""Changing one's password and an administrator's reset, through the client over real HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from api_client import CaseDeskClient, Forbidden, PasswordChangeRequired, Rejected, Unauthorized
from tests.server.support import PASSWORD

MakeClient = Callable[..., CaseDeskClient]
NEW = "Xin-de-mi-ma-2026"


def test_a_reset_user_is_told_to_change_and_goes_on_once_changed(make_client: MakeClient) -> None:
    admin, desk, other_desk = make_client(), make_client(), make_client()
    admin.login("admin", PASSWORD)
    other_desk.login("zj_handler", PASSWORD)
    handler_id = next(u.id for u in admin.users() if u.username == "zj_handler")

    reset = admin.reset_password(handler_id)
    assert reset.username == "zj_handler" and len(reset.temporary_password) >= 10
    with pytest.raises(Unauthorized):
        other_desk.me()  # the reset ended the user's sessions

    user = desk.login("zj_handler", reset.temporary_password)
    assert user.must_change_password is True
    with pytest.raises(PasswordChangeRequired) as refused:
        desk.orders()
    assert refused.value.status == 403 and "密码" in refused.value.message_zh

    with pytest.raises(Rejected) as weak:
        desk.change_password(reset.temporary_password, "short")
    assert weak.value.code == "password_too_short" and weak.value.status == 422
    with pytest.raises(Forbidden) as wrong:
        desk.change_password("not-it", NEW)
    assert wrong.value.code == "wrong_password"

    changed = desk.change_password(reset.temporary_password, NEW)
    assert changed.must_change_password is False
    assert desk.user is not None and desk.user.must_change_password is False
    assert desk.orders().items is not None
    assert make_client().login("zj_handler", NEW).must_change_password is False


def test_only_an_admin_resets(make_client: MakeClient) -> None:
    chief = make_client()
    chief.login("zj_chief", PASSWORD)
    with pytest.raises(Forbidden):
        chief.reset_password(chief.me().id)
