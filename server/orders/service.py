"""Intake and every lifecycle command, each checked against casework's state machine.

Every command takes one path: :func:`load` the order within the caller's scope and ask the state
machine, once, then :func:`apply` it and audit what changed. :func:`execute` (the HTTP endpoints)
compares the version the caller named in between; the sync push judges the order as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Row, Table, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import ReturningInsert

from casework.deadlines import SHANGHAI
from casework.errors import CommandRefused, Refusal
from casework.lifecycle import Command, OrderFacts, can_see, check, check_input, state_after
from casework.order import TERMINAL_STATES, Importance, State
from casework.roles import Actor, Role
from casework.schemas import (
    AddNoteBody,
    AssignHandlerBody,
    CloseAtOnceBody,
    DispatchBody,
    MergeBody,
    OnsiteCheckBody,
    OrderIntake,
    RecordCallbackBody,
    ReopenBody,
    RequestExtensionBody,
    RequestReturnBody,
    RuleExtensionBody,
    RuleReturnBody,
    SaveDraftBody,
    SubmitReplyBody,
    Wire,
)
from server.audit.service import record
from server.blobs.access import may_use
from server.calendar.repository import policy
from server.errors import ApiError, forbidden, invalid, not_found, stale_version
from server.knowledge import service as knowledge
from server.measures import facts as measure_facts
from server.models import (
    Attachment,
    CallbackRecord,
    Category,
    Department,
    Note,
    OnsiteCheck,
    Order,
    OrderAccess,
    ReplyVersion,
    ReviewRecord,
    User,
)
from server.notifications import service as notifications
from server.orders import cohandling, repository
from server.orders.deadlines import recompute, refresh_due
from server.orders.views import facts_of
from server.review import repository as review_repository
from server.settings import Settings

#: Fields whose before/after the audit records for every command (the replayable state).
TRACKED = (
    "state",
    "lead_department_id",
    "handler_id",
    "review_level",
    "reply_round",
    "extension_status",
    "supervised",
    "reminders",
    "reopen_count",
    "callback_attempts",
    "last_callback_outcome",
    "sign_due",
    "onsite_due",
    "reply_due",
    "reply_due_extended",
    "due_at",
    "signed_on_time",
    "onsite_on_time",
    "replied_on_time",
    "closed_on_time",
    "draft_text",
    "draft_result",
    "merged_into_id",
    "leader_instruction",
)


@dataclass(frozen=True)
class Context:
    session: Session
    actor: Actor
    settings: Settings
    now: datetime


def snapshot(order: Order) -> dict[str, Any]:
    return {name: getattr(order, name) for name in TRACKED}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changed = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


# --- intake --------------------------------------------------------------------------------


def intake(ctx: Context, body: OrderIntake) -> Order:
    if not ctx.actor.is_centre:
        raise forbidden("只有热线中心可以受理工单", "Only the hotline centre takes in orders")
    if ctx.session.get(Category, body.category_code) is None:
        raise invalid("unknown_category", "诉求分类不存在", "No such category")
    received_at = body.received_at or ctx.now
    if received_at.tzinfo is None:
        raise invalid("naive_time", "时间须带时区", "Times need a time zone")
    if received_at > ctx.now + timedelta(minutes=5):
        raise invalid("future_time", "受理时间不能晚于当前时间", "The received time is in the future")
    citizen = body.citizen
    order = Order(
        number=repository.next_number(
            ctx.session, ctx.settings.order_number_prefix, ctx.now.astimezone(SHANGHAI).date()
        ),
        state=State.RECEIVED.value,
        channel=body.channel.value,
        received_at=received_at,
        citizen_name="" if citizen.anonymous else citizen.name,
        citizen_phone=citizen.phone,
        callback_number=citizen.callback_number or citizen.phone,
        anonymous=citizen.anonymous,
        confidential=citizen.confidential,
        contact_allowed=citizen.contact_allowed,
        kind=body.kind.value,
        category_code=body.category_code,
        complexity=body.complexity.value,
        urgency=body.urgency.value,
        importance=body.importance.value,
        title=body.title,
        description=body.description,
        address=body.address,
        district=body.district,
        street=body.street,
        lat=body.lat,
        lon=body.lon,
        tags=body.tags,
    )
    ctx.session.add(order)
    ctx.session.flush()
    record(
        ctx.session,
        ctx.actor.user_id,
        "intake",
        order.id,
        {},
        {**snapshot(order), "number": order.number, "channel": order.channel},
        ctx.now,
    )
    return order


# --- commands --------------------------------------------------------------------------------

Apply = Callable[[Context, Order, Any], dict[str, Any]]


@dataclass(frozen=True)
class Loaded:
    """An order locked for one command that the state machine allows now (see :func:`load`)."""

    order: Order
    facts: OrderFacts


def execute(ctx: Context, order_id: int, command: Command, body: Wire) -> Order:
    """Run ``command`` on the order, or raise a 4xx: 404 outside scope, 409 stale or wrong state.

    The HTTP path: a replayed insert-only record (a note, a check) answers as the first time did,
    whatever the order's state now; every other command names the version it was based on."""
    if isinstance(body, MergeBody):
        # The merge writes a key to the target (PostgreSQL locks its row for key share): two orders
        # merged into each other at once deadlocked. Both are locked first, by ascending id.
        repository.lock_in_order(ctx.session, {order_id, body.into_order_id})
    order = _locked(ctx, order_id)
    if command in _INSERT_ONLY:
        # Its replay is found by its insert (see _insert_once), or here once the state machine has
        # refused it: a note sent again after the order moved on answers as the first time did.
        try:
            loaded = _checked(ctx, order, command)
        except CommandRefused:
            if _replayed(ctx, order, command, body):
                return order
            raise
        return apply(ctx, loaded, command, body)
    if getattr(body, "version", None) != order.version:
        raise stale_version(order.version)
    return apply(ctx, _checked(ctx, order, command), command, body)


