"""The seed's own story (../shared/seed), driven only through the desktop windows of the people in it.

A citizen complains on WeChat about a neighbour's pigeon shed. The centre's agent takes the message
(受理) and dispatches it to the housing bureau (住建局) with the city management bureau (城管局)
co-handling; the housing bureau's handler signs and checks on site with photos; 城管局's inspector
signs for the bureau's part, checks on site and gives its 协办意见; the handler replies citing it;
the chief and the head approve; the agent calls the citizen back — unsatisfied — and sends the order back
(重办); the handler replies again, the reply is approved again, the citizen is satisfied and the
agent closes the order.

Every step is a click, a key or typed text in a real window signed in to a real server process; the
desks reach each other only through their own sync (the 立即同步 button). The test makes no API call
of its own: what it checks is what the windows show.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QTabWidget,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItemIterator,
    QWidget,
)

from casework.lifecycle import Command
from casework.worklists import WorkList
from tests.fixtures.gestures import click_list_item, click_row, drop_files, ime
from tests.fixtures.photos import make_jpeg
from ui.main_window import MainWindow, lists_for

pytestmark = pytest.mark.slow

#: The module's demo city (tests/fixtures/server_process.py): small, the story brings its own order.
SERVER_ORDERS = 20

TITLE = "阳台搭建鸽子棚"
REQUEST = "盂城路12号有住户在阳台上搭建了鸽子棚，鸽子粪便和羽毛到处飞，影响正常生活，请尽快处理。"
FIRST_REPLY = "经现场核实，该住户阳台鸽棚系违章搭建，已责令其限期自行拆除。"
CO_OPINION = "城管局意见：鸽棚属违章搭建，已下达限期拆除通知。"
SECOND_REPLY = "经现场复查，鸽棚已于本周拆除，现场已清理消毒，并将纳入社区日常巡查。"


# --- what a person does -------------------------------------------------------------------------


def sync(qtbot: Any, window: MainWindow) -> None:
    """Click 立即同步 and wait until the round is over with nothing left to send."""
    workspace = window.workspace
    before = workspace.status.last_sync
    qtbot.mouseClick(window.sync_button, Qt.MouseButton.LeftButton)

    def done() -> bool:
        status = workspace.status
        return (
            not status.syncing
            and status.last_sync is not None
            and status.last_sync != before
            and status.pending == 0
            and status.problems == 0
        )

    qtbot.waitUntil(done, timeout=30_000)


def choose(qtbot: Any, combo: QComboBox, data: Any) -> None:
    """Step through a combo box with the arrow keys until ``data`` is chosen."""
    combo.setFocus()
    for key in (Qt.Key.Key_Home, *[Qt.Key.Key_Down] * combo.count()):
        if combo.currentData() == data:
            return
        QTest.keyClick(combo, key)
    assert combo.currentData() == data, (data, combo.currentText())


def choose_text(qtbot: Any, combo: QComboBox, text: str) -> None:
    index = combo.findText(text, Qt.MatchFlag.MatchContains)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    choose(qtbot, combo, combo.itemData(index))


def click(qtbot: Any, widget: QWidget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_order(qtbot: Any, window: MainWindow, work_list: WorkList, title: str) -> int:
    """Click ``work_list`` in the sidebar, then the row whose title is ``title``; the order's id."""
    click_list_item(qtbot, window.sidebar, lists_for(window.workspace.user.role.value).index(work_list))
    model = window.model

    def row() -> int | None:
        for r in range(model.rowCount()):
            order = model.row(r)
            # The server's order (a provisional one, still 待上传, has a negative id until its sync).
            if order is not None and order.get("title") == title and order["id"] > 0:
                return r
        return None

    qtbot.waitUntil(lambda: row() is not None, timeout=10_000)
    order_id = model.order_id(row())  # type: ignore[arg-type]
    assert order_id is not None
    click_row(qtbot, window.table, row())  # type: ignore[arg-type]
    view = window.order_view
    qtbot.waitUntil(lambda: view.order is not None and view.order["id"] == order_id, timeout=10_000)
    return order_id


def command_button(qtbot: Any, window: MainWindow, command: Command) -> QWidget:
    bar = window.order_view.actions
    qtbot.waitUntil(lambda: bar.buttons[command].isVisible(), timeout=10_000)
    return bar.buttons[command]


