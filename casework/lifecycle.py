"""The work-order state machine: commands, who may issue them, and in which state.

One table (``RULES``) serves the server, which enforces it, and the client, which uses it
offline to offer only the actions that are allowed now (``allowed_commands``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from casework.cohandling import CoPart, CoStatus, outstanding, part_of
from casework.errors import CommandRefused, Refusal
from casework.order import SATISFIED_OUTCOMES, UNREACHABLE_ATTEMPTS_TO_CLOSE, CallbackOutcome, State
from casework.review import ReviewLevel, may_review
from casework.roles import Actor, Role

__all__ = ["UNREACHABLE_ATTEMPTS_TO_CLOSE"]  # defined in casework.order; re-exported for callers of the rules


class Command(StrEnum):
    """Every command of the lifecycle. The value is the wire name (and the sync mutation name)."""

    DISPATCH = "dispatch"
    CLOSE_AT_ONCE = "close_at_once"
    INVALIDATE = "invalidate"
    MERGE = "merge"
    SIGN = "sign"
    ASSIGN_HANDLER = "assign_handler"
    REQUEST_RETURN = "request_return"
    RULE_RETURN = "rule_return"
    RECORD_ONSITE_CHECK = "record_onsite_check"
    ADD_NOTE = "add_note"
    SAVE_DRAFT = "save_draft"
    SUBMIT_REPLY = "submit_reply"
    APPROVE = "approve"
    RETURN_FOR_REWORK = "return_for_rework"
    REQUEST_EXTENSION = "request_extension"
    RULE_EXTENSION = "rule_extension"
    RECORD_CALLBACK = "record_callback"
    CLOSE = "close"
    REOPEN = "reopen"
    SUPERVISE = "supervise"
    REMIND = "remind"
    MARK_AUDITED = "mark_audited"  # a city leader's monthly audit (全审核): seen and found in order
    # Co-handling (协办): a co-department's own part (casework.cohandling)
    CO_SIGN = "co_sign"  # 协办签收: the co-department signs for its part
    SUBMIT_CO_OPINION = "submit_co_opinion"  # 提交协办意见: its findings and answer for its part
    WAIVE_CO_HANDLING = "waive_co_handling"  # 免除协办: the centre releases a part, with a reason
    ADD_CO_DEPARTMENT = "add_co_department"  # 增加协办单位: the centre or a city leader (会商), after dispatch
    SUPERVISION_FEEDBACK = "supervision_feedback"  # 督办反馈: the lead department's progress report on a 督办


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about an order."""

    state: State
    lead_department_id: int | None = None
    co_department_ids: frozenset[int] = field(default_factory=frozenset)
    handler_id: int | None = None
    reply_author_id: int | None = None
    review_chain: tuple[ReviewLevel, ...] = ()
    review_level: int = 0
    return_window_ends: datetime | None = None
    extension_pending: bool = False
    callback_attempts: int = 0  # in this round (since the reply, or the latest 重办)
    last_callback_outcome: CallbackOutcome | None = None
    co_parts: tuple[CoPart, ...] = ()  # each co-department's part (协办), where one is recorded
    supervised: bool = False  # under 督办: the lead department answers it with 督办反馈

    @property
    def current_review_level(self) -> ReviewLevel | None:
        if self.state is State.IN_REVIEW and self.review_level < len(self.review_chain):
            return self.review_chain[self.review_level]
        return None


Who = Callable[[Actor, OrderFacts], bool]


def _centre(a: Actor, f: OrderFacts) -> bool:
    return a.is_centre


def _lead(a: Actor, f: OrderFacts) -> bool:
    return a.is_department_staff and a.department_id == f.lead_department_id


def _lead_supervisor(a: Actor, f: OrderFacts) -> bool:
    return _lead(a, f) and a.is_supervisor


def _signer(a: Actor, f: OrderFacts) -> bool:
    return _lead(a, f) and (a.is_supervisor or a.may_sign)


def _involved(a: Actor, f: OrderFacts) -> bool:
    """Staff of the lead or of a co-handling department."""
    return a.is_department_staff and (a.department_id == f.lead_department_id or a.department_id in f.co_department_ids)


def _writer(a: Actor, f: OrderFacts) -> bool:
    """The assigned handler writes the reply; the department's chief and head may too."""
    return _lead(a, f) and (a.is_supervisor or f.handler_id in (None, a.user_id))


def _reviewer(a: Actor, f: OrderFacts) -> bool:
    level = f.current_review_level
    return level is not None and may_review(a, level, f.lead_department_id, f.reply_author_id)


def _leader_over(a: Actor, f: OrderFacts) -> bool:
    if a.role is Role.TOP_LEADER:
        return True
    return a.role is Role.LEADER_IN_CHARGE and (
        f.lead_department_id in a.portfolio or bool(f.co_department_ids & a.portfolio)
    )


