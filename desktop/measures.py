"""A department's monthly measures, computed on the desk from the orders in its local store.

This is the desk's own view of the orders it has cached, for the department's daily steering.
The server's measures (a later issue) will be authoritative: the server sees every order,
including those that have left the department's scope (a return the centre accepted is revoked
from the local store, so the desk no longer counts it), and it records the closing time, which an
order copy does not carry. Where the two differ, the server is right.

Which orders belong to a month: those whose intake — dispatch to the department, or receipt at the
centre for an order never dispatched — falls in that calendar month in Asia/Shanghai time. Every
measure below is over that cohort, judged as the orders stand at ``now``. Pure Python, no Qt.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from casework.deadlines import SHANGHAI

#: The hotline's time zone (casework's one definition): months and days are counted in it.
CITY_TIME = SHANGHAI

_TERMINAL = frozenset({"closed", "invalid", "merged"})
_ANSWERED = frozenset({"replied", "closed"})  # the department's reply stands at the centre
_UNSIGNED = frozenset({"dispatched", "return_requested"})  # the sign clock is still running
_REACHED_SATISFIED = frozenset({"satisfied", "basically_satisfied"})


@dataclass(frozen=True)
class Ratio:
    """A rate kept as its two counts, so a tile can show "55/57" as well as the percentage."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """numerator ÷ denominator, or None when nothing was counted (not 0 %, not 100 %)."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> str:
        """ "96.5%", or "—" when there is nothing to count."""
        value = self.value
        return "—" if value is None else f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Measures:
    """One month of one department (or of every order on the desk); see each field's formula."""

    month: date  # the first day of the month
    #: Orders whose intake falls in the month.
    orders: int
    #: 及时签收率 = orders signed by their sign-by time ÷ (orders signed + orders still unsigned —
    #: 待签收 or 退单待审 — whose sign-by time has passed at ``now``). Unsigned orders not yet due are
    #: left out; the flag is the one the server froze at signing.
    on_time_signing: Ratio
    #: 按时办结率 = orders closed on time ÷ (orders closed + open orders that are overdue).
    #: Closed on time is the server's frozen flag ``closed_on_time``. An open order (dispatched, not
    #: 已办结, 无效 or 已合并) is overdue when it was replied late, or when its reply deadline — the
    #: extended one if granted — has passed at ``now`` without a reply on time (:func:`is_overdue`).
    #: Open orders not yet due are left out; an open overdue order cannot hide by staying open.
    on_time_closure: Ratio
    #: 回访满意率 = callbacks with outcome satisfied or basically satisfied ÷ callbacks that reached
    #: the citizen (outcome other than unreachable). Every callback record counts, re-handled orders'
    #: earlier callbacks included.
    satisfaction: Ratio
    #: 解决率 = answered orders whose latest reply has result code "resolved" ÷ answered orders,
    #: where answered means the reply stands at the centre: state 已答复待回访 or 已办结.
    resolution: Ratio
    #: 退单率 = orders on which the department requested a return (``return_request`` present) ÷
    #: orders of the month. A return the centre accepted takes the order out of the local store, so
    #: the desk undercounts; the server's figure is the one to cite.
    return_requests: Ratio
    #: 审核退回率 = orders with at least one review entry "returned" (退回修改) ÷ orders ever replied
    #: (state 已答复待回访 or 已办结, or re-handled: ``reopen_count`` > 0).
    review_returns: Ratio
    #: 重办率 = orders with ``reopen_count`` > 0 ÷ orders ever replied (as for review returns).
    rehandling: Ratio
    #: Orders of the month by category code, most first.
    by_category: dict[str, int] = field(default_factory=dict)
    #: Orders of the month by channel (phone, mailbox, website, weibo, wechat, app), most first.
    by_channel: dict[str, int] = field(default_factory=dict)
    #: Orders of the month by intake day, every day of the month present (0 for a quiet day).
    daily_intake: dict[date, int] = field(default_factory=dict)
    #: 平均办理时长 in days (calendar days, fractional) = mean over the month's orders with a
    #: submitted reply of (first reply's submission time − dispatch time); None without any.
    average_handling_days: float | None = None


