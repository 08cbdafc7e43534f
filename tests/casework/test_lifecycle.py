"""The state machine and review chains, without a server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework.errors import CommandRefused, Refusal
from casework.lifecycle import (
    RULES,
    Command,
    OrderFacts,
    allowed_commands,
    can_see,
    check,
    state_after,
)
from casework.order import CallbackOutcome, Importance, State
from casework.review import DEFAULT_CHAINS, ReviewChainConfig, ReviewLevel
from casework.roles import Actor, Role

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
LEAD, CO, OTHER = 10, 20, 30
MAJOR = DEFAULT_CHAINS[Importance.MAJOR]

handler = Actor(1, Role.HANDLER, LEAD)
signing_handler = Actor(2, Role.HANDLER, LEAD, may_sign=True)
chief = Actor(3, Role.SECTION_CHIEF, LEAD)
head = Actor(4, Role.DEPARTMENT_HEAD, LEAD)
co_handler = Actor(5, Role.HANDLER, CO)
other_chief = Actor(6, Role.SECTION_CHIEF, OTHER)
leader = Actor(7, Role.LEADER_IN_CHARGE, None, portfolio=frozenset({LEAD}))
other_leader = Actor(8, Role.LEADER_IN_CHARGE, None, portfolio=frozenset({OTHER}))
mayor = Actor(9, Role.TOP_LEADER, None)
agent = Actor(11, Role.CENTRE_AGENT, None)
admin = Actor(12, Role.ADMIN, None)
EVERYONE = [handler, signing_handler, chief, head, co_handler, other_chief, leader, other_leader, mayor, agent, admin]


def facts(state: State, **kw: object) -> OrderFacts:
    base: dict[str, object] = {
        "lead_department_id": LEAD,
        "co_department_ids": frozenset({CO}),
        "handler_id": handler.user_id,
        "return_window_ends": NOW + timedelta(hours=5),
    }
    base.update(kw)
    return OrderFacts(state=state, **base)  # type: ignore[arg-type]


def who_may(command: Command, f: OrderFacts) -> set[int]:
    return {a.user_id for a in EVERYONE if command in allowed_commands(a, f, NOW)}


def test_signing_is_for_chiefs_heads_and_handlers_with_the_right() -> None:
    assert who_may(Command.SIGN, facts(State.DISPATCHED)) == {2, 3, 4}


def test_only_the_centre_dispatches_rules_and_closes() -> None:
    assert who_may(Command.DISPATCH, facts(State.RECEIVED)) == {agent.user_id}
    assert who_may(Command.RULE_RETURN, facts(State.RETURN_REQUESTED)) == {agent.user_id}
    replied = facts(State.REPLIED, last_callback_outcome=CallbackOutcome.SATISFIED, callback_attempts=1)
    assert who_may(Command.CLOSE, replied) == {agent.user_id}


def test_the_reply_is_written_by_the_assigned_handler_or_a_supervisor() -> None:
    assert who_may(Command.SUBMIT_REPLY, facts(State.IN_PROGRESS)) == {1, 3, 4}
    assert who_may(Command.SUBMIT_REPLY, facts(State.IN_PROGRESS, handler_id=None)) == {1, 2, 3, 4}


def test_co_handlers_record_checks_but_do_not_reply() -> None:
    f = facts(State.IN_PROGRESS)
    assert co_handler.user_id in who_may(Command.RECORD_ONSITE_CHECK, f)
    assert co_handler.user_id not in who_may(Command.SUBMIT_REPLY, f)


@pytest.mark.parametrize("level", range(4))
def test_each_review_level_belongs_to_one_reviewer(level: int) -> None:
    f = facts(State.IN_REVIEW, review_chain=MAJOR, review_level=level, reply_author_id=handler.user_id)
    expected = [chief, head, leader, mayor][level]
    assert who_may(Command.APPROVE, f) == {expected.user_id}
    assert who_may(Command.RETURN_FOR_REWORK, f) == {expected.user_id}


def test_a_reviewer_never_reviews_their_own_reply() -> None:
    f = facts(State.IN_REVIEW, review_chain=MAJOR, review_level=0, reply_author_id=chief.user_id)
    with pytest.raises(CommandRefused) as refused:
        check(Command.APPROVE, chief, f, NOW)
    assert refused.value.refusal is Refusal.OWN_REPLY


def test_a_reviewer_of_a_later_level_is_told_it_is_not_their_turn() -> None:
    f = facts(State.IN_REVIEW, review_chain=MAJOR, review_level=0, reply_author_id=handler.user_id)
    with pytest.raises(CommandRefused) as refused:
        check(Command.APPROVE, head, f, NOW)
    assert refused.value.refusal is Refusal.NOT_YOUR_LEVEL


def test_approval_climbs_then_replies() -> None:
    f = facts(State.IN_REVIEW, review_chain=MAJOR, review_level=2)
    assert state_after(Command.APPROVE, f) is State.IN_REVIEW
    assert state_after(Command.APPROVE, facts(State.IN_REVIEW, review_chain=MAJOR, review_level=3)) is State.REPLIED


def test_return_request_window_and_pending_extension() -> None:
    closed_window = facts(State.IN_PROGRESS, return_window_ends=NOW - timedelta(seconds=1))
    with pytest.raises(CommandRefused) as refused:
        check(Command.REQUEST_RETURN, chief, closed_window, NOW)
    assert refused.value.refusal is Refusal.RETURN_WINDOW_CLOSED
    check(Command.REQUEST_RETURN, chief, facts(State.DISPATCHED, return_window_ends=None), NOW)  # before signing
    with pytest.raises(CommandRefused) as refused:
        check(Command.REQUEST_EXTENSION, handler, facts(State.IN_PROGRESS, extension_pending=True), NOW)
    assert refused.value.refusal is Refusal.EXTENSION_PENDING


def test_closing_needs_a_callback_or_three_unanswered_tries() -> None:
    for attempts, outcome, ok in [
        (0, None, False),
        (1, CallbackOutcome.UNREACHABLE, False),
        (3, CallbackOutcome.UNREACHABLE, True),
        (1, CallbackOutcome.UNSATISFIED, False),  # 重办, or the centre supervisor with a reason
        (3, CallbackOutcome.UNSATISFIED, False),  # a verdict reached is not hidden by attempts
        (1, CallbackOutcome.BASICALLY_SATISFIED, True),
    ]:
        f = facts(State.REPLIED, callback_attempts=attempts, last_callback_outcome=outcome)
        assert (Command.CLOSE in allowed_commands(agent, f, NOW)) is ok, (attempts, outcome)


def test_leaders_reopen_replied_orders_but_only_the_centre_reopens_closed_ones() -> None:
    assert who_may(Command.REOPEN, facts(State.REPLIED)) == {leader.user_id, mayor.user_id, agent.user_id}
    assert who_may(Command.REOPEN, facts(State.CLOSED)) == {agent.user_id}


def test_scope() -> None:
    dispatched = facts(State.DISPATCHED)
    assert {a.user_id for a in EVERYONE if can_see(a, dispatched)} == {1, 2, 3, 4, 5, 7, 9, 11}
    received = facts(State.RECEIVED, lead_department_id=None, co_department_ids=frozenset())
    assert {a.user_id for a in EVERYONE if can_see(a, received)} == {9, 11}


def test_review_chain_config_overrides_per_department() -> None:
    config = ReviewChainConfig.from_mapping(
        {"default": {"ordinary": ["section_chief"]}, "ZJJ": {"major": ["department_head", "top_leader"]}}
    )
    assert config.chain_for("CGJ", Importance.ORDINARY) == (ReviewLevel.SECTION_CHIEF,)
    assert config.chain_for("ZJJ", Importance.MAJOR) == (ReviewLevel.DEPARTMENT_HEAD, ReviewLevel.TOP_LEADER)
    assert config.chain_for("CGJ", Importance.MAJOR) == MAJOR


actors = st.builds(
    Actor,
    user_id=st.integers(1, 12),
    role=st.sampled_from(Role),
    department_id=st.sampled_from([None, LEAD, CO, OTHER]),
    portfolio=st.frozensets(st.sampled_from([LEAD, CO, OTHER])),
    may_sign=st.booleans(),
)
any_facts = st.builds(
    OrderFacts,
    state=st.sampled_from(State),
    lead_department_id=st.sampled_from([None, LEAD, OTHER]),
    co_department_ids=st.frozensets(st.sampled_from([CO, OTHER])),
    handler_id=st.sampled_from([None, 1, 2]),
    reply_author_id=st.sampled_from([None, 1, 3]),
    review_chain=st.sampled_from([(), DEFAULT_CHAINS[Importance.ORDINARY], MAJOR]),
    review_level=st.integers(0, 3),
    return_window_ends=st.sampled_from([None, NOW - timedelta(hours=1), NOW + timedelta(hours=1)]),
    extension_pending=st.booleans(),
    callback_attempts=st.integers(0, 4),
    last_callback_outcome=st.sampled_from([None, *CallbackOutcome]),
)


@given(actors, any_facts)
def test_nobody_acts_on_what_they_cannot_see(actor: Actor, f: OrderFacts) -> None:
    allowed = allowed_commands(actor, f, NOW)
    if allowed:
        assert can_see(actor, f)
    if actor.role is Role.ADMIN:
        assert allowed == []


@given(actors, any_facts, st.sampled_from(Command))
def test_check_refuses_only_with_a_domain_refusal(actor: Actor, f: OrderFacts, command: Command) -> None:
    try:
        check(command, actor, f, NOW)
    except CommandRefused as refused:
        assert refused.message_zh and refused.message_en
        return
    assert f.state in RULES[command].from_states
    after = state_after(command, f, accepted=True)
    assert after is not State.RECEIVED
