"""``POST /sync/push``: queued offline mutations, each applied at most once.

Each mutation runs in a savepoint; its result is stored under ``(client_id, mutation id)`` in
the same transaction as its effect, so a push retried after a lost answer gets the stored
results and changes nothing twice. A command is loaded and checked once (``service.load``: the
order's visibility, locked, and the state machine as the order is now — a mutation carries no
version), then applied (``service.apply``); free text (a draft, a reply) is applied only if the
server's text is still the one the client started from (``casework.sync.TEXT_BASE_COMMANDS``) —
otherwise both are returned as a conflict for the user to merge. A later mutation of an order
the push holds already (locked, loaded) is checked against the loaded order: its scope asked of its
facts, no second query. The answer carries each order as it is at the end of the push, built for all
of them together, once: on the last answer about that order (the desk keeps the newest copy).

An intake (``casework.sync.INTAKE``) creates an order (``service.intake``) under the same claim: a
resend of its mutation id answers the order created the first time (``MutationResult.order_id``),
never a second one.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Table, bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casework.errors import CommandRefused
from casework.lifecycle import Command, can_see
from casework.sync import COMMAND_ARGS, INTAKE, Mutation, MutationResult, MutationStatus, PushRequest, PushResponse
from server.errors import ApiError
from server.models import Order, SyncMutation
from server.orders import repository, service, views


def push(ctx: service.Context, request: PushRequest) -> PushResponse:
    """Apply in order; after a conflict or rejection, later mutations of that order are held, not tried.

    A reply submitted after a draft that conflicted must not overwrite the text the user has yet
    to merge; held mutations store no result, so the client sends them again once the user has
    resolved the earlier one.
    """
    # Every order of the push locked first, by ascending id, before any mutation id is claimed:
    # the same mutations pushed twice in opposite order would otherwise deadlock on PostgreSQL
    # (each holding an order, or a claim, the other needs next).
    # A merge's target too (the merge writes a key to it).
    targets = {m.args.get("into_order_id") for m in request.mutations if m.name == Command.MERGE}
    mentioned = {m.order_id for m in request.mutations if not m.is_intake}
    locked = mentioned | {t for t in targets if type(t) is int and 0 < t < 2**31}
    seen: dict[int, Order | None] = {}  # each order as the caller still sees it after its mutations
    if len(locked) == 1 and mentioned == locked:
        # One order (the usual push): locked by reading it, in scope, as its first command needs it
        # (service.load then asks its scope of its facts); one order takes no order of locks.
        (order_id,) = locked
        if (order := repository.visible(ctx.session, ctx.actor, order_id, for_update=True)) is not None:
            seen[order_id] = order
    else:
        repository.lock_in_order(ctx.session, locked)
    results: list[MutationResult] = []
    failed: set[int] = set()
    for mutation in request.mutations:
        if mutation.order_id in failed:
            results.append(
                _result(
                    mutation,
                    MutationStatus.HELD,
                    "held",
                    "同一工单的前一项操作未成功，本项暂缓提交",
                    "An earlier change to this order did not go through; this one waits",
                )
            )
            continue
        result = _one(ctx, request.client_id, mutation, seen)
        if result.status is MutationStatus.CONFLICT or (
            # An order that left the caller's scope holds nothing back: each later change is
            # refused on its own, so the user sees every one of them at once.
            result.status is MutationStatus.REJECTED and result.code != "not_found"
        ):
            failed.add(mutation.order_id)
        results.append(result)
    return PushResponse(results=_with_orders(ctx, results, request.mutations, seen))


def _with_orders(
    ctx: service.Context, results: list[MutationResult], mutations: list[Mutation], seen: dict[int, Order | None]
) -> list[MutationResult]:
    """The last answered mutation of each order with the order as it is now, when the caller still
    sees it: one full view per order, built together (one query per child table for the whole push),
    sent once — a desk that pushed 100 notes on 30 orders gets 30 views, not 100 copies of them."""
    # Whether the caller still sees it after their own changes: decided on the loaded order, no query.
    visible = [o for o in seen.values() if o is not None and can_see(ctx.actor, views.facts_of(o))]
    details = {d.id: d for d in views.details(ctx.session, visible, ctx.actor, ctx.now)} if visible else {}
    order_of = {m.id: m.order_id for m in mutations}
    last = {(r.order_id or order_of[r.id]): i for i, r in enumerate(results) if r.code not in _NO_ORDER}
    return [
        r.model_copy(update={"order": details.get(order_id)})
        if last.get(order_id := r.order_id or order_of[r.id]) == i
        else r
        for i, r in enumerate(results)
    ]


#: Answers that come without the order: not tried, or not the caller's mutation.
_NO_ORDER = frozenset({"held", "mutation_id_taken"})


def _one(ctx: service.Context, client_id: str, mutation: Mutation, seen: dict[int, Order | None]) -> MutationResult:
    session = ctx.session
    key = (client_id, str(mutation.id))
    presumed = _stored(_result(mutation, MutationStatus.APPLIED))
    if not _claim(ctx, key, presumed):
        # Stored already: by an earlier push, or by a delivery of the same push still running a
        # moment ago (the claim waited for its commit). A replay answers as the first time did:
        # applied becomes duplicate, a refusal stays a refusal (a lost answer must not turn a
        # rejection into a silent success).
        stored = session.get(SyncMutation, key, populate_existing=True)
        assert stored is not None
        if stored.user_id != ctx.actor.user_id:
            return _result(
                mutation,
                MutationStatus.REJECTED,
                "mutation_id_taken",
                "该操作编号已被使用",
                "This mutation id is already used",
            )
        previous = MutationResult.model_validate(stored.result)
        shown = previous.order_id if mutation.is_intake else mutation.order_id
        if mutation.order_id not in seen and shown is not None:
            seen[mutation.order_id] = repository.visible(session, ctx.actor, shown)
        status = MutationStatus.DUPLICATE if previous.status is MutationStatus.APPLIED else previous.status
        return previous.model_copy(update={"status": status})

    result = _apply(ctx, mutation, seen)
    if (outcome := _stored(result)) != presumed:
        session.connection().execute(_STORE_RESULT, {"desk": key[0], "mutation": key[1], "stored": outcome})
    return result


def _stored(result: MutationResult) -> dict[str, Any]:
    """What is stored of a result (its order is sent, never kept)."""
    stored: dict[str, Any] = json.loads(result.model_dump_json(exclude={"order"}))
    return stored


_MUTATIONS: Table = SyncMutation.__table__  # type: ignore[assignment]  # typed FromClause; a mapped class has a Table
_CLAIM = {
    dialect: insert(_MUTATIONS).on_conflict_do_nothing().returning(_MUTATIONS.c.mutation_id)
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_STORE_RESULT = (
    update(_MUTATIONS)
    .where(_MUTATIONS.c.client_id == bindparam("desk"), _MUTATIONS.c.mutation_id == bindparam("mutation"))
    .values(result=bindparam("stored"))
)


def _claim(ctx: service.Context, key: tuple[str, str], presumed: dict[str, Any]) -> bool:
    """Take the mutation id for this push before applying it; False when it is taken.

    The row goes in first: a second delivery of the same mutation racing this one then waits on
    the primary key until this transaction ends and finds it stored, instead of applying too and
    failing on the key at commit (a 500 on PostgreSQL). It goes in with ``presumed``, the result of
    an applied mutation (what most are), and is written again only when the outcome differs: the
    row is this transaction's, so nobody reads the presumption before the outcome is in it.
    """
    connection = ctx.session.connection()  # plain statements: no ORM object, nothing to flush
    claimed = connection.execute(
        _CLAIM[connection.dialect.name],
        {"client_id": key[0], "mutation_id": key[1], "user_id": ctx.actor.user_id, "result": presumed},
    ).first()
    return claimed is not None


def _intake(ctx: service.Context, mutation: Mutation, seen: dict[int, Order | None]) -> MutationResult:
    """Create the order of an intake mutation (in a savepoint: a refusal leaves nothing behind)."""
    try:
        body = mutation.intake()
    except ValidationError as exc:
        return _invalid(mutation, exc)
    if body.received_at is not None and body.received_at.tzinfo is not None and body.received_at > ctx.now:
        # A desk's clock ahead of the server's must not cost the call: it was received by now at the latest.
        body = body.model_copy(update={"received_at": ctx.now})
    savepoint = ctx.session.begin_nested()
    try:
        order = service.intake(ctx, body)
    except ApiError as exc:
        savepoint.rollback()
        return _result(mutation, MutationStatus.REJECTED, exc.code, exc.zh, exc.en)
    savepoint.commit()
    seen[mutation.order_id] = order
    result = _result(mutation, MutationStatus.APPLIED)
    result.order_id = order.id
    return result


def _invalid(mutation: Mutation, problems: ValidationError | list[dict[str, Any]]) -> MutationResult:
    if isinstance(problems, ValidationError):
        # Without the input: it is the client's own text (which may be what cannot be stored
        # or serialised, a lone surrogate) or a structure nested too deep to answer back.
        problems = [
            {"loc": [str(p) for p in e["loc"]], "type": e["type"], "msg": e["msg"]}
            for e in problems.errors(include_url=False, include_context=False, include_input=False)
        ]
    return _result(
        mutation, MutationStatus.REJECTED, "invalid_input", "提交的内容有误", "The input is invalid", detail=problems
    )


def _apply(ctx: service.Context, mutation: Mutation, seen: dict[int, Order | None]) -> MutationResult:
    session = ctx.session
    if mutation.name == INTAKE:
        return _intake(ctx, mutation, seen)
    command = Command(mutation.name)
    try:
        # First whether the command may still apply at all: a reply the user may no longer send
        # (reassigned, approved meanwhile) is a rejection with its reason, not a text to merge.
        held = seen.get(mutation.order_id)  # an intake's provisional id names another order: not held
        loaded = service.load(ctx, mutation.order_id, command, held if held and held.id == mutation.order_id else None)
    except CommandRefused as exc:
        # The order was found in scope before the refusal: it is in the session, no query.
        seen[mutation.order_id] = session.get(Order, mutation.order_id)
        return _result(mutation, MutationStatus.REJECTED, exc.code, exc.message_zh, exc.message_en)
    except ApiError:  # not (or no longer) in the caller's scope
        seen[mutation.order_id] = None
        return _result(
            mutation,
            MutationStatus.REJECTED,
            "not_found",
            "工单不存在或已不在您的办理范围内",
            "The order does not exist or is no longer yours",
        )
    seen[mutation.order_id] = loaded.order
    if problems := mutation.base_problems():
        return _invalid(mutation, problems)
    conflict = _text_conflict(mutation, loaded.order)
    if conflict is not None:
        return conflict
    try:
        args = COMMAND_ARGS[command].model_validate(mutation.args)
    except ValidationError as exc:
        return _invalid(mutation, exc)
    savepoint = session.begin_nested()
    try:
        service.apply(ctx, loaded, command, args)
    except CommandRefused as exc:
        savepoint.rollback()
        return _result(mutation, MutationStatus.REJECTED, exc.code, exc.message_zh, exc.message_en)
    except ApiError as exc:
        savepoint.rollback()
        return _result(mutation, MutationStatus.REJECTED, exc.code, exc.zh, exc.en)
    savepoint.commit()
    return _result(mutation, MutationStatus.APPLIED)


def _text_conflict(mutation: Mutation, order: Order) -> MutationResult | None:
    base = mutation.based_on()
    if base is None:
        return None
    server_text = order.draft_text
    if server_text == base or server_text == mutation.args.get("text"):
        return None
    result = _result(
        mutation,
        MutationStatus.CONFLICT,
        "text_conflict",
        "答复稿已被他人修改，请合并两个版本",
        "The draft was changed elsewhere; merge the two versions",
    )
    result.server_values = {"text": server_text, "result_code": order.draft_result}
    return result


def _result(
    mutation: Mutation, status: MutationStatus, code: str | None = None, zh: str = "", en: str = "", detail: Any = None
) -> MutationResult:
    return MutationResult(id=mutation.id, status=status, code=code, message_zh=zh, message_en=en, detail=detail)
