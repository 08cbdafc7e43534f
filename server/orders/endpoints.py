"""``/orders``: intake, listing, detail, timeline and one endpoint per lifecycle command."""

# No ``from __future__ import annotations`` here: the command endpoints are built in a loop
# and FastAPI must see their body classes, not strings.

from typing import Annotated

from fastapi import APIRouter, Path, Query

from casework.lifecycle import Command
from casework.order import State
from casework.schemas import COMMAND_BODIES, EventView, Moment, OrderDetail, OrderIntake, OrderPage, Wire
from casework.sla import Urgency
from server.deps import DB, AppSettings, CurrentCaller, Now
from server.errors import errors, invalid, not_found
from server.orders import repository, service, views
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/orders", tags=["orders"], route_class=TransactionalRoute)

OrderId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS = errors(401, 403, 404, 409)


def _context(session: DB, caller: CurrentCaller, settings: AppSettings, now: Now) -> service.Context:
    return service.Context(session=session, actor=caller.actor, settings=settings, now=now)


@router.post("", response_model=OrderDetail, status_code=201, responses=ERRORS)
def intake(body: OrderIntake, session: DB, caller: CurrentCaller, settings: AppSettings, now: Now) -> OrderDetail:
    """The centre records a citizen's request (受理)."""
    order = service.intake(_context(session, caller, settings, now), body)
    return views.detail(session, order, caller.actor, now)


@router.get("", response_model=OrderPage, responses=errors(401, 422))
def list_orders(
    session: DB,
    caller: CurrentCaller,
    settings: AppSettings,
    state: Annotated[list[State] | None, Query()] = None,
    category: Annotated[str | None, Query(max_length=20)] = None,
    urgency: Urgency | None = None,
    due_after: Moment | None = None,
    due_before: Moment | None = None,
    handler_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    department_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$")] = None,
    supervised: bool | None = None,
    sort: Annotated[str, Query(pattern="^(-id|due)$")] = "-id",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> OrderPage:
    """Orders the caller may see, filtered, in stable keyset pages (pass ``next_cursor`` back)."""
    flt = repository.OrderFilter(
        states=[s.value for s in state or []],
        category=category,
        urgency=urgency.value if urgency else None,
        due_after=due_after,
        due_before=due_before,
        handler_id=handler_id,
        department_id=department_id,
        text=q,
        supervised=supervised,
    )
    try:
        rows, next_cursor, total = repository.page(session, caller.actor, flt, sort, limit, cursor)
    except ValueError as exc:
        raise invalid("bad_cursor", "分页游标无效", "The page cursor is not valid") from exc
    return OrderPage(items=[views.summary(o) for o in rows], next_cursor=next_cursor, total=total)


@router.get("/{order_id}", response_model=OrderDetail, responses=errors(401, 404, 422))
def get_order(order_id: OrderId, session: DB, caller: CurrentCaller, now: Now) -> OrderDetail:
    order = repository.visible(session, caller.actor, order_id)
    if order is None:
        raise not_found("工单", "order")
    return views.detail(session, order, caller.actor, now)


@router.get("/{order_id}/events", response_model=list[EventView], responses=errors(401, 404, 422))
def order_events(order_id: OrderId, session: DB, caller: CurrentCaller) -> list[EventView]:
    """The order's timeline: every command with who, when and what changed."""
    if repository.visible(session, caller.actor, order_id) is None:
        raise not_found("工单", "order")
    return [views.event_view(e) for e in repository.events(session, order_id)]


@router.post("/{order_id}/reveal-contact", response_model=OrderDetail, responses=ERRORS)
def reveal_contact(
    order_id: OrderId, session: DB, caller: CurrentCaller, settings: AppSettings, now: Now
) -> OrderDetail:
    """Show a confidential citizen's contact where the citizen allowed it; the reveal is audited."""
    order = service.reveal_contact(_context(session, caller, settings, now), order_id)
    return views.detail(session, order, caller.actor, now, revealed=True)


def _command_endpoint(command: Command, body_type: type[Wire]) -> None:
    def endpoint(
        order_id: OrderId,
        body: Wire,  # FastAPI reads body_type: set in __annotations__ below
        session: DB,
        caller: CurrentCaller,
        settings: AppSettings,
        now: Now,
    ) -> OrderDetail:
        order = service.execute(_context(session, caller, settings, now), order_id, command, body)
        return views.detail(session, order, caller.actor, now)

    endpoint.__annotations__["body"] = body_type
    endpoint.__name__ = command.value
    router.add_api_route(
        f"/{{order_id}}/{command.value.replace('_', '-')}",
        endpoint,
        methods=["POST"],
        response_model=OrderDetail,
        responses=ERRORS,
        summary=command.value.replace("_", " ").capitalize(),
        operation_id=f"order_{command.value}",
    )


for _command, _body in COMMAND_BODIES.items():
    _command_endpoint(_command, _body)
