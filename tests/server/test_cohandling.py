"""Co-handling (协办) through the HTTP API: a co-department's own part — it signs, checks on site and
gives its opinion; the lead's reply waits for it (or the centre's waiver); the centre and a city
leader add a department after dispatch. The authorization of the new commands is in
``test_authorization``'s matrix."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.service import verify
from server.models import OrderCoHandling
from tests.fixtures.city import Api, Clock


def _co_order(api: Api, co: tuple[str, ...] = ("CGJ",)) -> dict:  # type: ignore[type-arg]
    order = api.intake()
    return api.command(
        order["id"],
        "dispatch",
        "agent",
        lead_department_id=api.department_id("ZJJ"),
        co_department_ids=[api.department_id(c) for c in co],
    )


def _part(detail: dict, code: str, api: Api) -> dict:  # type: ignore[type-arg]
    return next(p for p in detail["co_handling"] if p["department_id"] == api.department_id(code))


def test_the_co_department_signs_checks_and_answers_then_the_lead_submits(api: Api, clock: Clock, app) -> None:  # type: ignore[no-untyped-def]
    detail = _co_order(api)
    oid = detail["id"]
    part = _part(detail, "CGJ", api)
    assert part["status"] == "pending"
    # Its own deadlines: sign like the order (next working day), answer one working day before the lead's reply.
    sign_by, answer_by = datetime.fromisoformat(part["sign_by"]), datetime.fromisoformat(part["answer_by"])
    reply_by = datetime.fromisoformat(detail["deadlines"]["reply_by"])
    assert sign_by <= answer_by < reply_by
    # The co-department sees its own deadline in force, and its commands.
    seen = api.order(oid, "cg_chief")
    assert datetime.fromisoformat(seen["co_due_at"]) == sign_by
    assert "co_sign" in seen["allowed_commands"] and "sign" not in seen["allowed_commands"]
    assert api.order(oid, "zj_chief")["co_due_at"] is None

    api.command(oid, "sign", "zj_chief")
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler"))
    # Before the co-department answers, the lead may not submit: the refusal names the department.
    version = api.order(oid)["version"]
    refused = api.post(
        f"/orders/{oid}/submit-reply",
        "zj_handler",
        json={"version": version, "text": "已修复。", "result_code": "resolved"},
    )
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["code"] == "co_handling_outstanding"
    assert "城市管理局" in body["message_zh"] and "城市管理局" in body["message_en"]
    assert "submit_reply" not in api.order(oid, "zj_handler")["allowed_commands"]

    # The co-department's handler may not sign for the part (no right); its chief does.
    api.command(oid, "co_sign", "cg_handler", expect=403)
    api.command(oid, "submit_co_opinion", "cg_chief", expect=409, opinion="太早")  # not signed yet
    clock.advance(hours=1)
    signed = api.command(oid, "co_sign", "cg_chief")
    assert _part(signed, "CGJ", api)["status"] == "signed"
    assert _part(signed, "CGJ", api)["signed_by"] == api.user_id("cg_chief")
    api.command(oid, "co_sign", "cg_chief", expect=409)  # once
    # Its on-site check is its own: attributed to its author (and so its department).
    checked = api.command(
        oid, "record_onsite_check", "cg_handler", checked_at=clock.now.isoformat(), notes="城管局现场核查：占道经营"
    )
    assert checked["onsite_checks"][-1]["author_id"] == api.user_id("cg_handler")
    answered = api.command(oid, "submit_co_opinion", "cg_handler", opinion="经现场核查，占道摊点已清理。")
    part = _part(answered, "CGJ", api)
    assert (part["status"], part["opinion"], part["answered_by"]) == (
        "answered",
        "经现场核查，占道摊点已清理。",
        api.user_id("cg_handler"),
    )
    # The lead sees the opinion, and may now submit.
    assert _part(api.order(oid, "zj_handler"), "CGJ", api)["opinion"] == "经现场核查，占道摊点已清理。"
    assert api.order(oid, "cg_chief")["co_due_at"] is None
    done = api.command(oid, "submit_reply", "zj_handler", text="已修复，城管局已清理占道摊点。", result_code="resolved")
    assert done["state"] == "in_review"
    # After the reply is submitted, the part is closed to changes.
    api.command(oid, "submit_co_opinion", "cg_handler", expect=409, opinion="补充")
    with Session(app.state.engine) as session:
        assert verify(session)[1] == []
    actions = [e["action"] for e in api.get(f"/orders/{oid}/events", "agent").json()]
    assert {"co_sign", "submit_co_opinion"} <= set(actions)


def test_the_centre_waives_a_part_with_a_reason(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    detail = _co_order(api, ("CGJ", "SWJ"))
    oid = detail["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "co_sign", "cg_chief")
    api.command(oid, "submit_co_opinion", "cg_chief", opinion="已核实")
    version = api.order(oid)["version"]
    refused = api.post(
        f"/orders/{oid}/submit-reply", "zj_chief", json={"version": version, "text": "答复", "result_code": "resolved"}
    )
    assert refused.json()["code"] == "co_handling_outstanding"
    assert "水务局" in refused.json()["message_zh"] and "城市管理局" not in refused.json()["message_zh"]
    # A reason is required; only the centre waives; an answered part is not waived.
    api.command(oid, "waive_co_handling", "agent", expect=422, department_id=api.department_id("SWJ"), reason="")
    api.command(oid, "waive_co_handling", "zj_chief", expect=403, department_id=api.department_id("SWJ"), reason="x")
    api.command(oid, "waive_co_handling", "agent", expect=409, department_id=api.department_id("CGJ"), reason="x")
    waived = api.command(
        oid, "waive_co_handling", "agent", department_id=api.department_id("SWJ"), reason="经核实不涉及供水设施"
    )
    part = _part(waived, "SWJ", api)
    assert (part["status"], part["waive_reason"], part["waived_by"]) == (
        "waived",
        "经核实不涉及供水设施",
        api.user_id("agent"),
    )
    api.command(oid, "submit_co_opinion", "sw_chief", expect=409, opinion="迟到的意见")
    api.command(oid, "waive_co_handling", "agent", expect=409, department_id=api.department_id("SWJ"), reason="x")
    assert api.command(oid, "submit_reply", "zj_chief", text="已办理。", result_code="resolved")["state"] == "in_review"


def test_the_centre_and_a_city_leader_add_a_department_after_dispatch(api: Api, clock: Clock, app) -> None:  # type: ignore[no-untyped-def]
    order = api.intake()
    oid = api.command(order["id"], "dispatch", "agent", lead_department_id=api.department_id("ZJJ"))["id"]
    assert api.get(f"/orders/{oid}", "cg_handler").status_code == 404
    api.command(oid, "sign", "zj_chief")
    assert "submit_reply" in api.order(oid, "zj_chief")["allowed_commands"]
    # A department may not add one; the lead itself is refused; an unknown department is invalid.
    api.command(oid, "add_co_department", "zj_chief", expect=403, department_id=api.department_id("CGJ"))
    api.command(oid, "add_co_department", "agent", expect=409, department_id=api.department_id("ZJJ"))
    api.command(oid, "add_co_department", "agent", expect=422, department_id=99_999)
    clock.advance(hours=2)
    added = api.command(oid, "add_co_department", "agent", department_id=api.department_id("CGJ"), reason="涉及占道")
    assert added["co_department_ids"] == [api.department_id("CGJ")]
    part = _part(added, "CGJ", api)
    assert (part["status"], part["added_by"], part["add_reason"]) == ("pending", api.user_id("agent"), "涉及占道")
    assert datetime.fromisoformat(part["started_at"]) == clock.now
    api.command(oid, "add_co_department", "agent", expect=409, department_id=api.department_id("CGJ"))
    # Now CGJ sees it and has its part; the lead waits for it.
    assert "co_sign" in api.order(oid, "cg_chief")["allowed_commands"]
    assert "submit_reply" not in api.order(oid, "zj_chief")["allowed_commands"]
    # 会商: the city leader over the lead adds one more (leader_zj has ZJJ and SWJ).
    added = api.command(oid, "add_co_department", "leader_zj", department_id=api.department_id("SWJ"), reason="会商")
    assert _part(added, "SWJ", api)["added_by"] == api.user_id("leader_zj")
    with Session(app.state.engine) as session:
        rows = session.scalars(select(OrderCoHandling).where(OrderCoHandling.order_id == oid)).all()
        assert sorted(r.status for r in rows) == ["pending", "pending"]


def test_a_co_department_made_the_lead_loses_its_part(api: Api) -> None:
    detail = _co_order(api)
    oid = detail["id"]
    api.command(oid, "request_return", "zj_chief", reason_code="not_our_duty", reason="属城管局职责")
    moved = api.command(oid, "rule_return", "agent", accept=True, new_lead_department_id=api.department_id("CGJ"))
    assert moved["co_department_ids"] == [] and moved["co_handling"] == []
    api.command(oid, "sign", "cg_chief")
    assert "submit_reply" in api.order(oid, "cg_chief")["allowed_commands"]


def test_sync_carries_the_parts_and_pushes_the_commands(api: Api) -> None:
    detail = _co_order(api)
    oid = detail["id"]
    pulled = api.get("/sync/pull", "cg_chief").json()
    mine = next(c["order"] for c in pulled["changes"] if c["order_id"] == oid)
    assert mine["co_handling"][0]["status"] == "pending" and "co_sign" in mine["allowed_commands"]
    mutations = [
        {"id": str(uuid.uuid4()), "order_id": oid, "name": "co_sign", "args": {}},
        {
            "id": str(uuid.uuid4()),
            "order_id": oid,
            "name": "submit_co_opinion",
            "args": {"opinion": "离线写的协办意见"},
        },
    ]
    pushed = api.post("/sync/push", "cg_chief", json={"client_id": "desk-cohandling-1", "mutations": mutations})
    assert pushed.status_code == 200, pushed.text
    assert [r["status"] for r in pushed.json()["results"]] == ["applied", "applied"]
    assert _part(api.order(oid, "zj_chief"), "CGJ", api)["opinion"] == "离线写的协办意见"
