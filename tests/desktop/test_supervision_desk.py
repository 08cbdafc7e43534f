"""督办, 催办 and notifications on the desk, against a real server process (issue 13): a city leader
issues 督办 from the order view; after a sync the handler's desk has it in 督办 and among its
notifications; the handler answers with 督办反馈 and the leader's desk sees it. The centre issues
催办 for several orders selected in its list. A co-handling department's desk shows the warning of
its own part's deadline, saying which deadline it is, in Chinese and in English."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTreeWidget

from casework.deadlines import SHANGHAI
from casework.lifecycle import Command
from casework.schemas import AssignHandlerBody, RemindBody, SignBody
from desktop.reads import WorkList
from desktop.session import sign_in
from desktop.tasks import TaskRunner
from tests.fixtures.gestures import click_list_item, click_row, ime
from tests.fixtures.server_process import ROOT, ServerProcess
from ui.actions import SupervisionDialog
from ui.main_window import CENTRE_LISTS, LISTS, MainWindow

pytestmark = pytest.mark.slow

PASSWORD = "demo1234"


def _open_desk(qtbot: Any, server: ServerProcess, root: Path, username: str) -> MainWindow:
    workspace = sign_in(server.url, username, PASSWORD, root, TaskRunner())
    assert workspace.sync_once().ok
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    return window


def _in_hand(server: ServerProcess, title: str) -> int:
    """An order dispatched to 住建局, signed by the chief and given to the demo handler."""
    order_id = server.new_order(title)
    chief = server.as_user("chief")
    version = chief.command(order_id, Command.SIGN, SignBody(version=chief.order(order_id).version)).version
    handler_id = server.as_user("handler").user.id  # type: ignore[union-attr]
    chief.command(order_id, Command.ASSIGN_HANDLER, AssignHandlerBody(version=version, handler_id=handler_id))
    return order_id


def _open_in_list(qtbot: Any, window: MainWindow, lists: list[WorkList], work_list: WorkList, order_id: int) -> None:
    click_list_item(qtbot, window.sidebar, lists.index(work_list))
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=10_000)
    click_row(qtbot, window.table, window.model.row_of(order_id))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: (window.order_view.order or {}).get("id") == order_id, timeout=10_000)


def _fill_and_submit(qtbot: Any, window: MainWindow, command: Command, text: str) -> None:
    bar = window.order_view.actions
    button = bar.buttons[command]
    qtbot.waitUntil(button.isVisible, timeout=5000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = bar.dialog
    assert isinstance(dialog, SupervisionDialog)
    ime(dialog.note, text)
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.dialog is None, timeout=5000)


def _rows(tree: QTreeWidget) -> list[list[str]]:
    return [[tree.topLevelItem(i).text(c) for c in range(tree.columnCount())] for i in range(tree.topLevelItemCount())]


def test_a_leaders_supervision_reaches_the_handler_and_the_feedback_comes_back(
    qtbot: Any, tmp_path: Path, server: ServerProcess
) -> None:
    order_id = _in_hand(server, "城南小区雨水管网堵塞")
    leader = _open_desk(qtbot, server, tmp_path / "leader", "leader")
    handler = None
    try:
        # The leader opens the order and issues 督办 from the order view, with what is required.
        _open_in_list(qtbot, leader, LISTS, WorkList.ALL, order_id)
        _fill_and_submit(qtbot, leader, Command.SUPERVISE, "请三日内疏通并报送进展")
        assert leader.workspace.sync_once().ok
        assert server.as_user("leader").order(order_id).supervised

        # The handler's desk: the order in 督办, the notification with the leader's words, the bell.
        handler = _open_desk(qtbot, server, tmp_path / "handler", "handler")
        supervised = LISTS.index(WorkList.SUPERVISED)
        qtbot.waitUntil(lambda: handler.sidebar.item(supervised).text().startswith("督办  ("), timeout=10_000)
        _open_in_list(qtbot, handler, LISTS, WorkList.SUPERVISED, order_id)
        qtbot.waitUntil(lambda: handler.bell.text() == "通知 1", timeout=10_000)
        assert handler.bell.width() >= handler.bell.sizeHint().width()  # said whole, not "…"
        qtbot.mouseClick(handler.bell, Qt.MouseButton.LeftButton)
        assert handler.tabs.currentWidget() is handler.notices
        rows = _rows(handler.notices.list)
        assert [r[1] for r in rows] == ["督办"]
        assert "钱国栋 督办工单" in rows[0][2] and "请三日内疏通并报送进展" in rows[0][2]

        # A 催办 made while the desk is open arrives with the next sync, and is announced.
        agent = server.as_user("agent")
        agent.command(order_id, Command.REMIND, RemindBody(version=agent.order(order_id).version, note="市民来电催促"))
        assert handler.workspace.sync_once().ok
        qtbot.waitUntil(lambda: any("市民来电催促" in said for said in handler.announcer.announced), timeout=10_000)
        qtbot.waitUntil(lambda: handler.bell.text() == "通知 2", timeout=10_000)

        # Double-clicking the 督办 opens its order (and marks it read); the handler answers with 督办反馈.
        tree = handler.notices.list
        qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=5000)
        item = next(tree.topLevelItem(i) for i in range(2) if tree.topLevelItem(i).text(1) == "督办")
        rect = tree.visualItemRect(item)
        assert not handler.notices.read_button.isEnabled()  # 标为已读: nothing chosen yet
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double click:
        assert handler.notices.read_button.isEnabled()  # an unread one chosen
        qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, then again
        qtbot.waitUntil(lambda: handler.tabs.currentIndex() == 0, timeout=5000)
        qtbot.waitUntil(lambda: handler.bell.text() == "通知 1", timeout=10_000)
        qtbot.waitUntil(lambda: not handler.notices.read_button.isEnabled(), timeout=5000)  # still chosen, now read
        qtbot.waitUntil(lambda: (handler.order_view.order or {}).get("id") == order_id, timeout=10_000)
        _fill_and_submit(qtbot, handler, Command.SUPERVISION_FEEDBACK, "已组织疏通，预计周五完成")
        assert handler.workspace.sync_once().ok
        served = server.as_user("handler")
        assert served.notifications().unread == 1  # the read 督办 was told to the server

        # The leader's desk: the feedback among its notifications and in the order's 督办 tab.
        assert leader.workspace.sync_once().ok
        qtbot.waitUntil(lambda: leader.bell.text() == "通知 1", timeout=10_000)
        qtbot.waitUntil(lambda: leader.notices.list.topLevelItemCount() == 1, timeout=5000)
        feedback = _rows(leader.notices.list)[0]
        assert feedback[1] == "督办反馈" and "李强 对工单" in feedback[2] and "已组织疏通，预计周五完成" in feedback[2]
        view = leader.order_view
        qtbot.waitUntil(lambda: len(_rows(view.supervision)) == 3, timeout=10_000)
        assert [(r[1], r[2], r[3]) for r in _rows(view.supervision)] == [
            ("钱国栋", "督办", "请三日内疏通并报送进展"),
            ("孙晓雯", "催办", "市民来电催促"),
            ("李强", "督办反馈", "已组织疏通，预计周五完成"),
        ]
        qtbot.mouseClick(leader.bell, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(leader.notices.read_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: leader.bell.text() == "通知", timeout=10_000)
        assert leader.workspace.sync_once().ok
        assert server.as_user("leader").notifications().unread == 0
    finally:
        for window in (leader, handler):
            if window is not None:
                window.workspace.stop()


def test_the_centre_reminds_several_selected_orders_at_once(qtbot: Any, tmp_path: Path, server: ServerProcess) -> None:
    first, second = _in_hand(server, "东门菜场噪声扰民"), _in_hand(server, "北海路井盖缺失")
    window = _open_desk(qtbot, server, tmp_path / "agent", "agent")
    try:
        click_list_item(qtbot, window.sidebar, CENTRE_LISTS.index(WorkList.ALL))
        qtbot.waitUntil(
            lambda: window.model.row_of(first) is not None and window.model.row_of(second) is not None, timeout=10_000
        )
        click_row(qtbot, window.table, window.model.row_of(first))  # type: ignore[arg-type]
        index = window.table.model().index(window.model.row_of(second), 2)  # type: ignore[arg-type]
        qtbot.mouseClick(
            window.table.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            window.table.visualRect(index).center(),
        )
        panel = window.centre_panel
        assert panel is not None
        qtbot.waitUntil(lambda: panel.remind_button.text() == "催办所选 2 件", timeout=5000)
        assert panel.supervision_box.isVisible()
        ime(panel.supervision_note, "市民多次来电，请加快办理")
        qtbot.mouseClick(panel.remind_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "已记录 2 件" in panel.message.text(), timeout=10_000)
        assert window.workspace.sync_once().ok
        handler = server.as_user("handler")
        found = handler.notifications().notifications
        reminded = {n.order_id: n.text for n in found if n.kind.value == "remind" and n.order_id in (first, second)}
        assert reminded == {first: "市民多次来电，请加快办理", second: "市民多次来电，请加快办理"}
        assert server.as_user("agent").order(first).reminders == 1
    finally:
        window.workspace.stop()


def test_a_co_departments_desk_shows_the_warning_of_its_own_parts_deadline(
    qtbot: Any, server: ServerProcess, open_desk: Callable[..., MainWindow]
) -> None:
    # 住建局 leads; 城管局 co-handles, and its part waits to be signed for; a pass an hour before.
    order_id = server.new_order("文汇路人行道破损", co=("CGJ",))
    agent = server.as_user("agent")
    cgj = next(d.id for d in agent.departments() if d.code == "CGJ")
    order = agent.order(order_id)
    part = next(p for p in order.co_handling if p.department_id == cgj)
    assert part.sign_by is not None
    at = (part.sign_by - timedelta(hours=1)).astimezone(SHANGHAI).isoformat()
    warned = subprocess.run(
        [sys.executable, "-m", "server", "warn", "--at", at],
        env=server.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert warned.returncode == 0, warned.stderr

    for language, words in (("zh", ("协办签收时限", "临期预警")), ("en", ("Co-handling sign-by", "Deadline warning"))):
        desk = open_desk("yangfan", language=language)  # 城管局's section chief
        qtbot.mouseClick(desk.bell, Qt.MouseButton.LeftButton)
        tree = desk.notices.list
        qtbot.waitUntil(lambda t=tree: any(order.number in row[2] for row in _rows(t)), timeout=10_000)
        row = next(row for row in _rows(tree) if order.number in row[2])
        bold = QFont(tree.font())
        bold.setBold(True)
        assert tree.columnWidth(1) > QFontMetrics(bold).horizontalAdvance(row[1])  # the type whole
        deadline, kind = words
        assert row[1] == kind and deadline in row[2], row
        assert row[2].startswith("工单" if language == "zh" else "Order "), row  # a sentence begins with a capital
        # The order is in its 预警 list: the warning is of the deadline its desk shows (the part's own).
        _open_in_list(qtbot, desk, LISTS, WorkList.WARNINGS, order_id)
