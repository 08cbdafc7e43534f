"""How fast the oversight measures answer on a million orders (PostgreSQL).

    python -m bench.measures [--pg URL] [--orders 1000000] [--queries 50]

How the data is built. Playing a million orders through the services would take hours, and the
measures read only ``measure_facts`` (plus ``orders`` for intake), so both tables are filled
directly with SQL in a fresh database migrated to the current schema: ``INSERT … SELECT`` over
``generate_series``, no round trip per row. Each order ``g`` gets a fixed pseudo-random number
``h = g × 2654435761 mod 2³²`` (Knuth's multiplicative hash) whose digits decide its channel,
category, place, department (20) and fate: received evenly over the twelve months from
December 2025; every order dispatched 5 minutes later and signed (90 % on time); 3 % ask to
return; 80 % closed and 92 % of the rest replied (83 % of replies on time; a tenth waited at
city leaders' levels); 2 % of replies reopened; 90 % of replies called back (80 % satisfied,
8 % basically, 7 % unsatisfied, 5 % unreachable); 6 % overdue for a day, the unanswered ones
still open. That is about 3.8 facts per order, the shape the live path writes.

What is timed: ``server.measures.service.department`` — the real function the endpoint calls,
with its Python — for one department and month, ``--queries`` times round-robin over the 20
departments and 12 months (target: median and p95 ≤ 200 ms); the ranking of all departments,
hot issues and the big screen's figures for comparison; and, as a baseline on the same rows in
the same run, a plain ``SELECT count(*)`` of the department-month's dispatch facts. The database
is dropped at the end, also after a failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.common import figure
from casework.deadlines import SHANGHAI
from server.db import make_engine
from server.measures import days, service
from server.migrate import upgrade

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEPARTMENTS = 20
MONTHS = [date(2025 + (11 + i) // 12, (11 + i) % 12 + 1, 1) for i in range(13)]  # Dec 2025 … Dec 2026
NOW = datetime(2026, 12, 15, 12, tzinfo=SHANGHAI)

# The pseudo-random number of order g, and its digits: (h / k) % m is stable per order.
H = "((o.id::bigint * 2654435761) % 4294967296)"

BUILD = [
    (
        "departments and categories",
        """
        INSERT INTO departments (code, name, name_en, kind, created_at, updated_at)
        SELECT 'CTR', '热线中心', '', 'centre', now(), now()
        UNION ALL SELECT 'D' || lpad(g::text, 2, '0'), '单位' || g, '', 'department', now(), now()
        FROM generate_series(1, 20) g;
        INSERT INTO categories (code, name)
        SELECT 'C' || lpad(g::text, 2, '0'), '分类' || g FROM generate_series(1, 40) g;
        """,
    ),
    (
        "orders",
        """
        INSERT INTO orders (
            id, number, state, version, channel, received_at, citizen_name, citizen_phone, callback_number,
            anonymous, confidential, contact_allowed, kind, category_code, complexity, urgency, importance,
            title, description, address, district, street, tags, lead_department_id, dispatched_at,
            deadline_provisional, draft_text, draft_basis, reply_round, review_chain, review_level,
            extension_reason, extension_comment, return_reason, callback_attempts, supervised, reminders,
            leader_instruction, reopen_count, merge_reason, created_at, updated_at, extended_days)
        SELECT g, 'BM' || g,
            CASE WHEN h % 100 < 80 THEN 'closed' WHEN (h / 19) % 100 < 92 THEN 'replied' ELSE 'in_progress' END,
            1, (ARRAY['phone', 'mailbox', 'website', 'weibo', 'wechat', 'app'])[1 + h % 6],
            received, '', '', '', false, false, false, 'complaint', 'C' || lpad((1 + (h / 7) % 40)::text, 2, '0'),
            'simple', 'normal', 'ordinary', '工单', '诉求内容', '',
            '区' || (1 + (h / 11) % 12), '街道' || (1 + (h / 13) % 30), '[]',
            (SELECT min(id) FROM departments WHERE kind = 'department') + (h / 3) % 20, received + interval '5 minutes',
            false, '', '', 1, '[]', 0, '', '', '', 0, false, 0, '', 0, '', now(), now(), 0
        FROM (
            SELECT g, (g::bigint * 2654435761) % 4294967296 AS h,
                   timestamptz '2025-12-01 00:00+08' + (g - 1) * (interval '365 days' / :orders) AS received
            FROM generate_series(1, :orders) g
        ) s;
        SELECT setval(pg_get_serial_sequence('orders', 'id'), :orders);
        """,
    ),
    (
        "dispatch and return facts",
        f"""
        INSERT INTO measure_facts (order_id, department_id, kind, at, signed_at, on_time, category_code, channel)
        SELECT o.id, o.lead_department_id, 'dispatch', o.dispatched_at,
               o.dispatched_at + (({H} / 17) % 30) * interval '1 hour', ({H} / 17) % 30 < 27, o.category_code, o.channel
        FROM orders o;
        INSERT INTO measure_facts (order_id, department_id, kind, at)
        SELECT o.id, o.lead_department_id, 'return', o.dispatched_at + interval '2 hours' FROM orders o
        WHERE {H} % 100 < 3;
        """,
    ),
    (
        "reply facts",
        f"""
        INSERT INTO measure_facts (order_id, department_id, kind, at, on_time, result, work_seconds, leader_seconds)
        SELECT o.id, o.lead_department_id, 'reply', o.dispatched_at + (1 + ({H} / 23) % 60) * interval '1 hour',
               ({H} / 23) % 60 < 50,
               (ARRAY['resolved', 'partly_resolved', 'explained', 'not_feasible'])[1 + ({H} / 29) % 4],
               ({H} / 31) % 64800, CASE WHEN ({H} / 37) % 10 = 0 THEN ({H} / 41) % 20000 ELSE 0 END
        FROM orders o WHERE o.state <> 'in_progress';
        """,
    ),
    (
        "reopen, callback and close facts",
        """
        INSERT INTO measure_facts (order_id, department_id, kind, at)
        SELECT order_id, department_id, 'reopen', at + interval '1 day' FROM measure_facts r
        WHERE kind = 'reply' AND ((r.order_id::bigint * 2654435761) % 4294967296 / 43) % 100 < 2;
        INSERT INTO measure_facts (order_id, department_id, kind, at, result)
        SELECT order_id, department_id, 'callback', at + interval '4 hours',
               CASE WHEN x < 80 THEN 'satisfied' WHEN x < 88 THEN 'basically_satisfied'
                    WHEN x < 95 THEN 'unsatisfied' ELSE 'unreachable' END
        FROM (SELECT r.*, ((r.order_id::bigint * 2654435761) % 4294967296 / 47) % 100 AS x
              FROM measure_facts r WHERE kind = 'reply') r WHERE x < 90;
        INSERT INTO measure_facts (order_id, department_id, kind, at, on_time)
        SELECT r.order_id, r.department_id, 'close', r.at + interval '6 hours', r.on_time
        FROM measure_facts r JOIN orders o ON o.id = r.order_id WHERE r.kind = 'reply' AND o.state = 'closed';
        """,
    ),
    (
        "overdue spans",
        f"""
        INSERT INTO measure_facts (order_id, department_id, kind, at, until)
        SELECT o.id, o.lead_department_id, 'overdue', o.dispatched_at + interval '2 days',
               CASE WHEN o.state = 'in_progress' THEN NULL ELSE o.dispatched_at + interval '3 days' END
        FROM orders o WHERE ({H} / 59) % 100 < 6;
        """,
    ),
]


@contextmanager
def scratch_database(url: str, keep: str | None = None) -> Iterator[str]:
    """A new database on the server at ``url``, dropped afterwards whatever happens; or with
    ``keep``, the database of that name, kept (and reused when it is already there)."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = keep or f"casedesk_bench_measures_{os.getpid()}"
    with admin.connect() as c:
        exists = c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not (keep and exists):
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"\ndatabase {name} dropped")
        admin.dispose()


