"""Taking back (撤销) a command that has not left the desk: Store.withdraw, the undo window, and the
race with the sync engine (a row is either withdrawn or sent, never both)."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from api_client import PulledPage
from casework.knowledge import KnowledgePage
from casework.lifecycle import Command
from casework.schemas import AddNoteBody, OnsiteCheckBody, SaveDraftBody, SignBody
from casework.sync import MutationStatus, PushRequest, PushResponse
from offline import Store
from offline.blobcache import BlobCache
from offline.store import LocalFile, WithdrawRefused
from offline.sync import SyncEngine
from tests.fixtures.orders import HANDLER, order, pull, result, upsert


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def timed(store: Store, clock: Clock) -> Store:
    """The test store with a clock the test moves."""
    store._clock = clock
    return store


def _note(store: Store, text: str, hold: timedelta | None = None) -> uuid.UUID:
    return store.record(HANDLER, 1, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text=text), hold=hold).id


def test_withdraw_restores_the_order_and_keeps_the_earlier_edits(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    sign = store.record(HANDLER, 1, Command.SIGN, SignBody(version=0)).id
    note = _note(store, "已电话联系市民")
    assert store.order(1)["state"] == "in_progress" and len(store.order(1)["notes"]) == 1

    taken = store.withdraw(note)

    assert [r["name"] for r in taken.rows] == ["add_note"] and taken.order_id == 1
    local = store.order(1)
    assert local["state"] == "in_progress" and local["notes"] == []  # the sign stays, the note is gone
    assert [m.id for m in store.pending()] == [sign]
    assert store.orders(state="in_progress")[0]["id"] == 1

    store.withdraw(sign)
    assert store.order(1)["state"] == "dispatched"  # the server's copy again
    assert store.outbox() == [] and store.pending() == []
    assert store.count(True) == 1 and store.orders(state="dispatched")[0]["id"] == 1


def test_later_edits_go_with_it_only_when_asked(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    sign = store.record(HANDLER, 1, Command.SIGN, SignBody(version=0)).id
    store.record(HANDLER, 1, Command.SAVE_DRAFT, SaveDraftBody(version=0, text="已联系路灯所"))

    with pytest.raises(WithdrawRefused) as refused:
        store.withdraw(sign)
    assert refused.value.reason == "later" and refused.value.later == 1 and refused.value.command == "sign"
    assert len(store.outbox()) == 2 and store.order(1)["draft"]["text"] == "已联系路灯所"  # nothing touched

    taken = store.withdraw(sign, with_later=True)
    assert [r["name"] for r in taken.rows] == ["sign", "save_draft"]
    assert store.outbox() == [] and store.order(1)["state"] == "dispatched" and store.order(1)["draft"] is None


def test_a_sent_or_answered_command_is_not_withdrawn(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    sign = store.record(HANDLER, 1, Command.SIGN, SignBody(version=0)).id
    note = _note(store, "记录")

    assert store.mark_sent([sign]) == [sign]
    with pytest.raises(WithdrawRefused) as refused:
        store.withdraw(sign, with_later=True)
    assert refused.value.reason == "sent"
    store.withdraw(note)  # the later, unsent one still can go; the signature in flight stays shown
    assert store.order(1)["state"] == "in_progress" and store.order(1)["notes"] == []

    store.mark([result(sign, MutationStatus.APPLIED)])
    with pytest.raises(WithdrawRefused) as refused:
        store.withdraw(sign)
    assert refused.value.reason == "gone"
    with pytest.raises(WithdrawRefused):
        store.withdraw(uuid.uuid4())


def test_a_rejected_command_is_for_the_problems_panel(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    sign = store.record(HANDLER, 1, Command.SIGN, SignBody(version=0)).id
    store.mark_sent([sign])
    store.mark([result(sign, MutationStatus.REJECTED, code="x", message_zh="不行", message_en="No")])
    with pytest.raises(WithdrawRefused) as refused:
        store.withdraw(sign)
    assert refused.value.reason == "problem"


def test_the_photos_of_a_withdrawn_check_are_forgotten(store: Store, tmp_path: Path) -> None:
    cache = BlobCache(tmp_path / "blobs")
    store.apply_pull(pull(upsert(order(1, state="in_progress", handler_id=7), 1)))
    shared, own = cache.put(b"photo one"), cache.put(b"photo two")
    files = [LocalFile(sha256=s, media_type="image/jpeg", size=9) for s in (shared, own)]

    def check(*shas: str) -> uuid.UUID:
        body = OnsiteCheckBody(
            client_id=uuid.uuid4(), checked_at=datetime.now(UTC), photos=[{"sha256": s} for s in shas]
        )
        return store.record(HANDLER, 1, Command.RECORD_ONSITE_CHECK, body, files=files).id

    check(shared)
    second = check(shared, own)
    taken = store.withdraw(second)

    assert taken.files == [own]  # the first check still needs the shared photo
    assert [f["sha256"] for f in store.files(1)] == [shared]
    assert len(store.order(1)["onsite_checks"]) == 1
    assert cache.has(own)  # the bytes stay in the cache: harmless, and ready if it is attached again


def test_the_undo_window_keeps_a_command_home_until_it_closes_or_is_flushed(timed: Store, clock: Clock) -> None:
    timed.apply_pull(pull(upsert(order(1), 1), upsert(order(2), 2)))
    sign = timed.record(HANDLER, 1, Command.SIGN, SignBody(version=0), hold=timedelta(seconds=10)).id
    after = _note(timed, "签收后的备注")  # no window of its own, but it may not overtake the sign
    other = timed.record(HANDLER, 2, Command.SIGN, SignBody(version=0)).id

    assert [m.id for m in timed.pending()] == [other]
    assert [m.id for m in timed.pending(flush=True)] == [sign, after, other]
    assert timed.next_release() == clock.now + timedelta(seconds=10)

    clock.now += timedelta(seconds=10, microseconds=1)
    assert [m.id for m in timed.pending()] == [sign, after, other]
    assert timed.next_release() is None


class _Client:
    """The server's side of push and pull, recording what it was sent (the network is not the point here)."""

    def __init__(self) -> None:
        self.pushed: list[uuid.UUID] = []
        self.user = object()

    def push(self, request: PushRequest) -> PushResponse:
        self.pushed += [m.id for m in request.mutations]
        return PushResponse(results=[result(m.id, MutationStatus.APPLIED) for m in request.mutations])

    def pull_page(self, cursor: Any, limit: int) -> PulledPage:
        return PulledPage(changes=[], cursor=cursor or "c1", has_more=False, reset=False)

    def knowledge_sync(self, cursor: Any, limit: int) -> KnowledgePage:
        return KnowledgePage(entries=[], templates=[], removed_entry_ids=[], cursor=cursor or "k1", more=False)

    def departments(self) -> list[Any]:
        return []

    users = categories = departments


