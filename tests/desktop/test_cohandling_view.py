"""The order view's co-handling parts (协办): a department's opinion is shown as plain text, and 引用
inserts it into the reply where the cursor is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop.workspace import Workspace
from tests.fixtures.desk import put, shown
from tests.fixtures.hostile import PASSWD_IMAGE


def _part(status: str, opinion: str = "") -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "department_id": 4,
        "status": status,
        "started_at": now.isoformat(),
        "sign_by": (now + timedelta(hours=5)).isoformat(),
        "answer_by": (now + timedelta(days=1)).isoformat(),
        "opinion": opinion,
    }


def test_the_lead_reads_the_opinion_as_text_and_cites_it(qtbot: Any, workspace: Workspace) -> None:
    opinion = f"经核查已清理 {PASSWD_IMAGE}"
    put(workspace, "in_progress", handler_id=None, co_department_ids=[4], co_handling=[_part("answered", opinion)])
    view = shown(qtbot, workspace)
    texts = [label for label in view.co_side.findChildren(QLabel) if label.objectName() == "co_opinion"]
    assert [t.text() for t in texts] == [opinion] and texts[0].textFormat() == Qt.TextFormat.PlainText
    assert view.reply.co_waiting.isHidden() and view.reply.submit.isEnabled()
    view.tabs.setCurrentWidget(view.reply_page)
    qtbot.mouseClick(view.co_side.cite_buttons[4], Qt.MouseButton.LeftButton)
    assert view.reply.text.toPlainText().endswith(f"协办意见：{opinion}")


def test_the_reply_waits_for_an_outstanding_part(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "in_progress", handler_id=None, co_department_ids=[4], co_handling=[_part("signed")])
    view = shown(qtbot, workspace)
    assert view.reply.save.isEnabled() and not view.reply.submit.isEnabled()
    assert not view.reply.co_waiting.isHidden()
    assert view.co_side.cite_buttons == {}  # nothing to cite yet
