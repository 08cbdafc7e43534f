"""Nothing typed is lost: the reply editor and the action forms keep what is typed in the local store
(within two seconds of a keystroke, and at once on switching order or closing the window); it comes
back when the order is opened again — after switching, after closing the window, after a SIGKILL.

Driven through the real window with mouse clicks and key presses. Chinese is typed as a Chinese
input method does (a committed string: ``QInputMethodEvent``), the rest with ``QTest.keyClicks``.
The server is unreachable: everything is kept and queued offline, as in the field.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QMessageBox, QWidget

from casework.lifecycle import Command
from desktop.workspace import REPLY_DRAFT, form_key
from tests.fixtures.desk import message_boxes, open_workspace, seed
from tests.fixtures.gestures import ime
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


# --- helpers ------------------------------------------------------------------------------------------


def click(qtbot: Any, widget: QWidget, pos: QPoint | None = None) -> None:
    """A left click (at the middle unless ``pos``); into a text box's page where the typing goes."""
    if isinstance(widget, QAbstractScrollArea):
        widget = widget.viewport()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos or QPoint())


def click_row(qtbot: Any, window: MainWindow, order_id: int) -> None:
    """Click the order's row in the list, as a user picks it; wait for the pane to show it."""
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=5000)
    rect = window.table.visualRect(window.model.index(window.model.row_of(order_id), 2))  # type: ignore[arg-type]
    with qtbot.waitSignal(window.order_view.loaded, timeout=5000, check_params_cb=lambda i: i == order_id):
        click(qtbot, window.table.viewport(), rect.center())


def listed_title(window: MainWindow, order_id: int) -> str:
    """The order's title as its row shows it, with its markers."""
    return str(window.model.data(window.model.index(window.model.row_of(order_id), 2)))  # type: ignore[arg-type]


def click_reply_tab(qtbot: Any, window: MainWindow) -> None:
    tabs = window.order_view.tabs
    bar = tabs.tabBar()
    click(qtbot, bar, bar.tabRect(tabs.indexOf(window.order_view.reply_page)).center())
    assert tabs.currentWidget() is window.order_view.reply_page


def notice() -> QMessageBox | None:
    found = [w for w in QApplication.topLevelWidgets() if w.objectName() == "close_notice" and w.isVisible()]
    return found[0] if found else None  # type: ignore[return-value]


@pytest.fixture
def desk(qtbot: Any, tmp_path: Path) -> Iterator[Callable[[], MainWindow]]:
    """Open the handler's window on one profile; call again to open it anew (as after a restart)."""
    root = tmp_path / "profile-wangjg"
    seed(root)
    opened: list[MainWindow] = []

    def open_() -> MainWindow:
        if opened and opened[-1].isVisible():
            opened[-1].close()
        if opened:
            opened[-1].workspace.stop()  # as the application does on the way out
        window = MainWindow(open_workspace(root))
        window.notice_on_close = True  # as the application sets it
        window.resize(1366, 768)
        window.show()
        qtbot.waitUntil(lambda: window.model.total == 2, timeout=5000)  # 办理中 (2)
        opened.append(window)
        return window

    yield open_
    for box in [w for w in QApplication.topLevelWidgets() if w.objectName() == "close_notice" and w.isVisible()]:
        box.close()  # every closing notice this test's windows put up, not only the last
    retire(qtbot, opened)
    QCoreApplication.instance().setProperty("casedesk_language", None)


def retire(qtbot: Any, windows: list[MainWindow]) -> None:
    """Close the windows, stop their desks, let the answers already on their way arrive while the
    windows are alive, then delete them (a late answer to a deleted window is another issue's bug)."""
    for window in windows:
        window.notice_on_close = False
        window.close()
        window.workspace.stop()
    qtbot.wait(300)
    for window in windows:
        window.deleteLater()
    qtbot.wait(50)


# --- the reply editor ---------------------------------------------------------------------------------


