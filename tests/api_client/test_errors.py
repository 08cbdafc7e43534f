"""Errors map to exception classes with bilingual messages; offline is its own case; retries are safe."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api_client import CaseDeskClient, Conflict, Forbidden, NotFound, Offline, Rejected
from api_client.errors import ServerError
from api_client.session import ApiSession
from casework.lifecycle import Command
from casework.schemas import SignBody
from tests.fixtures.city import PASSWORD, Api

MakeClient = Callable[..., CaseDeskClient]


def _bilingual(error: Exception) -> None:
    assert error.message_zh and error.message_en  # type: ignore[attr-defined]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message_zh)  # type: ignore[attr-defined]


def test_another_departments_order_is_not_found(make_client: MakeClient, api: Api):
    order = api.dispatched("ZJJ")
    desk = make_client()
    desk.login("cg_handler", PASSWORD)
    with pytest.raises(NotFound) as caught:
        desk.order(order["id"])
    assert caught.value.status == 404 and caught.value.code == "not_found"
    _bilingual(caught.value)


def test_wrong_state_is_a_conflict(make_client: MakeClient, api: Api):
    order = api.dispatched("ZJJ")
    desk = make_client()
    desk.login("zj_chief", PASSWORD)
    signed = desk.command(order["id"], Command.SIGN, SignBody(version=order["version"]))
    with pytest.raises(Conflict) as caught:
        desk.command(order["id"], Command.SIGN, SignBody(version=signed.version))
    assert caught.value.status == 409
    _bilingual(caught.value)


def test_role_refusal_is_forbidden(make_client: MakeClient, api: Api):
    order = api.dispatched("ZJJ")
    desk = make_client()
    desk.login("zj_handler", PASSWORD)  # a handler without the right to sign
    with pytest.raises(Forbidden) as caught:
        desk.command(order["id"], Command.SIGN, SignBody(version=order["version"]))
    assert caught.value.status == 403
    _bilingual(caught.value)


def test_invalid_input_is_rejected(make_client: MakeClient):
    desk = make_client()
    desk.login("agent", PASSWORD)
    with pytest.raises(Rejected) as caught:
        desk.orders(sort="sideways")
    assert caught.value.status == 422 and caught.value.code == "invalid_input"
    _bilingual(caught.value)


def test_closed_port_is_offline(memory_keyring):  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    desk = CaseDeskClient(f"http://127.0.0.1:{port}", backoff=0.01)
    with pytest.raises(Offline) as caught:
        desk.login("agent", PASSWORD)
    assert caught.value.status is None
    assert caught.value.message_zh == "无法连接服务器，已离线保存"
    assert caught.value.message_en == "Cannot reach the server; your work is kept offline"
    assert memory_keyring.entries == {}


class _Unavailable(BaseHTTPRequestHandler):
    """Answers 503 to everything and counts the requests."""

    hits: list[str] = []  # noqa: RUF012

    def _answer(self) -> None:
        _Unavailable.hits.append(self.command)
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b'{"code":"busy","message_zh":"\xe5\xbf\x99","message_en":"busy","detail":null}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PATCH = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def unavailable() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Unavailable.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_only_idempotent_methods_are_retried(unavailable: str):
    session = ApiSession(attempts=2, backoff=0.01)
    assert session.get(f"{unavailable}/x").status_code == 503
    assert _Unavailable.hits == ["GET"] * 3  # the first try and two retries
    _Unavailable.hits.clear()
    for method in ("POST", "PATCH"):
        assert session.request(method, f"{unavailable}/x", data=b"once").status_code == 503
    assert _Unavailable.hits == ["POST", "PATCH"]


def test_post_to_a_closed_port_is_not_retried():
    from urllib3.exceptions import MaxRetryError, NewConnectionError

    from api_client.session import make_retry

    retry = make_retry(attempts=3)
    error = NewConnectionError(None, "refused")  # type: ignore[arg-type]
    assert retry.increment("GET", "/x", error=error).total == 2
    with pytest.raises(MaxRetryError):
        retry.increment("POST", "/x", error=error)


class _BusyOnce(BaseHTTPRequestHandler):
    """503 with Retry-After: 1 to the first request of each method, then 200; notes the times."""

    times: list[tuple[str, float]] = []  # noqa: RUF012

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        first = not any(method == self.command for method, _ in _BusyOnce.times)
        _BusyOnce.times.append((self.command, time.monotonic()))
        body = b'{"code":"busy","message_zh":"\xe5\xbf\x99","message_en":"busy","detail":null}' if first else b"{}"
        self.send_response(503 if first else 200)
        if first:
            self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def test_a_busy_servers_retry_after_is_honoured(memory_keyring) -> None:  # type: ignore[no-untyped-def]
    """GET waits the Retry-After and tries again by itself; a POST is not repeated but its error
    carries the wait, for the sync loop (tests/reliability/test_busy.py)."""
    from api_client.errors import error_from_response

    server = ThreadingHTTPServer(("127.0.0.1", 0), _BusyOnce)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _BusyOnce.times = []
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x"
        session = ApiSession(attempts=2, backoff=0.01)
        assert session.get(url).status_code == 200
        (_, first), (_, second) = _BusyOnce.times
        assert second - first >= 1.0  # not the 0.01 s back-off: the server's second
        answer = session.post(url, data=b"once")
        assert answer.status_code == 503 and [m for m, _ in _BusyOnce.times] == ["GET", "GET", "POST"]
        error = error_from_response(answer)
        assert isinstance(error, ServerError) and error.code == "busy" and error.retry_after == 1.0
    finally:
        server.shutdown()
        server.server_close()


def test_a_retry_after_is_capped() -> None:
    from urllib3 import HTTPResponse

    from api_client.errors import MAX_RETRY_AFTER
    from api_client.session import make_retry

    answer = HTTPResponse(body=b"", headers={"Retry-After": "86400"}, status=503)
    assert make_retry().get_retry_after(answer) == MAX_RETRY_AFTER
