"""The write ceiling: how many pushes per second one server worker takes, and what happens past it.

``python -m bench.writes [--pg URL] [--seconds S] [--clients 1,4,16,64]``

The server is ``python -m server serve`` (one uvicorn worker, default settings) on a small demo
city (``tests/fixtures/server_process.py``); the client is this process, one thread and one keep-alive
connection per simulated desk. Each push carries one ``add_note`` mutation, spread over the
orders the demo handler may note.

Figures, all measured in the same run:

1. baseline — raw commits/s: one-row INSERT + COMMIT in a loop, straight into the same database
   (same engine settings as the server, no HTTP): what the database itself sustains here;
2. baseline — ``GET /auth/me``/s at the highest client count: HTTP, auth and the admission queue,
   no write;
3. pushes/s with 1, 4, 16, 64 desks pushing back to back (closed loop), with p50/p95 latency;
   the ceiling is the best of these; ratios to both baselines;
4. overload: requests offered at 4× the ceiling (open loop) for the same time: answers by
   status (200 or 503 + Retry-After, never anything else), then how long until a push succeeds
   again (recovery);
5. 300 pushes at the same moment (the burst that used to get no successful answer): statuses and
   the slowest.

``python -m bench.writes --pg URL --workers 4 [--rates 30,40,80,150,200] [--seconds 15]`` measures
instead what issue 14 asks of the audit chain: ``serve --workers 4`` on PostgreSQL with a demo
city of 300 orders, writes offered at a steady rate (open loop), a third of each: notes pushed
(``/sync/push``) and ``POST /orders/{id}/add-note`` by the centre's agent over the ~190 orders it
may note, and on-site checks pushed by the section chief of the order's department over the orders
in progress (spread over many orders, as a city's writes are: writes to one order queue on that
order's row, whatever the audit chain does) — each rate for ``--seconds``: writes/s answered 200
and applied (a push refused is counted apart, by its code), p50/p95/p99 latency, other statuses,
the most backends seen waiting on a lock (sampled from ``pg_stat_activity`` every 50 ms). Measured
twice on the same database in the same run: first the old way (``CASEDESK_AUDIT_APPEND=immediate``:
the chain head held from the record to the commit) as the baseline (``--baseline-rates``), then the
commit-time append; after each, the chain is verified (``verify``) and every audit record's number is
checked: 1..head, none missing, none twice. Target: ≥ 150 writes/s with p95 ≤ 100 ms. The load
generator shares the machine's cores, so it is lean (like wrk): requests built before each rate, one
event loop sending each at its scheduled moment on one of 64 desks' keep-alive connections, each
latency counted from that scheduled moment (see :func:`steady`); its CPU per write is printed beside
the server's, and how the server's Python CPU fell to its workers.
``--old-mix``: rounds 4–6's mix, the agent pushing the on-site checks too (all refused: a third of
the "writes" were claims only).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import requests
import uvloop
from sqlalchemy import create_engine, text

from bench.common import figure, load_average, percentile
from bench.measures import scratch_database
from server.audit.service import verify
from server.db import make_engine, make_session_factory
from server.demo.content import STAFF
from tests.fixtures.server_process import PASSWORD, ROOT, ServerProcess

#: Desks writing (``--workers``): each has a keep-alive connection of its own, opened before the run, and
#: the writes go round them (the server's workers each take the connections the kernel gives them).
DESKS = 64


class Target:
    """The server under test and what a desk needs to push to it."""

    def __init__(self, server: ServerProcess, username: str = "handler") -> None:
        self.server = server
        self.url = server.url
        answer = requests.post(f"{self.url}/auth/login", json={"username": username, "password": PASSWORD}, timeout=60)
        answer.raise_for_status()
        self.headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        page = requests.get(f"{self.url}/sync/pull", params={"limit": 1000}, headers=self.headers, timeout=60).json()
        self.orders = [
            c["order_id"]
            for c in page["changes"]
            if c["kind"] == "upsert" and "add_note" in c["order"]["allowed_commands"]
        ]
        assert self.orders, f"the demo {username} has no order to note"
        self.checks: list[tuple[dict[str, str], int]] = []  # (a department's token, an order it may check)
        self._count = 0
        self._lock = threading.Lock()

    def with_onsite_checks(self) -> Target:
        """Who records on-site checks in the mix: each department's section chief, on the orders in
        progress that its department leads or co-handles (the centre's agent may not: every check it
        pushed was refused, ``wrong_state`` or ``forbidden`` — a claim and a refusal, not a write)."""
        for chief in (s.username for s in STAFF if s.role == "section_chief"):
            answer = requests.post(f"{self.url}/auth/login", json={"username": chief, "password": PASSWORD}, timeout=60)
            answer.raise_for_status()
            headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
            page = requests.get(f"{self.url}/sync/pull", params={"limit": 1000}, headers=headers, timeout=60).json()
            self.checks += [
                (headers, c["order_id"])
                for c in page["changes"]
                if c["kind"] == "upsert" and "record_onsite_check" in c["order"]["allowed_commands"]
            ]
        assert self.checks, "no department of the demo city has an order in progress to check"
        return self

    def push(self, session: requests.Session) -> requests.Response:
        with self._lock:
            self._count += 1
            n = self._count
        mutation = {
            "id": str(uuid.uuid4()),
            "order_id": self.orders[n % len(self.orders)],
            "name": "add_note",
            "args": {"client_id": str(uuid.uuid4()), "text": f"压力测试记录 {n}"},
            "base": {},
        }
        return session.post(
            f"{self.url}/sync/push",
            json={"client_id": f"bench-desk-{n % 64}", "mutations": [mutation]},
            headers=self.headers,
            timeout=120,
        )

    def mix(self, count: int) -> list[bytes]:
        """``count`` writes of the mix, each a whole HTTP/1.1 request built before the run (as wrk's
        are): a pushed note, a pushed on-site check with text, a note by the API, in turn."""
        host = self.url.removeprefix("http://")
        built = []
        for _ in range(count):
            self._count += 1
            n = self._count
            order_id = self.orders[n % len(self.orders)]
            headers = self.headers
            kind = n % 3
            if kind == 2:
                path = f"/orders/{order_id}/add-note"
                body: dict[str, Any] = {"client_id": str(uuid.uuid4()), "text": f"压力测试记录 {n}"}
            else:
                if kind == 0:
                    name, args = "add_note", {"client_id": str(uuid.uuid4()), "text": f"压力测试记录 {n}"}
                else:
                    if self.checks:  # by the order's department (see with_onsite_checks); else the agent, refused
                        headers, order_id = self.checks[(n // 3) % len(self.checks)]
                    checked_at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
                    notes = f"现场核实 {n}：路灯线路老化，已联系供电所更换。"
                    name, args = (
                        "record_onsite_check",
                        {"client_id": str(uuid.uuid4()), "checked_at": checked_at, "notes": notes},
                    )
                mutation = {"id": str(uuid.uuid4()), "order_id": order_id, "name": name, "args": args, "base": {}}
                path, body = "/sync/push", {"client_id": f"bench-desk-{n % DESKS}", "mutations": [mutation]}
            content = json.dumps(body, ensure_ascii=False).encode()
            head = (
                f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {headers['Authorization']}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\n\r\n"
            )
            built.append(head.encode() + content)
        return built

    def me(self, session: requests.Session) -> requests.Response:
        return session.get(f"{self.url}/auth/me", headers=self.headers, timeout=120)


def raw_commits(database_url: str, seconds: float) -> float:
    """Baseline: one-row INSERT + COMMIT per transaction, one connection, straight into the database."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as c:
            key = "SERIAL PRIMARY KEY" if engine.dialect.name == "postgresql" else "INTEGER PRIMARY KEY"
            c.execute(text(f"CREATE TABLE IF NOT EXISTS bench_raw_commit (id {key}, body TEXT)"))
            c.commit()
            done, end = 0, time.monotonic() + seconds
            started = time.monotonic()
            while time.monotonic() < end:
                c.execute(text("INSERT INTO bench_raw_commit (body) VALUES (:b)"), {"b": f"压力测试记录 {done}"})
                c.commit()
                done += 1
            rate = done / (time.monotonic() - started)
            c.execute(text("DROP TABLE bench_raw_commit"))
            c.commit()
        return rate
    finally:
        engine.dispose()


