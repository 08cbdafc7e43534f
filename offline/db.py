"""Opening the local SQLite file: durable settings, schema creation and the version check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event

from offline.models import ORDERS_FTS_DDL, metadata

if TYPE_CHECKING:
    from offline.store import Store

#: Stored in ``PRAGMA user_version``; a file written by a newer client is not touched.
SCHEMA_VERSION = 5
#: The last version that changed the shape of the cached server copies: a file older than this has its
#: cache dropped and downloaded again; newer steps only add tables (5: drafts).
CACHE_VERSION = 4


class StoreTooNew(RuntimeError):
    """The file was written by a newer CaseDesk; opening it could corrupt its data."""


def _json(value: Any) -> str:
    # Readable Chinese in the file (and searchable with LIKE) instead of \uXXXX escapes.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # We issue BEGIN ourselves (see _on_begin): pysqlite's implicit transactions are not reliable.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk when it returns, so the outbox survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: no late "database is locked" on upgrade.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(path: str | Path) -> Engine:
    """An engine on ``path`` with the pragmas above on every connection."""
    engine = create_engine(f"sqlite:///{Path(path)}", json_serializer=_json)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _migrate(engine: Engine, path: str | Path) -> None:
    with engine.begin() as conn:
        found = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
        if found > SCHEMA_VERSION:
            raise StoreTooNew(
                f"{path} has schema version {found}, this CaseDesk knows up to {SCHEMA_VERSION}; "
                "update CaseDesk (本地数据由更新版本的 CaseDesk 创建，请升级客户端)"
            )
        # Tables are only ever added, so create_all brings any older file up to date; steps
        # below fill what new tables need from old data.
        metadata.create_all(conn)
        conn.exec_driver_sql(ORDERS_FTS_DDL)
        if 0 < found < CACHE_VERSION:
            # The cached server copies changed shape (2: list columns; 3: local copy only when edited; 4: search text):
            # drop the cache and its cursor so the next sync downloads it again. The outbox and the
            # drafts — the user's work — and the files are never touched.
            conn.exec_driver_sql("DROP TABLE IF EXISTS events")
            conn.exec_driver_sql("DROP TABLE IF EXISTS orders")
            conn.exec_driver_sql("DELETE FROM sync_state WHERE key = 'cursor'")
            metadata.create_all(conn)
        if found < SCHEMA_VERSION:
            conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")


def open_store(path: str | Path) -> Store:
    """Open (creating if needed) the store at ``path``; raise :class:`StoreTooNew` for a newer file."""
    from offline.store import Store

    engine = make_engine(path)
    try:
        _migrate(engine, path)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
