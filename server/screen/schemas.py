"""What ``/screen/data`` serves: aggregates only — counts, rates, department, category and place names.

Nothing about a citizen or the content of an order reaches the wall: the figures come from the
measures service, which counts and never lists.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from casework.measures import TodayFigures
from casework.schemas import Input, Wire


class ScreenSessionIn(Input):
    """The screen key, posted once by the wall page (from its address's fragment)."""

    key: str = Field(max_length=200)


class RankedDepartment(Wire):
    """One line of the department ranking (this month)."""

    rank: int
    department: str
    score: float = Field(description="Composite score, 0–100 (server.measures.service.WEIGHTS)")
    on_time_closure_rate: float | None
    satisfaction_rate: float | None
    dispatched: int = Field(description="Orders dispatched to the department this month")


class RisingIssue(Wire):
    """A category or place whose intake rose against the days before."""

    kind: Literal["category", "district", "street", "tag"]  # the screen shows the first three
    name: str = Field(description="The category, the district, or the street")
    district: str = Field(default="", description="The district a street lies in")
    count: int
    previous: int
    rise: int
    rise_ratio: float | None = Field(description="rise ÷ previous; None when there were none before")


class ScreenData(Wire):
    """Everything the wall shows, as of ``today.as_of``."""

    title: str = Field(description="The hotline centre's name, as the wall's heading")
    today: TodayFigures
    month_label: str = Field(description="e.g. 2026年11月: the period of the rates and the ranking")
    ranking: list[RankedDepartment] = Field(description="The best ranked departments of the month, best first")
    hot_start: date = Field(description="First day of the hot-issue window")
    hot_end: date = Field(description="The day after its last day (today + 1)")
    hot_categories: list[RisingIssue]
    hot_places: list[RisingIssue]
