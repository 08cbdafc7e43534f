"""What the work lists filter, sort and search on, kept in step with each order's local copy.

Search is SQLite FTS5 with the trigram tokenizer: Chinese is written without spaces, so words
cannot be split on them, and trigrams find any substring of three characters or more through the
index. Shorter terms (two-character words such as 噪音 are common) fall back to LIKE over
``order_text``, a narrow copy of the same text: one small table scan.
"""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, column, exists, func, literal_column, select, table, text

from casework.times import parse_time
from offline.models import order_text

_FTS_COLUMNS = ("number", "title", "description", "address", "citizen")
_fts = table("orders_fts", column("rowid"), *(column(c) for c in _FTS_COLUMNS))


#: A time already written in UTC with a ``Z`` (as the server's JSON has every time): its seconds are the text.
_UTC_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z")


def utc_text(value: Any) -> str | None:
    """An ISO time as UTC text, so that text order is time order."""
    if isinstance(value, str) and _UTC_Z.fullmatch(value):
        return value[:19] + "Z"  # the same text as below, without parsing it first
    moment = parse_time(value)
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def list_columns(order: dict[str, Any], searchable: dict[str, str] | None = None) -> dict[str, Any]:
    """The orders-table columns copied out of an OrderDetail-shaped dict (``searchable``: its
    :func:`searchable` text, when the caller has it already)."""
    deadlines = order.get("deadlines") or {}
    if searchable is None:
        searchable = _searchable(order)
    return {
        "state": order["state"],
        "number": order.get("number") or "",
        "title": order.get("title") or "",
        "urgency": order.get("urgency") or "normal",
        "importance": order.get("importance") or "ordinary",
        "category_code": order.get("category_code") or "",
        "lead_department_id": order.get("lead_department_id"),
        "handler_id": order.get("handler_id"),
        "received_at": utc_text(order.get("received_at")),
        # A co-handling department's own deadline while its part is outstanding (协办), else the order's.
        "due_at": utc_text(order.get("co_due_at") or order.get("due_at")),
        "sign_by": utc_text(deadlines.get("sign_by")),
        "returned": _returned(order),
        "actions": "," + ",".join(order.get("allowed_commands") or []) + ",",
        "search_text": " ".join(searchable.values()),
    }


def _searchable(order: dict[str, Any]) -> dict[str, str]:
    citizen = order.get("citizen") or {}
    return {
        "number": order.get("number") or "",
        "title": order.get("title") or "",
        "description": order.get("description") or "",
        "address": order.get("address") or "",
        "citizen": " ".join(str(citizen.get(k) or "") for k in ("name", "phone")),
    }


def _returned(order: dict[str, Any]) -> bool:
    """Back with the department to be done again: the last review sent it back, the centre or a leader
    reopened it (重办), or the centre refused the department's request to hand it back."""
    if order.get("state") != "in_progress":
        return False
    reviews = order.get("reviews") or []
    request = order.get("return_request") or {}
    refused = bool(request) and request.get("department_id") == order.get("lead_department_id")
    return bool((reviews and reviews[-1].get("decision") == "returned") or order.get("reopen_count") or refused)


def searchable(order: dict[str, Any]) -> dict[str, str]:
    """What the search index holds of an order, by column."""
    return _searchable(order)


def index_many(conn: Connection, orders: list[dict[str, Any]], texts: list[dict[str, str]] | None = None) -> None:
    """(Re)index these orders' searchable text, in bulk (``texts``: their :func:`searchable`, if known)."""
    if not orders:
        return
    unindex_many(conn, [o["id"] for o in orders])
    if texts is None:
        texts = [_searchable(order) for order in orders]
    rows = [{"id": order["id"], **text_} for order, text_ in zip(orders, texts, strict=True)]
    conn.execute(
        text(
            "INSERT INTO orders_fts(rowid, number, title, description, address, citizen) "
            "VALUES (:id, :number, :title, :description, :address, :citizen)"
        ),
        rows,
    )
    conn.execute(
        order_text.insert(),
        [{"order_id": row["id"], "text": " ".join(row[c] for c in _FTS_COLUMNS)} for row in rows],
    )


def unindex_many(conn: Connection, order_ids: list[int]) -> None:
    for start in range(0, len(order_ids), 500):
        chunk = order_ids[start : start + 500]
        conn.execute(
            text(f"DELETE FROM orders_fts WHERE rowid IN ({','.join(str(int(i)) for i in chunk)})")  # ints only
        )
        conn.execute(order_text.delete().where(order_text.c.order_id.in_(chunk)))


def clear(conn: Connection) -> None:
    conn.execute(text("DELETE FROM orders_fts"))
    conn.execute(order_text.delete())


#: A term held by at least this many orders is common: its page walks the list in its order and looks
#: at each order's narrow text, stopping at the page's end (a few thousand orders at most); a rarer one
#: reads its matches first (through the trigram index, or one scan of the narrow text), then sorts
#: those few. Either way a keystroke reads a fraction of the desk; the count comes after the page.
COMMON = 2000


def _pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _holding(term: str) -> Any:
    """The ids of the orders whose text holds ``term``."""
    if len(term) >= 3:
        phrase = '"' + term.replace('"', '""') + '"'
        return select(_fts.c.rowid).where(literal_column("orders_fts").op("MATCH")(phrase))
    return select(order_text.c.order_id).where(order_text.c.text.like(_pattern(term), escape="\\"))


#: For each term of a search: the orders holding it when fewer than :data:`COMMON` do, else None (common).
Hits = dict[str, tuple[int, ...] | None]


def term_hits(conn: Connection, query: str) -> Hits:
    """Read each term's orders up to the :data:`COMMON`-th (through the trigram index, or a scan of
    the narrow text): a rare term's are then the whole answer, a common one is looked up order by
    order in the list's order."""
    found: Hits = {}
    for term in {t for t in query.split() if t}:
        # As one row of text: a common term's 2,000 ids as rows cost more than finding them.
        first = _holding(term).limit(COMMON).subquery()
        held = conn.execute(select(func.group_concat(first.c[0]))).scalar_one()
        ids = tuple(int(i) for i in held.split(",")) if held else ()
        found[term] = ids if len(ids) < COMMON else None
    return found


def matches(id_column: Any, query: str, hits: Hits | None = None) -> ColumnElement[bool]:
    """A condition on ``id_column`` (an order id): every whitespace-separated term occurs somewhere
    (``hits``: the terms' :func:`term_hits`, read already)."""
    terms = [t for t in query.split() if t]
    conditions = [_term(id_column, t, hits) for t in terms]
    return and_(*conditions) if conditions else literal_column("1") == 1


def _term(id_column: Any, term: str, hits: Hits | None) -> ColumnElement[bool]:
    if hits is None or term not in hits:
        holding: ColumnElement[bool] = id_column.in_(_holding(term))
        return holding
    ids = hits[term]
    if ids is not None:
        return id_column.in_(ids)  # type: ignore[no-any-return]
    # Common: the same substring match as the trigram index's, order by order.
    like = order_text.c.text.like(_pattern(term), escape="\\")
    return exists(select(literal_column("1")).where(order_text.c.order_id == id_column, like))
