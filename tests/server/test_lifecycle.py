"""The whole lifecycle, intake to close, driven through the HTTP API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from server.audit.service import verify
from tests.fixtures.city import Api, Clock

TRACKED_STATE_KEYS = ("state", "lead_department_id", "handler_id", "review_level", "reopen_count")


def _approve_chain_with_a_return_at_each_level(api: Api, order_id: int, reviewers: list[str], writer: str) -> None:
    """At each level: the reviewer returns once, the writer resubmits, then everyone approves up to that level."""
    for depth, reviewer in enumerate(reviewers):
        for earlier in reviewers[:depth]:
            api.command(order_id, "approve", earlier, comment="同意")
        detail = api.command(order_id, "return_for_rework", reviewer, comment=f"第{depth + 1}级：请补充整改时限")
        assert detail["state"] == "in_progress"
        assert detail["reviews"][-1]["decision"] == "returned"
        assert detail["reviews"][-1]["comment"].startswith(f"第{depth + 1}级")
        api.command(
            order_id,
            "submit_reply",
            writer,
            text=f"经核实，已安排维修（第{depth + 2}稿），12月5日前完成。",
            result_code="resolved",
        )
    for reviewer in reviewers[:-1]:
        detail = api.command(order_id, "approve", reviewer, comment="同意")
        assert detail["state"] == "in_review"
    detail = api.command(order_id, "approve", reviewers[-1], comment="同意")
    assert detail["state"] == "replied"


def test_major_order_intake_to_close(api: Api, clock: Clock, app) -> None:  # type: ignore[no-untyped-def]
    order = api.intake(importance="major", complexity="complex", urgency="urgent")
    oid = order["id"]
    assert order["state"] == "received"
    assert order["number"].startswith("GY20261123-")

    # Dispatched to the wrong department, which asks to hand it back; the centre agrees.
    detail = api.command(oid, "dispatch", "agent", lead_department_id=api.department_id("CGJ"), reply_days=5)
    assert detail["state"] == "dispatched"
    assert detail["deadlines"]["onsite_by"] is not None  # urgent: on site within an hour
    api.command(oid, "request_return", "cg_chief", reason_code="not_our_duty", reason="道路维修属住建局职责")
    detail = api.command(oid, "rule_return", "agent", accept=True, new_lead_department_id=api.department_id("ZJJ"))
    assert detail["state"] == "dispatched"
    assert detail["lead_department_id"] == api.department_id("ZJJ")
    # CGJ no longer sees it.
    assert api.get(f"/orders/{oid}", "cg_handler").status_code == 404

    clock.advance(minutes=10)
    detail = api.command(oid, "sign", "zj_chief")
    assert detail["state"] == "in_progress"
    assert detail["deadlines"]["signed_on_time"] is True
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler"))

    clock.advance(minutes=30)
    detail = api.command(
        oid,
        "record_onsite_check",
        "zj_handler",
        checked_at=clock.now.isoformat(),
        lat=32.78,
        lon=119.44,
        notes="现场路面塌陷约2平方米，已设置围挡。",
    )
    assert detail["deadlines"]["onsite_on_time"] is True
    api.command(oid, "add_note", "zj_handler", text="已联系施工队")
    api.command(oid, "save_draft", "zj_handler", text="经核实，", result_code="resolved")

    # An extension is asked for and granted: a new due date, the original kept.
    original_due = api.order(oid)["deadlines"]["reply_by"]
    api.command(oid, "request_extension", "zj_handler", days=3, reason="需协调燃气管线迁改")
    detail = api.command(oid, "rule_extension", "agent", approve=True)
    assert detail["deadlines"]["reply_by"] == original_due
    assert datetime.fromisoformat(detail["deadlines"]["reply_by_extended"]) > datetime.fromisoformat(original_due)
    assert detail["extension"]["status"] == "approved"

    detail = api.command(
        oid, "submit_reply", "zj_handler", text="经核实，已安排维修（第1稿）。", result_code="resolved"
    )
    assert detail["state"] == "in_review"
    assert detail["review_chain"] == ["section_chief", "department_head", "leader_in_charge", "top_leader"]

    _approve_chain_with_a_return_at_each_level(api, oid, ["zj_chief", "zj_head", "leader_zj", "mayor"], "zj_handler")
    detail = api.order(oid)
    assert len(detail["replies"]) == 5  # every version kept
    assert [r["decision"] for r in detail["reviews"]].count("returned") == 4
    assert detail["deadlines"]["replied_on_time"] is True

    # Callback: the citizen is unhappy; the centre orders re-handling (重办).
    api.command(oid, "record_callback", "agent", outcome="unsatisfied", notes="市民称仍有积水")
    detail = api.command(oid, "reopen", "agent", instruction="请彻底解决积水问题")
    assert detail["state"] == "in_progress"
    assert detail["reopen_count"] == 1
    assert detail["leader_instruction"] == "请彻底解决积水问题"

    api.command(oid, "submit_reply", "zj_handler", text="已重新铺设排水管，积水已消除。", result_code="resolved")
    for reviewer in ["zj_chief", "zj_head", "leader_zj", "mayor"]:
        detail = api.command(oid, "approve", reviewer)
    assert detail["state"] == "replied"
    api.command(oid, "record_callback", "agent", outcome="satisfied")
    detail = api.command(oid, "close", "agent")
    assert detail["state"] == "closed"
    assert detail["deadlines"]["closed_on_time"] is True

    # The approved reply is the one that reached the centre.
    assert detail["replies"][-1]["text"] == "已重新铺设排水管，积水已消除。"

    # The event log replays to the order's state, and the audit chain holds.
    events = api.get(f"/orders/{oid}/events", "agent").json()
    replayed: dict[str, object] = {}
    for event in events:
        replayed.update(event["after"])
    for key in ("state", "lead_department_id", "handler_id", "reopen_count"):
        assert replayed[key] == detail[key], key
    with Session(app.state.engine) as session:
        checked, problems = verify(session)
    assert problems == []
    assert checked >= len(events)


def test_return_refused_keeps_the_clock(api: Api, clock: Clock) -> None:
    order = api.dispatched("ZJJ")
    oid = order["id"]
    sign_due = order["deadlines"]["sign_by"]
    api.command(oid, "request_return", "zj_handler", reason_code="not_our_duty", reason="非本单位职责")
    clock.advance(days=3)
    detail = api.command(oid, "rule_return", "agent", accept=False, comment="经研判属住建局职责，请继续办理")
    assert detail["state"] == "in_progress"
    assert detail["lead_department_id"] == api.department_id("ZJJ")
    assert detail["deadlines"]["sign_by"] == sign_due  # unchanged: the clock kept running
    assert detail["deadlines"]["signed_on_time"] is False
    assert detail["return_request"]["reason_code"] == "not_our_duty"


def test_order_closes_only_after_three_unanswered_callbacks(api: Api) -> None:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_handler2")  # a handler with the right to sign
    api.command(oid, "submit_reply", "zj_handler2", text="已修复。", result_code="resolved")
    api.command(oid, "approve", "zj_chief")
    assert api.command(oid, "approve", "zj_head")["state"] == "replied"
    api.command(oid, "close", "agent", expect=409)  # no callback yet
    for attempt in range(3):
        api.command(oid, "record_callback", "agent", outcome="unreachable")
        if attempt < 2:
            refused = api.command(oid, "close", "agent", expect=409)
            assert refused["code"] == "callback_required"
    assert api.command(oid, "close", "agent")["state"] == "closed"


def test_text_search_is_literal(api: Api) -> None:
    plain = api.dispatched("ZJJ", title="路灯不亮")["id"]
    percent = api.dispatched("ZJJ", title="减免100%物业费")["id"]
    found = api.get("/orders", "zj_chief", params={"q": "100%"}).json()
    assert [o["id"] for o in found["items"]] == [percent]
    assert api.get("/orders", "zj_chief", params={"q": "%"}).json()["total"] == 1
    assert plain in [o["id"] for o in api.get("/orders", "zj_chief", params={"q": "路灯"}).json()["items"]]


def test_leaders_monthly_audit_marks_without_changing_the_order(api: Api) -> None:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "submit_reply", "zj_handler", text="已修复。", result_code="resolved")
    api.command(oid, "approve", "zj_chief")
    api.command(oid, "approve", "zj_head")
    replied = api.order(oid)
    assert replied["state"] == "replied" and "mark_audited" in api.order(oid, "leader_zj")["allowed_commands"]

    api.command(oid, "mark_audited", "leader_zj", comment="办理规范，同意")
    api.command(oid, "mark_audited", "mayor")
    detail = api.order(oid, "zj_chief")  # the department sees that its order was audited, and by whom
    assert detail["state"] == "replied"
    assert [(m["leader_id"], m["comment"]) for m in detail["audit_marks"]] == [
        (api.user_id("leader_zj"), "办理规范，同意"),
        (api.user_id("mayor"), ""),
    ]
    # Not for the department, the centre or before the reply.
    api.command(oid, "mark_audited", "zj_head", expect=403)
    api.command(oid, "mark_audited", "agent", expect=403)
    other = api.dispatched("ZJJ")["id"]
    api.command(other, "mark_audited", "leader_zj", expect=409)
