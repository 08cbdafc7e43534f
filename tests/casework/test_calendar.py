"""Tests for casework.calendar against real 2025/2026 Chinese statutory days."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.calendar import (
    CalendarDay,
    CalendarFileError,
    DayKind,
    WorkingDayCalendar,
    parse_year_file,
)

H = DayKind.HOLIDAY
W = DayKind.WORKDAY


# --- real statutory days --------------------------------------------------------------

REAL_2025 = [
    # Spring Festival 2025: Tue 01-28 .. Tue 02-04 off; make-up Sun 01-26 and Sat 02-08.
    (date(2025, 1, 26), True),
    (date(2025, 1, 27), True),
    (date(2025, 1, 28), False),
    (date(2025, 1, 31), False),
    (date(2025, 2, 3), False),
    (date(2025, 2, 4), False),
    (date(2025, 2, 5), True),
    (date(2025, 2, 8), True),
    (date(2025, 2, 9), False),
    # National Day + Mid-Autumn 2025: Wed 10-01 .. Wed 10-08 off;
    # make-up Sun 09-28 and Sat 10-11.
    (date(2025, 9, 28), True),
    (date(2025, 9, 30), True),
    (date(2025, 10, 1), False),
    (date(2025, 10, 6), False),
    (date(2025, 10, 8), False),
    (date(2025, 10, 9), True),
    (date(2025, 10, 11), True),
    (date(2025, 10, 12), False),
    # An ordinary week.
    (date(2025, 6, 6), True),
    (date(2025, 6, 7), False),
]

# Checked against chinesecalendar 1.11.0 (and the State Council notice for 2026).
REAL_2026 = [
    # New Year's Day 2026: Thu 01-01 .. Sat 01-03 off; make-up Sun 01-04.
    (date(2026, 1, 1), False),
    (date(2026, 1, 2), False),
    (date(2026, 1, 4), True),
    # Spring Festival 2026: Sun 02-15 .. Mon 02-23 off; make-up Sat 02-14 and Sat 02-28.
    (date(2026, 2, 13), True),
    (date(2026, 2, 14), True),
    (date(2026, 2, 16), False),
    (date(2026, 2, 20), False),
    (date(2026, 2, 23), False),
    (date(2026, 2, 24), True),
    (date(2026, 2, 28), True),
    # Mid-Autumn 2026: Fri 09-25 off.
    (date(2026, 9, 25), False),
    # National Day 2026: Thu 10-01 .. Wed 10-07 off; make-up Sun 09-20 and Sat 10-10.
    (date(2026, 9, 20), True),
    (date(2026, 9, 30), True),
    (date(2026, 10, 1), False),
    (date(2026, 10, 5), False),
    (date(2026, 10, 7), False),
    (date(2026, 10, 8), True),
    (date(2026, 10, 10), True),
    (date(2026, 10, 11), False),
]


@pytest.mark.parametrize(("day", "working"), REAL_2025 + REAL_2026)
def test_real_statutory_days(day: date, working: bool) -> None:
    assert WorkingDayCalendar().is_working_day(day) is working


def test_published_years_come_from_the_package() -> None:
    cal = WorkingDayCalendar()
    assert cal.is_published(2004)
    assert cal.is_published(2025)
    assert cal.is_published(2026)
    assert not cal.is_published(2003)
    assert not cal.is_published(2027)


def test_unpublished_year_falls_back_to_weekends() -> None:
    cal = WorkingDayCalendar()
    # 2027-01-01 is a Friday: surely a holiday, but nobody has published it yet.
    assert cal.is_working_day(date(2027, 1, 1)) is True
    assert cal.is_working_day(date(2027, 1, 2)) is False  # Saturday
    assert cal.is_working_day(date(2027, 1, 3)) is False  # Sunday
    assert cal.is_working_day(date(2027, 1, 4)) is True  # Monday
    assert cal.is_working_day(date(2003, 12, 31)) is True  # Wednesday, before the package


def test_no_date_from_2004_to_2099_raises() -> None:
    cal = WorkingDayCalendar([CalendarDay(date(2050, 1, 3), H)])
    day, working = date(2004, 1, 1), 0
    while day <= date(2099, 12, 31):
        working += cal.is_working_day(day)
        day += timedelta(days=1)
    # Sanity: roughly 5/7 of ~35,000 days are working days.
    assert 24_000 < working < 26_000


def test_local_days_override_package_and_weekends() -> None:
    cal = WorkingDayCalendar(
        [
            CalendarDay(date(2025, 6, 10), H, "typhoon"),  # normal Tuesday
            CalendarDay(date(2025, 10, 1), W),  # National Day
            CalendarDay(date(2027, 1, 1), H, "元旦"),  # unpublished year
            CalendarDay(date(2027, 1, 2), W),  # unpublished Saturday
        ]
    )
    assert cal.is_working_day(date(2025, 6, 10)) is False
    assert cal.is_working_day(date(2025, 10, 1)) is True
    assert cal.is_working_day(date(2027, 1, 1)) is False
    assert cal.is_working_day(date(2027, 1, 2)) is True
    # Local days alone do not publish a year.
    assert not cal.is_published(2027)


def test_loaded_years_are_published() -> None:
    cal = WorkingDayCalendar([CalendarDay(date(2027, 1, 1), H)], loaded_years=[2027])
    assert cal.is_published(2027)
    assert not cal.is_published(2028)


def test_conflicting_local_days_are_refused() -> None:
    with pytest.raises(ValueError, match="2025-06-10"):
        WorkingDayCalendar([CalendarDay(date(2025, 6, 10), H), CalendarDay(date(2025, 6, 10), W)])


def test_repeated_identical_local_day_is_counted_once() -> None:
    day = CalendarDay(date(2025, 6, 10), H)
    cal = WorkingDayCalendar([day, day])
    assert cal.local_days == (day,)
    assert cal.version.startswith("cn-1.11.0+local-1-")


def test_datetime_is_refused() -> None:
    with pytest.raises(TypeError):
        WorkingDayCalendar().is_working_day(datetime(2025, 10, 1, 12))


# --- version --------------------------------------------------------------------------


def test_version_format() -> None:
    assert re.fullmatch(r"cn-1\.11\.0\+local-0-[0-9a-f]{8}", WorkingDayCalendar().version)
    cal = WorkingDayCalendar([CalendarDay(date(2025, 6, 10), H), CalendarDay(date(2025, 6, 11), H)])
    assert re.fullmatch(r"cn-1\.11\.0\+local-2-[0-9a-f]{8}", cal.version)


def test_version_is_stable_and_order_independent() -> None:
    a = CalendarDay(date(2025, 6, 10), H, "typhoon")
    b = CalendarDay(date(2027, 1, 1), H, "元旦")
    v1 = WorkingDayCalendar([a, b], loaded_years=[2027, 2028]).version
    v2 = WorkingDayCalendar([b, a], loaded_years=(2028, 2027)).version
    assert v1 == v2


def test_version_changes_with_any_change() -> None:
    base = [CalendarDay(date(2025, 6, 10), H, "typhoon")]
    versions = {
        WorkingDayCalendar().version,
        WorkingDayCalendar(base).version,
        WorkingDayCalendar([CalendarDay(date(2025, 6, 10), W, "typhoon")]).version,
        WorkingDayCalendar([CalendarDay(date(2025, 6, 11), H, "typhoon")]).version,
        WorkingDayCalendar([CalendarDay(date(2025, 6, 10), H, "storm")]).version,
        WorkingDayCalendar(base, loaded_years=[2027]).version,
        WorkingDayCalendar(loaded_years=[2027]).version,
    }
    assert len(versions) == 7


@given(
    st.lists(
        st.builds(
            CalendarDay,
            st.dates(date(2004, 1, 1), date(2099, 12, 31)),
            st.sampled_from(DayKind),
            st.text(max_size=5),
        ),
        unique_by=lambda d: d.day,
        max_size=10,
    ),
    st.randoms(use_true_random=False),
)
def test_version_depends_only_on_content(days: list[CalendarDay], rnd: random.Random) -> None:
    shuffled = list(days)
    rnd.shuffle(shuffled)
    assert WorkingDayCalendar(days).version == WorkingDayCalendar(shuffled).version


# --- year files -----------------------------------------------------------------------

YEAR_FILE = """\ufeffdate,kind,note
# 2027 (hypothetical file as an admin would load it)

