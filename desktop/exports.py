"""Documents the desk writes: the work ledger (工作台账, .xlsx) and an order's reply sheet (回复单, PDF).

Both are official Chinese documents that go to the hotline centre and into the department's files,
so their headings and vocabulary are Chinese whatever the UI language. No widgets: the caller runs
these off the UI thread and passes in the names to print (``ui.labels.Names`` or anything with the
same three methods).
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QFont, QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from casework.cells import keep_as_text, writable_row
from casework.deadlines import SHANGHAI as CITY_TIME
from casework.order import CallbackOutcome, Channel, RequestKind, ResultCode, State
from casework.review import ReviewDecision, ReviewLevel
from casework.roles import Role
from casework.sla import Urgency
from casework.times import parse_time
from casework.vocabulary import zh, zh_names
from desktop.fonts import document_font
from desktop.measures import is_overdue


class NameBook(Protocol):
    """Display names for ids and codes (``ui.labels.Names`` is one)."""

    def user(self, user_id: int | None) -> str: ...

    def department(self, department_id: int | None) -> str: ...

    def category(self, code: str | None) -> str: ...


# --- the documents' vocabulary (Chinese, from casework.vocabulary) ---------------------------------

KINDS = zh_names(RequestKind)
CHANNELS = zh_names(Channel)
URGENCIES = zh_names(Urgency)
STATES = zh_names(State)
RESULTS = zh_names(ResultCode)
CALLBACKS = zh_names(CallbackOutcome)
REVIEW_LEVELS = zh_names(ReviewLevel)
DECISIONS = zh_names(ReviewDecision)

# --- the ledger ---------------------------------------------------------------------------------

#: (heading, column width in characters) of the ledger, left to right.
LEDGER_COLUMNS: list[tuple[str, int]] = [
    ("工单编号", 18),
    ("标题", 30),
    ("诉求类型", 9),
    ("分类", 14),
    ("渠道", 12),
    ("紧急程度", 9),
    ("状态", 13),
    ("受理时间", 17),
    ("派单时间", 17),
    ("办理时限", 17),
    (zh(Role, Role.HANDLER), 10),
    ("答复结果", 13),
    ("答复内容", 50),
    ("回访结果", 10),
    ("是否超期", 9),
]
#: The column added after 分类 when the ledger lists more than one department's orders (a leader's).
DEPARTMENT_COLUMN: tuple[str, int] = ("承办单位", 22)
_DATE_HEADINGS = ("受理时间", "派单时间", "办理时限")
_WRAP_HEADINGS = ("标题", "答复内容", "承办单位")
_DATE_FORMAT = "yyyy-mm-dd hh:mm"


def ledger_columns(orders: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The ledger's columns for ``orders``: with 承办单位 when they are more than one department's."""
    if len({o.get("lead_department_id") for o in orders}) <= 1:
        return list(LEDGER_COLUMNS)
    at = [heading for heading, _ in LEDGER_COLUMNS].index("分类") + 1
    return [*LEDGER_COLUMNS[:at], DEPARTMENT_COLUMN, *LEDGER_COLUMNS[at:]]


def export_ledger(orders: list[dict[str, Any]], names: NameBook, path: Path, now: datetime | None = None) -> Path:
    """Write the 工作台账 of ``orders`` (OrderDetail-shaped dicts) to ``path`` as .xlsx, one row each.

    Times are real Excel date-times in city time (Asia/Shanghai, naive: Excel has no zones); the
    header is frozen and filterable. 是否超期 is judged at ``now`` (default: the current time).
    Orders of more than one lead department get a 承办单位 column (see :func:`ledger_columns`).
    The file is written next to ``path`` first and renamed, so a failed export leaves no half file.
    """
    # Imported here: openpyxl takes a fifth of a second to import, and most sessions never export.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    now = now or datetime.now(CITY_TIME)
    names = in_chinese(names)
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook's one sheet (its active one, never None)
    sheet.title = "工作台账"
    columns = ledger_columns(orders)
    headings = [heading for heading, _ in columns]
    with_department = DEPARTMENT_COLUMN in columns
    sheet.append(headings)
    for order in orders:
        row = ledger_row(order, names, now)
        if with_department:
            row.insert(headings.index(DEPARTMENT_COLUMN[0]), names.department(order.get("lead_department_id")))
        sheet.append(writable_row(row))
    keep_as_text(sheet.iter_rows(min_row=2))  # a citizen's "=HYPERLINK(…)" stays text, not a formula

    bold = Font(bold=True)
    fill = PatternFill("solid", start_color="DDE6F0")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    dates = [i for i, h in enumerate(headings) if h in _DATE_HEADINGS]
    wraps = [i for i, h in enumerate(headings) if h in _WRAP_HEADINGS]
    for cells in sheet.iter_rows(min_row=2):
        for index in dates:
            cells[index].number_format = _DATE_FORMAT
        for index in wraps:
            cells[index].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"

    path = Path(path)
    temp = path.with_name(f".{path.name}.part")
    book.save(temp)
    temp.replace(path)
    return path


