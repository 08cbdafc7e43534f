"""What the work lists filter, sort and search on, kept in step with each order's local copy.

Search is SQLite FTS5 with the trigram tokenizer: Chinese is written without spaces, so words
cannot be split on them, and trigrams find any substring of three characters or more through the
index. Shorter terms (two-character words such as 噪音 are common, and a search begins with one
character) are found through a second index of the same text, one character a token
(``order_characters``, schema 8): the term is a phrase of its characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, column, exists, func, literal_column, select, table, union_all

from casework.times import parse_time
from offline.models import order_text, sync_state

_fts = table("orders_fts", column("rowid"), column("text"))
_characters = table("order_characters", column("rowid"), column("text"))
_WHITESPACE = re.compile(r"\s+")


def characters(text: str) -> str:
    """``text`` as ``order_characters`` indexes it: one token a character, whitespace as one U+3000
    (a term holds none, so no term matches across it)."""
    return " ".join(_WHITESPACE.sub("\u3000", text))


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


#: The ``sync_state`` key present while the indexes are behind ``order_text`` (see :func:`hold_index`).
BEHIND = "search_index_behind"


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


#: The orders-table columns copied out of each order, in the order :func:`list_values` gives them.
LIST_COLUMNS = (
    "state",
    "number",
    "title",
    "urgency",
    "importance",
    "category_code",
    "lead_department_id",
    "handler_id",
    "received_at",
    "due_at",
    "sign_by",
    "returned",
    "actions",
)


def list_values(order: dict[str, Any]) -> tuple[Any, ...]:
    """The :data:`LIST_COLUMNS` of an OrderDetail-shaped dict, as a row's values (built straight
    into the tuple: a pull page builds one per order)."""
    get = order.get
    return (
        order["state"],
        get("number") or "",
        get("title") or "",
        get("urgency") or "normal",
        get("importance") or "ordinary",
        get("category_code") or "",
        get("lead_department_id"),
        get("handler_id"),
        utc_text(get("received_at")),
        # A co-handling department's own deadline while its part is outstanding (协办), else the order's.
        utc_text(get("co_due_at") or get("due_at")),
        utc_text((get("deadlines") or {}).get("sign_by")),
        _returned(order),
        "," + ",".join(get("allowed_commands") or ()) + ",",
    )


def list_columns(order: dict[str, Any]) -> dict[str, Any]:
    """The orders-table columns copied out of an OrderDetail-shaped dict, by name."""
    return dict(zip(LIST_COLUMNS, list_values(order), strict=True))


def search_text(order: dict[str, Any]) -> str:
    """What the search index holds of an order: its number, title, description, address and the
    citizen's name and phone, joined by spaces (a search term has none: it cannot match across two)."""
    citizen = order.get("citizen") or {}
    return " ".join(
        (
            order.get("number") or "",
            order.get("title") or "",
            order.get("description") or "",
            order.get("address") or "",
            str(citizen.get("name") or ""),
            str(citizen.get("phone") or ""),
        )
    )


def _returned(order: dict[str, Any]) -> bool:
    """Back with the department to be done again: the last review sent it back, the centre or a leader
    reopened it (重办), or the centre refused the department's request to hand it back."""
    if order.get("state") != "in_progress":
        return False
    reviews = order.get("reviews") or []
    request = order.get("return_request") or {}
    refused = bool(request) and request.get("department_id") == order.get("lead_department_id")
    return bool((reviews and reviews[-1].get("decision") == "returned") or order.get("reopen_count") or refused)


#: An order's text written, or written again when it changed (the index is updated just before).
_UPSERT_TEXT = (
    "INSERT INTO order_text (order_id, text) VALUES (?, ?) ON CONFLICT (order_id) DO UPDATE SET text = excluded.text"
)
_INDEX = "INSERT INTO orders_fts (rowid, text) VALUES (?, ?)"
_INDEX_CHARACTERS = "INSERT INTO order_characters (rowid, text) VALUES (?, ?)"
#: Contentless: a row leaves the index given the tokens it was indexed with.
_UNINDEX_CHARACTERS = "INSERT INTO order_characters (order_characters, rowid, text) VALUES ('delete', ?, ?)"


def id_list(order_ids: Iterable[int]) -> str:
    """Order ids to write into a statement's ``IN (…)``: ints only, never text from elsewhere (a
    plain statement instead of SQLAlchemy compiling hundreds of parameters, several times a page)."""
    return ",".join(str(int(i)) for i in order_ids)


