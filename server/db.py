"""Engine, sessions and the declarative base shared by every model."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event, exc, make_url, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Stores UTC, always returns an aware UTC datetime (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


#: Whether the transaction about to begin may write. On SQLite a writer starts with
#: ``BEGIN IMMEDIATE`` (it takes the write lock up front, so it waits for it instead of failing
#: when it upgrades later); a reader starts a plain deferred ``BEGIN`` and never takes the lock.
#: Writers by default (the CLI, the services); a request route sets it from the HTTP method.
WRITE_INTENT: ContextVar[bool] = ContextVar("casedesk_write_intent", default=True)


@contextmanager
def write_intent(writes: bool) -> Iterator[None]:
    """Transactions begun inside this block read only (``False``) or may write (``True``)."""
    token = WRITE_INTENT.set(writes)
    try:
        yield
    finally:
        WRITE_INTENT.reset(token)


#: Connections per engine (per server worker) unless told otherwise; see ``Settings.db_pool_size``.
#: A row lock that leaves foreign keys alone (PostgreSQL's FOR NO KEY UPDATE; SQLite has none): a
#: user's or a desk's row locked to serialise sign-ins, resets or reports never waits for, nor holds up,
#: a transaction that only references it (a note's author, a token's desk).
NO_KEY_LOCK = {"key_share": True}
#: How long a SQLite connection waits for another's write lock before it gives up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
DEFAULT_POOL_SIZE = 8


#: psycopg prepares a statement on the server after its fifth run on a connection, and PostgreSQL
#: then plans it once for any parameters (a generic plan) when that looks no dearer. For the
#: chain's range reads that plan is a trap: "records after seq $1" is costed as a third of the
#: chain, so the empty sync delta (nothing after the head) read the whole audit log on every poll
#: of a desk — 20 ms at 50,000 records instead of 0.1, growing with the city. Every connection
#: therefore plans every statement with its values (``plan_cache_mode=force_custom_plan``): no
#: generic plan, ever. Statements are still prepared (psycopg's default), which saves PostgreSQL
#: their parse and analysis on each run — a fifth of its CPU per write against unnamed statements,
#: which were planned with their values too but parsed every time.
CUSTOM_PLANS: dict[str, Any] = {"options": "-c plan_cache_mode=force_custom_plan"}


def make_engine(url: str, pool_size: int = DEFAULT_POOL_SIZE, pool_timeout: float = 30.0) -> Engine:
    """An engine for ``url``: at most ``pool_size`` connections, never more (no overflow).

    SQLite gets WAL, foreign keys, a busy timeout and ``BEGIN IMMEDIATE`` for writers only
    (:data:`WRITE_INTENT`); readers see a snapshot without taking the write lock.
    """
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
        pool: dict[str, Any] = (
            {}
            if memory
            else {
                "poolclass": QueuePool,
                "pool_size": pool_size,
                "max_overflow": 0,
                "pool_timeout": pool_timeout,
            }
        )
        # hide_parameters: a database error's message (logged) never carries the values, i.e. citizen text.
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, hide_parameters=True, **pool
        )

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, decide when a transaction begins.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A writer takes the write lock up front: a read-then-write transaction that upgrades
            # later fails with SQLITE_BUSY instead of waiting. A reader does not lock anyone out.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if WRITE_INTENT.get() else "BEGIN")

        return engine
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout,
        hide_parameters=True,
        connect_args=CUSTOM_PLANS if make_url(url).get_driver_name() == "psycopg" else {},
    )
    event.listen(engine, "checkin", _pooled)
    event.listen(engine, "checkout", _closed_by_the_server)
    return engine


#: ``info`` key of a pooled connection that has been checked in (has waited idle in the pool).
_IDLE = "casedesk_idle"


def _pooled(_dbapi_connection: Any, record: Any) -> None:
    record.info[_IDLE] = True  # the record's info is emptied when its connection is replaced


def _closed_by_the_server(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Discard a pooled connection the server has closed (a backend terminated, a restart) as it is
    checked out, without a round trip: an idle connection has nothing to read, so a socket that is
    readable holds the server's goodbye (its error, then the end of the stream). The pool takes
    another connection instead (SQLAlchemy's documented use of ``DisconnectionError`` in a checkout
    listener). ``pool_pre_ping`` did the same with a ``SELECT 1`` before every request's first
    statement: a round trip each. A connection that breaks later, mid-request, fails that request
    and is invalidated by SQLAlchemy's disconnect handling, as before. A connection just made is not
    looked at: its handshake has just answered (and bytes the server sent after it, TLS session
    tickets say, must not get every new connection discarded)."""
    if not record.info.get(_IDLE):
        return
    if dbapi_connection.closed or _readable(dbapi_connection.fileno()):
        raise exc.DisconnectionError("the database server closed this pooled connection")


def _readable(fd: int) -> bool:
    """Whether ``fd`` has something to read now (``poll``: ``select`` refuses descriptors past 1,023,
    which a busy worker's sockets reach; Windows has no ``poll`` and no such limit)."""
    if not hasattr(select, "poll"):
        return bool(select.select([fd], [], [], 0)[0])
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


class ConnectionBudgetExceeded(RuntimeError):
    """The workers' pools together would take more connections than the database allows."""


def check_connection_budget(engine: Engine, workers: int, pool_size: int, reserve: int) -> int | None:
    """Refuse a configuration whose ``workers × pool_size`` exceeds ``max_connections − reserve``.

    Reads PostgreSQL's ``SHOW max_connections``; returns it (None for SQLite, which has no limit
    of that kind). ``reserve`` keeps room for the CLI, migrations, backups and an administrator.
    """
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        limit = int(connection.execute(text("SHOW max_connections")).scalar_one())
    need = workers * pool_size
    if need > limit - reserve:
        raise ConnectionBudgetExceeded(
            f"{workers} workers × {pool_size} pooled connections = {need}, but PostgreSQL allows "
            f"max_connections {limit} − reserve {reserve} = {limit - reserve}; lower --workers or "
            "CASEDESK_DB_POOL_SIZE, or raise max_connections"
        )
    return limit
