"""A small tus 1.0 client: create, PATCH chunks with checksums, resume from the server's offset.

The server is the authority on the offset: after any cut (no answer, 409 offset mismatch,
460 checksum mismatch) the client asks ``HEAD`` where to go on, and never starts from zero
on its own. Content is addressed by SHA-256.

A new upload is one ``POST /uploads`` carrying the first chunk (tus creation-with-upload) and
the file's SHA-256 in its metadata: a photo of one chunk is sent in one request, and a blob the
server already has for the caller is answered complete at once (the ``HEAD /blobs`` check
folded into the POST; its first chunk then went for nothing, a chunk at most). A chunk that is
the whole file carries no ``Upload-Checksum`` of its own: the file's SHA-256, checked by the
server on the last byte, is the same digest. The rest goes in PATCHes, each with its CRC-32 (a
garbled chunk is caught and sent again on its own; the SHA-256 vouches for the whole file).

A caller that does not know the file's SHA-256 (the desk always does: it hashes a photo when it is
taken) does not wait for it: the file is hashed on a thread while its first chunk goes, the
creation carries no ``sha256``, and the client compares its hash with the server's answer
(``Upload-Sha256``) on the last byte; other bytes stored (the file changed on the way, or a photo
sent whole, without a CRC-32, garbled — or refused as no image for that) send the file once more,
naming its hash, which the server then checks. A file of more than one chunk is asked about
(``HEAD /blobs``, on the hashing thread) once its hash is known, as the creation would have been,
and the rest left unsent when the server has it: the answer is taken before a PATCH when it is in,
and waited for before a second PATCH; a PATCH that ends the file goes while the question is still
open, and only its last piece (:data:`LAST_PIECE`) waits for the answer — a known blob stops it
there (:class:`_Gated`). On a fast link a known blob costs a chunk or two more, never the whole file,
rather than the link standing idle while a big file is hashed.

A file whose hash is known (the desk's) goes whole with its creation when the link is known to be
fast — the last fast request, within :data:`PACE_KEPT` seconds, says it sends the file within
:data:`WHOLE_WITHIN` and the file is within the ceiling —, once ``HEAD /blobs`` said the server does
not have it: a 40 MB file after a photo is one request. A 413 for it sets the ceiling it names.

A big file's chunks grow on a good link: a chunk that went in under :data:`GROW_BELOW` seconds
(the creation's first one too) doubles the next one, up to :data:`MAX_CHUNK` (the server's default
limit; a server that takes less says how much in its 413, and that is the ceiling from then on),
and once grown a rest within the ceiling goes whole rather than as chunks of its own when it is
within twice the chunk or the link sends it within :data:`WHOLE_WITHIN` at the pace of the request
before, so a 40 MB file on a fast link is two requests (4 MiB with the creation, then the rest)
rather than ten; any failure brings the chunk back to ``chunk_size``. A cut still costs at most the
chunk in flight, and a grown chunk is one the link sends in about a second at most.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from api_client.auth import Authenticator
from api_client.errors import ApiError, Cancelled, NotFound, Offline, Rejected
from casework.crc import crc32

TUS_VERSION = "1.0.0"
DEFAULT_CHUNK = 4 * 1024 * 1024  # a typical photo in one PATCH; a cut resends at most this much
MAX_CHUNK = 48 * 1024 * 1024  # what a chunk may grow to on a fast link (the server's default limit)
GROW_BELOW = 0.25  # seconds: a chunk sent faster than this doubles the next one
#: Seconds: once chunks have grown, a rest the link sends within this at the pace of the request
#: before goes whole — no longer than the doubled chunks' last could take (twice a chunk that went in
#: a quarter second, doubled: four times that), so a cut costs no more than it could before.
WHOLE_WITHIN = 4 * GROW_BELOW
#: Seconds a request's pace stands for the link: a file whose hash is known goes whole with its
#: creation when the last fast request, this recently, says the link sends it within WHOLE_WITHIN.
PACE_KEPT = 30.0
LAST_PIECE = 1024 * 1024  # of a chunk that ends the file, what waits for the answer about the blob
ProgressCallback = Callable[[int, int], None]


#: What an upload sends: bytes in memory (a sealed cache file is opened into a bytearray) or a file.
Data = bytes | bytearray | Path


class Source:
    """The bytes to send: in memory or a file on disk, read one chunk at a time."""

    def __init__(self, data: Data) -> None:
        self.data = data
        self.size = data.stat().st_size if isinstance(data, Path) else len(data)

    def read(self, offset: int, length: int) -> bytes | memoryview:
        """A chunk; from memory a view, not a copy (requests sends it as it is)."""
        if not isinstance(self.data, Path):
            return memoryview(self.data)[offset : offset + length]
        with self.data.open("rb") as handle:
            handle.seek(offset)
            return handle.read(length)

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for offset in range(0, self.size, DEFAULT_CHUNK):
            digest.update(self.read(offset, DEFAULT_CHUNK))
        return digest.hexdigest()


class _Hashing:
    """The source's SHA-256, computed on a thread (hashlib lets go of the interpreter lock) while
    the first chunk is on its way — and then, given ``known``, whether the server already has that
    blob (``HEAD /blobs``), asked on the same thread while chunks go: on a fast link neither keeps
    the link idle (a 40 MB file's hash takes longer than its first chunk's 4 MiB take to go)."""

    def __init__(self, source: Source, known: Callable[[str], bool] | None = None) -> None:
        self._source = source
        self._known = known
        self._digest: str | None = None
        self._answer: bool | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="upload-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._digest = self._source.sha256()
            if self._known is not None:
                self._answer = self._known(self._digest)
        except BaseException as exc:  # an unreadable file, no answer: raised in the caller's thread
            self._error = exc

    def answered(self) -> bool:
        """Whether :meth:`known` would answer without waiting."""
        return not self._thread.is_alive()

    def result(self) -> str:
        self._thread.join()
        if self._error is not None and self._digest is None:
            raise self._error
        assert self._digest is not None
        return self._digest

    def known(self) -> bool:
        """Whether the server has the blob (waits for the hash and the answer)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._answer is not None
        return self._answer


