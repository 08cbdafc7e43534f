"""The reviewer sees what changed: a returned reply's rounds compared, the request beside the reply, the callback.

On a real store with the server unreachable first (the rounds as the server sends them), then against a
real server process: a reply submitted, returned with a comment, edited and resubmitted, reviewed; the
centre calls the citizen back and closes the order, and the handler's desk shows the verdict.
Screenshots of the reviewer's pane go to /tmp/review-shots (zh and en, 1366×768 and 1920×1080).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QWidget

from casework.lifecycle import Command
from casework.schemas import ApproveBody, CloseBody, RecordCallbackBody, SignBody
from desktop.i18n import Languages
from desktop.workspace import Workspace
from offline.worklists import WorkList
from tests.fixtures.desk import CHIEF, HANDLER, put, shown
from tests.fixtures.gestures import ime
from tests.fixtures.live_desk import open_order
from tests.fixtures.server_process import ServerProcess
from ui.main_window import MainWindow
from ui.order.view import OrderView
from ui.reply_diff import diff_text

#: The demo city of the module's ``server`` (tests/fixtures/server_process.py): 4 orders.
SERVER_ORDERS = 4

SHOTS = Path("/tmp/review-shots")

# The fixtures these tests share with the other desktop tests.

FIRST = "您好！关于您反映的文昌路路灯不亮问题，我单位已于当日安排人员到现场查看，3盏路灯灯泡损坏，已更换。"
SECOND = (
    "您好！关于您反映的文昌路路灯不亮问题，我单位已于3月3日安排维修人员到现场查看，"
    "3盏路灯灯泡损坏，已全部更换，并纳入每周夜间巡查。"
)


def marked(document: QTextDocument) -> tuple[list[str], list[str]]:
    """The struck-through (deleted) and underlined (inserted) runs of a rendered document, in order."""
    deleted: list[str] = []
    inserted: list[str] = []
    last = ""
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            kind = "delete" if fmt.fontStrikeOut() else "insert" if fmt.fontUnderline() else ""
            if kind:
                runs = deleted if kind == "delete" else inserted
                if kind == last:
                    runs[-1] += fragment.text()
                else:
                    runs.append(fragment.text())
            last = kind
            it += 1
        block = block.next()
        last = ""
    return deleted, inserted


def click_tab(qtbot: Any, view: OrderView, page: QWidget) -> None:
    bar = view.tabs.tabBar()
    index = view.tabs.indexOf(page)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert view.tabs.currentWidget() is page


def form_texts(form: Any) -> list[str]:
    return [form.itemAt(i).widget().text() for i in range(form.count()) if isinstance(form.itemAt(i).widget(), QLabel)]


def form_rows(form: QFormLayout) -> dict[str, str]:
    """A form's rows as label → value, as the user reads them."""
    rows = {}
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label is not None and field is not None:
            rows[label.widget().text()] = field.widget().text()
    return rows


