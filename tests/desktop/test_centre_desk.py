"""The centre's desk against a real server process: a hotline agent's work lists and the 受理 form
(similar orders and the caller's while typing, Ctrl+Enter to save, merge, nothing lost offline)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from casework.lifecycle import Command
from casework.schemas import OrderIntake, RequestExtensionBody, RequestReturnBody
from desktop.intake import INTAKE_DRAFT
from desktop.reads import WorkList
from desktop.session import sign_in
from desktop.tasks import TaskRunner
from tests.fixtures.gestures import click_list_item, click_row, ime
from tests.fixtures.server_process import ServerProcess
from ui.labels import work_list_label
from ui.main_window import CENTRE_LISTS, MainWindow

pytestmark = pytest.mark.slow


PASSWORD = "demo1234"
PHONE = "13912345678"  # the caller of ServerProcess.new_order


@pytest.fixture
def centre_server(server: ServerProcess) -> ServerProcess:
    """The module's server process (tests/fixtures/server_process.py)."""
    return server


def _open_desk(qtbot: Any, server: ServerProcess, root: Path, username: str = "agent") -> MainWindow:
    workspace = sign_in(server.url, username, PASSWORD, root, TaskRunner())
    assert workspace.sync_once().ok
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    return window


def _sidebar(window: MainWindow) -> list[str]:
    return [window.sidebar.item(i).text() for i in range(window.sidebar.count())]


def _type_intake(qtbot: Any, window: MainWindow, title: str, phone: str = PHONE) -> None:
    form = window.intake
    assert form is not None
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(form)).center())
    ime(form.caller_name, "王芳")
    QTest.keyClick(form.caller_name, Qt.Key.Key_Tab)
    QTest.keyClicks(form.phone, phone)
    form.category.setFocus()
    QTest.keyClicks(form.category, "0101")  # the completer offers "道路维修 0101": ↓ and Enter take it
    popup = form.category.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)
    window.activateWindow()  # the offscreen platform leaves the closed popup "active"; a window manager would not
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    assert form.category.text() == "道路维修 0101"
    ime(form.address, "高邮市文汇路88号")
    ime(form.title, title)
    ime(form.description, f"{title}，晚上出行很不安全。")


