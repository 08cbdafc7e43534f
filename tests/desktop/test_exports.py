"""The ledger (.xlsx) and the reply sheet (PDF): real files, opened the way their readers open them."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import QSize
from PySide6.QtPdf import QPdfDocument

from casework import vocabulary
from casework.order import Channel, State
from desktop.exports import LEDGER_COLUMNS, REPLY_SHEET_TITLE, export_ledger, export_reply_sheet
from desktop.measures import CITY_TIME
from tests.fixtures.orders import citizen, deadlines, order

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=CITY_TIME)
HEADERS = [
    "工单编号",
    "标题",
    "诉求类型",
    "分类",
    "渠道",
    "紧急程度",
    "状态",
    "受理时间",
    "派单时间",
    "办理时限",
    "经办人",
    "答复结果",
    "答复内容",
    "回访结果",
    "是否超期",
]
REPLY = (
    "经现场核查，海潮东路58号门前路灯因地下电缆老化导致断电。我局已于3月3日安排维修班组更换电缆和灯具，"
    "当晚恢复照明，并对该路段其余12盏路灯逐一检查，未发现其他故障。\n感谢您对城市管理工作的关心和支持。"
)


class FakeNames:
    """Anything with user/department/category will do (ui.labels.Names in the app)."""

    def user(self, user_id: int | None) -> str:
        return {7: "王建国", 8: "李科长", 9: "赵局长"}.get(user_id or 0, "")

    def department(self, department_id: int | None) -> str:
        return "市城市管理局" if department_id == 3 else ""

    def category(self, code: str | None) -> str:
        return {"01.02": "路灯照明"}.get(code or "", code or "")


def _replied_order() -> dict[str, Any]:
    return order(
        1,
        number="GY20260302-0042",
        state="closed",
        title="海潮东路路灯不亮",
        description="海潮东路58号门前路灯连续三晚不亮，夜间行人通行不便，存在安全隐患。",
        address="高邮市海潮东路58号",
        urgency="urgent",
        handler_id=7,
        received_at="2026-03-02T08:41:00+08:00",
        dispatched_at="2026-03-02T09:05:00+08:00",
        citizen=citizen("张**", "138****5678", confidential=True),
        deadlines=deadlines(
            sign_by="2026-03-02T11:05:00+08:00",
            reply_by="2026-03-04T17:30:00+08:00",
            calendar_version="2026.1",
            signed_on_time=True,
            replied_on_time=True,
            closed_on_time=True,
        ),
        replies=[
            {
                "round": 1,
                "text": REPLY,
                "result_code": "resolved",
                "basis": "《高邮市城市照明管理办法》第十二条",
                "author_id": 7,
                "at": "2026-03-03T15:20:00+08:00",
            }
        ],
        reviews=[
            {
                "round": 1,
                "level": "section_chief",
                "reviewer_id": 8,
                "decision": "approved",
                "comment": "核查属实，同意答复。",
                "at": "2026-03-03T16:02:00+08:00",
            },
            {
                "round": 1,
                "level": "department_head",
                "reviewer_id": 9,
                "decision": "approved",
                "comment": "",
                "at": "2026-03-04T09:15:00+08:00",
            },
        ],
        callbacks=[
            {"method": "phone", "outcome": "satisfied", "notes": "", "agent_id": 1, "at": "2026-03-05T10:00:00+08:00"}
        ],
    ).model_dump(mode="json")


def _text(document: QPdfDocument) -> str:
    return unicodedata.normalize("NFKC", document.getAllText(0).text()).replace("\r", "").replace("\n", "")


def _overdue_order() -> dict[str, Any]:
    """Open, past its reply deadline (in UTC in the data, like the server sends it)."""
    data = order(2, state="in_progress", channel="wechat", kind="help").model_dump(mode="json")
    data["deadlines"]["reply_by"] = "2026-03-10T09:30:00Z"
    return data


def test_ledger(tmp_path: Path) -> None:
    path = tmp_path / "工作台账.xlsx"
    assert export_ledger([_replied_order(), _overdue_order()], FakeNames(), path, now=NOW) == path
    assert [p.name for p in tmp_path.iterdir()] == ["工作台账.xlsx"]  # no temporary file left behind

    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert [h for h, _ in LEDGER_COLUMNS] == HEADERS
    assert sheet.max_row == 3
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O3"
    assert sheet.column_dimensions["M"].width == 50  # 答复内容 is wide
    assert sheet.column_dimensions["A"].width >= 16

    first = {h: c.value for h, c in zip(HEADERS, sheet[2], strict=True)}
    assert first["工单编号"] == "GY20260302-0042"
    assert first["诉求类型"] == "投诉"
    assert first["分类"] == "路灯照明"
    assert first["渠道"] == "12345热线电话"
    assert first["紧急程度"] == "紧急"
    assert first["状态"] == "已办结"
    assert first["受理时间"] == datetime(2026, 3, 2, 8, 41)  # a real, naive local date-time
    assert first["派单时间"] == datetime(2026, 3, 2, 9, 5)
    assert first["办理时限"] == datetime(2026, 3, 4, 17, 30)
    assert sheet["H2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["H2"].is_date
    assert first["经办人"] == "王建国"
    assert first["答复结果"] == "已解决"
    assert first["答复内容"] == REPLY
    assert first["回访结果"] == "满意"
    assert first["是否超期"] == "否"

    second = {h: c.value for h, c in zip(HEADERS, sheet[3], strict=True)}
    assert second["渠道"] == "微信"
    assert second["诉求类型"] == "求助"
    assert second["办理时限"] == datetime(2026, 3, 10, 17, 30)  # 09:30 UTC, in Shanghai time
    assert second["答复结果"] is None
    assert second["是否超期"] == "是"


def test_empty_ledger_still_has_its_header(tmp_path: Path) -> None:
    sheet = load_workbook(export_ledger([], FakeNames(), tmp_path / "空.xlsx", now=NOW)).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.max_row == 1


def test_reply_sheet(qapp: Any, tmp_path: Path) -> None:
    path = export_reply_sheet(_replied_order(), FakeNames(), tmp_path / "回复单.pdf", printed=NOW)
    assert path.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["回复单.pdf"]

    document = QPdfDocument()
    assert document.load(str(path)) == QPdfDocument.Error.None_
    assert document.pageCount() == 1
    size = document.pagePointSize(0)
    assert (round(size.width()), round(size.height())) == (595, 842)  # A4
    # The Chinese is real text in the PDF (searchable, copyable), not boxes. NFKC: Noto CJK shares
    # glyphs between some ideographs and Kangxi radicals, and the PDF maps them to the radicals.
    text = _text(document)
    for expected in (
        REPLY_SHEET_TITLE,
        "GY20260302-0042",
        "2026-03-02 08:41",
        "2026-03-02 09:05",
        "张**",
        "138****5678",
        "连续三晚不亮",
        "当晚恢复照明",
        "已解决",
        "王建国",
        "核查属实，同意答复。",
        "赵局",  # 长 comes out as a radical look-alike (U+2ED3) that NFKC leaves alone
        "市城市管理局",
        "2026年03月20日",
    ):
        assert unicodedata.normalize("NFKC", expected) in text, expected

    SCREENSHOTS.mkdir(exist_ok=True)
    image = document.render(0, QSize(1240, 1754))
    assert not image.isNull()
    assert image.save(str(SCREENSHOTS / "reply_sheet.png"))
    document.close()


def test_reply_sheet_of_a_draft(qapp: Any, tmp_path: Path) -> None:
    data = order(3, state="in_progress", handler_id=7).model_dump(mode="json")
    data["draft"] = {"round": 1, "text": "正在核实", "result_code": None, "basis": "", "author_id": 7, "at": None}
    path = export_reply_sheet(data, FakeNames(), tmp_path / "草稿.pdf", printed=NOW)
    document = QPdfDocument()
    document.load(str(path))
    text = _text(document)
    assert unicodedata.normalize("NFKC", "答复内容（草稿）") in text
    assert "待审核" in text
    document.close()


def test_a_ledger_of_several_departments_names_the_lead_department(tmp_path: Path) -> None:
    """A leader's ledger lists more than one department's orders: a 承办单位 column after 分类, in Chinese
    even when the UI is English (ui.labels.Names names in Chinese for documents)."""
    first, second = _replied_order(), _overdue_order()
    first["lead_department_id"], second["lead_department_id"] = 3, 4

    class EnglishNames(FakeNames):
        """As ui.labels.Names in an English UI: English names, and a Chinese book on request."""

        in_english = True

        def department(self, department_id: int | None) -> str:
            names = (
                {3: "City Management", 4: "Housing Bureau"}
                if self.in_english
                else {3: "市城市管理局", 4: "市住房和城乡建设局"}
            )
            return names.get(department_id or 0, "")

        def chinese(self) -> EnglishNames:
            book = EnglishNames()
            book.in_english = False
            return book

    sheet = load_workbook(export_ledger([first, second], EnglishNames(), tmp_path / "领导台账.xlsx", now=NOW)).active
    headings = [c.value for c in sheet[1]]
    assert headings == [*HEADERS[:4], "承办单位", *HEADERS[4:]]
    rows = [{h: c.value for h, c in zip(headings, row, strict=True)} for row in sheet.iter_rows(min_row=2)]
    assert [r["承办单位"] for r in rows] == ["市城市管理局", "市住房和城乡建设局"]
    assert rows[0]["受理时间"] == datetime(2026, 3, 2, 8, 41)  # the dates moved with their headings
    assert sheet["J2"].number_format == "yyyy-mm-dd hh:mm"  # 受理时间, one column to the right
    assert sheet.auto_filter.ref == "A1:P3"

    # One department's ledger keeps its fifteen columns.
    second["lead_department_id"] = 3
    sheet = load_workbook(export_ledger([first, second], EnglishNames(), tmp_path / "单位台账.xlsx", now=NOW)).active
    assert [c.value for c in sheet[1]] == HEADERS


def test_the_ledger_speaks_the_one_vocabulary(tmp_path: Path) -> None:
    """Every state, and an unreached callback on an app order, as casework.vocabulary spells them."""
    orders = []
    for i, state in enumerate(State, start=10):
        data = order(i, state=state.value, channel="app").model_dump(mode="json")
        data["callbacks"] = [{"method": "sms", "outcome": "unreachable", "notes": "", "agent_id": 1, "at": None}]
        orders.append(data)
    sheet = load_workbook(export_ledger(orders, FakeNames(), tmp_path / "台账.xlsx", now=NOW)).active
    rows = [{h: c.value for h, c in zip(HEADERS, row, strict=True)} for row in sheet.iter_rows(min_row=2)]
    assert [r["状态"] for r in rows] == [vocabulary.zh(State, s) for s in State]
    assert "已答复/待回访" in [r["状态"] for r in rows]
    assert {r["回访结果"] for r in rows} == {"未联系上"}
    assert {r["渠道"] for r in rows} == {vocabulary.zh(Channel, Channel.APP)} == {"移动客户端"}
