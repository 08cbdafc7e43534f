"""The one error presenter: what a failure says to the user, in the UI's language, in a message box.

A refusal by the rules or a fault of the environment (``desktop.errors.USER_ERRORS``: the server,
the network, a file, a form that does not fit) is said in plain words; anything else is a bug:
it is handed to ``on_bug`` (the forms pass it to the runner, whose failures reach the application),
or logged and reported as an internal error. Boxes never block the event loop (``open``, not ``exec``)
and show plain text only: messages name files and orders, which may hold anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.errors import USER_ERRORS, UnknownOrder, ValidationError

log = logging.getLogger("casedesk")


def ui_language() -> str:
    """The language the application runs in: "zh" (default) or "en" (set by desktop.i18n)."""
    app = QCoreApplication.instance()
    value = app.property("casedesk_language") if app is not None else None
    return str(value or "zh")


def message_of(exc: BaseException) -> str:
    """A refusal's or an environment error's message in the UI language (``message_zh``/``message_en``)."""
    zh, en = getattr(exc, "message_zh", None), getattr(exc, "message_en", None)
    text = en if ui_language().startswith("en") else zh
    return str(text or zh or en or exc)


def error_text(exc: BaseException) -> str | None:
    """What the user reads about ``exc``; None when it is a bug (no message of its own, not one of ``USER_ERRORS``)."""
    if isinstance(exc, UnknownOrder):
        return QCoreApplication.translate("Errors", "本地没有这张工单（可能已转出），请同步后再试。")
    if isinstance(exc, ValidationError):
        return QCoreApplication.translate("Errors", "填写的内容不符合要求：%1").replace(
            "%1", "; ".join(e["msg"] for e in exc.errors())
        )
    if hasattr(exc, "message_zh"):  # refusals, refused files, the server's and the network's errors
        return message_of(exc)
    if isinstance(exc, OSError):
        return QCoreApplication.translate("Errors", "读写本机文件失败：%1").replace("%1", exc.strerror or str(exc))
    return message_of(exc) if isinstance(exc, USER_ERRORS) else None


def show_message(
    parent: QWidget | None,
    title: str,
    text: str,
    details: str = "",
    icon: QMessageBox.Icon = QMessageBox.Icon.Warning,
) -> QMessageBox:
    """A message box that does not block the event loop (``open``, not ``exec``), in plain text."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages name files and orders: text, never markup
    box.setObjectName("casedesk_error")
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def present_error(
    parent: QWidget | None,
    exc: BaseException,
    *,
    title: str = "",
    on_bug: Callable[[BaseException], None] | None = None,
) -> QMessageBox | None:
    """Say ``exc`` in a message box over ``parent`` (titled ``title``, by default 操作未完成).

    A bug goes to ``on_bug`` when given (no box here); otherwise it is logged with its traceback
    and the box says an internal error happened."""
    text = error_text(exc)
    if text is None:
        if on_bug is not None:
            on_bug(exc)
            return None
        log.error("task failed: %s\n%s", exc, getattr(exc, "__casedesk_traceback__", ""))
        text = QCoreApplication.translate("Errors", "发生内部错误，已记录日志。请联系管理员。")
    return show_message(parent, title or QCoreApplication.translate("Errors", "操作未完成"), text)
