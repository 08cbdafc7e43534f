"""A city leader's portfolio in the desk, against a real server process: the server's measures of
the departments in their line, a drill-down to a department's orders, the bulletin saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api_client import CaseDeskClient
from desktop.session import sign_in
from desktop.tasks import TaskRunner
from offline.worklists import WorkList
from tests.fixtures.server_process import PASSWORD, ServerProcess
from ui.main_window import LISTS, MainWindow

#: The demo city of the module's ``server`` (tests/fixtures/server_process.py): 30 orders.
SERVER_ORDERS = 30

pytestmark = pytest.mark.slow


def test_portfolio_measures_drill_down_and_bulletin(qtbot: Any, tmp_path: Path, server: ServerProcess) -> None:
    workspace = sign_in(server.url, "leader", PASSWORD, tmp_path / "desks", TaskRunner())
    try:
        assert workspace.sync_once().ok
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        window.show()
        portfolio = window.portfolio
        assert portfolio is not None
        with qtbot.waitSignal(portfolio.loaded, timeout=20_000) as loaded:
            window.tabs.setCurrentWidget(portfolio)  # loads when first shown
        # Exactly the leader's departments, with the server's figures.
        reference = CaseDeskClient(server.url, persist_session=False)
        reference.login("leader", PASSWORD)
        month = portfolio.month.currentData()
        assert loaded.args[0] == len(workspace.user.portfolio)
        shown = {m.department_id: m for m in portfolio.measures}
        assert set(shown) == set(workspace.user.portfolio)
        some = next(iter(shown))
        assert shown[some].dispatched == reference.department_measures(some, month).dispatched
        row = next(r for r, m in enumerate(portfolio.measures) if m.department_id == some)
        assert portfolio.table.item(row, 1).text() == shown[some].department_name

        # Drill down: the workbench lists that department's orders only.
        portfolio.table.selectRow(row)
        with qtbot.waitSignal(window.model.loaded, timeout=10_000):
            portfolio.orders.click()
        assert window.tabs.currentIndex() == 0
        assert window.sidebar.currentRow() == LISTS.index(WorkList.ALL)
        ids = [window.model.order_id(r) for r in range(window.model.rowCount())]
        assert ids and all(workspace.store.order(i)["lead_department_id"] == some for i in ids)  # type: ignore[index]

        # The month's bulletin, saved where the leader chose.
        target = tmp_path / "通报.pdf"
        portfolio.save_report("pdf", target)
        qtbot.waitUntil(target.exists, timeout=30_000)
        assert target.read_bytes().startswith(b"%PDF-")
        assert not list(tmp_path.glob("*.part"))
    finally:
        workspace.stop()