#: One thread for every upload's next chunk (the CRC-32 and a file's read let go of the interpreter lock).
_AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload-ahead")


class _Ahead:
    """The next chunk, read and its CRC-32 computed on a thread while the one before it is on its
    way — for each length it may have (the same, grown, or the whole rest), shortest first, each
    ready as soon as its own CRC is (the longest is not waited for to send a shorter one); taken
    only if it is the one to send."""

    def __init__(self, source: Source, offset: int, sizes: Iterable[int]) -> None:
        self.offset = offset
        self._lengths = sorted({min(size, source.size - offset) for size in sizes})
        self._data: bytes | memoryview = b""
        self._crcs: dict[int, int] = {}
        self._ready = {length: threading.Event() for length in self._lengths}
        _AHEAD.submit(self._run, source)

    def _run(self, source: Source) -> None:
        try:
            self._data = source.read(self.offset, self._lengths[-1])
            view = memoryview(self._data)
            crc = done = 0
            for length in self._lengths:  # one pass: the shorter chunk's CRC is on the way to the longer's
                crc = crc32(view[done:length], crc)
                self._crcs[length], done = crc, length
                self._ready[length].set()
        finally:  # a file that cannot be read now: read (and fail) in the caller's thread
            for ready in self._ready.values():
                ready.set()

    def take(self, offset: int, length: int) -> tuple[bytes | memoryview, int] | None:
        ready = self._ready.get(length) if offset == self.offset else None
        if ready is None:
            return None
        ready.wait()
        crc = self._crcs.get(length)
        if crc is None:
            return None
        data = self._data
        return (data if len(data) == length else memoryview(data)[:length]), crc


class _Known(Exception):
    """The server has the blob: a chunk that would have completed it was stopped before its end."""


