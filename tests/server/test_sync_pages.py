"""Pull pages written as JSON straight from rows say exactly what the validated models say."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from casework.schemas import EventView
from casework.sync import PullResponse
from server.models import OrderView
from server.sync import pull
from tests.fixtures.city import Api


def _page(api: Api, user: str) -> tuple[bytes, dict[str, Any]]:
    response = api.get("/sync/pull", user, params={"limit": 1000})
    assert response.status_code == 200, response.text
    return response.content, response.json()


def test_a_pull_page_is_the_orders_views_and_events_as_their_endpoints_give_them(api: Api) -> None:
    order = api.dispatched("ZJJ", citizen={"name": "王芳", "phone": "13912345678", "confidential": True})["id"]
    api.command(order, "sign", "zj_chief")
    api.command(order, "add_note", "zj_handler", text="已联系施工队，明天到场")
    other = api.dispatched("CGJ")["id"]
    for user in ("zj_handler", "agent"):
        raw, page = _page(api, user)
        # The contract's model reads the page and writes back the same JSON values.
        assert PullResponse.model_validate_json(raw).model_dump(mode="json") == page
        pulled = {c["order_id"]: c for c in page["changes"]}
        assert (other in pulled) is (user == "agent")  # another department's order never comes
        change = pulled[order]
        assert change["order"] == api.order(order, user)  # one view, whichever way it is asked for
        events = api.get(f"/orders/{order}/events", user).json()
        assert change["events"] == events and [e["action"] for e in events][-2:] == ["sign", "add_note"]
        phone = change["order"]["citizen"]["phone"]
        assert (phone == "13912345678") is (user == "agent")  # confidential: masked for the department
        assert change["order"]["allowed_commands"] == api.order(order, user)["allowed_commands"]


def test_a_stored_view_is_never_served_after_its_order_changed(api: Api, app: Any) -> None:
    """Pulls serve each order's shared part from ``order_views``; a note (which leaves the order's
    version as it is) or a command makes the stored one stale: the next pull builds it again."""
    order = api.dispatched("ZJJ", citizen={"name": "王芳", "phone": "13912345678", "confidential": True})["id"]
    _, first = _page(api, "agent")
    with app.state.session_factory() as session:
        stored = session.scalar(select(OrderView.body).where(OrderView.order_id == order))
    assert stored is not None and json.loads(stored)["state"] == "dispatched"  # kept by the pull
    assert not {"citizen", "allowed_commands", "co_due_at"} & set(json.loads(stored))  # the caller's part is not
    api.command(order, "add_note", "zj_handler", text="已联系施工队")
    api.command(order, "sign", "zj_chief")
    for user in ("agent", "zj_handler", "agent"):  # built again by the first, served stored to the others
        _, page = _page(api, user)
        view = {c["order_id"]: c for c in page["changes"]}[order]["order"]
        assert view == api.order(order, user)
        assert view["state"] == "in_progress" and [n["text"] for n in view["notes"]] == ["已联系施工队"]
        assert (view["citizen"]["phone"] == "13912345678") is (user == "agent")
    cursor = first["cursor"]
    delta = api.get("/sync/pull", "agent", params={"cursor": cursor, "limit": 1000}).json()
    assert {c["order_id"]: c for c in delta["changes"]}[order]["order"] == api.order(order, "agent")


def test_events_asked_for_as_text_are_the_same_events_as_their_json_text(api: Api) -> None:
    """``events=text`` (what the desk asks for: it keeps each event as that text): each event as
    ``[seq, text]`` whose text reads as the object the plain page gives — in a snapshot and a delta;
    the orders and the cursor as in the plain page."""
    order = api.dispatched("ZJJ", citizen={"name": "王芳", "phone": "13912345678", "confidential": True})["id"]
    api.command(order, "sign", "zj_chief")

    def both(params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        plain = api.get("/sync/pull", "agent", params={**params, "limit": 1000}).json()
        text = api.get("/sync/pull", "agent", params={**params, "limit": 1000, "events": "text"}).json()
        return plain, text

    plain, text = both({})
    cursor = plain["cursor"]
    api.command(order, "add_note", "zj_handler", text='已联系施工队，"明天"到场\n\\')
    for plain, text in (both({}), both({"cursor": cursor})):  # a snapshot, then a delta
        assert [c["order"] for c in text["changes"]] == [c["order"] for c in plain["changes"]]
        assert text["cursor"] == plain["cursor"] and text["has_more"] == plain["has_more"]
        events = [e for c in plain["changes"] for e in c["events"]]
        as_text = [e for c in text["changes"] for e in c["events"]]
        assert events and all(type(e) is list and type(e[1]) is str for e in as_text)
        assert [[e["seq"], e] for e in events] == [[seq, json.loads(t)] for seq, t in as_text]
        assert events[-1]["action"] == "add_note"
    assert api.get("/sync/pull", "agent", params={"events": "objects"}).status_code == 422


def test_with_the_views_stored_a_page_reads_only_the_callers_columns_of_its_orders(api: Api) -> None:
    """Each view's shared part is stored: of the orders table a page reads only what the caller's part
    is made from (``views.CALLER_COLUMNS``: no description, no times but one) — a snapshot and a
    delta, for the centre and a department, whose views stay the endpoint's."""
    order = api.dispatched("ZJJ", citizen={"name": "王芳", "phone": "13912345678", "confidential": True})["id"]
    api.command(order, "sign", "zj_chief")
    _, first = _page(api, "agent")  # builds and stores the views
    api.command(order, "add_note", "zj_handler", text="已联系施工队")
    _page(api, "agent")  # builds this one again
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", seen)
    try:
        pages = [
            (user, api.get("/sync/pull", user, params={**params, "limit": 1000}).json())
            for user in ("agent", "zj_handler")
            for params in ({}, {"cursor": first["cursor"]})
        ]
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    read = [s for s in statements if "FROM orders" in s]
    assert read and not any("orders.description" in s or "orders.created_at" in s for s in read)
    for user, page in pages:
        assert {c["order_id"]: c for c in page["changes"]}[order]["order"] == api.order(order, user)


@pytest.mark.parametrize(
    "at",
    [
        datetime(2026, 3, 2, 1, 0, 0),  # SQLite: naive UTC
        datetime(2026, 3, 2, 1, 0, 0, 120),
        datetime(2026, 3, 2, 9, 0, 0, 500_000, tzinfo=timezone(timedelta(hours=8))),  # PostgreSQL: aware
        datetime(2026, 3, 2, 1, 0, 0, tzinfo=UTC),
    ],
)
def test_an_events_time_is_written_as_the_contracts_json_writes_it(at: datetime) -> None:
    """A page writes its events' text itself (one f-string, no model): each time reads as
    ``EventView`` writes it — in UTC with a ``Z``, microseconds when there are any."""
    utc = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    view = EventView(seq=1, at=utc, actor_id=None, action="sign", order_id=2, before={}, after={})
    assert pull._utc_text(at) == json.dumps(json.loads(view.model_dump_json())["at"])
