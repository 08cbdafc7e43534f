"""The oversight measures (考核指标), per department and city-wide.

A period is whole days ``[start, end)`` in Beijing time; its figures stand *as of* its end, or
now while it is still running (``as_of = min(end, now)``). Nothing that happens after ``as_of``
changes them, so a past month reads the same whenever it is asked for, and a rebuild of the facts
from the audit log (``recompute-measures``) gives the same figures.

Each count is attributed to the department that led the order when the counted thing happened
(an order handed on after an accepted 退单 counts for both departments, each for its own part).

Formulas (a rate is ``None`` when its denominator is 0; the division itself is
``casework.measures.rates``, the one copy the desk uses too — this is what each count takes in):

- 及时签收率 on-time signing = signed on time ÷ (signed + unsigned overdue), over the orders
  *dispatched to the department in the period*, however soon after the period they were signed (up
  to now: an order dispatched on the 30th and signed on the 1st counts for the month it was
  dispatched in). Unsigned overdue: still waiting for the department's signature now, its signing
  deadline passed — an order nobody signs counts against the rate instead of staying out of it. A
  refused return counts as signing at the ruling, as the deadlines do; a pending return request is
  an answer, not a missed signature.
- 按时办结率 on-time closure = closed on time ÷ (closed + open and overdue): closures in the period
  (closed on time means the reply was on time), plus the department's orders that were open and
  overdue at ``as_of`` — their reply deadline (with any approved extension) had passed without a
  reply, or the reply came late and the order was not closed yet. An overdue order cannot hide:
  it counts against every period whose end it stays open past.
- 回访满意率 satisfaction = (satisfied + basically satisfied) ÷ reached, over the callbacks recorded in
  the period about the department's replies; reached = every outcome but unreachable. Basically
  satisfied (基本满意) counts as satisfied, as the hotline's published rates do.
- 解决率 resolution = replies with result ``resolved`` ÷ replies, over the replies the department
  delivered in the period (delivered = the last reviewer approved).
- 退单率 return rate = return requests the department made in the period ÷ orders dispatched to
  it in the period.
- 重办率 re-handling rate = the department's replies sent back for re-handling (重办, by the centre or
  a city leader) in the period ÷ replies it delivered in the period. Each 重办 counts once, in the
  period it was ordered, also when the reply it sends back was delivered in an earlier period.
- Average handling time = mean, over the replies delivered in the period, of the working days
  from the reply clock's start (dispatch, or the 重办 that began the round) to the reply, less the
  time the reply waited at the city leaders' review levels (市分管领导, 市主要领导), which is the
  reviewers' time, not the department's. Working days are office hours (08:30–17:30) on working
  days of the calendar (``server.measures.worktime``): 9 office hours make one working day.
- Volumes: orders dispatched to the department in the period, by category, by channel and by day.

Ranking: a composite score from 0 to 100, the weighted mean of the rates the department has
(``WEIGHTS``; return and re-handling enter as ``1 − rate``); weights of rates it has no data for
are left out and the rest rescaled. Ties (scores equal to 4 decimals) go to the better on-time
closure rate, then satisfaction, then the more orders dispatched, then the department code.
Departments with no rate at all are listed last, unranked.

Hot issues: categories, districts, streets (district/street) and tags whose intake rose against the
previous period of equal length. One must have at least ``min_volume`` orders in the period and
have risen by at least ``min_rise`` (a fraction; anything that had none before qualifies); they
are ranked by absolute rise, then relative rise, then volume. Intake counts every order received
in the period (by ``received_at``) except those declared invalid (无效) by ``as_of``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from casework.measures import DayVolume, DepartmentMeasures, HotIssue, RankingEntry, TodayFigures, Volume, rates
from casework.order import Channel, State
from casework.vocabulary import zh_names
from server.errors import not_found
from server.measures import repository
from server.measures.periods import Period, Window, midnight
from server.measures.repository import Counts
from server.models import Department

#: Weight of each rate in the ranking's composite score (they add up to 1).
WEIGHTS: dict[str, float] = {
    "on_time_closure_rate": 0.30,
    "satisfaction_rate": 0.30,
    "resolution_rate": 0.15,
    "on_time_signing_rate": 0.10,
    "rehandling_rate": 0.10,
    "return_rate": 0.05,
}
#: Rates where less is better: they enter the score as ``1 − rate``.
INVERTED = frozenset({"rehandling_rate", "return_rate"})

CHANNEL_NAMES = zh_names(Channel)


def measures_of(
    department: Department,
    period: Period,
    w: Window,
    c: Counts,
    by_category: list[tuple[str, int]],
    by_channel: list[tuple[str, int]],
    categories: dict[str, str],
    by_day: dict[date, int] | None = None,
) -> DepartmentMeasures:
    """Counts → the department's measures (``casework.measures.rates``: the one set of formulas)."""
    days = by_day or {}
    return DepartmentMeasures(
        department_id=department.id,
        department_code=department.code,
        department_name=department.name,
        start=period.start,
        end=period.end,
        as_of=w.as_of,
        **asdict(c),
        **asdict(rates(c)),
        by_category=[Volume(code=k, name=categories.get(k, k), count=n) for k, n in by_category],
        by_channel=[Volume(code=k, name=CHANNEL_NAMES.get(k, k), count=n) for k, n in by_channel],
        by_day=[DayVolume(day=day, count=days.get(day, 0)) for day in period.days_begun(w.now)],
    )


