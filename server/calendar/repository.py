"""The working-day calendar as the database holds it: the admin's local days and the loaded years."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.calendar import CalendarDay, DayKind, WorkingDayCalendar
from casework.deadlines import DeadlinePolicy
from server.models import CalendarDayRow, CalendarYear
from server.settings import Settings


def calendar(session: Session) -> WorkingDayCalendar:
    days = [CalendarDay(row.day, DayKind(row.kind), row.note) for row in session.scalars(select(CalendarDayRow))]
    years = session.scalars(select(CalendarYear.year)).all()
    return WorkingDayCalendar(local_days=days, loaded_years=years)


def policy(session: Session, settings: Settings) -> DeadlinePolicy:
    return DeadlinePolicy(calendar(session), counting_rule=settings.counting_rule)
