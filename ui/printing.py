"""Printing an order's 回复单: a print preview (QPrintPreviewDialog) from which the user prints or saves.

The sheet itself (its layout, A4 margins, Chinese vocabulary) is desktop.exports'; this only reads
the order off the UI thread and shows the preview, non-modal, so the window stays usable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.exports import REPLY_SHEET_TITLE, print_reply_sheet, reply_sheet_document
from desktop.workspace import Workspace
from ui.labels import Names

if TYPE_CHECKING:  # Qt's printing module is loaded when a sheet is first printed, not at start
    from PySide6.QtPrintSupport import QPrintPreviewDialog


class ReplySheetPrinter(QObject):
    """``preview(order_id)`` reads the order and opens the preview; ``opened`` carries the dialog."""

    opened = Signal(object)  # the QPrintPreviewDialog

    def __init__(self, workspace: Workspace, parent: QWidget) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.parent_widget = parent
        self.dialog: QPrintPreviewDialog | None = None

    def preview(self, order_id: int | None) -> None:
        if order_id is None:
            QMessageBox.information(self.parent_widget, self.tr("打印回复单"), self.tr("请先在列表中选择一张工单"))
            return
        self.workspace.runner.run(
            self.workspace.reads.order_with_directory,
            order_id,
            label="reply-sheet",
            on_done=lambda r: self._show(r[0], Names(r[1])),
            owner=self,
        )

    def _show(self, order: dict[str, Any] | None, names: Names) -> None:
        if order is None:
            QMessageBox.information(self.parent_widget, self.tr("打印回复单"), self.tr("本机没有这张工单"))
            return
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        document = reply_sheet_document(order, names)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(f"{REPLY_SHEET_TITLE} {order.get('number', '')}")
        if self.dialog is not None:
            self.dialog.close()
        dialog = QPrintPreviewDialog(printer, self.parent_widget)
        dialog.setWindowTitle(self.tr("打印回复单 — %1").replace("%1", str(order.get("number", ""))))
        dialog.setObjectName("reply_sheet_preview")
        dialog.paintRequested.connect(lambda device: print_reply_sheet(document, device))
        dialog.finished.connect(lambda _: self._closed(dialog))
        dialog.resize(900, 700)
        dialog.printer_kept = printer  # the dialog does not own its printer: keep it alive as long as the dialog
        self.dialog = dialog
        dialog.setModal(False)  # the order stays workable beside its sheet; nothing waits on the dialog
        dialog.show()
        self.opened.emit(dialog)

    def _closed(self, dialog: QPrintPreviewDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