def _build(engine: Any, orders: int) -> None:
    upgrade(engine)
    for label, sql in BUILD:
        started = time.perf_counter()
        with engine.begin() as c:
            for statement in filter(str.strip, sql.split(";")):
                c.execute(text(statement), {"orders": orders} if ":orders" in statement else {})
        print(f"  {label:<34} {time.perf_counter() - started:6.1f} s")
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE orders"))
        c.execute(text("VACUUM ANALYZE measure_facts"))
    print(f"  {'vacuum analyze':<34} {time.perf_counter() - started:6.1f} s")


def _time(runs: int, call: Callable[[int], object]) -> list[float]:
    """Milliseconds of each of ``runs`` calls (``call(i)`` for i = 0 … runs-1)."""
    times = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _cpu(session: Session, calls: dict[str, Callable[[int], object]], runs: int) -> dict[str, tuple[float, float]]:
    """Milliseconds of CPU per call: the session's PostgreSQL backend (from /proc: the server must
    run on this machine; parallel workers off, so that the backend does all the work) and this
    process. /proc counts in ticks of 10 ms: the mean over ``runs`` calls is what is meaningful."""
    session.execute(text("SET max_parallel_workers_per_gather = 0"))
    stat = Path(f"/proc/{session.scalar(text('SELECT pg_backend_pid()'))}/stat")
    if not stat.exists():
        return {}
    tick = 1000 / os.sysconf("SC_CLK_TCK")

    def backend_ms() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * tick  # utime, stime

    found = {}
    for name, call in calls.items():
        backend, client = backend_ms(), time.process_time()
        for i in range(runs):
            call(i)
        found[name] = ((backend_ms() - backend) / runs, (time.process_time() - client) * 1000 / runs)
    session.execute(text("RESET max_parallel_workers_per_gather"))
    return found


