"""Sync pull benchmark: the initial pull of every order into an empty offline store, then empty deltas.

1. Initial pull: ``client.pull_page(cursor, limit)`` and ``store.apply_pull(page)`` in a loop until
   ``has_more`` is false (what the sync engine does), into a new ``offline.open_store`` file
   encrypted with a key as a desk's profile is (SQLCipher; ``--plain`` for an unencrypted one), as
   the centre's agent (who sees every order). Prints orders/s, the time in the HTTP pull (the server's part from its
   Server-Timing header; the rest is transfer, JSON parsing and validation in the client) and in
   ``apply_pull``. Target: at least 5,000 orders/s.
2. Baseline, in the same run: the same rows (the ``orders`` rows with their server_json and
   local_json, the ``events`` rows, as the store wrote them) inserted with ``sqlite3``
   ``executemany`` in one transaction into a plain SQLite file with the store's schema and
   pragmas (WAL, synchronous=FULL). Once with the JSON already encoded, once encoding it from
   Python objects; and once more encoded, into a SQLCipher file with the same key (encryption's
   own share). Target: the initial pull within 3x of the raw insert.
   The ratio is given against the plain file (the issue's figure) and against the SQLCipher file
   (the same rows into the same kind of file as the desk's).
3. CPU time of the initial pull, per 1,000 orders: the server process's (``/proc``) and this
   process's (the client: parsing and ``apply_pull``). Wall-clock figures on a machine shared with
   other work move with its load; CPU seconds move much less, so they are the ones to compare
   across runs.
4. Empty delta: ``client.pull_page`` with the up-to-date cursor (nothing new), ``--tries`` times after
   a short warm-up, each followed by a ``GET /healthz`` on the same connection (the baseline: one
   request through the same middleware and a database lane, no sign-in, no query of ours); median
   and p95 of the round trip, and of round trip plus ``apply_pull`` (which saves the cursor: one
   durable commit). Targets: median at most 3.5 ms, p95 at most 20 ms.

``--profile`` runs everything under cProfile (client and every server thread) and prints the hot
spots; its timings are then not comparable with a normal run.
"""

from __future__ import annotations

import cProfile
import json
import os
import sqlite3
import statistics
import tempfile
import time
from contextlib import closing, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from api_client import CaseDeskClient
from api_client.pages import pages_ahead
from bench.common import PROFILES, Answers, bench, figure, parser, percentile, print_profile, spread, verdict
from bench.live import PIDS, cpu_seconds, peak_rss_mb, reset_peak_rss
from offline import Store, open_store
from offline.atrest import new_key, sqlcipher_key_pragma
from offline.store import prepare_pull
from offline.sync import PULL_LIMIT

WARM_UP = 10
BASELINE_REPEATS = 3


@dataclass
class InitialPull:
    """What an initial pull brought and where its time went (seconds)."""

    orders: int
    events: int
    pages: int
    http_s: float
    apply_s: float
    server_s: float
    body_bytes: int
    cursor: str
    client_cpu_s: float = 0.0
    server_cpu_s: float | None = None
    server_peak_mb: float | None = None
    client_peak_mb: float | None = None
    #: Whether the peaks are the pull's own (reset before it) or the processes' whole lives.
    peaks_of_pull: bool = False

    @property
    def total_s(self) -> float:
        return self.http_s + self.apply_s


def initial_pull(client: CaseDeskClient, store: Store, limit: int, answers: Answers) -> InitialPull:
    """Pull pages and apply each until the server has no more, as the sync engine does (the next
    page asked for while this one is applied and its rows built on that thread, ``pages_ahead`` with
    ``prepare_pull``); ``http_s`` is the time spent waiting for pages, ``apply_s`` the time in
    ``apply_pull``."""
    cursor = ""
    orders = events = pages = 0
    http_s = apply_s = 0.0
    answers.reset()
    server_pid = PIDS.get(client.base_url)
    server_cpu = cpu_seconds(server_pid) if server_pid else None
    # Peaks of the pull alone: this process may have built the data set (far more memory) just before.
    reset = reset_peak_rss(os.getpid()) and (not server_pid or reset_peak_rss(server_pid))
    client_cpu = time.process_time()
    with closing(pages_ahead(client, None, limit, prepare=prepare_pull)) as pulled:
        while True:
            started = time.perf_counter()
            page = next(pulled, None)
            arrived = time.perf_counter()
            if page is None:
                break
            store.apply_pull(page)
            http_s += arrived - started
            apply_s += time.perf_counter() - arrived
            pages += 1
            orders += sum(1 for c in page.changes if c.get("order") is not None)
            events += sum(len(c.get("events") or ()) for c in page.changes)
            cursor = page.cursor
    client_cpu = time.process_time() - client_cpu
    if server_pid and server_cpu is not None:
        server_cpu = cpu_seconds(server_pid) - server_cpu
    return InitialPull(
        orders,
        events,
        pages,
        http_s,
        apply_s,
        sum(answers.server_ms) / 1000,
        answers.body_bytes,
        cursor,
        client_cpu,
        server_cpu,
        peak_rss_mb(server_pid) if server_pid else None,
        peak_rss_mb(os.getpid()),
        reset,
    )


