"""No input reaches a 500 (issue 11): each class the probe found answers a 4xx with the project's
error body, and a push refuses the one bad mutation while applying the rest.

Also what served files and refusals carry: nosniff, a Content-Disposition and a sandbox on every
file, an Allow header naming every method of the path on a 405.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from server.demo.photos import sample_photo
from tests.fixtures.city import Api

#: Times a crafted cursor may hold: the first two leave the calendar in UTC (a 422), the next two
#: are merely far (a page, empty or whole).
EXTREME_TIMES = [
    ("0001-01-01T00:00:00+14:00", 422),
    ("9999-12-31T23:59:59-14:00", 422),
    ("2026-11-23T09:00:00", 422),  # naive
    ("not a time", 422),
    ("0001-01-01T00:00:00-14:00", 200),
    ("9999-12-31T23:59:59+14:00", 200),
]

#: Lone UTF-16 surrogates as JSON escapes: high, low, reversed pair, high at the end.
SURROGATES = ["\\ud800x", "x\\udc00", "\\udc00\\ud800", "答复\\udbff"]


def assert_error_body(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code} {response.text}"
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message_zh", "message_en", "detail"}, body
    assert body["message_zh"].strip() and body["message_en"].strip() and body["message_zh"] != body["message_en"]
    if code is not None:
        assert body["code"] == code, body
    return body


def _cursor(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


@pytest.mark.parametrize(("moment", "status"), EXTREME_TIMES)
def test_a_crafted_cursor_with_an_extreme_time_never_500s(api: Api, moment: str, status: int) -> None:
    api.dispatched("ZJJ")
    response = api.get("/orders", "zj_chief", params={"sort": "due", "cursor": _cursor([moment, 1])})
    if status == 422:
        assert_error_body(response, 422, "bad_cursor")
    else:
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("values", [[None, False], ["2026-11-23T09:00:00+08:00", True], [None, 1.5], [None, "1"]])
def test_a_cursor_whose_id_is_not_an_integer_is_a_422(api: Api, values: list[object]) -> None:
    api.dispatched("ZJJ")
    for sort in ("due", "-id"):
        response = api.get("/orders", "zj_chief", params={"sort": sort, "cursor": _cursor(values)})
        assert_error_body(response, 422, "bad_cursor")


def test_a_cursor_at_the_far_end_still_pages(api: Api) -> None:
    for _ in range(3):
        api.dispatched("ZJJ")
    first = api.get("/orders", "zj_chief", params={"sort": "due", "limit": 1}).json()
    assert first["next_cursor"]
    following = api.get("/orders", "zj_chief", params={"sort": "due", "limit": 1, "cursor": first["next_cursor"]})
    assert following.status_code == 200 and following.json()["items"][0]["id"] != first["items"][0]["id"]
    far = api.get("/orders", "zj_chief", params={"sort": "due", "cursor": _cursor(["9998-12-31T00:00:00+00:00", 1])})
    assert far.status_code == 200 and far.json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/measures/hot?month=2000-01",
        "/measures/bulletin?month=2000-01",
        "/measures/bulletin?month=2000-01&format=xlsx",
        "/measures/departments/2?month=2000-01",
        "/measures/ranking?month=2000-01",
        "/measures/hot?from=2000-01-01&to=2001-01-01",
        "/measures/hot?month=2100-12",
    ],
)
def test_the_first_and_last_months_measure_without_a_500(api: Api, path: str) -> None:
    response = api.get(path, "agent")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("path", "code"),
    [
        # a month's range is in its schema pattern (2000-01 … 2100-12): a plain invalid_input
        ("/measures/hot?month=1999-12", "invalid_input"),
        ("/measures/bulletin?month=2101-01", "invalid_input"),
        ("/knowledge/usage?month=2026-13", "invalid_input"),
        # from/to are dates: their range and order are checked by the server (documented bad_period)
        ("/measures/hot?from=2000-01-01&to=0001-01-01", "bad_period"),
        ("/measures/hot?from=9999-12-31&to=9999-12-31", "bad_period"),
        ("/measures/hot?from=2100-12-31&to=2101-01-02", "bad_period"),
    ],
)
def test_months_outside_the_range_are_a_422(api: Api, path: str, code: str) -> None:
    assert_error_body(api.get(path, "agent"), 422, code)


@pytest.mark.parametrize("month", ["２０２６-11", "٢٠٢٦-11", "𝟚𝟘𝟚𝟞-11"])
@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/measures/bulletin", "invalid_input"),
        ("/measures/bulletin?format=xlsx", "invalid_input"),
        ("/measures/hot", "invalid_input"),
        ("/measures/ranking", "invalid_input"),
        ("/measures/departments/2", "invalid_input"),
        ("/knowledge/usage", "invalid_input"),
    ],
)
def test_a_month_in_other_digits_is_a_422(api: Api, path: str, code: str, month: str) -> None:
    """Regex ``\\d`` takes any script's digits: "２０２６-11" was measured as November 2026, and the
    bulletin put it in its Content-Disposition, which cannot carry it (a 500 without an error body)."""
    assert_error_body(api.get(path, "agent", params={"month": month}), 422, code)


def _push(api: Api, user: str, mutations: list[str]) -> Any:
    """A push whose mutations are given as raw JSON (to carry what json.dumps would not write)."""
    body = '{"client_id": "client-hostile-1", "mutations": [' + ", ".join(mutations) + "]}"
    headers = {**api.login(user), "Content-Type": "application/json"}
    return api.client.post("/sync/push", content=body.encode("utf-8"), headers=headers)


def _note(order_id: int, text_json: str, **extra: str) -> tuple[str, str]:
    mutation_id = str(uuid.uuid4())
    more = "".join(f', "{k}": {v}' for k, v in extra.items())
    args = f'{{"client_id": "{uuid.uuid4()}", "text": {text_json}{more}}}'
    return mutation_id, f'{{"id": "{mutation_id}", "order_id": {order_id}, "name": "add_note", "args": {args}}}'


def _in_progress(api: Api) -> int:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    return oid


@pytest.mark.parametrize("surrogate", SURROGATES)
def test_a_pushed_lone_surrogate_is_one_rejection_and_the_rest_applies(api: Api, surrogate: str) -> None:
    oid, other = _in_progress(api), _in_progress(api)
    good_before_id, good_before = _note(other, '"先到的备注"')
    bad_id, bad = _note(oid, f'"{surrogate}"')
    good_after_id, good_after = _note(other, '"后到的备注"')
    response = _push(api, "zj_chief", [good_before, bad, good_after])
    assert response.status_code == 200, response.text
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[bad_id]["status"] == "rejected"
    assert results[bad_id]["code"] == "invalid_input"
    assert results[bad_id]["message_zh"] and results[bad_id]["message_en"]
    assert results[bad_id]["detail"][0]["loc"] == ["text"]
    assert results[good_before_id]["status"] == results[good_after_id]["status"] == "applied"
    assert [n["text"] for n in api.order(other)["notes"]] == ["先到的备注", "后到的备注"]
    assert api.order(oid)["notes"] == []
    # The retry a desk makes answers the stored refusal again: no 500 on any later round.
    again = _push(api, "zj_chief", [good_before, bad, good_after])
    assert again.status_code == 200
    statuses = {r["id"]: r["status"] for r in again.json()["results"]}
    assert statuses == {good_before_id: "duplicate", bad_id: "rejected", good_after_id: "duplicate"}


@pytest.mark.parametrize("surrogate", SURROGATES)
def test_the_same_text_to_add_note_is_a_422(api: Api, surrogate: str) -> None:
    oid = _in_progress(api)
    body = f'{{"client_id": "{uuid.uuid4()}", "text": "{surrogate}"}}'
    headers = {**api.login("zj_chief"), "Content-Type": "application/json"}
    response = api.client.post(f"/orders/{oid}/add-note", content=body.encode(), headers=headers)
    assert_error_body(response, 422, "invalid_input")


def test_cesu8_bytes_in_a_push_are_one_rejection(api: Api) -> None:
    """JSON decoding lets the halves through as surrogates: the mutation, not the push, is refused."""
    oid = _in_progress(api)
    bad_id, note = _note(oid, '"X"')
    raw = note.encode().replace(b'"X"', b'"\xed\xa0\x80\xed\xb0\x80"')  # a surrogate pair, each half as UTF-8
    good_id, good = _note(oid, '"正常备注"')
    body = b'{"client_id": "client-hostile-1", "mutations": [' + raw + b", " + good.encode() + b"]}"
    headers = {**api.login("zj_chief"), "Content-Type": "application/json"}
    response = api.client.post("/sync/push", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert [(r["id"], r["status"]) for r in response.json()["results"]] == [(bad_id, "rejected"), (good_id, "held")]
    assert api.order(oid)["notes"] == []


@pytest.mark.parametrize("depth", [900, 5_000, 200_000])
def test_json_nested_deep_in_a_mutation_is_one_rejection(api: Api, depth: int) -> None:
    oid, other = _in_progress(api), _in_progress(api)
    deep = "[" * depth + "]" * depth
    bad_id, bad = _note(oid, '"正文"', extra=deep)
    good_id, good = _note(other, '"正常备注"')
    response = _push(api, "zj_chief", [bad, good])
    if depth > 900:  # deeper than the JSON parser goes: the whole body is refused, cleanly
        assert_error_body(response, 422, "invalid_input")
        return
    assert response.status_code == 200, response.text
    results = {r["id"]: r for r in response.json()["results"]}
    assert results[bad_id]["status"] == "rejected" and results[bad_id]["code"] == "invalid_input"
    assert results[good_id]["status"] == "applied"


@pytest.mark.parametrize("where", ["client_id", "base", "args", "mutations"])
def test_json_nested_900_deep_anywhere_in_a_push_never_500s(api: Api, where: str) -> None:
    oid = _in_progress(api)
    deep = "[" * 900 + "]" * 900
    mutation = {"id": str(uuid.uuid4()), "order_id": oid, "name": "add_note", "args": {"text": "x"}}
    body = json.dumps({"client_id": "client-hostile-1", "mutations": [mutation]})
    body = {
        "client_id": body.replace('"client-hostile-1"', deep),
        "base": body.replace('"args"', f'"base": {{"text": {deep}}}, "args"'),
        "args": body.replace('{"text": "x"}', f'{{"text": {deep}}}'),
        "mutations": body.replace(f"[{json.dumps(mutation)}]", deep),
    }[where]
    headers = {**api.login("zj_chief"), "Content-Type": "application/json"}
    response = api.client.post("/sync/push", content=body.encode(), headers=headers)
    if response.status_code == 200:
        assert [r["status"] for r in response.json()["results"]] == ["rejected"]
    else:
        assert_error_body(response, 422, "invalid_input")


# --- what served files and refusals carry --------------------------------------------------


def _upload(api: Api, user: str, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    meta = f"sha256 {base64.b64encode(sha.encode()).decode()},filename {base64.b64encode(b'x.jpg').decode()}"
    tus = {"Tus-Resumable": "1.0.0"}
    created = api.client.post(
        "/uploads", headers={**api.login(user), **tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta}
    )
    assert created.status_code == 201, created.text
    done = api.client.patch(
        created.headers["Location"],
        content=data,
        headers={
            **api.login(user),
            **tus,
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    assert done.status_code == 204, done.text
    return sha


def test_a_served_file_is_never_sniffed_or_rendered_in_the_servers_origin(api: Api) -> None:
    photo = sample_photo(random.Random(3), "现场", datetime(2026, 11, 23, 10, tzinfo=UTC), 32.78, 119.44)
    polyglot = photo + b"<html><body><script>alert(document.cookie)</script></body></html>"
    sha = _upload(api, "zj_handler", polyglot)
    for method, path in (("GET", f"/blobs/{sha}"), ("HEAD", f"/blobs/{sha}"), ("GET", f"/blobs/{sha}/thumbnail")):
        response = api.client.request(method, path, headers=api.login("zj_handler"))
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"] == "image/jpeg"
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["content-disposition"].startswith("attachment; filename="), path
        assert "sandbox" in response.headers["content-security-policy"], path
    bulletin = api.get("/measures/bulletin", "agent", params={"month": "2026-11"})
    assert bulletin.headers["x-content-type-options"] == "nosniff"
    assert bulletin.headers["content-disposition"] == 'attachment; filename="bulletin-2026-11.pdf"'


@pytest.mark.parametrize("written", ["0", "20261130", "1764460800", "2026-11-30T00:00:00Z"])
def test_a_day_or_time_in_a_query_or_path_is_only_written_out(api: Api, written: str) -> None:
    """Pydantic alone read "0" as 1970-01-01 (and a time "20261130" as seconds): days and times
    a client sends are ISO strings only, in queries, paths and bodies alike."""
    day_fields = [
        ("GET", "/measures/ranking", "agent", {"params": {"from": written, "to": "2026-12-01"}}),
        ("GET", "/centre/board", "agent", {"params": {"date": written}}),
        ("DELETE", f"/calendar/days/{written}", "admin", {}),
        ("POST", "/calendar/days", "admin", {"json": [{"day": written, "kind": "holiday"}]}),
        ("POST", "/review-chains", "admin", {"json": {"effective_from": written, "chains": {}}}),
    ]
    for method, path, user, extra in day_fields:
        response = api.client.request(method, path, headers=api.login(user), **extra)
        assert_error_body(response, 422, "invalid_input")
    if not written.endswith("Z"):  # a full time with a zone is what a time field takes
        response = api.get("/orders", "agent", params={"due_after": written})
        assert_error_body(response, 422, "invalid_input")
        response = api.get("/orders", "agent", params={"due_after": "2026-11-30T00:00:00+08:00"})
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/orders", {"GET", "HEAD", "POST"}),
        ("DELETE", "/orders", {"GET", "HEAD", "POST"}),
        ("GET", "/sync/push", {"POST"}),
        ("POST", "/sync/pull", {"GET", "HEAD"}),
        ("PUT", "/auth/login", {"POST"}),
        # "/orders/{order_id}" matches the pattern but not its integer id: no GET here
        ("OPTIONS", "/orders/dispatch", {"POST"}),
    ],
)
def test_a_405_names_every_method_of_the_path(api: Api, method: str, path: str, allowed: set[str]) -> None:
    response = api.client.request(method, path, headers=api.login("agent"))
    assert_error_body(response, 405, "method_not_allowed")
    assert set(response.headers["allow"].split(", ")) == allowed