def _once(call: Callable[[Any], object], argument: Any) -> float:
    """Milliseconds of one ``call(argument)``."""
    started = time.perf_counter()
    call(argument)
    return (time.perf_counter() - started) * 1000


def _figures(label: str, times: list[float]) -> tuple[float, float]:
    """Print median, p95 and max of ``times``; return the median and the p95."""
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    median = statistics.median(ordered)
    print(f"  {label:<46} n={len(times):<3} median {median:7.1f} ms  p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms")
    return median, p95


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", metavar="URL", default=DEFAULT_PG, help="PostgreSQL server (default %(default)s)")
    p.add_argument("--orders", type=int, default=1_000_000)
    p.add_argument("--queries", type=int, default=50, help="timed calls of each (default %(default)s)")
    p.add_argument("--keep", metavar="NAME", help="keep the database under this name, and reuse it if there")
    args = p.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    with scratch_database(args.pg, args.keep) as url:
        engine = make_engine(url)
        try:
            with engine.connect() as c:
                built = c.scalar(text("SELECT to_regclass('orders') IS NOT NULL"))
                built = built and c.scalar(text("SELECT count(*) FROM orders")) == args.orders
            if built:
                print(f"reusing the {args.orders:,} orders of {make_url(url).database} (--keep)")
                upgrade(engine)
            else:
                print(f"building {args.orders:,} orders in a scratch database:")
                _build(engine, args.orders)
            with engine.connect() as c:
                kinds = dict(c.execute(text("SELECT kind, count(*) FROM measure_facts GROUP BY kind")).all())
                departments = list(c.scalars(text("SELECT id FROM departments WHERE kind = 'department' ORDER BY id")))
            print(f"facts: {sum(kinds.values()):,} rows — " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())))
            print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}\n")
            _measure(engine, departments, args.queries, args.orders)
        finally:
            engine.dispose()
    return 0


