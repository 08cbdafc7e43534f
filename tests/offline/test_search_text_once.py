"""Schema 7: each order's searchable text is held once (``order_text``) and the trigram index is built
over it without a copy of its own; a version 6 profile is brought there in
place, with its cache, its cursor and the user's work."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path
from typing import Any

from casework.lifecycle import Command
from casework.schemas import SignBody
from casework.sync import PullResponse
from offline import SCHEMA_VERSION, Store, open_store
from offline.models import orders
from offline.search import BEHIND, INDEXED_UPTO, characters
from offline.store import _ORDER_COLUMNS, REPLY_DRAFT
from offline.worklists import Filters, page_query
from tests.fixtures.orders import HANDLER, order, pull, revoke, upsert
from tests.fixtures.store import as_version_6

ROOT = Path(__file__).resolve().parents[2]


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


def _page(*changes: Any, cursor: str, has_more: bool = True, reset: bool = False) -> PullResponse:
    return PullResponse(changes=list(changes), cursor=cursor, has_more=has_more, reset=reset)


def test_a_download_builds_the_index_once_and_finds_what_arrived_meanwhile(store_path: Path) -> None:
    # A download of several pages leaves the trigram index to its end (offline.search.hold_index);
    # until then a search of three characters or more reads the narrow text, and finds every order
    # that has arrived — as its last page left it — and none that was revoked.
    store = open_store(store_path)
    store.apply_pull(
        _page(upsert(order(1, title="路灯不亮 夜间"), 1), upsert(order(2, title="井盖缺失"), 2), cursor="p1")
    )
    assert found(store, "路灯不亮") == [1] and found(store, "井盖缺失") == [2] and found(store, "缺失") == [2]
    assert store.term_hits("路灯不亮 夜间") == {"路灯不亮": (1,), "夜间": (1,)}  # as the search box reads them
    with closing(sqlite3.connect(store_path)) as conn:  # the index itself holds nothing yet
        assert conn.execute("SELECT count(*) FROM orders_fts WHERE orders_fts MATCH '路灯不亮'").fetchone()[0] == 0
    store.apply_pull(_page(upsert(order(3, title="噪音扰民 夜间施工"), 3), cursor="p2"))
    store.apply_pull(_page(upsert(order(2, version=2, title="井盖已补"), 4), revoke(1, 5), cursor="p3"))
    assert found(store, "井盖缺失") == [] and found(store, "井盖已补") == [2] and found(store, "路灯不亮") == []
    assert found(store, "夜间施工") == [3]
    store.apply_pull(_page(upsert(order(4, title="占道经营"), 6), cursor="d1", has_more=False))
    assert found(store, "井盖已补") == [2] and found(store, "夜间施工") == [3] and found(store, "占道经营") == [4]
    assert found(store, "路灯不亮") == []
    store.close()
    check_index(store_path)
    with closing(sqlite3.connect(store_path)) as conn:  # built: searches go through it again
        assert conn.execute("SELECT rowid FROM orders_fts WHERE orders_fts MATCH '夜间施工'").fetchall() == [(3,)]
        # and the characters' index (terms of one or two characters) is built at the same end
        short = '"' + characters("夜间") + '"'
        assert conn.execute(
            "SELECT rowid FROM order_characters WHERE order_characters MATCH ?", (short,)
        ).fetchall() == [(3,)]
        assert conn.execute("SELECT count(*) FROM sync_state WHERE key = ?", (BEHIND,)).fetchone()[0] == 0


def test_a_download_killed_midway_resumes_and_catches_the_index_up(store_path: Path) -> None:
    # A desk killed between two pages of its download reopens with the index still behind: the
    # pages it has are searchable, the next ones follow, and the last one builds the whole index.
    script = textwrap.dedent(
        """
        import os, signal, sys
        from casework.sync import PullResponse
        from offline import open_store
        from tests.fixtures.orders import order, upsert

        store = open_store(sys.argv[1])
        first = upsert(order(1, title="路灯不亮"), 1)
        store.apply_pull(PullResponse(changes=[first], cursor="p1", has_more=True, reset=False))
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script, str(store_path)], cwd=ROOT, capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    store = open_store(store_path)
    assert store.cursor() == "p1" and found(store, "路灯不亮") == [1]
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))  # an edit meanwhile rewrites its text
    store.apply_pull(_page(upsert(order(2, title="井盖缺失"), 2), cursor="d1", has_more=False))
    assert found(store, "路灯不亮") == [1] and found(store, "井盖缺失") == [2]
    store.close()
    check_index(store_path)


