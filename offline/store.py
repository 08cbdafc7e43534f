"""The offline store: pulled server copies, the user's pending edits on top, and the outbox.

Every public write is one SQLite transaction, so a crash leaves either all of it or none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, delete, insert, select, update

from casework.lifecycle import Command, check
from casework.roles import Actor
from casework.sync import Mutation, MutationResult, MutationStatus, PullResponse
from offline.effects import apply_mutation
from offline.facts import actor_from_json, actor_to_json, facts_from
from offline.models import IN_FLIGHT, PROBLEMS, OutboxStatus, events, orders, outbox, sync_state

#: Free-text fields whose value before the edit travels with the mutation (conflict detection).
_FREE_TEXT = (Command.SAVE_DRAFT, Command.SUBMIT_REPLY)


class UnknownOrder(LookupError):
    """The order is not in the local store (never pulled, or revoked)."""


class Store:
    """The local store; build it with :func:`offline.db.open_store`."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._engine = engine
        self._clock = clock

    def close(self) -> None:
        self._engine.dispose()

    # --- sync state ------------------------------------------------------------------------

    def cursor(self) -> str | None:
        """The pull cursor saved with the last applied pull."""
        with self._engine.connect() as conn:
            return _get_state(conn, "cursor")

    def client_id(self) -> str:
        """This installation's id for push (created once, then stable)."""
        with self._engine.begin() as conn:
            found = _get_state(conn, "client_id")
            if found is None:
                found = f"desk-{uuid.uuid4().hex}"
                _set_state(conn, "client_id", found)
            return found

    # --- pull ----------------------------------------------------------------------------------

    def apply_pull(self, response: PullResponse) -> None:
        """Apply one pull page and save its cursor, in one transaction; then rebase the touched orders."""
        with self._engine.begin() as conn:
            if response.reset:
                # The outbox stays: it is the user's unsent work.
                conn.execute(delete(events))
                conn.execute(delete(orders))
            touched: set[int] = set()
            for change in response.changes:
                touched.add(change.order_id)
                if change.kind == "revoke" or change.order is None:
                    conn.execute(delete(orders).where(orders.c.id == change.order_id))  # events cascade
                    continue
                server = change.order.model_dump(mode="json")
                _upsert_order(conn, server)
                for ev in change.events:
                    row = {"order_id": change.order_id, "json": ev.model_dump(mode="json")}
                    if conn.execute(update(events).where(events.c.seq == ev.seq).values(**row)).rowcount == 0:
                        conn.execute(insert(events).values(seq=ev.seq, **row))
            # In the same transaction as the data: a crash can't leave a cursor past unapplied changes.
            _set_state(conn, "cursor", response.cursor)
            self._rebase(conn, touched)

    # --- local edits ---------------------------------------------------------------------------

    def record(
        self,
        actor: Actor,
        order_id: int,
        command: Command,
        body: BaseModel,
        base: dict[str, str] | None = None,
        now: datetime | None = None,
    ) -> Mutation:
        """Check ``command`` offline, apply it locally and queue it, in one transaction.

        Raises :class:`casework.errors.CommandRefused` (nothing written) when the rules forbid it,
        :class:`UnknownOrder` when the order is not here.
        """
        at = now or self._clock()
        with self._engine.begin() as conn:
            row = conn.execute(select(orders).where(orders.c.id == order_id)).one_or_none()
            if row is None:
                raise UnknownOrder(order_id)
            local = row.local_json
            check(command, actor, facts_from(local), at)
            args = body.model_dump(mode="json")
            if "version" in args:
                args["version"] = row.version  # informational: the server judges the order as it is now
            if base is None:
                base = _base_of(command, local)
            mutation = Mutation(id=uuid.uuid4(), order_id=order_id, name=command, args=args, base=base)
            conn.execute(
                insert(outbox).values(
                    mutation_id=str(mutation.id),
                    order_id=order_id,
                    name=command.value,
                    args=args,
                    base=base,
                    actor=actor_to_json(actor),
                    created_at=at.isoformat(),
                    status=OutboxStatus.PENDING.value,
                    attempts=0,
                )
            )
            new_local = apply_mutation(local, command, args, actor, at)
            conn.execute(
                update(orders)
                .where(orders.c.id == order_id)
                .values(local_json=new_local, state=new_local["state"], pending=row.pending + 1)
            )
            return mutation

    # --- outbox --------------------------------------------------------------------------------

    def pending(self, limit: int = 200) -> list[Mutation]:
        """Mutations to push (pending or sent without a result), in creation order."""
        now = self._clock().isoformat()
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(outbox)
                .where(outbox.c.status.in_(IN_FLIGHT))
                .where((outbox.c.next_attempt_at.is_(None)) | (outbox.c.next_attempt_at <= now))
                .order_by(outbox.c.id)
                .limit(limit)
            ).all()
        return [_mutation(r) for r in rows]

    def mark_sent(self, mutation_ids: Iterable[uuid.UUID]) -> None:
        """Note that these mutations went out (counts attempts)."""
        ids = [str(m) for m in mutation_ids]
        with self._engine.begin() as conn:
            conn.execute(
                update(outbox)
                .where(outbox.c.mutation_id.in_(ids))
                .where(outbox.c.status.in_(IN_FLIGHT))
                .values(status=OutboxStatus.SENT.value, attempts=outbox.c.attempts + 1)
            )

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
                touched.add(order_id)
                values: dict[str, Any] = {"next_attempt_at": None}
                if result.status in (MutationStatus.APPLIED, MutationStatus.DUPLICATE):
                    values.update(status=OutboxStatus.APPLIED.value, error_code=None, error_zh=None, error_en=None)
                else:
                    values.update(
                        status=(
                            OutboxStatus.CONFLICT if result.status is MutationStatus.CONFLICT else OutboxStatus.REJECTED
                        ).value,
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

    def resolve(self, mutation_id: uuid.UUID, action: Literal["discard", "retry"]) -> None:
        """The user's decision on a problem row: drop it, or send it again."""
        with self._engine.begin() as conn:
            row = conn.execute(select(outbox).where(outbox.c.mutation_id == str(mutation_id))).one_or_none()
            if row is None:
                raise KeyError(mutation_id)
            if action == "discard":
                conn.execute(delete(outbox).where(outbox.c.id == row.id))
            elif action == "retry":
                base = dict(row.base)
                if row.status == OutboxStatus.CONFLICT.value and row.server_values:
                    # The user keeps their text over the server's: base it on what the server has now.
                    base.update({k: str(v) for k, v in row.server_values.items() if k in base})
                conn.execute(
                    update(outbox)
                    .where(outbox.c.id == row.id)
                    .values(
                        status=OutboxStatus.PENDING.value,
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

    # --- queries for the UI ---------------------------------------------------------------------

    def orders(self, state: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
        """Orders as the user sees them, by id; ``text`` matches number, title, description or address."""
        query = select(orders.c.local_json).order_by(orders.c.id)
        if state is not None:
            query = query.where(orders.c.state == state)
        with self._engine.connect() as conn:
            found = [r.local_json for r in conn.execute(query)]
        if text:
            # A plain scan for now; FTS5 (trigram) comes with the desktop list views.
            needle = text.casefold()
            found = [
                o
                for o in found
                if any(needle in str(o.get(k) or "").casefold() for k in ("number", "title", "description", "address"))
            ]
        return found

    def order(self, order_id: int) -> dict[str, Any] | None:
        with self._engine.connect() as conn:
            return conn.execute(select(orders.c.local_json).where(orders.c.id == order_id)).scalar_one_or_none()

    def events(self, order_id: int) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(events.c.json).where(events.c.order_id == order_id).order_by(events.c.seq))
            return [r.json for r in rows]

    def outbox(self) -> list[dict[str, Any]]:
        """Every outbox row, in creation order (for the UI's sync panel and for tests)."""
        with self._engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(outbox).order_by(outbox.c.id))]

    def problems(self) -> list[dict[str, Any]]:
        """Conflicted and rejected mutations, with their content, in creation order."""
        return [r for r in self.outbox() if r["status"] in PROBLEMS]

    # --- internals -----------------------------------------------------------------------------

    def _rebase(self, conn: Connection, order_ids: set[int]) -> None:
        """Rebuild ``local_json`` of these orders: the server copy plus in-flight mutations, in order."""
        for order_id in order_ids:
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
                at = datetime.fromisoformat(m.created_at)
                local = apply_mutation(local, Command(m.name), m.args, actor_from_json(m.actor), at)
            conn.execute(
                update(orders)
                .where(orders.c.id == order_id)
                .values(local_json=local, state=local["state"], pending=len(queued))
            )


def _upsert_order(conn: Connection, server: dict[str, Any], only_if_newer: bool = False) -> None:
    """Store the server's copy; ``local_json`` is rebuilt by the caller's rebase."""
    current = conn.execute(select(orders.c.version).where(orders.c.id == server["id"])).scalar_one_or_none()
    values = {"version": server["version"], "state": server["state"], "server_json": server, "local_json": server}
    if current is None:
        conn.execute(insert(orders).values(id=server["id"], pending=0, **values))
    elif not only_if_newer or server["version"] >= current:
        conn.execute(update(orders).where(orders.c.id == server["id"]).values(**values))


def _base_of(command: Command, local: dict[str, Any]) -> dict[str, str]:
    """The free text as the user saw it before the edit, for the server's conflict check."""
    if command not in _FREE_TEXT:
        return {}
    return {"text": (local.get("draft") or {}).get("text", "")}


def _mutation(row: Any) -> Mutation:
    return Mutation(
        id=uuid.UUID(row.mutation_id), order_id=row.order_id, name=Command(row.name), args=row.args, base=row.base
    )


def _get_state(conn: Connection, key: str) -> str | None:
    return conn.execute(select(sync_state.c.value).where(sync_state.c.key == key)).scalar_one_or_none()


def _set_state(conn: Connection, key: str, value: str) -> None:
    if conn.execute(update(sync_state).where(sync_state.c.key == key).values(value=value)).rowcount == 0:
        conn.execute(insert(sync_state).values(key=key, value=value))


__all__ = ["Store", "UnknownOrder"]
