"""Work lists, filters, sorting and Chinese full-text search over the local store."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from casework.lifecycle import Command
from casework.roles import Actor, Role
from casework.schemas import ReturnForReworkBody
from casework.sync import PullResponse
from offline import Store, search
from offline.models import orders
from offline.worklists import Filters, WorkList, condition, counts_query, is_new, page_query
from tests.fixtures.orders import HANDLER, order, pull, revoke, upsert

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


def test_the_centres_lists_hold_what_the_centre_may_act_on(store: Store) -> None:
    """待派单, 待裁定 and 待回访 follow what the centre may do now (the actions casework computed)."""
    agent = Actor(user_id=1, role=Role.CENTRE_AGENT, department_id=1)
    store.apply_pull(
        pull(
            upsert(order(11, "received", title="新来电", allowed_commands=["dispatch", "merge"]), 1),
            upsert(order(12, "return_requested", title="申请退单", allowed_commands=["rule_return"]), 2),
            upsert(order(13, "in_progress", title="申请延期", allowed_commands=["rule_extension", "supervise"]), 3),
            upsert(order(14, "replied", title="待回访", due_at=_due(5), allowed_commands=["record_callback"]), 4),
            upsert(order(15, "replied", title="已回访", due_at=_due(1), allowed_commands=["close", "reopen"]), 5),
            upsert(order(16, "in_progress", title="办理中", allowed_commands=["supervise", "remind"]), 6),
            upsert(order(17, "received", title="他人不可派", allowed_commands=[]), 7),
        )
    )
    assert _ids(store, WorkList.TO_DISPATCH, agent) == [11]
    assert _ids(store, WorkList.TO_RULE, agent) == [12, 13]
    assert _ids(store, WorkList.TO_CALL_BACK, agent) == [15, 14]  # by deadline
    assert set(_ids(store, WorkList.ALL, agent)) == set(range(11, 18))


def test_a_chief_sees_the_departments_orders_in_hand(city: Store) -> None:
    """办理中 and 退回待办 of a chief (or head) are the department's, whoever handles them."""
    chief = Actor(user_id=5, role=Role.SECTION_CHIEF, department_id=3, may_sign=True)
    assert _ids(city, WorkList.MINE, chief) == [3, 2, 6]  # order 3 is another handler's: still the department's
    assert _ids(city, WorkList.RETURNED, chief) == [6]


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


def test_channel_tag_and_days_received(store: Store) -> None:
    """更多筛选: the channel and a tag as the server sent them, the days by Beijing midnights."""
    store.apply_pull(
        pull(
            upsert(
                order(1, "dispatched", channel="wechat", tags=["噪音", "夜间"], received_at="2026-03-01T15:59:00Z"), 1
            ),
            upsert(order(2, "dispatched", channel="wechat", tags=["噪音夜间"], received_at="2026-03-01T16:00:00Z"), 2),
            upsert(order(3, "dispatched", channel="phone", tags=["噪音"], received_at="2026-03-02T10:00:00Z"), 3),
        )
    )
    assert _ids(store, WorkList.ALL, channel="wechat") == [1, 2]
    assert _ids(store, WorkList.ALL, tag="噪音") == [1, 3]  # a whole tag, not a part of one
    assert _ids(store, WorkList.ALL, channel="wechat", tag="噪音") == [1]
    march_2 = datetime.fromisoformat("2026-03-02T00:00:00+08:00")  # = 2026-03-01T16:00Z
    assert _ids(store, WorkList.ALL, received_from=march_2) == [2, 3]
    assert _ids(store, WorkList.ALL, received_before=march_2) == [1]
    assert _ids(store, WorkList.ALL, tag="无此标签") == []


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


def _new(store: Store) -> list[int]:
    return [r["id"] for r in store.rows(page_query(is_new()), 100)]


def test_new_marks_what_arrived_after_the_first_download_until_opened(store: Store) -> None:
    # The first download of a fresh profile, in two pages: nothing in it is new.
    first = PullResponse(
        changes=[upsert(order(1, allowed_commands=["sign"]), 1)], cursor="c1", has_more=True, reset=False
    )
    store.apply_pull(first)
    store.apply_pull(pull(upsert(order(2, allowed_commands=["sign"]), 2), cursor="c2"))
    assert _new(store) == []

    # Later: a new dispatch (3) and a change to one already here (1).
    store.apply_pull(
        pull(upsert(order(3, allowed_commands=["sign"]), 3), upsert(order(1, version=2, title="改"), 4), cursor="c3")
    )
    assert _new(store) == [3]
    rows = {r["id"]: r for r in store.rows(page_query(condition(WorkList.ALL, HANDLER, NOW)), 100)}
    assert (rows[3]["new"], rows[1]["new"]) == (True, False)
    counts = store.rows(counts_query([WorkList.TO_SIGN, WorkList.ALL], HANDLER, NOW), 1)[0]
    assert counts == {"to_sign": 2, "to_sign:new": 1, "all": 3, "all:new": 1}

    assert store.mark_seen(3) is True  # opened: no longer new
    assert _new(store) == []
    assert store.mark_seen(3) is False and store.mark_seen(1) is False  # nothing to clear
    assert store.seen(3)["seen_version"] == 1  # type: ignore[index]

    # Handed back to the centre and dispatched here again: new again.
    store.apply_pull(pull(revoke(3, 5), cursor="c4"))
    store.apply_pull(pull(upsert(order(3, version=4), 6), cursor="c5"))
    assert _new(store) == [3]

    # A reset downloads everything again: that is not news either.
    store.mark_seen(3)
    store.apply_pull(pull(upsert(order(1, version=5), 7), upsert(order(4), 8), cursor="c6", reset=True))
    assert _new(store) == []