def month_measures(
    orders: list[dict[str, Any]], month: date, now: datetime, department_id: int | None = None
) -> Measures:
    """The measures of ``month`` (any day in it) over OrderDetail-shaped dicts, as at ``now``.

    ``department_id`` keeps only orders whose lead department it is; None counts every order given.
    """
    first = month.replace(day=1)
    cohort = month_orders(orders, first, department_id)

    signed_on_time = sign_counted = 0
    closed_on_time = closure_counted = 0
    satisfied = reached = 0
    resolved = answered = 0
    returned_in_review = reopened = ever_replied = 0
    return_requested = 0
    handling: list[float] = []

    for order in cohort:
        state = order.get("state", "")
        deadlines = order.get("deadlines") or {}

        signed = deadlines.get("signed_on_time")
        if signed is not None:
            sign_counted += 1
            signed_on_time += bool(signed)
        elif state in _UNSIGNED and _passed(deadlines.get("sign_by"), now):
            sign_counted += 1

        if state == "closed":
            closure_counted += 1
            closed_on_time += deadlines.get("closed_on_time") is True
        elif state not in _TERMINAL and is_overdue(order, now):
            closure_counted += 1

        for callback in order.get("callbacks") or []:
            if callback.get("outcome") != "unreachable":
                reached += 1
                satisfied += callback.get("outcome") in _REACHED_SATISFIED

        replies = order.get("replies") or []
        if state in _ANSWERED and replies:
            answered += 1
            resolved += replies[-1].get("result_code") == "resolved"

        reopens = int(order.get("reopen_count") or 0)
        if state in _ANSWERED or reopens > 0:
            ever_replied += 1
            reopened += reopens > 0
            returned_in_review += any(r.get("decision") == "returned" for r in order.get("reviews") or [])

        return_requested += order.get("return_request") is not None

        dispatched = parse_moment(order.get("dispatched_at"))
        first_reply = parse_moment(replies[0].get("at")) if replies else None
        if dispatched is not None and first_reply is not None and first_reply >= dispatched:
            handling.append((first_reply - dispatched).total_seconds() / 86400)

    days = calendar.monthrange(first.year, first.month)[1]
    daily = dict.fromkeys((first.replace(day=d) for d in range(1, days + 1)), 0)
    for order in cohort:
        moment = _intake(order)
        if moment is not None:
            daily[moment.astimezone(CITY_TIME).date()] += 1

    return Measures(
        month=first,
        orders=len(cohort),
        on_time_signing=Ratio(signed_on_time, sign_counted),
        on_time_closure=Ratio(closed_on_time, closure_counted),
        satisfaction=Ratio(satisfied, reached),
        resolution=Ratio(resolved, answered),
        return_requests=Ratio(return_requested, len(cohort)),
        review_returns=Ratio(returned_in_review, ever_replied),
        rehandling=Ratio(reopened, ever_replied),
        by_category=dict(Counter(o.get("category_code") or "" for o in cohort).most_common()),
        by_channel=dict(Counter(o.get("channel") or "" for o in cohort).most_common()),
        daily_intake=daily,
        average_handling_days=sum(handling) / len(handling) if handling else None,
    )


def month_orders(orders: list[dict[str, Any]], month: date, department_id: int | None = None) -> list[dict[str, Any]]:
    """The orders that belong to ``month`` (any day in it): intake in that month, city time; with
    ``department_id``, only those the department leads. In the order given."""
    first = month.replace(day=1)
    return [
        o
        for o in orders
        if (department_id is None or o.get("lead_department_id") == department_id) and _in_month(_intake(o), first)
    ]


def is_overdue(order: dict[str, Any], now: datetime) -> bool:
    """The order missed its reply deadline: replied (or closed) late by the server's frozen flags, or
    still open (dispatched, not closed) past its reply deadline — the extended one if granted — at
    ``now`` without a reply on time."""
    deadlines = order.get("deadlines") or {}
    if deadlines.get("replied_on_time") is False or deadlines.get("closed_on_time") is False:
        return True
    if order.get("state") in _TERMINAL or order.get("state") == "received":
        return False
    due = deadlines.get("reply_by_extended") or deadlines.get("reply_by")
    return _passed(due, now) and deadlines.get("replied_on_time") is not True


def recent_months(now: datetime, count: int = 12) -> list[date]:
    """The first days of the ``count`` months up to ``now``'s (city time), newest first."""
    today = now.astimezone(CITY_TIME).date()
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out


def parse_moment(value: Any) -> datetime | None:
    """An ISO 8601 string (or datetime) with a zone; None for nothing."""
    if not value:
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _intake(order: dict[str, Any]) -> datetime | None:
    return parse_moment(order.get("dispatched_at")) or parse_moment(order.get("received_at"))


def _in_month(moment: datetime | None, first: date) -> bool:
    if moment is None:
        return False
    local = moment.astimezone(CITY_TIME)
    return (local.year, local.month) == (first.year, first.month)


def _passed(value: Any, now: datetime) -> bool:
    moment = parse_moment(value)
    return moment is not None and moment < now


__all__ = [
    "CITY_TIME",
    "Measures",
    "Ratio",
    "is_overdue",
    "month_measures",
    "month_orders",
    "parse_moment",
    "recent_months",
]