class _Gated:
    """A chunk that ends the file, sent while the server is still being asked whether it has the
    blob: all of it but its last piece goes at once, and the last piece waits for the answer —
    ``known()``; true stops the request there (:class:`_Known`: the connection is dropped, the
    server keeps none of the chunk, as after any cut). So the answer is not waited for with the
    link idle, and a blob the server has is still never sent whole."""

    def __init__(self, chunk: bytes | memoryview, known: Callable[[], bool]) -> None:
        self._chunk, self._known = chunk, known

    def __len__(self) -> int:  # the request's Content-Length
        return len(self._chunk)

    def __iter__(self) -> Iterator[memoryview]:
        view = memoryview(self._chunk)
        end = max(0, len(view) - LAST_PIECE)
        if end:
            yield view[:end]
        if self._known():
            raise _Known()
        yield view[end:]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class Uploader:
    """Uploads blobs through ``/uploads`` (tus 1.0) on behalf of a signed-in user."""

    def __init__(
        self,
        auth: Authenticator,
        chunk_size: int = DEFAULT_CHUNK,
        max_failures: int = 5,
        backoff: float = 0.2,
        max_chunk: int | None = None,
    ) -> None:
        self.auth = auth
        self.chunk_size = chunk_size
        #: How far chunks may grow on a fast link (None: to MAX_CHUNK from the default chunk size;
        #: a chunk size the caller chose stays as chosen).
        self.max_chunk = max_chunk
        self.max_failures = max_failures
        self.backoff = backoff
        self._pace: tuple[float, float] | None = None  # bytes a second of the last fast request, and when

    def blob_known(self, sha256: str) -> bool:
        """Whether the server already holds this content for the caller (``HEAD /blobs/{sha}`` is 200)."""
        try:
            self.auth.request("HEAD", f"/blobs/{sha256}")
        except NotFound:
            return False
        return True

    def create(self, size: int, sha256: str | None, first: bytes | memoryview = b"") -> tuple[str, int]:
        """Start an upload, with its ``first`` chunk if any; returns its URL (persist it to resume
        after a restart) and the server's offset (``size`` when the server needs nothing more).
        Without ``sha256`` the server checks nothing against it (nor knows the blob): the caller
        compares the ``Upload-Sha256`` of the last answer with its own hash."""
        url, offset, _ = self._create(size, sha256, first)
        return url, offset

    def _create(self, size: int, sha256: str | None, first: bytes | memoryview) -> tuple[str, int, str | None]:
        headers = {"Tus-Resumable": TUS_VERSION, "Upload-Length": str(size)}
        if sha256 is not None:
            headers["Upload-Metadata"] = f"sha256 {_b64(sha256.encode())}"
        if first:
            headers.update(_chunk_headers(first, whole=len(first) == size))
        response = self.auth.request("POST", "/uploads", data=first or None, headers=headers)
        location = self.auth.url(_header(response, "Location"))
        return location, int(_header(response, "Upload-Offset")), response.headers.get("Upload-Sha256")

    def offset(self, url: str) -> int:
        """The server's offset for the upload at ``url``."""
        return self._offset(url)[0]

    def _offset(self, url: str) -> tuple[int, str | None]:
        """The server's offset, and the blob's address once the upload is complete."""
        response = self.auth.request("HEAD", url, headers={"Tus-Resumable": TUS_VERSION})
        return int(_header(response, "Upload-Offset")), response.headers.get("Upload-Sha256")

    def terminate(self, url: str) -> None:
        """Abandon an upload (tus termination)."""
        self.auth.request("DELETE", url, headers={"Tus-Resumable": TUS_VERSION})

    def _patch(
        self,
        url: str,
        offset: int,
        chunk: bytes | memoryview,
        total: int,
        crc: int | None = None,
        known: Callable[[], bool] | None = None,
    ) -> tuple[int, str | None]:
        """Send ``chunk`` at ``offset``; with ``known``, a chunk that ends the file waits before its
        last piece for whether the server has the blob (:class:`_Gated`)."""
        headers = {"Tus-Resumable": TUS_VERSION, "Upload-Offset": str(offset)}
        # A chunk that is the whole file goes unchecked only when the creation named the file's
        # SHA-256 — which a PATCH cannot tell: the CRC-32 then, always (four bytes of header).
        headers.update(_chunk_headers(chunk, whole=False, crc=crc))
        body: bytes | memoryview | _Gated = chunk if known is None else _Gated(chunk, known)
        response = self.auth.request("PATCH", url, data=body, headers=headers)
        return int(_header(response, "Upload-Offset")), response.headers.get("Upload-Sha256")

    def upload(
        self,
        data: Data,
        *,
        sha256: str | None = None,
        upload_url: str | None = None,
        on_progress: ProgressCallback | None = None,
        on_created: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> str:
        """Send ``data`` unless the server has it; returns its SHA-256 (the address for ``attach_photo``).

        ``upload_url`` continues an earlier upload (from ``on_created`` or :class:`Cancelled`).
        ``on_progress(sent, total)`` follows the server's offset. Setting ``cancel`` stops before
        the next chunk with :class:`Cancelled`, which carries the URL to resume from.
        """
        source = Source(data)
        total = source.size
        # While the first chunk goes; a file of more chunks is then asked about (see _Hashing).
        asks = self.blob_known if total > self.chunk_size else None
        hashing = _Hashing(source, asks) if sha256 is None else None
        progress = on_progress or (lambda sent, size: None)
        chunk = self.chunk_size
        ceiling = self.max_chunk or (MAX_CHUNK if chunk == DEFAULT_CHUNK else chunk)
        ahead: _Ahead | None = None
        pace: float | None = None  # bytes a second of the last request, when it went fast
        first = self._first_length(chunk, ceiling, total, sha256) if upload_url is None else chunk
        if upload_url is None:
            progress(0, total)  # a new upload: its first chunk goes with the creation
            if first > chunk and sha256 is not None and self.blob_known(sha256):  # asked before it goes whole
                progress(total, total)
                return sha256
            if total > first:  # the first PATCH's chunk, at any length it may have, made ready meanwhile
                ahead = _Ahead(source, first, self._lengths(chunk, ceiling, total - first))
        started = time.monotonic()
        try:
            url, offset, stored = self._start(source, sha256, upload_url, first)
        except ApiError as exc:
            self._pace = None  # a failure: the link is not known to be fast any more
            if first > chunk and exc.status == 413 and exc.code != "beyond_length":
                # The whole file was more than this server (or a proxy before it) takes at once.
                self.max_chunk = _limit(exc, self.chunk_size, first)
                return self.upload(data, sha256=sha256, on_progress=on_progress, on_created=on_created, cancel=cancel)
            if hashing is None or exc.status != 415 or source.size > self.chunk_size:
                raise
            # A whole file sent with neither its hash nor a CRC-32, refused for what it is: garbled
            # on the way, or truly so. Once more, naming its hash (the server checks that first).
            return self.upload(data, sha256=hashing.result(), on_progress=on_progress, on_created=on_created)
        took = time.monotonic() - started
        if upload_url is None and offset and took < GROW_BELOW:
            chunk = max(chunk, min(chunk * 2, ceiling))  # the creation's chunk went in fast: it counts
            pace = offset / max(took, 1e-6)
        if upload_url is None:
            self._pace = None if pace is None else (pace, time.monotonic())
        if offset < total and (ahead is None or ahead.offset != offset):  # a resumed upload
            ahead = _Ahead(source, offset, self._lengths(chunk, ceiling, total - offset))
        if on_created is not None:
            on_created(url)
        # Whether the server has the blob: what the creation would have answered had it named the
        # hash. Taken before a PATCH when the answer is in, and waited for before a second PATCH;
        # a PATCH that ends the file goes while the question is open, its last piece held for the
        # answer (_Gated). On a fast link a known blob costs the creation's chunk and one PATCH's at
        # most (never the whole file), and the link does not stand idle while a big file is hashed.
        asking = hashing if hashing is not None and asks is not None and offset < total else None
        sent_from = offset
        progress(offset, total)
        failures = 0
        while offset < total:
            if cancel is not None and cancel.is_set():
                raise Cancelled(upload_url=url)
            if asking is not None and (asking.answered() or offset > sent_from):  # in, or a PATCH went unasked
                if self._stored_already(asking, url):
                    progress(total, total)
                    return asking.result()
                asking = None
            started = time.monotonic()
            length = self._length(chunk, ceiling, total - offset, pace)
            taken = ahead.take(offset, length) if ahead is not None else None
            piece, crc = taken if taken is not None else (source.read(offset, length), None)
            # The next chunk, at any length it may have, made ready while this one goes.
            ahead = (
                _Ahead(source, offset + length, self._lengths(chunk, ceiling, total - offset - length))
                if offset + length < total
                else None
            )
            known = asking.known if asking is not None and offset + length == total else None
            try:
                offset, stored = self._patch(url, offset, piece, total, crc, known)
                failures = 0
                took = time.monotonic() - started
                pace = length / max(took, 1e-6) if took < GROW_BELOW else None
                self._pace = None if pace is None else (pace, time.monotonic())
                if pace is not None:
                    chunk = max(chunk, min(chunk * 2, ceiling))
            except _Known:  # the server has the blob: the chunk was stopped before its end
                with contextlib.suppress(ApiError):
                    self.terminate(url)
                progress(total, total)
                assert asking is not None
                return asking.result()
            except ApiError as exc:
                pace = self._pace = None
                if length > self.chunk_size and exc.status == 413 and exc.code != "beyond_length":
                    # This server (or a proxy before it) takes no bigger chunks: as big as it says it
                    # takes from now on, or ``chunk_size`` when it does not say.
                    self.max_chunk = ceiling = _limit(exc, self.chunk_size, length)
                    chunk = min(chunk, ceiling)
                    continue
                chunk = self.chunk_size
                if not _resumable(exc):
                    raise
                failures += 1
                before = offset
                offset, stored = self._recover(url, failures, exc)
                if exc.status == 460 and offset < before:
                    # Not a chunk garbled on the way: the whole file is not what its hash says, and
                    # the server began it again. Sending the same bytes again would not change that.
                    raise
            progress(offset, total)
        if hashing is None:
            assert sha256 is not None
            return sha256
        sha = hashing.result()
        if stored is None:  # complete before this call (a resumed upload): the server says as what
            stored = self._offset(url)[1]
        if stored != sha:
            # The server holds other bytes than the file now has (it changed while it went): once
            # more, naming the hash this time, which the server checks on the last byte.
            return self.upload(data, sha256=sha, on_progress=on_progress, on_created=on_created, cancel=cancel)
        return sha

    def _length(self, chunk: int, ceiling: int, rest: int, pace: float | None = None) -> int:
        """The next chunk's length: ``chunk`` — or, once chunks have grown (the link is fast), the
        whole rest when it is within the ceiling and within twice the chunk, or within what the link
        sends in :data:`WHOLE_WITHIN` at the ``pace`` of the request before: a rest cut into more
        requests would pay a request's fixed cost each (a 40 MB file: 4 MiB with the creation, then
        the rest, rather than 4, 8 and 26 MiB). On a link that has not shown itself fast no chunk
        is longer than ``chunk_size``."""
        quick = rest <= 2 * chunk or (pace is not None and rest <= pace * WHOLE_WITHIN)
        if chunk > self.chunk_size and rest <= ceiling and quick:
            return rest
        return min(chunk, rest)

    def _first_length(self, chunk: int, ceiling: int, total: int, sha256: str | None) -> int:
        """The creation's chunk: ``chunk`` — or the whole file when its hash is known (the server
        checks the file against it, and a blob it has was asked about first) and the last fast
        request, within :data:`PACE_KEPT`, says the link sends it within :data:`WHOLE_WITHIN`, as a
        grown chunk would go: a 40 MB file after a photo on a fast link is one request, not two. A
        cut costs what any grown chunk can: about a second of the link."""
        if sha256 is None or self._pace is None or not chunk < total <= ceiling:
            return min(chunk, total)
        pace, when = self._pace
        if time.monotonic() - when > PACE_KEPT or total > pace * WHOLE_WITHIN:
            return chunk
        return total

    def _lengths(self, chunk: int, ceiling: int, rest: int) -> tuple[int, ...]:
        """The lengths the next chunk may have: as this one, or grown (see :meth:`_length`), or the
        whole rest should this chunk go fast enough to send it next."""
        grown = max(chunk, min(chunk * 2, ceiling))
        lengths = {self._length(size, ceiling, rest) for size in (chunk, grown)}
        if grown > self.chunk_size and rest <= ceiling:
            lengths.add(rest)
        return tuple(lengths)

    def _stored_already(self, asking: _Hashing, url: str) -> bool:
        """Whether the server has the blob (then the begun upload is ended: the rest need not go)."""
        if not asking.known():
            return False
        with contextlib.suppress(ApiError):
            self.terminate(url)
        return True

    def _start(
        self, source: Source, sha: str | None, upload_url: str | None, first: int
    ) -> tuple[str, int, str | None]:
        """The upload to continue, its server offset and, when complete, the blob's address; a new
        upload (its ``first`` bytes with the creation) when the old URL is gone or expired."""
        if upload_url is not None:
            upload_url = self._here(upload_url)
            try:
                return upload_url, *self._offset(upload_url)
            except (NotFound, Rejected) as exc:  # 404 unknown, 410 expired
                if isinstance(exc, Rejected) and exc.status != 410:
                    raise
        piece = source.read(0, first)
        for failures in range(1, self.max_failures + 2):
            try:
                return self._create(source.size, sha, piece)
            except ApiError as exc:
                # Garbled on the way (460) or turned away busy (503, nothing created): that chunk again.
                if exc.status not in (460, 503) or failures > self.max_failures:
                    raise
                time.sleep(max(self.backoff * (failures - 1), exc.retry_after or 0.0))
        raise AssertionError("unreachable")

    def _here(self, url: str) -> str:
        """An upload begun when the server had another address (the bundled server on a new port):
        the same upload at this server's address."""
        base = self.auth.base_url
        if url.startswith(f"{base}/") or "/uploads/" not in url:
            return url
        return f"{base}/uploads/{url.rsplit('/uploads/', 1)[1]}"

    def _recover(self, url: str, failures: int, cause: ApiError) -> tuple[int, str | None]:
        """Ask the server where to go on, waiting a little more after each failure."""
        while True:
            if failures > self.max_failures:
                raise cause
            time.sleep(max(self.backoff * (failures - 1), cause.retry_after or 0.0))
            try:
                return self._offset(url)
            except Offline as exc:
                failures, cause = failures + 1, exc


def _chunk_headers(chunk: bytes | memoryview, whole: bool, crc: int | None = None) -> dict[str, str]:
    """A chunk's headers: its CRC-32 (a garbled chunk is refused and sent again, that chunk only;
    ``crc`` when already computed), but none for a chunk that is the whole file — the file's
    SHA-256 (the upload's address, which the server checks on the last byte) is the stronger check
    of the same bytes."""
    headers = {"Content-Type": "application/offset+octet-stream"}
    if not whole:
        value = crc32(chunk) if crc is None else crc
        headers["Upload-Checksum"] = f"crc32 {_b64(value.to_bytes(4, 'big'))}"
    return headers


def _limit(refused: ApiError, smallest: int, length: int) -> int:
    """The largest chunk a 413 says the server takes (its ``limit``), at least ``smallest`` and
    below the ``length`` it refused; ``smallest`` when it says nothing usable."""
    limit = refused.detail.get("limit") if isinstance(refused.detail, dict) else None
    if not isinstance(limit, int) or isinstance(limit, bool) or not smallest <= limit < length:
        return smallest
    return limit


def _header(response: Any, name: str) -> str:
    """A header tus requires; missing means the answer was cut on the way (ask again)."""
    value = response.headers.get(name)
    if value is None or (not value.strip().lstrip("-").isdigit() and name == "Upload-Offset"):
        raise Offline("garbled_answer", "服务器的回答不完整，稍后将自动重试", "The server's answer arrived incomplete")
    return str(value)


def _resumable(error: ApiError) -> bool:
    """No answer, an offset mismatch (409), a checksum mismatch (460) or a busy server (503, after
    its Retry-After): ask HEAD and go on."""
    return isinstance(error, Offline) or error.status in (409, 460, 503)
