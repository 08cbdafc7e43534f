"""Sync pull and push through the HTTP API."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from casework.lifecycle import Command
from casework.schemas import AddNoteBody
from server.audit.service import verify
from server.auth.service import actor_of
from server.errors import ApiError
from server.models import AuditRecord, User
from server.orders import service
from tests.fixtures.city import Api


def pull_all(api: Api, user: str, cursor: str | None = None, limit: int = 3) -> tuple[dict[int, dict], str, list]:  # type: ignore[type-arg]
    """Follow pages until has_more is false; return orders by id, the last cursor and all changes."""
    orders: dict[int, dict] = {}  # type: ignore[type-arg]
    changes: list[dict[str, Any]] = []
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        response = api.get("/sync/pull", user, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        if page["reset"]:
            orders.clear()
        for change in page["changes"]:
            changes.append(change)
            if change["kind"] == "upsert":
                orders[change["order_id"]] = change["order"]
            else:
                orders.pop(change["order_id"], None)
        cursor = page["cursor"]
        if not page["has_more"]:
            return orders, cursor, changes


def push(api: Api, user: str, mutations: list[dict[str, Any]], client_id: str = "client-test-1") -> list[dict]:  # type: ignore[type-arg]
    response = api.post("/sync/push", user, json={"client_id": client_id, "mutations": mutations})
    assert response.status_code == 200, response.text
    return response.json()["results"]


def mutation(order_id: int, name: str, base: dict[str, str] | None = None, **args: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "order_id": order_id, "name": name, "args": args, "base": base or {}}


def test_snapshot_then_delta_with_events_and_revokes(api: Api) -> None:
    zj = [api.dispatched("ZJJ")["id"] for _ in range(4)]
    cg = api.dispatched("CGJ")["id"]
    api.intake()  # received: no department sees it

    orders, cursor, _ = pull_all(api, "zj_handler")
    assert sorted(orders) == sorted(zj)
    assert all(o["state"] == "dispatched" for o in orders.values())
    _, cg_cursor, _ = pull_all(api, "cg_handler")
    _, sw_cursor, _ = pull_all(api, "sw_handler")

    # Nothing happened: an empty delta.
    _, same_cursor, changes = pull_all(api, "zj_handler", cursor)
    assert changes == [] and same_cursor == cursor

    api.command(zj[0], "sign", "zj_chief")
    api.command(zj[0], "add_note", "zj_chief", text="请尽快处理")
    api.command(cg, "request_return", "cg_chief", reason_code="not_our_duty", reason="属住建局职责")
    api.command(cg, "rule_return", "agent", accept=True, new_lead_department_id=api.department_id("ZJJ"))

    _, cursor, changes = pull_all(api, "zj_handler", cursor)
    by_order = {c["order_id"]: c for c in changes}
    assert by_order[zj[0]]["order"]["state"] == "in_progress"
    assert [e["action"] for e in by_order[zj[0]]["events"]] == ["sign", "add_note"]  # only the new ones
    assert by_order[cg]["kind"] == "upsert" and by_order[cg]["order"]["state"] == "dispatched"

    _, _, cg_changes = pull_all(api, "cg_handler", cg_cursor)
    assert [(c["kind"], c["order_id"], c["order"]) for c in cg_changes] == [("revoke", cg, None)]
    _, _, sw_changes = pull_all(api, "sw_handler", sw_cursor)
    assert sw_changes == []  # never held it: not even told it exists


def test_changed_scope_resets_and_garbage_cursor_is_refused(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    api.dispatched("ZJJ")
    cg_order = api.dispatched("CGJ")["id"]
    _, cursor, _ = pull_all(api, "zj_handler")
    with Session(app.state.engine) as session:
        session.execute(
            update(User).where(User.username == "zj_handler").values(department_id=api.department_id("CGJ"))
        )
        session.commit()
    page = api.get("/sync/pull", "zj_handler", params={"cursor": cursor}).json()
    assert page["reset"] is True
    assert [c["order_id"] for c in page["changes"]] == [cg_order]
    bad = api.get("/sync/pull", "zj_handler", params={"cursor": "bm9wZQ"})
    assert bad.status_code == 422 and bad.json()["code"] == "bad_cursor"


def test_push_applies_once_and_replays_the_stored_result(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    oid = api.dispatched("ZJJ")["id"]
    batch = [
        mutation(oid, "sign"),
        mutation(oid, "add_note", client_id=str(uuid.uuid4()), text="现场已核实"),
        mutation(oid, "save_draft", base={"text": ""}, text="经核实，已修复。", result_code="resolved"),
    ]
    results = push(api, "zj_chief", batch)
    assert [r["status"] for r in results] == ["applied"] * 3
    assert results[-1]["order"]["draft"]["text"] == "经核实，已修复。"
    with Session(app.state.engine) as session:
        audit_count = session.scalar(select(func.count()).select_from(AuditRecord))

    # The answer was lost; the client sends the same batch again.
    replay = push(api, "zj_chief", batch)
    assert [r["status"] for r in replay] == ["duplicate"] * 3
    detail = api.order(oid)
    assert len(detail["notes"]) == 1 and detail["state"] == "in_progress"
    with Session(app.state.engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditRecord)) == audit_count


def test_push_looks_each_order_up_once_and_answers_each_order_once(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    first, second = api.dispatched("ZJJ")["id"], api.dispatched("ZJJ")["id"]
    batch = [
        mutation(first, "sign"),
        mutation(first, "add_note", client_id=str(uuid.uuid4()), text="现场已核实"),
        mutation(second, "sign"),
        mutation(first, "save_draft", base={"text": ""}, text="经核实，已修复。", result_code="resolved"),
    ]
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(" ".join(statement.split()))

    event.listen(app.state.engine, "before_cursor_execute", seen)
    try:
        results = push(api, "zj_chief", batch)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", seen)
    assert [r["status"] for r in results] == ["applied"] * 4
    # The caller's scope (a department's: lead or co-department) is asked in SQL once per order, by
    # the first load; the order's later mutations are checked against the order the push holds.
    scoped = [s for s in statements if "FROM orders" in s and "order_co_departments.department_id" in s]
    assert len(scoped) == len({first, second}), scoped
    # The full views of the answer are built together: one query per child table for the push.
    assert len([s for s in statements if "FROM notes WHERE notes.order_id IN" in s]) == 1
    # The last answer about each order shows it as it is after the push; the earlier ones carry none.
    assert [r["order"] and r["order"]["id"] for r in results] == [None, None, second, first]
    assert results[3]["order"]["draft"]["text"] == "经核实，已修复。" and len(results[3]["order"]["notes"]) == 1
    assert results[2]["order"]["state"] == "in_progress"


def test_a_version_sent_by_an_older_desk_is_accepted_and_ignored(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    oid = api.dispatched("ZJJ")["id"]
    # An outbox row written before mutations lost their version: a stale one, even.
    results = push(api, "zj_chief", [mutation(oid, "sign", version=999), mutation(oid, "remind", version=0)])
    assert results[0]["status"] == "applied"
    # The version decided nothing: the second is judged by the state machine alone (a handler may not remind).
    assert (results[1]["status"], results[1]["code"]) == ("rejected", "role_not_allowed")
    assert results[1]["order"]["state"] == "in_progress"  # the order, signed, on the last answer about it
    with Session(app.state.engine) as session:
        inputs = session.scalars(select(AuditRecord.after).where(AuditRecord.action == "sign")).all()
    assert inputs and all("version" not in (after or {}).get("input", {}) for after in inputs)


def test_concurrent_drafts_conflict_and_keep_both_texts(api: Api) -> None:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    first = push(api, "zj_handler", [mutation(oid, "save_draft", base={"text": ""}, text="甲稿")], "client-a-0001")
    assert first[0]["status"] == "applied"
    second = push(api, "zj_chief", [mutation(oid, "save_draft", base={"text": ""}, text="乙稿")], "client-b-0001")
    assert second[0]["status"] == "conflict"
    assert second[0]["server_values"]["text"] == "甲稿"
    assert api.order(oid)["draft"]["text"] == "甲稿"  # nothing overwritten
    # The user merged both; based on the server's text it now applies.
    merged = push(
        api, "zj_chief", [mutation(oid, "save_draft", base={"text": "甲稿"}, text="甲稿\n乙稿")], "client-b-0001"
    )
    assert merged[0]["status"] == "applied"


def test_commands_that_no_longer_apply_are_rejected_with_a_reason(api: Api) -> None:
    oid = api.dispatched("CGJ")["id"]
    api.command(oid, "request_return", "cg_chief", reason_code="not_our_duty", reason="非本单位")
    # While the chief was offline the handler drafted; meanwhile the order went to ZJJ.
    api.command(oid, "rule_return", "agent", accept=True, new_lead_department_id=api.department_id("ZJJ"))
    results = push(api, "cg_chief", [mutation(oid, "sign")])
    assert results[0]["status"] == "rejected" and results[0]["code"] == "not_found" and results[0]["order"] is None
    other = api.dispatched("ZJJ")["id"]
    sign = mutation(other, "sign")
    results = push(api, "zj_handler", [mutation(other, "approve", comment="同意"), sign])
    assert [r["status"] for r in results] == ["rejected", "held"]
    assert results[0]["code"] == "wrong_state" and results[0]["message_zh"]
    # A held mutation was not tried and left no result: sent again, it is judged on its own.
    again = push(api, "zj_handler", [sign])
    assert again[0]["status"] == "rejected" and again[0]["code"] == "role_not_allowed"


def test_later_mutations_of_an_order_wait_behind_a_failed_one_but_others_go_on(api: Api) -> None:
    oid = api.dispatched("ZJJ")["id"]
    other = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "save_draft", "zj_chief", text="科长稿", result_code="resolved")
    draft = mutation(oid, "save_draft", base={"text": ""}, text="经办人稿", result_code="resolved")
    submit = mutation(oid, "submit_reply", base={"text": "经办人稿"}, text="经办人稿", result_code="resolved")
    sign_other = mutation(other, "sign")
    results = push(api, "zj_chief", [draft, submit, sign_other])
    assert [r["status"] for r in results] == ["conflict", "held", "applied"]
    assert api.order(oid)["state"] == "in_progress" and api.order(oid)["draft"]["text"] == "科长稿"
    # The answer was lost: the replay keeps the conflict a conflict, never a silent duplicate.
    replay = push(api, "zj_chief", [draft, submit, sign_other])
    assert [r["status"] for r in replay] == ["conflict", "held", "duplicate"]
    assert replay[0]["server_values"]["text"] == "科长稿"


def test_a_push_of_one_mutation_refused_after_it_wrote_leaves_nothing_but_its_refusal(  # type: ignore[no-untyped-def]
    api: Api, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A push of one mutation takes no savepoint: refused after it wrote (its note inserted and
    audited), the whole transaction is rolled back and the push taken again, isolating — no note,
    no audit record, the refusal stored (a resend answers it again), the order as it was."""
    order = api.dispatched("ZJJ")["id"]
    before = api.order(order)
    real_apply = service.apply
    runs: list[str] = []

    def apply(ctx, loaded, command, body):  # type: ignore[no-untyped-def]
        real_apply(ctx, loaded, command, body)
        runs.append(body.text)
        raise ApiError(409, "refused_late", "写入后被拒绝", "Refused after writing")

    monkeypatch.setattr("server.sync.push.service.apply", apply)

    def audited() -> int:
        with Session(app.state.engine) as session:
            assert verify(session)[1] == []
            return session.scalar(select(func.count()).select_from(AuditRecord)) or 0

    audit = audited()
    one = mutation(order, "add_note", client_id=str(uuid.uuid4()), text="写了又撤回")
    results = push(api, "zj_handler", [one])
    assert [(r["status"], r["code"]) for r in results] == [("rejected", "refused_late")]
    assert runs == ["写了又撤回", "写了又撤回"]  # tried, then taken again, isolating
    assert audited() == audit
    assert api.order(order) == before  # no note, nothing else changed
    monkeypatch.setattr("server.sync.push.service.apply", real_apply)
    again = push(api, "zj_handler", [one])  # the refusal was stored: a resend answers it again
    assert [(r["status"], r["code"]) for r in again] == [("rejected", "refused_late")]
    assert audited() == audit


