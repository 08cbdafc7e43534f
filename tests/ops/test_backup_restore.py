"""``python -m server backup DIR`` / ``restore DIR`` on SQLite and PostgreSQL, with a real server writing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from casework.lifecycle import Command
from casework.schemas import AddNoteBody
from tests.fixtures.server_process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
PG_URL = os.environ.get("CASEDESK_TEST_PG_URL")


def server_cli(*args: str, data_dir: Path, database_url: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEDESK_DATA_DIR": str(data_dir)}
    env.pop("CASEDESK_DATABASE_URL", None)
    if database_url:
        env["CASEDESK_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "server", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


class Databases:
    """Empty PostgreSQL databases made for one test and dropped after it."""

    def __init__(self, admin_url: str) -> None:
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.admin_url = admin_url
        self.names: list[str] = []

    def new(self) -> str:
        name = f"casedesk_ops_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in self.names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[Databases | None]:
    """None for SQLite (the file in the data directory); a maker of empty PostgreSQL databases."""
    if request.param == "sqlite":
        yield None
        return
    if not PG_URL:
        pytest.skip("CASEDESK_TEST_PG_URL is not set")
    databases = Databases(PG_URL)
    try:
        yield databases
    finally:
        databases.drop_all()


def scalar(url: str, query: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query)).scalar()
    finally:
        engine.dispose()


def test_backup_while_notes_are_written_restores_consistently_into_an_empty_machine(
    tmp_path: Path, database: Databases | None
) -> None:
    source_url = database.new() if database else None
    server = ServerProcess(tmp_path / "source", orders=12, database_url=source_url)
    server.start()
    try:
        order_id = server.new_order("文汇路路灯不亮")
        agent = server.as_user("agent")
        written: list[int] = []
        failures: list[BaseException] = []
        stop = threading.Event()
        enough = threading.Event()

        def write_notes() -> None:  # a desk adding notes all through the backup
            while not stop.is_set():
                try:
                    body = AddNoteBody(client_id=uuid.uuid4(), text=f"第{len(written) + 1}条备注")
                    agent.command(order_id, Command.ADD_NOTE, body)
                except BaseException as exc:
                    failures.append(exc)
                    return
                written.append(len(written) + 1)
                if len(written) >= 5:
                    enough.set()

        writer = threading.Thread(target=write_notes, daemon=True)
        writer.start()
        assert enough.wait(60), failures
        before = len(written)
        done = server_cli("backup", str(tmp_path / "backup"), data_dir=tmp_path / "source", database_url=source_url)
        during = len(written) - before
        while len(written) < before + during + 3 and not failures:  # and some after it
            threading.Event().wait(0.05)
        stop.set()
        writer.join(30)
    finally:
        server.stop()
    assert not failures, failures
    assert done.returncode == 0, done.stderr
    assert during > 0, "no note was written while the backup ran: the test proves nothing"
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"] == ("postgresql" if database else "sqlite")
    assert manifest["schema_revision"] and manifest["server_instance_id"] and manifest["created_at"]
    blob_files = [name for name in manifest["files"] if name.startswith("blobs/")]
    assert len(blob_files) >= 5  # the demo city's photos and their thumbnails

    # An empty machine: a new data directory (and a new, empty database).
    target_dir = tmp_path / "restored"
    target_url = database.new() if database else None
    restored = server_cli("restore", str(tmp_path / "backup"), data_dir=target_dir, database_url=target_url)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "audit records checked, 0 problems" in restored.stdout
    assert f"{len([n for n in blob_files if '/thumbnails/' not in n])} blobs checked, 0 problems" in restored.stdout

    url = target_url or f"sqlite:///{target_dir / 'casedesk.db'}"
    assert scalar(url, "SELECT instance_id FROM server_instance") == manifest["server_instance_id"]
    notes = scalar(url, f"SELECT count(*) FROM notes WHERE order_id = {order_id}")
    assert isinstance(notes, int)
    assert before <= notes <= len(written)  # every note committed before the backup began, none invented
    for name in blob_files:
        assert (target_dir / name).read_bytes() == (tmp_path / "backup" / name).read_bytes()

    # The restored server serves the city: the agent sees the order with the restored notes.
    again = ServerProcess(target_dir, orders=12, database_url=target_url)  # seeds nothing: the city is there
    again.start()
    try:
        assert len(again.as_user("agent").order(order_id).notes) == notes
    finally:
        again.stop()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo city on SQLite, and its backup."""
    base = tmp_path_factory.mktemp("seeded")
    seeded = server_cli("seed-demo", "--orders", "6", data_dir=base / "data")
    assert seeded.returncode == 0, seeded.stderr
    done = server_cli("backup", str(base / "backup"), data_dir=base / "data")
    assert done.returncode == 0, done.stderr
    return base


