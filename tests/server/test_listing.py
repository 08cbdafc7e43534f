"""``GET /orders``: every filter returns exactly the expected orders; keyset pages are stable."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from casework.deadlines import SHANGHAI
from tests.fixtures.city import Api, Clock


def _page(api: Api, as_: str = "agent", **params: Any) -> dict[str, Any]:
    response = api.get("/orders", as_, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(api: Api, as_: str = "agent", **params: Any) -> set[int]:
    page = _page(api, as_, limit=200, **params)
    ids = [o["id"] for o in page["items"]]
    assert len(ids) == len(set(ids))
    assert page["total"] == len(ids)
    assert page["next_cursor"] is None
    return set(ids)


def _cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _is_postgresql(app) -> bool:  # type: ignore[no-untyped-def]
    return app.state.engine.dialect.name == "postgresql"


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def city(api: Api) -> dict[str, int]:
    """Five orders that differ in state, category, urgency, handler, text, deadline and oversight."""
    ids = {
        "pothole": api.intake(title="文汇路路面塌陷", category_code="0101")["id"],
        "property": api.dispatched(
            "ZJJ", title="小区物业不作为", description="物业公司长期不打扫楼道。", category_code="0102"
        )["id"],
        "noise": api.dispatched(
            "CGJ",
            title="夜间施工噪声",
            description="工地夜间施工，广场舞音响也很吵。",
            category_code="0201",
            urgency="urgent",
        )["id"],
        "water": api.dispatched(
            "SWJ", title="新村小区停水", description="停水一天了。", category_code="0301", urgency="very_urgent"
        )["id"],
        "square": api.intake(title="广场舞扰民", description="每晚八点开始。", category_code="0201", urgency="urgent")[
            "id"
        ],
    }
    api.command(ids["noise"], "sign", "cg_chief")
    api.command(ids["noise"], "assign_handler", "cg_chief", handler_id=api.user_id("cg_handler"))
    api.command(ids["water"], "supervise", "agent")
    return ids


def test_state_filter_takes_repeated_params(api: Api, city: dict[str, int]) -> None:
    assert _ids(api, state="received") == {city["pothole"], city["square"]}
    assert _ids(api, state="in_progress") == {city["noise"]}
    assert _ids(api, state=["received", "in_progress"]) == {city["pothole"], city["square"], city["noise"]}
    assert _ids(api, state=["dispatched"]) == {city["property"], city["water"]}
    assert _ids(api, state="closed") == set()
    assert _ids(api) == set(city.values())
    refused = api.get("/orders", "agent", params={"state": "lost"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_input"


def test_category_filter_is_a_prefix(api: Api, city: dict[str, int]) -> None:
    assert _ids(api, category="01") == {city["pothole"], city["property"]}
    assert _ids(api, category="0101") == {city["pothole"]}
    assert _ids(api, category="02") == {city["noise"], city["square"]}
    assert _ids(api, category="03") == {city["water"]}
    assert _ids(api, category="0") == set(city.values())
    assert _ids(api, category="04") == set()
    # LIKE wildcards in the prefix are literal.
    assert _ids(api, category="0_") == set()
    assert _ids(api, category="%") == set()


def test_urgency_filter(api: Api, city: dict[str, int]) -> None:
    assert _ids(api, urgency="normal") == {city["pothole"], city["property"]}
    assert _ids(api, urgency="urgent") == {city["noise"], city["square"]}
    assert _ids(api, urgency="very_urgent") == {city["water"]}


def test_handler_and_department_filters(api: Api, city: dict[str, int]) -> None:
    assert _ids(api, handler_id=api.user_id("cg_handler")) == {city["noise"]}
    assert _ids(api, handler_id=api.user_id("zj_handler")) == set()
    assert _ids(api, department_id=api.department_id("ZJJ")) == {city["property"]}
    assert _ids(api, department_id=api.department_id("CGJ")) == {city["noise"]}
    assert _ids(api, department_id=api.department_id("CTR")) == set()


def test_text_search_in_chinese(api: Api, city: dict[str, int]) -> None:
    assert _ids(api, q="广场舞") == {city["noise"], city["square"]}  # description and title
    assert _ids(api, q="塌陷") == {city["pothole"]}
    assert _ids(api, q="物业") == {city["property"]}
    assert _ids(api, q="停水一天") == {city["water"]}
    assert _ids(api, q="地铁") == set()
    water_number = api.order(city["water"])["number"]
    assert _ids(api, q=water_number) == {city["water"]}
    assert _ids(api, q=water_number[-5:]) == {city["water"]}
    assert _ids(api, q="GY20261123") == set(city.values())
    # Combined with other filters, every condition applies.
    assert _ids(api, q="广场舞", state="received") == {city["square"]}


def test_due_window(api: Api, city: dict[str, int], clock: Clock) -> None:
    # The deadline that applies now: sign-by while dispatched, reply-by while in progress.
    due = {name: api.order(oid)["due_at"] for name, oid in city.items()}
    assert due["pothole"] is None and due["square"] is None
    at = datetime.fromisoformat
    assert at(due["water"]) == clock.now + timedelta(minutes=30)
    assert at(due["property"]) == datetime(2026, 11, 24, 17, 30, tzinfo=SHANGHAI)
    assert at(due["noise"]) == datetime(2026, 11, 25, 17, 30, tzinfo=SHANGHAI)

    in_an_hour = (clock.now + timedelta(hours=1)).isoformat()
    wednesday = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI).isoformat()
    assert _ids(api, due_before=in_an_hour) == {city["water"]}
    assert _ids(api, due_after=in_an_hour, due_before=wednesday) == {city["property"]}
    assert _ids(api, due_after=wednesday) == {city["noise"]}
    assert _ids(api, due_after=clock.now.isoformat()) == {city["water"], city["property"], city["noise"]}
    # Bounds: after is inclusive, before exclusive; the same instant in UTC means the same.
    property_due = datetime(2026, 11, 24, 17, 30, tzinfo=SHANGHAI)
    assert _ids(api, due_after=property_due.astimezone(UTC).isoformat()) == {city["property"], city["noise"]}
    assert _ids(api, due_before=property_due.isoformat()) == {city["water"]}
    naive = api.get("/orders", "agent", params={"due_before": "2026-11-25T09:00:00"})
    assert naive.status_code == 422
    assert naive.json()["code"] == "invalid_input"
    assert "time zone" in str(naive.json()["detail"])


def test_supervised_filter(api: Api, city: dict[str, int]) -> None:
    assert _ids(api, supervised="true") == {city["water"]}
    assert _ids(api, supervised="false") == set(city.values()) - {city["water"]}


def test_listing_is_scoped_to_what_the_caller_may_see(api: Api, city: dict[str, int]) -> None:
    # A department sees its dispatched orders, never what the centre has not dispatched yet.
    assert _ids(api, "cg_handler") == {city["noise"]}
    assert _ids(api, "cg_handler", category="02") == {city["noise"]}
    assert _ids(api, "zj_chief") == {city["property"]}
    assert _ids(api, "leader_zj") == {city["property"], city["water"]}
    assert _ids(api, "mayor") == set(city.values())


def test_total_counts_all_matches_not_the_page(api: Api, city: dict[str, int]) -> None:
    page = _page(api, limit=2)
    assert len(page["items"]) == 2
    assert page["total"] == 5
    assert page["next_cursor"]
    page = _page(api, limit=1, urgency="urgent")
    assert page["total"] == 2


# --- keyset pagination -----------------------------------------------------------------------


def _walk(api: Api, sort: str, limit: int, between: Any = None, **params: Any) -> list[list[int]]:
    pages: list[list[int]] = []
    cursor = None
    for _ in range(100):
        query = {"sort": sort, "limit": limit, **params}
        if cursor:
            query["cursor"] = cursor
        response = api.get("/orders", "agent", params=query)
        assert response.status_code == 200, f"page {len(pages) + 1}: {response.status_code} {response.text}"
        page = response.json()
        pages.append([o["id"] for o in page["items"]])
        cursor = page["next_cursor"]
        if cursor is None:
            return pages
        if between:
            between(len(pages))
    raise AssertionError("pagination never ended")


def test_pages_by_id_cover_every_order_once(api: Api) -> None:
    ids = [api.intake(title=f"第{i}号诉求")["id"] for i in range(25)]
    pages = _walk(api, "-id", 7)
    assert [len(p) for p in pages] == [7, 7, 7, 4]
    flat = [oid for page in pages for oid in page]
    assert flat == sorted(ids, reverse=True)


def test_pages_by_id_are_stable_while_orders_arrive_and_change(api: Api) -> None:
    ids = [api.intake(title=f"第{i}号诉求")["id"] for i in range(25)]
    newcomers: list[int] = []
    totals: list[int] = []

    def meanwhile(pages_read: int) -> None:
        newcomers.append(api.intake(title=f"翻页期间新来的第{pages_read}件")["id"])
        # An older order, not yet read, changes state: it must still come exactly once.
        api.command(ids[pages_read], "dispatch", "agent", lead_department_id=api.department_id("ZJJ"))
        totals.append(_page(api, limit=1)["total"])

    pages = _walk(api, "-id", 7, between=meanwhile)
    flat = [oid for page in pages for oid in page]
    assert len(flat) == len(set(flat)), "an order came twice"
    assert flat == sorted(ids, reverse=True), "an older order was skipped or new ones crept in"
    assert not set(newcomers) & set(flat)
    assert totals == [26, 27, 28]
    # A new first page shows the newcomers first.
    assert [o["id"] for o in _page(api, limit=3)["items"]] == sorted(newcomers, reverse=True)


def test_pages_with_a_filter(api: Api) -> None:
    urgent = [api.intake(urgency="urgent")["id"] for _ in range(9)]
    for _ in range(6):
        api.intake()
    pages = _walk(api, "-id", 4, urgency="urgent")
    assert [oid for page in pages for oid in page] == sorted(urgent, reverse=True)


@pytest.fixture
def deadlines(api: Api, clock: Clock) -> dict[str, list[int]]:
    """Orders with tied, distinct and missing deadlines."""
    tied = [api.dispatched("ZJJ")["id"] for _ in range(4)]  # sign by tomorrow 17:30, all four
    urgent = []
    for minutes in (3, 1, 2):  # dispatched out of id order: due order differs from id order
        clock.now = clock.now.replace(minute=minutes)
        urgent.append(api.dispatched("CGJ", urgency="urgent")["id"])
    none = [api.intake()["id"] for _ in range(3)]  # not dispatched: no deadline, sort last
    return {"tied": tied, "urgent": urgent, "none": none}


def _due_order(d: dict[str, list[int]]) -> list[int]:
    by_minute = dict(zip((3, 1, 2), d["urgent"], strict=True))
    return [by_minute[1], by_minute[2], by_minute[3], *sorted(d["tied"]), *sorted(d["none"])]


def test_sort_by_due_orders_by_deadline_then_id(api: Api, deadlines: dict[str, list[int]]) -> None:
    page = _page(api, sort="due", limit=50)
    assert [o["id"] for o in page["items"]] == _due_order(deadlines)
    assert page["total"] == 10
    dues = [o["due_at"] for o in page["items"]]
    assert dues[7:] == [None, None, None]
    assert [datetime.fromisoformat(d) for d in dues[:7]] == sorted(datetime.fromisoformat(d) for d in dues[:7])


def test_pages_by_due_cover_every_order_once(api: Api, deadlines: dict[str, list[int]]) -> None:
    pages = _walk(api, "due", 3)
    assert [oid for page in pages for oid in page] == _due_order(deadlines)
    assert [len(p) for p in pages] == [3, 3, 3, 1]


def test_pages_by_due_first_page_and_cursor(api: Api, deadlines: dict[str, list[int]]) -> None:
    first = _page(api, sort="due", limit=3)
    assert [o["id"] for o in first["items"]] == _due_order(deadlines)[:3]
    assert first["total"] == 10
    assert first["next_cursor"]


# --- bad cursors and parameters --------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "%%%",
        _cursor({"id": 5}),
        _cursor([1, 2, 3]),
        _cursor([1, "2"]),
        _cursor([1, 2.5]),
        _cursor("x"),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
@pytest.mark.parametrize("sort", ["-id", "due"])
def test_a_garbage_cursor_is_422_bad_cursor(api: Api, cursor: str, sort: str) -> None:
    api.intake()
    response = api.get("/orders", "agent", params={"sort": sort, "cursor": cursor})
    assert response.status_code == 422, response.text
    body = response.json()
    # Outside the base64 alphabet the schema's pattern refuses it; inside, the server's decoding.
    assert body["code"] == ("invalid_input" if cursor in ("garbage!!", "%%%") else "bad_cursor")
    assert body["message_zh"] and body["message_en"]


def test_a_cursor_with_a_bad_due_key_is_422(api: Api) -> None:
    api.intake()
    for key in ("yesterday", 17, [1], "2026-11-24T09:30:00"):  # the last one has no time zone
        response = api.get("/orders", "agent", params={"sort": "due", "cursor": _cursor([key, 1])})
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "bad_cursor"


@pytest.mark.parametrize("last_id", [2**63, -(2**70)])
def test_a_cursor_with_a_huge_id_is_422(api: Api, last_id: int) -> None:
    api.intake()
    response = api.get("/orders", "agent", params={"sort": "-id", "cursor": _cursor([1, last_id])})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "bad_cursor"


@pytest.mark.parametrize(
    "params",
    [{"sort": "id"}, {"sort": "-due"}, {"limit": 0}, {"limit": 201}, {"limit": "all"}, {"q": "路" * 101}],
)
def test_bad_listing_parameters_are_422(api: Api, params: dict[str, Any]) -> None:
    response = api.get("/orders", "agent", params=params)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_input"


def test_large_filter_ids_find_nothing(api: Api, app, request: pytest.FixtureRequest) -> None:  # type: ignore[no-untyped-def]
    api.dispatched("ZJJ")
    assert _ids(api, handler_id=2**31 - 1) == set()
    assert _ids(api, department_id=2**31 - 1) == set()


def test_search_text_with_like_wildcards_is_literal(api: Api) -> None:
    discount = api.intake(title="商场宣传全场100%返现")["id"]
    api.intake(title="押金1000元不退")
    api.intake(title="路面_塌陷")
    assert _ids(api, q="100%") == {discount}
    assert _ids(api, q="%") == {discount}
    assert len(_ids(api, q="_")) == 1
