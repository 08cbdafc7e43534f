"""Desks (devices) that users sign in from: what an administrator lists and revokes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class Device(Base):
    """One desk of one user, named by the random key the desk keeps in its data directory.

    ``family`` is the token family (``AuthToken.family``) of the desk's current session, None
    once it signed out or its session was ended. A revoked desk keeps its row (and family): its
    next request is told to wipe itself, and its wipe report is accepted on that family's token.
    """

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_key: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    family: Mapped[str | None] = mapped_column(String(32), index=True)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    wiped_at: Mapped[datetime | None]
    # A revoked desk that signs in with a password before it was told: the hash of a one-time token
    # (given in the refusal) that authenticates its wipe report.
    wipe_token_hash: Mapped[str | None] = mapped_column(String(64))