2027-01-01,holiday,元旦
2027-01-02,休,
2027-01-03, 假日 ,元旦
2027-02-06,班,春节调休
2027-02-07,工作日
2027-02-08,HOLIDAY,"春节, 初一"
2027-02-20,Workday,调休
2027-01-01,holiday,repeated line is fine
"""


def test_parse_year_file() -> None:
    assert parse_year_file(YEAR_FILE) == [
        CalendarDay(date(2027, 1, 1), H, "元旦"),
        CalendarDay(date(2027, 1, 2), H, ""),
        CalendarDay(date(2027, 1, 3), H, "元旦"),
        CalendarDay(date(2027, 2, 6), W, "春节调休"),
        CalendarDay(date(2027, 2, 7), W, ""),
        CalendarDay(date(2027, 2, 8), H, "春节, 初一"),
        CalendarDay(date(2027, 2, 20), W, "调休"),
    ]


def test_parse_empty_file() -> None:
    assert parse_year_file("") == []
    assert parse_year_file("# nothing yet\n\n") == []


@pytest.mark.parametrize(
    ("text", "line", "en_fragment"),
    [
        ("2027-01-01,holiday\n2027-13-01,holiday\n", 2, "invalid date"),
        ("2027-02-30,holiday\n", 1, "invalid date"),
        ("# c\n\n27-1-1,holiday\n", 3, "YYYY-MM-DD"),
        ("2027-01-01\n", 1, "at least a date and a kind"),
        ("2027-01-01,day off\n", 1, "kind must be"),
        ("2027-01-01,holiday,元旦,放假\n", 1, "too many fields"),
        (
            "2027-01-01,holiday\n2027-01-01,workday\n",
            2,
            "conflicts with the kind on line 1",
        ),
        ("date,kind,note\ndate,kind,note\n", 2, "YYYY-MM-DD"),  # header only once
    ],
)
def test_bad_lines_name_the_line(text: str, line: int, en_fragment: str) -> None:
    with pytest.raises(CalendarFileError) as info:
        parse_year_file(text)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.line == line
    assert en_fragment in err.message_en
    assert err.message_zh
    assert f"第 {line} 行" in str(err)
    assert f"line {line}:" in str(err)


def test_conflict_message_in_chinese() -> None:
    with pytest.raises(CalendarFileError) as info:
        parse_year_file("2027-01-01,休\n2027-01-01,班\n")
    assert info.value.message_zh == "日期 2027-01-01 与第 1 行的类型冲突"


@given(
    st.lists(
        st.builds(
            CalendarDay,
            st.dates(date(2004, 1, 1), date(2099, 12, 31)),
            st.sampled_from(DayKind),
            st.text(alphabet='元旦春节调休 abc,-"', max_size=8).map(str.strip),
        ),
        unique_by=lambda d: d.day,
        max_size=20,
    )
)
def test_year_file_round_trip(days: list[CalendarDay]) -> None:
    def quote(note: str) -> str:
        return '"' + note.replace('"', '""') + '"'

    text = "date,kind,note\n" + "".join(f"{d.day.isoformat()},{d.kind},{quote(d.note)}\n" for d in days)
    assert parse_year_file(text) == days
