"""The sync engine: upload files, push the outbox in order, pull, rebase — and say what happens.

One round (:meth:`SyncEngine.sync`) is safe to cut anywhere: the outbox, unfinished upload
URLs and the pull cursor are all in the store, so the next round continues where this one
stopped, and the server's stored push results make a resend harmless. :meth:`SyncEngine.run`
repeats rounds in the background with exponential back-off while the server cannot be reached.

Order: a mutation is pushed only after the files it refers to are on the server, and after the
earlier mutations of its order; one that fails (conflict, rejection, a file the server refuses)
holds back only the later mutations of the same order — everything else goes on.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from api_client import CaseDeskClient
from api_client.errors import ApiError, Cancelled, Forbidden, NotFound, Offline, Rejected, ServerError, Unauthorized
from api_client.pages import pages_ahead
from casework.sync import Mutation, MutationResult, MutationStatus, PushRequest, PushResponse
from offline.blobcache import BlobCache
from offline.store import Store, prepare_pull, referenced_blobs


class Phase(StrEnum):
    UPLOAD = "upload"
    PUSH = "push"
    PULL = "pull"
    KNOWLEDGE = "knowledge"
    DIRECTORY = "directory"


@dataclass(frozen=True)
class ItemUpdate:
    """What the user sees of one outbox entry: PENDING, UPLOADING (``percent`` says how far), SENT, or the
    server's answer (APPLIED, DUPLICATE, CONFLICT, REJECTED, HELD: waits behind an earlier problem)."""

    mutation_id: uuid.UUID
    order_id: int
    state: MutationStatus
    percent: int | None = None


@dataclass(frozen=True)
class Progress:
    """Where a round is: ``done`` of ``total`` steps of ``phase``; bytes while uploading."""

    phase: Phase
    done: int
    total: int
    bytes_sent: int = 0
    bytes_total: int = 0


class SyncObserver(Protocol):
    """Called on the syncing thread; a UI forwards these to its own thread."""

    def progress(self, progress: Progress) -> None: ...

    def item(self, update: ItemUpdate) -> None: ...


@dataclass
class SyncReport:
    """What one round did. ``error`` is set when the round stopped early (nothing is lost)."""

    uploaded: int = 0
    pushed: int = 0
    applied: int = 0
    conflicts: int = 0
    rejected: int = 0
    held: int = 0
    pulled: int = 0
    knowledge: int = 0  # knowledge entries and reply templates received or dropped
    reset: bool = False
    error: ApiError | None = None
    polled: bool = False  # a pull-only poll (:meth:`SyncEngine.poll`), not a full round
    notified: int = 0  # notifications that arrived (deadline warnings, 督办 …)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def idle(self) -> bool:
        """Nothing happened: an answered poll or round that sent, received and changed nothing."""
        return self.ok and not (
            self.uploaded or self.pushed or self.pulled or self.knowledge or self.reset or self.notified
        )


@dataclass
class Backoff:
    """Exponential back-off with full jitter: the n-th failure waits up to base·2ⁿ, at most ``cap``."""

    base: float = 2.0
    cap: float = 300.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def failed(self, retry_after: float | None = None) -> float:
        """Count a failure and return the delay before the next try, in seconds.

        A busy server's ``retry_after`` is a floor, stretched by up to half again at random so the
        desks it turned away together do not all come back in the same second.
        """
        self.failures += 1
        ceiling = min(self.cap, self.base * 2 ** (self.failures - 1))
        delay: float = ceiling / 2 + self.rng.uniform(0, ceiling / 2)
        if retry_after:
            delay = max(delay, retry_after * self.rng.uniform(1.0, 1.5))
        return delay

    def succeeded(self) -> None:
        self.failures = 0


_TRANSIENT = (Offline, ServerError)

#: JSON bytes per push, well under the server's 1 MB body limit (long replies add up).
PUSH_BYTES = 512 * 1024


#: Orders per pull page.
PULL_LIMIT = 500
#: Knowledge entries per ``GET /knowledge/sync`` page.
KNOWLEDGE_LIMIT = 500


