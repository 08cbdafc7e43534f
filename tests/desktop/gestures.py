"""What a person does with the mouse and keyboard, as real input events (QTest), for the desktop tests."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QListWidget, QWidget


def click_row(qtbot: Any, table: QAbstractItemView, row: int, column: int = 2) -> None:
    """Scroll ``row`` into view and click it."""
    index = table.model().index(row, column)
    table.scrollTo(index)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def click_list_item(qtbot: Any, sidebar: QListWidget, row: int) -> None:
    item = sidebar.item(row)
    sidebar.scrollToItem(item)
    qtbot.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton, pos=sidebar.visualItemRect(item).center())


def click_header(qtbot: Any, table: Any, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def ime(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method does: each phrase committed to the widget, which takes the focus.

    (QTest's key clicks take only Latin-1 keys and abort on others; Chinese reaches a widget as
    input-method events.)
    """
    widget.setFocus()
    for phrase in re.findall(r"[^，。！；]*[，。！；]?", text):
        if phrase:
            event = QInputMethodEvent()
            event.setCommitString(phrase)
            QApplication.sendEvent(widget, event)
