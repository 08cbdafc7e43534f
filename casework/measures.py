"""The oversight measures (考核指标): their one set of formulas, and what ``/measures`` serves.

The formulas are pure functions over plain counts (:class:`MeasureCounts` → :func:`rates`): the
server divides the counts it takes from its measure facts with them (every department's figures,
the ranking, the bulletin, the ledger, the big screen), and the desk adds up the counts the server
sent (a city leader's month, every department together) with the same functions. Which events
each count takes in is the server's business (``server.measures.service`` and the README).

Rates are fractions between 0 and 1, or ``None`` when their denominator is zero (nothing to
measure: shown as "—", never as 0 % or 100 %).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time
from typing import Any, Literal

from pydantic import Field

from casework.deadlines import OfficeHours
from casework.schemas import Wire


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


#: Seconds in one working day (one office day, 08:30–17:30): handling times are counted in these.
WORKING_DAY_SECONDS = _seconds(OfficeHours().end) - _seconds(OfficeHours().start)


@dataclass
class MeasureCounts:
    """What every rate is divided from: one department's (or several added up) counts for a period."""

    dispatched: int = 0
    signed: int = 0
    signed_on_time: int = 0
    unsigned_overdue: int = 0  # dispatched, still waiting for a signature, signing deadline passed
    return_requests: int = 0
    replied: int = 0
    replied_on_time: int = 0
    resolved: int = 0
    reopened: int = 0
    work_seconds: int = 0  # office seconds of the replies' handling, city-leader review time excluded
    leader_seconds: int = 0  # office seconds the replies waited at city leaders' review levels
    callbacks_reached: int = 0
    satisfied: int = 0
    closed: int = 0
    closed_on_time: int = 0
    open_overdue: int = 0

    def __iadd__(self, other: MeasureCounts) -> MeasureCounts:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @classmethod
    def of(cls, measured: Any) -> MeasureCounts:
        """The counts inside anything that carries them by name (a :class:`DepartmentMeasures`)."""
        return cls(**{f.name: getattr(measured, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class Rates:
    """The measures divided from :class:`MeasureCounts` (see :func:`rates`)."""

    on_time_signing_rate: float | None
    on_time_closure_rate: float | None
    satisfaction_rate: float | None
    resolution_rate: float | None
    return_rate: float | None
    rehandling_rate: float | None
    avg_handling_days: float | None
    avg_leader_review_days: float | None


def rate(numerator: int, denominator: int) -> float | None:
    """numerator ÷ denominator, or None when nothing was counted (not 0 %, not 100 %)."""
    return numerator / denominator if denominator else None


def working_days(seconds: int, replies: int) -> float | None:
    """Mean working days per reply of ``seconds`` office seconds; None without replies."""
    return seconds / replies / WORKING_DAY_SECONDS if replies else None


def ratios(c: MeasureCounts) -> dict[str, tuple[int, int]]:
    """Each rate as its (numerator, denominator) — the formulas, the only copy of them:

    - 及时签收率 = signed on time ÷ (signed + unsigned past the signing deadline), over the orders
      dispatched in the period — an order nobody signs cannot hide, as 按时办结率's open overdue;
    - 按时办结率 = closed on time ÷ (closed + open and overdue at the period's ``as_of``);
    - 回访满意率 = (satisfied + basically satisfied) ÷ callbacks that reached the citizen;
    - 解决率 = replies with result resolved ÷ replies delivered;
    - 退单率 = return requests ÷ orders dispatched;
    - 重办率 = re-handlings ordered ÷ replies delivered.
    """
    return {
        "on_time_signing_rate": (c.signed_on_time, c.signed + c.unsigned_overdue),
        "on_time_closure_rate": (c.closed_on_time, c.closed + c.open_overdue),
        "satisfaction_rate": (c.satisfied, c.callbacks_reached),
        "resolution_rate": (c.resolved, c.replied),
        "return_rate": (c.return_requests, c.dispatched),
        "rehandling_rate": (c.reopened, c.replied),
    }


def rates(c: MeasureCounts) -> Rates:
    """The rates of :func:`ratios`, and 平均办理时长: working days per reply from the reply clock's
    start to the reply, less the time at city leaders' review levels (that time, per reply, is
    市领导审核)."""
    return Rates(
        **{name: rate(*pair) for name, pair in ratios(c).items()},
        avg_handling_days=working_days(c.work_seconds, c.replied),
        avg_leader_review_days=working_days(c.leader_seconds, c.replied),
    )


def percent(value: float | None) -> str:
    """0.9766 → ``97.7%``; no data → ``—`` (how every report and tile shows a rate)."""
    return "—" if value is None else f"{value * 100:.1f}%"


def days(value: float | None) -> str:
    """Working days as every report and tile shows them: ``2.35``; no data → ``—``."""
    return "—" if value is None else f"{value:.2f}"


class Volume(Wire):
    """How many orders fell under one code (a category or a channel)."""

    code: str
    name: str
    count: int


class DayVolume(Wire):
    """How many orders were dispatched on one day (Beijing time)."""

    day: date
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
    unsigned_overdue: int = Field(
        0, description="… of which still waiting to be signed (now) with the signing deadline passed"
    )
    on_time_signing_rate: float | None = Field(description="及时签收率: signed on time ÷ (signed + unsigned_overdue)")

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

    work_seconds: int = Field(
        description="Office seconds of the period's replies, reply clock start to reply, city-leader review excluded"
    )
    leader_seconds: int = Field(description="Office seconds the period's replies waited for city leaders")

    avg_handling_days: float | None = Field(
        description="Mean working days from the reply clock's start to the reply, city-leader review time excluded"
    )
    avg_leader_review_days: float | None = Field(description="Mean working days the replies waited for city leaders")

    by_category: list[Volume] = Field(description="Orders dispatched in the period, by category, most first")
    by_channel: list[Volume] = Field(description="Orders dispatched in the period, by channel, most first")
    by_day: list[DayVolume] = Field(
        description="Orders dispatched in the period, by day (Beijing time), every day that has begun (none ahead)"
    )


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


#: What a hot issue is about, in the official documents' words (the bulletin's and the ledger's).
HOT_ISSUE_KINDS: dict[str, str] = {"category": "诉求分类", "district": "区域", "street": "街道", "tag": "标签"}


class HotIssue(Wire):
    """A category, place or tag whose volume rose against the previous period of equal length."""

    kind: Literal["category", "district", "street", "tag"]
    code: str = Field(description="Category code, district, 'district/street', or the tag")
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
