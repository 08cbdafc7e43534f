"""Sync pull pages as plain JSON values: decoded once, checked for their shape, never validated twice.

``CaseDeskClient.pull`` validates a page into the contract's ``PullResponse`` (every field of every
order: a third of an initial pull's client time, for data the server built from rows it checked on
the way in). The sync engine takes :class:`PulledPage` instead, decoded by msgspec: the envelope and
what the store keys on checked — each change's kind, ids and sequence numbers, each order's id,
version and state, each event's sequence number — and of each order only what the store lists and
searches by (:class:`Listed`, with the contract's types); the order itself is kept as the JSON text
it came in, which the store writes as it is (no order decoded whole and encoded again). A page that
fails that is garbled on the way, as any unreadable answer (``Offline``, tried again).

The sync engine asks for events as text (``casework.sync.EVENTS_AS_TEXT``): each ``[seq, text]``,
kept by the store as it came; a server from before that sends ``EventView`` objects, taken as well
(:func:`event_row` gives either as a row).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal, Protocol, Required, TypedDict, TypeVar, overload

import msgspec
from pydantic_core import to_json


class BadPage(ValueError):
    """The answer is not a pull page."""


@dataclass(frozen=True)
class PulledPage:
    """One ``PullResponse`` as JSON values: ``changes`` are dicts shaped as ``SyncChange`` — ``seq``,
    ``kind``, ``order_id``, ``order`` and ``events`` — plus ``order_json``. ``order`` is None (a
    revoke) or a dict of the fields the store lists and searches by (:class:`Listed`, not every field
    of ``OrderDetail``), ``order_json`` the whole order's JSON text as it came, in UTF-8 bytes (what
    the store keeps, written as it is: not decoded to ``str`` and encoded again);
    ``events`` ``EventView`` dicts or, asked for as text, ``(seq, EventView as JSON text)`` pairs (see
    :func:`event_row`). A page built by hand may leave ``order_json`` out and give the whole order as
    ``order``: the store then encodes it."""

    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool
    reset: bool


# What a page is decoded into (msgspec, in C): the envelope checked for its shape and types, each
# order kept as the text it came in (``msgspec.Raw``), each event as text a pair checked as one.
class _Change(msgspec.Struct, gc=False):
    seq: int
    kind: Literal["upsert", "revoke"]
    order_id: int
    order: msgspec.Raw = msgspec.Raw(b"null")  # null: a revoke
    events: list[tuple[int, str] | dict[str, Any]] = []


class _Page(msgspec.Struct, gc=False):
    changes: list[_Change]
    cursor: str
    has_more: bool
    reset: bool


class _Citizen(TypedDict, total=False):
    name: str | None
    phone: str | None


class _Deadlines(TypedDict, total=False):
    sign_by: str | None


class _Review(TypedDict, total=False):
    decision: str | None


class _ReturnRequest(TypedDict, total=False):
    department_id: int | None


class Listed(TypedDict, total=False):
    """Of an order, what the store lists, sorts and searches by (``offline.search.list_values`` and
    ``search_text``), with the keys it is stored under: decoded from the order's text, every other
    field skipped (the text is kept whole). The contract's types, a null taken where it has none."""

    id: Required[int]
    version: Required[int]
    state: Required[str]
    number: str | None
    title: str | None
    urgency: str | None
    importance: str | None
    category_code: str | None
    lead_department_id: int | None
    handler_id: int | None
    received_at: str | None
    due_at: str | None
    co_due_at: str | None
    deadlines: _Deadlines | None
    reviews: list[_Review] | None
    return_request: _ReturnRequest | None
    reopen_count: int | None
    allowed_commands: list[str] | None
    description: str | None
    address: str | None
    citizen: _Citizen | None


_PAGE = msgspec.json.Decoder(_Page)
_LISTED = msgspec.json.Decoder(Listed)
_NULL = msgspec.Raw(b"null")


def parse_page(body: bytes) -> PulledPage:
    """The page in ``body``; raises :class:`BadPage` when it is not one."""
    try:
        return _parsed(body)
    except (msgspec.DecodeError, ValueError) as exc:  # msgspec's ValidationError is a DecodeError
        raise BadPage(str(exc)) from exc


