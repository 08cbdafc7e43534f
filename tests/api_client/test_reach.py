"""Who the server is, how fast "unreachable" is known, and the password kept for an offline unlock."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import keyring
import keyring.backends.fail
import pytest

from api_client import CaseDeskClient, Offline, Unauthorized
from tests.fixtures.city import PASSWORD
from tests.fixtures.keyring import MemoryKeyring

MakeClient = Callable[..., CaseDeskClient]


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_server_info_needs_no_sign_in(make_client: MakeClient) -> None:
    info = make_client().server_info()
    assert info.id and info.api_version >= 1
    assert make_client().server_info().id == info.id


def test_a_refused_connection_fails_at_once_and_listeners_hear_of_it(make_client: MakeClient) -> None:
    heard: list[bool] = []
    desk = make_client()
    stop = desk.listen(heard.append)
    desk.server_info()
    assert heard == [True]

    down = CaseDeskClient(_closed_port())  # the default retries and back-off, as the desk uses them
    down.listen(heard.append)
    started = time.monotonic()
    with pytest.raises(Offline):
        down.server_info()
    with pytest.raises(Offline):
        down.login("agent", PASSWORD)
    assert time.monotonic() - started < 1.5  # not seconds of retries and back-off
    assert heard == [True, False, False]

    stop()
    desk.server_info()
    assert heard == [True, False, False]


def test_a_kept_password_signs_in_when_there_is_no_keyring(make_client: MakeClient, memory_keyring: MemoryKeyring):
    keyring.set_keyring(keyring.backends.fail.Keyring())  # restored by the fixture
    desk = make_client()
    with pytest.raises(Unauthorized):
        desk.resume("agent")
    desk.keep_password("agent", PASSWORD)
    assert desk.resume("agent").username == "agent"
    assert desk.me().username == "agent"
    assert not desk.auth.keeps_password  # used once, then dropped

    wrong = make_client()
    wrong.keep_password("agent", "changed-since")
    with pytest.raises(Unauthorized):
        wrong.resume("agent")
    assert not wrong.auth.keeps_password
    with pytest.raises(Unauthorized):
        wrong.resume("agent")

    # Unreachable: the password stays for the next try.
    offline = CaseDeskClient(_closed_port())
    offline.keep_password("agent", PASSWORD)
    with pytest.raises(Offline):
        offline.resume("agent")
    assert offline.auth.keeps_password