def test_a_typed_reply_survives_switching_orders_and_closing_the_window(
    qtbot: Any, desk: Callable[[], MainWindow]
) -> None:
    window = desk()
    click_row(qtbot, window, 1)
    click_reply_tab(qtbot, window)
    editor = window.order_view.reply
    click(qtbot, editor.text)
    ime(editor.text, "经现场核实，文昌路")
    qtbot.keyClicks(editor.text, " 3 ")
    ime(editor.text, "盏路灯已更换。")
    typed = "经现场核实，文昌路 3 盏路灯已更换。"
    assert editor.text.toPlainText() == typed
    store = window.workspace.store
    assert store.draft(1, REPLY_DRAFT) is None  # not at every keystroke...
    qtbot.waitUntil(lambda: store.draft(1, REPLY_DRAFT) is not None, timeout=4000)  # ...but within 2 s
    assert store.draft(1, REPLY_DRAFT)["content"]["text"] == typed  # type: ignore[index]
    # The list marks the order whose text stays on this PC only, and no other.
    qtbot.waitUntil(lambda: listed_title(window, 1).startswith("【草稿】"), timeout=5000)
    assert not listed_title(window, 2).startswith("【草稿】")
    assert "草稿：本机保存着尚未提交的答复或表单内容" in str(
        window.model.data(window.model.index(window.model.row_of(1), 2), Qt.ItemDataRole.ToolTipRole)  # type: ignore[arg-type]
    )

    # Another order, and back: the text is there (and the other order has none of it).
    click_row(qtbot, window, 2)
    assert editor.text.toPlainText() == ""
    click_row(qtbot, window, 1)
    assert editor.text.toPlainText() == typed and editor.is_dirty()

    # More typed, a basis, then the window is closed at once: no time for the two seconds.
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    click(qtbot, editor.text)
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    ime(editor.text, "感谢您的监督。")
    click(qtbot, editor.basis)
    ime(editor.basis, "《城市照明管理办法》第十二条")
    window.close()
    box = notice()
    assert box is not None and box.isModal() is False  # says so, waits for nobody
    assert "1 张工单上有未保存的答复或表单内容" in box.informativeText()
    box.close()

    # The next morning: a new window on the same profile, the order marked in the list.
    window = desk()
    assert listed_title(window, 1).startswith("【草稿】")
    click_row(qtbot, window, 1)
    editor = window.order_view.reply
    assert editor.text.toPlainText() == typed + "感谢您的监督。"
    assert editor.basis.text() == "《城市照明管理办法》第十二条"
    assert editor.status.text().startswith("已恢复未保存的内容（北京时间 20")
    assert editor.is_dirty() and editor.save.isEnabled()

    # Saved as a draft (Ctrl+S): the local draft goes with the command, in the same transaction.
    click_reply_tab(qtbot, window)
    click(qtbot, editor.text)
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.keyClick(editor.text, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.workspace.store.draft(1, REPLY_DRAFT) is None
    assert window.workspace.store.order(1)["draft"]["text"] == typed + "感谢您的监督。"  # type: ignore[index]
    qtbot.waitUntil(lambda: not listed_title(window, 1).startswith("【草稿】"), timeout=5000)
    qtbot.wait(2500)  # the timer of the last keystrokes must not bring it back
    assert window.workspace.store.drafts() == []


def test_typing_while_the_next_order_loads_goes_nowhere_unseen(qtbot: Any, desk: Callable[[], MainWindow]) -> None:
    """Between a click on another order and its arrival, the editor is empty and read-only: keys typed
    then neither land in the order before nor vanish when the new one is shown."""
    window = desk()
    click_row(qtbot, window, 1)
    click_reply_tab(qtbot, window)
    editor = window.order_view.reply
    click(qtbot, editor.text)
    ime(editor.text, "一号工单的答复")
    # The disk lane is busy for a moment (a long query, a slow disk): order 2's load waits behind it.
    window.workspace.runner.run(time.sleep, 1.0, label="slow disk")
    rect = window.table.visualRect(window.model.index(window.model.row_of(2), 2))  # type: ignore[arg-type]
    click(qtbot, window.table.viewport(), rect.center())
    assert window.order_view.order_id == 2 and window.order_view.reply.order is None  # still loading
    assert editor.text.isReadOnly() and editor.text.toPlainText() == ""
    editor.text.setFocus()
    qtbot.keyClicks(editor.text, "lost?")
    assert editor.text.toPlainText() == ""  # refused where it can be seen, not taken and dropped later
    qtbot.waitUntil(lambda: editor.order is not None and editor.order["id"] == 2, timeout=5000)
    assert editor.text.toPlainText() == "" and not editor.text.isReadOnly()
    click_row(qtbot, window, 1)
    assert editor.text.toPlainText() == "一号工单的答复"  # order 1's text stayed with order 1


def test_closing_says_what_stays_on_this_pc_and_nothing_when_nothing_does(
    qtbot: Any, desk: Callable[[], MainWindow]
) -> None:
    window = desk()
    window.close()
    assert notice() is None and window.close_notice is None  # nothing pending: it just closes

    window = desk()
    click_row(qtbot, window, 2)
    click(qtbot, window.order_view.actions.buttons[Command.ADD_NOTE])
    dialog = window.order_view.actions.dialog
    assert dialog is not None
    click(qtbot, dialog.text)
    ime(dialog.text, "已电话联系市民")
    with qtbot.waitSignal(window.order_view.actions.recorded, timeout=5000):
        click(qtbot, dialog.ok)
    click_row(qtbot, window, 1)
    click_reply_tab(qtbot, window)
    click(qtbot, window.order_view.reply.text)
    ime(window.order_view.reply.text, "正在协调施工单位")
    window.close()
    box = notice()
    assert box is not None
    assert box.text() == "以下内容保留在本机，不会丢失："
    assert "1 项操作尚未同步到中心" in box.informativeText()  # the note, in the outbox
    assert "1 张工单上有未保存的答复或表单内容" in box.informativeText()  # the reply, in the drafts
    click(qtbot, box.button(QMessageBox.StandardButton.Ok))
    assert notice() is None
    qtbot.waitUntil(lambda: window.workspace.store.draft(1, REPLY_DRAFT) is not None, timeout=5000)


def test_a_refused_save_leaves_the_text_a_local_draft(qtbot: Any, desk: Callable[[], MainWindow]) -> None:
    window = desk()
    click_row(qtbot, window, 1)
    click_reply_tab(qtbot, window)
    editor = window.order_view.reply
    click(qtbot, editor.text)
    too_long = "已协调施工单位，" * 1300  # 10 400 characters: over the reply's limit
    ime(editor.text, too_long)
    click(qtbot, editor.save)
    qtbot.waitUntil(lambda: any("填写的内容不符合要求" in b.text() for b in message_boxes()))
    for box in [b for b in message_boxes() if "填写的内容不符合要求" in b.text()]:
        box.close()
    store = window.workspace.store
    assert store.outbox() == []
    qtbot.waitUntil(lambda: store.draft(1, REPLY_DRAFT) is not None, timeout=4000)  # kept all the same
    assert store.draft(1, REPLY_DRAFT)["content"]["text"] == too_long  # type: ignore[index]


# --- the action forms -------------------------------------------------------------------------------


def test_a_note_form_closed_with_the_window_comes_back_with_its_text(
    qtbot: Any, desk: Callable[[], MainWindow]
) -> None:
    window = desk()
    click_row(qtbot, window, 2)
    bar = window.order_view.actions
    click(qtbot, bar.buttons[Command.ADD_NOTE])
    dialog = bar.dialog
    assert dialog is not None and dialog.isVisible()
    click(qtbot, dialog.text)
    ime(dialog.text, "市民要求周末上门，")
    qtbot.keyClicks(dialog.text, "18:00")
    window.close()  # the form goes with the window; its text stays on this PC
    assert not dialog.isVisible() and bar.dialog is None
    box = notice()
    assert box is not None and "1 张工单上有未保存的答复或表单内容" in box.informativeText()
    box.close()
    assert window.workspace.store.outbox() == []

    window = desk()
    click_row(qtbot, window, 2)
    bar = window.order_view.actions
    click(qtbot, bar.buttons[Command.ADD_NOTE])
    dialog = bar.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.text.toPlainText() == "市民要求周末上门，18:00", timeout=5000)
    assert dialog.restored.isVisible() and dialog.restored.text().startswith("已恢复未保存的内容（北京时间 ")

    # The same form on the other order starts empty: drafts belong to their order.
    click(qtbot, dialog.buttons.button(dialog.buttons.StandardButton.Cancel))
    assert bar.dialog is None
    # Cancel is the user's choice to drop it.
    qtbot.waitUntil(lambda: window.workspace.store.draft(2, form_key(Command.ADD_NOTE)) is None, timeout=5000)
    click_row(qtbot, window, 1)
    click(qtbot, window.order_view.actions.buttons[Command.ADD_NOTE])
    other = window.order_view.actions.dialog
    assert other is not None
    qtbot.wait(300)  # the look-up of a kept draft has come back
    assert other.text.toPlainText() == "" and not other.restored.isVisible()
    other.reject()