def test_returned_covers_review_returns_rehandling_and_refused_returns(city: Store) -> None:
    request = {
        "reason_code": "not_our_duty",
        "reason": "非本单位职责",
        "requested_at": NOW.isoformat(),
        "department_id": 3,
    }
    city.apply_pull(
        pull(
            upsert(order(7, "in_progress", handler_id=7, reopen_count=1), 7),  # 重办
            upsert(order(8, "in_progress", handler_id=7, return_request=request), 8),  # return refused
            upsert(order(9, "dispatched", return_request={**request, "department_id": 5}), 9),  # accepted: new dept
        )
    )
    assert _ids(city, WorkList.RETURNED) == [6, 7, 8]
    rows = {r["id"]: r for r in city.rows(page_query(condition(WorkList.ALL, HANDLER, NOW)), 100)}
    assert [i for i, r in sorted(rows.items()) if r["returned"]] == [6, 7, 8]


@pytest.mark.parametrize("text", ["路", "噪音", "文汇路", "路 噪音", "盂城小区", "没有"])
def test_each_way_of_looking_up_a_term_finds_the_same(city: Store, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A term few orders hold is answered by its orders read first; one that many hold is matched order
    by order in the list's order (the page stops early). Neither changes what is found."""
    plain = Filters(text=text).condition()
    rare = city.term_hits(text)
    assert None not in rare.values()  # six orders: nothing is common here
    monkeypatch.setattr(search, "COMMON", 1)
    common = city.term_hits(text)
    assert {t for t, ids in common.items() if ids is None} == {t for t in text.split() if t != "没有"}
    expected = [r["id"] for r in city.rows(page_query(plain), 100)]
    for hits in (rare, common):
        where = Filters(text=text).condition(hits)
        assert [r["id"] for r in city.rows(page_query(where), 100)] == expected
        assert city.count(where) == len(expected)


def test_a_cancelled_list_query_stops_and_answers_nothing(city: Store) -> None:
    where = Filters(text="路").condition()
    assert city.rows(page_query(where), 100) != []
    assert city.rows(page_query(where), 100, cancelled=lambda: True) == []
    assert city.count(where, cancelled=lambda: True) == 0
    assert city.count(where) > 0  # the connection is usable again afterwards


def test_a_read_does_not_hold_up_a_write(city: Store) -> None:
    """Reads begin a plain transaction: one left open (a long list query) does not keep a write waiting."""
    with city._reads.connect() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM orders").scalar_one()  # inside its transaction now
        city.keep_draft(2, "reply", {"text": "已联系施工方"})  # would wait out busy_timeout, then fail
    assert city.draft(2, "reply")["content"] == {"text": "已联系施工方"}  # type: ignore[index]


def test_a_write_waits_out_a_sync_transaction_of_several_seconds(city: Store) -> None:
    """A sync transaction that holds the write lock for seconds (a slow disk; a city's index build
    did, in its last page's transaction): a draft kept (or a command recorded) meanwhile waits for it
    instead of failing with "database is locked" once 5 s had passed (``offline.db.WRITE_WAIT_MS``)."""
    holding = threading.Event()

    def last_page() -> None:
        with city._engine.begin() as conn:
            conn.exec_driver_sql("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('test_hold', '1')")
            holding.set()
            time.sleep(6)  # longer than the 5 s a write once waited

    page = threading.Thread(target=last_page)
    page.start()
    try:
        assert holding.wait(10)
        city.keep_draft(2, "reply", {"text": "已联系施工方"})
    finally:
        page.join()
    assert city.draft(2, "reply")["content"] == {"text": "已联系施工方"}  # type: ignore[index]


@pytest.mark.parametrize("work_list", [WorkList.MINE, WorkList.TO_SIGN, WorkList.CLOSED])
def test_a_list_of_one_state_is_read_from_the_list_index_alone(city: Store, work_list: WorkList) -> None:
    """Each orders row holds the JSON before the list's columns: a list of one state reads its page (in
    the due-date order, no sort) and its count from ``ix_orders_list``, never the rows."""
    where = condition(work_list, HANDLER, NOW)
    page, count = page_query(where).limit(200), select(func.count()).select_from(orders).where(where)
    with city._reads.connect() as conn:
        for query in (page, count):
            sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
            plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
            reads = [step for step in plan if " orders " in f"{step} "]
            assert len(reads) == 1 and " USING COVERING INDEX ix_orders_" in reads[0], plan
            assert query is count or reads[0] == "SEARCH orders USING COVERING INDEX ix_orders_list (state=?)", plan
            assert not any("ORDER BY" in step for step in plan), plan
