"""This server's identity: one row, written when the database is first set up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, utcnow


class ServerInstance(Base):
    """The database's instance id: it outlives address changes (a new port, a new host name), so
    desktop clients key their local profiles by it, not by the URL they reach the server at."""

    __tablename__ = "server_instance"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    instance_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
