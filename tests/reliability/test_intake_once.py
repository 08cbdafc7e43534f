"""Intakes taken in on a desk reach the server exactly once: whatever the network loses, however
often a push is sent again and even when the desk is killed with the server's answer in hand. The
provisional orders give way to the server's, the dispatch queued on one follows under its id."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api_client.errors import Offline
from casework.lifecycle import Command
from casework.sync import COMMAND_ARGS, MutationStatus, PushRequest
from offline import open_store
from server.models import Order
from tests.fixtures.city import Api
from tests.fixtures.exactly_once import server_results
from tests.fixtures.fault_proxy import PASS, Fault, FaultProxy
from tests.fixtures.headless_desk import Desk, assert_converged
from tests.reliability.intake_child import TITLES, intake

ROOT = Path(__file__).resolve().parents[2]


def _orders_titled(app: Any, title: str) -> list[Order]:
    with Session(app.state.engine) as session:
        return list(session.scalars(select(Order).where(Order.title == title)))


def _one_each(app: Any, desk: Desk, api: Api) -> None:
    """One order per title on the server; the desk holds them under the server's ids, nothing provisional."""
    ids = []
    for title in TITLES:
        found = _orders_titled(app, title)
        assert len(found) == 1, f"{title}: {len(found)} orders on the server"
        ids.append(found[0].id)
    assert all(o["id"] > 0 for o in desk.store.orders())
    rows = desk.store.outbox()
    assert {r["status"] for r in rows} == {MutationStatus.APPLIED.value}
    assert {r["order_id"] for r in rows} == set(ids)
    assert api.order(ids[0])["state"] == "dispatched"
    stored = server_results(app, desk.store.client_id())
    assert {r["mutation_id"] for r in rows} <= set(stored)


def _take_calls(desk: Desk, api: Api) -> int:
    first = desk.store.record_intake(desk.actor, intake(TITLES[0]))
    for title in TITLES[1:]:
        desk.store.record_intake(desk.actor, intake(title))
    body = COMMAND_ARGS[Command.DISPATCH].model_validate({"lead_department_id": api.department_id("ZJJ")})
    desk.store.record(desk.actor, first.order_id, Command.DISPATCH, body)
    return first.order_id


def test_lost_answers_and_a_poll_in_between_create_each_order_once(
    api: Api, app: Any, base_url: str, tmp_path: Path, memory_keyring: Any
) -> None:
    proxy = FaultProxy(base_url)
    try:
        desk = Desk.open(tmp_path / "desk", proxy.url, "agent", persist_session=False)
        assert desk.engine.sync().ok
        provisional = _take_calls(desk, api)
        assert desk.store.order(provisional)["number"] == "待上传"  # type: ignore[index]
        # The dispatch waits behind its intake: never sent under the provisional id.
        assert [m.name for m in desk.store.pending(flush=True)] == ["intake"] * 3
        lost = {"n": 0}

        def plan(method: str, path: str) -> Fault:
            if path == "/sync/push" and lost["n"] < 2:
                lost["n"] += 1
                return Fault("lose")  # the server created the orders; the answer never arrives
            return PASS

        proxy.plan = plan
        report = desk.engine.sync()
        assert isinstance(report.error, Offline), report
        assert {r["status"] for r in desk.store.outbox() if r["name"] == "intake"} == {"sent"}
        # A poll now must not pull the orders before the push's answer names them (two rows each).
        polled = desk.engine.poll()
        assert isinstance(polled.error, Offline), polled  # it resent first; that answer was lost too
        assert all(len(_orders_titled(app, t)) == 1 for t in TITLES)
        assert desk.store.order(provisional) is not None
        assert desk.engine.poll().ok
        assert desk.store.order(provisional) is None
        assert desk.engine.sync().ok
        _one_each(app, desk, api)
        assert_converged(desk)
    finally:
        proxy.close()


def test_the_same_intake_pushed_twice_at_once_creates_one_order(
    api: Api, app: Any, base_url: str, tmp_path: Path, memory_keyring: Any
) -> None:
    desk = Desk.open(tmp_path / "desk", base_url, "agent", persist_session=False)
    assert desk.engine.sync().ok
    mutation = desk.store.record_intake(desk.actor, intake("同时送达两次"))
    request = PushRequest(client_id=desk.store.client_id(), mutations=[mutation])
    answers: list[Any] = []
    threads = [threading.Thread(target=lambda: answers.append(desk.client.push(request))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(a.results[0].status.value for a in answers)
    assert statuses == ["applied", "duplicate"]
    assert len({a.results[0].order_id for a in answers}) == 1
    assert len(_orders_titled(app, "同时送达两次")) == 1


def test_a_desk_killed_with_the_answer_in_hand_restarts_and_creates_nothing_twice(
    api: Api, app: Any, base_url: str, tmp_path: Path, memory_keyring: Any
) -> None:
    root = tmp_path / "desk"
    config = {"root": str(root), "base_url": base_url, "lead": api.department_id("ZJJ")}
    path = tmp_path / "child.json"
    path.write_text(json.dumps(config))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.reliability.intake_child", str(path)], cwd=ROOT, capture_output=True, timeout=120
    )
    assert proc.returncode == -9, f"the child was not killed (exit {proc.returncode}): {proc.stderr.decode()[-3000:]}"
    store = open_store(root / "local.sqlite")
    try:  # the kill hit where meant: the server created the orders, the store still holds them as sent
        rows = store.outbox()
        assert [r["status"] for r in rows if r["name"] == "intake"] == ["sent"] * 3
        assert all(len(_orders_titled(app, t)) == 1 for t in TITLES)
        assert [r["status"] for r in rows if r["name"] == "dispatch"] == ["pending"]
    finally:
        store.close()
    desk = Desk.open(root, base_url, "agent", persist_session=False)
    assert desk.engine.sync().ok
    _one_each(app, desk, api)
    assert_converged(desk)
    with Session(app.state.engine) as session:
        assert session.scalar(select(func.count()).select_from(Order).where(Order.tags.is_not(None))) >= 3