def _overseer(a: Actor, f: OrderFacts) -> bool:
    return a.is_centre or _leader_over(a, f)


def _note_writer(a: Actor, f: OrderFacts) -> bool:
    return _involved(a, f) or _overseer(a, f)


def _reopener(a: Actor, f: OrderFacts) -> bool:
    # The centre reopens (重办); a city leader may order re-handling of a replied order
    # from the monthly audit, with an instruction (批示).
    return a.is_centre or (f.state is State.REPLIED and _leader_over(a, f))


def _co_signer(a: Actor, f: OrderFacts) -> bool:
    """A co-department's chief or head, or its handler with the right to sign."""
    return _co_staff(a, f) and (a.is_supervisor or a.may_sign)


def _co_staff(a: Actor, f: OrderFacts) -> bool:
    """Staff of a department with a co-handling part of this order."""
    return a.is_department_staff and part_of(f.co_parts, a.department_id) is not None


@dataclass(frozen=True)
class Rule:
    """Where a command may be issued from, and by whom (``who_text`` documents ``who``)."""

    from_states: frozenset[State]
    who: Who
    who_text: str


_S = State
_WORKING = frozenset({_S.DISPATCHED, _S.RETURN_REQUESTED, _S.IN_PROGRESS, _S.IN_REVIEW, _S.REPLIED})
#: Co-handling happens before the lead's reply is submitted.
_CO_WORKING = frozenset({_S.DISPATCHED, _S.RETURN_REQUESTED, _S.IN_PROGRESS})

RULES: dict[Command, Rule] = {
    Command.DISPATCH: Rule(frozenset({_S.RECEIVED}), _centre, "centre"),
    Command.CLOSE_AT_ONCE: Rule(frozenset({_S.RECEIVED}), _centre, "centre"),
    Command.INVALIDATE: Rule(frozenset({_S.RECEIVED, _S.DISPATCHED, _S.RETURN_REQUESTED}), _centre, "centre"),
    Command.MERGE: Rule(
        frozenset({_S.RECEIVED, _S.DISPATCHED, _S.RETURN_REQUESTED, _S.IN_PROGRESS}),
        _centre,
        "centre",
    ),
    Command.SIGN: Rule(frozenset({_S.DISPATCHED}), _signer, "lead chief/head, or handler with the right"),
    Command.ASSIGN_HANDLER: Rule(frozenset({_S.DISPATCHED, _S.IN_PROGRESS}), _lead_supervisor, "lead chief/head"),
    Command.REQUEST_RETURN: Rule(frozenset({_S.DISPATCHED, _S.IN_PROGRESS}), _lead, "lead staff"),
    Command.RULE_RETURN: Rule(frozenset({_S.RETURN_REQUESTED}), _centre, "centre"),
    Command.RECORD_ONSITE_CHECK: Rule(frozenset({_S.IN_PROGRESS}), _involved, "lead or co staff"),
    Command.ADD_NOTE: Rule(_WORKING, _note_writer, "involved staff, centre, leaders over it"),
    Command.SAVE_DRAFT: Rule(frozenset({_S.IN_PROGRESS}), _writer, "assigned handler, lead chief/head"),
    Command.SUBMIT_REPLY: Rule(frozenset({_S.IN_PROGRESS}), _writer, "assigned handler, lead chief/head"),
    Command.APPROVE: Rule(frozenset({_S.IN_REVIEW}), _reviewer, "reviewer of the current level"),
    Command.RETURN_FOR_REWORK: Rule(frozenset({_S.IN_REVIEW}), _reviewer, "reviewer of the current level"),
    Command.REQUEST_EXTENSION: Rule(frozenset({_S.IN_PROGRESS, _S.IN_REVIEW}), _lead, "lead staff"),
    Command.RULE_EXTENSION: Rule(_WORKING, _centre, "centre"),
    Command.RECORD_CALLBACK: Rule(frozenset({_S.REPLIED}), _centre, "centre"),
    Command.CLOSE: Rule(frozenset({_S.REPLIED}), _centre, "centre"),
    Command.REOPEN: Rule(frozenset({_S.REPLIED, _S.CLOSED}), _reopener, "centre; leaders over it (replied)"),
    Command.SUPERVISE: Rule(_WORKING, _overseer, "centre, leaders over it"),
    Command.REMIND: Rule(_WORKING - {_S.REPLIED}, _overseer, "centre, leaders over it"),
    Command.MARK_AUDITED: Rule(frozenset({_S.REPLIED, _S.CLOSED}), _leader_over, "city leaders over it"),
    Command.CO_SIGN: Rule(_CO_WORKING, _co_signer, "co-department chief/head, or handler with the right"),
    Command.SUBMIT_CO_OPINION: Rule(_CO_WORKING, _co_staff, "co-department staff"),
    Command.WAIVE_CO_HANDLING: Rule(_CO_WORKING, _centre, "centre"),
    Command.ADD_CO_DEPARTMENT: Rule(_CO_WORKING, _overseer, "centre, leaders over it"),
    Command.SUPERVISION_FEEDBACK: Rule(_WORKING, _lead, "lead staff, on a supervised order"),
}