def hold_index(conn: Connection) -> None:
    """Leave both indexes (trigrams, characters) behind ``order_text`` until :func:`catch_up`, in the
    caller's transaction: a profile's first download (or a reset's) writes the narrow text page by
    page and the indexes at its end, ten thousand orders a transaction — FTS5 flushing a segment per
    page cost more CPU than the page's inserts of orders and events together, and building it in one
    pass costs a third of that. Meanwhile a write leaves the indexes alone for an order they do not
    hold yet (an FTS5 ``delete`` of a row it never indexed would corrupt it) and every search reads
    ``order_text`` instead (:func:`_holding`): a search during the download finds what has arrived.
    The mark is a row of ``sync_state``, committed with the page's data: a desk killed midway resumes
    with the index still behind, and catches up at the end."""
    conn.exec_driver_sql(f"INSERT OR IGNORE INTO sync_state (key, value) VALUES ('{BEHIND}', '1')")


#: Orders indexed in one transaction of :func:`catch_up`: a city's whole build in one held the desk's
#: write lock for seconds; a chunk holds it for a fraction of one (a draft written meanwhile waits that).
CATCH_UP_CHUNK = 10_000
#: The ``sync_state`` key of the highest order id both indexes hold while they catch up (absent: none yet).
INDEXED_UPTO = "search_index_upto"
#: Below every order id (provisional ones are negative): the indexes hold no order yet.
_NONE_YET = -(2**63)
#: Above every order id.
_EVERY = 2**63 - 1


def catch_up(conn: Connection) -> bool:
    """Index the next :data:`CATCH_UP_CHUNK` orders of ``order_text`` (by id) into both indexes if they
    are held behind, in the caller's transaction; True once they hold every order (the mark is gone).
    The highest id indexed is committed with the chunk: a desk killed midway goes on from there, and
    a write meanwhile keeps the index of an order up to it in step (:func:`indexed_upto`)."""
    upto = indexed_upto(conn)
    if upto is None:
        return True
    if upto == _NONE_YET:  # the first chunk: the indexes start empty, as FTS5's 'rebuild' starts them
        conn.exec_driver_sql("INSERT INTO orders_fts (orders_fts) VALUES ('delete-all')")
        conn.exec_driver_sql("INSERT INTO order_characters (order_characters) VALUES ('delete-all')")
    # The chunk's last order (none: fewer than a chunk are left); its rows are read a thousand at a time.
    bound = conn.exec_driver_sql(
        "SELECT order_id FROM order_text WHERE order_id > ? ORDER BY order_id LIMIT 1 OFFSET ?",
        (upto, CATCH_UP_CHUNK - 1),
    ).scalar()
    chunk = (upto, _EVERY if bound is None else bound)
    # The trigrams straight from the table (as FTS5's 'rebuild' reads it); the characters need Python.
    texts = "SELECT order_id, text FROM order_text WHERE order_id > ? AND order_id <= ?"
    conn.exec_driver_sql(f"INSERT INTO orders_fts (rowid, text) {texts}", chunk)
    rows = conn.exec_driver_sql(texts, chunk)
    while part := rows.fetchmany(1000):
        conn.exec_driver_sql(_INDEX_CHARACTERS, [(i, characters(text)) for i, text in part])
    done = (
        bound is None or conn.exec_driver_sql("SELECT 1 FROM order_text WHERE order_id > ?", (bound,)).first() is None
    )
    if done:
        conn.exec_driver_sql(f"DELETE FROM sync_state WHERE key IN ('{BEHIND}', '{INDEXED_UPTO}')")
    else:
        conn.exec_driver_sql("INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)", (INDEXED_UPTO, str(bound)))
    return done


def indexed_upto(conn: Connection) -> int | None:
    """None when both indexes hold every order; while they are behind, the highest order id they hold
    (an order up to it is kept in step by every write, one above it only in ``order_text``)."""
    found = conn.exec_driver_sql(f"SELECT key, value FROM sync_state WHERE key IN ('{BEHIND}', '{INDEXED_UPTO}')")
    marks = {key: value for key, value in found}
    if BEHIND not in marks:
        return None
    return int(marks[INDEXED_UPTO]) if INDEXED_UPTO in marks else _NONE_YET


def index_many(conn: Connection, orders: list[dict[str, Any]], texts: list[tuple[int, str]] | None = None) -> None:
    """(Re)index these orders' searchable text, in bulk: the narrow text and the trigram index, each
    in one statement. An order whose text did not change (most pulled changes: a state, a note) is
    left as it is; one whose text changed leaves the index first, with its old text (the index
    keeps no copy: FTS5's ``delete`` is given the text it was indexed with). While the indexes are held
    behind (:func:`hold_index`) only the narrow text is written, but for orders they hold already.
    ``texts``: the orders' ``(id, search_text)`` made already (``orders`` then unused)."""
    rows = texts if texts is not None else [(order["id"], search_text(order)) for order in orders]
    if not rows:
        return
    known: dict[int, str] = {}
    for start in range(0, len(rows), 500):
        chunk = id_list(i for i, _ in rows[start : start + 500])
        found = conn.exec_driver_sql(f"SELECT order_id, text FROM order_text WHERE order_id IN ({chunk})")
        known.update((order_id, text) for order_id, text in found)
    fresh = [row for row in rows if known.get(row[0]) != row[1]]
    if not fresh:
        return
    upto = indexed_upto(conn)
    indexed = fresh if upto is None else [row for row in fresh if row[0] <= upto]
    _unindex(conn, [i for i, _ in indexed if i in known], known)
    conn.exec_driver_sql(_UPSERT_TEXT, fresh)
    if indexed:
        conn.exec_driver_sql(_INDEX, indexed)
        conn.exec_driver_sql(_INDEX_CHARACTERS, [(i, characters(text)) for i, text in indexed])


