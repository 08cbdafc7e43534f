"""The offline store: pulled server copies, the user's pending edits on top, and the outbox.

Every public write is one SQLite transaction, so a crash leaves either all of it or none.
"""

from __future__ import annotations

import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import to_json
from sqlalchemy import (
    JSON,
    Connection,
    Engine,
    Text,
    and_,
    cast,
    delete,
    exists,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError

from api_client.pages import PulledPage, event_row
from casework.errors import CommandRefused, Refusal
from casework.lifecycle import Command, check, check_input
from casework.roles import Actor
from casework.schemas import OrderIntake
from casework.sync import (
    IN_FLIGHT,
    INTAKE,
    PROBLEMS,
    TEXT_BASE_COMMANDS,
    Mutation,
    MutationResult,
    MutationStatus,
    PullResponse,
    is_provisional,
    mutation_args,
    text_base,
)
from casework.times import parse_time, time_of
from offline import knowledge, search
from offline.db import READING
from offline.effects import apply_mutation, provisional_order
from offline.facts import actor_from_json, actor_to_json, facts_from
from offline.models import (
    blobs,
    directory,
    drafts,
    events,
    notifications,
    orders,
    outbox,
    seen,
    sync_state,
)

#: The reply editor's local draft; an action's form keeps its text under :func:`form_key`.
REPLY_DRAFT = "reply"


def form_key(command: Command | str) -> str:
    """The local draft key of ``command``'s form (say ``form:add_note``)."""
    return f"form:{Command(command).value}"


def _drafts_done_by(command: Command) -> list[str]:
    """The local drafts a stored command makes obsolete: its form's, and the reply's for save/submit."""
    return [form_key(command), *([REPLY_DRAFT] if command in TEXT_BASE_COMMANDS else [])]


#: What the user sees of an order: the local copy when edits are pending, else the server's.
_SEEN = type_coerce(func.coalesce(orders.c.local_json, orders.c.server_json), JSON)


class UnknownOrder(LookupError):
    """The order is not in the local store (never pulled, or revoked)."""


class WithdrawRefused(Exception):
    """A mutation that cannot be taken back. ``reason``:

    - ``"sent"``: it is on its way or at the server (in flight): the normal rules apply now;
    - ``"problem"``: the server refused it or found a conflict: resolve it among the problems;
    - ``"gone"``: no such unsent mutation (applied, or withdrawn already);
    - ``"later"``: ``later`` unsent mutations of the same order come after it and build on it:
      withdraw them together (``with_later=True``) or the last one first.

    ``command`` is the wire name of the mutation concerned (empty when unknown).
    """

    def __init__(self, reason: Literal["sent", "problem", "gone", "later"], command: str = "", later: int = 0) -> None:
        super().__init__(reason, command, later)
        self.reason = reason
        self.command = command
        self.later = later


@dataclass(frozen=True)
class Withdrawn:
    """What :meth:`Store.withdraw` took back: outbox rows, oldest first, and the files they alone used."""

    order_id: int
    rows: list[dict[str, Any]]
    files: list[str]


@dataclass(frozen=True)
class LocalFile:
    """A file attached offline, already in the BlobCache, described for its ``blobs`` row."""

    sha256: str
    media_type: str
    size: int
    name: str = ""
    taken_at: datetime | None = None
    lat: float | None = None
    lon: float | None = None
    width: int | None = None
    height: int | None = None


def referenced_blobs(args: dict[str, Any]) -> list[str]:
    """The blobs a mutation's body points at (on-site check photos), in order."""
    return [p["sha256"] for p in args.get("photos") or []]


@dataclass(frozen=True)
class PreparedPull:
    """A pull page with the rows the store writes of it built already (:func:`prepare_pull`): the
    sync engine builds them on the thread that fetches pages, while the page before is written
    (``pages_ahead(..., prepare=prepare_pull)``). The page's envelope reads through."""

    page: PullResponse | PulledPage
    #: Orders the page takes away (revoked, or out of the caller's scope), and the ids of those it brings.
    gone: list[int]
    kept: list[int]
    #: The ``orders`` rows (:data:`_ORDER_COLUMNS`), each order's search text, the ``events`` rows.
    order_rows: list[tuple[Any, ...]]
    texts: list[tuple[int, str]]
    event_rows: list[tuple[int, int, str]]

    @property
    def changes(self) -> list[Any]:
        return self.page.changes

    @property
    def cursor(self) -> str:
        return self.page.cursor

    @property
    def has_more(self) -> bool:
        return self.page.has_more

    @property
    def reset(self) -> bool:
        return self.page.reset


def prepare_pull(response: PullResponse | PulledPage) -> PreparedPull:
    """The rows :meth:`Store.apply_pull` writes of a page, built from its values alone (no database:
    any thread may build them). An order's row keeps its text as it came (``order_json``), else the
    order is encoded here."""
    changes = (
        response.changes if isinstance(response, PulledPage) else [c.model_dump(mode="json") for c in response.changes]
    )
    # The last word on each order in this page: the order (its listed fields at least) and its JSON
    # text as it came (None: encode it), or None when it goes.
    latest: dict[int, tuple[dict[str, Any], bytes | None] | None] = {}
    event_rows: dict[int, tuple[int, int, str]] = {}
    for change in changes:
        order_id, order = change["order_id"], change.get("order")
        if change["kind"] == "revoke" or order is None:
            latest[order_id] = None
            continue
        latest[order_id] = (order, change.get("order_json"))
        for ev in change.get("events") or ():
            seq, text = event_row(ev)
            event_rows[seq] = (seq, order_id, text)
    kept = [o for o in latest.values() if o is not None]
    return PreparedPull(
        response,
        [i for i, o in latest.items() if o is None],
        [o["id"] for o, _ in kept],
        _order_rows([o for o, _ in kept], [text for _, text in kept]),
        [(o["id"], search.search_text(o)) for o, _ in kept],
        [row for row in event_rows.values() if latest.get(row[1]) is not None],
    )


@contextlib.contextmanager
def _interruptible(conn: Connection, cancelled: Callable[[], bool] | None) -> Iterator[Callable[[], bool]]:
    """Stop the statements run in the block as soon as ``cancelled()`` is true (SQLite checks it
    every few thousand steps: a superseded list query gives the disk lane back within a millisecond
    instead of finishing a scan nobody will see). Yields whether it was stopped; the block's
    "interrupted" error is swallowed then."""
    if cancelled is None:
        yield lambda: False
        return
    raw = conn.connection.dbapi_connection
    stopped = [False]

    def check() -> int:
        stopped[0] = stopped[0] or cancelled()
        return 1 if stopped[0] else 0

    raw.set_progress_handler(check, 2000)  # type: ignore[union-attr]
    try:
        yield lambda: stopped[0] or cancelled()  # a short query may finish between two checks
    except OperationalError:
        if not stopped[0]:
            raise
    finally:
        raw.set_progress_handler(None, 0)  # type: ignore[union-attr]


class Store:
    """The local store; build it with :func:`offline.db.open_store`."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        # Reads begin a plain (deferred) transaction: in WAL they see one snapshot and never wait
        # for a writer, nor hold up one (writes begin IMMEDIATE: see offline.db).
        self._reads = engine.execution_options(**{READING: True})
        self._clock = clock
        self._directory_lock = threading.Lock()
        self._directories: dict[str, list[dict[str, Any]]] = {}  # kind → its entries, as last read
        self._directory_generation = 0  # moved on by each replacement: a read begun before it is not kept

    def close(self) -> None:
        self._engine.dispose()

    # --- sync state ------------------------------------------------------------------------

    def cursor(self) -> str | None:
        """The pull cursor saved with the last applied pull."""
        with self._reads.connect() as conn:
            return _get_state(conn, "cursor")

    def client_id(self) -> str:
        """This installation's id for push (created once, then stable)."""
        with self._engine.begin() as conn:
            found = _get_state(conn, "client_id")
            if found is None:
                found = f"desk-{uuid.uuid4().hex}"
                _set_state(conn, "client_id", found)
            return found

    def set_me(self, user: BaseModel) -> None:
        """Remember who signed in last (a UserOut), so the desk can open offline as them."""
        with self._engine.begin() as conn:
            _set_state(conn, "me", user.model_dump_json())

    def me(self) -> dict[str, Any] | None:
        with self._reads.connect() as conn:
            found = _get_state(conn, "me")
        return json.loads(found) if found else None

    # --- pull ----------------------------------------------------------------------------------

    def apply_pull(self, response: PullResponse | PulledPage | PreparedPull) -> None:
        """Apply one pull page and save its cursor, in one transaction; then rebase the orders that have
        pending edits. Rows go in bulk (one statement per table, not per order): an initial pull of
        tens of thousands of orders is the common case on a new desk. The sync engine hands over the
        page as JSON values (:class:`api_client.PulledPage`) with its rows built already
        (:class:`PreparedPull`, on the thread that fetched it); any other page's are built here.
        After the last page of a download, the search indexes are built before this returns, in
        transactions of their own (:func:`offline.search.catch_up`)."""
        prepared = response if isinstance(response, PreparedPull) else prepare_pull(response)
        with self._engine.connect() as conn:
            # A download's page before its last is committed without waiting for the disk (WAL and
            # synchronous=NORMAL: safe from a killed desk, consistent after a power cut, which may only
            # lose the last pages with their cursor: fetched again). Its last page, and every other
            # write, waits for the disk as before (FULL). Set outside the transaction, as SQLite asks.
            raw = conn.connection.dbapi_connection
            relaxed = response.has_more and (response.reset or _downloading(raw))
            if relaxed:
                raw.cursor().execute("PRAGMA synchronous=NORMAL")  # type: ignore[union-attr]
            try:
                with conn.begin():
                    # A full download (the profile's first, or a reset) brings what was there already: nothing
                    # in it is new to the user. It may take several pages; the flag spans them.
                    downloading = (
                        response.reset or _get_state(conn, "cursor") is None or _get_state(conn, "downloading") == "1"
                    )
                    if downloading and response.has_more:
                        search.hold_index(conn)  # built when the download is complete (below)
                    if response.reset:
                        # The outbox stays: it is the user's unsent work.
                        conn.execute(delete(events))
                        kept_provisional = [
                            r.server_json for r in conn.execute(select(orders.c.server_json).where(orders.c.id < 0))
                        ]
                        conn.execute(delete(orders))
                        search.clear(conn)
                        # Orders taken in here and not uploaded yet are the user's work, not the server's copy.
                        _upsert_orders(conn, kept_provisional)
                        self._rebase(conn, {o["id"] for o in kept_provisional})
                    if not downloading:
                        self._note_arrivals(conn, prepared.kept)
                    for chunk in _chunks(prepared.gone):
                        conn.execute(delete(orders).where(orders.c.id.in_(chunk)))  # events cascade
                        search.unindex_many(conn, chunk)
                    if prepared.order_rows:
                        conn.exec_driver_sql(_UPSERT_ORDERS, prepared.order_rows)
                        search.index_many(conn, [], prepared.texts)
                    if prepared.event_rows:
                        conn.exec_driver_sql(_UPSERT_EVENTS, prepared.event_rows)
                    # In the same transaction as the data: a crash can't leave a cursor past unapplied changes.
                    _set_state(conn, "cursor", response.cursor)
                    _set_state(conn, "downloading", "1" if downloading and response.has_more else "0")
                    self._rebase(conn, {*prepared.gone, *prepared.kept})
                    index_behind = not response.has_more and search.indexed_upto(conn) is not None
            finally:
                if relaxed:  # before the connection goes back to the pool
                    raw.cursor().execute("PRAGMA synchronous=FULL")  # type: ignore[union-attr]
        while index_behind:
            # Out of the page's transaction, a chunk a transaction: a city's indexes built in its last
            # page's held the write lock for seconds. Searches read the narrow text until the last chunk.
            with self._engine.begin() as conn:
                index_behind = not search.catch_up(conn)

    def _note_arrivals(self, conn: Connection, order_ids: list[int]) -> None:
        """Orders not on the desk before this page arrive now: new to the user until opened (an order
        that comes back after a revoke — handed back, dispatched again — is new again)."""
        present = {
            r.id
            for chunk in _chunks(order_ids)
            for r in conn.execute(select(orders.c.id).where(orders.c.id.in_(chunk)))
        }
        fresh = [i for i in order_ids if i not in present]
        if not fresh:
            return
        at = self._clock().astimezone(UTC).isoformat()
        stmt = sqlite_insert(seen)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[seen.c.order_id], set_={"arrived_at": stmt.excluded.arrived_at, "seen_at": None}
            ),
            [{"order_id": i, "arrived_at": at, "seen_at": None, "seen_version": None} for i in fresh],
        )

    # --- what the user has looked at --------------------------------------------------------------

    def mark_seen(self, order_id: int) -> bool:
        """The user opened the order: it is no longer new. True when that changed its 新 marker.
        Writes nothing when this version was seen already (the pane reloads often)."""
        with self._reads.connect() as conn:
            version = conn.execute(select(orders.c.version).where(orders.c.id == order_id)).scalar_one_or_none()
            mark = conn.execute(select(seen).where(seen.c.order_id == order_id)).one_or_none()
        if version is None or (mark is not None and mark.seen_at is not None and mark.seen_version == version):
            return False
        at = self._clock().astimezone(UTC).isoformat()
        with self._engine.begin() as conn:
            stmt = sqlite_insert(seen).values(order_id=order_id, seen_at=at, seen_version=version)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[seen.c.order_id], set_={"seen_at": at, "seen_version": version}
                )
            )
        return mark is not None and mark.arrived_at is not None and mark.seen_at is None

    def seen(self, order_id: int) -> dict[str, Any] | None:
        """When the order arrived and when the user last opened it (None: neither is recorded)."""
        with self._reads.connect() as conn:
            row = conn.execute(select(seen).where(seen.c.order_id == order_id)).one_or_none()
            return dict(row._mapping) if row else None

    # --- local edits ---------------------------------------------------------------------------

    def record(
        self,
        actor: Actor,
        order_id: int,
        command: Command,
        body: BaseModel,
        base: dict[str, str] | None = None,
        now: datetime | None = None,
        files: Sequence[LocalFile] = (),
        hold: timedelta | None = None,
    ) -> Mutation:
        """Check ``command`` offline, apply it locally and queue it, in one transaction.

        ``files`` describe the blobs the body refers to; their bytes must already be in the
        BlobCache (written and fsynced), so a committed outbox row never points at nothing.
        ``hold``: the mutation's undo window — :meth:`pending` leaves it out (unless flushed) for
        that long, so that it can still be withdrawn (:meth:`withdraw`) before it leaves the desk.
        Raises :class:`casework.errors.CommandRefused` (nothing written) when the rules forbid it,
        :class:`UnknownOrder` when the order is not here.
        """
        at = now or self._clock()
        with self._engine.begin() as conn:
            return self._record(conn, actor, order_id, command, body, base, at, files, hold)

    def _record(
        self,
        conn: Connection,
        actor: Actor,
        order_id: int,
        command: Command,
        body: BaseModel,
        base: dict[str, str] | None,
        at: datetime,
        files: Sequence[LocalFile] = (),
        hold: timedelta | None = None,
    ) -> Mutation:
        """:meth:`record` in the caller's transaction."""
        row = conn.execute(select(orders).where(orders.c.id == order_id)).one_or_none()
        if row is None:
            raise UnknownOrder(order_id)
        local = row.local_json or row.server_json
        facts = facts_from(local)
        check(command, actor, facts, at)
        args = mutation_args(body)  # no version: the server judges the order as it is then
        check_input(command, facts, args)  # what the command carries (a supervisor's closing reason)
        if base is None:  # the free text as the user saw it before the edit
            base = text_base(command, (local.get("draft") or {}).get("text", ""))
        mutation = Mutation(id=uuid.uuid4(), order_id=order_id, name=command, args=args, base=base)
        for f in files:
            if conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == f.sha256)).first() is None:
                conn.execute(
                    insert(blobs).values(
                        sha256=f.sha256,
                        order_id=order_id,
                        media_type=f.media_type,
                        size=f.size,
                        name=f.name,
                        taken_at=f.taken_at.isoformat() if f.taken_at else None,
                        lat=f.lat,
                        lon=f.lon,
                        width=f.width,
                        height=f.height,
                        uploaded=False,
                        created_at=at.isoformat(),
                    )
                )
        conn.execute(
            insert(outbox).values(
                mutation_id=str(mutation.id),
                order_id=order_id,
                name=command.value,
                args=args,
                base=base,
                actor=actor_to_json(actor),
                created_at=at.isoformat(),
                status=MutationStatus.PENDING.value,
                attempts=0,
                next_attempt_at=_utc(at + hold) if hold else None,
            )
        )
        new_local = apply_mutation(local, command, args, actor, at, _cited_titles(conn, args))
        _save_local(conn, new_local, edited=True)
        # What was typed is now in the outbox: its local draft goes in the same transaction.
        conn.execute(delete(drafts).where(drafts.c.order_id == order_id, drafts.c.key.in_(_drafts_done_by(command))))
        return mutation

    def record_intake(
        self,
        actor: Actor,
        intake: OrderIntake,
        now: datetime | None = None,
        drop_draft: tuple[int, str] | None = None,
        then: Sequence[tuple[Command, BaseModel]] = (),
    ) -> Mutation:
        """Take in a new order on the desk, in one transaction: a provisional order (a negative id, no
        number yet) in the lists at once, and an intake mutation in the outbox whose id is the
        idempotency key the server creates the order under. ``received_at`` is set to ``now`` when the
        intake has none (the call's time, not the upload's). ``drop_draft``: the form's kept draft,
        dropped in the same transaction (what was typed is now in the outbox). ``then``: commands on
        the new order recorded in the same transaction (合并, 直接办结), checked as :meth:`record`
        checks them — a refusal stores nothing at all.

        The push answers with the server's order (:meth:`mark`), which then replaces the provisional
        one; commands recorded on the provisional order meanwhile wait and go under the server's id.
        """
        at = now or self._clock()
        if not actor.is_centre:
            raise CommandRefused(Refusal.ROLE_NOT_ALLOWED, "intake")
        if intake.received_at is None:
            intake = intake.model_copy(update={"received_at": at})
        args = intake.model_dump(mode="json")
        with self._engine.begin() as conn:
            lowest = min(
                conn.execute(select(func.min(orders.c.id))).scalar_one_or_none() or 0,
                conn.execute(select(func.min(outbox.c.order_id))).scalar_one_or_none() or 0,
                int(_get_state(conn, "provisional_low") or 0),
                0,
            )
            order_id = lowest - 1
            _set_state(conn, "provisional_low", str(order_id))  # never reused, even after a discard
            mutation = Mutation(id=uuid.uuid4(), order_id=order_id, name=INTAKE, args=args, base={})
            conn.execute(
                insert(outbox).values(
                    mutation_id=str(mutation.id),
                    order_id=order_id,
                    name=INTAKE,
                    args=args,
                    base={},
                    actor=actor_to_json(actor),
                    created_at=at.isoformat(),
                    status=MutationStatus.PENDING.value,
                    attempts=0,
                    next_attempt_at=None,
                )
            )
            _upsert_orders(conn, [provisional_order(order_id, intake, actor, at)])
            for command, body in then:
                self._record(conn, actor, order_id, command, body, None, at)
            if drop_draft is not None:
                conn.execute(delete(drafts).where(drafts.c.order_id == drop_draft[0], drafts.c.key == drop_draft[1]))
            return mutation

    # --- outbox --------------------------------------------------------------------------------

    def pending(self, limit: int = 200, flush: bool = False) -> list[Mutation]:
        """Mutations to push (pending or sent without a result), in creation order. Those still in
        their undo window (``hold`` of :meth:`record`) are left out unless ``flush``; so are the
        later ones of the same order, which must not overtake them."""
        query = _in_flight().where(~_behind_problem()).where(~_behind_intake())
        if not flush:
            query = query.where(~_behind_hold(_utc(self._clock())))
        with self._reads.connect() as conn:
            rows = conn.execute(query.order_by(outbox.c.id).limit(limit)).all()
        return [_mutation(r) for r in rows]

    def intake_unanswered(self) -> bool:
        """An intake was sent and its answer not seen yet (lost with the connection): a pull now could
        bring the order it created before the push's answer names it — shown twice until then."""
        with self._reads.connect() as conn:
            found = conn.execute(
                select(outbox.c.id)
                .where(outbox.c.name == INTAKE, outbox.c.status == MutationStatus.SENT.value)
                .limit(1)
            ).first()
        return found is not None

    def next_release(self) -> datetime | None:
        """When the first undo window still open ends (the engine sends then), or None."""
        with self._reads.connect() as conn:
            found = conn.execute(
                select(func.min(outbox.c.next_attempt_at))
                .where(outbox.c.status == MutationStatus.PENDING.value)
                .where(outbox.c.next_attempt_at > _utc(self._clock()))
            ).scalar_one_or_none()
        return parse_time(found)

    def withdraw(self, mutation_id: uuid.UUID | str, with_later: bool = False) -> Withdrawn:
        """Take back a mutation that has not left the desk: delete its outbox row and rebuild the
        order from the server's copy plus the mutations still unsent — one transaction.

        Only a row still ``pending`` goes: one the sync engine has taken (:meth:`mark_sent`, itself
        one transaction) is in flight and cannot be withdrawn, so nothing is both sent and undone.
        Later unsent mutations of the same order build on it (a draft on a signature, a base text
        on an earlier text): they go with it when ``with_later``, else :class:`WithdrawRefused`
        ("later"). Files only these mutations used are forgotten (their bytes stay in the cache).
        """
        with self._engine.begin() as conn:
            row = conn.execute(select(outbox).where(outbox.c.mutation_id == str(mutation_id))).one_or_none()
            if row is None or row.status == MutationStatus.APPLIED.value:
                raise WithdrawRefused("gone", row.name if row else "")
            if row.status in PROBLEMS:
                raise WithdrawRefused("problem", row.name)
            if row.status != MutationStatus.PENDING.value:
                raise WithdrawRefused("sent", row.name)
            later = conn.execute(
                select(outbox)
                .where(outbox.c.order_id == row.order_id, outbox.c.id > row.id)
                .where(outbox.c.status != MutationStatus.APPLIED.value)
                .order_by(outbox.c.id)
            ).all()
            if later and not with_later:
                raise WithdrawRefused("later", row.name, len(later))
            gone = next((r for r in later if r.status != MutationStatus.PENDING.value), None)
            if gone is not None:
                raise WithdrawRefused("problem" if gone.status in PROBLEMS else "sent", gone.name)
            taken = [row, *later]
            deleted = conn.execute(
                delete(outbox)
                .where(outbox.c.id.in_([r.id for r in taken]))
                .where(outbox.c.status == MutationStatus.PENDING.value)
            ).rowcount
            if deleted != len(taken):  # cannot happen under BEGIN IMMEDIATE; the rollback keeps all if it did
                raise WithdrawRefused("sent", row.name)
            files = _forget_files(conn, taken)
            if row.name == INTAKE:
                _forget_provisional(conn, row.order_id)
            else:
                self._rebase(conn, {row.order_id})
            return Withdrawn(order_id=row.order_id, rows=[dict(r._mapping) for r in taken], files=files)

    def held(self) -> list[uuid.UUID]:
        """In-flight mutations waiting behind an unresolved problem of the same order (not sent)."""
        with self._reads.connect() as conn:
            rows = conn.execute(_in_flight().where(_behind_problem()).order_by(outbox.c.id)).all()
        return [uuid.UUID(r.mutation_id) for r in rows]

    def mark_sent(self, mutation_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """Take these mutations for sending (counts attempts), in one statement; returns those taken.

        A mutation withdrawn since it was read (:meth:`withdraw`) is no longer there and is not
        returned: the caller must send only what this returns."""
        ids = [str(m) for m in mutation_ids]
        with self._engine.begin() as conn:
            taken = conn.execute(
                update(outbox)
                .where(outbox.c.mutation_id.in_(ids))
                .where(outbox.c.status.in_(IN_FLIGHT))
                .values(status=MutationStatus.SENT.value, attempts=outbox.c.attempts + 1)
                .returning(outbox.c.mutation_id)
            ).all()
        return [uuid.UUID(r.mutation_id) for r in taken]

    def mark(self, results: list[MutationResult]) -> None:
        """Record the server's verdicts; conflicts and rejections stay until the user resolves them."""
        with self._engine.begin() as conn:
            touched: set[int] = set()
            for result in results:
                order_id = conn.execute(
                    select(outbox.c.order_id).where(outbox.c.mutation_id == str(result.id))
                ).scalar_one_or_none()
                if order_id is None:
                    continue  # discarded meanwhile
                if (
                    is_provisional(order_id)
                    and result.order_id is not None
                    and result.status.kept is MutationStatus.APPLIED
                ):
                    _adopt(conn, order_id, result.order_id)
                    order_id = result.order_id
                touched.add(order_id)
                kept = result.status.kept
                values: dict[str, Any] = {"status": kept.value, "next_attempt_at": None}
                if kept is MutationStatus.APPLIED:
                    values.update(error_code=None, error_zh=None, error_en=None)
                elif kept.value in PROBLEMS:
                    values.update(
                        error_code=result.code,
                        error_zh=result.message_zh,
                        error_en=result.message_en,
                        server_values=result.server_values or None,
                    )
                conn.execute(update(outbox).where(outbox.c.mutation_id == str(result.id)).values(**values))
                if result.order is not None:
                    # The server's copy after the mutation: newer than our last pull, so the edit stays visible.
                    _upsert_order(conn, result.order.model_dump(mode="json"), only_if_newer=True)
            self._rebase(conn, touched)

    def reject_locally(self, mutation_id: uuid.UUID, code: str, zh: str, en: str) -> None:
        """A mutation that cannot be sent as it is (say, its photo is refused): keep it as a rejection."""
        with self._engine.begin() as conn:
            conn.execute(
                update(outbox)
                .where(outbox.c.mutation_id == str(mutation_id))
                .values(status=MutationStatus.REJECTED.value, error_code=code, error_zh=zh, error_en=en)
            )
            order_id = conn.execute(
                select(outbox.c.order_id).where(outbox.c.mutation_id == str(mutation_id))
            ).scalar_one_or_none()
            if order_id is not None:
                self._rebase(conn, {order_id})

    def resolve(
        self,
        mutation_id: uuid.UUID,
        action: Literal["discard", "retry"],
        changes: dict[str, Any] | None = None,
    ) -> uuid.UUID | None:
        """The user's decision on a problem row: drop it, or send it again — with ``changes`` to its
        body, say the merged text of a conflict. Returns the id the retry goes under."""
        with self._engine.begin() as conn:
            row = conn.execute(select(outbox).where(outbox.c.mutation_id == str(mutation_id))).one_or_none()
            if row is None:
                raise KeyError(mutation_id)
            new_id: uuid.UUID | None = None
            if action == "discard" and row.name == INTAKE:
                # Nothing exists without it: the provisional order and what was queued on it go too.
                conn.execute(delete(outbox).where(outbox.c.order_id == row.order_id))
                _forget_provisional(conn, row.order_id)
                return None
            if action == "discard":
                conn.execute(delete(outbox).where(outbox.c.id == row.id))
            elif action == "retry":
                base = dict(row.base)
                if row.status == MutationStatus.CONFLICT.value and row.server_values:
                    # The user has seen the server's text: base the retry on it.
                    base.update({k: str(v) for k, v in row.server_values.items() if k in base})
                # A new id: the server remembers its verdict on the old one and would answer it again.
                new_id = uuid.uuid4()
                conn.execute(
                    update(outbox)
                    .where(outbox.c.id == row.id)
                    .values(
                        mutation_id=str(new_id),
                        args={**row.args, **(changes or {})},
                        status=MutationStatus.PENDING.value,
                        base=base,
                        attempts=0,
                        next_attempt_at=None,
                        error_code=None,
                        error_zh=None,
                        error_en=None,
                        server_values=None,
                    )
                )
            else:
                raise ValueError(f"unknown action {action!r}")
            self._rebase(conn, {row.order_id})
            return new_id

    # --- queries for the UI ---------------------------------------------------------------------

    def orders(self, state: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
        """Orders as the user sees them, by id; ``text`` is a full-text search (number, title, description,
        address, citizen as shown), every space-separated term must occur."""
        query = select(_SEEN.label("local_json")).order_by(orders.c.id)
        if state is not None:
            query = query.where(orders.c.state == state)
        if text and text.strip():
            query = query.where(search.matches(orders.c.id, text))
        with self._reads.connect() as conn:
            return [r.local_json for r in conn.execute(query)]

    def count(self, where: Any, cancelled: Callable[[], bool] | None = None) -> int:
        """How many orders match a condition (see :mod:`offline.worklists`). Stopped where it is once
        ``cancelled()`` turns true, answering 0: whoever cancelled it drops the answer."""
        found = 0
        with self._reads.connect() as conn, _interruptible(conn, cancelled) as stopped:
            found = int(conn.execute(select(func.count()).select_from(orders).where(where)).scalar_one())
        return 0 if stopped() else found

    def term_hits(self, text: str) -> search.Hits:
        """Each search term's orders, or None for a common one (see :func:`offline.search.term_hits`)."""
        with self._reads.connect() as conn:
            return search.term_hits(conn, text)

    def rows(
        self, query: Any, limit: int, offset: int = 0, cancelled: Callable[[], bool] | None = None
    ) -> list[dict[str, Any]]:
        """One page of a list query (see :func:`offline.worklists.page_query`); empty when cancelled."""
        found: list[dict[str, Any]] = []
        with self._reads.connect() as conn, _interruptible(conn, cancelled) as stopped:
            result = conn.execute(query.limit(limit).offset(offset))
            names = list(result.keys())
            found = [dict(zip(names, r, strict=True)) for r in result]  # (a row's _mapping cost 20 µs a row)
        return [] if stopped() else found

    def order(self, order_id: int) -> dict[str, Any] | None:
        with self._reads.connect() as conn:
            return conn.execute(select(_SEEN).where(orders.c.id == order_id)).scalar_one_or_none()

    def events(self, order_id: int) -> list[dict[str, Any]]:
        with self._reads.connect() as conn:
            rows = conn.execute(select(events.c.json).where(events.c.order_id == order_id).order_by(events.c.seq))
            return [r.json for r in rows]

    def outbox(self, order_id: int | None = None) -> list[dict[str, Any]]:
        """Every outbox row (or one order's), in creation order (for the UI's sync panel and for tests)."""
        query = select(outbox).order_by(outbox.c.id)
        if order_id is not None:
            query = query.where(outbox.c.order_id == order_id)
        with self._reads.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def outbox_counts(self) -> dict[str, int]:
        """How many outbox rows are in each status (for a status bar: one small query)."""
        with self._reads.connect() as conn:
            rows = conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))
            return {status: count for status, count in rows}

    def problems(self) -> list[dict[str, Any]]:
        """Conflicted and rejected mutations, with their content, in creation order."""
        return [r for r in self.outbox() if r["status"] in PROBLEMS]

    # --- drafts ----------------------------------------------------------------------------------

    def keep_draft(self, order_id: int, key: str, content: dict[str, Any], now: datetime | None = None) -> bool:
        """Keep what the user typed for ``order_id`` under ``key`` (replacing what was kept before);
        False (nothing written) when it is what is kept already."""
        with self._engine.begin() as conn:
            where = (drafts.c.order_id == order_id) & (drafts.c.key == key)
            if conn.execute(select(drafts.c.content).where(where)).scalar_one_or_none() == content:
                return False
            row = {
                "order_id": order_id,
                "key": key,
                "content": content,
                "updated_at": (now or self._clock()).isoformat(),
            }
            stmt = sqlite_insert(drafts).values(**row)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[drafts.c.order_id, drafts.c.key],
                    set_={"content": stmt.excluded.content, "updated_at": stmt.excluded.updated_at},
                )
            )
            return True

    def draft(self, order_id: int, key: str) -> dict[str, Any] | None:
        """The kept draft (``order_id``, ``key``, ``content``, ``updated_at``), or None."""
        with self._reads.connect() as conn:
            row = conn.execute(select(drafts).where(drafts.c.order_id == order_id, drafts.c.key == key)).one_or_none()
            return dict(row._mapping) if row else None

    def drafts(self, order_id: int | None = None) -> list[dict[str, Any]]:
        """Every kept draft (or one order's), by order and key."""
        query = select(drafts).order_by(drafts.c.order_id, drafts.c.key)
        if order_id is not None:
            query = query.where(drafts.c.order_id == order_id)
        with self._reads.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def drop_draft(self, order_id: int, key: str | None = None) -> None:
        """Forget the draft under ``key`` (None: every draft of the order)."""
        query = delete(drafts).where(drafts.c.order_id == order_id)
        if key is not None:
            query = query.where(drafts.c.key == key)
        with self._engine.begin() as conn:
            conn.execute(query)

    def draft_count(self) -> int:
        """How many drafts are kept (for the status bar and the closing notice: one small query)."""
        with self._reads.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(drafts)).scalar_one())

    # --- files -----------------------------------------------------------------------------------

    def files(self, order_id: int | None = None) -> list[dict[str, Any]]:
        """Files attached offline (all, or one order's), oldest first."""
        query = select(blobs).order_by(blobs.c.created_at, blobs.c.sha256)
        if order_id is not None:
            query = query.where(blobs.c.order_id == order_id)
        with self._reads.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def file(self, sha256: str) -> dict[str, Any] | None:
        with self._reads.connect() as conn:
            row = conn.execute(select(blobs).where(blobs.c.sha256 == sha256)).one_or_none()
            return dict(row._mapping) if row else None

    def set_upload_url(self, sha256: str, url: str | None) -> None:
        """Remember an unfinished upload so that it resumes after a restart."""
        with self._engine.begin() as conn:
            conn.execute(update(blobs).where(blobs.c.sha256 == sha256).values(upload_url=url))

    def mark_uploaded(self, sha256: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(blobs).where(blobs.c.sha256 == sha256).values(uploaded=True, upload_url=None))

    # --- directory -------------------------------------------------------------------------------

    def set_directory(self, kind: Literal["users", "departments", "categories"], items: Iterable[BaseModel]) -> None:
        """Replace the cached list of users, departments or categories (names for display)."""
        self._forget_directory()
        try:
            self._set_directory(kind, items)
        finally:
            self._forget_directory()

    def _forget_directory(self) -> None:
        with self._directory_lock:
            self._directories.clear()
            self._directory_generation += 1

    def _set_directory(self, kind: Literal["users", "departments", "categories"], items: Iterable[BaseModel]) -> None:
        with self._engine.begin() as conn:
            conn.execute(delete(directory).where(directory.c.kind == kind))
            rows = []
            for item in items:
                data = item.model_dump(mode="json")
                rows.append({"kind": kind, "key": str(data.get("id", data.get("code"))), "json": data})
            if rows:
                conn.execute(insert(directory), rows)

    def directory(self, kind: Literal["users", "departments", "categories"]) -> list[dict[str, Any]]:
        """The cached list, in the server's order of ids or codes. Read once until :meth:`set_directory`
        replaces it (every page of a list, each keystroke of a search, names its rows with it)."""
        with self._directory_lock:
            kept, generation = self._directories.get(kind), self._directory_generation
        if kept is not None:
            return list(kept)
        with self._reads.connect() as conn:
            rows = conn.execute(select(directory.c.json).where(directory.c.kind == kind))
            found = sorted((r.json for r in rows), key=lambda d: (d.get("id", 0), d.get("code", "")))
        with self._directory_lock:
            if generation == self._directory_generation:  # not replaced while this was read
                self._directories[kind] = found
        return list(found)

    # --- notifications ---------------------------------------------------------------------------

    def notification_cursor(self) -> int:
        """The highest notification id on this desk: the next fetch asks for those above it."""
        with self._reads.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(notifications.c.id), 0))).scalar_one())

    def add_notifications(self, found: Iterable[BaseModel]) -> int:
        """Keep notifications fetched from the server (a known one keeps its local read state);
        return how many were new."""
        rows = []
        for item in found:
            data = item.model_dump(mode="json")
            rows.append(
                {
                    "id": data["id"],
                    "kind": data["kind"],
                    "order_id": data.get("order_id"),
                    "json": data,
                    "due_at": search.utc_text(data.get("due_at")),
                    "created_at": data["created_at"],
                    "read_at": data.get("read_at"),
                    "read_sent": True,
                    "announced": data.get("read_at") is not None,
                }
            )
        if not rows:
            return 0
        with self._engine.begin() as conn:
            before = conn.execute(select(func.count()).select_from(notifications)).scalar_one()
            for chunk in _chunks(rows):
                conn.execute(sqlite_insert(notifications).values(chunk).on_conflict_do_nothing(index_elements=["id"]))
            after = conn.execute(select(func.count()).select_from(notifications)).scalar_one()
        return int(after - before)

    def notifications(self, limit: int = 200, unread_only: bool = False) -> list[dict[str, Any]]:
        """The newest notifications first, each the server's view with the local ``read_at``."""
        query = select(notifications.c.json, notifications.c.read_at).order_by(notifications.c.id.desc()).limit(limit)
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))
        with self._reads.connect() as conn:
            return [{**row.json, "read_at": row.read_at} for row in conn.execute(query)]

    def unread_notifications(self) -> int:
        with self._reads.connect() as conn:
            where = notifications.c.read_at.is_(None)
            return int(conn.execute(select(func.count()).select_from(notifications).where(where)).scalar_one())

    def mark_notifications_read(self, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
        """Mark notifications read here (``ids``; None: all); the server is told at the next sync."""
        statement = update(notifications).where(notifications.c.read_at.is_(None))
        if ids is not None:
            statement = statement.where(notifications.c.id.in_(list(ids)))
        with self._engine.begin() as conn:
            done = conn.execute(statement.values(read_at=_utc(now or self._clock()), read_sent=False)).rowcount
        return int(done or 0)

    def reads_to_send(self) -> list[int]:
        with self._reads.connect() as conn:
            where = notifications.c.read_sent.is_(False)
            return list(conn.execute(select(notifications.c.id).where(where).order_by(notifications.c.id)).scalars())

    def reads_sent(self, ids: Iterable[int]) -> None:
        with self._engine.begin() as conn:
            conn.execute(update(notifications).where(notifications.c.id.in_(list(ids))).values(read_sent=True))

    def to_announce(self) -> list[dict[str, Any]]:
        """Unread notifications not yet shown in the tray, oldest first; marked shown."""
        with self._engine.begin() as conn:
            where = and_(notifications.c.announced.is_(False), notifications.c.read_at.is_(None))
            rows = conn.execute(select(notifications.c.id, notifications.c.json).where(where).order_by("id")).all()
            if rows:
                ids = [r.id for r in rows]
                conn.execute(update(notifications).where(notifications.c.id.in_(ids)).values(announced=True))
        return [r.json for r in rows]

    # --- the server's measures ------------------------------------------------------------------

    def keep_measures(self, month: str, data: dict[str, Any]) -> None:
        """Remember the server's figures of ``month`` (YYYY-MM) as last fetched, for reading offline."""
        with self._engine.begin() as conn:
            _set_state(conn, f"measures:{month}", json.dumps(data, ensure_ascii=False))

    def measures(self, month: str) -> dict[str, Any] | None:
        """The figures of ``month`` last kept by :meth:`keep_measures`, or None."""
        with self._reads.connect() as conn:
            found = _get_state(conn, f"measures:{month}")
        return json.loads(found) if found else None

    # --- the knowledge base (知识库) -----------------------------------------------------------------

    def knowledge_cursor(self) -> str | None:
        """The cursor of the last applied ``GET /knowledge/sync`` page (None: nothing synced yet)."""
        with self._reads.connect() as conn:
            return _get_state(conn, "knowledge_cursor")

    def apply_knowledge(self, page: dict[str, Any]) -> None:
        """Apply one KnowledgePage (as JSON) and save its cursor, in one transaction."""
        with self._engine.begin() as conn:
            knowledge.apply_page(conn, page)
            _set_state(conn, "knowledge_cursor", str(page.get("cursor") or ""))

    def search_knowledge(self, sentence: str, limit: int = 20) -> list[dict[str, Any]]:
        """The synced entries best matching a citizen's sentence (see :func:`offline.knowledge.search`)."""
        with self._reads.connect() as conn:
            return knowledge.search(conn, sentence, limit)

    def knowledge_entry(self, entry_id: int) -> dict[str, Any] | None:
        with self._reads.connect() as conn:
            return knowledge.entry(conn, entry_id)

    def knowledge_count(self) -> int:
        with self._reads.connect() as conn:
            return knowledge.count(conn)

    def reply_templates(self) -> list[dict[str, Any]]:
        """The synced reply templates: the user's department's first, then the city-wide ones."""
        with self._reads.connect() as conn:
            return knowledge.templates(conn)

    # --- internals -----------------------------------------------------------------------------

    def _rebase(self, conn: Connection, order_ids: set[int]) -> None:
        """Rebuild ``local_json`` of these orders: the server copy plus in-flight mutations, in order.

        Orders with nothing in flight and no local copy already show the server's copy: skipped.
        """
        # Plain statements with the ids written in (ints only): a pull page rebases 500 orders, and
        # SQLAlchemy compiling an IN of 500 parameters twice a page cost more than the queries.
        statuses = ", ".join(f"'{s}'" for s in sorted(IN_FLIGHT))
        in_flight = {
            order_id
            for chunk in _chunks(sorted(order_ids))
            for (order_id,) in conn.exec_driver_sql(
                f"SELECT DISTINCT order_id FROM outbox WHERE order_id IN ({search.id_list(chunk)}) "
                f"AND status IN ({statuses})"
            )
        }
        stale = {
            order_id
            for chunk in _chunks(sorted(order_ids - in_flight))
            for (order_id,) in conn.exec_driver_sql(
                f"SELECT id FROM orders WHERE id IN ({search.id_list(chunk)}) AND local_json IS NOT NULL"
            )
        }
        for order_id in in_flight | stale:
            row = conn.execute(select(orders).where(orders.c.id == order_id)).one_or_none()
            if row is None:
                continue  # revoked: its outbox rows wait, visible through outbox()/problems()
            local = row.server_json
            queued = conn.execute(
                select(outbox)
                .where(outbox.c.order_id == order_id)
                .where(outbox.c.status.in_(IN_FLIGHT))
                .order_by(outbox.c.id)
            ).all()
            for m in queued:
                if m.name == INTAKE:
                    continue  # the provisional order is its effect already
                at = time_of(m.created_at)
                local = apply_mutation(
                    local, Command(m.name), m.args, actor_from_json(m.actor), at, _cited_titles(conn, m.args)
                )
            _save_local(conn, local, edited=bool(queued))


def _cited_titles(conn: Connection, args: dict[str, Any]) -> dict[int, str]:
    """The titles of the knowledge entries a mutation cites, from this desk's knowledge base."""
    ids = args.get("knowledge_entry_ids")
    return knowledge.titles(conn, ids) if ids else {}


def _save_local(conn: Connection, local: dict[str, Any], edited: bool) -> None:
    """Store what the user sees of an order, with its list columns and search text; ``edited``: it
    differs from the server copy (mutations in flight). How many are in flight is not stored here:
    it is counted from the outbox (see :func:`offline.worklists.in_flight_counts`)."""
    conn.execute(
        update(orders)
        .where(orders.c.id == local["id"])
        .values(local_json=local if edited else None, **search.list_columns(local))
    )
    search.index_many(conn, [local])


def _upsert_order(conn: Connection, server: dict[str, Any], only_if_newer: bool = False) -> None:
    """Store the server's copy of one order (``only_if_newer``: unless ours is newer)."""
    if only_if_newer:
        current = conn.execute(select(orders.c.version).where(orders.c.id == server["id"])).scalar_one_or_none()
        if current is not None and server["version"] < current:
            return
    _upsert_orders(conn, [server])


#: The orders table's columns in the order the bulk upsert gives them (``local_json`` NULL, ``pending`` 0).
_ORDER_COLUMNS = ("id", "version", "server_json", "local_json", "pending", *search.LIST_COLUMNS)
_UPSERT_ORDERS = (
    f"INSERT INTO orders ({', '.join(_ORDER_COLUMNS)}) VALUES (?, ?, CAST(? AS TEXT), "  # server_json: text or UTF-8
    f"{', '.join('?' * (len(_ORDER_COLUMNS) - 3))}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _ORDER_COLUMNS if c not in ("id", "pending"))
)
_UPSERT_EVENTS = (
    "INSERT INTO events (seq, order_id, json) VALUES (?, ?, ?) "
    "ON CONFLICT (seq) DO UPDATE SET order_id = excluded.order_id, json = excluded.json"
)


def _upsert_orders(conn: Connection, servers: list[dict[str, Any]]) -> None:
    """Insert or replace server copies in bulk; ``local_json`` is cleared (= the server copy) until a
    rebase puts pending edits on top. Plain ``executemany``, the rows built straight from the values,
    not through SQLAlchemy's per-row processing."""
    if not servers:
        return
    conn.exec_driver_sql(_UPSERT_ORDERS, _order_rows(servers))
    search.index_many(conn, servers)


def _order_rows(servers: list[dict[str, Any]], texts: Sequence[bytes | None] | None = None) -> list[tuple[Any, ...]]:
    """The ``orders`` rows of server copies (:data:`_UPSERT_ORDERS`). ``texts``: each order's JSON text
    as it came (a pull page's, in UTF-8 bytes: written as the text it is, and ``servers`` then need hold
    only the listed fields, ``api_client.pages.Listed``); None, or one of them None: encoded here."""
    return [
        (o["id"], o["version"], text or to_json(o).decode(), None, 0, *search.list_values(o))
        for o, text in zip(servers, texts or [None] * len(servers), strict=True)
    ]


def _forget_files(conn: Connection, taken: Sequence[Any]) -> list[str]:
    """Forget the ``blobs`` rows of files that only the withdrawn mutations referred to."""
    shas = {sha for r in taken for sha in referenced_blobs(r.args)}
    forgotten = []
    for sha in sorted(shas):
        used = conn.execute(select(outbox.c.id).where(cast(outbox.c.args, Text).like(f"%{sha}%")).limit(1)).first()
        if used is None:
            conn.execute(delete(blobs).where(blobs.c.sha256 == sha))
            forgotten.append(sha)
    return forgotten


def _utc(at: datetime) -> str:
    """A moment as sortable text: UTC, always with microseconds."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _chunks(items: list[Any], size: int = 500) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _in_flight() -> Any:
    return select(outbox).where(outbox.c.status.in_(IN_FLIGHT))


def _behind_problem() -> Any:
    """An earlier mutation of the same order is a conflict or rejection the user has not resolved."""
    earlier = outbox.alias("earlier")
    return exists().where(
        and_(earlier.c.order_id == outbox.c.order_id, earlier.c.id < outbox.c.id, earlier.c.status.in_(PROBLEMS))
    )


def _behind_hold(now: str) -> Any:
    """This mutation, or an earlier pending one of the same order, is still in its undo window."""
    earlier = outbox.alias("held_back")
    return exists().where(
        and_(
            earlier.c.order_id == outbox.c.order_id,
            earlier.c.id <= outbox.c.id,
            earlier.c.status == MutationStatus.PENDING.value,
            earlier.c.next_attempt_at > now,
        )
    )


def _mutation(row: Any) -> Mutation:
    # An older desk's row may hold a ``version`` in its args: the contract drops it (see Mutation).
    return Mutation.model_validate(
        {"id": row.mutation_id, "order_id": row.order_id, "name": row.name, "args": row.args, "base": row.base}
    )


def _behind_intake() -> Any:
    """A command on a provisional order: it waits until the intake is answered and it is moved to
    the server's id (:func:`_adopt`); it never leaves the desk under a provisional id."""
    return and_(outbox.c.order_id < 0, outbox.c.name != INTAKE)


def _adopt(conn: Connection, provisional: int, order_id: int) -> None:
    """The server created the provisional order as ``order_id``: everything the desk holds under the
    provisional id (queued commands, kept drafts, files, marks) moves to it, and the provisional row
    goes — in the caller's transaction, so the lists never show both."""
    conn.execute(update(outbox).where(outbox.c.order_id == provisional).values(order_id=order_id))
    for table in (drafts, blobs):
        conn.execute(update(table).where(table.c.order_id == provisional).values(order_id=order_id))
    conn.execute(delete(seen).where(seen.c.order_id == provisional))
    _forget_provisional(conn, provisional)


def _forget_provisional(conn: Connection, order_id: int) -> None:
    """Remove a provisional order's row (and its search entry); nothing else refers to it."""
    conn.execute(delete(orders).where(orders.c.id == order_id))
    search.unindex_many(conn, [order_id])


def _downloading(raw: Any) -> bool:
    """Whether the store is in a download (no cursor yet, or one begun), read on the plain DB-API
    connection ``raw`` outside any transaction (as :meth:`Store.apply_pull` reads it inside one)."""
    found = dict(raw.cursor().execute("SELECT key, value FROM sync_state WHERE key IN ('cursor', 'downloading')"))
    return "cursor" not in found or found.get("downloading") == "1"


def _get_state(conn: Connection, key: str) -> str | None:
    return conn.execute(select(sync_state.c.value).where(sync_state.c.key == key)).scalar_one_or_none()


def _set_state(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(sync_state).where(sync_state.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(sync_state).values(key=key, value=value))


__all__ = [
    "REPLY_DRAFT",
    "LocalFile",
    "PreparedPull",
    "Store",
    "UnknownOrder",
    "WithdrawRefused",
    "Withdrawn",
    "form_key",
    "prepare_pull",
    "referenced_blobs",
]
