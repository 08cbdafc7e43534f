"""What encryption at rest costs a desk, on the paths users take: plain and encrypted, in the same run.

    .venv/bin/python -m bench.atrest [--orders 10000] [--photos 50] [--photo-mb 2] [--repeats 3]

No server: the server's part of a sync and the network are the same with or without encryption on
the desk, so only the desk's own work is measured, each path once on an unencrypted profile (as
before) and once on an encrypted one (SQLCipher store, AES-GCM sealed files), alternating, best of
``--repeats``:

- the local part of the initial pull: ``Store.apply_pull`` of ``--orders`` orders in pages of
  1,000 (the pages built and validated beforehand) into a new store;
- opening the store (the key, the schema check, the first query) and reading: a list page, a
  trigram search, one order;
- ``--photos`` photos of ``--photo-mb`` MB: caching them (``BlobCache.put``, fsynced), opening each
  (``read``: what the viewer and an upload get) and verifying each (the upload's pre-check);
- encrypting an existing unencrypted store of ``--orders`` orders on first open (``encrypt_plain``),
  once: what an upgraded desk waits for, once.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.desktop import _order
from casework.sync import PullResponse
from offline import open_store
from offline.atrest import new_key
from offline.blobcache import BlobCache
from offline.db import encrypt_plain

PAGE = 1000


def _pages(orders: int) -> list[PullResponse]:
    rng = random.Random(12345)
    now = datetime.now(UTC)
    return [
        PullResponse.model_validate(
            {
                "changes": [
                    {"seq": i, "kind": "upsert", "order_id": i, "order": _order(i, rng, now), "events": []}
                    for i in range(first, min(first + PAGE, orders + 1))
                ],
                "cursor": f"bench-{first}",
                "has_more": first + PAGE <= orders,
                "reset": False,
            }
        )
        for first in range(1, orders + 1, PAGE)
    ]


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _best(repeats: int, fn: Callable[[], Any]) -> float:
    return min(_timed(fn) for _ in range(repeats))


def _row(what: str, plain: float, encrypted: float, unit: str = "ms", per: float = 1.0) -> None:
    scale = 1000 if unit == "ms" else 1
    print(
        f"  {what:<46} plain {plain * scale / per:9.1f} {unit}   encrypted {encrypted * scale / per:9.1f} {unit}"
        f"   ×{encrypted / plain:5.2f}"
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--orders", type=int, default=10_000)
    p.add_argument("--photos", type=int, default=50)
    p.add_argument("--photo-mb", type=float, default=2.0)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.2f} at the start")
    key = new_key()
    keys: dict[str, bytes | None] = {"plain": None, "encrypted": key}
    work = Path(tempfile.mkdtemp(prefix="casedesk-atrest-"))
    try:
        pages = _pages(args.orders)
        print(f"\n1. initial pull, local part: apply_pull of {args.orders:,} orders ({len(pages)} pages)")
        pull: dict[str, float] = {kind: float("inf") for kind in keys}

        def fill(kind: str) -> None:
            path = work / f"{kind}.sqlite"
            for leftover in work.glob(f"{kind}.sqlite*"):
                leftover.unlink()
            store = open_store(path, keys[kind])
            for page in pages:
                store.apply_pull(page)
            store.close()

        fill("plain")  # warm-up: imports, first statements compiled
        for repeat in range(args.repeats):  # alternating, so that a busy moment hits both alike
            for kind in list(keys)[:: 1 if repeat % 2 else -1]:
                pull[kind] = min(pull[kind], _timed(lambda kind=kind: fill(kind)))
        # The stores the reads below use are the last ones built.
        _row("apply_pull, whole pull", pull["plain"], pull["encrypted"], "s")
        print(
            f"  {'orders/s':<46} plain {args.orders / pull['plain']:9.0f}      "
            f"encrypted {args.orders / pull['encrypted']:9.0f}"
        )

        print("\n2. the store: open, list, search, one order (best of repeats; reads × 20)")
        stores = {kind: open_store(work / f"{kind}.sqlite", k) for kind, k in keys.items()}
        figures: dict[str, dict[str, float]] = {}
        for kind, k in keys.items():
            store = stores[kind]
            figures[kind] = {
                "open": _best(args.repeats, lambda kind=kind, k=k: open_store(work / f"{kind}.sqlite", k).close()),
                "list": _best(args.repeats, lambda s=store: [s.orders(state="in_progress") for _ in range(20)]) / 20,
                "search": _best(args.repeats, lambda s=store: [s.orders(text="文汇路路灯") for _ in range(20)]) / 20,
                "order": _best(args.repeats, lambda s=store: [s.order(n) for n in range(1, 21)]) / 20,
            }
        for what, name in (
            ("open (key, schema check, first query)", "open"),
            ("list: every in-progress order (a third)", "list"),
            ("trigram search (5 characters)", "search"),
            ("one order", "order"),
        ):
            _row(what, figures["plain"][name], figures["encrypted"][name])
        for store in stores.values():
            store.close()

        size = int(args.photo_mb * 1024 * 1024)
        rng = random.Random(7)
        photos = [b"\xff\xd8\xff\xe0" + rng.randbytes(size - 4) for _ in range(args.photos)]
        total_mb = size * len(photos) / 1e6
        print(f"\n3. {args.photos} photos of {args.photo_mb:g} MB ({total_mb:.0f} MB)")
        timings: dict[str, dict[str, float]] = {}
        for kind, k in keys.items():
            root = work / f"blobs-{kind}"

            def put_all(root: Path = root, k: bytes | None = k) -> list[str]:
                shutil.rmtree(root, ignore_errors=True)
                cache = BlobCache(root, k)
                return [cache.put(data) for data in photos]

            put = _best(args.repeats, put_all)
            shas = put_all()
            cache = BlobCache(root, k)
            read = _best(args.repeats, lambda c=cache, s=shas: [c.read(sha) for sha in s])
            verify = _best(args.repeats, lambda c=cache, s=shas: [c.verify(sha) for sha in s])
            timings[kind] = {"put": put, "read": read, "verify": verify}
        for what, name in (
            ("cache them (put, fsync)", "put"),
            (f"open all {args.photos} (read)", "read"),
            (f"verify all {args.photos} (before upload)", "verify"),
        ):
            _row(what, timings["plain"][name], timings["encrypted"][name])
        for kind in keys:
            mb_s = total_mb / timings[kind]["read"]
            print(f"  read throughput {kind:<9} {mb_s:8.0f} MB/s")

        print(f"\n4. an upgraded desk: encrypting an unencrypted store of {args.orders:,} orders on first open")
        migrated = work / "migrate.sqlite"
        shutil.copyfile(work / "plain.sqlite", migrated)
        plain_mb = migrated.stat().st_size / 1e6
        seconds = _timed(lambda: encrypt_plain(migrated, key))
        print(f"  encrypt_plain: {seconds:.2f} s for {plain_mb:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average {load:.2f} at the end (other work on the machine slows the figures down)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
