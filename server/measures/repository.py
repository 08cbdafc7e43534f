"""Queries behind the measures: counts over ``measure_facts`` and ``orders``, grouped by department.

Every query only counts (integers, and integer sums of seconds); rates are divided in Python,
so SQLite and PostgreSQL give identical figures.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Text, and_, cast, func, or_, select, tuple_
from sqlalchemy.orm import Session

from casework.measures import MeasureCounts
from casework.order import CallbackOutcome, ResultCode, State
from server.measures import days
from server.measures.periods import Window, midnight
from server.models import Category, Department, MeasureDayCount, MeasureFact, Order, ReplyVersion

F = MeasureFact
SATISFIED = [CallbackOutcome.SATISFIED.value, CallbackOutcome.BASICALLY_SATISFIED.value]
WITH_A_DEPARTMENT = [s.value for s in (State.DISPATCHED, State.RETURN_REQUESTED, State.IN_PROGRESS, State.IN_REVIEW)]


#: One department's counts for a window (what every rate is divided from: casework's one definition).
Counts = MeasureCounts


def happened(column: Any, w: Window) -> ColumnElement[bool]:
    """The moment in ``column`` lies before the window's end and not after now."""
    return and_(column < w.end, column <= w.now)


def _in_window(column: Any, w: Window) -> ColumnElement[bool]:
    return and_(column >= w.start, happened(column, w))


def _departments(department_ids: Sequence[int] | None) -> list[ColumnElement[bool]]:
    return [] if department_ids is None else [F.department_id.in_(list(department_ids))]


def overdue_at(moment: datetime) -> ColumnElement[bool]:
    """An overdue span that had started and not ended at ``moment``."""
    return and_(F.kind == "overdue", F.at <= moment, or_(F.until.is_(None), F.until > moment))


@dataclass
class Tally:
    """Counts per department, and its dispatched orders by category, by channel (most first) and by day."""

    counts: dict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_category: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    by_channel: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    by_day: dict[int, dict[date, int]] = field(default_factory=dict)


def _ranked(counter: dict[tuple[int, str], int]) -> dict[int, list[tuple[str, int]]]:
    result: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for (dep, code), n in counter.items():
        result[dep].append((code, n))
    return {dep: sorted(items, key=lambda item: (-item[1], item[0])) for dep, items in result.items()}


def _add(c: Counts, kind: str, outcome: str | None, on_time: bool | None, n: int, work: int, leader: int) -> None:
    """Add ``n`` facts of a kind other than dispatch (and their seconds) to the counts."""
    if kind == "reply":
        c.replied += n
        c.replied_on_time += n if on_time is True else 0
        c.resolved += n if outcome == ResultCode.RESOLVED.value else 0
        c.work_seconds += int(work)
        c.leader_seconds += int(leader)
    elif kind == "return":
        c.return_requests += n
    elif kind == "reopen":
        c.reopened += n
    elif kind == "callback":
        c.callbacks_reached += n if outcome is not None and outcome != CallbackOutcome.UNREACHABLE.value else 0
        c.satisfied += n if outcome in SATISFIED else 0
    else:
        c.closed += n
        c.closed_on_time += n if on_time is True else 0


