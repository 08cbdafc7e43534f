"""Uploads that survive any cut: bytes are appended at the offset the database records.

A chunk arrives on disk already (:mod:`server.uploads.incoming`: written and hashed as it came,
before any lane was taken). Under the upload's row lock it is checked (offset, checksum), put in
place — a creation's first chunk is the upload's file already, so is a PATCH's written in place
(:mod:`server.uploads.incoming`), any other is copied in by the kernel — and fsynced before its
offset is recorded, so the offset the server reports never runs
ahead of what is on disk. The upload's file may run ahead of the recorded offset if the server
died between writing and committing; every append first cuts it back to the recorded offset, so
a resumed upload never holds bytes twice. On the last byte the file is checked (its SHA-256,
magic bytes, size, Pillow's decompression-bomb guard) and moved into the blob store under its hash.

The SHA-256 of the whole file is computed while the bytes arrive: a worker keeps the running
digest of the uploads it is receiving (:data:`server.uploads.incoming._RUNNING`, the bytes
``[0, offset)`` it covers), and a chunk that starts where it ends just extends it; a photo sent in
one request is hashed once, also when its ``Upload-Checksum`` is SHA-256. Only where the worker
does not hold the digest of exactly the recorded offset (the chunks went to another worker, it
restarted, a commit failed after the digest moved on) is the file read again at the end — the
digest is a shortcut, never the authority. A creation that names a blob the caller may already use
(its ``sha256`` and size) is complete at once: the ``HEAD /blobs`` check folded into the POST.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import secrets
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from casework.roles import Actor
from server.blobs.access import may_use
from server.blobs.media import RejectedBlob, validate
from server.blobs.store import BlobStore
from server.errors import ApiError, not_found
from server.models import Blob, Upload
from server.settings import Settings
from server.uploads.incoming import CHECKSUMS, Incoming, keep_running, lock, part_path


def parse_metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata: key base64,key2 base64`` → {key: text}."""
    metadata: dict[str, str] = {}
    for pair in (header or "").split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, value = pair.partition(" ")
        try:
            metadata[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, "bad_metadata", "上传元数据无效", "Upload-Metadata is not valid") from exc
    return metadata


def create(
    session: Session,
    actor: Actor,
    settings: Settings,
    length: int,
    metadata: dict[str, str],
    now: datetime,
    upload_id: str,
) -> Upload:
    """The upload ``upload_id`` (its file made by :func:`server.uploads.incoming.receive`)."""
    if length > settings.max_upload_bytes:
        raise ApiError(413, "too_large", "文件过大", "The file is too large", {"limit": settings.max_upload_bytes})
    sha = metadata.get("sha256")
    if sha is not None and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
        raise ApiError(400, "bad_metadata", "sha256 元数据无效", "The sha256 metadata is not valid")
    upload = Upload(
        id=upload_id,
        user_id=actor.user_id,
        length=length,
        offset=0,
        sha256=sha,
        metadata_={k: v[:200] for k, v in list(metadata.items())[:10]},
        expires_at=now + timedelta(hours=settings.upload_expiry_hours),
    )
    session.add(upload)
    if sha is not None and _known(session, actor, sha, length):
        upload.offset, upload.completed_sha256 = length, sha  # nothing to send: done at once
    return upload  # inserted with the first chunk's offset (one statement), or at the commit


def _known(session: Session, actor: Actor, sha: str, length: int) -> bool:
    """The blob is stored with this size and the caller may use it (what ``HEAD /blobs`` answers)."""
    blob = session.get(Blob, sha)
    return blob is not None and blob.size == length and may_use(session, actor, sha)


def get(session: Session, actor: Actor, upload_id: str, now: datetime, lock: bool = False) -> Upload:
    query = select(Upload).where(Upload.id == upload_id, Upload.user_id == actor.user_id)
    upload = session.scalar(query.with_for_update() if lock else query)
    if upload is None:
        raise not_found("上传", "upload")
    if upload.completed_sha256 is None and upload.expires_at <= now:
        raise ApiError(410, "upload_expired", "上传已过期，请重新上传", "The upload expired; start again")
    return upload


