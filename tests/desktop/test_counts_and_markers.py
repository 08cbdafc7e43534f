"""The counts and badges are true, and each role opens where its work is — in the real window,
against a real server process: 待同步 badges clear once the server has applied the edits; the
leader's audit queue fills on first open and follows a mark at once; 新 and 退回 markers; new
orders arrive by the cheap poll; the opening list is chosen after the session's first sync.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from casework.lifecycle import Command
from casework.schemas import ReturnForReworkBody, SubmitReplyBody
from desktop.session import sign_in
from desktop.tasks import Lane, TaskRunner
from desktop.workspace import Workspace
from offline.worklists import WorkList, condition
from tests.fixtures.server_process import PASSWORD, ServerProcess
from ui.main_window import LISTS, MainWindow

pytestmark = pytest.mark.slow

ROW = {wl: i for i, wl in enumerate(LISTS)}


@pytest.fixture
def desks(qtbot: Any, tmp_path: Path, server: ServerProcess) -> Iterator[Any]:
    """Open a user's desk (same profile for the same user within a test); stopped at the end."""
    opened: list[Workspace] = []

    def open_(username: str, first_sync: bool = True) -> MainWindow:
        # As the application does it: signed in on a network worker, the window built on the UI thread.
        runner = TaskRunner()
        done: list[Workspace] = []
        runner.run(
            sign_in, server.url, username, PASSWORD, tmp_path / "desks", runner, lane=Lane.NETWORK, on_done=done.append
        )
        qtbot.waitUntil(lambda: bool(done), timeout=30_000)
        workspace = done[0]
        opened.append(workspace)
        if first_sync:
            assert workspace.sync_once().ok
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        window.show()
        return window

    yield open_
    for workspace in opened:
        workspace.stop()
    # Deliver the answers already on their way while the windows still exist (qtbot deletes them next).
    for _ in range(3):
        qtbot.waitUntil(lambda: all(w.runner.running == 0 for w in opened), timeout=10_000)
        qtbot.wait(100)


def returned_to_handler(server: ServerProcess, order_id: int) -> None:
    """The handler replies, the chief sends the reply back (by API)."""
    chief, handler = server.as_user("chief"), server.as_user("handler")
    body = SubmitReplyBody(version=handler.order(order_id).version, text="已处理完毕。", result_code="resolved")
    version = handler.command(order_id, Command.SUBMIT_REPLY, body).version
    chief.command(order_id, Command.RETURN_FOR_REWORK, ReturnForReworkBody(version=version, comment="请补充整改时限"))


def cell(window: MainWindow, order_id: int, column: int) -> str:
    row = window.model.row_of(order_id)
    assert row is not None, f"order {order_id} is not in the list"
    return str(window.model.index(row, column).data())


def click_list(qtbot: Any, window: MainWindow, work_list: WorkList) -> None:
    item = window.sidebar.item(ROW[work_list])
    with qtbot.waitSignal(window.model.loaded, timeout=10_000):
        QTest.mouseClick(
            window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=window.sidebar.visualItemRect(item).center()
        )


def click_row(qtbot: Any, window: MainWindow, order_id: int) -> None:
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=10_000)
    index = window.model.index(window.model.row_of(order_id), 1)  # type: ignore[arg-type]
    with qtbot.waitSignal(window.order_view.loaded, timeout=10_000, check_params_cb=lambda i: i == order_id):
        QTest.mouseClick(
            window.table.viewport(), Qt.MouseButton.LeftButton, pos=window.table.visualRect(index).center()
        )


def sidebar_text(window: MainWindow, work_list: WorkList) -> str:
    return window.sidebar.item(ROW[work_list]).text()


def test_pending_badges_clear_once_the_server_has_applied_the_edits(
    qtbot: Any, server: ServerProcess, desks: Any
) -> None:
    order_id = server.handlers_order("府前街下水道堵塞")
    window = desks("handler")
    workspace = window.workspace
    click_list(qtbot, window, WorkList.MINE)
    # Two edits made here (the forms record them this way): the row and the status bar say so.
    workspace.record(order_id, Command.SAVE_DRAFT, {"text": "已联系市政，明日疏通。"})
    workspace.record(order_id, Command.ADD_NOTE, {"client_id": str(uuid.uuid4()), "text": "已电话联系市民"})
    qtbot.waitUntil(lambda: cell(window, order_id, 8) == "待同步 2", timeout=10_000)
    assert window.pending_label.text() == "待同步 2 项"

    # A real round: the server applies both; its copy comes back with the verdicts and the pull.
    report = workspace.sync_once()
    assert report.ok and report.applied == 2
    qtbot.waitUntil(lambda: window.pending_label.text() == "待同步 0 项", timeout=10_000)
    qtbot.waitUntil(lambda: cell(window, order_id, 8) == "", timeout=10_000)
    assert server.as_user("agent").order(order_id).draft.text == "已联系市政，明日疏通。"  # type: ignore[union-attr]
    # And still clear after the next pull brings the order again.
    workspace.sync_once()
    with qtbot.waitSignal(window.model.loaded, timeout=10_000):
        window.model.refresh()
    assert cell(window, order_id, 8) == ""


