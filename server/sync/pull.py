"""``GET /sync/pull``: the caller's orders, first as a snapshot, then as changes.

Every write appends to the audit chain under a lock on its head row, held until commit, so
audit sequence numbers become visible strictly in order — also on PostgreSQL with many
workers. A pull that reads "records after N" therefore never skips a change that commits
later with a smaller number: there is none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from pydantic_core import to_json
from sqlalchemy import DateTime, Executable, Select, Table, Text, bindparam, cast, select, type_coerce
from sqlalchemy.orm import Session

from casework.roles import Actor, Role
from casework.sync import PullResponse
from server.models import AuditHead, AuditRecord, Order, OrderAccess
from server.orders import repository, views
from server.sync import stored_views
from server.sync.cursor import Cursor, scope_key


def _head_seq(session: Session) -> int:
    return session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0


#: The caller sees every order's changes (the centre, the city's leaders), or those of orders that
#: some departments ever held.
_ALL, _DEPARTMENTS = "all", "departments"


def _held_departments(actor: Actor) -> list[int] | str | None:
    """Whose orders' changes concern the caller: :data:`_ALL`, the departments whose orders ever
    held count, or None (no orders at all)."""
    if actor.is_centre or actor.role is Role.TOP_LEADER:
        return _ALL
    if actor.role is Role.LEADER_IN_CHARGE and actor.portfolio:
        return sorted(actor.portfolio)
    if actor.is_department_staff and actor.department_id is not None:
        return [actor.department_id]
    return None


def _after(departments: list[int] | str) -> Select[int]:
    """Records after ``:seq`` of orders that concern a caller who sees ``departments``' orders
    (``:departments``, an expanding parameter) or, for :data:`_ALL`, every order."""
    query = select(AuditRecord.seq).where(AuditRecord.seq > bindparam("seq"), AuditRecord.order_id.is_not(None))
    if departments == _ALL:
        return query
    held = select(OrderAccess.order_id).where(OrderAccess.department_id.in_(bindparam("departments", expanding=True)))
    return query.where(AuditRecord.order_id.in_(held))


def _kinds(make: Callable[[Select[int]], Executable]) -> dict[str, Executable]:
    return {kind: make(_after(kind)) for kind in (_ALL, _DEPARTMENTS)}


#: The statements a poll runs, made once for each kind of caller instead of per poll: building a
#: statement and its cache key cost about as much CPU as running it.
_HEAD_AND_NEWS = _kinds(lambda after: select(AuditHead.seq, after.limit(1).exists()).where(AuditHead.id == 1))
_NEWS = _kinds(lambda after: after.limit(1))
_CHANGES = _kinds(
    lambda after: after.add_columns(AuditRecord.order_id).order_by(AuditRecord.seq).limit(bindparam("limit"))
)


def _scoped(
    statements: dict[str, Executable], departments: list[int] | str, **params: Any
) -> tuple[Any, dict[str, Any]]:
    """The statement for the caller's kind, with its parameters."""
    if departments == _ALL:
        return statements[_ALL], params
    return statements[_DEPARTMENTS], {**params, "departments": departments}


def pull(session: Session, actor: Actor, now: datetime, cursor_text: str | None, limit: int) -> PullResponse:
    """One page, validated as the contract's model (for callers in the process; the endpoint
    sends :func:`pull_json` as it is)."""
    return PullResponse.model_validate_json(pull_json(session, actor, now, cursor_text, limit))


def pull_json(
    session: Session, actor: Actor, now: datetime, cursor_text: str | None, limit: int, events_as_text: bool = False
) -> bytes:
    """One page of ``PullResponse`` as JSON, written straight from rows: each order's view as plain
    values through ``pydantic_core.to_json`` and each event with its stored ``before``/``after``
    JSON text spliced in — nothing decoded, built into models, validated and encoded again.
    ``events_as_text``: each event as ``[seq, its JSON text]`` (``casework.sync.EVENTS_AS_TEXT``)."""
    return _page(session, actor, now, cursor_text, limit, events_as_text).encode()


@dataclass
class _Page:
    changes: list[bytes]
    cursor: Cursor
    has_more: bool
    reset: bool

    def encode(self) -> bytes:
        tail = to_json({"cursor": self.cursor.encode(), "has_more": self.has_more, "reset": self.reset})
        return b'{"changes":[' + b",".join(self.changes) + b"]," + tail[1:]


