"""A write answers its order's full view exactly as a fresh read of the order builds it.

The answer of a command (and of a push) is built with every child table read in one statement
(``server.orders.children``); here it is compared, command after command, with the view built
afresh in another session, a query per table (``views.shared_fields`` without rows given) — on
SQLite and on PostgreSQL — and with ``GET /orders/{id}``."""

from __future__ import annotations

import uuid
from datetime import UTC
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event, select

from casework.schemas import OrderDetail
from server.auth.service import actor_of
from server.models import Attachment, Blob, Order, User
from server.orders import children, views
from tests.fixtures.city import Api, Clock


def _fresh(app: FastAPI, order_id: int, username: str) -> dict[str, Any]:
    """The order's view for ``username`` built in a session of its own, table by table."""
    with app.state.session_factory() as session:
        order = session.get(Order, order_id)
        user = session.scalar(select(User).where(User.username == username))
        assert order is not None and user is not None
        co = views.co_parts(session, [order_id])
        shared = views.shared_fields(session, [order], co)
        mine = views.caller_fields([order], actor_of(user), app.state.clock(), co)
        return OrderDetail.model_validate({**shared[0], **mine[0]}).model_dump(mode="json")


def _attach(app: FastAPI, order_id: int, tag: str) -> None:
    """A photo attached to the order (the upload itself is not what is tested here)."""
    sha = uuid.uuid4().hex * 2
    with app.state.session_factory() as session:
        session.add(Blob(sha256=sha, size=1234, media_type="image/jpeg"))
        session.flush()
        session.add(Attachment(order_id=order_id, sha256=sha, tag=tag))
        session.commit()


def test_each_command_answers_the_view_a_fresh_read_builds(api: Api, app: FastAPI, clock: Clock) -> None:
    zjj, cgj = api.department_id("ZJJ"), api.department_id("CGJ")
    order = api.intake(citizen={"name": "王芳", "phone": "13912345678", "confidential": True})["id"]
    other = api.dispatched("CGJ")["id"]  # another order's rows must not leak into this one's view
    api.command(other, "add_note", "agent", text="别的工单")
    _attach(app, other, "other")
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("dispatch", "agent", {"lead_department_id": zjj, "co_department_ids": [cgj]}),
        ("sign", "zj_chief", {}),
        ("assign_handler", "zj_chief", {"handler_id": api.user_id("zj_handler")}),
        ("add_note", "zj_handler", {"text": "已联系施工队"}),
        (
            "record_onsite_check",
            "zj_handler",
            {"checked_at": clock.now.isoformat(), "notes": "已设置围挡", "lat": 32.78},
        ),
        ("add_note", "agent", {"text": "市民来电催问"}),
        ("save_draft", "zj_handler", {"text": "经核实，", "result_code": "resolved"}),
        ("co_sign", "cg_chief", {}),
        ("submit_co_opinion", "cg_chief", {"opinion": "已配合清理占道"}),
        ("supervise", "leader_zj", {"note": "请加快办理"}),
        ("remind", "agent", {}),
        ("submit_reply", "zj_handler", {"text": "已安排维修（第1稿）。", "result_code": "resolved"}),
        ("return_for_rework", "zj_chief", {"comment": "请补充整改时限"}),
        ("submit_reply", "zj_handler", {"text": "已安排维修，12月5日前完成。", "result_code": "resolved"}),
        ("approve", "zj_chief", {"comment": "同意"}),
        ("approve", "zj_head", {}),
        ("record_callback", "agent", {"outcome": "unsatisfied", "notes": "市民称仍有积水"}),
        ("mark_audited", "leader_zj", {"comment": "办理规范"}),
    ]
    for n, (command, user, body) in enumerate(steps):
        if n == 4:
            _attach(app, order, "before")
        clock.advance(minutes=7)
        answer = api.command(order, command, user, **body)
        assert answer == _fresh(app, order, user), command
        assert answer == api.order(order, user), command
        assert answer == _fresh(app, order, user) == api.order(order, user)
    final = api.order(order, "agent")
    # Every child table is in the view, and only this order's rows.
    assert [n["text"] for n in final["notes"]] == ["已联系施工队", "市民来电催问"]
    assert len(final["onsite_checks"]) == 1 and final["onsite_checks"][0]["lat"] == 32.78
    assert [a["tag"] for a in final["attachments"]] == ["before"]
    assert len(final["replies"]) == 2 and len(final["reviews"]) == 3 and len(final["callbacks"]) == 1
    assert [s["kind"] for s in final["supervision"]] == ["supervise", "remind"]
    assert final["supervision"][0]["actor_name"] == "leader_zj"
    assert [m["comment"] for m in final["audit_marks"]] == ["办理规范"]
    assert final["co_department_ids"] == [cgj] and [p["department_id"] for p in final["co_handling"]] == [cgj]
    assert final["co_handling"][0]["opinion"] == "已配合清理占道"


