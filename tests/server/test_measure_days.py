"""The days that are over are read from their kept counts (``server.measures.days``): the figures
are those counted from the facts, also after a fact written late on a counted day and after a
rebuild of the facts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from server.db import write_intent
from server.measures import days, service
from server.measures.facts import rebuild
from server.measures.periods import midnight
from server.models import MeasureDayCount, MeasureDayCounted, MeasureFact
from tests.fixtures.city import Api, Clock
from tests.fixtures.week import at, build_week, replied

NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))


def figures(app: Any, api: Api, now: datetime) -> tuple[object, ...]:
    with Session(app.state.engine) as session:
        found = (
            service.ranking(session, *NOVEMBER, now),
            [service.department(session, api.department_id(code), *NOVEMBER, now) for code in ("ZJJ", "CGJ")],
            service.today(session, now),
        )
        session.commit()  # the counts filled on the way are kept
        return found


def counted_from_the_facts(app: Any, api: Api, now: datetime, monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    with monkeypatch.context() as patch:
        patch.setattr(days, "over", lambda w: None)  # no day is read from its counts
        return figures(app, api, now)


def marked(app: Any) -> set[date]:
    with Session(app.state.engine) as session:
        return set(session.scalars(select(MeasureDayCounted.day)))


def test_kept_day_counts_give_the_figures_of_the_facts(  # type: ignore[no-untyped-def]
    app, api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    week = build_week(api, clock)
    at(clock, 26, 10)
    replied(api, week["e"], "zj_handler", ["zj_chief", "zj_head"])  # today: counted live
    api.command(week["e"], "record_callback", "agent", outcome="satisfied")
    now = at(clock, 26, 12)

    expected = counted_from_the_facts(app, api, now, monkeypatch)
    # Kept: 1–25 November (over), not the 26th (today); a few days per read, the rest counted live.
    over = {date(2026, 11, d) for d in range(1, 26)}
    for _ in range(10):
        assert figures(app, api, now) == expected
        if marked(app) == over:
            break
    assert marked(app) == over
    with Session(app.state.engine) as session:
        before_today = (MeasureFact.kind.in_(["dispatch", *days.WHOLE_KINDS]), MeasureFact.at < midnight(now.date()))
        kept = session.scalar(select(func.sum(MeasureDayCount.n)))
        assert kept == session.scalar(select(func.count()).where(*before_today))
        assert (kept or 0) > 10
    assert figures(app, api, now) == expected  # and read back from them

    # A fact written late, with a moment on a counted day (an import, a replay): that day's counts
    # are dropped and counted again.
    clock.now = datetime(2026, 11, 24, 15, tzinfo=SHANGHAI)
    api.dispatched("ZJJ", category_code="0102", channel="wechat")
    assert date(2026, 11, 24) not in marked(app)
    later = counted_from_the_facts(app, api, now, monkeypatch)
    assert later != expected
    assert figures(app, api, now) == later
    assert date(2026, 11, 24) in marked(app)

    # A reader that may not write (a GET on SQLite) counts a day without its counts from the facts.
    clock.now = datetime(2026, 11, 25, 16, tzinfo=SHANGHAI)
    api.dispatched("CGJ", category_code="0101")
    later = counted_from_the_facts(app, api, now, monkeypatch)
    with write_intent(False):
        assert figures(app, api, now) == later
    assert figures(app, api, now) == later

    # A rebuild of the facts drops every kept count; they are counted again from the new facts.
    with Session(app.state.engine) as session:
        rebuild(session)
        assert not session.scalar(select(func.count()).select_from(MeasureDayCounted))
        assert not session.scalar(select(func.count()).select_from(MeasureDayCount))
        session.commit()
    for _ in range(10):
        assert figures(app, api, now) == later
    assert marked(app) == over
