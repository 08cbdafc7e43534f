"""kill -9 of the client at many points of a sync; a new process on the same store finishes the job.

The server stays up (a live uvicorn in this process); the client runs in a child process
(:mod:`tests.reliability.crash_child`) that SIGKILLs itself at the chosen point. Then this
process opens the same store directory — a restart — signs in and syncs. Every edit must be on
the server exactly once (counted in its database) and the store must converge to the server.
Before the restart the store is checked too, to prove the kill hit where it was meant to.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casework.sync import MutationStatus
from offline import open_store
from tests.fixtures.city import PASSWORD, Api, Clock
from tests.fixtures.exactly_once import assert_exactly_once, audit_head, server_results
from tests.fixtures.headless_desk import Desk, assert_converged
from tests.reliability.crash_child import BATCH, CHUNK, KILL_POINTS, PULL_LIMIT

ROOT = Path(__file__).resolve().parents[2]
EDITS = 7  # what crash_child.record_edits records


def _in_progress(api: Api, handler: str = "zj_handler") -> int:
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id(handler))
    return oid


def _run_child(tmp_path: Path, config: dict[str, Any]) -> list[dict[str, Any]]:
    path = tmp_path / "child.json"
    path.write_text(json.dumps(config))
    proc = subprocess.run(
        [sys.executable, "-m", "tests.reliability.crash_child", str(path)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -9, f"the child was not killed (exit {proc.returncode}): {proc.stderr.decode()[-3000:]}"
    trace = Path(config["trace"])
    return [json.loads(line) for line in trace.read_text().splitlines()] if trace.exists() else []


def _check_the_kill_hit(point: str, root: Path, facts: dict[str, Any], app: Any) -> None:
    """What the store and the server hold right after the kill, before any restart."""
    store = open_store(root / "local.sqlite")
    try:
        rows = store.outbox()
        status = [r["status"] for r in rows]
        stored = server_results(app, store.client_id())
        files = {f["sha256"]: f for f in store.files()}
        if point == "record-inside":
            # The check's transaction is gone as a whole: no outbox row, no photo rows.
            assert [r["name"] for r in rows] == ["add_note"] and files == {}
            return
        assert len(rows) == EDITS
        if point in ("record-committed", "upload-created", "upload-40", "upload-done", "upload-second"):
            assert status == [MutationStatus.PENDING.value] * EDITS and stored == {}
        if point == "upload-created":
            assert files[facts["sha256"]]["upload_url"] == facts["url"]
        if point in ("upload-40", "upload-done"):
            assert not any(f["uploaded"] for f in files.values())
            assert any(f["upload_url"] for f in files.values())
        if point == "upload-second":
            assert sorted(f["uploaded"] for f in files.values()) == [False, True]
        if point == "after-mark-sent":
            assert status[:BATCH] == [MutationStatus.SENT.value] * BATCH and stored == {}
            assert [r["attempts"] for r in rows[:BATCH]] == [1] * BATCH
        if point in ("push-answered", "inside-mark"):
            # The server applied the batch; this store never heard of it.
            assert status[:BATCH] == [MutationStatus.SENT.value] * BATCH
            assert {r["mutation_id"] for r in rows[:BATCH]} == set(stored)
        if point == "push-answered-2":
            assert status[:BATCH] == [MutationStatus.APPLIED.value] * BATCH
            assert status[BATCH : 2 * BATCH] == [MutationStatus.SENT.value] * BATCH and len(stored) == 2 * BATCH
        if point in ("inside-pull", "pull-commit"):
            # The page's transaction left nothing: the old cursor, none of the page's events.
            assert status == [MutationStatus.APPLIED.value] * EDITS
            assert store.cursor() == facts["cursor_before"] != facts["page_cursor"]
            new = set(facts["page_events"]) - set(facts["events_before"])
            assert new, "the killed page brought no new events: the test proves nothing"
            held = {e["seq"] for oid in {r["order_id"] for r in rows} for e in store.events(oid)}
            assert not new & held
        if point == "between-pages":
            assert store.cursor() == facts["page_cursor"]
            held = {e["seq"] for oid in {r["order_id"] for r in rows} for e in store.events(oid)}
            assert set(facts["page_events"]) <= held
    finally:
        store.close()


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_killed_client_restarts_and_every_edit_arrives_exactly_once(
    point: str, api: Api, app: Any, base_url: str, clock: Clock, tmp_path: Path, memory_keyring: Any
) -> None:
    orders = [_in_progress(api), _in_progress(api)]
    since = audit_head(app)
    root = tmp_path / "desk"
    config = {
        "point": point,
        "root": str(root),
        "trace": str(tmp_path / "trace.jsonl"),
        "base_url": base_url,
        "username": "zj_handler",
        "password": PASSWORD,
        "orders": orders,
        "now": clock.now.isoformat(),
    }
    trace = _run_child(tmp_path, config)
    assert [t["point"] for t in trace] == [point]
    _check_the_kill_hit(point, root, trace[0], app)

    # The restart: a new process (this one) opens the same directory and signs in again.
    desk = Desk.open(root, base_url, "zj_handler", persist_session=False, chunk_size=CHUNK)
    desk.engine.batch, desk.engine.pull_limit = BATCH, PULL_LIMIT
    try:
        report = desk.engine.sync()
        assert report.ok and report.conflicts == 0 and report.rejected == 0, report
        assert {r["status"] for r in desk.store.outbox()} == {MutationStatus.APPLIED.value}
        assert all(f["uploaded"] for f in desk.store.files())
        again = desk.engine.sync()
        assert again.ok and again.pushed == 0 and again.uploaded == 0, again
        assert_exactly_once(app, desk, since)
        assert_converged(desk)
        if point != "record-inside":
            detail = api.order(orders[0])
            assert detail["state"] == "in_review" and len(detail["attachments"]) == 2
            assert len(detail["replies"]) == 1 and len(api.order(orders[1])["notes"]) == 2
    finally:
        desk.close()
