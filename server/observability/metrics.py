"""Counters and histograms in Prometheus' text exposition format (version 0.0.4).

Why not ``prometheus_client``: it is the library to use, but it is not installed in this
project's environment and could not be added here; this module writes the same text format for
the few metric kinds CaseDesk needs (counters and histograms with labels, gauges read at scrape
time). Swapping it for ``prometheus_client`` (in its multiprocess mode) keeps every name and label.

Several workers (``serve --workers N``): a scrape reaches one worker, which answers for all of
them. ``serve`` gives the workers one private directory (``PROMETHEUS_MULTIPROC_DIR``, the name
prometheus_client uses for the same purpose); each worker writes its counts there every
:data:`SNAPSHOT_SECONDS`, and the one scraped adds up its own live counts and
the others' files. Counts of a worker that has gone are kept (counters never go down); gauges only
of workers that are alive. Without the directory (one worker, tests) the counts are the process's.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

#: Request latency buckets (seconds): a sync page is tens of milliseconds, a big upload chunk seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: Where the workers of one ``serve`` leave their counts for each other (set by ``serve``).
SHARED_DIR = "PROMETHEUS_MULTIPROC_DIR"
SNAPSHOT_SECONDS = 2.0

Labels = tuple[str, ...]
#: name → label values (joined by NUL) → a counter's value, or a histogram's bucket counts + count + sum.
Snapshot = dict[str, dict[str, Any]]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: Sequence[str], values: Sequence[str]) -> str:
    if not names:
        return ""
    return "{" + ",".join(f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True)) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class Counter:
    """A monotonically increasing count per label combination."""

    kind = "counter"

    def __init__(self, name: str, help_: str, labels: Sequence[str] = ()) -> None:
        self.name, self.help, self.label_names = name, help_, tuple(labels)
        self._values: dict[Labels, float] = {}
        self._lock = threading.Lock()

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        with self._lock:
            self._values[labels] = self._values.get(labels, 0.0) + amount

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"\0".join(labels): value for labels, value in self._values.items()}

    def samples(self, values: dict[str, Any]) -> Iterable[str]:
        for key, value in sorted(values.items()):
            labels = tuple(key.split("\0")) if self.label_names else ()
            yield f"{self.name}_total{_labels(self.label_names, labels)} {_number(value)}"


class Histogram:
    """Observations counted into cumulative buckets, with their sum and count, per label combination."""

    kind = "histogram"

    def __init__(self, name: str, help_: str, labels: Sequence[str] = (), buckets: Sequence[float] = ()) -> None:
        self.name, self.help, self.label_names = name, help_, tuple(labels)
        self.buckets = tuple(sorted(buckets or LATENCY_BUCKETS))
        self._values: dict[Labels, list[float]] = {}  # bucket counts..., +Inf count, sum
        self._lock = threading.Lock()

    def observe(self, value: float, *labels: str) -> None:
        with self._lock:
            counts = self._values.setdefault(labels, [0.0] * (len(self.buckets) + 2))
            for i, bound in enumerate(self.buckets):
                if value <= bound:
                    counts[i] += 1
            counts[-2] += 1
            counts[-1] += value

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {"\0".join(labels): list(counts) for labels, counts in self._values.items()}

    def samples(self, values: dict[str, Any]) -> Iterable[str]:
        names = (*self.label_names, "le")
        for key, counts in sorted(values.items()):
            labels = tuple(key.split("\0")) if self.label_names else ()
            for bound, count in zip((*self.buckets, math.inf), counts[:-1], strict=True):
                yield f"{self.name}_bucket{_labels(names, (*labels, _number(bound)))} {_number(count)}"
            yield f"{self.name}_count{_labels(self.label_names, labels)} {_number(counts[-2])}"
            yield f"{self.name}_sum{_labels(self.label_names, labels)} {_number(counts[-1])}"


Metric = Counter | Histogram

REQUESTS = Counter(
    "casedesk_http_requests",
    "HTTP requests answered, by method, route template and status",
    ("method", "route", "status"),
)
LATENCY = Histogram(
    "casedesk_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, by method and route template",
    ("method", "route"),
)
SYNC_PULLS = Counter("casedesk_sync_pulls", "Sync pulls (pages of GET /sync/pull), by status", ("status",))
SYNC_PUSHES = Counter("casedesk_sync_pushes", "Sync pushes (POST /sync/push), by status", ("status",))
SYNC_MUTATIONS = Counter(
    "casedesk_sync_mutations",
    "Mutations pushed by desks, by their outcome (applied, duplicate, conflict, rejected, held)",
    ("outcome",),
)
UPLOAD_BYTES = Counter("casedesk_upload_bytes", "Bytes of upload chunks accepted (tus PATCH answered 204)")
UPLOADS_COMPLETED = Counter("casedesk_uploads_completed", "Uploads whose last byte arrived and became a blob")
AUDIT_APPENDS = Counter("casedesk_audit_appends", "Audit records committed")

METRICS: tuple[Metric, ...] = (
    REQUESTS,
    LATENCY,
    SYNC_PULLS,
    SYNC_PUSHES,
    SYNC_MUTATIONS,
    UPLOAD_BYTES,
    UPLOADS_COMPLETED,
    AUDIT_APPENDS,
)

#: (name, help) of the gauges read at scrape time from the worker's engine (:func:`pool_gauges`).
GAUGES = {
    "casedesk_db_pool_size": "Connections the workers' database pools may hold together",
    "casedesk_db_pool_checked_out": "Pooled database connections in use now",
}


def pool_gauges(engine: Any) -> dict[str, float]:
    """The database pool of this worker's engine, read now."""
    pool = engine.pool
    gauges = {}
    for name, method in (("casedesk_db_pool_size", "size"), ("casedesk_db_pool_checked_out", "checkedout")):
        read = getattr(pool, method, None)
        if callable(read):
            gauges[name] = float(read())
    return gauges


