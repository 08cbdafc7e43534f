"""Desks: bound at sign-in, listed and ended by their user, revoked by an administrator (told
``device_revoked`` at their next request, refresh included), wipe reports in the audit chain."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.models import AuditRecord
from tests.fixtures.city import PASSWORD, Clock


def _sign_in(client: TestClient, username: str, name: str = "", key: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"username": username, "password": PASSWORD, "device_name": name}
    body["device_id"] = key or uuid.uuid4().hex
    response = client.post("/auth/login", json=body, headers={"User-Agent": f"CaseDesk/test ({len(name)})"})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _as(pair: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def _audit(app: Any, action: str) -> list[AuditRecord]:
    with app.state.session_factory() as session:
        return list(session.scalars(select(AuditRecord).where(AuditRecord.action == action)))


def test_a_user_lists_their_desks_and_ends_one(client: TestClient, app: Any) -> None:
    office = _sign_in(client, "zj_handler", "办公室 PC")
    laptop = _sign_in(client, "zj_handler", "外勤笔记本")
    _sign_in(client, "zj_chief", "科长的 PC")  # someone else's: not listed

    listed = client.get("/auth/sessions", headers=_as(office)).json()
    assert [(d["name"], d["current"]) for d in listed] == [("外勤笔记本", False), ("办公室 PC", True)]
    assert all(d["signed_in"] and d["last_ip"] for d in listed)
    assert listed[0]["user_agent"] == "CaseDesk/test (5)"

    ended = client.post(f"/auth/sessions/{listed[0]['id']}/end", headers=_as(office))
    assert ended.status_code == 204
    answer = client.get("/auth/me", headers=_as(laptop))
    assert answer.status_code == 401 and answer.json()["code"] == "invalid_token"  # signed out, not revoked
    assert [d["name"] for d in client.get("/auth/sessions", headers=_as(office)).json()] == ["办公室 PC"]
    assert _audit(app, "end_session")[0].after["name"] == "外勤笔记本"

    # Another user's desk is not theirs to end.
    chief = client.get("/auth/sessions", headers=_as(_sign_in(client, "zj_chief", "科长的笔记本"))).json()
    refused = client.post(f"/auth/sessions/{chief[0]['id']}/end", headers=_as(office))
    assert refused.status_code == 404


def test_signing_in_again_on_a_desk_replaces_its_session(client: TestClient) -> None:
    key = uuid.uuid4().hex
    first = _sign_in(client, "zj_handler", "办公室 PC", key)
    second = _sign_in(client, "zj_handler", "办公室 PC", key)
    assert client.get("/auth/me", headers=_as(first)).status_code == 401
    listed = client.get("/auth/sessions", headers=_as(second)).json()
    assert len(listed) == 1 and listed[0]["current"]


def test_a_revoked_desk_is_told_so_on_every_path_and_its_wipe_report_is_audited(
    client: TestClient, app: Any, clock: Clock
) -> None:
    admin = _sign_in(client, "admin", "管理员 PC")
    laptop = _sign_in(client, "zj_handler", "外勤笔记本")
    office = _sign_in(client, "zj_handler", "办公室 PC")
    user_id = laptop["user"]["id"]
    desks = client.get(f"/users/{user_id}/devices", headers=_as(admin)).json()
    target = next(d for d in desks if d["name"] == "外勤笔记本")

    # Only an administrator lists others' desks and revokes them.
    assert client.get(f"/users/{user_id}/devices", headers=_as(office)).status_code == 403
    assert client.post(f"/devices/{target['id']}/revoke", headers=_as(office)).status_code == 403

    revoked = client.post(f"/devices/{target['id']}/revoke", headers=_as(admin))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    for answer in (
        client.get("/auth/me", headers=_as(laptop)),
        client.get("/sync/pull", headers=_as(laptop)),
        client.post("/sync/push", headers=_as(laptop), json={"client_id": str(uuid.uuid4()), "mutations": []}),
        client.post("/auth/refresh", json={"refresh_token": laptop["refresh_token"]}),
    ):
        assert answer.status_code == 401, answer.text
        assert answer.json()["code"] == "device_revoked"
        assert answer.json()["detail"]["device_id"] == target["id"]
    clock.advance(hours=2)  # the access token expired meanwhile: still "revoked", not "refresh it"
    assert client.get("/auth/me", headers=_as(laptop)).json()["code"] == "device_revoked"
    assert client.post("/auth/refresh", json={"refresh_token": office["refresh_token"]}).status_code == 200
    admin = _sign_in(client, "admin", "管理员 PC")

    lost = [{"order_number": "GY20261123-0001", "title": "文汇路路灯不亮", "command": "add_note"}]
    # Another desk's token does not report for this one.
    other = client.post(f"/devices/{target['id']}/wipe-report", headers=_as(admin), json={"lost": lost})
    assert other.status_code == 401
    report = client.post(f"/devices/{target['id']}/wipe-report", headers=_as(laptop), json={"lost": lost})
    assert report.status_code == 204, report.text
    again = client.post(f"/devices/{target['id']}/wipe-report", headers=_as(laptop), json={"lost": lost})
    assert again.status_code == 409
    (wiped,) = _audit(app, "device_wiped")
    assert wiped.after["lost"] == lost and wiped.actor_id == user_id
    (revoke,) = _audit(app, "revoke_device")
    assert revoke.after["device_id"] == target["id"] and revoke.actor_id == admin["user"]["id"]
    listed = client.get("/devices", params={"user_id": user_id}, headers=_as(admin)).json()
    assert next(d for d in listed if d["id"] == target["id"])["wiped_at"]


def test_revoking_a_user_ends_all_their_desks(client: TestClient, app: Any) -> None:
    admin = _sign_in(client, "admin", "管理员 PC")
    desks = [_sign_in(client, "cg_handler", name) for name in ("办公室 PC", "外勤笔记本", "家里 PC")]
    other = _sign_in(client, "cg_chief", "科长的 PC")
    user_id = desks[0]["user"]["id"]
    answer = client.post(f"/users/{user_id}/revoke-devices", headers=_as(admin))
    assert answer.status_code == 200 and len(answer.json()) == 3
    for desk in desks:
        assert client.get("/auth/me", headers=_as(desk)).json()["code"] == "device_revoked"
    assert client.get("/auth/me", headers=_as(other)).status_code == 200
    (audited,) = _audit(app, "revoke_user_devices")
    assert len(audited.after["devices"]) == 3
    # Signing in again with the password is a new desk (the revoked ones keep their history).
    again = _sign_in(client, "cg_handler", "办公室 PC")
    assert client.get("/auth/me", headers=_as(again)).status_code == 200
    assert len(client.get(f"/users/{user_id}/devices", headers=_as(admin)).json()) == 4


def test_deactivating_a_user_revokes_every_desk_of_theirs(client: TestClient, app: Any) -> None:
    admin = _sign_in(client, "admin", "管理员 PC")
    desks = [_sign_in(client, "cg_handler", name) for name in ("办公室 PC", "外勤笔记本")]
    user_id = desks[0]["user"]["id"]
    answer = client.patch(f"/users/{user_id}", json={"active": False}, headers=_as(admin))
    assert answer.status_code == 200 and answer.json()["active"] is False
    listed = client.get(f"/users/{user_id}/devices", headers=_as(admin)).json()
    assert len(listed) == 2 and all(d["revoked_at"] for d in listed)
    for desk in desks:  # told to wipe, not merely refused
        assert client.get("/auth/me", headers=_as(desk)).json()["code"] == "device_revoked"
    assert [r.after["user"]["username"] if "user" in r.after else r.after for r in _audit(app, "update_user")]
    (audited,) = _audit(app, "revoke_user_devices")
    assert len(audited.after["devices"]) == 2


def test_a_revoked_desk_signing_in_with_its_password_is_told_to_wipe_first(client: TestClient, app: Any) -> None:
    admin = _sign_in(client, "admin", "管理员 PC")
    key = uuid.uuid4().hex
    laptop = _sign_in(client, "zj_handler", "外勤笔记本", key)
    target = client.get("/devices", params={"user_id": laptop["user"]["id"]}, headers=_as(admin)).json()[0]
    assert client.post(f"/devices/{target['id']}/revoke", headers=_as(admin)).status_code == 200

    body = {"username": "zj_handler", "password": PASSWORD, "device_id": key, "device_name": "外勤笔记本"}
    refused = client.post("/auth/login", json=body)
    assert refused.status_code == 401 and refused.json()["code"] == "device_revoked"
    wipe_token = refused.json()["detail"]["wipe_token"]
    assert client.post("/auth/login", json={**body, "password": "wrong-password"}).json()["code"] == "bad_credentials"
    report = client.post(
        f"/devices/{target['id']}/wipe-report", headers={"Authorization": f"Bearer {wipe_token}"}, json={"lost": []}
    )
    assert report.status_code == 204, report.text
    again = client.post("/auth/login", json=body)  # erased and reported: the same PC is a new desk
    assert again.status_code == 200
    assert client.get("/auth/sessions", headers=_as(again.json())).json()[0]["id"] != target["id"]


def test_a_wipe_report_the_schema_allows_but_over_the_body_limit_is_a_documented_413(
    client: TestClient, app: Any
) -> None:
    """5,000 lost edits with long titles are a valid report and more than the server reads (1 MB):
    refused as too large, and the API says so (the fuzzer met it as an undocumented 413)."""
    laptop = _sign_in(client, "cg_handler", "外勤笔记本")
    lost = [{"order_number": "GY20261123-0001", "title": "文汇路路灯不亮" * 28, "command": "add_note"}] * 5000
    answer = client.post("/devices/1/wipe-report", headers=_as(laptop), json={"lost": lost})
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"
    assert "413" in app.openapi()["paths"]["/devices/{device_id}/wipe-report"]["post"]["responses"]