def test_an_extension_reason_is_kept_as_typed_and_dropped_when_sent(qtbot: Any, desk: Callable[[], MainWindow]) -> None:
    window = desk()
    click_row(qtbot, window, 1)
    bar = window.order_view.actions
    click(qtbot, bar.buttons[Command.REQUEST_EXTENSION])
    dialog = bar.dialog
    assert dialog is not None
    click(qtbot, dialog.reason)
    ime(dialog.reason, "需协调燃气公司停气后施工")
    store = window.workspace.store
    key = form_key(Command.REQUEST_EXTENSION)
    qtbot.waitUntil(lambda: store.draft(1, key) is not None, timeout=4000)  # kept while the form is open
    assert store.draft(1, key)["content"] == {"days": 3, "reason": "需协调燃气公司停气后施工"}  # type: ignore[index]
    with qtbot.waitSignal(bar.recorded, timeout=5000):
        click(qtbot, dialog.ok)
    assert store.draft(1, key) is None
    assert [r["name"] for r in store.outbox()] == ["request_extension"]


# --- killed while typing ----------------------------------------------------------------------------


def test_a_reply_typed_when_the_process_is_killed_is_there_after_restart(qtbot: Any, tmp_path: Path) -> None:
    """The desk runs in a child process (tests/desktop/typing_child.py) typing a reply in chunks; it is
    killed with SIGKILL while typing. Restarted, the order shows everything typed up to two seconds
    (and a little, for the disk write on a loaded machine) before the kill."""
    root = tmp_path / "profile-wangjg"
    seed(root)
    trace = tmp_path / "trace.jsonl"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.desktop.typing_child", str(root), str(trace)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 90

        def typed() -> list[dict[str, Any]]:
            lines = trace.read_text(encoding="utf-8").splitlines() if trace.exists() else []
            return [json.loads(line) for line in lines if line.endswith("}")]

        # Let it type for five seconds (the first two seconds' worth is then surely on disk), then kill it.
        while not typed() or typed()[-1]["at"] - typed()[0]["at"] < 5.0:
            assert child.poll() is None, child.stderr.read().decode()  # type: ignore[union-attr]
            assert time.time() < deadline, "the child did not start typing"
            time.sleep(0.1)
        killed_at = time.time()
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    chunks = typed()
    everything = chunks[-1]["text"]
    safe = [c["text"] for c in chunks if c["at"] <= killed_at - 3.0]  # 2 s, and a second for the write
    assert safe, "nothing was typed more than three seconds before the kill"

    window = MainWindow(open_workspace(root))
    window.show()
    try:
        qtbot.waitUntil(lambda: window.model.total == 2, timeout=5000)
        click_row(qtbot, window, 1)
        shown = window.order_view.reply.text.toPlainText()
        assert shown.startswith(safe[-1]), (shown, safe[-1])  # nothing typed by then is lost
        assert everything.startswith(shown)  # and nothing else appears
        assert window.order_view.reply.status.text().startswith("已恢复未保存的内容")
        behind = (
            killed_at - max((c["at"] for c in chunks if c["text"] == shown), default=killed_at)
            if shown in everything
            else None
        )
        print(
            f"typed {len(chunks)} chunks, {len(everything)} chars; restored {len(shown)} chars, "
            f"typed {behind if behind is None else round(behind, 2)} s before the kill"
        )
    finally:
        retire(qtbot, [window])
