"""A content-addressed file cache for the photos and PDFs a user attaches while offline.

A blob is stored under its SHA-256, so the same photo attached twice is kept once, and the name
doubles as the upload key the server checks. Every write goes to ``tmp/`` first and is renamed into
place only after it reached the disk: a crash leaves a stray temp file, never a half-written blob
under its final name.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1024 * 1024


class BlobCache:
    """Blobs under ``root/<sha[:2]>/<sha>``, thumbnails under ``root/thumbs/<sha>.jpg``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._thumbs = self.root / "thumbs"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._thumbs.mkdir(exist_ok=True)

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256 hex; a blob already stored is not written again."""
        sha = hashlib.sha256(data).hexdigest()
        if not self._stored(sha, len(data)):
            self._install(self._write_temp([data]), self.path(sha))
        return sha

    def put_file(self, path: Path) -> str:
        """Like :meth:`put`, copying and hashing in one pass so a large PDF is never held in memory."""
        digest = hashlib.sha256()
        size = 0

        def chunks() -> Iterable[bytes]:
            nonlocal size
            with Path(path).open("rb") as source:
                while chunk := source.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    yield chunk

        tmp = self._write_temp(chunks())
        sha = digest.hexdigest()
        if self._stored(sha, size):
            tmp.unlink()
        else:
            self._install(tmp, self.path(sha))
        return sha

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def path(self, sha256: str) -> Path:
        """Where the blob lives (it may not exist); refuses anything but a SHA-256 hex digest."""
        _check(sha256)
        return self.root / sha256[:2] / sha256

    def read(self, sha256: str) -> bytes:
        """The blob's bytes; :class:`FileNotFoundError` when it is not cached."""
        return self.path(sha256).read_bytes()

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored file: False when it is missing or the disk changed it under us."""
        digest = hashlib.sha256()
        try:
            with self.path(sha256).open("rb") as stored:
                while chunk := stored.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256

    def put_thumbnail(self, sha256: str, data: bytes) -> Path:
        """Store the JPEG thumbnail of blob ``sha256`` (made once, when the file was prepared)."""
        target = self._thumbs / f"{_check(sha256)}.jpg"
        self._install(self._write_temp([data]), target)
        return target

    def thumbnail_path(self, sha256: str) -> Path | None:
        target = self._thumbs / f"{_check(sha256)}.jpg"
        return target if target.is_file() else None

    def remove(self, sha256: str) -> None:
        """Forget the blob and its thumbnail; removing what is not there is fine."""
        self.path(sha256).unlink(missing_ok=True)
        (self._thumbs / f"{sha256}.jpg").unlink(missing_ok=True)

    def clean_temp(self) -> int:
        """Delete temp files left by a crash and return how many.

        Call it at start-up, before any ``put``: a write in progress also lives in ``tmp/``.
        """
        count = 0
        for leftover in self._tmp.iterdir():
            if leftover.is_file():
                leftover.unlink(missing_ok=True)
                count += 1
        return count

    def _stored(self, sha: str, size: int) -> bool:
        # Only a renamed-into-place file can sit under the final name, so it is complete; the size
        # check still lets a truncated file (disk trouble) be repaired by putting it again.
        try:
            return self.path(sha).stat().st_size == size
        except FileNotFoundError:
            return False

    def _write_temp(self, chunks: Iterable[bytes]) -> Path:
        fd, name = tempfile.mkstemp(dir=self._tmp, suffix=".part")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp

    def _install(self, tmp: Path, target: Path) -> None:
        try:
            target.parent.mkdir()
            _fsync_dir(target.parent.parent)  # make the new shard directory itself durable
        except FileExistsError:
            pass
        os.replace(tmp, target)
        _fsync_dir(target.parent)


def _check(sha256: str) -> str:
    # The digest becomes a path: anything else could name "../" or an absolute path.
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lowercase SHA-256 hex digest: {sha256!r}")
    return sha256


def _fsync_dir(directory: Path) -> None:
    """Persist a rename; Windows cannot open a directory, and NTFS journals the rename itself."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