def test_agent_gets_the_centres_lists_and_takes_a_call(
    qtbot: Any, tmp_path: Path, centre_server: ServerProcess
) -> None:
    server = centre_server
    earlier = server.new_order("文汇路路灯不亮")  # the same caller's order, dispatched: open
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace = window.workspace
    try:
        names = [work_list_label(wl) for wl in CENTRE_LISTS]
        assert [t.split("  (")[0] for t in _sidebar(window)] == names
        assert "受理" in [window.tabs.tabText(i) for i in range(window.tabs.count())]

        _type_intake(qtbot, window, "文汇路路灯还是不亮")
        form = window.intake
        assert form is not None
        # While typing: the caller's open order is offered for 合并, and listed among their orders.
        qtbot.waitUntil(lambda: form.similar.count() > 0 and form.caller_orders.count() > 0, timeout=10_000)
        similar_ids = [form.similar.item(i).data(Qt.ItemDataRole.UserRole) for i in range(form.similar.count())]
        assert earlier in similar_ids
        caller_ids = [
            form.caller_orders.item(i).data(Qt.ItemDataRole.UserRole) for i in range(form.caller_orders.count())
        ]
        assert earlier in caller_ids
        # The draft is kept under order id 0 while typing.
        qtbot.waitUntil(lambda: workspace.store.draft(*INTAKE_DRAFT) is not None, timeout=5000)
        assert workspace.store.draft(*INTAKE_DRAFT)["content"]["title"] == "文汇路路灯还是不亮"  # type: ignore[index]

        # Ctrl+Enter in the request text saves a new order; it waits in 待派单.
        QTest.keyClick(form.description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        # At once: the order is on the desk as 待上传; the sync brings its number.
        assert form.title.text() == "" or "已受理" in form.notice.text() or form._saving
        qtbot.waitUntil(lambda: re.search(r"GY\d{8}-\d{4}", form.notice.text()) is not None, timeout=10_000)
        number = re.search(r"GY\d{8}-\d{4}", form.notice.text()).group(0)  # type: ignore[union-attr]
        agent = server.as_user("agent")
        created = agent.orders(q=number).items
        assert [(o.number, o.state.value, o.title) for o in created] == [(number, "received", "文汇路路灯还是不亮")]
        assert form.title.text() == "" and form.description.toPlainText() == ""
        qtbot.waitUntil(lambda: workspace.store.draft(*INTAKE_DRAFT) is None, timeout=5000)
        qtbot.waitUntil(lambda: window.sidebar.item(0).text().startswith("待派单  ("), timeout=10_000)

        # Bad input: no category, no text — said beside the form, nothing sent.
        before = agent.orders(phone="13800001111").items
        ime(form.title, "只写了标题")
        QTest.keyClicks(form.phone, "13800001111")
        QTest.keyClick(form.phone, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert "分类" in form.problem.text() and "诉求内容" in form.problem.text()
        assert agent.orders(phone="13800001111").items == before

        # 合并到此单: the duplicate call is registered and merged into the open order.
        form.clear()
        _type_intake(qtbot, window, "文汇路88号门口路灯坏了", phone="13700002222")
        qtbot.waitUntil(
            lambda: (
                earlier in [form.similar.item(i).data(Qt.ItemDataRole.UserRole) for i in range(form.similar.count())]
            ),
            timeout=10_000,
        )
        row = next(
            i for i in range(form.similar.count()) if form.similar.item(i).data(Qt.ItemDataRole.UserRole) == earlier
        )
        rect = form.similar.visualItemRect(form.similar.item(row))
        qtbot.mouseClick(form.similar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert form.merge_button.isEnabled()
        qtbot.mouseClick(form.merge_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "合并" in form.notice.text(), timeout=10_000)
        qtbot.waitUntil(
            lambda: [o.state.value for o in agent.orders(phone="13700002222").items] == ["merged"], timeout=10_000
        )
        merged = agent.orders(phone="13700002222").items
        assert [o.state.value for o in merged] == ["merged"]
    finally:
        workspace.stop()


def test_offline_the_intake_is_kept_and_comes_back(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    """The network drops mid-call: what is typed is kept as typed (a new window brings it back)."""
    server = centre_server
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace = window.workspace
    try:
        server.stop()
        workspace.sync_once()  # the desk learns it is offline
        qtbot.waitUntil(lambda: not workspace.status.online, timeout=10_000)
        _type_intake(qtbot, window, "海潮路井盖缺失")
        window.close()
        qtbot.waitUntil(lambda: workspace.store.draft(*INTAKE_DRAFT) is not None, timeout=5000)
        again = MainWindow(workspace)
        qtbot.addWidget(again)
        assert again.intake is not None
        qtbot.waitUntil(lambda: again.intake.title.text() == "海潮路井盖缺失", timeout=5000)  # type: ignore[union-attr]
        assert again.intake.category.text() == "道路维修 0101"  # type: ignore[union-attr]
        assert "已恢复" in again.intake.notice.text()  # type: ignore[union-attr]
    finally:
        server.start()
        workspace.stop()


def test_offline_intake_is_saved_and_uploaded_once(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    """Saved offline through the form: at once a 待上传 order in 待派单, a dispatch queued behind it;
    the server back, the push creates exactly one order, the provisional row gives way to it and the
    dispatch follows under the server's id."""
    server = centre_server
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace = window.workspace
    title = "海潮路井盖缺失无人管"
    restarted = False
    try:
        server.stop()
        _goes_offline(qtbot, workspace)
        _type_intake(qtbot, window, title, phone="13512340000")
        form = window.intake
        assert form is not None
        QTest.keyClick(form.title, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: "待上传" in form.notice.text() and "离线" in form.notice.text(), timeout=10_000)
        assert form.title.text() == "" and form.problem.text() == ""
        assert workspace.store.draft(*INTAKE_DRAFT) is None  # in the outbox now, in the same transaction
        [row] = [r for r in workspace.store.outbox() if r["name"] == "intake"]
        provisional = row["order_id"]
        assert provisional < 0 and row["args"]["title"] == title
        # In 待派单 at once, marked 待上传.
        click_list_item(qtbot, window.sidebar, CENTRE_LISTS.index(WorkList.TO_DISPATCH))
        qtbot.waitUntil(lambda: window.model.row_of(provisional) is not None, timeout=10_000)
        at = window.model.row_of(provisional)
        assert window.model.index(at, 1).data() == "待上传"  # type: ignore[arg-type]
        assert "【待上传】" in window.model.index(at, 2).data()  # type: ignore[arg-type]
        # A dispatch made in the dock while still offline queues behind the intake (on the provisional id).
        click_row(qtbot, window.table, at)  # type: ignore[arg-type]
        panel = window.centre_panel
        assert panel is not None
        qtbot.waitUntil(lambda: panel.order is not None and panel.order["id"] == provisional, timeout=10_000)
        assert "待上传" in panel.suggestion.text()  # no server suggestion for it yet
        lead = next(d["id"] for d in workspace.store.directory("departments") if d.get("code") == "ZJJ")
        assert panel.lead.currentData() == lead  # the category's department
        qtbot.mouseClick(panel.dispatch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: [r["name"] for r in workspace.store.outbox()] == ["intake", "dispatch"], timeout=5000)
        assert [m.name for m in workspace.store.pending(flush=True)] == ["intake"]  # the dispatch waits

        server.start()
        restarted = True
        report = workspace.sync_once()
        assert report.ok, report.error
        agent = server.as_user("agent")
        created = agent.orders(q=title).items
        assert len(created) == 1, created  # exactly one order
        order_id = created[0].id
        workspace.sync_once()  # the dispatch, now under the server's id (its undo window flushed below)
        workspace.engine.sync(flush=True)
        assert len(agent.orders(q=title).items) == 1
        assert agent.order(order_id).state.value == "dispatched"
        assert workspace.store.order(provisional) is None
        assert all(
            r["order_id"] == order_id for r in workspace.store.outbox() if r["mutation_id"] == row["mutation_id"]
        )
        # The list shows the server's order, never both.
        qtbot.waitUntil(
            lambda: window.model.row_of(order_id) is not None or window.model.row_of(provisional) is None,
            timeout=10_000,
        )
        assert window.model.row_of(provisional) is None
    finally:
        if not restarted:  # a second start would leave the running server unstoppable
            server.start()
        workspace.stop()


def _goes_offline(qtbot: Any, workspace: Any) -> None:
    """The desk learns the server is gone (a round cut by a reset connection may not say so yet)."""

    def offline() -> bool:
        workspace.sync_once()
        return not workspace.status.online

    qtbot.waitUntil(offline, timeout=20_000)


def _received(server: ServerProcess, title: str, phone: str = "13600003333") -> int:
    """A call taken at the centre by API and left waiting for dispatch (test data, not the desk's work)."""
    agent = server.as_user("agent")
    intake = {
        "channel": "wechat",
        "citizen": {"name": "李明", "phone": phone},
        "kind": "complaint",
        "category_code": "0101",
        "title": title,
        "description": f"{title}，请尽快处理。",
        "address": "高邮市盂城路1号",
    }
    return agent.create_order(OrderIntake.model_validate(intake)).id


def _choose(qtbot: Any, window: MainWindow, work_list: WorkList, order_id: int) -> None:
    """Click the list in the sidebar, then the order's row; the order opens (and the centre panel follows)."""
    click_list_item(qtbot, window.sidebar, CENTRE_LISTS.index(work_list))
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=10_000)
    click_row(qtbot, window.table, window.model.row_of(order_id))  # type: ignore[arg-type]
    panel = window.centre_panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.order is not None and panel.order["id"] == order_id, timeout=10_000)


def test_dispatch_with_the_suggestion_and_co_handling(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    server = centre_server
    one = _received(server, "盂城路鸽棚扰民")
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace, panel = window.workspace, window.centre_panel
    assert panel is not None
    try:
        _choose(qtbot, window, WorkList.TO_DISPATCH, one)
        assert panel.dispatch_box.isVisible() and not panel.callback_box.isVisible()
        assert "转办 / 回访" in window.order_view.actions.nothing.text()  # the order pane points to the dock
        qtbot.waitUntil(lambda: "签收时限" in panel.suggestion.text(), timeout=10_000)
        agent = server.as_user("agent")
        zjj = next(d.id for d in agent.departments() if d.code == "ZJJ")
        cgj = next(d.id for d in agent.departments() if d.code != "ZJJ" and d.kind == "department")
        assert panel.lead.currentData() == zjj  # the category's department
        # 协办: tick another department with the keyboard (Space on its row).
        row = next(i for i in range(panel.co.count()) if panel.co.item(i).data(Qt.ItemDataRole.UserRole) == cgj)
        rect = panel.co.visualItemRect(panel.co.item(row))
        qtbot.mouseClick(panel.co.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.keyClick(panel.co, Qt.Key.Key_Space)
        assert panel.co.item(row).checkState() == Qt.CheckState.Checked
        qtbot.mouseClick(panel.dispatch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: workspace.status.pending == 1, timeout=5000)
        qtbot.waitUntil(lambda: "已派单" in panel.message.text(), timeout=3000)
        assert workspace.sync_once().applied == 1
        sent = agent.order(one)
        assert (sent.state.value, sent.lead_department_id, sent.co_department_ids) == ("dispatched", zjj, [cgj])
    finally:
        workspace.stop()


def test_the_suggestion_follows_how_similar_orders_were_dispatched(
    qtbot: Any, tmp_path: Path, centre_server: ServerProcess
) -> None:
    """Three earlier orders like this one went to 城管局: the dock suggests it and says why."""
    server = centre_server
    for title in ("秦邮路共享单车乱停放", "秦邮路共享单车乱停堵路", "秦邮路口共享单车乱停"):
        server.new_order(title, lead="CGJ")
    asked = _received(server, "秦邮路共享单车乱停", phone="13600007777")
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace, panel = window.workspace, window.centre_panel
    assert panel is not None
    try:
        _choose(qtbot, window, WorkList.TO_DISPATCH, asked)
        qtbot.waitUntil(lambda: "签收时限" in panel.suggestion.text(), timeout=10_000)
        cgj = next(d.id for d in server.as_user("agent").departments() if d.code == "CGJ")
        assert panel.lead.currentData() == cgj  # not the category's 住建局
        text = panel.suggestion.text()
        assert "依据：以往3件相似工单中3件由" in text and "主办" in text, text
    finally:
        workspace.stop()


def test_batch_dispatch_shows_each_orders_result(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    server = centre_server
    first, second = _received(server, "文汇路积水"), _received(server, "文汇路井盖松动", phone="13600004444")
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace, panel = window.workspace, window.centre_panel
    assert panel is not None
    try:
        _choose(qtbot, window, WorkList.TO_DISPATCH, first)
        qtbot.mouseClick(panel.batch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.batch_results.count() >= 2, timeout=10_000)
        assert "未派" in panel.message.text() and "已派" in panel.message.text()
        agent = server.as_user("agent")
        assert agent.order(first).state.value == "dispatched" and agent.order(second).state.value == "dispatched"
        texts = [panel.batch_results.item(i).text() for i in range(panel.batch_results.count())]
        assert all("已派单" in t for t in texts)
    finally:
        workspace.stop()


def _record_callback(qtbot: Any, panel: Any, outcome: str, words: str) -> None:
    panel.outcome.setFocus()
    while panel.outcome.currentData() != outcome:  # the keyboard: ↓ through the outcomes
        QTest.keyClick(panel.outcome, Qt.Key.Key_Down)
    if words:
        ime(panel.words, words)
    pending = panel.workspace.status.pending
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.workspace.status.pending == pending + 1, timeout=5000)


def test_callback_unsatisfied_goes_back_or_the_supervisor_closes(
    qtbot: Any, tmp_path: Path, centre_server: ServerProcess
) -> None:
    server = centre_server
    rehandle, close = server.replied_order("海潮路鸽棚仍有异味"), server.replied_order("盂城路噪音")
    window = _open_desk(qtbot, server, tmp_path / "agent")
    workspace, panel = window.workspace, window.centre_panel
    assert panel is not None
    try:
        _choose(qtbot, window, WorkList.TO_CALL_BACK, rehandle)
        assert panel.callback_box.isVisible() and "答复：" in panel.reply.text()
        assert not panel.close_button.isEnabled()  # no callback yet: the closing rule refuses
        _record_callback(qtbot, panel, "unsatisfied", "鸽子还在，味道很大")
        qtbot.waitUntil(lambda: "上次：不满意" in panel.attempts.text(), timeout=5000)
        assert not panel.close_button.isEnabled() and panel.reopen_button.isEnabled()  # an agent: 重办 only
        ime(panel.reason, "请拆除鸽棚并回复市民")
        qtbot.mouseClick(panel.reopen_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: workspace.status.pending == 2, timeout=5000)
        assert workspace.sync_once().applied == 2
        agent = server.as_user("agent")
        back = agent.order(rehandle)
        assert back.state.value == "in_progress" and back.callbacks[-1].citizen_words == "鸽子还在，味道很大"
    finally:
        workspace.stop()

    window = _open_desk(qtbot, server, tmp_path / "supervisor", "supervisor")
    workspace, panel = window.workspace, window.centre_panel
    assert panel is not None
    try:
        _choose(qtbot, window, WorkList.TO_CALL_BACK, close)
        assert panel.close_button.text() == "值班长办结"
        _record_callback(qtbot, panel, "unsatisfied", "还是吵")
        qtbot.waitUntil(lambda: panel.close_button.isEnabled(), timeout=5000)  # the supervisor may close
        qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)  # without a reason: refused, said
        qtbot.waitUntil(lambda: "理由" in panel.message.text() or "reason" in panel.message.text(), timeout=5000)
        ime(panel.reason, "已多次协调，施工许可合法")
        qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: workspace.status.pending == 2, timeout=5000)
        assert workspace.sync_once().applied == 2
        assert server.as_user("agent").order(close).state.value == "closed"
    finally:
        workspace.stop()


def test_rulings_on_a_return_and_an_extension(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    server = centre_server
    chief, handler = server.as_user("chief"), server.as_user("handler")
    returned = server.new_order("盂城路广告牌松动")
    version = chief.order(returned).version
    body = RequestReturnBody(version=version, reason_code="not_our_duty", reason="广告牌归城管局管理")
    chief.command(returned, Command.REQUEST_RETURN, body)
    extended = server.new_order("文游路排水管网改造")
    version = server.assign(extended)
    ask = RequestExtensionBody(version=version, days=3, reason="需协调施工单位")
    handler.command(extended, Command.REQUEST_EXTENSION, ask)

    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace, panel = window.workspace, window.centre_panel
    assert panel is not None
    try:
        _choose(qtbot, window, WorkList.TO_RULE, returned)
        assert panel.ruling_box.isVisible() and "广告牌归城管局管理" in panel.request.text()
        # The deadline effect of each choice: refusing keeps the one in force; accepting dispatches anew.
        qtbot.waitUntil(lambda: "同意：改派后重新计时，签收时限" in panel.effect.text(), timeout=10_000)
        assert "不同意：原单位继续办理，期限不变" in panel.effect.text()
        zjj = chief.order(returned).lead_department_id
        assert panel.new_lead.currentData() != zjj  # another department than the one returning it
        new_lead = panel.new_lead.currentData()
        qtbot.mouseClick(panel.accept_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: workspace.status.pending == 1, timeout=5000)

        _choose(qtbot, window, WorkList.TO_RULE, extended)
        assert "需协调施工单位" in panel.request.text() and not panel.new_lead.isVisible()
        assert "批准：答复期限延至" in panel.effect.text() and "期限不变" in panel.effect.text()
        qtbot.mouseClick(panel.refuse_button, Qt.MouseButton.LeftButton)  # no comment: said, nothing recorded
        assert "意见" in panel.message.text() and workspace.status.pending == 1
        ime(panel.ruling_comment, "请按期办结")
        qtbot.mouseClick(panel.refuse_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: workspace.status.pending == 2, timeout=5000)
        assert workspace.sync_once().applied == 2
        agent = server.as_user("agent")
        moved = agent.order(returned)
        assert (moved.state.value, moved.lead_department_id) == ("dispatched", new_lead)
        refused = agent.order(extended)
        assert refused.extension is not None and refused.extension.status.value == "denied"
    finally:
        workspace.stop()


def test_the_supervisors_board(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    server = centre_server
    _received(server, "今天的来电")
    window = _open_desk(qtbot, server, tmp_path / "desks", "supervisor")
    workspace, board = window.workspace, window.centre_board
    assert board is not None
    try:
        bar = window.tabs.tabBar()
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(board)).center())
        qtbot.waitUntil(lambda: board.board is not None, timeout=10_000)
        truth = server.as_user("supervisor").centre_board()
        assert f"今日受理 {truth.intake_total} 件" in board.summary.text()
        assert board.waiting.rowCount() == len(truth.waiting) and board.callbacks.rowCount() == len(truth.callbacks_due)
        assert (
            sum(
                int(board.intake.item(r, board.intake.columnCount() - 1).text()) for r in range(board.intake.rowCount())
            )
            == truth.intake_total
        )
        assert board.waiting.rowCount() > 0  # the demo city's received orders wait longer than 5 minutes
        # A double click opens the order in the workbench.
        first = truth.waiting[0].id
        rect = board.waiting.visualItemRect(board.waiting.item(0, 1))
        qtbot.mouseClick(board.waiting.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double click:
        qtbot.mouseDClick(board.waiting.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, then again
        qtbot.waitUntil(lambda: window.tabs.currentIndex() == 0 and window.order_view.order_id == first, timeout=5000)
    finally:
        workspace.stop()


def test_an_agent_has_no_board_and_a_department_desk_has_no_centre_screens(
    qtbot: Any, tmp_path: Path, centre_server: ServerProcess
) -> None:
    window = _open_desk(qtbot, centre_server, tmp_path / "agent")
    try:
        assert window.centre_board is None and window.intake is not None
    finally:
        window.workspace.stop()
    window = _open_desk(qtbot, centre_server, tmp_path / "handler", "handler")
    try:
        assert window.intake is None and window.centre_panel is None and window.centre_board is None
        assert window.sidebar.item(0).text().startswith("待签收")
    finally:
        window.workspace.stop()


def test_a_consultation_answered_at_once(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    server = centre_server
    asked = _received(server, "新生儿落户需要哪些材料")
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace, panel = window.workspace, window.centre_panel
    assert panel is not None
    try:
        _choose(qtbot, window, WorkList.TO_DISPATCH, asked)
        assert panel.answer_box.isVisible()
        qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)  # no answer: said, nothing recorded
        assert "答复" in panel.message.text() and workspace.status.pending == 0
        ime(panel.answer, "请携带出生医学证明和父母户口簿到派出所办理。")
        ime(panel.basis, "《户口登记条例》第七条")
        qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: workspace.status.pending == 1, timeout=5000)
        assert workspace.sync_once().applied == 1
        done = server.as_user("agent").order(asked)
        assert done.state.value == "closed" and done.replies[-1].basis == "《户口登记条例》第七条"
    finally:
        workspace.stop()


def test_batch_dispatch_of_the_selected_rows(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    server = centre_server
    first, second = _received(server, "东大街路面破损"), _received(server, "西大街路面破损", phone="13600005555")
    third = _received(server, "南大街路面破损", phone="13600006666")
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace, panel = window.workspace, window.centre_panel
    assert panel is not None
    try:
        _choose(qtbot, window, WorkList.TO_DISPATCH, first)
        row = window.model.row_of(second)
        assert row is not None
        index = window.model.index(row, 2)
        window.table.scrollTo(index)
        qtbot.mouseClick(
            window.table.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            window.table.visualRect(index).center(),
        )
        qtbot.waitUntil(lambda: sorted(panel.selected_ids) == sorted([first, second]), timeout=5000)
        assert "2" in panel.batch_button.text()
        qtbot.mouseClick(panel.batch_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.batch_results.count() == 2, timeout=10_000)
        agent = server.as_user("agent")
        states = [agent.order(i).state.value for i in (first, second, third)]
        assert states == ["dispatched", "dispatched", "received"]  # the third was not selected
    finally:
        workspace.stop()


def test_intake_coordinates_complexity_and_tags(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    """Coordinates beside the address (checked: both or none, in range), complexity, free tags as chips;
    bad input is said beside the field and nothing is stored; fixed, they reach the server's order."""
    server = centre_server
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace = window.workspace
    try:
        _type_intake(qtbot, window, "城北鸽棚气味扰民", phone="13500001234")
        form = window.intake
        assert form is not None
        QTest.keyClicks(form.lat, "132.5")  # out of range
        QTest.keyClicks(form.lon, "119.44")
        form.complexity.setFocus()
        QTest.keyClick(form.complexity, Qt.Key.Key_Down)
        assert form.complexity.currentData() == "complex"
        form.tags.setFocus()
        ime(form.tags, "鸽棚，扰民")
        QTest.keyClick(form.tags, Qt.Key.Key_Return)
        assert form.tags_shown.text() == "「鸽棚」 「扰民」"
        ime(form.tags, "一" * 31)
        QTest.keyClick(form.title, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert "纬度" in form.coords_problem.text() and "纬度" in form.problem.text()
        assert "30" in form.tags_problem.text()
        assert [r for r in workspace.store.outbox() if r["name"] == "intake"] == []  # nothing stored
        # Fixed: the latitude, and the long tag removed.
        form.lat.selectAll()
        QTest.keyClicks(form.lat, "32.78")
        form.tags.selectAll()
        ime(form.tags, "鸽棚, 扰民")
        QTest.keyClick(form.title, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: re.search(r"GY\d{8}-\d{4}", form.notice.text()) is not None, timeout=10_000)
        assert form.coords_problem.text() == "" and form.tags_problem.text() == ""
        [order] = server.as_user("agent").orders(q="城北鸽棚气味扰民").items
        detail = server.as_user("agent").order(order.id)
        assert (detail.lat, detail.lon, detail.complexity.value) == (32.78, 119.44, "complex")
        assert detail.tags == ["鸽棚", "扰民"]
    finally:
        workspace.stop()


def test_answer_at_once_from_the_intake_form_offline(qtbot: Any, tmp_path: Path, centre_server: ServerProcess) -> None:
    """直接办结 straight from the form, offline: the intake and the 直接办结 queue together; the basis is
    required; the server back, the order is created once and closed with the answer and its basis."""
    server = centre_server
    window = _open_desk(qtbot, server, tmp_path / "desks")
    workspace = window.workspace
    restarted = False
    try:
        server.stop()
        _goes_offline(qtbot, workspace)
        _type_intake(qtbot, window, "新生儿落户要带什么材料", phone="13500005678")
        form = window.intake
        assert form is not None
        assert form.kind.currentData() == "consultation"
        assert not form.answer_box.isVisible()
        form.answer_at_once.setFocus()  # Tab from the request text reaches it
        QTest.keyClick(form.answer_at_once, Qt.Key.Key_Space)
        assert form.answer_box.isVisible()
        assert (
            form.knowledge_slot.itemAt(0).widget() is window.intake_cite
        )  # 引用知识库… (tests/desktop/test_knowledge_desk.py)
        ime(form.answer, "请携带出生医学证明和父母户口簿到派出所办理。")
        qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
        assert "政策依据" in form.answer_problem.text()  # no basis: said beside it, nothing stored
        assert [r for r in workspace.store.outbox() if r["name"] == "intake"] == []
        ime(form.basis, "《户口登记条例》第七条")
        QTest.keyClick(
            form.basis, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
        qtbot.waitUntil(lambda: "直接办结" in form.notice.text(), timeout=10_000)
        assert [r["name"] for r in workspace.store.outbox()] == ["intake", "close_at_once"]

        server.start()
        restarted = True
        assert workspace.sync_once().ok
        agent = server.as_user("agent")
        [order] = agent.orders(q="新生儿落户要带什么材料").items
        detail = agent.order(order.id)
        assert detail.state.value == "closed" and detail.replies[-1].basis == "《户口登记条例》第七条"
    finally:
        if not restarted:  # a second start would leave the running server unstoppable
            server.start()
        workspace.stop()


def test_beside_the_dock_the_list_keeps_its_number_and_title_at_1366_in_english(
    qtbot: Any, tmp_path: Path, centre_server: ServerProcess, languages: Any
) -> None:
    """The order view beside the 转办/回访 dock could not be narrower than 671 px in English (the reply
    editor's aids beside its result), which left the work list a sliver at 1366×768: no order number in
    sight. Beside the dock the order view is compact and the list keeps its first columns."""
    languages.use("en")
    workspace = sign_in(centre_server.url, "agent", PASSWORD, tmp_path / "desks", TaskRunner())
    assert workspace.sync_once().ok
    window = MainWindow(workspace, language="en")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
        click_row(qtbot, window.table, 0)
        qtbot.waitUntil(lambda: window.order_view.order_id == window.model.order_id(0), timeout=10_000)
        QApplication.processEvents()
        header = window.table.horizontalHeader()
        title = 2
        # What squeezed the list: the order view's least width (671 px in English before, 457 now).
        assert window.order_view.minimumSizeHint().width() < 520, window.order_view.minimumSizeHint().width()
        assert header.sectionSize(title) >= 60, header.sectionSize(title)
        assert header.sectionViewportPosition(title) + header.sectionSize(title) <= window.table.viewport().width()
    finally:
        workspace.stop()
