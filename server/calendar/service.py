"""Build the deadline policy from the database; add local days; load a year; recompute.

A deadline that reached an unpublished year was computed from weekends and marked
provisional. When days are added or a year is loaded, every open order with a provisional
deadline is recomputed and the change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.calendar import CalendarDay
from casework.order import OPEN_STATES
from server.audit.service import record
from server.calendar.repository import policy
from server.errors import invalid, not_found
from server.measures import facts as measure_facts
from server.models import CalendarDayRow, CalendarYear, Order
from server.orders.deadlines import deadline_fields, recompute
from server.settings import Settings


def save_days(
    session: Session,
    days: Iterable[CalendarDay],
    source: str,
    settings: Settings,
    actor_id: int | None,
    now: datetime,
    loaded_year: int | None = None,
) -> int:
    """Store days (replacing any for the same date), then recompute provisional deadlines."""
    days = list(days)
    for day in days:
        row = session.get(CalendarDayRow, day.day)
        if row is None:
            session.add(CalendarDayRow(day=day.day, kind=day.kind.value, note=day.note, source=source))
        else:
            row.kind, row.note, row.source = day.kind.value, day.note, source
    if loaded_year is not None and session.get(CalendarYear, loaded_year) is None:
        session.add(CalendarYear(year=loaded_year))
    session.flush()
    # Orders first, then the audit head: every writer takes its locks in that order.
    try:
        count = recompute_provisional(session, settings, actor_id, now)
    except ValueError as exc:  # the days leave no working day to count
        raise invalid(
            "calendar_without_working_days",
            "这些日期设置后将没有工作日，无法计算办理时限",
            "With these days there is no working day left to count deadlines",
        ) from exc
    record(
        session,
        actor_id,
        "calendar_days",
        None,
        {},
        {"source": source, "year": loaded_year, "days": [[d.day.isoformat(), d.kind.value, d.note] for d in days]},
        now,
    )
    return count


def remove_day(session: Session, day: date, settings: Settings, actor_id: int | None, now: datetime) -> int:
    """Remove a day an admin entered (the day counts as the statutory calendar or the weekend says
    again), then recompute provisional deadlines like :func:`save_days`."""
    row = session.get(CalendarDayRow, day)
    if row is None:
        raise not_found("日历中的这一天", "calendar day")
    before = {"day": day.isoformat(), "kind": row.kind, "note": row.note, "source": row.source}
    session.delete(row)
    session.flush()
    count = recompute_provisional(session, settings, actor_id, now)
    record(session, actor_id, "calendar_day_removed", None, before, {"day": day.isoformat()}, now)
    return count


def recompute_provisional(session: Session, settings: Settings, actor_id: int | None, now: datetime) -> int:
    """Recompute every open order whose deadlines are provisional; audit each change."""
    current = policy(session, settings)
    orders = session.scalars(
        select(Order).where(Order.deadline_provisional.is_(True), Order.state.in_([s.value for s in OPEN_STATES]))
    ).all()
    for order in orders:
        before = deadline_fields(order)
        recompute(order, current)
        after = deadline_fields(order)
        if after != before:
            changed = [k for k in after if after[k] != before[k]]
            record(
                session,
                actor_id,
                "deadline_recomputed",
                order.id,
                {k: before[k] for k in changed},
                {k: after[k] for k in changed},
                now,
            )
            session.flush()
            measure_facts.update(session, order, "deadline_recomputed", now)  # overdue spans move too
    return len(orders)