def test_a_command_withdrawn_while_the_engine_reads_the_outbox_is_not_sent(store: Store, tmp_path: Path) -> None:
    store.apply_pull(pull(upsert(order(1), 1), upsert(order(2), 2)))
    sign = store.record(HANDLER, 1, Command.SIGN, SignBody(version=0)).id
    other = store.record(HANDLER, 2, Command.SIGN, SignBody(version=0)).id
    client = _Client()
    engine = SyncEngine(store, client, BlobCache(tmp_path / "blobs"))  # type: ignore[arg-type]
    read = store.pending
    withdrawn: list[Any] = []
    reads: list[int] = []

    def pending_then_undo(*args: Any, **kw: Any) -> Any:
        found = read(*args, **kw)
        reads.append(len(found))
        if len(reads) == 2 and any(m.id == sign for m in found):  # the push's read (the first is the upload's)
            withdrawn.append(store.withdraw(sign))  # the user's 撤销 lands between the read and the send
        return found

    store.pending = pending_then_undo  # type: ignore[method-assign]
    report = engine.sync()

    assert report.ok and withdrawn
    assert client.pushed == [other]
    assert store.order(1)["state"] == "dispatched" and [r["mutation_id"] for r in store.outbox()] == [str(other)]


def test_withdraw_and_send_race_on_threads_one_wins_whole(store: Store, tmp_path: Path) -> None:
    """Many rounds of a withdraw on one thread against mark_sent on another: each row ends either
    withdrawn (and never sent) or sent (and still in the outbox), never both or neither."""
    store.apply_pull(pull(*(upsert(order(i), i) for i in range(1, 41))))
    ids = [store.record(HANDLER, i, Command.SIGN, SignBody(version=0)).id for i in range(1, 41)]
    sent: list[uuid.UUID] = []
    undone: list[uuid.UUID] = []
    start = threading.Barrier(2)

    def engine() -> None:
        start.wait()
        for m in ids:
            sent.extend(store.mark_sent([m]))

    def user() -> None:
        start.wait()
        for m in reversed(ids):
            try:
                store.withdraw(m)
            except WithdrawRefused as exc:
                assert exc.reason == "sent"
            else:
                undone.append(m)

    threads = [threading.Thread(target=engine), threading.Thread(target=user)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not set(sent) & set(undone)
    assert set(sent) | set(undone) == set(ids)
    left = {uuid.UUID(r["mutation_id"]) for r in store.outbox()}
    assert left == set(sent)
    for i, m in enumerate(ids, start=1):
        assert store.order(i)["state"] == ("in_progress" if m in sent else "dispatched")
