"""Upgrades: every migration, from every earlier revision, keeps the rows; a newer database is refused.

For each revision in server/migrations/versions (found by walking them, so a new migration is
tested without touching this file) a database is built at that revision, one row is put in
every table (values made from the reflected columns of that revision's schema, foreign keys
pointing at the rows of the parent tables), the database is upgraded to head, and every row is
checked to be there with the values it had. On SQLite (batch migrations copy whole tables) and
PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Time,
    and_,
    create_engine,
    select,
    text,
)
from sqlalchemy.orm import Session

from server.migrate import alembic_config
from server.models import Order, OrderView
from tests.fixtures.database import pg_database

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("CASEDESK_TEST_PG_URL")

#: Columns a migration rewrites on purpose, by the revision that does: {revision: {(table, column)}}.
#: A migration that changes existing values must be listed here (the test fails otherwise).
REWRITTEN: dict[str, set[tuple[str, str]]] = {}
#: Tables a migration drops on purpose: {revision: {table}}.
DROPPED: dict[str, set[str]] = {}
#: Tables of what is built again from the rest, a migration empties on purpose: {revision: {table}}.
#: Their rows must be gone (0017: stored order views of the older shape are never served).
EMPTIED: dict[str, set[str]] = {"0017": {"order_views"}}
#: Columns whose value in a committed row is fixed: {(table, column): value}. An audit record's
#: ``pending`` (0012) is NULL once it committed; a value would make the commit-time trigger append
#: (renumber) the record, as it does for a record written inside a transaction.
COMMITTED: dict[tuple[str, str], Any] = {("audit_log", "pending"): None}


def revisions() -> list[str]:
    """Every revision but the newest, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    ordered = [s.revision for s in reversed(list(script.walk_revisions()))]
    return ordered[:-1]


def later_than(revision: str) -> list[str]:
    ordered = [s.revision for s in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]
    return ordered[ordered.index(revision) + 1 :]


def migrate(engine: Engine, target: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, target)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'casedesk.db'}"
        return
    if not PG_URL:
        pytest.skip("CASEDESK_TEST_PG_URL is not set")
    with pg_database("casedesk_ops") as url:
        yield url


