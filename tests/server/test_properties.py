"""Property: whatever cursor, period, nesting or Unicode a caller sends, the answer is never a 5xx,
and every 4xx carries the project's error body (issue 11).

Hypothesis draws the inputs the probe found breaking (extreme datetimes in crafted cursors,
months at the range's edges, JSON nested hundreds deep, lone surrogates and other code points
JSON can carry) and feeds them to the endpoints that take them: every query parameter of every
GET operation in the OpenAPI document, the sync push, the intake and a note. Runs on SQLite and,
when configured, PostgreSQL (the ``app`` fixture's backends).
"""

from __future__ import annotations

import base64
import json
import traceback
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fixtures.city import Api

EXAMPLES = 40
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same inputs on every run: a failure here is reproducible
)

# --- strategies -----------------------------------------------------------------------------

#: Any code point, lone surrogates included (hypothesis leaves those out unless asked), with the
#: ones that broke something before drawn often: surrogates, NUL, markup, formula and bidi marks.
any_char = st.one_of(
    st.sampled_from(["\ud800", "\udc00", "\udbff", "\udfff", "\x00", "<", "=", "\u202e", "\U0010ffff"]),
    st.characters(codec=None, exclude_categories=()),
)
unicode_text = st.text(any_char, max_size=40)

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
extreme_datetimes = st.one_of(
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "9999-01-01T00:00:00+00:00", "", "NaN"]),
    st.datetimes(timezones=offsets).map(datetime.isoformat),
    st.datetimes(min_value=datetime(9999, 12, 31), timezones=offsets).map(datetime.isoformat),
    st.datetimes(max_value=datetime(1, 1, 2), timezones=offsets).map(datetime.isoformat),
    st.datetimes().map(datetime.isoformat),  # naive
    unicode_text,
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    unicode_text,
    extreme_datetimes,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(unicode_text, inner, max_size=3)),
    max_leaves=12,
)


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode()


cursors = st.one_of(
    unicode_text,
    st.tuples(extreme_datetimes, st.integers(0, 2**31 - 1)).map(lambda v: _b64(list(v))),
    st.tuples(extreme_datetimes, st.integers(-(2**70), 2**70)).map(lambda v: _b64(list(v))),
    json_values.map(_b64),
    st.binary(max_size=30).map(lambda b: base64.urlsafe_b64encode(b).decode()),
)
months = st.one_of(
    st.tuples(st.integers(-10, 10_000), st.integers(-1, 13)).map(lambda v: f"{v[0]:04d}-{v[1]:02d}"),
    st.sampled_from(["2000-01", "2100-12", "1999-12", "2101-01", "0000-00", "9999-99"]),
    unicode_text,
)
days = st.one_of(st.dates().map(str), st.sampled_from(["2000-01-01", "2101-01-01", "0001-01-01"]), unicode_text)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def raw_json(value: Any) -> bytes:
    """JSON with every non-ASCII character escaped: lone surrogates travel as ``\\udXXX``."""
    return json.dumps(value, ensure_ascii=True).encode()


# --- the check ------------------------------------------------------------------------------


class Recorder:
    """Wraps the app so an exception behind a 500 is shown with its traceback."""

    def __init__(self, app: Any) -> None:
        self.app, self.errors = app, []  # type: ignore[var-annotated]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            self.errors.append("".join(traceback.format_exception(exc)))
            raise


@pytest.fixture
def probe(app, api: Api) -> Any:  # type: ignore[no-untyped-def]
    recorder = Recorder(app)
    client = TestClient(recorder, raise_server_exceptions=False)  # type: ignore[arg-type]
    headers = {user: api.login(user) for user in ("agent", "zj_chief")}
    orders = [api.dispatched("ZJJ")["id"] for _ in range(3)]
    for order_id in orders:
        api.command(order_id, "sign", "zj_chief")

    def send(method: str, path: str, user: str = "agent", **kwargs: Any) -> Any:
        kwargs["headers"] = {**headers[user], **kwargs.get("headers", {})}
        params = kwargs.pop("params", None)
        if params:
            # Percent-encoded by hand: a lone surrogate goes as its three UTF-8-style bytes
            # (%ED%A0%80), which no HTTP client would write from a str.
            query = urlencode({k: str(v).encode("utf-8", "surrogatepass") for k, v in params.items()})
            path = f"{path}?{query}"
        response = client.request(method, path, **kwargs)
        assert response.status_code < 500, f"{method} {path}: {response.status_code}\n" + (
            recorder.errors[-1] if recorder.errors else response.text
        )
        if response.status_code >= 400:
            body = response.json()
            assert {"code", "message_zh", "message_en"} <= set(body), body
        return response

    send.order_id = orders[0]  # type: ignore[attr-defined]
    send.order_ids = orders  # type: ignore[attr-defined]
    return send


