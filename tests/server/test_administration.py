"""Administration through the API: departments, users, categories, review-chain versions and the
calendar's local days — each change refused to non-admins, refused with a clear message when it
cannot be made, and written to the audit chain (which still verifies)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.audit.service import verify
from server.models import AuditRecord
from server.review.service import take_over_environment
from server.settings import Settings
from tests.fixtures.city import PASSWORD, Api, Clock


def _audit(app: Any, action: str) -> list[AuditRecord]:
    with Session(app.state.engine) as session:
        return list(session.scalars(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)))


def _chain_is_clean(app: Any) -> None:
    with Session(app.state.engine) as session:
        checked, problems = verify(session)
    assert checked > 0 and problems == []


def _send(api: Api, method: str, path: str, as_: str = "admin", **kwargs: Any) -> Any:
    return api._send(method, path, as_, **kwargs)  # refreshes a token the test clock let expire


def _refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert body["message_zh"].strip() and body["message_en"].strip()
    return body


def test_departments_are_created_edited_and_deactivated_only_when_unused(api: Api, app: Any) -> None:
    body = {"code": "WLJ", "name": "文旅局", "name_en": "Culture and Tourism", "kind": "department"}
    _refused(_send(api, "POST", "/departments", "zj_chief", json=body), 403, "forbidden")
    created = _send(api, "POST", "/departments", json=body)
    assert created.status_code == 201, created.text
    wlj = created.json()
    assert wlj["active"] is True
    _refused(_send(api, "PATCH", f"/departments/{wlj['id']}", "agent", json={"name": "x"}), 403, "forbidden")

    edited = _send(api, "PATCH", f"/departments/{wlj['id']}", json={"name": "文化广电和旅游局"})
    assert edited.status_code == 200 and edited.json()["name"] == "文化广电和旅游局"
    record = _audit(app, "update_department")[-1]
    assert record.before == {"id": wlj["id"], "code": "WLJ", "name": "文旅局"}
    assert record.after == {"id": wlj["id"], "code": "WLJ", "name": "文化广电和旅游局"}
    assert record.actor_id == api.user_id("admin")

    # ZJJ has an open order, staff, categories and a leader in charge: refused, saying what holds it.
    api.dispatched("ZJJ")
    zjj = api.department_id("ZJJ")
    body = _refused(_send(api, "PATCH", f"/departments/{zjj}", json={"active": False}), 409, "department_in_use")
    assert "未办结工单" in body["message_zh"] and body["detail"]["open_orders"] == 1
    assert body["detail"]["active_users"] == 4 and body["detail"]["leaders"] == ["leader_zj"]

    # The new one holds nothing: deactivated; no user or category may be put into it meanwhile.
    off = _send(api, "PATCH", f"/departments/{wlj['id']}", json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    user = {
        "username": "wl_handler",
        "name": "文员",
        "role": "handler",
        "department_id": wlj["id"],
        "password": PASSWORD,
    }
    _refused(_send(api, "POST", "/users", json=user), 422, "inactive_department")
    received = api.intake()
    dispatch = {"version": received["version"], "lead_department_id": wlj["id"]}
    _refused(
        _send(api, "POST", f"/orders/{received['id']}/dispatch", "agent", json=dispatch), 422, "inactive_department"
    )
    _refused(_send(api, "PATCH", "/categories/0101", json={"department_code": "WLJ"}), 422, "inactive_department")
    assert _send(api, "PATCH", f"/departments/{wlj['id']}", json={"active": True}).json()["active"] is True
    _chain_is_clean(app)


def test_users_are_edited_deactivated_and_reactivated(api: Api, app: Any) -> None:
    zjj, cgj, swj = api.department_id("ZJJ"), api.department_id("CGJ"), api.department_id("SWJ")
    new = {"username": "zj_new", "name": "新同事", "role": "handler", "department_id": zjj, "password": PASSWORD}
    _refused(_send(api, "POST", "/users", "zj_head", json=new), 403, "forbidden")
    created = _send(api, "POST", "/users", json=new)
    assert created.status_code == 201, created.text
    uid = created.json()["id"]
    _refused(_send(api, "PATCH", f"/users/{uid}", "zj_head", json={"may_sign": True}), 403, "forbidden")

    changed = _send(
        api, "PATCH", f"/users/{uid}", json={"role": "section_chief", "department_id": cgj, "may_sign": True}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() | {"id": 0} == {
        "id": 0,
        "username": "zj_new",
        "name": "新同事",
        "role": "section_chief",
        "department_id": cgj,
        "portfolio": [],
        "may_sign": True,
        "active": True,
        "must_change_password": True,  # created by an administrator: their own password at first sign-in
    }
    record = _audit(app, "update_user")[-1]
    assert record.before == {
        "id": uid,
        "username": "zj_new",
        "role": "handler",
        "department_id": zjj,
        "may_sign": False,
    }
    assert record.after["role"] == "section_chief" and record.after["department_id"] == cgj

    # A portfolio is a leader's; a department role needs a department of kind "department".
    _refused(_send(api, "PATCH", f"/users/{uid}", json={"portfolio": [swj]}), 422, "portfolio_for_leaders")
    ldr = api.department_id("LDR")
    _refused(_send(api, "PATCH", f"/users/{uid}", json={"department_id": ldr}), 422, "department_required")
    leader = api.user_id("leader_zj")
    moved = _send(api, "PATCH", f"/users/{leader}", json={"portfolio": [swj, cgj]})
    assert moved.json()["portfolio"] == sorted([swj, cgj])
    record = _audit(app, "update_user")[-1]
    assert record.before["portfolio"] == sorted([zjj, swj]) and record.after["portfolio"] == sorted([swj, cgj])

    # Deactivated: signed out at the next request, cannot sign in; reactivated: can again.
    headers = {"Authorization": f"Bearer {_login(api, 'zj_new')}"}
    assert api.client.get("/auth/me", headers=headers).status_code == 200
    assert _send(api, "PATCH", f"/users/{uid}", json={"active": False}).json()["active"] is False
    assert api.client.get("/auth/me", headers=headers).status_code == 401
    assert api.client.post("/auth/login", json={"username": "zj_new", "password": PASSWORD}).status_code == 401
    assert _send(api, "PATCH", f"/users/{uid}", json={"active": True}).json()["active"] is True
    assert _login(api, "zj_new")

    # The admin keeps their own account.
    me = api.user_id("admin")
    _refused(_send(api, "PATCH", f"/users/{me}", json={"active": False}), 409, "own_account")
    _refused(_send(api, "PATCH", f"/users/{me}", json={"role": "handler"}), 409, "own_account")
    _refused(_send(api, "PATCH", "/users/999999", json={"name": "x"}), 404, "not_found")
    _chain_is_clean(app)


def _login(api: Api, username: str) -> str:
    response = api.client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_categories_have_english_names_a_tree_and_a_default_department(api: Api, app: Any) -> None:
    created = _send(
        api,
        "POST",
        "/categories",
        json={"code": "0103", "name": "电梯故障", "name_en": "Lift faults", "parent_code": "01"},
    )
    assert created.status_code == 201, created.text
    listed = {c["code"]: c for c in _send(api, "GET", "/categories", "zj_handler").json()}
    assert listed["0103"]["name_en"] == "Lift faults" and listed["0103"]["department_code"] is None

    patched = _send(api, "PATCH", "/categories/0101", json={"department_code": "CGJ", "name_en": "Road repair"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["department_code"] == "CGJ"
    record = _audit(app, "update_category")[-1]
    assert record.before == {"code": "0101", "department_code": "ZJJ", "name_en": ""}
    assert record.after == {"code": "0101", "department_code": "CGJ", "name_en": "Road repair"}
    # null clears the default department; a category cannot move below itself.
    assert _send(api, "PATCH", "/categories/0101", json={"department_code": None}).json()["department_code"] is None
    _refused(_send(api, "PATCH", "/categories/01", json={"parent_code": "0101"}), 422, "category_cycle")
    _refused(_send(api, "PATCH", "/categories/0101", json={"parent_code": "99"}), 422, "unknown_category")
    _refused(_send(api, "PATCH", "/categories/0101", "agent", json={"name": "x"}), 403, "forbidden")
    _refused(_send(api, "PATCH", "/categories/77", json={"name": "x"}), 404, "not_found")
    _chain_is_clean(app)


def _submitted(api: Api, lead: str = "ZJJ", importance: str = "ordinary") -> dict[str, Any]:
    order = api.dispatched(lead, importance=importance)
    api.command(order["id"], "sign", f"{lead[:2].lower()}_chief")
    return api.command(
        order["id"], "submit_reply", f"{lead[:2].lower()}_handler", text="已处理。", result_code="resolved"
    )


def test_review_chain_versions_take_effect_from_their_date(api: Api, app: Any, clock: Clock) -> None:
    # No version yet: the built-in chains.
    assert _send(api, "GET", "/review-chains").json() == []
    before = _submitted(api)
    assert before["review_chain"] == ["section_chief", "department_head"]

    version = {
        "effective_from": "2026-11-25",
        "chains": {"ZJJ": {"ordinary": ["section_chief"]}, "default": {"major": ["section_chief", "top_leader"]}},
        "note": "住建局一般件科长审核即可",
    }
    _refused(_send(api, "POST", "/review-chains", "zj_head", json=version), 403, "forbidden")
    past = version | {"effective_from": "2026-11-22"}
    _refused(_send(api, "POST", "/review-chains", json=past), 422, "effective_in_past")
    unknown = version | {"chains": {"NO_SUCH_DEPT": {"ordinary": ["section_chief"]}}}
    _refused(_send(api, "POST", "/review-chains", json=unknown), 422, "unknown_department")
    twice = version | {"chains": {"ZJJ": {"ordinary": ["section_chief", "section_chief"]}}}
    _refused(_send(api, "POST", "/review-chains", json=twice), 422, "invalid_input")
    created = _send(api, "POST", "/review-chains", json=version)
    assert created.status_code == 201, created.text
    assert created.json()["in_force"] is False  # from the day after tomorrow
    assert created.json()["created_by"] == api.user_id("admin")
    record = _audit(app, "review_chain_version")[-1]
    assert record.after["effective_from"] == "2026-11-25" and record.after["chains"] == version["chains"]

    # A review that starts before the version's date climbs the old chain, even later.
    still_old = _submitted(api)
    assert still_old["review_chain"] == ["section_chief", "department_head"]
    clock.advance(days=2)  # Wednesday 2026-11-25, Beijing
    (listed,) = _send(api, "GET", "/review-chains", "zj_handler").json()
    assert listed["in_force"] is True
    after = _submitted(api)
    assert after["review_chain"] == ["section_chief"]
    assert _submitted(api, "CGJ")["review_chain"] == ["section_chief", "department_head"]  # default ordinary kept
    assert _submitted(api, "CGJ", "major")["review_chain"] == ["section_chief", "top_leader"]
    # Orders already in review keep the chain fixed when their review started.
    assert api.order(still_old["id"])["review_chain"] == ["section_chief", "department_head"]
    api.command(still_old["id"], "approve", "zj_chief")
    assert api.order(still_old["id"])["state"] == "in_review"
    assert api.command(after["id"], "approve", "zj_chief")["state"] == "replied"

    # A newer version from a later date replaces it from then on.
    newer = {"effective_from": "2026-12-01", "chains": {"ZJJ": {"ordinary": ["section_chief", "department_head"]}}}
    assert _send(api, "POST", "/review-chains", json=newer).status_code == 201
    assert _submitted(api)["review_chain"] == ["section_chief"]
    clock.advance(days=6)
    assert _submitted(api)["review_chain"] == ["section_chief", "department_head"]
    assert [v["in_force"] for v in _send(api, "GET", "/review-chains").json()] == [False, True]
    _chain_is_clean(app)


def test_the_environment_variable_becomes_the_first_version_once(app: Any, settings: Settings, clock: Clock) -> None:
    legacy = settings.model_copy(update={"review_chains_json": '{"ZJJ": {"ordinary": ["section_chief"]}}'})
    with Session(app.state.engine) as session:
        assert take_over_environment(session, settings, clock.now) is None  # not set: nothing
        assert "loaded" in (take_over_environment(session, legacy, clock.now) or "")
        assert "ignored" in (take_over_environment(session, legacy, clock.now) or "")  # once only
        session.commit()
        (row,) = _audit_rows(session)
        assert row.after["effective_from"] == "2000-01-01"
    _chain_is_clean(app)


def _audit_rows(session: Session) -> list[AuditRecord]:
    return list(session.scalars(select(AuditRecord).where(AuditRecord.action == "review_chain_version")))


def test_local_days_are_added_and_removed_by_the_admin(api: Api, app: Any) -> None:
    day = {"day": "2026-12-24", "kind": "holiday", "note": "县庆"}
    _refused(_send(api, "POST", "/calendar/days", "zj_chief", json=[day]), 403, "forbidden")
    assert _send(api, "POST", "/calendar/days", json=[day]).status_code == 200
    local = _send(api, "GET", "/calendar", "zj_handler").json()["local_days"]
    assert {"day": "2026-12-24", "kind": "holiday", "note": "县庆"} in local
    _refused(_send(api, "DELETE", "/calendar/days/2026-12-24", "zj_chief"), 403, "forbidden")
    removed = _send(api, "DELETE", "/calendar/days/2026-12-24")
    assert removed.status_code == 200, removed.text
    assert all(d["day"] != "2026-12-24" for d in _send(api, "GET", "/calendar").json()["local_days"])
    record = _audit(app, "calendar_day_removed")[-1]
    assert record.before["kind"] == "holiday" and record.after == {"day": "2026-12-24"}
    _refused(_send(api, "DELETE", "/calendar/days/2026-12-24"), 404, "not_found")
    _chain_is_clean(app)


@pytest.mark.parametrize("day", [date(2026, 11, 23)])
def test_the_version_in_force_is_decided_once_in_casework(day: date) -> None:
    from casework.review import ChainVersion, version_in_force

    a = ChainVersion(1, date(2026, 1, 1), {})
    b = ChainVersion(2, date(2026, 12, 1), {})
    c = ChainVersion(3, date(2026, 1, 1), {})  # saved later for the same day: it wins
    assert version_in_force([a, b, c], day) is c
    assert version_in_force([a, b], date(2026, 12, 1)) is b
    assert version_in_force([b], day) is None
