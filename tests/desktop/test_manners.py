"""A desktop application's manners, on the real window over real stores (the server unreachable):
the menu bar by keyboard and mouse, the layout remembered, search across every list with the keys
into the results and the hits marked, empty lists that say why, the row menu, the reply sheet's
print preview, Beijing time whatever the PC's zone, English names, and Qt's own dialogs translated.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QContextMenuEvent, QDesktopServices, QImage, QInputMethodEvent
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QDateTimeEdit,
    QDialogButtonBox,
    QLineEdit,
    QMenu,
    QSplitter,
    QToolButton,
    QWidget,
)

from casework.roles import Role
from casework.schemas import CategoryOut, UserOut
from desktop.i18n import Languages
from desktop.workspace import Workspace
from offline.worklists import WorkList
from server.demo.content import CATEGORIES as DEMO_CATEGORIES
from tests.fixtures.desk import CHIEF, HANDLER, keep_figures, put
from ui.about import AboutDialog, PreferencesDialog
from ui.actions import OnsiteCheckDialog
from ui.app import CaseDeskApp
from ui.labels import CITY_ZONE, Names, local_time, order_count
from ui.main_window import LISTS, TITLE_AT_LEAST, TITLE_COLUMN, MainWindow
from ui.order_list import DEPARTMENT_COLUMN, FOLLOW_AT_MOST, WHERE_COLUMN
from ui.search import HIT_COLOUR, segments

OTHER_TITLE = "海潮路<b>噪音</b>扰民，夜间施工"  # citizen text with markup in it: shown as typed


# --- helpers ------------------------------------------------------------------------------------


def two_orders(ws: Workspace) -> None:
    """Order 1 waits to be signed (待签收); order 2 is the handler's, in progress (办理中)."""
    put(ws, "dispatched", order_id=1, lead_department_id=3)
    put(
        ws,
        "in_progress",
        order_id=2,
        number="GY20260302-0043",
        title=OTHER_TITLE,
        handler_id=HANDLER.id,
        lead_department_id=4,
    )


def open_window(qtbot: Any, ws: Workspace, size: tuple[int, int] = (1366, 768), **kw: Any) -> MainWindow:
    window = MainWindow(ws, ["handler", "chief"], **kw)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    window.activateWindow()  # window shortcuts (Ctrl+P, Ctrl+1 …) reach the active window
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.waitUntil(lambda: window.sidebar.currentRow() >= 0 and window.model.total > 0, timeout=5000)
    return window


