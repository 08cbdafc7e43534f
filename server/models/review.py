"""Review chains as the administrator keeps them: versions, each in force from a date."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class ReviewChainVersion(Base):
    """One version of the review chains: ``{"default"|DEPT_CODE: {importance: [level, ...]}}``.

    Versions are never edited: a change is a new version. The one in force on a day is the newest
    (highest id) whose ``effective_from`` is on or before it; a reply's chain is fixed when it is
    submitted (see ``server.review.service``).
    """

    __tablename__ = "review_chain_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(index=True)
    chains: Mapped[dict[str, Any]] = mapped_column()
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
