"""``python -m server backup DIR``: a consistent copy of the database and the blobs, with a manifest.

The database first (SQLite: the online backup API, a snapshot taken while the server keeps
writing; PostgreSQL: ``pg_dump --format=custom``, one transaction's snapshot), then the blobs.
Blobs are named by their hash and written to disk before the transaction that refers to them
commits, and never change: every blob the dumped database names is already there when the copy
of the blobs begins. Blobs added after the dump are copied too, harmlessly. Unfinished uploads
(``uploads/``) are not kept: a desk resumes them from the start after a restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from server.db import make_engine
from server.migrate import current_revision
from server.models.meta import ServerInstance
from server.ops.manifest import BLOBS, PG_FILE, SQLITE_FILE, BackupError, Manifest, database_kind, libpq, sha256_file
from server.ops.manifest import version as casedesk_version
from server.settings import Settings


def _describe(engine: Engine) -> tuple[str, str]:
    """The schema revision and the server instance id of the database at ``engine``."""
    with engine.connect() as connection:
        revision = current_revision(connection)
        if revision is None:
            raise BackupError("the database has no CaseDesk schema (run `python -m server init-db` first)")
        instance = connection.execute(select(ServerInstance.instance_id).where(ServerInstance.id == 1)).scalar()
    return revision, instance or ""


def _sqlite_backup(url: str, target: Path) -> None:
    source_path = make_url(url).database
    if not source_path or not Path(source_path).is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)  # the online backup API: a consistent snapshot while others write
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()


def _pg_dump(url: str, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    dsn, env = libpq(url)
    done = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), "--dbname", dsn],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")


def _copy_blobs(source: Path, target: Path) -> list[Path]:
    """Every finished file under ``source`` (not the ``.incoming-*`` being written), as relative paths."""
    copied: list[Path] = []
    if not source.is_dir():
        return copied
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.startswith(".incoming-"):
            continue
        relative = path.relative_to(source)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
        copied.append(relative)
    return copied


def backup(settings: Settings, directory: Path) -> Manifest:
    """Write a backup of ``settings``' database and blobs into ``directory`` (new, or empty)."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new directory")
    url = settings.effective_database_url
    kind = database_kind(url)
    directory.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    if kind == "sqlite":
        _sqlite_backup(url, directory / SQLITE_FILE)
        engine = make_engine(f"sqlite:///{directory / SQLITE_FILE}", pool_size=1)  # describe the copy itself
    else:
        engine = make_engine(url, pool_size=1)  # the schema changes only when serve starts
    try:
        revision, instance = _describe(engine)
    finally:
        engine.dispose()
    if kind == "postgresql":
        _pg_dump(url, directory / PG_FILE)
    blobs = _copy_blobs(settings.blob_dir, directory / BLOBS)
    manifest = Manifest(
        database=kind,
        schema_revision=revision,
        server_instance_id=instance,
        created_at=started.isoformat(timespec="seconds"),
        casedesk_version=casedesk_version(),
    )
    database_file = manifest.database_file
    manifest.files[database_file] = sha256_file(directory / database_file)
    for relative in blobs:
        manifest.files[f"{BLOBS}/{relative.as_posix()}"] = sha256_file(directory / BLOBS / relative)
    manifest.write(directory)
    return manifest
