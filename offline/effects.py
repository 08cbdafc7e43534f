"""The local effect of a mutation on an OrderDetail-shaped dict: what the user sees before the server answers.

Pure functions; the server's copy replaces all of this once it has applied the mutation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from casework.cohandling import CoStatus
from casework.deadlines import due_in_force
from casework.lifecycle import Command, allowed_commands, state_after
from casework.order import State
from casework.roles import Actor
from casework.schemas import OrderDetail, OrderIntake
from casework.times import parse_time, time_of
from offline.facts import facts_from

#: The number a provisional order shows until the server has given it one (待上传: "pending upload").
PROVISIONAL_NUMBER = "待上传"


def provisional_order(order_id: int, intake: OrderIntake, actor: Actor, at: datetime) -> dict[str, Any]:
    """What the desk shows of an order taken in offline, before the server has it: an OrderDetail-shaped
    dict under the provisional (negative) ``order_id``, numbered :data:`PROVISIONAL_NUMBER`, received,
    with no deadlines yet (the server sets them on dispatch). The server's copy replaces it once the
    intake is answered."""
    citizen = intake.citizen
    received_at = intake.received_at or at
    detail = OrderDetail.model_validate(
        dict(
            id=order_id,
            number=PROVISIONAL_NUMBER,
            state=State.RECEIVED,
            version=0,
            channel=intake.channel,
            kind=intake.kind,
            category_code=intake.category_code,
            complexity=intake.complexity,
            urgency=intake.urgency,
            importance=intake.importance,
            title=intake.title,
            district=intake.district,
            street=intake.street,
            lead_department_id=None,
            handler_id=None,
            received_at=received_at,
            dispatched_at=None,
            due_at=None,
            supervised=False,
            reminders=0,
            updated_at=at,
            citizen={
                "name": "" if citizen.anonymous else citizen.name,
                "phone": citizen.phone,
                "callback_number": citizen.callback_number or citizen.phone,
                "anonymous": citizen.anonymous,
                "confidential": citizen.confidential,
                "contact_allowed": citizen.contact_allowed,
                "masked": False,
            },
            description=intake.description,
            address=intake.address,
            lat=intake.lat,
            lon=intake.lon,
            tags=intake.tags,
            co_department_ids=[],
            deadlines={
                "sign_by": None,
                "onsite_by": None,
                "reply_by": None,
                "reply_by_extended": None,
                "provisional": True,
                "calendar_version": None,
                "signed_on_time": None,
                "onsite_on_time": None,
                "replied_on_time": None,
                "closed_on_time": None,
            },
            onsite_checks=[],
            notes=[],
            draft=None,
            replies=[],
            review_chain=[],
            review_level=0,
            reviews=[],
            callbacks=[],
            extension=None,
            return_request=None,
            leader_instruction="",
            reopen_count=0,
            merged_into_id=None,
            merge_reason="",
            attachments=[],
            allowed_commands=[],
        )
    )
    out = detail.model_dump(mode="json")
    out["allowed_commands"] = [c.value for c in allowed_commands(actor, facts_from(out), at)]
    return out


def _co_handling(out: dict[str, Any], name: Command, args: dict[str, Any], actor: Actor, when: str) -> None:
    """A co-department's part (协办) as the command leaves it; its deadlines come with the next pull."""
    parts = [dict(p) for p in out.get("co_handling") or []]
    department = actor.department_id if name in (Command.CO_SIGN, Command.SUBMIT_CO_OPINION) else args["department_id"]
    if name is Command.ADD_CO_DEPARTMENT:
        parts.append({"department_id": department, "status": CoStatus.PENDING.value, "started_at": when})
        parts.sort(key=lambda p: p["department_id"])
        out["co_department_ids"] = sorted({*(out.get("co_department_ids") or []), department})
        out["co_handling"] = parts
        return
    for part in parts:
        if part["department_id"] != department:
            continue
        if name is Command.CO_SIGN:
            part.update(status=CoStatus.SIGNED.value, signed_at=when, signed_by=actor.user_id)
            out["co_due_at"] = part.get("answer_by")
        elif name is Command.SUBMIT_CO_OPINION:
            part.update(
                status=CoStatus.ANSWERED.value, opinion=args["opinion"], answered_at=when, answered_by=actor.user_id
            )
            out["co_due_at"] = None
        else:
            part.update(
                status=CoStatus.WAIVED.value, waive_reason=args["reason"], waived_at=when, waived_by=actor.user_id
            )
    out["co_handling"] = parts


