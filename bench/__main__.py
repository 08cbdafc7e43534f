"""Run the benchmarks and print every figure the targets are set for, in one table at the end.

    python -m bench [--pg URL] [--quick] [--only pull,upload,...]

Each benchmark runs in its own process, as ``python -m bench.<name>`` would, and prints its own
report; every figure with a target also goes into the closing table — figure, measured value,
target, verdict, the baseline measured in the same run and the load average when it was taken
(``bench.common.figure``). ``pull``, ``upload`` and ``push`` run on SQLite, or on PostgreSQL with
``--pg``; ``writes`` (``serve --workers 4``), ``load`` and ``measures`` need PostgreSQL and use
``--pg`` or the local server (``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``). A
benchmark that fails is reported as such and the others still run. The desk's figures come from
``python -m bench.desktop`` (Qt, in a process of its own), also part of the run.

``--quick`` runs a short version of each (fewer orders, photos, edits, seconds: 10–15 minutes on
2 cores instead of about an hour): the same code paths and verdict lines, figures only indicative
— a target is met or missed by the full run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import FIGURES_FILE, load_average, read_figures

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

#: name → (needs PostgreSQL, options of the full run, options of the quick run)
BENCHES: dict[str, tuple[bool, list[str], list[str]]] = {
    "pull": (False, [], ["--orders", "2000", "--tries", "60"]),
    "upload": (False, [], ["--orders", "2000", "--photos", "10", "--big-mb", "12", "--cuts", "2"]),
    "push": (False, [], ["--edits", "200"]),
    "writes": (
        True,
        ["--workers", "4", "--rates", "150", "--baseline-rates", "150"],
        ["--workers", "4", "--rates", "150", "--baseline-rates", "150", "--seconds", "4"],
    ),
    "load": (True, [], ["--orders", "2000", "--seconds", "20"]),
    "measures": (True, [], ["--orders", "100000", "--queries", "10"]),
    "desktop": (False, [], ["--orders", "5000", "--photos", "3"]),
}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pg", metavar="URL", help="PostgreSQL for every benchmark (default: SQLite where it can)")
    p.add_argument("--quick", action="store_true", help="a short version of each benchmark (indicative figures)")
    p.add_argument("--only", help=f"a comma-separated subset of: {', '.join(BENCHES)}")
    args = p.parse_args()
    chosen = args.only.split(",") if args.only else list(BENCHES)
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        p.error(f"no such benchmark: {', '.join(sorted(unknown))}")
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

    outcomes: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="casedesk-bench-") as tmp:
        figures_file = Path(tmp) / "figures.jsonl"
        env = {**os.environ, FIGURES_FILE: str(figures_file), "QT_QPA_PLATFORM": "offscreen"}
        print(f"machine: {os.cpu_count()} cores, load average {load_average()} at the start")
        for name in chosen:
            needs_pg, full, quick = BENCHES[name]
            pg = args.pg or (LOCAL_PG if needs_pg else None)
            command = [sys.executable, "-m", f"bench.{name}", *(quick if args.quick else full)]
            if pg and name != "desktop":
                command += ["--pg", pg]
            print(f"\n=== {' '.join(['python', *command[1:]])}", flush=True)
            started = time.monotonic()
            code = subprocess.call(command, env=env)
            took = time.monotonic() - started
            outcomes[name] = f"done in {took:.0f} s" if code == 0 else f"FAILED (exit {code}) after {took:.0f} s"
        figures = read_figures(figures_file)

    print(f"\n=== figures{' (--quick: indicative only)' if args.quick else ''}; load average now {load_average()}")
    for f in figures:
        print(f.line())
    print("\nbenchmarks: " + "; ".join(f"{name} {outcome}" for name, outcome in outcomes.items()))
    missed = [f for f in figures if not f.meets]
    print(f"{len(figures) - len(missed)} of {len(figures)} figures meet their targets")
    return 1 if any(o.startswith("FAILED") for o in outcomes.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