class RowMaker:
    """One row for a table of the reflected schema, with a value of each column's type."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.counter = 7000

    def value(self, column: Any) -> Any:
        self.counter += 1
        if (column.table.name, column.name) in COMMITTED:
            return COMMITTED[(column.table.name, column.name)]
        kind = column.type
        if isinstance(kind, Boolean):
            return True
        if isinstance(kind, Integer):
            return self.counter
        if isinstance(kind, Float):
            return 1.5
        if isinstance(kind, Numeric):
            return Decimal("1.5")
        if isinstance(kind, DateTime):
            moment = datetime(2026, 3, 4, 5, 6, self.counter % 60, tzinfo=UTC)
            return moment if self.dialect == "postgresql" and kind.timezone else moment.replace(tzinfo=None)
        if isinstance(kind, Date):
            return date(2026, 3, 4)
        if isinstance(kind, Time):
            return time(5, 6, 7)
        if isinstance(kind, JSON):
            return {"made_by": "test_upgrades", "n": self.counter}
        if isinstance(kind, LargeBinary):
            return b"\x00bytes"
        if isinstance(kind, String):
            token = f"v{self.counter}"
            return token[-kind.length :] if kind.length else f"{token} 示例"
        raise AssertionError(f"no test value for {column.table.name}.{column.name} of type {kind!r}")

    def row(self, table: Table, rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        references: dict[str, Any] = {}
        for fk in table.foreign_keys:
            references[fk.parent.name] = fk
        for column in table.columns:
            if column.name not in references:
                row[column.name] = self.value(column)
        for name, fk in references.items():
            parent = fk.column.table.name
            if parent == table.name:  # pointing at itself: at the row itself
                row[name] = row[fk.column.name]
            else:
                row[name] = rows[parent][fk.column.name]
        return row


def _virtual_tables(connection: Connection) -> tuple[str, ...]:
    """SQLite's virtual tables (an FTS5 index, as knowledge_fts): kept by triggers, never written
    directly; their shadow tables start with their names."""
    if connection.dialect.name != "sqlite":
        return ()
    found = connection.execute(text("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"))
    return tuple(name for (name,) in found)


def fill(connection: Connection) -> dict[str, dict[str, Any]]:
    metadata = MetaData()
    metadata.reflect(connection)
    maker = RowMaker(connection.dialect.name)
    rows: dict[str, dict[str, Any]] = {}
    for table in metadata.sorted_tables:
        if table.name == "alembic_version" or table.name.startswith(_virtual_tables(connection)):
            continue
        rows[table.name] = maker.row(table, rows)
        connection.execute(table.insert().values(rows[table.name]))
    return rows


def same(a: Any, b: Any) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return (
            a.replace(tzinfo=None) == b.astimezone(UTC).replace(tzinfo=None)
            if b.tzinfo
            else a.replace(tzinfo=None) == b.replace(tzinfo=None)
        )
    return bool(a == b)


@pytest.mark.parametrize("revision", revisions())
def test_upgrading_from_each_earlier_revision_keeps_every_row(empty_database: str, revision: str) -> None:
    engine = create_engine(empty_database)
    try:
        migrate(engine, revision)
        with engine.begin() as connection:
            rows = fill(connection)
        assert rows, "no tables at this revision?"
        migrate(engine, "head")
        rewritten = set().union(*(REWRITTEN.get(r, set()) for r in later_than(revision)))
        dropped = set().union(*(DROPPED.get(r, set()) for r in later_than(revision)))
        emptied = set().union(*(EMPTIED.get(r, set()) for r in later_than(revision)))
        metadata = MetaData()
        with engine.connect() as connection:
            metadata.reflect(connection)
            assert (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == later_than(revision)[-1]
            )
            for name, row in rows.items():
                if name in dropped:
                    continue
                assert name in metadata.tables, f"table {name} (made at {revision}) is gone after the upgrade"
                table = metadata.tables[name]
                key = [table.c[c.name] == row[c.name] for c in table.primary_key.columns]
                found = connection.execute(select(table).where(and_(*key))).mappings().all()
                if name in emptied:
                    assert found == [], f"the row put in {name} at {revision} is still there after the upgrade"
                    continue
                assert len(found) == 1, f"the row put in {name} at {revision} is gone after the upgrade"
                for column, value in row.items():
                    if column in table.c and (name, column) not in rewritten:
                        assert same(value, found[0][column]), (
                            f"{name}.{column} changed from {value!r} to {found[0][column]!r} upgrading from {revision}"
                        )
    finally:
        engine.dispose()


def test_0017_keeps_drafts_citing_nothing_and_empties_the_stored_views_of_the_older_shape(empty_database: str) -> None:
    engine = create_engine(empty_database)
    try:
        migrate(engine, "0016")
        with engine.begin() as connection:
            rows = fill(connection)  # an order (with a stored view) of every column at 0016
            connection.execute(text("UPDATE orders SET draft_text = '已安排维修', draft_result = 'resolved'"))
        order_id = rows["orders"]["id"]
        migrate(engine, "0017")
        with Session(engine) as session:
            order = session.get(Order, order_id)
            assert order is not None and order.draft_text == "已安排维修"
            assert order.draft_knowledge_entries == []
            assert session.scalars(select(OrderView)).all() == []  # views of the older shape: gone
            # A draft saved now keeps its citations in the new column.
            order.draft_knowledge_entries = [{"id": 7, "title": "路灯不亮如何报修"}]
            session.commit()
        with Session(engine) as session:
            assert session.scalars(select(Order.draft_knowledge_entries)).one() == [
                {"id": 7, "title": "路灯不亮如何报修"}
            ]
    finally:
        engine.dispose()


def test_the_walk_covers_every_migration_file() -> None:
    files = list((ROOT / "server" / "migrations" / "versions").glob("*.py"))
    assert len(revisions()) == len(files) - 1 >= 3


def test_serve_refuses_a_database_newer_than_itself(empty_database: str, tmp_path: Path) -> None:
    env = {**os.environ, "CASEDESK_DATA_DIR": str(tmp_path / "data"), "CASEDESK_DATABASE_URL": empty_database}

    def server(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "server", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
        )

    assert server("init-db").returncode == 0
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999_from_the_future'"))
    for args in (["serve", "--port", "0"], ["init-db"], ["verify-audit"]):
        done = server(*args)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "refusing to start" in done.stderr and "0999_from_the_future" in done.stderr
        assert "newer CaseDesk" in done.stderr and "Traceback" not in done.stderr
    with engine.connect() as connection:  # untouched
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0999_from_the_future"
    engine.dispose()
