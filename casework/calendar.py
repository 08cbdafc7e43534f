"""Working-day calendar following China's statutory holidays and make-up working days.

Three layers, highest priority first:

1. local days — entered by an admin or loaded from a year file;
2. the ``chinesecalendar`` package, for the years it covers;
3. plain weekends (Mon–Fri working) for years nobody has published yet.

The State Council announces next year's days only late in the year, so layer 3 is
expected and must never crash; deadlines built on it are marked provisional.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

import chinese_calendar
from chinese_calendar import constants as _cn_constants

__all__ = [
    "CalendarDay",
    "CalendarFileError",
    "DayKind",
    "WorkingDayCalendar",
    "parse_year_file",
]


class DayKind(StrEnum):
    """Whether people work on a given day."""

    WORKDAY = "workday"
    HOLIDAY = "holiday"


@dataclass(frozen=True)
class CalendarDay:
    """One day whose kind is fixed locally, overriding the package and weekends."""

    day: date
    kind: DayKind
    note: str = ""


@functools.cache
def _package_years() -> tuple[int, int]:
    """Return the (first, last) year the installed ``chinesecalendar`` covers.

    Read from the package's own holiday table — the same bounds its date check uses —
    so upgrading the package extends coverage without touching this code.
    """
    years = [d.year for d in _cn_constants.holidays]
    return min(years), max(years)


@functools.cache
def _package_version() -> str:
    """Return the installed ``chinesecalendar`` version string."""
    version = getattr(chinese_calendar, "__version__", None)
    if isinstance(version, str):
        return version
    return importlib.metadata.version("chinesecalendar")


def _package_covers(year: int) -> bool:
    first, last = _package_years()
    return first <= year <= last


class WorkingDayCalendar:
    """Answers "is this a working day?" for any date, and says how sure it is.

    ``local_days`` override everything. ``loaded_years`` are years for which an admin
    loaded the full statutory list (as local days); they count as published even when
    the package does not cover them.
    """

    def __init__(
        self,
        local_days: Iterable[CalendarDay] = (),
        loaded_years: Iterable[int] = (),
    ) -> None:
        """Build a calendar.

        Raises ValueError if two local days give one date different kinds.
        """
        self._local: dict[date, CalendarDay] = {}
        for entry in local_days:
            if isinstance(entry.day, datetime):
                # A datetime key would never match a date lookup; refuse it early.
                raise TypeError(f"CalendarDay.day must be a date, not a datetime: {entry.day!r}")
            previous = self._local.get(entry.day)
            if previous is not None and previous.kind != entry.kind:
                raise ValueError(
                    f"conflicting local days for {entry.day.isoformat()}: {previous.kind} and {entry.kind}"
                )
            if previous is None:
                self._local[entry.day] = CalendarDay(entry.day, DayKind(entry.kind), entry.note)
        self._loaded_years = frozenset(int(y) for y in loaded_years)
        self._version = self._compute_version()

    @property
    def local_days(self) -> tuple[CalendarDay, ...]:
        """The local days, sorted by date."""
        return tuple(self._local[d] for d in sorted(self._local))

    @property
    def loaded_years(self) -> frozenset[int]:
        """Years whose full statutory list an admin has loaded."""
        return self._loaded_years

    def is_working_day(self, d: date) -> bool:
        """Return True if people work on ``d``; never raises for a valid date."""
        if isinstance(d, datetime):
            # Which date a datetime means depends on its zone; make callers decide.
            raise TypeError("is_working_day takes a date, not a datetime")
        local = self._local.get(d)
        if local is not None:
            return local.kind is DayKind.WORKDAY
        if _package_covers(d.year):
            try:
                return bool(chinese_calendar.is_workday(d))
            except NotImplementedError:
                pass  # Package bounds disagreed with our probe; fall back to weekends.
        return d.weekday() < 5

    def is_published(self, year: int) -> bool:
        """Return True if the statutory days of ``year`` are known (package or file)."""
        return _package_covers(year) or year in self._loaded_years

    @property
    def version(self) -> str:
        """Short stable identifier of everything this calendar knows.

        Format ``cn-<package version>+local-<n local days>-<8 hex of sha256>``; the hash
        covers the sorted local days (date, kind, note) and the loaded years.
        """
        return self._version

    def _compute_version(self) -> str:
        payload = json.dumps(
            {
                "days": [[d.day.isoformat(), str(d.kind), d.note] for d in self.local_days],
                "years": sorted(self._loaded_years),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:8]
        return f"cn-{_package_version()}+local-{len(self._local)}-{digest}"


class CalendarFileError(ValueError):
    """A bad year-file line; carries the line number and bilingual messages."""

    def __init__(self, line: int, message_zh: str, message_en: str) -> None:
        """Store the 1-based line number and the Chinese and English explanations."""
        self.line = line
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"第 {line} 行：{message_zh} / line {line}: {message_en}")


# Spellings admins actually use in spreadsheets, mapped to the canonical kind.
_KIND_ALIASES: dict[str, DayKind] = {
    "workday": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "工作日": DayKind.WORKDAY,
    "holiday": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "假日": DayKind.HOLIDAY,
}

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_year_file(text: str) -> list[CalendarDay]:
    """Parse a CSV year file (``date,kind[,note]`` per line) into calendar days.

    Accepts kinds ``workday``/``holiday`` (any case), ``班``/``休`` and
    ``工作日``/``假日``; skips blank lines, ``#`` comments and a ``date,kind,note``
    header. Returns days in file order with exact duplicates dropped. Raises
    CalendarFileError on a bad line or on one date given two different kinds.
    """
    days: list[CalendarDay] = []
    seen: dict[date, tuple[int, DayKind]] = {}
    # Files saved by Excel on Windows start with a BOM; it is not part of a date.
    text = text.removeprefix("\ufeff")
    header_allowed = True
    for lineno, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = [f.strip() for f in next(csv.reader([stripped]))]
        if header_allowed and [f.lower() for f in fields[:2]] == ["date", "kind"]:
            header_allowed = False
            continue
        header_allowed = False
        entry = _parse_line(lineno, fields)
        earlier = seen.get(entry.day)
        if earlier is not None:
            earlier_line, earlier_kind = earlier
            if earlier_kind != entry.kind:
                raise CalendarFileError(
                    lineno,
                    f"日期 {entry.day.isoformat()} 与第 {earlier_line} 行的类型冲突",
                    f"date {entry.day.isoformat()} conflicts with the kind on line {earlier_line}",
                )
            continue
        seen[entry.day] = (lineno, entry.kind)
        days.append(entry)
    return days


def _parse_line(lineno: int, fields: list[str]) -> CalendarDay:
    if len(fields) < 2:
        raise CalendarFileError(
            lineno,
            "每行至少需要日期和类型两列",
            "each line needs at least a date and a kind",
        )
    if len(fields) > 3:
        raise CalendarFileError(
            lineno,
            "列数过多；备注中含逗号时请加英文双引号",
            "too many fields; quote the note if it contains commas",
        )
    date_text, kind_text = fields[0], fields[1]
    note = fields[2] if len(fields) == 3 else ""
    if "\x00" in note:  # PostgreSQL cannot store it (it was a 500 on loading the file)
        raise CalendarFileError(lineno, "备注中含有空字符（NUL）", "the note holds a NUL character")
    if not _DATE_RE.fullmatch(date_text):
        raise CalendarFileError(
            lineno,
            f"日期格式应为 YYYY-MM-DD：{date_text!r}",
            f"date must be YYYY-MM-DD: {date_text!r}",
        )
    try:
        day = date.fromisoformat(date_text)
    except ValueError:
        raise CalendarFileError(lineno, f"无效日期：{date_text!r}", f"invalid date: {date_text!r}") from None
    kind = _KIND_ALIASES.get(kind_text.lower())
    if kind is None:
        raise CalendarFileError(
            lineno,
            f"类型应为 workday/holiday（班/休、工作日/假日）：{kind_text!r}",
            f"kind must be workday/holiday (班/休, 工作日/假日): {kind_text!r}",
        )
    return CalendarDay(day, kind, note)
