"""Opening the local SQLite file: durable settings, schema creation and the version check.

With a key the file is a SQLCipher database (``sqlcipher3``, SQLCipher 4: AES-256 pages, an HMAC
on each): the same SQLite, FTS5 trigram search included, with nothing readable on the disk. A file
an older CaseDesk kept in the clear is encrypted on its first open with a key (:func:`encrypt_plain`).
"""

from __future__ import annotations

import json
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError
from sqlalchemy.schema import CreateIndex

from offline import search
from offline.atrest import fsync_dir, sqlcipher_key_pragma
from offline.models import (
    KNOWLEDGE_FTS_DDL,
    KNOWLEDGE_PAIRS_DDL,
    KNOWLEDGE_PAIRS_VOCAB_DDL,
    KNOWLEDGE_VOCAB_DDL,
    ORDER_CHARACTERS_DDL,
    ORDERS_FTS_DDL,
    metadata,
)

if TYPE_CHECKING:
    from offline.store import Store

#: Stored in ``PRAGMA user_version``; a file written by a newer client is not touched.
SCHEMA_VERSION = 8
#: The last version that changed the shape of the cached server copies so that they had to be downloaded
#: again: a file older than this has its cache dropped; newer steps change it in place (5: drafts; 6: the
#: knowledge base, notifications and the narrow copy of the searchable text; 7: the searchable text held
#: once — ``orders.search_text`` dropped, the trigram index rebuilt over ``order_text`` without a copy;
#: 8: the characters' index of the same text, for terms of one or two characters, filled from it).
CACHE_VERSION = 4


class StoreTooNew(RuntimeError):
    """The file was written by a newer CaseDesk; opening it could corrupt its data."""


class WrongStoreKey(RuntimeError):
    """The key does not open this store (another profile's key, or the file is not a CaseDesk store)."""


#: The first 16 bytes of every unencrypted SQLite file; a SQLCipher file starts with its random salt.
PLAIN_HEADER = b"SQLite format 3\x00"


def _json(value: Any) -> str:
    # Readable Chinese in the file (and searchable with LIKE) instead of \uXXXX escapes.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


#: How long a write waits for another's transaction before "database is locked" (ms). Writes come
#: from the sync's thread and the disk lane, never the UI thread. The longest transactions are a
#: download's pages and the chunks of its search indexes' build (offline.search.catch_up), a fraction
#: of a second each; the margin is for a slow or busy disk, where 5 s once made a user's draft fail.
WRITE_WAIT_MS = 60_000


#: Pages the write-ahead log takes before a commit folds it into the file (SQLite's default: 1,000, 4 MB).
#: A download's page of 500 orders writes about that much, so nearly every page paid a checkpoint on
#: the pulling thread: 45 of a 10,000-order download's 78 fsyncs. At 40 MB a checkpoint comes every ~8
#: pages. Durability is the log's, synced on every commit as before (synchronous=FULL); a desk killed
#: with the log unfolded reads it again on opening. The cost: up to 40 MB more on the disk meanwhile.
CHECKPOINT_PAGES = 10_000


def _on_connect(key: bytes | None, dbapi_connection: Any, _record: Any) -> None:
    # We issue BEGIN ourselves (see _on_begin): pysqlite's implicit transactions are not reliable.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    if key is not None:
        cursor.execute(sqlcipher_key_pragma(key))  # first, before anything reads the file
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk when it returns, so the outbox survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={WRITE_WAIT_MS}")
    cursor.close()


#: The execution option of a connection that only reads (``Store._reads``).
READING = "casedesk_reading"


def _on_begin(connection: Any) -> None:
    # A write takes the write lock up front with IMMEDIATE: no late "database is locked" on upgrade.
    # A read must not: holding the lock through a slow list query kept the UI thread's small reads
    # (the status bar's outbox counts) waiting for seconds.
    reading = connection.get_execution_options().get(READING, False)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def make_engine(path: str | Path, key: bytes | None = None) -> Engine:
    """An engine on ``path`` with the pragmas above on every connection; with ``key`` through
    SQLCipher (``sqlcipher3`` in place of ``sqlite3``: the same API and errors)."""
    extra: dict[str, Any] = {"module": sqlcipher3} if key is not None else {}
    engine = create_engine(f"sqlite:///{Path(path)}", json_serializer=_json, **extra)
    event.listen(engine, "connect", partial(_on_connect, key))
    event.listen(engine, "begin", _on_begin)
    return engine


