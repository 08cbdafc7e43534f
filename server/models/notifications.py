"""Notifications stored for their recipient: deadline warnings, escalation, 督办, 催办, 督办反馈."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class Notification(Base):
    """One notification for one user. ``key`` makes a generated one idempotent: one warning per
    user, order, deadline and lead time (or escalation level); issued ones (督办 …) have none."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
        Index("ix_notifications_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    deadline: Mapped[str | None] = mapped_column(String(20))
    due_at: Mapped[datetime | None]
    lead_minutes: Mapped[int | None]
    level: Mapped[int] = mapped_column(default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]
    key: Mapped[str | None] = mapped_column(String(200))
