"""The audit log: one record per command, a hash chain that detects tampering, and replay."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from server.audit.service import verify
from server.models import AuditRecord
from server.settings import Settings
from tests.fixtures.city import Api, Clock

ROOT = Path(__file__).resolve().parents[2]


def _count(app) -> int:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return session.scalar(select(func.count()).select_from(AuditRecord)) or 0


def _last(app) -> AuditRecord:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        row = session.scalars(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1)).one()
        session.expunge(row)
        return row


def _verify(app) -> tuple[int, list[tuple[int, str]]]:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        checked, problems = verify(session)
    return checked, [(p.seq, p.problem) for p in problems]


def _execute(app, sql: str, **params: Any) -> None:  # type: ignore[no-untyped-def]
    with app.state.engine.begin() as connection:
        connection.execute(text(sql), params)


# A whole life of one order: (command, user, body). Every step is a distinct command.
def _steps(api: Api, clock: Clock) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("dispatch", "agent", {"lead_department_id": api.department_id("CGJ")}),
        ("request_return", "cg_chief", {"reason_code": "not_our_duty", "reason": "道路维修属住建局职责"}),
        ("rule_return", "agent", {"accept": True, "new_lead_department_id": api.department_id("ZJJ")}),
        ("sign", "zj_chief", {}),
        ("assign_handler", "zj_chief", {"handler_id": api.user_id("zj_handler")}),
        ("record_onsite_check", "zj_handler", {"checked_at": clock.now.isoformat(), "notes": "已设置围挡"}),
        ("add_note", "zj_handler", {"text": "已联系施工队"}),
        ("save_draft", "zj_handler", {"text": "经核实，", "result_code": "resolved"}),
        ("request_extension", "zj_handler", {"days": 2, "reason": "需协调燃气管线迁改"}),
        ("rule_extension", "agent", {"approve": True, "comment": "同意"}),
        ("supervise", "agent", {"note": "列入督办"}),
        ("remind", "agent", {}),
        ("submit_reply", "zj_handler", {"text": "已安排维修（第1稿）。", "result_code": "resolved"}),
        ("return_for_rework", "zj_chief", {"comment": "请补充整改时限"}),
        ("submit_reply", "zj_handler", {"text": "已安排维修，12月5日前完成。", "result_code": "resolved"}),
        ("approve", "zj_chief", {"comment": "同意"}),
        ("approve", "zj_head", {}),
        ("record_callback", "agent", {"outcome": "unsatisfied", "notes": "市民称仍有积水"}),
        ("reopen", "agent", {"instruction": "请彻底解决积水问题"}),
        ("submit_reply", "zj_handler", {"text": "已重新铺设排水管。", "result_code": "resolved"}),
        ("approve", "zj_chief", {}),
        ("approve", "zj_head", {}),
        ("record_callback", "agent", {"outcome": "satisfied"}),
        ("close", "agent", {}),
    ]


def _lifecycle(api: Api, app, clock: Clock) -> int:  # type: ignore[no-untyped-def]
    """Run a whole lifecycle, asserting one audit record per command; return the order id."""
    before = _count(app)
    order = api.intake()
    oid = order["id"]
    assert _count(app) == before + 1
    assert (_last(app).action, _last(app).order_id) == ("intake", oid)
    for command, user, body in _steps(api, clock):
        clock.advance(minutes=5)
        before = _count(app)
        detail = api.command(oid, command, user, **body)
        assert _count(app) == before + 1, command
        last = _last(app)
        assert last.action == command
        assert last.order_id == oid
        assert last.actor_id == api.user_id(user)
        assert last.at == clock.now
        assert "version" not in last.after["input"]
        if "state" in last.after:
            assert last.after["state"] == detail["state"], command
            assert last.before["state"] != detail["state"], command
    assert detail["state"] == "closed"
    return oid


def test_every_command_adds_exactly_one_audit_record(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    oid = _lifecycle(api, app, clock)
    # Reading adds nothing; revealing a contact is audited; a refused command adds nothing.
    before = _count(app)
    api.order(oid)
    api.get(f"/orders/{oid}/events", "agent")
    api.get("/orders", "agent")
    assert _count(app) == before
    assert api.post(f"/orders/{oid}/reveal-contact", "agent").status_code == 200
    assert _count(app) == before + 1
    assert (_last(app).action, _last(app).actor_id) == ("reveal_contact", api.user_id("agent"))
    refused = api.command(oid, "close", "agent", expect=409)
    assert refused["code"] == "wrong_state"
    assert _count(app) == before + 1


def test_the_audit_record_says_what_changed(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    order = api.intake()
    api.command(order["id"], "dispatch", "agent", lead_department_id=api.department_id("ZJJ"))
    dispatch = _last(app)
    assert dispatch.before["state"] == "received"
    assert dispatch.after["state"] == "dispatched"
    assert dispatch.before["lead_department_id"] is None
    assert dispatch.after["lead_department_id"] == api.department_id("ZJJ")
    assert dispatch.after["input"]["lead_department_id"] == api.department_id("ZJJ")
    assert "version" not in dispatch.after["input"]
    api.command(order["id"], "remind", "agent")
    remind = _last(app)
    assert remind.before == {"reminders": 0}
    assert remind.after == {"reminders": 1, "input": {"note": ""}}


def test_verify_finds_no_problem_in_an_untouched_chain(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    _lifecycle(api, app, clock)
    _lifecycle(api, app, clock)
    checked, problems = _verify(app)
    assert problems == []
    assert checked == _count(app)


def _middle_of_order(app, oid: int) -> int:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        seqs = session.scalars(
            select(AuditRecord.seq).where(AuditRecord.order_id == oid).order_by(AuditRecord.seq)
        ).all()
    return seqs[len(seqs) // 2]


def test_verify_detects_a_changed_record(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    oid = _lifecycle(api, app, clock)
    middle = _middle_of_order(app, oid)
    last = _last(app).seq
    assert 1 < middle < last
    _execute(
        app,
        'UPDATE audit_log SET "after" = CAST(:after AS JSON) WHERE seq = :seq',
        after='{"state": "closed"}',
        seq=middle,
    )
    checked, problems = _verify(app)
    assert checked == last
    assert problems == [(middle, "content does not match its hash (changed)")]


def test_verify_detects_a_changed_actor(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    oid = _lifecycle(api, app, clock)
    middle = _middle_of_order(app, oid)
    _execute(app, "UPDATE audit_log SET actor_id = :actor WHERE seq = :seq", actor=api.user_id("mayor"), seq=middle)
    assert [seq for seq, _ in _verify(app)[1]] == [middle]


def test_verify_detects_a_deleted_middle_record(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    oid = _lifecycle(api, app, clock)
    middle = _middle_of_order(app, oid)
    last = _last(app).seq
    _execute(app, "DELETE FROM audit_log WHERE seq = :seq", seq=middle)
    checked, problems = _verify(app)
    assert checked == last - 1
    assert problems[0] == (middle, f"records {middle}..{middle} are missing")
    assert (middle + 1, "does not link to the previous record") in problems
    assert all(seq in (middle, middle + 1) for seq, _ in problems)


def test_verify_detects_a_deleted_last_record(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    _lifecycle(api, app, clock)
    last = _last(app).seq
    _execute(app, "DELETE FROM audit_log WHERE seq = :seq", seq=last)
    checked, problems = _verify(app)
    assert checked == last - 1
    assert len(problems) == 1
    seq, problem = problems[0]
    assert seq == last
    assert "tail deleted" in problem


def _verify_cli(settings: Settings, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CASEDESK_DATABASE_URL": settings.effective_database_url,
        "CASEDESK_DATA_DIR": str(tmp_path / "cli-data"),
    }
    return subprocess.run(
        [sys.executable, "-m", "server", "verify-audit"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_verify_audit_command_line(api: Api, app, clock: Clock, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    oid = _lifecycle(api, app, clock)
    total = _count(app)
    middle = _middle_of_order(app, oid)
    app.state.engine.dispose()

    clean = _verify_cli(settings, tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert f"{total} audit records checked, 0 problems" in clean.stdout
    assert "record " not in clean.stderr

    _execute(
        app,
        'UPDATE audit_log SET "after" = CAST(:after AS JSON) WHERE seq = :seq',
        after='{"state": "closed"}',
        seq=middle,
    )
    app.state.engine.dispose()
    tampered = _verify_cli(settings, tmp_path)
    assert tampered.returncode == 1
    assert f"record {middle}: content does not match its hash (changed)" in tampered.stderr
    assert f"{total} audit records checked, 1 problems" in tampered.stdout


def test_events_replay_to_the_order_state(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    oid = _lifecycle(api, app, clock)
    other = api.dispatched("SWJ")  # another order's events must not leak into this timeline
    detail = api.order(oid)
    events = api.get(f"/orders/{oid}/events", "agent").json()
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert {e["order_id"] for e in events} == {oid}
    assert [e["action"] for e in events] == ["intake"] + [step[0] for step in _steps(api, clock)]

    def replay(upto: int) -> dict[str, Any]:
        state: dict[str, Any] = {}
        for event in events[:upto]:
            state.update(event["after"])
        return state

    final = replay(len(events))
    for key in ("state", "handler_id", "lead_department_id", "reopen_count", "supervised", "reminders"):
        assert final[key] == detail[key], key
    assert final["lead_department_id"] == api.department_id("ZJJ")
    assert final["handler_id"] == api.user_id("zj_handler")
    # Every prefix replays too: after the accepted return the order was ZJJ's and dispatched.
    assert replay(4)["state"] == "dispatched"
    assert replay(4)["lead_department_id"] == api.department_id("ZJJ")
    assert replay(3)["state"] == "return_requested"
    assert replay(3)["lead_department_id"] == api.department_id("CGJ")
    # The other order's timeline replays to its own state.
    other_events = api.get(f"/orders/{other['id']}/events", "agent").json()
    assert [e["action"] for e in other_events] == ["intake", "dispatch"]
    assert other_events[-1]["after"]["lead_department_id"] == api.department_id("SWJ")
