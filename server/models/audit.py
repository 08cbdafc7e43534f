"""The append-only, hash-chained audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class AuditRecord(Base):
    """One command's effect: who, when, what changed (before/after) and the chain hash."""

    __tablename__ = "audit_log"
    # An order's records in sequence: a pull page reads its orders' events up to a sequence number
    # through it (with an index on the order alone, SQLite scanned the chain by sequence instead).
    __table_args__ = (Index("ix_audit_log_order_id_seq", "order_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    before: Mapped[dict[str, Any]]
    after: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    #: Until its transaction commits (PostgreSQL): the hashed text after ``prev_hash`` and ``seq``,
    #: for the commit-time append (``server.audit.service``); ``NULL`` in every committed record.
    pending: Mapped[str | None] = mapped_column(Text)


class AuditHead(Base):
    """The chain's tip; locking this row (for the append only, as the transaction commits)
    serialises appends so the chain never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