def is_plain(path: str | Path) -> bool:
    """Whether ``path`` is an unencrypted SQLite file (False for a SQLCipher file or none)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(PLAIN_HEADER)) == PLAIN_HEADER
    except FileNotFoundError:
        return False


def encrypt_plain(path: str | Path, key: bytes) -> bool:
    """Encrypt the unencrypted store at ``path`` under ``key``, in place; False if it was not plain.

    SQLCipher's ``sqlcipher_export`` copies every table, index, trigger and the FTS index into a new
    encrypted file beside it, which is synced and then renamed over the old one. A crash before the
    rename leaves the plain file whole (its outbox with it) and a stray ``.encrypting`` file that
    the next open removes; after it, the encrypted file is complete.
    """
    path = Path(path)
    if not is_plain(path):
        return False
    temp = path.with_name(path.name + ".encrypting")
    for stray in (temp, temp.with_name(temp.name + "-journal")):
        stray.unlink(missing_ok=True)
    plain = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        plain.execute(f"PRAGMA busy_timeout={WRITE_WAIT_MS}")
        # Fold the write-ahead log into the file, so the export sees every committed row.
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        version = plain.execute("PRAGMA user_version").fetchone()[0]
        plain.execute("ATTACH DATABASE ? AS encrypted KEY \"x'" + key.hex() + "'\"", (str(temp),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()  # the last connection: SQLite removes the (checkpointed) -wal and -shm
    with temp.open("rb+") as handle:
        os.fsync(handle.fileno())
    for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        # Only an empty log may remain (checkpointed above); it must not meet the encrypted file.
        if leftover.exists() and leftover.name.endswith("-wal") and leftover.stat().st_size:
            raise RuntimeError(f"{leftover} still holds writes: is another CaseDesk using this profile?")
        leftover.unlink(missing_ok=True)
    os.replace(temp, path)
    fsync_dir(path.parent)
    return True


def _migrate(engine: Engine, path: str | Path) -> None:
    with engine.begin() as conn:
        found = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
        if found > SCHEMA_VERSION:
            raise StoreTooNew(
                f"{path} has schema version {found}, this CaseDesk knows up to {SCHEMA_VERSION}; "
                "update CaseDesk (本地数据由更新版本的 CaseDesk 创建，请升级客户端)"
            )
        # Tables are only ever added, so create_all brings any older file up to date; steps
        # below fill what new tables need from old data (and 7 drops a column and remakes the index).
        metadata.create_all(conn)
        for table in metadata.sorted_tables:  # create_all makes the indexes of new tables only
            for index in table.indexes:
                conn.execute(CreateIndex(index, if_not_exists=True))
        conn.exec_driver_sql(KNOWLEDGE_FTS_DDL)
        conn.exec_driver_sql(KNOWLEDGE_VOCAB_DDL)
        conn.exec_driver_sql(KNOWLEDGE_PAIRS_DDL)
        conn.exec_driver_sql(KNOWLEDGE_PAIRS_VOCAB_DDL)
        if 0 < found < CACHE_VERSION:
            # The cached server copies changed shape (2: list columns; 3: local copy only when edited; 4: search text):
            # drop the cache and its cursor so the next sync downloads it again. The outbox and the
            # drafts — the user's work — and the files are never touched.
            conn.exec_driver_sql("DROP TABLE IF EXISTS events")
            conn.exec_driver_sql("DROP TABLE IF EXISTS orders")
            conn.exec_driver_sql("DELETE FROM order_text")
            conn.exec_driver_sql("DELETE FROM sync_state WHERE key = 'cursor'")
            metadata.create_all(conn)
        elif 0 < found < 6:  # 6: the narrow copy of the searchable text (offline.models.order_text)
            conn.exec_driver_sql("INSERT OR IGNORE INTO order_text (order_id, text) SELECT id, search_text FROM orders")
        if 0 < found < 7:
            _hold_search_text_once(conn)
        conn.exec_driver_sql(ORDERS_FTS_DDL)
        if 0 < found < 7:
            conn.exec_driver_sql("INSERT INTO orders_fts(orders_fts) VALUES ('rebuild')")  # from order_text
        conn.exec_driver_sql(ORDER_CHARACTERS_DDL)
        if 0 < found < 8:
            search.index_characters(conn)
        if found < SCHEMA_VERSION:
            conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")


def _hold_search_text_once(conn: Connection) -> None:
    """Schema 7, in place: the orders' second copy of their searchable text (``search_text``) goes, and
    the five-column trigram index with its own copy is dropped, to be made again over ``order_text``
    (the caller rebuilds it). Only cached server data changes: the outbox, drafts and files stay."""
    columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(orders)")}
    if "search_text" in columns:
        conn.exec_driver_sql("ALTER TABLE orders DROP COLUMN search_text")
    conn.exec_driver_sql("DROP TABLE IF EXISTS orders_fts")


def open_store(path: str | Path, key: bytes | None = None) -> Store:
    """Open (creating if needed) the store at ``path``, encrypted under ``key`` when given (an old
    plain file is encrypted first); raise :class:`StoreTooNew` for a newer file and
    :class:`WrongStoreKey` when ``key`` does not open it."""
    from offline.store import Store

    if key is not None:
        encrypt_plain(path, key)
    engine = make_engine(path, key)
    try:
        try:
            _migrate(engine, path)
        except DatabaseError as exc:
            if key is not None and "not a database" in str(exc.orig):
                raise WrongStoreKey(f"{path}: the key does not open this store (本地数据无法用此密钥解密)") from None
            raise
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)