def tally(session: Session, w: Window, department_ids: Sequence[int] | None = None) -> Tally:
    """Everything the measures divide, per department (only departments with something appear).

    The window's first days that are over are read from their counts (``server.measures.days``),
    as far as they are complete, all but the dispatches' signing; the rest of the window is
    counted from the facts.
    """
    result = Tally()
    where = _departments(department_ids)
    over = days.over(w)
    if over is not None:
        until = days.counted_until(session, *over)
        over = (over[0], until) if until > over[0] else None
    live = w if over is None else Window(midnight(over[1]), w.end, w.now)
    nothing_live = live.start >= min(live.end, live.now)  # every day of the window is counted

    def rows(*columns: Any, kinds: Sequence[str], by: Sequence[Any] = ()) -> Sequence[Row[*tuple[Any, ...]]]:
        if nothing_live:
            return []
        query = select(F.department_id, *by, *columns).where(F.kind.in_(list(kinds)), _in_window(F.at, live), *where)
        return session.execute(query.group_by(F.department_id, *by)).all()

    D = MeasureDayCount
    kept = [] if over is None else [D.day >= over[0], D.day < over[1]]
    if over is not None and department_ids is not None:
        kept.append(D.department_id.in_(list(department_ids)))

    def counted(*columns: Any, kinds: Sequence[str], by: Sequence[Any]) -> Sequence[Row[*tuple[Any, ...]]]:
        if over is None:
            return []
        query = select(D.department_id, *by, *columns).where(D.kind.in_(list(kinds)), *kept)
        return session.execute(query.group_by(D.department_id, *by)).all()

    # Dispatches once, by category and channel: the counts and both volume lists come from it.
    signed = F.signed_at <= w.now  # the signing of the period's dispatches, whenever it happened
    categories: dict[tuple[int, str], int] = defaultdict(int)
    channels: dict[tuple[int, str], int] = defaultdict(int)
    for dep, category, channel, n, s, s_on_time in [
        *rows(
            func.count(),
            func.count().filter(signed),
            func.count().filter(signed, F.on_time.is_(True)),
            kinds=["dispatch"],
            by=[F.category_code, F.channel],
        ),
        *((dep, category, channel, n, 0, 0) for dep, category, channel, n in counted(
            func.sum(D.n), kinds=["dispatch"], by=[D.category_code, D.channel]
        )),
    ]:  # fmt: skip
        c = result.counts[dep]
        c.dispatched, c.signed, c.signed_on_time = c.dispatched + n, c.signed + s, c.signed_on_time + s_on_time
        categories[dep, category or ""] += n
        channels[dep, channel or ""] += n
    result.by_category, result.by_channel = _ranked(categories), _ranked(channels)
    if over is not None:  # the signing of the counted days' dispatches changes: counted from the facts
        earlier = Window(w.start, midnight(over[1]), w.now)
        for dep, s, s_on_time in session.execute(
            select(F.department_id, func.count(), func.count().filter(F.on_time.is_(True)))
            .where(F.kind == "dispatch", _in_window(F.at, earlier), signed, *where)
            .group_by(F.department_id)
        ):
            c = result.counts[dep]
            c.signed, c.signed_on_time = c.signed + s, c.signed_on_time + s_on_time
    # By day in Beijing time, counted by the database (a month's dispatches are ~85,000 rows in a
    # city of a million orders: fetched one by one, they were most of the ranking's time).
    day = days.beijing_day(session.get_bind().dialect.name, F.at)
    by_day: dict[int, dict[date, int]] = defaultdict(dict)
    for dep, on, n in [*rows(func.count(), kinds=["dispatch"], by=[day]), *counted(
        func.sum(D.n), kinds=["dispatch"], by=[D.day]
    )]:  # fmt: skip
        by_day[dep][on if isinstance(on, date) else date.fromisoformat(on)] = n
    result.by_day = dict(by_day)
    # Everything else in one pass over the period's facts, grouped by what is counted (a handful
    # of groups per department; cheaper for the database than a filter per count on every row).
    for dep, kind, outcome, on_time, n, work, leader in [
        *rows(
            func.count(),
            func.coalesce(func.sum(F.work_seconds), 0),
            func.coalesce(func.sum(F.leader_seconds), 0),
            kinds=days.WHOLE_KINDS,
            by=[F.kind, F.result, F.on_time],
        ),
        *counted(
            func.sum(D.n), func.sum(D.work_seconds), func.sum(D.leader_seconds),
            kinds=days.WHOLE_KINDS, by=[D.kind, D.result, D.on_time],
        ),
    ]:  # fmt: skip
        _add(result.counts[dep], kind, outcome, on_time, int(n), int(work), int(leader))
    # Dispatched in the period, still waiting for this department's signature now, signing deadline
    # passed: the signing rate's denominator has them, as the closure rate's has the open overdue.
    unsigned = (
        select(F.department_id, func.count())
        .join(Order, Order.id == F.order_id)
        .where(
            F.kind == "dispatch",
            _in_window(F.at, w),
            F.signed_at.is_(None),
            Order.lead_department_id == F.department_id,
            Order.state == State.DISPATCHED.value,
            Order.sign_due <= w.now,
            *where,
        )
        .group_by(F.department_id)
    )
    for dep, n in session.execute(unsigned):
        result.counts[dep].unsigned_overdue = n
    overdue = select(F.department_id, func.count()).where(overdue_at(w.as_of), *where).group_by(F.department_id)
    for dep, n in session.execute(overdue):
        result.counts[dep].open_overdue = n
    result.counts = dict(result.counts)
    return result


def departments(session: Session, department_ids: Sequence[int] | None = None) -> list[Department]:
    """Handling departments (not the centre, not the leadership), by code."""
    query = select(Department).where(Department.kind == "department").order_by(Department.code)
    if department_ids is not None:
        query = query.where(Department.id.in_(list(department_ids)))
    return list(session.scalars(query))


