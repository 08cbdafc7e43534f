"""The ledger (工作台账) of a month as an Excel workbook, in Chinese.

Sheets: 工作台账 (every order received in the month, one row each, with its handling as it
stands when the workbook is made), 单位指标 (each department's measures), 综合排名, 热点问题 and
超期工单 (the bulletin's tables). Times are Beijing time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.cells import keep_as_text, writable_row
from casework.deadlines import SHANGHAI
from casework.measures import HOT_ISSUE_KINDS
from casework.notifications import DeadlineKind
from casework.order import CallbackOutcome, RequestKind, ResultCode, State
from casework.vocabulary import rate_name, zh, zh_names
from server.measures import repository
from server.measures.report import MonthReport
from server.measures.service import CHANNEL_NAMES
from server.models import Department

STATES = zh_names(State)
KINDS = zh_names(RequestKind)
RESULTS = zh_names(ResultCode)
OUTCOMES = zh_names(CallbackOutcome)

LEDGER_COLUMNS = [
    ("工单编号", 18),
    ("受理时间", 17),
    ("渠道", 12),
    ("诉求类型", 9),
    ("诉求分类", 12),
    ("标题", 30),
    ("区域", 12),
    ("街道", 12),
    ("承办单位", 20),
    ("派单时间", 17),
    ("签收时间", 17),
    ("及时签收", 9),
    ("答复时间", 17),
    ("答复结果", 12),
    ("按时答复", 9),
    ("回访结果", 10),
    ("办结时间", 17),
    ("按时办结", 9),
    ("重办次数", 9),
    ("督办", 6),
    ("当前状态", 13),
]


def _local(moment: datetime | None) -> datetime | None:
    """Excel keeps no time zone: write Beijing wall-clock time."""
    return moment.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0) if moment else None


def _yes(flag: bool | None) -> str:
    return "" if flag is None else ("是" if flag else "否")


def _percent(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _sheet(book: Workbook, title: str, columns: list[tuple[str, int]], rows: Sequence[Sequence[object]]) -> Worksheet:
    sheet: Worksheet = book.create_sheet(title)  # a plain Worksheet: the book is not write-only
    sheet.append([name for name, _ in columns])
    for row in rows:
        sheet.append(writable_row(row))
    keep_as_text(sheet.iter_rows(min_row=2))  # order text is data, never a formula
    header_fill = PatternFill("solid", fgColor="DFE6F0")
    for i, (_, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font, cell.fill = Font(bold=True), header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _format(sheet: Worksheet, percent_columns: list[int], time_columns: list[int]) -> None:
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column in percent_columns:
                cell.number_format = "0.0%"
            elif cell.column in time_columns:
                cell.number_format = "yyyy-mm-dd hh:mm"


def write_ledger(session: Session, report: MonthReport, path: Path) -> None:
    book = Workbook()
    default = book.active  # a new workbook's one empty sheet; the ledger makes its own
    if default is not None:
        book.remove(default)
    categories = repository.category_names(session)
    departments = dict(session.execute(select(Department.id, Department.name)).all())
    orders = repository.received_orders(session, report.period.window(report.as_of))
    results = repository.latest_results(session, [o.id for o in orders])
    rows = [
        [
            o.number,
            _local(o.received_at),
            CHANNEL_NAMES.get(o.channel, o.channel),
            KINDS.get(o.kind, o.kind),
            categories.get(o.category_code, o.category_code),
            o.title,
            o.district,
            o.street,
            departments.get(o.lead_department_id, "") if o.lead_department_id else "",
            _local(o.dispatched_at),
            _local(o.signed_at),
            _yes(o.signed_on_time),
            _local(o.replied_at),
            RESULTS.get(results.get(o.id, ""), "") if o.replied_at else "",
            _yes(o.replied_on_time),
            OUTCOMES.get(o.last_callback_outcome or "", ""),
            _local(o.closed_at) if o.state == "closed" else None,
            _yes(o.closed_on_time),
            o.reopen_count,
            "是" if o.supervised else "",
            STATES.get(o.state, o.state),
        ]
        for o in orders
    ]
    sheet = _sheet(book, "工作台账", LEDGER_COLUMNS, rows)
    _format(sheet, [], [2, 10, 11, 13, 17])

    measure_columns = [
        ("承办单位", 20),
        ("派单量", 8),
        ("签收", 7),
        ("及时签收", 9),
        ("超时未签收", 10),
        (rate_name("on_time_signing_rate"), 10),
        ("办结", 7),
        ("按时办结", 9),
        ("超期未办结", 10),
        (rate_name("on_time_closure_rate"), 10),
        ("回访接通", 9),
        ("满意(含基本)", 11),
        (rate_name("satisfaction_rate"), 10),
        ("答复", 7),
        (RESULTS[ResultCode.RESOLVED], 8),
        (rate_name("resolution_rate"), 9),
        ("退单申请", 9),
        (rate_name("return_rate"), 9),
        ("重办", 7),
        (rate_name("rehandling_rate"), 9),
        ("平均办理(工作日)", 14),
        ("市领导审核(工作日)", 15),
    ]
    measure_rows: list[list[object]] = []
    for entry in sorted(report.ranking, key=lambda e: e.measures.department_code):
        m = entry.measures
        measure_rows.append(
            [
                m.department_name,
                m.dispatched,
                m.signed,
                m.signed_on_time,
                m.unsigned_overdue,
                _percent(m.on_time_signing_rate),
                m.closed,
                m.closed_on_time,
                m.open_overdue,
                _percent(m.on_time_closure_rate),
                m.callbacks_reached,
                m.satisfied,
                _percent(m.satisfaction_rate),
                m.replied,
                m.resolved,
                _percent(m.resolution_rate),
                m.return_requests,
                _percent(m.return_rate),
                m.reopened,
                _percent(m.rehandling_rate),
                round(m.avg_handling_days, 2) if m.avg_handling_days is not None else None,
                round(m.avg_leader_review_days, 2) if m.avg_leader_review_days is not None else None,
            ]
        )
    _format(_sheet(book, "单位指标", measure_columns, measure_rows), [6, 10, 13, 16, 18, 20], [])

    ranking_rows: list[list[object]] = [
        [e.rank, e.measures.department_name, round(e.score, 2) if e.score is not None else None] for e in report.ranking
    ]
    _sheet(book, "综合排名", [("排名", 6), ("承办单位", 22), ("综合得分", 10)], ranking_rows)

    kinds = HOT_ISSUE_KINDS
    hot_rows: list[list[object]] = [
        [kinds[h.kind], h.name, h.count, h.previous, h.rise, _percent(h.rise_ratio)] for h in report.hot
    ]
    hot_sheet = _sheet(
        book, "热点问题", [("类型", 9), ("名称", 24), ("本期", 7), ("上期", 7), ("增量", 7), ("增幅", 8)], hot_rows
    )
    _format(hot_sheet, [6], [])

    overdue_rows: list[list[object]] = [
        [
            o.number,
            o.title,
            o.department,
            _local(o.due),
            round(o.overdue.total_seconds() / 86400, 1),
            STATES.get(o.state, o.state),
        ]
        for o in report.overdue
    ]
    overdue_columns = [
        ("工单编号", 18),
        ("标题", 30),
        ("承办单位", 20),
        (zh(DeadlineKind, DeadlineKind.REPLY), 17),
        ("已超期(天)", 11),
        ("状态", 12),
    ]
    _format(_sheet(book, "超期工单", overdue_columns, overdue_rows), [], [4])
    book.save(path)
