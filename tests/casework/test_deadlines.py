"""Tests for casework.deadlines against real 2025/2026 Chinese statutory days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.calendar import CalendarDay, DayKind, WorkingDayCalendar, parse_year_file
from casework.deadlines import (
    SHANGHAI,
    CountingRule,
    DeadlinePolicy,
    OfficeHours,
)
from tests.fixtures.calendar import CAL, INCLUDE, NEXT, local, sh

# --- examples with real holidays ------------------------------------------------------


def test_before_national_day_2025_next_working_day_rule() -> None:
    # Tue 2025-09-30 afternoon; 10-01..10-08 off: day 1 = Thu 10-09, day 2 = Fri 10-10.
    d = NEXT.working_days_after(sh(2025, 9, 30, 15, 0), 2)
    assert d.due == datetime(2025, 10, 10, 9, 30, tzinfo=UTC)
    assert local(d) == sh(2025, 10, 10, 17, 30)
    assert d.due.tzinfo is UTC
    assert d.provisional is False
    assert d.calendar_version == CAL.version
    assert d.basis == "2 working days"


def test_before_national_day_2025_include_start_day_rule() -> None:
    # Tue 09-30 15:00 is before office end: 09-30 is day 1 and Thu 10-09 day 2.
    d = INCLUDE.working_days_after(sh(2025, 9, 30, 15, 0), 2)
    assert local(d) == sh(2025, 10, 9, 17, 30)
    assert d.basis == "2 working days (including start day)"


def test_make_up_saturday_counts() -> None:
    # Spring Festival 2025 make-up working day: Sat 2025-02-08.
    assert local(NEXT.working_days_after(sh(2025, 2, 7, 10), 1)) == sh(2025, 2, 8, 17, 30)
    # National Day 2025 make-up working day: Sat 2025-10-11 (day 3 after 09-30).
    assert local(NEXT.working_days_after(sh(2025, 9, 30, 10), 3)) == sh(2025, 10, 11, 17, 30)


def test_make_up_sunday_counts() -> None:
    # Spring Festival 2025 make-up working day: Sun 2025-01-26.
    assert local(NEXT.working_days_after(sh(2025, 1, 25, 10), 1)) == sh(2025, 1, 26, 17, 30)
    assert local(INCLUDE.working_days_after(sh(2025, 1, 26, 9), 1)) == sh(2025, 1, 26, 17, 30)


def test_spring_festival_2025_is_skipped() -> None:
    # Mon 2025-01-27 → 01-28..02-04 off → Wed 02-05.
    assert local(NEXT.working_days_after(sh(2025, 1, 27, 16), 1)) == sh(2025, 2, 5, 17, 30)


def test_spring_festival_2026() -> None:
    # Spring Festival 2026: 02-15..02-23 off, make-up Sat 02-14 and Sat 02-28.
    start = sh(2026, 2, 13, 16)  # Friday
    assert local(NEXT.working_days_after(start, 1)) == sh(2026, 2, 14, 17, 30)
    assert local(NEXT.working_days_after(start, 2)) == sh(2026, 2, 24, 17, 30)
    # 02-24..02-27 (Tue–Fri) are days 2–5, then make-up Sat 02-28 is day 6.
    assert local(NEXT.working_days_after(start, 6)) == sh(2026, 2, 28, 17, 30)


def test_national_day_2026() -> None:
    # National Day 2026: 10-01..10-07 off, make-up Sun 09-20 and Sat 10-10.
    start = sh(2026, 9, 30, 11)  # Wednesday
    assert local(NEXT.working_days_after(start, 1)) == sh(2026, 10, 8, 17, 30)
    assert local(NEXT.working_days_after(start, 3)) == sh(2026, 10, 10, 17, 30)
    assert local(NEXT.working_days_after(sh(2026, 9, 19, 11), 1)) == sh(2026, 9, 20, 17, 30)


def test_mid_autumn_2026_friday_is_skipped() -> None:
    # Mid-Autumn 2026: Fri 09-25 off, so Thu 09-24 + 1 → Mon 09-28.
    assert local(NEXT.working_days_after(sh(2026, 9, 24, 9), 1)) == sh(2026, 9, 28, 17, 30)


def test_local_date_is_taken_in_shanghai_not_utc() -> None:
    # 2025-02-07 17:00 UTC is Sat 2025-02-08 01:00 in Shanghai (a make-up working day).
    start = datetime(2025, 2, 7, 17, 0, tzinfo=UTC)
    assert local(NEXT.working_days_after(start, 1)) == sh(2025, 2, 10, 17, 30)
    assert local(INCLUDE.working_days_after(start, 1)) == sh(2025, 2, 8, 17, 30)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2025, 6, 9, 0, 0), sh(2025, 6, 9, 17, 30)),
        (sh(2025, 6, 9, 17, 29, 59), sh(2025, 6, 9, 17, 30)),
        (sh(2025, 6, 9, 17, 30), sh(2025, 6, 10, 17, 30)),  # at office end: too late
        (sh(2025, 6, 9, 22, 0), sh(2025, 6, 10, 17, 30)),
        (sh(2025, 6, 7, 10, 0), sh(2025, 6, 9, 17, 30)),  # Saturday
        (sh(2025, 10, 1, 10, 0), sh(2025, 10, 9, 17, 30)),  # National Day
    ],
)
def test_include_start_day_boundaries(start: datetime, expected: datetime) -> None:
    assert local(INCLUDE.working_days_after(start, 1)) == expected


def test_custom_office_hours() -> None:
    policy = DeadlinePolicy(CAL, OfficeHours(time(9, 0), time(18, 0)), CountingRule.INCLUDE_START_DAY)
    assert local(policy.working_days_after(sh(2025, 6, 9, 17, 45), 1)) == sh(2025, 6, 9, 18, 0)


def test_office_hours_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="office hours"):
        OfficeHours(time(17, 30), time(8, 30))


def test_other_policy_time_zone() -> None:
    # Office end is applied in the policy's zone (DST in effect: UTC-4 on 2025-06-10).
    policy = DeadlinePolicy(CAL, tz=ZoneInfo("America/New_York"))
    d = policy.working_days_after(datetime(2025, 6, 9, 12, tzinfo=ZoneInfo("America/New_York")), 1)
    assert d.due == datetime(2025, 6, 10, 21, 30, tzinfo=UTC)


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        NEXT.working_days_after(datetime(2025, 6, 9, 10), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        NEXT.wall_clock_after(datetime(2025, 6, 9, 10), timedelta(hours=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        NEXT.extend(datetime(2025, 6, 9, 10), 1)


@pytest.mark.parametrize("n", [0, -1, True, 1.5])
def test_n_must_be_positive_integer(n: object) -> None:
    with pytest.raises(ValueError, match="n must be"):
        NEXT.working_days_after(sh(2025, 6, 9, 10), n)  # type: ignore[arg-type]


def test_one_working_day_basis_is_singular() -> None:
    assert NEXT.working_days_after(sh(2025, 6, 9, 10), 1).basis == "1 working day"


def test_calendar_with_no_working_days_fails_loudly() -> None:
    start = date(2025, 6, 9)
    all_off = [CalendarDay(start + timedelta(days=i), DayKind.HOLIDAY) for i in range(400)]
    with pytest.raises(ValueError, match="no working day"):
        DeadlinePolicy(WorkingDayCalendar(all_off)).working_days_after(sh(2025, 6, 9, 10), 1)


# --- unpublished years and local days -------------------------------------------------

YEAR_2027 = """date,kind,note
# Hypothetical 2027 days for the test; the real list is announced late in 2026.
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-03,holiday,元旦
"""


def test_deadline_reaching_2027_is_provisional_then_recomputed() -> None:
    start = sh(2026, 12, 30, 10)  # Wednesday
    before = NEXT.working_days_after(start, 7)
    # Weekends only in 2027: Thu 12-31 (1), Fri 01-01 (2), 01-04..01-08 (3..7).
    assert local(before) == sh(2027, 1, 8, 17, 30)
    assert before.provisional is True

    days = parse_year_file(YEAR_2027)
    loaded = WorkingDayCalendar(local_days=days, loaded_years=[2027])
    after = DeadlinePolicy(loaded).working_days_after(start, 7)
    # 01-01 is now a holiday: 12-31 (1), 01-04..01-08 (2..6), Mon 01-11 (7).
    assert local(after) == sh(2027, 1, 11, 17, 30)
    assert after.provisional is False
    assert after.calendar_version != before.calendar_version
    assert after.calendar_version == loaded.version


def test_admin_days_in_unpublished_year_are_used_but_stay_provisional() -> None:
    cal = WorkingDayCalendar([CalendarDay(date(2027, 1, 1), DayKind.HOLIDAY, "元旦")])
    d = DeadlinePolicy(cal).working_days_after(sh(2026, 12, 31, 10), 1)
    assert local(d) == sh(2027, 1, 4, 17, 30)
    assert d.provisional is True


def test_deadline_within_2026_is_not_provisional() -> None:
    d = NEXT.working_days_after(sh(2026, 12, 28, 10), 3)
    assert local(d) == sh(2026, 12, 31, 17, 30)
    assert d.provisional is False


def test_start_before_package_range_is_provisional() -> None:
    d = NEXT.working_days_after(sh(2003, 12, 30, 10), 1)
    assert local(d) == sh(2003, 12, 31, 17, 30)
    assert d.provisional is True


def test_local_holiday_moves_deadline() -> None:
    start = sh(2025, 6, 9, 10)  # Monday
    assert local(NEXT.working_days_after(start, 1)) == sh(2025, 6, 10, 17, 30)
    cal = WorkingDayCalendar([CalendarDay(date(2025, 6, 10), DayKind.HOLIDAY, "台风停工")])
    d = DeadlinePolicy(cal).working_days_after(start, 1)
    assert local(d) == sh(2025, 6, 11, 17, 30)
    assert d.calendar_version != CAL.version


def test_local_workday_on_statutory_holiday() -> None:
    cal = WorkingDayCalendar([CalendarDay(date(2025, 10, 1), DayKind.WORKDAY)])
    d = DeadlinePolicy(cal).working_days_after(sh(2025, 9, 30, 10), 1)
    assert local(d) == sh(2025, 10, 1, 17, 30)


# --- wall clock and extensions --------------------------------------------------------


def test_wall_clock_ignores_holidays() -> None:
    d = NEXT.wall_clock_after(sh(2025, 9, 30, 23, 30), timedelta(hours=1))
    assert d.due == datetime(2025, 9, 30, 16, 30, tzinfo=UTC)
    assert local(d) == sh(2025, 10, 1, 0, 30)
    assert d.provisional is False
    assert d.basis == "1:00:00 wall clock"
    assert d.calendar_version == CAL.version


def test_wall_clock_in_unpublished_year_is_not_provisional() -> None:
    d = NEXT.wall_clock_after(sh(2027, 3, 1, 10), timedelta(minutes=30))
    assert d.due == datetime(2027, 3, 1, 2, 30, tzinfo=UTC)
    assert d.provisional is False


def test_wall_clock_counts_real_elapsed_time_across_dst() -> None:
    ny = ZoneInfo("America/New_York")
    # DST started 2025-03-09 02:00 in New York: 24 real hours after Sat 12:00 EST is
    # Sun 13:00 EDT, not the naive wall-clock Sun 12:00.
    d = NEXT.wall_clock_after(datetime(2025, 3, 8, 12, tzinfo=ny), timedelta(hours=24))
    assert d.due == datetime(2025, 3, 9, 17, tzinfo=UTC)
    assert d.due.astimezone(ny).hour == 13


@pytest.mark.parametrize("delta", [timedelta(0), timedelta(minutes=-5)])
def test_wall_clock_delta_must_be_positive(delta: timedelta) -> None:
    with pytest.raises(ValueError, match="delta must be positive"):
        NEXT.wall_clock_after(sh(2025, 6, 9, 10), delta)


def test_extend_counts_from_next_working_day_whatever_the_rule() -> None:
    due = INCLUDE.working_days_after(sh(2025, 9, 29, 10), 2).due  # Tue 09-30 17:30
    assert due.astimezone(SHANGHAI) == sh(2025, 9, 30, 17, 30)
    for policy in (NEXT, INCLUDE):
        ext = policy.extend(due, 2)
        assert local(ext) == sh(2025, 10, 10, 17, 30)
        assert ext.basis == "extended by 2 working days"
        assert ext.provisional is False


def test_extend_into_2027_is_provisional() -> None:
    ext = NEXT.extend(sh(2026, 12, 31, 17, 30), 1)
    assert local(ext) == sh(2027, 1, 1, 17, 30)
    assert ext.provisional is True


# --- properties -----------------------------------------------------------------------

ZONES = st.sampled_from(
    [
        SHANGHAI,
        UTC,
        ZoneInfo("America/New_York"),
        ZoneInfo("Asia/Kolkata"),
        ZoneInfo("Pacific/Kiritimati"),
    ]
)
STARTS = st.datetimes(datetime(2004, 1, 2), datetime(2099, 11, 30), timezones=ZONES)
DAYS = st.integers(1, 30)
POLICIES = st.sampled_from([NEXT, INCLUDE])


def count_working_days(first: date, last: date) -> int:
    """Working days in [first, last]."""
    n, d = 0, first
    while d <= last:
        n += CAL.is_working_day(d)
        d += timedelta(days=1)
    return n


@given(STARTS, DAYS, POLICIES)
def test_deadline_is_office_end_of_a_working_day_after_start(start: datetime, n: int, policy: DeadlinePolicy) -> None:
    d = policy.working_days_after(start, n)
    due_local = local(d)
    assert d.due.tzinfo is UTC
    assert CAL.is_working_day(due_local.date())
    assert due_local.time() == time(17, 30)
    assert d.due > start


@given(STARTS, DAYS, POLICIES)
def test_exactly_n_working_days_are_counted(start: datetime, n: int, policy: DeadlinePolicy) -> None:
    start_local = start.astimezone(SHANGHAI)
    due_date = local(policy.working_days_after(start, n)).date()
    start_counts = (
        policy.counting_rule is CountingRule.INCLUDE_START_DAY
        and CAL.is_working_day(start_local.date())
        and start_local.time() < time(17, 30)
    )
    after_start = count_working_days(start_local.date() + timedelta(days=1), due_date)
    assert after_start + start_counts == n


@given(STARTS, DAYS, POLICIES)
def test_one_more_day_is_later(start: datetime, n: int, policy: DeadlinePolicy) -> None:
    assert policy.working_days_after(start, n + 1).due > policy.working_days_after(start, n).due


@given(STARTS, STARTS, DAYS, POLICIES)
def test_monotone_in_start(a: datetime, b: datetime, n: int, policy: DeadlinePolicy) -> None:
    early, late = sorted([a, b])
    assert policy.working_days_after(early, n).due <= policy.working_days_after(late, n).due


@given(STARTS, DAYS)
def test_include_start_day_is_never_later(start: datetime, n: int) -> None:
    assert INCLUDE.working_days_after(start, n).due <= NEXT.working_days_after(start, n).due


@given(STARTS, DAYS)
def test_provisional_exactly_when_an_unpublished_year_is_touched(start: datetime, n: int) -> None:
    d = NEXT.working_days_after(start, n)
    years = range(start.astimezone(SHANGHAI).year, local(d).year + 1)
    assert d.provisional is any(y > 2026 for y in years)


@given(
    STARTS,
    DAYS,
    POLICIES,
    st.lists(st.integers(0, 60), max_size=10),
)
def test_extra_local_holidays_never_make_a_deadline_earlier(
    start: datetime, n: int, policy: DeadlinePolicy, offsets: list[int]
) -> None:
    base = start.astimezone(SHANGHAI).date()
    extra = [CalendarDay(base + timedelta(days=k), DayKind.HOLIDAY) for k in set(offsets)]
    stricter = DeadlinePolicy(WorkingDayCalendar(extra), counting_rule=policy.counting_rule)
    assert stricter.working_days_after(start, n).due >= policy.working_days_after(start, n).due


@given(STARTS, DAYS, st.timedeltas(timedelta(seconds=1), timedelta(days=30)))
def test_nothing_raises_and_extension_is_later(start: datetime, n: int, delta: timedelta) -> None:
    d = NEXT.working_days_after(start, n)
    ext = NEXT.extend(d.due, n)
    assert ext.due > d.due
    assert CAL.is_working_day(local(ext).date())
    wall = NEXT.wall_clock_after(start, delta)
    assert wall.due - start == delta
    assert wall.provisional is False
