"""Orders' views for sync pull: the part the same for every caller kept as JSON text, the caller's
part made for each pull and spliced in.

An initial pull of the whole city built every order's full view for every desk: its children read,
each value turned into JSON again — for views that change only when their order does. Here the
shared part (``views.shared_fields``) is stored once (``order_views``) with the order's last audit
record as its stamp; each pull reads the stamps from the chain's index and serves the stored text
of every view whose stamp is still the order's last record. Only the fields that depend on the
caller — the citizen as they may see them, their co-handling deadline, the commands they may give
(``views.CALLER_FIELDS``) — are made for each pull, as before.

Every change of an order appends a record naming it in the same transaction (the delta pull rests
on the same fact), so a stored view is never served after its order changed: its stamp is no longer
the last one. A view missing or stale is built and stored by the pull that meets it (writers are
not slowed; a server upgraded from an older schema fills the table as desks pull).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import Table, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from casework.roles import Actor
from server.db import SQLITE_BUSY_TIMEOUT_MS
from server.models import AuditRecord, Order, OrderView
from server.orders import views

_ORDERS: Table = Order.__table__  # type: ignore[assignment]


def orders_json(session: Session, orders: Sequence[Any], actor: Actor, now: datetime) -> dict[int, bytes]:
    """Each order's view (OrderDetail's fields) as JSON for ``actor``, by order id; ``orders`` are
    rows of the orders table with at least ``views.CALLER_COLUMNS`` (a view to build is built from
    its whole row, read here). The same content as ``views.detail_fields`` gives."""
    ids = [o.id for o in orders]
    if not ids:
        return {}
    fresh = session.connection().execute(_FRESH, {"ids": ids})  # Core rows: no ORM loading to go through
    shared: dict[int, bytes] = {order_id: body.encode() for order_id, body in fresh}
    missing = [i for i in ids if i not in shared]
    # The stamps of the views to build before anything they are built from: a view built from what
    # is read after its stamp is at least as new as the stamp.
    stamps = {i: seq for i, seq in session.execute(_STAMPS, {"ids": missing}) if i is not None} if missing else {}
    co = views.co_parts(session, ids)
    if missing:
        # Read again: the page's rows were read before the stamps, and could be older than them.
        rows = session.execute(select(_ORDERS).where(Order.id.in_(missing))).all()
        fields = views.shared_fields(session, rows, co)
        built = {row.id: to_json(view) for row, view in zip(rows, fields, strict=True)}
        shared.update(built)
        _store(session, {order_id: (stamps.get(order_id, 0), body.decode()) for order_id, body in built.items()})
    callers = views.caller_fields(orders, actor, now, co)
    return {
        o.id: shared[o.id][:-1] + b"," + to_json(mine)[1:]
        for o, mine in zip(orders, callers, strict=True)
        if o.id in shared  # an order deleted since the page was read: nothing to send
    }


#: The stored views still fresh: stamped with their order's last audit record (0: none yet). One
#: statement, made once: the stamps and the views read together, stale bodies left where they are.
_FRESH = select(OrderView.order_id, OrderView.body).where(
    OrderView.order_id.in_(bindparam("ids", expanding=True)),
    OrderView.seq
    == func.coalesce(
        select(func.max(AuditRecord.seq)).where(AuditRecord.order_id == OrderView.order_id).scalar_subquery(), 0
    ),
)
_STAMPS = (
    select(AuditRecord.order_id, func.max(AuditRecord.seq))
    .where(AuditRecord.order_id.in_(bindparam("ids", expanding=True)))
    .group_by(AuditRecord.order_id)
)


def _store(session: Session, views_: dict[int, tuple[int, str]]) -> None:
    """Keep the views built; never over a newer one (another pull may have stored it meanwhile).

    The pull is a reader: on SQLite its transaction may not be able to write (a writer holds the
    lock, or committed since this transaction began) — then the views are simply not kept this time.
    """
    if not views_:
        return
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OrderView)
    stmt = stmt.on_conflict_do_update(
        index_elements=[OrderView.order_id],
        set_={"seq": stmt.excluded.seq, "body": stmt.excluded.body},
        where=OrderView.seq < stmt.excluded.seq,
    )
    # In id order: two pulls storing the same views queue rather than deadlock (PostgreSQL).
    rows = [{"order_id": i, "seq": seq, "body": body} for i, (seq, body) in sorted(views_.items())]
    sqlite = dialect == "sqlite"
    if sqlite:  # a reader never waits for a writer's lock (the connection's 30 s): it just keeps nothing
        session.execute(text("PRAGMA busy_timeout=0"))
    try:
        with session.begin_nested():
            session.execute(stmt, rows)
    except (OperationalError, IntegrityError):
        pass  # locked, or the order deleted meanwhile: built again next time
    finally:
        if sqlite:
            session.execute(text(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"))
