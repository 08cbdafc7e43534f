"""Knowledge search on the desk: from a citizen's sentence to ranked entries with their highlights.

    .venv/bin/python -m bench.knowledge_desk [--sizes 2000 100000] [--rounds 5]

For each size a desk store (SQLCipher, keyed as a real profile's) is filled through
``Store.apply_knowledge`` in pages of 500 — the sync's own path: rows, FTS5 trigram and pairs
indexes — with the demo city's entries (``server.demo.content.knowledge_entries``, as the server's
``bench.knowledge`` uses), and cached under ``bench/.cache/knowledge_desk``. Then the server
benchmark's citizens' sentences (``bench.knowledge.SENTENCES``) are searched ``--rounds`` times each:

- figure: ``Store.search_knowledge`` — the index's candidates, casework's ranking, highlights — the
  median and 95th percentile over all searches; target ≤ 50 ms at each size;
- baseline in the same run, on the same store: the bare FTS5 lookup of one trigram (``MATCH``, 20
  rows), the least any indexed search costs; the ratio says what the sentence search adds.

Timings move with the machine's load (printed with them).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.common import load_average
from bench.knowledge import SENTENCES
from offline import Store, open_store
from server.demo.content import KnowledgeSpec, knowledge_entries

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "knowledge_desk"
KEY = bytes(range(32))  # a fixed key: the store is rebuilt only when missing
TARGET_MS = 50.0
VERSION = 3


def _entry(i: int, spec: KnowledgeSpec, departments: dict[str, int]) -> dict[str, Any]:
    """A demo-city entry as ``GET /knowledge/sync`` sends it (the desk holds published ones)."""
    return {
        "id": i,
        "title": spec.title,
        "questions": spec.questions,
        "answer": spec.answer,
        "basis": {
            "document": spec.document,
            "number": spec.number,
            "article": spec.article,
            "issuer": spec.issuer,
            "effective_from": f"{spec.effective_year}-01-01",
            "expires_on": "2025-12-31" if spec.expired else None,
        },
        "category_code": spec.category,
        "department_id": departments.setdefault(spec.department, len(departments) + 1),
        "keywords": spec.keywords,
        "status": "published",
        "version": 1,
        "author_id": 1,
        "reviewer_id": None,
        "updated_at": "2026-11-01T02:00:00+00:00",
    }


def build(size: int) -> Store:
    """The store of ``size`` entries, built through the sync's path once and cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"v{VERSION}-{size}.sqlite"
    if path.exists():
        return open_store(path, KEY)
    temp = path.with_suffix(".building")
    for stale in CACHE.glob(temp.name + "*"):
        stale.unlink()
    store = open_store(temp, KEY)
    specs = knowledge_entries(random.Random(7), size)  # the demo city's composer, as bench.knowledge uses
    departments: dict[str, int] = {}
    started = time.perf_counter()
    for start in range(0, size, 500):
        entries = [_entry(i + 1, specs[i], departments) for i in range(start, min(size, start + 500))]
        store.apply_knowledge({"entries": entries, "templates": [], "removed_entry_ids": [], "cursor": str(start)})
    print(f"  built {size:,} entries in {time.perf_counter() - started:.1f} s (apply_knowledge, pages of 500)")
    store.close()
    os.replace(temp, path)
    return open_store(path, KEY)


def _timed(fn: Any, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        for sentence in SENTENCES:
            started = time.perf_counter()
            fn(sentence)
            times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95) - 1]


def run(size: int, rounds: int) -> bool:
    store = build(size)
    engine = store._engine  # the bench reaches under the store for the baseline's bare SQL
    with engine.connect() as conn:

        def bare(sentence: str) -> None:
            gram = sentence[2:5].replace('"', "")
            conn.execute(
                text("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH :m LIMIT 20"), {"m": f'"{gram}"'}
            ).all()

        store.search_knowledge(SENTENCES[0])  # warm the page cache like a desk in use
        baseline = _timed(bare, rounds)
    found = []
    figure = _timed(lambda s: found.append(store.search_knowledge(s)), rounds)
    store.close()
    hit = sum(1 for hits in found if hits) / len(found)
    median, base = statistics.median(figure), statistics.median(baseline)
    ok = median <= TARGET_MS and _p95(figure) <= TARGET_MS * 2
    print(
        f"  {size:>7,} entries: search from a sentence median {median:.1f} ms, p95 {_p95(figure):.1f} ms "
        f"(target ≤ {TARGET_MS:.0f} ms) — baseline one-trigram MATCH {base:.2f} ms, ratio {median / base:.0f}× "
        f"— sentences with a hit {hit:.0%} — {'PASS' if ok else 'FAIL'}"
    )
    return ok


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[2000, 100_000])
    p.add_argument("--rounds", type=int, default=5)
    args = p.parse_args()
    print(f"knowledge search on the desk (SQLCipher store) — load average {load_average()}")
    results = [run(size, args.rounds) for size in args.sizes]
    print(f"load average after: {load_average()}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
