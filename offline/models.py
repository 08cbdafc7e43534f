"""The local schema (SQLAlchemy Core tables). Bump ``db.SCHEMA_VERSION`` when it changes."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text

# The outbox row's status is the contract's (pending, sent, applied, conflict, rejected); the two
# groups of it that the store and the desk ask about are re-exported here for their queries.
from casework.sync import IN_FLIGHT as IN_FLIGHT
from casework.sync import PROBLEMS as PROBLEMS
from casework.sync import MutationStatus

metadata = MetaData()

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),  # the server's version as last pulled
    Column("state", String(32), nullable=False, index=True),  # as the user sees it (local_json)
    Column("server_json", JSON, nullable=False),  # OrderDetail as last pulled
    # The server copy + in-flight outbox mutations; NULL when nothing is in flight (= server_json).
    Column("local_json", JSON(none_as_null=True)),
    # Unused since the in-flight count is derived from the outbox (offline.worklists.in_flight_counts):
    # a stored count went stale on every verdict. Kept (always 0) so files of schema 4 open unchanged.
    Column("pending", Integer, nullable=False, default=0),
    # Copied out of local_json for the work lists' filters and sorting (see offline.search.list_columns).
    Column("number", String(40), nullable=False, default=""),
    Column("title", Text, nullable=False, default=""),
    Column("urgency", String(16), nullable=False, default="normal"),
    Column("importance", String(16), nullable=False, default="ordinary"),
    Column("category_code", String(40), nullable=False, default=""),
    Column("lead_department_id", Integer),
    Column("handler_id", Integer),
    Column("received_at", String(40)),  # UTC ISO 8601: sorts as text
    Column("due_at", String(40)),  # the reply deadline in force (extended if granted), UTC
    Column("sign_by", String(40)),
    Column("returned", Boolean, nullable=False, default=False),  # sent back by a reviewer or for 重办
    Column("actions", Text, nullable=False, default=""),
    # (Schema 6 and before had a "search_text" column here, a second copy of order_text's: dropped at 7.)
)
# The searchable text, alone with the order's id, once: a term too short for the trigram index is
# matched with LIKE over this narrow table, a scan of ~100 bytes a row instead of the orders' rows
# with their JSON (offline.search; 2.5× faster on 50,000 orders); the trigram index (orders_fts
# below) is built from it and keeps no copy of its own. Kept in step with what the user sees of each
# order (local_json, else server_json) by the store.
order_text = Table(
    "order_text",
    metadata,
    Column("order_id", Integer, primary_key=True, autoincrement=False),
    Column("text", Text, nullable=False),
)

# The list's orderings (offline.worklists.page_query: NULLs last, then the key, then the id) as
# indexes, so that a page of a large list walks the index and stops at the page's end instead of
# sorting every row; the expressions must read exactly as the query's ORDER BY.
Index("ix_orders_due_order", orders.c.due_at.is_(None), orders.c.due_at, orders.c.id)
Index("ix_orders_received_order", orders.c.received_at.is_(None), orders.c.received_at, orders.c.id)
#: The list's columns again, by state then in the due-date order: each row of ``orders`` holds the
#: order's JSON before these columns, so reading them walks the JSON's overflow pages. From this
#: narrow copy a list of one state (MINE: ``in_progress``, ~17,000 of 50,000 orders) reads its first
#: page without a sort and without the table (a "covering" index: 28 → 2 ms), and its count, the
#: other lists' counts and the sidebar's pass read the index alone. Created on open like every index
#: (offline.db._migrate), so no schema version: an older file gains it on its first open.
Index(
    "ix_orders_list",
    orders.c.state,
    orders.c.due_at.is_(None),
    orders.c.due_at,
    orders.c.id,
    orders.c.handler_id,
    orders.c.lead_department_id,
    orders.c.returned,
    orders.c.actions,
    orders.c.urgency,
    orders.c.importance,
    orders.c.category_code,
    orders.c.received_at,
    orders.c.number,
    orders.c.title,
)

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    # Events belong to a visible order: they go with it on revoke or reset.
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("json", JSON, nullable=False),
)

# No foreign key to orders: a revoked or reset order keeps its unsent work.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # creation order, never reused
    Column("mutation_id", String(36), nullable=False, unique=True),
    Column("order_id", Integer, nullable=False, index=True),
    Column("name", String(40), nullable=False),
    Column("args", JSON, nullable=False),
    Column("base", JSON, nullable=False),
    # Who made it: needed to re-apply it locally (authors, allowed commands); never sent.
    Column("actor", JSON, nullable=False),
    Column("created_at", String(40), nullable=False),  # ISO 8601 with zone
    Column("status", String(16), nullable=False, default=MutationStatus.PENDING.value, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", String(40)),
    Column("error_code", String(64)),
    Column("error_zh", Text),
    Column("error_en", Text),
    Column("server_values", JSON),
    sqlite_autoincrement=True,
)

# What the user has looked at. An order that reaches the desk after the profile's first download
# (a new dispatch, an order handed over) is new (新) until the user opens it in the pane. Orders of
# the first download have no row: they were there before the user started here. No foreign key to
# orders: a reset re-downloads them and the marks stay.
seen = Table(
    "seen",
    metadata,
    Column("order_id", Integer, primary_key=True, autoincrement=False),
    Column("arrived_at", String(40)),  # when it reached this desk (UTC ISO 8601); NULL: before the first sync
    Column("seen_at", String(40)),  # when the user last opened it; NULL: never
    Column("seen_version", Integer),  # the order's version then
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

# Files the user attached offline. The bytes live in the BlobCache (written, fsynced and renamed
# before this row is committed); ``uploaded`` flips once the server has them.
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("order_id", Integer, nullable=False, index=True),
    Column("media_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("name", Text, nullable=False, default=""),
    Column("taken_at", String(40)),  # EXIF capture time, ISO 8601 with zone
    Column("lat", Float),
    Column("lon", Float),
    Column("width", Integer),
    Column("height", Integer),
    Column("uploaded", Boolean, nullable=False, default=False),
    Column("upload_url", Text),  # an unfinished tus upload to resume, across restarts
    Column("created_at", String(40), nullable=False),
)

# What the user typed and has not stored as a command yet (the reply editor, an open form), kept as they
# type so that closing the window, a crash or a kill loses nothing. Local only, never sent; no foreign
# key to orders: a reset or a revoke must not take the user's text with it.
drafts = Table(
    "drafts",
    metadata,
    Column("order_id", Integer, primary_key=True, autoincrement=False),
    Column("key", String(64), primary_key=True),  # "reply", or "form:<command>" for an action's form
    Column("content", JSON, nullable=False),  # the fields as typed, by name
    Column("updated_at", String(40), nullable=False),  # ISO 8601 with zone: when it was last kept
)

# Users, departments and categories as the server lists them: names for display, offline too.
directory = Table(
    "directory",
    metadata,
    Column("kind", String(16), primary_key=True),  # users | departments | categories
    Column("key", String(64), primary_key=True),  # the id, or a category's code
    Column("json", JSON, nullable=False),
)

# The knowledge base (知识库) as synced from ``GET /knowledge/sync``: published entries and drafts of the
# user's own department, each the server's KnowledgeEntry as JSON; a few columns copied out of it for
# the search's filters. Replaced wholesale by each page's copy; never edited on the desk.
knowledge_entries = Table(
    "knowledge_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),
    Column("department_id", Integer),
    Column("expires_on", String(10)),  # the policy basis's expiry date (ISO), NULL: none
    Column("json", JSON, nullable=False),
)

# The reply templates (答复模板) the user may use: their department's and the city-wide ones.
knowledge_templates = Table(
    "knowledge_templates",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("department_id", Integer),  # NULL: city-wide
    Column("json", JSON, nullable=False),
)

notifications = Table(
    # The user's notifications as the server stored them (deadline warnings, escalation, 督办 …);
    # read here first, the server told at the next sync (``read_sent``).
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # the server's id
    Column("kind", String(32), nullable=False),
    Column("order_id", Integer, index=True),
    Column("json", JSON, nullable=False),  # casework.notifications.NotificationView
    Column("due_at", String(40)),  # UTC ISO 8601 as orders.due_at: the deadline a warning speaks of
    Column("created_at", String(40), nullable=False),
    Column("read_at", String(40)),
    Column("read_sent", Boolean, nullable=False, default=True),
    Column("announced", Boolean, nullable=False, default=False),  # shown in the tray once
)

#: Full-text search over what the user sees (trigram: Chinese has no spaces to split words on) —
#: an external-content index over ``order_text``: the index alone, the text itself read from
#: ``order_text`` when needed (schema 6 and before: five columns with a copy of the text of their own).
#: The text is the number, title, description, address and citizen joined by spaces, and a search
#: term never holds a space, so no term matches across two of them. rowid is the order id. The store
#: writes both in the same statements' transaction (offline.search.index_many): in a trigger on
#: ``order_text`` the same inserts cost three times as much CPU (FTS5 per row, not per statement).
ORDERS_FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS orders_fts USING fts5("
    "text, content='order_text', content_rowid='order_id', tokenize='trigram')"
)
#: Terms of one or two characters (噪, 噪音) are below what trigrams find: the same text is also indexed
#: one character a token (schema 8; ``offline.search.characters`` spells it so), and such a term is a
#: phrase of its characters. The ``ascii`` tokenizer takes every non-ASCII character as a token
#: character and ``tokenchars`` adds ASCII punctuation, so only the spaces between characters separate
#: tokens (whitespace in the text becomes one U+3000 token, which no term holds): a match is exactly a
#: LIKE match, ASCII letters folded alike. Contentless: it keeps no text; rowid is the order id.
ORDER_CHARACTERS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS order_characters USING fts5(text, content='', columnsize=0, "
    """tokenize="ascii tokenchars '!""#$%&''()*+,-./:;<=>?@[\\]^_`{|}~'")"""
)
#: The knowledge entries' text, trigram-indexed like the orders; rowid is the entry id.
KNOWLEDGE_FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_fts USING fts5("
    "title, questions, answer, keywords, basis, tokenize='trigram')"
)
#: Two-character words (噪音, 装修: most Chinese words) are below what trigrams can find: the title,
#: questions and keywords are also indexed cut into their overlapping character pairs ("装修 修噪 噪音"),
#: for a sentence whose three-character parts find too little. rowid is the entry id.
KNOWLEDGE_PAIRS_DDL = "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_pairs USING fts5(pairs)"
KNOWLEDGE_PAIRS_VOCAB_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_pairs_vocab USING fts5vocab(knowledge_pairs, 'row')"
)
#: How many entries hold each trigram (the search asks for a sentence's rarest ones).
KNOWLEDGE_VOCAB_DDL = "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_vocab USING fts5vocab(knowledge_fts, 'row')"
