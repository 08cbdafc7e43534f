"""The monthly bulletin (工单办理情况通报) as a PDF, in Chinese, with the ledger beside it.

Pages: the overview and the ranking; each department's measures; hot issues, the overdue list
and how the figures are computed. The text is set in a font that has a glyph for every character
the finished document uses (``server.measures.fonts``). Text from orders (titles, districts,
streets, names) is data: it is escaped before it reaches a ``Paragraph``, whose markup would
otherwise read ``<img src="/a/server/file"/>`` as an image to embed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as Style
from reportlab.platypus.doctemplate import BaseDocTemplate
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from casework.measures import HOT_ISSUE_KINDS, DepartmentMeasures, days, percent, rates
from casework.notifications import DeadlineKind
from casework.order import CallbackOutcome, ResultCode, State
from casework.vocabulary import RATE_NAMES, rate_name, zh, zh_names
from server.measures.fonts import choose_font
from server.measures.ledger import write_ledger
from server.measures.periods import Period
from server.measures.report import MonthReport, duration, gather
from server.measures.service import WEIGHTS

STATE_NAMES = zh_names(State)
RESOLVED = zh(ResultCode, ResultCode.RESOLVED)
_SATISFIED = zh(CallbackOutcome, CallbackOutcome.SATISFIED)
_BASICALLY = zh(CallbackOutcome, CallbackOutcome.BASICALLY_SATISFIED)
KIND_NAMES = HOT_ISSUE_KINDS


def _x(text: object) -> str:
    """Text as Paragraph markup that shows it, never interprets it."""
    return html.escape(str(text), quote=False)


class _Styles:
    def __init__(self, font: str) -> None:
        self.title = ParagraphStyle(
            "title", fontName=font, wordWrap="CJK", fontSize=18, leading=26, alignment=1, spaceAfter=4
        )
        self.subtitle = ParagraphStyle(
            "subtitle", fontName=font, wordWrap="CJK", fontSize=10.5, leading=16, alignment=1
        )
        self.heading = ParagraphStyle(
            "heading", fontName=font, wordWrap="CJK", fontSize=13, leading=20, spaceBefore=10, spaceAfter=6
        )
        self.minor = ParagraphStyle(
            "minor", fontName=font, wordWrap="CJK", fontSize=11, leading=16, spaceBefore=8, spaceAfter=3
        )
        self.body = ParagraphStyle("body", fontName=font, wordWrap="CJK", fontSize=10.5, leading=17, firstLineIndent=21)
        self.note = ParagraphStyle("note", fontName=font, wordWrap="CJK", fontSize=9, leading=14)
        self.cell = ParagraphStyle("cell", fontName=font, wordWrap="CJK", fontSize=8.5, leading=11)


def _table(rows: list[list[object]], widths: list[float], font: str, header_rows: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(
        Style(
            [
                ("FONT", (0, 0), (-1, -1), font, 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a8f98")),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#dfe6f0")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, colors.HexColor("#f5f7fa")]),
            ]
        )
    )
    return table


def _local(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _overview(report: MonthReport, s: _Styles) -> list[Flowable]:
    t, r = report.totals, rates(report.totals)
    text = (
        f"{report.period.label}，热线共受理群众诉求 {report.intake} 件，向承办单位派单 {t.dispatched} 件；"
        f"承办单位答复 {t.replied} 件，办结 {t.closed} 件，{_CLOSURE} "
        f"{percent(r.on_time_closure_rate)}；{_SATISFACTION} "
        f"{percent(r.satisfaction_rate)}，{_RESOLUTION} {percent(r.resolution_rate)}。"
        f"截至统计时点，超期未办结工单 {t.open_overdue} 件。"
    )
    return [Paragraph("一、总体情况", s.heading), Paragraph(text, s.body)]


#: The ranking's rate columns, left to right: the rates in the vocabulary's order.
_RANKED_RATES = list(RATE_NAMES)
_SIGNING, _CLOSURE, _SATISFACTION, _RESOLUTION, _RETURN, _REHANDLING = (rate_name(k) for k in _RANKED_RATES)


def _ranking(report: MonthReport, s: _Styles, font: str) -> list[Flowable]:
    header: list[object] = [
        "排名",
        "承办单位",
        "综合得分",
        "派单量",
        *(rate_name(k) for k in _RANKED_RATES),
    ]
    rows: list[list[object]] = [header]
    for entry in report.ranking:
        m = entry.measures
        rows.append(
            [
                entry.rank if entry.rank is not None else "—",
                Paragraph(_x(m.department_name), s.cell),
                f"{entry.score:.2f}" if entry.score is not None else "—",
                m.dispatched,
                percent(m.on_time_signing_rate),
                percent(m.on_time_closure_rate),
                percent(m.satisfaction_rate),
                percent(m.resolution_rate),
                percent(m.return_rate),
                percent(m.rehandling_rate),
            ]
        )
    widths = [10 * mm, 38 * mm, 16 * mm, 14 * mm] + [16 * mm] * 6
    weights = "、".join(f"{rate_name(k)} {v:.0%}" for k, v in WEIGHTS.items())
    return [
        Paragraph("二、承办单位综合排名", s.heading),
        _table(rows, widths, font),
        Spacer(1, 3 * mm),
        Paragraph(f"综合得分（0-100）按权重计算：{weights}；{_RETURN}、{_REHANDLING}以（1-比率）计入。", s.note),
    ]


def _department(m: DepartmentMeasures, s: _Styles, font: str) -> Flowable:
    rows: list[list[object]] = [
        [
            "派单量",
            m.dispatched,
            "签收（及时）\n超时未签收",
            f"{m.signed}（{m.signed_on_time}）\n{m.unsigned_overdue}",
            _SIGNING,
            percent(m.on_time_signing_rate),
        ],
        [
            "办结（按时）",
            f"{m.closed}（{m.closed_on_time}）",
            "超期未办结",
            m.open_overdue,
            _CLOSURE,
            percent(m.on_time_closure_rate),
        ],
        ["回访接通", m.callbacks_reached, "满意（含基本）", m.satisfied, _SATISFACTION, percent(m.satisfaction_rate)],
        ["答复", m.replied, RESOLVED, m.resolved, _RESOLUTION, percent(m.resolution_rate)],
        [
            "退单申请",
            m.return_requests,
            "重办",
            m.reopened,
            f"{_RETURN} / {_REHANDLING}",
            f"{percent(m.return_rate)} / {percent(m.rehandling_rate)}",
        ],
        [
            "平均办理（工作日）",
            days(m.avg_handling_days),
            "市领导审核（工作日）",
            days(m.avg_leader_review_days),
            "按时答复",
            m.replied_on_time,
        ],
    ]
    table = Table(rows, colWidths=[28 * mm, 22 * mm, 30 * mm, 20 * mm, 30 * mm, 30 * mm])
    table.setStyle(
        Style(
            [
                ("FONT", (0, 0), (-1, -1), font, 8.5),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a8f98")),
                *[("BACKGROUND", (c, 0), (c, -1), colors.HexColor("#eef2f7")) for c in (0, 2, 4)],
                ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    categories = "、".join(f"{_x(v.name)} {v.count}" for v in m.by_category[:6]) or "无"
    channels = "、".join(f"{_x(v.name)} {v.count}" for v in m.by_channel) or "无"
    return KeepTogether(
        [
            Paragraph(f"{_x(m.department_name)}（{_x(m.department_code)}）", s.minor),
            table,
            Spacer(1, 1.5 * mm),
            Paragraph(f"按诉求分类：{categories}；按渠道：{channels}。", s.note),
        ]
    )


def _hot(report: MonthReport, s: _Styles, font: str) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph("四、热点问题", s.heading)]
    if not report.hot:
        return [*flow, Paragraph("本期无明显上升的热点问题。", s.body)]
    rows: list[list[object]] = [["序号", "类型", "名称", "本期", "上期", "增量", "增幅"]]
    for i, h in enumerate(report.hot, start=1):
        growth = "新增" if h.rise_ratio is None else f"{h.rise_ratio * 100:.0f}%"
        rows.append([i, KIND_NAMES[h.kind], Paragraph(_x(h.name), s.cell), h.count, h.previous, f"+{h.rise}", growth])
    widths = [12 * mm, 22 * mm, 70 * mm, 16 * mm, 16 * mm, 16 * mm, 18 * mm]
    return [*flow, _table(rows, widths, font)]


def _overdue(report: MonthReport, s: _Styles, font: str) -> list[Flowable]:
    flow: list[Flowable] = [Paragraph("五、超期未办结工单", s.heading)]
    if not report.overdue:
        return [*flow, Paragraph("截至统计时点，无超期未办结工单。", s.body)]
    rows: list[list[object]] = [
        ["序号", "工单编号", "标题", "承办单位", zh(DeadlineKind, DeadlineKind.REPLY), "已超期", "状态"]
    ]
    for i, o in enumerate(report.overdue, start=1):
        rows.append(
            [
                i,
                o.number,
                Paragraph(_x(o.title), s.cell),
                Paragraph(_x(o.department), s.cell),
                _local(o.due),
                duration(o.overdue),
                Paragraph(_x(STATE_NAMES.get(o.state, o.state)), s.cell),
            ]
        )
    widths = [10 * mm, 30 * mm, 48 * mm, 30 * mm, 26 * mm, 18 * mm, 16 * mm]
    return [*flow, _table(rows, widths, font)]


_NOTES = [
    "统计口径：各项指标按事件发生时的主办单位归属；统计区间为北京时间整日，截至区间结束（当月未结束时截至生成时点）。",
    # The formulas of casework.measures.ratios, in words (the signing rate counts those never signed too).
    f"{_SIGNING} = 及时签收数 ÷（已签收数 + 超时未签收数）（本期派单）；{_RETURN} = 申请退单的工单数 ÷ 本期派单数。",
    f"{_CLOSURE} = 按时办结数 ÷（本期办结数 + 统计时点超期未办结数），超期工单不因未办结而不计。",
    f"{_SATISFACTION} = （{_SATISFIED} + {_BASICALLY}）÷ 接通的回访数；"
    f"{_RESOLUTION} = 结果为“{RESOLVED}”的答复 ÷ 本期答复数；"
    f"{_REHANDLING} = 本期答复中被重办的数量 ÷ 本期答复数。",
    "平均办理时长以工作日计（每个工作日 08:30-17:30 计 1 个工作日，按法定节假日及调休），"
    "自派单（或重办）起至答复送达，扣除市分管领导、市主要领导审核所用时间。",
]


def _story(report: MonthReport, font: str) -> list[Flowable]:
    s = _Styles(font)
    return [
        Paragraph("12345政务服务便民热线", s.subtitle),
        Paragraph(f"{_x(report.period.label)}工单办理情况通报", s.title),
        Paragraph(f"统计区间：{_x(report.period.label)}　统计截至：{_local(report.as_of)}", s.subtitle),
        Spacer(1, 4 * mm),
        *_overview(report, s),
        *_ranking(report, s, font),
        PageBreak(),
        Paragraph("三、各承办单位办理情况", s.heading),
        *[_department(entry.measures, s, font) for entry in report.ranking],
        PageBreak(),
        *_hot(report, s, font),
        *_overdue(report, s, font),
        Paragraph("指标说明", s.heading),
        *[Paragraph(note, s.note) for note in _NOTES],
    ]


_TAG = re.compile(r"<[^>]*>")


def texts_of(flowables: list[Flowable]) -> Iterator[str]:
    """Every text the flowables show (paragraphs as read, not as marked up; table cells)."""
    for flowable in flowables:
        if isinstance(flowable, Paragraph):
            yield html.unescape(_TAG.sub("", flowable.text))
        elif isinstance(flowable, Table):
            # reportlab keeps a table's cells only in _cellvalues, which its stubs leave out
            for row in flowable._cellvalues:  # type: ignore[attr-defined]  # reportlab keeps it private
                for cell in row:
                    if isinstance(cell, Flowable):
                        yield from texts_of([cell])
                    elif isinstance(cell, (list, tuple)):
                        yield from texts_of(list(cell))
                    elif cell is not None:
                        yield str(cell)
        elif isinstance(flowable, KeepTogether):
            # likewise KeepTogether's flowables are only in _content, not in the stubs
            yield from texts_of(list(flowable._content))  # type: ignore[attr-defined]  # reportlab: private


def write_pdf(report: MonthReport, path: Path, generated: datetime) -> None:
    generated = generated.astimezone(SHANGHAI)
    footer_texts = ["第 0123456789 页", f"生成于 {generated:%Y-%m-%d %H:%M}"]
    # Laid out once to learn which characters the document uses, then set in a font with all.
    font = choose_font([*texts_of(_story(report, "Helvetica")), *footer_texts])

    def footer(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"第 {doc.page} 页")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"生成于 {generated:%Y-%m-%d %H:%M}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{report.period.label}工单办理情况通报",
        author="CaseDesk",
    )
    doc.build(_story(report, font), onFirstPage=footer, onLaterPages=footer)


def write_bulletin(session: Session, period: Period, now: datetime, out_dir: Path) -> tuple[Path, Path]:
    """Write ``bulletin-YYYY-MM.pdf`` and ``ledger-YYYY-MM.xlsx`` into ``out_dir``; return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = gather(session, period, now)
    stem = f"{period.start:%Y-%m}"
    pdf, ledger = out_dir / f"bulletin-{stem}.pdf", out_dir / f"ledger-{stem}.xlsx"
    write_pdf(report, pdf, now)
    write_ledger(session, report, ledger)
    return pdf, ledger
