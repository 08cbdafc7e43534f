"""Every child row an order's view shows, read in one statement.

An order's full view (:mod:`server.orders.views`) shows rows of nine tables besides its own: its
co-departments and co-handling parts, attachments, on-site checks, notes, replies, reviews,
callbacks, and the audit records that are the one copy of its audit marks and 督办. Read table by
table that is nine statements — most of the CPU of a write's answer, which is one order's view.
Here they are one ``UNION ALL``: each table a branch whose columns are put in typed slots (its
texts in the text slots, its times in the time slots, …; NULL in the slots it does not use), so
that every value comes back as the column's own type gives it (the first branch's slot types
decide how a value is read: each slot has the type of the columns put in it). Rows come in each
table's own order (its id, or the department's id, or the audit record's number) and are handed
back by table and order as rows with the table's column names — the same rows the nine queries
gave.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Select,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import JSON, TypeDecorator, TypeEngine

from casework.lifecycle import Command
from server.models import (
    Attachment,
    AuditRecord,
    Blob,
    CallbackRecord,
    Note,
    OnsiteCheck,
    OrderCoHandling,
    ReplyVersion,
    ReviewRecord,
    order_co_departments,
)

#: The audit records an order's view shows: its audit marks and 督办, 催办 and their feedback.
FROM_THE_AUDIT = (
    Command.MARK_AUDITED.value,
    Command.SUPERVISE.value,
    Command.REMIND.value,
    Command.SUPERVISION_FEEDBACK.value,
)


@dataclass(frozen=True)
class _Kind:
    """One table's branch: the columns read (named as the rows give them), its filter and order."""

    name: str
    columns: dict[str, ColumnElement[Any]]
    order_id: ColumnElement[Any]
    sort: ColumnElement[Any]
    joins: tuple[Any, ...] = ()
    where: tuple[ColumnElement[Any], ...] = ()


def _table_kind(name: str, model: Any, sort: str = "id", skip: tuple[str, ...] = ()) -> _Kind:
    table = model.__table__
    columns = {c.name: c for c in table.c if c.name not in skip}
    return _Kind(name, columns, table.c.order_id, table.c[sort])


_KINDS = (
    _Kind(
        "co_departments",
        {"order_id": order_co_departments.c.order_id, "department_id": order_co_departments.c.department_id},
        order_co_departments.c.order_id,
        order_co_departments.c.department_id,
    ),
    _table_kind("co_handling", OrderCoHandling, sort="department_id"),
    _Kind(
        "attachments",
        {
            "order_id": Attachment.__table__.c.order_id,
            "sha256": Attachment.__table__.c.sha256,
            "onsite_check_id": Attachment.__table__.c.onsite_check_id,
            "tag": Attachment.__table__.c.tag,
            "media_type": Blob.__table__.c.media_type,
            "size": Blob.__table__.c.size,
        },
        Attachment.__table__.c.order_id,
        Attachment.__table__.c.id,
        joins=((Blob.__table__, Blob.__table__.c.sha256 == Attachment.__table__.c.sha256),),
    ),
    _table_kind("checks", OnsiteCheck),
    _table_kind("notes", Note),
    _table_kind("replies", ReplyVersion),
    _table_kind("reviews", ReviewRecord),
    _table_kind("callbacks", CallbackRecord),
    _Kind(
        "audit",
        {
            "order_id": AuditRecord.__table__.c.order_id,
            "action": AuditRecord.__table__.c.action,
            "actor_id": AuditRecord.__table__.c.actor_id,
            "after": AuditRecord.__table__.c.after,
            "at": AuditRecord.__table__.c.at,
        },
        AuditRecord.__table__.c.order_id,
        AuditRecord.__table__.c.seq,
        where=(AuditRecord.__table__.c.action.in_(FROM_THE_AUDIT),),
    ),
)

#: The kinds read by default: all.
KINDS = tuple(k.name for k in _KINDS)


def _family(column: ColumnElement[Any]) -> type:
    """Which slots a column goes in: by the Python type its values have; a type that reads its
    values itself (a time made UTC, JSON decoded) only with columns of that type."""
    kind = column.type
    if isinstance(kind, TypeDecorator | JSON):
        return type(kind)
    return kind.python_type


def _slots() -> tuple[list[TypeEngine[Any]], dict[str, list[tuple[str, int]]]]:
    """The slots' types, and for each kind where each of its columns goes (a position in the row)."""
    types: list[TypeEngine[Any]] = []
    by_family: dict[type, list[int]] = {}
    places: dict[str, list[tuple[str, int]]] = {}
    for kind in _KINDS:
        used: dict[type, int] = {}
        places[kind.name] = []
        for name, column in kind.columns.items():
            family = _family(column)
            n = used.get(family, 0)
            used[family] = n + 1
            slots = by_family.setdefault(family, [])
            if n == len(slots):
                slots.append(len(types))
                types.append(column.type)
            places[kind.name].append((name, _FIRST_SLOT + slots[n]))
    return types, places


_FIRST_SLOT = 2  # the kind's number and the sort key come first
_TYPES, _PLACES = _slots()
#: Each kind's rows: named tuples with the columns' names (the per-table queries gave rows so named).
_ROWS: dict[str, Any] = {
    kind.name: namedtuple(f"{kind.name}_row", [n for n, _ in _PLACES[kind.name]]) for kind in _KINDS
}


def _branch(number: int, kind: _Kind) -> Select[Any]:
    values: list[ColumnElement[Any]] = [cast(null(), t) for t in _TYPES]
    for (_, place), column in zip(_PLACES[kind.name], kind.columns.values(), strict=True):
        values[place - _FIRST_SLOT] = column
    query = select(
        literal_column(str(number), BigInteger).label("kind"),
        cast(kind.sort, BigInteger).label("sort_key"),
        *(v.label(f"s{i}") for i, v in enumerate(values)),
    ).select_from(kind.order_id.table)
    for table, on in kind.joins:
        query = query.join(table, on)
    return query.where(kind.order_id.in_(bindparam("ids", expanding=True)), *kind.where)


@cache
def _statement(kinds: frozenset[str]) -> CompoundSelect[Any]:
    """The statement for these kinds, made once: a statement built anew for every read cost more
    CPU (building it, then its cache key) than the eight statements it saves."""
    return union_all(*(_branch(n, k) for n, k in enumerate(_KINDS) if k.name in kinds)).order_by(
        literal_column("kind"), literal_column("sort_key")
    )


_MAKERS = [(kind.name, _ROWS[kind.name], [place for _, place in _PLACES[kind.name]]) for kind in _KINDS]


def read(session: Session, ids: Sequence[int], kinds: Sequence[str] = KINDS) -> dict[str, dict[int, list[Any]]]:
    """The child rows of the orders ``ids``: for each kind asked, each order's rows in their order
    (orders without any are left out), as rows with the columns' names."""
    found: dict[str, dict[int, list[Any]]] = {k: {} for k in KINDS if k in kinds}
    if not ids or not found:
        return found
    for row in session.execute(_statement(frozenset(found)), {"ids": list(ids)}):
        name, make, places = _MAKERS[row[0]]
        item = make(*[row[p] for p in places])
        found[name].setdefault(item.order_id, []).append(item)
    return found
