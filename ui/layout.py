"""The window's size and layout remembered across starts: geometry, toolbars, splitter sizes, and the
work list's column widths, order and visibility (QSettings, in the data folder's settings.ini).

Restored when the window is built; saved when it closes (an event filter: the window's own
closeEvent stays its own) and whenever :meth:`LayoutMemory.save` is called.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTableView

GROUP = "window"


class LayoutMemory(QObject):
    """Remembers ``window``'s layout in ``settings``; ``splitter`` and ``table`` are its parts.

    The columns are kept per ``kind`` of user (their role): a leader's list has columns a handler's has not.
    """

    def __init__(
        self, window: QMainWindow, settings: QSettings, splitter: QSplitter, table: QTableView, kind: str = ""
    ) -> None:
        super().__init__(window)
        self.window, self.settings, self.splitter, self.table = window, settings, splitter, table
        self.columns_key = f"columns-{kind}" if kind else "columns"
        self.restored = self.restore()
        window.installEventFilter(self)

    def restore(self) -> bool:
        """Put back what was saved; False when nothing was (the window keeps its built-in layout)."""
        self.settings.beginGroup(GROUP)
        try:
            geometry = _bytes(self.settings.value("geometry"))
            state = _bytes(self.settings.value("state"))
            splitter = _bytes(self.settings.value("splitter"))
            columns = _bytes(self.settings.value(self.columns_key))
        finally:
            self.settings.endGroup()
        if geometry is not None:
            self.window.restoreGeometry(geometry)
        if state is not None:
            self.window.restoreState(state)
        if splitter is not None:
            self.splitter.restoreState(splitter)
        if columns is not None:
            header = self.table.horizontalHeader()
            count = header.count()
            header.restoreState(columns)
            if header.count() != count:  # saved by a version with other columns: keep the built-in ones
                return False
        return geometry is not None

    def save(self) -> None:
        self.settings.beginGroup(GROUP)
        try:
            self.settings.setValue("geometry", self.window.saveGeometry())
            self.settings.setValue("state", self.window.saveState())
            self.settings.setValue("splitter", self.splitter.saveState())
            self.settings.setValue(self.columns_key, self.table.horizontalHeader().saveState())
        finally:
            self.settings.endGroup()
        self.settings.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.save()
        return False


def _bytes(value: Any) -> QByteArray | None:
    if isinstance(value, QByteArray) and not value.isEmpty():
        return value
    if isinstance(value, bytes | bytearray) and value:
        return QByteArray(bytes(value))
    return None
