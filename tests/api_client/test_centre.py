"""The centre's calls through the typed facade, against the real server over HTTP."""

from __future__ import annotations

from collections.abc import Callable

from api_client import CaseDeskClient
from casework.schemas import BatchDispatchItem
from tests.server.support import PASSWORD, Api

MakeClient = Callable[..., CaseDeskClient]


def test_the_centre_calls_parse_into_wire_models(make_client: MakeClient, api: Api) -> None:
    first = api.intake(tags=["鸽棚"], citizen={"name": "王", "phone": "13912340000"})
    second = api.intake(title="文汇路路面塌陷", citizen={"name": "王", "phone": "13912340000"})
    agent = make_client()
    agent.login("agent", PASSWORD)

    similar = agent.similar_orders(phone="13912340000", text="文汇路路面塌陷", category="0101")
    assert [s.order.id for s in similar] == [second["id"], first["id"]]
    assert similar[0].reasons == ["same_caller", "similar_text", "same_category"]
    assert [o.id for o in agent.caller_orders("13912340000").items] == [second["id"], first["id"]]

    suggestion = agent.dispatch_suggestion(first["id"], complexity="complex", reply_days=3)
    assert suggestion.lead_department_id == api.department_id("ZJJ") and suggestion.reply_days == 3
    results = agent.dispatch_many(
        [
            BatchDispatchItem(order_id=o["id"], version=o["version"], lead_department_id=api.department_id("ZJJ"))
            for o in (first, second)
        ]
    )
    assert [r.status for r in results] == ["dispatched", "dispatched"]
    board = agent.centre_board("2026-11-23")
    assert board.intake_total == 2 and board.waiting_count == 0
    assert [h.code for h in agent.hot_issues("2026-11", min_volume=1) if h.kind == "tag"] == ["鸽棚"]
