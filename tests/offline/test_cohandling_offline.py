"""Co-handling (协办) on the desk's store: the 协办 list with the part's own deadline, and the part's
commands recorded offline (their local effect, and what the lead may do meanwhile)."""

from __future__ import annotations

from datetime import datetime, timedelta

from casework.lifecycle import Command, allowed_commands
from casework.roles import Actor, Role
from casework.schemas import CoOpinionBody, CoSignBody, OrderDetail
from offline import Store
from offline.effects import apply_mutation
from offline.facts import facts_from
from offline.worklists import WorkList, condition, page_query
from tests.fixtures.orders import order, pull, upsert

NOW = datetime.fromisoformat("2026-03-03T09:00:00+08:00")
LEAD, CO = 3, 4
CO_HANDLER = Actor(user_id=21, role=Role.HANDLER, department_id=CO, may_sign=True)
LEAD_HANDLER = Actor(user_id=7, role=Role.HANDLER, department_id=LEAD)


def _at(hours: float) -> str:
    return (NOW + timedelta(hours=hours)).isoformat()


def _co_handled(actor: Actor) -> dict:  # type: ignore[type-arg]
    detail = order(
        1,
        "in_progress",
        handler_id=LEAD_HANDLER.user_id,
        due_at=_at(48),
        co_department_ids=[CO],
        co_handling=[
            {"department_id": CO, "status": "pending", "started_at": _at(-1), "sign_by": _at(8), "answer_by": _at(24)}
        ],
        co_due_at=_at(8) if actor.department_id == CO else None,
    ).model_dump(mode="json")
    detail["allowed_commands"] = [c.value for c in allowed_commands(actor, facts_from(detail), NOW)]
    return detail


def _listed(store: Store) -> list[tuple[int, str]]:
    where = condition(WorkList.CO_HANDLING, CO_HANDLER, NOW)
    return [(r["id"], r["due_at"]) for r in store.rows(page_query(where), 100)]


def test_the_co_departments_list_its_own_deadline_and_its_steps_offline(store: Store) -> None:
    detail = _co_handled(CO_HANDLER)
    store.apply_pull(pull(upsert(OrderDetail.model_validate(detail), 1)))
    assert "co_sign" in detail["allowed_commands"] and "submit_reply" not in detail["allowed_commands"]
    [(order_id, due)] = _listed(store)
    assert order_id == 1 and due == "2026-03-03T09:00:00Z"  # the part's sign-by (17:00 Beijing), not the lead's

    store.record(CO_HANDLER, 1, Command.CO_SIGN, CoSignBody(version=1), now=NOW)
    local = store.order(1)
    assert local is not None and local["co_handling"][0]["status"] == "signed"
    assert "submit_co_opinion" in local["allowed_commands"]
    [(_, due)] = _listed(store)
    assert due == "2026-03-04T01:00:00Z"  # now the answer's deadline

    store.record(CO_HANDLER, 1, Command.SUBMIT_CO_OPINION, CoOpinionBody(version=1, opinion="已核实"), now=NOW)
    local = store.order(1)
    assert local is not None and local["co_handling"][0]["opinion"] == "已核实"
    assert local["allowed_commands"] == ["record_onsite_check", "add_note"]
    assert _listed(store) == []  # answered: nothing left to do in 协办


def test_the_lead_may_submit_once_the_part_is_answered() -> None:
    detail = _co_handled(LEAD_HANDLER)
    assert "save_draft" in detail["allowed_commands"] and "submit_reply" not in detail["allowed_commands"]
    signed = apply_mutation(detail, Command.CO_SIGN, {}, CO_HANDLER, NOW)
    answered = apply_mutation(signed, Command.SUBMIT_CO_OPINION, {"opinion": "已核实"}, CO_HANDLER, NOW)
    assert "submit_reply" in allowed_commands(LEAD_HANDLER, facts_from(answered), NOW)
    waived = apply_mutation(
        detail, Command.WAIVE_CO_HANDLING, {"department_id": CO, "reason": "不涉及"}, CO_HANDLER, NOW
    )
    assert waived["co_handling"][0]["status"] == "waived"
    assert "submit_reply" in allowed_commands(LEAD_HANDLER, facts_from(waived), NOW)
    added = apply_mutation(detail, Command.ADD_CO_DEPARTMENT, {"department_id": 9, "reason": ""}, CO_HANDLER, NOW)
    assert added["co_department_ids"] == [CO, 9] and [p["status"] for p in added["co_handling"]] == ["pending"] * 2