#: Columns holding JSON documents (decoded and re-encoded in the "encoding" baseline).
JSON_COLUMNS = {"server_json", "local_json", "json"}


def raw_insert(store_path: Path, workdir: Path, encode: bool, key: bytes | None, encrypt: bool = False) -> float:
    """Seconds to insert the store's orders and events rows into a plain SQLite file (median of a few).

    Every column the store wrote is copied; only the tables and their indexes are created (no
    triggers or search index: they are part of what the store does beyond a raw insert).
    """
    source = _connect(store_path, key)
    schema = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name IN ('orders', 'events') "
            "AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC"
        )
    ]
    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    for name in ("orders", "events"):
        cursor = source.execute(f"SELECT * FROM {name}")
        tables[name] = ([d[0] for d in cursor.description], cursor.fetchall())
    source.close()
    if encode:
        for name, (columns, rows) in tables.items():
            decode = [c in JSON_COLUMNS for c in columns]
            tables[name] = (columns, [tuple(_decoded(v, d) for v, d in zip(r, decode, strict=True)) for r in rows])
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    timings = []
    for attempt in range(BASELINE_REPEATS):
        db = _connect(workdir / f"raw-{encode}-{encrypt}-{attempt}.db", key if encrypt else None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):  # as the store has them
            db.execute(f"PRAGMA {pragma}")
        for sql in schema:
            db.execute(sql)
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        for name, (columns, rows) in tables.items():
            marks = ", ".join("?" * len(columns))
            if encode:
                rows = [tuple(dumps(v) if isinstance(v, dict | list) else v for v in r) for r in rows]
            db.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
        db.execute("COMMIT")
        timings.append(time.perf_counter() - started)
        db.close()
    return statistics.median(timings)


def _connect(path: Path, key: bytes | None) -> Any:
    if key is None:
        return sqlite3.connect(path, isolation_level=None)
    db = sqlcipher3.connect(str(path), isolation_level=None)
    db.execute(sqlcipher_key_pragma(key))
    return db


def _decoded(value: Any, is_json: bool) -> Any:
    return json.loads(value) if is_json and isinstance(value, str) else value


@dataclass
class Deltas:
    """Round trips (ms) of pulls that bring nothing, alone and with ``apply_pull``; the server's part
    of each; and the ``/healthz`` round trips measured between them."""

    round_trips: list[float]
    with_apply: list[float]
    server_ms: list[float]
    healthz: list[float]
    cpu_ms: float = 0.0  # the server process's CPU per empty delta (the load-robust figure)
    healthz_cpu_ms: float = 0.0  # … and per GET /healthz


def _server_cpu_ms(client: CaseDeskClient, request: Any, tries: int) -> float:
    """The server process's CPU (ms) per ``request()``, over ``tries`` of them back to back."""
    pid = PIDS[client.base_url]
    before = cpu_seconds(pid)
    for _ in range(tries):
        request()
    return (cpu_seconds(pid) - before) / tries * 1000


