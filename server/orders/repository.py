"""Order queries, every one scoped to what the caller may see."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Exists,
    Select,
    TableValuedAlias,
    bindparam,
    exists,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from casework.order import State
from casework.roles import Actor, Role
from casework.times import time_of
from server.models import AuditRecord, Order, OrderNumberCounter, order_co_departments


def scope(actor: Actor) -> ColumnElement[bool]:
    """The SQL form of ``casework.lifecycle.can_see``."""
    if actor.is_centre or actor.role is Role.TOP_LEADER:
        return true()
    if actor.role is Role.LEADER_IN_CHARGE:
        departments = sorted(actor.portfolio)
        if not departments:
            return false()
        co = select(order_co_departments.c.order_id).where(order_co_departments.c.department_id.in_(departments))
        return or_(Order.lead_department_id.in_(departments), Order.id.in_(co))
    if actor.is_department_staff and actor.department_id is not None:
        co = select(order_co_departments.c.order_id).where(order_co_departments.c.department_id == actor.department_id)
        return (Order.state != State.RECEIVED.value) & or_(
            Order.lead_department_id == actor.department_id, Order.id.in_(co)
        )
    return false()


def lock_in_order(session: Session, order_ids: set[int]) -> None:
    """Lock these orders' rows in ascending id order (PostgreSQL; SQLite has one writer anyway).

    A writer that touches several orders takes them all here first, before anything else: two
    pushes of the same orders in opposite order then queue instead of deadlocking. Nothing is
    read: scope is checked afterwards, order by order, as before.
    """
    if order_ids and session.get_bind().dialect.name == "postgresql":
        session.execute(select(Order.id).where(Order.id.in_(order_ids)).order_by(Order.id).with_for_update())


def visible(session: Session, actor: Actor, order_id: int, for_update: bool = False) -> Order | None:
    """The order if the caller may see it (locked for update if asked), with its co-departments and
    co-handling parts, in one statement."""
    return session.execute(_visible(actor, for_update), {"order_id": order_id}).unique().scalar_one_or_none()


@lru_cache(maxsize=1024)
def _visible(actor: Actor, for_update: bool) -> Select[Order]:
    """:func:`visible`'s statement for this caller, made once (the order's id a parameter): built
    for every write it cost more CPU than running it (its construction and its cache key).

    The two collections every command's facts need are joined in (a write's lookup was three
    statements with the relationships' own ``selectin`` loads: a quarter of a write's CPU); only
    the order's row is locked (``OF orders``: the outer-joined rows cannot be, nor need to be)."""
    query = (
        select(Order)
        .options(joinedload(Order.co_departments), joinedload(Order.co_handling))
        .where(Order.id == bindparam("order_id"), scope(actor))
    )
    return query.with_for_update(of=Order) if for_update else query


def tag_values(dialect: str) -> TableValuedAlias:
    """The elements of ``orders.tags`` (a JSON array of strings) as rows with one column, ``value``;
    correlated to the order of the enclosing query."""
    if dialect == "postgresql":  # a set of text takes its column's name from the alias: name it
        return func.json_array_elements_text(Order.tags).table_valued("value").render_derived()
    return func.json_each(Order.tags).table_valued("value")


def has_tag(dialect: str, tag: str) -> Exists:
    values = tag_values(dialect)
    return exists().select_from(values).where(values.c.value == tag)


@dataclass(frozen=True)
class OrderFilter:
    states: Sequence[str] = ()
    category: str | None = None  # a code or a parent code's prefix
    urgency: str | None = None
    due_after: datetime | None = None
    due_before: datetime | None = None
    handler_id: int | None = None
    department_id: int | None = None
    text: str | None = None
    supervised: bool | None = None
    channels: Sequence[str] = ()
    tag: str | None = None
    phone: str | None = None  # the caller's phone or callback number, exact
    received_from: datetime | None = None
    received_before: datetime | None = None


SORTS = ("-id", "due")


