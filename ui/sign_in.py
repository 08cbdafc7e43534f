"""The sign-in dialog: server and user remembered; the password is never stored.

When the server cannot be reached, the same dialog opens a user's local copy offline: the
password is checked against the verifier kept at their last sign-in on this PC (see
``desktop.session``); a note above the form says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from desktop.errors import ApiError


class SignInDialog(QDialog):
    """``attempt(server, username, password)`` runs the sign-in (off the UI thread, by the caller)
    and calls back ``done(error_or_None)``; the dialog stays open with the message on failure."""

    def __init__(
        self,
        server: str,
        username: str,
        attempt: Callable[[str, str, str, Callable[[BaseException | None], None]], None],
        language: str = "zh",
        parent: Any = None,
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.language = language
        self._attempt = attempt
        self.setWindowTitle(self.tr("登录 CaseDesk"))
        self.setMinimumWidth(420)
        self.server = QLineEdit(server)
        self.server.setPlaceholderText("https://12345.example.gov.cn")
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = QLabel(note)  # plain text: it may quote a server's message
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("服务器地址"), self.server)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("登录"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.password if username else self.username).setFocus()

    def _submit(self) -> None:
        if not (self.server.text().strip() and self.username.text().strip() and self.password.text()):
            self.error.setText(self.tr("请填写服务器地址、用户名和密码"))
            return
        self.error.setText(self.tr("正在登录…"))
        self.buttons.setEnabled(False)
        self._attempt(self.server.text().strip(), self.username.text().strip(), self.password.text(), self._finished)

    def _finished(self, error: BaseException | None) -> None:
        self.buttons.setEnabled(True)
        if error is None:
            self.password.clear()
            self.accept()
            return
        if isinstance(error, ApiError):
            self.error.setText(error.message(self.language))
        else:
            self.error.setText(self.tr("登录失败：%1").replace("%1", str(error)))
        self.password.selectAll()
        self.password.setFocus()
