"""Upload benchmark: photos through tus (``client.upload``) against a plain HTTP upload, then cuts.

1. Throughput: ``--photos`` real JPEGs of about ``--mb`` MB each (noise at quality 90: it does
   not compress, and the server's Pillow check accepts it; each photo different), uploaded as the
   demo handler as the desk sends them: ``client.upload(data, sha256=...)``, as ``offline.sync``
   does once it has read the file from its sealed cache (that read is timed apart and printed, with
   the ratio it gives the whole path) — tus 1.0, a photo in one creation-with-upload POST naming its
   hash, a bigger file whole with its creation once the link is known fast (the photos before it
   showed it; else in chunks of 4 MiB that grow, each with its CRC-32); the server hashing as the bytes arrive and
   checking the image at the end. Baseline, in the same run
   and the same server process: the same bytes as one plain ``POST /uploads/bench-sink`` each
   (streamed to a file and fsynced), with a requests session. Also, not the figure: a caller that
   does not know the hash (``client.upload(bytes)``: the client hashes the file on a thread while
   its first chunk goes, and asks ``HEAD /blobs`` for a file of more chunks). The three alternate
   photo by photo. Prints MB/s (1 MB = 10^6 bytes) and tus/plain. Target: the ratio at least 0.5. Then one big
   file (``--big-mb``, 40 MB: one request on this link), three times each way, alternating: target at least 0.8.
2. Cut and resume: through a small proxy that counts PATCH body bytes, an upload is cut at a
   random byte (the connection closes mid-chunk and the network stays away until the client gives
   up), then continued with ``client.upload(..., upload_url=url)``. Prints the chunk bytes sent
   again beyond the cut point (at most one chunk is the target). Also a cancel (the ``cancel``
   event set from ``on_progress`` at a random point) and its resume.
"""

from __future__ import annotations

import cProfile
import io
import math
import os
import random
import statistics
import tempfile
import threading
import time
from contextlib import nullcontext
from pathlib import Path

import requests
from PIL import Image

from api_client import Cancelled, CaseDeskClient, Offline
from api_client.uploads import DEFAULT_CHUNK
from bench.common import PROFILES, Bench, bench, figure, parser, print_profile, verdict
from bench.proxy import CuttingProxy
from offline.atrest import new_key
from offline.blobcache import BlobCache

USER = "handler"
BYTES_PER_PIXEL = 0.9  # noise at JPEG quality 90


def photo(rng: random.Random, size_mb: float) -> bytes:
    """A real JPEG of about ``size_mb`` MB: random pixels, so every photo differs and none compresses."""
    pixels = size_mb * 1e6 / BYTES_PER_PIXEL
    width = int(math.sqrt(pixels * 4 / 3))
    height = int(width * 3 / 4)
    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def throughput(
    b: Bench, cache: BlobCache, photos: list[bytes], chunk: int, target: float = 0.5, label: str = "photos"
) -> None:
    """The upload as the desk makes it against a plain POST of the same bytes, alternating photo by
    photo; the desk's read of each file from its sealed cache timed apart; and, for comparison, a
    caller that does not know the file's hash (``client.upload(bytes)``)."""
    client = b.client(USER, chunk_size=chunk)
    plain = requests.Session()
    shas = [cache.put(data) for data in photos]  # attached before: the desk stores a photo when it is taken
    tus_s, plain_s, read_s, bare_s = [], [], [], []
    for data, sha in zip(photos, shas, strict=True):
        started = time.perf_counter()
        answer = plain.post(f"{b.url}/uploads/bench-sink", data=data, timeout=60)
        plain_s.append(time.perf_counter() - started)
        if answer.status_code != 201 or answer.json()["size"] != len(data):
            raise RuntimeError(f"the plain upload failed: {answer.status_code} {answer.text[:200]}")
        # What offline.sync does with an attached file: read it, checked as it opens, then send it naming its hash.
        started = time.perf_counter()
        kept = cache.read_checked(sha)
        read_s.append(time.perf_counter() - started)
        if kept is None:
            raise RuntimeError(f"the cached file {sha} does not open")
        started = time.perf_counter()
        if client.upload(kept, sha256=sha) != sha:
            raise RuntimeError("the server stored other bytes")
        tus_s.append(time.perf_counter() - started)
        del kept
        other = renamed(data)  # other bytes, the same image: the server must not know it already
        started = time.perf_counter()
        client.upload(other)
        bare_s.append(time.perf_counter() - started)
    mb = sum(len(p) for p in photos) / 1e6
    tus_rate, plain_rate, bare_rate = mb / sum(tus_s), mb / sum(plain_s), mb / sum(bare_s)
    ratio = tus_rate / plain_rate
    print(
        f"\nthroughput: {len(photos)} {label}, {mb:.1f} MB (mean {mb / len(photos):.2f} MB), "
        f"tus chunks of {chunk:,} bytes, the three alternating"
    )
    rows = (
        ("tus, hash named (desk)", tus_s, tus_rate),
        ("plain POST", plain_s, plain_rate),
        ("tus, hash not known", bare_s, bare_rate),
        ("desk's sealed-cache read", read_s, mb / sum(read_s)),
    )
    for name, seconds, rate in rows:
        print(f"  {name:<24}  {sum(seconds):6.2f} s  {rate:7.1f} MB/s  median {statistics.median(seconds):.3f} s")
    print(f"  tus / plain               {ratio:6.2f}       (target >= {target}: {verdict(ratio >= target)})")
    print(f"  hash not known / plain    {bare_rate / plain_rate:6.2f}       (the client hashing as it sends)")
    whole = mb / (sum(tus_s) + sum(read_s)) / plain_rate
    print(f"  read + tus / plain        {whole:6.2f}       (the desk's whole path, its cache read included)")
    name = f"tus ÷ plain POST, {len(photos)} {label} of {mb / len(photos):.0f} MB"
    figure(
        name,
        ratio,
        "",
        at_least=target,
        baseline=f"plain POST {plain_rate:.0f} MB/s (tus {tus_rate:.0f} MB/s; with the desk's cache read {whole:.2f})",
    )