def _all_measures(
    session: Session, departments: list[Department], period: Period, now: datetime
) -> list[DepartmentMeasures]:
    w = period.window(now)
    found = repository.tally(session, w, [d.id for d in departments])
    names = repository.category_names(session)
    return [
        measures_of(
            d,
            period,
            w,
            found.counts.get(d.id, Counts()),
            found.by_category.get(d.id, []),
            found.by_channel.get(d.id, []),
            names,
            found.by_day.get(d.id),
        )
        for d in departments
    ]


def department(session: Session, department_id: int, start: date, end: date, now: datetime) -> DepartmentMeasures:
    """One department's measures for ``[start, end)``; 404 for anything but a handling department."""
    found = repository.departments(session, [department_id])
    if not found:
        raise not_found("单位", "department")
    return _all_measures(session, found, Period(start, end), now)[0]


def score(m: DepartmentMeasures) -> float | None:
    """The composite score (0–100) of ``WEIGHTS``, over the rates the department has."""
    total = weight = 0.0
    for name, w in WEIGHTS.items():
        value = getattr(m, name)
        if value is not None:
            total += w * (1 - value if name in INVERTED else value)
            weight += w
    return 100 * total / weight if weight else None


def _rank_key(entry: tuple[float | None, DepartmentMeasures]) -> tuple[object, ...]:
    points, m = entry

    def desc(value: float | None) -> float:
        return -value if value is not None else 1.0  # a missing rate sorts after every real one

    return (
        points is None,
        desc(round(points, 4) if points is not None else None),
        desc(m.on_time_closure_rate),
        desc(m.satisfaction_rate),
        -m.dispatched,
        m.department_code,
    )


def ranking(session: Session, start: date, end: date, now: datetime) -> list[RankingEntry]:
    """Every handling department, best first (see the module docstring for score and ties)."""
    measured = [(score(m), m) for m in _all_measures(session, repository.departments(session), Period(start, end), now)]
    measured.sort(key=_rank_key)
    return [
        RankingEntry(rank=place if points is not None else None, score=points, measures=m)
        for place, (points, m) in enumerate(measured, start=1)
    ]


def hot_issues(
    session: Session,
    start: date,
    end: date,
    now: datetime,
    *,
    min_volume: int = 5,
    min_rise: float = 0.2,
    limit: int = 20,
) -> list[HotIssue]:
    """Categories and places whose intake rose against the previous period of equal length."""
    period = Period(start, end)
    current_w, previous_w = period.window(now), period.previous().window(now)
    names = repository.category_names(session)
    current, previous = (_by_dimension(found) for found in repository.intake(session, current_w, previous_w))
    found: list[HotIssue] = []
    for (kind, key), count in current.items():
        if not all(key) or count < min_volume:
            continue  # no place given, or too few to tell a trend from noise
        before = previous.get((kind, key), 0)
        rise = count - before
        if rise <= 0 or (before and rise / before < min_rise):
            continue
        code = "/".join(key)
        found.append(
            HotIssue(
                kind=kind,
                code=code,
                name=names.get(code, code) if kind == "category" else "".join(key),
                count=count,
                previous=before,
                rise=rise,
                rise_ratio=rise / before if before else None,
            )
        )
    found.sort(
        key=lambda h: (-h.rise, -(h.rise_ratio if h.rise_ratio is not None else float("inf")), -h.count, h.kind, h.code)
    )
    return found[:limit]


_Dimension = Literal["category", "district", "street", "tag"]  # HotIssue.kind


def _by_dimension(found: repository.Intake) -> dict[tuple[_Dimension, tuple[str, ...]], int]:
    """The intake counted per category, per district, per street and per tag."""
    result: dict[tuple[_Dimension, tuple[str, ...]], int] = defaultdict(int)
    for category, n in found.by_category.items():
        result["category", (category,)] += n
    for (district, street), n in found.by_place.items():
        result["district", (district,)] += n
        result["street", (district, street)] += n
    for tag, n in found.by_tag.items():
        result["tag", (tag,)] += n
    return result


def city(session: Session, start: date, end: date, now: datetime) -> Counts:
    """All departments' counts added up (the city-wide figures)."""
    total = Counts()
    for c in repository.tally(session, Period(start, end).window(now)).counts.values():
        total += c
    return total


def today(session: Session, now: datetime) -> TodayFigures:
    """The big screen: today's intake and closures, the work in hand now, this month's key rates."""
    day = now.astimezone(SHANGHAI).date()
    today_w = Window(midnight(day), midnight(day + timedelta(days=1)), now)
    month = Period.month_of(now)
    totals = city(session, month.start, month.end, now)
    states = repository.open_orders_by_state(session)
    month_rates = rates(totals)
    return TodayFigures(
        as_of=now,
        day=day,
        intake_today=repository.intake_count(session, today_w),
        closed_today=repository.closed_count(session, today_w),
        in_progress=sum(states.get(s, 0) for s in repository.WITH_A_DEPARTMENT),
        awaiting_callback=states.get(State.REPLIED.value, 0),
        overdue=repository.overdue_count(session, now),
        month_start=month.start,
        on_time_closure_rate=month_rates.on_time_closure_rate,
        satisfaction_rate=month_rates.satisfaction_rate,
    )
