"""更多筛选 in the real window: channel, tag and the days received narrow the list; the button counts
the filters in use, 清除筛选 brings every order back, and a language switch keeps them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest

from desktop.workspace import Workspace
from tests.fixtures.desk import put
from tests.fixtures.gestures import click_list_item, ime
from ui.main_window import LISTS, MainWindow, WorkList


def _ids(window: MainWindow) -> set[int]:
    return {window.model.order_id(r) for r in range(window.model.rowCount())}  # type: ignore[misc]


def test_channel_tag_and_days_narrow_the_list(qtbot: Any, make_workspace: Callable[..., Workspace]) -> None:
    ws = make_workspace()
    put(ws, "in_progress", 1, handler_id=7, channel="wechat", tags=["噪音"], received_at="2026-03-01T02:00:00Z")
    put(ws, "in_progress", 2, handler_id=7, channel="phone", tags=["噪音"], received_at="2026-03-05T02:00:00Z")
    put(ws, "in_progress", 3, handler_id=7, channel="wechat", tags=[], received_at="2026-03-05T02:00:00Z")
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        click_list_item(qtbot, window.sidebar, LISTS.index(WorkList.ALL))
    assert _ids(window) == {1, 2, 3}
    more = window.more_filters
    assert not more.isVisible() and more.button.text() == "更多筛选"

    qtbot.mouseClick(more.button, Qt.MouseButton.LeftButton)
    assert more.isVisible()
    more.channel.setFocus()
    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        while more.channel.currentData() != "wechat":
            QTest.keyClick(more.channel, Qt.Key.Key_Down)
    assert _ids(window) == {1, 3} and more.button.text() == "更多筛选 (1)"

    ime(more.tag, "噪音")
    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        QTest.keyClick(more.tag, Qt.Key.Key_Return)
    assert _ids(window) == {1} and more.button.text() == "更多筛选 (2)"

    # The days received: from 3 March on (Beijing time) leaves none of WeChat's noise.
    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        qtbot.mouseClick(more.by_date, Qt.MouseButton.LeftButton)
    for edit, typed in ((more.until, "2026-03-31"), (more.since, "2026-03-03")):
        edit.setFocus()
        QTest.keyClick(edit, Qt.Key.Key_Home)
        QTest.keyClicks(edit, typed)
    assert (more.since.date(), more.until.date()) == (QDate(2026, 3, 3), QDate(2026, 3, 31))
    qtbot.waitUntil(lambda: _ids(window) == set(), timeout=5000)
    assert more.button.text() == "更多筛选 (3)"

    # A language switch builds the window anew: the filters come along.
    state = window.view_state()
    again = MainWindow(ws, language="zh")
    qtbot.addWidget(again)
    again.show()
    with qtbot.waitSignal(again.model.loaded, timeout=5000):
        again.restore_view_state(state)
    qtbot.waitUntil(lambda: again.more_filters.button.text() == "更多筛选 (3)", timeout=5000)
    assert again.more_filters.isVisible() and again.more_filters.tag.text() == "噪音"

    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        qtbot.mouseClick(more.reset, Qt.MouseButton.LeftButton)
    assert _ids(window) == {1, 2, 3} and more.button.text() == "更多筛选"
