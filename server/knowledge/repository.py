"""Who sees which knowledge entries and templates, as SQL conditions and as checks of one row.

Entries: published and expired ones are everyone's; a draft is seen by its own department's
staff and by the centre (and administrators) — another department's drafts are never visible,
not even their ids. Templates: the city-wide ones and the user's own department's; the centre's
supervisor and administrators see every template (they manage the city-wide ones).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from casework.knowledge import EntryStatus, PolicyBasis
from casework.knowledge import KnowledgeEntry as EntryOut
from casework.knowledge import ReplyTemplate as TemplateOut
from casework.roles import Actor, Role
from server.errors import not_found
from server.models import KnowledgeEntryRow, KnowledgeSequence, ReplyTemplateRow


def sees_all_drafts(actor: Actor) -> bool:
    return actor.is_centre or actor.role is Role.ADMIN


def entry_scope(actor: Actor) -> ColumnElement[bool]:
    """The entries ``actor`` may see."""
    if sees_all_drafts(actor):
        return true()
    not_draft = KnowledgeEntryRow.status != EntryStatus.DRAFT.value
    if actor.is_department_staff and actor.department_id is not None:
        return or_(not_draft, KnowledgeEntryRow.department_id == actor.department_id)
    return not_draft


def may_see_entry(actor: Actor, row: KnowledgeEntryRow) -> bool:
    if row.status != EntryStatus.DRAFT.value or sees_all_drafts(actor):
        return True
    return actor.is_department_staff and row.department_id is not None and row.department_id == actor.department_id


def usable_templates(actor: Actor) -> ColumnElement[bool]:
    """The templates ``actor`` writes replies with: the city's and their own department's."""
    if actor.department_id is None:
        return ReplyTemplateRow.department_id.is_(None)
    return or_(ReplyTemplateRow.department_id.is_(None), ReplyTemplateRow.department_id == actor.department_id)


def template_scope(actor: Actor) -> ColumnElement[bool]:
    """The templates ``actor`` may list: usable ones; every one for the supervisor and administrators."""
    if actor.role in (Role.CENTRE_SUPERVISOR, Role.ADMIN):
        return true()
    return usable_templates(actor)


def may_manage_template(actor: Actor, department_id: int | None) -> bool:
    """A department's chief or head its templates; the centre's supervisor or an administrator the city's."""
    if department_id is None:
        return actor.role in (Role.CENTRE_SUPERVISOR, Role.ADMIN)
    return actor.is_supervisor and actor.department_id == department_id


def entry(session: Session, actor: Actor, entry_id: int, for_update: bool = False) -> KnowledgeEntryRow:
    """The entry, if ``actor`` may see it; a 404 otherwise (the same as a missing one)."""
    query = select(KnowledgeEntryRow).where(KnowledgeEntryRow.id == entry_id, entry_scope(actor))
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        raise not_found("知识条目", "knowledge entry")
    return row


def template(session: Session, actor: Actor, template_id: int, for_update: bool = False) -> ReplyTemplateRow:
    query = select(ReplyTemplateRow).where(
        ReplyTemplateRow.id == template_id, ReplyTemplateRow.active.is_(True), template_scope(actor)
    )
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        raise not_found("答复模板", "reply template")
    return row


def next_changes(session: Session, count: int = 1) -> int:
    """Take ``count`` change numbers; returns the first. The row stays locked until commit, so the
    numbers become visible in the order they were taken (what the desks' sync relies on)."""
    row = session.scalars(select(KnowledgeSequence).where(KnowledgeSequence.id == 1).with_for_update()).one()
    first = row.last + 1
    row.last += count
    return first


def last_change(session: Session) -> int:
    """The last committed change number (a reader never sees a number still being taken)."""
    return session.scalar(select(KnowledgeSequence.last).where(KnowledgeSequence.id == 1)) or 0


def entry_out(row: KnowledgeEntryRow) -> EntryOut:
    return EntryOut(
        id=row.id,
        title=row.title,
        questions=list(row.questions),
        answer=row.answer,
        basis=basis_of(row),
        category_code=row.category_code,
        department_id=row.department_id,
        keywords=list(row.keywords),
        status=EntryStatus(row.status),
        version=row.version,
        author_id=row.author_id,
        reviewer_id=row.reviewer_id,
        updated_at=row.updated_at,
    )


def basis_of(row: KnowledgeEntryRow) -> PolicyBasis:
    return PolicyBasis.model_construct(
        document=row.basis_document,
        number=row.basis_number,
        article=row.basis_article,
        issuer=row.basis_issuer,
        effective_from=row.basis_effective_from,
        expires_on=row.basis_expires_on,
    )


def template_out(row: ReplyTemplateRow) -> TemplateOut:
    return TemplateOut(
        id=row.id,
        department_id=row.department_id,
        title=row.title,
        body=row.body,
        version=row.version,
        updated_at=row.updated_at,
    )


__all__ = [
    "basis_of",
    "entry",
    "entry_out",
    "entry_scope",
    "last_change",
    "may_manage_template",
    "may_see_entry",
    "next_changes",
    "template",
    "template_out",
    "template_scope",
    "usable_templates",
]
