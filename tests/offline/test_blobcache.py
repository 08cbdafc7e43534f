"""The content-addressed blob cache: hashing, idempotence, refusing bad digests, crash leftovers."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from offline.atrest import CHUNK, HEADER_BYTES, TAG, new_key
from offline.blobcache import BlobCache

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache(tmp_path: Path) -> BlobCache:
    return BlobCache(tmp_path / "blobs")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_creates_its_directories(tmp_path: Path) -> None:
    BlobCache(tmp_path / "a" / "b")
    assert (tmp_path / "a" / "b" / "tmp").is_dir()
    assert (tmp_path / "a" / "b" / "thumbs").is_dir()


def test_put_stores_under_the_sha256(cache: BlobCache) -> None:
    data = b"photo of the broken street lamp"
    digest = cache.put(data)
    assert digest == sha(data)
    assert cache.path(digest) == cache.root / digest[:2] / digest
    assert cache.path(digest).read_bytes() == data
    assert cache.has(digest) and cache.read(digest) == data and cache.read_checked(digest) is not None
    assert list((cache.root / "tmp").iterdir()) == []


def test_put_is_idempotent(cache: BlobCache) -> None:
    digest = cache.put(b"same bytes")
    before = cache.path(digest).stat()
    assert cache.put(b"same bytes") == digest
    after = cache.path(digest).stat()
    # A rewrite would rename a new file into place: a different inode.
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert list((cache.root / "tmp").iterdir()) == []


def test_put_repairs_a_truncated_blob(cache: BlobCache) -> None:
    digest = cache.put(b"complete content")
    cache.path(digest).write_bytes(b"compl")
    assert cache.read_checked(digest) is None
    cache.put(b"complete content")
    assert cache.read_checked(digest) is not None


def test_put_file_streams_and_matches_put(cache: BlobCache, tmp_path: Path) -> None:
    data = bytes(range(256)) * (3 * 4096 + 1)  # a little over 3 MiB: several chunks and a partial one
    source = tmp_path / "scan.pdf"
    source.write_bytes(data)
    digest = cache.put_file(source)
    assert digest == sha(data) == cache.put(data)
    assert cache.read(digest) == data

    inode = cache.path(digest).stat().st_ino
    assert cache.put_file(source) == digest
    assert cache.path(digest).stat().st_ino == inode
    assert list((cache.root / "tmp").iterdir()) == []


def test_put_file_of_an_empty_file(cache: BlobCache, tmp_path: Path) -> None:
    (tmp_path / "empty").write_bytes(b"")
    assert cache.put_file(tmp_path / "empty") == sha(b"")


def test_verify_detects_corruption_and_absence(cache: BlobCache) -> None:
    digest = cache.put(b"original")
    cache.path(digest).write_bytes(b"tampered")
    assert cache.read_checked(digest) is None
    assert cache.read_checked(digest) is None
    assert cache.read_checked(sha(b"never stored")) is None
    assert not cache.has(sha(b"never stored"))
    with pytest.raises(FileNotFoundError):
        cache.read(sha(b"never stored"))


def test_a_sealed_blob_is_read_checked_in_one_pass_and_refused_when_changed(tmp_path: Path) -> None:
    """What an upload sends: a sealed file opens only as the bytes sealed under its name (a changed
    byte, a cut end, another blob's file put in its place: None), and is not hashed again."""
    cache = BlobCache(tmp_path / "sealed", new_key())
    data = bytes(range(256)) * 4096 * 3  # 3 MiB: three sealed chunks
    digest, other = cache.put(data), cache.put(b"another photo")
    assert cache.read_checked(digest) == data
    sealed = cache.path(digest).read_bytes()

    flipped = bytearray(sealed)
    flipped[len(sealed) // 2] ^= 1
    for changed in (bytes(flipped), sealed[: len(sealed) - 100], cache.path(other).read_bytes()):
        cache.path(digest).write_bytes(changed)
        assert cache.read_checked(digest) is None
    cache.path(digest).write_bytes(sealed)

    hashed: list[bytes] = []
    real = hashlib.sha256
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hashlib, "sha256", lambda *a: hashed.append(b"") or real(*a))
        assert cache.read_checked(digest) == data
    assert hashed == []  # the opening vouched for it


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK])
def test_a_sealed_blob_of_any_size_reads_whole_and_never_short(tmp_path: Path, size: int) -> None:
    """Read into one buffer, a sealed file is what the chunk-by-chunk opening gives; without its
    last chunk (a cut at a chunk's end: each chunk left authenticates), with a byte more or fewer,
    it is refused."""
    cache = BlobCache(tmp_path / "sealed", new_key())
    data = bytes(i % 251 for i in range(size))
    digest = cache.put(data)
    assert cache.read_checked(digest) == data == cache.read(digest)
    sealed = cache.path(digest).read_bytes()
    cut = [sealed[: -(TAG + size % CHUNK)]] if len(sealed) > HEADER_BYTES + TAG + size % CHUNK else []
    for changed in (*cut, sealed[:-1], sealed + b"\0", sealed[:HEADER_BYTES]):
        cache.path(digest).write_bytes(changed)
        assert cache.read_checked(digest) is None


