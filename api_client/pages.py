"""Sync pull pages as plain JSON values: parsed once, checked for their shape, never validated twice.

``CaseDeskClient.pull`` validates a page into the contract's ``PullResponse`` (every field of every
order: a third of an initial pull's client time, for data the server built from rows it checked on
the way in). The sync engine takes :class:`PulledPage` instead: the JSON parsed by pydantic-core
into dicts and lists, with the envelope and what the store keys on checked — each change's kind,
ids and sequence numbers, each order's id, version and state, each event's sequence number. A page
that fails that is garbled on the way, as any unreadable answer (``Offline``, tried again).

The sync engine asks for events as text (``casework.sync.EVENTS_AS_TEXT``): each ``[seq, text]``,
kept by the store as it came; a server from before that sends ``EventView`` objects, taken as well
(:func:`event_row` gives either as a row).
"""

from __future__ import annotations

import gc
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic_core import from_json, to_json


class BadPage(ValueError):
    """The answer is not a pull page."""


@dataclass(frozen=True)
class PulledPage:
    """One ``PullResponse`` as JSON values: ``changes`` are dicts shaped as ``SyncChange``
    (``order`` an ``OrderDetail`` dict or None, ``events`` ``EventView`` dicts or, asked for as
    text, ``[seq, EventView as JSON text]`` pairs: see :func:`event_row`)."""

    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool
    reset: bool


def parse_page(body: bytes) -> PulledPage:
    """The page in ``body``; raises :class:`BadPage` when it is not one."""
    try:
        data = _parsed(body)
    except ValueError as exc:
        raise BadPage(str(exc)) from exc
    if not isinstance(data, dict):
        raise BadPage("not an object")
    changes, cursor, has_more, reset = (data.get(k) for k in ("changes", "cursor", "has_more", "reset"))
    if not (
        isinstance(changes, list) and isinstance(cursor, str) and isinstance(has_more, bool) and isinstance(reset, bool)
    ):
        raise BadPage("not a pull page")
    for change in changes:
        _check_change(change)
    return PulledPage(changes, cursor, has_more, reset)


def _parsed(body: bytes) -> Any:
    """``body`` as JSON values, with the cycle collector paused meanwhile: a page of 500 orders is
    some 100,000 new dicts and lists, which set off collections that walk every object of the
    process again and again (a third of the parse's CPU on the bench, more in the desk with its
    Qt objects) — and parsed JSON holds no cycle to collect."""
    if not gc.isenabled():
        return from_json(body)
    gc.disable()
    try:
        return from_json(body)
    finally:
        gc.enable()


def _check_change(change: Any) -> None:
    if not (isinstance(change, dict) and _is_int(change.get("seq")) and _is_int(change.get("order_id"))):
        raise BadPage("a change without its sequence number or order id")
    kind, order, events = change.get("kind"), change.get("order"), change.get("events", [])
    if kind == "revoke":
        if order is not None:
            raise BadPage("a revoke with an order")
    elif kind == "upsert":
        if not (
            isinstance(order, dict)
            and order.get("id") == change["order_id"]
            and _is_int(order.get("version"))
            and isinstance(order.get("state"), str)
        ):
            raise BadPage("an upsert without its order")
    else:
        raise BadPage(f"unknown change kind {kind!r}")
    if type(events) is not list or not all(map(_is_event, events)):
        raise BadPage("events without sequence numbers")


def _is_event(event: Any) -> bool:
    if type(event) is list:  # as text
        return len(event) == 2 and type(event[0]) is int and type(event[1]) is str
    return type(event) is dict and type(event.get("seq")) is int


def event_row(event: list[Any] | dict[str, Any]) -> tuple[int, str]:
    """An event of a page as the store keeps it: its sequence number and its JSON text (as it came
    when asked for as text, else encoded from the ``EventView`` object)."""
    if type(event) is list:
        return event[0], event[1]
    return event["seq"], to_json(event).decode()  # type: ignore[call-overload]


def _is_int(value: Any) -> bool:
    # JSON gives exact types (dict, list, int, bool …): ``type(…) is int`` already leaves bools out.
    return type(value) is int


class _Puller(Protocol):
    def pull_page(self, cursor: str | None, limit: int) -> PulledPage: ...


#: The most orders the first page of a pull is asked for: nothing is applied while it is built and
#: travels (there is no page before it to apply meanwhile), so a small one lets the desk start sooner
#: (the 10,000-order bench's first wait, alternated at load 10: 69–212 ms at 500, 17–60 ms at 100).
FIRST_PAGE = 100


def pages_ahead(
    client: _Puller, cursor: str | None, limit: int, ahead: bool = True
) -> Generator[PulledPage, None, None]:
    """Pages from ``cursor`` until one has no more, each next one asked for as soon as the one
    before arrives: the server builds it (and it travels) while the caller applies this one. The
    caller still saves each page's cursor with its data, so nothing fetched ahead counts until
    applied; stopping early (close the iterator) drops the one page fetched ahead. ``ahead=False``:
    each page asked for only when the caller is done with the one before. Ahead, the first page is
    asked for at most :data:`FIRST_PAGE` changes; the others (and every page otherwise) ``limit``."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="pull-ahead")
    try:
        future = pool.submit(client.pull_page, cursor, min(limit, FIRST_PAGE) if ahead else limit)
        while True:
            page = future.result()
            if page.has_more and ahead:
                future = pool.submit(client.pull_page, page.cursor, limit)
            yield page
            if not page.has_more:
                return
            if not ahead:
                future = pool.submit(client.pull_page, page.cursor, limit)
    finally:
        # Stopped early (cancelled, an error applying): the request ahead is left to finish alone.
        pool.shutdown(wait=False, cancel_futures=True)
