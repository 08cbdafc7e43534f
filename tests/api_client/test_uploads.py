"""Resumable tus uploads against the real server: progress, HEAD skip, resume after a cut, cancellation."""

from __future__ import annotations

import hashlib
import json
import random
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from api_client import Cancelled, CaseDeskClient
from api_client.errors import ApiError
from api_client.session import make_retry
from casework.deadlines import SHANGHAI
from server.demo.photos import sample_photo
from tests.fixtures.city import PASSWORD
from tests.fixtures.photos import make_jpeg

MakeClient = Callable[..., CaseDeskClient]
CHUNK = 1024 * 1024


class CountingAdapter(HTTPAdapter):
    """Counts what goes out; can cut one chunk's request (before it is sent, or by losing its answer).

    A chunk travels in a PATCH, or (the first one) in the creation POST: both count as chunks."""

    def __init__(self, cut_patch: int | None = None, lose_answer: bool = False) -> None:
        super().__init__(max_retries=make_retry(3, 0.01))
        self.cut_patch, self.lose_answer = cut_patch, lose_answer
        self.calls: list[str] = []
        self.patches = 0
        self.patch_bytes_attempted = 0
        self.patch_bytes_delivered = 0

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self.calls.append(f"{request.method} {request.path_url.split('/')[1]}")
        if request.method not in ("PATCH", "POST") or not request.path_url.startswith("/uploads") or not request.body:
            return super().send(request, *args, **kwargs)
        self.patches += 1
        size = len(request.body or b"")
        self.patch_bytes_attempted += size
        if self.patches == self.cut_patch and not self.lose_answer:
            raise requests.ConnectionError("cut before sending")
        response = super().send(request, *args, **kwargs)
        self.patch_bytes_delivered += size
        if self.patches == self.cut_patch:
            raise requests.ConnectionError("cut: the answer was lost")
        return response


def _client(make_client: MakeClient, adapter: CountingAdapter) -> CaseDeskClient:
    desk = make_client()
    desk.session.mount("http://", adapter)
    desk.login("zj_handler", PASSWORD)
    return desk