def ledger_row(order: dict[str, Any], names: NameBook, now: datetime) -> list[Any]:
    """One ledger row, in the order of :data:`LEDGER_COLUMNS` (without 承办单位)."""
    deadlines = order.get("deadlines") or {}
    reply = _latest_reply(order)
    callbacks = order.get("callbacks") or []
    return [
        order.get("number", ""),
        order.get("title", ""),
        KINDS.get(order.get("kind") or "", order.get("kind") or ""),
        names.category(order.get("category_code")),
        CHANNELS.get(order.get("channel") or "", order.get("channel") or ""),
        URGENCIES.get(order.get("urgency") or "", order.get("urgency") or ""),
        STATES.get(order.get("state") or "", order.get("state") or ""),
        _excel_time(order.get("received_at")),
        _excel_time(order.get("dispatched_at")),
        _excel_time(deadlines.get("reply_by_extended") or deadlines.get("reply_by")),
        names.user(order.get("handler_id")),
        RESULTS.get((reply or {}).get("result_code") or "", ""),
        (reply or {}).get("text", ""),
        CALLBACKS.get(callbacks[-1].get("outcome", ""), "") if callbacks else "",
        "是" if is_overdue(order, now) else "否",
    ]


# --- the reply sheet ----------------------------------------------------------------------------

REPLY_SHEET_TITLE = "12345政务服务热线工单回复单"
#: The sheet's type size; its fonts are chosen by desktop.fonts from the characters it holds.
#: Known limit: Noto/Source Han share glyphs between some ideographs and Kangxi radicals, and Qt's
#: PDF engine maps such a glyph back to the radical (工 → ⼯), so copying those characters out of
#: the PDF gives look-alikes; what is printed is right.
SHEET_POINT_SIZE = 10.5


def reply_sheet_document(order: dict[str, Any], names: NameBook, printed: datetime | None = None) -> QTextDocument:
    """The 回复单 of ``order`` laid out for a page (call :func:`print_reply_sheet` to put it on one)."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setHtml(reply_sheet_html(order, names, printed or datetime.now(CITY_TIME)))
    # Set in families that together have every character of the sheet (a Chinese font without
    # digits, such as DroidSansFallback, gets a Latin one beside it), chosen once the text is known.
    font = document_font(document.toPlainText(), SHEET_POINT_SIZE)
    # The CJK fonts' localised forms turn the digits of "GY2026…" into glyphs the PDF cannot map back
    # to text (the order number could not be searched or copied); the SC family's own forms are SC.
    font.setFeature(QFont.Tag("locl"), 0)
    document.setDefaultFont(font)
    return document


def print_reply_sheet(document: QTextDocument, device: QPagedPaintDevice) -> None:
    """Print the sheet on ``device`` (a QPdfWriter, a QPrinter, a print preview's printer): A4, its margins."""
    device.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(20, 18, 20, 18),
            QPageLayout.Unit.Millimeter,
        )
    )
    # QTextDocument lays out in pixels at 96 dpi and print_ scales that to the device's resolution:
    # give it the printable area in those pixels, so 10.5 pt text prints at 10.5 pt.
    area = device.pageLayout().paintRect(QPageLayout.Unit.Point)
    document.setPageSize(QSizeF(area.width() * 96 / 72, area.height() * 96 / 72))
    document.print_(device)


def export_reply_sheet(order: dict[str, Any], names: NameBook, path: Path, printed: datetime | None = None) -> Path:
    """Write the printable 回复单 of ``order`` to ``path`` as an A4 PDF; ``printed`` is the date on it."""
    document = reply_sheet_document(order, names, printed)
    path = Path(path)
    temp = path.with_name(f".{path.name}.part")
    writer = QPdfWriter(str(temp))
    writer.setTitle(f"{REPLY_SHEET_TITLE} {order.get('number', '')}")
    writer.setCreator("CaseDesk")
    writer.setResolution(300)
    print_reply_sheet(document, writer)
    del writer  # closes the file
    temp.replace(path)
    return path


