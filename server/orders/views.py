"""Orders as the caller may see them: wire models, masking and the facts the rules need."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from casework.cohandling import CoPart, CoStatus, part_due
from casework.lifecycle import Command, OrderFacts, allowed_commands
from casework.order import (
    CallbackOutcome,
    State,
)
from casework.review import ReviewLevel
from casework.roles import Actor
from casework.schemas import (
    CitizenView,
    EventView,
    OrderDetail,
    OrderSummary,
)
from server.models import (
    Attachment,
    AuditRecord,
    Blob,
    CallbackRecord,
    Note,
    OnsiteCheck,
    Order,
    OrderCoHandling,
    ReplyVersion,
    ReviewRecord,
    User,
    order_co_departments,
)
from server.orders import children

_Decision = Literal["approved", "returned"]


def facts_of(
    order: Order, co_department_ids: Iterable[int] | None = None, co_handling: Iterable[Any] | None = None
) -> OrderFacts:
    """The rules' facts of an order (an ORM object, or a row of the orders table with its
    co-departments' ids and co-handling rows given)."""
    if co_department_ids is None:
        co_department_ids = (d.id for d in order.co_departments)
    if co_handling is None:
        co_handling = order.co_handling
    return OrderFacts(
        state=State(order.state),
        lead_department_id=order.lead_department_id,
        co_department_ids=frozenset(co_department_ids),
        handler_id=order.handler_id,
        reply_author_id=order.reply_author_id,
        review_chain=tuple(ReviewLevel(x) for x in order.review_chain),
        review_level=order.review_level,
        return_window_ends=order.return_window_ends,
        extension_pending=order.extension_status == "pending",
        callback_attempts=order.callback_attempts,
        last_callback_outcome=CallbackOutcome(order.last_callback_outcome) if order.last_callback_outcome else None,
        co_parts=tuple(CoPart(p.department_id, CoStatus(p.status)) for p in co_handling),
        supervised=bool(order.supervised),
    )


def event_view(record: AuditRecord) -> EventView:
    """One audit record as an entry of the order's timeline."""
    return EventView(
        seq=record.seq,
        at=record.at,
        actor_id=record.actor_id,
        action=record.action,
        order_id=record.order_id,
        before=record.before,
        after=record.after,
    )


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else ("****" if phone else "")


def citizen_view(order: Order, actor: Actor, revealed: bool = False) -> CitizenView:
    """The centre sees the citizen; departments and leaders see a confidential citizen masked."""
    return CitizenView(**_citizen_fields(order, actor, revealed))


def _citizen_fields(order: Order, actor: Actor, revealed: bool) -> dict[str, Any]:
    hide = order.confidential and not actor.is_centre and not revealed
    name = "" if order.anonymous and not actor.is_centre else order.citizen_name
    return {
        "name": (name[:1] + "**" if name else "") if hide else name,
        "phone": mask_phone(order.citizen_phone) if hide else order.citizen_phone,
        "callback_number": mask_phone(order.callback_number) if hide else order.callback_number,
        "anonymous": order.anonymous,
        "confidential": order.confidential,
        "contact_allowed": order.contact_allowed,
        "masked": hide,
    }


def summary(order: Order) -> OrderSummary:
    return OrderSummary.model_validate(_summary_fields(order))


def _summary_fields(order: Order) -> dict[str, Any]:
    """The fields an OrderSummary (and so an OrderDetail) takes from the order row: its own columns,
    named as OrderSummary names them (one list of fields, the schema's; pydantic turns codes into enums)."""
    return {name: getattr(order, name) for name in OrderSummary.model_fields}


def detail(session: Session, order: Order, actor: Actor, now: datetime, revealed: bool = False) -> OrderDetail:
    return details(session, [order], actor, now, revealed)[0]


# The child tables read per order: each has an order_id and an id giving their order.
_CHILDREN = (OnsiteCheck, Note, ReplyVersion, ReviewRecord, CallbackRecord)


def _by_order(session: Session, model: type[Any], ids: list[int]) -> dict[int, list[Any]]:
    # Plain rows (their attributes are named as the model's): no ORM objects to build and track.
    table = model.__table__
    grouped: dict[int, list[Any]] = {}
    for row in session.execute(select(table).where(table.c.order_id.in_(ids)).order_by(table.c.id)):
        grouped.setdefault(row.order_id, []).append(row)
    return grouped


def details(
    session: Session, orders: Sequence[Order], actor: Actor, now: datetime, revealed: bool = False
) -> list[OrderDetail]:
    """Full views of many orders with one query per child table, not per order."""
    return [OrderDetail.model_validate(fields) for fields in detail_fields(session, orders, actor, now, revealed)]


