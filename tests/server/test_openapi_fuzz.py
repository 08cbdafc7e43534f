"""Schemathesis against the server's own OpenAPI: no 5xx, and every response keeps its contract.

Every operation is one test per backend, driven through hypothesis ``@given`` with the
operation's schemathesis strategy (positive and negative data). Requests are authenticated
as the centre agent (the admin-only operations also as the admin). Generated ids and
versions are steered, half of the time, onto real orders, departments and users, so the
commands reach the state machine and answer real order details, not only 404s.

Any 5xx, or any response that breaks its schema, fails the test (with the server's traceback).
"""

from __future__ import annotations

import re
import sys
import threading
import traceback
from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from requests.exceptions import ReadTimeout
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from server.app import create_app
from server.models import Order
from server.settings import Settings
from tests.fixtures.city import Api

MAX_EXAMPLES = 20
#: Seconds a request may take before schemathesis cancels it (its default is 10). A contract test,
#: not a timing one: on a loaded machine a request has taken over 10 s (PostgreSQL checkpoints at
#: every test database dropped); one that never ends still fails, with what the server waited on.
REQUEST_TIMEOUT = 60

_SPEC = create_app(Settings(database_url="sqlite://")).openapi()
OPERATIONS = [(path, method.upper()) for path, item in sorted(_SPEC["paths"].items()) for method in sorted(item)]
ADMIN_ONLY = {
    ("/calendar/days", "POST"),
    ("/calendar/years/{year}", "POST"),
    ("/departments", "POST"),
    ("/users", "POST"),
    ("/categories", "POST"),
    ("/devices", "GET"),
    ("/devices/{device_id}/revoke", "POST"),
    ("/users/{user_id}/devices", "GET"),
    ("/users/{user_id}/revoke-devices", "POST"),
}
CASES = [(path, method, "agent") for path, method in OPERATIONS] + [
    (path, method, "admin") for path, method in OPERATIONS if (path, method) in ADMIN_ONLY
]


