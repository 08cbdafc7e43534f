"""Serving with a graceful stop: SIGTERM finishes the requests in flight, refuses new connections at
once, and ends with exit code 0 (README "Operating the server").

uvicorn does most of it (``timeout_graceful_shutdown``). Two things are added: with
``--workers N`` its supervisor keeps the listening socket open until every worker has finished, so
a new connection is accepted by the kernel and left waiting (a proxy in front cannot fail over to
the other host at once); :class:`Supervisor` closes it on SIGTERM first. And uvicorn raises the
signal again after its shutdown; :func:`_stopped` makes that a clean exit.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

from server.observability import metrics

#: uvicorn.run's exit code for a server that never started.
STARTUP_FAILURE = 3


class Supervisor(Multiprocess):
    """uvicorn's supervisor of ``--workers N`` that stops listening as soon as SIGTERM arrives, and
    tells the metrics of each worker that has gone (died and replaced, or retired by SIGHUP/SIGTTOU)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._seen: set[int] = set()

    def handle_term(self) -> None:
        for sock in self.sockets:
            sock.close()  # each worker keeps its own copy until its requests in flight are done
        super().handle_term()

    def keep_subprocess_alive(self) -> None:
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
            Supervisor(config, sockets=[config.bind_socket()]).run()
        finally:
            shutil.rmtree(shared, ignore_errors=True)
        return 0
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else STARTUP_FAILURE


def config(**options: Any) -> uvicorn.Config:
    return uvicorn.Config("server.app:served_app", factory=True, **options)
