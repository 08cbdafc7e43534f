"""``/orders``: intake, listing, detail, timeline and one endpoint per lifecycle command."""

# No ``from __future__ import annotations`` here: the command endpoints are built in a loop
# and FastAPI must see their body classes, not strings.

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from casework.lifecycle import Command
from casework.order import Channel, State
from casework.schemas import (
    BAD_CURSOR,
    COMMAND_BODIES,
    CURSOR_PATTERN,
    BatchDispatchBody,
    BatchDispatchResult,
    DispatchSuggestion,
    EventView,
    Id,
    Moment,
    OrderDetail,
    OrderIntake,
    OrderPage,
    SimilarOrder,
    Wire,
)
from casework.sla import Complexity, Urgency
from server.deps import DB, AppSettings, CurrentCaller, Now
from server.errors import UNKNOWN_CATEGORY, UNKNOWN_DEPARTMENT, errors, forbidden, invalid, not_found
from server.orders import dispatching, repository, service, similar, views
from server.transaction import TransactionalRoute, finish_in_lane

router = APIRouter(prefix="/orders", tags=["orders"], route_class=TransactionalRoute)

OrderId = Annotated[Id, Path()]
ERRORS = errors(401, 403, 404, 409)
#: The 422 codes of the order commands (each command answers those of its fields): which
#: departments, handlers, orders and blobs exist, and the clock, are not the schema's to say.
COMMAND_ERRORS = errors(
    401,
    403,
    404,
    409,
    refusals={
        **UNKNOWN_DEPARTMENT,
        "unknown_handler": "the handler is not staff of the department",
        "unknown_target": "no such order to merge into",
        "unknown_blob": "a photo not uploaded yet",
        "bad_time": "an onsite check time later than now",
        "unknown_knowledge_entry": "a cited knowledge entry that does not exist or is not visible to the caller",
    },
)


def _context(session: DB, caller: CurrentCaller, settings: AppSettings, now: Now) -> service.Context:
    return service.Context(session=session, actor=caller.actor, settings=settings, now=now)


@router.post(
    "", response_model=OrderDetail, status_code=201, responses=errors(401, 403, 404, 409, refusals=UNKNOWN_CATEGORY)
)
def intake(body: OrderIntake, session: DB, caller: CurrentCaller, settings: AppSettings, now: Now) -> OrderDetail:
    """The centre records a citizen's request (受理)."""
    order = service.intake(_context(session, caller, settings, now), body)
    return views.detail(session, order, caller.actor, now)


@router.get("", response_model=OrderPage, responses=errors(401, 422, refusals=BAD_CURSOR))
def list_orders(
    session: DB,
    caller: CurrentCaller,
    settings: AppSettings,
    state: Annotated[list[State] | None, Query()] = None,
    category: Annotated[str | None, Query(max_length=20, pattern=r"^[^\x00]*$")] = None,
    urgency: Urgency | None = None,
    due_after: Moment | None = None,
    due_before: Moment | None = None,
    handler_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    department_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    q: Annotated[str | None, Query(max_length=100, pattern=r"^[^\x00]*$")] = None,
    supervised: bool | None = None,
    channel: Annotated[list[Channel] | None, Query()] = None,
    tag: Annotated[str | None, Query(min_length=1, max_length=30, pattern=r"^[^\x00]*$")] = None,
    phone: Annotated[str | None, Query(pattern=r"^[0-9+\- ]{1,20}$", description="The caller's number, exact")] = None,
    received_from: Moment | None = None,
    received_before: Moment | None = None,
    sort: Annotated[str, Query(pattern="^(-id|due)$")] = "-id",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200, pattern=CURSOR_PATTERN)] = None,
) -> OrderPage:
    """Orders the caller may see, filtered, in stable keyset pages (pass ``next_cursor`` back).

    ``phone`` finds the caller's orders (their phone or callback number; for anyone but the
    centre, a confidential citizen's number matches nothing); ``q`` also matches the citizen's
    name for the centre; ``received_from``/``received_before`` bound the intake time."""
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
        channels=[c.value for c in channel or []],
        tag=tag,
        phone=phone.strip() if phone else None,
        received_from=received_from,
        received_before=received_before,
    )
    try:
        rows, next_cursor, total = repository.page(session, caller.actor, flt, sort, limit, cursor)
    except ValueError as exc:
        raise invalid("bad_cursor", "分页游标无效", "The page cursor is not valid") from exc
    return OrderPage(items=[views.summary(o) for o in rows], next_cursor=next_cursor, total=total)