def fill_and_ok(qtbot: Any, window: MainWindow, command: Command, field: str, text: str) -> None:
    """Click the command's button, type ``text`` into the form's ``field``, click OK."""
    bar = window.order_view.actions
    click(qtbot, command_button(qtbot, window, command))
    qtbot.waitUntil(lambda: bar.dialog is not None and bar.dialog.isVisible(), timeout=5000)
    dialog = bar.dialog
    assert dialog is not None
    ime(getattr(dialog, field), text)
    pending = window.workspace.status.pending
    click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))
    qtbot.waitUntil(lambda: window.workspace.status.pending == pending + 1, timeout=10_000)
    qtbot.waitUntil(lambda: bar.dialog is None, timeout=5000)  # the form closes once its command is kept


def comment_and_ok(qtbot: Any, window: MainWindow, command: Command, comment: str) -> None:
    fill_and_ok(qtbot, window, command, "comment", comment)


def open_tab(qtbot: Any, tabs: QTabWidget, page: QWidget) -> None:
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(tabs.indexOf(page)).center())
    assert tabs.currentWidget() is page


def reply(qtbot: Any, window: MainWindow, text: str, cite: bool = False) -> None:
    """Write the reply (after the co-handling department's cited opinion, if ``cite``) and submit it."""
    view = window.order_view
    open_tab(qtbot, view.tabs, view.reply_page)
    editor = view.reply
    qtbot.waitUntil(lambda: editor.submit.isEnabled() and editor.writable(), timeout=10_000)
    editor.text.selectAll()
    QTest.keyClick(editor.text, Qt.Key.Key_Delete)
    ime(editor.text, text)
    if cite:
        (button,) = view.co_side.cite_buttons.values()  # 引用 beside 城管局's opinion
        qtbot.waitUntil(button.isVisible, timeout=5000)
        click(qtbot, button)
        assert CO_OPINION.split("：")[1] in editor.text.toPlainText()
    choose(qtbot, editor.result, "resolved")
    pending = window.workspace.status.pending
    click(qtbot, editor.submit)
    qtbot.waitUntil(lambda: window.workspace.status.pending == pending + 1, timeout=10_000)


def text_shown(widget: QWidget) -> str:
    """Every text a person can read in ``widget`` now: labels, text panes and tree rows."""
    parts: list[str] = []
    for child in widget.findChildren(QWidget):
        if not child.isVisibleTo(widget):
            continue
        if isinstance(child, QLabel):
            parts.append(child.text())
        elif isinstance(child, (QTextBrowser, QPlainTextEdit)):
            parts.append(child.toPlainText())
        elif isinstance(child, QTreeWidget):
            iterator = QTreeWidgetItemIterator(child)
            while iterator.value():
                item = iterator.value()
                parts.extend(item.text(c) for c in range(child.columnCount()))
                iterator += 1
    return "\n".join(parts)


# --- the story ----------------------------------------------------------------------------------


