"""Work lists, filters, sorting and Chinese full-text search over the local store."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from casework.lifecycle import Command
from casework.roles import Actor, Role
from casework.schemas import ReturnForReworkBody
from offline import Store
from offline.worklists import Filters, WorkList, condition, page_query
from tests.offline.factory import HANDLER, order, pull, revoke, upsert

NOW = datetime.fromisoformat("2026-03-03T09:00:00+08:00")
CHIEF = Actor(user_id=8, role=Role.SECTION_CHIEF, department_id=3)


def _due(hours: float) -> str:
    return (NOW + timedelta(hours=hours)).isoformat()


@pytest.fixture
def city(store: Store) -> Store:
    store.apply_pull(
        pull(
            upsert(order(1, "dispatched", title="文汇路路灯不亮", due_at=_due(30), allowed_commands=["sign"]), 1),
            upsert(
                order(
                    2,
                    "in_progress",
                    title="海潮路噪音扰民",
                    handler_id=7,
                    urgency="very_urgent",
                    due_at=_due(2),
                    description="夜间施工噪音很大",
                    allowed_commands=["save_draft", "submit_reply"],
                ),
                2,
            ),
            upsert(order(3, "in_progress", title="小区积水", handler_id=9, due_at=_due(-5), address="盂城小区3栋"), 3),
            upsert(order(4, "in_review", title="电动车充电桩", handler_id=7, allowed_commands=["approve"]), 4),
            upsert(order(5, "closed", title="路面塌陷", handler_id=7), 5),
            upsert(
                order(
                    6,
                    "in_progress",
                    title="退回的答复",
                    handler_id=7,
                    due_at=_due(100),
                    reviews=[
                        {
                            "round": 1,
                            "level": "section_chief",
                            "reviewer_id": 8,
                            "decision": "returned",
                            "comment": "请补充整改时限",
                            "at": NOW.isoformat(),
                        }
                    ],
                ),
                6,
            ),
        )
    )
    return store


def _ids(store: Store, work_list: WorkList, actor: Actor = HANDLER, **filters: object) -> list[int]:
    where = condition(work_list, actor, NOW) & Filters(**filters).condition()  # type: ignore[arg-type]
    rows = store.rows(page_query(where, "due_at"), 100)
    assert store.count(where) == len(rows)
    return [r["id"] for r in rows]


def test_each_list_holds_what_its_name_says(city: Store) -> None:
    assert _ids(city, WorkList.TO_SIGN) == [1]
    assert _ids(city, WorkList.MINE) == [2, 6]  # by deadline; order 3 is another handler's
    assert _ids(city, WorkList.RETURNED) == [6]
    assert _ids(city, WorkList.TO_REVIEW) == [4]
    assert _ids(city, WorkList.SUBMITTED) == [4]
    assert _ids(city, WorkList.CLOSED) == [5]
    assert _ids(city, WorkList.OVERDUE) == [3]
    assert _ids(city, WorkList.DUE_SOON) == [2]
    assert set(_ids(city, WorkList.ALL)) == {1, 2, 3, 4, 5, 6}


def test_filters_and_sorting(city: Store) -> None:
    assert _ids(city, WorkList.ALL, urgency="very_urgent") == [2]
    assert _ids(city, WorkList.ALL, state="in_progress", handler_id=7) == [2, 6]
    assert _ids(city, WorkList.ALL, due_before=NOW + timedelta(hours=24)) == [3, 2]
    where = condition(WorkList.ALL, HANDLER, NOW)
    by_urgency = [r["id"] for r in city.rows(page_query(where, "urgency"), 100)]
    assert by_urgency[0] == 2
    by_number_desc = [r["id"] for r in city.rows(page_query(where, "number", descending=True), 100)]
    assert by_number_desc == [6, 5, 4, 3, 2, 1]
    assert [r["id"] for r in city.rows(page_query(where, "number"), 2, offset=2)] == [3, 4]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("积水", [3]),  # two characters: the LIKE path
        ("噪音扰民", [2]),  # title, trigram index
        ("夜间施工", [2]),  # description
        ("盂城小区", [3]),  # address
        ("000004", [4]),  # order number
        ("路 塌陷", [5]),  # every term must occur
        ("不存在的内容", []),
        ('"%_', []),  # quotes and wildcards are text, not syntax
    ],
)
def test_full_text_search_in_chinese(city: Store, text: str, expected: list[int]) -> None:
    assert sorted(o["id"] for o in city.orders(text=text)) == expected
    assert sorted(_ids(city, WorkList.ALL, text=text)) == expected


def test_lists_follow_local_edits_and_revokes(city: Store) -> None:
    city.record(CHIEF, 4, Command.RETURN_FOR_REWORK, ReturnForReworkBody(version=1, comment="重写"), now=NOW)
    # The chief's local copy moved on: no longer waiting for the chief's review.
    assert _ids(city, WorkList.TO_REVIEW, CHIEF) == []
    assert _ids(city, WorkList.MINE) == [2, 6, 4]  # back with its handler; no deadline sorts last
    city.apply_pull(pull(revoke(2, 7), cursor="c2"))
    assert _ids(city, WorkList.MINE) == [6, 4]
    assert city.orders(text="噪音") == []  # gone from the search index too
