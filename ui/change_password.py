"""更改密码: the user's own password change, from the menu or required at first sign-in.

The policy (``casework.passwords``) is shown above the fields and checked here before anything is
sent; the server checks it again and has the last word (its message is shown as it comes).
Nothing waits for a click: the dialog is opened with ``open()`` and reports through signals.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from casework.passwords import POLICY_EN, POLICY_ZH, check_password
from desktop.errors import ApiError
from desktop.session import change_password
from desktop.tasks import Lane
from desktop.workspace import Workspace


class ChangePasswordDialog(QDialog):
    """Current password, the new one twice, the policy; ``changed`` once the server took it.

    Signals:
        changed(UserOut): the server accepted the new password (the user as they are now).
    """

    changed = Signal(object)

    def __init__(self, workspace: Workspace, language: str = "zh", forced: bool = False, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("change_password_dialog")
        self.workspace = workspace
        self.language = language
        self.forced = forced
        self.setWindowTitle(self.tr("更改密码"))
        self.setMinimumWidth(460)
        self.intro = QLabel(
            self.tr("首次登录（或管理员重置密码后）须先设置您自己的密码，才能继续使用。")
            if forced
            else self.tr("更改后，您在其他电脑上的登录将被注销。")
        )
        self.intro.setWordWrap(True)
        self.policy = QLabel(POLICY_ZH if language == "zh" else POLICY_EN)
        self.policy.setTextFormat(Qt.TextFormat.PlainText)
        self.policy.setWordWrap(True)
        self.policy.setStyleSheet("color: #555;")
        self.old_password = QLineEdit()
        self.new_password = QLineEdit()
        self.repeat = QLineEdit()
        for field in (self.old_password, self.new_password, self.repeat):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # it may quote the server's message
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("当前密码"), self.old_password)
        form.addRow(self.tr("新密码"), self.new_password)
        form.addRow(self.tr("再次输入新密码"), self.repeat)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("更改密码"))
        self.cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setText(self.tr("注销") if forced else self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.policy)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.old_password.setFocus()

    def _problem(self) -> str | None:
        """What is wrong before asking the server, in the user's language; None when nothing is."""
        old, new = self.old_password.text(), self.new_password.text()
        if not (old and new):
            return self.tr("请填写当前密码和新密码")
        if new != self.repeat.text():
            return self.tr("两次输入的新密码不一致")
        problem = check_password(new, self.workspace.user.username, old)
        if problem is not None:
            return problem.message_zh if self.language == "zh" else problem.message_en
        return None

    def _submit(self) -> None:
        problem = self._problem()
        if problem is not None:
            self.error.setText(problem)
            return
        self.error.setText(self.tr("正在更改…"))
        self.buttons.setEnabled(False)
        self.workspace.runner.run(
            change_password,
            self.workspace,
            self.old_password.text(),
            self.new_password.text(),
            lane=Lane.NETWORK,
            label="change-password",
            on_done=self._done,
            on_error=self._failed,
            owner=self,
        )

    def _done(self, user: Any) -> None:
        for field in (self.old_password, self.new_password, self.repeat):
            field.clear()
        self.changed.emit(user)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, ApiError):
            self.error.setText(error.message(self.language))
        else:
            self.error.setText(self.tr("更改失败：%1").replace("%1", str(error)))
        self.new_password.setFocus()