def _parsed(body: bytes) -> PulledPage:
    """``body`` decoded and checked, with the cycle collector paused meanwhile: a page of 500 orders
    is thousands of new dicts and lists, which set off collections that walk every object of the
    process again and again (a third of the parse's CPU on the bench, more in the desk with its
    Qt objects) — and decoded JSON holds no cycle to collect."""
    if not gc.isenabled():
        return _checked(_PAGE.decode(body))
    gc.disable()
    try:
        return _checked(_PAGE.decode(body))
    finally:
        gc.enable()


def _checked(page: _Page) -> PulledPage:
    return PulledPage([_change(c) for c in page.changes], page.cursor, page.has_more, page.reset)


def _change(change: _Change) -> dict[str, Any]:
    raw, order, text = change.order, None, None
    if change.kind == "revoke":
        if raw != _NULL:
            raise BadPage("a revoke with an order")
    else:
        if raw == _NULL:
            raise BadPage("an upsert without its order")
        order = _LISTED.decode(raw)
        if order["id"] != change.order_id:
            raise BadPage("an upsert without its order")
        text = bytes(raw)  # kept as it came: the store writes these bytes as the text they are …
        text.decode()  # … UTF-8, checked (a UnicodeDecodeError is a ValueError: BadPage)
    for event in change.events:
        if type(event) is dict and type(event.get("seq")) is not int:
            raise BadPage("events without sequence numbers")
    return {
        "seq": change.seq,
        "kind": change.kind,
        "order_id": change.order_id,
        "order": order,
        "order_json": text,
        "events": change.events,
    }


def event_row(event: tuple[int, str] | list[Any] | dict[str, Any]) -> tuple[int, str]:
    """An event of a page as the store keeps it: its sequence number and its JSON text (as it came
    when asked for as text, else encoded from the ``EventView`` object)."""
    if isinstance(event, dict):
        return event["seq"], to_json(event).decode()
    return event[0], event[1]


class _Puller(Protocol):
    def pull_page(self, cursor: str | None, limit: int) -> PulledPage: ...


class _Paged(Protocol):
    @property
    def cursor(self) -> str: ...

    @property
    def has_more(self) -> bool: ...


_P = TypeVar("_P", bound=_Paged)


#: The most orders the first page of a pull is asked for: nothing is applied while it is built and
#: travels (there is no page before it to apply meanwhile), so a small one lets the desk start sooner
#: (the 10,000-order bench's first wait, alternated at load 10: 69–212 ms at 500, 17–60 ms at 100).
FIRST_PAGE = 100


@overload
def pages_ahead(
    client: _Puller, cursor: str | None, limit: int, ahead: bool = True, prepare: None = None
) -> Generator[PulledPage, None, None]: ...


@overload
def pages_ahead(
    client: _Puller, cursor: str | None, limit: int, ahead: bool = True, *, prepare: Callable[[PulledPage], _P]
) -> Generator[_P, None, None]: ...


def pages_ahead(
    client: _Puller,
    cursor: str | None,
    limit: int,
    ahead: bool = True,
    prepare: Callable[[PulledPage], Any] | None = None,
) -> Generator[Any, None, None]:
    """Pages from ``cursor`` until one has no more, each next one asked for as soon as the one
    before arrives: the server builds it (and it travels) while the caller applies this one. The
    caller still saves each page's cursor with its data, so nothing fetched ahead counts until
    applied; stopping early (close the iterator) drops the one page fetched ahead. ``ahead=False``:
    each page asked for only when the caller is done with the one before. Ahead, the first page is
    asked for at most :data:`FIRST_PAGE` changes; the others (and every page otherwise) ``limit``.
    ``prepare``: what is yielded of each page, made on the thread that fetched it (the store's rows:
    built while the page before is written, which leaves the interpreter to this thread)."""

    def fetch(at: str | None, n: int) -> Any:
        page = client.pull_page(at, n)
        return page if prepare is None else prepare(page)

    pool = ThreadPoolExecutor(1, thread_name_prefix="pull-ahead")
    try:
        future = pool.submit(fetch, cursor, min(limit, FIRST_PAGE) if ahead else limit)
        while True:
            page = future.result()
            if page.has_more and ahead:
                future = pool.submit(fetch, page.cursor, limit)
            yield page
            if not page.has_more:
                return
            if not ahead:
                future = pool.submit(fetch, page.cursor, limit)
    finally:
        # Stopped early (cancelled, an error applying): the request ahead is left to finish alone.
        pool.shutdown(wait=False, cancel_futures=True)
