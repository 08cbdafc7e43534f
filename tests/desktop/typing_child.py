"""The desk half of the kill test: the handler's window in a process of its own, typing a reply
(``python -m tests.desktop.typing_child PROFILE TRACE``) until the parent kills it with SIGKILL.

It opens the handler's Workspace on the profile (seeded by the parent; the server is unreachable),
opens order 1 in the real window by clicking its row and the reply tab, and types a numbered
sentence every 0.25 s — the Chinese as an input method commits it, the number with key presses.
After each chunk it appends ``{"at": time.time(), "text": what the editor holds}`` to TRACE
(fsynced), so the parent knows what had been typed when. Nothing in the desk is changed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.fixtures.desk import open_workspace
from ui.main_window import MainWindow

CHUNK_EVERY_MS = 250


def main(profile: Path, trace: Path) -> int:
    app = QApplication(sys.argv[:1])
    window = MainWindow(open_workspace(profile))
    window.resize(1366, 768)
    window.show()
    view, editor = window.order_view, window.order_view.reply
    count = 0

    def click(widget: object, pos: QPoint | None = None) -> None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos or QPoint())

    def open_order() -> None:
        row = window.model.row_of(1)
        if row is None:
            QTimer.singleShot(50, open_order)
            return
        rect = window.table.visualRect(window.model.index(row, 2))
        click(window.table.viewport(), rect.center())

    def loaded(order_id: int) -> None:
        if order_id != 1 or not editor.writable() or view.tabs.currentWidget() is view.reply_page:
            return
        bar = view.tabs.tabBar()
        click(bar, bar.tabRect(view.tabs.indexOf(view.reply_page)).center())
        click(editor.text.viewport())
        QTimer.singleShot(CHUNK_EVERY_MS, type_chunk)

    def type_chunk() -> None:
        nonlocal count
        count += 1
        event = QInputMethodEvent("", [])
        event.setCommitString("第")
        QApplication.sendEvent(editor.text, event)
        QTest.keyClicks(editor.text, str(count))
        event = QInputMethodEvent("", [])
        event.setCommitString("段：经现场核实，路灯已修复。")
        QApplication.sendEvent(editor.text, event)
        with trace.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"at": time.time(), "text": editor.text.toPlainText()}, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        QTimer.singleShot(CHUNK_EVERY_MS, type_chunk)

    view.loaded.connect(loaded)
    window.model.loaded.connect(lambda _total: open_order() if view.order_id is None else None)
    QTimer.singleShot(120_000, app.quit)  # never killed: end (the parent then fails)
    app.exec()
    return 3


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
