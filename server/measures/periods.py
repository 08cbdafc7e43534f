"""Reporting periods: whole days ``[start, end)`` in Beijing time, and the moment figures stand at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from casework.deadlines import SHANGHAI

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_DAYS = 366
#: ASCII digits only: ``\d`` also takes "２０２６" and "٢٠٢٦", which then reach file names and headers.
_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")
#: A month callers may ask for, as a schema pattern: YYYY-MM within FIRST_YEAR..LAST_YEAR.
MONTH_PATTERN = r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"
BAD_PERIOD = {"bad_period": "from/to outside 2000–2100, not in order, longer than allowed, or mixed with month"}


class PeriodError(ValueError):
    """A period that cannot be measured; carries bilingual messages."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def midnight(day: date) -> datetime:
    """The start of ``day`` in Beijing time (an aware datetime)."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Period:
    """The days ``[start, end)``; ``end`` is the day after the last day."""

    start: date
    end: date

    def __post_init__(self) -> None:
        # The end is the day after the last: 2101-01-01 ends December 2100.
        if not (
            FIRST_YEAR <= self.start.year <= LAST_YEAR
            and date(FIRST_YEAR, 1, 1) < self.end <= date(LAST_YEAR + 1, 1, 1)
        ):
            raise PeriodError(
                f"日期须在 {FIRST_YEAR}–{LAST_YEAR} 年之间", f"Dates must lie between {FIRST_YEAR} and {LAST_YEAR}"
            )
        if not self.start < self.end:
            raise PeriodError("开始日期须早于结束日期", "The start must come before the end")
        if (self.end - self.start).days > MAX_DAYS:
            raise PeriodError(f"统计区间最长 {MAX_DAYS} 天", f"A period lasts at most {MAX_DAYS} days")

    @classmethod
    def month(cls, text: str) -> Period:
        """``2026-11`` → November 2026."""
        match = _MONTH.match(text)
        if match is None:
            raise PeriodError("月份格式应为 YYYY-MM", "The month must look like YYYY-MM")
        year, month = int(match.group(1)), int(match.group(2))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(
                f"日期须在 {FIRST_YEAR}–{LAST_YEAR} 年之间", f"Dates must lie between {FIRST_YEAR} and {LAST_YEAR}"
            )
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1)
        return cls(start, end)

    @classmethod
    def month_of(cls, moment: datetime) -> Period:
        """The calendar month (Beijing time) that ``moment`` falls in."""
        local = moment.astimezone(SHANGHAI)
        return cls.month(f"{local.year:04d}-{local.month:02d}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def days_begun(self, now: datetime) -> list[date]:
        """The period's days that have begun by ``now``: all of them once it is over, none before it starts."""
        return [day for day in (self.start + timedelta(days=i) for i in range(self.days)) if midnight(day) <= now]

    def previous(self) -> Period:
        """The period of equal length just before this one.

        It may start before ``FIRST_YEAR`` (the month before January 2000): a comparison
        period holds no data, so it is not bound by the limits on periods a caller asks for.
        """
        previous = object.__new__(Period)
        object.__setattr__(previous, "start", self.start - timedelta(days=self.days))
        object.__setattr__(previous, "end", self.start)
        return previous

    def window(self, now: datetime) -> Window:
        return Window(midnight(self.start), midnight(self.end), now)

    @property
    def label(self) -> str:
        """``2026年11月`` for a calendar month, else ``2026-11-01 至 2026-11-15``."""
        if self.start.day == 1 and self.end == Period.month(f"{self.start:%Y-%m}").end:
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.isoformat()} 至 {(self.end - timedelta(days=1)).isoformat()}"


@dataclass(frozen=True)
class Window:
    """A period as moments: events count when ``start <= at < end`` and ``at <= now``.

    ``as_of`` is where the period's state is read (open and overdue orders): its end, or now
    while it is still running. Nothing after ``now`` ever counts, so figures computed for a past
    moment are what they were then.
    """

    start: datetime
    end: datetime
    now: datetime

    @property
    def as_of(self) -> datetime:
        return min(self.end, self.now)