@schemathesis.serializer("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
def _workbook(ctx: Any, value: Any) -> dict[str, Any]:
    """An .xlsx body (POST /knowledge/import) is raw bytes, as a tus chunk."""
    return {"data": value if isinstance(value, bytes) else str(value).encode()}


@schemathesis.serializer("application/offset+octet-stream")
def _tus_chunk(ctx: Any, value: Any) -> dict[str, Any]:
    """tus chunks are raw bytes; schemathesis has no serializer for their media type."""
    return {"data": value if isinstance(value, bytes) else str(value).encode()}


class ErrorRecorder:
    """Wraps the app: an exception escaping it is kept (the client still sees the 500)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.errors: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            self.errors.append("".join(traceback.format_exception(exc)))

    def take(self) -> str | None:
        errors, self.errors = self.errors, []
        return "\n".join(errors) or None


def what_the_server_waits_on(app: Any) -> str:
    """The database lanes' stacks and, on PostgreSQL, the test database's busy sessions: what a
    request that did not end was waiting for."""
    frames = sys._current_frames()
    lines = []
    for thread in threading.enumerate():
        if thread.name.startswith("db-lane") and thread.ident in frames:
            lines.append(f"--- {thread.name}\n" + "".join(traceback.format_stack(frames[thread.ident])[-8:]))
    engine = app.state.engine
    if engine.dialect.name == "postgresql":
        probe = create_engine(engine.url, poolclass=NullPool)
        try:
            with probe.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT pid, state, wait_event_type, wait_event, now() - xact_start, "
                        "pg_blocking_pids(pid), left(query, 160) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            lines += ["--- sessions on the test database"] + [repr(tuple(row)) for row in rows]
        finally:
            probe.dispose()
    return "\n".join(lines)


def bilingual_errors(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx carries a machine-readable code and a message in Chinese and English."""
    if not 400 <= response.status_code < 500 or case.method.upper() == "HEAD":  # HEAD answers carry no body
        return None
    body = response.json()
    assert isinstance(body, dict), f"{response.status_code} without an error object: {response.text[:200]}"
    assert isinstance(body.get("code"), str) and body["code"], f"no error code: {body}"
    for key in ("message_zh", "message_en"):
        assert isinstance(body.get(key), str) and body[key].strip(), f"no {key}: {body}"
    return None


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _seed(api: Api) -> list[int]:
    """Orders in most states, so steered ids land on every kind of order."""
    received = api.intake()["id"]
    dispatched = api.dispatched("ZJJ", urgency="urgent")["id"]
    in_progress = api.dispatched("CGJ", complexity="complex")["id"]
    api.command(in_progress, "sign", "cg_chief")
    in_review = api.dispatched("ZJJ")["id"]
    api.command(in_review, "sign", "zj_handler2")
    api.command(in_review, "submit_reply", "zj_handler2", text="已修复。", result_code="resolved")
    replied = api.dispatched("SWJ")["id"]
    api.command(replied, "sign", "sw_chief")
    api.command(replied, "submit_reply", "sw_chief", text="已恢复供水。", result_code="resolved")
    return [received, dispatched, in_progress, in_review, replied]


class Steer:
    """Points half of the generated ids and versions at rows that exist."""

    def __init__(self, app: Any, api: Api, orders: list[int]) -> None:
        self.app = app
        self.orders = orders
        self.departments = [api.department_id(code) for code in ("ZJJ", "CGJ", "SWJ", "CTR")]
        self.users = [api.user_id(name) for name in ("zj_handler", "zj_chief", "cg_handler", "agent")]

    @staticmethod
    def _pick(value: Any, choices: list[int]) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value % 4:
            return choices[value % len(choices)]
        return value

    def __call__(self, case: Any) -> None:
        order_id = None
        if case.path_parameters and "order_id" in case.path_parameters:
            case.path_parameters["order_id"] = order_id = self._pick(case.path_parameters["order_id"], self.orders)
        body = case.body
        if not isinstance(body, dict):
            return
        for key in ("lead_department_id", "new_lead_department_id"):
            if key in body:
                body[key] = self._pick(body[key], self.departments)
        if isinstance(body.get("co_department_ids"), list):
            body["co_department_ids"] = [self._pick(v, self.departments) for v in body["co_department_ids"]]
        if "handler_id" in body:
            body["handler_id"] = self._pick(body["handler_id"], self.users)
        if "into_order_id" in body:
            body["into_order_id"] = self._pick(body["into_order_id"], self.orders)
        version = body.get("version")
        if order_id in self.orders and isinstance(version, int) and not isinstance(version, bool) and version % 4:
            with Session(self.app.state.engine) as session:
                order = session.get(Order, order_id)
                if order is not None:
                    body["version"] = order.version


@pytest.mark.slow
@pytest.mark.parametrize(("path", "method", "user"), CASES, ids=[f"{m} {p} as {u}" for p, m, u in CASES])
def test_operation_keeps_its_contract(path: str, method: str, user: str, app, api: Api) -> None:  # type: ignore[no-untyped-def]
    backend = app.state.engine.dialect.name
    recorder = ErrorRecorder(app)
    schema = schemathesis.openapi.from_asgi("/openapi.json", recorder)
    # Requests carry the caller's real bearer token; missing and forged tokens have their own tests.
    schema.config.generation.update(with_security_parameters=False)
    operation = schema[path][method]
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )
    steer = Steer(app, api, _seed(api) if path.startswith("/orders/{") else [1])
    headers = api.login(user)
    calls: list[int] = []

    @given(case=strategy)
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def check(case: Any) -> None:
        steer(case)
        # Signing out revokes the caller's session: give that operation a session of its own.
        call_headers = Api(api.client).login(user) if path == "/auth/logout" else headers
        try:
            response = case.call(headers=call_headers, timeout=REQUEST_TIMEOUT)
        except ReadTimeout as exc:
            exc.add_note(f"What the server was waiting on:\n{what_the_server_waits_on(app)}")
            raise
        error = recorder.take()
        calls.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, additional_checks=[bilingual_errors])
        except BaseException as exc:
            if error:
                exc.add_note(f"The server raised:\n{error}")
            raise

    check()
    assert calls, "no request was made"
    print(f"{method} {path} as {user} on {backend}: statuses {sorted(Counter(calls).items())}")
    if path == "/healthz":
        assert set(calls) == {200}


