"""Build the deadline policy from the database; add local days; load a year; recompute.

A deadline that reached an unpublished year was computed from weekends and marked
provisional. When days are added or a year is loaded, every open order with a provisional
deadline is recomputed and the change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.calendar import CalendarDay, DayKind, WorkingDayCalendar
from casework.deadlines import DeadlinePolicy
from casework.order import OPEN_STATES
from casework.sla import Complexity, Urgency, order_deadlines
from server.audit.service import record
from server.models import CalendarDayRow, CalendarYear, Order
from server.settings import Settings


def calendar(session: Session) -> WorkingDayCalendar:
    days = [CalendarDay(row.day, DayKind(row.kind), row.note) for row in session.scalars(select(CalendarDayRow))]
    years = session.scalars(select(CalendarYear.year)).all()
    return WorkingDayCalendar(local_days=days, loaded_years=years)


def policy(session: Session, settings: Settings) -> DeadlinePolicy:
    return DeadlinePolicy(calendar(session), counting_rule=settings.counting_rule)


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
    count = recompute_provisional(session, settings, actor_id, now)
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


def recompute_provisional(session: Session, settings: Settings, actor_id: int | None, now: datetime) -> int:
    """Recompute every open order whose deadlines are provisional; audit each change."""
    current = policy(session, settings)
    orders = session.scalars(
        select(Order).where(Order.deadline_provisional.is_(True), Order.state.in_([s.value for s in OPEN_STATES]))
    ).all()
    for order in orders:
        if order.dispatched_at is None:
            continue
        before = deadline_fields(order)
        apply_deadlines(order, current, order.dispatched_at)
        if order.extension_status == "approved" and order.extension_days and order.reply_due:
            order.reply_due_extended = current.extend(order.reply_due, order.extension_days).due
        after = deadline_fields(order)
        if after != before:
            record(session, actor_id, "deadline_recomputed", order.id, before, after, now)
    return len(orders)


def deadline_fields(order: Order) -> dict[str, object]:
    return {
        "sign_due": order.sign_due,
        "onsite_due": order.onsite_due,
        "reply_due": order.reply_due,
        "reply_due_extended": order.reply_due_extended,
        "deadline_provisional": order.deadline_provisional,
        "calendar_version": order.calendar_version,
    }


def apply_deadlines(order: Order, current: DeadlinePolicy, start: datetime) -> None:
    """Set the order's sign, on-site and reply deadlines counted from ``start`` (dispatch)."""
    deadlines = order_deadlines(
        start, Complexity(order.complexity), Urgency(order.urgency), current, reply_days=order.reply_days
    )
    order.sign_due = deadlines.sign_by.due
    order.onsite_due = deadlines.onsite_by.due if deadlines.onsite_by else None
    order.reply_due = deadlines.reply_by.due
    order.deadline_provisional = deadlines.sign_by.provisional or deadlines.reply_by.provisional
    order.calendar_version = deadlines.reply_by.calendar_version
    order.return_window_ends = current.working_days_after(start, 1).due
