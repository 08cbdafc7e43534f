"""A saturated server (503 + Retry-After, see server.lanes) slows the desk down; nothing is lost."""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

from casework.lifecycle import Command
from offline.sync import Backoff
from tests.fixtures.city import Api, Clock
from tests.fixtures.fault_proxy import PASS, Fault, FaultProxy
from tests.fixtures.headless_desk import Desk, assert_converged

RETRY_AFTER = 2


def test_the_sync_loop_waits_as_long_as_a_busy_server_asks(
    api: Api, base_url: str, tmp_path: Path, clock: Clock, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    oid = api.dispatched("ZJJ")["id"]
    api.command(oid, "sign", "zj_chief")
    api.command(oid, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler"))
    pushes: list[float] = []

    def plan(method: str, path: str) -> Fault:
        if path != "/sync/push":
            return PASS
        pushes.append(time.monotonic())
        return Fault("busy", n=RETRY_AFTER) if len(pushes) <= 2 else PASS

    proxy = FaultProxy(base_url, plan)
    try:
        desk = Desk.open(tmp_path / "desk", proxy.url, "zj_handler")
        assert desk.engine.sync().ok and pushes == []  # the order is on the desk; nothing to push yet
        # Without the server's word the loop would try again within milliseconds.
        desk.engine.backoff = Backoff(base=0.01, cap=0.02)
        note = desk.do(oid, Command.ADD_NOTE, clock.now, text="高峰时段的记录")
        reports = []
        done = threading.Event()

        def on_report(report) -> None:  # type: ignore[no-untyped-def]
            reports.append(report)
            if report.ok:
                done.set()
                desk.engine.stop()

        loop = threading.Thread(target=desk.engine.run, kwargs={"interval": 60.0, "on_report": on_report})
        loop.start()
        try:
            assert done.wait(timeout=30), reports
        finally:
            desk.engine.stop()
            loop.join(timeout=30)
        assert not loop.is_alive()

        # Two rounds were turned away, each with Retry-After: 2; the loop waited that long at least
        # (and at most half as long again: the spread that keeps turned-away desks apart).
        assert [r.error.code for r in reports[:-1]] == ["busy", "busy"]
        assert [r.error.retry_after for r in reports[:-1]] == [RETRY_AFTER, RETRY_AFTER]
        assert len(pushes) == 3
        gaps = [b - a for a, b in itertools.pairwise(pushes)]
        assert all(RETRY_AFTER <= gap <= RETRY_AFTER * 1.5 + 2 for gap in gaps), gaps
        assert reports[-1].applied == 1
        assert [n["text"] for n in api.order(oid)["notes"]] == ["高峰时段的记录"]
        assert not [m for m in desk.store.pending() if m.id == note]
        assert_converged(desk)
    finally:
        proxy.close()


def test_an_upload_waits_out_a_busy_chunk_and_goes_on(base_url: str, memory_keyring) -> None:  # type: ignore[no-untyped-def]
    """The first chunk (with the creation POST, then each PATCH) is turned away (503,
    Retry-After: 2): the tus client waits that long and sends the chunk again; then the same for a
    PATCH, after which it asks the server's offset; the photo arrives whole, once."""
    import hashlib

    from api_client import CaseDeskClient
    from tests.fixtures.city import PASSWORD
    from tests.fixtures.photos import make_jpeg

    patches: list[float] = []

    def plan(method: str, path: str) -> Fault:
        if method not in ("PATCH", "POST") or not path.startswith("/uploads"):
            return PASS
        patches.append(time.monotonic())
        return Fault("busy", n=RETRY_AFTER) if len(patches) in (1, 3) else PASS

    proxy = FaultProxy(base_url, plan)
    try:
        data = make_jpeg(7, (400, 300))
        client = CaseDeskClient(proxy.url, backoff=0.01, persist_session=False, chunk_size=len(data) // 2 + 1)
        client.login("zj_handler", PASSWORD)
        assert client.upload(data) == hashlib.sha256(data).hexdigest()
        # POST (busy), POST with the first half, PATCH (busy), PATCH with the rest
        assert len(patches) == 4 and patches[1] - patches[0] >= RETRY_AFTER and patches[3] - patches[2] >= RETRY_AFTER
        assert client.uploader.blob_known(hashlib.sha256(data).hexdigest())  # stored on the server
    finally:
        proxy.close()