@router.get("/similar", response_model=list[SimilarOrder], responses=errors(401, 403))
def similar_orders(
    session: DB,
    caller: CurrentCaller,
    phone: Annotated[str, Query(pattern=r"^[0-9+\- ]{0,20}$", description="The caller's number, exact")] = "",
    address: Annotated[str, Query(max_length=200, pattern=r"^[^\x00]*$")] = "",
    text: Annotated[str, Query(max_length=500, pattern=r"^[^\x00]*$", description="Title or request text")] = "",
    category: Annotated[str, Query(max_length=20, pattern=r"^[0-9A-Za-z.]*$")] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[SimilarOrder]:
    """Open orders alike the request being taken in — the same caller, the same address, a similar
    title (trigrams) — best first, to merge (合并) instead of creating a duplicate. The centre only."""
    if not caller.actor.is_centre:
        raise forbidden("只有热线中心可以查重", "Only the hotline centre looks for similar orders")
    found = similar.similar_orders(
        session,
        caller.actor,
        phone=phone.strip(),
        address=address.strip(),
        words=text.strip(),
        category=category,
        limit=limit,
    )
    return [
        SimilarOrder(
            order=views.summary(m.order),
            reasons=m.reasons,  # type: ignore[arg-type]  # the wire model checks each is a SimilarReason
            text_similarity=m.text_similarity,
            score=round(m.score, 4),
        )
        for m in found
        if m.order is not None  # loaded for every match returned
    ]


@router.post("/dispatch", response_model=list[BatchDispatchResult], responses=errors(401, 403))
def dispatch_many(
    body: BatchDispatchBody, session: DB, caller: CurrentCaller, settings: AppSettings, now: Now
) -> list[BatchDispatchResult]:
    """Dispatch several orders at once (转办). Each order succeeds or is refused on its own, with the
    reason a single dispatch would give; the answer lists them in the request's order."""
    if not caller.actor.is_centre:
        raise forbidden("只有热线中心可以派单", "Only the hotline centre dispatches")
    return dispatching.dispatch_many(_context(session, caller, settings, now), body.items)


@router.get("/{order_id}/dispatch-suggestion", response_model=DispatchSuggestion, responses=errors(401, 403, 404))
def dispatch_suggestion(
    order_id: OrderId,
    session: DB,
    caller: CurrentCaller,
    settings: AppSettings,
    now: Now,
    complexity: Complexity | None = None,
    reply_days: Annotated[int | None, Query(ge=1, le=7)] = None,
) -> DispatchSuggestion:
    """The lead department suggested for the order (its category's default department, and how the
    category's latest orders were dispatched), with the deadlines a dispatch now would set."""
    return dispatching.suggest(_context(session, caller, settings, now), order_id, complexity, reply_days)


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


def _run(ctx: service.Context, order_id: int, command: Command, body: Wire) -> bytes:
    """A command and its answer, the order's full view as JSON (what ``response_model`` documents)."""
    order = service.execute(ctx, order_id, command, body)
    detail = views.detail(ctx.session, order, ctx.actor, ctx.now)
    return detail.__pydantic_serializer__.to_json(detail)


def _command_endpoint(command: Command, body_type: type[Wire]) -> None:
    async def endpoint(
        order_id: OrderId,
        body: Wire,  # FastAPI reads body_type: set in __annotations__ below
        session: DB,
        caller: CurrentCaller,
        settings: AppSettings,
        now: Now,
    ) -> Response:
        # The command, its answer's JSON and the commit in one hop to the request's lane (three
        # before: the endpoint, FastAPI's check of the answer against OrderDetail, the commit).
        answer = await finish_in_lane(session, _run, _context(session, caller, settings, now), order_id, command, body)
        return Response(content=answer, media_type="application/json")

    endpoint.__annotations__["body"] = body_type
    endpoint.__name__ = command.value
    router.add_api_route(
        f"/{{order_id}}/{command.value.replace('_', '-')}",
        endpoint,
        methods=["POST"],
        response_model=OrderDetail,
        responses=COMMAND_ERRORS,
        summary=command.value.replace("_", " ").capitalize(),
        operation_id=f"order_{command.value}",
    )


for _command, _body in COMMAND_BODIES.items():
    _command_endpoint(_command, _body)
