"""A city leader's monthly audit in the desk, against a real server process: mark audited, order 重办."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from desktop.session import sign_in
from desktop.tasks import TaskRunner
from offline.worklists import WorkList, condition, page_query
from tests.server_process import PASSWORD, ServerProcess
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("server"))
    process.start()
    yield process
    process.stop()


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

    queue.select(fine)
    assert queue.mark.isEnabled() and queue.reopen.isEnabled()
    queue.mark_selected("办理规范")
    qtbot.waitUntil(lambda: workspace.status.pending == 1, timeout=5000)
    queue.select(weak)
    queue.reopen_selected("请上门回访，彻底疏通雨水管")
    qtbot.waitUntil(lambda: workspace.status.pending == 2, timeout=5000)
    assert workspace.sync_once().applied == 2

    agent = server.as_user("agent")
    marks = agent.order(fine).audit_marks
    assert [(m.leader_id, m.comment) for m in marks] == [(workspace.user.id, "办理规范")]
    reopened = agent.order(weak)
    assert reopened.state == "in_progress" and reopened.leader_instruction == "请上门回访，彻底疏通雨水管"
    qtbot.waitUntil(lambda: "已审核 1 /" in queue.progress.text(), timeout=5000)
    queue.select(fine)
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