def closed_loop(send: Callable[[requests.Session], requests.Response], clients: int, seconds: float) -> dict:
    """``clients`` threads send back to back for ``seconds``: throughput of 2xx, latencies, statuses."""
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    end_at = [0.0]

    def desk() -> None:
        with requests.Session() as session:
            start.wait()
            while time.monotonic() < end_at[0]:
                t0 = time.monotonic()
                answer = send(session)
                with lock:
                    statuses[answer.status_code] += 1
                    latencies.append(time.monotonic() - t0)

    threads = [threading.Thread(target=desk) for _ in range(clients)]
    for t in threads:
        t.start()
    end_at[0] = time.monotonic() + seconds
    began = time.monotonic()
    start.wait()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    ok = sum(n for s, n in statuses.items() if 200 <= s < 300)
    return {"rate": ok / elapsed, "statuses": dict(statuses), "latencies": latencies}


def open_loop(target: Target, rate: float, seconds: float) -> dict:
    """Offer ``rate`` pushes/s for ``seconds`` whatever the answers (at most 1,000 in flight: more
    than a worker's default queue of 512, so that it has to shed)."""
    statuses: Counter[int | str] = Counter()
    retry_after: list[int] = []
    lock = threading.Lock()
    local = threading.local()

    def one() -> None:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        try:
            answer = target.push(local.session)
        except requests.RequestException as exc:
            with lock:
                statuses[type(exc).__name__] += 1
            return
        with lock:
            statuses[answer.status_code] += 1
            if answer.status_code == 503:
                retry_after.append(int(answer.headers.get("Retry-After", "0")))

    with ThreadPoolExecutor(max_workers=1000) as pool:
        began = time.monotonic()
        sent = 0
        while (now := time.monotonic()) < began + seconds:
            due = int((now - began) * rate)
            for _ in range(due - sent):
                pool.submit(one)
            sent = due
            time.sleep(0.005)
        stopped = time.monotonic()
    drained = time.monotonic() - stopped  # the pool waited for every answer
    return {"offered": sent, "statuses": dict(statuses), "retry_after": retry_after, "drained": drained}


