"""The store's sync behaviour: pull, local edits, rebase, reset, revoke, verdicts."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

import offline.store
import offline.sync
from api_client.errors import NotFound
from api_client.pages import PulledPage, parse_page
from casework.errors import CommandRefused
from casework.lifecycle import Command
from casework.schemas import AddNoteBody, SaveDraftBody, SignBody, SubmitReplyBody
from casework.sync import MutationStatus, PushRequest, PushResponse
from offline import SCHEMA_VERSION, Store, StoreTooNew, UnknownOrder, open_store
from offline.blobcache import BlobCache
from offline.store import prepare_pull
from offline.sync import SyncEngine
from offline.worklists import WorkList, condition, page_query
from tests.fixtures.orders import HANDLER, T, order, pull, result, revoke, upsert


def _sign_and_draft(store: Store, order_id: int = 1) -> None:
    store.record(HANDLER, order_id, Command.SIGN, SignBody(version=0))
    store.record(HANDLER, order_id, Command.SAVE_DRAFT, SaveDraftBody(version=0, text="已联系路灯所维修"))


def test_pull_then_local_edits_show_locally_and_queue_in_order(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1, events=2), upsert(order(2), 2)))
    _sign_and_draft(store)

    local = store.order(1)
    assert local is not None
    assert local["state"] == "in_progress"
    assert local["draft"]["text"] == "已联系路灯所维修"
    assert "submit_reply" in local["allowed_commands"]
    assert [m.name for m in store.pending()] == [Command.SIGN, Command.SAVE_DRAFT]
    draft = store.pending()[1]
    assert draft.base == {"text": ""}
    assert "version" not in draft.args  # the server judges the order as it is, not a version
    assert [o["id"] for o in store.orders(state="in_progress")] == [1]
    assert [o["id"] for o in store.orders(text="000002")] == [2]
    assert len(store.events(1)) == 2
    assert store.cursor() == "c1"


def test_an_outbox_row_written_with_a_version_still_sends_without_it(store: Store, store_path: Path) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    _sign_and_draft(store)
    # Desks before the one sync contract kept the order's version in the args: such rows are on disk.
    conn = sqlite3.connect(store_path)
    with conn:
        conn.execute("UPDATE outbox SET args = json_set(args, '$.version', 7)")
    assert [json.loads(a)["version"] for (a,) in conn.execute("SELECT args FROM outbox")] == [7, 7]
    conn.close()

    sent = store.pending()
    assert [m.name for m in sent] == [Command.SIGN, Command.SAVE_DRAFT]
    assert sent[1].args == {"text": "已联系路灯所维修", "result_code": None, "basis": "", "knowledge_entry_ids": []}
    wire = json.loads(PushRequest(client_id="desk-00000001", mutations=sent).model_dump_json())
    assert all("version" not in m["args"] for m in wire["mutations"])


def test_second_pull_of_unchanged_server_copy_keeps_local_edits(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    _sign_and_draft(store)
    store.apply_pull(pull(upsert(order(1, title="路灯不亮（已更新）"), 5), cursor="c2"))

    local = store.order(1)
    assert local is not None
    assert local["title"] == "路灯不亮（已更新）"  # the server's change
    assert local["state"] == "in_progress"  # and ours on top
    assert local["draft"]["text"] == "已联系路灯所维修"
    assert store.cursor() == "c2"


def test_reset_drops_server_copies_but_keeps_outbox(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1), upsert(order(2), 2)))
    _sign_and_draft(store)
    store.apply_pull(pull(upsert(order(1), 9), cursor="c9", reset=True))

    assert store.order(2) is None
    assert [m.name for m in store.pending()] == [Command.SIGN, Command.SAVE_DRAFT]
    local = store.order(1)
    assert local is not None and local["draft"]["text"] == "已联系路灯所维修"


def test_revoke_keeps_outbox_rows(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1, events=1)))
    _sign_and_draft(store)
    store.apply_pull(pull(revoke(1, 2), cursor="c2"))

    assert store.order(1) is None
    assert store.events(1) == []
    assert len(store.pending()) == 2
    with pytest.raises(UnknownOrder):
        store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))


def test_record_refuses_forbidden_command_and_writes_nothing(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    with pytest.raises(CommandRefused) as refused:
        store.record(HANDLER, 1, Command.SAVE_DRAFT, SaveDraftBody(version=0, text="x"))  # not signed yet
    assert refused.value.code == "wrong_state"
    assert store.outbox() == []
    local = store.order(1)
    assert local is not None and local["state"] == "dispatched"


def test_mark_transitions_and_resolve(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    _sign_and_draft(store)
    note = store.record(HANDLER, 1, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="已到现场"))
    sign, draft = store.pending()[:2]
    store.mark_sent([sign.id, draft.id, note.id])
    assert [r["status"] for r in store.outbox()] == ["sent"] * 3
    assert [r["attempts"] for r in store.outbox()] == [1, 1, 1]

    store.mark(
        [
            result(sign.id, MutationStatus.APPLIED, order=order(1, state="in_progress", version=2)),
            result(draft.id, MutationStatus.CONFLICT, code="text_conflict", server_values={"text": "别人写的"}),
            result(note.id, MutationStatus.REJECTED, code="wrong_state", message_en="no"),
        ]
    )
    rows = {r["mutation_id"]: r for r in store.outbox()}
    assert rows[str(sign.id)]["status"] == "applied"
    assert rows[str(draft.id)]["status"] == "conflict"
    assert rows[str(draft.id)]["server_values"] == {"text": "别人写的"}
    assert rows[str(note.id)]["status"] == "rejected"
    assert rows[str(note.id)]["args"]["text"] == "已到现场"  # content stays visible
    assert [p["name"] for p in store.problems()] == ["save_draft", "add_note"]
    assert store.pending() == []
    local = store.order(1)
    assert local is not None
    assert local["state"] == "in_progress"  # from the server copy the result carried
    assert local["draft"] is None  # the conflicted draft is no longer shown as applied

    # The user merged both texts; the retry goes under a new id (the server remembers the old verdict).
    retried = store.resolve(draft.id, "retry", changes={"text": "别人写的\n已联系路灯所维修"})
    assert retried is not None and retried != draft.id
    assert [m.id for m in store.pending()] == [retried]
    assert store.pending()[0].base == {"text": "别人写的"}
    assert store.order(1)["draft"]["text"] == "别人写的\n已联系路灯所维修"  # type: ignore[index]
    assert store.resolve(note.id, "discard") is None
    assert store.problems() == []

    store.mark([result(retried, MutationStatus.APPLIED)])
    assert store.pending() == []


def test_client_id_is_stable(store_path: Path) -> None:
    first = open_store(store_path)
    cid = first.client_id()
    first.close()
    again = open_store(store_path)
    assert again.client_id() == cid
    again.close()


def test_newer_schema_version_refuses_to_open(store_path: Path) -> None:
    open_store(store_path).close()
    with sqlite3.connect(store_path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreTooNew, match="schema version"):
        open_store(store_path)


def test_durable_pragmas(store: Store, store_path: Path) -> None:
    with store._engine.connect() as conn:  # the pragmas of the store's own connections
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_downloads_pages_but_its_last_are_committed_without_waiting_for_the_disk(store: Store) -> None:
    """A download's pages before its last commit with synchronous=NORMAL (safe from a killed desk; a
    power cut may lose the last pages with their cursor, fetched again); its last page, the search
    indexes' build and any other page wait for the disk (FULL), and no connection stays relaxed."""
    levels: list[int] = []
    event.listen(
        store._engine, "commit", lambda conn: levels.append(conn.exec_driver_sql("PRAGMA synchronous").scalar())
    )
    for i, more in ((1, True), (2, True), (3, False)):
        store.apply_pull(pull(upsert(order(i), i), cursor=f"c{i}").model_copy(update={"has_more": more}))
    assert levels[:3] == [1, 1, 2] and set(levels[3:]) == {2}  # then the indexes' build
    levels.clear()
    store.apply_pull(pull(upsert(order(4), 4), cursor="c4").model_copy(update={"has_more": True}))  # a delta
    assert levels == [2] and [o["id"] for o in store.orders(text="路灯")] == [1, 2, 3, 4]
    with store._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_a_download_is_not_folded_into_the_file_every_few_pages(store: Store, store_path: Path) -> None:
    # Each page of a download wrote about SQLite's default 4 MB of log, so nearly every page paid a
    # checkpoint (two fsyncs and a copy); the log now takes offline.db.CHECKPOINT_PAGES first. What is
    # committed is in the synced log: another connection (another process) reads all of it.
    description = "路灯不亮，夜间施工噪音扰民。" * 400  # ~17 KB of UTF-8 an order, twice (JSON, search text)
    for page in range(3):
        ids = range(page * 100 + 1, page * 100 + 101)
        store.apply_pull(pull(*(upsert(order(i, description=description), i) for i in ids), cursor=f"c{page}"))
    wal = store_path.with_name(store_path.name + "-wal")
    assert wal.stat().st_size > 8_000_000  # past the old threshold twice over …
    assert store_path.stat().st_size < 1_000_000  # … and still all in the log
    with closing(sqlite3.connect(store_path)) as other:
        assert other.execute("SELECT count(*) FROM orders").fetchone()[0] == 300


