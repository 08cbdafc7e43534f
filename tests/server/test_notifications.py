"""Warnings and reminders that reach people (issue 13): the warning pass, escalation (of the lead's
deadlines and of a co-handling department's own), 督办, 催办, 督办反馈 and who may read which
notification — through the HTTP API, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from casework.times import parse_time
from server.notifications.service import warn
from server.settings import Settings
from tests.fixtures.city import Api, Clock

EVERYONE = ("agent", "zj_handler", "zj_handler2", "zj_chief", "zj_head", "cg_handler", "cg_chief", "cg_head")
EVERYONE += ("sw_handler", "sw_chief", "leader_zj", "leader_cg", "mayor")


def _pass(app: FastAPI, settings: Settings, at: datetime) -> int:
    with Session(app.state.engine) as session:
        stored = warn(session, settings, at)
        session.commit()
        return stored


def _mine(api: Api, username: str, **params: Any) -> list[dict[str, Any]]:
    response = api.get("/notifications", username, params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["notifications"]
    return found


def _of(api: Api, order_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every user's notifications about the order: (kind, deadline, lead minutes, level)."""
    seen = {}
    for username in EVERYONE:
        mine = [
            (n["kind"], n["deadline"], n["lead_minutes"], n["level"])
            for n in _mine(api, username)
            if n["order_id"] == order_id
        ]
        if mine:
            seen[username] = mine
    return seen


def test_a_warning_pass_stores_each_warning_once_and_escalates(api: Api, app: FastAPI, settings: Settings) -> None:
    order = api.dispatched("ZJJ")  # a normal order, Monday 09:00: sign by Tuesday 17:30
    oid = order["id"]
    sign_by = parse_time(order["deadlines"]["sign_by"])
    assert sign_by is not None
    assert sign_by.astimezone(SHANGHAI).strftime("%a %H:%M") == "Tue 17:30"

    assert _pass(app, settings, sign_by - timedelta(hours=24, minutes=30)) == 0  # not yet 24 h before
    assert _of(api, oid) == {}

    assert _pass(app, settings, sign_by - timedelta(hours=23)) == 1  # the chief (no handler yet)
    assert _pass(app, settings, sign_by - timedelta(hours=22)) == 0  # the same warning is not stored twice
    assert _of(api, oid) == {"zj_chief": [("deadline_warning", "sign", 24 * 60, 0)]}

    assert _pass(app, settings, sign_by - timedelta(minutes=90)) == 1
    assert _pass(app, settings, sign_by - timedelta(minutes=89)) == 0

    # Overdue: the staff and, at once, the department head; a day later the city leader in charge.
    assert _pass(app, settings, sign_by + timedelta(minutes=1)) == 2
    assert _pass(app, settings, sign_by + timedelta(hours=2)) == 0
    assert _pass(app, settings, sign_by + timedelta(hours=25)) == 1
    assert _pass(app, settings, sign_by + timedelta(hours=26)) == 0
    assert _of(api, oid) == {
        "zj_chief": [
            ("deadline_warning", "sign", 24 * 60, 0),
            ("deadline_warning", "sign", 2 * 60, 0),
            ("overdue", "sign", None, 0),
        ],
        "zj_head": [("overdue", "sign", None, 1)],
        "leader_zj": [("overdue", "sign", None, 2)],  # ZJJ is in leader_zj's portfolio, not leader_cg's
    }


def test_a_deadline_already_near_gives_one_warning_and_an_urgent_order_warns_of_its_on_site_check(
    api: Api, app: FastAPI, settings: Settings, clock: Clock
) -> None:
    order = api.dispatched("ZJJ", urgency="urgent")  # sign within 30 minutes, on site within an hour
    oid = order["id"]
    api.command(oid, "sign", "zj_handler2")  # a handler with the right to sign becomes the handler
    onsite_by = parse_time(order["deadlines"]["onsite_by"])
    assert onsite_by is not None
    # Within 2 hours of the on-site deadline at once: one warning (the nearest lead time), not two.
    assert _pass(app, settings, onsite_by - timedelta(minutes=30)) == 2  # handler and chief
    assert _of(api, oid) == {
        "zj_handler2": [("deadline_warning", "onsite", 120, 0)],
        "zj_chief": [("deadline_warning", "onsite", 120, 0)],
    }
    # Once the check is recorded, the on-site deadline no longer applies.
    clock.advance(minutes=40)
    api.command(oid, "record_onsite_check", "zj_handler2", checked_at=clock.now.isoformat(), notes="已到现场")
    assert _pass(app, settings, onsite_by + timedelta(minutes=5)) == 0


