"""Pull pages parsed once into plain values: what the store keys on is checked, garbage refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api_client.pages import FIRST_PAGE, BadPage, PulledPage, event_row, pages_ahead, parse_page


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
    ],
)
def test_what_is_not_a_pull_page_is_refused(body: bytes) -> None:
    with pytest.raises(BadPage):
        parse_page(body)


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
