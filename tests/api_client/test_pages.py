"""Pull pages parsed once into plain values: what the store keys on is checked, garbage refused."""

from __future__ import annotations

import json
import threading
import types
import typing
from typing import Any

import pytest

from api_client.pages import FIRST_PAGE, BadPage, Listed, PulledPage, event_row, pages_ahead, parse_page
from offline import search
from tests.fixtures.orders import T, citizen, deadlines, order


def _page(**change: Any) -> dict[str, Any]:
    upsert = {
        "seq": 7,
        "kind": "upsert",
        "order_id": 3,
        "order": {"id": 3, "version": 2, "state": "dispatched", "title": "路灯不亮"},
        "events": [{"seq": 7, "action": "dispatch"}],
    }
    return {"changes": [{**upsert, **change}], "cursor": "c2", "has_more": False, "reset": False}


def test_a_page_parses_into_plain_values() -> None:
    body = json.dumps(_page(), ensure_ascii=False).encode()
    page = parse_page(body)
    assert page.cursor == "c2" and page.has_more is False and page.reset is False
    assert page.changes[0]["order"]["title"] == "路灯不亮"
    revoke = parse_page(json.dumps(_page(kind="revoke", order=None, events=[])).encode())
    assert revoke.changes[0]["kind"] == "revoke"


def test_events_as_text_are_kept_as_they_came_and_objects_are_encoded() -> None:
    text = '{"seq":7,"action":"dispatch","after":{"note": "路灯"}}'
    page = parse_page(json.dumps(_page(events=[[7, text]]), ensure_ascii=False).encode())
    assert event_row(page.changes[0]["events"][0]) == (7, text)
    (seq, encoded) = event_row(parse_page(json.dumps(_page()).encode()).changes[0]["events"][0])
    assert seq == 7 and json.loads(encoded) == {"seq": 7, "action": "dispatch"}


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(_page()).encode()[:-20],  # cut short on the way
        b"<html>proxy error</html>",
        json.dumps([_page()]).encode(),
        json.dumps({**_page(), "cursor": 5}).encode(),
        json.dumps({**_page(), "has_more": "yes"}).encode(),
        json.dumps(_page(kind="replace")).encode(),
        json.dumps(_page(order_id="3")).encode(),
        json.dumps(_page(order={"id": 4, "version": 2, "state": "dispatched"})).encode(),  # another order
        json.dumps(_page(order={"id": 3, "state": "dispatched"})).encode(),  # no version
        json.dumps(_page(order=None)).encode(),  # an upsert without its order
        json.dumps(_page(kind="revoke")).encode(),  # a revoke with one
        json.dumps(_page(events=[{"action": "dispatch"}])).encode(),
        json.dumps(_page(events=[[7]])).encode(),  # as text: without its text
        json.dumps(_page(events=[["7", "{}"]])).encode(),
        json.dumps(_page(events=[[7, {"seq": 7}]])).encode(),
        json.dumps(_page(events=[[7, "{}", 8]])).encode(),
        # What the store lists an order by, not of the contract's type:
        json.dumps(_page(order={"id": 3, "version": 2, "state": "dispatched", "reviews": {}})).encode(),
        json.dumps(_page(order={"id": 3, "version": 2, "state": "dispatched", "title": 5})).encode(),
        json.dumps(_page(order={"id": 3, "version": 2, "state": "dispatched", "citizen": []})).encode(),
        json.dumps(_page(order={"id": 3, "version": "2", "state": "dispatched"})).encode(),
        json.dumps(_page(order={"id": 3, "version": 2, "state": "dispatched", "x": "\udc00"})).encode(),
        json.dumps(_page(), ensure_ascii=False).encode().replace("路灯".encode(), b"\xff\xfe"),  # not UTF-8
    ],
)
def test_what_is_not_a_pull_page_is_refused(body: bytes) -> None:
    with pytest.raises(BadPage):
        parse_page(body)


def _orders() -> list[dict[str, Any]]:
    """Orders of a page with every field the contract has, set so that each list column and the
    search text take something of their own."""
    full = {
        "citizen": citizen("王芳", "13912345678"),
        "address": "人民路 1 号",
        "handler_id": 7,
        "due_at": "2026-03-05T09:00:00+08:00",
        "deadlines": deadlines(sign_by="2026-03-02T10:00:00+08:00"),
        "allowed_commands": ["sign", "add_note"],
        "urgency": "urgent",
        "importance": "major",
    }
    returned = {"decision": "returned", "round": 1, "level": "section_chief", "reviewer_id": 5, "comment": "", "at": T}
    asked = {"reason_code": "not_our_duty", "reason": "", "requested_at": T, "department_id": 3}
    variants: list[dict[str, Any]] = [
        {},
        full,
        {**full, "state": "in_progress", "reviews": [returned]},
        {**full, "state": "in_progress", "return_request": asked},
        {**full, "state": "in_progress", "reopen_count": 1, "co_due_at": "2026-03-04T01:00:00Z"},
    ]
    return [order(i, **{"state": "dispatched", **v}).model_dump(mode="json") for i, v in enumerate(variants, 1)]


