"""Each role's main path through the real window, against a real server process — offline, then online.

The handler signs, records an on-site check with photos and replies while the server is down;
the chief returns the reply with a comment; the handler revises; the chief and the head approve.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from api_client import CaseDeskClient
from casework.lifecycle import Command
from offline.worklists import WorkList
from tests.fixtures.live_desk import open_order
from tests.fixtures.photos import make_jpeg
from tests.fixtures.server_process import PASSWORD, ServerProcess
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow

DEMO_USERS = ["handler", "chief", "head", "leader"]  # the window's demo switch


def photo(tmp_path: Path, seed: int) -> Path:
    path = tmp_path / f"IMG_{seed:04d}.jpg"
    path.write_bytes(make_jpeg(seed, (1600, 1200), quality=80))
    return path


def local_state(window: MainWindow, order_id: int) -> str:
    return (window.workspace.store.order(order_id) or {}).get("state", "")


def server_order(server: ServerProcess, order_id: int) -> Any:
    agent = CaseDeskClient(server.url, persist_session=False)
    agent.login("agent", PASSWORD)
    return agent.order(order_id)


def reply(qtbot: Any, window: MainWindow, text: str) -> None:
    editor = window.order_view.reply
    qtbot.waitUntil(lambda: editor.submit.isEnabled(), timeout=5000)
    editor.text.setPlainText(text)
    editor.result.setCurrentIndex(editor.result.findData("resolved"))
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        editor.submit_reply()


def review(qtbot: Any, window: MainWindow, command: Command, comment: str) -> None:
    bar = window.order_view.actions
    qtbot.waitUntil(lambda: command.value in bar.visible_commands(), timeout=5000)
    with qtbot.waitSignal(bar.dialog_opened, timeout=5000) as opened:
        bar.trigger(command)
    dialog = opened.args[0]
    dialog.comment.setPlainText(comment)
    with qtbot.waitSignal(bar.recorded, timeout=5000):
        dialog.submit()


def test_handler_chief_head_offline_then_online(
    qtbot: Any, tmp_path: Path, server: ServerProcess, open_desk: Callable[..., MainWindow]
) -> None:
    order_id = server.new_order("文汇路路灯不亮，晚上一片漆黑")
    handler = open_desk("handler", demo_users=DEMO_USERS)

    # The inspector goes out of coverage: the server is unreachable from here on.
    server.stop()
    try:
        open_order(qtbot, handler, WorkList.TO_SIGN, order_id)
        bar = handler.order_view.actions
        assert "sign" in bar.visible_commands() and "approve" not in bar.visible_commands()
        with qtbot.waitSignal(bar.recorded, timeout=5000):
            bar.trigger(Command.SIGN)
        qtbot.waitUntil(lambda: local_state(handler, order_id) == "in_progress", timeout=5000)

        qtbot.waitUntil(lambda: "record_onsite_check" in bar.visible_commands(), timeout=5000)
        with qtbot.waitSignal(bar.dialog_opened, timeout=5000) as opened:
            bar.trigger(Command.RECORD_ONSITE_CHECK)
        check = opened.args[0]
        check.picker.add_paths([photo(tmp_path, 1), photo(tmp_path, 2)])
        qtbot.waitUntil(lambda: len(check.picker.photos()) == 2 and not check.picker.is_busy(), timeout=15000)
        check.picker.set_tag(0, "before")
        check.picker.set_tag(1, "after")
        check.notes.setPlainText("现场路灯灯泡损坏，已更换")
        with qtbot.waitSignal(bar.recorded, timeout=10000):
            check.submit()

        reply(qtbot, handler, "经现场核实，路灯灯泡损坏，已于当日更换，恢复照明。")
        qtbot.waitUntil(lambda: local_state(handler, order_id) == "in_review", timeout=5000)
        offline = handler.workspace.sync_once()
        assert offline.error is not None and offline.error.code == "offline"
        assert handler.workspace.status.pending == 3  # sign, the check with its photos, the reply: all kept
    finally:
        server.start()

    # Back in coverage: everything goes up once, photos first.
    report = handler.workspace.sync_once()
    assert report.ok and report.uploaded == 2 and report.applied == 3, report
    detail = server_order(server, order_id)
    assert detail.state == "in_review" and sorted(a.tag for a in detail.attachments) == ["after", "before"]
    assert detail.onsite_checks[0].notes == "现场路灯灯泡损坏，已更换"

    chief = open_desk("chief", demo_users=DEMO_USERS)
    open_order(qtbot, chief, WorkList.TO_REVIEW, order_id)
    review(qtbot, chief, Command.RETURN_FOR_REWORK, "请写明更换时间和后续巡查安排")
    assert chief.workspace.sync_once().applied == 1
    assert server_order(server, order_id).state == "in_progress"

    handler.workspace.sync_once()
    open_order(qtbot, handler, WorkList.RETURNED, order_id)
    assert "请写明更换时间" in handler.order_view.reply.returned.text()
    reply(qtbot, handler, "经现场核实，路灯灯泡损坏，已于11月28日更换，并纳入每周巡查。")
    assert handler.workspace.sync_once().applied == 1

    chief.workspace.sync_once()
    open_order(qtbot, chief, WorkList.TO_REVIEW, order_id)
    review(qtbot, chief, Command.APPROVE, "同意")
    assert chief.workspace.sync_once().applied == 1

    head = open_desk("head", demo_users=DEMO_USERS)
    open_order(qtbot, head, WorkList.TO_REVIEW, order_id)
    review(qtbot, head, Command.APPROVE, "同意上报")
    assert head.workspace.sync_once().applied == 1

    final = server_order(server, order_id)
    assert final.state == "replied"
    assert [r.decision for r in final.reviews] == ["returned", "approved", "approved"]
    assert final.replies[-1].text.startswith("经现场核实，路灯灯泡损坏，已于11月28日更换")
    handler.workspace.sync_once()
    assert local_state(handler, order_id) == "replied"
    QApplication.processEvents()