def append(
    session: Session, settings: Settings, store: BlobStore, upload: Upload, chunk: Incoming, checksum: str | None
) -> Upload:
    """Add the received ``chunk`` at the upload's recorded offset (the row is locked by the caller).

    The chunk is durable (fsync) before the new offset is recorded: the offset the server ever
    reports never runs ahead of the bytes on disk, and a crash loses at most the chunk in flight.
    """
    if chunk.offset != upload.offset or (upload.completed_sha256 is not None and chunk.size):
        # A complete upload takes no more bytes at any offset: the client resumes from the
        # server's offset (its length) and finds it done.
        raise _offset_mismatch(upload)
    if upload.completed_sha256 is not None:
        return upload
    if upload.offset + chunk.size > upload.length:
        raise ApiError(413, "beyond_length", "数据超出声明的长度", "More bytes than the declared length")
    if checksum is not None:
        algorithm, _, digest = checksum.partition(" ")
        if algorithm not in CHECKSUMS:
            raise ApiError(
                400, "checksum_algorithm", "只支持 sha256、sha1 或 crc32 校验", "Only sha256, sha1 and crc32 checksums"
            )
        found = chunk.chunk_digest(algorithm)
        if found is None or base64.b64encode(found).decode() != digest.strip():
            raise ApiError(
                460, "checksum_mismatch", "数据校验失败，请重发这一段", "Checksum mismatch; send this part again"
            )
    part = part_path(settings, upload.id)
    if chunk.path == part:  # a creation's first chunk or a PATCH's, written straight into the upload's file
        if chunk.descriptor is not None and not chunk.still_in_place():
            # Another request for this upload found the file locked by this one and went on in a
            # fresh copy (``_copy_into``), whose commit then failed: these bytes are not in it.
            raise _offset_mismatch(upload)
        chunk.durable()  # its fsync, begun when its last byte came
        chunk.keep()
        locked: contextlib.AbstractContextManager[Any] = contextlib.nullcontext()  # the chunk holds the lock
    else:
        locked = _copy_into(part, upload.offset, chunk.path)
    # The lock is held until the file is in the blob store (a hard link: the same file), so no
    # request writes into a stored blob in place (``incoming._in_place`` refuses a linked file).
    with locked:
        upload.offset += chunk.size
        whole = chunk.whole
        if upload.offset == upload.length:
            keep_running(upload.id, 0, None)
            _complete(session, settings, store, upload, part, whole, chunk if chunk.path == part else None)
        else:
            keep_running(upload.id, upload.offset, whole)
    session.flush()
    return upload


def _copy_into(part: Path, offset: int, source: Path) -> BinaryIO:
    """Append ``source`` at ``offset`` of ``part`` (in the kernel where it can), then fsync; the
    upload's file is returned open and locked (the caller closes it)."""
    target = _locked(part, offset)
    with contextlib.ExitStack() as closing, source.open("rb") as chunk:
        closing.callback(target.close)  # on an error; else the caller's
        if os.fstat(target.fileno()).st_size != offset:
            target.truncate(offset)  # drop bytes written before a crash but never recorded
        size = os.fstat(chunk.fileno()).st_size
        try:
            copied = 0
            while copied < size:
                step = os.copy_file_range(chunk.fileno(), target.fileno(), size - copied, copied, offset + copied)
                if step == 0:
                    raise OSError("copy_file_range made no progress")
                copied += step
        except (AttributeError, OSError):  # not Linux, or across file systems: through user space
            chunk.seek(0)
            target.seek(offset)
            target.truncate(offset)
            shutil.copyfileobj(chunk, target, 1024 * 1024)
            target.flush()
        os.fsync(target.fileno())
        closing.pop_all()
    return target