def copy_backup(seeded: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(seeded / "backup", tmp_path / "backup"))


def test_backup_refuses_a_directory_that_is_not_empty(seeded: Path) -> None:
    done = server_cli("backup", str(seeded / "backup"), data_dir=seeded / "data")
    assert done.returncode == 2
    assert "is not empty" in done.stderr


def test_restore_refuses_a_damaged_backup_and_restores_nothing(seeded: Path, tmp_path: Path) -> None:
    backup = copy_backup(seeded, tmp_path)
    blob = next(p for p in (backup / "blobs").rglob("*") if p.is_file() and "thumbnails" not in p.parts)
    blob.write_bytes(blob.read_bytes()[:-1] + b"x")
    done = server_cli("restore", str(backup), data_dir=tmp_path / "target")
    assert done.returncode == 2
    assert "damaged" in done.stderr and "checksum differs" in done.stderr and blob.name in done.stderr
    assert not (tmp_path / "target" / "casedesk.db").exists()


def test_restore_refuses_a_missing_file_and_a_missing_manifest(seeded: Path, tmp_path: Path) -> None:
    backup = copy_backup(seeded, tmp_path)
    (backup / "database.sqlite3").unlink()
    done = server_cli("restore", str(backup), data_dir=tmp_path / "target")
    assert done.returncode == 2 and "database.sqlite3: missing" in done.stderr
    done = server_cli("restore", str(tmp_path), data_dir=tmp_path / "target")
    assert done.returncode == 2 and "not a CaseDesk backup" in done.stderr


def test_restore_refuses_a_backup_of_a_newer_schema(seeded: Path, tmp_path: Path) -> None:
    backup = copy_backup(seeded, tmp_path)
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["schema_revision"] = "9999"
    (backup / "manifest.json").write_text(json.dumps(manifest))
    done = server_cli("restore", str(backup), data_dir=tmp_path / "target")
    assert done.returncode == 2
    assert "revision 9999" in done.stderr and "newer than this CaseDesk" in done.stderr


def test_restore_never_overwrites_a_database_or_blobs(seeded: Path, tmp_path: Path) -> None:
    done = server_cli("restore", str(seeded / "backup"), data_dir=seeded / "data")
    assert done.returncode == 2 and "already exists" in done.stderr
    target = tmp_path / "target"
    (target / "blobs" / "ab").mkdir(parents=True)
    (target / "blobs" / "ab" / "some-file").write_bytes(b"x")
    done = server_cli("restore", str(seeded / "backup"), data_dir=target)
    assert done.returncode == 2 and "already holds blobs" in done.stderr


def test_restore_finds_a_tampered_audit_chain(seeded: Path, tmp_path: Path) -> None:
    """The manifest matches (made after the change), yet verify-audit catches the edited record."""
    backup = copy_backup(seeded, tmp_path)
    engine = create_engine(f"sqlite:///{backup / 'database.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET action = 'close' WHERE seq = 3"))
    engine.dispose()
    from server.ops.manifest import sha256_file

    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"]["database.sqlite3"] = sha256_file(backup / "database.sqlite3")
    (backup / "manifest.json").write_text(json.dumps(manifest))
    done = server_cli("restore", str(backup), data_dir=tmp_path / "target")
    assert done.returncode == 1
    assert "audit record 3" in done.stdout and "does NOT check out" in done.stderr


def test_restore_finds_a_blob_the_database_names_but_the_backup_lacks(seeded: Path, tmp_path: Path) -> None:
    backup = copy_backup(seeded, tmp_path)
    manifest = json.loads((backup / "manifest.json").read_text())
    name = next(n for n in manifest["files"] if n.startswith("blobs/") and "thumbnails" not in n)
    del manifest["files"][name]
    (backup / name).unlink()
    (backup / "manifest.json").write_text(json.dumps(manifest))
    done = server_cli("restore", str(backup), data_dir=tmp_path / "target")
    assert done.returncode == 1
    assert f"blob {Path(name).name}: missing" in done.stdout
    engine = create_engine(f"sqlite:///{tmp_path / 'target' / 'casedesk.db'}")
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(text("blobs"))).scalar()
    engine.dispose()
