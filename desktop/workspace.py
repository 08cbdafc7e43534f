"""One signed-in user's world: their local store, file cache, server session and background sync.

Widgets talk to this object only. Every edit goes through :meth:`Workspace.record` on the disk
lane and announces what it changed (``changed``); sync news arrives as signals on the UI thread.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from PySide6.QtCore import QCoreApplication, QObject, Signal

from api_client import CaseDeskClient
from api_client.errors import ApiError, DeviceRevoked, Offline, Unauthorized
from casework.lifecycle import Command
from casework.roles import DEPARTMENT_ROLES, Actor, Role
from casework.schemas import UserOut
from casework.sync import COMMAND_ARGS, IN_FLIGHT, PROBLEMS, mutation_args
from desktop.admin import Administration
from desktop.devices import Devices, LostEdit, Wiped, lost_edits, report_lost
from desktop.measures import MonthFigures, load_month
from desktop.profile import wipe_profile
from desktop.reads import Reads
from desktop.tasks import Lane, Task, TaskRunner, guarded
from offline import Store, open_store
from offline.blobcache import BlobCache
from offline.facts import actor_of
from offline.files import add_files
from offline.store import REPLY_DRAFT, LocalFile, WithdrawRefused, form_key
from offline.sync import ItemUpdate, Phase, Progress, SyncEngine, SyncReport

__all__ = [
    "REPLY_DRAFT",
    "ItemUpdate",
    "LocalFile",
    "Phase",
    "Progress",
    "Reads",
    "SyncStatus",
    "Workspace",
    "form_key",
    "profile_dir",
]


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
        return isinstance(self.error, Unauthorized) and not self.revoked

    @property
    def revoked(self) -> bool:
        """An administrator revoked this desk: it must erase its local data (desktop.devices.discard)."""
        return isinstance(self.error, DeviceRevoked)


#: How long a recorded command waits on the desk before it is sent: the time to take it back (撤销)
#: from the notice. Until it is sent it can still be taken back from the order.
UNDO_WINDOW = timedelta(seconds=10)


@dataclass(frozen=True)
class Recorded:
    """A command just stored and queued: what the undo notice names and takes back."""

    mutation_id: uuid.UUID
    order_id: int
    command: Command
    number: str
    title: str


@dataclass(frozen=True)
class Undone:
    """Commands taken back before they were sent (the one asked for, and any later ones with it)."""

    order_id: int
    number: str
    title: str
    commands: list[Command]
    mutation_ids: list[uuid.UUID]
    args: list[dict[str, Any]]


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
    recorded = Signal(object)  # Recorded: a command was stored and waits in the outbox
    undone = Signal(object)  # Undone: commands taken back before they left the desk
    status_changed = Signal(object)  # SyncStatus
    item_state = Signal(object)  # ItemUpdate
    progress = Signal(object)  # Progress of the running round
    marks_changed = Signal(object)  # order ids whose 新 or 草稿 marker changed (opened; a draft kept or dropped)
    knowledge_changed = Signal()  # a sync brought knowledge entries or reply templates (or dropped some)
    notified = Signal()  # notifications arrived (deadline warnings, 督办 …): announce them
    notifications_changed = Signal()  # some were marked read here: counts follow

    def __init__(
        self,
        client: CaseDeskClient,
        user: UserOut,
        root: Path,
        runner: TaskRunner,
        online: bool,
        parent: QObject | None = None,
        key: bytes | None = None,
    ) -> None:
        """``key``: the profile's data key (:mod:`desktop.profile_key`); the store and the file cache
        are encrypted under it, and a profile an older CaseDesk kept in the clear is encrypted now.
        None keeps them unencrypted (tests and the benchmark's baseline)."""
        super().__init__(parent)
        self.client = client
        self.user = user
        self.actor: Actor = actor_of(user)
        self.root = root
        self.runner = runner
        root.mkdir(parents=True, exist_ok=True)
        self.store: Store = open_store(root / "local.sqlite", key)
        self.cache = BlobCache(root / "blobs", key)
        self.cache.clean_temp()
        self.cache.seal_plain_files()
        self.store.set_me(user)
        #: What the widgets show, read as plain data (run its methods on the runner's disk lane).
        self.reads = Reads(self.store, self.cache, client, self.actor)
        self._bridge = _Bridge(self)  # a child: it lives where this object lives
        self._bridge.item_seen.connect(self.item_state)
        self._bridge.progress_made.connect(self.progress)
        self._bridge.item_seen.connect(self._on_item)
        # Signing in runs on a network worker, so this object (and its bridge) would belong to that
        # thread, which has no event loop: calls queued to it — a lambda or a slot of this object
        # connected to its signals — would never run. It belongs with the widgets.
        app = QCoreApplication.instance()
        if app is not None and self.thread() is not app.thread():  # the bridge, a child, moves with it
            self.moveToThread(app.thread())
        self.engine = SyncEngine(self.store, client, self.cache, [self._bridge])
        self._online = online
        self._syncing = False
        self._last_sync: datetime | None = None
        self._error: ApiError | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False  # stop() called: syncing never starts again (the window asks for it late)
        self.undo_window = UNDO_WINDOW
        #: The first sync round of this session has reported (done or failed): the window chooses the
        #: list to open on from counts taken after this.
        self.first_sync_reported = False
        #: Set when this desk had been revoked and erased its old profile before this sign-in.
        self.erased: Wiped | None = None
        #: This user's desks (and, for administrators, everyone's): listed, ended, revoked.
        self.devices = Devices(client, runner)
        # Every request tells whether the server answered: the status flips on the first failure.
        self._stop_listening = client.listen(self._reached)

    @property
    def server_url(self) -> str:
        """The address of the server this desk syncs with."""
        return self.client.base_url

    def end_session(self) -> None:
        """Sign out on the server and forget the kept session (network lane; after :meth:`stop`)."""
        self.client.logout()

    # --- editing ----------------------------------------------------------------------------------

    def record(
        self,
        order_id: int,
        command: Command,
        body: dict[str, Any] | BaseModel,
        files: list[LocalFile] | None = None,
        on_done: Callable[[], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Check, apply locally and queue ``command`` (disk lane); ``changed`` and ``recorded`` fire when
        it is stored, then ``on_done()``. A refusal (``CommandRefused``, with both languages) goes to
        ``on_error``. The command waits :attr:`undo_window` before the sync sends it (see :meth:`undo`).
        Both callbacks are dropped once ``owner`` (the widget that asked) is gone; the edit is not."""
        on_done, on_error = guarded(owner, on_done), guarded(owner, on_error)
        if isinstance(body, dict):  # a version in it means nothing to a queued command: dropped
            body = COMMAND_ARGS[command].model_validate(mutation_args(body))

        hold = self.undo_window

        def work() -> Recorded:
            mutation = self.store.record(self.actor, order_id, command, body, files=files or [], hold=hold)
            order = self.store.order(order_id) or {}
            return Recorded(mutation.id, order_id, command, order.get("number", ""), order.get("title", ""))

        def done(recorded: Recorded) -> None:
            self.changed.emit({order_id})
            self._emit_status()
            self.engine.wake()  # the loop learns when the undo window closes
            self.recorded.emit(recorded)
            if on_done is not None:
                on_done()

        return self.runner.run(work, label=command.value, on_done=done, on_error=on_error)

    def undo(
        self,
        target: uuid.UUID | str | int,
        with_later: bool = False,
        on_done: Callable[[Undone], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Take back a command that has not left the desk (disk lane): a mutation id, or an order id
        for that order's last unsent command. The order is rebuilt from the server's copy and the
        commands still unsent; ``changed`` and ``undone`` fire. A command already sent or later ones
        built on it (unless ``with_later``) refuse with :class:`offline.store.WithdrawRefused`."""
        on_done, on_error = guarded(owner, on_done), guarded(owner, on_error)

        def work() -> Undone:
            mutation_id: uuid.UUID | str
            if isinstance(target, int):
                open_rows = [r for r in self.store.outbox(target) if r["status"] != "applied"]
                if not open_rows:
                    raise WithdrawRefused("gone")
                mutation_id = open_rows[-1]["mutation_id"]
            else:
                mutation_id = target
            taken = self.store.withdraw(mutation_id, with_later=with_later)
            order = self.store.order(taken.order_id) or {}
            return Undone(
                order_id=taken.order_id,
                number=order.get("number", ""),
                title=order.get("title", ""),
                commands=[Command(r["name"]) for r in taken.rows],
                mutation_ids=[uuid.UUID(r["mutation_id"]) for r in taken.rows],
                args=[r["args"] for r in taken.rows],
            )

        def done(undone: Undone) -> None:
            self.changed.emit({undone.order_id})
            self._emit_status()
            self.undone.emit(undone)
            if on_done is not None:
                on_done(undone)

        return self.runner.run(work, label="undo", on_done=done, on_error=on_error)

    def add_files(self, paths: list[Path], **kw: Any) -> Task:  # on_done, on_error, owner: as in TaskRunner.run
        """Prepare (rotate, shrink, read EXIF) and cache files; the result is (kept, refused)."""
        return self.runner.run(add_files, self.cache, paths, label="files", **kw)

    def mark_seen(self, order_id: int) -> Task:
        """The user opened the order in the pane: it is no longer new (``marks_changed`` if that changed)."""

        def done(changed: bool) -> None:
            if changed:
                self.marks_changed.emit({order_id})

        return self.runner.run(self.store.mark_seen, order_id, label="seen", on_done=done)

    def resolve(
        self,
        mutation_id: Any,
        action: Literal["discard", "retry"],
        changes: dict[str, Any] | None = None,
        on_done: Callable[[], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Discard a problem row, or retry it (with ``changes``, say merged text); callbacks as in :meth:`record`."""
        on_done, on_error = guarded(owner, on_done), guarded(owner, on_error)

        def work() -> Any:
            row = next((r for r in self.store.problems() if r["mutation_id"] == str(mutation_id)), None)
            self.store.resolve(mutation_id, action, changes)
            return row["order_id"] if row else None

        def done(order_id: Any) -> None:
            self.changed.emit({order_id} if order_id else set())
            self._emit_status()
            self.engine.wake()
            if on_done is not None:
                on_done()

        return self.runner.run(work, label="resolve", on_done=done, on_error=on_error)

    # --- drafts: what the user typed and has not stored as a command ---------------------------------

    def mark_notifications_read(self, ids: list[int] | None = None) -> Task:
        """Mark notifications read on this desk (None: all); the server is told at the next sync."""

        def done(_count: int) -> None:
            self.notifications_changed.emit()
            self.engine.wake()

        return self.runner.run(self.store.mark_notifications_read, ids, label="notifications", on_done=done)

    def keep_draft(self, order_id: int, key: str, values: dict[str, Any]) -> Task:
        """Keep ``values`` (the fields of the reply editor or a form, by name) on disk (disk lane, so in
        order with the commands the user makes); kept until the command that stores them is recorded.
        ``marks_changed`` when the order's 草稿 marker appears."""
        return self.runner.run(
            self._keep_draft, order_id, key, dict(values), label="draft", on_done=self._draft_marks(order_id)
        )

    def drop_draft(self, order_id: int, key: str) -> Task:
        """Forget a kept draft (the user cleared the text, or cancelled the form); ``marks_changed`` when
        the order's last draft goes."""
        return self.runner.run(self._drop_draft, order_id, key, label="draft", on_done=self._draft_marks(order_id))

    def _keep_draft(self, order_id: int, key: str, values: dict[str, Any]) -> bool:
        """True when the order had no draft before (its marker appears)."""
        first = not self.store.drafts(order_id)
        return self.store.keep_draft(order_id, key, values) and first

    def _drop_draft(self, order_id: int, key: str) -> bool:
        """True when that was the order's last draft (its marker goes)."""
        had = bool(self.store.drafts(order_id))
        self.store.drop_draft(order_id, key)
        return had and not self.store.drafts(order_id)

    def _draft_marks(self, order_id: int) -> Callable[[bool], None]:
        def done(changed: bool) -> None:
            if changed:
                self.marks_changed.emit({order_id})

        return done

    def draft(
        self,
        order_id: int,
        key: str,
        on_done: Callable[[dict[str, Any] | None], None] | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Read a kept draft (disk lane): ``on_done`` gets ``{"content": {...}, "updated_at": iso}`` or None
        (dropped once ``owner`` is gone)."""
        return self.runner.run(self.store.draft, order_id, key, label="draft", on_done=on_done, owner=owner)

    def drafts_pending(self) -> set[tuple[int, str]]:
        """The drafts kept on this PC, as (order id, key) (a small query: for the closing notice)."""
        return {(d["order_id"], d["key"]) for d in self.store.drafts()}

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

    def start_sync(self, interval: float = 60.0, poll: float | None = 10.0) -> None:
        """Sync in the background now and every ``interval`` seconds, with back-off when offline; poll
        for new orders every ``poll`` seconds in between (an empty delta is cheap for the server). A
        stopped desk does not start again."""
        if self._stopped:
            return
        if self._thread is not None and self._thread.is_alive():
            self.engine.wake()
            return
        self._thread = threading.Thread(
            target=self.engine.run,
            kwargs={"interval": interval, "on_report": self._reported, "prepare": self._ensure_session, "poll": poll},
            daemon=True,
        )
        self._syncing = True
        self._thread.start()  # before the status: a slot it reaches may stop this desk (a revoked one does)
        self._emit_status()

    def sync_now(self) -> None:
        """Sync at once, sending the commands still in their undo window too (the user asked)."""
        self.engine.wake(flush=True)
        if self._thread is None or not self._thread.is_alive():
            self.start_sync()
        else:
            self._syncing = True  # shown at once; the round's report (or its first failure) follows
            self._emit_status()

    def month_figures(self, month: date) -> MonthFigures | None:
        """The server's measures of ``month`` for this user (blocking: run it on a lane), kept for
        offline use: their department's; a leader in charge's portfolio, everyone else's city,
        added up. The last ones kept when the server does not answer; None when there are none."""
        department = self.user.department_id if self.user.role in DEPARTMENT_ROLES else None
        portfolio = frozenset(self.user.portfolio) if self.user.role is Role.LEADER_IN_CHARGE else frozenset()
        return load_month(self.client, self.store, month, department, portfolio, self._ensure_session)

    def administration(self) -> Administration:
        """An administrator's calls to the server (the admin screens work online only)."""
        return Administration(self.client, self._ensure_session)

    def ensure_session(self) -> None:
        """Sign in again from the keyring if the desk opened offline (network lane; online-only calls)."""
        self._ensure_session()

    def _ensure_session(self) -> None:
        """Opened offline: sign in again from the keyring as soon as the server answers."""
        if self.client.user is None:
            self.user = self.client.resume(self.user.username)
            self.store.set_me(self.user)

    def sync_once(self) -> SyncReport:
        """One round in the calling thread, reported like a background one (scripts and tests; it blocks)."""
        report = self.engine.sync(flush=True)
        self._reported(report)
        return report

    def cancel_sync(self) -> None:
        """Stop the running round (say a long upload); the next one resumes from where it stopped."""
        self.engine.cancel_round()

    def stop(self, timeout: float = 10.0) -> None:
        self._halt(timeout)
        if self._online and self._thread is not None and self.store.next_release() is not None:
            # Closing within a command's undo window: send it now rather than at the next start.
            self.engine.sync(flush=True)
        self.store.close()

    def _halt(self, timeout: float) -> None:
        self._stopped = True
        self._stop_listening()
        self.engine.stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self.runner.wait()

    def stop_revoked(self, timeout: float = 10.0) -> list[LostEdit]:
        """The server revoked this desk: stop syncing without sending anything more and return what
        erasing it will discard (:meth:`discard` does the rest)."""
        self._halt(timeout)
        lost = lost_edits(self.store)
        self.store.close()
        return lost

    def discard(
        self,
        revoked: DeviceRevoked,
        on_done: Callable[[Wiped], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> list[LostEdit]:
        """Stop (blocking, like :meth:`stop`), report the unsent edits to the server (network lane),
        then erase this desk's profile and kept session (disk lane: after every read the closed
        window queued there, which would otherwise open the store again). Returns what is discarded;
        ``on_done`` gets what was done."""
        lost = self.stop_revoked()

        def erase(reported: bool) -> None:
            def work() -> Wiped:
                self.store.close()  # the connections those reads opened: a file held open cannot go on Windows
                erased = wipe_profile(self.root, self.client.auth.store, self.user.username)
                return Wiped(lost=lost, reported=reported, erased=erased, root=self.root)

            self.runner.run(work, label="erase", on_done=on_done, on_error=on_error)

        self.runner.run(
            report_lost, self.client, revoked, lost, lane=Lane.NETWORK, label="erase", on_done=erase, on_error=on_error
        )
        return lost

    def _reported(self, report: SyncReport) -> None:
        # On the sync thread: only plain state changes and signal emission here.
        before = (self._online, self._error is None, self._syncing)
        self._online = not isinstance(report.error, Offline)
        self._error = report.error if report.error is not None and report.error.code != "cancelled" else None
        if report.ok:
            self._last_sync = datetime.now(UTC)
        self._syncing = False
        first = not self.first_sync_reported
        self.first_sync_reported = True
        if report.knowledge:
            self.knowledge_changed.emit()
        if report.polled and report.idle and not first and before == (self._online, self._error is None, False):
            return  # an idle poll: nothing for the window to redo
        if first or not report.idle:
            self.changed.emit(set())  # verdicts have announced their orders already; pulls may touch any
        if report.notified:
            self.notified.emit()
        self._emit_status()

    def _reached(self, reached: bool) -> None:
        # On whichever thread made the request: a plain flag and a queued signal.
        if reached != self._online:
            self._online = reached
            self._emit_status()

    def _on_item(self, update: ItemUpdate) -> None:
        # Only a verdict changes what the order shows; progress ticks (uploading n %) do not.
        if update.state.verdict:
            self.changed.emit({update.order_id})

    def _emit_status(self) -> None:
        self.status_changed.emit(self.status)
