"""One signed-in user's world: their local store, file cache, server session and background sync.

Widgets talk to this object only. Every edit goes through :meth:`Workspace.record` on the disk
lane and announces what it changed (``changed``); sync news arrives as signals on the UI thread.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import QCoreApplication, QObject, Signal

from api_client import CaseDeskClient
from api_client.errors import ApiError, Offline, Unauthorized
from casework.lifecycle import Command
from casework.roles import Actor
from casework.schemas import COMMAND_BODIES, UserOut
from desktop.tasks import Task, TaskRunner
from offline import Store, open_store
from offline.blobcache import BlobCache
from offline.facts import actor_of
from offline.files import add_files
from offline.models import IN_FLIGHT, PROBLEMS
from offline.store import LocalFile
from offline.sync import ItemState, ItemUpdate, Progress, SyncEngine, SyncReport


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    online: bool
    syncing: bool
    pending: int
    problems: int
    last_sync: datetime | None
    error: ApiError | None = None

    @property
    def needs_sign_in(self) -> bool:
        return isinstance(self.error, Unauthorized)


def profile_dir(data_root: Path, server_id: str, username: str) -> Path:
    """Each (server, user) pair has its own store and cache: no mixing of two users' work.

    The server is named by its instance id (``GET /server-info``), not by its address: the same
    server reached at a new port or host name opens the same profile, with its pull cursor, so
    a restart pulls only what changed. ``desktop.session`` finds the id for an address.
    """
    key = hashlib.sha256(f"id:{server_id}|{username}".encode()).hexdigest()[:16]
    return data_root / "profiles" / f"{username}-{key}"


def url_profile_dir(data_root: Path, server_url: str, username: str) -> Path:
    """Where profiles were kept before servers had an id (keyed by address); still used for a
    server too old to answer ``/server-info``. ``desktop.session`` adopts such a profile."""
    key = hashlib.sha256(f"{server_url.rstrip('/')}|{username}".encode()).hexdigest()[:16]
    return data_root / "profiles" / f"{username}-{key}"


class _Bridge(QObject):
    """Engine observer calls (on the sync thread) re-emitted as signals (queued to the UI thread)."""

    item_seen = Signal(object)
    progress_made = Signal(object)

    def item(self, update: ItemUpdate) -> None:
        self.item_seen.emit(update)

    def progress(self, progress: Progress) -> None:
        self.progress_made.emit(progress)


class Workspace(QObject):
    changed = Signal(object)  # set of order ids that changed; an empty set means "anything may have"
    status_changed = Signal(object)  # SyncStatus
    item_state = Signal(object)  # ItemUpdate
    progress = Signal(object)  # Progress of the running round

    def __init__(
        self,
        client: CaseDeskClient,
        user: UserOut,
        root: Path,
        runner: TaskRunner,
        online: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.client = client
        self.user = user
        self.actor: Actor = actor_of(user)
        self.root = root
        self.runner = runner
        root.mkdir(parents=True, exist_ok=True)
        self.store: Store = open_store(root / "local.sqlite")
        self.cache = BlobCache(root / "blobs")
        self.cache.clean_temp()
        self.store.set_me(user)
        self._bridge = _Bridge(self)  # a child: it lives where this object lives
        self._bridge.item_seen.connect(self.item_state)
        self._bridge.progress_made.connect(self.progress)
        self._bridge.item_seen.connect(self._on_item)
        self.engine = SyncEngine(self.store, client, self.cache, [self._bridge])
        self._online = online
        self._syncing = False
        self._last_sync: datetime | None = None
        self._error: ApiError | None = None
        self._thread: threading.Thread | None = None
        # Every request tells whether the server answered: the status flips on the first failure.
        self._stop_listening = client.listen(self._reached)
        app = QCoreApplication.instance()
        if app is not None and parent is None and self.thread() is not app.thread():
            # Made on a worker (sign-in runs off the UI thread): live on the UI thread, or the
            # slots connected to this object (立即同步's sync_now …) would be queued to a thread
            # that runs no event loop, and never run.
            self.moveToThread(app.thread())

    # --- editing ----------------------------------------------------------------------------------

    def record(
        self,
        order_id: int,
        command: Command,
        body: dict[str, Any] | BaseModel,
        files: list[LocalFile] | None = None,
        on_done: Callable[[], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task:
        """Check, apply locally and queue ``command`` (disk lane); ``changed`` fires when it is stored,
        then ``on_done()``. A refusal (``CommandRefused``, with both languages) goes to ``on_error``."""
        model = COMMAND_BODIES[command]
        if isinstance(body, dict):
            body = dict(body)
            if "version" in model.model_fields:
                body.setdefault("version", (self.store.order(order_id) or {}).get("version", 0))
            body = model.model_validate(body)

        def work() -> None:
            self.store.record(self.actor, order_id, command, body, files=files or [])

        def done(_: Any) -> None:
            self.changed.emit({order_id})
            self._emit_status()
            self.engine.wake()
            if on_done is not None:
                on_done()

        return self.runner.run(work, label=command.value, on_done=done, on_error=on_error)

    def add_files(self, paths: list[Path], **kw: Any) -> Task:
        """Prepare (rotate, shrink, read EXIF) and cache files; the result is (kept, refused)."""
        return self.runner.run(add_files, self.cache, paths, label="files", **kw)

    def resolve(
        self,
        mutation_id: Any,
        action: str,
        changes: dict[str, Any] | None = None,
        on_done: Callable[[], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task:
        """Discard a problem row, or retry it (with ``changes``, say merged text)."""

        def work() -> Any:
            row = next((r for r in self.store.problems() if r["mutation_id"] == str(mutation_id)), None)
            self.store.resolve(mutation_id, action, changes)  # type: ignore[arg-type]
            return row["order_id"] if row else None

        def done(order_id: Any) -> None:
            self.changed.emit({order_id} if order_id else set())
            self._emit_status()
            self.engine.wake()
            if on_done is not None:
                on_done()

        return self.runner.run(work, label="resolve", on_done=done, on_error=on_error)

    # --- sync -------------------------------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        counts = self.store.outbox_counts()
        return SyncStatus(
            online=self._online,
            syncing=self._syncing,
            pending=sum(counts.get(s, 0) for s in IN_FLIGHT),
            problems=sum(counts.get(s, 0) for s in PROBLEMS),
            last_sync=self._last_sync,
            error=self._error,
        )

    def start_sync(self, interval: float = 60.0) -> None:
        """Sync in the background now and every ``interval`` seconds, with back-off when offline."""
        if self._thread is not None and self._thread.is_alive():
            self.engine.wake()
            return
        self._thread = threading.Thread(
            target=self.engine.run,
            kwargs={"interval": interval, "on_report": self._reported, "prepare": self._ensure_session},
            daemon=True,
        )
        self._syncing = True
        self._emit_status()
        self._thread.start()

    def sync_now(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self.start_sync()
        else:
            self._syncing = True  # shown at once; the round's report (or its first failure) follows
            self._emit_status()
            self.engine.wake()

    def _ensure_session(self) -> None:
        """Opened offline: sign in again from the keyring as soon as the server answers."""
        if self.client.user is None:
            self.user = self.client.resume(self.user.username)
            self.store.set_me(self.user)

    def sync_once(self) -> SyncReport:
        """One round in the calling thread, reported like a background one (scripts and tests; it blocks)."""
        report = self.engine.sync()
        self._reported(report)
        return report

    def cancel_sync(self) -> None:
        """Stop the running round (say a long upload); the next one resumes from where it stopped."""
        self.engine.cancel_round()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop_listening()
        self.engine.stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self.runner.wait()
        self.store.close()

    def _reported(self, report: SyncReport) -> None:
        # On the sync thread: only plain state changes and signal emission here.
        self._online = not isinstance(report.error, Offline)
        self._error = report.error if report.error is not None and report.error.code != "cancelled" else None
        if report.ok:
            self._last_sync = datetime.now(UTC)
        self._syncing = False
        self.changed.emit(set())
        self._emit_status()

    def _reached(self, reached: bool) -> None:
        # On whichever thread made the request: a plain flag and a queued signal.
        if reached != self._online:
            self._online = reached
            self._emit_status()

    def _on_item(self, update: ItemUpdate) -> None:
        # Only a verdict changes what the order shows; progress ticks (uploading n %) do not.
        if update.state in (ItemState.APPLIED, ItemState.CONFLICT, ItemState.REJECTED, ItemState.HELD):
            self.changed.emit({update.order_id})

    def _emit_status(self) -> None:
        self.status_changed.emit(self.status)