GET_PARAMETERS: list[tuple[str, str]] = []


def _get_parameters() -> list[tuple[str, str]]:
    from server.app import create_app
    from server.settings import Settings

    spec = create_app(Settings(database_url="sqlite://")).openapi()
    found = []
    for path, item in sorted(spec["paths"].items()):
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                found.append((path, parameter["name"]))
    return found


GET_PARAMETERS = _get_parameters()


# --- the properties -------------------------------------------------------------------------


@SETTINGS
@given(cursor=cursors, sort=st.sampled_from(["due", "-id"]))
def test_any_order_list_cursor(probe: Any, cursor: str, sort: str) -> None:
    probe("GET", "/orders", "zj_chief", params={"sort": sort, "cursor": cursor})


@SETTINGS
@given(cursor=cursors)
def test_any_sync_cursor(probe: Any, cursor: str) -> None:
    probe("GET", "/sync/pull", "zj_chief", params={"cursor": cursor})


@SETTINGS
@given(
    path=st.sampled_from(["/measures/hot", "/measures/ranking", "/measures/departments/2"]),
    month=st.none() | months,
    start=st.none() | days,
    end=st.none() | days,
)
def test_any_period(probe: Any, path: str, month: str | None, start: str | None, end: str | None) -> None:
    params = {k: v for k, v in (("month", month), ("from", start), ("to", end)) if v is not None}
    probe("GET", path, params=params)


@settings(SETTINGS, max_examples=8)
@given(month=months)
def test_any_bulletin_month(probe: Any, month: str) -> None:
    probe("GET", "/measures/bulletin", params={"month": month})


@SETTINGS
@given(where=st.sampled_from(GET_PARAMETERS), value=unicode_text)
def test_any_unicode_in_any_query_parameter(probe: Any, where: tuple[str, str], value: str) -> None:
    path, name = where
    probe("GET", path, params={name: value})


@SETTINGS
@given(
    args=st.dictionaries(st.sampled_from(["text", "client_id", "version", "x"]), json_values, max_size=4),
    base=json_values,
    text=unicode_text,
    depth=st.sampled_from([0, 10, 400, 900, 990]),
    ids=st.lists(st.uuids(), min_size=4, max_size=4, unique=True),
)
def test_any_push(probe: Any, args: dict[str, Any], base: Any, text: str, depth: int, ids: list[Any]) -> None:
    # One order each: after a refusal, later mutations of the same order are held, not tried.
    first, second, third = ({"order_id": oid, "name": "add_note"} for oid in probe.order_ids)
    mutations = [
        {**first, "id": str(ids[0]), "args": args, "base": {}},
        {**second, "id": str(ids[1]), "args": {"text": text, "client_id": str(ids[3])}},
        {**third, "id": str(ids[2]), "args": {"text": "x", "y": "@deep@"}, "base": base},
    ]
    body = raw_json({"client_id": "client-property-1", "mutations": mutations})
    if depth:
        body = body.replace(b'"@deep@"', nested(depth).encode(), 1)
    probe("POST", "/sync/push", "zj_chief", content=body, headers={"Content-Type": "application/json"})


@SETTINGS
@given(title=unicode_text, district=unicode_text, description=unicode_text, tags=st.lists(unicode_text, max_size=3))
def test_any_unicode_at_intake(probe: Any, title: str, district: str, description: str, tags: list[str]) -> None:
    body = {
        "channel": "phone",
        "citizen": {"name": title, "phone": "13912345678"},
        "kind": "complaint",
        "category_code": "0101",
        "title": title or "标题",
        "description": description,
        "address": description,
        "district": district,
        "street": district,
        "tags": tags,
    }
    probe("POST", "/orders", content=raw_json(body), headers={"Content-Type": "application/json"})


@SETTINGS
@given(text=unicode_text, depth=st.sampled_from([0, 900]))
def test_any_note(probe: Any, text: str, depth: int) -> None:
    body = raw_json({"client_id": "00000000-0000-4000-8000-0000000000aa", "text": text or "x"})
    if depth:
        body = body[:-1] + b', "deep": ' + nested(depth).encode() + b"}"
    probe(
        "POST",
        f"/orders/{probe.order_id}/add-note",
        "zj_chief",
        content=body,
        headers={"Content-Type": "application/json"},
    )