def _conditions(actor: Actor, f: OrderFilter, dialect: str) -> list[ColumnElement[bool]]:
    conditions = [scope(actor)]
    if f.states:
        conditions.append(Order.state.in_(list(f.states)))
    if f.channels:
        conditions.append(Order.channel.in_(list(f.channels)))
    if f.tag:
        conditions.append(has_tag(dialect, f.tag))
    if f.phone:
        conditions.append(by_phone(actor, f.phone))
    if f.received_from:
        conditions.append(Order.received_at >= f.received_from)
    if f.received_before:
        conditions.append(Order.received_at < f.received_before)
    if f.category:
        conditions.append(Order.category_code.startswith(f.category, autoescape=True))
    if f.urgency:
        conditions.append(Order.urgency == f.urgency)
    if f.due_after:
        conditions.append(Order.due_at >= f.due_after)
    if f.due_before:
        conditions.append(Order.due_at < f.due_before)
    if f.handler_id:
        conditions.append(Order.handler_id == f.handler_id)
    if f.department_id:
        conditions.append(Order.lead_department_id == f.department_id)
    if f.supervised is not None:
        conditions.append(Order.supervised.is_(f.supervised))
    if f.text:
        # The user's text is matched literally: %, _ and \ are not wildcards here.
        literal = f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{literal}%"
        columns = [Order.title, Order.description, Order.number, Order.address]
        if actor.is_centre:  # only the centre sees every citizen's name unmasked
            columns.append(Order.citizen_name)
        conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return conditions


def by_phone(actor: Actor, phone: str) -> ColumnElement[bool]:
    """Orders of the caller with this phone (or callback number). Only the centre sees every
    number; for anyone else a confidential citizen's number (masked to them) matches nothing,
    so the filter cannot be used to find out whose number it is."""
    matches = or_(Order.citizen_phone == phone, Order.callback_number == phone)
    return matches if actor.is_centre else matches & Order.confidential.is_(False)


def _encode(values: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def decode_cursor(cursor: str) -> list[object]:
    """Raises ValueError on anything that is not a cursor this server made."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception as exc:
        raise ValueError("bad cursor") from exc
    if not isinstance(values, list) or len(values) != 2 or type(values[1]) is not int:  # not a bool either
        raise ValueError("bad cursor")
    if not 0 <= values[1] < 2**31:  # ids the database can hold
        raise ValueError("bad cursor")
    return values


def page(
    session: Session, actor: Actor, f: OrderFilter, sort: str, limit: int, cursor: str | None
) -> tuple[list[Order], str | None, int]:
    """Keyset pagination on (sort key, id): stable while rows are added or change state."""
    conditions = _conditions(actor, f, session.get_bind().dialect.name)
    total = session.scalar(select(func.count()).select_from(Order).where(*conditions)) or 0
    query = select(Order).where(*conditions)
    if sort == "-id":
        query = query.order_by(Order.id.desc())
        if cursor:
            query = query.where(Order.id < decode_cursor(cursor)[1])
    else:
        # Orders without a deadline sort last: key them by a far-future date.
        far = datetime(9999, 1, 1, tzinfo=UTC)
        key = func.coalesce(Order.due_at, far)
        query = query.order_by(key, Order.id)
        if cursor:
            raw_key, last_id = decode_cursor(cursor)
            try:
                last_key = time_of(str(raw_key)) if raw_key else far
                if last_key.tzinfo is None:
                    raise ValueError("bad cursor")
                # In UTC, as stored: an extreme offset (0001-01-01T00:00+14:00) leaves the calendar.
                last_key = last_key.astimezone(UTC)
            except (ValueError, OverflowError) as exc:
                raise ValueError("bad cursor") from exc
            query = query.where(or_(key > last_key, (key == last_key) & (Order.id > last_id)))
    rows = list(session.scalars(query.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        last = rows[-1]
        sort_value = last.id if sort == "-id" else (last.due_at.isoformat() if last.due_at else None)
        next_cursor = _encode([sort_value, last.id])
    return rows, next_cursor, total


def events(session: Session, order_id: int) -> Sequence[AuditRecord]:
    return session.scalars(select(AuditRecord).where(AuditRecord.order_id == order_id).order_by(AuditRecord.seq)).all()


def next_number(session: Session, prefix: str, day: date) -> str:
    """Order numbers count per day: GY20261128-0042."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # Two workers taking the first number of a day must not both create the counter row.
    session.execute(insert(OrderNumberCounter).values(day=day, last=0).on_conflict_do_nothing())
    counter = session.scalars(select(OrderNumberCounter).where(OrderNumberCounter.day == day).with_for_update()).one()
    counter.last += 1
    session.flush()
    return f"{prefix}{day:%Y%m%d}-{counter.last:04d}"
