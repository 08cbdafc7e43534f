"""Oversight measures on hand-built histories, driven through the API, with answers worked out by hand.

The week of Monday 23 November 2026 (no holiday): a normal order must be signed by the end of
the next working day (Tuesday 17:30) and answered within two (Wednesday 17:30). Office hours
are 08:30–17:30, 9 hours to the working day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from casework.measures import DepartmentMeasures
from server.measures import service
from server.measures.facts import rebuild
from server.models import MeasureFact
from tests.fixtures.city import Api, Clock
from tests.fixtures.week import at, build_week, replied

NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))
DAY = 9 * 3600  # one working day, in office seconds


def measures(app: Any, api: Api, code: str, now: datetime, period: tuple[date, date] = NOVEMBER) -> DepartmentMeasures:
    with Session(app.state.engine) as session:
        return service.department(session, api.department_id(code), *period, now)


@pytest.fixture
def week(api: Api, clock: Clock) -> dict[str, int]:
    return build_week(api, clock)


def test_department_measures_of_a_hand_built_week(app, api: Api, clock: Clock, week: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    now = at(clock, 25, 18)
    m = measures(app, api, "ZJJ", now)
    assert (m.start, m.end, m.as_of) == (*NOVEMBER, now)
    # Signing, over a b c e (Mon 09:00) and d (Mon 11:00): a, c on time; b and e (refused return) late;
    # d still unsigned past Tuesday 17:30 — it counts against the rate instead of staying out of it.
    assert (m.dispatched, m.signed, m.signed_on_time, m.unsigned_overdue) == (5, 4, 2, 1)
    assert m.on_time_signing_rate == 2 / 5
    # Closure: a closed on time; b, d, e open past Wednesday 17:30 (c's new deadline is Thursday).
    assert (m.closed, m.closed_on_time, m.open_overdue) == (1, 1, 3)
    assert m.on_time_closure_rate == 1 / 4
    assert (m.callbacks_reached, m.satisfied, m.satisfaction_rate) == (2, 1, 1 / 2)
    assert (m.replied, m.replied_on_time, m.resolved, m.resolution_rate) == (2, 2, 1, 1 / 2)
    assert (m.return_requests, m.return_rate) == (1, 1 / 5)
    assert (m.reopened, m.rehandling_rate) == (1, 1 / 2)
    # a: Mon 09:00–17:30 + Tue 08:30–10:00 = 10 h.  c: Mon 09:00 → Tue 11:30 = 11.5 office hours,
    # of which 4 h at the leaders' levels (Mon 16:30–17:30, Tue 08:30–11:30): 7.5 h the department's.
    assert m.avg_handling_days == pytest.approx((10 + 7.5) * 3600 / 2 / DAY)
    assert m.avg_leader_review_days == pytest.approx(4 * 3600 / 2 / DAY)
    assert [(v.code, v.name, v.count) for v in m.by_category] == [("0101", "道路维修", 3), ("0102", "物业管理", 2)]
    assert [(v.code, v.name, v.count) for v in m.by_channel] == [("phone", "12345热线电话", 4), ("wechat", "微信", 1)]

    # 城管局 had d for two hours and asked to return it: its share of the history.
    cg = measures(app, api, "CGJ", now)
    # Its return request answered the dispatch: d, now 住建局's, is not 城管局's missed signature.
    assert (cg.dispatched, cg.signed, cg.unsigned_overdue, cg.return_requests, cg.return_rate) == (1, 0, 0, 1, 1.0)
    assert (cg.on_time_signing_rate, cg.on_time_closure_rate, cg.satisfaction_rate) == (None, None, None)
    assert (cg.open_overdue, cg.avg_handling_days, cg.by_category[0].code) == (0, None, "0101")


def test_figures_stand_as_of_their_moment(app, api: Api, clock: Clock, week: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    """Overdue is read at as_of; later events never change a past moment's or a past month's figures."""
    assert measures(app, api, "ZJJ", datetime(2026, 11, 25, 17, 29, tzinfo=SHANGHAI)).open_overdue == 0
    assert measures(app, api, "ZJJ", datetime(2026, 11, 25, 17, 31, tzinfo=SHANGHAI)).open_overdue == 3
    # Asked for at Tuesday 12:00, the week reads as it stood then: a replied but not yet closed.
    tuesday = measures(app, api, "ZJJ", datetime(2026, 11, 24, 12, tzinfo=SHANGHAI))
    assert (tuesday.signed, tuesday.replied, tuesday.closed, tuesday.reopened, tuesday.callbacks_reached) == (
        2,
        2,
        0,
        0,
        0,
    )

    end_of_month = datetime(2026, 12, 1, tzinfo=SHANGHAI)
    november = measures(app, api, "ZJJ", end_of_month)
    assert november.as_of == end_of_month
    assert november.open_overdue == 4  # c's second deadline (Thu 17:30) passed too

    # December: b is answered late and closed; a is sent back for re-handling. November does not move.
    a, b = week["a"], week["b"]
    at(clock, 2, 9, month=12)
    replied(api, b, "zj_handler", ["zj_chief", "zj_head"])
    api.command(b, "record_callback", "agent", outcome="satisfied")
    api.command(b, "close", "agent")
    later = at(clock, 10, 9, month=12)
    api.command(a, "reopen", "agent", instruction="复查")
    assert measures(app, api, "ZJJ", later) == november
    december = measures(app, api, "ZJJ", later, (date(2026, 12, 1), date(2027, 1, 1)))
    assert (december.dispatched, december.replied, december.replied_on_time) == (0, 1, 0)
    assert (december.closed, december.closed_on_time, december.open_overdue) == (1, 0, 3)  # c, d, e still overdue
    assert (december.reopened, december.rehandling_rate) == (1, 1.0)  # a's November reply, sent back in December


def test_an_extension_moves_the_overdue_start(app, api: Api, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    at(clock, 23, 9)
    early = api.dispatched("SWJ", category_code="0301")["id"]  # extended before its deadline
    late = api.dispatched("SWJ", category_code="0301")["id"]  # extended once already overdue
    api.command(early, "sign", "sw_chief")
    api.command(late, "sign", "sw_chief")
    api.command(early, "request_extension", "sw_handler", days=3, reason="需协调管线迁改")
    at(clock, 23, 11)
    api.command(early, "rule_extension", "agent", approve=True)  # due Wed 25 → Mon 30 17:30
    at(clock, 26, 10)
    api.command(late, "request_extension", "sw_handler", days=2, reason="等待检测报告")
    at(clock, 26, 11)
    api.command(late, "rule_extension", "agent", approve=True)  # due Wed 25 → Fri 27 17:30

    def overdue(day: int, hour: int) -> int:
        return measures(app, api, "SWJ", datetime(2026, 11, day, hour, tzinfo=SHANGHAI)).open_overdue

    assert overdue(25, 17) == 0
    assert overdue(26, 10) == 1  # late: overdue from Wednesday 17:30 until the extension
    assert overdue(26, 12) == 0
    assert overdue(27, 18) == 1  # late: its new deadline passed
    assert overdue(30, 18) == 2  # early: overdue only once the extended deadline passed


def test_a_late_reply_stays_overdue_until_closed(app, api: Api, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    at(clock, 23, 9)
    oid = api.dispatched("CGJ", category_code="0201")["id"]
    api.command(oid, "sign", "cg_chief")
    at(clock, 26, 10)  # a day late
    replied(api, oid, "cg_handler", ["cg_chief", "cg_head"], result="partly_resolved")
    at(clock, 26, 15)
    api.command(oid, "record_callback", "agent", outcome="basically_satisfied")
    at(clock, 26, 16)
    api.command(oid, "close", "agent")

    waiting = measures(app, api, "CGJ", datetime(2026, 11, 26, 12, tzinfo=SHANGHAI))
    assert (waiting.replied, waiting.replied_on_time, waiting.open_overdue, waiting.closed) == (1, 0, 1, 0)
    assert waiting.on_time_closure_rate == 0.0
    done = measures(app, api, "CGJ", clock.now)
    assert (done.open_overdue, done.closed, done.closed_on_time, done.on_time_closure_rate) == (0, 1, 0, 0.0)
    assert (done.satisfied, done.satisfaction_rate, done.resolution_rate) == (1, 1.0, 0.0)
    # Mon 09:00 → Thu 10:00: Mon 8.5 h + Tue 9 + Wed 9 + Thu 1.5 = 28 office hours.
    assert done.avg_handling_days == pytest.approx(28 / 9)


def test_ranking_scores_and_breaks_ties(app, api: Api, clock: Clock, week: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    now = at(clock, 25, 18)
    with Session(app.state.engine) as session:
        entries = service.ranking(session, *NOVEMBER, now)
    assert [(e.rank, e.measures.department_code) for e in entries] == [(1, "ZJJ"), (2, "CGJ"), (None, "SWJ")]
    zjj, cgj, swj = entries
    # closure .25×.30 + satisfaction .5×.30 + resolution .5×.15 + signing .4×.10
    # + (1 − re-handling .5)×.10 + (1 − return .2)×.05
    assert zjj.score == pytest.approx(100 * (0.075 + 0.15 + 0.075 + 0.04 + 0.05 + 0.04))
    assert cgj.score == 0.0  # only its return rate (100 %) is measurable
    assert swj.score is None

    # Two departments alike in every rate: the tie goes to the one with more orders, then the code.
    twin = dict(entries[0].measures)
    a = DepartmentMeasures(**{**twin, "department_code": "AAA", "dispatched": 1})
    b = DepartmentMeasures(**{**twin, "department_code": "BBB", "dispatched": 9})
    c = DepartmentMeasures(**{**twin, "department_code": "CCC", "dispatched": 9})
    ordered = sorted([(service.score(m), m) for m in (c, a, b)], key=service._rank_key)
    assert [m.department_code for _, m in ordered] == ["BBB", "CCC", "AAA"]


def test_rebuild_from_the_audit_log_gives_identical_figures(app, api: Api, clock: Clock, week: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    at(clock, 26, 10)
    replied(api, week["e"], "zj_handler", ["zj_chief", "zj_head"])  # late
    api.command(week["e"], "record_callback", "agent", outcome="unreachable")
    api.command(week["d"], "sign", "zj_chief")
    api.command(week["d"], "request_extension", "zj_chief", days=2, reason="协调中")
    now = at(clock, 26, 12)

    def everything() -> tuple[object, ...]:
        with Session(app.state.engine) as session:
            rows = session.execute(select(*[c for c in MeasureFact.__table__.columns if c.name != "id"])).all()
            return (
                sorted(tuple(map(str, row)) for row in rows),
                service.ranking(session, *NOVEMBER, now),
                service.hot_issues(session, *NOVEMBER, now, min_volume=1),
                service.today(session, now),
                [service.department(session, api.department_id(code), *NOVEMBER, now) for code in ("ZJJ", "CGJ")],
            )

    live = everything()
    with Session(app.state.engine) as session:
        assert rebuild(session, batch=2) == 5  # small batches: the batching is exercised too
        session.commit()
    assert everything() == live
    assert len(live[0]) > 12


def test_hot_issues_rise_against_the_previous_period(app, api: Api, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    def intake(day: date, category: str, district: str, street: str = "", count: int = 1) -> list[int]:
        received = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI).replace(hour=10)
        return [
            api.intake(received_at=received.isoformat(), category_code=category, district=district, street=street)["id"]
            for _ in range(count)
        ]

    october, november = date(2026, 10, 15), date(2026, 11, 10)  # the previous 30 days are 2 Oct – 31 Oct
    intake(october, "0201", "城北街道", "北海路", 2)
    intake(november, "0201", "城北街道", "北海路", 6)
    spam = intake(november, "0201", "城北街道", "北海路")[0]
    api.command(spam, "invalidate", "agent", reason="骚扰电话")  # invalid: not a citizen's issue
    intake(november, "0301", "城南街道", count=5)  # none before: new
    intake(october, "0101", "高邮街道", count=5)
    intake(november, "0101", "高邮街道", count=5)  # no rise
    intake(november, "0102", "高邮街道", count=4)  # too few on its own
    intake(date(2026, 9, 30), "0102", "高邮街道", count=9)  # before the previous period: ignored

    with Session(app.state.engine) as session:
        hot = service.hot_issues(session, *NOVEMBER, clock.now)
    assert [(h.kind, h.code, h.name, h.count, h.previous, h.rise, h.rise_ratio) for h in hot] == [
        ("category", "0301", "停水", 5, 0, 5, None),
        ("district", "城南街道", "城南街道", 5, 0, 5, None),
        ("category", "0201", "噪声扰民", 6, 2, 4, 2.0),
        ("district", "城北街道", "城北街道", 6, 2, 4, 2.0),
        ("street", "城北街道/北海路", "城北街道北海路", 6, 2, 4, 2.0),
        ("district", "高邮街道", "高邮街道", 9, 5, 4, 0.8),
    ]
    response = api.get("/measures/hot", "agent", params={"month": "2026-11", "min_volume": 6, "min_rise_percent": 100})
    assert response.status_code == 200, response.text
    assert [h["code"] for h in response.json()] == ["0201", "城北街道", "城北街道/北海路"]


def test_hot_issues_count_tags(app, api: Api, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    """Tags are counted from each order's list: an order with two tags counts for both, an order
    without tags for none, an invalidated order not at all; the previous period the same way."""

    def intake(day: date, tags: list[str], count: int = 1) -> list[int]:
        received = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI).replace(hour=10)
        return [api.intake(received_at=received.isoformat(), tags=tags)["id"] for _ in range(count)]

    october, november = date(2026, 10, 15), date(2026, 11, 10)
    intake(october, ["夜间施工"])
    intake(november, ["夜间施工", "噪声"], 5)
    intake(november, ["噪声"], 2)
    intake(november, [], 3)
    spam = intake(november, ["噪声"])[0]
    api.command(spam, "invalidate", "agent", reason="骚扰电话")

    with Session(app.state.engine) as session:
        hot = service.hot_issues(session, *NOVEMBER, clock.now)
    assert [(h.code, h.name, h.count, h.previous, h.rise, h.rise_ratio) for h in hot if h.kind == "tag"] == [
        ("噪声", "噪声", 7, 0, 7, None),
        ("夜间施工", "夜间施工", 5, 1, 4, 4.0),
    ]


def test_today_figures_for_the_big_screen(app, api: Api, clock: Clock, week: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    now = at(clock, 25, 18)
    api.intake()  # received today, not dispatched
    with Session(app.state.engine) as session:
        figures = service.today(session, now)
    assert (figures.as_of, figures.day, figures.month_start) == (now, date(2026, 11, 25), date(2026, 11, 1))
    assert (figures.intake_today, figures.closed_today) == (1, 0)
    assert (figures.in_progress, figures.awaiting_callback, figures.overdue) == (4, 0, 3)  # b c e in progress, d
    assert (figures.on_time_closure_rate, figures.satisfaction_rate) == (1 / 4, 1 / 2)
    body = api.get("/measures/today", "mayor").json()
    assert body["overdue"] == 3 and body["in_progress"] == 4


# --- who sees what ---------------------------------------------------------------------------

NOT_FOUND = {
    "code": "not_found",
    "message_zh": "单位不存在或无权访问",
    "message_en": "The department does not exist or is not visible to you",
    "detail": None,
}
CITY_WIDE = ("/measures/ranking", "/measures/hot", "/measures/today")


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("zj_handler", {"ZJJ"}),
        ("zj_chief", {"ZJJ"}),
        ("cg_head", {"CGJ"}),
        ("leader_zj", {"ZJJ", "SWJ"}),
        ("leader_cg", {"CGJ"}),
        ("mayor", {"ZJJ", "CGJ", "SWJ"}),
        ("agent", {"ZJJ", "CGJ", "SWJ"}),
        ("admin", {"ZJJ", "CGJ", "SWJ"}),
    ],
)
def test_who_sees_which_measures(api: Api, user: str, visible: set[str]) -> None:
    for code in ("ZJJ", "CGJ", "SWJ", "CTR", "LDR"):
        response = api.get(f"/measures/departments/{api.department_id(code)}", user, params={"month": "2026-11"})
        if code in visible:
            assert response.status_code == 200, (user, code, response.text)
            assert response.json()["department_code"] == code
        else:  # another department answers exactly like one that does not exist
            assert (response.status_code, response.json()) == (404, NOT_FOUND), (user, code)
    missing = api.get("/measures/departments/99999", user)
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
    department_staff = user.startswith(("zj_", "cg_"))
    for path in CITY_WIDE:
        response = api.get(path, user)
        assert response.status_code == (403 if department_staff else 200), (user, path, response.text)
        if department_staff:
            assert response.json()["code"] == "forbidden"


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"month": "2026-1"},
        {"month": "1999-12"},
        {"month": "2026-11", "from": "2026-11-01", "to": "2026-11-08"},
        {"from": "2026-11-01"},
        {"from": "2026-11-08", "to": "2026-11-08"},
        {"from": "2026-11-08", "to": "2026-11-01"},
        {"from": "2025-01-01", "to": "2026-11-01"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "2026-02-30", "to": "2026-03-01"},
    ],
)
def test_bad_periods_are_refused(api: Api, params: dict[str, str]) -> None:
    for path in (f"/measures/departments/{api.department_id('ZJJ')}", *CITY_WIDE[:2]):
        response = api.get(path, "agent", params=params)
        assert response.status_code == 422, (path, params, response.text)
        assert response.json()["code"] in ("bad_period", "invalid_input")


def test_a_date_range_and_the_current_month_by_default(api: Api, clock: Clock, week: dict[str, int]) -> None:
    at(clock, 25, 18)
    zjj = api.department_id("ZJJ")
    by_default = api.get(f"/measures/departments/{zjj}", "zj_head").json()
    assert (by_default["start"], by_default["end"], by_default["dispatched"]) == ("2026-11-01", "2026-12-01", 5)
    # The days of the month so far, today's included; none of the days still ahead (not a drop to zero).
    days = [v["day"] for v in by_default["by_day"]]
    assert (days[0], days[-1], len(days)) == ("2026-11-01", "2026-11-25", 25)
    monday = api.get(f"/measures/departments/{zjj}", "zj_head", params={"from": "2026-11-23", "to": "2026-11-24"})
    assert monday.json()["dispatched"] == 5
    assert monday.json()["by_day"] == [{"day": "2026-11-23", "count": 5}]
    ahead = api.get(f"/measures/departments/{zjj}", "zj_head", params={"month": "2026-12"}).json()
    assert (ahead["dispatched"], ahead["by_day"]) == (0, [])
    tuesday = api.get(f"/measures/departments/{zjj}", "zj_head", params={"from": "2026-11-24", "to": "2026-11-25"})
    assert (tuesday.json()["dispatched"], tuesday.json()["replied"], tuesday.json()["closed"]) == (0, 2, 1)
    ranking = api.get("/measures/ranking", "leader_cg", params={"month": "2026-11"}).json()
    assert [e["measures"]["department_code"] for e in ranking["entries"]] == ["ZJJ", "CGJ", "SWJ"]
    assert sum(ranking["weights"].values()) == pytest.approx(1.0)
