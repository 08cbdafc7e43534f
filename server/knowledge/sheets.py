"""Entries in and out of spreadsheets (.xlsx), as centres already keep them.

Export: one row per entry, every text cell written as text (``casework.cells.keep_as_text``: a
citizen's words or a title starting with ``=`` never become a formula). Import: the same columns;
a row without 编号 is a new entry, a row with one replaces that entry's content (with 版本, only
if the entry is still at that version); 状态 publishes or expires. Every row is checked first —
any problem and nothing is imported: the answer lists each problem with its row number (as the
spreadsheet shows it) and column. Each imported change is versioned and audited like an edit.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cells import keep_as_text, writable_row
from casework.knowledge import EntryAction, EntryDraft, EntryEdit, EntryStatus, ImportProblem, ImportReport, PolicyBasis
from casework.roles import Actor
from casework.vocabulary import zh_names
from server.errors import ApiError, forbidden
from server.knowledge import repository, service
from server.models import Category, Department, KnowledgeEntryRow

#: (header, field, width): the columns of an export, and what an import reads.
COLUMNS: list[tuple[str, str, int]] = [
    ("编号", "id", 8),
    ("标题", "title", 30),
    ("常见问法", "questions", 40),
    ("标准答复", "answer", 60),
    ("文件名称", "document", 30),
    ("文号", "number", 18),
    ("条款", "article", 12),
    ("发文机关", "issuer", 18),
    ("生效日期", "effective_from", 12),
    ("失效日期", "expires_on", 12),
    ("分类", "category", 12),
    ("所属单位", "department", 16),
    ("关键词", "keywords", 20),
    ("状态", "status", 8),
    ("版本", "version", 6),
]
HEADERS = {header: name for header, name, _ in COLUMNS}
MAX_ROWS = 5000
_SEPARATORS = re.compile(r"[、,，;；\s]+")
_STATUS_BY_NAME = {v: k for k, v in zh_names(EntryStatus).items()}


def _centre(actor: Actor) -> None:
    if not actor.is_centre:
        raise forbidden("仅热线中心可导入导出知识库", "Only the hotline centre imports and exports the knowledge base")


def export(session: Session, actor: Actor) -> bytes:
    _centre(actor)
    departments = {d.id: d.code for d in session.scalars(select(Department))}
    statuses = zh_names(EntryStatus)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = "知识库"
    sheet.append([header for header, _, _ in COLUMNS])
    for row in session.scalars(select(KnowledgeEntryRow).order_by(KnowledgeEntryRow.id)):
        sheet.append(
            writable_row(
                [
                    row.id,
                    row.title,
                    "\n".join(row.questions),
                    row.answer,
                    row.basis_document,
                    row.basis_number,
                    row.basis_article,
                    row.basis_issuer,
                    row.basis_effective_from,
                    row.basis_expires_on,
                    row.category_code or "",
                    departments.get(row.department_id, "") if row.department_id else "",
                    "、".join(row.keywords),
                    statuses[row.status],
                    row.version,
                ]
            )
        )
    keep_as_text(sheet.iter_rows(min_row=2))  # entries hold citizens' wording: data, never formulas
    for i, (_, _, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DFE6F0")
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[get_column_letter(i)].width = width
    for column in ("I", "J"):
        for cell in sheet[column][1:]:
            cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip()[:10])


class _Problems:
    def __init__(self) -> None:
        self.items: list[ImportProblem] = []

    def add(self, row: int, column: str, zh: str, en: str) -> None:
        self.items.append(ImportProblem(row=row, column=column, message_zh=zh, message_en=en))


def _read(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        return _rows(data)
    except ApiError:
        raise
    except Exception as exc:
        # Not a workbook at all (zip, XML or openpyxl errors alike) — or one that breaks while it
        # is read: a read-only sheet is parsed row by row, so an entity bomb in it (which expat
        # stops) fails during the rows, not at opening (it was a 500).
        raise ApiError(
            422, "bad_workbook", "文件不是有效的 xlsx 工作簿", "The file is not a valid .xlsx workbook"
        ) from exc


def _rows(data: bytes) -> list[tuple[int, dict[str, Any]]]:
    # Not data_only: a cell holding a formula is read as the formula's text, never evaluated
    # (a sheet typed by hand may hold "=…" meant as text; a real formula is kept as written).
    book = load_workbook(io.BytesIO(data), read_only=True)
    sheet = book.active
    if sheet is None:
        raise ApiError(422, "bad_workbook", "工作簿中没有工作表", "The workbook has no sheet")
    rows = sheet.iter_rows(values_only=True)
    header = [HEADERS.get(_text(h), "") for h in next(rows, ())]
    if "title" not in header or "answer" not in header:
        raise ApiError(
            422, "bad_workbook", "表头须包含“标题”和“标准答复”", "The header must have the columns 标题 and 标准答复"
        )
    found: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows, start=2):
        if not any(_text(v) for v in values):
            continue
        found.append((number, {name: v for name, v in zip(header, values, strict=False) if name}))
        if len(found) > MAX_ROWS:
            raise ApiError(422, "too_many_rows", f"一次最多导入 {MAX_ROWS} 行", f"At most {MAX_ROWS} rows at once")
    return found


def _field_names() -> dict[str, str]:
    names = {name: header for header, name, _ in COLUMNS}
    return names | {"basis": "文件名称", "department_id": "所属单位", "category_code": "分类"}


def import_entries(ctx: service.Context, data: bytes) -> ImportReport:
    _centre(ctx.actor)
    session = ctx.session
    departments: dict[str, int] = {}
    for d in session.scalars(select(Department)):
        departments[d.code] = departments[d.name] = d.id
    categories: dict[str, str] = {}
    for c in session.scalars(select(Category)):
        categories[c.code] = categories[c.name] = c.code
    problems = _Problems()
    columns = _field_names()
    planned: list[tuple[int | None, int | None, EntryDraft, EntryStatus]] = []
    for number, cells in _read(data):
        entry_id: int | None = None
        version: int | None = None
        status = EntryStatus.DRAFT
        try:
            entry_id = int(_text(cells.get("id"))) if _text(cells.get("id")) else None
        except ValueError:
            problems.add(number, "编号", "编号须为数字", "编号 must be a number")
        try:
            version = int(_text(cells.get("version"))) if _text(cells.get("version")) else None
        except ValueError:
            problems.add(number, "版本", "版本须为数字", "版本 must be a number")
        status_text = _text(cells.get("status"))
        if status_text:
            code = _STATUS_BY_NAME.get(status_text, status_text)
            if code not in {s.value for s in EntryStatus}:
                problems.add(number, "状态", f"未知状态：{status_text}", f"Unknown status: {status_text}")
            else:
                status = EntryStatus(code)
        department_text = _text(cells.get("department"))
        department_id = departments.get(department_text) if department_text else None
        if department_text and department_id is None:
            problems.add(number, "所属单位", f"未知单位：{department_text}", f"Unknown department: {department_text}")
        category_text = _text(cells.get("category"))
        category = categories.get(category_text) if category_text else None
        if category_text and category is None:
            problems.add(number, "分类", f"未知分类：{category_text}", f"Unknown category: {category_text}")
        dates: dict[str, date | None] = {}
        for name, header in (("effective_from", "生效日期"), ("expires_on", "失效日期")):
            try:
                dates[name] = _day(cells.get(name))
            except ValueError:
                problems.add(number, header, "日期格式应为 YYYY-MM-DD", "A date must read YYYY-MM-DD")
        try:
            draft = EntryDraft(
                title=_text(cells.get("title")),
                questions=[q.strip() for q in _text(cells.get("questions")).splitlines() if q.strip()],
                answer=_text(cells.get("answer")),
                basis=PolicyBasis(
                    document=_text(cells.get("document")),
                    number=_text(cells.get("number")),
                    article=_text(cells.get("article")),
                    issuer=_text(cells.get("issuer")),
                    effective_from=dates.get("effective_from"),
                    expires_on=dates.get("expires_on"),
                ),
                category_code=category,
                department_id=department_id,
                keywords=[k for k in _SEPARATORS.split(_text(cells.get("keywords"))) if k],
            )
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else ""
                problems.add(number, columns.get(field, field), f"内容有误：{error['msg']}", error["msg"])
            continue
        if entry_id is not None:
            existing = session.get(KnowledgeEntryRow, entry_id)
            if existing is None:
                problems.add(number, "编号", f"条目 {entry_id} 不存在", f"Entry {entry_id} does not exist")
            elif version is not None and version != existing.version:
                problems.add(
                    number,
                    "版本",
                    f"条目已被修改（当前版本 {existing.version}）",
                    f"The entry was changed since (now version {existing.version})",
                )
        planned.append((entry_id, version, draft, status))
    if problems.items:
        raise ApiError(
            422,
            "import_rejected",
            f"有 {len(problems.items)} 处问题，未导入任何条目",
            f"{len(problems.items)} problems: nothing was imported",
            [p.model_dump() for p in problems.items],
        )
    created = updated = 0
    for entry_id, _, draft, status in planned:
        if entry_id is None:
            row = service.create(ctx, draft, EntryAction.IMPORT)
            created += 1
        else:
            current = repository.entry(session, ctx.actor, entry_id)
            row = service.edit(ctx, entry_id, EntryEdit(**draft.model_dump(), version=current.version))
            updated += 1
        if status is not EntryStatus.DRAFT and row.status != status.value:
            if row.status != EntryStatus.PUBLISHED.value:
                service.publish(ctx, row.id, None)
            if status is EntryStatus.EXPIRED:
                service.expire(ctx, row.id, None)
    return ImportReport(created=created, updated=updated)
