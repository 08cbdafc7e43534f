"""The centre's intake (受理): the similar open orders and the caller's earlier orders while a call is
typed, and saving the new order (online), merged into an open one when it is a duplicate.

A new order has no id until the server gives it one, so the form's draft is kept under
``INTAKE_DRAFT`` = order id 0 (no order has id 0) with the key ``"intake"``. The sync contract
carries commands on existing orders only (no intake mutation), so saving needs the server: offline
the save is refused with a clear message and the draft stays on this PC until it can be saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject

from casework.lifecycle import Command
from casework.schemas import MergeBody, OrderIntake
from desktop.tasks import Lane, Task
from desktop.workspace import Workspace

__all__ = ["INTAKE_DRAFT", "IntakeLookups", "IntakeOffline", "Saved", "lookups", "save_intake"]

#: Where the form's text is kept: (order id, draft key); 0 because the order has no id yet.
INTAKE_DRAFT = (0, "intake")
#: A phone number this long (digits) looks up the caller's earlier orders.
PHONE_AT_LEAST = 7


class IntakeOffline(Exception):
    """Saving an intake needs the server (the sync contract has no offline intake)."""

    message_zh = "离线：新工单需联网保存。已填写的内容保存在本机草稿中，联网后再按 Ctrl+Enter 保存。"
    message_en = (
        "Offline: a new order is saved on the server. What you typed is kept on this PC; save again once online."
    )


@dataclass(frozen=True)
class IntakeLookups:
    """What the typed request finds: open orders alike it, and the caller's earlier orders (as JSON)."""

    similar: list[dict[str, Any]] = field(default_factory=list)
    caller: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Saved:
    """The order created (``id``, ``number``) and the one it was merged into, if any."""

    order_id: int
    number: str
    merged_into: int | None = None


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
        similar = client.similar_orders(
            phone=phone if len(phone) >= PHONE_AT_LEAST else "", address=address, text=text, category=category
        )
        caller = client.caller_orders(phone).items if len(phone) >= PHONE_AT_LEAST else []
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
) -> Task:
    """Create the order on the server (network lane); with ``merge_into`` (an open order's id) merge
    it into that order at once (合并). The desk then syncs, so the order shows in its lists. Offline:
    ``on_error(IntakeOffline())``, nothing sent."""
    client = workspace.client
    online = workspace.status.online

    def work() -> Saved:
        if not online:
            raise IntakeOffline()
        workspace.ensure_session()
        created = client.create_order(intake)
        if merge_into is None:
            return Saved(created.id, created.number)
        target = client.order(merge_into)
        body = MergeBody(version=created.version, into_order_id=merge_into, reason=f"同一诉求，合并到 {target.number}")
        client.command(created.id, Command.MERGE, body)
        return Saved(created.id, created.number, merge_into)

    def done(saved: Saved) -> None:
        workspace.sync_now()
        on_done(saved)

    return workspace.runner.run(work, lane=Lane.NETWORK, label="intake", on_done=done, on_error=on_error, owner=owner)