def snapshot(gauges: dict[str, float] | None = None) -> Snapshot:
    taken: Snapshot = {metric.name: metric.snapshot() for metric in METRICS}
    taken["gauges"] = dict(gauges or {})
    return taken


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _others(directory: Path) -> Iterable[tuple[int, Snapshot]]:
    for path in directory.glob("*.json"):
        try:
            pid = int(path.stem)
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        try:
            yield pid, json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # being replaced just now: its next snapshot counts
            continue


def merged(own: Snapshot) -> Snapshot:
    """This worker's counts plus those the other workers of this ``serve`` left in the shared directory."""
    shared = os.environ.get(SHARED_DIR)
    if not shared:
        return own
    total: Snapshot = json.loads(json.dumps(own))
    for pid, other in _others(Path(shared)):
        for metric in METRICS:
            into = total.setdefault(metric.name, {})
            for key, value in other.get(metric.name, {}).items():
                if isinstance(value, list):
                    into[key] = [a + b for a, b in zip(into.get(key, [0.0] * len(value)), value, strict=True)]
                else:
                    into[key] = into.get(key, 0.0) + value
        if _alive(pid):
            for name, value in other.get("gauges", {}).items():
                total["gauges"][name] = total["gauges"].get(name, 0.0) + value
    return total


def render(gauges: dict[str, float] | None = None) -> str:
    """Every metric, for all the workers of this server, in the text format."""
    values = merged(snapshot(gauges))
    lines: list[str] = []
    for metric in METRICS:
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        lines.extend(metric.samples(values.get(metric.name, {})))
    for name, value in sorted(values["gauges"].items()):
        lines.append(f"# HELP {name} {GAUGES.get(name, name)}")
        lines.append(f"# TYPE {name} gauge")
        lines.append(f"{name} {_number(value)}")
    return "\n".join(lines) + "\n"


def write_snapshot(directory: Path, gauges: dict[str, float] | None = None) -> None:
    """This worker's counts into ``directory/<pid>.json`` (replaced atomically)."""
    target = directory / f"{os.getpid()}.json"
    incoming = directory / f".{os.getpid()}.json.tmp"
    incoming.write_text(json.dumps(snapshot(gauges)), encoding="utf-8")
    os.replace(incoming, target)


_sharing = False


def share(engine: Any) -> None:
    """In a worker of ``serve --workers N``: write this worker's counts for the others every
    :data:`SNAPSHOT_SECONDS` (once per process; nothing without ``PROMETHEUS_MULTIPROC_DIR``). A
    worker that dies loses the counts of its last moments; a worker stopped with the server needs none."""
    global _sharing
    shared = os.environ.get(SHARED_DIR)
    if not shared or _sharing:
        return
    _sharing = True
    directory = Path(shared)

    def write() -> None:
        with contextlib.suppress(OSError):  # the directory went with the server: nothing to share any more
            write_snapshot(directory, pool_gauges(engine))

    def loop() -> None:
        while True:
            time.sleep(SNAPSHOT_SECONDS)
            write()

    write()
    threading.Thread(target=loop, name="casedesk-metrics", daemon=True).start()


# --- audit appends: counted when the transaction that added them commits -----------------------
# A record added inside a savepoint that is rolled back (a rejected sync mutation) is expunged by
# SQLAlchemy: it has no identity at the commit and is not counted.

_PENDING = "casedesk_audit_pending"


def _note_audit_inserts(session: Session, _context: Any, _instances: Any) -> None:
    from server.models.audit import AuditRecord

    added = [obj for obj in session.new if isinstance(obj, AuditRecord)]
    if added:
        session.info.setdefault(_PENDING, []).extend(added)


def _committed(session: Session) -> None:
    added = session.info.pop(_PENDING, [])
    committed = sum(1 for obj in added if inspect(obj).has_identity)
    if committed:
        AUDIT_APPENDS.inc(amount=committed)


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction ended without a commit (or after one)
        session.info.pop(_PENDING, None)


_installed = False


def install_session_hooks() -> None:
    """Count audit appends on every ORM session of this process (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    event.listen(Session, "before_flush", _note_audit_inserts)
    event.listen(Session, "after_commit", _committed)
    event.listen(Session, "after_transaction_end", _ended)
