"""A tiny loopback TCP proxy that counts upload bytes and can cut the connection at an exact one.

It reads just enough HTTP/1.1 of what the client sends (request line, ``Content-Length``) to know
which bytes are the bodies of ``PATCH`` requests and of the creation ``POST /uploads`` — the tus
chunks (the first one goes with the creation). ``cut_after(n)`` makes it
forward exactly ``n`` more chunk bytes, then close both sides and refuse every connection (accept
and close at once) until ``restore()``: to the client it looks like the network went away mid-chunk.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from types import TracebackType


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to the upstream port; see the module docstring."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.patch_bytes = 0  # chunk bytes (PATCH and creation POST bodies) forwarded so far
        self._cut_at: int | None = None
        self._down = False
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def cut_after(self, more_bytes: int) -> None:
        with self._lock:
            self._cut_at = self.patch_bytes + more_bytes

    def restore(self) -> None:
        with self._lock:
            self._cut_at, self._down = None, False

    @property
    def down(self) -> bool:
        return self._down

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            for s in list(self._sockets):
                _close(s)

    def __enter__(self) -> CuttingProxy:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            if self._down:
                _close(client)
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self._lock:
                self._sockets |= {client, upstream}
            threading.Thread(target=self._requests, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._answers, args=(upstream, client), daemon=True).start()

    def _answers(self, upstream: socket.socket, client: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := upstream.recv(65536):
                client.sendall(data)
        _close(client)

    def _requests(self, client: socket.socket, upstream: socket.socket) -> None:
        """Forward requests, counting (and maybe cutting) the bodies of PATCH requests."""
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = client.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                upstream.sendall(head + b"\r\n\r\n")
                is_patch = head.startswith((b"PATCH ", b"POST /uploads "))
                remaining = _content_length(head)
                while remaining:
                    if not buffer:
                        buffer = client.recv(min(remaining, 65536))
                        if not buffer:
                            return
                    piece, buffer = buffer[:remaining], buffer[remaining:]
                    if is_patch and not self._forward_chunk(piece, upstream):
                        return
                    if not is_patch:
                        upstream.sendall(piece)
                    remaining -= len(piece)
        except OSError:
            return
        finally:
            with self._lock:
                # A cut takes every connection down, as a lost network would.
                doomed = set(self._sockets) if self._down else {client, upstream}
                self._sockets -= doomed | {client, upstream}
            for s in doomed | {client, upstream}:
                _close(s)

    def _forward_chunk(self, piece: bytes, upstream: socket.socket) -> bool:
        """Forward chunk bytes up to the cut; False once cut (the proxy is then down)."""
        with self._lock:
            allowed = len(piece) if self._cut_at is None else max(0, self._cut_at - self.patch_bytes)
            if allowed < len(piece):
                self._down = True
            piece = piece[:allowed]
            self.patch_bytes += len(piece)
        upstream.sendall(piece)
        return not self._down


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        s.close()
