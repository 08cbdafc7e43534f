"""``serve --workers N``: connections that arrive together are spread over the workers, and a second
server on the same port is still refused (server.observability.shutdown.listeners)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from tests.fixtures.server_process import ROOT, ServerProcess

WORKERS = 4
CONNECTIONS = 80


def _workers(pid: int) -> list[int]:
    """The serving processes under ``serve``'s supervisor (multiprocessing's helper among them: it holds
    no connection)."""
    return [int(c) for task in Path(f"/proc/{pid}/task").glob("*/children") for c in task.read_text().split()]


def _sockets(pid: int) -> set[int]:
    """The inodes of the sockets a process holds."""
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            link = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if link.startswith("socket:["):
            held.add(int(link[len("socket:[") : -1]))
    return held


def _listening(port: int) -> int:
    """How many sockets listen on ``port`` (a worker's socket joins the kernel's spread once it listens)."""
    return sum(
        1
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
        if int(line.split()[1].split(":")[1], 16) == port and line.split()[3] == "0A"  # LISTEN
    )


def _accepted(port: int) -> dict[int, int]:
    """The server's side of each established connection to ``port``: its inode, by the client's port."""
    found = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
        if int(local.split(":")[1], 16) == port and state == "01":  # ESTABLISHED
            found[int(remote.split(":")[1], 16)] = int(inode)
    return found


def test_connections_arriving_together_are_spread_over_the_workers(tmp_path: Path) -> None:
    """On one shared socket the first worker to wake accepted every connection waiting (asyncio
    accepts the whole backlog at once): desks reconnecting together all landed on one worker
    (29 of 40 measured), and its keep-alive connections kept them there."""
    server = ServerProcess(tmp_path / "data", orders=1)
    server.start("--workers", str(WORKERS))  # answering once its first worker is
    try:
        deadline = time.monotonic() + 30  # every worker started (with one shared socket: the 30 s)
        while _listening(server.port) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.1)
        clients = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(CONNECTIONS)]
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: casedesk\r\n\r\n")
        for client in clients:
            assert client.recv(65536).startswith(b"HTTP/1.1 200")
        accepted = _accepted(server.port)
        held = {pid: _sockets(pid) for pid in _workers(server.process.pid)}
        by_worker = Counter(
            next(pid for pid, inodes in held.items() if accepted[client.getsockname()[1]] in inodes)
            for client in clients
        )
        for client in clients:
            client.close()
    finally:
        server.stop()
    assert len(by_worker) == WORKERS, by_worker
    # Spread by the kernel's hash of each connection's addresses: 20 each on average, more than 40
    # on one worker about never (five standard deviations).
    assert max(by_worker.values()) <= CONNECTIONS // 2, by_worker


def test_a_second_server_on_the_same_port_is_refused(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", orders=1)
    server.start("--workers", "2")
    try:
        second = subprocess.run(
            [sys.executable, "-m", "server", "serve", "--port", str(server.port), "--workers", "2"],
            env=server.env,
            cwd=ROOT,
            capture_output=True,
            timeout=60,
        )
    finally:
        server.stop()
    assert second.returncode != 0
    assert b"address already in use" in second.stderr.lower(), second.stderr[-2000:]
