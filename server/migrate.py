"""Schema migrations (Alembic), run programmatically by ``init-db`` and ``serve``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine
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


def upgrade(engine: Engine) -> None:
    """Bring the database at ``engine`` to the newest schema."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def migrated_session(settings: Settings) -> Iterator[Session]:
    """The database of ``settings`` brought to the newest schema, and one transaction on it, like a
    request's: committed at the end, rolled back on error (the CLI's commands and the demo seed)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
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
