"""What the benchmarks share: options, the server under test, signed-in clients, figures.

Every figure a target is set for is reported by :func:`figure`: one line with the figure, what was
measured, the target, the verdict, the baseline measured in the same run and the machine's load
average — the same shape in every benchmark, so ``python -m bench`` can gather them into one table.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import statistics
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from api_client import CaseDeskClient
from bench.dataset import CACHE, ORDERS, Dataset, dataset
from bench.live import serve
from server.demo.seed import DEMO_PASSWORD

PROFILES = CACHE / "profiles"


def parser(description: str | None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--pg",
        metavar="URL",
        help="run on PostgreSQL: a server URL such as postgresql+psycopg://postgres@127.0.0.1:5432/postgres "
        "(a fresh database is created for the run and dropped after)",
    )
    p.add_argument("--orders", type=int, default=ORDERS, help="orders in the data set (default %(default)s)")
    return p


@dataclass
class Bench:
    """A running server on a fresh copy of the data set."""

    url: str
    data: Dataset

    def client(self, username: str, url: str | None = None, **options: Any) -> CaseDeskClient:
        """A signed-in client (the session is kept in memory only, never in a keyring)."""
        client = CaseDeskClient(url or self.url, persist_session=False, **options)
        client.login(username, DEMO_PASSWORD)
        return client


@contextmanager
def bench(args: argparse.Namespace, profile: Path | None = None) -> Iterator[Bench]:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # in step with the server's log
    with dataset(args.pg, args.orders) as data, serve(data.database_url, data.data_dir, profile) as url:
        backend = "PostgreSQL" if args.pg else "SQLite"
        print(f"server: {url} on {backend}, {data.orders} orders (python -m bench.live, one uvicorn process)")
        print(f"machine: {os.cpu_count()} cores, load average {load_average()} at the start")
        yield Bench(url, data)
        print(f"\nload average {load_average()} at the end (other work on the machine slows the figures down)")


@dataclass
class Answers:
    """What a requests session received: the server's own time (``Server-Timing``) and body sizes."""

    server_ms: list[float] = field(default_factory=list)
    body_bytes: int = 0

    def attach(self, session: requests.Session) -> Answers:
        session.hooks["response"].append(self._collect)
        return self

    def _collect(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        header = response.headers.get("server-timing", "")
        if header.startswith("app;dur="):
            self.server_ms.append(float(header.removeprefix("app;dur=")))
        self.body_bytes += int(response.headers.get("content-length", 0))

    def reset(self) -> None:
        self.server_ms, self.body_bytes = [], 0


def load_average() -> str:
    """The load average over 1, 5 and 15 minutes, as every benchmark prints it."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def spread(values: list[float], unit: str = "ms") -> str:
    return (
        f"median {statistics.median(values):7.2f} {unit}   p95 {percentile(values, 95):7.2f} {unit}   "
        f"min {min(values):7.2f}   max {max(values):7.2f}"
    )


def verdict(ok: bool) -> str:
    return "meets the target" if ok else "MISSES the target"


#: Where :func:`figure` also appends each figure as a JSON line (set by ``python -m bench``).
FIGURES_FILE = "CASEDESK_BENCH_FIGURES"


@dataclass(frozen=True)
class Figure:
    """One measured figure against its target, with its same-run baseline and the load it ran under."""

    name: str
    value: float
    unit: str
    target: float
    at_most: bool  # the target is a ceiling (times, ratios) rather than a floor (rates)
    baseline: str
    load: str

    @property
    def meets(self) -> bool:
        return self.value <= self.target if self.at_most else self.value >= self.target

    @property
    def measured(self) -> str:
        return f"{_number(self.value)} {self.unit}".strip()

    @property
    def goal(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {_number(self.target)} {self.unit}".strip()

    @property
    def verdict(self) -> str:
        return "meets" if self.meets else "MISSES"

    def line(self) -> str:
        return (
            f"FIGURE {self.name} | {self.measured} | target {self.goal} | {self.verdict} | "
            f"baseline: {self.baseline or '—'} | load {self.load}"
        )


def _number(value: float) -> str:
    """Three significant figures at most, thousands separated: 0.331, 42.1, 890, 13,817."""
    if value.is_integer() or abs(value) >= 100:
        return f"{value:,.0f}"
    text = f"{value:.3g}" if abs(value) < 1 else f"{value:.{3 - len(str(int(abs(value))))}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def figure(
    name: str,
    value: float,
    unit: str = "",
    *,
    at_most: float | None = None,
    at_least: float | None = None,
    baseline: str = "",
    load: str | None = None,
) -> Figure:
    """Print a figure's verdict line (and record it for ``python -m bench``'s summary); exactly one
    of ``at_most`` and ``at_least`` is the target. ``baseline`` says what was measured alongside in
    the same run, with its value (and the ratio, where one tells more than the figure); ``load``, the
    load average when it was measured, if that was not just now (a figure printed after its baseline)."""
    if (at_most is None) == (at_least is None):
        raise ValueError("a figure has one target: at_most or at_least")
    target = at_most if at_most is not None else at_least
    assert target is not None
    found = Figure(name, float(value), unit, float(target), at_most is not None, baseline, load or load_average())
    print(found.line(), flush=True)
    if path := os.environ.get(FIGURES_FILE):
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(found.__dict__, ensure_ascii=False) + "\n")
    return found


def read_figures(path: Path) -> list[Figure]:
    """The figures :func:`figure` recorded in ``path`` (none if it is missing)."""
    if not path.exists():
        return []
    return [Figure(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]


#: Where threads wait rather than work (left out of the profiles printed; still in the .prof files).
_IDLE = (
    "acquire' of '_thread.lock",
    "method 'read' of '_io.TextIOWrapper",
    "asyncio/runners.py",
    "threading.py",
    "queue.py",
)
#: The project's own code, for the cumulative listing.
OUR_CODE = r"/(server|casework|offline|api_client|bench)/"


def print_profile(title: str, path: Path, lines: int = 25) -> None:
    """The hot spots of a profile: own time (waiting left out), and cumulative time in our code."""
    stats = pstats.Stats(str(path))
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for key in [k for k in table if any(mark in f"{k[0]}:{k[2]}" for mark in _IDLE)]:
        del table[key]
    print(f"\n--- {title}: top {lines} by own time (waits left out; all in {path}) ---")
    stats.sort_stats("tottime").print_stats(lines)
    print(f"--- {title}: our code by cumulative time ---")
    stats.sort_stats("cumulative").print_stats(OUR_CODE, lines)
