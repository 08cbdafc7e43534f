"""``python -m server restore DIR``: a backup back into an empty database and data directory, checked.

In order: the manifest and every file's SHA-256; the schema revision (a backup from a newer
CaseDesk is refused); the target (an empty database, a data directory without blobs — restore
never overwrites); the database (SQLite: the backup API; PostgreSQL: ``pg_restore`` in one
transaction) and the blobs; the migrations up to this version's schema; then ``verify-audit``
and every blob's hash against its name. Stop the server while restoring.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from server.audit.service import verify
from server.blobs.store import BlobStore
from server.db import make_engine
from server.migrate import current_revision, head_revision, known_revisions, upgrade
from server.models.blobs import Blob
from server.ops.manifest import BLOBS, BackupError, Manifest, database_kind, libpq, sha256_file
from server.settings import Settings


@dataclass
class RestoreReport:
    manifest: Manifest
    schema_revision: str = ""  # after the migrations
    audit_records: int = 0
    audit_problems: list[str] = field(default_factory=list)
    blobs_checked: int = 0
    blob_problems: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.audit_problems and not self.blob_problems

    def summary(self) -> str:
        m = self.manifest
        lines = [
            f"restored the backup of {m.created_at} (server {m.server_instance_id}, schema {m.schema_revision})",
            f"schema now at {self.schema_revision}",
            f"{self.audit_records} audit records checked, {len(self.audit_problems)} problems",
            f"{self.blobs_checked} blobs checked, {len(self.blob_problems)} problems",
        ]
        return "\n".join(lines + [f"  {problem}" for problem in self.audit_problems + self.blob_problems])


def check_files(directory: Path, manifest: Manifest) -> None:
    """Every file the manifest lists is there with its checksum (the backup was copied whole, unchanged)."""
    if manifest.database_file not in manifest.files:
        raise BackupError(f"the manifest in {directory} lists no database file ({manifest.database_file})")
    bad = []
    for relative, digest in manifest.files.items():
        path = directory / relative
        if ".." in Path(relative).parts or Path(relative).is_absolute():
            raise BackupError(f"the manifest names a file outside the backup: {relative}")
        if not path.is_file():
            bad.append(f"{relative}: missing")
        elif sha256_file(path) != digest:
            bad.append(f"{relative}: checksum differs from the manifest's")
    if bad:
        shown = "\n  ".join(bad[:20]) + (f"\n  … and {len(bad) - 20} more" if len(bad) > 20 else "")
        raise BackupError(f"the backup in {directory} is damaged; nothing was restored:\n  {shown}")


def _check_target_empty(settings: Settings, kind: str) -> None:
    url = settings.effective_database_url
    if kind == "sqlite":
        path = Path(make_url(url).database or "")
        if path.exists() and path.stat().st_size > 0:
            raise BackupError(f"{path} already exists: restore into an empty data directory (move it away first)")
    else:
        engine = make_engine(url, pool_size=1)
        try:
            tables = inspect(engine).get_table_names()
        finally:
            engine.dispose()
        if tables:
            raise BackupError(
                f"the database {make_url(url).render_as_string()} is not empty ({len(tables)} tables): "
                "restore into a newly created database"
            )
    if settings.blob_dir.exists() and any(p.is_file() for p in settings.blob_dir.rglob("*")):
        raise BackupError(f"{settings.blob_dir} already holds blobs: restore into an empty data directory")


RESTORE_OPTIONS = ("--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction")


def _restore_database(settings: Settings, directory: Path, manifest: Manifest) -> None:
    url = settings.effective_database_url
    source = directory / manifest.database_file
    if manifest.database == "sqlite":
        target = Path(make_url(url).database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        restored = sqlite3.connect(target)
        try:
            with restored:
                backup_db.backup(restored)
        finally:
            restored.close()
            backup_db.close()
        return
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError("pg_restore is not installed (Debian: apt-get install postgresql-client)")
    dsn, env = libpq(url)
    done = subprocess.run(
        [pg_restore, *RESTORE_OPTIONS, "--dbname", dsn, str(source)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed (the database was left as it was): {done.stderr.strip()}")


def _restore_blobs(settings: Settings, directory: Path, manifest: Manifest) -> None:
    prefix = f"{BLOBS}/"
    for relative in manifest.files:
        if relative.startswith(prefix):
            target = settings.blob_dir / relative.removeprefix(prefix)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(directory / relative, target)


def check_blobs(session: Session, store: BlobStore) -> tuple[int, list[str]]:
    """Every blob the database names is on disk, with the bytes its name (SHA-256) and size say."""
    problems, checked = [], 0
    for sha256, size in session.execute(select(Blob.sha256, Blob.size).order_by(Blob.sha256)):
        checked += 1
        path = store.path(sha256)
        if not path.is_file():
            problems.append(f"blob {sha256}: missing")
        elif path.stat().st_size != size or sha256_file(path) != sha256:
            problems.append(f"blob {sha256}: its bytes do not match its hash")
    return checked, problems


def restore(settings: Settings, directory: Path) -> RestoreReport:
    manifest = Manifest.read(directory)
    check_files(directory, manifest)
    if manifest.schema_revision not in known_revisions():
        raise BackupError(
            f"the backup's schema (revision {manifest.schema_revision}) is newer than this CaseDesk's "
            f"(newest {head_revision()}): restore it with the CaseDesk version that made it, or a newer one"
        )
    kind = database_kind(settings.effective_database_url)
    if kind != manifest.database:
        raise BackupError(
            f"the backup is of a {manifest.database} database and the configured database is {kind}: "
            "restore into the same kind of database"
        )
    _check_target_empty(settings, kind)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    _restore_database(settings, directory, manifest)
    _restore_blobs(settings, directory, manifest)
    report = RestoreReport(manifest)
    engine = make_engine(settings.effective_database_url, pool_size=1)
    try:
        upgrade(engine)  # a backup from an older CaseDesk comes to this version's schema
        with engine.connect() as connection:
            report.schema_revision = current_revision(connection) or ""
        with Session(engine) as session:
            report.audit_records, problems = verify(session)
            report.audit_problems = [f"audit record {p.seq}: {p.problem}" for p in problems]
            report.blobs_checked, report.blob_problems = check_blobs(session, BlobStore(settings.blob_dir))
    finally:
        engine.dispose()
    return report
