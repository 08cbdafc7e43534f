"""The sync problems panel shows an order's title as typed in its tooltips (issue 11)."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel

from casework.lifecycle import Command
from casework.schemas import AddNoteBody
from casework.sync import MutationStatus
from desktop.workspace import Workspace
from tests.desktop.test_problems_dashboard import _panel, workspace  # noqa: F401 — the fixture
from tests.offline.factory import order, pull, result, upsert
from tests.server import hostile


def _as_shown(tip: str) -> str:
    if not QtGuiNamespace.mightBeRichText(tip):
        return tip
    document = QTextDocument()
    document.setHtml(tip)
    return document.toPlainText()


def test_a_rejections_order_title_shows_as_typed(qtbot: Any, workspace: Workspace) -> None:  # noqa: F811
    workspace.store.apply_pull(
        pull(upsert(order(2, state="in_progress", handler_id=7, title=hostile.PASSWD_IMAGE), seq=2), cursor="c2")
    )
    mutation = workspace.store.record(
        workspace.actor, 2, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="备注")
    )
    workspace.store.mark(
        [result(mutation.id, MutationStatus.REJECTED, code="wrong_state", message_zh="不能再添加备注", message_en="No")]
    )
    panel = _panel(qtbot, workspace, 1)
    item = panel.tree.topLevelItem(0)
    assert hostile.PASSWD_IMAGE in item.text(0)
    assert _as_shown(item.toolTip(0)) == item.text(0)
    panel.tree.setCurrentItem(item)
    headings = [label for label in panel.findChildren(QLabel) if "不能再添加备注" in label.text()]
    assert headings and all(label.textFormat() == Qt.TextFormat.PlainText for label in headings)