def rounds(*texts: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [
        {"round": n, "text": t, "result_code": c, "basis": b, "author_id": 7, "at": f"2026-03-0{n + 1}T10:00:00+08:00"}
        for n, (t, c, b) in enumerate(texts, start=1)
    ]


# --- on a real store --------------------------------------------------------------------------------


def test_the_diff_groups_chinese_edits_into_phrases() -> None:
    segments = diff_text("已于当日更换，恢复照明。", "已于3月3日更换，并纳入巡查，恢复照明。")
    assert [(s.kind, s.text) for s in segments] == [
        ("equal", "已于"),
        ("delete", "当"),
        ("insert", "3月3"),
        ("equal", "日更换"),
        ("insert", "，并纳入巡查"),
        ("equal", "，恢复照明。"),
    ]
    # A one-character match between two edits does not split them: one phrase replaced by another.
    assert [(s.kind, s.text) for s in diff_text("请局长审阅", "请科长批阅")] == [
        ("equal", "请"),
        ("delete", "局长审"),
        ("insert", "科长批"),
        ("equal", "阅"),
    ]


def test_the_reviewer_sees_what_changed_beside_the_request(
    qtbot: Any, make_workspace: Callable[..., Workspace]
) -> None:
    chief = make_workspace(CHIEF)
    put(
        chief,
        "in_review",
        handler_id=7,
        description="市民反映文昌路与海潮路交叉口东侧3盏路灯<b>连续一周</b>夜间不亮。",
        replies=rounds((FIRST, "explained", ""), (SECOND, "resolved", "《高邮市城市照明管理办法》第十二条")),
        reviews=[
            {
                "round": 1,
                "level": "section_chief",
                "reviewer_id": 5,
                "decision": "returned",
                "comment": "请写明<更换时间>和后续巡查安排",
                "at": "2026-03-02T15:00:00+08:00",
            }
        ],
        review_chain=["section_chief", "department_head"],
        review_level=0,
    )
    view = shown(qtbot, chief, size=(900, 700))
    assert view.tabs.tabText(view.tabs.indexOf(view.reply_page)) == "答复 (第2轮)"
    click_tab(qtbot, view, view.reply_page)

    # The request on the left, readable, its text as the citizen gave it (no markup interpreted).
    assert view.side_request_box.isVisible() and view.reply.isVisible()
    assert any("<b>连续一周</b>" in t for t in form_texts(view.side_request_form))
    assert view.side_request_box.geometry().right() < view.reply.mapTo(view.reply_page, QPoint(0, 0)).x()

    diff = view.reply_diff
    assert diff.isVisible() and diff.pair.currentText() == "第2轮 对比 第1轮"
    deleted, inserted = marked(diff.view.document())
    # The order of the document: the result, the basis, then the text.
    assert deleted == ["已解释说明", "当"]
    assert inserted == ["已解决", "《高邮市城市照明管理办法》第十二条", "3月3", "维修", "全部", "，并纳入每周夜间巡查"]
    plain = diff.view.toPlainText()
    assert "请写明<更换时间>和后续巡查安排" in plain  # the return comment, escaped, not swallowed as a tag
    assert "赵科长" in plain
    assert diff.stats.text() == "新增 17 字，删去 1 字"
    assert not diff.pair.isEnabled()  # only one pair to compare
    SHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    assert view.grab().save(str(SHOTS / "reply_diff_pane_zh.png"))


def test_three_rounds_can_be_compared_pair_by_pair_from_the_keyboard(
    qtbot: Any, make_workspace: Callable[..., Workspace]
) -> None:
    chief = make_workspace(CHIEF)
    third = SECOND.replace("每周夜间巡查", "每周两次夜间巡查")
    put(
        chief,
        "in_review",
        handler_id=7,
        replies=rounds((FIRST, "explained", ""), (SECOND, "resolved", ""), (third, "resolved", "")),
        review_chain=["section_chief", "department_head"],
        review_level=0,
    )
    view = shown(qtbot, chief, size=(900, 700))
    click_tab(qtbot, view, view.reply_page)
    diff = view.reply_diff
    assert [diff.pair.itemText(i) for i in range(diff.pair.count())] == ["第3轮 对比 第2轮", "第2轮 对比 第1轮"]
    assert marked(diff.view.document()) == ([], ["两次"])
    assert "已解决（未改）" in diff.view.toPlainText()

    diff.pair.setFocus()
    QTest.keyClick(diff.pair, Qt.Key.Key_Down)
    assert diff.pair.currentText() == "第2轮 对比 第1轮"
    assert "当" in marked(diff.view.document())[0]

    view.reload()  # a sync brings the order again: the pair chosen stays
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.reload()
    assert diff.pair.currentText() == "第2轮 对比 第1轮"


def test_the_handler_sees_the_revision_against_the_returned_round_as_it_is_typed(
    qtbot: Any, make_workspace: Callable[..., Workspace]
) -> None:
    handler = make_workspace(HANDLER)
    put(
        handler,
        "in_progress",
        handler_id=7,
        replies=rounds((FIRST, "explained", "")),
        reviews=[
            {
                "round": 1,
                "level": "section_chief",
                "reviewer_id": 5,
                "decision": "returned",
                "comment": "请写明后续巡查安排",
                "at": "2026-03-02T15:00:00+08:00",
            }
        ],
    )
    view = shown(qtbot, handler, size=(900, 700))
    click_tab(qtbot, view, view.reply_page)
    diff, editor = view.reply_diff, view.reply
    assert diff.isVisible() and diff.pair.currentText() == "修改中 对比 第1轮"
    assert "答复内容未改" in diff.view.toPlainText() and "请写明后续巡查安排" in diff.view.toPlainText()

    qtbot.mouseClick(editor.text.viewport(), Qt.MouseButton.LeftButton)
    QTest.keyClick(editor.text, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(editor.text, Qt.Key.Key_Backspace)  # the last "。"
    ime(editor.text, "，并纳入每周夜间巡查。")
    editor.result.setFocus()
    QTest.keyClick(editor.result, Qt.Key.Key_Up)
    QTest.keyClick(editor.result, Qt.Key.Key_Up)  # 已解决
    qtbot.waitUntil(lambda: "，并纳入每周夜间巡查" in marked(diff.view.document())[1], timeout=5000)
    assert marked(diff.view.document()) == (["已解释说明"], ["已解决", "，并纳入每周夜间巡查"])
    assert "正在修改，尚未提交" in diff.view.toPlainText()
    assert not editor.history.isVisible()  # round 1's text is in the comparison

    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)
    # Submitted: the revision is round 2 now, compared with round 1 — before any sync.
    qtbot.waitUntil(lambda: diff.pair.currentText() == "第2轮 对比 第1轮", timeout=5000)
    assert marked(diff.view.document())[1] == ["已解决", "，并纳入每周夜间巡查"]


def test_one_round_shows_no_comparison(qtbot: Any, make_workspace: Callable[..., Workspace]) -> None:
    chief = make_workspace(CHIEF)
    put(chief, "in_review", handler_id=7, replies=rounds((FIRST, "resolved", "")), review_chain=["section_chief"])
    view = shown(qtbot, chief)
    click_tab(qtbot, view, view.reply_page)
    assert not view.reply_diff.isVisible()
    assert view.tabs.tabText(view.tabs.indexOf(view.reply_page)) == "答复"


# --- against a real server ------------------------------------------------------------------------


def type_reply(qtbot: Any, view: OrderView, text: str, result_steps: int, basis: str = "") -> None:
    """Replace the reply's text, step the result list with the arrow keys, type the basis; click 提交答复."""
    editor = view.reply
    click_tab(qtbot, view, view.reply_page)
    qtbot.waitUntil(editor.submit.isEnabled, timeout=5000)
    qtbot.mouseClick(editor.text.viewport(), Qt.MouseButton.LeftButton)
    QTest.keyClick(editor.text, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    ime(editor.text, text)
    editor.result.setFocus()
    key = Qt.Key.Key_Down if result_steps > 0 else Qt.Key.Key_Up
    for _ in range(abs(result_steps)):
        QTest.keyClick(editor.result, key)
    if basis:
        qtbot.mouseClick(editor.basis, Qt.MouseButton.LeftButton)
        ime(editor.basis, basis)
    assert editor.text.toPlainText() == text
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)


def shoot(window: MainWindow, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    QTest.qWait(100)  # the layout requests a resize posts, as the event loop would run them
    assert window.grab().save(str(SHOTS / f"{name}.png"))
    assert window.order_view.grab().save(str(SHOTS / f"{name}_pane.png"))


@pytest.mark.slow
def test_returned_and_resubmitted_reply_shows_its_changes_then_the_callback(
    qtbot: Any, server: ServerProcess, open_desk: Callable[..., MainWindow], languages: Languages
) -> None:
    order_id = server.new_order("文汇路路灯不亮，晚上一片漆黑")
    handler_api = server.as_user("handler")
    handler_api.command(order_id, Command.SIGN, SignBody(version=handler_api.order(order_id).version))

    # Round 1: the handler writes and submits (explained: the third choice).
    handler = open_desk("handler")
    view = open_order(qtbot, handler, WorkList.MINE, order_id)
    type_reply(qtbot, view, FIRST, 3)
    assert handler.workspace.sync_once().applied == 1

    # The chief returns it with a comment, typed in the action's form.
    chief = open_desk("chief")
    view = open_order(qtbot, chief, WorkList.TO_REVIEW, order_id)
    assert not view.reply_diff.isVisible()  # one round: nothing to compare yet
    bar = view.actions
    with qtbot.waitSignal(bar.dialog_opened, timeout=5000) as opened:
        qtbot.mouseClick(bar.buttons[Command.RETURN_FOR_REWORK], Qt.MouseButton.LeftButton)
    dialog = opened.args[0]
    ime(dialog.comment, "请写明更换时间和后续巡查安排")
    with qtbot.waitSignal(bar.recorded, timeout=5000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert chief.workspace.sync_once().applied == 1

    # Round 2: the handler sees the comment, rewrites, picks 已解决 and gives the basis.
    assert handler.workspace.sync_once().ok
    view = open_order(qtbot, handler, WorkList.RETURNED, order_id)
    assert "请写明更换时间" in view.reply.returned.text()
    type_reply(qtbot, view, SECOND, -2, basis="《高邮市城市照明管理办法》第十二条")
    # On the handler's desk at once, before the server has it: the two rounds compared.
    qtbot.waitUntil(lambda: view.reply_diff.isVisible(), timeout=5000)
    assert "3月3" in marked(view.reply_diff.view.document())[1]
    assert handler.workspace.sync_once().applied == 1
    server_copy = handler_api.order(order_id)
    assert [(r.round, r.text) for r in server_copy.replies] == [(1, FIRST), (2, SECOND)]  # both kept in full

    # The chief's pane: the request beside the reply, and the words that changed marked.
    assert chief.workspace.sync_once().ok
    view = open_order(qtbot, chief, WorkList.TO_REVIEW, order_id)
    click_tab(qtbot, view, view.reply_page)
    assert view.side_request_box.isVisible() and "文汇路路灯不亮" in " ".join(form_texts(view.side_request_form))
    diff = view.reply_diff
    assert diff.isVisible() and diff.pair.currentText() == "第2轮 对比 第1轮"
    deleted, inserted = marked(diff.view.document())
    assert deleted == ["已解释说明", "当"]
    assert inserted == ["已解决", "《高邮市城市照明管理办法》第十二条", "3月3", "维修", "全部", "，并纳入每周夜间巡查"]
    assert "请写明更换时间和后续巡查安排" in diff.view.toPlainText()
    for size in ((1366, 768), (1920, 1080)):
        chief.resize(*size)
        shoot(chief, f"review_zh_{size[0]}x{size[1]}")

    english = open_desk("chief", "en")
    view = open_order(qtbot, english, WorkList.TO_REVIEW, order_id)
    click_tab(qtbot, view, view.reply_page)
    assert view.reply_diff.pair.currentText() == "Round 2 vs round 1"
    assert marked(view.reply_diff.view.document())[0] == ["Explained", "当"]
    for size in ((1366, 768), (1920, 1080)):
        english.resize(*size)
        shoot(english, f"review_en_{size[0]}x{size[1]}")

    # Approved up the chain; the centre calls the citizen back twice and closes the order.
    for username in ("chief", "head"):
        reviewer = server.as_user(username)
        reviewer.command(order_id, Command.APPROVE, ApproveBody(version=reviewer.order(order_id).version))
    agent = server.as_user("agent")
    for outcome, notes in (("unreachable", "无人接听"), ("satisfied", "市民表示路灯已亮，满意")):
        body = RecordCallbackBody(version=agent.order(order_id).version, outcome=outcome, notes=notes)
        agent.command(order_id, Command.RECORD_CALLBACK, body)
    agent.command(order_id, Command.CLOSE, CloseBody(version=agent.order(order_id).version, note="回访满意，办结"))

    languages.use("zh")  # the handler's window was built in Chinese
    assert handler.workspace.sync_once().ok
    view = open_order(qtbot, handler, WorkList.ALL, order_id)
    click_tab(qtbot, view, view.tabs.widget(0))  # 概况
    assert view.callback_box.isVisible()
    rows = form_rows(view.callback_form)
    assert list(rows) == ["市民满意度", "第1次回访", "第2次回访", "办结"]
    assert rows["市民满意度"] == "满意"
    assert "电话 · 未联系上 · 热线中心" in rows["第1次回访"] and rows["第1次回访"].endswith("\n无人接听")
    assert "电话 · 满意" in rows["第2次回访"] and rows["第2次回访"].endswith("\n市民表示路灯已亮，满意")
    assert rows["办结"].endswith("\n回访满意，办结")
    badge = view.findChild(QLabel, "callback_badge")
    assert badge is not None and badge.text() == "回访：满意"
    timeline = [
        (view.timeline.topLevelItem(i).text(2), view.timeline.topLevelItem(i).text(3))
        for i in range(view.timeline.topLevelItemCount())
    ]
    assert ("回访", "电话回访，满意；市民表示路灯已亮，满意") in timeline
    assert ("办结", "已答复/待回访 → 已办结；回访满意，办结") in timeline
    handler.resize(1366, 768)
    shoot(handler, "callback_zh_1366x768")
    click_tab(qtbot, view, view.timeline)
    shoot(handler, "callback_timeline_zh_1366x768")
