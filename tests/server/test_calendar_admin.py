"""Calendar administration: loading a year, adding local days, and recomputing provisional deadlines."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from server.models import AuditRecord
from tests.fixtures.city import Api, Clock

# 2027 is beyond the installed chinesecalendar: until an admin loads it, deadlines that reach
# it are counted on weekends alone and marked provisional.
YEAR_2027 = """\ufeff# 国务院办公厅关于2027年部分节假日安排的通知
date,kind,note
2027-01-01,holiday,元旦
2027-01-09,workday,元旦调休上班
2027-02-05,休,春节
2027-02-06,休,春节
2027-02-07,休,春节
2027-02-08,休,春节
2027-02-09,休,春节
2027-02-10,休,春节
2027-02-11,休,春节
2027-02-13,班,春节调休上班
2027-02-14,班,春节调休上班
2027-04-05,holiday,清明节
2027-05-01,holiday,劳动节
2027-05-03,holiday,劳动节
2027-05-04,holiday,劳动节
2027-05-05,holiday,劳动节
2027-05-08,workday,劳动节调休上班
2027-06-09,holiday,端午节
2027-09-15,holiday,中秋节
2027-10-01,holiday,"国庆节, 第一天"
2027-10-02,holiday,国庆节
2027-10-03,holiday,国庆节
2027-10-04,holiday,国庆节
2027-10-05,holiday,国庆节
2027-10-06,holiday,国庆节
2027-10-07,holiday,国庆节
2027-10-09,workday,国庆节调休上班
"""

CSV = {"Content-Type": "text/csv; charset=utf-8"}


def _at(y: int, m: int, d: int, hh: int = 17, mm: int = 30) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _audit_count(app) -> int:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return session.scalar(select(func.count()).select_from(AuditRecord)) or 0


def _load_year(api: Api, year: int, text: str, as_: str = "admin") -> Any:
    return api.client.post(f"/calendar/years/{year}", content=text.encode(), headers={**api.login(as_), **CSV})


def _assert_refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code
    assert body["message_zh"].strip() and body["message_en"].strip()
    return body


@pytest.fixture
def year_end(api: Api, clock: Clock) -> dict[str, Any]:
    """A complex order dispatched on 2026-12-30 with seven working days to reply, signed."""
    clock.now = _at(2026, 12, 30, 10, 0)
    order = api.intake(complexity="complex", title="年底供暖不热")
    api.command(order["id"], "dispatch", "agent", lead_department_id=api.department_id("ZJJ"), reply_days=7)
    return api.command(order["id"], "sign", "zj_chief")


def test_a_deadline_in_an_unpublished_year_is_provisional(api: Api, clock: Clock, year_end: dict[str, Any]) -> None:
    deadlines = year_end["deadlines"]
    assert deadlines["provisional"] is True
    # Weekends only for 2027: Dec 31, Jan 1 (a Friday), then Jan 4..8.
    assert _dt(deadlines["reply_by"]) == _at(2027, 1, 8)
    assert _dt(deadlines["sign_by"]) == _at(2026, 12, 31)
    assert deadlines["calendar_version"]
    # An order whose deadlines stay in 2026 is not provisional.
    clock.now = _at(2026, 12, 21, 10, 0)
    early = api.dispatched("CGJ")
    assert early["deadlines"]["provisional"] is False


def test_loading_a_year_recomputes_provisional_deadlines(
    api: Api,
    app,  # type: ignore[no-untyped-def]
    clock: Clock,
    year_end: dict[str, Any],
) -> None:
    oid = year_end["id"]
    before = year_end["deadlines"]
    # A simple order dispatched the same day: two working days, Dec 31 and (provisionally) Jan 1.
    short = api.dispatched("CGJ", title="跨年的简易件")
    assert short["deadlines"]["provisional"] is True
    assert _dt(short["deadlines"]["reply_by"]) == _at(2027, 1, 1)
    # An order dispatched a week earlier never reached 2027.
    clock.now = _at(2026, 12, 21, 10, 0)
    settled = api.dispatched("SWJ", title="不跨年的工单")
    clock.now = _at(2026, 12, 30, 11, 0)
    assert settled["deadlines"]["provisional"] is False
    settled_events = api.get(f"/orders/{settled['id']}/events", "agent").json()
    calendar_before = api.get("/calendar", "agent").json()
    assert 2027 not in calendar_before["loaded_years"]

    response = _load_year(api, 2027, YEAR_2027)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["version"] != calendar_before["version"]
    assert result["recomputed_orders"] == 2

    after = api.order(oid)["deadlines"]
    assert after["provisional"] is False
    assert after["calendar_version"] == result["version"] != before["calendar_version"]
    # Jan 1 is a holiday and Saturday Jan 9 a make-up working day: Dec 31, Jan 4..9.
    assert _dt(after["reply_by"]) == _at(2027, 1, 9)
    assert _dt(after["sign_by"]) == _at(2026, 12, 31)
    short_after = api.order(short["id"])["deadlines"]
    assert _dt(short_after["reply_by"]) == _at(2027, 1, 4)
    assert short_after["provisional"] is False

    events = api.get(f"/orders/{oid}/events", "agent").json()
    recomputed = [e for e in events if e["action"] == "deadline_recomputed"]
    assert len(recomputed) == 1
    event = recomputed[0]
    assert event["actor_id"] == api.user_id("admin")
    assert event["before"]["deadline_provisional"] is True
    assert event["after"]["deadline_provisional"] is False
    assert _dt(event["before"]["reply_due"]) == _at(2027, 1, 8)
    assert _dt(event["after"]["reply_due"]) == _at(2027, 1, 9)
    assert event["before"]["calendar_version"] == before["calendar_version"]
    assert event["after"]["calendar_version"] == result["version"]
    # The order that was never provisional was not touched.
    assert api.get(f"/orders/{settled['id']}/events", "agent").json() == settled_events
    assert api.order(settled["id"])["deadlines"] == settled["deadlines"]

    calendar_after = api.get("/calendar", "agent").json()
    assert calendar_after["loaded_years"] == [2027]
    assert calendar_after["version"] == result["version"]
    days = {d["day"]: (d["kind"], d["note"]) for d in calendar_after["local_days"]}
    assert days["2027-01-01"] == ("holiday", "元旦")
    assert days["2027-02-14"] == ("workday", "春节调休上班")
    assert days["2027-10-01"] == ("holiday", "国庆节, 第一天")
    assert len(days) == 27

    # Loading the same year again changes nothing and recomputes nothing.
    audit = _audit_count(app)
    again = _load_year(api, 2027, YEAR_2027).json()
    assert again == {"version": result["version"], "recomputed_orders": 0}
    assert _audit_count(app) == audit + 1  # the load itself is audited, nothing else


def test_recomputed_deadlines_reach_the_listing(api: Api, year_end: dict[str, Any]) -> None:
    assert _dt(year_end["due_at"]) == _at(2027, 1, 8)
    assert _load_year(api, 2027, YEAR_2027).status_code == 200
    assert _dt(api.order(year_end["id"])["due_at"]) == _at(2027, 1, 9)
    listed = api.get("/orders", "agent", params={"due_after": _at(2027, 1, 9, 0, 0).isoformat()}).json()
    assert [o["id"] for o in listed["items"]] == [year_end["id"]]


def test_adding_a_local_holiday_moves_a_provisional_deadline(api: Api, year_end: dict[str, Any]) -> None:
    oid = year_end["id"]
    before = year_end["deadlines"]
    response = api.post("/calendar/days", "admin", json=[{"day": "2027-01-04", "kind": "holiday", "note": "寒潮停工"}])
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["recomputed_orders"] == 1
    after = api.order(oid)["deadlines"]
    # Dec 31, Jan 1 (still counted on weekends: 2027 is unpublished), Jan 5..8, Jan 11.
    assert _dt(after["reply_by"]) == _at(2027, 1, 11)
    assert after["provisional"] is True
    assert after["calendar_version"] == result["version"] != before["calendar_version"]
    events = api.get(f"/orders/{oid}/events", "agent").json()
    assert events[-1]["action"] == "deadline_recomputed"
    assert _dt(events[-1]["before"]["reply_due"]) == _at(2027, 1, 8)
    assert _dt(events[-1]["after"]["reply_due"]) == _at(2027, 1, 11)
    # A local working day on a weekend pulls it back in.
    api.post("/calendar/days", "admin", json=[{"day": "2027-01-09", "kind": "workday", "note": "调休"}])
    assert _dt(api.order(oid)["deadlines"]["reply_by"]) == _at(2027, 1, 9)


def test_a_local_day_replaces_an_earlier_one(api: Api, year_end: dict[str, Any]) -> None:
    api.post("/calendar/days", "admin", json=[{"day": "2027-01-04", "kind": "holiday"}])
    api.post("/calendar/days", "admin", json=[{"day": "2027-01-04", "kind": "workday", "note": "改为上班"}])
    days = api.get("/calendar", "agent").json()["local_days"]
    assert days == [{"day": "2027-01-04", "kind": "workday", "note": "改为上班"}]
    assert _dt(api.order(year_end["id"])["deadlines"]["reply_by"]) == _at(2027, 1, 8)


def test_a_bad_csv_line_is_422_naming_the_line(api: Api, app, year_end: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    calendar_before = api.get("/calendar", "agent").json()
    order_before = api.order(year_end["id"])
    audit = _audit_count(app)
    bad_files = {
        "date,kind,note\n2027-01-01,holiday,元旦\n2027-13-01,holiday,不存在的月份\n": 3,
        "2027-01-01,holiday\n\n# 注释\n2027/01/09,workday\n": 4,
        "2027-01-01,holiday\n2027-01-09,加班\n": 2,
        "2027-01-01\n": 1,
        "2027-01-01,holiday,元旦,多余的列\n": 1,
        "2027-01-01,holiday\n2027-01-01,workday\n": 2,  # one date, two kinds
        "2027-01-01,holiday,元旦\n2027-01-02,holiday,补\x00休\n": 2,  # PostgreSQL stores no NUL (was a 500)
    }
    for text, line in bad_files.items():
        body = _assert_refused(_load_year(api, 2027, text), 422, "bad_calendar_file")
        assert body["detail"] == {"line": line}, text
    _assert_refused(_load_year(api, 2027, "2027-01-01,holiday\n2028-01-01,holiday\n"), 422, "wrong_year")
    # Nothing was stored: calendar, order and audit log are as before.
    assert api.get("/calendar", "agent").json() == calendar_before
    assert api.order(year_end["id"]) == order_before
    assert _audit_count(app) == audit


def test_bad_local_days_are_422(api: Api) -> None:
    for days in ([], [{"day": "2027-02-30", "kind": "holiday"}], [{"day": "2027-01-04", "kind": "typhoon"}]):
        _assert_refused(api.post("/calendar/days", "admin", json=days), 422, "invalid_input")
    assert api.get("/calendar", "agent").json()["local_days"] == []


@pytest.mark.parametrize("user", ["agent", "zj_head", "mayor", "cg_handler"])
def test_only_an_admin_changes_the_calendar(api: Api, app, year_end: dict[str, Any], user: str) -> None:  # type: ignore[no-untyped-def]
    calendar_before = api.get("/calendar", user).json()
    audit = _audit_count(app)
    _assert_refused(_load_year(api, 2027, YEAR_2027, as_=user), 403, "forbidden")
    response = api.post("/calendar/days", user, json=[{"day": "2027-01-04", "kind": "holiday"}])
    _assert_refused(response, 403, "forbidden")
    assert api.get("/calendar", user).json() == calendar_before
    assert api.order(year_end["id"])["deadlines"] == year_end["deadlines"]
    assert _audit_count(app) == audit
    # Without a token at all: 401.
    response = api.client.post("/calendar/years/2027", content=YEAR_2027.encode(), headers=CSV)
    _assert_refused(response, 401, "unauthorized")


def test_recomputing_keeps_every_approved_extension(api: Api, year_end: dict[str, Any]) -> None:
    oid = year_end["id"]
    api.command(oid, "request_extension", "zj_chief", days=3, reason="需协调燃气管线迁改")
    api.command(oid, "rule_extension", "agent", approve=True)
    api.command(oid, "request_extension", "zj_chief", days=2, reason="材料尚未到货")
    detail = api.command(oid, "rule_extension", "agent", approve=True)
    # Provisional (weekends only): Jan 8 + 3 + 2 working days = Jan 15.
    assert _dt(detail["deadlines"]["reply_by_extended"]) == _at(2027, 1, 15)
    assert _load_year(api, 2027, YEAR_2027).status_code == 200
    # Published: Jan 9 + 5 working days (Jan 11..15) = Jan 15, not Jan 9 + 2 = Jan 12.
    assert _dt(api.order(oid)["deadlines"]["reply_by_extended"]) == _at(2027, 1, 15)


def test_an_extension_into_an_unpublished_year_is_provisional(api: Api, clock: Clock) -> None:
    clock.now = _at(2026, 12, 21, 10, 0)
    order = api.dispatched("ZJJ")  # simple: reply by Wednesday Dec 23, all in 2026
    assert order["deadlines"]["provisional"] is False
    api.command(order["id"], "sign", "zj_chief")
    api.command(order["id"], "request_extension", "zj_chief", days=7, reason="年底施工队放假")
    detail = api.command(order["id"], "rule_extension", "agent", approve=True)
    # Dec 24, 25, 28, 29, 30, 31 and Jan 1 2027 counted as a plain Friday.
    assert _dt(detail["deadlines"]["reply_by_extended"]) == _at(2027, 1, 1)
    assert detail["deadlines"]["provisional"] is True
    assert _load_year(api, 2027, YEAR_2027).status_code == 200
    assert _dt(api.order(order["id"])["deadlines"]["reply_by_extended"]) == _at(2027, 1, 4)


def test_a_reopened_deadline_in_an_unpublished_year_is_provisional(api: Api, clock: Clock) -> None:
    clock.now = _at(2026, 12, 21, 10, 0)
    order = api.dispatched("ZJJ")
    oid = order["id"]
    api.command(oid, "sign", "zj_handler2")
    api.command(oid, "submit_reply", "zj_handler2", text="已修复。", result_code="resolved")
    api.command(oid, "approve", "zj_chief")
    api.command(oid, "approve", "zj_head")
    clock.now = _at(2026, 12, 30, 10, 0)
    api.command(oid, "record_callback", "agent", outcome="unsatisfied")
    detail = api.command(oid, "reopen", "agent", instruction="请重新处理")
    # Two working days from Dec 30: Dec 31 and Jan 1 2027 (a plain Friday until 2027 is loaded).
    assert _dt(detail["deadlines"]["reply_by"]) == _at(2027, 1, 1)
    assert detail["deadlines"]["provisional"] is True
    assert _load_year(api, 2027, YEAR_2027).status_code == 200
    assert _dt(api.order(oid)["deadlines"]["reply_by"]) == _at(2027, 1, 4)


def test_a_calendar_without_working_days_is_refused(api: Api, app, year_end: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    calendar_before = api.get("/calendar", "agent").json()
    audit = _audit_count(app)
    days = [{"day": (date(2027, 1, 1) + timedelta(days=i)).isoformat(), "kind": "holiday"} for i in range(400)]
    response = api.post("/calendar/days", "admin", json=days)
    assert response.status_code == 422, response.text
    assert response.json()["message_zh"] and response.json()["message_en"]
    assert api.get("/calendar", "agent").json() == calendar_before
    assert _audit_count(app) == audit
