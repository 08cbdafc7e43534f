"""Schema 7: each order's searchable text is held once (``order_text``) and the trigram index is built
over it without a copy of its own; a version 6 profile is brought there in
place, with its cache, its cursor and the user's work."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from casework.lifecycle import Command
from casework.schemas import SignBody
from offline import SCHEMA_VERSION, Store, open_store
from offline.models import orders
from offline.store import _ORDER_COLUMNS, REPLY_DRAFT
from offline.worklists import Filters, page_query
from tests.fixtures.orders import HANDLER, order, pull, revoke, upsert
from tests.fixtures.store import as_version_6


def found(store: Store, term: str) -> list[int]:
    return sorted(r["id"] for r in store.rows(page_query(Filters(text=term).condition()), 50))


def check_index(path: Path) -> None:
    """The file is schema 7's shape (or a later one's) and its trigram index holds exactly ``order_text``
    (FTS5's own check)."""
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 7
        assert "search_text" not in {row[1] for row in conn.execute("PRAGMA table_info(orders)")}
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'orders_fts_content'").fetchone()[0] == 0
        conn.execute("INSERT INTO orders_fts (orders_fts, rank) VALUES ('integrity-check', 1)")  # raises if not


def test_the_index_follows_the_text_through_upserts_revokes_and_resets(store_path: Path) -> None:
    store = open_store(store_path)
    store.apply_pull(pull(upsert(order(1), 1), upsert(order(2, title="噪音扰民 夜间施工"), 2)))
    assert found(store, "夜间施工") == [2] and found(store, "噪音") == [2] and found(store, "路灯不亮") == [1]
    store.apply_pull(pull(upsert(order(2, version=2, title="施工噪音 已停"), 3), cursor="c2"))
    store.apply_pull(pull(upsert(order(1, version=2, state="in_progress"), 4), cursor="c3"))  # text unchanged
    assert found(store, "夜间施工") == [] and found(store, "施工噪音") == [2] and found(store, "已停") == [2]
    assert found(store, "路灯不亮") == [1]
    store.apply_pull(pull(revoke(2, 5), cursor="c4"))
    assert found(store, "施工噪音") == [] and found(store, "已停") == []
    store.apply_pull(pull(upsert(order(3, title="井盖缺失"), 6), cursor="c5", reset=True))
    assert found(store, "路灯不亮") == [] and found(store, "井盖缺失") == [3] and found(store, "12345-000003") == [3]
    store.close()
    check_index(store_path)


def test_a_version_6_profile_holds_its_search_text_once_in_place(store_path: Path) -> None:
    store = open_store(store_path)
    store.apply_pull(pull(upsert(order(1), 1, events=2), upsert(order(2, title="噪音扰民 夜间施工"), 2), cursor="c2"))
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))
    store.keep_draft(1, REPLY_DRAFT, {"text": "经现场核实，路灯已修复。"})
    store.close()
    as_version_6(store_path)

    store = open_store(store_path)
    assert store.cursor() == "c2" and len(store.events(1)) == 2  # the cache kept: no download again
    assert [r["name"] for r in store.outbox()] == ["sign"] and store.draft(1, REPLY_DRAFT) is not None
    assert found(store, "夜间施工") == [2] and found(store, "噪音") == [2] and found(store, "12345-000001") == [1]
    store.apply_pull(pull(upsert(order(2, version=2, title="施工噪音 已停"), 3), cursor="c3"))
    assert found(store, "夜间施工") == [] and found(store, "施工噪音") == [2]
    store.close()
    check_index(store_path)


def test_the_pulled_rows_fill_every_column_of_the_orders_table() -> None:
    # The bulk upsert names its columns itself (offline.store._ORDER_COLUMNS): a column added to the
    # table must be added there too, or pulled orders would keep its default.
    assert sorted(_ORDER_COLUMNS) == sorted(c.name for c in orders.columns)
