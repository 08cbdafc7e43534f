"""``GET /knowledge/sync``: the desks' copy of the knowledge base, page by page.

Every change to an entry or a template took the next number of one sequence (``change_seq``);
a cursor is the last number a desk holds (with the scope it was made under, as the orders' pull
cursor). A page lists, in change order, the entries and templates changed after it that the
user may use — published entries and the user's own department's drafts, the city's and the
department's templates — and the ids of those that left the user's view: expired entries, a draft
moved to another department, withdrawn templates. A first pull (no cursor) lists no removals.
"""

from __future__ import annotations

import base64
import json

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from casework.knowledge import EntryStatus, KnowledgePage
from casework.roles import Actor
from server.errors import invalid
from server.knowledge import repository
from server.models import KnowledgeEntryRow, ReplyTemplateRow
from server.sync.cursor import scope_key


def encode(scope: str, seq: int) -> str:
    raw = json.dumps({"v": 1, "s": scope, "k": seq}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[str, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        scope, seq = data["s"], data["k"]
        valid = data.get("v") == 1 and isinstance(scope, str) and isinstance(seq, int) and 0 <= seq < 2**62
    except Exception:
        valid = False
    if not valid:
        raise invalid("bad_cursor", "同步游标无效", "The sync cursor is not valid")
    return scope, seq


def _synced_entries(actor: Actor) -> ColumnElement[bool]:
    """What a desk keeps: published entries, and the drafts of the user's own department."""
    published = KnowledgeEntryRow.status == EntryStatus.PUBLISHED.value
    if actor.department_id is None:
        return published
    own_draft = and_(
        KnowledgeEntryRow.status == EntryStatus.DRAFT.value, KnowledgeEntryRow.department_id == actor.department_id
    )
    return or_(published, own_draft)


def _left(actor: Actor) -> ColumnElement[bool]:
    """Changed entries that left a desk's copy: expired, or a draft moved away from its department."""
    expired = KnowledgeEntryRow.status == EntryStatus.EXPIRED.value
    if actor.department_id is None:
        return expired
    moved = and_(
        KnowledgeEntryRow.status == EntryStatus.DRAFT.value,
        KnowledgeEntryRow.left_department_id == actor.department_id,
        KnowledgeEntryRow.department_id.is_distinct_from(actor.department_id),
    )
    return or_(expired, moved)


def page(session: Session, actor: Actor, cursor: str | None, limit: int) -> KnowledgePage:
    scope = scope_key(actor)
    seq, reset = 0, False
    if cursor:
        made_under, seq = decode(cursor)
        if made_under != scope or seq > repository.last_change(session):
            seq, reset = 0, True
    head = repository.last_change(session)  # read first: anything numbered later comes next time
    first = seq == 0
    entry_rows = session.scalars(
        select(KnowledgeEntryRow)
        .where(
            KnowledgeEntryRow.change_seq > seq,
            KnowledgeEntryRow.change_seq <= head,
            _synced_entries(actor) if first else or_(_synced_entries(actor), _left(actor)),
        )
        .order_by(KnowledgeEntryRow.change_seq)
        .limit(limit + 1)
    ).all()
    templates = select(ReplyTemplateRow).where(
        ReplyTemplateRow.change_seq > seq,
        ReplyTemplateRow.change_seq <= head,
        repository.usable_templates(actor),
    )
    if first:
        templates = templates.where(ReplyTemplateRow.active.is_(True))
    template_rows = session.scalars(templates.order_by(ReplyTemplateRow.change_seq).limit(limit + 1)).all()
    changes = sorted(
        [(e.change_seq, e, None) for e in entry_rows] + [(t.change_seq, None, t) for t in template_rows],
        key=lambda c: c[0],
    )
    more = len(changes) > limit
    changes = changes[:limit]
    result = KnowledgePage(
        entries=[], templates=[], removed_entry_ids=[], removed_template_ids=[], cursor="", more=more, reset=reset
    )
    synced_statuses = {EntryStatus.PUBLISHED.value, EntryStatus.DRAFT.value}
    for _, entry, template in changes:
        if entry is not None:
            if entry.status in synced_statuses and repository.may_see_entry(actor, entry):
                result.entries.append(repository.entry_out(entry))
            else:
                result.removed_entry_ids.append(entry.id)
        elif template is not None:
            if template.active:
                result.templates.append(repository.template_out(template))
            else:
                result.removed_template_ids.append(template.id)
    result.cursor = encode(scope, changes[-1][0] if more else head)
    return result