def _page(
    session: Session, actor: Actor, now: datetime, cursor_text: str | None, limit: int, as_text: bool = False
) -> _Page:
    scope = scope_key(actor)
    cursor = None if cursor_text is None else Cursor.decode(cursor_text)
    if cursor is not None and cursor.scope == scope and cursor.phase == "delta":
        # A desk that is up to date asks this every few seconds: the head and whether anything of the
        # caller's came after the cursor, in one statement; nothing more is read when nothing did.
        head, news = _head_and_news(session, actor, cursor.seq)
        if cursor.seq <= head:
            return _delta(session, actor, now, cursor, limit, as_text) if news else _Page([], cursor, False, False)
    else:
        head = _head_seq(session)
    if cursor is None:
        return _snapshot(session, actor, now, Cursor(scope, "snapshot", head), limit, False, as_text)
    if cursor.scope != scope or cursor.seq > head:
        # Scope changed (new department, portfolio) or history the server no longer has.
        return _snapshot(session, actor, now, Cursor(scope, "snapshot", head), limit, True, as_text)
    return _snapshot(session, actor, now, cursor, limit, False, as_text)


def _head_and_news(session: Session, actor: Actor, seq: int) -> tuple[int, bool]:
    """The chain's head, and whether a record of an order that concerns the caller follows ``seq``."""
    departments = _held_departments(actor)
    if departments is None:
        return _head_seq(session), False
    row = session.execute(*_scoped(_HEAD_AND_NEWS, departments, seq=seq)).first()
    return (row[0], bool(row[1])) if row is not None else (0, False)


#: Orders are read as plain rows (their attributes named as the model's): no ORM objects to build.
_ORDERS: Table = Order.__table__  # type: ignore[assignment]  # typed FromClause; a mapped class has a Table
#: Of a page's orders only what the caller's part of their views is made from: the shared part is
#: stored (``stored_views``, which reads the whole row of a view it has to build).
_PAGE_COLUMNS = [_ORDERS.c[name] for name in views.CALLER_COLUMNS]

_EVENT_COLUMNS = (
    AuditRecord.seq,
    # The column's plain type, not its UtcDateTime decorator (a Python call per row): a naive UTC
    # time on SQLite, an aware one on PostgreSQL; written by _utc_text as pydantic writes the other.
    type_coerce(AuditRecord.at, DateTime(timezone=True)).label("at"),
    AuditRecord.actor_id,
    AuditRecord.action,
    AuditRecord.order_id,
    # As stored (JSON text on both databases): copied into the answer, never decoded.
    cast(AuditRecord.before, Text).label("before"),
    cast(AuditRecord.after, Text).label("after"),
)


#: Made once (see _kinds).
_EVENTS = (
    select(*_EVENT_COLUMNS)
    .where(
        AuditRecord.order_id.in_(bindparam("ids", expanding=True)),
        AuditRecord.seq > bindparam("after"),
        AuditRecord.seq <= bindparam("upto"),
    )
    .order_by(AuditRecord.seq)
)


def _events(session: Session, order_ids: list[int], after: int, upto: int, as_text: bool = False) -> dict[int, bytes]:
    """Each order's events (EventView as JSON), oldest first, as the inside of its JSON array. The
    audit log is ours and was checked on the way in: its rows are written out as they are. ``as_text``:
    each as ``[seq, its JSON as a string]`` (``casework.sync.EVENTS_AS_TEXT``). Read as Core rows on
    the session's connection: the session's ORM result machinery (a statement of mapped columns) cost
    a tenth of a pull's CPU. Each event's text is written in one f-string — the same text as
    ``EventView``'s JSON — and an order's events encoded in one call (a page's events took half the
    server's time when each was a dict encoded, its text decoded, then encoded again as a string)."""
    grouped: dict[int, list[Any]] = {}
    rows = session.connection().execute(_EVENTS, {"ids": order_ids, "after": after, "upto": upto})
    for seq, at, actor_id, action, order_id, before, after_json in rows:
        order = int(order_id or 0)  # one of the orders asked for: never null
        text = (
            f'{{"seq":{int(seq)},"at":{_utc_text(at)},"actor_id":{"null" if actor_id is None else int(actor_id)},'
            f'"action":{_quoted(action)},"order_id":{order},'
            f'"before":{before or "{}"},"after":{after_json or "{}"}}}'
        )
        grouped.setdefault(order, []).append((seq, text) if as_text else text)
    if as_text:
        return {order_id: to_json(events)[1:-1] for order_id, events in grouped.items()}
    return {order_id: ",".join(events).encode() for order_id, events in grouped.items()}


