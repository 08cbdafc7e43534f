"""A lost laptop gives nothing away: the profile's store and file cache are encrypted at rest.

Against a real server: a handler pulls an order with a citizen's name and phone, attaches a photo
offline, keeps a draft; then the profile's files are read as raw bytes, opened with plain SQLite,
with a wrong key, and — with no keyring at all — with the password alone. An old unencrypted
profile (made by a desk without a key, as an older CaseDesk kept it) is encrypted on first open
without losing its outbox, drafts or photos, also when the process is killed at any step of it.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PIL import Image

from api_client import CaseDeskClient
from casework.lifecycle import Command
from casework.schemas import OnsiteCheckBody, SignBody, UserOut
from desktop.profile_key import (
    KEY_FILE,
    KEYRING_SERVICE,
    ProfileKeyLost,
    ProfileLocked,
    forget_profile_key,
    keyring_entries,
    profile_key,
    rewrap_profile_key,
)
from desktop.session import WrongOfflinePassword, sign_in
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from offline import open_store
from offline.atrest import new_key
from offline.blobcache import BlobCache
from offline.db import WrongStoreKey, is_plain
from offline.files import keep
from offline.photos import prepare_file
from tests.fixtures.keyring import MemoryKeyring
from tests.fixtures.server_process import PASSWORD, ServerProcess

# What tests/fixtures/server_process.py's new_order puts in every order: the citizen and where they live.
CITIZEN = ["王芳", "13912345678", "高邮市文汇路88号"]
DRAFT_TEXT = "回访王芳：13912345678，约定周三上午到现场"


def _photo(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _work_offline(ws: Workspace, order_id: int, colours: tuple[str, ...] = ("orange", "teal")) -> list[str]:
    """Sign the order, record an on-site check with photos, keep a draft: all left in the outbox."""
    ws.store.record(ws.actor, order_id, Command.SIGN, SignBody(version=ws.store.order(order_id)["version"]))
    files = [keep(ws.cache, prepare_file(_photo(colour), name=f"{colour}.jpg")) for colour in colours]
    body = OnsiteCheckBody(
        client_id=uuid.uuid4(),
        checked_at=datetime.now(UTC),
        notes=DRAFT_TEXT,
        photos=[{"sha256": f.sha256} for f in files],
    )
    ws.store.record(ws.actor, order_id, Command.RECORD_ONSITE_CHECK, body, files=files)
    ws.store.keep_draft(order_id, "reply", {"text": DRAFT_TEXT})
    return [f.sha256 for f in files]


def _leaks(root: Path) -> list[str]:
    """Every file of the profile as raw bytes: what in it a thief could read."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        found += [f"{path.name}: {text}" for text in CITIZEN if text.encode() in raw]
        if "约定周三上午".encode() in raw:  # the draft and the check's notes
            found.append(f"{path.name}: the draft")
        if raw.startswith(b"\xff\xd8\xff") or b"JFIF" in raw or raw.startswith(b"SQLite format 3"):
            found.append(f"{path.name}: a JPEG or SQLite file in the clear")
    return found


def _no_keyring() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())


