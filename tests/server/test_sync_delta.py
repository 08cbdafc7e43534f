"""Sync pull's shortcuts keep its answers: the delta's head check, and allowed commands computed
once per set of facts within a page."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from server.auth.service import actor_of
from server.lanes import Lane
from server.models import Order, User
from server.sync import pull as pull_service
from server.sync.cursor import Cursor
from tests.fixtures.city import Api, signed_orders


def _pull_all(api: Api, user: str) -> tuple[dict[int, dict[str, Any]], str]:
    orders: dict[int, dict[str, Any]] = {}
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 50} | ({"cursor": cursor} if cursor else {})
        page = api.get("/sync/pull", user, params=params).json()
        orders.update({c["order_id"]: c["order"] for c in page["changes"] if c["kind"] == "upsert"})
        cursor = page["cursor"]
        if not page["has_more"]:
            return orders, cursor


def test_a_delta_cursor_past_the_chains_head_answers_a_fresh_snapshot(api: Api) -> None:
    order = api.dispatched("ZJJ")["id"]
    _, cursor = _pull_all(api, "zj_handler")
    empty = api.get("/sync/pull", "zj_handler", params={"cursor": cursor}).json()
    assert (empty["changes"], empty["reset"], empty["has_more"]) == ([], False, False)
    # History the server no longer has (a restored backup): the desk starts again.
    ahead = replace(Cursor.decode(cursor), seq=Cursor.decode(cursor).seq + 1000).encode()
    page = api.get("/sync/pull", "zj_handler", params={"cursor": ahead}).json()
    assert page["reset"] is True
    assert order in [c["order_id"] for c in page["changes"]]


def test_orders_alike_but_for_the_return_window_get_their_own_commands(api: Api, app: FastAPI) -> None:
    open_, closed = signed_orders(api, 2)
    now = app.state.clock()
    with Session(app.state.engine) as session:
        session.execute(update(Order).where(Order.id == open_).values(return_window_ends=now + timedelta(hours=1)))
        session.execute(update(Order).where(Order.id == closed).values(return_window_ends=now - timedelta(hours=1)))
        session.commit()
    orders, _ = _pull_all(api, "zj_chief")
    assert "request_return" in orders[open_]["allowed_commands"]
    assert "request_return" not in orders[closed]["allowed_commands"]
    for order_id in (open_, closed):  # as the order's own endpoint answers
        single = api.get(f"/orders/{order_id}", "zj_chief").json()
        assert orders[order_id]["allowed_commands"] == single["allowed_commands"]


def test_a_desks_polls_are_planned_with_their_cursor_never_generically(api: Api, app: FastAPI) -> None:
    """On PostgreSQL a statement prepared on the server is, after a few runs, planned once for any
    cursor — and "records after seq $1" planned blind is a scan of the whole chain, on every empty
    poll of every desk. The server's connections plan every run with its values: the poll's
    statements are prepared (parsed once) but never given a generic plan."""
    _, cursor = _pull_all(api, "zj_handler")
    engine = app.state.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite prepares nothing on a server")
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == "zj_handler"))
        assert user is not None
        for _ in range(12):  # psycopg prepares a statement on its fifth run on a connection
            page = pull_service.pull(session, actor_of(user), app.state.clock(), cursor, 50)
            assert page.changes == []
        plans = session.execute(
            text(
                "SELECT count(*), coalesce(sum(custom_plans), 0), coalesce(sum(generic_plans), 0)"
                " FROM pg_prepared_statements"
            )
        ).one()
    prepared, custom, generic = plans
    assert prepared > 0 and custom > 0  # the polls' statements are prepared: the case this test is about
    assert generic == 0


def test_a_poll_is_one_hop_to_its_lane_and_its_token_is_checked_every_time(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token check, the page and the commit of a poll run in one thread handoff (three before:
    the caller a dependency of its own, the endpoint, the commit) — and nothing of the token check
    is kept between polls: a signed-out token or a deactivated user is refused at the next poll."""
    _, cursor = _pull_all(api, "zj_handler")
    hops: list[str] = []
    run = Lane.run

    async def counted(self: Lane, fn: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await run(self, fn, *args, **kwargs)

    monkeypatch.setattr(Lane, "run", counted)
    empty = api.get("/sync/pull", "zj_handler", params={"cursor": cursor})
    assert empty.status_code == 200 and empty.json()["changes"] == []
    assert len(hops) == 1, hops
    api.dispatched("ZJJ")
    hops.clear()
    news = api.get("/sync/pull", "zj_handler", params={"cursor": cursor})
    assert news.status_code == 200 and news.json()["changes"]
    assert len(hops) == 1, hops

    headers = api.login("zj_chief")
    assert api.client.get("/sync/pull", headers=headers).status_code == 200
    with Session(app.state.engine) as session:
        session.execute(update(User).where(User.username == "zj_chief").values(active=False))
        session.commit()
    refused = api.client.get("/sync/pull", headers=headers)
    assert refused.status_code == 401, refused.text

    headers = api.login("zj_handler")
    assert api.client.post("/auth/logout", headers=headers).status_code in (200, 204)
    refused = api.client.get("/sync/pull", headers=headers, params={"cursor": cursor})
    assert refused.status_code == 401, refused.text