def choose_list(qtbot: Any, window: MainWindow, work_list: WorkList) -> None:
    row = LISTS.index(work_list)
    item = window.sidebar.item(row)
    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        if window.sidebar.currentRow() == row:
            window.model.refresh()
        else:
            qtbot.mouseClick(
                window.sidebar.viewport(),
                Qt.MouseButton.LeftButton,
                pos=window.sidebar.visualItemRect(item).center(),
            )


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` as an input method commits it (Chinese is typed through one, not key by key)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def right_click(widget: QWidget, pos: QPoint) -> None:
    """A right click as the platform delivers it: the button press, then the context-menu event."""
    QTest.mouseClick(widget, Qt.MouseButton.RightButton, pos=pos)
    QApplication.sendEvent(widget, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, widget.mapToGlobal(pos)))


def click_menu_item(qtbot: Any, menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def cancel_text() -> str:
    """What Qt's own Cancel button says now (QMessageBox, QFileDialog and the print preview use the same)."""
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    text = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    box.deleteLater()
    return text


def visible(kind: type) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def rows_with_colour(image: QImage, colour: Any, x0: int, x1: int) -> set[int]:
    return {y for y in range(image.height()) for x in range(x0, x1, 2) if image.pixelColor(x, y) == colour}


# --- the menu bar -------------------------------------------------------------------------------


def test_the_menu_bar_opens_by_keyboard_and_its_items_work(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace], tmp_path: Path
) -> None:
    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = open_window(qtbot, ws)
    menus = window.menus
    assert [a.text() for a in window.menuBar().actions()] == ["文件(&F)", "视图(&V)", "工具(&T)", "帮助(&H)"]
    assert [a.text() for a in menus.file_menu.actions() if a.text()] == [
        "导出台账…",
        "打印回复单…",
        "登录设备…",
        "注销",
        "切换服务器…",
        "退出",
    ]

    # Alt+H opens 帮助; Enter on its first item opens the About box.
    window.activateWindow()
    QTest.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is menus.help_menu, timeout=5000)
    QTest.keyClick(menus.help_menu, Qt.Key.Key_Down)
    QTest.keyClick(menus.help_menu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(visible(AboutDialog)), timeout=5000)
    (about,) = visible(AboutDialog)
    assert about.version.text() == "0.1.0" or about.version.text() == "dev"
    assert about.server.text() == ws.client.base_url
    assert about.user.text() == "王建国（经办人）"
    assert about.data_dir.text() == str(ws.root.parent.parent)

    opened: list[QUrl] = []

    class Catcher(QObject):
        @Slot(QUrl)
        def open(self, url: QUrl) -> None:
            opened.append(url)

    catcher = Catcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        qtbot.mouseClick(about.open_logs, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [Path(u.toLocalFile()) for u in opened] == [ws.root.parent.parent / "logs"]
    close = about.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert not about.isVisible()

    # Ctrl+, opens the preferences: the interval typed is kept in the settings.
    window.settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    QTest.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(visible(PreferencesDialog)), timeout=5000)
    (preferences,) = visible(PreferencesDialog)
    assert preferences.data_dir.text() == str(ws.root.parent.parent)
    preferences.interval.setFocus()
    preferences.interval.selectAll()
    QTest.keyClicks(preferences.interval, "120")
    qtbot.mouseClick(preferences.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert int(window.settings.value("sync_interval")) == 120

    # 视图 → 语言 → English asks the application for English.
    with qtbot.waitSignal(window.switch_language, timeout=5000, check_params_cb=lambda c: c == "en"):
        menus.languages["en"].trigger()

    # 视图 → 工作列表: Ctrl+2 is 办理中, and the menu says so (keys reach the active window).
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    assert menus.lists_menu.actions()[1].shortcut().toString() == "Ctrl+2"
    for key, work_list in ((Qt.Key.Key_1, WorkList.TO_SIGN), (Qt.Key.Key_2, WorkList.MINE)):
        if window.model.work_list is not work_list:
            with qtbot.waitSignal(window.model.loaded, timeout=5000):
                QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.model.work_list is work_list

    # 文件 → 注销 by mouse: the window asks the application to sign out.
    qtbot.mouseClick(
        window.menuBar(),
        Qt.MouseButton.LeftButton,
        pos=window.menuBar().actionGeometry(menus.file_menu.menuAction()).center(),
    )
    with qtbot.waitSignal(window.sign_out, timeout=5000):
        click_menu_item(qtbot, menus.file_menu, "注销")


def test_sign_out_and_switch_server_go_back_to_the_sign_in_dialog(
    qtbot: Any,
    make_workspace: Callable[[UserOut], Workspace],
    app_showing: Callable[[Workspace], CaseDeskApp],
    tmp_path: Path,
) -> None:
    ws = make_workspace(HANDLER)
    two_orders(ws)
    app = app_showing(ws)
    window = app.window
    assert window is not None and window.data_dir == tmp_path / "home"
    qtbot.waitUntil(lambda: window.model.total > 0, timeout=5000)
    window.menus.sign_out.trigger()
    assert app.window is None and app.workspace is None
    dialog = app.sign_in_dialog  # the same server and user offered again, the password asked for
    assert dialog.isVisible() and dialog.username.text() == "wangjg" and dialog.password.text() == ""
    assert dialog.server.text() == ws.client.base_url
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    app.sign_in_dialog.close()

    # 切换服务器…: the address typed opens the sign-in dialog for that server.
    app.workspace = make_workspace(CHIEF)
    app._build_window()
    window = app.window
    assert window is not None
    window.menus.switch_server.trigger()
    dialog = window.menus.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    editor = dialog.findChild(QLineEdit)
    editor.selectAll()
    QTest.keyClicks(editor, "https://12345.example.gov.cn/")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert app.window is None
    assert app.sign_in_dialog.server.text() == "https://12345.example.gov.cn"
    app.sign_in_dialog.close()


# --- the layout remembered ----------------------------------------------------------------------


def test_window_splitter_and_columns_are_restored_after_rebuilding_the_window(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace], tmp_path: Path
) -> None:
    ws = make_workspace(HANDLER)
    two_orders(ws)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    # The offscreen screen is 800×600: a window restored bigger than its screen would be shrunk to fit.
    first = open_window(qtbot, ws, size=(780, 560))
    size = (first.width(), first.height())
    assert first.remember_layout(settings).restored is False  # nothing saved yet
    splitter = first.order_view.parentWidget()
    assert isinstance(splitter, QSplitter)
    splitter.setSizes([120, 300, 340])
    sizes = splitter.sizes()

    # The user drags the number column's right edge 60 px wider …
    header = first.table.horizontalHeader()
    edge = header.sectionViewportPosition(1) + header.sectionSize(1) - 1
    y = header.height() // 2
    before = header.sectionSize(1)
    QTest.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    QTest.mouseMove(header.viewport(), QPoint(edge + 30, y))
    QTest.mouseMove(header.viewport(), QPoint(edge + 60, y))
    QTest.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge + 60, y))
    width = header.sectionSize(1)
    assert width > before + 30
    # … and hides the handler column through 视图 → 列.
    first.menus._fill_columns()
    handler_column = next(a for a in first.menus.columns_menu.actions() if a.text() == "经办人")
    handler_column.trigger()
    assert first.table.isColumnHidden(5)
    first.close()

    second = open_window(qtbot, ws, size=(1366, 768))
    assert second.remember_layout(settings).restored is True
    assert (second.width(), second.height()) == size
    assert second.order_view.parentWidget().sizes() == sizes  # type: ignore[union-attr]
    assert second.table.horizontalHeader().sectionSize(1) == width
    assert second.table.isColumnHidden(5)
    assert not second.table.isColumnHidden(2)


# --- search across every list -------------------------------------------------------------------


def test_search_finds_orders_in_every_list_and_the_keys_go_into_the_results(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = open_window(qtbot, ws)
    choose_list(qtbot, window, WorkList.TO_SIGN)
    assert [window.model.order_id(r) for r in range(window.model.rowCount())] == [1]

    # "噪音" is in order 2's title, which is not on the 待签收 list: the search finds it anyway.
    type_text(window.search, "噪音")
    qtbot.waitUntil(lambda: window.list_title.text().startswith("在全部工单中搜索「噪音」"), timeout=5000)
    assert window.model.searching
    assert [window.model.order_id(r) for r in range(window.model.rowCount())] == [2]
    # Which lists hold each hit comes just after the rows (as the count of a long list).
    qtbot.waitUntil(lambda: window.model.lists_of(2) == [WorkList.MINE.value, WorkList.DUE_SOON.value], timeout=5000)
    assert window.model.where_tag(window.model.index(0, 2)) == "办理中"
    assert window.list_title.text() == "在全部工单中搜索「噪音」：共 1 件"
    tooltip = window.model.data(window.model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith(f"{OTHER_TITLE}\n所在列表：办理中、即将到期")

    # Down moves from the search box to the first result, which opens in the pane.
    assert window.search.hasFocus()
    with qtbot.waitSignal(window.order_view.loaded, timeout=5000, check_params_cb=lambda i: i == 2):
        QTest.keyClick(window.search, Qt.Key.Key_Down)
    assert window.table.hasFocus() and window.table.currentIndex().row() == 0
    # Up on the first row goes back to the search box.
    QTest.keyClick(window.table, Qt.Key.Key_Up)
    assert window.search.hasFocus()

    # Enter right after typing searches at once and then moves into the results.
    window.search.clear()
    qtbot.waitUntil(lambda: not window.model.searching, timeout=5000)
    QTest.keyClicks(window.search, "GY20260302-0042")
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.table.hasFocus(), timeout=5000)
    assert window.model.searching and window.model.order_id(window.table.currentIndex().row()) == 1

    # Escape clears the search: back to the list.
    window.search.setFocus()
    QTest.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""


def test_the_hits_lists_and_the_count_are_asked_after_the_first_rows_are_painted(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The follow-up queries of a page (which lists hold each hit, the count) do not take the cores
    from the page's first paint: they are asked once the view has painted the new rows."""
    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = open_window(qtbot, ws)
    painted: list[str] = []

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append("paint")
            return False

    paints = Paints()
    window.table.viewport().installEventFilter(paints)
    asked = type(window.model)._afterwards
    monkeypatch.setattr(
        type(window.model), "_afterwards", lambda model, query: (painted.append("after"), asked(model, query))
    )
    window.model.loaded.connect(lambda _total: painted.append("loaded"))
    type_text(window.search, "噪音")
    qtbot.waitUntil(lambda: window.model.lists_of(2) != [], timeout=5000)
    assert painted[painted.index("loaded") :][:3] == ["loaded", "paint", "after"]


def test_a_superseded_list_asks_for_no_count_when_its_rows_are_painted(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key typed right after a list arrived, before the table painted it: that list's follow-up
    queries (the count, the hits' lists) are never asked — they would only delay the search's rows."""
    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = open_window(qtbot, ws)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    followed: list[str] = []
    asked = type(window.model)._afterwards
    monkeypatch.setattr(
        type(window.model),
        "_afterwards",
        lambda model, query: (followed.append(query.filters.text), asked(model, query)),
    )
    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        window.model.show(work_list=WorkList.ALL)
    type_text(window.search, "噪音")  # before the event loop paints the list that just arrived
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.lists_of(2) != [], timeout=5000)
    qtbot.wait(FOLLOW_AT_MOST * 3)
    assert followed and set(followed) == {"噪音"}  # never the whole list's


def test_search_hits_are_painted_and_markup_is_shown_as_typed(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    assert segments(OTHER_TITLE, ["噪音"]) == [("海潮路<b>", False), ("噪音", True), ("</b>扰民，夜间施工", False)]
    assert segments("GY20260302-0042", ["gy", "0042"]) == [("GY", True), ("20260302-", False), ("0042", True)]
    assert segments("abc", []) == [("abc", False)]

    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = open_window(qtbot, ws)
    choose_list(qtbot, window, WorkList.ALL)
    header = window.table.horizontalHeader()
    x0 = header.sectionViewportPosition(2)
    x1 = x0 + header.sectionSize(2)
    assert not rows_with_colour(window.table.viewport().grab().toImage(), HIT_COLOUR, x0, x1)

    type_text(window.search, "噪音")
    qtbot.waitUntil(lambda: window.list_title.text().startswith("在全部工单中搜索「噪音」"), timeout=5000)
    QApplication.processEvents()
    image = window.table.viewport().grab().toImage()
    marked = rows_with_colour(image, HIT_COLOUR, x0, x1)
    row = window.table.visualRect(window.model.index(0, 2))
    assert marked and all(row.top() <= y <= row.bottom() for y in marked)
    # The cell's text is the title as typed, markup and all (never interpreted).
    assert window.model.data(window.model.index(0, 2)).endswith(OTHER_TITLE)  # after a 【新】 marker, if any


# --- empty lists say why ------------------------------------------------------------------------


def test_empty_lists_say_why(qtbot: Any, make_workspace: Callable[[UserOut], Workspace]) -> None:
    ws = make_workspace(HANDLER)
    window = MainWindow(ws, ["handler"])
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    note = window.empty_note
    qtbot.waitUntil(lambda: note.isVisible(), timeout=5000)
    assert note.text() == "尚未同步：离线，联网后自动下载"  # never synced and the server unreachable

    two_orders(ws)
    ws.changed.emit(set())
    qtbot.waitUntil(lambda: window.model.total > 0 and not note.isVisible(), timeout=5000)

    type_text(window.search, "不存在的内容")
    qtbot.waitUntil(lambda: note.text() == "没有与「不存在的内容」匹配的工单", timeout=5000)
    assert note.isVisible() and window.model.rowCount() == 0
    assert note.geometry().width() > 300  # over the table, not a corner

    window.search.clear()
    qtbot.waitUntil(lambda: window.model.total > 0 and not note.isVisible(), timeout=5000)
    window.urgency.setCurrentIndex(window.urgency.findData("very_urgent"))
    qtbot.waitUntil(lambda: note.isVisible(), timeout=5000)
    name = window.sidebar.currentItem().data(Qt.ItemDataRole.UserRole + 1)
    assert note.text() == f"{name} 中没有符合筛选条件的工单"


def test_an_empty_list_of_a_synced_desk_says_it_has_no_orders(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    ws = make_workspace(HANDLER)
    two_orders(ws)  # pulled to this PC before: synced, though not yet in this session
    assert ws.status.last_sync is None
    window = open_window(qtbot, ws)
    choose_list(qtbot, window, WorkList.CLOSED)
    assert window.empty_note.isVisible() and window.empty_note.text() == "已办结 没有工单"


# --- the row menu -------------------------------------------------------------------------------


def test_the_row_menu_opens_acts_and_copies(qtbot: Any, make_workspace: Callable[[UserOut], Workspace]) -> None:
    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = open_window(qtbot, ws)
    choose_list(qtbot, window, WorkList.TO_SIGN)
    cell = window.table.visualRect(window.model.index(0, 2)).center()

    # A right click on the row opens the menu and shows that order in the pane.
    with qtbot.waitSignal(window.order_view.loaded, timeout=5000, check_params_cb=lambda i: i == 1):
        right_click(window.table.viewport(), cell)
    qtbot.waitUntil(lambda: window.row_menu.menu is not None and window.row_menu.menu.isVisible(), timeout=5000)
    menu = window.row_menu.menu
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[0] == "打开"
    assert texts[-2:] == ["复制工单编号", "打印回复单…"]
    bar = window.order_view.actions
    shown_commands = [a.text() for a in bar.actions_by_command.values() if a.isVisible()]
    assert texts[1:-2] == shown_commands and "签收" in texts

    click_menu_item(qtbot, menu, "复制工单编号")
    assert QApplication.clipboard().text() == "GY20260302-0042"

    # A right click on another row selects it and offers its own actions (none here).
    choose_list(qtbot, window, WorkList.ALL)
    row_two = window.model.row_of(2)
    assert row_two is not None
    right_click(window.table.viewport(), window.table.visualRect(window.model.index(row_two, 2)).center())
    qtbot.waitUntil(lambda: window.order_view.order_id == 2, timeout=5000)
    menu = window.row_menu.menu
    assert [a.text() for a in menu.actions() if a.text()] == ["打开", "复制工单编号", "打印回复单…"]
    menu.close()

    # An action from the menu acts on that row's order, through the order pane's own form.
    row_one = window.model.row_of(1)
    assert row_one is not None
    right_click(window.table.viewport(), window.table.visualRect(window.model.index(row_one, 2)).center())
    menu = window.row_menu.menu
    commands = [a.text() for a in menu.actions() if a.text()][1:-2]
    form_commands = [c for c in commands if c != "签收"]
    assert form_commands  # 内部备注, 申请退单 … (each opens its form)
    with qtbot.waitSignal(bar.dialog_opened, timeout=5000) as opened:
        click_menu_item(qtbot, menu, form_commands[0])
    assert opened.args[0].order_id == 1 and window.order_view.order_id == 1
    opened.args[0].reject()


# --- printing -----------------------------------------------------------------------------------


def test_print_preview_of_the_reply_sheet_from_the_menu_and_the_order_pane(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = open_window(qtbot, ws)
    choose_list(qtbot, window, WorkList.TO_SIGN)
    with qtbot.waitSignal(window.order_view.loaded, timeout=5000):
        qtbot.mouseClick(
            window.table.viewport(),
            Qt.MouseButton.LeftButton,
            pos=window.table.visualRect(window.model.index(0, 2)).center(),
        )

    # Ctrl+P (文件 → 打印回复单…) opens the preview, not modal: the window is still usable.
    with qtbot.waitSignal(window.printer.opened, timeout=5000) as opened:
        QTest.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    preview = opened.args[0]
    assert isinstance(preview, QPrintPreviewDialog) and preview.isVisible()
    assert preview.windowTitle() == "打印回复单 — GY20260302-0042"
    assert preview.parent() is window and not preview.isModal()
    preview.close()
    qtbot.waitUntil(lambda: window.printer.dialog is None, timeout=5000)

    # The order pane's own button does the same.
    button = window.order_view.print_button
    assert button.isVisible()
    with qtbot.waitSignal(window.printer.opened, timeout=5000) as opened:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened.args[0].isVisible()
    opened.args[0].close()


# --- time, names, languages ---------------------------------------------------------------------


@pytest.fixture
def new_york() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_times_show_in_beijing_time_on_a_pc_in_new_york(
    new_york: None, qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    assert datetime(2026, 3, 2, 0, 41, tzinfo=UTC).astimezone().utcoffset().total_seconds() == -5 * 3600  # type: ignore[union-attr]
    assert local_time("2026-03-02T00:41:00Z") == "2026-03-02 08:41"
    assert local_time("2026-03-02T08:41:00+08:00") == "2026-03-02 08:41"

    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = open_window(qtbot, ws)
    model = window.model
    assert model.headerData(6, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "受理时间：北京时间（UTC+8）"
    assert model.headerData(7, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "剩余时限：北京时间（UTC+8）"
    tip = model.data(model.index(0, 7), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("办理时限 ") and tip.endswith("北京时间（UTC+8）")

    # The status bar says which time it is: Beijing's, not New York's.
    beijing = datetime.now(CITY_ZONE)
    assert window.city_clock.text() in {
        f"北京时间 {beijing:%H:%M}",
        f"北京时间 {beijing - timedelta(minutes=1):%H:%M}",
    }
    assert window.order_view.timeline.headerItem().toolTip(0) == "北京时间（UTC+8）"

    # The on-site form's time is Beijing time too, typed and stored as such.
    form = OnsiteCheckDialog(ws, window)
    qtbot.addWidget(form)
    beijing = datetime.now(CITY_ZONE)
    assert form.when.text() in {
        f"{beijing:%Y-%m-%d %H:%M}",
        f"{beijing.replace(second=0) - timedelta(minutes=1):%Y-%m-%d %H:%M}",
    }
    form.when.setFocus()
    form.when.setSelectedSection(QDateTimeEdit.Section.HourSection)
    QTest.keyClicks(form.when, "09")
    form.when.setSelectedSection(QDateTimeEdit.Section.MinuteSection)
    QTest.keyClicks(form.when, "30")
    form.notes.setPlainText("路灯已修复")
    checked = datetime.fromisoformat(form.body()["checked_at"])
    assert checked.utcoffset() == timedelta(hours=8) and (checked.hour, checked.minute) == (9, 30)


def test_english_names_counts_and_qt_dialogs(
    qtbot: Any, languages: Languages, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    ws = make_workspace(CHIEF)
    two_orders(ws)
    assert languages.use("en") == "en"
    names = Names(ws.store)
    assert names.department(3) == "Housing Bureau" and names.department(3, english=False) == "市住房和城乡建设局"
    assert names.chinese().department(3) == "市住房和城乡建设局"  # the ledger and the reply sheet stay Chinese
    assert order_count(1) == "1 order" and order_count(2) == "2 orders" and order_count(0) == "0 orders"
    assert cancel_text() == "Cancel"
    assert QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)

    window = open_window(qtbot, ws, language="en")
    choose_list(qtbot, window, WorkList.ALL)
    assert window.list_title.text() == "All orders · 2 orders"
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&View", "&Tools", "&Help"]
    assert window.model.headerData(DEPARTMENT_COLUMN, Qt.Orientation.Horizontal) == "Department"
    lead = window.model.data(window.model.index(window.model.row_of(2), DEPARTMENT_COLUMN))  # type: ignore[arg-type]
    assert lead == "City Management"
    window.close()

    assert languages.use("zh") == "zh"
    assert order_count(1) == "共 1 件" and order_count(2) == "共 2 件"
    assert cancel_text() == "取消"  # qtbase_zh_CN
    assert Names(ws.store).department(3) == "市住房和城乡建设局"


def test_leaders_see_the_lead_department_column_others_do_not(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    leader = HANDLER.model_copy(
        update={"id": 2, "username": "leader", "name": "钱市长", "role": Role.LEADER_IN_CHARGE, "portfolio": [3, 4]}
    )
    ws = make_workspace(HANDLER)
    two_orders(ws)
    handler_window = open_window(qtbot, ws)
    assert handler_window.table.isColumnHidden(DEPARTMENT_COLUMN)
    assert handler_window.table.isColumnHidden(WHERE_COLUMN)
    leader_ws = make_workspace(leader)
    put(leader_ws, "in_review", order_id=1, lead_department_id=3)
    put(leader_ws, "in_review", order_id=2, number="GY20260302-0043", lead_department_id=4)
    window = MainWindow(leader_ws)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model.total > 0, timeout=5000)
    choose_list(qtbot, window, WorkList.ALL)
    assert not window.table.isColumnHidden(DEPARTMENT_COLUMN)
    shown = {window.model.data(window.model.index(r, DEPARTMENT_COLUMN)) for r in range(window.model.rowCount())}
    assert shown == {"市住房和城乡建设局", "市城市管理局"}


# --- charts at 1366×768 -------------------------------------------------------------------------


def test_the_category_chart_is_readable_at_1366x768(qtbot: Any, make_workspace: Callable[[UserOut], Workspace]) -> None:
    ws = make_workspace(HANDLER)
    ws.store.set_directory(
        "categories",
        [CategoryOut(code=c.code, name=c.name, parent_code=c.parent, department_code=None) for c in DEMO_CATEGORIES],
    )
    leaves = [c.code for c in DEMO_CATEGORIES if c.parent]
    now = datetime.now(UTC).isoformat()
    for i in range(40):  # many categories, with long names among them (电动车充电设施, 交通信号设施 …)
        code = leaves[i % 4] if i % 3 == 0 else leaves[(i * 7) % len(leaves)]
        put(ws, "in_progress", order_id=i + 1, number=f"GY-{i}", category_code=code, received_at=now, dispatched_at=now)
    keep_figures(ws, datetime.fromisoformat(now))  # the server's figures of these, kept before going offline
    window = open_window(qtbot, ws)
    with qtbot.waitSignal(window.dashboard.loaded, timeout=5000):
        qtbot.mouseClick(window.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=window.tabs.tabBar().tabRect(2).center())
    qtbot.wait(200)  # charts lay out their axes on the event loop
    (axis,) = [a for a in window.dashboard.category_chart.axes(Qt.Orientation.Vertical)]
    names = list(reversed(axis.categories()))  # drawn bottom-up: the biggest first
    assert len(names) == 7 and names[-1] == "其他"
    assert all(n and "…" not in n for n in names)
    assert not axis.labelsTruncated()
    assert window.dashboard.category_view.height() >= 180


def test_news_for_a_closed_window_reaches_no_one(qtbot: Any, make_workspace: Callable[[UserOut], Workspace]) -> None:
    """The workspace outlives a window (a language switch, a sign-out): its signals must not reach a deleted one."""
    ws = make_workspace(HANDLER)
    two_orders(ws)
    window = MainWindow(ws, ["handler"])
    window.show()
    qtbot.waitUntil(lambda: window.model.total > 0, timeout=5000)
    # Answers to tasks still running when a window goes are another matter (desktop/tasks.py): none here.
    qtbot.waitUntil(lambda: ws.runner.running == 0, timeout=5000)
    qtbot.wait(200)
    qtbot.waitUntil(lambda: ws.runner.running == 0, timeout=5000)
    with qtbot.waitSignal(window.destroyed, timeout=5000):
        window.close()
        window.deleteLater()
    ws.status_changed.emit(ws.status)  # a lambda left connected would raise "already deleted" here
    ws.changed.emit(set())
    qtbot.wait(300)  # the refresh timers of a live window would fire by now


def test_the_lists_filters_stand_only_over_the_list_and_a_search_brings_it_forward(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    leader = HANDLER.model_copy(
        update={"id": 2, "username": "leader", "name": "钱市长", "role": Role.LEADER_IN_CHARGE, "portfolio": [3, 4]}
    )
    ws = make_workspace(leader)
    put(ws, "in_review", order_id=1, lead_department_id=3)
    put(ws, "in_review", order_id=2, number="GY20260302-0043", title=OTHER_TITLE, lead_department_id=4)
    window = MainWindow(ws, ["handler", "chief", "head", "leader"])
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    filters = [window.category, window.urgency, window.state, window.deadline, window.handler, window.department]
    qtbot.waitUntil(lambda: all(f.isVisible() for f in filters), timeout=5000)

    bar = window.tabs.tabBar()
    for name in ("月度审核", "分管单位", "同步问题", "统计"):
        index = next(i for i in range(bar.count()) if bar.tabText(i).startswith(name))
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        assert window.tabs.currentIndex() == index
        qtbot.waitUntil(lambda: not any(f.isVisible() for f in filters), timeout=2000)
        assert window.search.isVisible(), "the search covers every list: it stays"

    type_text(window.search, "噪音")  # typed on 统计: the list with the results comes forward
    qtbot.waitUntil(lambda: window.tabs.currentIndex() == 0 and window.model.searching, timeout=5000)
    qtbot.waitUntil(lambda: [window.model.order_id(r) for r in range(window.model.rowCount())] == [2], timeout=5000)
    assert all(f.isVisible() for f in filters)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_whole_toolbar_fits_at_1366_for_every_role(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace], languages: Languages, language: str
) -> None:
    """Nothing of the toolbar behind its » button: the language and demo switches stay in reach."""
    languages.use(language)
    leader = HANDLER.model_copy(
        update={"id": 2, "username": "leader", "name": "钱市长", "role": Role.LEADER_IN_CHARGE, "portfolio": [3, 4]}
    )
    for user in (HANDLER, CHIEF, leader):
        window = MainWindow(make_workspace(user), ["handler", "chief", "head", "leader"], language=language)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitUntil(window.language_switch.isVisible, timeout=2000)
        hidden = [b for b in window.findChildren(QToolButton) if b.objectName() == "qt_toolbar_ext_button"]
        assert not any(b.isVisible() for b in hidden), f"{user.username} ({language}): the toolbar overflows"
        assert window.demo_switch.isVisible() and window.sync_button.isVisible()
        window.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_title_stays_readable_beside_an_open_order_at_1366(
    qtbot: Any, make_workspace: Callable[[UserOut], Workspace], languages: Languages, language: str
) -> None:
    """The order pane is as wide as its widest page at the least — the reply editor's row of writing
    aids once made it 670 px in English, and the work list's title a "物业…" sliver."""
    languages.use(language)
    for user in (HANDLER, CHIEF):
        ws = make_workspace(user)
        two_orders(ws)
        window = open_window(qtbot, ws, language=language)
        choose_list(qtbot, window, WorkList.ALL)
        row = window.table.visualRect(window.model.index(0, TITLE_COLUMN))
        qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=row.center())
        qtbot.waitUntil(lambda w=window: w.order_view.order is not None, timeout=5000)
        QApplication.processEvents()
        width = window.table.columnWidth(TITLE_COLUMN)
        assert width >= TITLE_AT_LEAST, f"{user.username} ({language}): the title is {width} px wide"
        window.close()


@pytest.mark.parametrize(("language", "size"), [("zh", (1366, 768)), ("zh", (1920, 1080)), ("en", (1920, 1080))])
def test_every_work_list_name_fits_the_sidebar(
    qtbot: Any,
    make_workspace: Callable[[UserOut], Workspace],
    languages: Languages,
    language: str,
    size: tuple[int, int],
) -> None:
    """ "Awaiting my review  (1 · 1 new)" once needed a horizontal scroll bar in a 150 px sidebar, even at
    1920×1080. (In English at 1366×768 the sidebar stays at 170 px at the most: the titles need the room.)"""
    languages.use(language)
    ws = make_workspace(CHIEF)
    two_orders(ws)
    put(ws, "in_review", order_id=3, number="GY20260302-0044", lead_department_id=CHIEF.department_id)
    window = open_window(qtbot, ws, size=size, language=language)
    qtbot.waitUntil(lambda: any("(" in window.sidebar.item(r).text() for r in range(window.sidebar.count())))
    QApplication.processEvents()
    sidebar = window.sidebar
    widest = max(sidebar.visualItemRect(sidebar.item(r)).width() for r in range(sidebar.count()))
    assert sidebar.sizeHintForColumn(0) <= sidebar.viewport().width(), (widest, sidebar.viewport().width())
    assert not sidebar.horizontalScrollBar().isVisible()
    window.close()