def load(ctx: Context, order_id: int, command: Command, held: Order | None = None) -> Loaded:
    """The order locked for ``command`` and checked by the state machine, once: raises a 404
    (:class:`ApiError`) outside the caller's scope, :class:`CommandRefused` when it may not run now.
    The sync push's path (no version: the order is judged as it is); :func:`apply` runs it.

    ``held``: the order as this transaction already holds it, locked by an earlier command of the
    same push — its scope is then asked of its facts (``can_see``, what :func:`repository.scope`
    says in SQL) instead of a second query: nobody else can have moved it meanwhile."""
    if held is None:
        return _checked(ctx, _locked(ctx, order_id), command)
    if not can_see(ctx.actor, facts_of(held)):
        raise not_found("工单", "order")
    return _checked(ctx, held, command)


def apply(ctx: Context, loaded: Loaded, command: Command, body: Wire) -> Order:
    """Run a :func:`load`-ed command and audit what changed — no second look-up or check. An
    insert-only record already there (same client id) is a replay: nothing more to do (its insert,
    the command's first write, finds it: :func:`_insert_once`)."""
    order = loaded.order
    check_input(command, loaded.facts, dict(body))
    before = snapshot(order)
    version = order.version
    try:
        extra = _APPLY[command](ctx, order, body)
    except _Replay:
        return order
    state = state_after(command, loaded.facts, accepted=getattr(body, "accept", None)).value
    if state != order.state:  # an attribute set, even to its value, makes the flush visit the order
        order.state = state
    refresh_due(order)
    if command not in _INSERT_ONLY:  # notes and checks never conflict with other edits
        order.updated_at = ctx.now
    ctx.session.flush()
    old, new = _diff(before, snapshot(order))
    payload = json.loads(body.model_dump_json(exclude={"version"}))
    after = {**new, **extra, "input": payload}
    record(ctx.session, ctx.actor.user_id, command.value, order.id, old, after, ctx.now)
    measure_facts.update(ctx.session, order, command.value, ctx.now, after)
    _as_stored(ctx.session, order, rewritten=order.version != version)
    return order