def reply_sheet_html(order: dict[str, Any], names: NameBook, printed: datetime) -> str:
    """The sheet as the HTML subset QTextDocument renders: a title and one bordered form table."""
    names = in_chinese(names)
    citizen = order.get("citizen") or {}
    reply = _latest_reply(order)
    is_draft = reply is not None and reply is order.get("draft")
    reply_round = (reply or {}).get("round")
    reviews = [r for r in order.get("reviews") or [] if r.get("round") == reply_round]

    rows: list[tuple[str, str]] = [
        ("工单编号", _text(order.get("number"))),
        ("受理时间", _print_time(order.get("received_at"))),
        ("派单时间", _print_time(order.get("dispatched_at"))),
        ("诉求渠道", _text(CHANNELS.get(order.get("channel") or "", order.get("channel")))),
        ("诉求人", _text(_citizen_name(citizen))),
        ("联系电话", _text(_citizen_phone(citizen))),
        (
            "诉求类型",
            _text(
                " / ".join(
                    x for x in (KINDS.get(order.get("kind") or ""), names.category(order.get("category_code"))) if x
                )
            ),
        ),
        ("标题", _text(order.get("title"))),
        ("诉求内容", _text(order.get("description"))),
        ("诉求地址", _text(order.get("address"))),
        (
            "办理时限",
            _print_time(
                (order.get("deadlines") or {}).get("reply_by_extended")
                or (order.get("deadlines") or {}).get("reply_by")
            ),
        ),
        ("答复内容" + ("（草稿）" if is_draft else ""), _text((reply or {}).get("text"))),
        ("办理结果", _text(RESULTS.get((reply or {}).get("result_code") or "", ""))),
        ("答复依据", _text((reply or {}).get("basis"))),
        (zh(Role, Role.HANDLER), _text(names.user((reply or {}).get("author_id") or order.get("handler_id")))),
    ]
    for level in order.get("review_chain") or []:
        entry = next((r for r in reversed(reviews) if r.get("level") == level), None)
        if entry is None:
            opinion = _text("待审核")
        else:
            decision = DECISIONS.get(entry.get("decision", ""), entry.get("decision", ""))
            comment = entry.get("comment", "")
            opinion = _text(f"{decision}。{comment}" if comment else decision) + (
                '<br/><span style="color:#555555;">'
                f"审核人：{_text(names.user(entry.get('reviewer_id')))}　{_print_time(entry.get('at'))}</span>"
            )
        rows.append((REVIEW_LEVELS.get(level, level), opinion))
    rows.append(("承办单位", _text(names.department(order.get("lead_department_id")))))

    body = "".join(
        f'<tr><td width="22%" bgcolor="#f2f2f2" valign="top"><b>{html.escape(label)}</b></td>'
        f'<td valign="top">{value}</td></tr>'
        for label, value in rows
    )
    date_line = f"{printed.astimezone(CITY_TIME):%Y年%m月%d日}"
    return (
        f'<h2 align="center" style="font-size:18pt; margin-bottom:14px;">{html.escape(REPLY_SHEET_TITLE)}</h2>'
        '<table width="100%" border="1" cellspacing="0" cellpadding="6" '
        'style="border-collapse: collapse; border-color: #444;">'
        f"{body}</table>"
        f'<p align="right"><br/><br/>{_text(names.department(order.get("lead_department_id")))}（盖章）'
        f"<br/><br/>{date_line}</p>"
    )


# --- helpers ------------------------------------------------------------------------------------


def in_chinese(names: NameBook) -> NameBook:
    """The documents are Chinese whatever the UI language: a book that can name in Chinese does so."""
    chinese = getattr(names, "chinese", None)
    return chinese() if callable(chinese) else names


def _latest_reply(order: dict[str, Any]) -> dict[str, Any] | None:
    """The reply the sheet and ledger show: the last submitted one, else the draft."""
    replies = order.get("replies") or []
    return replies[-1] if replies else order.get("draft")


def _excel_time(value: Any) -> datetime | None:
    moment = parse_time(value)
    return moment.astimezone(CITY_TIME).replace(tzinfo=None) if moment else None


def _print_time(value: Any) -> str:
    moment = parse_time(value)
    return f"{moment.astimezone(CITY_TIME):%Y-%m-%d %H:%M}" if moment else ""


def _text(value: Any) -> str:
    return html.escape(str(value or "")).replace("\n", "<br/>")


def _citizen_name(citizen: dict[str, Any]) -> str:
    """As the department is shown it: 匿名, the masked name ("张**"), or the name."""
    if citizen.get("anonymous"):
        return "匿名"
    name = citizen.get("name") or ""
    return f"{name}（保密）" if citizen.get("masked") and name else name


def _citizen_phone(citizen: dict[str, Any]) -> str:
    return citizen.get("phone") or citizen.get("callback_number") or ""


__all__ = [
    "LEDGER_COLUMNS",
    "REPLY_SHEET_TITLE",
    "NameBook",
    "export_ledger",
    "export_reply_sheet",
    "ledger_columns",
    "ledger_row",
    "print_reply_sheet",
    "reply_sheet_document",
]