def test_the_profile_holds_no_citizen_data_and_opens_offline_with_the_password_alone(
    server: ServerProcess, tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    order_id = server.new_order()
    home = tmp_path / "home"
    ws = sign_in(server.url, "handler", PASSWORD, home, TaskRunner())
    assert ws.sync_once().ok
    assert ws.store.order(order_id)["citizen"]["phone"] == "13912345678"  # the handler does see it
    assert order_id in [o["id"] for o in ws.store.orders(text="文汇路")]  # FTS5 trigram, encrypted
    shas = _work_offline(ws, order_id)
    root = ws.root
    ws.stop()

    assert memory_keyring.get_password(KEYRING_SERVICE, root.name) is not None
    assert keyring_entries(root) == [(KEYRING_SERVICE, root.name)]
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert "local.sqlite" in files and len([f for f in files if f.startswith("blobs/thumbs/")]) == 2
    assert _leaks(root) == []

    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(root / "local.sqlite").execute("SELECT count(*) FROM sqlite_master").fetchall()
    with pytest.raises(WrongStoreKey, match="key does not open"):
        open_store(root / "local.sqlite", new_key())
    assert BlobCache(root / "blobs", new_key()).read_checked(shas[0]) is None  # another key: refused, not garbage

    # Stolen with its keyring gone, or a desk that never had one: the password alone opens it, offline.
    forget_profile_key(root)
    _no_keyring()
    server.stop()
    try:
        with pytest.raises(WrongOfflinePassword):
            sign_in(server.url, "handler", "not-the-password", home, TaskRunner())
        desk = sign_in(server.url, "handler", PASSWORD, home, TaskRunner())
        try:
            assert not desk.status.online and desk.root == root
            assert desk.store.order(order_id)["citizen"]["name"] == "王芳"
            assert desk.status.pending == 2 and desk.store.draft(order_id, "reply")["content"]["text"] == DRAFT_TEXT
            assert desk.reads.blob(shas[0]) == _photo_bytes(desk, shas[0])
            assert desk.reads.thumbnail(shas[1]) is not None and desk.cache.read_checked(shas[1]) is not None
        finally:
            desk.stop()
    finally:
        server.start()


def _photo_bytes(ws: Workspace, sha: str) -> bytes:
    data = ws.cache.read(sha)
    assert data.startswith(b"\xff\xd8\xff")  # decrypted: a JPEG again
    return data


def test_a_new_password_wraps_the_key_anew_and_the_old_one_no_longer_opens_it(
    tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    root = tmp_path / "profile"
    key = profile_key(root, "old-pass-1")
    assert (root / KEY_FILE).exists() and key.hex() not in (root / KEY_FILE).read_text()
    rewrap_profile_key(root, "old-pass-1", "new-pass-2")

    forget_profile_key(root)
    _no_keyring()
    assert profile_key(root, "new-pass-2") == key
    forget_profile_key(root)
    with pytest.raises(ProfileLocked):
        profile_key(root)  # no keyring, no password
    with pytest.raises(ProfileKeyLost):
        profile_key(root, "old-pass-1")


# --- an old unencrypted profile ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_profile(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[str]]:
    """A profile as an older CaseDesk left it: unencrypted store (schema 5) with an outbox, a draft
    and cached photos with thumbnails."""
    order_id = server.new_order()
    client = CaseDeskClient(server.url, persist_session=False)
    user = client.login("handler", PASSWORD)
    root = tmp_path_factory.mktemp("plain") / "profile"
    ws = Workspace(client, user, root, TaskRunner(), online=True)  # no key: as before encryption
    assert ws.sync_once().ok
    shas = _work_offline(ws, order_id, ("red", "green", "blue"))
    ws.stop()
    assert is_plain(root / "local.sqlite") and _leaks(root)  # the test below can fail
    return root, order_id, shas


def _check_intact(root: Path, key: bytes, order_id: int, shas: list[str]) -> None:
    """Open the profile as a desk does (which finishes any migration) and find all the work."""
    client = CaseDeskClient("http://127.0.0.1:9", persist_session=False)
    store = open_store(root / "local.sqlite", key)
    me = store.me()
    store.close()
    assert me is not None
    ws = Workspace(client, UserOut.model_validate(me), root, TaskRunner(), online=False, key=key)
    try:
        assert [m["name"] for m in ws.store.outbox(order_id)] == ["sign", "record_onsite_check"]
        assert ws.store.draft(order_id, "reply")["content"]["text"] == DRAFT_TEXT
        assert order_id in [o["id"] for o in ws.store.orders(text="文汇路")]
        assert all(ws.cache.read_checked(sha) is not None and ws.cache.thumbnail(sha) is not None for sha in shas)
        assert ws.store.order(order_id)["citizen"]["name"] == "王芳"
    finally:
        ws.stop()
    assert _leaks(root) == []


def test_an_old_unencrypted_profile_is_encrypted_on_first_open_with_its_outbox(
    plain_profile: tuple[Path, int, list[str]], tmp_path: Path, memory_keyring: MemoryKeyring
) -> None:
    source, order_id, shas = plain_profile
    root = tmp_path / source.name
    shutil.copytree(source, root)
    key = profile_key(root, PASSWORD)  # a plain profile has no key yet: it gets one
    _check_intact(root, key, order_id, shas)
    _check_intact(root, key, order_id, shas)  # and opens again, encrypted


# The migration, killed at the n-th rename (1: the store's swap; then the photos and thumbnails one
# by one), just before or just after it.
_KILLED_MIGRATION = """
import os, signal, sys
from pathlib import Path
from offline.db import encrypt_plain
from offline.blobcache import BlobCache

root, key, at, when = Path(sys.argv[1]), bytes.fromhex(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
replace, calls = os.replace, [0]

def killing_replace(src, dst):
    calls[0] += 1
    if calls[0] == at and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    replace(src, dst)
    if calls[0] == at and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)

os.replace = killing_replace
encrypt_plain(root / "local.sqlite", key)
BlobCache(root / "blobs", key).seal_plain_files()
print("finished without being killed")
"""


@pytest.mark.parametrize("at", [1, 2, 4])
@pytest.mark.parametrize("when", ["before", "after"])
def test_a_migration_killed_at_any_step_loses_nothing(
    plain_profile: tuple[Path, int, list[str]], tmp_path: Path, at: int, when: str
) -> None:
    source, order_id, shas = plain_profile
    root = tmp_path / source.name
    shutil.copytree(source, root)
    key = new_key()
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_MIGRATION, str(root), key.hex(), str(at), when],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert is_plain(root / "local.sqlite") == (at == 1 and when == "before")
    _check_intact(root, key, order_id, shas)
