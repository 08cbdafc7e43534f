"""Co-handling (协办) on the server: each co-department's part of an order (``order_co_handling``).

The rules (who may, in which state, in which order) are ``casework.lifecycle``'s; the deadlines
``casework.cohandling``'s. Here: starting a part (at dispatch, or when the centre or a city leader
adds a department), the four commands' effects, and the lead's refusal naming the departments
still outstanding.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cohandling import CoPart, CoStatus, co_deadlines, outstanding
from casework.errors import CommandRefused, Refusal
from casework.schemas import AddCoDepartmentBody, CoOpinionBody, WaiveCoHandlingBody
from server.calendar.repository import policy
from server.models import Department, Order, OrderCoHandling

if TYPE_CHECKING:
    from server.orders.service import Context


def parts_of(rows: Iterable[Any]) -> tuple[CoPart, ...]:
    """The rules' view of co-handling rows (ORM objects or plain rows)."""
    return tuple(CoPart(r.department_id, CoStatus(r.status)) for r in rows)


def start(
    ctx: Context, order: Order, departments: Sequence[Department], added_by: int | None = None, reason: str = ""
) -> None:
    """Give each of ``departments`` its part, starting now, with its deadlines; a department that has
    a part already keeps it."""
    rules = policy(ctx.session, ctx.settings)
    have = {p.department_id for p in order.co_handling}
    for department in departments:
        if department.id in have:
            continue
        due = co_deadlines(ctx.now, order.urgency, order.reply_due_extended or order.reply_due, rules)
        order.co_handling.append(
            OrderCoHandling(
                order_id=order.id,
                department_id=department.id,
                status=CoStatus.PENDING.value,
                started_at=ctx.now,
                added_by_id=added_by,
                add_reason=reason,
                sign_due=due.sign_by,
                answer_due=due.answer_by,
                opinion="",
                waive_reason="",
            )
        )


def keep_only(order: Order) -> None:
    """Drop the parts of departments no longer co-handling (a co-department made the lead)."""
    co = {d.id for d in order.co_departments}
    order.co_handling = [p for p in order.co_handling if p.department_id in co]


def _part(order: Order, department_id: int | None) -> OrderCoHandling:
    part = next((p for p in order.co_handling if p.department_id == department_id), None)
    if part is None:  # the rules let only a department with a part get here
        raise LookupError(f"order {order.id} has no co-handling part for department {department_id}")
    return part


def _view(part: OrderCoHandling) -> dict[str, Any]:
    return {"department_id": part.department_id, "status": part.status}


def co_sign(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    part = _part(order, ctx.actor.department_id)
    part.status = CoStatus.SIGNED.value
    part.signed_at = ctx.now
    part.signed_by_id = ctx.actor.user_id
    return {"co_handling": _view(part), "signed_on_time": part.sign_due is None or ctx.now <= part.sign_due}


def submit_opinion(ctx: Context, order: Order, body: CoOpinionBody) -> dict[str, Any]:
    part = _part(order, ctx.actor.department_id)
    part.status = CoStatus.ANSWERED.value
    part.opinion = body.opinion
    part.answered_at = ctx.now
    part.answered_by_id = ctx.actor.user_id
    return {"co_handling": _view(part), "answered_on_time": part.answer_due is None or ctx.now <= part.answer_due}


def waive(ctx: Context, order: Order, body: WaiveCoHandlingBody) -> dict[str, Any]:
    part = _part(order, body.department_id)  # check_input made sure it is there and outstanding
    before = part.status
    part.status = CoStatus.WAIVED.value
    part.waive_reason = body.reason
    part.waived_at = ctx.now
    part.waived_by_id = ctx.actor.user_id
    return {"co_handling": {**_view(part), "was": before}}


def add(ctx: Context, order: Order, body: AddCoDepartmentBody) -> dict[str, Any]:
    from server.orders.service import _department, _grant_access  # service imports this module

    added = _department(ctx, body.department_id)
    order.co_departments = [*order.co_departments, added]
    _grant_access(ctx, order.id, [added.id])
    start(ctx, order, [added], added_by=ctx.actor.user_id, reason=body.reason)
    return {"co_handling": {"department_id": added.id, "status": CoStatus.PENDING.value}}


def name_outstanding(session: Session, order: Order, refused: CommandRefused) -> None:
    """The lead's refusal to submit names the co-departments still outstanding, in both languages."""
    if refused.refusal is not Refusal.CO_HANDLING_OUTSTANDING:
        return
    waiting = outstanding(parts_of(order.co_handling))
    found = {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(waiting)))}
    zh = "、".join(found[i].name for i in waiting if i in found)
    en = ", ".join((found[i].name_en or found[i].name) for i in waiting if i in found)
    refused.message_zh = f"协办单位尚未反馈协办意见：{zh}。请待其反馈，或由热线中心免除协办后再提交答复"
    refused.message_en = (
        f"Co-handling departments have not given their opinion yet: {en}."
        " Wait for them, or for the centre to waive the co-handling, before submitting the reply"
    )
    refused.detail = "departments: " + ",".join(str(i) for i in waiting)