def _utc_text(at: datetime | None) -> str:
    """A time of the audit log as JSON, as pydantic writes a UTC ``datetime``: ``"…T…Z"``, with the
    microseconds when there are any."""
    if at is None:
        return "null"
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return f'"{at.isoformat()}Z"'


@lru_cache(maxsize=256)
def _quoted(name: str) -> str:
    """A record's action as a JSON string (a few dozen names: each encoded once)."""
    return to_json(name).decode()


def _upserts(
    session: Session,
    actor: Actor,
    now: datetime,
    orders: Sequence[Any],
    seqs: dict[int, int],
    events_after: int,
    events_upto: int,
    as_text: bool = False,
) -> dict[int, bytes]:
    views_ = stored_views.orders_json(session, orders, actor, now)
    events = _events(session, list(views_), events_after, events_upto, as_text)
    return {
        order_id: b"".join(
            (
                b'{"seq":%d,"kind":"upsert","order_id":%d,"order":' % (seqs[order_id], order_id),
                view,
                b',"events":[',
                events.get(order_id, b""),
                b"]}",
            )
        )
        for order_id, view in views_.items()
    }


@lru_cache(maxsize=1024)
def _visible_orders(actor: Actor) -> Select[Any]:
    """The rows of orders ``:ids`` that the caller may see, made once per caller (see _kinds)."""
    return select(*_PAGE_COLUMNS).where(Order.id.in_(bindparam("ids", expanding=True)), repository.scope(actor))


def _revoke(seq: int, order_id: int) -> bytes:
    return b'{"seq":%d,"kind":"revoke","order_id":%d,"order":null,"events":[]}' % (seq, order_id)


def _snapshot(
    session: Session, actor: Actor, now: datetime, cursor: Cursor, limit: int, reset: bool, as_text: bool = False
) -> _Page:
    page = (
        select(*_PAGE_COLUMNS)
        .where(repository.scope(actor), Order.id > cursor.after_id)
        .order_by(Order.id)
        .limit(limit)
    )
    orders = session.connection().execute(page).all()  # Core rows (see _events)
    changes = _upserts(session, actor, now, orders, {o.id: cursor.seq for o in orders}, 0, cursor.seq, as_text)
    if len(orders) == limit:
        following, more = Cursor(cursor.scope, "snapshot", cursor.seq, orders[-1].id), True
    else:
        # The snapshot is complete; what changed since it began follows as a delta.
        following = Cursor(cursor.scope, "delta", cursor.seq)
        more = _any_after(session, actor, cursor.seq)
    return _Page(list(changes.values()), following, more, reset)


def _any_after(session: Session, actor: Actor, seq: int) -> bool:
    departments = _held_departments(actor)
    if departments is None:
        return False
    return session.scalar(*_scoped(_NEWS, departments, seq=seq)) is not None


def _delta(session: Session, actor: Actor, now: datetime, cursor: Cursor, limit: int, as_text: bool = False) -> _Page:
    departments = _held_departments(actor)
    if departments is None:
        return _Page([], cursor, False, False)
    rows = session.execute(*_scoped(_CHANGES, departments, seq=cursor.seq, limit=limit)).all()
    if not rows:
        return _Page([], cursor, False, False)
    latest: dict[int, int] = {}
    for seq, order_id in rows:
        if order_id is None:  # not so: the query keeps only records of an order
            continue
        latest.pop(order_id, None)
        latest[order_id] = seq  # keeps the order of each order's last change
    visible = {o.id: o for o in session.connection().execute(_visible_orders(actor), {"ids": list(latest)})}
    # Events up to the page's end only: the next page starts there.
    upserts = _upserts(session, actor, now, list(visible.values()), latest, cursor.seq, rows[-1][0], as_text)
    changes = [upserts.get(order_id) or _revoke(seq, order_id) for order_id, seq in latest.items()]
    following = Cursor(cursor.scope, "delta", rows[-1][0])
    return _Page(changes, following, len(rows) == limit, False)