def test_a_whole_day_ahead_is_a_working_day_ahead(api: Api, app: FastAPI, settings: Settings, clock: Clock) -> None:
    clock.advance(days=4)  # Friday 09:00: signing is due on Monday 17:30
    order = api.dispatched("ZJJ")
    sign_by = parse_time(order["deadlines"]["sign_by"])
    assert sign_by is not None
    assert sign_by.astimezone(SHANGHAI).strftime("%a %H:%M") == "Mon 17:30"
    friday_evening = sign_by - timedelta(days=3)
    assert _pass(app, settings, friday_evening - timedelta(minutes=10)) == 0
    assert _pass(app, settings, friday_evening + timedelta(minutes=10)) == 1  # not on Sunday, when nobody is in
    assert _pass(app, settings, sign_by - timedelta(hours=23)) == 0  # Sunday: already told
    assert _of(api, order["id"]) == {"zj_chief": [("deadline_warning", "sign", 24 * 60, 0)]}


def test_the_warning_lead_times_come_from_the_settings(api: Api, app: FastAPI, settings: Settings) -> None:
    order = api.dispatched("ZJJ")
    sign_by = parse_time(order["deadlines"]["sign_by"])
    assert sign_by is not None
    four_hours = settings.model_copy(update={"warning_lead_hours": "4"})
    assert four_hours.warning_leads == [240]
    assert _pass(app, four_hours, sign_by - timedelta(hours=5)) == 0
    assert _pass(app, four_hours, sign_by - timedelta(hours=3)) == 1
    assert _of(api, order["id"]) == {"zj_chief": [("deadline_warning", "sign", 240, 0)]}


def test_python_m_server_warn_runs_one_pass_at_the_time_given(api: Api, settings: Settings) -> None:
    sign_by = parse_time(api.dispatched("ZJJ")["deadlines"]["sign_by"])
    assert sign_by is not None
    env = {**os.environ, "CASEDESK_DATABASE_URL": settings.effective_database_url}
    env["CASEDESK_DATA_DIR"] = str(settings.data_dir)
    at = (sign_by - timedelta(hours=1)).astimezone(SHANGHAI).isoformat()

    def warn_at(moment: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "server", "warn", "--at", moment]
        root = Path(__file__).resolve().parents[2]
        return subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=120)

    first, again = warn_at(at), warn_at(at)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith(": 1 notifications stored")
    assert again.stdout.strip().endswith(": 0 notifications stored")
    naive = warn_at("2026-11-24T09:00:00")
    assert naive.returncode != 0 and "time zone" in naive.stderr
    assert [n["lead_minutes"] for n in _mine(api, "zj_chief")] == [120]


def _co_dispatched(api: Api, co: tuple[str, ...]) -> dict[str, Any]:
    """An order led by 住建局 with ``co`` co-handling, each with a part of its own (pending)."""
    order = api.intake()
    co_ids = [api.department_id(c) for c in co]
    lead = api.department_id("ZJJ")
    return api.command(order["id"], "dispatch", "agent", lead_department_id=lead, co_department_ids=co_ids)


def _part_due(detail: dict[str, Any], api: Api, code: str, field: str) -> datetime:
    part = next(p for p in detail["co_handling"] if p["department_id"] == api.department_id(code))
    due = parse_time(part[field])
    assert due is not None
    return due