def test_audit_queue_fills_on_first_open_and_follows_a_mark_at_once(
    qtbot: Any, server: ServerProcess, desks: Any
) -> None:
    replied = {server.replied_order("海潮路井盖缺失"), server.replied_order("盂城小区雨水管堵塞")}
    # A fresh profile: the window is up before the first sync has brought anything.
    window = desks("leader", first_sync=False)
    queue = window.audit_queue
    assert queue is not None
    bar = window.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(queue)).center())
    assert window.tabs.currentWidget() is queue
    window.workspace.start_sync()
    # Filled by the first sync, without touching the month.
    qtbot.waitUntil(lambda: replied <= {o["id"] for o in queue.orders}, timeout=30_000)
    total = len(queue.orders)
    assert queue.progress.text() == f"已审核 0 / {total} 件"

    # Offline from here: what the queue shows comes from the mark recorded on this desk.
    server.stop()
    try:
        order_id = min(replied)
        row = next(i for i, o in enumerate(queue.orders) if o["id"] == order_id)
        QTest.mouseClick(
            queue.table.viewport(),
            Qt.MouseButton.LeftButton,
            pos=queue.table.visualItemRect(queue.table.item(row, 1)).center(),
        )
        assert queue.selected()["id"] == order_id and queue.table.item(row, 5).text() == "待审核"  # type: ignore[index]
        QTest.mouseClick(queue.mark, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: queue.progress.text() == f"已审核 1 / {total} 件", timeout=10_000)
        row = next(i for i, o in enumerate(queue.orders) if o["id"] == order_id)
        assert queue.table.item(row, 5).text() == "已审核"
        if total > 1:  # the leader is taken on to the next order still to audit
            assert queue.selected()["id"] != order_id and queue.mark.isEnabled()  # type: ignore[index]
        QTest.mouseClick(
            queue.table.viewport(),
            Qt.MouseButton.LeftButton,
            pos=queue.table.visualItemRect(queue.table.item(row, 1)).center(),
        )
        assert queue.selected()["id"] == order_id and not queue.mark.isEnabled()  # type: ignore[index]  # once is enough
        assert window.workspace.status.pending == 1
    finally:
        server.start()


def test_new_orders_arrive_by_poll_marked_new_until_opened(qtbot: Any, server: ServerProcess, desks: Any) -> None:
    server.new_order("司徒镇垃圾清运不及时")  # one waiting already: the list is not empty
    window = desks("chief")
    workspace = window.workspace
    click_list(qtbot, window, WorkList.TO_SIGN)
    # The first download of a fresh profile is not news.
    assert not any("【新】" in cell(window, window.model.order_id(r), 2) for r in range(window.model.rowCount()))  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: sidebar_text(window, WorkList.TO_SIGN) != "待签收", timeout=10_000)
    assert "新" not in sidebar_text(window, WorkList.TO_SIGN)

    # Polls every 0.2 s, full rounds far apart: an idle poll redraws nothing.
    changes: list[Any] = []
    workspace.changed.connect(changes.append)
    workspace.start_sync(interval=600, poll=0.2)
    qtbot.waitUntil(lambda: workspace.first_sync_reported, timeout=10_000)
    qtbot.wait(300)
    changes.clear()
    loads: list[int] = []
    window.model.loaded.connect(loads.append)
    qtbot.wait(1500)
    assert changes == [] and loads == []

    # The centre dispatches a new order: here within seconds, not at the next full round.
    order_id = server.new_order("菱塘乡路灯不亮")
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=10_000)
    assert cell(window, order_id, 2) == "【新】菱塘乡路灯不亮"
    qtbot.waitUntil(lambda: "新1)" in sidebar_text(window, WorkList.TO_SIGN), timeout=10_000)

    # Opened in the pane: no longer new, in the list and in the sidebar count.
    click_row(qtbot, window, order_id)
    qtbot.waitUntil(lambda: cell(window, order_id, 2) == "菱塘乡路灯不亮", timeout=10_000)
    qtbot.waitUntil(lambda: "新" not in sidebar_text(window, WorkList.TO_SIGN), timeout=10_000)


def test_each_role_opens_where_its_work_is_after_the_first_sync(qtbot: Any, server: ServerProcess, desks: Any) -> None:
    order_id = server.handlers_order("南海路人行道破损")
    first = desks("handler")  # the profile's first session: nothing is returned yet
    qtbot.waitUntil(lambda: first.sidebar.currentRow() == ROW[WorkList.MINE], timeout=10_000)
    first.workspace.stop()
    first.close()

    # Meanwhile the chief sends the reply back. The next session's local counts still say 办理中…
    returned_to_handler(server, order_id)
    window = desks("handler", first_sync=False)
    qtbot.waitUntil(lambda: window.sidebar.currentRow() == ROW[WorkList.MINE], timeout=10_000)
    window.workspace.start_sync()
    # …but once the first sync has reported, the desk opens on 退回待办, where the order now is.
    qtbot.waitUntil(lambda: window.sidebar.currentRow() == ROW[WorkList.RETURNED], timeout=30_000)
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=10_000)
    assert cell(window, order_id, 2) == "【退回】南海路人行道破损"
    window.workspace.stop()
    window.close()

    # A list the user chose is never taken from them: chosen before the first sync reports.
    server.handlers_order("北海路积水")
    again = desks("handler", first_sync=False)
    qtbot.waitUntil(lambda: again.sidebar.currentRow() >= 0, timeout=10_000)
    click_list(qtbot, again, WorkList.CLOSED)
    again.workspace.start_sync()
    qtbot.waitUntil(lambda: again.workspace.first_sync_reported, timeout=30_000)
    store, actor = again.workspace.store, again.workspace.actor
    mine = store.count(condition(WorkList.MINE, actor, datetime.now(UTC)))  # with the order the sync brought
    qtbot.waitUntil(lambda: sidebar_text(again, WorkList.MINE).startswith(f"办理中  ({mine} · 新1)"), timeout=10_000)
    assert again.sidebar.currentRow() == ROW[WorkList.CLOSED]
