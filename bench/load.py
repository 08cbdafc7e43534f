"""Desks polling a multi-worker server: ``python -m bench.load --pg URL [--desks 200] [--seconds 60]``.

The case server runs as in production, ``python -m server serve --workers 4``, on a fresh copy of
the bench city on PostgreSQL (``--pg``; SQLite with ``--sqlite``, for a try without a database
server). Each of ``--desks`` desks (asyncio, httpx, on loopback) polls ``GET /sync/pull`` with its
own cursor every ``--every`` seconds (the first poll of each spread over one interval), as the demo
users in turn (the centre's and the leaders' desks see every new order, a department's desk sees
none of them until dispatched). Their cursors start at the head of the audit chain (made as the
server makes them), so every poll is a delta. Meanwhile the centre takes in ``--rate`` orders a
minute (``POST /orders``, requests from ``server.simulate``).

Printed: the polls' round trips (p50, p95; target p95 <= 20 ms), what they brought, errors, the
intakes' round trips, and the CPU seconds the server's processes (the master and its workers,
from /proc) spent per 1,000 polls — the intakes' work included. Baseline in the same run: the
same number of ``GET /healthz`` at the same pace, before the desks start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bench.common import figure, load_average, percentile, verdict
from bench.dataset import ORDERS, dataset
from bench.live import _free_port, cpu_seconds
from server.auth.service import actor_of
from server.demo.content import DEMO_LOGINS
from server.demo.seed import DEMO_PASSWORD
from server.models import AuditHead, User
from server.simulate import RequestWriter
from server.sync.cursor import Cursor, scope_key

#: The demo users whose desks poll (not the administrator: an admin has no orders).
POLLERS = [name for name, role in DEMO_LOGINS.items() if role != "admin"]


@dataclass
class Figures:
    polls: list[float] = field(default_factory=list)  # ms
    changes: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    intakes: list[float] = field(default_factory=list)  # ms


def _cursors(database_url: str) -> dict[str, str]:
    """A delta cursor at the head of the chain for each poller, as the server would hand it out."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            head = session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0
            cursors = {}
            for name in POLLERS:
                user = session.scalar(select(User).where(User.username == name))
                if user is not None:
                    cursors[name] = Cursor(scope_key(actor_of(user)), "delta", head).encode()
            return cursors
    finally:
        engine.dispose()


def _server_cpu(master: int) -> float:
    """CPU seconds of ``master`` and its children so far (uvicorn's workers are its children)."""
    total = cpu_seconds(master)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                total += cpu_seconds(int(entry.name))
    return total


