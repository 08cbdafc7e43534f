"""``POST /sync/push``: queued offline mutations, each applied at most once.

Each mutation's result is stored under ``(client_id, mutation id)`` in the same transaction as its
effect, so a push retried after a lost answer gets the stored results and changes nothing twice:
the push's ids are claimed together first (one statement, each row presuming the result of an
applied mutation), and only the results that differ are written at the end. A refused mutation
leaves nothing behind: the push runs in one savepoint (a push of one mutation in none: its whole
transaction is rolled back instead) and, should a command be refused after it may have written,
runs again with a savepoint around each command (:func:`_alone`) — the rare refusal pays for the
isolation the other mutations no longer pay for. A push of one order (the usual one)
locks it by reading it in the caller's scope; a push of several locks them by ascending id first.
A command is loaded and checked once (``service.load``: the order's visibility, locked, and the
state machine as the order is now — a mutation carries no version), then applied
(``service.apply``); free text (a draft, a reply) is applied only if the server's text is still the
one the client started from (``casework.sync.TEXT_BASE_COMMANDS``) — otherwise both are returned as
a conflict for the user to merge. A later mutation of an order the push holds already (locked,
loaded) is checked against the loaded order: its scope asked of its facts, no second query. The
answer carries each order as it is at the end of the push, built for all of them together, once:
on the last answer about that order (the desk keeps the newest copy).

An intake (``casework.sync.INTAKE``) creates an order (``service.intake``) under the same claim: a
resend of its mutation id answers the order created the first time (``MutationResult.order_id``),
never a second one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar, cast

from pydantic import ValidationError
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.dml import ReturningInsert

from casework.errors import CommandRefused
from casework.lifecycle import Command, can_see
from casework.sync import COMMAND_ARGS, INTAKE, Mutation, MutationResult, MutationStatus, PushRequest, PushResponse
from server.errors import ApiError
from server.models import Order, SyncMutation
from server.orders import repository, service, views

T = TypeVar("T")


def push(ctx: service.Context, request: PushRequest, isolate: bool = False) -> PushResponse:
    """Apply in order; after a conflict or rejection, later mutations of that order are held, not tried.

    A reply submitted after a draft that conflicted must not overwrite the text the user has yet
    to merge; held mutations store no result, so the client sends them again once the user has
    resolved the earlier one. ``isolate``: each command in a savepoint of its own from the start
    (a push of one mutation refused after it wrote, taken again from its beginning). Such a push
    rolls back the whole transaction first: nothing else may have been written in it (the
    endpoint's holds the token check's read only).
    """
    # Every order of the push locked first, by ascending id, before any mutation id is claimed:
    # the same mutations pushed twice in opposite order would otherwise deadlock on PostgreSQL
    # (each holding an order, or a claim, the other needs next).
    # A merge's target too (the merge writes a key to it).
    targets = {m.args.get("into_order_id") for m in request.mutations if m.name == Command.MERGE}
    mentioned = {m.order_id for m in request.mutations if not m.is_intake}
    locked = mentioned | {t for t in targets if type(t) is int and 0 < t < 2**31}
    held: dict[int, Order | None] = {}  # orders read already, as the caller sees them
    if len(locked) == 1 and mentioned == locked:
        # One order (the usual push): locked by reading it, in scope, as its first command needs it
        # (service.load then asks its scope of its facts); one order takes no order of locks.
        (order_id,) = locked
        if (order := repository.visible(ctx.session, ctx.actor, order_id, for_update=True)) is not None:
            held[order_id] = order
    else:
        repository.lock_in_order(ctx.session, locked)
    claims = _Claims.take(ctx, request)
    # Mutations are rarely refused once they have begun to write: the push runs in one savepoint,
    # without one per mutation; the first refusal inside a command rolls that savepoint back and
    # the push runs again with a savepoint around each command, as it always did. A push of one
    # mutation (what a desk online sends) takes no savepoint at all: on such a refusal the whole
    # transaction — its lock and its claim too, nothing else was written — is rolled back and the
    # push taken again from its beginning, isolating.
    alone = len(request.mutations) == 1 and not isolate
    try:
        results, seen = _run(ctx, request, claims, held, isolate=isolate, savepoint=not alone)
    except _Isolate:
        if alone:
            ctx.session.rollback()
            return push(ctx, request, isolate=True)
        results, seen = _run(ctx, request, claims, held, isolate=True)
    claims.store(ctx, results)
    return PushResponse(results=_with_orders(ctx, results, request.mutations, seen))


class _Isolate(Exception):
    """A command refused after it may have written: the push is run again, each command alone."""


def _run(
    ctx: service.Context,
    request: PushRequest,
    claims: _Claims,
    held: dict[int, Order | None],
    isolate: bool,
    savepoint: bool = True,
) -> tuple[list[MutationResult], dict[int, Order | None]]:
    """The push's results in order, and each order as the caller still sees it after its mutations
    (``held``: orders read, and locked, before the push's savepoint; none when not ``isolate`` and not
    ``savepoint``: the caller then rolls back the whole transaction on :class:`_Isolate`)."""
    nested = None if isolate or not savepoint else ctx.session.begin_nested()
    results: list[MutationResult] = []
    failed: set[int] = set()
    seen = dict(held)
    answered: dict[str, MutationResult] = {}  # this push's results, by mutation id
    try:
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
            key = str(mutation.id)
            if key in claims.mine and key not in answered:
                result = answered[key] = _apply(ctx, mutation, seen, isolate)
            else:
                result = _replayed(ctx, mutation, seen, answered.get(key) or claims.stored.get(key))
            if result.status is MutationStatus.CONFLICT or (
                # An order that left the caller's scope holds nothing back: each later change is
                # refused on its own, so the user sees every one of them at once.
                result.status is MutationStatus.REJECTED and result.code != "not_found"
            ):
                failed.add(mutation.order_id)
            results.append(result)
    except _Isolate:
        if nested is not None:
            nested.rollback()
        raise
    if nested is not None:
        nested.commit()
    return results, seen


def _replayed(
    ctx: service.Context, mutation: Mutation, seen: dict[int, Order | None], stored: _Stored | MutationResult | None
) -> MutationResult:
    """Stored already: by an earlier push, earlier in this one, or by a delivery of the same push
    still running a moment ago (the claim waited for its commit). A replay answers as the first
    time did: applied becomes duplicate, a refusal stays a refusal (a lost answer must not turn a
    rejection into a silent success)."""
    if isinstance(stored, MutationResult):
        previous = stored
    else:
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
        seen[mutation.order_id] = repository.visible(ctx.session, ctx.actor, shown)
    status = MutationStatus.DUPLICATE if previous.status is MutationStatus.APPLIED else previous.status
    return previous.model_copy(update={"status": status})


_TABLE = cast(Table, SyncMutation.__table__)


@lru_cache(maxsize=4)
def _claim(dialect: str) -> ReturningInsert[Any]:
    """The claim of a push's mutation ids: each row inserted unless it is there (made once)."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.mutation_id)


