"""An intake the server refused is a sync problem like any other: the call as it was taken (title,
request, address) kept to read, copy and resend, with the server's reason; the provisional order
stays on the desk, marked 待上传, until it is resent or discarded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from api_client import CaseDeskClient
from casework.roles import Role
from casework.schemas import OrderIntake
from casework.sync import MutationStatus
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from tests.fixtures.desk import HANDLER
from tests.fixtures.orders import result
from ui.problems import ProblemsPanel

AGENT = HANDLER.model_copy(update={"id": 21, "username": "agent", "name": "王坐席", "role": Role.CENTRE_AGENT})
CALL = {
    "channel": "wechat",
    "citizen": {"name": "李明", "phone": "13600009999"},
    "kind": "complaint",
    "category_code": "0199",
    "title": "盂城路鸽棚扰民",
    "description": "盂城路1号楼顶鸽棚，气味大。",
    "address": "高邮市盂城路1号",
}


def test_a_refused_intake_is_a_problem_with_the_call_kept(qtbot: Any, tmp_path: Path) -> None:
    ws = Workspace(CaseDeskClient("http://127.0.0.1:9"), AGENT, tmp_path / "profile", TaskRunner(), online=False)
    try:
        taken = ws.store.record_intake(ws.actor, OrderIntake.model_validate(CALL))
        ws.store.mark_sent([taken.id])
        ws.store.mark(
            [
                result(
                    taken.id,
                    MutationStatus.REJECTED,
                    code="unknown_category",
                    message_zh="诉求分类不存在",
                    message_en="No such category",
                )
            ]
        )
        panel = ProblemsPanel(ws)
        qtbot.addWidget(panel)
        panel.resize(1000, 640)
        panel.show()
        qtbot.waitUntil(lambda: panel.count == 1 and panel.tree.topLevelItemCount() == 1)
        row = panel.tree.topLevelItem(0)
        assert "受理" in [row.text(i) for i in range(panel.tree.columnCount())]
        page = panel.rejection
        assert panel.pages.currentWidget() is page
        content = page.content.toPlainText()
        assert "盂城路鸽棚扰民" in content and "气味大" in content and "盂城路1号" in content
        assert "诉求分类不存在" in page.heading.text()
        assert ws.store.order(taken.order_id)["number"] == "待上传"  # type: ignore[index]

        with qtbot.waitSignal(panel.count_changed, timeout=5000):
            qtbot.mouseClick(page.retry, Qt.MouseButton.LeftButton)
        [again] = ws.store.outbox()
        assert again["status"] == "pending" and again["name"] == "intake" and again["mutation_id"] != str(taken.id)
        assert again["args"]["title"] == "盂城路鸽棚扰民" and again["order_id"] == taken.order_id
    finally:
        ws.stop()
