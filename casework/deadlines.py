"""Deadline arithmetic: N working days in office hours, or plain wall-clock time.

All inputs must be timezone-aware; all results are aware datetimes in UTC. Working days
are judged on the policy's local calendar date (Shanghai by default), never on UTC's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from casework.calendar import WorkingDayCalendar

__all__ = [
    "SHANGHAI",
    "CountingRule",
    "Deadline",
    "DeadlinePolicy",
    "OfficeHours",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Real calendars never have more than ~10 days off in a row; a long run means an admin
# marked everything as holiday, and we would rather fail loudly than loop for ever.
_MAX_DAYS_WITHOUT_WORK = 366


class CountingRule(StrEnum):
    """Which day counts as working day 1."""

    NEXT_WORKING_DAY = "next_working_day"
    INCLUDE_START_DAY = "include_start_day"


@dataclass(frozen=True)
class OfficeHours:
    """Local office hours; a working-day deadline falls at ``end``."""

    start: time = time(8, 30)
    end: time = time(17, 30)

    def __post_init__(self) -> None:
        """Reject empty or inverted office hours."""
        if not self.start < self.end:
            raise ValueError(f"office hours must start before they end: {self.start}–{self.end}")


@dataclass(frozen=True)
class Deadline:
    """A computed due time (aware, UTC) plus what it was computed from."""

    due: datetime
    provisional: bool
    calendar_version: str
    basis: str


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def _plural_days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


class DeadlinePolicy:
    """Computes deadlines from a working-day calendar, office hours and a rule."""

    def __init__(
        self,
        calendar: WorkingDayCalendar,
        office_hours: OfficeHours = OfficeHours(),
        counting_rule: CountingRule = CountingRule.NEXT_WORKING_DAY,
        tz: ZoneInfo = SHANGHAI,
    ) -> None:
        """Store the calendar, office hours, counting rule and local time zone."""
        self.calendar = calendar
        self.office_hours = office_hours
        self.counting_rule = CountingRule(counting_rule)
        self.tz = tz

    def working_days_after(self, start: datetime, n: int) -> Deadline:
        """Return the end of office hours on the Nth working day after ``start``.

        Day 1 depends on the counting rule: the first working day after the start's
        local date, or the start's date itself when it is a working day and the start
        is before office end. Provisional if any examined day is in an unpublished year.
        """
        _require_aware(start, "start")
        local = start.astimezone(self.tz)
        include = self.counting_rule is CountingRule.INCLUDE_START_DAY and local.time() < self.office_hours.end
        basis = _plural_days(n)
        if self.counting_rule is CountingRule.INCLUDE_START_DAY:
            basis += " (including start day)"
        return self._count(local.date(), n, include_start=include, basis=basis)

    def wall_clock_after(self, start: datetime, delta: timedelta) -> Deadline:
        """Return ``start + delta`` in plain 24×7 time; never provisional."""
        _require_aware(start, "start")
        if delta <= timedelta(0):
            raise ValueError(f"delta must be positive, got {delta}")
        # Add in UTC so a DST change in the policy zone cannot stretch the delta.
        return Deadline(
            due=start.astimezone(UTC) + delta,
            provisional=False,
            calendar_version=self.calendar.version,
            basis=f"{delta} wall clock",
        )

    def extend(self, due: datetime, n: int) -> Deadline:
        """Return a new deadline N working days after an existing ``due``.

        Always counts from the next working day after the due's local date, whatever
        the policy's counting rule, so an extension never overlaps the original day.
        """
        _require_aware(due, "due")
        local_day = due.astimezone(self.tz).date()
        return self._count(local_day, n, include_start=False, basis=f"extended by {_plural_days(n)}")

    def _count(self, first_day: date, n: int, *, include_start: bool, basis: str) -> Deadline:
        """Walk the calendar from ``first_day`` to the Nth working day.

        ``include_start`` lets ``first_day`` itself be day 1 if it is a working day.
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be an integer >= 1, got {n!r}")
        cal = self.calendar
        day = first_day
        counted = 1 if include_start and cal.is_working_day(day) else 0
        idle = 0
        while counted < n:
            day += timedelta(days=1)
            if cal.is_working_day(day):
                counted += 1
                idle = 0
            else:
                idle += 1
                if idle > _MAX_DAYS_WITHOUT_WORK:
                    raise ValueError(
                        f"no working day in the calendar for over "
                        f"{_MAX_DAYS_WITHOUT_WORK} days after {first_day.isoformat()}"
                    )
        provisional = any(not cal.is_published(year) for year in range(first_day.year, day.year + 1))
        due_local = datetime.combine(day, self.office_hours.end, tzinfo=self.tz)
        return Deadline(
            due=due_local.astimezone(UTC),
            provisional=provisional,
            calendar_version=cal.version,
            basis=basis,
        )


def due_in_force(
    state: str, sign_by: datetime | None, reply_by: datetime | None, reply_by_extended: datetime | None
) -> datetime | None:
    """The deadline that applies to an order in ``state`` now: signing while it waits to be signed,
    the reply (extended, if an extension was approved) while it is being handled, none after."""
    if state == "dispatched":
        return sign_by
    if state in ("in_progress", "in_review", "return_requested"):
        return reply_by_extended or reply_by
    return None
