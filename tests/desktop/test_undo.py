"""撤销 in the real window: a command waits on the desk for its undo window; the notice in the status
bar and the order's 撤销 button take it back until it is sent; every action dialog names its order.

Most tests run with the server unreachable (as in the field): commands stay in the outbox. The last
one runs a real server with the background sync: a command leaves when its undo window closes,
and from then on nothing offers to undo it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from api_client import CaseDeskClient
from casework.lifecycle import Command
from desktop.reads import WorkList
from desktop.session import sign_in
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from tests.desktop.desk import HANDLER, put
from tests.desktop.gestures import click_list_item
from tests.server_process import PASSWORD, ServerProcess
from ui.main_window import LISTS, MainWindow

NUMBER = "GY20260302-0042"
TITLE = "文昌路与海潮路交叉口路灯连续一周不亮"


_OPEN: list[MainWindow] = []


@pytest.fixture(autouse=True)
def settle(qtbot: Any) -> Iterator[None]:
    """After a test, let the windows' background answers arrive while the windows still live."""
    yield
    for window in _OPEN:
        window.close()
        for _ in range(2):  # a refresh timer may start one more load after the first quiet moment
            qtbot.wait(250)
            qtbot.waitUntil(lambda w=window: w.workspace.runner.running == 0, timeout=10000)
        window.deleteLater()
    QApplication.processEvents()
    _OPEN.clear()


@pytest.fixture
def desk(request: pytest.FixtureRequest) -> Workspace:
    """The handler's workspace on a real store (``make_workspace``); the server is unreachable."""
    return request.getfixturevalue("make_workspace")(HANDLER)


def open_window(qtbot: Any, workspace: Workspace, order_id: int = 1) -> MainWindow:
    """The main window with ``order_id`` clicked in its list."""
    window = MainWindow(workspace)
    _OPEN.append(window)  # closed by ``settle``, once its background answers are in
    window.resize(1366, 768)
    window.show()
    everything = next(i for i, (wl, _) in enumerate(LISTS) if wl is WorkList.ALL)
    qtbot.waitUntil(lambda: window.sidebar.currentRow() >= 0, timeout=10000)
    click_list_item(qtbot, window.sidebar, everything)  # wherever the desk opened, the order is in 全部工单
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=10000)
    with qtbot.waitSignal(window.order_view.loaded, timeout=5000):
        row = window.model.row_of(order_id)
        rect = window.table.visualRect(window.model.index(row, 2))
        qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return window


