"""Resumable uploads (tus 1.0) and blobs: conformance with tuspy, resume after cuts, validation."""

from __future__ import annotations

import base64
import hashlib
import io
import random
import socket
import threading
import time
import zlib
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from PIL import Image
from tusclient.client import TusClient

from server.demo.photos import sample_photo
from server.uploads import incoming
from tests.fixtures.city import Api, Clock

TUS = {"Tus-Resumable": "1.0.0"}


def photo(seed: int = 1) -> bytes:
    return sample_photo(random.Random(seed), "现场", datetime(2026, 11, 23, 10, tzinfo=UTC), 32.78, 119.44)


def metadata(sha: str) -> str:
    return f"sha256 {base64.b64encode(sha.encode()).decode()},filename {base64.b64encode('现场.jpg'.encode()).decode()}"


def create(base_url: str, headers: dict[str, str], data: bytes, sha: str | None = None) -> str:
    response = requests.post(
        f"{base_url}/uploads",
        headers={
            **headers,
            **TUS,
            "Upload-Length": str(len(data)),
            "Upload-Metadata": metadata(sha or hashlib.sha256(data).hexdigest()),
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.headers["Location"]


def patch(url: str, headers: dict[str, str], offset: int, chunk: bytes, checksum: bool = True) -> requests.Response:
    extra = (
        {"Upload-Checksum": "sha256 " + base64.b64encode(hashlib.sha256(chunk).digest()).decode()} if checksum else {}
    )
    return requests.patch(
        url,
        data=chunk,
        timeout=10,
        headers={
            **headers,
            **TUS,
            **extra,
            "Upload-Offset": str(offset),
            "Content-Type": "application/offset+octet-stream",
        },
    )


def offset_of(url: str, headers: dict[str, str]) -> int:
    response = requests.head(url, headers={**headers, **TUS}, timeout=10)
    assert response.status_code == 200
    return int(response.headers["Upload-Offset"])


def test_tuspy_reference_client_uploads_and_the_photo_is_attached(api: Api, base_url: str) -> None:
    data = photo()
    sha = hashlib.sha256(data).hexdigest()
    headers = api.login("zj_handler")
    client = TusClient(f"{base_url}/uploads", headers=headers)
    uploader = client.uploader(
        file_stream=io.BytesIO(data),
        chunk_size=64 * 1024,
        upload_checksum=True,
        metadata={"sha256": sha, "filename": "现场.jpg"},
    )
    uploader.upload()
    assert uploader.offset == len(data)

    assert requests.head(f"{base_url}/blobs/{sha}", headers=headers, timeout=10).status_code == 200
    # Another department does not learn that the blob exists.
    assert requests.head(f"{base_url}/blobs/{sha}", headers=api.login("cg_handler"), timeout=10).status_code == 404

    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    detail = api.command(
        oid,
        "record_onsite_check",
        "zj_handler",
        checked_at=api.client.app.state.clock().isoformat(),
        photos=[{"sha256": sha, "tag": "before"}],
    )
    assert detail["onsite_checks"][0]["photos"] == [{"sha256": sha, "tag": "before"}]
    assert api.get(f"/blobs/{sha}", "zj_chief").content == data
    thumb = api.get(f"/blobs/{sha}/thumbnail", "zj_chief")
    assert thumb.status_code == 200
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320
    assert api.get(f"/blobs/{sha}", "cg_chief").status_code == 404
    # A photo nobody of this department uploaded or sees cannot be attached by its hash alone.
    other = api.dispatched("CGJ")["id"]
    api.command(other, "sign", "cg_chief")
    refused = api.command(
        other,
        "record_onsite_check",
        "cg_handler",
        expect=422,
        checked_at=api.client.app.state.clock().isoformat(),
        photos=[{"sha256": sha}],
    )
    assert refused["code"] == "unknown_blob"


def test_resume_after_cuts_sends_at_most_one_chunk_again(api: Api, base_url: str) -> None:
    data = photo(2)
    headers = api.login("zj_handler")
    url = create(base_url, headers, data)
    chunk = 16 * 1024
    sent = 0
    half = len(data) // 2 // chunk * chunk
    for start in range(0, half, chunk):
        assert patch(url, headers, start, data[start : start + chunk]).status_code == 204
        sent += chunk

    # The connection dies halfway through a chunk: the server keeps nothing of it.
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    with socket.create_connection((host, port)) as raw:
        head = (
            f"PATCH {urlsplit(url).path} HTTP/1.1\r\nHost: {host}\r\nTus-Resumable: 1.0.0\r\n"
            f"Authorization: {headers['Authorization']}\r\nUpload-Offset: {half}\r\n"
            f"Content-Type: application/offset+octet-stream\r\nContent-Length: {chunk}\r\n\r\n"
        ).encode()
        raw.sendall(head + data[half : half + chunk // 2])
    sent += chunk // 2

    # A client that believes it sent more is told where to resume.
    stale = patch(url, headers, half + chunk, data[half + chunk : half + 2 * chunk])
    assert stale.status_code == 409
    resume = offset_of(url, headers)
    assert resume == half
    for start in range(resume, len(data), chunk):
        response = patch(url, headers, start, data[start : start + chunk])
        assert response.status_code == 204
        sent += len(data[start : start + chunk])
    assert response.headers["Upload-Sha256"] == hashlib.sha256(data).hexdigest()
    assert sent - len(data) <= chunk  # bytes sent again after the cut: at most one chunk


def test_bad_chunks_and_bad_files_are_refused(api: Api, base_url: str, app) -> None:  # type: ignore[no-untyped-def]
    headers = api.login("zj_handler")
    data = photo(3)
    url = create(base_url, headers, data)
    wrong = patch(url, headers, 0, data[:1000], checksum=False)
    assert wrong.status_code == 204
    corrupted = requests.patch(
        url,
        data=data[1000:2000],
        timeout=10,
        headers={
            **headers,
            **TUS,
            "Upload-Offset": "1000",
            "Content-Type": "application/offset+octet-stream",
            "Upload-Checksum": "sha256 " + base64.b64encode(hashlib.sha256(b"other").digest()).decode(),
        },
    )
    assert corrupted.status_code == 460 and offset_of(url, headers) == 1000
    assert (
        requests.patch(
            url,
            data=b"x",
            timeout=10,
            headers={**headers, "Upload-Offset": "1000", "Content-Type": "application/offset+octet-stream"},
        ).status_code
        == 412
    )

    # Text dressed as a photo: refused at the end, nothing stored.
    text = b"not an image at all " * 100
    url = create(base_url, headers, text)
    refused = patch(url, headers, 0, text)
    assert refused.status_code == 415 and refused.json()["code"] == "unsupported_type"
    assert requests.head(url, headers={**headers, **TUS}, timeout=10).status_code == 404

    # A decompression bomb: few bytes, too many pixels.
    buffer = io.BytesIO()
    Image.new("L", (12000, 12000)).save(buffer, "PNG")
    bomb = buffer.getvalue()
    url = create(base_url, headers, bomb)
    refused = patch(url, headers, 0, bomb)
    assert refused.status_code == 415 and refused.json()["code"] == "image_too_large"

    # The whole file does not match the announced hash.
    url = create(base_url, headers, data, sha="0" * 64)
    refused = patch(url, headers, 0, data)
    assert refused.status_code == 460 and offset_of(url, headers) == 0


def test_lengths_and_offsets_are_digits_and_a_complete_upload_takes_no_more(api: Api, base_url: str) -> None:
    """tus: Upload-Length and Upload-Offset are non-negative integers in digits (pydantic alone
    took "5.0"); a PATCH to a complete upload answered 204 and dropped its bytes: now 409, with
    the server's offset, like any PATCH at the wrong place. The 400 and 412 answers are documented."""
    headers = api.login("zj_handler")
    for written in ("5.0", "+5", "5e0", "0x5", "-0"):
        response = requests.post(
            f"{base_url}/uploads", headers={**headers, **TUS, "Upload-Length": written}, timeout=10
        )
        assert response.status_code == 422, (written, response.text)
        assert response.json()["code"] == "invalid_input"
    data = photo(21)
    url = create(base_url, headers, data)
    written_offset = requests.patch(
        url,
        data=data[:10],
        timeout=10,
        headers={**headers, **TUS, "Upload-Offset": "0.0", "Content-Type": "application/offset+octet-stream"},
    )
    assert written_offset.status_code == 422, written_offset.text
    whole = patch(url, headers, 0, data)
    assert whole.status_code == 204 and whole.headers["Upload-Offset"] == str(len(data))
    extra = patch(url, headers, len(data), b"more bytes")
    assert extra.status_code == 409, extra.text
    assert extra.json()["code"] == "offset_mismatch" and extra.json()["detail"] == {"offset": len(data)}
    assert patch(url, headers, len(data), b"", checksum=False).status_code == 204  # nothing sent, nothing lost
    assert offset_of(url, headers) == len(data)

    spec = api.client.get("/openapi.json").json()["paths"]
    for path, method in [("/uploads", "post"), ("/uploads/{upload_id}", "patch")]:
        assert {"400", "412"} <= set(spec[path][method]["responses"]), (path, method)
    for path, method in [("/uploads/{upload_id}", "head"), ("/uploads/{upload_id}", "delete")]:
        assert "412" in spec[path][method]["responses"], (path, method)


def test_a_blob_is_served_as_a_type_the_schema_names(api: Api, base_url: str) -> None:
    """HEAD /blobs/… answered image/jpeg where the schema said application/json."""
    headers = api.login("zj_handler")
    spec = api.client.get("/openapi.json").json()["paths"]
    for seed, image_format in [(22, None), (23, "PNG")]:
        data = photo(seed)
        if image_format:
            buffer = io.BytesIO()
            Image.open(io.BytesIO(data)).save(buffer, image_format)
            data = buffer.getvalue()
        assert patch(create(base_url, headers, data), headers, 0, data).status_code == 204
        sha = hashlib.sha256(data).hexdigest()
        for method, path in [
            ("head", "/blobs/{sha256}"),
            ("get", "/blobs/{sha256}"),
            ("get", "/blobs/{sha256}/thumbnail"),
        ]:
            response = requests.request(method, f"{base_url}{path.format(sha256=sha)}", headers=headers, timeout=10)
            assert response.status_code == 200, (method, path, response.text)
            assert response.headers["content-type"] in spec[path][method]["responses"]["200"]["content"], (method, path)


def test_uploads_belong_to_their_owner_expire_and_terminate(api: Api, base_url: str, clock: Clock) -> None:
    headers = api.login("zj_handler")
    data = photo(4)
    url = create(base_url, headers, data)
    assert requests.head(url, headers={**api.login("zj_chief"), **TUS}, timeout=10).status_code == 404
    assert requests.delete(url, headers={**headers, **TUS}, timeout=10).status_code == 204
    assert requests.head(url, headers={**headers, **TUS}, timeout=10).status_code == 404
    url = create(base_url, headers, data)
    clock.advance(hours=25)
    api.tokens.clear()
    headers = api.login("zj_handler")
    assert requests.head(url, headers={**headers, **TUS}, timeout=10).status_code == 410
    options = requests.options(f"{base_url}/uploads", timeout=10)
    assert options.status_code == 204 and "checksum" in options.headers["Tus-Extension"]


def test_creation_with_upload_and_a_known_blob_completes_at_once(api: Api, base_url: str, app) -> None:  # type: ignore[no-untyped-def]
    """The first chunk may come with the POST; a blob the caller may already use is done at once,
    and someone who may not use it sends it like a new one (its existence is not given away)."""
    data = photo(7)
    sha = hashlib.sha256(data).hexdigest()
    headers = api.login("zj_handler")
    first = {**headers, **TUS, "Upload-Length": str(len(data)), "Upload-Metadata": metadata(sha)}
    octets = {"Content-Type": "application/offset+octet-stream"}
    whole = requests.post(f"{base_url}/uploads", data=data, headers={**first, **octets}, timeout=10)
    assert whole.status_code == 201, whole.text
    assert whole.headers["Upload-Offset"] == str(len(data)) and whole.headers["Upload-Sha256"] == sha
    assert requests.get(f"{base_url}/blobs/{sha}", headers=headers, timeout=10).content == data

    # Known to its uploader: complete at once, whatever the POST carried.
    again = requests.post(f"{base_url}/uploads", headers=first, timeout=10)
    assert again.status_code == 201 and again.headers["Upload-Offset"] == str(len(data))
    assert again.headers["Upload-Sha256"] == sha and offset_of(again.headers["Location"], headers) == len(data)
    # Another department's handler may not use it: the creation starts an ordinary upload.
    other = api.login("cg_handler")
    theirs = requests.post(f"{base_url}/uploads", headers={**first, **other}, timeout=10)
    assert theirs.status_code == 201 and theirs.headers["Upload-Offset"] == "0"

    # In parts: a first chunk with the POST, then PATCHes; the file is hashed as it arrives — and
    # read again at the end when this worker lost the running digest (another worker took a chunk).
    for forget in (False, True):
        data = photo(8 + forget)
        sha = hashlib.sha256(data).hexdigest()
        third = len(data) // 3
        start = requests.post(
            f"{base_url}/uploads",
            data=data[:third],
            headers={**headers, **TUS, **octets, "Upload-Length": str(len(data)), "Upload-Metadata": metadata(sha)},
            timeout=10,
        )
        assert start.status_code == 201 and start.headers["Upload-Offset"] == str(third)
        url = start.headers["Location"]
        assert patch(url, headers, third, data[third : 2 * third]).status_code == 204
        if forget:
            incoming._RUNNING.clear()
        done = patch(url, headers, 2 * third, data[2 * third :])
        assert done.status_code == 204 and done.headers["Upload-Sha256"] == sha
    # CRC-32 per chunk (what the desk's client sends): a garbled chunk is refused, that chunk only.
    data = photo(11)
    url = create(base_url, headers, data)
    half = len(data) // 2
    crc = {**headers, **TUS, **octets, "Upload-Offset": "0"}
    good = base64.b64encode(zlib.crc32(data[:half]).to_bytes(4, "big")).decode()
    garbled = data[:10] + bytes([data[10] ^ 0xFF]) + data[11:half]
    bad = requests.patch(url, data=garbled, headers={**crc, "Upload-Checksum": f"crc32 {good}"}, timeout=10)
    assert bad.status_code == 460 and offset_of(url, headers) == 0
    ok = requests.patch(url, data=data[:half], headers={**crc, "Upload-Checksum": f"crc32 {good}"}, timeout=10)
    assert ok.status_code == 204 and offset_of(url, headers) == half
    # A body of another type is refused.
    wrong = requests.post(
        f"{base_url}/uploads", data=b"xx", headers={**first, "Content-Type": "text/plain"}, timeout=10
    )
    assert wrong.status_code == 415


def test_a_creations_chunk_is_flushed_off_the_lane_before_its_offset_counts(
    api: Api, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo sent whole with its creation: its fsync and its check begin on threads of their own
    as its last byte comes; the offset is recorded only after the fsync returned, and a file that
    is no image, or too many pixels, is still refused and leaves nothing."""
    from server.uploads import service

    steps: list[str] = []
    fsync, keep_running = incoming._fsync, service.keep_running

    def flushed(path):  # type: ignore[no-untyped-def]
        fsync(path)
        steps.append(f"fsync on {threading.current_thread().name.split('_')[0]}")

    def recorded(upload_id, offset, digest):  # type: ignore[no-untyped-def]
        steps.append("offset recorded")
        keep_running(upload_id, offset, digest)

    monkeypatch.setattr(incoming, "_fsync", flushed)
    monkeypatch.setattr(service, "keep_running", recorded)
    headers = api.login("zj_handler")

    def send_whole(data: bytes) -> requests.Response:
        return requests.post(
            f"{base_url}/uploads",
            data=data,
            timeout=10,
            headers={
                **headers,
                **TUS,
                "Upload-Length": str(len(data)),
                "Content-Type": "application/offset+octet-stream",
            },
        )

    data = photo(21)
    done = send_whole(data)
    assert done.status_code == 201 and done.headers["Upload-Offset"] == str(len(data))
    assert steps == ["fsync on upload-settle", "offset recorded"]
    sha = done.headers["Upload-Sha256"]
    assert sha == hashlib.sha256(data).hexdigest()
    assert requests.get(f"{base_url}/blobs/{sha}", headers=headers, timeout=10).content == data

    text = send_whole(b"not an image at all " * 100)
    assert text.status_code == 415 and text.json()["code"] == "unsupported_type"
    buffer = io.BytesIO()
    Image.new("L", (12000, 12000)).save(buffer, "PNG")
    bomb = send_whole(buffer.getvalue())
    assert bomb.status_code == 415 and bomb.json()["code"] == "image_too_large"


def test_a_cancelled_body_never_closes_the_file_under_a_write(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A request cancelled while a batch is being written on its thread (anyio repeats a scope's
    cancellation at every await): the file is closed, and the cancellation raised, only once the
    write is over — never under it."""
    import asyncio
    from types import SimpleNamespace

    import anyio

    events: list[str] = []

    class SlowDigest:
        """The file's running SHA-256, slow enough for the cancellation to come while it runs."""

        def update(self, piece: bytes) -> None:
            time.sleep(0.3)
            events.append("written")

    monkeypatch.setattr(hashlib, "sha256", SlowDigest)  # the one receive() makes
    monkeypatch.setattr(incoming, "BATCH", 10)
    arrived = asyncio.Event()

    async def stream():  # type: ignore[no-untyped-def]
        yield b"x" * 10  # a whole batch: written on a thread
        arrived.set()
        await asyncio.sleep(10)  # the rest of the body never comes
        yield b"y"

    settings = SimpleNamespace(upload_dir=tmp_path, max_image_pixels=10**6)
    request = SimpleNamespace(
        app=SimpleNamespace(state=SimpleNamespace(settings=settings)),
        method="POST",
        headers={},
        path_params={},
        stream=stream,
    )

    async def main() -> None:
        async with anyio.create_task_group() as group:

            async def receiving() -> None:
                try:
                    await incoming.receive(request)  # type: ignore[arg-type]
                finally:
                    events.append("closed")

            group.start_soon(receiving)
            await arrived.wait()
            await asyncio.sleep(0.05)  # the batch's write has begun on its thread
            group.cancel_scope.cancel()

    anyio.run(main)
    assert events == ["written", "closed"]
    assert list(tmp_path.iterdir()) == []  # what came is removed


def test_a_patch_is_written_in_place_and_a_refused_or_stranded_one_leaves_the_file_as_recorded(
    api: Api, base_url: str, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PATCH that starts where the upload's file ends is written into it (no file of its own,
    no copy); a refused one is cut off again. A request that holds the file and never finishes
    (its client gone) does not stop the upload: the next PATCH goes on in a fresh copy of the
    recorded bytes, and the stranded request's bytes never reach it. A complete upload's file —
    the blob's, hard-linked — is never written in place."""
    import fcntl
    import os

    upload_dir = app.state.settings.upload_dir
    headers = api.login("zj_handler")
    data = photo(31)
    third = len(data) // 3
    url = create(base_url, headers, data)
    part = upload_dir / f"{url.rsplit('/', 1)[1]}.part"
    copies: list[str] = []
    real_in_place = incoming._in_place

    def in_place(settings, upload_id, offset):  # type: ignore[no-untyped-def]
        found = real_in_place(settings, upload_id, offset)
        copies.append("in place" if found is not None else "a file of its own")
        return found

    monkeypatch.setattr(incoming, "_in_place", in_place)
    garbled = data[:10] + b"\x00" * 10 + data[20:third]
    bad = requests.patch(
        url,
        data=garbled,
        timeout=10,
        headers={
            **headers,
            **TUS,
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
            "Upload-Checksum": "sha256 " + base64.b64encode(hashlib.sha256(data[:third]).digest()).decode(),
        },
    )
    assert bad.status_code == 460
    cut_off = time.monotonic() + 5  # once the fsync begun at its last byte is over (off the event loop)
    while part.stat().st_size and time.monotonic() < cut_off:
        time.sleep(0.01)
    assert part.stat().st_size == 0  # cut off again
    assert patch(url, headers, 0, data[:third]).status_code == 204
    assert part.stat().st_size == third and part.read_bytes() == data[:third]
    assert copies == ["in place", "in place"]
    assert not [p for p in upload_dir.iterdir() if p.name.startswith(".in-")]

    # A request stranded while writing in place: it holds the file's lock and never lets go.
    stranded = os.open(part, os.O_WRONLY)
    fcntl.flock(stranded, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.pwrite(stranded, b"junk" * 100, third)
    try:
        assert patch(url, headers, third, data[third : 2 * third]).status_code == 204
        assert copies[-1] == "a file of its own"
        assert os.fstat(stranded).st_ino != part.stat().st_ino  # the upload goes on in another file
        assert part.read_bytes() == data[: 2 * third]
    finally:
        os.close(stranded)
    done = patch(url, headers, 2 * third, data[2 * third :])
    assert done.status_code == 204 and done.headers["Upload-Sha256"] == hashlib.sha256(data).hexdigest()
    assert copies[-1] == "in place"

    # The blob's file (the upload's, hard-linked into the store until the commit) is not written in place.
    stored = app.state.blob_store.path(done.headers["Upload-Sha256"])
    os.link(stored, part)  # as between the link and the commit
    late = patch(url, headers, len(data), b"more bytes")
    assert late.status_code == 409 and copies[-1] == "a file of its own"
    assert stored.read_bytes() == data
    part.unlink()


def test_a_chunk_written_into_the_uploads_file_goes_to_the_disk_as_it_comes(
    api: Api, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A creation's chunk and a PATCH's written in place: the write-back of each batch but the last
    is begun as it is written, over the chunk's own bytes of the file (so the fsync at its last byte
    has only the tail left); a chunk in a file of its own, copied in later, asks for none."""
    begun: list[tuple[int, int]] = []
    monkeypatch.setattr(incoming, "BATCH", 64 * 1024)
    monkeypatch.setattr(incoming, "begin_write_back", lambda descriptor, at, length: begun.append((at, length)))
    headers = {**api.login("zj_handler"), **TUS, "Content-Type": "application/offset+octet-stream"}
    data = random.Random(5).randbytes(600_000)

    def handed(start: int, end: int) -> None:
        """The batches asked for since the last look: contiguous from ``start``, all but a last batch of ``end``."""
        spans, begun[:] = list(begun), []
        assert spans and spans[0][0] == start
        assert all(at + length == following for (at, length), (following, _) in pairwise(spans))
        assert end - 64 * 1024 < spans[-1][0] + spans[-1][1] <= end

    created = requests.post(
        f"{base_url}/uploads", data=data[:300_000], timeout=10, headers={**headers, "Upload-Length": "1000000"}
    )
    assert created.status_code == 201 and created.headers["Upload-Offset"] == "300000"
    handed(0, 300_000)
    url = created.headers["Location"]
    assert patch(url, headers, 300_000, data[300_000:], checksum=False).status_code == 204
    handed(300_000, 600_000)
    assert patch(url, headers, 0, data[:300_000], checksum=False).status_code == 409  # not where the file ends
    assert begun == []
    assert offset_of(url, headers) == 600_000
