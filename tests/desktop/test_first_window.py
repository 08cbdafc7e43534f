"""The first window of a start (issue 14, the cold start): what it builds and asks before its first rows."""

from __future__ import annotations

from typing import Any

from desktop.reads import Reads
from desktop.workspace import Workspace
from tests.fixtures.desk import put
from ui.main_window import MainWindow


def test_the_first_window_asks_for_its_list_once_in_its_order(
    qtbot: Any, workspace: Workspace, monkeypatch: Any
) -> None:
    """The list's first page is asked for once, sorted by the due time, as shown: not first by the
    header's default column (a query on the disk lane the shown one waited for)."""
    put(workspace, "in_progress")
    asked: list[str] = []
    page = Reads.page
    monkeypatch.setattr(
        Reads, "page", lambda self, query, *a, **k: (asked.append(query.sort), page(self, query, *a, **k))[1]
    )
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        window.show()
    assert asked[0] == "due_at" and "urgency" not in asked


def test_the_dashboard_is_built_when_its_tab_is_first_shown(qtbot: Any, workspace: Workspace) -> None:
    """统计 waits for its tab (QtCharts and its queries are no part of the first window), then takes
    the place of the page that stood in for it: the tab shows the dashboard itself."""
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    assert window._dashboard is None
    stand_in = window.tabs.widget(2)
    window.tabs.setCurrentIndex(2)
    assert window._dashboard is not None and window.tabs.currentWidget() is window.dashboard
    assert window.tabs.indexOf(stand_in) == -1 and window.tabs.tabText(2) == window.tr("统计")
