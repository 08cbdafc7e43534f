"""The desk's copy of the knowledge base: sync pages applied, search from a citizen's words, and the
schema step that added it (a version-5 profile keeps its work)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from api_client.errors import NotFound
from api_client.pages import PulledPage
from casework.knowledge import KnowledgePage, score
from casework.sync import PushRequest, PushResponse
from offline import SCHEMA_VERSION, Store, open_store
from offline.blobcache import BlobCache
from offline.knowledge import is_expired
from offline.sync import SyncEngine
from tests.fixtures.knowledge import NOISE, RENOVATION, SOCIAL_CARD, entry_json, page_json, template_json
from tests.fixtures.store import as_version_6


def _three(store: Store) -> None:
    store.apply_knowledge(page_json([entry_json(1, NOISE), entry_json(2, SOCIAL_CARD), entry_json(3, RENOVATION)]))


def test_a_citizens_sentence_finds_the_entry_ranked_with_its_matching_parts(store: Store) -> None:
    _three(store)
    sentence = "我家楼下天天有人跳广场舞，噪音太大了，晚上十点还不停"
    hits = store.search_knowledge(sentence)
    assert next(h["entry"]["id"] for h in hits) == 1
    best = hits[0]
    # casework's ranking, the server's: the same number for the same entry and sentence
    assert best["score"] == score(sentence, NOISE["title"], NOISE["questions"], NOISE["keywords"], NOISE["answer"])
    title = NOISE["title"]
    marked = [title[s:e] for s, e, f in best["highlights"] if f == "title"]
    assert "广场舞噪音" in marked
    questions = "\n".join(NOISE["questions"])
    assert any("广场舞" in questions[s:e] for s, e, f in best["highlights"] if f == "questions")
    assert all(b["score"] <= best["score"] for b in hits)


def test_short_words_and_latin_are_found_too(store: Store) -> None:
    _three(store)
    assert {h["entry"]["id"] for h in store.search_knowledge("噪音")} == {1, 3}  # two characters: LIKE
    assert next(h["entry"]["id"] for h in store.search_knowledge("社保卡丢了")) == 2
    assert [h["entry"]["id"] for h in store.search_knowledge("12333")] == [2]
    assert store.search_knowledge("   ，。") == []
    assert store.search_knowledge("完全无关的火星探测计划") == []


def test_pages_replace_entries_drop_the_removed_and_keep_the_cursor(store: Store) -> None:
    assert store.knowledge_cursor() is None and store.knowledge_count() == 0
    _three(store)
    assert store.knowledge_cursor() == "k1" and store.knowledge_count() == 3
    edited = entry_json(1, {**NOISE, "title": "夜间广场舞音响扰民"}, version=2)
    store.apply_knowledge(page_json([edited], "k2", removed=[2]))
    assert store.knowledge_cursor() == "k2" and store.knowledge_count() == 2
    assert store.knowledge_entry(1)["version"] == 2  # type: ignore[index]
    assert store.knowledge_entry(2) is None
    assert store.search_knowledge("社保卡丢了怎么补办") == []  # gone from the index with it
    assert store.search_knowledge("广场舞噪音扰民的处理")[0]["entry"]["title"] == "夜间广场舞音响扰民"


def test_templates_department_first_and_withdrawn_ones_go(store: Store) -> None:
    city = template_json(1, "通用开头", "{称呼}您好！您于{受理日期}反映的问题（工单{工单编号}）")
    own = template_json(2, "现场核实", "经现场核实，", department_id=7)
    store.apply_knowledge(page_json(templates=[city, own]))
    assert [t["id"] for t in store.reply_templates()] == [2, 1]
    store.apply_knowledge(page_json(cursor="k2", removed_templates=[2]))
    assert [t["id"] for t in store.reply_templates()] == [1]


def test_expired_means_marked_so_or_past_its_basis() -> None:
    today = date(2026, 11, 30)
    assert is_expired(entry_json(3, RENOVATION), today)  # its basis ran out in 2020
    assert not is_expired(entry_json(1, NOISE), today)
    assert is_expired(entry_json(1, NOISE, status="expired"), today)


def test_a_version_5_profile_gains_the_knowledge_base_and_keeps_its_drafts(store_path: Path) -> None:
    store = open_store(store_path)
    store.keep_draft(1, "reply", {"text": "经核实"})
    store.close()
    as_version_6(store_path)  # the shape schema 5 and 6 had
    with sqlite3.connect(store_path) as conn:
        conn.execute("DROP TABLE knowledge_entries")
        conn.execute("DROP TABLE knowledge_templates")
        conn.execute("DROP TABLE knowledge_fts")
        conn.execute("PRAGMA user_version=5")
    conn.close()
    store = open_store(store_path)
    assert store.draft(1, "reply") is not None
    _three(store)
    assert store.search_knowledge("广场舞噪音")[0]["entry"]["id"] == 1
    store.close()
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_reset_page_starts_the_copy_again(store: Store) -> None:
    _three(store)
    store.apply_knowledge({**page_json([entry_json(2, SOCIAL_CARD)], "k9"), "reset": True})
    assert store.knowledge_count() == 1 and store.knowledge_cursor() == "k9"
    assert store.search_knowledge("广场舞噪音") == []


class _Server:
    """The server's side of a sync round: no orders, the knowledge base in pages of one entry."""

    def __init__(self, pages: dict[str | None, dict[str, Any]] | None = None) -> None:
        self.pages = pages
        self.asked: list[str | None] = []
        self.user = object()

    def push(self, request: PushRequest) -> PushResponse:
        return PushResponse(results=[])

    def pull_page(self, cursor: Any, limit: int) -> PulledPage:
        return PulledPage(changes=[], cursor=cursor or "c1", has_more=False, reset=False)

    def knowledge_sync(self, cursor: str | None, limit: int) -> KnowledgePage:
        self.asked.append(cursor)
        if self.pages is None:
            raise NotFound()
        return KnowledgePage.model_validate(self.pages[cursor or None])

    def departments(self) -> list[Any]:
        return []

    users = categories = departments


def test_the_sync_round_pulls_the_knowledge_base_page_by_page(store: Store, tmp_path: Path) -> None:
    pages = {
        None: page_json([entry_json(1, NOISE)], "k1", more=True),
        "k1": page_json([entry_json(2, SOCIAL_CARD)], "k2", templates=[template_json(1, "开头", "{称呼}您好！")]),
        "k2": page_json([], "k3", removed=[1]),
        "k3": page_json([], "k3"),
    }
    server = _Server(pages)
    engine = SyncEngine(store, server, BlobCache(tmp_path / "blobs"))  # type: ignore[arg-type]
    report = engine.sync()
    assert report.ok and report.knowledge == 3 and server.asked == [None, "k1"]
    assert store.knowledge_cursor() == "k2" and store.knowledge_count() == 2
    assert [t["title"] for t in store.reply_templates()] == ["开头"]
    report = engine.sync()  # the next round: from the cursor, the removal
    assert report.ok and report.knowledge == 1 and server.asked[-1] == "k2"
    assert store.knowledge_entry(1) is None and store.knowledge_count() == 1
    assert not engine.sync().knowledge  # nothing new: an idle round, as far as the knowledge base goes


def test_a_server_without_a_knowledge_base_leaves_the_copy(store: Store, tmp_path: Path) -> None:
    _three(store)
    report = SyncEngine(store, _Server(None), BlobCache(tmp_path / "blobs")).sync()  # type: ignore[arg-type]
    assert report.ok and report.knowledge == 0 and store.knowledge_count() == 3
