"""Writing the knowledge base: drafts, edits, publishing, expiry and templates — each versioned and audited.

Who may: department staff propose and edit their own department's drafts; the centre's roles
(``CENTRE_ROLES``) write any entry and publish or expire it; a department's chief or head manage
its reply templates, the centre's supervisor or an administrator the city-wide ones. Every change
takes a change number (``repository.next_changes``: the desks' sync) and appends one record to
the audit chain (action ``knowledge_*`` or ``template_*``, no order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, select
from sqlalchemy.orm import Session

from casework.knowledge import (
    EntryAction,
    EntryDraft,
    EntryEdit,
    EntryStatus,
    EntryVersion,
    TemplateDraft,
    TemplateEdit,
    UsageReport,
    UsageRow,
    search_text,
)
from casework.roles import Actor
from server.audit.service import record
from server.errors import ApiError, forbidden, invalid
from server.knowledge import repository
from server.measures.periods import Period, midnight
from server.models import (
    Category,
    Department,
    EntryVersionRow,
    KeywordRow,
    KnowledgeEntryRow,
    KnowledgeUse,
    ReplyTemplateRow,
)


@dataclass(frozen=True)
class Context:
    session: Session
    actor: Actor
    now: datetime


def stale(current: int, what_zh: str = "知识条目", what_en: str = "knowledge entry") -> ApiError:
    return ApiError(
        409,
        "stale_version",
        f"{what_zh}已被他人修改，请刷新后重试",
        f"The {what_en} was changed by someone else; reload and try again",
        detail={"current_version": current},
    )


# --- entries ---------------------------------------------------------------------------------


def content(row: KnowledgeEntryRow) -> dict[str, Any]:
    """What a version of an entry says (stored per version, and the audit's before/after)."""
    return {
        "title": row.title,
        "questions": list(row.questions),
        "answer": row.answer,
        "basis": repository.basis_of(row).model_dump(mode="json"),
        "category_code": row.category_code,
        "department_id": row.department_id,
        "keywords": list(row.keywords),
        "status": row.status,
    }


def _check_references(session: Session, body: EntryDraft) -> None:
    if body.department_id is not None:
        department = session.get(Department, body.department_id)
        if department is None:
            raise invalid("unknown_department", "所属单位不存在", "No such department", {"id": body.department_id})
    if body.category_code and session.get(Category, body.category_code) is None:
        raise invalid("unknown_category", "分类不存在", "No such category", {"code": body.category_code})


def _owner_for(actor: Actor, body: EntryDraft) -> int | None:
    """The owning department a new draft gets; department staff may only write their own."""
    if actor.is_centre:
        return body.department_id
    if actor.is_department_staff and actor.department_id is not None:
        if body.department_id not in (None, actor.department_id):
            raise forbidden("只能编写本单位的知识条目", "You may only write your own department's entries")
        return actor.department_id
    raise forbidden("您的角色不能编写知识条目", "Your role may not write knowledge entries")


def _fill(row: KnowledgeEntryRow, body: EntryDraft, department_id: int | None) -> None:
    keywords = list(dict.fromkeys(k.lower() for k in body.keywords))
    row.title = body.title
    row.questions = list(body.questions)
    row.answer = body.answer
    row.basis_document = body.basis.document
    row.basis_number = body.basis.number
    row.basis_article = body.basis.article
    row.basis_issuer = body.basis.issuer
    row.basis_effective_from = body.basis.effective_from
    row.basis_expires_on = body.basis.expires_on
    row.category_code = body.category_code or None
    row.department_id = department_id
    row.keywords = keywords
    row.search_text = search_text(body.title, body.questions, keywords, body.answer)


def _keep_version(ctx: Context, row: KnowledgeEntryRow, action: EntryAction) -> None:
    ctx.session.add(
        EntryVersionRow(
            entry_id=row.id,
            version=row.version,
            action=action.value,
            content=content(row),
            editor_id=ctx.actor.user_id,
            at=ctx.now,
        )
    )


def _set_keywords(session: Session, row: KnowledgeEntryRow) -> None:
    session.execute(delete(KeywordRow).where(KeywordRow.entry_id == row.id))
    session.add_all(KeywordRow(entry_id=row.id, keyword=k[:30]) for k in row.keywords)


def create(ctx: Context, body: EntryDraft, action: EntryAction = EntryAction.CREATE) -> KnowledgeEntryRow:
    """A new draft (an import may name its status); versioned and audited."""
    owner = _owner_for(ctx.actor, body)
    _check_references(ctx.session, body)
    row = KnowledgeEntryRow(
        status=EntryStatus.DRAFT.value,
        version=1,
        author_id=ctx.actor.user_id,
        change_seq=repository.next_changes(ctx.session),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    _fill(row, body, owner)
    ctx.session.add(row)
    ctx.session.flush()
    _set_keywords(ctx.session, row)
    _keep_version(ctx, row, action)
    record(ctx.session, ctx.actor.user_id, "knowledge_create", None, {}, {"entry_id": row.id, **content(row)}, ctx.now)
    return row


def _may_edit(actor: Actor, row: KnowledgeEntryRow) -> None:
    if actor.is_centre:
        return
    if actor.is_department_staff and row.department_id is not None and row.department_id == actor.department_id:
        if row.status != EntryStatus.DRAFT.value:
            raise ApiError(
                409,
                "entry_not_draft",
                "已发布或已失效的条目由热线中心修改",
                "Published or expired entries are edited by the hotline centre",
            )
        return
    raise forbidden("只能修改本单位的知识条目", "You may only edit your own department's entries")


def _changed(ctx: Context, row: KnowledgeEntryRow, action: EntryAction, before: dict[str, Any]) -> None:
    row.version += 1
    row.updated_at = ctx.now
    row.change_seq = repository.next_changes(ctx.session)
    ctx.session.flush()
    _keep_version(ctx, row, action)
    after = content(row)
    old = {k: v for k, v in before.items() if after.get(k) != v}
    new = {k: after[k] for k in old}
    record(
        ctx.session,
        ctx.actor.user_id,
        f"knowledge_{action.value}",
        None,
        {"entry_id": row.id, **old},
        {"entry_id": row.id, "version": row.version, **new},
        ctx.now,
    )


def edit(ctx: Context, entry_id: int, body: EntryEdit) -> KnowledgeEntryRow:
    row = repository.entry(ctx.session, ctx.actor, entry_id, for_update=True)
    _may_edit(ctx.actor, row)
    if body.version != row.version:
        raise stale(row.version)
    department_id = body.department_id if ctx.actor.is_centre else row.department_id
    if not ctx.actor.is_centre and body.department_id not in (None, row.department_id):
        raise forbidden("只能编写本单位的知识条目", "You may only write your own department's entries")
    _check_references(ctx.session, body)
    before = content(row)
    if row.status == EntryStatus.DRAFT.value and row.department_id != department_id:
        row.left_department_id = row.department_id  # its desks are told it left their view
    _fill(row, body, department_id)
    _set_keywords(ctx.session, row)
    _changed(ctx, row, EntryAction.EDIT, before)
    return row


def _centre_only(actor: Actor) -> None:
    if not actor.is_centre:
        raise forbidden("仅热线中心可发布或停用知识条目", "Only the hotline centre publishes or expires entries")


def publish(ctx: Context, entry_id: int, version: int | None) -> KnowledgeEntryRow:
    row = repository.entry(ctx.session, ctx.actor, entry_id, for_update=True)  # 404 before 403: no leak
    _centre_only(ctx.actor)
    if version is not None and version != row.version:
        raise stale(row.version)
    if row.status == EntryStatus.PUBLISHED.value:
        raise ApiError(409, "already_published", "该条目已发布", "The entry is already published")
    before = content(row)
    row.status = EntryStatus.PUBLISHED.value
    row.reviewer_id = ctx.actor.user_id
    _changed(ctx, row, EntryAction.PUBLISH, before)
    return row


def expire(ctx: Context, entry_id: int, version: int | None) -> KnowledgeEntryRow:
    row = repository.entry(ctx.session, ctx.actor, entry_id, for_update=True)  # 404 before 403: no leak
    _centre_only(ctx.actor)
    if version is not None and version != row.version:
        raise stale(row.version)
    if row.status != EntryStatus.PUBLISHED.value:
        raise ApiError(409, "not_published", "只有已发布的条目可以停用", "Only a published entry can expire")
    before = content(row)
    row.status = EntryStatus.EXPIRED.value
    _changed(ctx, row, EntryAction.EXPIRE, before)
    return row


def versions(session: Session, actor: Actor, entry_id: int) -> list[EntryVersion]:
    repository.entry(session, actor, entry_id)
    rows = session.scalars(
        select(EntryVersionRow).where(EntryVersionRow.entry_id == entry_id).order_by(EntryVersionRow.version)
    )
    return [
        EntryVersion(
            entry_id=entry_id,
            version=v.version,
            action=EntryAction(v.action),
            editor_id=v.editor_id,
            at=v.at,
            **v.content,
        )
        for v in rows
    ]


# --- citations by orders ----------------------------------------------------------------------


#: A knowledge entry an order may cite: (id, version, title).
Citable = Row[int, int, str]


def citable(session: Session, actor: Actor, entry_ids: Sequence[int]) -> list[Citable]:
    """The entries ``entry_ids`` name, once each in the order given, as (id, version, title): every id
    must name an entry the actor sees (published, expired, or a draft of theirs); a 422 names those
    that do not."""
    wanted = list(dict.fromkeys(entry_ids))
    if not wanted:
        return []
    found = {
        row.id: row
        for row in session.execute(
            select(KnowledgeEntryRow.id, KnowledgeEntryRow.version, KnowledgeEntryRow.title).where(
                KnowledgeEntryRow.id.in_(wanted), repository.entry_scope(actor)
            )
        )
    }
    missing = [i for i in wanted if i not in found]
    if missing:
        raise invalid(
            "unknown_knowledge_entry",
            "引用的知识条目不存在或无权访问",
            "A cited knowledge entry does not exist or is not visible to you",
            {"ids": missing},
        )
    return [found[i] for i in wanted]


def record_uses(
    session: Session, actor: Actor, order_id: int, cited: Sequence[Citable], command: str, now: datetime
) -> list[int]:
    """The order's reply (or 直接办结) cited these entries (as :func:`citable` gave them): one use row each."""
    session.add_all(
        KnowledgeUse(
            order_id=order_id, entry_id=e.id, entry_version=e.version, command=command, actor_id=actor.user_id, at=now
        )
        for e in cited
    )
    return [e.id for e in cited]


def usage(session: Session, actor: Actor, period: Period, now: datetime) -> UsageReport:
    """How often each entry the actor may see was cited in ``period``; expired ones still cited.

    Department staff see their own department's entries; everyone else every entry. An entry is
    expired-but-cited when it was expired (or its basis past its expiry date) and still cited.
    """
    window = (midnight(period.start), midnight(period.end))
    query = (
        select(
            KnowledgeEntryRow,
            func.count(KnowledgeUse.id),
            func.max(KnowledgeUse.at),
        )
        .join(KnowledgeUse, KnowledgeUse.entry_id == KnowledgeEntryRow.id)
        .where(KnowledgeUse.at >= window[0], KnowledgeUse.at < window[1], repository.entry_scope(actor))
        .group_by(KnowledgeEntryRow.id)
        .order_by(func.count(KnowledgeUse.id).desc(), KnowledgeEntryRow.id)
    )
    if actor.is_department_staff:
        query = query.where(KnowledgeEntryRow.department_id == actor.department_id)
    rows: list[UsageRow] = []
    expired: list[UsageRow] = []
    for entry, uses, last in session.execute(query):
        row = UsageRow(
            entry_id=entry.id,
            title=entry.title,
            status=EntryStatus(entry.status),
            expires_on=entry.basis_expires_on,
            uses=uses,
            last_used_at=last,
        )
        rows.append(row)
        lapsed = entry.basis_expires_on is not None and last is not None and entry.basis_expires_on < last.date()
        if entry.status == EntryStatus.EXPIRED.value or lapsed:
            expired.append(row)
    return UsageReport(month=period.start.strftime("%Y-%m"), entries=rows, expired_cited=expired)


# --- templates --------------------------------------------------------------------------------


def _template_content(row: ReplyTemplateRow) -> dict[str, Any]:
    return {"department_id": row.department_id, "title": row.title, "body": row.body, "active": row.active}


def create_template(ctx: Context, body: TemplateDraft) -> ReplyTemplateRow:
    if not repository.may_manage_template(ctx.actor, body.department_id):
        raise forbidden(
            "本单位模板由科室负责人或单位负责人管理，全市模板由值班长或管理员管理",
            "A department's chief or head manage its templates; the centre's supervisor or an administrator the city's",
        )
    if body.department_id is not None and ctx.session.get(Department, body.department_id) is None:
        raise invalid("unknown_department", "所属单位不存在", "No such department", {"id": body.department_id})
    row = ReplyTemplateRow(
        department_id=body.department_id,
        title=body.title,
        body=body.body,
        version=1,
        active=True,
        author_id=ctx.actor.user_id,
        change_seq=repository.next_changes(ctx.session),
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(row)
    ctx.session.flush()
    record(
        ctx.session,
        ctx.actor.user_id,
        "template_create",
        None,
        {},
        {"template_id": row.id, **_template_content(row)},
        ctx.now,
    )
    return row


def _managed_template(ctx: Context, template_id: int, version: int) -> ReplyTemplateRow:
    row = repository.template(ctx.session, ctx.actor, template_id, for_update=True)
    if not repository.may_manage_template(ctx.actor, row.department_id):
        raise forbidden("您不能管理该模板", "You may not manage this template")
    if version != row.version:
        raise stale(row.version, "答复模板", "reply template")
    return row


def _template_changed(ctx: Context, row: ReplyTemplateRow, action: str, before: dict[str, Any]) -> None:
    row.version += 1
    row.updated_at = ctx.now
    row.change_seq = repository.next_changes(ctx.session)
    after = _template_content(row)
    old = {k: v for k, v in before.items() if after[k] != v}
    record(
        ctx.session,
        ctx.actor.user_id,
        action,
        None,
        {"template_id": row.id, **old},
        {"template_id": row.id, "version": row.version, **{k: after[k] for k in old}},
        ctx.now,
    )


def edit_template(ctx: Context, template_id: int, body: TemplateEdit) -> ReplyTemplateRow:
    row = _managed_template(ctx, template_id, body.version)
    before = _template_content(row)
    row.title, row.body = body.title, body.body
    _template_changed(ctx, row, "template_edit", before)
    return row


def withdraw_template(ctx: Context, template_id: int, version: int) -> ReplyTemplateRow:
    row = _managed_template(ctx, template_id, version)
    before = _template_content(row)
    row.active = False
    _template_changed(ctx, row, "template_withdraw", before)
    return row
