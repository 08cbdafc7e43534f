"""An intake pushed from a desk's outbox: the order is created once per mutation id, whatever the
number of deliveries; a refused intake creates nothing and says why."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import Order
from tests.fixtures.city import Api

INTAKE = {
    "channel": "wechat",
    "citizen": {"name": "李明", "phone": "13600009999"},
    "kind": "complaint",
    "category_code": "0101",
    "title": "盂城路鸽棚扰民",
    "description": "盂城路1号楼顶鸽棚，气味大。",
    "address": "高邮市盂城路1号",
    "lat": 32.78,
    "lon": 119.44,
    "tags": ["鸽棚", "扰民"],
    "complexity": "complex",
}


def _push(api: Api, user: str, mutations: list[dict[str, Any]], client_id: str = "desk-intake-0001") -> list[dict]:  # type: ignore[type-arg]
    response = api.post("/sync/push", user, json={"client_id": client_id, "mutations": mutations})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def _intake(provisional: int = -1, **changes: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "order_id": provisional, "name": "intake", "args": {**INTAKE, **changes}}


def _count(app: Any, title: str) -> int:
    with Session(app.state.engine) as session:
        return int(session.scalar(select(func.count()).select_from(Order).where(Order.title == title)) or 0)


def test_an_intake_creates_one_order_however_often_it_is_delivered(api: Api, app: Any) -> None:
    mutation = _intake(title="鸽棚一次")
    [first] = _push(api, "agent", [mutation])
    assert first["status"] == "applied" and first["order_id"] and first["order"]["id"] == first["order_id"]
    order = first["order"]
    assert order["state"] == "received" and order["tags"] == ["鸽棚", "扰民"] and order["lat"] == 32.78
    assert order["complexity"] == "complex"
    # The answer was lost: the desk sends it again, alone and beside itself in one push.
    [again] = _push(api, "agent", [mutation])
    twice = _push(api, "agent", [mutation, mutation])
    assert again["status"] == "duplicate" and again["order_id"] == first["order_id"]
    assert again["order"]["number"] == order["number"]
    assert [r["status"] for r in twice] == ["duplicate", "duplicate"]
    assert _count(app, "鸽棚一次") == 1


def test_a_refused_intake_creates_nothing_and_holds_nothing_else(api: Api, app: Any) -> None:
    bad = _intake(-1, category_code="9999", title="鸽棚分类错")
    good = _intake(-2, title="鸽棚分类对")
    empty = _intake(-3, title="")
    results = _push(api, "agent", [bad, good, empty])
    assert [r["status"] for r in results] == ["rejected", "applied", "rejected"]
    assert results[0]["code"] == "unknown_category" and results[2]["code"] == "invalid_input"
    assert _count(app, "鸽棚分类错") == 0 and _count(app, "鸽棚分类对") == 1
    # A refusal is stored too: a resend answers it again, it never turns into an order.
    assert _push(api, "agent", [bad])[0]["status"] == "rejected"


def test_only_the_centre_takes_in_orders_and_an_intake_names_a_provisional_id(api: Api, app: Any) -> None:
    [refused] = _push(api, "zj_chief", [_intake(title="部门不能受理")])
    assert refused["status"] == "rejected" and refused["code"] == "forbidden"
    assert _count(app, "部门不能受理") == 0
    response = api.post(
        "/sync/push", "agent", json={"client_id": "desk-intake-0002", "mutations": [_intake(5, title="正数编号")]}
    )
    assert response.status_code == 422
    # A command under a provisional id never finds an order.
    command = {"id": str(uuid.uuid4()), "order_id": -7, "name": "sign", "args": {}}
    [lost] = _push(api, "agent", [command])
    assert lost["status"] == "rejected" and lost["code"] == "not_found"
