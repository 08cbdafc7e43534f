"""Schema migrations (Alembic), run programmatically by ``init-db`` and ``serve``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from server.db import make_engine, make_session_factory, utcnow

if TYPE_CHECKING:
    from server.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


class SchemaTooNew(Exception):
    """The database was migrated by a newer CaseDesk: this one does not know its schema."""

    def __init__(self, revision: str, head: str) -> None:
        super().__init__(
            f"the database's schema is at revision {revision}, which this CaseDesk does not know "
            f"(its newest is {head}): it was upgraded by a newer CaseDesk. Run that version, or restore "
            "a backup taken before the upgrade; this version will not touch the database."
        )
        self.revision = revision
        self.head = head


def known_revisions() -> set[str]:
    """Every revision in server/migrations/versions."""
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The database's Alembic revision; None for a database never migrated (empty)."""
    return MigrationContext.configure(connection).get_current_revision()


def check_not_newer(connection: Connection) -> None:
    """Raise :class:`SchemaTooNew` when the database's revision is unknown to this code."""
    revision = current_revision(connection)
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNew(revision, head_revision())


def upgrade(engine: Engine) -> None:
    """Bring the database at ``engine`` to the newest schema (never one newer than this code: :class:`SchemaTooNew`)."""
    config = alembic_config()
    with engine.begin() as connection:
        check_not_newer(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def migrated_session(settings: Settings) -> Iterator[Session]:
    """The database of ``settings`` brought to the newest schema, and one transaction on it, like a
    request's: committed at the end, rolled back on error (the CLI's commands and the demo seed)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    session = make_session_factory(engine)()
    try:
        # The deprecated environment variable becomes the first review-chain version, once.
        from server.review.service import take_over_environment, warn

        warn(take_over_environment(session, settings, utcnow()))
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()