def test_upload_reports_progress_and_the_second_is_skipped(make_client: MakeClient, photo: bytes):
    adapter = CountingAdapter()
    desk = _client(make_client, adapter)
    progress: list[tuple[int, int]] = []
    sha = desk.upload(photo, on_progress=lambda sent, total: progress.append((sent, total)))

    assert sha == hashlib.sha256(photo).hexdigest()
    assert progress[0] == (0, len(photo)) and progress[-1] == (len(photo), len(photo))
    assert [s for s, _ in progress] == sorted(s for s, _ in progress)
    assert adapter.patches == -(-len(photo) // CHUNK)  # 1 MiB chunks
    assert desk.blob_known(sha)
    assert desk.download(sha) == photo
    thumbnail = desk.thumbnail(sha)
    assert thumbnail.startswith(b"\xff\xd8\xff") and len(thumbnail) < len(photo) // 10

    # The desk names the hash (it knows its photos'): the server knows the blob, and the creation
    # (with its first chunk) is answered complete — no PATCH.
    adapter.calls.clear()
    adapter.patches = 0
    again: list[tuple[int, int]] = []
    assert desk.upload(photo, sha256=sha, on_progress=lambda sent, total: again.append((sent, total))) == sha
    assert adapter.calls == ["POST uploads"] and adapter.patches == 1
    assert again == [(0, len(photo)), (len(photo), len(photo))]

    # A caller that does not know it: hashed while the first chunk goes, and asked about as soon as
    # hashed; the server has it, so the rest stays here (one PATCH more at most, when the answer
    # came after the creation's) and the begun upload is ended.
    adapter.calls.clear()
    adapter.patches = 0
    again.clear()
    assert desk.upload(photo, on_progress=lambda sent, total: again.append((sent, total))) == sha
    assert sorted(set(adapter.calls) - {"PATCH uploads"}) == ["DELETE uploads", "HEAD blobs", "POST uploads"]
    assert adapter.calls[-1] == "DELETE uploads" and adapter.patches <= 2 < -(-len(photo) // CHUNK)
    assert again[0] == (0, len(photo)) and again[-1] == (len(photo), len(photo))


def test_a_file_hashed_on_the_way_is_checked_against_the_servers_answer(
    make_client: MakeClient, photo: bytes, monkeypatch: pytest.MonkeyPatch
):
    """Without the caller's hash the creation names none; the client's own hash, made while the
    first chunk went, is compared with the blob the server stored. Other bytes (the file changed
    while it went): the file goes once more, naming its hash this time."""
    adapter = CountingAdapter()
    desk = _client(make_client, adapter)
    assert len(photo) > CHUNK  # several requests: the creation's chunk, then PATCHes
    sha = desk.upload(photo)
    assert sha == hashlib.sha256(photo).hexdigest() and desk.download(sha) == photo

    # The hash the client made differs from the bytes that went (a file changed under it).
    changed = bytearray(photo)
    changed[-1] ^= 0xFF
    real = hashlib.sha256(bytes(changed)).hexdigest()
    sent: list[str] = []
    original = desk.uploader._create

    def create(size: int, sha256: str | None, first: Any) -> Any:
        sent.append(sha256 or "")
        return original(size, sha256, first)

    monkeypatch.setattr(desk.uploader, "_create", create)
    monkeypatch.setattr("api_client.uploads.Source.sha256", lambda self: "0" * 64)
    desk.uploader.max_failures, desk.uploader.backoff = 1, 0.0
    with pytest.raises(ApiError) as refused:  # the server checks the hash named: not these bytes
        desk.upload(bytes(changed))
    assert refused.value.status == 460
    assert sent == ["", "0" * 64]  # once without a hash, once naming the (wrong) one the client has
    assert not desk.blob_known("0" * 64)
    assert desk.blob_known(real)  # what went the first time is stored under its own hash


@pytest.mark.parametrize("lose_answer", [False, True], ids=["cut-before-send", "answer-lost"])
def test_a_cut_resumes_from_the_servers_offset(make_client: MakeClient, photo: bytes, lose_answer: bool):
    adapter = CountingAdapter(cut_patch=2, lose_answer=lose_answer)
    desk = _client(make_client, adapter)
    sha = desk.upload(photo)

    assert adapter.patch_bytes_attempted <= len(photo) + CHUNK  # at most one chunk sent again
    assert adapter.patch_bytes_delivered == len(photo)  # the server never got a byte twice
    assert "HEAD uploads" in adapter.calls  # it asked the server where to go on
    assert adapter.calls.count("POST uploads") == 1  # and never started over
    assert desk.download(sha) == photo


def test_cancel_stops_early_and_the_url_resumes_later(make_client: MakeClient, photo: bytes):
    adapter = CountingAdapter()
    desk = _client(make_client, adapter)
    cancel = threading.Event()
    created: list[str] = []

    def stop_after_first_chunk(sent: int, total: int) -> None:
        if sent >= CHUNK:
            cancel.set()

    with pytest.raises(Cancelled) as caught:
        desk.upload(photo, on_progress=stop_after_first_chunk, on_created=created.append, cancel=cancel)
    url = caught.value.upload_url
    assert url is not None and created == [url]
    assert adapter.patches == 1
    assert caught.value.message_zh and caught.value.message_en
    assert desk.uploader.offset(url) == CHUNK

    # A later session (say, after a restart) continues the same upload from the server's offset.
    adapter.patch_bytes_attempted = 0
    adapter.calls.clear()
    progress: list[int] = []
    sha = desk.upload(photo, upload_url=url, on_progress=lambda sent, total: progress.append(sent))
    assert progress[0] == CHUNK and progress[-1] == len(photo)
    assert adapter.patch_bytes_attempted == len(photo) - CHUNK
    assert "POST uploads" not in adapter.calls
    assert desk.download(sha) == photo


def test_an_unknown_url_starts_a_new_upload(make_client: MakeClient):
    adapter = CountingAdapter()
    desk = _client(make_client, adapter)
    small = sample_photo(random.Random(3), "文汇路", datetime(2026, 11, 23, 10, tzinfo=SHANGHAI), 32.78, 119.44)
    gone = f"{desk.base_url}/uploads/{'0' * 32}"  # expired and cleaned up, say
    sha = desk.upload(small, upload_url=gone)
    assert adapter.calls.count("POST uploads") == 1
    assert desk.download(sha) == small


def test_an_upload_begun_at_another_address_resumes_at_this_one(make_client: MakeClient, photo: bytes):
    """The bundled server got a new port: the stored upload URL names the old one."""
    adapter = CountingAdapter()
    desk = _client(make_client, adapter)
    cancel = threading.Event()
    with pytest.raises(Cancelled) as caught:
        desk.upload(photo, on_progress=lambda sent, total: cancel.set() if sent >= CHUNK else None, cancel=cancel)
    url = caught.value.upload_url
    assert url is not None and url.startswith(desk.base_url)
    moved = url.replace(desk.base_url, "http://127.0.0.1:9")  # nothing listens on the discard port
    adapter.calls.clear()
    sha = desk.upload(photo, upload_url=moved)
    assert "POST uploads" not in adapter.calls  # the same upload, continued from the server's offset
    assert desk.download(sha) == photo


def test_chunks_grow_from_the_creations_on_a_fast_link(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """The creation's chunk went in fast: the first PATCH is twice it, the next twice that, up to the
    ceiling; each chunk read and checksummed while the one before went (the server checks every
    CRC-32: none refused), from memory or from a file; the file is whole."""
    from api_client import uploads

    monkeypatch.setattr(uploads, "GROW_BELOW", 60.0)  # every request "fast", whatever this machine's load
    adapter = CountingAdapter()
    desk = _client(make_client, adapter)
    desk.uploader.chunk_size, desk.uploader.max_chunk = 16 * 1024, 64 * 1024
    sizes: list[int] = []
    send = adapter.send

    def counted(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if request.method in ("POST", "PATCH") and request.path_url.startswith("/uploads") and request.body:
            sizes.append(len(request.body))
        return send(request, *args, **kwargs)

    adapter.send = counted  # type: ignore[method-assign]
    small, other = make_jpeg(71, (600, 450), quality=90), make_jpeg(72, (600, 450), quality=90)
    assert min(len(small), len(other)) > 16 * 1024 * (1 + 2 + 4 + 1)
    on_disk = tmp_path / "photo.jpg"
    on_disk.write_bytes(other)
    for data, source in ((small, small), (other, on_disk)):
        sizes.clear()
        sha = desk.upload(source)
        assert sizes[:4] == [16 * 1024, 32 * 1024, 64 * 1024, 64 * 1024]
        assert sum(sizes) == len(data) and desk.download(sha) == data
    assert "HEAD uploads" not in adapter.calls  # no chunk refused (a wrong CRC-32 is a 460, then HEAD)


def test_the_first_patchs_chunk_is_made_ready_while_the_creation_goes(
    make_client: MakeClient, photo: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunk after the creation's is read and checksummed while the creation goes (as every
    later one is while the one before it goes), not only once its answer has come."""
    from api_client import uploads

    events: list[str] = []
    ahead = uploads._Ahead.__init__

    def making(self: Any, source: Any, offset: int, sizes: Any) -> None:
        events.append(f"ahead {offset}")
        ahead(self, source, offset, sizes)

    monkeypatch.setattr(uploads._Ahead, "__init__", making)
    adapter = CountingAdapter()
    desk = _client(make_client, adapter)
    send = adapter.send

    def sending(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        events.append(f"{request.method} {request.path_url.split('/')[1]}")
        return send(request, *args, **kwargs)

    adapter.send = sending  # type: ignore[method-assign]
    sha = desk.upload(photo)
    assert events.index(f"ahead {CHUNK}") < events.index("POST uploads")
    assert desk.download(sha) == photo


def _sizes_sent(adapter: CountingAdapter, refuse_above: int | None = None, proxy: bool = False) -> list[int]:
    """The length of every chunk the client sends from now on; those over ``refuse_above`` answered
    413 as a server with that chunk limit answers them — or, ``proxy``, as a proxy before it does,
    naming no limit — and recorded as negative lengths."""
    sizes: list[int] = []
    send = adapter.send

    def counted(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if request.method in ("POST", "PATCH") and request.path_url.startswith("/uploads") and request.body:
            size = len(request.body)
            if refuse_above is not None and size > refuse_above:
                sizes.append(-size)
                refused = requests.Response()
                refused.status_code, refused.request, refused.url = 413, request, request.url or ""
                refused.headers["Content-Type"] = "text/html" if proxy else "application/json"
                refused._content = (
                    b"<html>413 Request Entity Too Large</html>"
                    if proxy
                    else json.dumps(
                        {"code": "too_large", "message_zh": "", "message_en": "", "detail": {"limit": refuse_above}}
                    ).encode()
                )
                return refused
            sizes.append(size)
        return send(request, *args, **kwargs)

    adapter.send = counted  # type: ignore[method-assign]
    return sizes


def _pdf(size: int) -> bytes:
    """A file of exactly ``size`` bytes the server stores (a PDF: checked by its magic bytes only)."""
    return b"%PDF-1.4\n" + random.Random(size).randbytes(size - 9)


def test_once_grown_a_short_rest_goes_with_the_last_chunk(make_client: MakeClient, monkeypatch: pytest.MonkeyPatch):
    """On a fast link a rest within twice the chunk goes whole, not as a tail of its own (a request
    with its fixed cost); on a link that has not shown itself fast every chunk stays ``chunk_size``."""
    from api_client import uploads

    k = 1024
    desk = _client(make_client, adapter := CountingAdapter())
    desk.uploader.chunk_size, desk.uploader.max_chunk = 16 * k, 128 * k
    sizes = _sizes_sent(adapter)
    data = _pdf(64 * k)
    monkeypatch.setattr(uploads, "GROW_BELOW", 60.0)  # every request "fast", whatever this machine's load
    assert desk.download(desk.upload(data)) == data
    assert sizes == [16 * k, 48 * k]  # the creation's, then the rest (32 KiB and a tail of 16 before)

    monkeypatch.setattr(uploads, "GROW_BELOW", 0.0)  # every request "slow"
    sizes.clear()
    other = _pdf(64 * k + 1)
    assert desk.download(desk.upload(other)) == other
    assert sizes == [16 * k] * 4 + [1]


def test_a_server_that_takes_smaller_chunks_sets_the_ceiling_it_names(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
):
    """A grown chunk refused 413 (too large) with the server's limit: the chunks go on at that limit,
    not back at ``chunk_size`` for the rest of the file."""
    from api_client import uploads

    monkeypatch.setattr(uploads, "GROW_BELOW", 60.0)
    k = 1024
    desk = _client(make_client, adapter := CountingAdapter())
    desk.uploader.chunk_size, desk.uploader.max_chunk = 16 * k, 128 * k
    sizes = _sizes_sent(adapter, refuse_above=40 * k)
    data = _pdf(148 * k)
    assert desk.download(desk.upload(data)) == data
    assert sizes == [16 * k, 32 * k, -100 * k, 40 * k, 40 * k, 20 * k]
    assert desk.uploader.max_chunk == 40 * k

    # A proxy that names no limit: back to chunk_size, and the file still goes.
    desk = _client(make_client, adapter := CountingAdapter())
    desk.uploader.chunk_size, desk.uploader.max_chunk = 16 * k, 128 * k
    sizes = _sizes_sent(adapter, refuse_above=40 * k, proxy=True)
    other = _pdf(148 * k + 1)
    assert desk.download(desk.upload(other)) == other
    assert sizes[:4] == [16 * k, 32 * k, -(100 * k + 1), 16 * k] and max(sizes) == 32 * k


def test_the_first_patch_does_not_wait_for_the_answer_about_the_blob(
    make_client: MakeClient, photo: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A caller that does not name the hash: the server is asked whether it has the blob while
    chunks go — the first PATCH is not held for the answer (on a fast link a big file's hash takes
    longer than its first chunk does). An answer "known" stops the upload before the PATCH after."""
    adapter = CountingAdapter()
    desk = _client(make_client, adapter)
    sha = desk.upload(photo)  # now the server has it
    patched = threading.Event()
    sending = adapter.send

    def send(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if request.method == "PATCH":
            patched.set()
        return sending(request, *args, **kwargs)

    monkeypatch.setattr(adapter, "send", send)
    known = desk.uploader.blob_known
    answers: list[bool] = []

    def slow_answer(digest: str) -> bool:
        answers.append(patched.wait(10))  # the answer comes only once a PATCH went (or never holds it)
        return known(digest)

    monkeypatch.setattr(desk.uploader, "blob_known", slow_answer)
    adapter.calls.clear()
    adapter.patches = 0
    assert desk.upload(photo) == sha
    assert answers == [True]  # the first PATCH went while the question was open
    assert adapter.patches == 2 and adapter.calls[-1] == "DELETE uploads"  # the creation's chunk and one PATCH


def test_on_a_fast_link_the_rest_goes_after_the_creation_in_one_request(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
):
    """The creation's chunk went in fast: a rest the link sends within GROW_BELOW at that pace, and
    within the ceiling, is the next and last request (a 40 MB file: 4 MiB, then the rest) — not
    doubled chunks first; on a slow link every chunk stays ``chunk_size``; a rest above the ceiling
    still goes as grown chunks."""
    from api_client import uploads

    k = 1024
    desk = _client(make_client, adapter := CountingAdapter())
    desk.uploader.chunk_size, desk.uploader.max_chunk = 16 * k, 128 * k
    sizes = _sizes_sent(adapter)
    monkeypatch.setattr(uploads, "GROW_BELOW", 60.0)  # every request "fast", whatever this machine's load
    data = _pdf(100 * k)
    assert desk.download(desk.upload(data)) == data
    assert sizes == [16 * k, 84 * k]  # before: 16, 32 and 52 KiB

    sizes.clear()
    big = _pdf(200 * k)  # the rest is above the ceiling: doubled chunks until the rest is within it
    assert desk.download(desk.upload(big)) == big
    assert sizes == [16 * k, 32 * k, 64 * k, 88 * k]

    monkeypatch.setattr(uploads, "GROW_BELOW", 0.0)  # every request "slow"
    sizes.clear()
    other = _pdf(100 * k + 1)
    assert desk.download(desk.upload(other)) == other
    assert sizes == [16 * k] * 6 + [4 * k + 1]


@pytest.mark.parametrize("piece", [1024 * 1024, 8 * 1024], ids=["held-whole", "held-last-piece"])
def test_a_patch_that_ends_the_file_goes_before_the_answer_and_its_end_waits_for_it(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch, piece: int
):
    """A caller that does not name the hash, a file of the creation's chunk and one PATCH: the PATCH
    is sent while the server is still being asked whether it has the blob, and its last piece
    waits for the answer. The server has it: the PATCH is stopped before its end (the server keeps
    none of it), the begun upload ended — the blob was not sent whole (before: it was, the PATCH
    going unasked)."""
    from api_client import uploads

    monkeypatch.setattr(uploads, "GROW_BELOW", 60.0)
    monkeypatch.setattr(uploads, "LAST_PIECE", piece, raising=False)
    k = 1024
    desk = _client(make_client, adapter := CountingAdapter())
    desk.uploader.chunk_size, desk.uploader.max_chunk = 16 * k, 128 * k
    data = _pdf(64 * k)
    sha = desk.upload(data)  # now the server has it (16 KiB with the creation, the rest in one PATCH)

    patching = threading.Event()
    sending = adapter.send

    def send(request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if request.method == "PATCH":
            patching.set()
        return sending(request, *args, **kwargs)

    monkeypatch.setattr(adapter, "send", send)
    known = desk.uploader.blob_known
    answers: list[bool] = []

    def late_answer(digest: str) -> bool:
        answers.append(patching.wait(10))  # the answer comes only once the PATCH is on its way
        return known(digest)

    monkeypatch.setattr(desk.uploader, "blob_known", late_answer)
    offsets: list[int] = []
    terminate = desk.uploader.terminate

    def ending(url: str) -> None:
        offsets.append(desk.uploader.offset(url))  # what the server kept of the upload
        terminate(url)

    monkeypatch.setattr(desk.uploader, "terminate", ending)
    adapter.calls.clear()
    adapter.patches = adapter.patch_bytes_delivered = 0
    assert desk.upload(data) == sha
    assert answers == [True]  # the PATCH went while the question was open
    assert adapter.calls.count("PATCH uploads") == 1 and adapter.calls[-1] == "DELETE uploads"
    assert offsets == [16 * k]  # the creation's chunk only: nothing of the stopped PATCH was kept
    assert adapter.patch_bytes_delivered == 16 * k  # the PATCH never completed

    # The server does not have it: the same PATCH goes on to its end.
    other = _pdf(64 * k + 3)
    patching.clear()
    answers.clear()
    assert desk.download(desk.upload(other)) == other
    assert answers == [True]


def test_the_next_chunk_is_taken_without_waiting_for_a_longer_lengths_crc(monkeypatch: pytest.MonkeyPatch):
    """The next chunk's CRC-32 is computed for each length it may have, shortest first; the one sent
    is taken as soon as its own is ready — the whole rest's (up to 48 MiB) is not waited for when
    the link turned out slow and a 4 or 8 MiB chunk goes."""
    import zlib

    from api_client import uploads
    from casework.crc import crc32

    release, longer_done = threading.Event(), threading.Event()

    def held(data: Any, value: int = 0) -> int:
        if value:  # the CRC continued past the shorter length: held until the shorter one was taken
            release.wait(10)
            longer_done.set()
        return crc32(data, value)

    monkeypatch.setattr(uploads, "crc32", held, raising=False)
    data = random.Random(5).randbytes(50_000)
    ahead = uploads._Ahead(uploads.Source(data), 1000, (4096, 40_000))
    taken = ahead.take(1000, 4096)
    still_going = not longer_done.is_set()
    release.set()
    assert still_going
    assert taken is not None and bytes(taken[0]) == data[1000:5096] and taken[1] == zlib.crc32(data[1000:5096])
    longer = uploads._Ahead(uploads.Source(data), 1000, (4096, 40_000)).take(1000, 40_000)
    assert longer is not None and longer[1] == zlib.crc32(data[1000:41_000])
    assert ahead.take(999, 4096) is None and ahead.take(1000, 5000) is None  # not the chunk made ready


def test_a_file_whose_hash_is_known_goes_whole_once_the_link_is_known_fast(
    make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
):
    """The desk names each file's SHA-256: after a fast request (within PACE_KEPT) a file the link
    sends within WHOLE_WITHIN goes whole with its creation, once HEAD /blobs said the server lacks
    it — one request, not two; a blob the server has sends nothing. Not so without the hash, after a
    slow request, a stale pace, or past the ceiling; a 413 for the whole file sets the ceiling."""
    from api_client import uploads

    k = 1024
    desk = _client(make_client, adapter := CountingAdapter())
    desk.uploader.chunk_size, desk.uploader.max_chunk = 16 * k, 128 * k
    sizes = _sizes_sent(adapter)
    monkeypatch.setattr(uploads, "GROW_BELOW", 60.0)  # every request "fast", whatever this machine's load
    monkeypatch.setattr(uploads, "WHOLE_WITHIN", 3600.0)  # and every file within what the link sends
    monkeypatch.setattr(uploads, "PACE_KEPT", 3600.0)  # and every pace fresh

    def sent(data: bytes, named: bool = True) -> list[int]:
        sizes.clear()
        sha = hashlib.sha256(data).hexdigest()
        assert desk.upload(data, sha256=sha if named else None) == sha and desk.download(sha) == data
        return list(sizes)

    assert sent(_pdf(100 * k)) == [16 * k, 84 * k]  # nothing known of the link yet
    adapter.calls.clear()
    assert sent(_pdf(100 * k + 1)) == [100 * k + 1]
    assert adapter.calls[:2] == ["HEAD blobs", "POST uploads"]
    assert sent(_pdf(100 * k + 1)) == []  # the server has it: asked, and nothing sent
    assert sent(_pdf(100 * k + 2), named=False) == [16 * k, 84 * k + 2]  # hashed on the way: never whole
    assert sent(_pdf(200 * k)) == [16 * k, 32 * k, 64 * k, 88 * k]  # beyond the ceiling
    monkeypatch.setattr(uploads, "PACE_KEPT", 0.0)
    assert sent(_pdf(100 * k + 3)) == [16 * k, 84 * k + 3]  # the pace is too old to tell
    monkeypatch.setattr(uploads, "PACE_KEPT", 3600.0)

    refusing = _sizes_sent(adapter, refuse_above=64 * k)
    sizes.clear()
    data = _pdf(100 * k + 4)
    assert desk.download(desk.upload(data, sha256=hashlib.sha256(data).hexdigest())) == data
    assert refusing[0] == -(100 * k + 4) and max(refusing) <= 64 * k and sum(s for s in refusing if s > 0) == len(data)
    assert desk.uploader.max_chunk == 64 * k

    monkeypatch.setattr(uploads, "GROW_BELOW", 0.0)  # every request "slow" from now on
    assert sent(_pdf(10 * k)) == [10 * k]  # a slow request: the link is not known fast any more
    assert sent(_pdf(100 * k + 5)) == [16 * k] * 6 + [4 * k + 5]