def detail_fields(
    session: Session, orders: Sequence[Any], actor: Actor, now: datetime, revealed: bool = False
) -> list[dict[str, Any]]:
    """The fields of :func:`details`' views as plain values, unvalidated: what sync pull serialises
    straight to JSON (``pydantic_core.to_json``) — validating 10,000 views it built itself was most
    of a pull's time. :func:`details` validates the same fields into OrderDetail. ``orders`` may be
    ORM objects or rows of the orders table (sync pull reads plain rows). Each view is its
    :func:`shared_fields` with its :func:`caller_fields`."""
    # Every child table in one statement (server.orders.children), the co-handling parts with them.
    rows = children.read(session, [o.id for o in orders])
    co = CoParts({i: [r.department_id for r in rs] for i, rs in rows["co_departments"].items()}, rows["co_handling"])
    callers = caller_fields(orders, actor, now, co, revealed)
    shared = shared_fields(session, orders, co, rows)
    return [{**mine_shared, **mine} for mine_shared, mine in zip(shared, callers, strict=True)]


#: What of an order's view depends on who asks (see :func:`caller_fields`).
CALLER_FIELDS = ("citizen", "co_due_at", "allowed_commands")
#: The orders-table columns :func:`caller_fields` reads (a pull reads only these of a page's orders
#: whose shared part is stored: 18 of the table's 75, one of its 20 times).
CALLER_COLUMNS = (
    "id",
    "state",
    "lead_department_id",
    "handler_id",
    "reply_author_id",
    "review_chain",
    "review_level",
    "return_window_ends",
    "extension_status",
    "callback_attempts",
    "last_callback_outcome",
    "supervised",
    "citizen_name",
    "citizen_phone",
    "callback_number",
    "anonymous",
    "confidential",
    "contact_allowed",
)


@dataclass(frozen=True)
class CoParts:
    """Orders' co-departments (ids) and co-handling rows, by order id."""

    departments: dict[int, list[int]]
    handling: dict[int, list[Any]]