class _Stored(NamedTuple):
    user_id: int
    result: dict[str, Any]


def _stored_form(result: MutationResult) -> dict[str, Any]:
    """What is stored of a result (its order is sent, never kept)."""
    return result.model_dump(mode="json", exclude={"order"})  # JSON's values, without a text between


@dataclass
class _Claims:
    """The push's mutation ids, taken before any is applied — one statement for the push.

    A claim row goes in first: a second delivery of the same mutation racing this one then waits on
    the primary key until this transaction ends and finds it stored, instead of applying too and
    failing on the key at commit (a 500 on PostgreSQL). It goes in with the result of an applied
    mutation (what most are), and is written again at the end, in the same transaction, only where
    the outcome differs: the row is this transaction's, so nobody reads the presumption before the
    outcome is in it."""

    client_id: str
    mine: dict[str, dict[str, Any]]  # claimed by this push: the result presumed
    stored: dict[str, _Stored]  # taken before: their stored results

    @classmethod
    def take(cls, ctx: service.Context, request: PushRequest) -> _Claims:
        presumed: dict[str, dict[str, Any]] = {}
        for m in request.mutations:
            presumed.setdefault(str(m.id), _stored_form(_result(m, MutationStatus.APPLIED)))
        if not presumed:
            return cls(request.client_id, {}, {})
        connection = ctx.session.connection()  # plain statements: no ORM object, nothing to flush
        table = _TABLE
        rows = [
            {"client_id": request.client_id, "mutation_id": k, "user_id": ctx.actor.user_id, "result": presumed[k]}
            for k in sorted(presumed)  # one order of taking for every push
        ]
        # One statement whatever the number of rows (SQLAlchemy sends the rows of an executemany with
        # RETURNING as one multi-row INSERT); built once, not compiled again for every push.
        claimed = connection.execute(_claim(connection.dialect.name), rows[0] if len(rows) == 1 else rows)
        mine = {k: presumed[k] for k in claimed.scalars()}
        taken = [k for k in presumed if k not in mine]
        stored = {}
        if taken:
            stored = {
                r.mutation_id: _Stored(r.user_id, r.result)
                for r in connection.execute(
                    select(table.c.mutation_id, table.c.user_id, table.c.result).where(
                        table.c.client_id == request.client_id, table.c.mutation_id.in_(taken)
                    )
                )
            }
        return cls(request.client_id, mine, stored)

    def store(self, ctx: service.Context, results: list[MutationResult]) -> None:
        """Each claimed mutation's result where it is not the one presumed (one statement for all);
        the claims of those held, never tried, let go — the client sends them again."""
        table = _TABLE
        connection = ctx.session.connection()
        done = {str(r.id): r for r in results if str(r.id) in self.mine and r.status is not MutationStatus.HELD}
        differ = [(k, form) for k, r in done.items() if (form := _stored_form(r)) != self.mine[k]]
        if differ:
            connection.execute(
                update(table)
                .where(table.c.client_id == self.client_id, table.c.mutation_id == bindparam("key"))
                .values(result=bindparam("stored", type_=table.c.result.type)),
                [{"key": k, "stored": form} for k, form in differ],
            )
        if untried := self.mine.keys() - done.keys():
            connection.execute(
                delete(table).where(table.c.client_id == self.client_id, table.c.mutation_id.in_(untried))
            )


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


