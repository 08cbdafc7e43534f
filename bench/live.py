"""The case server under test: a real uvicorn process on a free loopback port.

It runs in its own process (``python -m bench.live``), as in production, so the benchmark's
client and the server do not share one interpreter lock. The application is
``server.app.create_app`` with two additions for the benchmarks:

- a ``Server-Timing: app;dur=<ms>`` header on every answer: the time from the request's arrival
  to the start of the answer (the handler, its transaction and the body's serialisation);
- ``POST /uploads/bench-sink``, the plain-upload baseline: streams the body to a file and fsyncs
  it. It sits under ``/uploads/`` so that it passes the app's body limit like a tus PATCH
  (other paths are limited to 1 MB).

With ``--profile FILE`` every thread of the server (the event loop and the worker threads that run
the endpoints) is profiled with cProfile and the merged statistics are written to FILE on exit.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
import uvicorn
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.app import create_app
from server.settings import Settings


class ServerTiming:
    """Adds ``Server-Timing: app;dur=<ms>`` (arrival to the start of the answer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                ms = (time.perf_counter() - started) * 1000
                message["headers"] = [*message.get("headers", []), (b"server-timing", f"app;dur={ms:.3f}".encode())]
            await send(message)

        await self.app(scope, receive, timed_send)


def make_app(settings: Settings) -> ASGIApp:
    app = create_app(settings)
    sink_dir = settings.data_dir / "bench-sink"
    sink_dir.mkdir(parents=True, exist_ok=True)

    async def sink(request: Request) -> JSONResponse:
        """The baseline: the body streamed to a file and fsynced, nothing else."""
        target = sink_dir / uuid.uuid4().hex
        size = 0
        with target.open("wb") as handle:
            async for chunk in request.stream():
                handle.write(chunk)
                size += len(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        target.unlink()
        return JSONResponse({"size": size}, status_code=201)

    app.add_api_route("/uploads/bench-sink", sink, methods=["POST"], include_in_schema=False)
    return ServerTiming(app)


class _ThreadProfiles:
    """One cProfile profiler per thread (cProfile sees only the thread that enabled it)."""

    def __init__(self) -> None:
        self.profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        self._enable()
        threading.setprofile(self._first_call_in_thread)

    def _first_call_in_thread(self, *_: Any) -> None:
        self._enable()  # replaces this hook in the new thread by the thread's own profiler

    def _enable(self) -> None:
        profile = cProfile.Profile()
        with self._lock:
            self.profiles.append(profile)
        profile.enable()

    def dump(self, path: Path) -> None:
        """Merge every thread's statistics into one pstats file."""
        threading.setprofile(None)  # type: ignore[arg-type]
        with self._lock:
            profiles = list(self.profiles)
        merged: pstats.Stats | None = None
        for profile in profiles:
            profile.create_stats()
            if not profile.stats:  # type: ignore[attr-defined]
                continue  # a thread that never ran Python code
            if merged is None:
                merged = pstats.Stats(profile)
            else:
                merged.add(profile)
        if merged is not None:
            merged.dump_stats(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    app = make_app(Settings(data_dir=args.data_dir, database_url=args.database_url))
    profiles = _ThreadProfiles() if args.profile else None
    if profiles is not None:
        profiles.start()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=args.port, log_level="warning", lifespan="off"))

    def stop_when_stdin_closes() -> None:
        sys.stdin.read()  # the parent closes our stdin to stop us (no signal: the profile must be written)
        server.should_exit = True

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    server.run()
    if profiles is not None:
        profiles.dump(args.profile)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: The process id of each bench server running, by its base URL (for its CPU time: :func:`cpu_seconds`).
PIDS: dict[str, int] = {}


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of process ``pid`` so far (Linux: /proc/<pid>/stat), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak_rss(pid: int) -> bool:
    """Start ``pid``'s peak resident memory again from what it holds now (Linux: writing 5 to
    ``clear_refs`` resets VmHWM), so that :func:`peak_rss_mb` tells the peak of what follows — not
    of a data set built earlier in the same process. False when the kernel does not allow it."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory of process ``pid`` so far (Linux: VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def serve(database_url: str, data_dir: Path, profile: Path | None = None) -> Iterator[str]:
    """Start the server process; yields its base URL and stops it (closing its stdin) on exit."""
    port = _free_port()
    command = [sys.executable, "-m", "bench.live", "--data-dir", str(data_dir), "--database-url", database_url]
    command += ["--port", str(port)] + (["--profile", str(profile)] if profile else [])
    process = subprocess.Popen(command, cwd=Path(__file__).resolve().parents[1], stdin=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the bench server exited with {process.returncode}")
            try:
                if requests.get(f"{url}/healthz", timeout=1).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):  # not up yet, or a busy machine
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the bench server did not start")
            time.sleep(0.05)
        PIDS[url] = process.pid
        yield url
    finally:
        PIDS.pop(url, None)
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


if __name__ == "__main__":
    main()
