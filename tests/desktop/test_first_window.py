"""The first window of a start (issue 14, the cold start): what it builds and asks before its first rows."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

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


def test_the_sidebar_is_counted_after_the_first_rows_are_painted(
    qtbot: Any, workspace: Workspace, monkeypatch: Any
) -> None:
    """Counting every list is a pass over every order (on a large desk far more than the first page):
    it is asked once the table has painted the first rows, and it still opens the list of the role's
    work and counts each list."""
    put(workspace, "in_progress")
    happened: list[str] = []
    page, counts = Reads.page, Reads.counts
    monkeypatch.setattr(Reads, "page", lambda self, *a, **k: (happened.append("page"), page(self, *a, **k))[1])
    monkeypatch.setattr(Reads, "counts", lambda self, *a, **k: (happened.append("counts"), counts(self, *a, **k))[1])
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.table.painted.connect(lambda: happened.append("painted") if window.model.rowCount() else None)
    window.show()
    qtbot.waitUntil(lambda: "counts" in happened, timeout=5000)
    assert happened.index("page") < happened.index("painted") < happened.index("counts")
    chosen = window.sidebar.currentItem
    qtbot.waitUntil(lambda: chosen() is not None and "(1)" in chosen().text(), timeout=5000)  # the list of its work


def test_the_dashboard_and_the_knowledge_base_are_built_when_first_shown(qtbot: Any, workspace: Workspace) -> None:
    """统计 and 知识库 wait for their tabs (QtCharts, their widgets and queries are no part of the first
    window), then take the place of the pages that stood in for them: each tab shows its panel."""
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window._dashboard is None and window._knowledge is None
    stand_in = window.tabs.widget(2)
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(2).center())  # a click on 统计
    assert window._dashboard is not None and window.tabs.currentWidget() is window._dashboard
    assert window.tabs.indexOf(stand_in) == -1 and window.tabs.tabText(2) == window.tr("统计")
    count = window.tabs.count()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # 知识库's shortcut
    assert window._knowledge is not None and window.tabs.currentWidget() is window._knowledge
    assert window.tabs.count() == count