def test_the_pigeon_shed_from_wechat_to_closed(
    qtbot: Any, tmp_path: Path, open_desk: Callable[..., MainWindow]
) -> None:
    agent = open_desk("agent")

    # 受理: the WeChat message, typed into the intake form.
    form = agent.intake
    assert form is not None
    open_tab(qtbot, agent.tabs, form)
    choose_text(qtbot, form.channel, "微信")
    ime(form.caller_name, "刘先生")
    form.phone.setFocus()
    QTest.keyClicks(form.phone, "13852600123")
    choose_text(qtbot, form.kind, "投诉")
    form.category.setFocus()
    QTest.keyClicks(form.category, "0301")  # the completer offers 违章建筑 0301: ↓ and Enter take it
    popup = form.category.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    QTest.keyClick(popup, Qt.Key.Key_Down)
    QTest.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=3000)
    agent.activateWindow()  # the offscreen platform leaves the closed popup "active"; a window manager would not
    qtbot.waitUntil(lambda: QApplication.activeWindow() is agent, timeout=3000)
    assert form.category.text() == "违章建筑 0301"
    ime(form.address, "高邮市盂城路12号")
    ime(form.title, TITLE)
    ime(form.description, REQUEST)
    QTest.keyClick(form.description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.problem.text() == ""
    # Kept on the desk at once (待上传); the sync brings the server's number.
    qtbot.waitUntil(lambda: re.search(r"GY\d{8}-\d{4}", form.notice.text()) is not None, timeout=15_000)
    number = re.search(r"GY\d{8}-\d{4}", form.notice.text()).group(0)  # type: ignore[union-attr]

    # 转办: to 住建局, with 城管局 co-handling.
    open_tab(qtbot, agent.tabs, agent.tabs.widget(0))
    sync(qtbot, agent)
    order_id = open_order(qtbot, agent, WorkList.TO_DISPATCH, TITLE)
    panel = agent.centre_panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.order is not None and panel.order["id"] == order_id, timeout=10_000)
    assert number in text_shown(agent.order_view)
    choose_text(qtbot, panel.lead, "住房和城乡建设局")
    cgj = next(i for i in range(panel.co.count()) if "城市管理局" in panel.co.item(i).text())
    rect = panel.co.visualItemRect(panel.co.item(cgj))
    qtbot.mouseClick(panel.co.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    QTest.keyClick(panel.co, Qt.Key.Key_Space)
    assert panel.co.item(cgj).checkState() == Qt.CheckState.Checked
    click(qtbot, panel.dispatch_button)
    qtbot.waitUntil(lambda: "已派单" in panel.message.text(), timeout=10_000)
    sync(qtbot, agent)

    # 住建局's handler signs and goes out with the camera.
    handler = open_desk("handler")
    assert open_order(qtbot, handler, WorkList.TO_SIGN, TITLE) == order_id
    assert REQUEST in text_shown(handler.order_view)
    click(qtbot, command_button(qtbot, handler, Command.SIGN))
    qtbot.waitUntil(lambda: handler.order_view.actions.buttons[Command.RECORD_ONSITE_CHECK].isVisible(), timeout=10_000)
    actions = handler.order_view.actions
    click(qtbot, command_button(qtbot, handler, Command.RECORD_ONSITE_CHECK))
    qtbot.waitUntil(lambda: actions.dialog is not None and actions.dialog.isVisible(), timeout=5000)
    check = actions.dialog
    photos = []
    for seed in (1, 2):
        path = tmp_path / f"IMG_{seed:04d}.jpg"
        path.write_bytes(make_jpeg(seed, (1600, 1200), quality=80))
        photos.append(path)
    drop_files(check.picker, photos)  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: len(check.picker.photos()) == 2 and not check.picker.is_busy(), timeout=20_000)  # type: ignore[union-attr]
    ime(check.notes, "阳台鸽棚约3平方米，无审批手续，鸽粪污染楼道。")  # type: ignore[union-attr]
    pending = handler.workspace.status.pending
    click(qtbot, check.buttons.button(QDialogButtonBox.StandardButton.Ok))  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: handler.workspace.status.pending == pending + 1, timeout=10_000)
    sync(qtbot, handler)

    # 城管局's inspector finds it in 协办, signs for the bureau's part, checks on site, gives 协办意见.
    co = open_desk("zhulei")
    assert open_order(qtbot, co, WorkList.CO_HANDLING, TITLE) == order_id
    pending = co.workspace.status.pending
    click(qtbot, command_button(qtbot, co, Command.CO_SIGN))
    qtbot.waitUntil(lambda: co.workspace.status.pending == pending + 1, timeout=10_000)
    fill_and_ok(qtbot, co, Command.RECORD_ONSITE_CHECK, "notes", "鸽棚搭在阳台外侧，未经审批，属违章搭建。")
    fill_and_ok(qtbot, co, Command.SUBMIT_CO_OPINION, "opinion", CO_OPINION)
    sync(qtbot, co)

    # The handler gets 城管局's opinion and replies, citing it.
    sync(qtbot, handler)
    open_order(qtbot, handler, WorkList.MINE, TITLE)
    reply(qtbot, handler, FIRST_REPLY, cite=True)
    sync(qtbot, handler)

    # The section chief and the head approve.
    chief = open_desk("chief")
    open_order(qtbot, chief, WorkList.TO_REVIEW, TITLE)
    assert FIRST_REPLY in text_shown(chief.order_view)
    comment_and_ok(qtbot, chief, Command.APPROVE, "同意")
    sync(qtbot, chief)
    head = open_desk("head")
    open_order(qtbot, head, WorkList.TO_REVIEW, TITLE)
    comment_and_ok(qtbot, head, Command.APPROVE, "同意上报")
    sync(qtbot, head)

    # 回访: the citizen is not satisfied — the pigeons are still there. 重办.
    sync(qtbot, agent)
    open_order(qtbot, agent, WorkList.TO_CALL_BACK, TITLE)
    qtbot.waitUntil(lambda: panel.callback_box.isVisible() and FIRST_REPLY in panel.reply.text(), timeout=10_000)
    choose(qtbot, panel.outcome, "unsatisfied")
    ime(panel.words, "鸽棚还在，只是说了一下，没有拆。")
    pending = agent.workspace.status.pending
    click(qtbot, panel.record_button)
    qtbot.waitUntil(lambda: agent.workspace.status.pending == pending + 1, timeout=10_000)
    qtbot.waitUntil(lambda: panel.reopen_button.isEnabled(), timeout=10_000)
    assert not panel.close_button.isEnabled()  # an unsatisfied callback does not close
    ime(panel.reason, "市民反映鸽棚未拆除，请督促拆除后再答复")
    click(qtbot, panel.reopen_button)
    qtbot.waitUntil(lambda: agent.workspace.status.pending == pending + 2, timeout=10_000)
    sync(qtbot, agent)

    # The handler finds it back on the desk with the centre's reason, and replies again.
    sync(qtbot, handler)
    open_order(qtbot, handler, WorkList.MINE, TITLE)
    qtbot.waitUntil(lambda: "请督促拆除" in text_shown(handler.order_view), timeout=10_000)
    reply(qtbot, handler, SECOND_REPLY)
    sync(qtbot, handler)
    sync(qtbot, chief)
    open_order(qtbot, chief, WorkList.TO_REVIEW, TITLE)
    comment_and_ok(qtbot, chief, Command.APPROVE, "同意")
    sync(qtbot, chief)
    sync(qtbot, head)
    open_order(qtbot, head, WorkList.TO_REVIEW, TITLE)
    comment_and_ok(qtbot, head, Command.APPROVE, "同意")
    sync(qtbot, head)

    # 回访 again: satisfied, resolved — the agent closes it.
    sync(qtbot, agent)
    open_order(qtbot, agent, WorkList.TO_CALL_BACK, TITLE)
    qtbot.waitUntil(lambda: SECOND_REPLY in panel.reply.text(), timeout=10_000)
    choose(qtbot, panel.outcome, "satisfied")
    if not panel.resolved.isChecked():
        click(qtbot, panel.resolved)
    ime(panel.words, "已经拆了，谢谢。")
    pending = agent.workspace.status.pending
    click(qtbot, panel.record_button)
    qtbot.waitUntil(lambda: agent.workspace.status.pending == pending + 1, timeout=10_000)
    qtbot.waitUntil(lambda: panel.close_button.isEnabled(), timeout=10_000)
    click(qtbot, panel.close_button)
    qtbot.waitUntil(lambda: agent.workspace.status.pending == pending + 2, timeout=10_000)
    sync(qtbot, agent)

    # Closed, as every desk in the story sees it.
    assert open_order(qtbot, agent, WorkList.CLOSED, TITLE) == order_id
    qtbot.waitUntil(lambda: "已办结" in text_shown(agent.order_view), timeout=10_000)
    sync(qtbot, handler)
    assert open_order(qtbot, handler, WorkList.CLOSED, TITLE) == order_id
    qtbot.waitUntil(lambda: "已办结" in text_shown(handler.order_view), timeout=10_000)
    view = handler.order_view
    open_tab(qtbot, view.tabs, view.tabs.widget(0))  # 概况: both callbacks, in the citizen's words
    overview = text_shown(view)
    assert "市民：“鸽棚还在，只是说了一下，没有拆。”" in overview and "市民：“已经拆了，谢谢。”" in overview
    open_tab(qtbot, view.tabs, view.timeline)  # 处理记录: the whole story, step by step
    timeline = [
        " | ".join(view.timeline.topLevelItem(i).text(c) for c in (2, 3))
        for i in range(view.timeline.topLevelItemCount())
    ]
    steps = [line.split(" | ")[0] for line in timeline]
    assert steps == [
        "受理", "派单", "签收", "现场核查", "协办签收", "现场核查", "提交协办意见", "提交答复", "审核通过", "审核通过",
        "回访", "重办", "提交答复", "审核通过", "审核通过", "回访", "办结",
    ], timeline  # fmt: skip
    reopened = timeline[steps.index("重办")]
    assert "市民反映鸽棚未拆除，请督促拆除后再答复" in reopened
    closed = timeline[-1]
    assert "请督促拆除" not in closed  # the closing carries no words left over from the 重办 before it