def test_a_pulled_order_is_kept_as_the_text_it_came_in(store: Store, store_path: Path) -> None:
    """The desk keeps each order of a page as its JSON text as it came, not decoded whole and encoded
    again; lists, search and the order's reading work from it as from any copy."""
    pulled = pull(upsert(order(1, title="路灯不亮", address="人民路 1 号"), 1, events=1), upsert(order(2), 2))
    body = json.dumps(pulled.model_dump(mode="json"), ensure_ascii=True, indent=1)  # \uXXXX, spaces
    page = parse_page(body.encode())
    store.apply_pull(page)
    with closing(sqlite3.connect(store_path)) as conn:
        kept = dict(conn.execute("SELECT id, server_json FROM orders WHERE typeof(server_json) = 'text'").fetchall())
    assert kept == {c["order_id"]: c["order_json"].decode() for c in page.changes} and "\\u8def" in kept[1]
    assert all(text in body for text in kept.values())  # byte for byte, as text (json_extract reads it)
    assert store.order(1) == pulled.changes[0].order.model_dump(mode="json")  # type: ignore[union-attr]
    assert [o["id"] for o in store.orders(text="人民路")] == [1]
    assert [o["id"] for o in store.orders(state="dispatched")] == [1, 2]
    assert [e["seq"] for e in store.events(1)] == [100]


