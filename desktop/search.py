"""Search across every work list: which lists hold each hit (the window says where a hit is)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from casework.roles import Actor
from casework.worklists import WorkList
from offline.worklists import in_lists


def lists_holding(
    store: Any, actor: Actor, work_lists: list[str], order_ids: list[int], now: datetime
) -> dict[int, list[str]]:
    """For each of ``order_ids``: the ``work_lists`` (their values, in the order given) holding it for ``actor``.

    The whole-desk list (``all``) is left out: it holds everything. Runs on the disk lane (it reads the store).
    """
    found: dict[int, list[str]] = {i: [] for i in order_ids}
    lists = [WorkList(v) for v in work_lists if v != WorkList.ALL.value]
    if not order_ids or not lists:
        return found
    for hit in store.rows(in_lists(lists, actor, now, order_ids), len(order_ids)):
        found[hit["id"]] = [w.value for w in lists if hit[w.value]]
    return found
