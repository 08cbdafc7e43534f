"""Blobs on disk, stored under their SHA-256 only — never under a name a user chose."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path


class BlobStore:
    """A directory of files named by their hash, written atomically (temp, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def thumbnail_path(self, sha256: str) -> Path:
        return self.root / "thumbnails" / sha256[:2] / f"{sha256}.jpg"

    def adopt(self, source: Path, sha256: str) -> None:
        """Put a finished upload (already fsynced) in place under its hash, keeping ``source``.

        A hard link where the filesystem allows (no copy), else a copy written atomically. The
        upload's own file stays until its transaction has committed (the caller removes it):
        should the commit fail, the upload resumes from its recorded offset with its bytes.
        """
        target = self.path(sha256)
        if target.exists():  # content-addressed: the same bytes, from an attempt that did not commit
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        # Unique across hosts sharing the store (a process id is not: two containers' servers are both pid 7).
        incoming = target.with_name(f".incoming-{target.name}-{uuid.uuid4().hex}")
        try:
            os.link(source, incoming)
        except OSError:
            shutil.copyfile(source, incoming)
            with incoming.open("rb") as handle:
                os.fsync(handle.fileno())
        try:
            os.replace(incoming, target)
        except BaseException:
            incoming.unlink(missing_ok=True)
            raise

    def put(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest
