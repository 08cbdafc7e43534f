"""``import``: CSV (UTF-8 or GB18030) and XLSX, all or nothing, never twice."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.importer import import_orders
from server.models import Order

CHINESE_HEADER = "外部编号,渠道,受理时间,市民姓名,联系电话,保密,诉求类型,分类编码,紧急程度,标题,诉求内容,地址,承办单位"
ROWS = [
    "EXT-1,电话,2026-11-20 09:12,张伟,13800001111,否,投诉,0101,一般,东园路井盖缺失,井盖缺失夜间危险。,东园路口,ZJJ",
    "EXT-2,微信,2026-11-20 10:30,李娜,13900002222,是,求助,0301,紧急,新村停水,新村小区停水一天了。,新村小区,SWJ",
]


def _orders(app) -> list[Order]:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        return list(session.scalars(select(Order).order_by(Order.id)))


def _import(app, settings, path: Path, dispatch: bool = True):  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        result = import_orders(session, settings, path, None, dispatch=dispatch)
        session.commit()
    return result


def test_gb18030_csv_with_chinese_headers_imports_and_dispatches(app, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "orders.csv"
    path.write_bytes("\n".join([CHINESE_HEADER, *ROWS]).encode("gb18030"))
    result = _import(app, settings, path)
    assert result.errors == []
    assert (result.imported, result.dispatched) == (2, 2)
    orders = _orders(app)
    assert [o.title for o in orders] == ["东园路井盖缺失", "新村停水"]
    assert [o.state for o in orders] == ["dispatched", "dispatched"]
    assert orders[1].urgency == "urgent" and orders[1].confidential is True and orders[1].channel == "wechat"
    assert orders[0].received_at.isoformat() == "2026-11-20T01:12:00+00:00"  # Shanghai time without a zone

    again = _import(app, settings, path)
    assert (again.imported, again.skipped) == (0, 2)
    assert len(_orders(app)) == 2


def test_one_bad_row_imports_nothing_and_names_the_row(app, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "orders.csv"
    bad = ROWS[1].replace(",微信,", ",传真,")
    path.write_text("\n".join([CHINESE_HEADER, ROWS[0], bad, ROWS[0].replace("EXT-1", "EXT-3").replace("ZJJ", "NOPE")]))
    result = _import(app, settings, path)
    assert result.imported == 0
    assert any(e.startswith("row 3:") and "channel" in e for e in result.errors)
    assert any(e.startswith("row 4:") and "NOPE" in e for e in result.errors)
    with Session(app.state.engine) as session:
        assert session.scalar(select(func.count()).select_from(Order)) == 0


def test_xlsx_with_english_headers(app, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    sheet.append(["channel", "kind", "category_code", "title", "description", "citizen_name", "anonymous"])
    sheet.append(["website", "suggestion", "0201", "夜市噪声", "夜市十点后仍有音响。", "", "true"])
    path = tmp_path / "orders.xlsx"
    book.save(path)
    result = _import(app, settings, path, dispatch=False)
    assert result.errors == [] and result.imported == 1
    (order,) = _orders(app)
    assert (order.state, order.kind, order.anonymous) == ("received", "suggestion", True)
