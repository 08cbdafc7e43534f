"""The work list's table: only the user's own clicks and keys choose the order in view.

A model reset (a refresh, a sync, a sort, a filter, a finished action) leaves Qt free to make
another row current — on focus, say, after a dialog closes, Qt makes row 0 current. Such moves must
never switch the order pane to another order with its action buttons live, so this table tells
the user's moves (mouse and keyboard) apart from Qt's and announces only the former.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QTableView


class WorkTable(QTableView):
    """``chosen(row)``: the user moved to ``row`` (click, drag, arrow keys, Page Up/Down …);
    ``drifted()``: Qt moved the current row on its own (the owner puts the mark back);
    ``painted()``: the rows on screen have just been painted (what waits for a first paint listens)."""

    chosen = Signal(int)
    drifted = Signal()
    painted = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._by_user = 0
        self._announced = False

    def setModel(self, model: Any) -> None:
        super().setModel(model)
        self.selectionModel().currentRowChanged.connect(self._current_changed)

    def mark_row(self, row: int | None) -> None:
        """Highlight ``row`` as the order in view (None: no row) without announcing a choice."""
        selection = self.selectionModel()
        if row is None:
            selection.clear()
            return
        index = self.model().index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        selection.setCurrentIndex(index, flags)

    def choose(self, index: QModelIndex) -> None:
        """Make ``index`` current as the user's own choice (a key pressed elsewhere, say Down in the search box)."""
        self._announced = False
        self._by_user += 1
        try:
            self.setCurrentIndex(index)
        finally:
            self._by_user -= 1
        if not self._announced and index.isValid():
            self.chosen.emit(index.row())  # it was current already (Qt made it so on focus): still a choice

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        if self._by_user:
            self._announced = True
            self.chosen.emit(current.row())
        else:
            self.drifted.emit()

    def _as_user(self, handler: Any, event: Any) -> None:
        self._by_user += 1
        try:
            handler(event)
        finally:
            self._by_user -= 1

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)  # a table view paints its viewport here
        self.painted.emit()

    def mousePressEvent(self, event: Any) -> None:
        self._announced = False
        self._as_user(super().mousePressEvent, event)
        index = self.indexAt(event.position().toPoint())
        if not self._announced and index.isValid() and event.button() == Qt.MouseButton.LeftButton:
            self.chosen.emit(index.row())  # the row was current already (Qt made it so): still a choice

    def mouseMoveEvent(self, event: Any) -> None:
        self._as_user(super().mouseMoveEvent, event)

    def mouseReleaseEvent(self, event: Any) -> None:
        self._as_user(super().mouseReleaseEvent, event)

    def keyPressEvent(self, event: Any) -> None:
        self._as_user(super().keyPressEvent, event)
