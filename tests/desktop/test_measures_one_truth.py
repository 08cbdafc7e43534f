"""One truth for the measures: for the same department and month, the desk's 统计 tiles,
``GET /measures/departments/{id}``, the bulletin PDF and the ledger give the same figures — against
a real server process with a seeded demo city. Then the server goes away and the desk shows the
figures it kept, saying so; a city leader's desk shows the portfolio's figures added up with the
same formulas."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from casework.measures import DepartmentMeasures, MeasureCounts, days, percent, rates
from desktop.measures import MonthFigures
from desktop.session import sign_in
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from tests.fixtures.server_process import PASSWORD, ServerProcess
from ui.dashboard import Dashboard
from ui.labels import local_time

#: The demo city of the module's ``server`` (tests/fixtures/server_process.py): 60 orders.
SERVER_ORDERS = 60

pytestmark = pytest.mark.slow

RATE_TILES = [
    "on_time_signing_rate",
    "on_time_closure_rate",
    "satisfaction_rate",
    "resolution_rate",
    "return_rate",
    "rehandling_rate",
]


def _dashboard(qtbot: Any, workspace: Workspace) -> tuple[Dashboard, MonthFigures]:
    dashboard = Dashboard(workspace)
    qtbot.addWidget(dashboard)
    dashboard.resize(1200, 820)
    with qtbot.waitSignal(dashboard.loaded, timeout=20_000) as loaded:
        dashboard.show()  # fetches when first shown
    figures = loaded.args[0]
    assert isinstance(figures, MonthFigures)
    return dashboard, figures


def _tiles(dashboard: Dashboard) -> dict[str, tuple[str, str]]:
    return {key: (tile.value.text(), tile.detail.text()) for key, tile in dashboard.tiles.items()}


def _fraction(numerator: int, denominator: int) -> str:
    """A rate tile's detail line: the counts behind the rate, or 无数据 where nothing was counted
    (which month the seeded city has callbacks in depends on the day the test runs)."""
    return f"{numerator}/{denominator}" if denominator else "无数据"


def _department_section(pdf: bytes, m: DepartmentMeasures) -> str:
    """The bulletin's part 三 table of one department, as text (whitespace squeezed)."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    start = text.index(f"{m.department_name}（{m.department_code}）")
    end = text.index("按诉求分类", start)
    return re.sub(r"\s+", " ", text[start:end])


def _ledger_row(xlsx: bytes, name: str) -> dict[str, Any]:
    sheet = load_workbook(io.BytesIO(xlsx))["单位指标"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == name)
    return dict(zip(header, row, strict=True))