def test_the_indexes_are_built_after_the_last_page_in_chunks_that_survive_a_kill(store_path: Path) -> None:
    # The last page commits alone; the indexes follow a chunk a transaction (offline.search.catch_up),
    # so the write lock is never held for a whole city's build. A desk killed between two chunks
    # reopens with the first chunk indexed and the mark at its last order: searches still read the
    # narrow text, a write meanwhile keeps an indexed order's entries in step (and leaves one above
    # the mark to the build), and the next pull's end finishes the build — FTS5's own check passes.
    script = textwrap.dedent(
        """
        import os, signal, sys
        from casework.sync import PullResponse
        from offline import open_store, search
        from tests.fixtures.orders import order, upsert

        search.CATCH_UP_CHUNK = 2
        chunk = search.catch_up

        def catch_up(conn):
            if search.indexed_upto(conn) not in (None, search._NONE_YET):
                os.kill(os.getpid(), signal.SIGKILL)  # the first chunk is committed: die before the second
            return chunk(conn)

        search.catch_up = catch_up
        store = open_store(sys.argv[1])
        titles = ["路灯不亮", "井盖缺失", "噪音扰民", "占道经营", "违章停车"]
        first = [upsert(order(i, title=t), i) for i, t in enumerate(titles[:3], 1)]
        store.apply_pull(PullResponse(changes=first, cursor="p1", has_more=True, reset=False))
        last = [upsert(order(i, title=t), i) for i, t in enumerate(titles[3:], 4)]
        store.apply_pull(PullResponse(changes=last, cursor="d1", has_more=False, reset=False))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script, str(store_path)], cwd=ROOT, capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr.decode()
    with closing(sqlite3.connect(store_path)) as conn:
        marks = dict(conn.execute("SELECT key, value FROM sync_state WHERE key LIKE 'search_index_%'").fetchall())
        assert marks == {BEHIND: "1", INDEXED_UPTO: "2"}  # the last page and the first chunk, committed apart
        assert conn.execute("SELECT rowid FROM orders_fts WHERE orders_fts MATCH '井盖缺失'").fetchall() == [(2,)]
    store = open_store(store_path)
    assert store.cursor() == "d1" and found(store, "噪音扰民") == [3] and found(store, "噪音") == [3]
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))  # a local edit meanwhile
    mended, cleared = order(2, version=2, title="井盖已补"), order(4, version=2, title="占道已清")
    store.apply_pull(pull(upsert(mended, 6), upsert(cleared, 7), cursor="d2"))  # one below the mark, one above
    assert found(store, "井盖缺失") == [] and found(store, "井盖已补") == [2] and found(store, "占道已清") == [4]
    assert found(store, "违章") == [5] and found(store, "路灯不亮") == [1]
    store.close()
    check_index(store_path)
    with closing(sqlite3.connect(store_path)) as conn:  # whole again, through the index
        assert conn.execute("SELECT count(*) FROM sync_state WHERE key LIKE 'search_index_%'").fetchone()[0] == 0
        assert conn.execute("SELECT rowid FROM orders_fts WHERE orders_fts MATCH '井盖已补'").fetchall() == [(2,)]
        assert conn.execute("SELECT rowid FROM orders_fts WHERE orders_fts MATCH '井盖缺失'").fetchall() == []
        short = '"' + characters("占道") + '"'
        assert conn.execute(
            "SELECT rowid FROM order_characters WHERE order_characters MATCH ?", (short,)
        ).fetchall() == [(4,)]
