"""Taking a command back before it leaves the desk (撤销).

Every command recorded on the desk waits ``Workspace.undo_window`` (10 s) in the outbox before the
sync sends it. Meanwhile :class:`UndoNotice` names it — "✓ 签收：GY20260302-0042「…」 撤销 (Ctrl+Z)" —
and takes it back on a click or Ctrl+Z; after that, and until it is sent, the order's 撤销 button
(see ``ui.order.view``) still does. Once sent, the normal rules apply.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from casework.sync import MutationStatus
from desktop.workspace import ItemUpdate, Recorded, Undone, WithdrawRefused, Workspace
from ui.labels import command_label

__all__ = ["UndoNotice", "elide", "run_undo", "sent_text", "undo_refusal", "undone_text"]

#: How long the "已撤销" line stays after an undo (ms).
UNDONE_SHOWN_MS = 5000


def elide(text: str, width: int = 18) -> str:
    """A long title cut to ``width`` characters with an ellipsis (Chinese: one character, one slot)."""
    return text if len(text) <= width else text[: width - 1] + "…"


def undo_refusal(exc: BaseException) -> str:
    """Why a command could not be taken back, in the user's language."""
    if not isinstance(exc, WithdrawRefused):
        return str(exc)
    what = command_label(exc.command) if exc.command else QCoreApplication.translate("Undo", "这项操作")
    match exc.reason:
        case "sent":
            return sent_text(what)
        case "problem":
            text = QCoreApplication.translate("Undo", "“%1”已被中心退回或有冲突，请在“同步问题”中处理。")
        case "later":
            text = QCoreApplication.translate("Undo", "“%1”之后还有 %2 项未发送的操作，需要一并撤销。")
        case _:
            text = QCoreApplication.translate("Undo", "没有可撤销的操作：它已同步到中心。")
    return text.replace("%1", what).replace("%2", str(exc.later))


def sent_text(what: str) -> str:
    """Why ``what`` (a command's name) cannot be taken back any more: it has left the desk."""
    return QCoreApplication.translate(
        "Undo", "“%1”已在发送中或已送达中心，不能撤销；如需更正，请按正常流程办理。"
    ).replace("%1", what)


def undone_text(undone: Undone) -> str:
    """The line after an undo ("已撤销 签收：GY…「title」…"), naming every command taken back."""
    names = QCoreApplication.translate("Undo", "、").join(command_label(c.value) for c in undone.commands)
    return (
        QCoreApplication.translate("Undo", "已撤销 %1：%2「%3」，工单已恢复原样")
        .replace("%1", names)
        .replace("%2", undone.number)
        .replace("%3", elide(undone.title))
    )