class SyncEngine:
    """Syncs one store with one signed-in client; one round at a time (a lock guards it)."""

    def __init__(
        self,
        store: Store,
        client: CaseDeskClient,
        cache: BlobCache,
        observers: Iterable[SyncObserver] = (),
        *,
        batch: int = 100,
        pull_limit: int = PULL_LIMIT,
        backoff: Backoff | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.cache = cache
        self.observers = list(observers)
        self.batch = batch
        self.pull_limit = pull_limit
        self.knowledge_limit = KNOWLEDGE_LIMIT
        #: The next pull page is asked for while one is applied (False: one at a time).
        self.pull_ahead = True
        self.backoff = backoff or Backoff()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._round = threading.Event()  # cancels the running round only
        self._flush = threading.Event()  # the next round sends what is still in its undo window
        self._directory_loaded = False

    # --- one round -------------------------------------------------------------------------------

    def sync(self, cancel: threading.Event | None = None, flush: bool = False) -> SyncReport:
        """Upload, push, pull. Transient failures end the round with ``report.error`` set; an expired
        sign-in raises nothing either (``report.error`` is :class:`Unauthorized`) — the outbox waits.

        Mutations still in their undo window (see :meth:`Store.record`'s ``hold``) wait unless
        ``flush`` (the user asked to sync now)."""
        report = SyncReport()
        with self._lock:
            try:
                blocked = self._upload(report, cancel, flush)
                self._push(report, blocked, cancel, flush)
                self._pull(report, cancel)
                self._pull_knowledge(report, cancel)
                self._notifications(report)
                self._refresh_directory(report.reset)
            except ApiError as exc:  # offline, signed out, cancelled, or anything else the server said:
                report.error = exc  # the round ends, the outbox stays, the loop goes on
        return report

    def poll(self, cancel: threading.Event | None = None) -> SyncReport:
        """Pull only: what changed on the server since the cursor. An empty delta costs the server a
        few milliseconds, so this can run every few seconds; the outbox goes with full rounds (and at
        once on :meth:`wake`). Notifications are fetched when the pull brought something (a 督办
        changes its order), else with the next full round."""
        report = SyncReport(polled=True)
        with self._lock:
            try:
                if self.store.intake_unanswered():
                    # The intake's order must come with the push's answer first (no duplicate row):
                    # a full round resends it (the server answers the same order) and then pulls.
                    self._push(report, set(), cancel)
                self._pull(report, cancel)
                if report.pulled or self.store.reads_to_send():
                    # 督办, 催办 and 督办反馈 change their order too; warnings wait for the next full round.
                    self._notifications(report)
            except ApiError as exc:
                report.error = exc
        return report

    def _upload(self, report: SyncReport, cancel: threading.Event | None, flush: bool = False) -> set[int]:
        """Send the files pending mutations refer to; return the orders that must wait for theirs."""
        waiting: dict[str, list[Mutation]] = {}
        for mutation in self.store.pending(limit=10_000, flush=flush):
            for sha in referenced_blobs(mutation.args):
                if not self._file_ready(sha):
                    waiting.setdefault(sha, []).append(mutation)
        # A file whose row went meanwhile (its mutation withdrawn) is not sent.
        rows = {sha: row for sha in waiting if (row := self.store.file(sha)) is not None}
        waiting = {sha: mutations for sha, mutations in waiting.items() if sha in rows}
        total = sum(row["size"] for row in rows.values())
        sent_before = 0
        blocked: set[int] = set()
        for done, (sha, mutations) in enumerate(waiting.items()):
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            tracker = _UploadTracker(self, mutations, done, len(waiting), sent_before, total)
            if self._upload_one(sha, rows[sha]["upload_url"], mutations, tracker, cancel):
                report.uploaded += 1
            else:
                blocked |= {m.order_id for m in mutations}
            sent_before += rows[sha]["size"]
        return blocked

    def _upload_one(
        self,
        sha: str,
        upload_url: str | None,
        mutations: list[Mutation],
        tracker: _UploadTracker,
        cancel: threading.Event | None,
    ) -> bool:
        """Upload one file; False (and its mutations rejected locally) when it cannot ever go."""
        data = self.cache.read_checked(sha)  # the plaintext: the cached file is sealed (a resume sends the same bytes)
        if data is None:
            self._fail_locally(
                mutations,
                "file_missing",
                "本地照片文件已丢失或损坏，请重新添加",
                "The local copy of the photo is missing or damaged; add it again",
            )
            return False
        try:
            self.client.upload(
                data,
                sha256=sha,
                upload_url=upload_url,
                on_created=lambda url: self.store.set_upload_url(sha, url),
                on_progress=tracker,
                cancel=cancel,
            )
        except Cancelled as exc:
            if exc.upload_url:
                self.store.set_upload_url(sha, exc.upload_url)
            raise
        except Rejected as exc:  # the server refuses the file itself (type, size, a broken image)
            self._fail_locally(mutations, exc.code, exc.message_zh, exc.message_en)
            return False
        self.store.mark_uploaded(sha)
        return True

    def _file_ready(self, sha: str) -> bool:
        """On the server already, as far as we know (a file not attached here was uploaded elsewhere)."""
        row = self.store.file(sha)
        return row is None or bool(row["uploaded"])

    def _push(self, report: SyncReport, blocked: set[int], cancel: threading.Event | None, flush: bool = False) -> None:
        """Send the outbox in batches, each after the answer to the one before; the desk records an
        answer while the server works on the next batch.

        The next batch is picked while the server works on this one, and sent as soon as this one's
        answer is read — less the orders whose mutation it did not apply (a conflict, a rejection, one
        held), so nothing that came after a problem leaves the desk, as when every batch waited for
        the one before to be recorded. Each mutation goes once a round. Exactly-once is the server's
        stored results' doing, as before: a batch is marked sent before it goes, and one whose answer
        was not recorded (a crash, a cut) is sent again and answered from what was stored."""
        client_id = self.store.client_id()
        sent: set[uuid.UUID] = set()  # this round's: a mutation the answer missed is not sent again
        pool = ThreadPoolExecutor(1, thread_name_prefix="push")
        try:
            in_flight: tuple[list[Mutation], Future[PushResponse]] | None = None
            while True:
                stopped = cancel is not None and cancel.is_set()
                if in_flight is None:
                    if stopped:
                        raise Cancelled()
                    first = self._next_batch(blocked, flush, sent)
                    if not first:
                        return
                    in_flight = self._send(pool, client_id, first, report, sent)
                    if in_flight is None:
                        continue  # all of it withdrawn meanwhile
                batch, answer = in_flight
                upcoming = [] if stopped else self._next_batch(blocked, flush, sent)
                response = answer.result()
                failed = {
                    m.order_id
                    for m, r in _paired(batch, response.results)
                    if r.status not in (MutationStatus.APPLIED, MutationStatus.DUPLICATE)
                }
                blocked |= failed
                upcoming = [m for m in upcoming if m.order_id not in failed]
                stopped = cancel is not None and cancel.is_set()
                in_flight = None if stopped else self._send(pool, client_id, upcoming, report, sent)
                self.store.mark(response.results)
                by_id = {m.id: m for m in batch}
                for result in response.results:
                    self._count(report, result)
                    mutation = by_id.get(result.id)
                    if mutation is not None:
                        # An intake's verdict names the server's order (the provisional one is gone).
                        self._item(result.id, result.order_id or mutation.order_id, result.status)
                report.pushed += len(batch)
        finally:
            pool.shutdown(wait=True)  # a batch in flight when recording failed: its answer is not awaited twice

    def _send(
        self,
        pool: ThreadPoolExecutor,
        client_id: str,
        batch: list[Mutation],
        report: SyncReport,
        sent: set[uuid.UUID],
    ) -> tuple[list[Mutation], Future[PushResponse]] | None:
        """Take ``batch`` for sending (the outbox marks it sent) and send it on the push thread."""
        if not batch:
            return None
        # Only what this transaction took goes: a mutation withdrawn since it was read stays home.
        taken = set(self.store.mark_sent(m.id for m in batch))
        sent.update(m.id for m in batch)
        batch = [m for m in batch if m.id in taken]
        if not batch:
            return None
        for m in batch:
            self._item(m.id, m.order_id, MutationStatus.SENT)
        self._progress(Progress(Phase.PUSH, report.pushed, report.pushed + len(batch)))
        return batch, pool.submit(self.client.push, PushRequest(client_id=client_id, mutations=batch))

    def _next_batch(self, blocked: set[int], flush: bool = False, sent: set[uuid.UUID] | None = None) -> list[Mutation]:
        """Pending mutations in order, leaving out orders whose files could not be sent and those
        ``sent`` already; at most ``batch`` of them and about PUSH_BYTES of JSON (the server refuses
        bodies over 1 MB)."""
        batch: list[Mutation] = []
        size = 0
        sent = sent or set()
        for mutation in self.store.pending(limit=2 * self.batch + 1000, flush=flush):
            if mutation.order_id in blocked or mutation.id in sent:
                continue
            if not all(self._file_ready(sha) for sha in referenced_blobs(mutation.args)):
                blocked.add(mutation.order_id)  # and so the later ones of this order too
                continue
            weight = len(mutation.model_dump_json().encode())  # as it goes on the wire
            if batch and size + weight > PUSH_BYTES:
                break
            batch.append(mutation)
            size += weight
            if len(batch) == self.batch:
                break
        return batch

    def _pull(self, report: SyncReport, cancel: threading.Event | None) -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        # The next page is on its way while this one is applied (see pages_ahead).
        # Each page's rows are built on the thread that fetched it, while the one before is written.
        pulled = pages_ahead(self.client, self.store.cursor(), self.pull_limit, self.pull_ahead, prepare=prepare_pull)
        with closing(pulled) as pages:
            for page in pages:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                self.store.apply_pull(page)
                report.pulled += len(page.changes)
                report.reset |= page.reset
                self._progress(Progress(Phase.PULL, report.pulled, report.pulled + (1 if page.has_more else 0)))

    def _pull_knowledge(self, report: SyncReport, cancel: threading.Event | None) -> None:
        """The knowledge base after the orders, page by page from the saved cursor: published entries
        and the department's own drafts, the reply templates, and the entries no longer visible to drop.
        A server without a knowledge base (404), or one that keeps it from this user (403), leaves the
        desk's copy as it is."""
        pages = 0
        while True:
            if cancel is not None and cancel.is_set():
                raise Cancelled()
            try:
                page = self.client.knowledge_sync(self.store.knowledge_cursor(), self.knowledge_limit)
            except (NotFound, Forbidden):  # a server without a knowledge base, or none for this user
                return
            data = page.model_dump(mode="json")
            self.store.apply_knowledge(data)
            report.knowledge += sum(
                len(data.get(k) or []) for k in ("entries", "removed_entry_ids", "templates", "removed_template_ids")
            )
            pages += 1
            self._progress(Progress(Phase.KNOWLEDGE, pages, pages + (1 if data.get("more") else 0)))
            if not data.get("more"):
                return

    def _notifications(self, report: SyncReport) -> None:
        """Tell the server which notifications were read here, then fetch the ones this desk has not
        seen (all it missed while it was off: they are stored on the server)."""
        fetch = getattr(self.client, "notifications", None)  # the tests' stand-in clients have none
        if fetch is None:
            return
        reads = self.store.reads_to_send()
        for start in range(0, len(reads), 1000):
            self.client.mark_notifications_read(reads[start : start + 1000])
        if reads:
            self.store.reads_sent(reads)
        while True:
            page = fetch(after=self.store.notification_cursor())
            report.notified += self.store.add_notifications(page.notifications)
            if not page.has_more or not page.notifications:
                break

    def _refresh_directory(self, force: bool) -> None:
        """Names for display: once per engine (a session), and again after a reset."""
        if self._directory_loaded and not force:
            return
        self._progress(Progress(Phase.DIRECTORY, 0, 3))
        self.store.set_directory("departments", self.client.departments())
        self.store.set_directory("users", self.client.users())
        self.store.set_directory("categories", self.client.categories())
        self._directory_loaded = True
        self._progress(Progress(Phase.DIRECTORY, 3, 3))

    # --- background ------------------------------------------------------------------------------

    def run(
        self,
        interval: float = 60.0,
        on_report: Callable[[SyncReport], None] | None = None,
        prepare: Callable[[], None] | None = None,
        poll: float | None = None,
    ) -> None:
        """Sync until :meth:`stop`: a full round every ``interval`` seconds, at once on :meth:`wake`
        (a new local edit), and after failures with exponential back-off; in between, while the
        server answers, a pull-only :meth:`poll` every ``poll`` seconds (None: no polls), so a new
        order arrives within seconds. Returns on an expired sign-in too.

        ``prepare`` runs before each round (say, restoring a session when the desk was opened
        offline); its Offline/Unauthorized end the round like the round's own would.
        """
        self._stop.clear()
        full = True
        full_due = 0.0  # time.monotonic() of the next full round
        while not self._stop.is_set():
            self._wake.clear()
            self._round = threading.Event()
            if self._stop.is_set():
                break
            flush = self._flush.is_set()
            self._flush.clear()
            try:
                if prepare is not None:
                    prepare()
            except ApiError as exc:
                report = SyncReport(error=exc, polled=not full)
            else:
                report = self.sync(cancel=self._round, flush=flush) if full or flush else self.poll(cancel=self._round)
            if on_report is not None:
                on_report(report)
            if isinstance(report.error, Unauthorized):
                return  # the user has to sign in again; nothing is lost meanwhile
            error = report.error if report.error is not None and report.error.code != "cancelled" else None
            failed = error is not None
            if error is not None:
                delay = self.backoff.failed(error.retry_after)
                full_due = 0.0  # after a failure, the next try is a full round
            else:
                self.backoff.succeeded()
                if full:
                    full_due = time.monotonic() + interval
                left = max(0.0, full_due - time.monotonic())
                delay = left if poll is None else min(poll, left)
            release = self.store.next_release()
            if release is not None:  # a fresh edit leaves the desk when its undo window closes
                delay = min(delay, max(0.1, (release - datetime.now(UTC)).total_seconds() + 0.05))
            woken = self._wake.wait(delay)
            released = release is not None and datetime.now(UTC) >= release
            full = woken or failed or released or time.monotonic() >= full_due

    def wake(self, flush: bool = False) -> None:
        """Sync soon (from any thread): there is something new to send. ``flush``: send what is
        still in its undo window too (the user asked to sync now)."""
        if flush:
            self._flush.set()
        self._wake.set()

    def stop(self) -> None:
        """End :meth:`run` (from any thread); a round in progress stops at its next step."""
        self._stop.set()
        self._round.set()
        self._wake.set()

    def cancel_round(self) -> None:
        """Stop the running round at its next step (an upload between chunks); :meth:`run` goes on
        and the next round resumes where this one stopped."""
        self._round.set()

    # --- helpers ---------------------------------------------------------------------------------

    def _fail_locally(self, mutations: list[Mutation], code: str, zh: str, en: str) -> None:
        for m in mutations:
            self.store.reject_locally(m.id, code, zh, en)
            self._item(m.id, m.order_id, MutationStatus.REJECTED)

    @staticmethod
    def _count(report: SyncReport, result: MutationResult) -> None:
        match result.status:
            case MutationStatus.APPLIED | MutationStatus.DUPLICATE:
                report.applied += 1
            case MutationStatus.CONFLICT:
                report.conflicts += 1
            case MutationStatus.REJECTED:
                report.rejected += 1
            case MutationStatus.HELD:
                report.held += 1

    def _item(self, mutation_id: uuid.UUID, order_id: int, state: MutationStatus, percent: int | None = None) -> None:
        update = ItemUpdate(mutation_id, order_id, state, percent)
        for observer in self.observers:
            observer.item(update)

    def _progress(self, progress: Progress) -> None:
        for observer in self.observers:
            observer.progress(progress)


def _paired(batch: list[Mutation], results: list[MutationResult]) -> Iterable[tuple[Mutation, MutationResult]]:
    """Each answered mutation of ``batch`` with its result."""
    by_id = {m.id: m for m in batch}
    return ((by_id[r.id], r) for r in results if r.id in by_id)


@dataclass
class _UploadTracker:
    """Turns one file's (sent, size) into item percentages and the round's byte progress."""

    engine: SyncEngine
    mutations: list[Mutation]
    index: int
    count: int
    sent_before: int
    total: int

    def __call__(self, sent: int, size: int) -> None:
        percent = int(sent * 100 / size) if size else 100
        for m in self.mutations:
            self.engine._item(m.id, m.order_id, MutationStatus.UPLOADING, percent)
        progress = Progress(Phase.UPLOAD, self.index, self.count, self.sent_before + sent, self.total)
        self.engine._progress(progress)