def can_see(actor: Actor, facts: OrderFacts) -> bool:
    """Department scoping: a department sees its own orders, leaders their portfolio, the centre all."""
    if actor.is_centre or actor.role is Role.TOP_LEADER:
        return True
    if actor.role is Role.LEADER_IN_CHARGE:
        return _leader_over(actor, facts)
    if actor.is_department_staff:
        return facts.state is not State.RECEIVED and _involved(actor, facts)
    return False


def check(command: Command, actor: Actor, facts: OrderFacts, now: datetime) -> None:
    """Raise :class:`CommandRefused` unless ``actor`` may issue ``command`` now."""
    found = why_not(command, actor, facts, now)
    if found is not None:
        raise CommandRefused(*found)


def why_not(command: Command, actor: Actor, facts: OrderFacts, now: datetime) -> tuple[Refusal, str] | None:
    """Why ``actor`` may not issue ``command`` now (the refusal and a detail), or None if they may.

    Returns rather than raises: ``allowed_commands`` asks this of every command for every order
    in a sync page, and exceptions as control flow were a measurable part of that.
    """
    rule = RULES[command]
    if facts.state not in rule.from_states:
        return Refusal.WRONG_STATE, f"{command.value} from {facts.state.value}"
    if command in (Command.APPROVE, Command.RETURN_FOR_REWORK):
        found = _reviewer_refusal(actor, facts)
        if found is not None:
            return found
    elif not rule.who(actor, facts):
        return Refusal.ROLE_NOT_ALLOWED, f"{command.value}: {rule.who_text}"
    return _guard_refusal(command, actor, facts, now)


def _reviewer_refusal(actor: Actor, facts: OrderFacts) -> tuple[Refusal, str] | None:
    if facts.reply_author_id is not None and actor.user_id == facts.reply_author_id:
        return Refusal.OWN_REPLY, ""
    if not _reviewer(actor, facts):
        level = facts.current_review_level
        if actor.role.value in {lvl.value for lvl in facts.review_chain}:
            return Refusal.NOT_YOUR_LEVEL, f"current level: {level}"
        return Refusal.ROLE_NOT_ALLOWED, f"current level: {level}"
    return None


def _guard_refusal(command: Command, actor: Actor, facts: OrderFacts, now: datetime) -> tuple[Refusal, str] | None:
    window_closed = facts.return_window_ends is None or now > facts.return_window_ends
    if command is Command.REQUEST_RETURN and facts.state is State.IN_PROGRESS and window_closed:
        return Refusal.RETURN_WINDOW_CLOSED, ""
    if command is Command.REQUEST_EXTENSION and facts.extension_pending:
        return Refusal.EXTENSION_PENDING, ""
    if command is Command.RULE_EXTENSION and not facts.extension_pending:
        return Refusal.NO_EXTENSION_PENDING, ""
    if command is Command.RECORD_CALLBACK and citizen_reached(facts):
        return Refusal.CALLBACK_SETTLED, f"outcome: {facts.last_callback_outcome}"
    if command is Command.CLOSE:
        return close_refusal(actor, facts)
    if command is Command.SUPERVISION_FEEDBACK and not facts.supervised:
        return Refusal.NOT_SUPERVISED, ""
    return _co_refusal(command, actor, facts)


def _co_refusal(command: Command, actor: Actor, facts: OrderFacts) -> tuple[Refusal, str] | None:
    """Co-handling's guards: the lead's reply waits for every part; a part's steps come in order."""
    if command is Command.SUBMIT_REPLY:
        waiting = outstanding(facts.co_parts)
        if waiting:
            return Refusal.CO_HANDLING_OUTSTANDING, "departments: " + ",".join(str(d) for d in waiting)
        return None
    if command in (Command.CO_SIGN, Command.SUBMIT_CO_OPINION):
        part = part_of(facts.co_parts, actor.department_id)
        status = part.status if part is not None else None
        if command is Command.CO_SIGN and status is not CoStatus.PENDING:
            return Refusal.CO_PART_NOT_PENDING, f"co-handling: {status}"
        if command is Command.SUBMIT_CO_OPINION and status is CoStatus.PENDING:
            return Refusal.CO_NOT_SIGNED, ""
        if command is Command.SUBMIT_CO_OPINION and status is CoStatus.WAIVED:
            return Refusal.CO_PART_WAIVED, ""
        if command is Command.SUBMIT_CO_OPINION and status is CoStatus.ANSWERED:
            return Refusal.CO_ALREADY_ANSWERED, ""
    if command is Command.WAIVE_CO_HANDLING and not outstanding(facts.co_parts):
        return Refusal.NO_CO_HANDLING_OUTSTANDING, ""
    return None