def _locked(part: Path, offset: int) -> BinaryIO:
    """The upload's file, open and locked (see :mod:`server.uploads.incoming`).

    Locked by another request, one writing a chunk into it in place — whose client may be long gone,
    the request waiting for bytes that never come: the recorded bytes ``[0, offset)`` are copied to
    a fresh file put in the old one's place, and that request goes on writing into a file that is no
    longer the upload's (it is refused at its end: ``Incoming.still_in_place``).
    """
    target = part.open("r+b" if part.exists() else "wb")
    if lock(target.fileno()):
        return target
    with target:
        fresh = part.with_name(f".{part.name}-{secrets.token_hex(8)}")
        replacement = fresh.open("w+b")
        try:
            lock(replacement.fileno())  # a new file: nobody else holds it
            shutil.copyfileobj(target, replacement, 1024 * 1024)
            replacement.truncate(offset)  # the recorded bytes only
            os.fsync(replacement.fileno())
            os.replace(fresh, part)
            _fsync_directory(part.parent)  # the file the offset refers to, from now on
        except BaseException:
            replacement.close()
            fresh.unlink(missing_ok=True)
            raise
    return replacement


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _complete(
    session: Session,
    settings: Settings,
    store: BlobStore,
    upload: Upload,
    part: Path,
    whole: Any | None,
    entire: Incoming | None,
) -> None:
    """The file is whole: check it and store it as a blob (``entire``: the one chunk it came in)."""
    if whole is None:  # the chunks before did not all pass through this worker: read the file again
        whole = hashlib.sha256()
        with part.open("rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                whole.update(block)
    sha = whole.hexdigest()
    if upload.sha256 is not None and upload.sha256 != sha:
        part.unlink(missing_ok=True)
        upload.offset = 0
        part.touch()
        raise ApiError(
            460,
            "checksum_mismatch",
            "文件校验失败，请重新上传",
            "The file's sha256 does not match; upload again",
            keep_changes=True,
        )
    try:
        if entire is not None:  # checked while the request waited for its lane
            media_type = entire.media_type(settings.max_image_pixels)
        else:
            media_type = validate(part, settings.max_image_pixels)
    except RejectedBlob as exc:
        part.unlink(missing_ok=True)
        if upload in session.new:  # a creation's own chunk: the row was never written
            session.expunge(upload)
        else:
            session.delete(upload)
        raise ApiError(415, exc.code, exc.zh, exc.en, keep_changes=True) from exc
    upload.completed_sha256 = sha  # before the blob's insert flushes the upload: one statement for its row
    if _insert_blob(session, sha, upload.length, media_type):
        # The row is in (and holds the key until commit) before the file is placed; the upload's
        # own file goes only once the transaction has committed, so a failed commit leaves an
        # upload that resumes and finishes as tus says, not one whose bytes have gone.
        store.adopt(part, sha)
    event.listen(session, "after_commit", lambda _: part.unlink(missing_ok=True), once=True)


def _insert_blob(session: Session, sha: str, size: int, media_type: str) -> bool:
    """Record the blob unless it is known; False when it was (idempotent).

    Identical photos finishing at the same moment (six users, one site): on PostgreSQL the
    second insert waits for the first transaction and then does nothing, instead of failing on
    the primary key (a 500 whose rollback lost the upload's offset after its file had moved).
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    inserted = session.execute(
        insert(Blob)
        .values(sha256=sha, size=size, media_type=media_type)
        .on_conflict_do_nothing()
        .returning(Blob.sha256)
    ).first()
    return inserted is not None


def terminate(session: Session, settings: Settings, upload: Upload) -> None:
    part_path(settings, upload.id).unlink(missing_ok=True)
    session.delete(upload)


def _offset_mismatch(upload: Upload) -> ApiError:
    """409: the bytes do not continue the upload where the server has it; the client resumes from there."""
    return ApiError(
        409,
        "offset_mismatch",
        "上传位置不一致，请从服务器记录的位置继续",
        "The offset does not match; resume from the server's offset",
        {"offset": upload.offset},
    )
