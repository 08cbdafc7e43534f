"""Crash safety: a process killed (SIGKILL) right after, or in the middle of, a write."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from offline import open_store
from tests.fixtures.knowledge import NOISE, entry_json, page_json
from tests.fixtures.orders import order, pull, upsert

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import os, signal, sys
from casework.lifecycle import Command
from casework.schemas import SaveDraftBody, SignBody
import offline.store
from offline import open_store
from tests.fixtures.orders import HANDLER, order, pull, upsert

def die():
    os.kill(os.getpid(), signal.SIGKILL)

store = open_store(sys.argv[1])
step = sys.argv[2]
if step == "record":
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))
    die()  # right after the commit returned
elif step == "draft":
    store.record(HANDLER, 1, Command.SIGN, SignBody(version=0))
    store.record(HANDLER, 1, Command.SAVE_DRAFT, SaveDraftBody(version=0, text="已安排维修", knowledge_entry_ids=[1]))
    die()  # before any push
elif step == "pull":
    store.apply_pull(pull(upsert(order(2), 2), cursor="c2"))
    die()
elif step == "pull-mid":
    # Die while the pull's transaction is open, just before the cursor is written.
    offline.store._set_state = lambda *a, **k: die()
    store.apply_pull(pull(upsert(order(2), 2), cursor="c2"))
"""


def _run_child(path: Path, step: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CHILD), str(path), step], cwd=ROOT, capture_output=True, timeout=60
    )
    assert proc.returncode == -9, proc.stderr.decode()


@pytest.fixture
def seeded(store_path: Path) -> Path:
    store = open_store(store_path)
    store.apply_pull(pull(upsert(order(1), 1), cursor="c1"))
    store.close()
    return store_path


def test_record_killed_after_commit_keeps_exactly_one_outbox_row(seeded: Path) -> None:
    _run_child(seeded, "record")
    store = open_store(seeded)
    assert [r["name"] for r in store.outbox()] == ["sign"]
    assert store.order(1)["state"] == "in_progress"  # type: ignore[index]
    store.close()


def test_a_draft_killed_before_its_push_keeps_what_it_cites(seeded: Path) -> None:
    store = open_store(seeded)
    store.apply_knowledge(page_json([entry_json(1, NOISE)]))
    store.close()
    _run_child(seeded, "draft")
    store = open_store(seeded)
    assert [(r["name"], r["args"].get("knowledge_entry_ids")) for r in store.outbox()] == [
        ("sign", None),
        ("save_draft", [1]),
    ]
    assert store.order(1)["draft"]["knowledge_entries"] == [{"id": 1, "title": NOISE["title"]}]  # type: ignore[index]
    store.close()


def test_pull_killed_after_return_has_cursor_and_orders(seeded: Path) -> None:
    _run_child(seeded, "pull")
    store = open_store(seeded)
    assert store.cursor() == "c2"
    assert store.order(2) is not None
    store.close()


def test_pull_killed_midway_has_neither(seeded: Path) -> None:
    _run_child(seeded, "pull-mid")
    store = open_store(seeded)
    assert store.cursor() == "c1"
    assert store.order(2) is None
    store.close()