def recovery(target: Target, limit: float = 60.0) -> float | None:
    """Seconds until a push is answered 200 again."""
    began = time.monotonic()
    with requests.Session() as session:
        while time.monotonic() - began < limit:
            if target.push(session).status_code == 200:
                return time.monotonic() - began
            time.sleep(0.1)
    return None


def at_once(target: Target, n: int) -> dict:
    barrier = threading.Barrier(n)

    def one(_: int) -> tuple[int, float]:
        with requests.Session() as session:
            barrier.wait(timeout=60)
            t0 = time.monotonic()
            return target.push(session).status_code, time.monotonic() - t0

    with ThreadPoolExecutor(max_workers=n) as pool:
        results = list(pool.map(one, range(n)))
    return {"statuses": dict(Counter(s for s, _ in results)), "slowest": max(t for _, t in results)}


def steady(target: Target, rate: float, seconds: float) -> dict[str, Any]:
    """Offer ``rate`` writes/s of the mix for ``seconds`` (open loop): rate answered 200 and their latencies.

    The load generator shares the server's two cores, so it is lean, like wrk: the requests are built
    before the run (:meth:`Target.mix`), then one event loop sends each at its scheduled moment on the
    keep-alive connection that has been free the longest (:data:`DESKS` of them, opened first; a new
    one when none is free: the schedule never waits for an answer) and reads the answer's status and
    body. A latency runs from the scheduled moment to the answer's last byte, so a send the generator
    itself was late with counts against the server, not for it (no coordinated omission). Its CPU
    (this process, the run only) is returned too."""
    return uvloop.run(_steady(target, target.mix(int(rate * seconds)), rate))


class _Answer(NamedTuple):
    status: int
    body: bytes


async def _exchange(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], request: bytes) -> _Answer:
    reader, writer = connection
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = next(
        int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
    )
    return _Answer(status, await reader.readexactly(length))