def _as_stored(session: Session, order: Order, rewritten: bool) -> None:
    """The order as the database holds it, for the answer and the push's next command: read again
    if this command wrote its row (the version moved); otherwise nothing of it differs from the
    database but the zone of a time set to the same moment (``refresh_due`` in Beijing time), put
    in UTC here as a read gives it — a note or a check reads nothing again."""
    if rewritten:
        session.expire(order)
        return
    for name, value in list(inspect(order).dict.items()):
        if isinstance(value, datetime) and value.tzinfo is not UTC:
            set_committed_value(order, name, value.astimezone(UTC))


def _locked(ctx: Context, order_id: int) -> Order:
    order = repository.visible(ctx.session, ctx.actor, order_id, for_update=True)
    if order is None:
        raise not_found("工单", "order")
    return order


def _checked(ctx: Context, order: Order, command: Command) -> Loaded:
    facts = facts_of(order)
    try:
        check(command, ctx.actor, facts, ctx.now)
    except CommandRefused as refused:
        cohandling.name_outstanding(ctx.session, order, refused)  # the lead's reply: which departments
        raise
    return Loaded(order, facts)


def _with_client_id(session: Session, model: type[Note] | type[OnsiteCheck], client_id: str) -> Row[int, int] | None:
    """Whose record with this client id there is, if any (two columns, no ORM object)."""
    return session.execute(select(model.order_id, model.author_id).where(model.client_id == client_id)).first()


class _Replay(Exception):
    """The insert-only record is there already, this order's and this author's: nothing was written."""


def _insert_once(ctx: Context, order: Order, model: type[Note] | type[OnsiteCheck], row: dict[str, Any]) -> int:
    """Insert a note or a check unless its client id is taken (one statement, where a look-up came
    first): its id; :class:`_Replay` if the record is this one's, sent again; a 409 if the id is
    someone else's or another order's. A delivery racing this one waits on the unique key for its
    commit, then finds it (before, both looked, found nothing, and the second failed at the key)."""
    connection = ctx.session.connection()
    inserted = connection.execute(_insert_or_nothing(connection.dialect.name, model), row).scalar()
    if inserted is not None:
        return int(inserted)
    if _replayed(ctx, order, _INSERT_COMMAND[model], row["client_id"]):
        raise _Replay
    # taken a moment ago by a transaction that has since rolled back: this one is no replay
    raise ApiError(409, "client_id_taken", "该记录编号已被使用", "This client id is already used")


@lru_cache(maxsize=8)
def _insert_or_nothing(dialect: str, model: type[Note] | type[OnsiteCheck]) -> ReturningInsert[Any]:
    """The insert of a note or a check that does nothing when its client id is there, made once."""
    table: Table = model.__table__  # type: ignore[assignment]  # typed FromClause; a mapped class has a Table
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    return insert_(table).on_conflict_do_nothing(index_elements=[table.c.client_id]).returning(table.c.id)


def _replayed(ctx: Context, order: Order, command: Command, body: Wire | str) -> bool:
    """An insert-only record with this client id is there already: True if it is this one's replay,
    a 409 if the id belongs to someone or something else; False for every other command."""
    if command not in _INSERT_ONLY:
        return False
    # an endpoint's body or a pushed mutation's args (casework.sync.COMMAND_ARGS): both have it
    client_id = body if isinstance(body, str) else getattr(body, "client_id", None)
    if not isinstance(client_id, UUID | str):
        raise TypeError(f"{command.value} carries no client id")
    existing = _with_client_id(ctx.session, _INSERT_ONLY[command], str(client_id))
    if existing is None:
        return False
    if existing.order_id != order.id or existing.author_id != ctx.actor.user_id:
        raise ApiError(409, "client_id_taken", "该记录编号已被使用", "This client id is already used")
    return True


