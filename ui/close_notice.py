"""What the window says as it closes with work still on this PC: unsent changes (sent when the desk is
next online) and drafts typed but not stored (restored when their order is opened again)."""

from __future__ import annotations

from collections.abc import Set

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox

from desktop.workspace import Workspace


def what_stays(
    workspace: Workspace, kept: Set[tuple[int, str]] = frozenset(), dropped: Set[tuple[int, str]] = frozenset()
) -> QMessageBox | None:
    """Show (not modal: the close goes on, nothing waits for a click) what stays on this PC, or return
    None when nothing does. ``kept``/``dropped`` are drafts being written or forgotten right now (their
    writes are queued behind the count). The box has no parent: it outlives the window, and the
    application ends when it is closed."""
    status = workspace.status
    drafts = (workspace.drafts_pending() | set(kept)) - set(dropped)
    orders = len({order_id for order_id, _ in drafts})
    if not (status.pending or status.problems or orders):
        return None
    lines = []
    if status.pending:
        lines.append(
            QCoreApplication.translate(
                "CloseNotice", "%1 项操作尚未同步到中心：已保存在本机，下次打开 CaseDesk 联网后自动发送。"
            ).replace("%1", str(status.pending))
        )
    if status.problems:
        lines.append(
            QCoreApplication.translate(
                "CloseNotice", "%1 项同步问题等待您处理：已保存在本机，请在“同步问题”中查看。"
            ).replace("%1", str(status.problems))
        )
    if orders:
        lines.append(
            QCoreApplication.translate(
                "CloseNotice", "%1 张工单上有未保存的答复或表单内容：已保存在本机，再次打开这些工单时自动恢复。"
            ).replace("%1", str(orders))
        )
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "CaseDesk",
        QCoreApplication.translate("CloseNotice", "以下内容保留在本机，不会丢失："),
    )
    box.setInformativeText("\n".join(lines))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setObjectName("close_notice")
    box.setWindowModality(Qt.WindowModality.NonModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box
