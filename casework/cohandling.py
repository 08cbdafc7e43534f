"""Co-handling (协办): a co-department's own part of an order — its status and its deadlines.

The lead department answers the citizen; each co-handling department signs for its part
(协办签收), checks on site like the lead, and gives the lead its findings and answer for its part
(协办意见) by its own deadline. The lead's reply is submitted only once every part is answered
or the centre waived it (免除协办). The rules of who may do what are in ``casework.lifecycle``.

Deadlines of a part (computed when the part starts: at dispatch, or when the centre or a city
leader adds the department later):

- **sign by**: as the order's own signing rule, counted from the part's start — the end of the
  next working day for a normal order, 30 minutes for an urgent or very urgent one;
- **answer by** (reply to the lead): the end of office hours ``CO_ANSWER_MARGIN_DAYS`` working
  day(s) before the lead's reply deadline in force, so the lead has a day to write the reply with
  it — but never before the part's own sign-by (a department added late answers by the lead's
  deadline itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from casework.deadlines import DeadlinePolicy
from casework.sla import Complexity, Urgency, order_deadlines

#: Working days between the co-department's answer and the lead's reply deadline.
CO_ANSWER_MARGIN_DAYS = 1


class CoStatus(StrEnum):
    """Where a co-department's part stands."""

    PENDING = "pending"  # 待协办签收
    SIGNED = "signed"  # 协办中
    ANSWERED = "answered"  # 已反馈协办意见
    WAIVED = "waived"  # 已免除协办


#: Parts that still hold the lead's reply back.
OUTSTANDING = frozenset({CoStatus.PENDING, CoStatus.SIGNED})


@dataclass(frozen=True)
class CoPart:
    """One co-department's part, as the rules need it."""

    department_id: int
    status: CoStatus


def part_of(parts: Iterable[CoPart], department_id: int | None) -> CoPart | None:
    """The part of ``department_id``, if it co-handles the order."""
    return next((p for p in parts if p.department_id == department_id), None)


def outstanding(parts: Iterable[CoPart]) -> list[int]:
    """The departments whose part is neither answered nor waived, by id."""
    return sorted(p.department_id for p in parts if p.status in OUTSTANDING)


def part_due(status: CoStatus | str, sign_by: datetime | None, answer_by: datetime | None) -> datetime | None:
    """A part's deadline in force: its sign-by while pending, its answer-by once signed; none once
    answered or waived (the part holds nothing back any more)."""
    if status == CoStatus.PENDING:
        return sign_by
    if status == CoStatus.SIGNED:
        return answer_by
    return None


@dataclass(frozen=True)
class CoDeadlines:
    sign_by: datetime
    answer_by: datetime


def co_deadlines(
    start: datetime,
    urgency: Urgency | str,
    lead_reply_by: datetime | None,
    policy: DeadlinePolicy,
) -> CoDeadlines:
    """A part's deadlines (see the module's rule), from its start and the lead's reply deadline."""
    sign_by = order_deadlines(start, Complexity.SIMPLE, Urgency(urgency), policy).sign_by.due
    if lead_reply_by is None:
        return CoDeadlines(sign_by, sign_by)
    answer_by = working_days_before(lead_reply_by, CO_ANSWER_MARGIN_DAYS, policy)
    if answer_by < sign_by:
        answer_by = max(sign_by, lead_reply_by.astimezone(UTC))
    return CoDeadlines(sign_by, answer_by)


def working_days_before(due: datetime, n: int, policy: DeadlinePolicy) -> datetime:
    """The end of office hours of the Nth working day before ``due``'s local day (UTC)."""
    day = due.astimezone(policy.tz).date()
    counted = 0
    for _ in range(366):
        if counted >= n:
            break
        day -= timedelta(days=1)
        if policy.calendar.is_working_day(day):
            counted += 1
    return datetime.combine(day, policy.office_hours.end, tzinfo=policy.tz).astimezone(UTC)
