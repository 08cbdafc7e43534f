"""The desk's notifications (issue 13): kept as the server sent them, read here first and told to the
server later, announced once; the 预警 and 督办 work lists they and the orders make."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from casework.notifications import NotificationKind, NotificationPage, NotificationView
from offline import Store
from offline.db import SCHEMA_VERSION, open_store
from offline.worklists import WorkList, condition, page_query
from tests.fixtures.orders import HANDLER, order, pull, upsert
from tests.fixtures.store import as_version_6

NOW = datetime.fromisoformat("2026-03-03T09:00:00+08:00")


def _note(nid: int, kind: str, order_id: int, **extra: Any) -> NotificationView:
    return NotificationView.model_validate(
        {"id": nid, "kind": kind, "order_id": order_id, "created_at": NOW.isoformat(), **extra}
    )


def _ids(store: Store, work_list: WorkList) -> list[int]:
    return [r["id"] for r in store.rows(page_query(condition(work_list, HANDLER, NOW), "due_at"), 100)]


def test_the_warning_and_supervision_lists(store: Store) -> None:
    due = (NOW + timedelta(hours=2)).isoformat()
    moved = (NOW + timedelta(days=3)).isoformat()
    store.apply_pull(
        pull(
            upsert(order(1, "in_progress", handler_id=7, due_at=due), 1),
            upsert(order(2, "in_progress", handler_id=7, due_at=moved), 2),  # warned of a deadline since moved
            upsert(order(3, "closed", handler_id=7, due_at=None), 3),  # warned, but closed since
            upsert(order(4, "in_progress", handler_id=7, due_at=due, supervised=True), 4),
            upsert(order(5, "in_progress", handler_id=7, due_at=due, reminders=2), 5),
            upsert(order(6, "closed", handler_id=7, supervised=True), 6),
        )
    )
    before = NOW + timedelta(hours=2)
    added = store.add_notifications(
        [
            _note(1, "deadline_warning", 1, deadline="reply", due_at=due, lead_minutes=120),
            _note(2, "deadline_warning", 2, deadline="reply", due_at=before.isoformat(), lead_minutes=120),
            _note(3, "overdue", 3, deadline="reply", due_at=due),
            _note(4, "supervise", 4, actor_id=1, text="请加快"),
            _note(5, "remind", 5, actor_id=1, text="市民催促"),
            _note(6, "supervise", 6, actor_id=1, text="已办结的"),
        ]
    )
    assert added == 6
    assert store.add_notifications([_note(1, "deadline_warning", 1, due_at=due)]) == 0  # known: kept as it was
    assert _ids(store, WorkList.WARNINGS) == [1]
    assert _ids(store, WorkList.SUPERVISED) == [4, 5]


def test_reads_are_kept_here_then_sent_and_each_notification_is_announced_once(store: Store) -> None:
    store.add_notifications([_note(1, "supervise", 9, text="督办"), _note(2, "remind", 9, text="催办")])
    assert store.notification_cursor() == 2
    assert store.unread_notifications() == 2
    assert [n["text"] for n in store.to_announce()] == ["督办", "催办"]
    assert store.to_announce() == []
    assert store.mark_notifications_read([1], NOW) == 1
    assert store.unread_notifications() == 1
    assert store.reads_to_send() == [1]
    store.reads_sent([1])
    assert store.reads_to_send() == []
    assert [(n["id"], n["read_at"] is not None) for n in store.notifications()] == [(2, False), (1, True)]
    store.mark_notifications_read(None, NOW)
    assert store.unread_notifications() == 0 and store.reads_to_send() == [2]


def test_a_version_5_profile_gains_notifications_and_keeps_its_cache(store_path: Path) -> None:
    store = open_store(store_path)
    store.apply_pull(pull(upsert(order(1, "in_progress"), 1)))
    store.close()
    as_version_6(store_path)  # the shape schema 5 and 6 had
    with sqlite3.connect(store_path) as conn:
        conn.execute("DROP TABLE notifications")
        conn.execute("PRAGMA user_version=5")
    conn.close()
    store = open_store(store_path)
    assert store.order(1) is not None  # no re-download
    assert store.add_notifications([_note(1, "remind", 1, text="催办")]) == 1
    store.close()
    with sqlite3.connect(store_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_kind_a_newer_server_added_is_kept_as_its_code(store: Store) -> None:
    """A desk older than its server: a page with a kind (or a deadline) it does not know is read, not
    refused as garbled (which failed every sync's last step and brought no notification at all)."""
    page = NotificationPage.model_validate_json(
        json.dumps(
            {
                "notifications": [
                    {"id": 1, "kind": "overdue", "order_id": 1, "deadline": "reply", "created_at": NOW.isoformat()},
                    {
                        "id": 2,
                        "kind": "co_review",
                        "order_id": 1,
                        "deadline": "co_review_by",
                        "text": "请会审",
                        "created_at": NOW.isoformat(),
                    },
                ],
                "unread": 2,
            }
        )
    )
    assert page.notifications[0].kind is NotificationKind.OVERDUE
    assert store.add_notifications(page.notifications) == 2
    newest = store.notifications()[0]
    assert (newest["kind"], newest["deadline"], newest["text"]) == ("co_review", "co_review_by", "请会审")
    with pytest.raises(ValidationError):  # what is not a code at all is still refused
        NotificationView.model_validate({"id": 3, "kind": 7, "order_id": 1, "created_at": NOW.isoformat()})
