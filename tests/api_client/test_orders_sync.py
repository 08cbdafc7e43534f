"""Reading, commands and the sync round trip through the typed facade."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from api_client import CaseDeskClient, Rejected
from casework.lifecycle import Command
from casework.order import State
from casework.schemas import AddNoteBody, DispatchBody, OrderDetail, SignBody
from casework.sync import ChangeKind, Mutation, MutationStatus, PushRequest
from tests.fixtures.city import PASSWORD, Api

MakeClient = Callable[..., CaseDeskClient]


def test_reference_lists(make_client: MakeClient):
    desk = make_client()
    desk.login("agent", PASSWORD)
    assert {d.code for d in desk.departments()} >= {"CTR", "ZJJ", "CGJ"}
    assert "zj_chief" in {u.username for u in desk.users()}
    assert "0101" in {c.code for c in desk.categories()}


def test_dispatch_and_sign_round_trip(make_client: MakeClient, api: Api):
    order = api.intake()
    agent = make_client()
    agent.login("agent", PASSWORD)
    zjj = next(d.id for d in agent.departments() if d.code == "ZJJ")
    dispatched = agent.command(
        order["id"], Command.DISPATCH, DispatchBody(version=order["version"], lead_department_id=zjj)
    )
    assert isinstance(dispatched, OrderDetail) and dispatched.lead_department_id == zjj

    chief = make_client()
    chief.login("zj_chief", PASSWORD)
    signed = chief.command(order["id"], Command.SIGN, SignBody(version=dispatched.version))
    assert signed.state == State.IN_PROGRESS and signed.version > dispatched.version
    assert chief.order(order["id"]).state == State.IN_PROGRESS
    assert [e.action for e in chief.events(order["id"])][-1] == "sign"
    page = chief.orders(state=[State.IN_PROGRESS], limit=10)
    assert order["id"] in {o.id for o in page.items}

    with pytest.raises(Rejected):  # the wrong body for the command never leaves the client
        chief.command(order["id"], Command.SIGN, DispatchBody(version=1, lead_department_id=zjj))


def test_pull_push_round_trip(make_client: MakeClient, api: Api):
    order = api.dispatched("ZJJ")
    desk = make_client()
    desk.login("zj_chief", PASSWORD)
    first = desk.pull(limit=500)
    assert order["id"] in {c.order_id for c in first.changes if c.kind == ChangeKind.UPSERT}

    note = uuid.uuid4()
    mutation = Mutation(
        id=uuid.uuid4(),
        order_id=order["id"],
        name=Command.ADD_NOTE,
        args=AddNoteBody(client_id=note, text="已联系施工队").model_dump(mode="json"),
    )
    request = PushRequest(client_id="desk-test-01", mutations=[mutation])
    result = desk.push(request).results[0]
    assert result.status == MutationStatus.APPLIED
    assert result.order is not None and note in {n.client_id for n in result.order.notes}
    assert desk.push(request).results[0].status == MutationStatus.DUPLICATE

    later = desk.pull(first.cursor)
    assert [c.order_id for c in later.changes] == [order["id"]]
