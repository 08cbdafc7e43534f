"""Local drafts: what the user typed and has not stored as a command, kept per order and field group;
dropped with the command that stores it; and the schema step that added them keeps old profiles' work."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

from casework.lifecycle import Command
from casework.schemas import AddNoteBody, SaveDraftBody, SignBody, SubmitReplyBody
from offline import SCHEMA_VERSION, Store, open_store
from offline.db import CACHE_VERSION
from offline.store import REPLY_DRAFT, form_key
from offline.worklists import Filters, page_query
from tests.fixtures.knowledge import NOISE, SOCIAL_CARD, entry_json, page_json
from tests.fixtures.orders import HANDLER, order, pull, upsert
from tests.fixtures.store import as_version_6

TYPED = {"text": "经现场核实，路灯已修复。", "result_code": "resolved", "basis": ""}


def test_a_draft_is_kept_replaced_and_dropped(store: Store) -> None:
    at = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
    assert store.keep_draft(1, REPLY_DRAFT, TYPED, now=at) is True
    assert store.keep_draft(1, REPLY_DRAFT, dict(TYPED), now=datetime.now(UTC)) is False  # same text: untouched
    kept = store.draft(1, REPLY_DRAFT)
    assert kept is not None and kept["content"] == TYPED and kept["updated_at"] == at.isoformat()

    store.keep_draft(1, REPLY_DRAFT, {**TYPED, "text": "经现场核实，路灯已修复，恢复照明。"})
    store.keep_draft(1, form_key(Command.ADD_NOTE), {"text": "已电话联系市民"})
    store.keep_draft(2, REPLY_DRAFT, {"text": "另一张"})
    assert store.draft(1, REPLY_DRAFT)["content"]["text"].endswith("恢复照明。")  # type: ignore[index]
    assert [(d["order_id"], d["key"]) for d in store.drafts()] == [(1, "form:add_note"), (1, "reply"), (2, "reply")]
    assert [d["key"] for d in store.drafts(1)] == ["form:add_note", "reply"]
    assert store.draft_count() == 3

    store.drop_draft(1, REPLY_DRAFT)
    assert store.draft(1, REPLY_DRAFT) is None and store.draft_count() == 2
    store.drop_draft(1)
    assert store.drafts() == [store.draft(2, REPLY_DRAFT)]


def test_storing_the_command_drops_its_draft_in_the_same_transaction(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))
    store.keep_draft(1, REPLY_DRAFT, TYPED)
    store.keep_draft(1, form_key(Command.ADD_NOTE), {"text": "已电话联系市民"})

    store.record(HANDLER, 1, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="已电话联系市民"))
    assert [d["key"] for d in store.drafts(1)] == ["reply"]  # the note is in the outbox; the reply is not yet
    store.record(HANDLER, 1, Command.SAVE_DRAFT, SaveDraftBody(version=0, text=TYPED["text"]))
    assert store.drafts() == []

    store.keep_draft(1, REPLY_DRAFT, {**TYPED, "text": "再改一句"})
    store.record(HANDLER, 1, Command.SUBMIT_REPLY, SubmitReplyBody(version=0, text="再改一句", result_code="resolved"))
    assert store.drafts() == []


def test_a_draft_saved_offline_shows_what_it_cites_until_the_server_has_it(store: Store, store_path: Path) -> None:
    """保存草稿 offline: the draft shows its citations titled from the desk's knowledge base at once,
    through a pull that replays it and a restart, and its mutation carries them to the server."""
    store.apply_knowledge(page_json([entry_json(1, NOISE), entry_json(2, SOCIAL_CARD)]))
    store.apply_pull(pull(upsert(order(1), 1)))
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))
    store.keep_draft(1, REPLY_DRAFT, {**TYPED, "knowledge_entries": [{"id": 1, "title": NOISE["title"]}]})
    body = SaveDraftBody(version=0, text=TYPED["text"], result_code="resolved", knowledge_entry_ids=[1, 2])
    store.record(HANDLER, 1, Command.SAVE_DRAFT, body)
    cited = [{"id": 1, "title": NOISE["title"]}, {"id": 2, "title": SOCIAL_CARD["title"]}]
    assert store.order(1)["draft"]["knowledge_entries"] == cited  # type: ignore[index]
    assert store.drafts() == []  # in the outbox now, citations and all

    store.apply_pull(pull(upsert(order(1, version=2), 2), cursor="c2"))  # the edits replayed on it
    assert store.order(1)["draft"]["knowledge_entries"] == cited  # type: ignore[index]
    store.close()
    again = open_store(store_path)  # what a kill -9 leaves: the committed transaction
    try:
        assert again.order(1)["draft"]["knowledge_entries"] == cited  # type: ignore[index]
        assert [(m.name, m.args.get("knowledge_entry_ids")) for m in again.pending()] == [
            (Command.SIGN, None),
            (Command.SAVE_DRAFT, [1, 2]),
        ]
        # Submitted from it: the reply round keeps the reply's shape, the draft its citations.
        reply = SubmitReplyBody(version=0, text=TYPED["text"], result_code="resolved", knowledge_entry_ids=[2])
        again.record(HANDLER, 1, Command.SUBMIT_REPLY, reply)
        local = again.order(1)
        assert local is not None and local["draft"]["knowledge_entries"] == cited[1:]
        assert "knowledge_entries" not in local["replies"][-1]
    finally:
        again.close()


def test_drafts_survive_a_reset_pull(store: Store) -> None:
    store.apply_pull(pull(upsert(order(1), 1)))
    store.keep_draft(1, REPLY_DRAFT, TYPED)
    store.apply_pull(pull(upsert(order(2), 9), cursor="c9", reset=True))
    assert store.draft(1, REPLY_DRAFT) is not None


def _old_profile(path: Path, version: int) -> None:
    """A profile as an older CaseDesk left it: orders, one unsent command, no drafts table."""
    store = open_store(path)
    store.apply_pull(pull(upsert(order(1), 1), cursor="c1"))
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))
    store.close()
    as_version_6(path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE drafts")
        conn.execute("DROP TABLE order_text")  # 6
        conn.execute(f"PRAGMA user_version={version}")
    conn.close()


def test_a_version_4_profile_gains_drafts_and_keeps_its_outbox_and_cache(store_path: Path) -> None:
    assert SCHEMA_VERSION == 8 and CACHE_VERSION == 4
    _old_profile(store_path, 4)
    store = open_store(store_path)
    title = store.order(1)["title"]  # type: ignore[index]
    where = Filters(text=title[:2]).condition()  # a short term: the narrow copy of the text, filled from the old rows
    assert [r["id"] for r in store.rows(page_query(where), 10)] == [1]
    assert [r["name"] for r in store.outbox()] == ["sign"]  # the user's unsent work
    assert [m.name for m in store.pending()] == [Command.SIGN]
    assert store.cursor() == "c1" and store.order(1)["state"] == "in_progress"  # type: ignore[index]  # no re-download
    assert store.keep_draft(1, REPLY_DRAFT, TYPED) and store.draft_count() == 1
    store.close()
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_an_older_profile_downloads_its_cache_again_but_keeps_its_outbox(store_path: Path) -> None:
    _old_profile(store_path, 3)
    store = open_store(store_path)
    assert [r["name"] for r in store.outbox()] == ["sign"]
    assert store.cursor() is None and store.order(1) is None  # the cache changed shape at 4
    assert store.drafts() == []
    store.close()