def category_names(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Category.code, Category.name)).all())


def _received(w: Window) -> list[ColumnElement[bool]]:
    """Orders received in the window, less those invalidated (无效) by ``as_of``."""
    invalid_by_then = and_(Order.state == State.INVALID.value, Order.closed_at <= w.as_of)
    return [_in_window(Order.received_at, w), ~invalid_by_then]


@dataclass
class Intake:
    """Orders received in a window by category, by place (district, street) and by tag (an order
    with two tags counts for both)."""

    by_category: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_place: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    by_tag: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def intake(session: Session, current: Window, previous: Window) -> tuple[Intake, Intake]:
    """The intake of a period and of the one before it, in one pass over their orders.

    The orders' tags are grouped as their JSON text: orders without tags (most of them) share one
    group, and the few tag lists are parsed here rather than expanded row by row in SQL. PostgreSQL
    counts the three tallies at once (``GROUPING SETS``: the columns a row is not grouped by are
    NULL — none of them is NULL in ``orders``); SQLite, which has no grouping sets, gives the
    finest groups and they are added up here.
    """
    tags = cast(Order.tags, Text)
    both = Window(previous.start, current.end, current.now)  # one range for the index, then each window's rule
    where = [_in_window(Order.received_at, both), or_(and_(*_received(current)), and_(*_received(previous)))]
    in_current = Order.received_at >= current.start  # (a row that passed ``where``)
    keys = (in_current, Order.category_code, Order.district, Order.street, tags)
    group: Any = keys
    if session.get_bind().dialect.name == "postgresql":
        group = [
            func.grouping_sets(
                tuple_(in_current, Order.category_code),
                tuple_(in_current, Order.district, Order.street),
                tuple_(in_current, tags),
            )
        ]
    found = (Intake(), Intake())
    for is_current, category, district, street, tag_list, n in session.execute(
        select(*keys, func.count()).where(*where).group_by(*group)
    ):
        counted = found[0 if is_current else 1]
        if category is not None:
            counted.by_category[category] += n
        if district is not None:
            counted.by_place[district, street] += n
        if tag_list is not None and tag_list != "[]":
            for tag in json.loads(tag_list) or []:  # (a JSON null counts as no tags)
                if tag:
                    counted.by_tag[str(tag)] += n
    return found


def intake_count(session: Session, w: Window) -> int:
    return session.scalar(select(func.count()).select_from(Order).where(*_received(w))) or 0


def open_orders_by_state(session: Session) -> dict[str, int]:
    """How many orders are with a department or awaiting the callback now, per state."""
    states = [*WITH_A_DEPARTMENT, State.REPLIED.value]
    query = select(Order.state, func.count()).where(Order.state.in_(states)).group_by(Order.state)
    return dict(session.execute(query).all())


def closed_count(session: Session, w: Window) -> int:
    return session.scalar(select(func.count()).where(F.kind == "close", _in_window(F.at, w))) or 0


def overdue_count(session: Session, moment: datetime) -> int:
    return session.scalar(select(func.count()).where(overdue_at(moment))) or 0


def overdue_orders(session: Session, moment: datetime) -> list[tuple[Order, int, datetime]]:
    """Orders open and overdue at ``moment``: (order, department id, deadline), oldest deadline first."""
    query = (
        select(Order, F.department_id, F.at)
        .join(F, F.order_id == Order.id)
        .where(overdue_at(moment))
        .order_by(F.at, Order.id)
    )
    return [(order, dep, due) for order, dep, due in session.execute(query)]


def received_orders(session: Session, w: Window) -> list[Order]:
    """Every order received in the window (the ledger's rows), by number."""
    query = select(Order).where(_in_window(Order.received_at, w)).order_by(Order.received_at, Order.id)
    return list(session.scalars(query))


def latest_results(session: Session, order_ids: Sequence[int]) -> dict[int, str]:
    """The result code of each order's latest submitted reply."""
    found: dict[int, str] = {}
    for first in range(0, len(order_ids), 5000):  # bounded lists of bound parameters
        chunk = list(order_ids[first : first + 5000])
        latest = (
            select(ReplyVersion.order_id, func.max(ReplyVersion.round).label("round"))
            .where(ReplyVersion.order_id.in_(chunk))
            .group_by(ReplyVersion.order_id)
            .subquery()
        )
        query = select(ReplyVersion.order_id, ReplyVersion.result_code).join(
            latest, and_(ReplyVersion.order_id == latest.c.order_id, ReplyVersion.round == latest.c.round)
        )
        found.update(session.execute(query).all())
    return found