def test_a_push_answers_each_order_as_a_fresh_read_builds_it(api: Api, app: FastAPI, clock: Clock) -> None:
    first = api.dispatched("ZJJ")["id"]
    second = api.dispatched("ZJJ")["id"]
    for oid in (first, second):
        api.command(oid, "sign", "zj_chief")
    _attach(app, second, "after")
    mutations = [
        {
            "id": str(uuid.uuid4()),
            "order_id": first,
            "name": "add_note",
            "args": {"client_id": str(uuid.uuid4()), "text": "第一条"},
            "base": {},
        },
        {
            "id": str(uuid.uuid4()),
            "order_id": second,
            "name": "record_onsite_check",
            "args": {
                "client_id": str(uuid.uuid4()),
                "checked_at": clock.now.astimezone(UTC).isoformat(),
                "notes": "现场",
            },
            "base": {},
        },
        {
            "id": str(uuid.uuid4()),
            "order_id": first,
            "name": "add_note",
            "args": {"client_id": str(uuid.uuid4()), "text": "第二条"},
            "base": {},
        },
    ]
    response = api.post("/sync/push", "zj_handler", json={"client_id": "test-desk-1", "mutations": mutations})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 3
    answered = {r["order"]["id"]: r["order"] for r in results if r["order"] is not None}
    assert set(answered) == {first, second}
    for oid, view in answered.items():
        assert view == _fresh(app, oid, "zj_handler") == api.order(oid, "zj_handler")
    assert [n["text"] for n in answered[first]["notes"]] == ["第一条", "第二条"]


def test_the_child_rows_read_in_one_statement_are_those_read_table_by_table(api: Api, app: FastAPI) -> None:
    """``children.read`` gives the rows the per-table queries give, field by field, for many orders."""
    orders = [api.dispatched("ZJJ", citizen={"name": f"市民{i}", "phone": "13912345678"})["id"] for i in range(3)]
    for oid in orders[:2]:
        api.command(oid, "sign", "zj_chief")
        api.command(oid, "add_note", "zj_handler", text=f"记录 {oid}")
        api.command(oid, "supervise", "agent", note="列入督办")
        _attach(app, oid, "before")
    with app.state.session_factory() as session:
        together = children.read(session, orders)
        apart = views._children_apart(session, orders)
        co = views.co_parts(session, orders)
    for kind, by_order in apart.items():
        assert {i: [r._asdict() for r in rows] for i, rows in together[kind].items()} == {
            i: [dict(r._mapping) for r in rows] for i, rows in by_order.items()
        }, kind
    assert {i: [r.department_id for r in rows] for i, rows in together["co_departments"].items()} == co.departments
    assert {i: [r._asdict() for r in rows] for i, rows in together["co_handling"].items()} == {
        i: [dict(r._mapping) for r in rows] for i, rows in co.handling.items()
    }
    assert together["notes"] and together["audit"] and together["attachments"]


def test_a_one_order_push_reads_its_order_once_and_stores_only_what_differs_from_applied(
    api: Api, app: FastAPI
) -> None:
    """A push of one order: the order (with its co-departments and co-handling parts) is read, and
    locked, by one statement — no bare lock, no loads of its collections after it; an applied
    mutation's result goes in with its claim, never written twice; a refused one's is stored as
    refused (a replay answers the refusal, not a success). Its answer is the fresh read's view."""
    cgj = api.department_id("CGJ")
    order = api.intake()["id"]
    api.command(order, "dispatch", "agent", lead_department_id=api.department_id("ZJJ"), co_department_ids=[cgj])
    api.command(order, "sign", "zj_chief")
    statements: list[str] = []

    def seen(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    def push(mutation: dict[str, Any]) -> dict[str, Any]:
        body = {"client_id": "test-desk-1", "mutations": [mutation]}
        event.listen(app.state.engine, "before_cursor_execute", seen)
        try:
            response = api.post("/sync/push", "zj_handler", json=body)
        finally:
            event.remove(app.state.engine, "before_cursor_execute", seen)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()["results"][0]
        return result

    note = {
        "id": str(uuid.uuid4()),
        "order_id": order,
        "name": "add_note",
        "args": {"client_id": str(uuid.uuid4()), "text": "已联系施工队"},
        "base": {},
    }
    applied = push(note)
    assert applied["status"] == "applied"
    assert applied["order"] == _fresh(app, order, "zj_handler") == api.order(order, "zj_handler")
    assert applied["order"]["co_department_ids"] == [cgj]
    from_orders = [s for s in statements if " FROM orders " in f"{s} "]
    assert len(from_orders) == 1, from_orders
    assert "FOR UPDATE OF orders" in from_orders[0] or "sqlite" in str(app.state.engine.url)
    assert not [s for s in statements if s.startswith("SELECT") and "FROM order_co_handling" in s and "UNION" not in s]
    assert not [s for s in statements if s.startswith("UPDATE sync_mutations")]
    statements.clear()
    assert push(note)["status"] == "duplicate"

    refused = {"id": str(uuid.uuid4()), "order_id": order, "name": "sign", "args": {}, "base": {}}  # signed already
    first = push(refused)
    assert first["status"] == "rejected"
    assert [s for s in statements if s.startswith("UPDATE sync_mutations")]
    again = push(refused)
    assert (again["status"], again["code"]) == ("rejected", first["code"])
