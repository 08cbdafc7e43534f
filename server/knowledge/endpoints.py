"""``/knowledge``: the knowledge base (知识库) — search, entries, versions, templates, sync, usage, xlsx.

Who may (README, "知识库"): everyone signed in searches and reads published entries; department
staff propose and edit their own department's drafts (another department's drafts answer 404);
the centre's roles write any entry, publish and expire, import and export; a department's chief
or head manage its reply templates, the centre's supervisor or an administrator the city-wide ones.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy import select

from casework.knowledge import (
    EntryDraft,
    EntryEdit,
    EntryStatus,
    EntryTransition,
    EntryVersion,
    ImportReport,
    KnowledgeEntry,
    KnowledgePage,
    ReplyTemplate,
    SearchHit,
    TemplateDraft,
    TemplateEdit,
    UsageReport,
)
from casework.schemas import BAD_CURSOR, CURSOR_PATTERN, Id, Version
from server.deps import DB, CurrentCaller, Now
from server.errors import UNKNOWN_CATEGORY, UNKNOWN_DEPARTMENT, ApiError, errors, invalid
from server.knowledge import repository, search, service, sheets, sync
from server.measures.endpoints import XLSX
from server.measures.periods import MONTH_PATTERN, Period, PeriodError
from server.models import KnowledgeEntryRow, ReplyTemplateRow
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/knowledge", tags=["knowledge"], route_class=TransactionalRoute)

EntryId = Annotated[Id, Path()]
TemplateId = Annotated[Id, Path()]
ERRORS = errors(401, 403, 404, 409)
WRITE = errors(401, 403, 404, 409, refusals={**UNKNOWN_DEPARTMENT, **UNKNOWN_CATEGORY})
#: The largest spreadsheet an import reads.
MAX_IMPORT_BYTES = 10 * 1024 * 1024


def _context(session: DB, caller: CurrentCaller, now: Now) -> service.Context:
    return service.Context(session=session, actor=caller.actor, now=now)


Ctx = Annotated[service.Context, Depends(_context)]


@router.get("/search", response_model=list[SearchHit], responses=errors(401))
def search_entries(
    session: DB,
    caller: CurrentCaller,
    q: Annotated[str, Query(max_length=500, description="The citizen's sentence, as said or typed")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    drafts: Annotated[bool, Query(description="Also the drafts you may see")] = False,
) -> list[SearchHit]:
    """Published entries that answer a citizen's sentence, best first, with the matching spans."""
    return search.search(session, caller.actor, q.replace("\x00", ""), limit, include_drafts=drafts)


