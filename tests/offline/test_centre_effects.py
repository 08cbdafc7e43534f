"""The centre's commands applied on a desk's copy: what the rules offer next, before the server answers."""

from __future__ import annotations

from datetime import datetime

import pytest

from casework.deadlines import SHANGHAI
from casework.errors import CommandRefused, Refusal
from casework.lifecycle import Command, allowed_commands
from casework.order import CallbackOutcome
from casework.roles import Actor, Role
from casework.schemas import CloseBody, RecordCallbackBody
from offline import Store
from offline.effects import apply_mutation
from offline.facts import facts_from
from tests.fixtures.orders import order, pull, upsert

AGENT = Actor(user_id=1, role=Role.CENTRE_AGENT, department_id=9)
SUPERVISOR = Actor(user_id=2, role=Role.CENTRE_SUPERVISOR, department_id=9)
AT = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


def _replied() -> dict:  # type: ignore[type-arg]
    return order(state="replied").model_dump(mode="json")


def _callback(copy: dict, outcome: CallbackOutcome, actor: Actor = AGENT) -> dict:  # type: ignore[type-arg]
    args = {"outcome": outcome.value, "notes": ""}
    if outcome is not CallbackOutcome.UNREACHABLE:
        args |= {"resolved": outcome is not CallbackOutcome.UNSATISFIED, "citizen_words": "还行"}
    return apply_mutation(copy, Command.RECORD_CALLBACK, args, actor, AT)


def test_three_unanswered_callbacks_offer_closing_on_the_desk() -> None:
    copy = _replied()
    for attempt in range(1, 4):
        assert "close" not in copy["allowed_commands"]
        copy = _callback(copy, CallbackOutcome.UNREACHABLE)
        assert copy["callback_attempts"] == attempt
    assert "close" in copy["allowed_commands"]


def test_an_unsatisfied_verdict_offers_rehandling_and_only_the_supervisor_closes() -> None:
    copy = _callback(_replied(), CallbackOutcome.UNSATISFIED)
    assert copy["callbacks"][-1]["citizen_words"] == "还行" and copy["callbacks"][-1]["resolved"] is False
    assert "reopen" in copy["allowed_commands"] and "close" not in copy["allowed_commands"]
    assert "record_callback" not in copy["allowed_commands"]  # the verdict stands
    assert Command.CLOSE in allowed_commands(SUPERVISOR, facts_from(copy), AT)

    # 重办 starts a new round: the old verdict no longer decides the next callback.
    again = apply_mutation(copy, Command.REOPEN, {"instruction": "重办"}, AGENT, AT)
    again["state"] = "replied"  # the department replied again
    facts = facts_from(again)
    assert facts.last_callback_outcome is None and facts.callback_attempts == 0


def test_supervision_shows_at_once() -> None:
    copy = order(state="in_progress").model_dump(mode="json")
    copy = apply_mutation(copy, Command.SUPERVISE, {"note": "三日内办结"}, AGENT, AT)
    copy = apply_mutation(copy, Command.REMIND, {"note": "请加快"}, AGENT, AT)
    assert copy["supervised"] is True and copy["reminders"] == 1
    assert [(s["kind"], s["note"]) for s in copy["supervision"]] == [("supervise", "三日内办结"), ("remind", "请加快")]


def test_the_supervisors_close_after_an_unsatisfied_callback_needs_a_reason_on_the_desk(store: Store) -> None:
    """check_input as the server applies it: refused at once on the desk, not at the next sync."""
    store.apply_pull(pull(upsert(order(1, "replied", allowed_commands=["record_callback"]), 1)))
    store.record(SUPERVISOR, 1, Command.RECORD_CALLBACK, RecordCallbackBody(version=1, outcome="unsatisfied"))
    with pytest.raises(CommandRefused) as refused:
        store.record(SUPERVISOR, 1, Command.CLOSE, CloseBody(version=1, note=" "))
    assert refused.value.code == Refusal.CLOSE_REASON_REQUIRED.value
    assert [m["name"] for m in store.outbox(1)] == ["record_callback"]  # nothing half-saved
    store.record(SUPERVISOR, 1, Command.CLOSE, CloseBody(version=1, note="已多次协调"))
    assert store.order(1)["state"] == "closed"  # type: ignore[index]
