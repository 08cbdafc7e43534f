"""The centre's calls beside the outbox: the dispatch suggestion and a batch dispatch (online only).

A single dispatch, a callback, closing and 重办 are commands like any other: they go through
``Workspace.record`` (checked by casework, applied locally, queued for sync). The suggestion and
the batch are questions to the server, run on the network lane.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from casework.schemas import BatchDispatchItem
from desktop.tasks import Lane, Task
from desktop.workspace import Workspace

__all__ = ["centre_board", "dispatch_category", "dispatch_many", "dispatch_suggestion"]


def dispatch_suggestion(
    workspace: Workspace,
    order_id: int,
    on_done: Callable[[dict[str, Any] | None], None],
    owner: QObject | None = None,
) -> Task:
    """Whom to dispatch ``order_id`` to and the deadlines it would get (JSON); None offline."""
    client, online = workspace.client, workspace.status.online

    def work() -> dict[str, Any] | None:
        if not online or order_id < 0:  # offline, or an order not uploaded yet (the server does not know it)
            return None
        workspace.ensure_session()
        return client.dispatch_suggestion(order_id).model_dump(mode="json")

    return workspace.runner.run(work, lane=Lane.NETWORK, label="dispatch-suggestion", on_done=on_done, owner=owner)


def dispatch_many(
    workspace: Workspace,
    items: list[dict[str, Any]],
    on_done: Callable[[list[dict[str, Any]]], None],
    on_error: Callable[[BaseException], None],
    owner: QObject | None = None,
) -> Task:
    """Dispatch several orders at once (``POST /orders/dispatch``): each one's result (JSON), then a sync."""
    client = workspace.client
    body = [BatchDispatchItem.model_validate(item) for item in items]

    def work() -> list[dict[str, Any]]:
        workspace.ensure_session()
        return [r.model_dump(mode="json") for r in client.dispatch_many(body)]

    def done(results: list[dict[str, Any]]) -> None:
        workspace.sync_now()
        on_done(results)

    return workspace.runner.run(
        work, lane=Lane.NETWORK, label="dispatch-many", on_done=done, on_error=on_error, owner=owner
    )


def centre_board(
    workspace: Workspace,
    on_done: Callable[[dict[str, Any]], None],
    on_error: Callable[[BaseException], None],
    owner: QObject | None = None,
) -> Task:
    """The supervisor's board of today (``GET /centre/board``, JSON); online only."""
    client = workspace.client

    def work() -> dict[str, Any]:
        workspace.ensure_session()
        return client.centre_board().model_dump(mode="json")

    return workspace.runner.run(
        work, lane=Lane.NETWORK, label="centre-board", on_done=on_done, on_error=on_error, owner=owner
    )


def dispatch_category(
    workspace: Workspace,
    category_code: str,
    dispatch: dict[str, Any],
    order_ids: list[int] | None,
    on_done: Callable[[list[dict[str, Any]]], None],
    on_error: Callable[[BaseException], None],
    owner: QObject | None = None,
) -> Task:
    """Every received order of ``category_code`` the user may dispatch — or, given ``order_ids`` (the
    rows selected in the list), those of them the user may dispatch — read on the disk lane and sent
    at once with ``dispatch`` (lead, complexity …) by :func:`dispatch_many`."""
    wanted = set(order_ids or ())

    def work() -> list[dict[str, Any]]:
        return [
            {"order_id": o["id"], "version": o["version"], **dispatch}
            for o in workspace.store.orders(state="received")
            if (o["id"] in wanted if wanted else o.get("category_code") == category_code)
            and "dispatch" in (o.get("allowed_commands") or [])
            and o["id"] > 0  # taken in here and not uploaded yet: dispatched on its own, once uploaded
        ]

    def send(items: list[dict[str, Any]]) -> None:
        if items:
            dispatch_many(workspace, items, on_done=on_done, on_error=on_error, owner=owner)
        else:
            on_done([])

    return workspace.runner.run(work, label="dispatch-category", on_done=send, on_error=on_error, owner=owner)
