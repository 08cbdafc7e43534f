"""How fast the centre's intake helpers and the supervisor's board answer on a big city (PostgreSQL).

    python -m bench.centre [--pg URL] [--orders 200000] [--queries 30] [--sqlite]

The city is built as ``bench.measures`` builds it (orders and measure facts by ``INSERT … SELECT``),
then given what intake looks at: titles from 24 streets × 24 problems (456 distinct, each ~440
times), 50,000 callers' phones, addresses of 24 streets × 300 numbers, and the day's own orders
(received this morning, a tenth not dispatched). What is timed: the real functions the endpoints
call — ``server.orders.similar.similar_orders`` (phone, address and a typed sentence together, as
the intake form asks; and its trigram query alone), the caller's orders (``repository.page`` with
``phone``), ``server.centre.board.board`` — each ``--queries`` times with varying inputs; the
baseline is a plain indexed ``count(*)`` of one phone's orders. Target for the similar orders:
≤ 100 ms (the issue's keystroke-to-suggestions budget, of which this is the server's part).

``--sqlite``: the same orders (shape and proportions: a fifth open) in a SQLite file, inserted
row by row through SQLAlchemy Core, timing only the similar orders — the LIKE fallback.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from bench.measures import DEFAULT_PG, NOW, _build, scratch_database
from casework.roles import Actor, Role
from server.centre.board import board
from server.db import make_engine
from server.orders import repository, similar

STREETS = [
    "文汇路", "海潮路", "屏淮路", "琵琶路", "北海路", "盂城路", "蝶园路", "武安路",
    "秦邮路", "环城路", "府前街", "北门大街", "中山路", "人民路", "登瀛路", "南海路",
    "东园路", "望湖路", "净土寺路", "御码头路", "马饮塘路", "通湖路", "菱塘路", "车逻路",
]  # fmt: skip
PROBLEMS = [
    "路灯不亮", "路面塌陷", "下水道堵塞", "夜间施工噪声", "垃圾清运不及时", "违章搭建鸽棚", "占道经营", "井盖缺失",
    "小区停水", "油烟扰民", "广场舞噪声", "树木遮挡窗户", "电动车违停", "积水严重", "公交站台破损", "共享单车乱停",
    "物业不作为", "楼道堆放杂物", "污水外溢", "路口信号灯故障", "人行道破损", "工地扬尘", "河道垃圾", "犬只扰民",
]  # fmt: skip
CENTRE = Actor(user_id=1, role=Role.CENTRE_SUPERVISOR, department_id=1)

SHAPE = [
    """UPDATE orders SET
        title = (CAST(:streets AS text[]))[1 + ((id * 2654435761) % 4294967296 / 7) % 24]
             || (CAST(:problems AS text[]))[1 + ((id * 2654435761) % 4294967296 / 13) % 24],
        citizen_phone = '139' || lpad(((id * 2654435761) % 50000)::text, 8, '0'),
        callback_number = '139' || lpad(((id * 2654435761) % 50000)::text, 8, '0'),
        address = (CAST(:streets AS text[]))[1 + (id * 11) % 24] || (1 + (id * 17) % 300) || '号'""",
    # The day's own intake: the last 600 orders were received this morning; a tenth still wait.
    """UPDATE orders SET received_at = :now - (600 - (id - :orders + 600)) * interval '20 seconds',
        state = CASE WHEN id % 10 = 0 THEN 'received' ELSE state END,
        lead_department_id = CASE WHEN id % 10 = 0 THEN NULL ELSE lead_department_id END
       WHERE id > :orders - 600""",
    "ANALYZE orders",
]


def _time(runs: int, call: Callable[[int], object]) -> list[float]:
    times = []
    for i in range(runs):
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _report(label: str, times: list[float], target: float | None = None) -> None:
    median, p95 = statistics.median(times), sorted(times)[int(len(times) * 0.95) - 1]
    verdict = "" if target is None else ("  meets" if p95 <= target else "  MISSES") + f" (target {target:.0f} ms)"
    print(f"  {label:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms{verdict}")


def _sqlite(orders: int, queries: int) -> None:
    import random
    import tempfile
    from pathlib import Path

    from sqlalchemy import insert

    from server.models import Order

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'city.db'}")
        from server.migrate import upgrade

        upgrade(engine)
        rng = random.Random(12345)
        started = time.perf_counter()
        rows = []
        for g in range(1, orders + 1):
            phone = "139" + str(rng.randrange(50000)).rjust(8, "0")
            rows.append(
                {
                    "id": g,
                    "number": f"BM{g}",
                    "state": "closed" if rng.random() < 0.8 else rng.choice(["replied", "in_progress", "dispatched"]),
                    "channel": "phone",
                    "received_at": NOW - timedelta(minutes=orders - g),
                    "kind": "complaint",
                    "category_code": f"C{1 + rng.randrange(40):02d}",
                    "complexity": "simple",
                    "urgency": "normal",
                    "importance": "ordinary",
                    "title": rng.choice(STREETS) + rng.choice(PROBLEMS),
                    "description": "诉求内容",
                    "citizen_phone": phone,
                    "callback_number": phone,
                    "address": f"{rng.choice(STREETS)}{1 + rng.randrange(300)}号",
                }
            )
        with engine.begin() as c:
            for first in range(0, len(rows), 10_000):
                c.execute(insert(Order), rows[first : first + 10_000])
            c.execute(text("ANALYZE"))
        print(f"SQLite: {orders} orders in {time.perf_counter() - started:.0f} s")
        with Session(engine) as session:

            def suggestions(i: int) -> object:
                street, problem = STREETS[i % 24], PROBLEMS[(i * 5) % 24]
                return similar.similar_orders(
                    session,
                    CENTRE,
                    phone="139" + str((i * 7919) % 50000).rjust(8, "0"),
                    address=f"{street}{1 + i % 300}号",
                    words=f"{street}附近{problem}好几天了",
                    category="C01",
                )

            _report("SQLite: similar orders (LIKE fallback)", _time(queries, suggestions), 100)

            def text_only(i: int) -> object:
                return similar._text_candidates(
                    session, CENTRE, f"{STREETS[i % 24]}附近{PROBLEMS[(i * 5) % 24]}好几天了"
                )

            _report("  of which the text query alone", _time(queries, text_only))
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pg", default=DEFAULT_PG)
    p.add_argument("--orders", type=int, default=200_000)
    p.add_argument("--queries", type=int, default=30)
    p.add_argument("--sqlite", action="store_true", help="time the SQLite fallback instead")
    args = p.parse_args(argv)
    import os

    print(f"load average before: {os.getloadavg()}")
    if args.sqlite:
        _sqlite(args.orders, args.queries)
        return 0
    with scratch_database(args.pg) as url:
        engine = make_engine(url)
        started = time.perf_counter()
        _build(engine, args.orders)
        with engine.begin() as c:
            for statement in SHAPE:
                c.execute(
                    text(statement),
                    {"streets": STREETS, "problems": PROBLEMS, "now": NOW, "orders": args.orders},
                )
        print(f"built {args.orders} orders in {time.perf_counter() - started:.0f} s")
        with Session(engine) as session:
            trigram = similar.has_trigram_index(session)
            print(f"pg_trgm index: {trigram}")
            open_orders = session.scalar(
                text("SELECT count(*) FROM orders WHERE state NOT IN ('closed','invalid','merged')")
            )
            print(f"open orders: {open_orders}")

            def phone(i: int) -> str:
                return "139" + str((i * 7919) % 50000).rjust(8, "0")

            def suggestions(i: int) -> object:
                street, problem = STREETS[i % 24], PROBLEMS[(i * 5) % 24]
                return similar.similar_orders(
                    session,
                    CENTRE,
                    phone=phone(i),
                    address=f"{street}{1 + i % 300}号",
                    words=f"{street}附近{problem}好几天了",
                    category="C01",
                )

            found = suggestions(0)
            print(f"  (first query: {len(found)} suggestions, best {[m.reasons for m in found[:3]]})")
            _report("similar orders (phone + address + text)", _time(args.queries, suggestions), 100)

            def text_only(i: int) -> object:
                return similar._text_candidates(
                    session, CENTRE, f"{STREETS[i % 24]}附近{PROBLEMS[(i * 5) % 24]}好几天了"
                )

            _report("  of which the trigram query alone", _time(args.queries, text_only))

            def history(i: int) -> object:
                return repository.page(session, CENTRE, repository.OrderFilter(phone=phone(i)), "-id", 20, None)

            _report("the caller's orders (/orders?phone=)", _time(args.queries, history))

            def baseline(i: int) -> object:
                return session.scalar(text("SELECT count(*) FROM orders WHERE citizen_phone = :p"), {"p": phone(i)})

            _report("baseline: count(*) of one phone's orders", _time(args.queries, baseline))

            def the_board(i: int) -> object:
                return board(session, NOW.date(), NOW + timedelta(minutes=i))

            result = board(session, NOW.date(), NOW)
            counts = (result.intake_total, result.waiting_count, result.overdue_total)
            print(f"  (board: intake, waiting, overdue = {counts})")
            _report("supervisor's board", _time(args.queries, the_board))
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
