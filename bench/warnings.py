"""One warning pass over the data set: ``python -m bench.warnings [--pg URL] [--orders N]``.

The pass ``serve`` runs every five minutes (server.notifications.service.warn) over 10,000 orders:
the first stores every warning and escalation due (most of the copied orders are overdue), the
next ones find them stored and store nothing (the steady state). Baseline, in the same run: the
pass's own read alone (the open orders near or past their deadline). Target: a steady-state pass
within 1 s at 10,000 orders (a pass every 300 s then takes under 0.4 % of one core).
"""

from __future__ import annotations

import sys
import time

from sqlalchemy import or_, select

from bench.common import load_average, parser, verdict
from bench.dataset import dataset
from server.db import make_engine, make_session_factory, utcnow
from server.migrate import upgrade
from server.models import Order
from server.notifications.service import OPEN_STATES, warn
from server.settings import Settings

TARGET_SECONDS = 1.0


def main() -> int:
    args = parser(__doc__).parse_args()
    print(f"load average {load_average()} at the start")
    with dataset(args.pg, args.orders) as data:
        settings = Settings(data_dir=data.data_dir, database_url=data.database_url)
        engine = make_engine(data.database_url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        now = utcnow()

        def read() -> int:
            with sessions() as session:
                horizon = now.replace(year=now.year + 1)
                query = select(Order.id, Order.state, Order.sign_due, Order.reply_due, Order.onsite_due).where(
                    Order.state.in_(OPEN_STATES), or_(Order.due_at <= horizon, Order.onsite_due <= horizon)
                )
                return len(session.execute(query).all())

        def one_pass() -> int:
            with sessions() as session:
                stored = warn(session, settings, now)
                session.commit()
                return stored

        def timed(fn: object) -> tuple[float, int]:
            started = time.perf_counter()
            result = fn()  # type: ignore[operator]
            return time.perf_counter() - started, result

        reads = [timed(read) for _ in range(3)]  # warm: the first read of a fresh copy is cold
        baseline, open_orders = min(t for t, _ in reads), reads[0][1]
        first, stored = timed(one_pass)
        steady = [timed(one_pass) for _ in range(3)]
        again = min(s for s, _ in steady)
        print(f"{data.orders} orders, {open_orders} open with a deadline ({'PostgreSQL' if args.pg else 'SQLite'})")
        print(f"baseline (the pass's read alone):   {baseline * 1000:8.1f} ms")
        print(
            f"first pass ({stored} notifications stored): {first * 1000:8.1f} ms  ({first / baseline:5.1f}× baseline)"
        )
        print(
            f"steady pass (stores {steady[0][1]}):        {again * 1000:8.1f} ms  ({again / baseline:5.1f}× baseline)"
        )
        print(f"target: a steady pass within {TARGET_SECONDS:.0f} s — {verdict(again <= TARGET_SECONDS)}")
        engine.dispose()
    print(f"load average {load_average()} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