def test_a_page_prepared_elsewhere_writes_what_it_would_have(store: Store, tmp_path: Path) -> None:
    """The sync engine builds a page's rows on the thread that fetched it (``prepare_pull``): applied,
    the page leaves the store as the same page applied whole — orders, events, search, cursor."""
    first = pull(upsert(order(1), 1, events=2), upsert(order(2, title="噪音扰民"), 2, events=1), cursor="c1")
    second = pull(upsert(order(1, state="in_progress", version=2), 3, events=1), revoke(2, 4), cursor="c2")
    other = open_store(tmp_path / "other.sqlite")
    try:
        for page in (first, second):
            store.apply_pull(page)
            other.apply_pull(prepare_pull(parse_page(page.model_dump_json().encode())))
        for desk in (store, other):
            assert [(o["id"], o["state"]) for o in desk.orders()] == [(1, "in_progress")]
            assert [e["seq"] for e in desk.events(1)] == [100, 101, 300] and desk.events(2) == []
            assert [o["id"] for o in desk.orders(text="噪音")] == [] and desk.cursor() == "c2"
        assert store.order(1) == other.order(1)
    finally:
        other.close()


class _Pages:
    """A server of two pull pages (and nothing else to sync) for the sync engine."""

    user = object()

    def pull_page(self, cursor: str | None, limit: int) -> PulledPage:
        page = pull(upsert(order(1), 1, events=1), cursor="c1") if cursor is None else pull(upsert(order(2), 2))
        body = page.model_copy(update={"has_more": cursor is None, "cursor": "c1" if cursor is None else "c2"})
        return parse_page(body.model_dump_json().encode())

    def push(self, request: PushRequest) -> PushResponse:
        return PushResponse(results=[])

    def knowledge_sync(self, cursor: str | None, limit: int) -> Any:
        raise NotFound()

    def departments(self) -> list[Any]:
        return []

    users = categories = departments


