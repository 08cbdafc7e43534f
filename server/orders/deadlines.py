"""An order's deadlines, always computed from the same stored inputs.

Inputs: dispatch time (sign and on-site clocks), the reply clock's start (dispatch, or the
moment of a re-handling), complexity, urgency, the centre's reply days and the working days
of every approved extension. Dispatch, re-dispatch, 重办, an approved extension and a
calendar change all call :func:`recompute`, so a deadline never depends on which path set it.
"""

from __future__ import annotations

from casework.deadlines import DeadlinePolicy, due_in_force
from casework.sla import Complexity, Urgency, order_deadlines
from server.models import Order


def recompute(order: Order, policy: DeadlinePolicy) -> None:
    if order.dispatched_at is None:
        return
    start = order.reply_started_at or order.dispatched_at
    complexity = Complexity(order.complexity)
    reply_days = order.reply_days if complexity is Complexity.COMPLEX else None
    clocks = order_deadlines(order.dispatched_at, complexity, Urgency(order.urgency), policy)
    reply = order_deadlines(start, complexity, Urgency(order.urgency), policy, reply_days=reply_days).reply_by
    order.sign_due = clocks.sign_by.due
    order.onsite_due = clocks.onsite_by.due if clocks.onsite_by else None
    order.reply_due = reply.due
    order.return_window_ends = policy.working_days_after(order.dispatched_at, 1).due
    provisional = clocks.sign_by.provisional or reply.provisional
    if order.extended_days:
        extended = policy.extend(reply.due, order.extended_days)
        order.reply_due_extended = extended.due
        provisional = provisional or extended.provisional
    else:
        order.reply_due_extended = None
    order.deadline_provisional = provisional
    order.calendar_version = reply.calendar_version
    refresh_due(order)


def refresh_due(order: Order) -> None:
    """Keep ``due_at`` (the deadline that applies now) in step with the state (set only when it
    moves: a command that changes nothing of the order — a note, a check — then flushes nothing)."""
    due = due_in_force(order.state, order.sign_due, order.reply_due, order.reply_due_extended)
    if due != order.due_at:
        order.due_at = due


def deadline_fields(order: Order) -> dict[str, object]:
    """What a recomputation may change, for the audit's before and after."""
    return {
        "sign_due": order.sign_due,
        "onsite_due": order.onsite_due,
        "reply_due": order.reply_due,
        "reply_due_extended": order.reply_due_extended,
        "due_at": order.due_at,
        "deadline_provisional": order.deadline_provisional,
        "calendar_version": order.calendar_version,
    }