def citizen_reached(facts: OrderFacts) -> bool:
    """This round's callbacks reached the citizen: their verdict stands (no further callback)."""
    outcome = facts.last_callback_outcome
    return outcome is not None and outcome is not CallbackOutcome.UNREACHABLE


def close_refusal(actor: Actor, facts: OrderFacts) -> tuple[Refusal, str] | None:
    """The closing rule (product.md): a replied order closes after a satisfied or basically satisfied
    callback, or after ``UNREACHABLE_ATTEMPTS_TO_CLOSE`` unanswered attempts in a row; after an
    unsatisfied one it goes back for 重办 — or the centre supervisor closes it, with a reason
    (:func:`check_input`). It never closes silently."""
    outcome = facts.last_callback_outcome
    if outcome in SATISFIED_OUTCOMES:
        return None
    if outcome is CallbackOutcome.UNSATISFIED:
        return None if actor.is_centre_supervisor else (Refusal.UNSATISFIED_CALLBACK, "")
    attempts = facts.callback_attempts if outcome is CallbackOutcome.UNREACHABLE else 0
    if attempts >= UNREACHABLE_ATTEMPTS_TO_CLOSE:
        return None
    return Refusal.CALLBACK_REQUIRED, f"unanswered attempts: {attempts} of {UNREACHABLE_ATTEMPTS_TO_CLOSE}"


def check_input(command: Command, facts: OrderFacts, args: Mapping[str, object]) -> None:
    """The rules that depend on what the command carries, not only on who and when: raise
    :class:`CommandRefused` when ``args`` (the command's body) do not satisfy them.

    Closing after an unsatisfied callback (only the supervisor gets this far) needs the reason."""
    unsatisfied = facts.last_callback_outcome is CallbackOutcome.UNSATISFIED
    if command is Command.CLOSE and unsatisfied and not str(args.get("note") or "").strip():
        raise CommandRefused(Refusal.CLOSE_REASON_REQUIRED)
    if command is Command.WAIVE_CO_HANDLING:
        part = part_of(facts.co_parts, _int_or_none(args.get("department_id")))
        if part is None or part.status not in (CoStatus.PENDING, CoStatus.SIGNED):
            raise CommandRefused(Refusal.NO_CO_HANDLING_OUTSTANDING, f"department: {args.get('department_id')}")
    if command is Command.ADD_CO_DEPARTMENT:
        department_id = _int_or_none(args.get("department_id"))
        if department_id == facts.lead_department_id or part_of(facts.co_parts, department_id) is not None:
            raise CommandRefused(Refusal.ALREADY_HANDLING, f"department: {department_id}")


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) else None


def allowed_commands(actor: Actor, facts: OrderFacts, now: datetime) -> list[Command]:
    """The commands ``actor`` may issue on this order now, in table order."""
    # The state first, without why_not's refusal text: most commands are refused by it, and this
    # runs for every order of every sync page.
    return [
        command
        for command, rule in RULES.items()
        if facts.state in rule.from_states and why_not(command, actor, facts, now) is None
    ]


def state_after(command: Command, facts: OrderFacts, *, accepted: bool | None = None) -> State:
    """The state an order reaches when ``command`` is applied to it.

    ``accepted`` is the centre's ruling for ``rule_return``: an accepted return goes to the
    new department (``dispatched``); a refused one goes back to work (``in_progress``).
    """
    match command:
        case Command.DISPATCH:
            return State.DISPATCHED
        case Command.CLOSE_AT_ONCE | Command.CLOSE:
            return State.CLOSED
        case Command.INVALIDATE:
            return State.INVALID
        case Command.MERGE:
            return State.MERGED
        case Command.SIGN | Command.RETURN_FOR_REWORK | Command.REOPEN:
            return State.IN_PROGRESS
        case Command.REQUEST_RETURN:
            return State.RETURN_REQUESTED
        case Command.RULE_RETURN:
            if accepted is None:
                raise ValueError("rule_return needs the ruling")
            return State.DISPATCHED if accepted else State.IN_PROGRESS
        case Command.SUBMIT_REPLY:
            return State.IN_REVIEW
        case Command.APPROVE:
            last = facts.review_level + 1 >= len(facts.review_chain)
            return State.REPLIED if last else State.IN_REVIEW
        case _:
            return facts.state
