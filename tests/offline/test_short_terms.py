"""Schema 8: terms of one or two characters are found through an index of the orders' text one
character a token (``order_characters``), exactly where a substring match finds them; a version 7
profile gains the index in place, with its cache, its cursor and the user's work."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from casework.lifecycle import Command
from casework.schemas import SignBody
from offline import SCHEMA_VERSION, Store, open_store
from offline.search import search_text
from offline.store import REPLY_DRAFT
from offline.worklists import Filters, page_query
from tests.fixtures.orders import HANDLER, order, pull, revoke, upsert
from tests.fixtures.store import as_version_7

TITLES = {
    1: "文汇路路灯不亮",
    2: "噪音 扰民，夜间施工",  # a space and a full-width comma inside
    3: 'GY-2026 "A*B" 井盖',  # ASCII punctuation, a quote, upper case
    4: "海潮路a b",
}
#: Each term of one or two characters, with what a plain substring search (ASCII case folded) finds.
TERMS = ["文", "路", "路灯", "噪", "噪音", "音扰", " 扰", "，", "，夜", "-", "Y-", "gy", '"', "*B", "a", "ab", "a b"]


def found(store: Store, term: str, hits: bool) -> list[int]:
    condition = Filters(text=term).condition(store.term_hits(term) if hits else None)
    return sorted(r["id"] for r in store.rows(page_query(condition), 50))


def expected(store: Store, term: str) -> list[int]:
    """What a substring match finds: every whitespace-separated part held (ASCII case folded, as LIKE)."""
    parts = term.lower().split()
    texts = {i: search_text(store.order(i) or {}).lower() for i in TITLES if store.order(i) is not None}
    return sorted(i for i, text in texts.items() if parts and all(p in text for p in parts)) if parts else []


def check(store: Store) -> None:
    for term in TERMS:
        want = expected(store, term)
        if term.strip():
            assert found(store, term, hits=True) == want, term
            assert found(store, term, hits=False) == want, term


def test_short_terms_find_exactly_what_a_substring_match_finds_through_upserts_revokes_and_resets(
    store_path: Path,
) -> None:
    store = open_store(store_path)
    store.apply_pull(pull(*(upsert(order(i, title=t), i) for i, t in TITLES.items())))
    check(store)
    assert found(store, "噪音", hits=True) == [2] and found(store, "音扰", hits=True) == []  # a space between
    assert found(store, "gy", hits=True) == [3] and found(store, "ab", hits=True) == []
    store.apply_pull(pull(upsert(order(2, version=2, title="施工噪声 已停"), 5), cursor="c2"))
    store.apply_pull(pull(upsert(order(1, version=2, state="in_progress"), 6), cursor="c3"))  # text unchanged
    assert found(store, "噪音", hits=True) == [] and found(store, "噪声", hits=True) == [2]
    check(store)
    store.apply_pull(pull(revoke(3, 7), cursor="c4"))
    assert found(store, "gy", hits=True) == [] and found(store, "井", hits=False) == []
    store.apply_pull(pull(upsert(order(4, version=2, title="井盖缺失"), 8), cursor="c5", reset=True))
    assert found(store, "汇", hits=True) == [] and found(store, "井", hits=True) == [4]
    check(store)
    store.close()
    with closing(sqlite3.connect(store_path)) as conn:  # FTS5's own check of the index's structure
        conn.execute("INSERT INTO order_characters (order_characters, rank) VALUES ('integrity-check', 1)")


def test_a_version_7_profile_gains_the_characters_index_in_place(store_path: Path) -> None:
    store = open_store(store_path)
    store.apply_pull(pull(*(upsert(order(i, title=t), i, events=1) for i, t in TITLES.items()), cursor="c2"))
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))
    store.keep_draft(1, REPLY_DRAFT, {"text": "经现场核实，路灯已修复。"})
    store.close()
    as_version_7(store_path)
    with closing(sqlite3.connect(store_path)) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'order_characters'").fetchone()[0] == 0

    store = open_store(store_path)
    assert store.cursor() == "c2" and len(store.events(1)) == 1  # the cache kept: no download again
    assert [r["name"] for r in store.outbox()] == ["sign"] and store.draft(1, REPLY_DRAFT) is not None
    check(store)
    store.apply_pull(pull(upsert(order(2, version=2, title="施工噪声 已停"), 9), cursor="c3"))
    assert found(store, "噪音", hits=True) == [] and found(store, "噪声", hits=True) == [2]
    store.close()
    with closing(sqlite3.connect(store_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 8
