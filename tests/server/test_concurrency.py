"""Concurrent writers: no fork in the audit chain, no lost update, no 500."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from server.audit.service import verify
from tests.fixtures.city import Api


def test_parallel_commands_keep_one_chain_and_one_winner(api: Api, app, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    orders = [api.dispatched("ZJJ") for _ in range(6)]
    api.login("zj_chief")
    api.login("zj_head")

    def sign(order: dict, as_: str) -> int:  # type: ignore[type-arg]
        response = client.post(
            f"/orders/{order['id']}/sign", headers=api.login(as_), json={"version": order["version"]}
        )
        return response.status_code

    # Chief and head race to sign each order, on every order at once.
    jobs = [(order, who) for order in orders for who in ("zj_chief", "zj_head")]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda job: sign(*job), jobs))
    for index in range(len(orders)):
        pair = sorted(statuses[2 * index : 2 * index + 2])
        assert pair == [200, 409], pair  # exactly one signs; the other learns it is stale or signed

    # Notes from many threads on one order: all kept, each once.
    order_id = orders[0]["id"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda i: api.command(order_id, "add_note", "zj_handler", text=f"记录{i}")["id"], range(16))
        )
    assert results == [order_id] * 16
    assert sorted(n["text"] for n in api.order(order_id)["notes"]) == sorted(f"记录{i}" for i in range(16))

    with Session(app.state.engine) as session:
        _, problems = verify(session)
    assert problems == []
    events = sum(len(api.get(f"/orders/{o['id']}/events", "agent").json()) for o in orders)
    assert events == 6 * 3 + 16  # intake, dispatch, sign per order, and the notes
