"""The closing rule (issue 12): a callback's verdict decides whether, and by whom, an order closes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from casework.roles import Role
from casework.schemas import UserIn
from server.org.service import create_user
from tests.server.support import PASSWORD, Api


@pytest.fixture
def centre(api: Api, app: Any) -> Api:
    """The test city plus the centre's supervisor (值班长), made as an administrator would."""
    with Session(app.state.engine) as session:
        create_user(
            session,
            UserIn(
                username="duty",
                name="值班长",
                role=Role.CENTRE_SUPERVISOR,
                department_id=api.department_id("CTR"),
                password=PASSWORD,
            ),
            None,
            datetime(2026, 11, 1, tzinfo=UTC),
        )
        session.commit()
    return api


def _replied(api: Api) -> int:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_handler2")
    api.command(oid, "submit_reply", "zj_handler2", text="已修复路面。", result_code="resolved")
    api.command(oid, "approve", "zj_chief")
    assert api.command(oid, "approve", "zj_head")["state"] == "replied"
    return oid


def test_a_satisfied_callback_records_the_verdict_and_allows_closing(centre: Api) -> None:
    oid = _replied(centre)
    refused = centre.command(oid, "close", "agent", expect=409)
    assert refused["code"] == "callback_required"
    assert "3次" in refused["message_zh"] and "办结规则" in refused["message_zh"]
    detail = centre.command(
        oid,
        "record_callback",
        "agent",
        outcome="basically_satisfied",
        resolved=True,
        citizen_words="修好了，就是慢了点",
    )
    callback = detail["callbacks"][-1]
    assert (callback["resolved"], callback["citizen_words"]) == (True, "修好了，就是慢了点")
    assert detail["callback_attempts"] == 1
    # The verdict is in: no second callback in this round; the agent closes.
    assert centre.command(oid, "record_callback", "agent", outcome="satisfied", expect=409)["code"] == (
        "callback_settled"
    )
    assert centre.command(oid, "close", "agent")["state"] == "closed"


def test_a_citizen_not_reached_gives_no_verdict(centre: Api) -> None:
    oid = _replied(centre)
    refused = centre.command(oid, "record_callback", "agent", outcome="unreachable", resolved=True, expect=422)
    assert refused["code"] == "invalid_input"
    for attempt in (1, 2):
        detail = centre.command(oid, "record_callback", "agent", outcome="unreachable")
        assert detail["callback_attempts"] == attempt
        assert "close" not in detail["allowed_commands"]
        refused = centre.command(oid, "close", "agent", expect=409)
        assert refused["detail"] == f"unanswered attempts: {attempt} of 3"
    detail = centre.command(oid, "record_callback", "agent", outcome="unreachable")
    assert "close" in detail["allowed_commands"]
    assert centre.command(oid, "close", "agent")["state"] == "closed"


def test_an_unsatisfied_callback_never_closes_silently(centre: Api) -> None:
    oid = _replied(centre)
    detail = centre.command(
        oid, "record_callback", "agent", outcome="unsatisfied", resolved=False, citizen_words="路面还是坑坑洼洼"
    )
    assert "close" not in detail["allowed_commands"] and "reopen" in detail["allowed_commands"]
    refused = centre.command(oid, "close", "agent", note="市民要求过高", expect=409)
    assert refused["code"] == "unsatisfied_callback"
    assert "值班长" in refused["message_zh"] and "重办" in refused["message_zh"]
    # Three "unreachable" tries cannot wash the verdict out either.
    centre.command(oid, "record_callback", "agent", outcome="unreachable", expect=409)

    # The supervisor may close it, but only with the reason.
    assert "close" in centre.order(oid, "duty")["allowed_commands"]
    refused = centre.command(oid, "close", "duty", expect=422)
    assert refused["code"] == "close_reason_required"
    centre.command(oid, "close", "duty", note="   ", expect=422)
    detail = centre.command(oid, "close", "duty", note="诉求超出政策规定，已解释到位")
    assert detail["state"] == "closed"
    close = centre.get(f"/orders/{oid}/events", "agent").json()[-1]
    assert close["action"] == "close" and close["after"]["input"]["note"] == "诉求超出政策规定，已解释到位"
    assert close["actor_id"] == centre.user_id("duty")


def test_an_unsatisfied_callback_leads_to_rehandling_with_a_reason(centre: Api) -> None:
    oid = _replied(centre)
    centre.command(oid, "record_callback", "agent", outcome="unsatisfied", resolved=False)
    assert centre.command(oid, "reopen", "agent", instruction="", expect=422)["code"] == "invalid_input"
    detail = centre.command(oid, "reopen", "agent", instruction="请到现场重新核实路面")
    assert detail["state"] == "in_progress" and detail["callback_attempts"] == 0
    # The new round starts clean: the next reply is called back afresh.
    centre.command(oid, "submit_reply", "zj_handler2", text="已重新铺设。", result_code="resolved")
    centre.command(oid, "approve", "zj_chief")
    centre.command(oid, "approve", "zj_head")
    centre.command(oid, "close", "agent", expect=409)
    centre.command(oid, "record_callback", "agent", outcome="satisfied", resolved=True)
    assert centre.command(oid, "close", "agent")["state"] == "closed"


def test_the_supervisor_is_the_centre_in_everything_else(centre: Api) -> None:
    order = centre.post(
        "/orders",
        "duty",
        json={
            "channel": "wechat",
            "citizen": {"name": "李华", "phone": "13800001111"},
            "kind": "complaint",
            "category_code": "0101",
            "title": "鸽棚占道",
            "description": "小区内有人搭建鸽棚。",
        },
    )
    assert order.status_code == 201, order.text
    oid = order.json()["id"]
    detail = centre.command(oid, "dispatch", "duty", lead_department_id=centre.department_id("ZJJ"))
    assert detail["state"] == "dispatched"
    assert centre.get("/measures/today", "duty").status_code == 200
