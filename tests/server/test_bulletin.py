"""The monthly bulletin (PDF) and the ledger 工作台账 (Excel) of the hand-built week of test_measures."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from server.measures.bulletin import write_bulletin
from server.measures.periods import Period
from server.measures.service import ranking
from server.settings import Settings
from tests.fixtures.city import Api, Clock
from tests.fixtures.week import at, build_week

ROOT = Path(__file__).resolve().parents[2]


def _bulletin(app, api: Api, clock: Clock, out: Path) -> tuple[Path, Path, dict[str, int]]:  # type: ignore[no-untyped-def]
    orders = build_week(api, clock)
    api.intake(title="深夜施工噪声扰民", category_code="0201", district="城北街道")  # received, not dispatched
    now = at(clock, 25, 18)
    with Session(app.state.engine) as session:
        pdf, ledger = write_bulletin(session, Period.month("2026-11"), now, out)
    return pdf, ledger, orders


def test_the_bulletin_pdf(app, api: Api, clock: Clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf, _, orders = _bulletin(app, api, clock, tmp_path / "out")
    assert pdf == tmp_path / "out" / "bulletin-2026-11.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(pdf)
    # Overview and ranking; each department's measures; hot issues, overdue list and notes.
    assert len(reader.pages) == 3
    pages = [page.extract_text() for page in reader.pages]
    assert "2026年11月工单办理情况通报" in pages[0]
    assert "热线共受理群众诉求 6 件" in pages[0]  # five dispatched, one waiting
    for name in ("住房和城乡建设局", "城市管理局", "水务局"):
        assert name in pages[0]  # the ranking
        assert name in pages[1]  # its own block
    assert "12345热线中心" not in "".join(pages)  # the centre is not a handling department
    overdue = [api.order(orders[key])["number"] for key in ("b", "d", "e")]
    for number in overdue:
        assert number in pages[2]
    assert api.order(orders["a"])["number"] not in pages[2]  # closed on time
    # The notes on how each figure is computed say the formulas casework.measures divides by.
    notes = re.sub(r"\s+", "", pages[2])
    assert "及时签收率=及时签收数÷（已签收数+超时未签收数）" in notes
    assert "按时办结率=按时办结数÷（本期办结数+统计时点超期未办结数）" in notes
    assert "回访满意率=（满意+基本满意）÷接通的回访数" in notes
    assert "满意率" not in pages[0].replace("回访满意率", "")  # one name for the measure, in the ranking too


def test_the_ledger_workbook(app, api: Api, clock: Clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, ledger, orders = _bulletin(app, api, clock, tmp_path)
    book = load_workbook(ledger)
    assert book.sheetnames == ["工作台账", "单位指标", "综合排名", "热点问题", "超期工单"]

    rows = list(book["工作台账"].iter_rows(values_only=True))
    assert rows[0][:3] == ("工单编号", "受理时间", "渠道")
    header = rows[0]
    numbers = {api.order(oid)["number"]: key for key, oid in orders.items()}
    assert len(rows) == 1 + 6
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(numbers) < set(by_number)
    a = by_number[next(n for n, k in numbers.items() if k == "a")]
    assert (a["承办单位"], a["及时签收"], a["答复结果"], a["回访结果"], a["按时办结"], a["当前状态"]) == (
        "住房和城乡建设局",
        "是",
        "已解决",
        "满意",
        "是",
        "已办结",
    )
    assert a["受理时间"] == datetime(2026, 11, 23, 9, 0)  # Beijing wall-clock time
    d = by_number[next(n for n, k in numbers.items() if k == "d")]
    assert (d["承办单位"], d["签收时间"], d["当前状态"]) == ("住房和城乡建设局", None, "待签收")

    measures = {row[0]: row for row in list(book["单位指标"].iter_rows(values_only=True))[1:]}
    assert set(measures) == {"住房和城乡建设局", "城市管理局", "水务局"}
    zjj = measures["住房和城乡建设局"]
    assert zjj[1:6] == (5, 4, 2, 1, 0.4)  # dispatched, signed, on time, unsigned past the deadline, rate
    assert zjj[6:10] == (1, 1, 3, 0.25)  # closed, on time, open and overdue, rate

    ranking = list(book["综合排名"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[1]) for r in ranking] == [(1, "住房和城乡建设局"), (2, "城市管理局"), (None, "水务局")]
    overdue = list(book["超期工单"].iter_rows(values_only=True))[1:]
    assert sorted(r[0] for r in overdue) == sorted(api.order(orders[k])["number"] for k in ("b", "d", "e"))
    assert all(r[2] == "住房和城乡建设局" and r[3] == datetime(2026, 11, 25, 17, 30) for r in overdue)


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CASEDESK_DATABASE_URL": settings.effective_database_url}
    return subprocess.run(
        [sys.executable, "-m", "server", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_bulletin_command(app, api: Api, clock: Clock, settings: Settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_week(api, clock)
    app.state.engine.dispose()
    out = tmp_path / "bulletins"
    done = _cli(settings, "bulletin", "--month", "2026-11", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "bulletin-2026-11.pdf").stat().st_size > 1000
    assert load_workbook(out / "ledger-2026-11.xlsx")["工作台账"].max_row == 1 + 5
    refused = _cli(settings, "bulletin", "--month", "2026-13", "--out", str(out))
    assert refused.returncode == 2
    assert "YYYY-MM" in refused.stderr


def test_the_recompute_command(app, api: Api, clock: Clock, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    build_week(api, clock)
    november, now = Period.month("2026-11"), datetime(2026, 11, 25, 18, tzinfo=SHANGHAI)
    with Session(app.state.engine) as session:
        before = ranking(session, november.start, november.end, now)
    app.state.engine.dispose()
    done = _cli(settings, "recompute-measures")
    assert done.returncode == 0, done.stderr
    assert "for 5 orders" in done.stdout
    with Session(app.state.engine) as session:
        assert ranking(session, november.start, november.end, now) == before


def test_the_bulletin_and_ledger_over_http_for_leaders_and_the_centre(api: Api, clock: Clock) -> None:
    orders = build_week(api, clock)
    pdf = api.get("/measures/bulletin", "leader_zj", params={"month": "2026-11"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and 'filename="bulletin-2026-11.pdf"' in pdf.headers["content-disposition"]
    assert "住房和城乡建设局" in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    xlsx = api.get("/measures/bulletin", "agent", params={"month": "2026-11", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v}
    assert {api.order(order_id)["number"] for order_id in orders.values()} <= cells
    # Department staff do not get the city's bulletin; a malformed month is a 422, not a 500.
    assert api.get("/measures/bulletin", "zj_chief", params={"month": "2026-11"}).status_code == 403
    assert api.get("/measures/bulletin", "agent", params={"month": "2026-13"}).status_code == 422
    assert api.get("/measures/bulletin", "agent", params={"month": "2026-11", "format": "doc"}).status_code == 422
