"""Two pushes of the same mutations in opposite order, at the same moment (issue 11): the server
takes its row locks in one order (orders by id, before any mutation id is claimed), so on
PostgreSQL they never deadlock; one applies, the other answers duplicate. Real threads against a
real HTTP server (uvicorn), on SQLite and PostgreSQL.

Also: a lone UTF-16 surrogate in a mutation's text base refuses that mutation only.
"""

from __future__ import annotations

import functools
import json
import uuid
from typing import Any

import requests

from tests.fixtures.city import Api, note_mutations, signed_orders
from tests.fixtures.threads import all_at_once

ROUNDS = 6


def test_opposite_orders_of_the_same_mutations_never_deadlock(api: Api, base_url: str) -> None:
    headers = {**api.login("zj_chief"), "Content-Type": "application/json"}
    orders = signed_orders(api, 4)
    for round_ in range(ROUNDS):
        mutations = note_mutations(orders, f"第{round_}轮 {{oid}}")

        def deliver(batch: list[dict[str, Any]]) -> requests.Response:
            body = json.dumps({"client_id": "client-order-0001", "mutations": batch})
            return requests.post(f"{base_url}/sync/push", data=body.encode(), headers=headers, timeout=90)

        answers = all_at_once([functools.partial(deliver, mutations), functools.partial(deliver, mutations[::-1])])
        for answer in answers:
            assert isinstance(answer, requests.Response), answer
            assert answer.status_code == 200, (round_, answer.text)
        for mutation in mutations:
            statuses = sorted(
                r["status"] for answer in answers for r in answer.json()["results"] if r["id"] == mutation["id"]
            )
            assert statuses == ["applied", "duplicate"], (round_, statuses)
    for oid in orders:
        assert len(api.order(oid)["notes"]) == ROUNDS


def test_a_lone_surrogate_in_a_text_base_refuses_only_its_mutation(api: Api) -> None:
    oid, other = api.dispatched("ZJJ")["id"], api.dispatched("ZJJ")["id"]
    for order in (oid, other):
        api.command(order, "sign", "zj_chief")
    bad_id, good_id, note_id = (str(uuid.uuid4()) for _ in range(3))
    # Raw JSON: json.dumps would not write a lone surrogate as the desk's clipboard text can hold it.
    body = (
        '{"client_id": "client-base-0001", "mutations": ['
        f'{{"id": "{bad_id}", "order_id": {oid}, "name": "save_draft",'
        ' "args": {"text": "新稿", "result_code": "resolved"}, "base": {"text": "\\ud800旧稿"}},'
        f'{{"id": "{good_id}", "order_id": {other}, "name": "save_draft",'
        ' "args": {"text": "另一稿", "result_code": "resolved"}, "base": {"text": ""}},'
        f'{{"id": "{note_id}", "order_id": {other}, "name": "add_note",'
        f' "args": {{"client_id": "{uuid.uuid4()}", "text": "备注"}}, "base": {{}}}}'
        "]}"
    )
    headers = {**api.login("zj_chief"), "Content-Type": "application/json"}
    response = api.client.post("/sync/push", content=body.encode(), headers=headers)
    assert response.status_code == 200, response.text
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[bad_id]["status"] == "rejected"
    assert results[bad_id]["code"] == "invalid_input"
    assert results[bad_id]["detail"] == [
        {"loc": ["base", "text"], "type": "string_unicode", "msg": "not valid Unicode text"}
    ]
    assert results[good_id]["status"] == results[note_id]["status"] == "applied"
    assert api.order(oid)["draft"] is None or api.order(oid)["draft"]["text"] != "新稿"
    assert api.order(other)["draft"]["text"] == "另一稿"
    # Not a string at all is still a malformed push, as the schema says.
    wrong = body.replace('"\\ud800旧稿"', "5")
    assert api.client.post("/sync/push", content=wrong.encode(), headers=headers).status_code == 422
