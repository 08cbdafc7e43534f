"""CaseDesk's metrics on ``prometheus_client``, in Prometheus' text exposition format (0.0.4).

Several workers (``serve --workers N``): a scrape reaches one worker, which answers for all of
them, through prometheus_client's multiprocess mode. ``serve`` gives the workers a new private
directory in ``PROMETHEUS_MULTIPROC_DIR`` (removed at exit); every worker's metrics live in files
there as they change, and the worker scraped reads them all (:class:`MultiProcessCollector`). The
counts of a worker that has gone are kept (counters never go down); gauges count only the workers
alive (``livesum``: ``serve`` marks a dead worker's gauges gone). Without the directory (one
worker, tests) the metrics are the process's own.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

from server.audit.service import APPENDED_AT_COMMIT

#: Request latency buckets (seconds): a sync page is tens of milliseconds, a big upload chunk seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

#: Where the workers of one ``serve`` keep their metrics (set by ``serve``, read by prometheus_client).
SHARED_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: prometheus_client chose its mode when it was imported (just above), from the same variable.
MULTIPROCESS = bool(os.environ.get(SHARED_DIR))

# No ``*_created`` series: the multiprocess mode has none, and one worker answers like several.
disable_created_metrics()  # type: ignore[no-untyped-call]  # prometheus_client leaves it unannotated
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "casedesk_http_requests",
    "HTTP requests answered, by method, route template and status",
    ("method", "route", "status"),
    registry=REGISTRY,
)
LATENCY = Histogram(
    "casedesk_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer, by method and route template",
    ("method", "route"),
    buckets=LATENCY_BUCKETS,
    registry=REGISTRY,
)
SYNC_PULLS = Counter(
    "casedesk_sync_pulls", "Sync pulls (pages of GET /sync/pull), by status", ("status",), registry=REGISTRY
)
SYNC_PUSHES = Counter(
    "casedesk_sync_pushes", "Sync pushes (POST /sync/push), by status", ("status",), registry=REGISTRY
)
SYNC_MUTATIONS = Counter(
    "casedesk_sync_mutations",
    "Mutations pushed by desks, by their outcome (applied, duplicate, conflict, rejected, held)",
    ("outcome",),
    registry=REGISTRY,
)
UPLOAD_BYTES = Counter(
    "casedesk_upload_bytes",
    "Bytes of upload chunks accepted (tus PATCH answered 204, or the first chunk sent with the creation)",
    registry=REGISTRY,
)
UPLOADS_COMPLETED = Counter(
    "casedesk_uploads_completed", "Uploads whose last byte arrived and became a blob", registry=REGISTRY
)
AUDIT_APPENDS = Counter("casedesk_audit_appends", "Audit records committed", registry=REGISTRY)
# Summed over the live workers of this server.
POOL_SIZE = Gauge(
    "casedesk_db_pool_size",
    "Connections the workers' database pools may hold together",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "casedesk_db_pool_checked_out",
    "Pooled database connections in use now",
    registry=REGISTRY,
    multiprocess_mode="livesum",
)


def read_pool(engine: Any) -> None:
    """The pool gauges of this process, from its engine's pool read now."""
    pool = engine.pool
    for gauge, method in ((POOL_SIZE, "size"), (POOL_CHECKED_OUT, "checkedout")):
        read = getattr(pool, method, None)
        if callable(read):
            gauge.set(read())


def _checked_out(*_: Any) -> None:
    POOL_CHECKED_OUT.inc()


def _checked_in(*_: Any) -> None:
    POOL_CHECKED_OUT.dec()


def watch_pool(engine: Any) -> None:
    """The pool gauges of this worker's engine (called once per application). One process reads
    them at each scrape; a worker of several keeps its checked-out count current for the others
    (the pool's checkout and checkin events), since the one scraped cannot read their pools."""
    read_pool(engine)
    if MULTIPROCESS:
        event.listen(engine, "checkout", _checked_out)
        event.listen(engine, "checkin", _checked_in)


def render(engine: Any) -> bytes:
    """Every metric, for all the workers of this server, in the text format (0.0.4)."""
    if not MULTIPROCESS:
        read_pool(engine)
        return generate_latest(REGISTRY)
    workers = CollectorRegistry()
    MultiProcessCollector(workers)  # type: ignore[no-untyped-call]  # prometheus_client: unannotated
    return generate_latest(workers)


def worker_exited(pid: int) -> None:
    """A worker of ``serve`` has gone: its gauges no longer count (its counters still do)."""
    shared = os.environ.get(SHARED_DIR)
    if shared:
        mark_process_dead(pid, shared)  # type: ignore[no-untyped-call]  # prometheus_client: unannotated


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
    committed += len(session.info.pop(APPENDED_AT_COMMIT, []))  # PostgreSQL's commit-time appends
    if committed:
        AUDIT_APPENDS.inc(committed)


def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    """A savepoint (a rejected sync mutation) or the whole transaction rolled back: its commit-time
    appends will not happen."""
    marks = session.info.get(APPENDED_AT_COMMIT)
    if marks:
        session.info[APPENDED_AT_COMMIT] = [t for t in marks if not _within(t, previous_transaction)]


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction ended without a commit (or after one)
        session.info.pop(_PENDING, None)
        session.info.pop(APPENDED_AT_COMMIT, None)


_installed = False


def install_session_hooks() -> None:
    """Count audit appends on every ORM session of this process (once)."""
    global _installed
    if _installed:
        return
    _installed = True
    event.listen(Session, "before_flush", _note_audit_inserts)
    event.listen(Session, "after_commit", _committed)
    event.listen(Session, "after_soft_rollback", _rolled_back)
    event.listen(Session, "after_transaction_end", _ended)