def test_thumbnails_and_remove(cache: BlobCache) -> None:
    digest = cache.put(b"image")
    assert cache.thumbnail(digest) is None and not cache.has_thumbnail(digest)
    cache.put_thumbnail(digest, b"jpeg bytes")
    thumb = cache.root / "thumbs" / f"{digest}.jpg"
    assert cache.has_thumbnail(digest) and cache.thumbnail(digest) == b"jpeg bytes" == thumb.read_bytes()
    cache.put_thumbnail(digest, b"newer jpeg")
    assert thumb.read_bytes() == b"newer jpeg"

    cache.remove(digest)
    assert not cache.has(digest) and cache.thumbnail(digest) is None
    cache.remove(digest)  # already gone: fine
    assert list((cache.root / "tmp").iterdir()) == []


BAD_DIGESTS = [
    "",
    "../" * 21 + "a",
    "/etc/passwd",
    sha(b"x").upper(),
    sha(b"x")[:63],
    sha(b"x") + "0",
    sha(b"x") + "\n",
    "g" * 64,
    None,
]


@pytest.mark.parametrize("bad", BAD_DIGESTS)
@pytest.mark.parametrize(
    "call",
    [
        lambda c, s: c.has(s),
        lambda c, s: c.path(s),
        lambda c, s: c.read(s),
        lambda c, s: c.read_checked(s),
        lambda c, s: c.put_thumbnail(s, b"x"),
        lambda c, s: c.thumbnail(s),
        lambda c, s: c.has_thumbnail(s),
        lambda c, s: c.remove(s),
    ],
    ids=["has", "path", "read", "read_checked", "put_thumbnail", "thumbnail", "has_thumbnail", "remove"],
)
def test_refuses_anything_but_a_sha256(cache: BlobCache, call, bad) -> None:
    with pytest.raises(ValueError):
        call(cache, bad)
    assert sorted(p.name for p in cache.root.iterdir()) == ["thumbs", "tmp"]


_CHILD = """
import os, signal, sys
from pathlib import Path
from offline.atrest import CHUNK, HEADER_BYTES, TAG, new_key
from offline.blobcache import BlobCache

def die(*args):
    os.kill(os.getpid(), signal.SIGKILL)

cache = BlobCache(Path(sys.argv[1]))
setattr(os, sys.argv[2], die)
cache.put(b"attached while offline")
"""


@pytest.mark.parametrize("crash_at", ["fsync", "replace"], ids=["mid-write", "before-rename"])
def test_a_crash_leaves_only_a_temp_file(tmp_path: Path, crash_at: str) -> None:
    root = tmp_path / "blobs"
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CHILD), str(root), crash_at], cwd=ROOT, capture_output=True
    )
    assert child.returncode == -9, child.stderr.decode()

    cache = BlobCache(root)
    digest = sha(b"attached while offline")
    assert not cache.has(digest) and cache.read_checked(digest) is None
    assert not (root / digest[:2]).exists() or list((root / digest[:2]).iterdir()) == []
    assert len(list((root / "tmp").iterdir())) == 1

    assert cache.clean_temp() == 1
    assert list((root / "tmp").iterdir()) == []
    assert cache.clean_temp() == 0
    assert cache.put(b"attached while offline") == digest and cache.read_checked(digest) is not None
