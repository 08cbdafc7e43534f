"""Working time between two moments, in office hours on working days.

A working day is the office day of ``casework``'s deadlines (08:30–17:30 Beijing time, 9 hours)
on a day the :class:`~casework.calendar.WorkingDayCalendar` marks as working — weekends,
statutory holidays and 调休 make-up days included. Time outside office hours, on weekends and
on holidays counts nothing, so an order dispatched on Friday at 17:00 and answered on Monday at
09:00 took one working hour, and one answered exactly at its two-working-day deadline took
about two working days.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from casework.calendar import WorkingDayCalendar
from casework.deadlines import SHANGHAI, OfficeHours

OFFICE_HOURS = OfficeHours()


def office_seconds(start: datetime, end: datetime, calendar: WorkingDayCalendar) -> int:
    """Whole seconds of ``[start, end)`` that fall in office hours of working days (0 if end <= start)."""
    if end <= start:
        return 0
    local_start, local_end = start.astimezone(SHANGHAI), end.astimezone(SHANGHAI)
    total = timedelta(0)
    day = local_start.date()
    while day <= local_end.date():
        if calendar.is_working_day(day):
            opens = datetime.combine(day, OFFICE_HOURS.start, tzinfo=SHANGHAI)
            closes = datetime.combine(day, OFFICE_HOURS.end, tzinfo=SHANGHAI)
            overlap = min(closes, local_end) - max(opens, local_start)
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total // timedelta(seconds=1)
