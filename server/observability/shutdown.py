"""Serving with a graceful stop: SIGTERM finishes the requests in flight, refuses new connections at
once, and ends with exit code 0 (README "Operating the server").

uvicorn does most of it (``timeout_graceful_shutdown``). Two things are added: with
``--workers N`` its supervisor keeps the listening socket open until every worker has finished, so
a new connection is accepted by the kernel and left waiting (a proxy in front cannot fail over to
the other host at once); :class:`Supervisor` closes it on SIGTERM first. And uvicorn raises the
signal again after its shutdown; :func:`_stopped` makes that a clean exit.

The workers started together listen on a socket each (:func:`listeners`), not on one shared socket.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process

from server.observability import metrics

#: uvicorn.run's exit code for a server that never started.
STARTUP_FAILURE = 3


def listeners(config: uvicorn.Config) -> list[socket.socket]:
    """The listening sockets of ``--workers N``: one per worker, all on the server's address with
    ``SO_REUSEPORT``, so that the kernel spreads new connections evenly over the workers (by the
    connection's addresses). On one shared socket each new connection went to whichever worker took
    it first, and a keep-alive connection stays with its worker: in ``bench.writes`` one worker of
    four did 87 % of the work at 40 writes/s, 52 % at 150/s, its lanes and its GIL queueing while
    the others idled. One shared socket where the system has no ``SO_REUSEPORT`` (or on a socket
    path or a descriptor handed over)."""
    if not hasattr(socket, "SO_REUSEPORT") or config.uds is not None or config.fd is not None:
        return [config.bind_socket()]
    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    # A port another server holds (with or without SO_REUSEPORT) is refused, as uvicorn refuses it:
    # a second server must never silently share the first one's connections.
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((config.host, config.port))
        except OSError as exc:
            logging.getLogger("uvicorn.error").error(exc)
            sys.exit(STARTUP_FAILURE)
        port = probe.getsockname()[1]  # the port the system chose, if asked for any (0)
    made = []
    for _ in range(config.workers):
        sock = socket.socket(family)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((config.host, port))
        sock.set_inheritable(True)
        made.append(sock)
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", config.host, port)
    return made


class Supervisor(Multiprocess):
    """uvicorn's supervisor of ``--workers N`` that stops listening as soon as SIGTERM arrives, and
    tells the metrics of each worker that has gone (died and replaced, or retired by SIGHUP/SIGTTOU).

    Given a socket per worker (:func:`listeners`), the workers started together listen on one each;
    a worker started later (replacing one that died, a SIGHUP's rolling restart, SIGTTIN) listens on
    every socket still open, so that no socket is ever left without a worker, and a worker that dies
    or is retired by SIGTTOU takes its own socket with it (the kernel then spreads over the others)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: set[int] = set()
        self._own: dict[int, socket.socket] = {}  # a worker's pid: the one socket it listens on

    def init_processes(self) -> None:
        if len(self.sockets) != self.processes_num:
            super().init_processes()
            return
        for sock in self.sockets:
            process = Process(self.config, [sock])
            process.start()
            self.processes.append(process)
            assert process.pid is not None
            self._own[process.pid] = sock

    def handle_ttou(self) -> None:
        retiring = self.processes[-1].pid if self.processes_num > 1 else None
        super().handle_ttou()
        if (sock := self._own.pop(retiring, None) if retiring is not None else None) is not None:
            # Open in no other process but a later worker's (which listens on it): closed here, it
            # goes from the kernel's spread unless such a worker still serves it.
            self.sockets.remove(sock)
            sock.close()

    def handle_term(self) -> None:
        for sock in self.sockets:
            sock.close()  # each worker keeps its own copy until its requests in flight are done
        super().handle_term()

    def keep_subprocess_alive(self) -> None:
        for process in self.processes:
            if process.pid in self._own and process.exitcode is not None:
                # A worker died: its socket closed here too (no other process has it open unless a later
                # worker listens on it), so that the kernel spreads over the others at once instead of
                # queueing a share of the new connections until the replacement is up (seconds on a
                # loaded machine); those it had queued already are reset.
                sock = self._own.pop(process.pid)
                self.sockets.remove(sock)
                sock.close()
        super().keep_subprocess_alive()  # every half second, after the signals were handled
        running = {p.pid for p in self.processes if p.pid is not None}
        for pid in self._seen - running:
            metrics.worker_exited(pid)
        self._seen = running


def _stopped(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(config: uvicorn.Config) -> int:
    """Run until SIGTERM or SIGINT; 0 once the requests in flight are done."""
    signal.signal(signal.SIGTERM, _stopped)  # also stops a server still starting up
    if config.workers > 1:
        # The workers' counts, for whichever of them a scrape reaches (server.observability.metrics).
        shared = tempfile.mkdtemp(prefix="casedesk-metrics-")
        os.environ[metrics.SHARED_DIR] = shared
        try:
            Supervisor(config, sockets=listeners(config)).run()
        finally:
            shutil.rmtree(shared, ignore_errors=True)
        return 0
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else STARTUP_FAILURE


def config(**options: Any) -> uvicorn.Config:
    return uvicorn.Config("server.app:served_app", factory=True, **options)