_CO_TABLE = OrderCoHandling.__table__
#: Made once, the orders an expanding parameter: building them cost about as much as running them.
_CO_DEPARTMENTS = (
    select(order_co_departments.c.order_id, order_co_departments.c.department_id)
    .where(order_co_departments.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(order_co_departments.c.department_id)
)
_CO_HANDLING = (
    select(_CO_TABLE)
    .where(_CO_TABLE.c.order_id.in_(bindparam("ids", expanding=True)))
    .order_by(_CO_TABLE.c.department_id)
)


def co_parts(session: Session, ids: list[int]) -> CoParts:
    co_departments: dict[int, list[int]] = {}
    conn = session.connection()  # Core rows: no ORM result machinery (a pull page reads 500 orders')
    for order_id, department_id in conn.execute(_CO_DEPARTMENTS, {"ids": ids}):
        co_departments.setdefault(order_id, []).append(department_id)
    co_handling: dict[int, list[Any]] = {}
    for row in conn.execute(_CO_HANDLING, {"ids": ids}):
        co_handling.setdefault(row.order_id, []).append(row)
    return CoParts(co_departments, co_handling)


def caller_fields(
    orders: Sequence[Any], actor: Actor, now: datetime, co: CoParts, revealed: bool = False
) -> list[dict[str, Any]]:
    """The :data:`CALLER_FIELDS` of each order's view, for this caller at this moment."""
    allowed = _AllowedCommands(actor, now)
    views = []
    for order in orders:
        co_department_ids, co_handling = co.departments.get(order.id, []), co.handling.get(order.id, [])
        views.append(
            {
                "citizen": _citizen_fields(order, actor, revealed),
                "co_due_at": _co_due(co_handling, actor),
                "allowed_commands": allowed.of(order, co_department_ids, co_handling),
            }
        )
    return views


def shared_fields(
    session: Session, orders: Sequence[Any], co: CoParts, rows: dict[str, dict[int, list[Any]]] | None = None
) -> list[dict[str, Any]]:
    """Every field of each order's view but the :data:`CALLER_FIELDS`: the same for whoever asks.
    ``rows``: the orders' child rows read already (:func:`children.read`); otherwise read here,
    table by table."""
    if rows is None:
        rows = _children_apart(session, [o.id for o in orders])
    attachments, checks, notes = rows["attachments"], rows["checks"], rows["notes"]
    replies, reviews, callbacks = rows["replies"], rows["reviews"], rows["callbacks"]
    # Audit marks, 督办 and 催办 live in the audit chain only: its records are their one copy.
    marks: dict[int, list[dict[str, Any]]] = {}
    supervision: dict[int, list[dict[str, Any]]] = {}
    for order_id, records in rows["audit"].items():
        for row in records:
            given = (row.after or {}).get("input") or {}
            if row.action == Command.MARK_AUDITED.value:
                mark = {"leader_id": row.actor_id, "comment": given.get("comment", ""), "at": row.at}
                marks.setdefault(order_id, []).append(mark)
            else:
                entry = {"kind": row.action, "actor_id": row.actor_id, "note": given.get("note", ""), "at": row.at}
                supervision.setdefault(order_id, []).append(entry)
    _name_issuers(session, supervision)
    return [
        _detail(
            order,
            co.departments.get(order.id, []),
            attachments.get(order.id, []),
            checks.get(order.id, []),
            notes.get(order.id, []),
            replies.get(order.id, []),
            reviews.get(order.id, []),
            callbacks.get(order.id, []),
            marks.get(order.id, []),
            supervision.get(order.id, []),
            co.handling.get(order.id, []),
        )
        for order in orders
    ]


def _children_apart(session: Session, ids: list[int]) -> dict[str, dict[int, list[Any]]]:
    """The child rows :func:`shared_fields` shows, a query per table (as :func:`children.read` gives them)."""
    attachments: dict[int, list[Any]] = {}
    for row in session.execute(
        select(
            Attachment.order_id,
            Attachment.sha256,
            Attachment.onsite_check_id,
            Attachment.tag,
            Blob.media_type,
            Blob.size,
        )
        .join(Blob, Blob.sha256 == Attachment.sha256)
        .where(Attachment.order_id.in_(ids))
        .order_by(Attachment.id)
    ):
        attachments.setdefault(row.order_id, []).append(row)
    checks, notes, replies, reviews, callbacks = (_by_order(session, model, ids) for model in _CHILDREN)
    audit: dict[int, list[Any]] = {}
    for row in session.execute(
        select(AuditRecord.order_id, AuditRecord.action, AuditRecord.actor_id, AuditRecord.after, AuditRecord.at)
        .where(AuditRecord.order_id.in_(ids), AuditRecord.action.in_(children.FROM_THE_AUDIT))
        .order_by(AuditRecord.seq)
    ):
        audit.setdefault(row.order_id, []).append(row)
    return {
        "attachments": attachments,
        "checks": checks,
        "notes": notes,
        "replies": replies,
        "reviews": reviews,
        "callbacks": callbacks,
        "audit": audit,
    }


def _name_issuers(session: Session, supervision: dict[int, list[dict[str, Any]]]) -> None:
    """督办 comes from leaders and the centre, whom a department's desk has no names for: name them."""
    ids = {e["actor_id"] for entries in supervision.values() for e in entries if e["actor_id"] is not None}
    if not ids:
        return
    names = {user_id: name for user_id, name in session.execute(select(User.id, User.name).where(User.id.in_(ids)))}
    for entries in supervision.values():
        for entry in entries:
            entry["actor_name"] = names.get(entry["actor_id"], "")


class _AllowedCommands:
    """``allowed_commands`` for one caller at one moment, over many orders: orders whose facts agree
    get the same answer, computed once. The facts are keyed as stored (no OrderFacts, no enums built
    for a repeat); the return window, the one fact compared with the time, by whether it is closed
    now, which is all the rules ask of it (``casework.lifecycle._guard_refusal``)."""

    def __init__(self, actor: Actor, now: datetime) -> None:
        self.actor, self.now = actor, now
        self.known: dict[tuple[Any, ...], list[str]] = {}

    def of(self, order: Any, co_department_ids: list[int], co_handling: list[Any]) -> list[str]:
        ends = order.return_window_ends
        key = (
            order.state,
            order.lead_department_id,
            tuple(co_department_ids),
            order.handler_id,
            order.reply_author_id,
            tuple(order.review_chain),
            order.review_level,
            ends is None or self.now > ends,
            order.extension_status,
            order.callback_attempts,
            order.last_callback_outcome,
            tuple((p.department_id, p.status) for p in co_handling),
            bool(order.supervised),
        )
        found = self.known.get(key)
        if found is None:
            facts = facts_of(order, co_department_ids, co_handling)
            found = self.known[key] = [c.value for c in allowed_commands(self.actor, facts, self.now)]
        return list(found)


def _detail(
    order: Any,
    co_department_ids: list[int],
    attachments: list[Any],
    checks: list[Any],
    notes: list[Any],
    replies: list[Any],
    reviews: list[Any],
    callbacks: list[Any],
    marks: list[dict[str, Any]],
    supervision: list[dict[str, Any]],
    co_handling: list[Any],
) -> dict[str, Any]:
    """One order's view as plain values, in OrderDetail's shape (codes as the strings stored), but
    for the :data:`CALLER_FIELDS`."""
    photos_by_check: dict[int, list[dict[str, Any]]] = {}
    for a in attachments:
        if a.onsite_check_id is not None:
            photos_by_check.setdefault(a.onsite_check_id, []).append({"sha256": a.sha256, "tag": a.tag})
    has_draft = order.draft_text or order.draft_result
    return {
        **_summary_fields(order),
        "description": order.description,
        "address": order.address,
        "lat": order.lat,
        "lon": order.lon,
        "tags": list(order.tags or []),
        "co_department_ids": co_department_ids,
        "deadlines": {
            "sign_by": order.sign_due,
            "onsite_by": order.onsite_due,
            "reply_by": order.reply_due,
            "reply_by_extended": order.reply_due_extended,
            "provisional": order.deadline_provisional,
            "calendar_version": order.calendar_version,
            "signed_on_time": order.signed_on_time,
            "onsite_on_time": order.onsite_on_time,
            "replied_on_time": order.replied_on_time,
            "closed_on_time": order.closed_on_time,
        },
        "onsite_checks": [
            {
                "client_id": UUID(c.client_id),
                "author_id": c.author_id,
                "checked_at": c.checked_at,
                "lat": c.lat,
                "lon": c.lon,
                "notes": c.notes,
                "photos": photos_by_check.get(c.id, []),
            }
            for c in checks
        ],
        "notes": [
            {"client_id": UUID(n.client_id), "author_id": n.author_id, "text": n.text, "created_at": n.created_at}
            for n in notes
        ],
        "draft": {
            "round": order.reply_round + 1,
            "text": order.draft_text,
            "result_code": order.draft_result,
            "basis": order.draft_basis,
            "author_id": order.draft_author_id,
            "at": order.draft_updated_at,
            "knowledge_entries": order.draft_knowledge_entries,
        }
        if has_draft
        else None,
        "replies": [
            {
                "round": r.round,
                "text": r.text,
                "result_code": r.result_code,
                "basis": r.basis,
                "author_id": r.author_id,
                "at": r.submitted_at,
            }
            for r in replies
        ],
        "review_chain": list(order.review_chain),
        "review_level": order.review_level,
        "reviews": [
            {
                "round": r.round,
                "level": r.level,
                "reviewer_id": r.reviewer_id,
                "decision": r.decision,
                "comment": r.comment,
                "at": r.at,
            }
            for r in reviews
        ],
        "callbacks": [
            {
                "method": c.method,
                "outcome": c.outcome,
                "notes": c.notes,
                "agent_id": c.agent_id,
                "at": c.at,
                "resolved": c.resolved,
                "citizen_words": c.citizen_words,
            }
            for c in callbacks
        ],
        "extension": {
            "status": order.extension_status,
            "days": order.extension_days or 0,
            "reason": order.extension_reason,
            "requested_at": order.extension_requested_at,
            "requested_due": order.reply_due_extended,
            "comment": order.extension_comment,
        }
        if order.extension_status and order.extension_requested_at
        else None,
        "return_request": {
            "reason_code": order.return_reason_code,
            "reason": order.return_reason,
            "requested_at": order.return_requested_at,
            "department_id": order.return_department_id,
        }
        if order.return_reason_code and order.return_requested_at and order.return_department_id
        else None,
        "leader_instruction": order.leader_instruction,
        "reopen_count": order.reopen_count,
        "merged_into_id": order.merged_into_id,
        "merge_reason": order.merge_reason,
        "attachments": [
            {"sha256": a.sha256, "media_type": a.media_type, "size": a.size, "tag": a.tag} for a in attachments
        ],
        "audit_marks": marks,
        "supervision": supervision,
        "callback_attempts": order.callback_attempts,
        "co_handling": [_co_part(p) for p in co_handling],
    }


def _co_part(p: Any) -> dict[str, Any]:
    """A co-handling row as a CoHandlingView's fields."""
    return {
        "department_id": p.department_id,
        "status": p.status,
        "started_at": p.started_at,
        "added_by": p.added_by_id,
        "add_reason": p.add_reason,
        "sign_by": p.sign_due,
        "answer_by": p.answer_due,
        "signed_at": p.signed_at,
        "signed_by": p.signed_by_id,
        "opinion": p.opinion,
        "answered_at": p.answered_at,
        "answered_by": p.answered_by_id,
        "waive_reason": p.waive_reason,
        "waived_at": p.waived_at,
        "waived_by": p.waived_by_id,
    }


def _co_due(co_handling: list[Any], actor: Actor) -> Any:
    """The caller's own co-handling deadline in force: signing while pending, the answer once signed."""
    mine = next((p for p in co_handling if p.department_id == actor.department_id), None)
    if mine is None or not actor.is_department_staff:
        return None
    return part_due(mine.status, mine.sign_due, mine.answer_due)
