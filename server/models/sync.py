"""What sync needs: who ever had an order, its stored views, replayed mutations, uploads in flight."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class OrderAccess(Base):
    """A department that has ever held an order (lead or co-handling).

    An order that leaves the department's scope is pulled as a ``revoke`` by that department
    only — never announced to departments that never had it.
    """

    __tablename__ = "order_access"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True, index=True)


class OrderView(Base):
    """The part of an order's view that is the same for every caller, as JSON text, stamped with
    the order's last audit record when it was built (``server.sync.stored_views``).

    Every change of an order appends a record naming it (the delta pull rests on that too), so a
    view whose stamp is not the order's last record is stale: it is built again, never served.
    """

    __tablename__ = "order_views"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)


class SyncMutation(Base):
    """The stored result of a pushed mutation, written in the same transaction as its effect."""

    __tablename__ = "sync_mutations"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    mutation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    result: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Upload(Base):
    """A tus upload in flight; its bytes live in a file named by ``id`` until complete."""

    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str | None] = mapped_column(String(64))  # announced in Upload-Metadata
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    expires_at: Mapped[datetime]
    completed_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
