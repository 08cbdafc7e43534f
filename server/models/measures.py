"""Oversight facts: what the measures count, derived from the audit log (see ``server.measures.facts``).

``measure_facts`` holds one row per countable event, attributed to the department that led the
order when it happened:

========  =====================================  ============================================
kind      ``at``                                 other columns
========  =====================================  ============================================
dispatch  the order reached the department       signed_at, on_time (signed on time),
          (dispatch, or re-dispatch after an     category_code, channel
          accepted return)
return    the department asked to return it
reply     the last reviewer approved: the reply  on_time, result (result code),
          reached the centre                     work_seconds, leader_seconds
reopen    the centre (or a city leader) sent
          the department's reply back (重办)
callback  the centre called the citizen back     result (outcome)
close     the centre closed the order            on_time
overdue   the reply deadline passed while the    until (when the order stopped being open and
          order was open                         overdue: closed, handed on, reopened …)
========  =====================================  ============================================

Every column is set once, when its event happens, and never rewritten afterwards (an overdue
span's start moves only while it still lies in the future), so a figure "as of" any past moment
reads the same today as it did then.

``measure_trackers`` holds, per order, what maintaining those rows needs to remember between
events (the last audit record applied, the current department, the reply clock, the leader
review in progress). Both tables are rebuilt from the audit log by ``recompute-measures``.

``measure_day_counts`` holds, for whole days that are over, the facts of each department and day
counted by what the measures group them by — only what never changes once written: dispatches by
category and channel (not their signing, which comes later), and the reply, return, reopen,
callback and close facts by result and on time, with their seconds added up. ``measure_days_counted``
names the days those counts are complete for. Filled on first read, never by the writers; a
writer that adds a fact to a day drops that day's mark, and a rebuild clears both tables
(``server.measures.days``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.db import Base
from server.models.orders import Order

# Intake-based figures (hot issues, today's intake) count orders by the time they were received;
# on PostgreSQL the index carries what they group by, so a month is read from the index alone.
INTAKE_COLUMNS = ["state", "closed_at", "category_code", "district", "street", "tags"]
Index("ix_orders_received_at", Order.received_at, postgresql_include=INTAKE_COLUMNS)
#: What the measures count of each fact (PostgreSQL: read from the index alone, see migration 0015).
FACT_COLUMNS = [
    "on_time",
    "signed_at",
    "result",
    "work_seconds",
    "leader_seconds",
    "category_code",
    "channel",
    "until",
]


class MeasureFact(Base):
    """One countable event of an order, attributed to a department (see the module docstring)."""

    __tablename__ = "measure_facts"
    __table_args__ = (
        Index("ix_measure_facts_department_kind_at", "department_id", "kind", "at", postgresql_include=FACT_COLUMNS),
        Index("ix_measure_facts_kind_at", "kind", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime]
    until: Mapped[datetime | None]
    on_time: Mapped[bool | None]
    signed_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(String(20))
    work_seconds: Mapped[int | None]
    leader_seconds: Mapped[int | None]
    category_code: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(20))


class MeasureTracker(Base):
    """Per order: where the facts stand after the last audit record applied."""

    __tablename__ = "measure_trackers"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[str | None] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    review_chain: Mapped[list[Any]] = mapped_column(default=list)
    review_level: Mapped[int] = mapped_column(default=0)
    reply_due: Mapped[datetime | None]
    reply_due_extended: Mapped[datetime | None]
    reply_started_at: Mapped[datetime | None]  # the reply clock: dispatch, or the latest 重办
    pending_result: Mapped[str | None] = mapped_column(String(20))  # result code of the reply under review
    leader_since: Mapped[datetime | None]  # a city leader's review level was reached then
    leader_seconds: Mapped[int] = mapped_column(default=0)  # city-leader review time of this reply round
    dispatch_fact_id: Mapped[int | None] = mapped_column(ForeignKey("measure_facts.id"))
    overdue_fact_id: Mapped[int | None] = mapped_column(ForeignKey("measure_facts.id"))

    dispatch_fact: Mapped[MeasureFact | None] = relationship(foreign_keys=[dispatch_fact_id])
    overdue_fact: Mapped[MeasureFact | None] = relationship(foreign_keys=[overdue_fact_id])


#: What a day's counts are read for (PostgreSQL: from the index alone).
DAY_COLUMNS = ["result", "on_time", "category_code", "channel", "n", "work_seconds", "leader_seconds"]


class MeasureDayCount(Base):
    """One department's facts of one kind on one day (Beijing time), counted per group."""

    __tablename__ = "measure_day_counts"
    # The city's days, and a department's; on PostgreSQL each read from the index alone (the rows
    # are written once, by a fill, so their pages are soon all-visible).
    __table_args__ = (
        Index("ix_measure_day_counts_day", "day", "department_id", "kind", postgresql_include=DAY_COLUMNS),
        Index(
            "ix_measure_day_counts_department_id_day", "department_id", "day", "kind", postgresql_include=DAY_COLUMNS
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    department_id: Mapped[int]  # (no foreign key: derived rows, and a fill locks no department)
    kind: Mapped[str] = mapped_column(String(10))
    result: Mapped[str | None] = mapped_column(String(20))
    on_time: Mapped[bool | None]
    category_code: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(20))
    n: Mapped[int]
    work_seconds: Mapped[int] = mapped_column(BigInteger)
    leader_seconds: Mapped[int] = mapped_column(BigInteger)


class MeasureDayCounted(Base):
    """A day whose ``measure_day_counts`` are complete (every department, every counted kind)."""

    __tablename__ = "measure_days_counted"

    day: Mapped[date] = mapped_column(primary_key=True)