def _parameter(path: str, method: str, name: str) -> dict[str, Any]:
    (found,) = [p for p in _SPEC["paths"][path][method]["parameters"] if p["name"] == name]
    schema = found["schema"]
    return schema["anyOf"][0] if "anyOf" in schema else schema  # type: ignore[no-any-return]


# What the schema can say, it says (ST202: schema-valid input refused for reasons it did not state).
SAID = [
    ("/orders", "get", "cursor", ["bad_cursor"]),
    ("/sync/pull", "get", "cursor", ["bad_cursor"]),
    ("/knowledge/sync", "get", "cursor", ["bad_cursor"]),
    ("/measures/hot", "get", "month", ["bad_period"]),
    ("/measures/ranking", "get", "month", ["bad_period"]),
    ("/measures/departments/{department_id}", "get", "month", ["bad_period"]),
    ("/measures/bulletin", "get", "month", []),
    ("/knowledge/usage", "get", "month", []),
]


@pytest.mark.parametrize(("path", "method", "name", "codes"), SAID)
def test_cursors_and_months_have_patterns_and_the_rest_is_documented(
    path: str, method: str, name: str, codes: list[str]
) -> None:
    pattern = _parameter(path, method, name)["pattern"]
    if name == "cursor":
        assert re.fullmatch(pattern, "eyJ2IjoxfQ") and not re.fullmatch(pattern, "not a cursor!")
    else:
        assert all(re.fullmatch(pattern, m) for m in ("2000-01", "2026-11", "2100-12"))
        assert not any(re.fullmatch(pattern, m) for m in ("1999-12", "2101-01", "2026-13", "2026-00", "２０２６-11"))
    description = _SPEC["paths"][path][method]["responses"]["422"]["description"]
    assert all(f"`{code}`" in description for code in codes), description


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/orders", "post", ["unknown_category"]),
        ("/users", "post", ["unknown_department"]),
        ("/categories", "post", ["unknown_category", "unknown_department"]),
        ("/knowledge/entries", "post", ["unknown_department", "unknown_category"]),
        ("/review-chains", "post", ["effective_in_past", "unknown_department"]),
        ("/centre/board", "get", ["bad_date"]),
        ("/orders/{order_id}/dispatch", "post", ["unknown_department"]),
        ("/orders/{order_id}/merge", "post", ["unknown_target"]),
        ("/orders/{order_id}/close-at-once", "post", ["unknown_knowledge_entry"]),
        ("/knowledge/import", "post", ["bad_workbook", "too_many_rows", "import_rejected"]),
        ("/calendar/years/{year}", "post", ["bad_calendar_file", "wrong_year", "calendar_without_working_days"]),
        ("/calendar/days", "post", ["calendar_without_working_days"]),
    ],
)
def test_refusals_the_schema_cannot_express_are_named_in_the_422(path: str, method: str, codes: list[str]) -> None:
    description = _SPEC["paths"][path][method]["responses"]["422"]["description"]
    assert all(f"`{code}`" in description for code in codes), description


def test_a_cursor_outside_the_pattern_is_invalid_input(api: Api) -> None:
    for path in ("/orders", "/sync/pull", "/knowledge/sync"):
        response = api.get(path, "agent", params={"cursor": "not a cursor!"})
        assert response.status_code == 422 and response.json()["code"] == "invalid_input", (path, response.text)