def renamed(jpeg: bytes) -> bytes:
    """The same JPEG with a comment segment after its start: other bytes, still the same image."""
    comment = b"bench: hash not known"
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def cut_and_resume(b: Bench, rng: random.Random, size_mb: float, cuts: int, chunk: int) -> None:
    """Cuts at random bytes (and cancels at random points), each followed by a resume from its URL."""
    port = int(b.url.rsplit(":", 1)[1])
    print(f"\ncut and resume through a counting proxy (chunk {chunk} bytes; bytes again = chunk bytes sent - size)")
    with CuttingProxy(port) as proxy:
        client = b.client(USER, url=proxy.url, attempts=0, chunk_size=chunk)
        client.uploader.backoff = 0.0  # the network stays away: give up quickly
        checker = b.client(USER)
        worst = 0
        for trial in range(cuts * 2):
            data = photo(rng, size_mb)
            if trial >= cuts and len(data) <= chunk:
                print("  (no cancel: a photo is a single chunk, there is no later chunk to cancel)")
                break
            # A cut anywhere; a cancel before the last chunk (after it there is nothing left to cancel).
            cut = rng.randrange(1, len(data) if trial < cuts else len(data) - chunk)
            proxy.restore()
            before = proxy.patch_bytes
            if trial < cuts:
                kind, url = "cut", _cut(client, proxy, data, cut)
            else:
                kind, url = "cancel", _cancel(client, data, cut)
            proxy.restore()  # the network is back: a later session continues the upload
            resume_at = client.uploader.offset(url) if url is not None else 0
            sha = client.upload(data, upload_url=url)
            again = proxy.patch_bytes - before - len(data)
            worst = max(worst, again)
            if checker.download(sha) != data:
                raise RuntimeError("the resumed upload does not hold the photo's bytes")
            print(
                f"  {kind:<6} at byte {cut:>9,} of {len(data):,}: resumed from {resume_at:>9,}, "
                f"bytes sent again {again:>9,}"
            )
    print(f"  most bytes sent again: {worst:,} (target <= one chunk, {chunk:,}: {verdict(worst <= chunk)})")
    figure("bytes sent again after a cut, in chunks", worst / chunk, "chunks", at_most=1, baseline=f"chunk {chunk:,} B")


def _cut(client: CaseDeskClient, proxy: CuttingProxy, data: bytes, at: int) -> str | None:
    """The URL to resume from; None when the cut came in the creation (its first chunk) itself."""
    created: list[str] = []
    proxy.cut_after(at)
    try:
        client.upload(data, on_created=created.append)
    except Offline:
        return created[0] if created else None
    raise RuntimeError("the upload was not cut")


def _cancel(client: CaseDeskClient, data: bytes, at: int) -> str:
    cancel = threading.Event()

    def progress(sent: int, total: int) -> None:
        if sent >= at:
            cancel.set()

    try:
        client.upload(data, on_progress=progress, cancel=cancel)
    except Cancelled as stopped:
        if stopped.upload_url is None:
            raise
        return stopped.upload_url
    raise RuntimeError("the upload was not cancelled")


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--photos", type=int, default=50, help="photos to upload (default %(default)s)")
    p.add_argument("--mb", type=float, default=4.0, help="size of each photo in MB (default %(default)s)")
    p.add_argument("--big-mb", type=float, default=40.0, help="the one big file, in MB (default %(default)s)")
    p.add_argument("--cuts", type=int, default=5, help="cut uploads, and as many cancelled ones (default %(default)s)")
    p.add_argument("--seed", type=int, default=2026, help="random photos and cut points (default %(default)s)")
    p.add_argument(
        "--chunk", type=int, default=DEFAULT_CHUNK, help="tus chunk in bytes (default: the client's, %(default)s)"
    )
    p.add_argument("--profile", action="store_true", help="profile client and server; print the hot spots")
    args = p.parse_args()
    if args.big_mb:  # the plain POST of the big file is one body; tus chunks stay --chunk
        os.environ["CASEDESK_MAX_UPLOAD_CHUNK_BYTES"] = str(int(args.big_mb * 1e6) + 2**20)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    photos = [photo(rng, args.mb) for _ in range(args.photos)]
    print(f"made {len(photos)} photos in {time.perf_counter() - started:.1f} s")
    server_profile = client_profile = None
    if args.profile:
        PROFILES.mkdir(parents=True, exist_ok=True)
        server_profile, client_profile = PROFILES / "upload-server.prof", PROFILES / "upload-client.prof"
    profiler = cProfile.Profile() if args.profile else None
    with bench(args, server_profile) as b, tempfile.TemporaryDirectory() as kept:
        cache = BlobCache(Path(kept), new_key())  # the desk's sealed file cache
        with profiler or nullcontext():
            throughput(b, cache, photos, args.chunk)
            if args.big_mb:
                bigs = [photo(rng, args.big_mb) for _ in range(3)]
                throughput(b, cache, bigs, args.chunk, 0.8, "big files")
        cut_and_resume(b, rng, args.mb, args.cuts, args.chunk)
    if profiler is not None and server_profile and client_profile:
        profiler.dump_stats(client_profile)
        print_profile("client (throughput: tus and plain uploads)", client_profile)
        print_profile("server (all threads, whole run)", server_profile)


if __name__ == "__main__":
    main()