def test_the_sync_engine_builds_each_pages_rows_on_the_thread_that_fetched_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built_on = []

    def prepare(page: PulledPage) -> offline.store.PreparedPull:
        built_on.append(threading.current_thread())
        return offline.store.prepare_pull(page)

    monkeypatch.setattr(offline.sync, "prepare_pull", prepare)
    report = SyncEngine(store, _Pages(), BlobCache(tmp_path / "blobs")).sync()  # type: ignore[arg-type]
    assert report.ok and report.pulled == 2 and store.cursor() == "c2"
    assert [o["id"] for o in store.orders()] == [1, 2] and [e["seq"] for e in store.events(1)] == [100]
    assert len(built_on) == 2 and threading.current_thread() not in built_on


def test_a_submitted_reply_is_a_round_of_the_history_at_once(store: Store) -> None:
    first = {"round": 1, "text": "已更换灯泡。", "result_code": "resolved", "basis": "", "author_id": 7, "at": None}
    returned = {"round": 1, "level": "section_chief", "reviewer_id": 5, "decision": "returned", "comment": "写明时间"}
    store.apply_pull(
        pull(upsert(order(1, state="in_progress", handler_id=7, replies=[first], reviews=[{**returned, "at": T}]), 1))
    )
    store.record(
        HANDLER,
        1,
        Command.SUBMIT_REPLY,
        SubmitReplyBody(version=1, text="已于3月3日更换灯泡。", result_code="resolved", basis="《照明管理办法》"),
    )

    local = store.order(1)
    assert local is not None and local["state"] == "in_review"
    assert [(r["round"], r["text"]) for r in local["replies"]] == [(1, "已更换灯泡。"), (2, "已于3月3日更换灯泡。")]
    assert local["replies"][-1]["basis"] == "《照明管理办法》" and local["replies"][-1]["author_id"] == HANDLER.user_id


def _badges(store: Store) -> dict[int, int]:
    """The list's 待同步 figure per order, as the work list reads it."""
    rows = store.rows(page_query(condition(WorkList.ALL, HANDLER, datetime.now(UTC))), 100)
    return {r["id"]: r["pending"] for r in rows}


def _in_flight(store: Store) -> int:
    counts = store.outbox_counts()
    return counts.get("pending", 0) + counts.get("sent", 0)