def _intake(ctx: service.Context, mutation: Mutation, seen: dict[int, Order | None], isolate: bool) -> MutationResult:
    """Create the order of an intake mutation (a refusal leaves nothing behind, see :func:`_alone`)."""
    try:
        body = mutation.intake()
    except ValidationError as exc:
        return _invalid(mutation, exc)
    if body.received_at is not None and body.received_at.tzinfo is not None and body.received_at > ctx.now:
        # A desk's clock ahead of the server's must not cost the call: it was received by now at the latest.
        body = body.model_copy(update={"received_at": ctx.now})
    order = _alone(ctx, isolate, lambda: service.intake(ctx, body), ApiError)
    if isinstance(order, Exception):
        assert isinstance(order, ApiError)
        return _result(mutation, MutationStatus.REJECTED, order.code, order.zh, order.en)
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


def _apply(ctx: service.Context, mutation: Mutation, seen: dict[int, Order | None], isolate: bool) -> MutationResult:
    session = ctx.session
    if mutation.name == INTAKE:
        return _intake(ctx, mutation, seen, isolate)
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
    done = _alone(ctx, isolate, lambda: service.apply(ctx, loaded, command, args), (CommandRefused, ApiError))
    if isinstance(done, CommandRefused):
        return _result(mutation, MutationStatus.REJECTED, done.code, done.message_zh, done.message_en)
    if isinstance(done, ApiError):
        return _result(mutation, MutationStatus.REJECTED, done.code, done.zh, done.en)
    return _result(mutation, MutationStatus.APPLIED)


def _alone(
    ctx: service.Context,
    isolate: bool,
    command: Callable[[], T],
    refusals: type[Exception] | tuple[type[Exception], ...],
) -> T | Exception:
    """Run one command's writes, or return its refusal (one of ``refusals``) with nothing of it left.

    Isolating: in a savepoint of its own. Otherwise in the push's savepoint, with no statement of its
    own — a refusal then ends the try (:class:`_Isolate`), and the push runs again isolating."""
    if not isolate:
        try:
            return command()
        except refusals as exc:
            raise _Isolate from exc
    savepoint = ctx.session.begin_nested()
    try:
        value = command()
    except refusals as exc:
        savepoint.rollback()
        return exc
    savepoint.commit()
    return value


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
