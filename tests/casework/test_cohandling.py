"""Co-handling (协办) in the rules: a co-department's part, its order of steps, the lead's wait, its deadlines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casework.calendar import WorkingDayCalendar
from casework.cohandling import CO_ANSWER_MARGIN_DAYS, CoPart, CoStatus, co_deadlines, outstanding, working_days_before
from casework.deadlines import SHANGHAI, DeadlinePolicy
from casework.errors import CommandRefused, Refusal
from casework.lifecycle import Command, OrderFacts, allowed_commands, check, check_input, state_after, why_not
from casework.order import State
from casework.roles import Actor, Role

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Beijing
LEAD, CO, CO2, OTHER = 10, 20, 21, 30

lead_handler = Actor(1, Role.HANDLER, LEAD)
lead_chief = Actor(2, Role.SECTION_CHIEF, LEAD)
co_handler = Actor(3, Role.HANDLER, CO)
co_signing_handler = Actor(4, Role.HANDLER, CO, may_sign=True)
co_chief = Actor(5, Role.SECTION_CHIEF, CO)
co_head = Actor(6, Role.DEPARTMENT_HEAD, CO)
other_chief = Actor(7, Role.SECTION_CHIEF, OTHER)
leader = Actor(8, Role.LEADER_IN_CHARGE, None, portfolio=frozenset({LEAD}))
other_leader = Actor(9, Role.LEADER_IN_CHARGE, None, portfolio=frozenset({OTHER}))
mayor = Actor(10, Role.TOP_LEADER, None)
agent = Actor(11, Role.CENTRE_AGENT, None)
EVERYONE = [
    lead_handler,
    lead_chief,
    co_handler,
    co_signing_handler,
    co_chief,
    co_head,
    other_chief,
    leader,
    other_leader,
    mayor,
    agent,
]


def facts(state: State = State.IN_PROGRESS, *parts: CoPart) -> OrderFacts:
    parts = parts or (CoPart(CO, CoStatus.PENDING),)
    return OrderFacts(
        state=state,
        lead_department_id=LEAD,
        co_department_ids=frozenset(p.department_id for p in parts),
        handler_id=lead_handler.user_id,
        co_parts=parts,
    )


def who_may(command: Command, f: OrderFacts) -> set[int]:
    return {a.user_id for a in EVERYONE if command in allowed_commands(a, f, NOW)}


def test_the_co_department_signs_for_its_part_as_the_lead_signs_for_the_order() -> None:
    assert who_may(Command.CO_SIGN, facts(State.DISPATCHED)) == {4, 5, 6}
    assert who_may(Command.CO_SIGN, facts(State.IN_PROGRESS)) == {4, 5, 6}
    # Signing the part leaves the order where it is.
    assert state_after(Command.CO_SIGN, facts(State.DISPATCHED)) is State.DISPATCHED
    assert who_may(Command.CO_SIGN, facts(State.IN_PROGRESS, CoPart(CO, CoStatus.SIGNED))) == set()


def test_the_opinion_comes_after_signing_from_any_of_its_staff() -> None:
    assert who_may(Command.SUBMIT_CO_OPINION, facts()) == set()
    with pytest.raises(CommandRefused) as refused:
        check(Command.SUBMIT_CO_OPINION, co_chief, facts(), NOW)
    assert refused.value.refusal is Refusal.CO_NOT_SIGNED
    signed = facts(State.IN_PROGRESS, CoPart(CO, CoStatus.SIGNED))
    assert who_may(Command.SUBMIT_CO_OPINION, signed) == {3, 4, 5, 6}
    # Given once, like a submitted reply (more goes in a note).
    answered = facts(State.IN_PROGRESS, CoPart(CO, CoStatus.ANSWERED))
    assert who_may(Command.SUBMIT_CO_OPINION, answered) == set()
    assert why_not(Command.SUBMIT_CO_OPINION, co_handler, answered, NOW) == (Refusal.CO_ALREADY_ANSWERED, "")
    waived = facts(State.IN_PROGRESS, CoPart(CO, CoStatus.WAIVED))
    assert why_not(Command.SUBMIT_CO_OPINION, co_chief, waived, NOW) == (Refusal.CO_PART_WAIVED, "")
    # Once the reply is submitted, the parts are closed.
    assert who_may(Command.SUBMIT_CO_OPINION, facts(State.IN_REVIEW, CoPart(CO, CoStatus.SIGNED))) == set()


def test_a_co_department_without_a_part_and_the_lead_have_no_part_to_act_on() -> None:
    bare = OrderFacts(State.IN_PROGRESS, lead_department_id=LEAD, co_department_ids=frozenset({CO}))
    assert who_may(Command.CO_SIGN, bare) == set()
    assert lead_chief.user_id not in who_may(Command.CO_SIGN, facts())
    assert why_not(Command.CO_SIGN, lead_chief, facts(), NOW) == (
        Refusal.ROLE_NOT_ALLOWED,
        "co_sign: " + "co-department chief/head, or handler with the right",
    )


def test_the_leads_reply_waits_for_every_part() -> None:
    parts = (CoPart(CO, CoStatus.ANSWERED), CoPart(CO2, CoStatus.SIGNED))
    assert who_may(Command.SUBMIT_REPLY, facts(State.IN_PROGRESS, *parts)) == set()
    refusal = why_not(Command.SUBMIT_REPLY, lead_handler, facts(State.IN_PROGRESS, *parts), NOW)
    assert refusal == (Refusal.CO_HANDLING_OUTSTANDING, f"departments: {CO2}")
    # The draft may be saved meanwhile.
    assert who_may(Command.SAVE_DRAFT, facts(State.IN_PROGRESS, *parts)) == {1, 2}
    for done in (CoStatus.ANSWERED, CoStatus.WAIVED):
        ready = facts(State.IN_PROGRESS, CoPart(CO, CoStatus.ANSWERED), CoPart(CO2, done))
        assert who_may(Command.SUBMIT_REPLY, ready) == {1, 2}
    assert outstanding([CoPart(CO2, CoStatus.SIGNED), CoPart(CO, CoStatus.PENDING)]) == [CO, CO2]


def test_the_centre_waives_an_outstanding_part_with_a_reason() -> None:
    assert who_may(Command.WAIVE_CO_HANDLING, facts()) == {agent.user_id}
    answered = facts(State.IN_PROGRESS, CoPart(CO, CoStatus.ANSWERED))
    assert who_may(Command.WAIVE_CO_HANDLING, answered) == set()
    two = facts(State.IN_PROGRESS, CoPart(CO, CoStatus.ANSWERED), CoPart(CO2, CoStatus.PENDING))
    check_input(Command.WAIVE_CO_HANDLING, two, {"department_id": CO2, "reason": "不涉及"})
    for department in (CO, OTHER):
        with pytest.raises(CommandRefused) as refused:
            check_input(Command.WAIVE_CO_HANDLING, two, {"department_id": department, "reason": "x"})
        assert refused.value.refusal is Refusal.NO_CO_HANDLING_OUTSTANDING


def test_the_centre_and_leaders_over_it_add_a_department_after_dispatch() -> None:
    assert who_may(Command.ADD_CO_DEPARTMENT, facts(State.DISPATCHED)) == {leader.user_id, mayor.user_id, agent.user_id}
    assert who_may(Command.ADD_CO_DEPARTMENT, facts(State.IN_REVIEW)) == set()
    assert who_may(Command.ADD_CO_DEPARTMENT, facts(State.RECEIVED)) == set()
    for taken in (LEAD, CO):
        with pytest.raises(CommandRefused) as refused:
            check_input(Command.ADD_CO_DEPARTMENT, facts(), {"department_id": taken})
        assert refused.value.refusal is Refusal.ALREADY_HANDLING
    check_input(Command.ADD_CO_DEPARTMENT, facts(), {"department_id": OTHER})


def _beijing(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def test_the_co_departments_deadlines() -> None:
    policy = DeadlinePolicy(WorkingDayCalendar())  # late November 2026: no holiday near
    start = _beijing(2026, 11, 23, 10)  # Monday
    lead_reply = _beijing(2026, 11, 25, 17, 30)  # Wednesday: two working days
    due = co_deadlines(start, "normal", lead_reply, policy)
    assert due.sign_by == _beijing(2026, 11, 24, 17, 30)  # the next working day, as the order's
    assert CO_ANSWER_MARGIN_DAYS == 1
    assert due.answer_by == _beijing(2026, 11, 24, 17, 30)  # a working day before the lead's
    # Over a weekend: a working day before Monday is Friday.
    assert working_days_before(_beijing(2026, 11, 30, 17, 30), 1, policy) == _beijing(2026, 11, 27, 17, 30)
    # Urgent: sign within 30 minutes.
    assert co_deadlines(start, "urgent", lead_reply, policy).sign_by == start + timedelta(minutes=30)
    # Added late (Tuesday afternoon): never before its own sign-by — then the lead's own deadline.
    late = co_deadlines(_beijing(2026, 11, 24, 16), "normal", lead_reply, policy)
    assert late.sign_by == _beijing(2026, 11, 25, 17, 30)
    assert late.answer_by == lead_reply