def test_pending_badge_follows_every_verdict_and_decision(store: Store) -> None:
    """The badge is the order's in-flight outbox rows: applied, duplicate, conflict, rejected,
    held, retried, discarded, rejected locally, revoked and pulled back — always the status bar's figure."""
    store.apply_pull(pull(upsert(order(1), 1), upsert(order(2), 2)))
    _sign_and_draft(store)
    note = store.record(HANDLER, 1, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="已到现场"))
    assert _badges(store) == {1: 3, 2: 0} and _in_flight(store) == 3
    sign, draft = store.pending()[:2]
    store.mark_sent([sign.id, draft.id, note.id])
    assert _badges(store)[1] == 3  # sent, no answer yet: still on its way

    store.mark([result(sign.id, MutationStatus.APPLIED, order=order(1, state="in_progress", version=2))])
    assert _badges(store)[1] == 2
    store.mark([result(note.id, MutationStatus.HELD)])
    assert _badges(store)[1] == 2  # held: the server did not try it, it goes again
    store.mark([result(draft.id, MutationStatus.CONFLICT, code="text_conflict", server_values={"text": "别人写的"})])
    assert _badges(store)[1] == 1  # a conflict is a problem to resolve, not unsent work
    store.mark([result(note.id, MutationStatus.REJECTED, code="wrong_state")])
    assert _badges(store)[1] == 0 and _in_flight(store) == 0

    retried = store.resolve(draft.id, "retry", changes={"text": "合并后的文字"})
    assert retried is not None and _badges(store)[1] == 1
    # The server's copy after the edit comes with the verdict (and again with the next pull).
    store.mark([result(retried, MutationStatus.DUPLICATE, order=order(1, state="in_progress", version=3))])
    assert _badges(store)[1] == 0
    store.apply_pull(pull(upsert(order(1, state="in_progress", version=3), 3), cursor="c2"))
    assert _badges(store)[1] == 0
    store.resolve(note.id, "discard")
    assert _badges(store) == {1: 0, 2: 0} and _in_flight(store) == 0

    # Order 2: signed here, then the order is revoked and comes back: the badge comes back with it.
    signed = store.record(HANDLER, 2, Command.SIGN, SignBody(version=0))
    store.apply_pull(pull(revoke(2, 4), cursor="c3"))
    assert 2 not in _badges(store)
    store.apply_pull(pull(upsert(order(2, version=3), 5), cursor="c4"))
    assert _badges(store)[2] == 1
    store.reject_locally(signed.id, "file_missing", "照片丢失", "photo lost")
    assert _badges(store)[2] == 0 and _in_flight(store) == 0


def test_pending_badge_is_counted_not_stored(store: Store, store_path: Path) -> None:
    """A file written before the fix has stale counts in ``orders.pending``; the list no longer reads them."""
    store.apply_pull(pull(upsert(order(1), 1)))
    with sqlite3.connect(store_path) as db:
        db.execute("UPDATE orders SET pending = 4")
    assert _badges(store) == {1: 0}
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))
    assert _badges(store) == {1: 1}


def test_signing_here_moves_the_deadline_in_force_to_the_reply_at_once(store: Store) -> None:
    """Signed on the desk: the list and the pane count down to the reply, not to the (passed) signing,
    and the signing's on-time flag is frozen — before the server has heard of it."""
    sign_by, reply_by = "2026-03-02T17:30:00+08:00", "2026-03-04T17:30:00+08:00"
    deadlines = {**order(1).deadlines.model_dump(mode="json"), "sign_by": sign_by, "reply_by": reply_by}
    store.apply_pull(pull(upsert(order(1, due_at=sign_by, deadlines=deadlines), 1)))
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=1))
    local = store.order(1)
    assert local is not None and local["state"] == "in_progress"
    assert datetime.fromisoformat(local["due_at"]) == datetime.fromisoformat(reply_by)
    assert local["deadlines"]["signed_on_time"] is False  # signed now, long after 2 March


def test_the_directory_is_read_once_until_replaced(store: Store) -> None:
    """Every page of a list names its rows with the directory: read from the file once, then kept
    until the sync replaces it (and a replacement shows at once)."""
    from sqlalchemy import event

    from casework.schemas import CategoryOut

    store.set_directory("categories", [CategoryOut(code="01", name="城市管理", parent_code=None, department_code=None)])
    assert [c["name"] for c in store.directory("categories")] == ["城市管理"]
    statements: list[str] = []
    event.listen(store._engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert [c["name"] for c in store.directory("categories")] == ["城市管理"]
    assert not [s for s in statements if "directory" in s]
    store.set_directory("categories", [CategoryOut(code="02", name="交通", parent_code=None, department_code=None)])
    assert [c["name"] for c in store.directory("categories")] == ["交通"]