async def _steady(target: Target, planned: list[bytes], rate: float) -> dict[str, Any]:
    statuses: Counter[int | str] = Counter()
    latencies: list[float] = []
    answered_at: list[float] = []  # when each write applied was answered (monotonic)
    idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = deque()
    opened: list[asyncio.StreamWriter] = []
    host, port = target.url.removeprefix("http://").rsplit(":", 1)

    async def one(request: bytes, due: float) -> None:
        reused = bool(idle)
        try:
            if reused:
                connection = idle.popleft()  # the longest idle: the writes go round the desks
            else:
                connection = await asyncio.open_connection(host, int(port))
                opened.append(connection[1])
            try:
                answer = await _exchange(connection, request)
            except (asyncio.IncompleteReadError, ConnectionError):
                if not reused:
                    raise
                # The server closed a connection that sat idle (as an HTTP client's pool, once, anew).
                connection = await asyncio.open_connection(host, int(port))
                opened.append(connection[1])
                answer = await _exchange(connection, request)
        except (OSError, asyncio.IncompleteReadError) as exc:
            statuses[type(exc).__name__] += 1
            return
        took = time.monotonic() - due
        idle.append(connection)
        status: int | str = answer.status
        if status == 200 and request.startswith(b"POST /sync/push"):
            # A push is answered 200 whatever became of its mutation: a refused one is no write.
            result = json.loads(answer.body)["results"][0]
            if result["status"] != "applied":
                status = f"200 {result['status']} {result['code']}"
        statuses[status] += 1
        if status == 200:
            latencies.append(took)
            answered_at.append(due + took)

    for _ in range(DESKS):  # each desk's keep-alive connection, open before the clock starts
        connection = await asyncio.open_connection(host, int(port))
        opened.append(connection[1])
        idle.append(connection)
    client_cpu = time.process_time()
    tasks = []
    began = time.monotonic()  # not loop.time(): uvloop's clock counts whole milliseconds
    for i, request in enumerate(planned):
        due = began + i / rate
        if (wait := due - time.monotonic()) > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(request, due)))
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - began  # until the last answer
    client_cpu = time.process_time() - client_cpu  # this process: the client, on the same cores
    for writer in opened:
        writer.close()
    # Writes answered per second from the first answer to the last: the rate the server sustained. Not
    # over `elapsed`, which also holds the wait before the first answer (one write's latency) and so
    # gives 149.9/s for 1,500 writes all answered within milliseconds at 150/s; a server that falls
    # behind stretches the span by as much as it lags.
    span = max(answered_at) - min(answered_at) if len(answered_at) > 1 else elapsed
    return {
        "rate": (len(latencies) - 1) / span if len(latencies) > 1 else len(latencies) / elapsed,
        "statuses": dict(statuses),
        "latencies": latencies,
        "client_cpu": client_cpu,
    }


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (from /proc; gone ones count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in task.read_text().split()]
    return found


class CpuMeter:
    """CPU used by the server's processes and by its database's backends between start and stop."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.engine = create_engine(server.database_url, isolation_level="AUTOCOMMIT")

    def _pids(self) -> tuple[list[int], list[int]]:
        assert self.server._process is not None
        with self.engine.connect() as c:
            backends = c.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            ).scalars()
            return _tree(self.server._process.pid), list(backends)

    def __enter__(self) -> CpuMeter:
        workers, backends = self._pids()
        self.before = {pid: _cpu_seconds([pid]) for pid in workers + backends}
        return self

    def __exit__(self, *_: object) -> None:
        workers, backends = self._pids()
        used = {p: _cpu_seconds([p]) - self.before.get(p, 0.0) for p in workers}
        self.python = sum(used.values())
        # How the work fell to the workers: the kernel hands each new connection to whichever worker
        # accepts first, and a keep-alive connection stays with it.
        self.by_worker = sorted((u / self.python if self.python else 0.0 for u in used.values()), reverse=True)
        self.database = sum(_cpu_seconds([p]) - self.before.get(p, 0.0) for p in backends)
        self.engine.dispose()


class LockWaits:
    """The most backends seen waiting on a lock at once (``pg_stat_activity``, every 50 ms)."""

    def __init__(self, database_url: str) -> None:
        self.engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
        self.most = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        with self.engine.connect() as c:
            while not self._stop.wait(0.05):
                self.most = max(self.most, c.execute(query).scalar_one())

    def __enter__(self) -> LockWaits:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.engine.dispose()


def chain_check(database_url: str) -> str:
    """``verify`` of the whole chain, and its numbers: 1..head, each once."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            checked, problems = verify(session)
            seqs = session.execute(
                text("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM audit_log")
            ).one()
            head = session.execute(text("SELECT seq FROM audit_head WHERE id = 1")).scalar_one()
    finally:
        engine.dispose()
    count, distinct, low, high = seqs
    gap_free = count == distinct == high == head and low == 1
    return (
        f"chain: {checked} records verified, {len(problems)} problems; numbers 1..{high}, {count} records, "
        f"head {head}: " + ("no gap, no fork" if gap_free and not problems else "GAP OR FORK")
    )