def _co_only(seen: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """Only the notifications about co-handling parts' deadlines."""
    found = {u: [n for n in told if str(n[1]).startswith("co_")] for u, told in seen.items()}
    return {u: told for u, told in found.items() if told}


def test_a_co_departments_part_near_its_sign_by_warns_its_chiefs_once_beside_the_leads_warning(
    api: Api, app: FastAPI, settings: Settings
) -> None:
    detail = _co_dispatched(api, ("CGJ",))
    oid = detail["id"]
    sign_by = parse_time(detail["deadlines"]["sign_by"])
    co_sign_by = _part_due(detail, api, "CGJ", "sign_by")
    assert sign_by == co_sign_by  # both counted from dispatch by the signing rule: Tuesday 17:30
    assert _pass(app, settings, co_sign_by - timedelta(hours=24, minutes=30)) == 0
    # The lead's warning as before, and the part's own to 城管局's chief (no signer yet): keys apart.
    assert _pass(app, settings, co_sign_by - timedelta(hours=23)) == 2
    assert _pass(app, settings, co_sign_by - timedelta(hours=22)) == 0  # once
    assert _of(api, oid) == {
        "zj_chief": [("deadline_warning", "sign", 24 * 60, 0)],
        "cg_chief": [("deadline_warning", "co_sign", 24 * 60, 0)],
    }
    warning = next(n for n in _mine(api, "cg_chief") if n["order_id"] == oid)
    assert parse_time(warning["due_at"]) == co_sign_by and warning["order_number"] == detail["number"]
    # Signed for: the part's sign-by no longer applies (the lead's still does); its answer-by does,
    # which falls at the same moment here (a day before the lead's Wednesday reply deadline).
    api.command(oid, "co_sign", "cg_chief")
    assert _part_due(detail, api, "CGJ", "answer_by") == co_sign_by
    assert _pass(app, settings, co_sign_by - timedelta(minutes=90)) == 2
    assert _of(api, oid) == {
        "zj_chief": [("deadline_warning", "sign", 24 * 60, 0), ("deadline_warning", "sign", 2 * 60, 0)],
        "cg_chief": [("deadline_warning", "co_sign", 24 * 60, 0), ("deadline_warning", "co_answer", 2 * 60, 0)],
    }


def test_an_overdue_co_opinion_escalates_to_the_co_departments_head_then_its_leader(
    api: Api, app: FastAPI, settings: Settings
) -> None:
    detail = _co_dispatched(api, ("CGJ",))
    oid = detail["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "co_sign", "cg_head")  # the head signs for the part: whoever signed is told too
    answer_by = _part_due(detail, api, "CGJ", "answer_by")

    assert _pass(app, settings, answer_by - timedelta(hours=1)) >= 2
    assert _co_only(_of(api, oid)) == {
        "cg_head": [("deadline_warning", "co_answer", 2 * 60, 0)],
        "cg_chief": [("deadline_warning", "co_answer", 2 * 60, 0)],
    }
    # Overdue: the part's people and, at once, the co-department's head; a day later CGJ's leader
    # (leader_cg), not the lead department's (leader_zj).
    _pass(app, settings, answer_by + timedelta(minutes=1))
    _pass(app, settings, answer_by + timedelta(hours=2))
    assert _co_only(_of(api, oid)) == {
        "cg_head": [
            ("deadline_warning", "co_answer", 2 * 60, 0),
            ("overdue", "co_answer", None, 0),
            ("overdue", "co_answer", None, 1),
        ],
        "cg_chief": [("deadline_warning", "co_answer", 2 * 60, 0), ("overdue", "co_answer", None, 0)],
    }
    _pass(app, settings, answer_by + timedelta(hours=25))
    _pass(app, settings, answer_by + timedelta(hours=26))
    told = _co_only(_of(api, oid))
    assert told["leader_cg"] == [("overdue", "co_answer", None, 2)]
    assert set(told) == {"cg_head", "cg_chief", "leader_cg"}
    assert len(told["cg_head"]) == 3 and len(told["cg_chief"]) == 2  # nothing twice


def test_an_answered_or_waived_part_is_silent(api: Api, app: FastAPI, settings: Settings) -> None:
    detail = _co_dispatched(api, ("CGJ", "SWJ"))
    oid = detail["id"]
    co_sign_by = _part_due(detail, api, "CGJ", "sign_by")
    assert _pass(app, settings, co_sign_by - timedelta(hours=23)) == 3  # the lead's chief, and each part's
    assert _co_only(_of(api, oid)) == {
        "cg_chief": [("deadline_warning", "co_sign", 24 * 60, 0)],
        "sw_chief": [("deadline_warning", "co_sign", 24 * 60, 0)],
    }
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "co_sign", "cg_chief")
    api.command(oid, "submit_co_opinion", "cg_handler", opinion="已核实")
    api.command(oid, "waive_co_handling", "agent", department_id=api.department_id("SWJ"), reason="不涉及供水")
    answer_by = _part_due(detail, api, "CGJ", "answer_by")
    for hours in (-1, 1, 25, 50):
        _pass(app, settings, answer_by + timedelta(hours=hours))
    assert _co_only(_of(api, oid)) == {
        "cg_chief": [("deadline_warning", "co_sign", 24 * 60, 0)],
        "sw_chief": [("deadline_warning", "co_sign", 24 * 60, 0)],
    }
    assert "zj_chief" in _of(api, oid)  # the lead's own deadline is still watched


def test_supervise_and_remind_reach_the_departments_people_and_feedback_reaches_the_issuer(api: Api) -> None:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler"))

    # No 督办 yet: nothing to answer.
    refused = api.command(oid, "supervision_feedback", "zj_handler", expect=409, note="进展")
    assert refused["code"] == "not_supervised"

    api.command(oid, "supervise", "leader_zj", note="请于本周内解决并报送进展")
    api.command(oid, "remind", "agent", note="市民再次来电催促")
    told = {u: [(n["kind"], n["text"], n["actor_id"]) for n in _mine(api, u) if n["order_id"] == oid] for u in EVERYONE}
    leader, agent = api.user_id("leader_zj"), api.user_id("agent")
    expected = [("supervise", "请于本周内解决并报送进展", leader), ("remind", "市民再次来电催促", agent)]
    for username in ("zj_handler", "zj_chief", "zj_head"):
        assert told[username] == expected, username
    for username in set(EVERYONE) - {"zj_handler", "zj_chief", "zj_head"}:
        assert told[username] == [], username

    # Another department's staff may not answer; the lead department's handler does.
    api.command(oid, "supervision_feedback", "cg_handler", expect=404, note="不是我们的")
    detail = api.command(oid, "supervision_feedback", "zj_handler", note="已进场施工，预计周五完工")
    assert [(s["kind"], s["note"]) for s in detail["supervision"]] == [
        ("supervise", "请于本周内解决并报送进展"),
        ("remind", "市民再次来电催促"),
        ("supervision_feedback", "已进场施工，预计周五完工"),
    ]
    feedback = [n for n in _mine(api, "leader_zj") if n["order_id"] == oid]
    assert [(n["kind"], n["text"], n["actor_id"]) for n in feedback] == [
        ("supervision_feedback", "已进场施工，预计周五完工", api.user_id("zj_handler"))
    ]
    assert feedback[0]["order_number"] == detail["number"]
    assert not [n for n in _mine(api, "agent") if n["order_id"] == oid]  # 催办 only: not told of the feedback


def test_each_user_reads_and_marks_only_their_own_notifications(api: Api, client: Any) -> None:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "supervise", "agent", note="督办一")
    api.command(oid, "remind", "agent", note="催办一")
    chiefs = _mine(api, "zj_chief")
    heads = _mine(api, "zj_head")
    assert len(chiefs) == 2 and len(heads) == 2
    assert {n["id"] for n in chiefs}.isdisjoint(n["id"] for n in heads)

    assert client.get("/notifications").status_code == 401
    # Someone else's notification: not there, as far as the caller can tell; and not marked.
    assert api.post(f"/notifications/{heads[0]['id']}/read", "zj_chief").status_code == 404
    answer = api.post("/notifications/read", "zj_chief", json={"ids": [heads[0]["id"], chiefs[0]["id"]]})
    assert answer.status_code == 200 and answer.json()["unread"] == 1
    assert all(n["read_at"] is None for n in _mine(api, "zj_head"))
    assert [n["id"] for n in _mine(api, "zj_chief", unread="true")] == [chiefs[1]["id"]]
    assert [n["id"] for n in _mine(api, "zj_chief", unread="false")] == [chiefs[0]["id"]]
    assert [n["id"] for n in _mine(api, "zj_chief", after=chiefs[0]["id"])] == [chiefs[1]["id"]]

    assert api.post(f"/notifications/{heads[0]['id']}/read", "zj_head").json()["unread"] == 1
    assert api.post("/notifications/read-all", "zj_head").json()["unread"] == 0
    assert api.get("/notifications", "zj_head").json()["unread"] == 0
    assert api.get("/notifications", "zj_chief").json()["unread"] == 1
    assert api.post("/notifications/0/read", "zj_chief").status_code == 422
    assert api.post("/notifications/read", "zj_chief", json={"ids": ["x"]}).status_code == 422
