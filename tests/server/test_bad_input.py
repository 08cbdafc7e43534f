"""Bad input of every class answers a clear 4xx, writes nothing and leaves the server up.

Each refusal must carry a machine-readable ``code`` and a message in Chinese and English;
afterwards the order (as the centre sees it) and the audit log are exactly as before, and
``/healthz`` still answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import AuditRecord, Note, OnsiteCheck, Order
from tests.fixtures.city import Api, Clock

INT4_MAX = 2**31 - 1


def _is_postgresql(app) -> bool:  # type: ignore[no-untyped-def]
    return app.state.engine.dialect.name == "postgresql"


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _audit_count(app) -> int:  # type: ignore[no-untyped-def]
    return _count(app, AuditRecord)


def assert_refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message_zh"], str) and body["message_zh"].strip(), body
    assert isinstance(body["message_en"], str) and body["message_en"].strip(), body
    assert body["message_zh"] != body["message_en"]
    return body


@contextmanager
def nothing_written(api: Api, app, order_id: int | None = None) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The order, the audit log, the order count, notes and checks are the same afterwards."""
    before_order = api.order(order_id) if order_id is not None else None
    counts = [_count(app, m) for m in (AuditRecord, Order, Note, OnsiteCheck)]
    yield
    assert [_count(app, m) for m in (AuditRecord, Order, Note, OnsiteCheck)] == counts
    if order_id is not None:
        assert api.order(order_id) == before_order
    health = api.client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}


def _post(api: Api, path: str, as_: str = "agent", **kwargs: Any) -> Any:
    return api.client.post(path, headers={**api.login(as_), **kwargs.pop("headers", {})}, **kwargs)


def _received(api: Api) -> dict[str, Any]:
    return api.intake()


def _in_progress(api: Api) -> dict[str, Any]:
    order = api.dispatched("ZJJ")
    return api.command(order["id"], "sign", "zj_handler2")


def _in_review(api: Api) -> dict[str, Any]:
    order = _in_progress(api)
    return api.command(order["id"], "submit_reply", "zj_handler2", text="已修复。", result_code="resolved")


INTAKE = {
    "channel": "phone",
    "citizen": {"name": "王芳", "phone": "13912345678"},
    "kind": "complaint",
    "category_code": "0101",
    "title": "文汇路路面塌陷",
    "description": "文汇路与海潮路交叉口路面塌陷。",
}


# --- malformed bodies ------------------------------------------------------------------------


