"""Wire schemas of the oversight measures (考核指标): what ``/measures`` serves and the big screen shows.

Rates are fractions between 0 and 1, or ``None`` when their denominator is zero (nothing to
measure: shown as "—", never as 0 % or 100 %). The formulas are documented on the server
(``server.measures.service``) and in the README.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from casework.schemas import Wire


class Volume(Wire):
    """How many orders fell under one code (a category or a channel)."""

    code: str
    name: str
    count: int


class DepartmentMeasures(Wire):
    """One department's figures for the dates ``[start, end)``, as they stood at ``as_of``."""

    department_id: int
    department_code: str
    department_name: str
    start: date
    end: date = Field(description="The day after the last day of the period")
    as_of: datetime = Field(description="The end of the period, or now while it is still running")

    dispatched: int = Field(description="Orders dispatched to the department in the period")
    signed: int = Field(description="… of which signed (by now, whenever after the period)")
    signed_on_time: int
    on_time_signing_rate: float | None = Field(description="及时签收率: signed on time ÷ signed")

    closed: int = Field(description="Orders of the department closed in the period")
    closed_on_time: int
    open_overdue: int = Field(description="Orders of the department open and overdue at as_of")
    on_time_closure_rate: float | None = Field(description="按时办结率: closed on time ÷ (closed + open_overdue)")

    callbacks_reached: int = Field(description="Callbacks in the period that reached the citizen")
    satisfied: int = Field(description="… of which satisfied or basically satisfied")
    satisfaction_rate: float | None = Field(description="回访满意率: satisfied ÷ reached")

    replied: int = Field(description="Replies the department delivered in the period (last approval)")
    replied_on_time: int
    resolved: int
    resolution_rate: float | None = Field(description="解决率: replies with result resolved ÷ replied")

    return_requests: int = Field(description="Return requests (退单) the department made in the period")
    return_rate: float | None = Field(description="退单率: return requests ÷ dispatched")

    reopened: int = Field(description="Re-handlings (重办) of the department's replies ordered in the period")
    rehandling_rate: float | None = Field(description="重办率: reopened ÷ replied")

    avg_handling_days: float | None = Field(
        description="Mean working days from the reply clock's start to the reply, city-leader review time excluded"
    )
    avg_leader_review_days: float | None = Field(description="Mean working days the replies waited for city leaders")

    by_category: list[Volume] = Field(description="Orders dispatched in the period, by category, most first")
    by_channel: list[Volume] = Field(description="Orders dispatched in the period, by channel, most first")


class RankingEntry(Wire):
    """A department's place in the ranking, with the figures it was ranked on."""

    rank: int | None = Field(description="1 is best; None when the department had nothing to measure")
    score: float | None = Field(description="Composite score, 0–100 (see Ranking.weights)")
    measures: DepartmentMeasures


class Ranking(Wire):
    """Every department ranked on a composite score for the period."""

    start: date
    end: date
    as_of: datetime
    weights: dict[str, float] = Field(description="Weight of each rate in the score; (1 − rate) for return/re-handling")
    entries: list[RankingEntry]


class HotIssue(Wire):
    """A category or place whose volume rose against the previous period of equal length."""

    kind: Literal["category", "district", "street"]
    code: str = Field(description="Category code, district, or 'district/street'")
    name: str
    count: int = Field(description="Orders received in the period")
    previous: int = Field(description="Orders received in the previous period of equal length")
    rise: int = Field(description="count − previous")
    rise_ratio: float | None = Field(description="rise ÷ previous; None when there were none before")


class TodayFigures(Wire):
    """What the big screen shows: today's intake, the work in hand, and this month's key rates."""

    as_of: datetime
    day: date
    intake_today: int = Field(description="Orders received today")
    closed_today: int
    in_progress: int = Field(
        description="Orders with a department now (dispatched, return requested, in progress, in review)"
    )
    awaiting_callback: int = Field(description="Orders replied, waiting for the callback")
    overdue: int = Field(description="Orders open and overdue now")
    month_start: date
    on_time_closure_rate: float | None = Field(description="This month, all departments")
    satisfaction_rate: float | None = Field(description="This month, all departments")
