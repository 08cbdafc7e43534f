"""Facts counted per department and day, for the days that are over (``measure_day_counts``).

A month's ranking counted ~400,000 facts every time it was asked for; the days before today do not
change, so their counts are kept. What is kept is only what never changes once written: a
dispatch's day, department, category and channel (not its signing: ``signed_at`` and ``on_time``
come later), and the reply, return, reopen, callback and close facts whole (kind, result, on time,
seconds). Everything else — the signing, today, the open overdue and unsigned orders — is counted
live, as before.

Filled by readers, never by writers: the first reader of a day that is over and not yet counted
counts it (for every department) and marks it in ``measure_days_counted``. A writer keeps no
counter (a counter row per department and day would make every write of a department wait on
one row); a writer that adds a fact drops the mark of the fact's day — nothing to drop for
today's facts, the usual case, so it costs an index probe; a fact written with an earlier day
(an import, a replay) makes that day be counted again. A rebuild clears both tables.

Why a fill misses nothing: on PostgreSQL the filler locks ``measure_facts`` against writers
(``SHARE ROW EXCLUSIVE``: it waits for the transactions that wrote facts to commit, writers wait
for it, fillers wait for each other) before it looks at the marks again and counts, so it counts
every fact committed before it; a writer that inserts a fact after the fill has committed drops
the fill's mark (the writer drops marks after inserting its facts, so it is past the lock then).
This happens once per day (the first ranking after midnight), for as long as the counting takes;
a reader counts :data:`FILL_DAYS` days at most, so a period never counted before is counted over
several reads.
SQLite has one writer at a time: a transaction that may write (``BEGIN IMMEDIATE``) fills; a
reader, which must not take the write lock, uses the counts when they are complete and otherwise
counts live.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, delete, func, insert, literal, null, select, text, type_coerce
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from server.db import WRITE_INTENT
from server.measures.periods import Window, midnight
from server.models import MeasureDayCount, MeasureDayCounted, MeasureFact

F = MeasureFact
#: Fact kinds kept whole: nothing of them changes once written (dispatches are kept in part).
WHOLE_KINDS = ("reply", "return", "reopen", "callback", "close")
#: Days counted by one reader at most: writers wait for a fill (~50 ms of CPU a day on a city of
#: a million orders), so a year asked for at once is counted over several reads, not in one.
FILL_DAYS = 4


def day_of(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def beijing_day(dialect: str, moment: Any) -> ColumnElement[Any]:
    """The day in Beijing time of a moment column: a ``date`` on PostgreSQL, ``YYYY-MM-DD`` text on
    SQLite (stored in UTC; China keeps +08:00 all year, without summer time since 1991)."""
    if dialect == "postgresql":
        return func.date(func.timezone(SHANGHAI.key, moment))
    return func.date(moment, "+8 hours")


def fact_day(dialect: str) -> ColumnElement[date]:
    """The Beijing day of a fact's ``at`` as a ``Date``."""
    return type_coerce(beijing_day(dialect, F.at), Date)


def over(w: Window) -> tuple[date, date] | None:
    """The days ``[first, last)`` of the window that are over by its ``as_of`` (so every fact of
    them counts), when the window starts at a midnight; None when there is none."""
    first, last = day_of(w.start), day_of(w.as_of)
    if midnight(first) != w.start or last <= first:
        return None
    return first, last


def _missing(session: Session, first: date, last: date) -> list[date]:
    counted = set(
        session.scalars(
            select(MeasureDayCounted.day).where(MeasureDayCounted.day >= first, MeasureDayCounted.day < last)
        )
    )
    return [d for d in (first + timedelta(days=i) for i in range((last - first).days)) if d not in counted]


def counted_until(session: Session, first: date, last: date) -> date:
    """The end of the run of days from ``first`` (to ``last`` at most) whose counts are complete —
    after counting up to :data:`FILL_DAYS` missing ones, when this transaction may (see the
    module docstring). The days after it are counted from the facts this time."""
    missing = _missing(session, first, last)
    if not missing:
        return last
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("LOCK TABLE measure_facts IN SHARE ROW EXCLUSIVE MODE"))
        missing = _missing(session, first, last)  # what another filler counted meanwhile
        if not missing:
            return last
    elif not WRITE_INTENT.get():
        return missing[0]
    _fill(session, missing[:FILL_DAYS], fact_day(dialect))
    return missing[FILL_DAYS] if len(missing) > FILL_DAYS else last


def _fill(session: Session, days: list[date], day: ColumnElement[date]) -> None:
    session.execute(delete(MeasureDayCount).where(MeasureDayCount.day.in_(days)))
    where = [F.at >= midnight(days[0]), F.at < midnight(days[-1] + timedelta(days=1)), day.in_(days)]
    nothing: Any = null()
    dispatches = (
        select(
            day, F.department_id, F.kind, nothing, nothing, F.category_code, F.channel,
            func.count(), literal(0), literal(0),
        )
        .where(F.kind == "dispatch", *where)
        .group_by(day, F.department_id, F.kind, F.category_code, F.channel)
    )  # fmt: skip
    others = (
        select(
            day, F.department_id, F.kind, F.result, F.on_time, nothing, nothing, func.count(),
            func.coalesce(func.sum(F.work_seconds), 0), func.coalesce(func.sum(F.leader_seconds), 0),
        )
        .where(F.kind.in_(WHOLE_KINDS), *where)
        .group_by(day, F.department_id, F.kind, F.result, F.on_time)
    )  # fmt: skip
    D = MeasureDayCount
    columns = [
        D.day, D.department_id, D.kind, D.result, D.on_time, D.category_code, D.channel,
        D.n, D.work_seconds, D.leader_seconds,
    ]  # fmt: skip
    for query in (dispatches, others):
        session.execute(insert(D).from_select(columns, query))
    session.execute(insert(MeasureDayCounted), [{"day": d} for d in days])


def forget(session: Session, days: Iterable[date]) -> None:
    """A writer added facts on these days: their counts are no longer complete (call it after the
    facts are inserted)."""
    found = sorted(set(days))
    if found:
        session.execute(delete(MeasureDayCounted).where(MeasureDayCounted.day.in_(found)))


def clear(session: Session) -> None:
    """Nothing counted any more (the facts are being rebuilt)."""
    session.execute(delete(MeasureDayCounted))
    session.execute(delete(MeasureDayCount))
