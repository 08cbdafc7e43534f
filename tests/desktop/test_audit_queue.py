"""A city leader's monthly audit in the desk, against a real server process: mark audited, order 重办."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QPushButton

from desktop.reads import audited_by
from desktop.session import sign_in
from desktop.tasks import TaskRunner
from offline.worklists import WorkList, condition, page_query
from tests.fixtures.gestures import click_row, ime
from tests.fixtures.server_process import PASSWORD, ServerProcess
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


def test_leader_marks_audited_and_orders_rehandling(qtbot: Any, tmp_path: Path, server: ServerProcess) -> None:
    fine = server.replied_order("海潮路井盖缺失")
    weak = server.replied_order("盂城小区雨水管堵塞")
    workspace = sign_in(server.url, "leader", PASSWORD, tmp_path / "desks", TaskRunner())
    assert workspace.sync_once().ok
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    queue = window.audit_queue
    assert queue is not None and window.tabs.indexOf(queue) > 0
    qtbot.waitUntil(lambda: {fine, weak} <= {o["id"] for o in queue.orders}, timeout=10_000)
    assert "已审核 0 /" in queue.progress.text()

    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(queue)).center())
    click_row(qtbot, queue.table, next(i for i, o in enumerate(queue.orders) if o["id"] == fine))
    assert queue.mark.isEnabled() and queue.reopen.isEnabled()
    qtbot.mouseClick(queue.mark, Qt.MouseButton.LeftButton)  # 审核无误
    qtbot.waitUntil(lambda: workspace.status.pending == 1, timeout=5000)
    # The leader is taken on to the next order still to audit.
    qtbot.waitUntil(lambda: queue.selected() is not None and queue.selected()["id"] != fine, timeout=5000)
    assert not audited_by(queue.selected(), workspace.user.id)  # type: ignore[arg-type]

    # 批示重办 with the mouse: the instruction dialog (it does not block), typed, OK.
    click_row(qtbot, queue.table, next(i for i, o in enumerate(queue.orders) if o["id"] == weak))
    qtbot.mouseClick(queue.reopen, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: getattr(queue, "instruction_dialog", None) is not None, timeout=5000)
    dialog = queue.instruction_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    assert "批示重办" in dialog.windowTitle()
    ime(dialog.findChild(QPlainTextEdit), "请上门回访，彻底疏通雨水管")
    ok = next(b for b in dialog.findChildren(QPushButton) if b.text() in ("OK", "确定", "&OK"))
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: workspace.status.pending == 2, timeout=5000)
    assert workspace.sync_once().applied == 2

    agent = server.as_user("agent")
    marks = agent.order(fine).audit_marks
    assert [(m.leader_id, m.comment) for m in marks] == [(workspace.user.id, "")]
    reopened = agent.order(weak)
    assert reopened.state == "in_progress" and reopened.leader_instruction == "请上门回访，彻底疏通雨水管"
    qtbot.waitUntil(lambda: "已审核 1 /" in queue.progress.text(), timeout=5000)
    click_row(qtbot, queue.table, next(i for i, o in enumerate(queue.orders) if o["id"] == fine))
    assert not queue.mark.isEnabled()  # audited once is enough

    # The instruction reaches the department as a returned order.
    handler = sign_in(server.url, "handler", PASSWORD, tmp_path / "desks", TaskRunner())
    try:
        handler.sync_once()
        returned = handler.store.rows(page_query(condition(WorkList.RETURNED, handler.actor, datetime.now(UTC))), 100)
        assert weak in {r["id"] for r in returned}
    finally:
        handler.stop()
        workspace.stop()
