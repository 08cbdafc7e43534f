"""The idle lock: after some minutes without input the window is covered and needs the password.

Every keyboard, mouse and wheel event of the application restarts a timer (工具 → 首选项 →
自动锁定, default 10 minutes). When it fires, what is typed goes to the local drafts, and the
window's contents — lists, the order, menus, toolbars, the status bar — and its dialogs are hidden
(not merely disabled: nothing of an order is on the screen or reachable with the keyboard) behind
:class:`LockScreen`. The user's password, checked on this PC against the offline verifier, brings
everything back as it was, typing included. Background sync goes on meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.session import check_password
from desktop.tasks import Lane
from desktop.workspace import Workspace

#: 工具 → 首选项: minutes without input before the window locks.
IDLE_LOCK_SETTING = "idle_lock_minutes"
DEFAULT_IDLE_MINUTES = 10
IDLE_MINUTES_RANGE = (1, 240)

_BOX_TEXT_WIDTH = 380

_INPUT = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.InputMethod,
}


class LockScreen(QWidget):
    """What covers a locked window: who is signed in, a password field, and why it is locked."""

    unlock_requested = Signal(str)

    def __init__(self, user_name: str, username: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lock_screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the style sheet's backdrop
        self.setStyleSheet("#lock_screen { background: #2b3a4a; } #lock_box { background: palette(window); }")
        box = QFrame(self)
        box.setObjectName("lock_box")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        title = QLabel(self.tr("CaseDesk 已锁定"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        who = QLabel(self.tr("%1（%2）").replace("%1", user_name).replace("%2", username))
        who.setTextFormat(Qt.TextFormat.PlainText)
        why = QLabel(self.tr("长时间未操作，窗口已锁定以保护市民信息。请输入登录密码解锁。"))
        why.setWordWrap(True)
        self.password = QLineEdit()
        self.password.setObjectName("lock_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("密码"))
        self.password.returnPressed.connect(self._submit)
        self.unlock = QPushButton(self.tr("解锁"))
        self.unlock.setDefault(True)
        self.unlock.clicked.connect(self._submit)
        self.error = QLabel()
        self.error.setObjectName("lock_error")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.hide()
        note = QLabel(self.tr("后台同步仍在进行；未保存的输入已保留，解锁后原样恢复。"))
        note.setWordWrap(True)
        note.setStyleSheet("color: gray;")
        for label in (who, why, self.error, note):
            label.setFixedWidth(_BOX_TEXT_WIDTH)  # wrapped text gets the height its width needs
        self.password.setFixedWidth(_BOX_TEXT_WIDTH)
        inner = QVBoxLayout(box)
        inner.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(10)
        for widget in (title, who, why, self.password, self.unlock, self.error, note):
            inner.addWidget(widget)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def _submit(self) -> None:
        if self.password.isEnabled():
            self.unlock_requested.emit(self.password.text())

    def checking(self, busy: bool) -> None:
        self.password.setEnabled(not busy)
        self.unlock.setEnabled(not busy)
        if busy:
            self.error.hide()

    def refused(self) -> None:
        self.checking(False)
        self.error.setText(self.tr("密码不正确，请重试。"))
        self.error.show()
        self.password.clear()
        self.password.setFocus()


class IdleLock(QObject):
    """Locks ``window`` after ``minutes()`` without input (read each time the timer restarts, so a
    change in the preferences applies at once)."""

    locked_changed = Signal(bool)

    def __init__(
        self,
        window: QMainWindow,
        workspace: Workspace,
        minutes: Callable[[], float],
        before_lock: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.minutes = minutes
        self.before_lock = before_lock
        self.screen: LockScreen | None = None
        self._hidden: list[QWidget] = []
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.lock)
        app = QCoreApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self._restart()

    @property
    def locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _INPUT and not self.locked:
            self._restart()
        elif kind == QEvent.Type.Resize and watched is self.window and self.screen is not None:
            self.screen.setGeometry(self.window.rect())
        return False

    def _restart(self) -> None:
        self._timer.start(max(1, int(self.minutes() * 60_000)))

    def stop(self) -> None:
        """The window closes: no more locking (the filter leaves the application)."""
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def lock(self) -> None:
        if self.locked or not self.window.isVisible():
            return
        if self.before_lock is not None:
            self.before_lock()  # what is typed goes to the drafts (it also stays in its fields)
        self._hidden = [w for w in self._covered() if w.isVisible()]
        for widget in self._hidden:
            widget.hide()
        user = self.workspace.user
        screen = LockScreen(user.name, user.username, self.window)
        screen.unlock_requested.connect(self._check)
        screen.setGeometry(self.window.rect())
        screen.show()
        screen.raise_()
        screen.password.setFocus()
        self.screen = screen
        self.locked_changed.emit(True)

    def _covered(self) -> list[QWidget]:
        """Everything of the window that shows work: its parts, and the dialogs open over it."""
        window = self.window
        parts: list[QWidget | None] = [window.centralWidget(), window.menuBar(), window.statusBar()]
        parts += window.findChildren(QToolBar) + window.findChildren(QDockWidget)
        dialogs = [
            w for w in QApplication.topLevelWidgets() if w is not window and w.isWindow() and _belongs_to(w, window)
        ]
        return [w for w in parts + dialogs if w is not None]

    def _check(self, password: str) -> None:
        screen = self.screen
        if screen is None:
            return
        screen.checking(True)
        self.workspace.runner.run(
            check_password,
            self.workspace,
            password,
            lane=Lane.NETWORK,
            label="unlock",
            on_done=lambda ok: self.unlock() if ok else screen.refused(),
            on_error=lambda _e: screen.refused(),
            owner=screen,
        )

    def unlock(self) -> None:
        screen, self.screen = self.screen, None
        if screen is None:
            return
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        screen.hide()
        screen.deleteLater()
        self._restart()
        self.locked_changed.emit(False)


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