def apply_mutation(
    order: dict[str, Any],
    name: Command,
    args: dict[str, Any],
    actor: Actor,
    at: datetime,
    titles: Mapping[int, str] | None = None,
) -> dict[str, Any]:
    """Return a copy of ``order`` with ``name(args)`` applied as ``actor`` at ``at``; ``titles``: of the
    knowledge entries a draft or reply cites (``args["knowledge_entry_ids"]``), as this desk has them.

    Not checked against the rules here: ``Store.record`` checks before recording, and on a
    rebase the server, not the client, decides whether an in-flight mutation still applies.

    Nothing of ``order`` is changed in place: every change below replaces a top-level value with a
    new one (a longer list, a new dict, a copied part), so a shallow copy is the copy — a rebase of
    an order with 30 queued notes no longer copies its 60 notes 30 times over.
    """
    out = dict(order)
    facts = facts_from(order)
    when = at.isoformat()
    accepted = args.get("accept") if name is Command.RULE_RETURN else None
    out["state"] = state_after(name, facts, accepted=accepted).value
    match name:
        case Command.SAVE_DRAFT | Command.SUBMIT_REPLY:
            # The draft keeps what it cites, as the server's does; titled as the draft had them, or as
            # this desk's knowledge base has them.
            known = {int(e["id"]): e["title"] for e in (out.get("draft") or {}).get("knowledge_entries") or []}
            known.update(titles or {})
            cited = dict.fromkeys(int(i) for i in args.get("knowledge_entry_ids") or [])
            out["draft"] = {
                "round": len(out.get("replies") or []) + 1,
                "text": args.get("text", ""),
                "result_code": args.get("result_code"),
                "basis": args.get("basis", ""),
                "author_id": actor.user_id,
                "at": when,
                "knowledge_entries": [{"id": i, "title": known.get(i, "")} for i in cited],
            }
            if name is Command.SUBMIT_REPLY:
                out["review_level"] = 0
                # The server keeps every submitted round; so does the desk at once, so the history and
                # the difference from the returned round show before the next sync.
                submitted = {k: v for k, v in out["draft"].items() if k != "knowledge_entries"}
                out["replies"] = [*(out.get("replies") or []), submitted]
        case Command.ADD_NOTE:
            note = {
                "client_id": args["client_id"],
                "author_id": actor.user_id,
                "text": args["text"],
                "created_at": when,
            }
            out["notes"] = [*(out.get("notes") or []), note]
        case Command.RECORD_ONSITE_CHECK:
            check = {
                "client_id": args["client_id"],
                "author_id": actor.user_id,
                "checked_at": args["checked_at"],
                "lat": args.get("lat"),
                "lon": args.get("lon"),
                "notes": args.get("notes", ""),
                "photos": args.get("photos", []),
            }
            out["onsite_checks"] = [*(out.get("onsite_checks") or []), check]
        case Command.APPROVE | Command.RETURN_FOR_REWORK:
            level = facts.current_review_level
            if level is not None:
                entry = {
                    "round": len(out.get("replies") or []),
                    "level": level.value,
                    "reviewer_id": actor.user_id,
                    "decision": "approved" if name is Command.APPROVE else "returned",
                    "comment": args.get("comment", ""),
                    "at": when,
                }
                out["reviews"] = [*(out.get("reviews") or []), entry]
            if name is Command.APPROVE and out["state"] == "in_review":
                out["review_level"] = facts.review_level + 1
            elif name is Command.RETURN_FOR_REWORK:
                out["review_level"] = 0
        case Command.RECORD_CALLBACK:
            callback = {
                "method": args.get("method", "phone"),
                "outcome": args["outcome"],
                "notes": args.get("notes", ""),
                "agent_id": actor.user_id,
                "at": when,
                "resolved": args.get("resolved"),
                "citizen_words": args.get("citizen_words", ""),
            }
            out["callbacks"] = [*(out.get("callbacks") or []), callback]
            out["callback_attempts"] = int(out.get("callback_attempts") or 0) + 1
        case Command.REOPEN:
            out["callback_attempts"] = 0  # a new round: its reply is called back afresh
            out["reopen_count"] = int(out.get("reopen_count") or 0) + 1
        case Command.SUPERVISE | Command.REMIND | Command.SUPERVISION_FEEDBACK:
            entry = {"kind": name.value, "actor_id": actor.user_id, "note": args.get("note", ""), "at": when}
            out["supervision"] = [*(out.get("supervision") or []), entry]
            if name is Command.SUPERVISE:
                out["supervised"] = True
            elif name is Command.REMIND:
                out["reminders"] = int(out.get("reminders") or 0) + 1
        case Command.MARK_AUDITED:
            mark = {"leader_id": actor.user_id, "comment": args.get("comment", ""), "at": when}
            out["audit_marks"] = [*(out.get("audit_marks") or []), mark]
        case Command.CO_SIGN | Command.SUBMIT_CO_OPINION | Command.WAIVE_CO_HANDLING | Command.ADD_CO_DEPARTMENT:
            _co_handling(out, name, args, actor, when)
        case _:
            pass  # state only; the server fills in the rest on the next pull
    # The deadline in force follows the state (signed: the reply's, no longer the signing's), as on
    # the server; so does the signing's on-time flag, frozen when it is signed.
    deadlines = dict(out.get("deadlines") or {})
    if deadlines:
        due = due_in_force(
            out["state"],
            parse_time(deadlines.get("sign_by")),
            parse_time(deadlines.get("reply_by")),
            parse_time(deadlines.get("reply_by_extended")),
        )
        out["due_at"] = due.isoformat() if due is not None else None
        if name is Command.SIGN and deadlines.get("sign_by") and deadlines.get("signed_on_time") is None:
            deadlines["signed_on_time"] = at <= time_of(deadlines["sign_by"])
            out["deadlines"] = deadlines
    # What the user may do next, judged on the edited copy.
    out["allowed_commands"] = [c.value for c in allowed_commands(actor, facts_from(out), at)]
    return out