def _measure(engine: Any, departments: list[int], runs: int, orders: int) -> None:
    """Each function the endpoints call, round-robin over departments and months, interleaved with
    its baseline: a plain count of the rows it reads (index only), in the same session."""

    def month(i: int) -> tuple[date, date]:  # January … November 2026: each has a whole month before it
        return MONTHS[1 + i % 11], MONTHS[2 + i % 11]

    def window(i: int) -> dict[str, Any]:
        start, end = month(i)
        previous = start - (end - start)
        return {"s": f"{start} 00:00+08", "e": f"{end} 00:00+08", "p": f"{previous} 00:00+08", "now": NOW}

    KINDS = "('dispatch', 'reply', 'return', 'reopen', 'callback', 'close')"  # what a month counts
    baselines = {
        "department": f"SELECT count(*) FROM measure_facts WHERE department_id = :d AND kind IN {KINDS} "
        "AND at >= :s AND at < :e AND at <= :now",
        "ranking": f"SELECT count(*) FROM measure_facts WHERE kind IN {KINDS} AND at >= :s AND at < :e AND at <= :now",
        "hot issues": "SELECT count(*) FROM orders WHERE received_at >= :p AND received_at < :e "
        "AND received_at <= :now",
    }
    with Session(engine) as session:
        calls: dict[str, Callable[[int], object]] = {
            "department": lambda i: service.department(session, departments[i % DEPARTMENTS], *month(i), NOW),
            "ranking": lambda i: service.ranking(session, *month(i), NOW),
            "hot issues": lambda i: service.hot_issues(session, *month(i), NOW),
        }
        # Each month's first ranking: it counts the first days of the month and keeps the counts
        # (server.measures.days; the rest are counted from the facts this time),
        # from none kept (a kept database keeps them from an earlier run); then they are vacuumed and
        # analysed, as autovacuum does after inserts, and the rest reads them.
        for table in ("measure_days_counted", "measure_day_counts"):
            session.execute(text(f"DELETE FROM {table}"))
        session.commit()
        first = [_once(calls["ranking"], i) for i in range(11)]
        for i in range(11):  # the rest of each month's days, a few per read as the readers would
            while days.counted_until(session, *month(i)) < month(i)[1]:
                pass
        session.commit()
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE measure_day_counts"))
        for name, call in calls.items():  # warm the pool and the caches
            call(0)
            session.execute(text(baselines[name]), {"d": departments[0], **window(0)})
        timed: dict[str, list[float]] = {name: [] for name in [*calls, *(f"{n} baseline" for n in calls)]}
        for i in range(runs):
            for name, call in calls.items():
                timed[name].append(_once(call, i))
                sql, params = text(baselines[name]), {"d": departments[i % DEPARTMENTS], **window(i)}
                timed[f"{name} baseline"].append(_once(lambda a: session.scalar(*a), (sql, params)))
        today = _time(max(3, runs // 5), lambda i: service.today(session, NOW))
        full = _time(3, lambda i: session.scalar(text("SELECT count(*) FROM orders")))
        cpu = _cpu(session, calls, runs)

    print(f"{orders:,} orders; each call round-robin over 20 departments and 11 months, with its baseline:")
    found = {name: _figures(name, times) for name, times in timed.items()}
    _figures("today(): the big screen", today)
    _figures("ranking, a month's first read (counts its days)", first)
    _figures(f"scale: SELECT count(*) FROM orders ({orders:,})", full)
    print("CPU per call, database backend + this process (no parallel workers; moves little with the load):")
    for name, (backend, client) in cpu.items():
        print(f"  {name:<46} {backend + client:7.1f} ms  (PostgreSQL {backend:.1f} ms, Python {client:.1f} ms)")
    print()
    what = {
        "department": ("a department's month", 50, "a count of the department-month's facts"),
        "ranking": ("ranking of 20 departments, a month", 200, "a count of the month's facts"),
        "hot issues": ("hot issues of a month against the one before", 200, "a count of the two months' orders"),
    }
    for name, (label, target, baseline) in what.items():
        (median, p95), (base, _) = found[name], found[f"{name} baseline"]
        figure(
            f"oversight on {orders:,} orders: {label}, median (p95 {p95:.0f} ms)",
            median,
            "ms",
            at_most=target,
            baseline=f"{baseline} {base:.1f} ms ({median / base:.0f}×)",
        )


if __name__ == "__main__":
    raise SystemExit(main())