def _statuses(statuses: dict) -> str:
    return ", ".join(f"{k}×{v}" for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0])))


class Workers(ServerProcess):
    """The server with ``serve --workers N`` (and extra environment for its next start)."""

    workers = 4

    def start(self) -> None:
        serve = ["serve", "--port", str(self.port), "--log-level", "warning", "--workers", str(self.workers)]
        self._process = subprocess.Popen(
            [sys.executable, "-m", "server", *serve],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code < 500:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")


def _sustained(
    server: Workers, rates: list[float], baseline_rates: list[float], seconds: float, onsite_by_department: bool = True
) -> None:
    print(f"server: {server.url} on PostgreSQL, serve --workers {server.workers}, default settings")
    print(f"machine: {os.cpu_count()} cores, load average {load_average()} at the start")
    if onsite_by_department:
        print(
            "writes: a third pushed notes and a third POST add-note by the centre's agent, a third pushed"
            " on-site checks by the section chief of the order's department; a write counts if applied"
        )
    else:
        print("writes (--old-mix): the agent's pushed notes, pushed on-site checks (refused) and POST add-note")
    # The way measured first, its baseline after it: the old way at 150/s collapses, and what it
    # leaves behind (a loaded machine, a busy database) would be charged to the run after it.
    runs = (
        ("commit-time append", "", rates),
        ("baseline: head held from record to commit (old)", "immediate", baseline_rates),
    )
    old_way: dict[float, str] = {}
    measured: list[tuple[float, float, float, str]] = []  # offered, answered, p95, load: printed after the baseline
    for label, mode, offered in runs:
        server.env["CASEDESK_AUDIT_APPEND"] = mode
        server.start()
        try:
            target = Target(server, "agent")
            if onsite_by_department:
                target.with_onsite_checks()
            print(f"\n{label}: {len(target.orders)} orders written to")
            for rate in offered:
                with LockWaits(server.database_url) as waits, CpuMeter(server) as cpu:
                    result = steady(target, rate, seconds)
                lat = result["latencies"] or [float("nan")]
                p95 = percentile(lat, 95) * 1000
                met = result["rate"] >= 0.97 * rate and p95 <= 100
                verdict = f"   target ≥ 150/s, p95 ≤ 100 ms: {'MEETS' if met else 'misses'}" if rate >= 150 else ""
                print(
                    f"  offered {rate:5.0f}/s: {result['rate']:6.1f} writes/s answered 200   "
                    f"p50 {statistics.median(lat) * 1000:7.1f} ms   p95 {p95:7.1f} ms   "
                    f"p99 {percentile(lat, 99) * 1000:7.1f} ms   most waiting on a lock {waits.most:2d}   "
                    f"({_statuses(result['statuses'])}) load {load_average()}{verdict}"
                )
                if mode:
                    old_way[rate] = (
                        f"the old way (head held to commit) at {rate:.0f}/s: {result['rate']:.1f}/s, p95 {p95:.0f} ms"
                    )
                elif rate >= 150:
                    measured.append((rate, result["rate"], p95, load_average()))
                done = max(1, len(result["latencies"]))
                per_write = (cpu.python + cpu.database) / done * 1000
                print(
                    f"      CPU per write: {cpu.python / done * 1000:5.1f} ms in the server's Python workers + "
                    f"{cpu.database / done * 1000:5.1f} ms in PostgreSQL = {per_write:5.1f} ms: 2 cores "
                    f"left to it alone would take {2000 / per_write:5.0f} writes/s"
                )
                shares = " / ".join(f"{share:.0%}" for share in cpu.by_worker if share >= 0.005)
                print(f"      the server's Python CPU by process, most first: {shares}")
                client = result["client_cpu"] / done * 1000
                print(f"      CPU per write of the bench's own client, on the same cores: {client:5.1f} ms")
        finally:
            server.stop()
        print("  " + chain_check(server.database_url))
    for rate, answered, p95, load in measured:
        was = old_way.get(rate, "")
        figure(f"writes answered, {rate:.0f}/s offered", answered, "/s", at_least=150, baseline=was, load=load)
        figure(f"write p95, {rate:.0f}/s offered", p95, "ms", at_most=100, baseline=was, load=load)
    print(f"\nload average {load_average()} at the end (other work on the machine slows the figures down)")


def run(args: argparse.Namespace) -> None:
    levels = [int(x) for x in args.clients.split(",")]
    scratch = scratch_database(args.pg) if args.pg else contextlib.nullcontext()
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-writes-") as tmp, scratch as database_url:
        if args.workers:
            if database_url is None:
                raise SystemExit("--workers needs --pg (SQLite has one writer at a time)")
            workers = Workers(Path(tmp) / "data", orders=300, database_url=database_url)
            workers.workers = args.workers
            rates = [float(r) for r in args.rates.split(",")]
            baseline_rates = [float(r) for r in args.baseline_rates.split(",") if r]  # "" for none
            _sustained(workers, rates, baseline_rates, args.seconds, onsite_by_department=not args.old_mix)
            return
        server = ServerProcess(Path(tmp) / "data", orders=30, database_url=database_url)
        server.start()
        try:
            _measure(server, levels, args.seconds, args.overload)
        finally:
            server.stop()


def _measure(server: ServerProcess, levels: list[int], seconds: float, overload: float) -> None:
    backend = "PostgreSQL" if server.database_url.startswith("postgresql") else "SQLite"
    print(f"server: {server.url} on {backend}, one worker, default settings (db_pool_size 8)")
    print(f"machine: {os.cpu_count()} cores, load average {load_average()} at the start")
    target = Target(server)

    raw = raw_commits(server.database_url, seconds)
    print(f"\nbaseline  raw INSERT+COMMIT, one connection, no HTTP: {raw:8.1f} commits/s")
    top = max(levels)
    me = closed_loop(target.me, top, seconds)
    print(
        f"baseline  GET /auth/me, {top} clients:                {me['rate']:8.1f} requests/s  "
        f"({_statuses(me['statuses'])})"
    )

    print("\npushes (one add_note each), desks pushing back to back:")
    best = 0.0
    for clients in levels:
        result = closed_loop(target.push, clients, seconds)
        lat = result["latencies"]
        best = max(best, result["rate"])
        print(
            f"  {clients:3d} desks: {result['rate']:7.1f} pushes/s   p50 {statistics.median(lat) * 1000:7.1f} ms   "
            f"p95 {percentile(lat, 95) * 1000:7.1f} ms   ({_statuses(result['statuses'])})"
        )
    print(
        f"\nwrite ceiling: {best:.1f} pushes/s; raw commits/s ÷ ceiling = {raw / best:.0f}; "
        f"ceiling ÷ GET /auth/me/s = {best / me['rate']:.3f}"
    )

    offered = overload * best
    over = open_loop(target, offered, seconds)
    others = {k: v for k, v in over["statuses"].items() if k not in (200, 503)}
    print(
        f"\noverload: {offered:.0f} pushes/s offered for {seconds:.0f} s ({over['offered']} pushes): "
        f"{_statuses(over['statuses'])}" + ("" if not others else "   <- NOT 200/503")
    )
    if over["retry_after"]:
        print(f"  Retry-After asked: {min(over['retry_after'])}–{max(over['retry_after'])} s")
    print(f"  the last answer came {over['drained']:.1f} s after the offering stopped")
    back = recovery(target)
    print(f"  recovered: the next push answered 200 in {back:.2f} s" if back is not None else "  NOT recovered in 60 s")

    burst = at_once(target, 300)
    print(f"\n300 pushes at the same moment: {_statuses(burst['statuses'])}, slowest {burst['slowest']:.1f} s")
    print(f"\nload average {load_average()} at the end (other work on the machine slows the figures down)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", metavar="URL", help="run on PostgreSQL (a fresh database is created and dropped)")
    p.add_argument("--seconds", type=float, default=8.0, help="length of each measurement (default %(default)s)")
    p.add_argument("--overload", type=float, default=4.0, help="offered rate ÷ ceiling (default %(default)s)")
    p.add_argument("--clients", default="1,4,16,64", help="desk counts for the closed loop (default %(default)s)")
    p.add_argument("--workers", type=int, default=0, help="serve --workers N, steady rates (PostgreSQL; see above)")
    p.add_argument("--rates", default="30,40,80,150,200", help="writes/s offered with --workers (default %(default)s)")
    p.add_argument("--baseline-rates", default="30,40,150", help="the same for the old way (default %(default)s)")
    p.add_argument(
        "--old-mix",
        action="store_true",
        help="with --workers: the agent pushes the on-site checks too, all refused (rounds 4–6's mix)",
    )
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    run(p.parse_args())
    return 0


if __name__ == "__main__":
    sys.exit(main())