class _Reads(dict[str, Any]):
    """A dict that notes every key read of it, and of the dicts within it, as a dotted path."""

    def __init__(self, value: dict[str, Any], reads: set[str], path: str = "") -> None:
        super().__init__(value)
        self.reads, self.path = reads, path

    def __getitem__(self, key: str) -> Any:
        self.reads.add(self.path + key)
        return self._wrap(super().__getitem__(key), self.path + key + ".")

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self else (self.reads.add(self.path + key), default)[1]

    def _wrap(self, value: Any, path: str) -> Any:
        if isinstance(value, dict):
            return _Reads(value, self.reads, path)
        if isinstance(value, list):
            return [self._wrap(v, path) for v in value]
        return value


def _paths(hint: Any, path: str = "") -> set[str]:
    """The dotted paths a TypedDict (in lists and unions too) decodes."""
    if typing.is_typeddict(hint):
        found = set()
        for key, value in typing.get_type_hints(hint).items():
            found |= {path + key} | _paths(value, path + key + ".")
        return found
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) in (list, typing.Required):
        return set().union(*(_paths(a, path) for a in typing.get_args(hint)))
    return set()


def test_an_order_is_decoded_for_what_the_store_lists_and_searches_by_and_kept_as_its_text() -> None:
    """A page's orders are not decoded whole: each is kept as the text it came in, and only what the
    store lists, sorts and searches by is read out of it (``Listed``) — everything the store reads."""
    orders = _orders()
    changes = [{"seq": o["id"], "kind": "upsert", "order_id": o["id"], "order": o, "events": []} for o in orders]
    page = {"changes": changes, "cursor": "c1", "has_more": False, "reset": False}
    body = json.dumps(page, ensure_ascii=False, indent=1).encode()  # as no encoder of ours writes it
    page = parse_page(body)
    wire = {c["order_id"]: c["order"] for c in json.loads(body)["changes"]}
    reads: set[str] = set()
    for change in page.changes:
        full, listed = wire[change["order_id"]], change["order"]
        assert json.loads(change["order_json"]) == full and change["order_json"] in body  # as it came
        assert search.list_values(listed) == search.list_values(_Reads(full, reads))
        assert search.search_text(listed) == search.search_text(_Reads(full, reads))
        assert set(listed) < set(full)  # not decoded whole
    assert {"state", "reviews.decision", "citizen.phone", "deadlines.sign_by"} <= reads
    assert reads <= _paths(Listed)  # whatever the store comes to read of an order is decoded


class _Server:
    """Pages of a pull as the server cuts them: ``limit`` changes each, out of ``total``."""

    def __init__(self, total: int) -> None:
        self.total, self.asked = total, []

    def pull_page(self, cursor: str | None, limit: int) -> PulledPage:
        self.asked.append(limit)
        start = int(cursor or 0)
        end = min(self.total, start + limit)
        changes = [{"seq": i, "kind": "upsert", "order_id": i} for i in range(start + 1, end + 1)]
        return PulledPage(changes, str(end), end < self.total, False)


def test_the_first_page_is_small_so_that_applying_starts_sooner_and_the_rest_come_whole() -> None:
    server = _Server(1_250)
    pages = list(pages_ahead(server, None, 500))
    assert server.asked == [FIRST_PAGE, 500, 500, 500] and FIRST_PAGE < 500
    assert [c["seq"] for page in pages for c in page.changes] == list(range(1, 1_251))  # none lost or twice
    small = _Server(1_000)
    list(pages_ahead(small, None, 20))
    assert set(small.asked) == {20}  # never more than the caller's limit


def test_each_page_is_prepared_on_the_thread_that_fetches_it() -> None:
    """``prepare`` (the store's rows of a page) runs on the fetching thread, while the caller applies
    the page before; what it makes is what comes out, in order."""
    server, made_on = _Server(1_250), []

    def prepare(page: PulledPage) -> PulledPage:
        made_on.append(threading.current_thread())
        return PulledPage([{**c, "prepared": True} for c in page.changes], page.cursor, page.has_more, page.reset)

    pages = list(pages_ahead(server, None, 500, prepare=prepare))
    assert [c["seq"] for page in pages for c in page.changes] == list(range(1, 1_251))
    assert all(c["prepared"] for page in pages for c in page.changes)
    assert len(made_on) == 4 and threading.current_thread() not in made_on
