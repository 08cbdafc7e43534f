"""``/calendar``: what the working-day calendar knows; an admin adds days or loads a year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path
from pydantic import Field

from casework.calendar import CalendarDay, CalendarFileError, parse_year_file
from casework.schemas import CalendarOut, Day, DayIn, RecomputeOut
from server.calendar import repository, service
from server.deps import DB, Admin, AppSettings, CurrentCaller, Now
from server.errors import errors, invalid
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/calendar", tags=["calendar"], route_class=TransactionalRoute)


#: The calendar's own 422 beside invalid input: a year or a change that leaves nothing to count with.
NO_WORKING_DAY = {"calendar_without_working_days": "the days would leave no working day to count deadlines"}


@router.get("", response_model=CalendarOut, responses=errors(401))
def get_calendar(session: DB, caller: CurrentCaller) -> CalendarOut:
    cal = repository.calendar(session)
    return CalendarOut(
        version=cal.version,
        local_days=[DayIn(day=d.day, kind=d.kind, note=d.note) for d in cal.local_days],
        loaded_years=sorted(cal.loaded_years),
    )


@router.post("/days", response_model=RecomputeOut, responses=errors(401, 403, refusals=NO_WORKING_DAY))
def add_days(
    days: Annotated[list[DayIn], Field(min_length=1, max_length=400)],
    session: DB,
    caller: Admin,
    settings: AppSettings,
    now: Now,
) -> RecomputeOut:
    """Add local holidays or working days; provisional deadlines are recomputed and audited."""
    count = service.save_days(
        session, [CalendarDay(d.day, d.kind, d.note) for d in days], "admin", settings, caller.user.id, now
    )
    return RecomputeOut(version=repository.calendar(session).version, recomputed_orders=count)


@router.delete("/days/{day}", response_model=RecomputeOut, responses=errors(401, 403, 404, refusals=NO_WORKING_DAY))
def remove_day(day: Day, session: DB, caller: Admin, settings: AppSettings, now: Now) -> RecomputeOut:
    """Remove a local day; provisional deadlines are recomputed and audited."""
    count = service.remove_day(session, day, settings, caller.user.id, now)
    return RecomputeOut(version=repository.calendar(session).version, recomputed_orders=count)


@router.post(
    "/years/{year}",
    response_model=RecomputeOut,
    responses=errors(
        401,
        403,
        refusals={
            "bad_calendar_file": "a line that is not `YYYY-MM-DD,kind[,note]` (the line is named)",
            "wrong_year": "a date outside the year loaded",
            **NO_WORKING_DAY,
        },
    ),
)
def load_year(
    year: Annotated[int, Path(ge=2000, le=2200)],
    text: Annotated[str, Body(media_type="text/csv", max_length=100_000)],
    session: DB,
    caller: Admin,
    settings: AppSettings,
    now: Now,
) -> RecomputeOut:
    """Load a year's statutory days (CSV ``date,kind,note``), as announced by the State Council."""
    try:
        days = parse_year_file(text)
    except CalendarFileError as exc:
        raise invalid("bad_calendar_file", exc.message_zh, exc.message_en, {"line": exc.line}) from exc
    if any(d.day.year != year for d in days):
        raise invalid("wrong_year", f"文件中有不属于 {year} 年的日期", f"The file has dates outside {year}")
    count = service.save_days(session, days, "file", settings, caller.user.id, now, loaded_year=year)
    return RecomputeOut(version=repository.calendar(session).version, recomputed_orders=count)