def test_body_that_is_not_json(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    with nothing_written(api, app, order["id"]):
        response = _post(
            api,
            f"/orders/{order['id']}/dispatch",
            content=b'{"version": 1, "lead_department_id": ',
            headers={"Content-Type": "application/json"},
        )
        body = assert_refused(response, 422, "invalid_input")
        assert body["detail"][0]["type"] == "json_invalid"
    with nothing_written(api, app):
        response = _post(api, "/orders", content="受理：文汇路", headers={"Content-Type": "application/json"})
        assert_refused(response, 422, "invalid_input")


def test_body_that_is_not_utf8_is_refused_like_malformed_json(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    with nothing_written(api, app, order["id"]):
        response = _post(
            api, f"/orders/{order['id']}/dispatch", content=b"\xff\xfe{", headers={"Content-Type": "application/json"}
        )
        assert_refused(response, 422, "invalid_input")


def test_json_array_instead_of_object(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    with nothing_written(api, app, order["id"]):
        response = _post(api, f"/orders/{order['id']}/dispatch", json=[order["version"], api.department_id("ZJJ")])
        assert_refused(response, 422, "invalid_input")
    with nothing_written(api, app):
        assert_refused(_post(api, "/orders", json=[INTAKE]), 422, "invalid_input")


def test_wrong_type(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    zjj = api.department_id("ZJJ")
    with nothing_written(api, app, order["id"]):
        response = _post(api, f"/orders/{order['id']}/dispatch", json={"version": "abc", "lead_department_id": zjj})
        body = assert_refused(response, 422, "invalid_input")
        assert ["body", "version"] in [e["loc"] for e in body["detail"]]
        response = _post(
            api, f"/orders/{order['id']}/dispatch", json={"version": order["version"], "lead_department_id": "ZJJ"}
        )
        assert_refused(response, 422, "invalid_input")
        response = _post(
            api, f"/orders/{order['id']}/dispatch", json={"version": order["version"], "lead_department_id": None}
        )
        assert_refused(response, 422, "invalid_input")


def test_unknown_enum_value(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        body = assert_refused(_post(api, "/orders", json={**INTAKE, "channel": "fax"}), 422, "invalid_input")
        assert ["body", "channel"] in [e["loc"] for e in body["detail"]]
        assert_refused(_post(api, "/orders", json={**INTAKE, "urgency": "asap"}), 422, "invalid_input")
    order = _in_progress(api)
    with nothing_written(api, app, order["id"]):
        response = _post(
            api,
            f"/orders/{order['id']}/submit-reply",
            "zj_handler2",
            json={"version": order["version"], "text": "已修复。", "result_code": "fixed"},
        )
        assert_refused(response, 422, "invalid_input")


def test_unknown_extra_field_is_refused_not_dropped(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    with nothing_written(api, app, order["id"]):
        response = _post(
            api,
            f"/orders/{order['id']}/dispatch",
            json={"version": order["version"], "lead_department_id": api.department_id("ZJJ"), "priority": "high"},
        )
        body = assert_refused(response, 422, "invalid_input")
        assert body["detail"][0]["type"] == "extra_forbidden"
        assert body["detail"][0]["loc"] == ["body", "priority"]
    with nothing_written(api, app):
        response = _post(api, "/orders", json={**INTAKE, "citizen": {**INTAKE["citizen"], "idcard": "3210"}})
        assert_refused(response, 422, "invalid_input")


def test_oversized_fields(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        body = assert_refused(_post(api, "/orders", json={**INTAKE, "title": "路" * 201}), 422, "invalid_input")
        assert ["body", "title"] in [e["loc"] for e in body["detail"]]
        body = assert_refused(_post(api, "/orders", json={**INTAKE, "description": "x" * 10_001}), 422, "invalid_input")
        assert ["body", "description"] in [e["loc"] for e in body["detail"]]
        assert_refused(_post(api, "/orders", json={**INTAKE, "tags": ["t"] * 21}), 422, "invalid_input")
    # The limits are exact: one character less is accepted.
    accepted = api.intake(title="路" * 200, description="x" * 10_000)
    assert len(accepted["title"]) == 200
    assert len(accepted["description"]) == 10_000


def test_a_body_over_one_megabyte_is_413(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    with nothing_written(api, app, order["id"]):
        response = _post(
            api,
            f"/orders/{order['id']}/add-note",
            json={"client_id": str(uuid.uuid4()), "text": "噪" * 400_000},  # 1.2 MB of UTF-8
        )
        body = assert_refused(response, 413, "too_large")
        assert body["detail"] == {"limit": 1_000_000}
        response = _post(
            api, "/orders", content=b"{" + b" " * 1_000_001 + b"}", headers={"Content-Type": "application/json"}
        )
        assert_refused(response, 413, "too_large")


def test_a_chunked_body_over_one_megabyte_is_413(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    def chunks() -> Iterator[bytes]:
        yield b'{"channel": "phone", "title": "'
        for _ in range(1100):
            yield b"x" * 1000
        yield b'"}'

    with nothing_written(api, app):
        response = _post(api, "/orders", content=chunks(), headers={"Content-Type": "application/json"})
        assert_refused(response, 413, "too_large")


# --- state and versions ----------------------------------------------------------------------


def test_command_in_the_wrong_state(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = api.dispatched("ZJJ")
    with nothing_written(api, app, order["id"]):
        response = _post(
            api,
            f"/orders/{order['id']}/dispatch",
            json={"version": order["version"], "lead_department_id": api.department_id("CGJ")},
        )
        assert_refused(response, 409, "wrong_state")
        response = _post(api, f"/orders/{order['id']}/close", json={"version": order["version"]})
        assert_refused(response, 409, "wrong_state")
    received = _received(api)
    with nothing_written(api, app, received["id"]):
        # A note cannot be added to an order that was not dispatched yet.
        response = _post(api, f"/orders/{received['id']}/add-note", json={"client_id": str(uuid.uuid4()), "text": "x"})
        assert_refused(response, 409, "wrong_state")


def test_stale_version(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    current = order["version"]
    zjj = api.department_id("ZJJ")
    with nothing_written(api, app, order["id"]):
        for version in (current - 1, current + 1, 0):
            response = _post(
                api, f"/orders/{order['id']}/dispatch", json={"version": version, "lead_department_id": zjj}
            )
            body = assert_refused(response, 409, "stale_version")
            assert body["detail"] == {"current_version": current}
    # The version in the refusal is the one that works.
    response = _post(api, f"/orders/{order['id']}/dispatch", json={"version": current, "lead_department_id": zjj})
    assert response.status_code == 200
    assert response.json()["version"] > current


def test_a_refusal_after_partial_work_rolls_everything_back(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    order = _in_progress(api)
    client_id = str(uuid.uuid4())
    # The on-site check row is written before the photos are checked; the unknown photo
    # must take the whole command back.
    with nothing_written(api, app, order["id"]):
        response = _post(
            api,
            f"/orders/{order['id']}/record-onsite-check",
            "zj_handler2",
            json={
                "client_id": client_id,
                "checked_at": clock.now.isoformat(),
                "notes": "现场已围挡",
                "photos": [{"sha256": "0" * 64, "tag": "before"}],
            },
        )
        body = assert_refused(response, 422, "unknown_blob")
        assert body["detail"] == {"sha256": "0" * 64}
    # The same client id is therefore still free: sent again without the photo, it is recorded.
    detail = api.command(
        order["id"], "record_onsite_check", "zj_handler2", client_id=client_id, checked_at=clock.now.isoformat()
    )
    assert [c["client_id"] for c in detail["onsite_checks"]] == [client_id]

    # A ruling that is missing its department changes nothing either.
    returned = api.dispatched("ZJJ")
    api.command(returned["id"], "request_return", "zj_handler", reason_code="not_our_duty", reason="非本单位职责")
    with nothing_written(api, app, returned["id"]):
        current = api.order(returned["id"])["version"]
        response = _post(api, f"/orders/{returned['id']}/rule-return", json={"version": current, "accept": True})
        assert_refused(response, 422, "department_required")
        response = _post(
            api,
            f"/orders/{returned['id']}/rule-return",
            json={"version": current, "accept": True, "new_lead_department_id": api.department_id("ZJJ")},
        )
        assert_refused(response, 422, "same_department")


def test_failed_intakes_do_not_use_up_order_numbers(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        assert_refused(_post(api, "/orders", json={**INTAKE, "category_code": "9999"}), 422, "unknown_category")
        future = (clock.now + timedelta(hours=1)).isoformat()
        assert_refused(_post(api, "/orders", json={**INTAKE, "received_at": future}), 422, "future_time")
    assert api.intake()["number"] == "GY20261123-0001"


# --- ids: other departments, missing rows, bad path ids ------------------------------------


def test_dispatch_to_a_department_that_does_not_exist(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    with nothing_written(api, app, order["id"]):
        for lead in (99_999, api.department_id("CTR"), api.department_id("LDR")):
            response = _post(
                api, f"/orders/{order['id']}/dispatch", json={"version": order["version"], "lead_department_id": lead}
            )
            body = assert_refused(response, 422, "unknown_department")
            assert body["detail"] == {"id": lead}
        response = _post(
            api,
            f"/orders/{order['id']}/dispatch",
            json={
                "version": order["version"],
                "lead_department_id": api.department_id("ZJJ"),
                "co_department_ids": [99_999],
            },
        )
        assert_refused(response, 422, "unknown_department")
        response = _post(
            api, f"/orders/{order['id']}/dispatch", json={"version": order["version"], "lead_department_id": 0}
        )
        assert_refused(response, 422, "invalid_input")


def test_another_departments_order_and_staff(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = api.dispatched("ZJJ")
    oid = order["id"]
    with nothing_written(api, app, oid):
        # Another department cannot see the order: 404, exactly as if it did not exist.
        missing = assert_refused(api.get(f"/orders/{oid}", "cg_handler"), 404, "not_found")
        assert api.get("/orders/99999", "cg_handler").json() == missing
        assert_refused(api.get(f"/orders/{oid}/events", "cg_chief"), 404, "not_found")
        response = _post(api, f"/orders/{oid}/sign", "cg_chief", json={"version": order["version"]})
        assert_refused(response, 404, "not_found")
        response = _post(
            api, f"/orders/{oid}/add-note", "cg_handler", json={"client_id": str(uuid.uuid4()), "text": "x"}
        )
        assert_refused(response, 404, "not_found")
        # The lead department cannot hand it to another department's staff.
        response = _post(
            api,
            f"/orders/{oid}/assign-handler",
            "zj_chief",
            json={"version": order["version"], "handler_id": api.user_id("cg_handler")},
        )
        assert_refused(response, 422, "unknown_handler")
        response = _post(
            api, f"/orders/{oid}/assign-handler", "zj_chief", json={"version": order["version"], "handler_id": 99_999}
        )
        assert_refused(response, 422, "unknown_handler")
        # A role that may not act on it at all.
        response = _post(api, f"/orders/{oid}/supervise", "zj_handler", json={"version": order["version"]})
        assert_refused(response, 403, "role_not_allowed")


@pytest.mark.parametrize("order_id", ["0", "-1", "-99999999999", "abc", "1.5", "1e3", str(2**62 + 1), str(2**80)])
def test_bad_path_ids_are_422(api: Api, app, order_id: str) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        assert_refused(api.get(f"/orders/{order_id}", "agent"), 422, "invalid_input")
        assert_refused(api.get(f"/orders/{order_id}/events", "agent"), 422, "invalid_input")
        response = _post(api, f"/orders/{order_id}/supervise", json={"version": 1})
        assert_refused(response, 422, "invalid_input")


def test_an_id_with_no_order_is_404(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        assert_refused(api.get("/orders/99999", "agent"), 404, "not_found")
        assert_refused(api.get(f"/orders/{INT4_MAX}", "agent"), 404, "not_found")
        assert_refused(_post(api, "/orders/99999/supervise", json={"version": 1}), 404, "not_found")


@pytest.mark.parametrize("order_id", [2**31 - 1])
def test_a_large_id_the_api_allows_is_404(api: Api, app, request: pytest.FixtureRequest, order_id: int) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        assert_refused(api.get(f"/orders/{order_id}", "agent"), 404, "not_found")
        assert_refused(api.get(f"/orders/{order_id}/events", "agent"), 404, "not_found")
        assert_refused(_post(api, f"/orders/{order_id}/supervise", json={"version": 1}), 404, "not_found")
        # Beyond what an id can be: refused as input.
        assert_refused(api.get(f"/orders/{order_id + 1}", "agent"), 422, "invalid_input")


@pytest.mark.parametrize("field", ["lead_department_id", "co_department_ids"])
def test_a_large_department_id_the_api_allows_is_422(api: Api, app, request: pytest.FixtureRequest, field: str) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    body: dict[str, Any] = {"version": order["version"], "lead_department_id": api.department_id("ZJJ")}
    body[field] = 2**31 - 1 if field == "lead_department_id" else [2**31 - 1]
    with nothing_written(api, app, order["id"]):
        assert_refused(_post(api, f"/orders/{order['id']}/dispatch", json=body), 422, "unknown_department")
        body[field] = 2**31 if field == "lead_department_id" else [2**31]
        assert_refused(_post(api, f"/orders/{order['id']}/dispatch", json=body), 422, "invalid_input")


def test_unknown_route_and_method(client: TestClient, api: Api, app) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        assert_refused(client.get("/no-such-thing"), 404, "not_found")
        assert_refused(client.post("/orders/1/fly-away", json={}), 404, "not_found")
        assert_refused(client.delete("/orders", headers=api.login("agent")), 405, "method_not_allowed")


# --- times -----------------------------------------------------------------------------------


def test_naive_received_at(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        response = _post(api, "/orders", json={**INTAKE, "received_at": "2026-11-23T08:00:00"})
        assert_refused(response, 422, "invalid_input")
    ok = api.intake(received_at="2026-11-23T08:00:00+08:00")
    assert datetime.fromisoformat(ok["received_at"]) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    assert datetime.fromisoformat(api.order(ok["id"])["received_at"]) == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)


def test_a_time_that_cannot_be_stored_is_422(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    with nothing_written(api, app):
        response = _post(api, "/orders", json={**INTAKE, "received_at": "0001-01-01T00:00:00+05:00"})
        assert response.status_code == 422, response.text
        assert_refused(response, 422, response.json()["code"])


def test_future_or_naive_onsite_check_time(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    order = _in_progress(api)
    with nothing_written(api, app, order["id"]):
        for checked_at, code in (
            ((clock.now + timedelta(minutes=6)).isoformat(), "bad_time"),
            ("2026-11-23T09:00:00", "invalid_input"),
        ):
            response = _post(
                api,
                f"/orders/{order['id']}/record-onsite-check",
                "zj_handler2",
                json={"client_id": str(uuid.uuid4()), "checked_at": checked_at},
            )
            assert_refused(response, 422, code)
    # Within the five minutes of clock skew it is accepted.
    detail = api.command(
        order["id"], "record_onsite_check", "zj_handler2", checked_at=(clock.now + timedelta(minutes=4)).isoformat()
    )
    assert len(detail["onsite_checks"]) == 1


def test_empty_comment_for_return_for_rework(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = _in_review(api)
    assert order["state"] == "in_review"
    with nothing_written(api, app, order["id"]):
        for comment in ("", "   "):
            response = _post(
                api,
                f"/orders/{order['id']}/return-for-rework",
                "zj_chief",
                json={"version": order["version"], "comment": comment},
            )
            body = assert_refused(response, 422, "invalid_input")
            assert ["body", "comment"] in [e["loc"] for e in body["detail"]]
        response = _post(
            api, f"/orders/{order['id']}/return-for-rework", "zj_chief", json={"version": order["version"]}
        )
        assert_refused(response, 422, "invalid_input")


# --- idempotent inserts ----------------------------------------------------------------------


def test_duplicate_note_client_id(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    order = api.dispatched("ZJJ")
    other = api.dispatched("ZJJ")
    client_id = str(uuid.uuid4())
    first = api.command(order["id"], "add_note", "zj_handler", client_id=client_id, text="已联系施工队")
    assert [n["text"] for n in first["notes"]] == ["已联系施工队"]
    audit_after_first = _audit_count(app)

    # The same note sent again (a retry after a lost answer) is recorded once.
    with nothing_written(api, app, order["id"]):
        again = api.command(order["id"], "add_note", "zj_handler", client_id=client_id, text="已联系施工队")
    assert again["notes"] == first["notes"]
    assert _audit_count(app) == audit_after_first

    # The same client id on another order, or by another user, is a conflict.
    with nothing_written(api, app, other["id"]):
        response = _post(
            api, f"/orders/{other['id']}/add-note", "zj_handler", json={"client_id": client_id, "text": "x"}
        )
        assert_refused(response, 409, "client_id_taken")
    with nothing_written(api, app, order["id"]):
        response = _post(api, f"/orders/{order['id']}/add-note", "zj_chief", json={"client_id": client_id, "text": "x"})
        assert_refused(response, 409, "client_id_taken")
    with Session(app.state.engine) as session:
        assert session.scalar(select(func.count()).select_from(Note).where(Note.client_id == client_id)) == 1


def test_a_note_sent_again_after_its_order_moved_on_answers_as_the_first_time(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    """The replay is found by the note's insert now (no look-up first); once the state machine refuses
    notes, a note sent again is still its replay (200, nothing written), a new one a 409."""
    order = api.dispatched("ZJJ")
    client_id = str(uuid.uuid4())
    api.command(order["id"], "add_note", "zj_handler", client_id=client_id, text="已联系施工队")
    api.command(order["id"], "invalidate", "agent", reason="重复来电")
    with nothing_written(api, app, order["id"]):
        again = api.command(order["id"], "add_note", "zj_handler", client_id=client_id, text="已联系施工队")
    assert [n["text"] for n in again["notes"]] == ["已联系施工队"]
    with nothing_written(api, app, order["id"]):
        api.command(order["id"], "add_note", "zj_handler", expect=409, text="新的")


def test_duplicate_onsite_check_client_id(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    order = _in_progress(api)
    client_id = str(uuid.uuid4())
    body = {"client_id": client_id, "checked_at": clock.now.isoformat(), "notes": "已设置围挡"}
    first = api.command(order["id"], "record_onsite_check", "zj_handler", **body)
    audit_after_first = _audit_count(app)
    with nothing_written(api, app, order["id"]):
        again = api.command(order["id"], "record_onsite_check", "zj_handler", **body)
    assert again["onsite_checks"] == first["onsite_checks"] and len(first["onsite_checks"]) == 1
    assert _audit_count(app) == audit_after_first
    with nothing_written(api, app, order["id"]):
        response = _post(api, f"/orders/{order['id']}/record-onsite-check", "zj_chief", json=body)
        assert_refused(response, 409, "client_id_taken")
    # pushed with another mutation id: applied once (a duplicate of the record, no second row)
    mutation = {"id": str(uuid.uuid4()), "order_id": order["id"], "name": "record_onsite_check", "args": body}
    with nothing_written(api, app, order["id"]):
        pushed = _post(api, "/sync/push", "zj_handler", json={"client_id": "desk-test-1", "mutations": [mutation]})
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["results"][0]["status"] == "applied"
    with Session(app.state.engine) as session:
        assert (
            session.scalar(select(func.count()).select_from(OnsiteCheck).where(OnsiteCheck.client_id == client_id)) == 1
        )


# --- tokens ----------------------------------------------------------------------------------


def test_expired_or_forged_token_on_a_command(api: Api, app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    order = _received(api)
    body = {"version": order["version"], "lead_department_id": api.department_id("ZJJ")}
    stale_headers = api.login("agent")
    with nothing_written(api, app, order["id"]):
        forged = {"Authorization": "Bearer " + "A" * 43}
        response = api.client.post(f"/orders/{order['id']}/dispatch", json=body, headers=forged)
        assert_refused(response, 401, "invalid_token")
        response = api.client.post(f"/orders/{order['id']}/dispatch", json=body)
        assert_refused(response, 401, "unauthorized")
    clock.advance(minutes=16)
    with nothing_written(api, app, order["id"]):
        response = api.client.post(f"/orders/{order['id']}/dispatch", json=body, headers=stale_headers)
        assert_refused(response, 401, "token_expired")


# --- characters PostgreSQL cannot store ----------------------------------------------------


def test_nul_characters_in_text_never_crash(api: Api, app, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    response = _post(api, "/orders", json={**INTAKE, "title": "路面\x00塌陷"})
    assert response.status_code in (201, 422), response.text
    response = api.client.post("/auth/login", json={"username": "agent\x00", "password": "x"})
    assert_refused(response, 422, "invalid_input")
    assert api.get("/orders", "agent", params={"q": "\x00"}).status_code in (200, 422)
    assert api.client.get("/healthz").status_code == 200


def _string_query_parameters(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = []
    for path, item in app.openapi()["paths"].items():
        for parameter in item.get("get", {}).get("parameters", []):
            schema = parameter["schema"]
            types = [schema.get("type")] + [option.get("type") for option in schema.get("anyOf", [])]
            if parameter["in"] == "query" and "string" in types:
                found.append((path, parameter["name"]))
    return found


def test_nul_in_every_string_query_parameter_is_refused_or_ignored(api: Api, app) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL cannot hold NUL in a string literal: ``GET /orders?category=%00`` reached it (a 500)."""
    checked = _string_query_parameters(app)
    assert ("/orders", "category") in checked
    for path, name in checked:
        concrete = path.replace("{order_id}", "1").replace("{department_id}", "1")
        for value in ("\x00", "a\x00b"):
            response = api.get(concrete, "agent", params={name: value})
            assert response.status_code < 500, (path, name, response.text)
