"""A tus chunk as it arrives: written to disk and hashed piece by piece, before any lane is taken.

The body is never held whole in memory nor read again: each piece the connection delivers is
written to a file and fed to the chunk's checksum and to the file's running SHA-256, so that by
the last byte the chunk is on disk (not yet durable) and both digests are done — the work
overlaps the transfer, as a plain upload's write does. A creation's first chunk is written
straight into the new upload's own file (nobody knows its id yet). A PATCH's is written in place
too — appended to the upload's file — when it starts where that file ends and it gets the file's
lock (``flock``, held until the request is over): the checks (owner, offset, checksum) come after,
under the upload's row lock (:func:`server.uploads.service.append`), and a refused or cut chunk is
cut off again, so the file never loses a byte it held and holds nothing twice. Otherwise (the file
is locked by another request for the same upload, its length differs from the offset named, no
``flock`` on this system) the chunk goes to a file of its own and is copied in under the row lock
(``_copy_into``, which takes the lock too, and leaves a holder that never lets go — a request
whose client is gone — writing into a file no longer the upload's). Two requests for one upload
never interleave their bytes, and a refused chunk leaves nothing behind.

A creation's chunk, the upload's file already, starts its fsync as soon as its last byte is in —
and, when it is the whole file, the check of what the file is (:func:`server.blobs.media.validate`)
— on threads of their own, while the request waits for a lane and its token is checked: the
offset is still recorded only once the fsync is done (:meth:`Incoming.durable`), as before, but the
disk's flush no longer waits for the database work nor the other way round.

The bytes of a chunk that is the upload's own file (a creation's, a PATCH's in place) are handed to
the disk as they come: after each batch is written, the kernel is asked to begin writing it out
(Linux ``sync_file_range(SYNC_FILE_RANGE_WRITE)``, which only starts write-back and waits for
nothing), so the fsync at the last byte finds most of the chunk on its way to the disk already and
has only the tail left. The fsync is still what the offset waits for; elsewhere nothing is asked.
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import os
import re
import secrets
import sys
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

import anyio
from starlette.requests import Request

try:
    import fcntl
except ImportError:  # Windows: every PATCH goes through a file of its own
    fcntl = None  # type: ignore[assignment]

from casework.crc import crc32
from server.blobs.media import RejectedBlob, validate
from server.settings import Settings


class _Crc32:
    """CRC-32 with hashlib's interface (big-endian digest, as tusd reads it); zlib-ng's
    (:mod:`casework.crc`: a quarter of zlib's CPU, the same value)."""

    def __init__(self) -> None:
        self.value = 0

    def update(self, piece: bytes) -> None:
        self.value = crc32(piece, self.value)

    def digest(self) -> bytes:
        return self.value.to_bytes(4, "big")


#: Per-chunk checksums (tus checksum extension), each a running digest: sha1 because it is what tus
#: clients send by default; crc32 because it is three times cheaper than a hash and catches what a
#: link garbles — the file's SHA-256, checked on the last byte, is what vouches for the whole.
CHECKSUMS: dict[str, Any] = {"sha256": hashlib.sha256, "sha1": hashlib.sha1, "crc32": _Crc32}


BATCH = 1024 * 1024  # bytes written and hashed at a time, off the event loop

_SYNC_FILE_RANGE_WRITE = 2  # <linux/fs.h>: begin write-back of the range's dirty pages, wait for none


def _sync_file_range() -> Any | None:
    """libc's ``sync_file_range`` (Linux; no binding in :mod:`os`), or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


_SYNC_FILE_RANGE = _sync_file_range()


def begin_write_back(descriptor: int, offset: int, length: int) -> None:
    """Ask the disk to begin taking bytes ``[offset, offset + length)`` of the file now (see the
    module's docstring): durability is still the fsync's, this only gives it less to wait for."""
    if _SYNC_FILE_RANGE is not None and length > 0:
        _SYNC_FILE_RANGE(descriptor, offset, length, _SYNC_FILE_RANGE_WRITE)  # a failure: the fsync does it all


#: Upload id → (offset, SHA-256 of the file's bytes before it), for uploads this worker receives.
_RUNNING: OrderedDict[str, tuple[int, Any]] = OrderedDict()
_RUNNING_LOCK = threading.Lock()
_RUNNING_MAX = 256  # uploads in progress a worker keeps a digest for (older ones: read again)


def running(upload_id: str, offset: int) -> Any | None:
    """A copy of the digest of bytes ``[0, offset)``, if this worker holds exactly that one."""
    if offset == 0:
        return hashlib.sha256()
    with _RUNNING_LOCK:
        held = _RUNNING.get(upload_id)
    return held[1].copy() if held is not None and held[0] == offset else None


def keep_running(upload_id: str, offset: int, digest: Any | None) -> None:
    with _RUNNING_LOCK:
        _RUNNING.pop(upload_id, None)
        if digest is not None:
            _RUNNING[upload_id] = (offset, digest)
            while len(_RUNNING) > _RUNNING_MAX:
                _RUNNING.popitem(last=False)


#: Threads that flush a creation's chunk and check the file while its request waits for its lane:
#: mostly waiting on the disk, so more than the cores; a burst queues here (the offset waits for it).
_SETTLING = ThreadPoolExecutor(max_workers=8, thread_name_prefix="upload-settle")


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _media_type(path: Path, max_pixels: int) -> str | RejectedBlob:
    try:
        return validate(path, max_pixels)
    except RejectedBlob as rejected:
        return rejected


def part_path(settings: Settings, upload_id: str) -> Path:
    """The upload's own file: its bytes ``[0, offset)`` as recorded (and perhaps more, never kept)."""
    return settings.upload_dir / f"{upload_id}.part"


_UPLOAD_ID = re.compile("[0-9a-f]{32}")


def lock(descriptor: int) -> bool:
    """The upload file's lock, if no other request holds it (always, where there is no ``flock``)."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _in_place(settings: Settings, upload_id: Any, offset: int | None) -> int | None:
    """The upload's file open and locked at its end, if a PATCH at ``offset`` may be written into it."""
    if fcntl is None or offset is None or not isinstance(upload_id, str) or not _UPLOAD_ID.fullmatch(upload_id):
        return None
    try:
        descriptor = os.open(part_path(settings, upload_id), os.O_WRONLY | os.O_CLOEXEC)
    except OSError:  # no such upload (or complete): the ordinary way, which answers that
        return None
    # Not a file in the blob store already (a complete upload's, hard-linked there until its commit).
    found = os.fstat(descriptor) if lock(descriptor) else None
    if found is not None and found.st_size == offset and found.st_nlink == 1:
        os.lseek(descriptor, offset, os.SEEK_SET)
        return descriptor
    os.close(descriptor)  # and with it the lock
    return None


class Incoming:
    """One request's chunk on disk: where it is, how long, its digests."""

    def __init__(self, path: Path, upload_id: str | None, offset: int | None, descriptor: int | None = None) -> None:
        self.path = path
        #: The upload's file, open and locked, when a PATCH's chunk is written in place (at ``offset``).
        self.descriptor = descriptor
        self._began = offset  #: where the file ended when a chunk in place began (cut back there unless kept)
        self.upload_id = upload_id  #: the new upload's id (a creation); None for a PATCH
        self.offset = offset  #: where the client says the chunk goes (None: no valid header)
        self.size = 0
        self.checksum: tuple[str, Any] | None = None  #: the algorithm the client named, its running digest
        self.whole: Any | None = None  #: SHA-256 of the file's bytes up to this chunk's end, when known
        self.kept = False
        self._synced: Future[None] | None = None  #: the fsync begun when the last byte came
        self._checked: Future[str | RejectedBlob] | None = None  #: the file's check, begun then too

    def settle(self, whole_file: bool, max_pixels: int) -> None:
        """Begin the fsync (and, for a chunk that is the whole file, its check) off the lane."""
        if self.descriptor is not None:
            self._synced = _SETTLING.submit(os.fsync, self.descriptor)
        else:
            self._synced = _SETTLING.submit(_fsync, self.path)
        if whole_file:
            self._checked = _SETTLING.submit(_media_type, self.path, max_pixels)

    def durable(self) -> None:
        """Return once the chunk's bytes are on disk (its fsync, begun earlier or done now)."""
        if self._synced is not None:
            self._synced.result()
        elif self.descriptor is not None:
            os.fsync(self.descriptor)
        else:
            _fsync(self.path)

    def still_in_place(self) -> bool:
        """A chunk written in place is still the end of the upload's file (no other request put
        another file in its place: see :func:`server.uploads.service._copy_into`)."""
        assert self.descriptor is not None and self.offset is not None
        try:
            here = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(self.descriptor)
        return (here.st_dev, here.st_ino) == (mine.st_dev, mine.st_ino) and mine.st_size == self.offset + self.size

    def media_type(self, max_pixels: int) -> str:
        """What the file is (the chunk is the whole file), or :class:`RejectedBlob`."""
        found = self._checked.result() if self._checked is not None else validate(self.path, max_pixels)
        if isinstance(found, RejectedBlob):
            raise found
        return found

    def chunk_digest(self, algorithm: str) -> bytes | None:
        """The chunk's digest by ``algorithm``, if the client named that one."""
        if self.checksum is None or self.checksum[0] != algorithm:
            return None
        return bytes(self.checksum[1].digest())

    def keep(self) -> None:
        """The file is the upload's own now (a creation's first chunk): :meth:`close` leaves it."""
        self.kept = True

    def close(self) -> None:
        """Remove the file unless kept — once no thread reads it any more (called in the event loop:
        it never waits for them; the last of them removes it). A chunk written in place is cut off
        the upload's file unless kept, and the file's lock let go."""
        if self.kept and self.descriptor is None:
            return
        pending = [job for job in (self._synced, self._checked) if job is not None]
        if not pending:
            self._release()
            return

        def finished(_: Future[Any]) -> None:
            if all(job.done() for job in pending):
                self._release()  # perhaps twice (both finishing at once): harmless

        for job in pending:
            job.add_done_callback(finished)

    def _release(self) -> None:
        if self.descriptor is None:
            self.path.unlink(missing_ok=True)
            return
        descriptor, self.descriptor = self.descriptor, None
        if descriptor is None:
            return
        try:
            if not self.kept:  # the bytes after the offset named: never recorded, the file as it was
                os.ftruncate(descriptor, self._began or 0)
        finally:
            os.close(descriptor)  # and with it the lock


async def _settled(job: asyncio.Future[Any]) -> None:
    """Wait until ``job`` (a write on a thread) is over, whatever cancellation comes meanwhile — anyio's
    cancel scopes repeat theirs at every await (a client gone, a timeout, a shutdown): unshielded,
    the file would be closed under the write — and then raise the cancellation, if one came."""
    cancelled: BaseException | None = None
    while not job.done():
        with anyio.CancelScope(shield=True):
            try:
                await asyncio.wait([job])
            except asyncio.CancelledError as exc:  # a plain task.cancel(), which no scope shields
                cancelled = exc
    if cancelled is not None:
        raise cancelled


async def receive(request: Request) -> Incoming:
    """Take the body as it arrives (see the module's docstring); a cut removes what came."""
    settings = request.app.state.settings
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    if request.method == "POST":
        upload_id = secrets.token_hex(16)
        incoming = Incoming(part_path(settings, upload_id), upload_id, 0)
        whole: Any | None = hashlib.sha256()
    else:
        # The path is not validated yet: the id names a file only when it has an id's form.
        header = request.headers.get("upload-offset", "")
        offset = int(header) if header.isdigit() else None
        known = request.path_params.get("upload_id")
        descriptor = _in_place(settings, known, offset)
        if descriptor is not None:
            assert isinstance(known, str)  # an id's form: checked by _in_place
            incoming = Incoming(part_path(settings, known), None, offset, descriptor)
        else:
            incoming = Incoming(settings.upload_dir / f".in-{secrets.token_hex(16)}", None, offset)
        whole = running(known, offset) if isinstance(known, str) and offset is not None else None
    algorithm = request.headers.get("upload-checksum", "").partition(" ")[0]
    if algorithm in CHECKSUMS:
        # A first chunk's SHA-256 is the running digest's (the same bytes): not computed twice.
        same = algorithm == "sha256" and incoming.offset == 0 and whole is not None
        incoming.checksum = (algorithm, whole if same else CHECKSUMS[algorithm]())
    digests = [] if whole is None else [whole]
    if incoming.checksum is not None and incoming.checksum[1] is not whole:
        digests.append(incoming.checksum[1])

    # The upload's own file (not a file of the chunk's own, copied in later): its fsync comes at the last byte.
    own_file = incoming.upload_id is not None or incoming.descriptor is not None

    def absorb(handle: BinaryIO, pieces: list[bytes], more: bool = True) -> None:
        start = handle.tell() if own_file and more else 0
        for piece in pieces:
            handle.write(piece)
            for digest in digests:
                digest.update(piece)
        if own_file and more:  # (the last batch: its fsync follows at once)
            handle.flush()
            begin_write_back(handle.fileno(), start, handle.tell() - start)

    loop = asyncio.get_running_loop()
    absorbing: asyncio.Future[None] | None = None
    try:
        if incoming.descriptor is not None:
            opened = open(incoming.descriptor, "wb", closefd=False)  # noqa: SIM115  # (not truncated)
        else:
            opened = incoming.path.open("xb")
        with opened as handle:
            # Written and hashed on a thread a batch at a time (the write, hashlib and the CRC-32 let go of
            # the interpreter lock) while the event loop takes in the next batch.
            batch: list[bytes] = []
            batched = 0
            try:
                async for piece in request.stream():
                    batch.append(piece)
                    batched += len(piece)
                    if batched >= BATCH:
                        if absorbing is not None:
                            await absorbing
                        absorbing = loop.run_in_executor(None, absorb, handle, batch)
                        incoming.size += batched
                        batch, batched = [], 0
            finally:
                if absorbing is not None:  # never close the file under a write still running
                    await _settled(absorbing)
            if absorbing is not None:
                absorbing.result()  # the thread's error, if its write failed (a full disk)
            absorb(handle, batch, more=False)
            incoming.size += batched
    except BaseException:
        incoming.close()
        raise
    incoming.whole = whole
    if incoming.upload_id is not None and incoming.size:  # a creation's chunk: the upload's file
        length = request.headers.get("upload-length", "")
        incoming.settle(length == str(incoming.size), settings.max_image_pixels)
    elif incoming.descriptor is not None and incoming.size:  # a PATCH's, in place
        incoming.settle(False, settings.max_image_pixels)
    return incoming
