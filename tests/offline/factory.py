"""Small builders of server-shaped data for the offline tests."""

from __future__ import annotations

import uuid
from typing import Any

from casework.roles import Actor, Role
from casework.schemas import OrderDetail
from casework.sync import MutationResult, MutationStatus, PullResponse, SyncChange

HANDLER = Actor(user_id=7, role=Role.HANDLER, department_id=3, may_sign=True)
T = "2026-03-02T09:00:00+08:00"


def order(order_id: int = 1, state: str = "dispatched", version: int = 1, **extra: Any) -> OrderDetail:
    """An OrderDetail of department 3 with every required field, minimal values."""
    data: dict[str, Any] = {
        "id": order_id,
        "number": f"12345-{order_id:06d}",
        "state": state,
        "version": version,
        "channel": "phone",
        "kind": "complaint",
        "category_code": "01.02",
        "complexity": "simple",
        "urgency": "normal",
        "importance": "ordinary",
        "title": f"路灯不亮 {order_id}",
        "district": "",
        "street": "",
        "lead_department_id": 3,
        "handler_id": None,
        "received_at": T,
        "dispatched_at": T,
        "due_at": None,
        "supervised": False,
        "reminders": 0,
        "updated_at": T,
        "citizen": {
            "name": "",
            "phone": "",
            "callback_number": "",
            "anonymous": True,
            "confidential": False,
            "contact_allowed": False,
            "masked": True,
        },
        "description": "小区门口路灯坏了",
        "address": "",
        "lat": None,
        "lon": None,
        "tags": [],
        "co_department_ids": [],
        "deadlines": {
            "sign_by": None,
            "onsite_by": None,
            "reply_by": None,
            "reply_by_extended": None,
            "provisional": False,
            "calendar_version": None,
            "signed_on_time": None,
            "onsite_on_time": None,
            "replied_on_time": None,
            "closed_on_time": None,
        },
        "onsite_checks": [],
        "notes": [],
        "draft": None,
        "replies": [],
        "review_chain": ["section_chief", "department_head"],
        "review_level": 0,
        "reviews": [],
        "callbacks": [],
        "extension": None,
        "return_request": None,
        "leader_instruction": "",
        "reopen_count": 0,
        "merged_into_id": None,
        "merge_reason": "",
        "attachments": [],
        "allowed_commands": [],
    }
    data.update(extra)
    return OrderDetail.model_validate(data)


def upsert(detail: OrderDetail, seq: int, events: int = 0) -> SyncChange:
    evs = [
        {"seq": seq * 100 + i, "at": T, "actor_id": 1, "action": "x", "order_id": detail.id, "before": {}, "after": {}}
        for i in range(events)
    ]
    return SyncChange.model_validate(
        {"seq": seq, "kind": "upsert", "order_id": detail.id, "order": detail, "events": evs}
    )


def revoke(order_id: int, seq: int) -> SyncChange:
    return SyncChange(seq=seq, kind="revoke", order_id=order_id)


def pull(*changes: SyncChange, cursor: str = "c1", reset: bool = False) -> PullResponse:
    return PullResponse(changes=list(changes), cursor=cursor, has_more=False, reset=reset)


def result(mutation_id: uuid.UUID, status: MutationStatus, **extra: Any) -> MutationResult:
    return MutationResult(id=mutation_id, status=status, **extra)
