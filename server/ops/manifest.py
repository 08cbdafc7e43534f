"""The manifest of a backup directory: what it holds, each file's SHA-256, and where it came from."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_FILE = "database.sqlite3"  # the SQLite online backup API's copy
PG_FILE = "database.pgdump"  # pg_dump --format=custom
BLOBS = "blobs"  # the data directory's blobs/ (photos, attachments, thumbnails), as they were


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Manifest:
    database: str  # "sqlite" or "postgresql"
    schema_revision: str
    server_instance_id: str
    created_at: str  # ISO 8601, UTC
    casedesk_version: str
    files: dict[str, str] = field(default_factory=dict)  # path relative to the backup → sha256
    format: int = FORMAT

    @property
    def database_file(self) -> str:
        return SQLITE_FILE if self.database == "sqlite" else PG_FILE

    def write(self, directory: Path) -> None:
        body = {
            "format": self.format,
            "created_at": self.created_at,
            "casedesk_version": self.casedesk_version,
            "database": self.database,
            "schema_revision": self.schema_revision,
            "server_instance_id": self.server_instance_id,
            "files": dict(sorted(self.files.items())),
        }
        (directory / MANIFEST).write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        if not path.is_file():
            raise BackupError(f"{directory} is not a CaseDesk backup: it has no {MANIFEST}")
        try:
            body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(
                database=str(body["database"]),
                schema_revision=str(body["schema_revision"]),
                server_instance_id=str(body["server_instance_id"]),
                created_at=str(body["created_at"]),
                casedesk_version=str(body.get("casedesk_version", "")),
                files={str(k): str(v) for k, v in dict(body["files"]).items()},
                format=int(body["format"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise BackupError(f"{path} is damaged or not a CaseDesk manifest ({exc})") from exc
        if manifest.format != FORMAT:
            raise BackupError(f"{path} has backup format {manifest.format}; this CaseDesk reads format {FORMAT}")
        if manifest.database not in ("sqlite", "postgresql"):
            raise BackupError(f"{path} names an unknown database kind {manifest.database!r}")
        return manifest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def database_kind(url: str) -> str:
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """``url`` for pg_dump / pg_restore (no SQLAlchemy driver), and the environment carrying its password
    (so that it is not on a command line others can read)."""
    parsed = make_url(url).set(drivername="postgresql")
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return parsed.set(password=None).render_as_string(hide_password=False), env


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("casedesk")
    except PackageNotFoundError:
        return "unknown"
