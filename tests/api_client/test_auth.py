"""Sign-in, transparent refresh with rotation, the keyring, resume and logout — over real HTTP."""

from __future__ import annotations

from collections.abc import Callable

import keyring.backends.fail
import keyring.backends.null
import pytest

from api_client import SERVICE, CaseDeskClient, Unauthorized, keyring_is_secure
from tests.fixtures.city import PASSWORD, Clock
from tests.fixtures.keyring import MemoryKeyring

MakeClient = Callable[..., CaseDeskClient]


def _entry(kr: MemoryKeyring, base_url: str, username: str) -> str | None:
    return kr.entries.get((SERVICE, f"{base_url}|{username}"))


def test_login_keeps_only_the_refresh_token(make_client: MakeClient, memory_keyring: MemoryKeyring, base_url: str):
    desk = make_client()
    user = desk.login("agent", PASSWORD)
    assert user.username == "agent"
    assert memory_keyring.entries == {(SERVICE, f"{base_url}|agent"): desk.auth.refresh_token}
    assert all(PASSWORD not in value for value in memory_keyring.entries.values())
    assert desk.session_persisted
    assert desk.me().username == "agent"


def test_expired_access_token_refreshes_transparently(
    make_client: MakeClient, memory_keyring: MemoryKeyring, base_url: str, clock: Clock
):
    desk = make_client()
    desk.login("agent", PASSWORD)
    first_access, first_refresh = desk.auth.access_token, desk.auth.refresh_token
    clock.advance(minutes=20)
    assert desk.me().username == "agent"
    assert desk.auth.access_token != first_access
    assert desk.auth.refresh_token != first_refresh
    assert _entry(memory_keyring, base_url, "agent") == desk.auth.refresh_token


def test_resume_from_keyring_then_logout(make_client: MakeClient, memory_keyring: MemoryKeyring, base_url: str):
    make_client().login("zj_chief", PASSWORD)
    stored = _entry(memory_keyring, base_url, "zj_chief")

    second = make_client()
    assert second.resume("zj_chief").username == "zj_chief"
    assert second.me().username == "zj_chief"
    assert _entry(memory_keyring, base_url, "zj_chief") == second.auth.refresh_token != stored

    assert second.logout() is True
    assert _entry(memory_keyring, base_url, "zj_chief") is None
    with pytest.raises(Unauthorized):
        make_client().resume("zj_chief")


def test_logout_revokes_on_the_server(make_client: MakeClient, memory_keyring: MemoryKeyring, base_url: str):
    desk = make_client()
    desk.login("agent", PASSWORD)
    refresh = desk.auth.refresh_token
    assert desk.logout()
    memory_keyring.set_password(SERVICE, f"{base_url}|agent", refresh or "")
    with pytest.raises(Unauthorized) as caught:
        make_client().resume("agent")
    assert caught.value.code == "session_ended"


def test_reused_refresh_token_is_refused(make_client: MakeClient, memory_keyring: MemoryKeyring, base_url: str):
    desk = make_client()
    desk.login("agent", PASSWORD)
    old = desk.auth.refresh_token
    make_client().resume("agent")  # rotates: ``old`` is spent
    make_client().resume("agent")  # and its successor too: ``old`` is past any lost-answer grace
    memory_keyring.set_password(SERVICE, f"{base_url}|agent", old or "")

    with pytest.raises(Unauthorized) as caught:
        make_client().resume("agent")
    error = caught.value
    assert error.status == 401 and error.code == "token_reused"
    assert "登录" in error.message_zh and "sign in" in error.message_en.lower()
    assert _entry(memory_keyring, base_url, "agent") is None  # a dead token is not kept


def test_bad_password_is_unauthorized(make_client: MakeClient, memory_keyring: MemoryKeyring):
    with pytest.raises(Unauthorized) as caught:
        make_client().login("agent", "wrong-password")
    assert caught.value.status == 401 and caught.value.message_zh and caught.value.message_en
    assert memory_keyring.entries == {}


@pytest.mark.parametrize("backend", [keyring.backends.null.Keyring, keyring.backends.fail.Keyring])
def test_insecure_keyring_persists_nothing(make_client: MakeClient, backend: type, memory_keyring: MemoryKeyring):
    keyring.set_keyring(backend())  # the memory_keyring fixture restores the previous one afterwards
    assert not keyring_is_secure()
    desk = make_client()
    assert not desk.session_persisted
    desk.login("agent", PASSWORD)
    assert desk.me().username == "agent"
    with pytest.raises(Unauthorized):
        make_client().resume("agent")


def test_plaintext_backends_are_not_secure(memory_keyring: MemoryKeyring):
    assert keyring_is_secure()

    class PlaintextKeyring(MemoryKeyring):
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    keyring.set_keyring(PlaintextKeyring())
    assert not keyring_is_secure()
