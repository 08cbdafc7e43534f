"""The desk's side of an offline intake: a provisional order in the lists at once, commands queued
behind it, the server's answer replacing it in one transaction, a refusal kept as a problem with the
text, undo and discard taking the provisional order with them, and a reset keeping it."""

from __future__ import annotations

import uuid

import pytest

from casework.errors import CommandRefused
from casework.lifecycle import Command
from casework.roles import Actor, Role
from casework.schemas import OrderIntake
from casework.sync import COMMAND_ARGS, MutationStatus
from offline import Store
from offline.store import WithdrawRefused
from tests.fixtures.orders import order, pull, result, upsert

AGENT = Actor(user_id=1, role=Role.CENTRE_AGENT, department_id=9)
HANDLER = Actor(user_id=3, role=Role.HANDLER, department_id=4)
INTAKE = OrderIntake.model_validate(
    {
        "channel": "phone",
        "citizen": {"name": "王芳", "phone": "13912345678"},
        "kind": "consultation",
        "category_code": "0101",
        "title": "文汇路路灯不亮",
        "description": "文汇路88号门口路灯不亮。",
        "lat": 32.78,
        "lon": 119.44,
        "tags": ["路灯"],
    }
)


def _dispatch(lead: int = 4) -> object:
    return COMMAND_ARGS[Command.DISPATCH].model_validate({"lead_department_id": lead})


def test_an_intake_shows_at_once_and_its_commands_wait_behind_it(store: Store) -> None:
    store.keep_draft(0, "intake", {"title": "文汇路路灯不亮"})
    first = store.record_intake(AGENT, INTAKE, drop_draft=(0, "intake"))
    second = store.record_intake(AGENT, INTAKE)
    assert first.order_id == -1 and second.order_id == -2 and first.name == "intake"
    assert store.draft(0, "intake") is None  # in the same transaction
    shown = store.order(-1)
    assert shown is not None and shown["number"] == "待上传" and shown["state"] == "received"
    assert shown["tags"] == ["路灯"] and shown["lat"] == 32.78 and "dispatch" in shown["allowed_commands"]
    assert shown["received_at"] is not None  # the call's time, sent with it
    assert [o["id"] for o in store.orders(text="文汇路")] == [-2, -1]
    store.record(AGENT, -1, Command.DISPATCH, _dispatch())  # type: ignore[arg-type]
    assert store.order(-1)["state"] == "dispatched"  # type: ignore[index]
    assert [(m.name, m.order_id) for m in store.pending(flush=True)] == [("intake", -1), ("intake", -2)]

    # The server created -1 as order 77: the dispatch moves to it, the provisional row goes.
    server = order(77, state="received", version=1, title="文汇路路灯不亮", number="GY20261130-0001")
    store.mark([result(first.id, MutationStatus.APPLIED, order_id=77, order=server)])
    assert store.order(-1) is None
    assert store.order(77)["state"] == "dispatched"  # type: ignore[index]  # the dispatch on top
    assert [(m.name, m.order_id) for m in store.pending(flush=True)] == [("intake", -2), ("dispatch", 77)]
    assert [o["id"] for o in store.orders(text="文汇路")] == [-2, 77]
    # An id is never handed out twice, even after the provisional order is gone.
    assert store.record_intake(AGENT, INTAKE).order_id == -3


def test_only_the_centre_takes_in_and_a_refused_follow_up_stores_nothing(store: Store) -> None:
    with pytest.raises(CommandRefused):
        store.record_intake(HANDLER, INTAKE)
    close = COMMAND_ARGS[Command.CLOSE]
    with pytest.raises(CommandRefused):  # 办结 is not for a received order: nothing is stored at all
        store.record_intake(AGENT, INTAKE, then=[(Command.CLOSE, close.model_validate({}))])
    assert store.outbox() == [] and store.orders() == []


def test_a_rejected_intake_is_a_problem_with_its_text_and_holds_what_follows(store: Store) -> None:
    taken = store.record_intake(AGENT, INTAKE)
    store.record(AGENT, taken.order_id, Command.DISPATCH, _dispatch())  # type: ignore[arg-type]
    store.mark_sent([taken.id])
    store.mark(
        [
            result(
                taken.id, MutationStatus.REJECTED, code="unknown_category", message_zh="诉求分类不存在", message_en="x"
            )
        ]
    )
    [problem] = store.problems()
    assert problem["name"] == "intake" and problem["args"]["title"] == "文汇路路灯不亮"
    assert problem["error_zh"] == "诉求分类不存在"
    assert store.pending(flush=True) == []  # the dispatch waits behind it
    assert store.order(taken.order_id) is not None  # still shown, marked 待上传
    store.resolve(taken.id, "discard")  # nothing exists without it: the order and its dispatch go
    assert store.outbox() == [] and store.order(taken.order_id) is None


def test_undo_of_an_intake_takes_its_order_and_a_reset_keeps_it(store: Store) -> None:
    taken = store.record_intake(AGENT, INTAKE)
    kept = store.record_intake(AGENT, INTAKE)
    store.apply_pull(pull(upsert(order(5), 1), cursor="c1"))
    store.apply_pull(pull(upsert(order(6), 2), cursor="c2", reset=True))  # a reset drops the server's copies
    assert sorted(o["id"] for o in store.orders()) == [-2, -1, 6]
    with pytest.raises(WithdrawRefused):
        store.withdraw(uuid.uuid4())
    store.withdraw(taken.id)
    assert store.order(taken.order_id) is None and [r["name"] for r in store.outbox()] == ["intake"]
    assert store.order(kept.order_id) is not None


def test_an_answer_lost_keeps_the_pull_waiting(store: Store) -> None:
    taken = store.record_intake(AGENT, INTAKE)
    assert not store.intake_unanswered()
    store.mark_sent([taken.id])
    assert store.intake_unanswered()
    store.mark([result(taken.id, MutationStatus.DUPLICATE, order_id=8, order=order(8, state="received"))])
    assert not store.intake_unanswered() and store.order(-1) is None and store.order(8) is not None
