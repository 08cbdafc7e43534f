"""What the monthly bulletin and the ledger show, gathered once for both.

Figures stand as of the month's end (or now, while the month runs), like every measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.measures import HotIssue, RankingEntry
from server.measures import repository, service
from server.measures.periods import Period
from server.measures.repository import Counts
from server.models import Department


@dataclass(frozen=True)
class OverdueOrder:
    """An order open and overdue at the report's moment."""

    number: str
    title: str
    department: str
    due: datetime
    state: str
    overdue: timedelta  # time since the deadline passed


@dataclass(frozen=True)
class MonthReport:
    period: Period
    as_of: datetime
    intake: int  # orders received in the month (less those declared invalid)
    totals: Counts  # every department added up
    ranking: list[RankingEntry]
    hot: list[HotIssue]
    overdue: list[OverdueOrder]


def gather(session: Session, period: Period, now: datetime) -> MonthReport:
    w = period.window(now)
    names = dict(session.execute(select(Department.id, Department.name)).all())
    overdue = [
        OverdueOrder(
            number=order.number,
            title=order.title,
            department=names.get(department_id, ""),
            due=due,
            state=order.state,
            overdue=w.as_of - due,
        )
        for order, department_id, due in repository.overdue_orders(session, w.as_of)
    ]
    return MonthReport(
        period=period,
        as_of=w.as_of,
        intake=repository.intake_count(session, w),
        totals=service.city(session, period.start, period.end, now),
        ranking=service.ranking(session, period.start, period.end, now),
        hot=service.hot_issues(session, period.start, period.end, now),
        overdue=overdue,
    )


def duration(value: timedelta) -> str:
    """``2天7小时``, or ``7小时``, or ``40分钟``."""
    hours = int(value.total_seconds() // 3600)
    if hours < 1:
        return f"{int(value.total_seconds() // 60)}分钟"
    return f"{hours // 24}天{hours % 24}小时" if hours >= 24 else f"{hours}小时"