@router.get("/entries", response_model=list[KnowledgeEntry], responses=errors(401))
def list_entries(
    session: DB,
    caller: CurrentCaller,
    status: EntryStatus | None = None,
    department_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> list[KnowledgeEntry]:
    """Entries you may see, last changed first (the centre's queue of drafts: ``status=draft``)."""
    query = select(KnowledgeEntryRow).where(repository.entry_scope(caller.actor))
    if status is not None:
        query = query.where(KnowledgeEntryRow.status == status.value)
    if department_id is not None:
        query = query.where(KnowledgeEntryRow.department_id == department_id)
    query = query.order_by(KnowledgeEntryRow.updated_at.desc(), KnowledgeEntryRow.id.desc()).offset(offset).limit(limit)
    return [repository.entry_out(r) for r in session.scalars(query)]


@router.get("/entries/{entry_id}", response_model=KnowledgeEntry, responses=errors(401, 404))
def get_entry(entry_id: EntryId, session: DB, caller: CurrentCaller) -> KnowledgeEntry:
    return repository.entry_out(repository.entry(session, caller.actor, entry_id))


@router.get("/entries/{entry_id}/versions", response_model=list[EntryVersion], responses=errors(401, 404))
def entry_versions(entry_id: EntryId, session: DB, caller: CurrentCaller) -> list[EntryVersion]:
    """Every version of the entry, oldest first: what it said, who made it and how."""
    return service.versions(session, caller.actor, entry_id)


@router.post("/entries", response_model=KnowledgeEntry, status_code=201, responses=WRITE)
def create_entry(body: EntryDraft, ctx: Ctx) -> KnowledgeEntry:
    """A new draft: department staff for their own department, the centre for any."""
    return repository.entry_out(service.create(ctx, body))


@router.put("/entries/{entry_id}", response_model=KnowledgeEntry, responses=WRITE)
def edit_entry(entry_id: EntryId, body: EntryEdit, ctx: Ctx) -> KnowledgeEntry:
    """A new version of the entry (409 if ``version`` is not the entry's present one)."""
    return repository.entry_out(service.edit(ctx, entry_id, body))


@router.post("/entries/{entry_id}/publish", response_model=KnowledgeEntry, responses=ERRORS)
def publish_entry(entry_id: EntryId, ctx: Ctx, body: EntryTransition | None = None) -> KnowledgeEntry:
    """The centre publishes a draft (or an expired entry again); the publisher is its reviewer."""
    return repository.entry_out(service.publish(ctx, entry_id, body.version if body else None))


@router.post("/entries/{entry_id}/expire", response_model=KnowledgeEntry, responses=ERRORS)
def expire_entry(entry_id: EntryId, ctx: Ctx, body: EntryTransition | None = None) -> KnowledgeEntry:
    """The centre withdraws a published entry (已失效): desks drop it, citations of it are counted."""
    return repository.entry_out(service.expire(ctx, entry_id, body.version if body else None))


@router.get("/sync", response_model=KnowledgePage, responses=errors(401, refusals=BAD_CURSOR))
def sync_page(
    session: DB,
    caller: CurrentCaller,
    cursor: Annotated[str | None, Query(max_length=200, pattern=CURSOR_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> KnowledgePage:
    """What changed for your desk since ``cursor``; repeat with the answer's cursor while ``more``."""
    return sync.page(session, caller.actor, cursor, limit)


@router.get("/templates", response_model=list[ReplyTemplate], responses=errors(401))
def list_templates(session: DB, caller: CurrentCaller) -> list[ReplyTemplate]:
    """The city-wide templates and your department's (the supervisor and administrators: all)."""
    rows = session.scalars(
        select(ReplyTemplateRow)
        .where(ReplyTemplateRow.active.is_(True), repository.template_scope(caller.actor))
        .order_by(ReplyTemplateRow.department_id.is_not(None), ReplyTemplateRow.department_id, ReplyTemplateRow.id)
    )
    return [repository.template_out(r) for r in rows]


@router.post("/templates", response_model=ReplyTemplate, status_code=201, responses=ERRORS)
def create_template(body: TemplateDraft, ctx: Ctx) -> ReplyTemplate:
    return repository.template_out(service.create_template(ctx, body))


@router.put("/templates/{template_id}", response_model=ReplyTemplate, responses=ERRORS)
def edit_template(template_id: TemplateId, body: TemplateEdit, ctx: Ctx) -> ReplyTemplate:
    return repository.template_out(service.edit_template(ctx, template_id, body))


@router.delete("/templates/{template_id}", status_code=204, responses=ERRORS)
def withdraw_template(
    template_id: TemplateId, ctx: Ctx, version: Annotated[Version, Query(description="The template's version")]
) -> Response:
    """Withdraw a template: desks drop it at their next sync; its history stays in the audit."""
    service.withdraw_template(ctx, template_id, version)
    return Response(status_code=204)


@router.get("/export.xlsx", response_class=Response, responses={**errors(401, 403), 200: {"content": {XLSX: {}}}})
def export_entries(session: DB, caller: CurrentCaller) -> Response:
    """Every entry as a spreadsheet (the centre), in the columns an import reads."""
    return Response(
        sheets.export(session, caller.actor),
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="knowledge.xlsx"', "X-Content-Type-Options": "nosniff"},
    )


async def _workbook(request: Request) -> bytes:
    return await request.body()


@router.post(
    "/import",
    response_model=ImportReport,
    responses=errors(
        401,
        403,
        413,
        415,
        refusals={
            "bad_workbook": "not a readable .xlsx workbook, no sheet, or a header without 标题 and 标准答复",
            "too_many_rows": "more rows than one import takes",
            "import_rejected": "rows with problems, each listed in the details; nothing was imported",
        },
    ),
    openapi_extra={"requestBody": {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}},
)
def import_entries(ctx: Ctx, data: Annotated[bytes, Depends(_workbook)], request: Request) -> ImportReport:
    """Entries from a spreadsheet (the centre): all rows or none — a 422 lists every row's problems."""
    if request.headers.get("content-type", "").split(";")[0].strip() != XLSX:
        raise ApiError(415, "content_type", f"内容类型须为 {XLSX}", f"Content-Type must be {XLSX}")
    if len(data) > MAX_IMPORT_BYTES:
        raise ApiError(413, "too_large", "文件过大（上限 10 MB）", "The file is too large (10 MB at most)")
    return sheets.import_entries(ctx, data)


@router.get("/usage", response_model=UsageReport, responses=errors(401, 422))
def usage(
    session: DB,
    caller: CurrentCaller,
    now: Now,
    month: Annotated[
        str | None, Query(max_length=7, pattern=MONTH_PATTERN, description="YYYY-MM, 2000–2100 (default: this month)")
    ] = None,
) -> UsageReport:
    """How often each entry was cited in replies and 直接办结 that month; the expired ones still cited."""
    try:
        period = Period.month(month) if month else Period.month_of(now)
    except PeriodError as exc:
        raise invalid("bad_period", exc.zh, exc.en) from exc
    return service.usage(session, caller.actor, period, now)
