"""Work orders (工单) and their insert-only children."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.order import OPEN_STATES
from server.db import Base, Timestamped, utcnow

#: The open states as SQL, in the order ``server.orders.similar`` lists them (the planner uses a
#: partial index only for a query whose condition implies the index's).
OPEN_STATES_SQL = "state IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(OPEN_STATES)))

order_co_departments = Table(
    "order_co_departments",
    Base.metadata,
    Column("order_id", ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id"), primary_key=True, index=True),
)


class Category(Base):
    """A hierarchical request category (like Open311's service_code)."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="", server_default="")
    parent_code: Mapped[str | None] = mapped_column(String(20))
    department_code: Mapped[str | None] = mapped_column(String(20))


class OrderNumberCounter(Base):
    """Per-day counter behind order numbers such as GY20261128-0042."""

    __tablename__ = "order_number_counters"

    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Order(Timestamped, Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_lead_state", "lead_department_id", "state"),
        Index("ix_orders_state_id", "state", "id"),
        # Intake helpers (GET /orders/similar, ?phone=): the caller's and the place's orders.
        Index("ix_orders_citizen_phone", "citizen_phone"),
        Index("ix_orders_callback_number", "callback_number"),
        Index("ix_orders_address", "address"),
        # The dispatch suggestion: a category's latest orders, newest first.
        Index("ix_orders_category_id", "category_code", "id"),
        # The supervisor's board: callbacks due, oldest reply first.
        Index("ix_orders_state_replied", "state", "replied_at", "id"),
        # Similar text by trigrams: PostgreSQL only, and only where pg_trgm could be installed
        # (migration 0008 creates it then; server.orders.similar asks whether it is there).
        # Partial: open orders only, the ones offered for merging — a fraction of a city's history
        # (on 200,000 orders, a fifth open: 20–26 ms instead of 120–200 ms under load). GiST, not GIN
        # (migration 0013): ``title % :text`` rechecks far fewer rows (p95 147 → 52 ms, bench/centre.py).
        Index(
            "ix_orders_title_trgm",
            "title",
            postgresql_using="gist",
            postgresql_ops={"title": "gist_trgm_ops"},
            postgresql_where=text(OPEN_STATES_SQL),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    external_ref: Mapped[str | None] = mapped_column(String(60), unique=True)  # id in an imported file
    state: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1)

    # identity and citizen
    channel: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime]
    citizen_name: Mapped[str] = mapped_column(String(200), default="")
    citizen_phone: Mapped[str] = mapped_column(String(20), default="")
    callback_number: Mapped[str] = mapped_column(String(20), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    confidential: Mapped[bool] = mapped_column(default=False)
    contact_allowed: Mapped[bool] = mapped_column(default=False)

    # request
    kind: Mapped[str] = mapped_column(String(20))
    category_code: Mapped[str] = mapped_column(String(20), index=True)
    complexity: Mapped[str] = mapped_column(String(10))
    urgency: Mapped[str] = mapped_column(String(12))
    importance: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(200), default="")
    district: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200), default="")
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    tags: Mapped[list[Any]] = mapped_column(default=list)

    # routing
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    co_departments = relationship("Department", secondary=order_co_departments, lazy="selectin")
    # Each co-department's own part (协办), beside its row in order_co_departments.
    co_handling: Mapped[list[OrderCoHandling]] = relationship(
        lazy="selectin", order_by="OrderCoHandling.department_id", cascade="all, delete-orphan"
    )

    # deadlines; on-time flags are frozen at the transition they measure
    dispatched_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    sign_due: Mapped[datetime | None]
    onsite_due: Mapped[datetime | None]
    reply_due: Mapped[datetime | None]
    reply_due_extended: Mapped[datetime | None]
    reply_days: Mapped[int | None]
    reply_started_at: Mapped[datetime | None]  # dispatch, or the moment of the latest 重办
    extended_days: Mapped[int] = mapped_column(default=0, server_default="0")  # working days of all approved extensions
    due_at: Mapped[datetime | None] = mapped_column(index=True)  # the deadline that applies now
    deadline_provisional: Mapped[bool] = mapped_column(default=False)
    calendar_version: Mapped[str | None] = mapped_column(String(60))
    return_window_ends: Mapped[datetime | None]
    signed_on_time: Mapped[bool | None]
    onsite_on_time: Mapped[bool | None]
    replied_on_time: Mapped[bool | None]
    closed_on_time: Mapped[bool | None]

    # handling: the working draft, and the reply under review
    draft_text: Mapped[str] = mapped_column(Text, default="")
    draft_result: Mapped[str | None] = mapped_column(String(20))
    draft_basis: Mapped[str] = mapped_column(Text, default="")
    # The knowledge entries (知识库) the draft cites, [{"id", "title"}] (server.orders.service._keep_draft)
    draft_knowledge_entries: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    draft_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    draft_updated_at: Mapped[datetime | None]
    reply_round: Mapped[int] = mapped_column(default=0)
    reply_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[datetime | None]

    # review
    review_chain: Mapped[list[Any]] = mapped_column(default=list)
    review_level: Mapped[int] = mapped_column(default=0)

    # parallel flags: extension, return request
    extension_status: Mapped[str | None] = mapped_column(String(10))
    extension_days: Mapped[int | None]
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    extension_requested_at: Mapped[datetime | None]
    extension_comment: Mapped[str] = mapped_column(Text, default="")
    return_reason_code: Mapped[str | None] = mapped_column(String(30))
    return_reason: Mapped[str] = mapped_column(Text, default="")
    return_requested_at: Mapped[datetime | None]
    return_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))

    # callback and oversight
    callback_attempts: Mapped[int] = mapped_column(default=0)
    last_callback_outcome: Mapped[str | None] = mapped_column(String(20))
    supervised: Mapped[bool] = mapped_column(default=False)
    reminders: Mapped[int] = mapped_column(default=0)
    leader_instruction: Mapped[str] = mapped_column(Text, default="")
    reopen_count: Mapped[int] = mapped_column(default=0)
    closed_at: Mapped[datetime | None]

    # links
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    merge_reason: Mapped[str] = mapped_column(Text, default="")

    # A class attribute (ruff wants ClassVar for it), but SQLAlchemy's DeclarativeBase declares
    # __mapper_args__ as an instance one, which mypy will not let a ClassVar override.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}  # type: ignore[misc]


class OnsiteCheck(Base):
    __tablename__ = "onsite_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime]
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Note(Base):
    """An internal note: never shown to the citizen."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReplyVersion(Base):
    """Each submitted reply, kept: the reviewers approve exactly this text."""

    __tablename__ = "reply_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    result_code: Mapped[str] = mapped_column(String(20))
    basis: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime]


class ReviewRecord(Base):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    level: Mapped[str] = mapped_column(String(20))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime]


class CallbackRecord(Base):
    __tablename__ = "callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]
    resolved: Mapped[bool | None]  # the citizen's word on it; None when not reached (or not asked)
    citizen_words: Mapped[str] = mapped_column(Text, default="", server_default="")


class OrderCoHandling(Base):
    """A co-handling department's part of an order (协办): its signing, its deadlines and the
    opinion it gives the lead (``casework.cohandling``). Status: pending, signed, answered, waived."""

    __tablename__ = "order_co_handling"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(10))
    started_at: Mapped[datetime]  # dispatch, or when the department was added
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: named at dispatch
    add_reason: Mapped[str] = mapped_column(Text, default="")
    sign_due: Mapped[datetime | None]
    answer_due: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opinion: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    waive_reason: Mapped[str] = mapped_column(Text, default="")
    waived_at: Mapped[datetime | None]
    waived_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