def type_chinese(widget: Any, text: str) -> None:
    """Chinese arrives as an input method's commit (QTest's key clicks know ASCII only)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def click(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def sign(qtbot: Any, window: MainWindow) -> None:
    bar = window.order_view.actions
    qtbot.waitUntil(lambda: "sign" in bar.visible_commands(), timeout=5000)
    with qtbot.waitSignal(window.workspace.recorded, timeout=5000):
        click(qtbot, bar.buttons[Command.SIGN])


def state(workspace: Workspace, order_id: int = 1) -> str:
    return (workspace.store.order(order_id) or {}).get("state", "")


def test_sign_then_undo_from_the_notice_and_with_ctrl_z(qtbot: Any, desk: Workspace) -> None:
    put(desk, "dispatched")
    window = open_window(qtbot, desk)
    notice = window.undo_notice
    assert not notice.isVisible()

    sign(qtbot, window)
    qtbot.waitUntil(notice.isVisible, timeout=5000)
    assert "签收" in notice.label.text() and NUMBER in notice.label.text() and "文昌路" in notice.label.text()
    assert notice.button.isVisible() and "Ctrl+Z" in notice.button.text()
    assert state(desk) == "in_progress" and len(desk.store.outbox()) == 1
    qtbot.waitUntil(lambda: window.order_view.undo_button.isVisible(), timeout=5000)

    click(qtbot, notice.button)
    qtbot.waitUntil(lambda: desk.store.outbox() == [], timeout=5000)
    assert state(desk) == "dispatched"
    qtbot.waitUntil(lambda: notice.label.text().startswith("已撤销"), timeout=5000)
    assert not notice.button.isVisible() and NUMBER in notice.label.text()
    qtbot.waitUntil(lambda: "sign" in window.order_view.actions.visible_commands(), timeout=5000)
    qtbot.waitUntil(lambda: not window.order_view.undo_button.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: window.pending_label.text() == "待同步 0 项", timeout=5000)

    # Again, taken back with the keyboard this time (focus in the list, not in a text field).
    sign(qtbot, window)
    qtbot.waitUntil(lambda: notice.button.isVisible(), timeout=5000)
    window.activateWindow()
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: desk.store.outbox() == [], timeout=5000)
    assert state(desk) == "dispatched"


def test_after_the_notice_the_order_still_offers_undo_until_the_command_is_sent(qtbot: Any, desk: Workspace) -> None:
    desk.undo_window = timedelta(seconds=1)  # the 10 s of the desk, shortened for the test
    put(desk, "dispatched")
    window = open_window(qtbot, desk)
    notice, view = window.undo_notice, window.order_view

    sign(qtbot, window)
    qtbot.waitUntil(notice.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: not notice.isVisible(), timeout=5000)  # the window closed: the notice goes
    window.table.setFocus()
    QTest.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # takes nothing back unseen…
    qtbot.waitUntil(notice.isVisible, timeout=2000)  # …but says where it still can be
    assert notice.label.text() == f"撤销提示已过：“签收”{NUMBER} 在发送到中心之前，仍可在该工单上点“撤销”。"
    assert not notice.button.isVisible()
    assert len(desk.store.outbox()) == 1 and state(desk) == "in_progress"
    # Not yet sent (nothing syncs in the background here): the order's own 撤销 still takes it back.
    qtbot.waitUntil(view.undo_button.isVisible, timeout=5000)
    assert "签收" in view.undo_button.toolTip()
    click(qtbot, view.undo_button)
    qtbot.waitUntil(lambda: desk.store.outbox() == [], timeout=5000)
    assert state(desk) == "dispatched"
    qtbot.waitUntil(lambda: not view.undo_button.isVisible(), timeout=5000)


def test_an_earlier_command_goes_with_the_later_ones_from_the_menu(qtbot: Any, desk: Workspace) -> None:
    put(desk, "dispatched")
    window = open_window(qtbot, desk)
    view = window.order_view
    sign(qtbot, window)
    qtbot.waitUntil(lambda: "add_note" in view.actions.visible_commands() and view.actions.dialog is None)
    with qtbot.waitSignal(view.actions.dialog_opened, timeout=5000) as opened:
        click(qtbot, view.actions.buttons[Command.ADD_NOTE])
    dialog = opened.args[0]
    type_chinese(dialog.text, "已电话联系市民")
    with qtbot.waitSignal(desk.recorded, timeout=5000):
        click(qtbot, dialog.ok)
    qtbot.waitUntil(lambda: view.undo_button.menu().actions().__len__() == 2, timeout=5000)
    menu: QMenu = view.undo_button.menu()
    texts = [a.text() for a in menu.actions()]
    assert texts[0].startswith("撤销“内部备注”") and "及其后" not in texts[0]
    assert texts[1].startswith("撤销“签收”") and texts[1].endswith("及其后 1 项操作")

    def choose_the_sign() -> None:
        shown = QApplication.activePopupWidget()
        assert shown is menu
        target = menu.actionGeometry(menu.actions()[1]).center()
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=target)

    QTimer.singleShot(300, choose_the_sign)
    arrow = QPoint(view.undo_button.width() - 4, view.undo_button.height() // 2)  # the menu part of the button
    qtbot.mouseClick(view.undo_button, Qt.MouseButton.LeftButton, pos=arrow)
    qtbot.waitUntil(lambda: desk.store.outbox() == [], timeout=5000)
    assert state(desk) == "dispatched" and desk.store.order(1)["notes"] == []
    notice = window.undo_notice
    qtbot.waitUntil(lambda: "内部备注" in notice.label.text() and "签收" in notice.label.text(), timeout=5000)
    assert notice.label.text().startswith("已撤销")


def test_an_undone_reply_comes_back_into_the_editor(qtbot: Any, desk: Workspace) -> None:
    put(desk, "in_progress", handler_id=HANDLER.id)
    window = open_window(qtbot, desk)
    view = window.order_view
    editor = view.reply
    view.tabs.setCurrentWidget(editor)
    qtbot.waitUntil(lambda: editor.submit.isEnabled(), timeout=5000)
    type_chinese(editor.text, "经现场核实，路灯已修复。")
    editor.result.setCurrentIndex(editor.result.findData("resolved"))
    with qtbot.waitSignal(desk.recorded, timeout=5000):
        click(qtbot, editor.submit)
    qtbot.waitUntil(lambda: state(desk) == "in_review", timeout=5000)
    qtbot.waitUntil(lambda: editor.text.isReadOnly(), timeout=5000)

    click(qtbot, window.undo_notice.button)
    qtbot.waitUntil(lambda: state(desk) == "in_progress", timeout=5000)
    qtbot.waitUntil(lambda: not editor.text.isReadOnly(), timeout=5000)
    assert editor.text.toPlainText() == "经现场核实，路灯已修复。"  # not lost: shown as unsaved
    assert editor.is_dirty() and desk.store.outbox() == []


def test_every_action_dialog_names_its_order(qtbot: Any, desk: Workspace) -> None:
    put(desk, "in_progress", handler_id=HANDLER.id)
    window = open_window(qtbot, desk)
    bar = window.order_view.actions
    for command in (Command.ADD_NOTE, Command.REQUEST_EXTENSION, Command.RECORD_ONSITE_CHECK):
        qtbot.waitUntil(lambda c=command: c.value in bar.visible_commands() and bar.dialog is None, timeout=5000)
        with qtbot.waitSignal(bar.dialog_opened, timeout=5000) as opened:
            click(qtbot, bar.buttons[command])
        dialog = opened.args[0]
        assert NUMBER in dialog.windowTitle() and TITLE[:10] in dialog.windowTitle()
        assert dialog.order_label.isVisible()
        assert dialog.order_label.text() == f"工单 {NUMBER}：{TITLE}"
        assert dialog.order_id == 1
        click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))
        qtbot.waitUntil(lambda: bar.dialog is None, timeout=5000)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("server"), orders=4)
    process.start()
    yield process
    process.stop()


@pytest.mark.slow
def test_a_command_leaves_when_its_window_closes_and_then_cannot_be_undone(
    qtbot: Any, tmp_path: Path, server: ServerProcess
) -> None:
    order_id = server.new_order("海潮路井盖松动")
    workspace = sign_in(server.url, "handler", PASSWORD, tmp_path / "desk", TaskRunner())
    try:
        assert workspace.sync_once().ok
        workspace.undo_window = timedelta(seconds=2)
        workspace.start_sync(interval=60)  # the background loop, as in the application
        window = open_window(qtbot, workspace, order_id)
        notice, view = window.undo_notice, window.order_view

        sign(qtbot, window)
        qtbot.waitUntil(notice.isVisible, timeout=5000)
        qtbot.wait(800)  # the loop has run a round since (record wakes it) but kept the command home
        assert [r["status"] for r in workspace.store.outbox(order_id)] == ["pending"]

        # The window closes: the loop sends it without being asked, and the server applies it.
        qtbot.waitUntil(lambda: [r["status"] for r in workspace.store.outbox(order_id)] == ["applied"], timeout=15000)
        agent = CaseDeskClient(server.url, persist_session=False)
        agent.login("agent", PASSWORD)
        assert agent.order(order_id).state == "in_progress"
        qtbot.waitUntil(lambda: not notice.isVisible() and not view.undo_button.isVisible(), timeout=5000)
        window.activateWindow()
        window.table.setFocus()
        QTest.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(notice.isVisible, timeout=2000)  # Ctrl+Z after the send says why nothing happens
        assert notice.label.text() == "“签收”已在发送中或已送达中心，不能撤销；如需更正，请按正常流程办理。"
        refused: list[BaseException] = []
        workspace.undo(order_id, on_error=refused.append)
        qtbot.waitUntil(lambda: bool(refused), timeout=5000)
        assert getattr(refused[0], "reason", "") == "gone"
        assert state(workspace, order_id) == "in_progress"
    finally:
        workspace.stop()
