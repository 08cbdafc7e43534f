"""The centre's intake (受理): the similar open orders and the caller's earlier orders while a call is
typed, and saving the new order — through the outbox, online or not — merged into an open one when
it is a duplicate, or answered at once (直接办结).

A new order has no id until the server gives it one, so the form's draft is kept under
``INTAKE_DRAFT`` = order id 0 (no order has id 0) with the key ``"intake"``. Saving writes an intake
mutation (``casework.sync.INTAKE``) and a provisional order (negative id, number 待上传) into the
local store in one transaction; the sync pushes it, and the server's order replaces the provisional
one (``offline.store.Store.record_intake``/``mark``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from PySide6.QtCore import QObject

from casework.lifecycle import Command
from casework.schemas import OrderIntake
from casework.sync import COMMAND_ARGS
from desktop.tasks import Lane, Task, guarded
from desktop.workspace import Workspace
from offline.effects import PROVISIONAL_NUMBER
from offline.sync import ItemUpdate

__all__ = ["INTAKE_DRAFT", "IntakeLookups", "ItemUpdate", "Saved", "lookups", "save_intake"]

#: Where the form's text is kept: (order id, draft key); 0 because the order has no id yet.
INTAKE_DRAFT = (0, "intake")
#: A phone number this long (digits) looks up the caller's earlier orders.
PHONE_AT_LEAST = 7


@dataclass(frozen=True)
class IntakeLookups:
    """What the typed request finds: open orders alike it, and the caller's earlier orders (as JSON)."""

    similar: list[dict[str, Any]] = field(default_factory=list)
    caller: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Saved:
    """The order taken in: its provisional id and number (待上传) until the server answers, the one
    it is merged into, if any, and the intake's mutation id (the idempotency key of its upload)."""

    order_id: int
    number: str
    merged_into: int | None = None
    mutation_id: str = ""
    closed: bool = False  # 直接办结 queued behind it


def lookups(
    workspace: Workspace,
    values: dict[str, Any],
    on_done: Callable[[IntakeLookups], None],
    owner: QObject | None = None,
) -> Task | None:
    """Ask the server (network lane) for the orders alike ``values`` (the form's fields by name); None
    (nothing asked) offline or when too little is typed."""
    phone = "".join(ch for ch in str(values.get("phone", "")) if ch.isdigit())
    address = str(values.get("address", "")).strip()
    text = str(values.get("title", "")).strip() or str(values.get("description", "")).strip()[:60]
    category = str(values.get("category_code", "")).strip()
    if not workspace.status.online or not (len(phone) >= PHONE_AT_LEAST or address or len(text) >= 2):
        return None
    client = workspace.client

    def work() -> IntakeLookups:
        workspace.ensure_session()
        # The caller's orders are asked for beside the similar ones, not after them: the suggestions
        # wait for the slower of the two, not for both in a row.
        caller_found: list[Any] = []
        failed: list[BaseException] = []

        def ask_caller() -> None:
            try:
                caller_found.extend(client.caller_orders(phone).items)
            except BaseException as exc:  # handed to the task below, as if raised there
                failed.append(exc)

        beside = threading.Thread(target=ask_caller, daemon=True) if len(phone) >= PHONE_AT_LEAST else None
        if beside is not None:
            beside.start()
        try:
            similar = client.similar_orders(
                phone=phone if len(phone) >= PHONE_AT_LEAST else "", address=address, text=text, category=category
            )
        finally:
            if beside is not None:
                beside.join()
        if failed:
            raise failed[0]
        caller = caller_found
        return IntakeLookups(
            similar=[s.model_dump(mode="json") for s in similar],
            caller=[o.model_dump(mode="json") for o in caller],
        )

    return workspace.runner.run(work, lane=Lane.NETWORK, label="intake-lookups", on_done=on_done, owner=owner)


def save_intake(
    workspace: Workspace,
    intake: OrderIntake,
    merge_into: int | None,
    on_done: Callable[[Saved], None],
    on_error: Callable[[BaseException], None],
    owner: QObject | None = None,
    close_at_once: dict[str, Any] | None = None,
) -> Task:
    """Take the order in on the desk (disk lane), online or not: a provisional order in the lists at
    once and an intake mutation in the outbox (``Store.record_intake``), in one transaction with
    dropping the form's draft; then a sync sends it at once when online. With ``merge_into`` (an open
    order's id) a 合并 into that order is queued behind it; with ``close_at_once`` (the answer and its
    basis) a 直接办结 — both go under the server's id once it has answered the intake. A refusal
    (``CommandRefused``) reaches ``on_error`` and nothing is stored."""
    store, actor = workspace.store, workspace.actor
    reply, fail = guarded(owner, on_done), guarded(owner, on_error)

    def work() -> Saved:
        then: list[tuple[Command, BaseModel]] = []
        if merge_into is not None:
            target = store.order(merge_into) or {}
            reason = f"同一诉求，合并到 {target.get('number') or merge_into}"
            merge = {"into_order_id": merge_into, "reason": reason}
            then.append((Command.MERGE, COMMAND_ARGS[Command.MERGE].model_validate(merge)))
        if close_at_once is not None:
            args = COMMAND_ARGS[Command.CLOSE_AT_ONCE]
            # The knowledge entries cited go only where the contract takes them (the knowledge base's).
            body = {k: v for k, v in close_at_once.items() if k in args.model_fields}
            then.append((Command.CLOSE_AT_ONCE, args.model_validate(body)))
        mutation = store.record_intake(actor, intake, drop_draft=INTAKE_DRAFT, then=then)
        return Saved(
            mutation.order_id,
            PROVISIONAL_NUMBER,
            merge_into,
            mutation_id=str(mutation.id),
            closed=close_at_once is not None,
        )

    def done(saved: Saved) -> None:
        workspace.changed.emit({saved.order_id})
        workspace.sync_now()  # online: uploaded at once (offline: when the network is back)
        if reply is not None:
            reply(saved)

    return workspace.runner.run(work, label="intake", on_done=done, on_error=fail)
