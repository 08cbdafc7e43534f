"""Counters and histograms in Prometheus' text exposition format (version 0.0.4).

Why not ``prometheus_client``: it is the library to use, but it is not installed in this
project's environment and could not be added here; this module writes the same text format for
the handful of metric kinds CaseDesk needs (counters and histograms with labels, gauges read at
scrape time). Swapping it for ``prometheus_client`` (multiprocess mode for ``--workers N``) keeps
every metric name and label.

The values are per process: with ``serve --workers N`` each scrape is answered by one worker with
its own counts, labelled ``worker="<pid>"`` so that series never mix (README "Metrics").
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

#: Request latency buckets (seconds): a sync page is tens of milliseconds, a big upload chunk seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

Labels = tuple[str, ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(names: Sequence[str], values: Sequence[str]) -> str:
    worker = f'worker="{os.getpid()}"'
    return "{" + ",".join([worker, *(f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True))]) + "}"


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


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

    def value(self, *labels: str) -> float:
        with self._lock:
            return self._values.get(labels, 0.0)

    def samples(self) -> Iterable[str]:
        with self._lock:
            values = sorted(self._values.items())
        for labels, value in values:
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

    def samples(self) -> Iterable[str]:
        with self._lock:
            values = sorted((labels, list(counts)) for labels, counts in self._values.items())
        names = (*self.label_names, "le")
        for labels, counts in values:
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


def pool_gauges(engine: Any) -> list[tuple[str, str, float]]:
    """(name, help, value) of the database pool of this worker's engine, read now."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    checked_out = getattr(pool, "checkedout", None)
    gauges = []
    if callable(size):
        gauges.append(("casedesk_db_pool_size", "Connections this worker's pool may hold", float(size())))
    if callable(checked_out):
        gauges.append(("casedesk_db_pool_checked_out", "Pooled connections in use now", float(checked_out())))
    return gauges


def render(gauges: Iterable[tuple[str, str, float]] = ()) -> str:
    """Every metric of this process in the text format, each sample labelled with the worker's pid."""
    lines: list[str] = []
    for metric in METRICS:
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        lines.extend(metric.samples())
    for name, help_, value in gauges:
        lines.append(f"# HELP {name} {help_}")
        lines.append(f"# TYPE {name} gauge")
        lines.append(f"{name}{_labels((), ())} {_number(value)}")
    return "\n".join(lines) + "\n"


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