def _dispatch(ctx: Context, order: Order, body: DispatchBody) -> dict[str, Any]:
    lead = _department(ctx, body.lead_department_id)
    co = [_department(ctx, d) for d in dict.fromkeys(body.co_department_ids) if d != lead.id]
    complexity = body.complexity.value if body.complexity else order.complexity
    _check_reply_days(complexity, body.reply_days)
    order.complexity = complexity
    order.reply_days = body.reply_days
    order.lead_department_id = lead.id
    order.co_departments = co
    order.dispatched_at = order.reply_started_at = ctx.now
    recompute(order, policy(ctx.session, ctx.settings))
    _grant_access(ctx, order.id, [lead.id, *(d.id for d in co)])
    cohandling.start(ctx, order, co)  # each co-department's own part (协办), with its deadlines
    return {"co_department_ids": [d.id for d in co]}


def _check_reply_days(complexity: str, reply_days: int | None) -> None:
    """Only the centre's complex orders take a reply time of their own (simple ones: 2 days)."""
    if reply_days is not None and complexity != "complex":
        raise invalid("reply_days_for_complex", "只有复杂件可以指定办理时限", "Only complex orders take reply_days")


def _grant_access(ctx: Context, order_id: int, department_ids: list[int]) -> None:
    for department_id in department_ids:
        if ctx.session.get(OrderAccess, (order_id, department_id)) is None:
            ctx.session.add(OrderAccess(order_id=order_id, department_id=department_id))


def _department(ctx: Context, department_id: int) -> Department:
    department = ctx.session.get(Department, department_id)
    if department is None or department.kind != "department":
        raise invalid("unknown_department", "承办单位不存在", "No such department", {"id": department_id})
    if not department.active:
        raise invalid("inactive_department", "承办单位已停用", "The department is deactivated", {"id": department_id})
    return department


def _close_at_once(ctx: Context, order: Order, body: CloseAtOnceBody) -> dict[str, Any]:
    order.reply_round = 1
    ctx.session.add(
        ReplyVersion(
            order_id=order.id,
            round=1,
            text=body.reply,
            result_code="explained",
            basis=body.basis,
            author_id=ctx.actor.user_id,
            submitted_at=ctx.now,
        )
    )
    order.closed_at = ctx.now
    order.closed_on_time = True
    return _cited(
        ctx, order, knowledge.citable(ctx.session, ctx.actor, body.knowledge_entry_ids), Command.CLOSE_AT_ONCE
    )


def _cited(ctx: Context, order: Order, cited: Sequence[knowledge.Citable], command: Command) -> dict[str, Any]:
    """The knowledge entries the answer cites (``knowledge.citable``: they exist and are visible): a
    use row each."""
    ids = knowledge.record_uses(ctx.session, ctx.actor, order.id, cited, command.value, ctx.now)
    return {"knowledge_entry_ids": ids} if ids else {}


