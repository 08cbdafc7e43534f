"""The order in view is the order acted on: only the user's own clicks and keys switch the pane.

Refreshes, syncs, sorts, filters, finished actions, focus coming back after a dialog and clicks in
empty table space all used to move the pane to row 0 — another order, with its buttons live.
Driven through the real window with real mouse and keyboard events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from casework.schemas import UserOut
from desktop.workspace import Workspace
from offline.worklists import WorkList
from tests.fixtures.desk import HANDLER, put
from tests.fixtures.gestures import click_header, click_list_item, click_row
from ui.main_window import LISTS, MainWindow

TITLES = {1: "路灯不亮 一号", 2: "噪音扰民 二号", 3: "井盖缺失 三号", 4: "占道经营 四号", 5: "垃圾清运 五号"}


@pytest.fixture
def window(qtbot: Any, make_workspace: Callable[[UserOut], Workspace]) -> MainWindow:
    ws = make_workspace(HANDLER)
    for order_id, title in TITLES.items():
        put(ws, "dispatched", order_id=order_id, number=f"GY20261130-{order_id:04d}", title=title)
    win = MainWindow(ws)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    to_sign = LISTS.index(WorkList.TO_SIGN)
    qtbot.waitUntil(lambda: win.sidebar.currentRow() >= 0 and win.model.rowCount() > 0, timeout=5000)
    click_list_item(qtbot, win.sidebar, to_sign)
    qtbot.waitUntil(lambda: win.model.rowCount() == len(TITLES), timeout=5000)
    return win


def open_row(qtbot: Any, win: MainWindow, row: int) -> int:
    order_id = win.model.order_id(row)
    with qtbot.waitSignal(win.order_view.loaded, timeout=5000, check_params_cb=lambda i: i == order_id):
        click_row(qtbot, win.table, row)
    return order_id  # type: ignore[return-value]


def settle(qtbot: Any, win: MainWindow) -> None:
    """Let every queued refresh and load run."""
    qtbot.wait(300)
    win.workspace.runner.wait()
    qtbot.wait(200)


def shown(win: MainWindow) -> int | None:
    return (win.order_view.order or {}).get("id")


def test_a_click_chooses_and_nothing_else_moves_the_pane(qtbot: Any, window: MainWindow) -> None:
    win = window
    chosen = open_row(qtbot, win, 3)

    # A refresh (a sync's verdicts arrive as workspace.changed), twice.
    win.workspace.changed.emit(set())
    win.workspace.changed.emit({chosen})
    settle(qtbot, win)
    assert shown(win) == chosen and win.order_view.order_id == chosen

    # A sort by clicking a header (the rows move; the same order stays in the pane, its row marked).
    click_header(qtbot, win.table, 1)
    settle(qtbot, win)
    assert shown(win) == chosen
    assert win.model.order_id(win.table.currentIndex().row()) == chosen

    # A filter that leaves it out: the pane keeps it and says it is not in the list beside it …
    other = next(i for i in TITLES if i != chosen)
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # Ctrl+F: to the search box
    assert win.search.hasFocus()
    qtbot.keyClicks(win.search, f"GY20261130-{other:04d}")
    settle(qtbot, win)
    assert [win.model.order_id(r) for r in range(win.model.rowCount())] == [other]
    assert shown(win) == chosen and win.order_view.elsewhere.isVisible()
    assert "不在当前显示的「待签收」列表中" in win.order_view.elsewhere.text()  # filtered out, not moved on

    # … and focus coming back to the list (as when a dialog closes) makes Qt set a current row: ignored.
    win.table.setFocus(Qt.FocusReason.TabFocusReason)
    settle(qtbot, win)
    assert shown(win) == chosen

    # A click in the empty space below the rows.
    viewport = win.table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=QPoint(viewport.width() // 2, viewport.height() - 5))
    settle(qtbot, win)
    assert shown(win) == chosen

    # The filter cleared: it is listed again, its row marked, the line gone.
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(win.search, Qt.Key.Key_Delete)
    settle(qtbot, win)
    assert shown(win) == chosen and not win.order_view.elsewhere.isVisible()
    assert win.model.order_id(win.table.currentIndex().row()) == chosen


def test_the_keyboard_moves_through_the_list(qtbot: Any, window: MainWindow) -> None:
    win = window
    first = open_row(qtbot, win, 0)
    assert shown(win) == first
    second = win.model.order_id(1)
    with qtbot.waitSignal(win.order_view.loaded, timeout=5000, check_params_cb=lambda i: i == second):
        qtbot.keyClick(win.table, Qt.Key.Key_Down)
    assert shown(win) == second


def test_an_order_that_leaves_the_list_stays_in_view_with_a_line_saying_where_it_went(
    qtbot: Any, window: MainWindow
) -> None:
    win = window
    chosen = open_row(qtbot, win, 2)
    other = win.model.order_id(0)
    bar = win.order_view.actions
    qtbot.waitUntil(lambda: bar.buttons["sign"].isVisible() and bar.buttons["sign"].isEnabled(), timeout=5000)
    # Sign it with the mouse; a one-way action may ask first — answer as the user would.
    with qtbot.waitSignal(bar.recorded, timeout=10_000):
        qtbot.mouseClick(bar.buttons["sign"], Qt.MouseButton.LeftButton)
        confirm_if_asked(qtbot)
    settle(qtbot, win)
    # It left 待签收: the list no longer has it, the pane still shows it, and says so.
    assert win.model.row_of(chosen) is None
    assert shown(win) == chosen and shown(win) != other
    assert win.order_view.elsewhere.isVisible()
    assert "待签收" in win.order_view.elsewhere.text() and "办理中" in win.order_view.elsewhere.text()
    # The focus returning to the list does not switch the pane to row 0 either.
    win.search.setFocus()
    win.table.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
    settle(qtbot, win)
    assert shown(win) == chosen
    # The user clicks another order: now the pane switches, and the line goes.
    picked = open_row(qtbot, win, 0)
    assert shown(win) == picked and not win.order_view.elsewhere.isVisible()


def confirm_if_asked(qtbot: Any) -> None:
    """Accept a confirmation dialog if the action shows one (open, never exec'd)."""
    qtbot.wait(100)
    for widget in QApplication.topLevelWidgets():
        if widget.isVisible() and widget.inherits("QDialog") and hasattr(widget, "confirm_button"):
            qtbot.mouseClick(widget.confirm_button, Qt.MouseButton.LeftButton)


def test_the_title_stays_readable_whatever_widths_were_saved(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace], tmp_path: Any
) -> None:
    """Widths saved elsewhere (English, a wider screen) never leave the title a "…" at 1366×768."""
    from PySide6.QtCore import QSettings

    from ui.main_window import TITLE_AT_LEAST, TITLE_COLUMN

    ws = make_workspace(HANDLER)
    for order_id, title in TITLES.items():
        put(ws, "dispatched", order_id=order_id, number=f"GY20261130-{order_id:04d}", title=title)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = MainWindow(ws)
    qtbot.addWidget(first)
    first.resize(1920, 1080)
    first.remember_layout(settings)
    first.show()
    qtbot.waitUntil(lambda: first.model.rowCount() > 0, timeout=5000)
    for column in (0, 1, 4, 7, 8):
        first.table.setColumnWidth(column, 260)  # a user widened everything on a big screen
    first.close()

    again = MainWindow(ws)
    qtbot.addWidget(again)
    again.remember_layout(settings)
    again.resize(1366, 768)
    again.show()
    qtbot.waitUntil(lambda: again.model.rowCount() > 0, timeout=5000)
    qtbot.waitUntil(lambda: again.table.columnWidth(TITLE_COLUMN) >= TITLE_AT_LEAST, timeout=5000)