class UndoNotice(QFrame):
    """The last command recorded on this desk, offered back while its undo window is open.

    Hidden until a command is recorded; hides when the window closes, when the command is sent,
    or on ×. ``撤销`` and Ctrl+Z (window-wide: ``parent``'s window; a text field keeps its own Ctrl+Z)
    take it back; the line then says what was undone. Once the notice has gone Ctrl+Z takes nothing
    back unseen — it says where the last command can still be taken back (the order's 撤销, until it
    is sent) or that it has been sent. Undos from elsewhere (the order's button) are reported here too.
    """

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.recorded: Recorded | None = None  # offered on the notice now
        self.last: Recorded | None = None  # the desk's last command, until undone (Ctrl+Z after the notice)
        self.last_sent = False
        self.setObjectName("undo_notice")
        self.setStyleSheet(
            "#undo_notice { background: #fff8e1; border: 1px solid #ffca28; border-radius: 3px; }"
            "#undo_notice QLabel { color: #5d4037; }"
        )
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # titles come from citizens
        self.button = QToolButton()
        self.button.setObjectName("undo_button")
        shown = QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)
        self.button.setText(self.tr("撤销 (%1)").replace("%1", shown))
        self.button.setToolTip(self.tr("撤销这项操作，工单恢复原样（尚未发送到中心）"))
        self.button.setStyleSheet("QToolButton { font-weight: bold; color: #1565c0; padding: 1px 6px; }")
        self.button.clicked.connect(self.undo)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip(self.tr("关闭提示（仍可在工单上撤销，直到发送）"))
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 2, 1)
        layout.setSpacing(6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        layout.addWidget(self.close_button)
        # On the window, not on this notice: a hidden widget's shortcuts are dead, and Ctrl+Z after
        # the notice has gone must still answer.
        self.shortcut = QShortcut(QKeySequence.StandardKey.Undo, parent if parent is not None else self)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.undo_last)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self._expired)
        workspace.recorded.connect(self.offer)
        workspace.undone.connect(self._on_undone)
        workspace.item_state.connect(self._on_item)
        self.hide()

    def offer(self, recorded: Recorded) -> None:
        """Name ``recorded`` and offer to take it back for the undo window."""
        self.recorded = self.last = recorded
        self.last_sent = False
        self.label.setText(
            self.tr("✓ %1：%2「%3」")
            .replace("%1", command_label(recorded.command.value))
            .replace("%2", recorded.number)
            .replace("%3", elide(recorded.title))
        )
        self.label.setToolTip(
            self.tr("%1 秒后发送到中心；发送前可撤销，也可在工单上撤销。").replace(
                "%1", str(int(self.workspace.undo_window.total_seconds()))
            )
        )
        self.button.setEnabled(True)
        self.button.show()
        self.show()
        self.timer.start(max(0, int(self.workspace.undo_window.total_seconds() * 1000)))

    def undo(self) -> None:
        """Take back the command named (nothing when the notice is not offering one)."""
        recorded = self.recorded
        if recorded is None or not self.isVisible() or not self.button.isVisible() or not self.button.isEnabled():
            return
        self.button.setEnabled(False)
        self.workspace.undo(recorded.mutation_id, on_error=self._refused, owner=self)

    def undo_last(self) -> None:
        """Ctrl+Z: takes back the command on the notice; with the notice gone, says why it does not."""
        if self.recorded is not None and self.isVisible() and self.button.isVisible():
            self.undo()
        elif self.last is None:
            self._say(self.tr("没有可撤销的操作。"))
        elif self.last_sent:
            self._say(sent_text(command_label(self.last.command.value)))
        else:
            self._say(
                self.tr("撤销提示已过：“%1”%2 在发送到中心之前，仍可在该工单上点“撤销”。")
                .replace("%1", command_label(self.last.command.value))
                .replace("%2", self.last.number)
            )

    def _on_undone(self, undone: Undone) -> None:
        if self.recorded is not None and self.recorded.mutation_id in undone.mutation_ids:
            self.recorded = None
        if self.last is not None and self.last.mutation_id in undone.mutation_ids:
            self.last = None
        self._say(undone_text(undone))

    def _refused(self, exc: BaseException) -> None:
        if not isinstance(exc, WithdrawRefused):
            self.workspace.runner.error.emit(exc)
            return
        self.recorded = self.last = None
        self._say(undo_refusal(exc))

    def _say(self, text: str) -> None:
        """A line without the button, for a few seconds."""
        self.label.setText(text)
        self.label.setToolTip("")
        self.button.hide()
        self.show()
        self.timer.start(UNDONE_SHOWN_MS)

    def _on_item(self, update: ItemUpdate) -> None:
        # Sent (say 立即同步 was pressed): from now on the normal rules apply.
        sent = update.state not in (MutationStatus.PENDING, MutationStatus.HELD)
        if sent and self.last is not None and update.mutation_id == self.last.mutation_id:
            self.last_sent = True
        if sent and self.recorded is not None and update.mutation_id == self.recorded.mutation_id:
            self._expired()

    def _expired(self) -> None:
        self.recorded = None
        self.timer.stop()
        self.hide()


def run_undo(
    workspace: Workspace, target: object, with_later: bool, on_refused: Callable[[str], None], owner: QObject
) -> None:
    """``Workspace.undo`` with a refusal turned into words for ``on_refused`` (dropped once ``owner`` is gone)."""

    def failed(exc: BaseException) -> None:
        if isinstance(exc, WithdrawRefused):
            on_refused(undo_refusal(exc))
        else:
            workspace.runner.error.emit(exc)

    workspace.undo(target, with_later=with_later, on_error=failed, owner=owner)  # type: ignore[arg-type]
