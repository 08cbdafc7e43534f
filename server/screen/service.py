"""The big screen's figures, put together from the measures service (one read transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.measures import HotIssue
from server.measures import service as measures
from server.measures.periods import Period
from server.models import Department
from server.screen.schemas import RankedDepartment, RisingIssue, ScreenData

RANKING_SIZE = 10
#: Hot issues compare the last week with the week before: long enough to see a trend, short enough to be news.
HOT_DAYS = 7
HOT_MIN_VOLUME = 3
HOT_MIN_RISE = 0.2
HOT_SIZE = 5
HOT_DISTRICTS = 2
DEFAULT_TITLE = "12345政务服务热线"


def screen_data(session: Session, now: datetime) -> ScreenData:
    """Today's figures, this month's ranking (top 10) and the issues rising this week."""
    today = measures.today(session, now)
    month = Period(today.month_start, Period.month(f"{today.month_start:%Y-%m}").end)
    ranking = [
        RankedDepartment(
            rank=e.rank,
            department=e.measures.department_name,
            score=e.score,
            on_time_closure_rate=e.measures.on_time_closure_rate,
            satisfaction_rate=e.measures.satisfaction_rate,
            dispatched=e.measures.dispatched,
        )
        for e in measures.ranking(session, month.start, month.end, now)
        if e.rank is not None and e.score is not None  # unranked departments had nothing to measure
    ]
    hot_end = today.day + timedelta(days=1)
    hot_start = hot_end - timedelta(days=HOT_DAYS)
    hot = measures.hot_issues(
        session, hot_start, hot_end, now, min_volume=HOT_MIN_VOLUME, min_rise=HOT_MIN_RISE, limit=100
    )
    return ScreenData(
        title=_title(session),
        today=today,
        month_label=month.label,
        ranking=ranking[:RANKING_SIZE],
        hot_start=hot_start,
        hot_end=hot_end,
        hot_categories=[_rising(h) for h in hot if h.kind == "category"][:HOT_SIZE],
        hot_places=_places(hot),
    )


def _places(hot: list[HotIssue]) -> list[RisingIssue]:
    """Streets, and at most two districts: a district's rise dwarfs any street's, but a street is
    where someone can go and look. In the service's order (largest rise first)."""
    districts = [h for h in hot if h.kind == "district"][:HOT_DISTRICTS]
    streets = [h for h in hot if h.kind == "street"][: HOT_SIZE - len(districts)]
    return [_rising(h) for h in hot if h in districts or h in streets]


def _rising(issue: HotIssue) -> RisingIssue:
    district, _, street = issue.code.partition("/") if issue.kind == "street" else ("", "", issue.name)
    return RisingIssue(
        kind=issue.kind,
        name=street,
        district=district,
        count=issue.count,
        previous=issue.previous,
        rise=issue.rise,
        rise_ratio=issue.rise_ratio,
    )


def _title(session: Session) -> str:
    """The hotline centre's own name heads the wall (the first centre, if there are several)."""
    name = session.scalar(select(Department.name).where(Department.kind == "centre").order_by(Department.id).limit(1))
    return name or DEFAULT_TITLE