def test_a_mutation_refused_after_it_wrote_leaves_nothing_and_the_others_stay(  # type: ignore[no-untyped-def]
    api: Api, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The push runs in one savepoint, none per mutation: a command refused after it wrote (its note
    inserted, audited) sends the push round again with a savepoint around each command — the refused
    one leaves no row and no audit record, the others are applied once, and the results stored are
    the second run's."""
    first, second = api.dispatched("ZJJ")["id"], api.dispatched("ZJJ")["id"]
    real_apply = service.apply
    runs: list[str] = []

    def apply(ctx, loaded, command, body):  # type: ignore[no-untyped-def]
        order = real_apply(ctx, loaded, command, body)
        runs.append(body.text)
        if body.text == "写了又撤回":
            raise ApiError(409, "refused_late", "写入后被拒绝", "Refused after writing")
        return order

    monkeypatch.setattr("server.sync.push.service.apply", apply)
    batch = [
        mutation(first, "add_note", client_id=str(uuid.uuid4()), text="留下一"),
        mutation(second, "add_note", client_id=str(uuid.uuid4()), text="写了又撤回"),
        mutation(second, "add_note", client_id=str(uuid.uuid4()), text="排在后面"),
        mutation(first, "add_note", client_id=str(uuid.uuid4()), text="留下二"),
    ]
    results = push(api, "zj_handler", batch)
    assert [(r["status"], r["code"]) for r in results] == [
        ("applied", None),
        ("rejected", "refused_late"),
        ("held", "held"),
        ("applied", None),
    ]
    assert runs == ["留下一", "写了又撤回", "留下一", "写了又撤回", "留下二"]  # the second run isolates
    assert [n["text"] for n in api.order(first)["notes"]] == ["留下一", "留下二"]
    assert api.order(second)["notes"] == []
    with Session(app.state.engine) as session:
        assert verify(session)[1] == []
        noted = session.scalars(select(AuditRecord.after).where(AuditRecord.action == "add_note")).all()
    assert sorted(a["input"]["text"] for a in noted) == ["留下一", "留下二"]
    # Stored once each: a replay answers the same, and the held one, never tried, is tried now.
    monkeypatch.setattr("server.sync.push.service.apply", real_apply)
    replay = push(api, "zj_handler", batch)
    assert [(r["status"], r["code"]) for r in replay] == [
        ("duplicate", None),
        ("rejected", "refused_late"),
        ("held", "held"),
        ("duplicate", None),
    ]
    assert [n["text"] for n in api.order(first)["notes"]] == ["留下一", "留下二"]
    assert push(api, "zj_handler", [batch[2]])[0]["status"] == "applied"


def test_the_same_mutation_twice_in_one_push_is_applied_once(api: Api) -> None:
    oid = api.dispatched("ZJJ")["id"]
    note = mutation(oid, "add_note", client_id=str(uuid.uuid4()), text="只记一次")
    results = push(api, "zj_handler", [note, note])
    assert [r["status"] for r in results] == ["applied", "duplicate"]
    assert [n["text"] for n in api.order(oid)["notes"]] == ["只记一次"]


def test_pull_during_concurrent_writes_converges(api: Api) -> None:
    orders = [api.dispatched("ZJJ")["id"] for _ in range(4)]
    seen, cursor, snapshot = pull_all(api, "zj_handler", limit=50)
    snapshot_seq = max(e["seq"] for c in snapshot for e in c["events"])
    api.login("zj_chief")
    done = threading.Event()

    api.login("zj_head")

    def writer(who: str, rounds: range) -> None:
        for round_ in rounds:
            for oid in orders:
                api.command(oid, "add_note", who, text=f"第{round_}轮")

    # Two writers at once: on PostgreSQL their transactions interleave.
    writers = [
        threading.Thread(target=writer, args=("zj_chief", range(0, 5, 2))),
        threading.Thread(target=writer, args=("zj_head", range(1, 5, 2))),
    ]
    for thread in writers:
        thread.start()
    threading.Thread(target=lambda: ([t.join() for t in writers], done.set())).start()
    events_seen: list[int] = []
    while True:
        finished = done.is_set()
        batch, cursor, changes = pull_all(api, "zj_handler", cursor, limit=5)
        seen.update(batch)
        events_seen += [e["seq"] for change in changes for e in change["events"]]
        if finished:
            break
    assert len(events_seen) == len(set(events_seen))  # no event twice
    for oid in orders:
        assert sorted(n["text"] for n in seen[oid]["notes"]) == [f"第{r}轮" for r in range(5)]
        server_events = {e["seq"] for e in api.get(f"/orders/{oid}/events", "zj_handler").json()}
        assert {s for s in server_events if s > snapshot_seq} <= set(events_seen)  # none skipped


def test_a_slow_transaction_cannot_be_skipped_by_a_pull(api: Api, app, settings, database_url: str) -> None:  # type: ignore[no-untyped-def]
    """Two writers; the first holds its transaction open while the second commits. A pull meanwhile
    sees the second; the first, committed last, comes after it (a higher number), never skipped."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time and blocks readers that would write; PostgreSQL is the case")
    first, second = api.dispatched("ZJJ")["id"], api.dispatched("ZJJ")["id"]
    _, cursor, _ = pull_all(api, "zj_handler", limit=50)
    slow = Session(app.state.engine)
    chief = slow.scalars(select(User).where(User.username == "zj_chief")).one()
    ctx = service.Context(session=slow, actor=actor_of(chief), settings=settings, now=api.client.app.state.clock())
    service.execute(ctx, first, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="慢事务"))
    # The slow transaction's record is not numbered yet (that happens as it commits): the second
    # writer does not wait for it.
    api.command(second, "add_note", "zj_chief", text="快事务")
    _, during, changes = pull_all(api, "zj_handler", cursor)
    assert [e["after"]["input"]["text"] for c in changes for e in c["events"]] == ["快事务"]
    fast_seq = max(e["seq"] for c in changes for e in c["events"])
    slow.commit()
    slow.close()
    _, _, changes = pull_all(api, "zj_handler", during)
    events = [e for c in changes for e in c["events"]]
    assert [e["after"]["input"]["text"] for e in events] == ["慢事务"]
    assert events[0]["seq"] == fast_seq + 1
