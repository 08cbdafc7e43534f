"""A notification of a kind the desk does not know — one a newer server added — is shown, not dropped:
its code, the order and what it says, in either language, and it opens its order."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from casework.notifications import NotificationPage
from desktop.workspace import Workspace
from tests.fixtures.desk import put
from ui.notifications import NotificationPanel

PAGE = {
    "notifications": [
        {
            "id": 9,
            "kind": "co_review",
            "order_id": 1,
            "order_number": "GY20260302-0042",
            "order_title": "文昌路路灯不亮",
            "deadline": "co_review_by",
            "due_at": "2026-03-05T17:00:00+08:00",
            "text": "请于会审前提交意见",
            "created_at": "2026-03-03T09:00:00+08:00",
        }
    ],
    "unread": 1,
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_kind_the_desk_does_not_know_is_listed_and_opens_its_order(
    qtbot: Any, workspace: Workspace, languages: Any, language: str
) -> None:
    languages.use(language)
    put(workspace, "in_progress", handler_id=7)
    workspace.store.add_notifications(NotificationPage.model_validate(PAGE).notifications)
    panel = NotificationPanel(workspace)
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    qtbot.waitUntil(lambda: panel.list.topLevelItemCount() == 1, timeout=5000)
    item = panel.list.topLevelItem(0)
    assert item.text(1) == ("其他通知" if language == "zh" else "Other notice")
    said = item.text(2)
    opening = (
        "工单 GY20260302-0042「文昌路路灯不亮」：" if language == "zh" else "Order GY20260302-0042 “文昌路路灯不亮”: "
    )
    due = "（2026-03-05 17:00）" if language == "zh" else " (2026-03-05 17:00)"
    assert said == f"{opening}请于会审前提交意见{due}", said
    assert panel.unread == 1
    with qtbot.waitSignal(panel.open_order, timeout=3000) as opened:
        at = panel.list.visualItemRect(item).center()
        qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=at)  # a double click: two clicks
        qtbot.mouseDClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert opened.args == [1]
