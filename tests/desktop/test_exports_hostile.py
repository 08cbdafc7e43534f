"""The desk's exports treat a citizen's text as text (issue 11): no formula in the ledger, no
markup or image in the reply sheet, whatever the corpus of ``tests.fixtures.hostile`` holds."""

from __future__ import annotations

import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PySide6.QtPdf import QPdfDocument

from desktop.exports import export_ledger, export_reply_sheet
from desktop.measures import CITY_TIME
from tests.fixtures import hostile
from tests.fixtures.orders import order

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=CITY_TIME)


class Names:
    def user(self, user_id: int | None) -> str:
        return hostile.PASSWD_IMAGE

    def department(self, department_id: int | None) -> str:
        return "<b>市城市管理局</b>"

    def category(self, code: str | None) -> str:
        return "=1+2"


def _order(i: int, text: str) -> dict[str, Any]:
    data = order(i, state="in_progress", handler_id=7, title=hostile.short(text), description=text).model_dump(
        mode="json"
    )
    data["draft"] = {"round": 1, "text": text, "result_code": None, "basis": text, "author_id": 7, "at": None}
    return data


def test_the_desks_ledger_writes_formula_like_text_as_text(tmp_path: Path) -> None:
    orders = [_order(i, text) for i, text in enumerate(hostile.ALL, start=1)]
    path = export_ledger(orders, Names(), tmp_path / "台账.xlsx", now=NOW)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    assert [r[header.index("标题")].value for r in rows] == [o["title"].replace("\r", "\n") for o in orders]
    # XML reads a bare CR back as LF (line-end normalisation): the only change.
    assert [r[header.index("答复内容")].value for r in rows] == [t.replace("\r", "\n") for t in hostile.ALL]
    formula_like = [c for r in rows for c in r if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r"]
    # Title and reply of each formula (but "\r=1+1", read back as "\n=1+1"), and 分类 "=1+2" in every row.
    assert len(formula_like) == 2 * (len(hostile.FORMULAS) - 1) + len(rows)
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_like)


def test_the_desks_ledger_replaces_characters_a_workbook_cannot_hold(tmp_path: Path) -> None:
    """openpyxl refuses C0 controls (the export failed) and writes U+FFFF into a file Excel rejects."""
    orders = [_order(i, text) for i, text in enumerate(hostile.CONTROL, start=1)]
    path = export_ledger(orders, Names(), tmp_path / "台账.xlsx", now=NOW)
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    titles = [r[header.index("标题")].value for r in sheet.iter_rows(min_row=2)]
    assert titles == ["垂直\ufffd制表\ufffd换页", "颜色\ufffd[31m转义", "响铃\ufffd\ufffd\ufffd", "非字符\ufffd\ufffd"]


def test_the_reply_sheet_prints_markup_as_typed(qapp: Any, tmp_path: Path) -> None:
    for i, text in enumerate(hostile.MARKUP, start=1):
        path = export_reply_sheet(_order(i, text), Names(), tmp_path / f"{i}.pdf", printed=NOW)
        assert b"/Subtype /Image" not in path.read_bytes() and b"/Subtype/Image" not in path.read_bytes()
        document = QPdfDocument()
        assert document.load(str(path)) == QPdfDocument.Error.None_
        shown = unicodedata.normalize("NFKC", document.getAllText(0).text()).replace("\r", "").replace("\n", "")
        document.close()
        assert 'src="/etc/passwd"/>' in shown.replace(" ", "")  # the 经办人 line, from the name book
        assert "<b>" in shown  # the department, as typed
        if text.startswith("<b>"):
            assert "<b>加粗</b>" in shown
