"""``/measures``: a department's figures, the ranking, hot issues and the big screen's figures.

Who sees what: department staff see their own department only (any other id answers the same
404 as a missing one); a city leader in charge sees the departments of their portfolio, the top
leader every department; both see the ranking, hot issues and today's figures. The centre and
administrators see everything. City-wide figures are refused (403) to department staff.
"""

from __future__ import annotations

import tempfile
from pathlib import Path as PathLib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response

from casework.measures import DepartmentMeasures, HotIssue, Ranking, TodayFigures
from casework.roles import Actor, Role
from casework.schemas import Day, Id
from server.deps import DB, CurrentCaller, Now
from server.errors import errors, forbidden, invalid, not_found
from server.measures import service
from server.measures.periods import BAD_PERIOD, MONTH_PATTERN, Period, PeriodError
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/measures", tags=["measures"], route_class=TransactionalRoute)

DepartmentId = Annotated[Id, Path()]
PERIOD_403 = errors(401, 403, refusals=BAD_PERIOD)
PERIOD_404 = errors(401, 404, refusals=BAD_PERIOD)


def _period(
    now: Now,
    month: Annotated[
        str | None,
        Query(max_length=7, pattern=MONTH_PATTERN, description="A calendar month, YYYY-MM, 2000–2100 (default: now)"),
    ] = None,
    start: Annotated[Day | None, Query(alias="from", description="First day (with `to`, instead of `month`)")] = None,
    end: Annotated[Day | None, Query(alias="to", description="The day after the last day")] = None,
) -> Period:
    try:
        if start is not None or end is not None:
            if month is not None or start is None or end is None:
                raise PeriodError("请给出 month，或同时给出 from 和 to", "Give month, or both from and to")
            return Period(start, end)
        return Period.month(month) if month is not None else Period.month_of(now)
    except PeriodError as exc:
        raise invalid("bad_period", exc.zh, exc.en) from exc


Reporting = Annotated[Period, Depends(_period)]


def may_see_department(actor: Actor, department_id: int) -> bool:
    """Department staff: their own; a leader in charge: the portfolio; everyone else here: all."""
    if actor.is_department_staff:
        return actor.department_id == department_id
    if actor.role is Role.LEADER_IN_CHARGE:
        return department_id in actor.portfolio
    return actor.is_centre or actor.role in (Role.TOP_LEADER, Role.ADMIN)


def _city_wide(caller: CurrentCaller) -> None:
    if not caller.actor.is_centre and caller.actor.role not in (Role.LEADER_IN_CHARGE, Role.TOP_LEADER, Role.ADMIN):
        raise forbidden(
            "全市指标仅向热线中心、市领导和管理员开放", "City-wide figures are for the centre, city leaders and admins"
        )


CityWide = Depends(_city_wide)


@router.get("/departments/{department_id}", response_model=DepartmentMeasures, responses=PERIOD_404)
def department_measures(
    department_id: DepartmentId, period: Reporting, session: DB, caller: CurrentCaller, now: Now
) -> DepartmentMeasures:
    """A department's measures for `month` (YYYY-MM) or the days [`from`, `to`)."""
    if not may_see_department(caller.actor, department_id):
        raise not_found("单位", "department")
    return service.department(session, department_id, period.start, period.end, now)


@router.get("/ranking", response_model=Ranking, responses=PERIOD_403, dependencies=[CityWide])
def ranking(period: Reporting, session: DB, now: Now) -> Ranking:
    """Every department ranked on the composite score (weights in the answer)."""
    entries = service.ranking(session, period.start, period.end, now)
    return Ranking(
        start=period.start, end=period.end, as_of=period.window(now).as_of, weights=service.WEIGHTS, entries=entries
    )


@router.get("/hot", response_model=list[HotIssue], responses=PERIOD_403, dependencies=[CityWide])
def hot_issues(
    period: Reporting,
    session: DB,
    now: Now,
    min_volume: Annotated[int, Query(ge=1, le=1_000_000, description="Fewest orders in the period")] = 5,
    min_rise_percent: Annotated[int, Query(ge=0, le=100_000, description="Smallest rise against before, %")] = 20,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[HotIssue]:
    """Categories and places whose intake rose against the previous period of equal length."""
    return service.hot_issues(
        session,
        period.start,
        period.end,
        now,
        min_volume=min_volume,
        min_rise=min_rise_percent / 100,
        limit=limit,
    )


@router.get("/today", response_model=TodayFigures, responses=errors(401, 403), dependencies=[CityWide])
def today(session: DB, now: Now) -> TodayFigures:
    """Today's intake, the orders in hand and overdue now, and this month's key rates."""
    return service.today(session, now)


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/bulletin",
    response_class=Response,
    responses={**errors(401, 403, 422), 200: {"content": {PDF: {}, XLSX: {}}}},
    dependencies=[CityWide],
)
def bulletin(
    session: DB,
    now: Now,
    month: Annotated[str, Query(max_length=7, pattern=MONTH_PATTERN, description="YYYY-MM, 2000–2100")],
    kind: Annotated[
        Literal["pdf", "xlsx"], Query(alias="format", description="pdf: the bulletin; xlsx: the ledger")
    ] = "pdf",
) -> Response:
    """The month's bulletin (通报, PDF) or ledger (工作台账, Excel), as ``python -m server bulletin`` writes them."""
    from server.measures.bulletin import write_bulletin

    try:
        period = Period.month(month)
    except PeriodError as exc:
        raise invalid("bad_period", exc.zh, exc.en) from exc
    with tempfile.TemporaryDirectory() as folder:
        pdf, ledger = write_bulletin(session, period, now, PathLib(folder))
        chosen, media_type = (pdf, PDF) if kind == "pdf" else (ledger, XLSX)
        content = chosen.read_bytes()
    name = f"{'bulletin' if kind == 'pdf' else 'ledger'}-{period.start:%Y-%m}.{kind}"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"},
    )