def test_desk_api_bulletin_and_ledger_agree(qtbot: Any, tmp_path: Path, server: ServerProcess) -> None:
    workspace = sign_in(server.url, "chief", PASSWORD, tmp_path / "desks", TaskRunner())
    try:
        dashboard, figures = _dashboard(qtbot, workspace)
        month = f"{dashboard.month:%Y-%m}"
        department = workspace.user.department_id
        assert department is not None and not figures.offline

        # The API, asked directly by the same user.
        api = server.as_user("chief").department_measures(department, month)
        if api.dispatched == 0:  # the first hours of a month: the chief looks at the month before
            with qtbot.waitSignal(dashboard.loaded, timeout=20_000) as before:
                QTest.keyClick(dashboard.month_box, Qt.Key.Key_Down)
            figures, month = before.args[0], f"{dashboard.month:%Y-%m}"
            api = server.as_user("chief").department_measures(department, month)
        assert [m.department_id for m in figures.departments] == [department]
        assert api.dispatched > 0, "the seeded month has orders for the department"
        tiles = _tiles(dashboard)
        assert tiles["dispatched"][0] == str(api.dispatched)
        for key in RATE_TILES:
            assert tiles[key][0] == percent(getattr(api, key)), key
        assert tiles["on_time_signing_rate"][1] == _fraction(api.signed_on_time, api.signed + api.unsigned_overdue)
        assert tiles["on_time_closure_rate"][1] == _fraction(api.closed_on_time, api.closed + api.open_overdue)
        assert tiles["satisfaction_rate"][1] == _fraction(api.satisfied, api.callbacks_reached)
        assert tiles["avg_handling_days"][0] == (
            "—" if api.avg_handling_days is None else f"{days(api.avg_handling_days)}天"
        )
        assert dashboard.source.text() == f"服务器统计，截至 {local_time(figures.as_of)}（北京时间）"
        # The charts draw the server's volumes.
        (line,) = dashboard.daily_chart.series()
        assert sum(p.y() for p in line.points()) == api.dispatched == sum(v.count for v in api.by_day)
        (pie,) = dashboard.channel_chart.series()
        assert sorted(s.value() for s in pie.slices()) == sorted(v.count for v in api.by_channel)

        # The bulletin and the ledger, as a city leader downloads them.
        mayor = server.as_user("mayor")
        section = _department_section(mayor.bulletin(month, "pdf"), api)
        assert f"派单量 {api.dispatched} " in section
        for label, value in [
            ("及时签收率", api.on_time_signing_rate),
            ("按时办结率", api.on_time_closure_rate),
            ("回访满意率", api.satisfaction_rate),
            ("解决率", api.resolution_rate),
        ]:
            assert f"{label} {percent(value)}" in section, (label, section)
        assert f"{percent(api.return_rate)} / {percent(api.rehandling_rate)}" in section
        assert f"平均办理（工作日） {days(api.avg_handling_days)}" in section

        row = _ledger_row(mayor.bulletin(month, "xlsx"), api.department_name)
        assert (row["派单量"], row["签收"], row["及时签收"], row["超时未签收"]) == (
            api.dispatched,
            api.signed,
            api.signed_on_time,
            api.unsigned_overdue,
        )
        assert (row["办结"], row["按时办结"], row["超期未办结"]) == (api.closed, api.closed_on_time, api.open_overdue)
        for column, key in [
            ("及时签收率", "on_time_signing_rate"),
            ("按时办结率", "on_time_closure_rate"),
            ("回访满意率", "satisfaction_rate"),
            ("解决率", "resolution_rate"),
            ("退单率", "return_rate"),
            ("重办率", "rehandling_rate"),
        ]:
            value = getattr(api, key)
            assert row[column] == (None if value is None else round(value, 4)), column
            # …and the tile shows the ledger's figure.
            assert tiles[key][0] == percent(row[column]), column

        # The server goes away: the desk shows the figures it kept, and says from when.
        server.stop()
        try:
            with qtbot.waitSignal(dashboard.loaded, timeout=20_000) as again:
                QTest.keyClick(dashboard.month_box, Qt.Key.Key_Down)  # the month before: never fetched
            assert again.args[0] is None
            assert "离线：本机还没有" in dashboard.source.text()
            assert dashboard.tiles["dispatched"].value.text() == "—"
            with qtbot.waitSignal(dashboard.loaded, timeout=20_000) as kept:
                QTest.keyClick(dashboard.month_box, Qt.Key.Key_Up)  # the month compared: kept
            offline = kept.args[0]
            assert offline.offline and offline.as_of == figures.as_of
            assert dashboard.source.text() == f"离线：显示截至 {local_time(figures.as_of)}（北京时间）的数据"
            assert _tiles(dashboard) == tiles
        finally:
            server.start()
    finally:
        workspace.stop()


def test_a_leaders_desk_adds_the_portfolio_up_with_the_same_formulas(
    qtbot: Any, tmp_path: Path, server: ServerProcess
) -> None:
    workspace = sign_in(server.url, "leader", PASSWORD, tmp_path / "desks", TaskRunner())
    try:
        dashboard, figures = _dashboard(qtbot, workspace)
        month = f"{dashboard.month:%Y-%m}"
        leader = server.as_user("leader")
        portfolio = [leader.department_measures(d, month) for d in workspace.user.portfolio]
        assert {m.department_id for m in figures.departments} == set(workspace.user.portfolio)
        total = MeasureCounts()
        for m in portfolio:
            total += MeasureCounts.of(m)
        expected = rates(total)
        tiles = _tiles(dashboard)
        assert tiles["dispatched"][0] == str(total.dispatched)
        for key in RATE_TILES:
            assert tiles[key][0] == percent(getattr(expected, key)), key
        # A single department's own rates are the server's: the same code divided them.
        for m in portfolio:
            assert rates(MeasureCounts.of(m)).on_time_closure_rate == m.on_time_closure_rate
    finally:
        workspace.stop()
