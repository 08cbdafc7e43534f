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
