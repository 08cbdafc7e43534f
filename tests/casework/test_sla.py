"""Tests for casework.sla: the hotline's order deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.deadlines import SHANGHAI, DeadlinePolicy
from casework.sla import Complexity, OrderDeadlines, SlaRules, Urgency, order_deadlines
from tests.fixtures.calendar import INCLUDE, NEXT, local, sh


def test_normal_simple_order_before_national_day_2025() -> None:
    # Tue 2025-09-30; National Day 10-01..10-08 off.
    od = order_deadlines(sh(2025, 9, 30, 15), Complexity.SIMPLE, Urgency.NORMAL, NEXT)
    assert isinstance(od, OrderDeadlines)
    assert local(od.sign_by) == sh(2025, 10, 9, 17, 30)
    assert od.sign_by.basis == "1 working day"
    assert od.onsite_by is None
    assert local(od.reply_by) == sh(2025, 10, 10, 17, 30)
    assert od.reply_by.basis == "2 working days"


def test_include_start_day_policy_is_used() -> None:
    od = order_deadlines(sh(2025, 9, 30, 15), Complexity.SIMPLE, Urgency.NORMAL, INCLUDE)
    assert local(od.sign_by) == sh(2025, 9, 30, 17, 30)
    assert local(od.reply_by) == sh(2025, 10, 9, 17, 30)


@pytest.mark.parametrize("urgency", [Urgency.URGENT, Urgency.VERY_URGENT])
def test_urgent_complex_order_dispatched_on_a_holiday(urgency: Urgency) -> None:
    # Thu 2025-10-02 is National Day: the wall clocks run anyway.
    od = order_deadlines(sh(2025, 10, 2, 10), Complexity.COMPLEX, urgency, NEXT)
    assert od.sign_by.due == datetime(2025, 10, 2, 2, 30, tzinfo=UTC)
    assert od.sign_by.basis == "0:30:00 wall clock"
    assert od.onsite_by is not None
    assert od.onsite_by.due == datetime(2025, 10, 2, 3, 0, tzinfo=UTC)
    # 7 working days: 10-09, 10-10, Sat 10-11 (make-up), 10-13, 10-14, 10-15, 10-16.
    assert local(od.reply_by) == sh(2025, 10, 16, 17, 30)
    assert od.reply_by.basis == "7 working days"


def test_complex_order_with_shorter_reply_days_hits_make_up_saturday() -> None:
    od = order_deadlines(sh(2025, 9, 30, 15), Complexity.COMPLEX, Urgency.NORMAL, NEXT, reply_days=3)
    # 10-09, 10-10, then the National Day make-up Saturday 10-11.
    assert local(od.reply_by) == sh(2025, 10, 11, 17, 30)


@pytest.mark.parametrize("reply_days", [0, 8, -1, True])
def test_reply_days_out_of_range(reply_days: int) -> None:
    with pytest.raises(ValueError, match="reply_days"):
        order_deadlines(
            sh(2025, 6, 9, 10),
            Complexity.COMPLEX,
            Urgency.NORMAL,
            NEXT,
            reply_days=reply_days,
        )


def test_reply_days_refused_for_simple_orders() -> None:
    with pytest.raises(ValueError, match="complex"):
        order_deadlines(sh(2025, 6, 9, 10), Complexity.SIMPLE, Urgency.NORMAL, NEXT, reply_days=2)


def test_custom_rules() -> None:
    rules = SlaRules(
        simple_reply_days=3,
        complex_reply_days=10,
        normal_sign_days=2,
        urgent_sign_within=timedelta(minutes=15),
        onsite_within=timedelta(hours=2),
    )
    start = sh(2025, 6, 9, 10)  # Monday
    normal = order_deadlines(start, Complexity.SIMPLE, Urgency.NORMAL, NEXT, rules)
    assert local(normal.sign_by) == sh(2025, 6, 11, 17, 30)
    assert local(normal.reply_by) == sh(2025, 6, 12, 17, 30)
    urgent = order_deadlines(start, Complexity.COMPLEX, Urgency.URGENT, NEXT, rules, reply_days=10)
    assert local(urgent.sign_by) == sh(2025, 6, 9, 10, 15)
    assert urgent.onsite_by is not None
    assert local(urgent.onsite_by) == sh(2025, 6, 9, 12, 0)
    assert local(urgent.reply_by) == sh(2025, 6, 23, 17, 30)


@pytest.mark.parametrize(
    "bad",
    [
        {"simple_reply_days": 0},
        {"complex_reply_days": 0},
        {"normal_sign_days": -1},
        {"urgent_sign_within": timedelta(0)},
        {"onsite_within": timedelta(minutes=-1)},
    ],
)
def test_rules_must_be_positive(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must be"):
        SlaRules(**bad)  # type: ignore[arg-type]


def test_reply_reaching_2027_is_provisional_but_wall_clocks_are_not() -> None:
    od = order_deadlines(sh(2026, 12, 30, 10), Complexity.COMPLEX, Urgency.URGENT, NEXT)
    assert local(od.reply_by) == sh(2027, 1, 8, 17, 30)
    assert od.reply_by.provisional is True
    assert od.sign_by.provisional is False
    assert od.onsite_by is not None
    assert od.onsite_by.provisional is False


def test_string_values_are_accepted() -> None:
    od = order_deadlines(sh(2025, 6, 9, 10), "complex", "very_urgent", NEXT)  # type: ignore[arg-type]
    assert od.onsite_by is not None
    assert local(od.reply_by) == sh(2025, 6, 18, 17, 30)


def test_naive_dispatch_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        order_deadlines(datetime(2025, 6, 9, 10), Complexity.SIMPLE, Urgency.NORMAL, NEXT)


@given(
    st.datetimes(datetime(2004, 1, 2), datetime(2099, 11, 30), timezones=st.just(SHANGHAI)),
    st.sampled_from(Complexity),
    st.sampled_from(Urgency),
    st.sampled_from([NEXT, INCLUDE]),
)
def test_order_deadline_properties(
    start: datetime, complexity: Complexity, urgency: Urgency, policy: DeadlinePolicy
) -> None:
    od = order_deadlines(start, complexity, urgency, policy)
    assert start < od.sign_by.due <= od.reply_by.due
    if urgency is Urgency.NORMAL:
        assert od.onsite_by is None
    else:
        assert od.onsite_by is not None
        assert od.sign_by.due - start == timedelta(minutes=30)
        assert od.onsite_by.due - start == timedelta(hours=1)
    if complexity is Complexity.SIMPLE:
        assert od.reply_by == policy.working_days_after(start, 2)
    else:
        assert od.reply_by == policy.working_days_after(start, 7)