def empty_deltas(client: CaseDeskClient, store: Store, cursor: str, limit: int, tries: int, answers: Answers) -> Deltas:
    deltas = Deltas([], [], [], [])
    health = f"{client.base_url}/healthz"
    for attempt in range(WARM_UP + tries):
        if attempt == WARM_UP:
            answers.reset()
        started = time.perf_counter()
        client.session.get(health, timeout=10).raise_for_status()
        checked = time.perf_counter()
        started_pull = time.perf_counter()
        page = client.pull_page(cursor, limit)
        pulled = time.perf_counter()
        store.apply_pull(page)
        applied = time.perf_counter()
        if page.changes or page.has_more or page.reset:
            raise RuntimeError("the delta was not empty: something else is writing to the bench server")
        cursor = page.cursor
        if attempt >= WARM_UP:
            deltas.healthz.append((checked - started) * 1000)
            deltas.round_trips.append((pulled - started_pull) * 1000)
            deltas.with_apply.append((applied - started_pull) * 1000)
    deltas.server_ms = answers.server_ms[1::2]  # the bench server times every answer: /healthz, pull, /healthz, …
    deltas.cpu_ms = _server_cpu_ms(client, lambda: client.pull_page(cursor, limit), tries)
    deltas.healthz_cpu_ms = _server_cpu_ms(client, lambda: client.session.get(health, timeout=10), tries)
    return deltas


def _report_pull(username: str, limit: int, pull: InitialPull, which: str) -> None:
    rate = pull.orders / pull.total_s
    print(
        f"\ninitial pull ({which}) as {username}, limit {limit}: {pull.orders} orders, {pull.events} events "
        f"({pull.events / pull.orders:.2f} per order), {pull.pages} pages, {pull.body_bytes / 1e6:.1f} MB of JSON"
    )
    print(f"  total        {pull.total_s:7.2f} s  {rate:6.0f} orders/s  (target >= 5000/s: {verdict(rate >= 5000)})")
    share = pull.http_s / pull.total_s
    print(f"  waiting for pages {pull.http_s:7.2f} s  {share:4.0%}  (the next one is fetched while one is applied)")
    print(f"  apply_pull        {pull.apply_s:7.2f} s  {pull.apply_s / pull.total_s:4.0%}")
    share = pull.server_s / pull.total_s
    print(
        f"  server's time     {pull.server_s:7.2f} s  = {share:4.0%} of the total  (Server-Timing; overlaps the rest)"
    )
    per = 1000 / pull.orders
    cpu = f"client {pull.client_cpu_s * per:.3f} s"
    if pull.server_cpu_s is not None:
        cpu = f"server {pull.server_cpu_s * per:.3f} s, " + cpu
        best = pull.orders / max(pull.server_cpu_s, pull.client_cpu_s)
        cpu += f" (with a core each, at best {best:.0f} orders/s)"
    print(f"  CPU per 1,000 orders: {cpu}")
    memory = f"client {pull.client_peak_mb:.0f} MB"
    if pull.server_peak_mb is not None:
        memory = f"server {pull.server_peak_mb:.0f} MB, " + memory
    during = (
        "during the pull" if pull.peaks_of_pull else "over each process's life (could not reset: not the pull's own)"
    )
    print(f"  peak resident memory {during}: {memory}")
    print("    (targets for 200,000 orders: server <= 300 MB, client <= 500 MB)")


def _report_baseline(pull: InitialPull, raw: float, raw_encoding: float, raw_encrypted: float | None) -> None:
    ratio = pull.total_s / raw
    print(f"\nbaseline: the store's {pull.orders} orders rows and its events rows, sqlite3 executemany, one commit")
    print(f"  raw insert, JSON already encoded  {raw:6.2f} s  {pull.orders / raw:7.0f} orders/s")
    print(f"  raw insert, encoding the JSON     {raw_encoding:6.2f} s  {pull.orders / raw_encoding:7.0f} orders/s")
    if raw_encrypted is not None:
        rate = pull.orders / raw_encrypted
        print(f"  raw insert, encoded, SQLCipher    {raw_encrypted:6.2f} s  {rate:7.0f} orders/s")
    print(f"  initial pull / raw insert         {ratio:6.1f}x  (target <= 3x: {verdict(ratio <= 3)})")
    if raw_encrypted is not None:
        same_kind = pull.total_s / raw_encrypted
        print(
            f"  initial pull / raw into SQLCipher {same_kind:6.1f}x  (same file kind; <= 3x: {verdict(same_kind <= 3)})"
        )
    print(f"  initial pull / raw with encoding  {pull.total_s / raw_encoding:6.1f}x")
    print(f"  apply_pull alone / raw insert     {pull.apply_s / raw:6.1f}x")
    raw_rate = f"raw insert of the same rows {pull.orders / raw:,.0f} orders/s"
    figure(
        f"initial pull, {pull.orders:,} orders",
        pull.orders / pull.total_s,
        "orders/s",
        at_least=5000,
        baseline=raw_rate,
    )
    figure("initial pull ÷ raw insert", ratio, "×", at_most=3, baseline=raw_rate)
    if pull.orders >= 200_000:
        figure(f"whole city, {pull.orders:,} orders", pull.total_s, "s", at_most=60, baseline=raw_rate)
        if pull.client_peak_mb is not None:
            figure("whole city: the desk's peak memory", pull.client_peak_mb, "MB", at_most=500, baseline="")
        if pull.server_peak_mb is not None:
            figure("whole city: the server's peak memory", pull.server_peak_mb, "MB", at_most=300, baseline="")


