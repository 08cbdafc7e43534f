"""A fault-injecting HTTP/1.1 proxy on loopback, in front of the live test server.

It reads each request whole, asks ``plan(method, path)`` what to do with it, and then passes it
on, delays it, cuts the connection half-way through the request, cuts the server's answer after
``n`` bytes, or throws the whole answer away after the server has acted on the request.
Keep-alive is kept (several requests per connection) so the client's connection pool behaves as
it does against a real server; any fault ends the connection.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Fault:
    """What to do with one request: ``pass``; ``delay`` it (seconds); ``reset`` the connection after
    ``n`` bytes of the request reached the server; ``truncate`` the answer after ``n`` bytes
    (``truncate-status``: within its status line); ``lose`` the answer (the server acted);
    ``busy``: answer for a saturated server, 503 with ``Retry-After: n`` (the request goes no further)."""

    kind: str = "pass"
    n: int = 0
    delay: float = 0.0


PASS = Fault()
Plan = Callable[[str, str], Fault]


class FaultProxy:
    def __init__(self, upstream: str, plan: Plan | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.plan: Plan = plan or (lambda method, path: PASS)
        self.log: list[tuple[str, str, Fault]] = []  # every request seen, with what was done to it
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def faults(self) -> list[tuple[str, str, Fault]]:
        with self._lock:
            return [entry for entry in self.log if entry[2].kind != "pass"]

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            for s in list(self._sockets):
                _close(s)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, s: socket.socket) -> socket.socket:
        s.settimeout(60)
        with self._lock:
            self._sockets.add(s)
        return s

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        server = self._track(socket.create_connection(self.upstream))
        try:
            while True:
                request = _read_message(client, None)
                if request is None:
                    return
                head = request[: request.index(b"\r\n")].decode("latin-1").split(" ")
                method, path = head[0], head[1]
                fault = self.plan(method, path)
                with self._lock:
                    self.log.append((method, path, fault))
                if fault.kind == "reset":  # part of the request reaches the server, then both cuts
                    server.sendall(request[: max(1, min(fault.n, len(request) - 1))])
                    _reset(client)
                    return
                if fault.kind == "busy":
                    client.sendall(_busy(fault.n))
                    return  # "connection: close": the upstream connection would idle out meanwhile
                time.sleep(fault.delay)
                server.sendall(request)
                answer = _read_message(server, method)
                if answer is None:
                    return
                if fault.kind == "lose":
                    _reset(client)
                    return
                if fault.kind in ("truncate", "truncate-status"):
                    limit = answer.index(b"\r\n") - 1 if fault.kind == "truncate-status" else len(answer) - 1
                    client.sendall(answer[: max(1, min(fault.n, limit))])
                    client.shutdown(socket.SHUT_WR)  # a clean FIN: the client reads the part, then EOF
                    return
                client.sendall(answer)
                if b"\r\nconnection: close" in answer[: answer.index(b"\r\n\r\n")].lower():
                    return
        except OSError:
            return
        finally:
            for s in (client, server):
                _close(s)
                with self._lock:
                    self._sockets.discard(s)


def _read_message(sock: socket.socket, request_method: str | None) -> bytes | None:
    """One whole HTTP/1.1 message (a request when ``request_method`` is None), or None at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    end = data.index(b"\r\n\r\n") + 4
    head = data[:end].decode("latin-1").lower()
    headers = dict(line.split(":", 1) for line in head.split("\r\n")[1:] if ":" in line)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    status = int(head.split(" ")[1]) if request_method is not None else 0
    if request_method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return data[:end]
    if "content-length" in headers:
        total = end + int(headers["content-length"])
        while len(data) < total:
            chunk = sock.recv(65536)
            if not chunk:
                raise OSError("eof inside a body")
            data += chunk
        return data[:total]
    if headers.get("transfer-encoding") == "chunked":
        while not data.endswith(b"0\r\n\r\n"):  # good enough: our server sends no trailers
            chunk = sock.recv(65536)
            if not chunk:
                raise OSError("eof inside a chunked body")
            data += chunk
        return data
    if request_method is None:
        return data[:end]
    while chunk := sock.recv(65536):  # an answer delimited by the end of the connection
        data += chunk
    return data


def _busy(retry_after: int) -> bytes:
    """The answer of a worker whose admission queue is full (server.lanes), byte for byte."""
    import json

    from server.lanes import busy

    error = busy(retry_after)
    body = json.dumps(
        {"code": error.code, "message_zh": error.zh, "message_en": error.en, "detail": error.detail}, ensure_ascii=False
    ).encode()
    head = (
        f"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
        f"retry-after: {retry_after}\r\nconnection: close\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def _reset(s: socket.socket) -> None:
    """Close with RST, as a dropped NAT entry or a crashing middlebox does."""
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    _close(s)


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.close()
