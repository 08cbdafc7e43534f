"""The client half of the kill tests: a desk in a process of its own that SIGKILLs itself at one
chosen point of a sync (``python -m tests.reliability.crash_child CONFIG.json``).

It signs in with the password, syncs once, records the offline edits of :data:`EDITS`, arms the
kill point and syncs again. Only a kill point is inserted into our code — a wrapper that calls
the real function and then dies, or dies inside the real transaction — nothing else is changed.
Before dying it appends what the parent needs to know to ``trace`` (JSON lines, fsynced).
Exit code 3 means the kill point was never reached (the parent expects -9).

Kept free of server imports so that it starts quickly.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

import offline.store
from api_client import CaseDeskClient, PulledPage
from api_client.pages import event_row
from casework.lifecycle import Command
from casework.schemas import COMMAND_BODIES
from casework.sync import MutationStatus, PushRequest, PushResponse
from offline import open_store
from offline.blobcache import BlobCache
from offline.facts import actor_of
from offline.files import keep
from offline.photos import prepare_file
from offline.store import LocalFile
from offline.sync import ItemUpdate, Phase, Progress, SyncEngine
from tests.fixtures.photos import make_jpeg

#: Push batch and pull page sizes: small, so that a round has several of each to be killed between.
BATCH, PULL_LIMIT, CHUNK = 3, 2, 32 * 1024

KILL_POINTS = (
    "record-committed",  # (a) every edit committed locally, no sync yet
    "record-inside",  # inside the transaction recording the on-site check (with its photo rows)
    "upload-created",  # the tus upload exists on the server and its URL is saved, no byte sent
    "upload-40",  # (b) the first photo is 40 % up
    "upload-done",  # the first photo is complete on the server, not yet marked uploaded here
    "upload-second",  # the second photo is half up, the first one done
    "after-mark-sent",  # (e) the first batch is marked sent, the push request not yet made
    "push-answered",  # (c) the server applied the first batch and answered; the answer is not recorded
    "push-answered-2",  # (c) the same for the second batch (the first one recorded)
    "inside-mark",  # (c) the first batch's results all written, killed at their COMMIT
    "inside-pull",  # (d) inside the second pull page's transaction, as its cursor is written
    "pull-commit",  # (d) the first pull page, cursor and all, written and killed at its COMMIT
    "between-pages",  # after the first pull page committed, before the second is applied (it may be on its way)
)


def die(trace: Path | None = None, **facts: Any) -> None:
    if trace is not None:
        with trace.open("a") as handle:
            handle.write(json.dumps(facts) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    os.kill(os.getpid(), signal.SIGKILL)


class Desk:
    """Store, cache, client and engine, as the desktop puts them together."""

    def __init__(self, root: Path, base_url: str, username: str, password: str, observers: list[Any]) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.client = CaseDeskClient(base_url, persist_session=False, backoff=0.01, chunk_size=CHUNK)
        self.client.login(username, password)
        self.store = open_store(root / "local.sqlite")
        self.cache = BlobCache(root / "blobs")
        self.engine = SyncEngine(self.store, self.client, self.cache, observers, batch=BATCH, pull_limit=PULL_LIMIT)

    def do(self, order_id: int, command: Command, now: datetime, files: list[LocalFile] = (), **body: Any) -> None:  # type: ignore[assignment]
        model = COMMAND_BODIES[command]
        if "version" in model.model_fields:
            body.setdefault("version", (self.store.order(order_id) or {}).get("version", 0))
        if "client_id" in model.model_fields:
            body.setdefault("client_id", str(uuid.uuid4()))
        assert self.client.user is not None
        actor = actor_of(self.client.user)
        self.store.record(actor, order_id, command, model.model_validate(body), now=now, files=files)

    def photo(self, seed: int) -> LocalFile:
        return keep(self.cache, prepare_file(make_jpeg(seed, (400, 300)), name=f"IMG_{seed:04d}.jpg"))


class Killer:
    """An observer that dies at the upload kill points (it runs on the syncing thread, inside the
    upload's progress callback)."""

    def __init__(self, point: str, trace: Path) -> None:
        self.point, self.trace, self.armed = point, trace, False
        self.first_file_bytes = 0

    def item(self, update: ItemUpdate) -> None:
        if not self.armed or update.state is not MutationStatus.UPLOADING or update.percent is None:
            return
        if self.point == "upload-40" and 40 <= update.percent < 100:
            die(self.trace, point=self.point, percent=update.percent)
        if self.point == "upload-done" and update.percent == 100:  # the first file: the server has it all
            die(self.trace, point=self.point)

    def progress(self, progress: Progress) -> None:
        if not self.armed or progress.phase is not Phase.UPLOAD:
            return
        if progress.done == 0:
            self.first_file_bytes = progress.bytes_sent
        elif self.point == "upload-second" and progress.done == 1:
            sent, size = progress.bytes_sent - self.first_file_bytes, progress.bytes_total - self.first_file_bytes
            if 0 < size <= sent * 2 and sent < size:
                die(self.trace, point=self.point, sent=sent, size=size)


def record_edits(desk: Desk, orders: list[int], now: datetime, point: str, trace: Path) -> None:
    """Seven edits on two orders: a note, a check with two photos, a draft and the reply on the
    first; two notes and a draft on the second."""
    first, second = orders
    desk.do(first, Command.ADD_NOTE, now, text="已电话联系市民，约定今日下午到场")
    photos = [desk.photo(1), desk.photo(2)]
    if point == "record-inside":
        real = offline.store.apply_mutation

        def dying(order: dict[str, Any], name: Command, *args: Any, **kwargs: Any) -> dict[str, Any]:
            if name is Command.RECORD_ONSITE_CHECK:
                die(trace, point=point)
            return real(order, name, *args, **kwargs)

        offline.store.apply_mutation = dying  # type: ignore[assignment]
    desk.do(
        first,
        Command.RECORD_ONSITE_CHECK,
        now,
        files=photos,
        checked_at=now.isoformat(),
        lat=32.78,
        lon=119.44,
        notes="路面塌陷约两平方米，已设围挡",
        photos=[{"sha256": photos[0].sha256, "tag": "before"}, {"sha256": photos[1].sha256, "tag": "after"}],
    )
    desk.do(second, Command.ADD_NOTE, now, text="第二张工单：已转交施工队")
    desk.do(first, Command.SAVE_DRAFT, now, text="经核实，路面已修复。", result_code="resolved")
    desk.do(second, Command.ADD_NOTE, now, text="第二张工单：施工队已到场")
    desk.do(first, Command.SUBMIT_REPLY, now, text="经核实，路面已修复，已回访市民。", result_code="resolved")
    desk.do(second, Command.SAVE_DRAFT, now, text="已安排维修", result_code="resolved")
    if point == "record-committed":
        die(trace, point=point)


def arm(desk: Desk, killer: Killer, point: str, trace: Path) -> None:
    """Insert the kill point for the next round (after the first sync and the edits)."""
    store, client = desk.store, desk.client
    killer.armed = True
    pushes = {"n": 0}
    real_push = client.push

    # The engine sends the second batch while it records the first answer: the second answer waits
    # for that record before the kill, so the point is the one named (the first batch recorded).
    first_marked = threading.Event()

    def push(request: PushRequest) -> PushResponse:
        pushes["n"] += 1
        if point == "after-mark-sent":
            die(trace, point=point, sent=[str(m.id) for m in request.mutations])
        if point == "inside-mark" and pushes["n"] == 2:
            # The second batch goes while the first answer is recorded; held here, it never reaches
            # the server before that record's COMMIT kills the desk (the point named: the first batch).
            threading.Event().wait(60)
        response = real_push(request)
        if point == "push-answered-2" and pushes["n"] == 2:
            first_marked.wait(60)
        if point == "push-answered" or (point == "push-answered-2" and pushes["n"] == 2):
            die(trace, point=point, answered=[str(r.id) for r in response.results])
        return response

    client.push = push  # type: ignore[method-assign]

    if point == "push-answered-2":
        real_first_mark = store.mark

        def mark_first(results: list[Any]) -> None:
            real_first_mark(results)
            first_marked.set()

        store.mark = mark_first  # type: ignore[method-assign]

    if point == "upload-created":
        real_set_url = store.set_upload_url

        def set_upload_url(sha256: str, url: str | None) -> None:
            real_set_url(sha256, url)
            if url is not None:
                die(trace, point=point, sha256=sha256, url=url)

        store.set_upload_url = set_upload_url  # type: ignore[method-assign]

    # Die at the COMMIT of a store transaction (everything written, nothing committed): armed by the
    # wrappers below for the one transaction meant.
    at_commit: dict[str, Any] = {}

    def before_commit(conn: Any) -> None:
        if at_commit:
            die(trace, **at_commit)

    event.listen(store._engine, "commit", before_commit)

    if point == "inside-mark":
        real_mark = store.mark

        def mark(results: list[Any]) -> None:
            at_commit["point"] = point
            real_mark(results)

        store.mark = mark  # type: ignore[method-assign]

    pages = {"n": 0}
    in_pull: dict[str, Any] = {}
    real_apply = store.apply_pull

    def apply_pull(page: PulledPage) -> None:  # as the sync engine hands it over: JSON values
        pages["n"] += 1
        order_ids = {c["order_id"] for c in page.changes}
        facts = {
            "point": point,
            "page": pages["n"],
            "cursor_before": store.cursor(),
            "page_cursor": page.cursor,
            "page_events": sorted(event_row(e)[0] for c in page.changes for e in c["events"]),
            "events_before": sorted(e["seq"] for oid in order_ids for e in store.events(oid)),
        }
        if point == "inside-pull" and pages["n"] == 2:
            in_pull.update(facts)
        if point == "pull-commit" and pages["n"] == 1:
            at_commit.update(facts)
        real_apply(page)
        if point == "between-pages" and pages["n"] == 1:
            die(trace, **facts)

    store.apply_pull = apply_pull  # type: ignore[method-assign]

    real_set_state = offline.store._set_state

    def set_state(conn: Any, key: str, value: str) -> None:
        if key == "cursor" and in_pull:
            die(trace, **in_pull)
        real_set_state(conn, key, value)

    offline.store._set_state = set_state  # type: ignore[assignment]


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text())
    point, trace = config["point"], Path(config["trace"])
    assert point in KILL_POINTS, point
    killer = Killer(point, trace)
    desk = Desk(Path(config["root"]), config["base_url"], config["username"], config["password"], [killer])
    first = desk.engine.sync()
    assert first.ok, first.error
    now = datetime.fromisoformat(config["now"])
    record_edits(desk, config["orders"], now, point, trace)
    arm(desk, killer, point, trace)
    report = desk.engine.sync()
    print(f"kill point {point!r} not reached; the round ended with {report}", file=sys.stderr)
    sys.exit(3)


if __name__ == "__main__":
    main(sys.argv[1])