def _nothing(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    return {}


def _merge(ctx: Context, order: Order, body: MergeBody) -> dict[str, Any]:
    target = ctx.session.get(Order, body.into_order_id)
    if target is None or target.id == order.id:
        raise invalid("unknown_target", "要合并到的工单不存在", "No such order to merge into")
    if State(target.state) in TERMINAL_STATES - {State.CLOSED}:
        raise invalid(
            "target_terminal", "不能合并到已作废或已合并的工单", "Cannot merge into an invalid or merged order"
        )
    order.merged_into_id = target.id
    order.merge_reason = body.reason
    order.closed_at = ctx.now
    return {}


def _sign(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    order.signed_at = ctx.now
    order.signed_on_time = order.sign_due is None or ctx.now <= order.sign_due
    if order.handler_id is None and ctx.actor.role is Role.HANDLER:
        order.handler_id = ctx.actor.user_id
    return {}


def _assign(ctx: Context, order: Order, body: AssignHandlerBody) -> dict[str, Any]:
    handler = ctx.session.get(User, body.handler_id)
    if (
        handler is None
        or not handler.active
        or handler.department_id != order.lead_department_id
        or handler.role not in (Role.HANDLER.value, Role.SECTION_CHIEF.value, Role.DEPARTMENT_HEAD.value)
    ):
        raise invalid("unknown_handler", "承办人不属于本单位", "The handler is not staff of this department")
    order.handler_id = handler.id
    return {}


def _request_return(ctx: Context, order: Order, body: RequestReturnBody) -> dict[str, Any]:
    order.return_reason_code = body.reason_code.value
    order.return_reason = body.reason
    order.return_requested_at = ctx.now
    order.return_department_id = order.lead_department_id
    return {}


def _rule_return(ctx: Context, order: Order, body: RuleReturnBody) -> dict[str, Any]:
    if body.accept:
        if body.new_lead_department_id is None:
            raise CommandRefused(Refusal.DEPARTMENT_REQUIRED)
        lead = _department(ctx, body.new_lead_department_id)
        if lead.id == order.lead_department_id:
            raise invalid("same_department", "请改派给其他单位", "Dispatch to another department")
        order.lead_department_id = lead.id
        order.co_departments = [d for d in order.co_departments if d.id != lead.id]
        cohandling.keep_only(order)  # a co-department made the lead has no co-handling part left
        order.handler_id = None
        order.signed_at = None
        order.signed_on_time = None
        order.dispatched_at = order.reply_started_at = ctx.now  # the new department's clock starts now
        order.extended_days = 0
        recompute(order, policy(ctx.session, ctx.settings))
        _grant_access(ctx, order.id, [lead.id])
    elif order.signed_at is None:
        # Refused: the order was the department's all along; the clock kept running.
        order.signed_at = ctx.now
        order.signed_on_time = order.sign_due is None or ctx.now <= order.sign_due
    return {"comment": body.comment}


def _onsite(ctx: Context, order: Order, body: OnsiteCheckBody) -> dict[str, Any]:
    if body.checked_at.tzinfo is None or body.checked_at > ctx.now + timedelta(minutes=5):
        raise invalid(
            "bad_time",
            "核查时间无效（须带时区且不晚于当前）",
            "The check time needs a zone and cannot be in the future",
        )
    # A plain insert, as a note's (created_at: the column's default, as the ORM object had it)
    check_id = _insert_once(
        ctx,
        order,
        OnsiteCheck,
        {
            "client_id": str(body.client_id),
            "order_id": order.id,
            "author_id": ctx.actor.user_id,
            "checked_at": body.checked_at,
            "lat": body.lat,
            "lon": body.lon,
            "notes": body.notes,
        },
    )
    for photo in body.photos:
        if not may_use(ctx.session, ctx.actor, photo.sha256):
            raise invalid("unknown_blob", "照片尚未上传", "The photo has not been uploaded", {"sha256": photo.sha256})
        attachment = ctx.session.scalar(
            select(Attachment).where(Attachment.order_id == order.id, Attachment.sha256 == photo.sha256)
        )
        if attachment is None:
            ctx.session.add(
                Attachment(
                    order_id=order.id,
                    sha256=photo.sha256,
                    onsite_check_id=check_id,
                    tag=photo.tag.value,
                    author_id=ctx.actor.user_id,
                )
            )
    if order.onsite_due is not None and order.onsite_on_time is None:
        order.onsite_on_time = body.checked_at <= order.onsite_due
    return {}


def _note(ctx: Context, order: Order, body: AddNoteBody) -> dict[str, Any]:
    # A plain insert, no ORM object to build and flush: nothing reads it back in this transaction
    # but the answer's view, which reads the table (server.orders.children).
    _insert_once(
        ctx,
        order,
        Note,
        {
            "client_id": str(body.client_id),
            "order_id": order.id,
            "author_id": ctx.actor.user_id,
            "text": body.text,
            "created_at": ctx.now,
        },
    )
    return {}


def _save_draft(ctx: Context, order: Order, body: SaveDraftBody) -> dict[str, Any]:
    _keep_draft(ctx, order, body, knowledge.citable(ctx.session, ctx.actor, body.knowledge_entry_ids))
    return {}


def _keep_draft(
    ctx: Context, order: Order, body: SaveDraftBody | SubmitReplyBody, cited: Sequence[knowledge.Citable]
) -> None:
    order.draft_text = body.text
    order.draft_result = body.result_code.value if body.result_code else None
    order.draft_basis = body.basis
    # With their titles as now: the order's view shows them without reading the knowledge base, so a
    # stored view (server.sync.stored_views) still changes only when its order does.
    order.draft_knowledge_entries = [{"id": e.id, "title": e.title} for e in cited]
    order.draft_author_id = ctx.actor.user_id
    order.draft_updated_at = ctx.now


def _submit(ctx: Context, order: Order, body: SubmitReplyBody) -> dict[str, Any]:
    # The draft becomes the reply submitted, its citations with it: a reply returned for rework is
    # reworked, and submitted again, citing what it cited.
    cited = knowledge.citable(ctx.session, ctx.actor, body.knowledge_entry_ids)
    _keep_draft(ctx, order, body, cited)
    order.reply_round += 1
    ctx.session.add(
        ReplyVersion(
            order_id=order.id,
            round=order.reply_round,
            text=body.text,
            result_code=body.result_code.value,
            basis=body.basis,
            author_id=ctx.actor.user_id,
            submitted_at=ctx.now,
        )
    )
    order.reply_author_id = ctx.actor.user_id
    department = ctx.session.get(Department, order.lead_department_id)
    if department is None:  # the rules let only the lead department's staff submit, so there is one
        raise LookupError(f"order {order.id} has no lead department")
    # The chains in force on the day the review starts; later versions never move a submitted reply.
    chains = review_repository.chains_on(ctx.session, ctx.now.astimezone(SHANGHAI).date())
    order.review_chain = [level.value for level in chains.chain_for(department.code, Importance(order.importance))]
    order.review_level = 0
    return {"review_chain": order.review_chain, **_cited(ctx, order, cited, Command.SUBMIT_REPLY)}


def _review(decision: str) -> Apply:
    def apply(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
        level = order.review_chain[order.review_level]
        ctx.session.add(
            ReviewRecord(
                order_id=order.id,
                round=order.reply_round,
                level=level,
                reviewer_id=ctx.actor.user_id,
                decision=decision,
                comment=body.comment,
                at=ctx.now,
            )
        )
        if decision == "returned":
            order.review_level = 0
        elif order.review_level + 1 >= len(order.review_chain):
            order.replied_at = ctx.now
            due = order.reply_due_extended or order.reply_due
            order.replied_on_time = due is None or ctx.now <= due
        else:
            order.review_level += 1
        return {"level": level}

    return apply


def _request_extension(ctx: Context, order: Order, body: RequestExtensionBody) -> dict[str, Any]:
    order.extension_status = "pending"
    order.extension_days = body.days
    order.extension_reason = body.reason
    order.extension_requested_at = ctx.now
    order.extension_comment = ""
    return {}


def _rule_extension(ctx: Context, order: Order, body: RuleExtensionBody) -> dict[str, Any]:
    order.extension_comment = body.comment
    if body.approve:
        order.extension_status = "approved"
        order.extended_days += order.extension_days or 0  # the original due date is kept
        recompute(order, policy(ctx.session, ctx.settings))
    else:
        order.extension_status = "denied"
    return {}


def _callback(ctx: Context, order: Order, body: RecordCallbackBody) -> dict[str, Any]:
    ctx.session.add(
        CallbackRecord(
            order_id=order.id,
            method=body.method,
            outcome=body.outcome.value,
            notes=body.notes,
            agent_id=ctx.actor.user_id,
            at=ctx.now,
            resolved=body.resolved,
            citizen_words=body.citizen_words,
        )
    )
    order.callback_attempts += 1
    order.last_callback_outcome = body.outcome.value
    return {}


def _close(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    order.closed_at = ctx.now
    order.closed_on_time = bool(order.replied_on_time)
    return {}


def _reopen(ctx: Context, order: Order, body: ReopenBody) -> dict[str, Any]:
    _check_reply_days(order.complexity, body.reply_days)
    order.reopen_count += 1
    order.leader_instruction = body.instruction
    order.reply_days = body.reply_days or order.reply_days
    order.reply_started_at = ctx.now  # a new reply clock for the re-handling
    order.extended_days = 0
    order.extension_status = None
    order.state = State.IN_PROGRESS.value
    recompute(order, policy(ctx.session, ctx.settings))
    order.replied_on_time = order.closed_on_time = None
    order.closed_at = None
    order.review_level = 0
    order.callback_attempts = 0
    order.last_callback_outcome = None
    return {}


def _supervise(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    order.supervised = True
    notifications.issued(ctx.session, order, Command.SUPERVISE, ctx.actor.user_id, body.note, ctx.now)
    return {}


def _remind(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    order.reminders += 1
    notifications.issued(ctx.session, order, Command.REMIND, ctx.actor.user_id, body.note, ctx.now)
    return {}


def _supervision_feedback(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    # The audit record is the feedback itself (views read it back, as 督办 and 催办); its issuers are told.
    notifications.issued(ctx.session, order, Command.SUPERVISION_FEEDBACK, ctx.actor.user_id, body.note, ctx.now)
    return {}


def _mark_audited(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    # The audit record written by execute() is the mark itself (views read it back from there).
    return {"audited": True}


def _close_order(ctx: Context, order: Order, body: Any) -> dict[str, Any]:
    order.closed_at = ctx.now
    return {}


_INSERT_ONLY: dict[Command, type[Note] | type[OnsiteCheck]] = {
    Command.ADD_NOTE: Note,
    Command.RECORD_ONSITE_CHECK: OnsiteCheck,
}
_INSERT_COMMAND = {model: command for command, model in _INSERT_ONLY.items()}

_APPLY: dict[Command, Apply] = {
    Command.DISPATCH: _dispatch,
    Command.CLOSE_AT_ONCE: _close_at_once,
    Command.INVALIDATE: _close_order,
    Command.MERGE: _merge,
    Command.SIGN: _sign,
    Command.ASSIGN_HANDLER: _assign,
    Command.REQUEST_RETURN: _request_return,
    Command.RULE_RETURN: _rule_return,
    Command.RECORD_ONSITE_CHECK: _onsite,
    Command.ADD_NOTE: _note,
    Command.SAVE_DRAFT: _save_draft,
    Command.SUBMIT_REPLY: _submit,
    Command.APPROVE: _review("approved"),
    Command.RETURN_FOR_REWORK: _review("returned"),
    Command.REQUEST_EXTENSION: _request_extension,
    Command.RULE_EXTENSION: _rule_extension,
    Command.RECORD_CALLBACK: _callback,
    Command.CLOSE: _close,
    Command.REOPEN: _reopen,
    Command.SUPERVISE: _supervise,
    Command.REMIND: _remind,
    Command.MARK_AUDITED: _mark_audited,
    Command.CO_SIGN: cohandling.co_sign,
    Command.SUBMIT_CO_OPINION: cohandling.submit_opinion,
    Command.WAIVE_CO_HANDLING: cohandling.waive,
    Command.ADD_CO_DEPARTMENT: cohandling.add,
    Command.SUPERVISION_FEEDBACK: _supervision_feedback,
}


def reveal_contact(ctx: Context, order_id: int) -> Order:
    """A department reads a confidential citizen's contact, where the citizen allowed it; audited."""
    order = repository.visible(ctx.session, ctx.actor, order_id)
    if order is None:
        raise not_found("工单", "order")
    if order.confidential and not ctx.actor.is_centre and not (order.contact_allowed and ctx.actor.is_department_staff):
        raise ApiError(
            403,
            "contact_protected",
            "市民要求保密，不能查看其联系方式",
            "The citizen asked for confidentiality; the contact cannot be shown",
        )
    record(
        ctx.session, ctx.actor.user_id, "reveal_contact", order.id, {}, {"confidential": order.confidential}, ctx.now
    )
    return order
