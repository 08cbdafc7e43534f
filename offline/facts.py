"""What the state machine needs, read from an OrderDetail-shaped dict (the local copy)."""

from __future__ import annotations

from typing import Any

from casework.cohandling import CoPart, CoStatus
from casework.lifecycle import OrderFacts
from casework.order import CallbackOutcome, State
from casework.review import ReviewLevel
from casework.roles import Actor, Role
from casework.schemas import UserOut


def facts_from(order: dict[str, Any]) -> OrderFacts:
    """The facts of ``order`` as far as a client can know them.

    The detail does not carry the return window's end, so ``request_return`` from
    ``in_progress`` is refused offline; the server is the judge anyway.
    """
    replies = order.get("replies") or []
    draft = order.get("draft")
    # The reviewed reply is the last submitted one; its author may not review it.
    author = replies[-1].get("author_id") if replies else (draft or {}).get("author_id")
    callbacks = _this_round(order)
    extension = order.get("extension")
    return OrderFacts(
        state=State(order["state"]),
        lead_department_id=order.get("lead_department_id"),
        co_department_ids=frozenset(order.get("co_department_ids") or ()),
        handler_id=order.get("handler_id"),
        reply_author_id=author,
        review_chain=tuple(ReviewLevel(x) for x in order.get("review_chain") or ()),
        review_level=int(order.get("review_level") or 0),
        return_window_ends=None,
        extension_pending=bool(extension and extension.get("status") == "pending"),
        callback_attempts=len(callbacks),
        last_callback_outcome=CallbackOutcome(callbacks[-1]["outcome"]) if callbacks else None,
        co_parts=tuple(CoPart(p["department_id"], CoStatus(p["status"])) for p in order.get("co_handling") or ()),
        supervised=bool(order.get("supervised")),
    )


def _this_round(order: dict[str, Any]) -> list[dict[str, Any]]:
    """The callbacks of this round (since the reply, or the latest 重办), as the server counts them:
    its ``callback_attempts`` says how many of the last ones. A copy cached before the server said
    so: a reached citizen's verdict ends a round, so the trailing unanswered run, or the one verdict."""
    callbacks: list[dict[str, Any]] = order.get("callbacks") or []
    attempts = order.get("callback_attempts")
    if attempts is not None:
        return callbacks[max(0, len(callbacks) - attempts) :] if attempts else []
    run = 0
    for callback in reversed(callbacks):
        if callback.get("outcome") != CallbackOutcome.UNREACHABLE.value:
            return callbacks[-(run or 1) :]
        run += 1
    return callbacks[len(callbacks) - run :] if run else []


def actor_to_json(actor: Actor) -> dict[str, Any]:
    """The actor as stored with an outbox row."""
    return {
        "user_id": actor.user_id,
        "role": actor.role.value,
        "department_id": actor.department_id,
        "portfolio": sorted(actor.portfolio),
        "may_sign": actor.may_sign,
    }


def actor_from_json(data: dict[str, Any]) -> Actor:
    return Actor(
        user_id=data["user_id"],
        role=Role(data["role"]),
        department_id=data["department_id"],
        portfolio=frozenset(data.get("portfolio") or ()),
        may_sign=bool(data.get("may_sign")),
    )


def actor_of(user: UserOut) -> Actor:
    """The signed-in user as the rules see them."""
    return Actor(
        user_id=user.id,
        role=user.role,
        department_id=user.department_id,
        portfolio=frozenset(user.portfolio),
        may_sign=user.may_sign,
    )