def _unindex(conn: Connection, order_ids: list[int], known: dict[int, str] | None = None) -> None:
    """Take these orders out of both indexes (their ``order_text`` rows still as indexed; ``known``:
    those texts, read already)."""
    texts = known if known is not None else {}
    for start in range(0, len(order_ids), 500):
        chunk = id_list(order_ids[start : start + 500])
        conn.exec_driver_sql(
            "INSERT INTO orders_fts (orders_fts, rowid, text) SELECT 'delete', order_id, text FROM order_text "
            f"WHERE order_id IN ({chunk})"
        )
        if known is None:
            found = conn.exec_driver_sql(f"SELECT order_id, text FROM order_text WHERE order_id IN ({chunk})")
            texts.update((order_id, text) for order_id, text in found)
    indexed = [(i, characters(texts[i])) for i in order_ids if i in texts]
    if indexed:
        conn.exec_driver_sql(_UNINDEX_CHARACTERS, indexed)


def index_characters(conn: Connection) -> None:
    """Fill the characters' index from ``order_text`` (a profile of schema 7 or before, at its first
    open by schema 8), a thousand orders a statement."""
    conn.exec_driver_sql("INSERT INTO order_characters (order_characters) VALUES ('delete-all')")
    rows = conn.exec_driver_sql("SELECT order_id, text FROM order_text")
    while chunk := rows.fetchmany(1000):
        conn.exec_driver_sql(_INDEX_CHARACTERS, [(i, characters(text)) for i, text in chunk])


def unindex_many(conn: Connection, order_ids: list[int]) -> None:
    upto = indexed_upto(conn)
    _unindex(conn, order_ids if upto is None else [i for i in order_ids if i <= upto])
    for start in range(0, len(order_ids), 500):
        conn.exec_driver_sql(f"DELETE FROM order_text WHERE order_id IN ({id_list(order_ids[start : start + 500])})")


def clear(conn: Connection) -> None:
    conn.exec_driver_sql("INSERT INTO orders_fts (orders_fts) VALUES ('delete-all')")
    conn.exec_driver_sql("INSERT INTO order_characters (order_characters) VALUES ('delete-all')")
    conn.exec_driver_sql("DELETE FROM order_text")
    conn.exec_driver_sql(f"DELETE FROM sync_state WHERE key = '{INDEXED_UPTO}'")  # the indexes hold none now


#: A term held by at least this many orders is common: its page walks the list in its order and looks
#: at each order's narrow text, stopping at the page's end (a few thousand orders at most); a rarer one
#: reads its matches first (through either index), then sorts those few. Either way a keystroke reads
#: a fraction of the desk; the count comes after the page.
COMMON = 2000


def _pattern(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _holding(term: str) -> Any:
    """The ids of the orders whose text holds ``term``: through the trigram index for three characters
    or more, the characters' index for one or two — unless the indexes are held behind during a
    download (:func:`hold_index`): then by a scan of the narrow text. Both branches are in the
    statement, each guarded by the mark, a constant that SQLite reads once: only one of them runs."""
    if len(term) >= 3:
        indexed = select(_fts.c.rowid).where(literal_column("orders_fts").op("MATCH")(_phrase(term)))
    else:
        match = literal_column("order_characters").op("MATCH")(_phrase(characters(term)))
        indexed = select(_characters.c.rowid).where(match)
    behind = exists(select(literal_column("1")).select_from(sync_state).where(sync_state.c.key == BEHIND))
    like = select(order_text.c.order_id).where(order_text.c.text.like(_pattern(term), escape="\\"))
    # Joined to the mark's row rather than filtered by it: the one-row lookup is the outer loop, so
    # without the mark the narrow text is not read at all (as a filter it was tested row by row).
    scanned = like.join_from(sync_state, order_text, sync_state.c.key == BEHIND)
    return union_all(indexed.where(~behind), scanned)


#: For each term of a search: the orders holding it when fewer than :data:`COMMON` do, else None (common).
Hits = dict[str, tuple[int, ...] | None]


def term_hits(conn: Connection, query: str) -> Hits:
    """Read each term's orders up to the :data:`COMMON`-th (through :func:`_holding`'s index): a rare
    term's are then the whole answer, a common one is looked up order by order in the list's order."""
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
