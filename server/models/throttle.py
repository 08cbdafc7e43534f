"""Recent failed sign-ins, per client address and per account at an address (login back-off)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base


class LoginThrottle(Base):
    """One counter of failed sign-ins: ``key`` is ``addr:<address>`` (every username tried from
    that address) or ``acct:<user id>@<address>`` (one account from one address).

    In the database, not in a worker's memory: every worker of ``serve --workers N`` (and every
    server behind one load balancer) sees the same counts, and a restart does not reset them.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime]
    locked_until: Mapped[datetime | None] = mapped_column(index=True)
