"""The local schema (SQLAlchemy Core tables). Bump ``db.SCHEMA_VERSION`` when it changes."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()


class OutboxStatus(StrEnum):
    PENDING = "pending"  # not yet sent
    SENT = "sent"  # sent, no result seen yet: resend (the server dedupes by mutation id)
    APPLIED = "applied"
    CONFLICT = "conflict"  # kept with the server's values until the user merges
    REJECTED = "rejected"  # kept with the reason until the user discards or retries


#: Mutations whose effect is still shown on top of the server copy.
IN_FLIGHT = (OutboxStatus.PENDING.value, OutboxStatus.SENT.value)
#: Mutations the user has to look at.
PROBLEMS = (OutboxStatus.CONFLICT.value, OutboxStatus.REJECTED.value)

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),  # the server's version as last pulled
    Column("state", String(32), nullable=False, index=True),  # as the user sees it (local_json)
    Column("server_json", JSON, nullable=False),  # OrderDetail as last pulled
    Column("local_json", JSON, nullable=False),  # server copy + in-flight outbox mutations
    Column("pending", Integer, nullable=False, default=0),  # in-flight outbox rows
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
    Column("status", String(16), nullable=False, default=OutboxStatus.PENDING.value, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", String(40)),
    Column("error_code", String(64)),
    Column("error_zh", Text),
    Column("error_en", Text),
    Column("server_values", JSON),
    sqlite_autoincrement=True,
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)
