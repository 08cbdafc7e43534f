"""A content-addressed file cache for the photos and PDFs a user attaches while offline.

A blob is stored under its SHA-256, so the same photo attached twice is kept once, and the name
doubles as the upload key the server checks. Every write goes to ``tmp/`` first and is renamed into
place only after it reached the disk: a crash leaves a stray temp file, never a half-written blob
under its final name.

With a key (every desk's profile has one, see :mod:`offline.atrest`) each file — blob and
thumbnail — is sealed with AES-GCM on its way to ``tmp/`` and opened on every read: what lies on
the disk is never the photo. Without a key (tests, the benchmark's baseline) files are kept as is.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from offline.atrest import DecryptionFailed, fsync_dir, is_sealed, open_sealed, read_sealed, seal, sealed_size

_SHA256 = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1024 * 1024


class BlobCache:
    """Blobs under ``root/<sha[:2]>/<sha>``, thumbnails under ``root/thumbs/<sha>.jpg``."""

    def __init__(self, root: Path, key: bytes | None = None) -> None:
        self.root = Path(root)
        self._key = key
        self._tmp = self.root / "tmp"
        self._thumbs = self.root / "thumbs"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._thumbs.mkdir(exist_ok=True)

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256 hex; a blob already stored is not written again."""
        sha = hashlib.sha256(data).hexdigest()
        if not self._stored(sha, len(data)):
            self._install(self._write_temp([data], sha), self.path(sha))
        return sha

    def put_file(self, path: Path) -> str:
        """Like :meth:`put`, streaming so a large PDF is never held in memory (hashed in a first pass:
        a sealed file carries its name, the hash, in every chunk)."""
        digest = hashlib.sha256()
        size = 0
        with Path(path).open("rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
        sha = digest.hexdigest()

        def chunks() -> Iterable[bytes]:
            with Path(path).open("rb") as source:
                while chunk := source.read(_CHUNK):
                    yield chunk

        if not self._stored(sha, size):
            self._install(self._write_temp(chunks(), sha), self.path(sha))
        return sha

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def path(self, sha256: str) -> Path:
        """Where the blob lives (it may not exist); refuses anything but a SHA-256 hex digest.
        With a key the file there is sealed: read it with :meth:`read`."""
        _check(sha256)
        return self.root / sha256[:2] / sha256

    def read(self, sha256: str) -> bytes:
        """The blob's bytes; :class:`FileNotFoundError` when it is not cached,
        :class:`~offline.atrest.DecryptionFailed` when its sealed file does not authenticate."""
        return b"".join(self._open(self.path(sha256), sha256))

    def read_checked(self, sha256: str) -> bytes | bytearray | None:
        """The blob's bytes, or None when its file is missing or the disk changed it — what an upload
        sends, checked and read in one pass. A sealed file is not hashed again: it opens only as the
        bytes sealed under its name, the SHA-256 they were stored as, every chunk authenticated with
        its place and the file's end (:mod:`offline.atrest`). A file kept as is is hashed."""
        path = self.path(sha256)
        try:
            if self._key is not None:
                return read_sealed(self._key, sha256, path)
            data = path.read_bytes()
        except (FileNotFoundError, DecryptionFailed):
            return None
        return data if hashlib.sha256(data).hexdigest() == sha256 else None

    def put_thumbnail(self, sha256: str, data: bytes) -> None:
        """Store the JPEG thumbnail of blob ``sha256`` (made once, when the file was prepared)."""
        self._install(self._write_temp([data], _thumb_name(sha256)), self._thumb(sha256))

    def has_thumbnail(self, sha256: str) -> bool:
        return self._thumb(sha256).is_file()

    def thumbnail(self, sha256: str) -> bytes | None:
        """The cached thumbnail's JPEG bytes, or None (also when its file does not authenticate)."""
        try:
            return b"".join(self._open(self._thumb(sha256), _thumb_name(sha256)))
        except (FileNotFoundError, DecryptionFailed):
            return None

    def remove(self, sha256: str) -> None:
        """Forget the blob and its thumbnail; removing what is not there is fine."""
        self.path(sha256).unlink(missing_ok=True)
        self._thumb(sha256).unlink(missing_ok=True)

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

    def seal_plain_files(self) -> int:
        """Seal, one by one, the files an older CaseDesk kept unencrypted (needs a key); how many.

        Each file is sealed into ``tmp/`` and renamed over its plain copy: a crash at any point
        leaves every file either plain (sealed at the next start) or sealed, never lost.
        """
        if self._key is None:
            return 0
        count = 0
        for shard in sorted(self.root.iterdir()):
            if not shard.is_dir() or shard == self._tmp:
                continue
            for file in sorted(shard.iterdir()):
                name = file.name
                if shard == self._thumbs:
                    if not name.endswith(".jpg") or not _SHA256.fullmatch(name[:-4]):
                        continue
                elif not _SHA256.fullmatch(name):
                    continue
                with file.open("rb") as handle:
                    if is_sealed(handle.read(4)):
                        continue

                def plain(source: Path = file) -> Iterable[bytes]:
                    with source.open("rb") as handle:
                        while chunk := handle.read(_CHUNK):
                            yield chunk

                self._install(self._write_temp(plain(), name), file)
                count += 1
        return count

    def _thumb(self, sha256: str) -> Path:
        return self._thumbs / _thumb_name(sha256)

    def _open(self, path: Path, name: str) -> Iterable[bytes]:
        with path.open("rb") as handle:
            if self._key is None:
                while chunk := handle.read(_CHUNK):
                    yield chunk
            else:
                yield from open_sealed(self._key, name, handle)

    def _stored(self, sha: str, size: int) -> bool:
        # Only a renamed-into-place file can sit under the final name, so it is complete; the size
        # check still lets a truncated file (disk trouble) be repaired by putting it again.
        try:
            found = self.path(sha).stat().st_size
        except FileNotFoundError:
            return False
        return found == (size if self._key is None else sealed_size(size))

    def _write_temp(self, chunks: Iterable[bytes], name: str) -> Path:
        fd, temp = tempfile.mkstemp(dir=self._tmp, suffix=".part")
        tmp = Path(temp)
        try:
            with os.fdopen(fd, "wb") as handle:
                for piece in chunks if self._key is None else seal(self._key, name, chunks):
                    handle.write(piece)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp

    def _install(self, tmp: Path, target: Path) -> None:
        try:
            target.parent.mkdir()
            fsync_dir(target.parent.parent)  # make the new shard directory itself durable
        except FileExistsError:
            pass
        os.replace(tmp, target)
        fsync_dir(target.parent)


def _thumb_name(sha256: str) -> str:
    return f"{_check(sha256)}.jpg"


def _check(sha256: str) -> str:
    # The digest becomes a path: anything else could name "../" or an absolute path.
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lowercase SHA-256 hex digest: {sha256!r}")
    return sha256
