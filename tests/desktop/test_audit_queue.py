"""A city leader's monthly audit in the desk, against a real server process: mark audited, order 重办."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from api_client import CaseDeskClient
from casework.lifecycle import Command
from casework.schemas import ApproveBody, AssignHandlerBody, SignBody, SubmitReplyBody
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


def as_user(server: ServerProcess, username: str) -> CaseDeskClient:
    client = CaseDeskClient(server.url, persist_session=False)
    client.login(username, PASSWORD)
    return client


def replied_order(server: ServerProcess, title: str) -> int:
    """Through the department's whole chain, by API: the order reaches the centre this month."""
    order_id = server.new_order(title)
    chief, handler, head = as_user(server, "chief"), as_user(server, "handler"), as_user(server, "head")
    version = chief.order(order_id).version
    version = chief.command(order_id, Command.SIGN, SignBody(version=version)).version
    handler_id = handler.user.id  # type: ignore[union-attr]
    assign = AssignHandlerBody(version=version, handler_id=handler_id)
    version = chief.command(order_id, Command.ASSIGN_HANDLER, assign).version
    body = SubmitReplyBody(version=version, text=f"关于“{title}”，经现场核实已处理完毕。", result_code="resolved")
    version = handler.command(order_id, Command.SUBMIT_REPLY, body).version
    version = chief.command(order_id, Command.APPROVE, ApproveBody(version=version)).version
    assert head.command(order_id, Command.APPROVE, ApproveBody(version=version)).state == "replied"
    return order_id


def test_leader_marks_audited_and_orders_rehandling(qtbot: Any, tmp_path: Path, server: ServerProcess) -> None:
    fine = replied_order(server, "海潮路井盖缺失")
    weak = replied_order(server, "盂城小区雨水管堵塞")
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

    agent = as_user(server, "agent")
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