@contextmanager
def _serve(database_url: str, data_dir: Path, workers: int) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {**os.environ, "CASEDESK_DATABASE_URL": database_url, "CASEDESK_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "server", "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen([*command, "--log-level", "warning"], cwd=Path(__file__).resolve().parents[1], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited with {process.returncode}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def _sign_in(client: httpx.AsyncClient) -> dict[str, str]:
    tokens = {}
    for name in POLLERS:
        response = await client.post("/auth/login", json={"username": name, "password": DEMO_PASSWORD})
        response.raise_for_status()
        tokens[name] = response.json()["access_token"]
    return tokens


async def _desk(
    client: httpx.AsyncClient, token: str, cursor: str, every: float, stop_at: float, figures: Figures
) -> None:
    await asyncio.sleep(random.uniform(0, every))
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < stop_at:
        due = time.monotonic() + every
        more = True
        while more:
            started = time.perf_counter()
            try:
                response = await client.get("/sync/pull", params={"cursor": cursor, "limit": 500}, headers=headers)
            except httpx.HTTPError as exc:
                figures.errors[type(exc).__name__] += 1
                break
            figures.polls.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                figures.errors[str(response.status_code)] += 1
                break
            page = response.json()
            cursor, more = page["cursor"], page["has_more"]
            figures.changes += len(page["changes"])
        await asyncio.sleep(max(0.0, due - time.monotonic()))


async def _intakes(client: httpx.AsyncClient, token: str, rate: float, stop_at: float, figures: Figures) -> None:
    writer = RequestWriter(12345)
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < stop_at:
        due = time.monotonic() + 60 / rate
        body = writer.next().model_dump(mode="json")
        started = time.perf_counter()
        response = await client.post("/orders", json=body, headers=headers)
        figures.intakes.append((time.perf_counter() - started) * 1000)
        if response.status_code != 201 and response.status_code != 200:
            figures.errors[f"intake {response.status_code}"] += 1
        await asyncio.sleep(max(0.0, due - time.monotonic()))


async def _healthz(client: httpx.AsyncClient, count: int, seconds: float) -> list[float]:
    """``count`` health checks spread over ``seconds`` (the same pace as the polls), round trips in ms."""
    timings: list[float] = []

    async def one(delay: float) -> None:
        await asyncio.sleep(delay)
        started = time.perf_counter()
        await client.get("/healthz")
        timings.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(one(random.uniform(0, seconds)) for _ in range(count)))
    return timings


async def _run(url: str, master: int, args: argparse.Namespace, cursors: dict[str, str]) -> None:
    limits = httpx.Limits(max_connections=args.desks + 10, max_keepalive_connections=args.desks + 10)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        tokens = await _sign_in(client)
        baseline_seconds = min(10.0, args.seconds)
        healthz = await _healthz(client, round(args.desks / args.every * baseline_seconds), baseline_seconds)
        figures = Figures()
        stop_at = time.monotonic() + args.seconds
        cpu_before = _server_cpu(master)
        desks = [
            _desk(
                client,
                tokens[POLLERS[i % len(POLLERS)]],
                cursors[POLLERS[i % len(POLLERS)]],
                args.every,
                stop_at,
                figures,
            )
            for i in range(args.desks)
        ]
        await asyncio.gather(*desks, _intakes(client, tokens["agent"], args.rate, stop_at, figures))
        cpu = _server_cpu(master) - cpu_before
    _report(args, figures, healthz, cpu)


def _report(args: argparse.Namespace, figures: Figures, healthz: list[float], cpu: float) -> None:
    polls = figures.polls
    print(f"\n{args.desks} desks polling every {args.every:g} s for {args.seconds:g} s, {args.rate:g} intakes a minute")
    if not polls:
        print("  no poll was answered")
        return
    p50, p95 = statistics.median(polls), percentile(polls, 95)
    print(f"  polls: {len(polls)} ({len(polls) / args.seconds:.1f}/s), {figures.changes} changes brought")
    print(f"  poll round trip   p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   max {max(polls):7.2f} ms")
    print(f"  target p95 <= 20 ms: {verdict(p95 <= 20)}")
    if figures.intakes:
        print(
            f"  intakes: {len(figures.intakes)}, round trip p50 {statistics.median(figures.intakes):.1f} ms, "
            f"p95 {percentile(figures.intakes, 95):.1f} ms"
        )
    print(f"  errors: {dict(figures.errors) or 'none'}")
    print(f"  server CPU: {cpu:.2f} s in all, {cpu / len(polls) * 1000:.2f} s per 1,000 polls (intakes included)")
    print(
        f"  baseline /healthz at the same pace before the desks: p50 {statistics.median(healthz):.2f} ms, "
        f"p95 {percentile(healthz, 95):.2f} ms ({len(healthz)} checks)"
    )
    healthz_p95 = f"GET /healthz at the same pace: p95 {percentile(healthz, 95):.2f} ms"
    figure(f"delta poll p95, {args.desks} desks every {args.every:g} s", p95, "ms", at_most=20, baseline=healthz_p95)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", metavar="URL", help="PostgreSQL server URL (a fresh database is made for the run)")
    p.add_argument("--sqlite", action="store_true", help="on SQLite instead (no --pg needed)")
    p.add_argument("--orders", type=int, default=ORDERS, help="orders in the data set (default %(default)s)")
    p.add_argument("--desks", type=int, default=200)
    p.add_argument("--every", type=float, default=10.0, help="seconds between one desk's polls")
    p.add_argument("--rate", type=float, default=20.0, help="intakes a minute")
    p.add_argument("--seconds", type=float, default=60.0, help="how long the desks poll")
    p.add_argument("--workers", type=int, default=4)
    args = p.parse_args()
    if not args.pg and not args.sqlite:
        p.error("--pg URL (or --sqlite)")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    random.seed(12345)
    with dataset(None if args.sqlite else args.pg, args.orders) as data:
        cursors = _cursors(data.database_url)
        with _serve(data.database_url, data.data_dir, args.workers) as (url, master):
            backend = "SQLite" if args.sqlite else "PostgreSQL"
            print(f"server: {url}, serve --workers {args.workers} on {backend}, {data.orders} orders")
            print(f"machine: {os.cpu_count()} cores, load average {load_average()} at the start")
            asyncio.run(_run(url, master, args, cursors))
            print(f"\nload average {load_average()} at the end (other work on the machine slows the figures down)")


if __name__ == "__main__":
    main()