def _report_deltas(tries: int, deltas: Deltas) -> None:
    p95 = percentile(deltas.round_trips, 95)
    median = statistics.median(deltas.round_trips)
    print(f"\nempty delta pull, {tries} tries after {WARM_UP} to warm up, each after a GET /healthz")
    print(f"  round trip          {spread(deltas.round_trips)}")
    print(f"    of which server   {spread(deltas.server_ms)}")
    print(f"  with apply_pull     {spread(deltas.with_apply)}")
    print(f"  baseline /healthz   {spread(deltas.healthz)}")
    print(f"  server CPU          {deltas.cpu_ms:.2f} ms per empty delta, {deltas.healthz_cpu_ms:.2f} ms per /healthz")
    print(f"  median {median:.2f} ms (target <= 3.5 ms: {verdict(median <= 3.5)})")
    print(f"  p95    {p95:.2f} ms (target <= 20 ms: {verdict(p95 <= 20)})")
    print(f"  median / /healthz median  {median / statistics.median(deltas.healthz):.2f}x")
    healthz = (
        f"GET /healthz median {statistics.median(deltas.healthz):.2f} ms, p95 {percentile(deltas.healthz, 95):.2f} ms"
    )
    figure("empty delta round trip, median", median, "ms", at_most=3.5, baseline=healthz)


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--as", dest="username", default="agent", help="who pulls (default: %(default)s, sees all)")
    p.add_argument(
        "--limit",
        type=int,
        default=PULL_LIMIT,
        help="orders per pull page (default %(default)s, as the sync engine)",
    )
    p.add_argument("--tries", type=int, default=200, help="empty delta pulls to time (default %(default)s)")
    p.add_argument("--plain", action="store_true", help="an unencrypted store (default: SQLCipher, as desks have)")
    p.add_argument("--profile", action="store_true", help="profile client and server; print the hot spots")
    p.add_argument(
        "--warm-only",
        action="store_true",
        help="skip the first desk's pull (which builds the server's stored views); measure one pull only",
    )
    args = p.parse_args()

    server_profile = client_profile_path = None
    if args.profile:
        PROFILES.mkdir(parents=True, exist_ok=True)
        server_profile, client_profile_path = PROFILES / "pull-server.prof", PROFILES / "pull-client.prof"
    profiler = cProfile.Profile() if args.profile else None
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-store-") as tmp, bench(args, server_profile) as b:
        workdir = Path(tmp)
        client = b.client(args.username)
        answers = Answers().attach(client.session)
        key = None if args.plain else new_key()
        if not args.warm_only:
            # A server fresh from the data set (or an upgrade) has no stored views yet: the first
            # desk's pull builds and keeps them (server.sync.stored_views); every later one reads them.
            first = open_store(workdir / "first-desk.db", key)
            cold = initial_pull(client, first, args.limit, answers)
            first.close()
            _report_pull(args.username, args.limit, cold, "the first desk's: the server builds and stores the views")
        store = open_store(workdir / "desk.db", key)
        with profiler or nullcontext():
            pull = initial_pull(client, store, args.limit, answers)
        _report_pull(args.username, args.limit, pull, "the views stored already")
        raw = raw_insert(workdir / "desk.db", workdir, False, key)
        raw_encoding = raw_insert(workdir / "desk.db", workdir, True, key)
        raw_encrypted = raw_insert(workdir / "desk.db", workdir, False, key, encrypt=True) if key else None
        _report_baseline(pull, raw, raw_encoding, raw_encrypted)
        deltas = empty_deltas(client, store, pull.cursor, args.limit, args.tries, answers)
        _report_deltas(args.tries, deltas)
        store.close()
    if profiler is not None and server_profile and client_profile_path:
        profiler.dump_stats(client_profile_path)
        print_profile("client (initial pull: client.pull + apply_pull)", client_profile_path)
        print_profile("server (all threads, whole run)", server_profile)


if __name__ == "__main__":
    main()
