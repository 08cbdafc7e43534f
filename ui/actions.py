"""The order's action bar: the department desk's commands that the user may do now, each with its small form.

Every command goes through ``Workspace.record`` (checked offline by casework, applied locally,
queued for sync). A form stays open until its command is stored, so a refusal never throws away
what the user typed; refusals and unusable photos are shown in the user's language.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QCoreApplication, QDateTime, QObject, Qt, QTimer, QTimeZone, Signal
from PySide6.QtGui import QAction, QDoubleValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from casework.cohandling import CoStatus
from casework.lifecycle import Command
from casework.order import ReturnReason
from casework.roles import Role
from desktop.tasks import Task
from desktop.workspace import LocalFile, Workspace, form_key
from ui.errors import present_error
from ui.labels import CITY_ZONE, Names, command_label, local_time, return_reason_label, role_label, time_zone_note
from ui.photo_picker import PhotoPicker

__all__ = [
    "DESK_COMMANDS",
    "ActionBar",
    "CommandDialog",
    "OnsiteCheckDialog",
    "record_command",
    "restored_note",
]

#: Commands only the centre has, done in the window's 转办/回访 dock (``ui.centre_panel``).
CENTRE_DOCK_COMMANDS = (
    Command.DISPATCH,
    Command.CLOSE_AT_ONCE,
    Command.RULE_RETURN,
    Command.RULE_EXTENSION,
    Command.RECORD_CALLBACK,
)

#: The bar's commands, in the order shown, with their shortcuts (save_draft/submit_reply live in the reply editor).
DESK_COMMANDS: dict[Command, str] = {
    Command.SIGN: "Ctrl+Shift+S",
    Command.ASSIGN_HANDLER: "Ctrl+Shift+H",
    Command.RECORD_ONSITE_CHECK: "Ctrl+Shift+O",
    Command.ADD_NOTE: "Ctrl+Shift+N",
    Command.REQUEST_EXTENSION: "Ctrl+Shift+E",
    Command.REQUEST_RETURN: "Ctrl+Shift+T",
    Command.APPROVE: "Ctrl+Shift+A",
    Command.RETURN_FOR_REWORK: "Ctrl+Shift+R",
    # Co-handling (协办): the co-department's own part; the centre's waiver and the added department.
    Command.CO_SIGN: "Ctrl+Shift+G",
    Command.SUBMIT_CO_OPINION: "Ctrl+Shift+Y",
    Command.WAIVE_CO_HANDLING: "Ctrl+Shift+W",
    Command.ADD_CO_DEPARTMENT: "Ctrl+Shift+J",  # (D is 督办)
    Command.SUPERVISE: "Ctrl+Shift+D",  # 督办: the centre, city leaders over the order
    Command.REMIND: "Ctrl+Shift+U",  # 催办
    Command.SUPERVISION_FEEDBACK: "Ctrl+Shift+B",  # 督办反馈: the lead department answers a 督办
}

#: A form's text is kept in the local drafts at most this long after a keystroke (as the reply editor's).
KEEP_AFTER_MS = 2000


def record_command(
    workspace: Workspace,
    order_id: int,
    command: Command,
    body: dict[str, Any],
    files: Sequence[LocalFile] = (),
    on_done: Callable[[], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    *,
    owner: QObject,
) -> Task:
    """``Workspace.record`` for the forms: failures nobody handles go to the one error presenter; the
    callbacks are dropped once ``owner`` (the widget that asked) is gone."""
    return workspace.record(
        order_id,
        command,
        body,
        files=list(files),
        on_done=on_done,
        on_error=on_error or workspace.runner.error.emit,
        owner=owner,
    )


def restored_note(updated_at: str) -> str:
    """The line saying a local draft was put back, and when it was kept (Beijing time)."""
    when = QCoreApplication.translate("ActionBar", "北京时间 %1").replace("%1", local_time(updated_at))
    return QCoreApplication.translate("ActionBar", "已恢复未保存的内容（%1）").replace("%1", when)


# --- forms ----------------------------------------------------------------------------------------


class CommandDialog(QDialog):
    """A small form for one command. Ctrl+Enter submits; ``submitted`` carries nothing — read :meth:`body`.

    Subclasses add rows to ``self.form`` and implement :meth:`body` (raise ``ValueError(message)``
    to refuse the input); :meth:`files` lists the blobs the body refers to. :meth:`set_order` ties
    the form to its order and names it (number and title) in the window title and at the top. The
    fields named in ``self.kept`` are what the user typed: kept in the local drafts and restored
    (:meth:`restore`).

    Signals:
        submitted(): the user asked to submit (the bar then records the command).
        edited(): the user changed a kept field.
    """

    submitted = Signal()
    edited = Signal()

    def __init__(self, command: Command, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.command = command
        self.order_id = 0  # set by the bar that opens it (set_order)
        self.setWindowTitle(command_label(command.value))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.order_label = QLabel()
        self.order_label.setObjectName("dialog_order")
        self.order_label.setTextFormat(Qt.TextFormat.PlainText)  # the title comes from a citizen
        self.order_label.setWordWrap(True)
        self.order_label.setStyleSheet(
            "background: #eceff1; color: #263238; font-weight: bold; padding: 6px; border-radius: 3px;"
        )
        self.order_label.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error = QLabel()
        self.error.setObjectName("dialog_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("提交"))
        self.ok.setToolTip(self.tr("提交（Ctrl+Enter）"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.order_label)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.submit)
        self.setMinimumWidth(420)
        self.kept: dict[str, QWidget] = {}  # set by subclasses: the typed fields, by name
        self.restored = QLabel()
        self.restored.setObjectName("dialog_restored")
        self.restored.setStyleSheet("color: #00838f;")
        self.restored.hide()
        layout.insertWidget(0, self.restored)
        self._restoring = False

    def keep(self, fields: dict[str, QWidget]) -> None:
        """Name the fields whose text is kept (call once the widgets exist)."""
        self.kept = fields
        for widget in fields.values():
            if isinstance(widget, (QPlainTextEdit, QLineEdit)):
                widget.textChanged.connect(self._edited)
            elif isinstance(widget, QComboBox):
                widget.currentIndexChanged.connect(self._edited)
            elif isinstance(widget, QSpinBox):
                widget.valueChanged.connect(self._edited)

    def _edited(self) -> None:
        if not self._restoring:
            self.restored.hide()
            self.edited.emit()

    def typed(self) -> dict[str, Any]:
        """The kept fields' values, by name."""
        values: dict[str, Any] = {}
        for name, widget in self.kept.items():
            if isinstance(widget, QPlainTextEdit):
                values[name] = widget.toPlainText()
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text()
            elif isinstance(widget, QComboBox):
                values[name] = widget.currentData()
            elif isinstance(widget, QSpinBox):
                values[name] = widget.value()
        return values

    def has_text(self) -> bool:
        """Anything typed in a text field (a form with only its defaults is not worth keeping)."""
        values = self.typed()
        return any(
            isinstance(widget, (QPlainTextEdit, QLineEdit)) and str(values[name]).strip()
            for name, widget in self.kept.items()
        )

    def restore(self, values: dict[str, Any], note: str = "") -> None:
        """Put kept values back into the fields; ``note`` says so above the form."""
        self._restoring = True
        try:
            for name, value in values.items():
                widget = self.kept.get(name)
                if isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(str(value))
                elif isinstance(widget, QLineEdit):
                    widget.setText(str(value))
                elif isinstance(widget, QComboBox) and (index := widget.findData(value)) >= 0:
                    widget.setCurrentIndex(index)
                elif isinstance(widget, QSpinBox) and isinstance(value, int):
                    widget.setValue(value)
        finally:
            self._restoring = False
        self.restored.setText(note)
        self.restored.setVisible(bool(note))

    def set_order(self, order: dict[str, Any]) -> None:
        """The order this form acts on, whatever the window shows later: named in the title and at the top."""
        self.order_id = order["id"]
        number, title = order.get("number", ""), order.get("title", "")
        short = title if len(title) <= 24 else title[:23] + "…"
        self.setWindowTitle(
            self.tr("%1 — %2 %3")
            .replace("%1", command_label(self.command.value))
            .replace("%2", number)
            .replace("%3", short)
        )
        self.order_label.setText(self.tr("工单 %1：%2").replace("%1", number).replace("%2", title))
        self.order_label.show()

    def body(self) -> dict[str, Any]:
        return {}

    def files(self) -> list[LocalFile]:
        return []

    def submit(self) -> None:
        if self.ok.isEnabled():
            self.submitted.emit()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def set_busy(self, busy: bool) -> None:
        self.ok.setEnabled(not busy)


def _text_edit(placeholder: str, height: int = 90) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setMinimumHeight(height)
    return edit


class CommentDialog(CommandDialog):
    """Approve (comment optional) or return for rework (comment required)."""

    def __init__(self, command: Command, required: bool, parent: QWidget | None = None) -> None:
        super().__init__(command, parent)
        self.required = required
        hint = self.tr("退回原因和修改要求（必填）") if required else self.tr("审核意见（可不填）")
        self.comment = _text_edit(hint)
        self.form.addRow(self.tr("意见"), self.comment)
        self.keep({"comment": self.comment})
        if command is Command.APPROVE:
            self.ok.setText(command_label(Command.APPROVE))
        elif command is Command.RETURN_FOR_REWORK:
            self.ok.setText(command_label(Command.RETURN_FOR_REWORK))

    def body(self) -> dict[str, Any]:
        comment = self.comment.toPlainText().strip()
        if self.required and not comment:
            raise ValueError(self.tr("退回时必须填写意见，说明需要怎样修改。"))
        return {"comment": comment}


class NoteDialog(CommandDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Command.ADD_NOTE, parent)
        self.client_id = str(uuid.uuid4())  # one id per note: a resend is not a second note
        self.text = _text_edit(self.tr("仅本单位和中心可见，不会告知市民"))
        self.form.addRow(self.tr("备注"), self.text)
        self.keep({"text": self.text})

    def body(self) -> dict[str, Any]:
        text = self.text.toPlainText().strip()
        if not text:
            raise ValueError(self.tr("请填写备注内容。"))
        return {"client_id": self.client_id, "text": text}


class SupervisionDialog(CommandDialog):
    """督办 or 催办 with what is required (the department's handler, chief and head are told), or the
    department's 督办反馈: its progress report, which the one who issued the 督办 is told of."""

    def __init__(self, command: Command, parent: QWidget | None = None) -> None:
        super().__init__(command, parent)
        hints = {
            Command.SUPERVISE: self.tr("督办要求，如：请于3个工作日内解决并报送办理进展"),
            Command.REMIND: self.tr("催办事项，如：市民再次来电，请尽快联系市民"),
            Command.SUPERVISION_FEEDBACK: self.tr("目前的办理进展、已采取的措施和预计完成时间"),
        }
        self.note = _text_edit(hints.get(command, ""))
        label = self.tr("办理进展") if command is Command.SUPERVISION_FEEDBACK else self.tr("要求")
        self.form.addRow(label, self.note)
        self.keep({"note": self.note})

    def body(self) -> dict[str, Any]:
        note = self.note.toPlainText().strip()
        if not note:
            if self.command is Command.SUPERVISION_FEEDBACK:
                raise ValueError(self.tr("请填写办理进展。"))
            raise ValueError(self.tr("请填写督办或催办的要求。"))
        return {"note": note}


class AssignDialog(CommandDialog):
    def __init__(self, handlers: list[tuple[int, str]], current: int | None, parent: QWidget | None = None) -> None:
        super().__init__(Command.ASSIGN_HANDLER, parent)
        self.handler = QComboBox()
        for user_id, name in handlers:
            self.handler.addItem(name, user_id)
        if current is not None and (index := self.handler.findData(current)) >= 0:
            self.handler.setCurrentIndex(index)
        self.form.addRow(role_label(Role.HANDLER), self.handler)
        if not handlers:
            self.show_error(self.tr("本单位没有可分派的经办人（请同步后再试）。"))

    def body(self) -> dict[str, Any]:
        if self.handler.currentData() is None:
            raise ValueError(self.tr("请选择经办人。"))
        return {"handler_id": int(self.handler.currentData())}


class ExtensionDialog(CommandDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Command.REQUEST_EXTENSION, parent)
        self.days = QSpinBox()
        self.days.setRange(1, 30)
        self.days.setValue(3)
        self.days.setSuffix(self.tr(" 个工作日"))
        self.reason = _text_edit(self.tr("需要延期的原因，如：需协调多个部门、等待施工条件"))
        self.form.addRow(self.tr("延期天数"), self.days)
        self.form.addRow(self.tr("原因"), self.reason)
        self.keep({"days": self.days, "reason": self.reason})

    def body(self) -> dict[str, Any]:
        reason = self.reason.toPlainText().strip()
        if not reason:
            raise ValueError(self.tr("请填写延期原因。"))
        return {"days": self.days.value(), "reason": reason}


class ReturnRequestDialog(CommandDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Command.REQUEST_RETURN, parent)
        self.reason_code = QComboBox()
        for code in ReturnReason:
            self.reason_code.addItem(return_reason_label(code), code.value)
        self.reason = _text_edit(self.tr("说明理由，并尽量写明应由哪个单位办理"))
        self.form.addRow(self.tr("退单类型"), self.reason_code)
        self.form.addRow(self.tr("理由"), self.reason)
        self.keep({"reason_code": self.reason_code, "reason": self.reason})

    def body(self) -> dict[str, Any]:
        reason = self.reason.toPlainText().strip()
        if not reason:
            raise ValueError(self.tr("请填写退单理由。"))
        return {"reason_code": self.reason_code.currentData(), "reason": reason}


class OnsiteCheckDialog(CommandDialog):
    """Time (now by default), place (from the first photo's GPS if it has one), findings and tagged photos."""

    MAX_PHOTOS = 50  # OnsiteCheckBody's limit

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(Command.RECORD_ONSITE_CHECK, parent)
        self.client_id = str(uuid.uuid4())
        city = QTimeZone(CITY_ZONE.key.encode())
        self.when = QDateTimeEdit(QDateTime.currentDateTime(city))
        self.when.setTimeZone(city)  # Beijing time, as every time the desk shows, whatever the PC's zone
        self.when.setToolTip(time_zone_note())
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setCalendarPopup(True)
        self.lat = QLineEdit()
        self.lat.setPlaceholderText(self.tr("纬度，如 32.7847"))
        self.lat.setValidator(QDoubleValidator(-90.0, 90.0, 6))
        self.lon = QLineEdit()
        self.lon.setPlaceholderText(self.tr("经度，如 119.4432"))
        self.lon.setValidator(QDoubleValidator(-180.0, 180.0, 6))
        self.gps_source = QLabel()
        self.gps_source.setStyleSheet("color: #666;")
        place = QHBoxLayout()
        place.addWidget(self.lat)
        place.addWidget(self.lon)
        place.addWidget(self.gps_source, 1)
        self.notes = _text_edit(self.tr("核查发现的情况、已采取的措施"), 70)
        self.notes.setMaximumHeight(110)  # the photos get the room
        self.picker = PhotoPicker(workspace, self)
        self.form.addRow(self.tr("核查时间"), self.when)
        self.form.addRow(self.tr("位置（GPS）"), place)
        self.form.addRow(self.tr("核查情况"), self.notes)
        self.form.addRow(self.tr("照片"), self.picker)
        self.keep({"notes": self.notes})  # the findings; photos are files, picked again
        self._gps_from_photo = False
        self.lat.textEdited.connect(self._gps_typed)
        self.lon.textEdited.connect(self._gps_typed)
        self.picker.changed.connect(self._fill_gps)
        self.picker.busy_changed.connect(self._picker_busy)
        self.resize(760, 600)

    def _gps_typed(self) -> None:
        self._gps_from_photo = False
        self.gps_source.clear()

    def _fill_gps(self) -> None:
        """Take the place from the first photo that has one, unless the user typed a place."""
        typed = (self.lat.text() or self.lon.text()) and not self._gps_from_photo
        if typed:
            return
        located = next((f for f, _ in self.picker.photos() if f.lat is not None and f.lon is not None), None)
        if located is None:
            if self._gps_from_photo:
                self.lat.clear()
                self.lon.clear()
                self._gps_typed()
            return
        self.lat.setText(f"{located.lat:.6f}")
        self.lon.setText(f"{located.lon:.6f}")
        self._gps_from_photo = True
        self.gps_source.setText(self.tr("取自照片 %1").replace("%1", located.name))

    def _picker_busy(self, busy: bool) -> None:
        self.set_busy(busy)
        self.show_error(self.tr("照片处理中，请稍候…") if busy else "")

    def body(self) -> dict[str, Any]:
        if self.picker.is_busy():
            raise ValueError(self.tr("照片还在处理中，请稍候再提交。"))
        photos = self.picker.photos()
        notes = self.notes.toPlainText().strip()
        if not notes and not photos:
            raise ValueError(self.tr("请填写核查情况或添加照片。"))
        if len(photos) > self.MAX_PHOTOS:
            raise ValueError(self.tr("一次核查最多 %1 张照片。").replace("%1", str(self.MAX_PHOTOS)))
        lat, lon = self.lat.text().strip(), self.lon.text().strip()
        if bool(lat) != bool(lon):
            raise ValueError(self.tr("请同时填写纬度和经度，或都不填。"))
        try:
            position = (float(lat), float(lon)) if lat else (None, None)
        except ValueError:
            raise ValueError(self.tr("经纬度格式不正确。")) from None
        checked_at = datetime.fromtimestamp(self.when.dateTime().toSecsSinceEpoch(), CITY_ZONE)  # Beijing time
        return {
            "client_id": self.client_id,
            "checked_at": checked_at.isoformat(),
            "lat": position[0],
            "lon": position[1],
            "notes": notes,
            "photos": [{"sha256": f.sha256, "tag": tag} for f, tag in photos],
        }

    def files(self) -> list[LocalFile]:
        return [f for f, _ in self.picker.photos()]


class CoOpinionDialog(CommandDialog):
    """协办意见: the co-department's findings and answer for its part, which the lead cites in the reply."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Command.SUBMIT_CO_OPINION, parent)
        self.opinion = _text_edit(self.tr("本单位核查情况、处理结果和对主办单位答复的意见"), 140)
        self.form.addRow(self.tr("协办意见"), self.opinion)
        self.keep({"opinion": self.opinion})
        self.ok.setText(command_label(Command.SUBMIT_CO_OPINION.value))

    def body(self) -> dict[str, Any]:
        opinion = self.opinion.toPlainText().strip()
        if not opinion:
            raise ValueError(self.tr("请填写协办意见。"))
        return {"opinion": opinion}


class CoDepartmentDialog(CommandDialog):
    """免除协办 (the centre, with the reason) or 增加协办单位 (the centre or a city leader): which, and why."""

    def __init__(self, command: Command, departments: list[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(command, parent)
        self.department = QComboBox()
        self.department.setObjectName("co_department")
        for department_id, name in departments:
            self.department.addItem(name, department_id)
        self.waiving = command is Command.WAIVE_CO_HANDLING
        hint = self.tr("免除的理由（必填）") if self.waiving else self.tr("需要该单位协办的事项（会商意见）")
        self.reason = _text_edit(hint)
        self.form.addRow(self.tr("协办单位"), self.department)
        self.form.addRow(self.tr("理由"), self.reason)
        self.keep({"reason": self.reason})
        if not departments:
            self.show_error(self.tr("没有可选的单位。"))

    def body(self) -> dict[str, Any]:
        if self.department.currentData() is None:
            raise ValueError(self.tr("请选择协办单位。"))
        reason = self.reason.toPlainText().strip()
        if self.waiving and not reason:
            raise ValueError(self.tr("请填写免除协办的理由。"))
        return {"department_id": int(self.department.currentData()), "reason": reason}


# --- the bar ----------------------------------------------------------------------------------------


class ActionBar(QWidget):
    """Buttons for the desk commands in the order's ``allowed_commands`` (others are hidden).

    Sign (and 协办签收) records at once — like every command it waits in the outbox for the undo window, with
    the undo notice naming it (see ``ui.undo``); the others open a form that names the order
    (``dialog`` while open), whose submit is the one confirmation. Shortcuts are
    window-wide while the button shows (see :data:`DESK_COMMANDS`) and appear in the tooltips.

    Signals:
        recorded(str): a command was stored locally and queued for sync (its wire name).
        dialog_opened(object): a form was opened (the :class:`CommandDialog`).
    """

    recorded = Signal(str)
    dialog_opened = Signal(object)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.order: dict[str, Any] | None = None
        self.names: Names | None = None
        self.dialog: CommandDialog | None = None
        self.actions_by_command: dict[Command, QAction] = {}
        self.buttons: dict[Command, QToolButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for command, keys in DESK_COMMANDS.items():
            action = QAction(command_label(command.value), self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            shown = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(self.tr("%1（%2）").replace("%1", command_label(command.value)).replace("%2", shown))
            action.triggered.connect(lambda _=False, c=command: self.trigger(c))
            self.addAction(action)
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setObjectName(f"action_{command.value}")
            button.setMinimumHeight(28)
            if command in (Command.SIGN, Command.APPROVE, Command.CO_SIGN):
                button.setStyleSheet("QToolButton { font-weight: bold; padding: 2px 10px; }")
            else:
                button.setStyleSheet("QToolButton { padding: 2px 8px; }")
            layout.addWidget(button)
            self.actions_by_command[command] = action
            self.buttons[command] = button
        self.nothing = QLabel(self.tr("当前没有需要您处理的操作"))
        self.nothing.setStyleSheet("color: #777;")
        layout.addWidget(self.nothing)
        layout.addStretch(1)
        self.setMinimumHeight(30)  # the header does not jump when no command is allowed
        self.set_order(None)

    def set_order(self, order: dict[str, Any] | None, names: Names | None = None) -> None:
        """Show the commands ``order`` allows now; None hides them all."""
        self.order = order
        if names is not None:
            self.names = names
        allowed = set((order or {}).get("allowed_commands") or ())
        for command, action in self.actions_by_command.items():
            on = command.value in allowed
            action.setVisible(on)
            action.setEnabled(on)
            self.buttons[command].setVisible(on)
        # The centre's own work on an order is done in the window's 转办/回访 dock, not in this bar.
        elsewhere = bool(allowed & {c.value for c in CENTRE_DOCK_COMMANDS})
        self.nothing.setText(
            self.tr("在右侧「转办 / 回访」中办理") if elsewhere else self.tr("当前没有需要您处理的操作")
        )
        self.nothing.setVisible(order is not None and not self.visible_commands())

    def visible_commands(self) -> list[str]:
        return [c.value for c, a in self.actions_by_command.items() if a.isVisible()]

    def trigger(self, command: Command | str) -> None:
        """Do ``command`` for the current order: sign at once, the others through their form."""
        command = Command(command)
        if self.order is None or not self.actions_by_command[command].isEnabled():
            return
        if command in (Command.SIGN, Command.CO_SIGN):
            self._record(command, self.order["id"], {}, (), None)
            return
        if self.dialog is not None:
            self.dialog.raise_()
            return
        dialog = self._dialog_for(command)
        dialog.set_order(self.order)  # the form belongs to this order, whatever the view shows later
        dialog.submitted.connect(lambda: self._submit(dialog))
        dialog.finished.connect(lambda result: self._closed(dialog, result))
        self.dialog = dialog
        self._keep_typing(dialog)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _dialog_for(self, command: Command) -> CommandDialog:
        parent = self.window()
        match command:
            case Command.ASSIGN_HANDLER:
                return AssignDialog(self._handlers(), (self.order or {}).get("handler_id"), parent)
            case Command.RECORD_ONSITE_CHECK:
                return OnsiteCheckDialog(self.workspace, parent)
            case Command.ADD_NOTE:
                return NoteDialog(parent)
            case Command.REQUEST_EXTENSION:
                return ExtensionDialog(parent)
            case Command.REQUEST_RETURN:
                return ReturnRequestDialog(parent)
            case Command.APPROVE:
                return CommentDialog(command, required=False, parent=parent)
            case Command.SUBMIT_CO_OPINION:
                return CoOpinionDialog(parent)
            case Command.WAIVE_CO_HANDLING:
                return CoDepartmentDialog(command, self._co_choices(outstanding=True), parent)
            case Command.ADD_CO_DEPARTMENT:
                return CoDepartmentDialog(command, self._co_choices(outstanding=False), parent)
            case Command.SUPERVISE | Command.REMIND | Command.SUPERVISION_FEEDBACK:
                return SupervisionDialog(command, parent)
            case _:
                return CommentDialog(command, required=True, parent=parent)

    def _co_choices(self, outstanding: bool) -> list[tuple[int, str]]:
        """The departments to waive (those whose part is outstanding) or to add (any other department)."""
        order = self.order or {}
        names = self.names
        name = names.department if names is not None else str
        if outstanding:
            return [
                (p["department_id"], name(p["department_id"]))
                for p in order.get("co_handling") or []
                if p.get("status") in (CoStatus.PENDING.value, CoStatus.SIGNED.value)
            ]
        taken = {order.get("lead_department_id"), *(order.get("co_department_ids") or [])}
        departments = names.departments.values() if names is not None else ()
        return [
            (d["id"], name(d["id"]))
            for d in departments
            if d.get("kind") == "department" and d.get("active", True) and d["id"] not in taken
        ]

    def _handlers(self) -> list[tuple[int, str]]:
        department = self.workspace.user.department_id
        users = self.names.users.values() if self.names is not None else ()
        return [
            (u["id"], u["name"])
            for u in users
            if u.get("department_id") == department and u.get("role") == "handler" and u.get("active", True)
        ]

    # --- what is typed in a form is kept in the local drafts -------------------------------------------

    def _keep_typing(self, dialog: CommandDialog) -> None:
        """Keep the form's text within KEEP_AFTER_MS of each edit; put back what was kept for this order and form."""
        if not dialog.kept:
            return
        timer = QTimer(dialog, singleShot=True, interval=KEEP_AFTER_MS)
        timer.setObjectName("keep_timer")
        timer.timeout.connect(lambda: self._keep(dialog))
        dialog.edited.connect(lambda: timer.start() if not timer.isActive() else None)
        dialog.setProperty("kept_on_disk", False)

        def found(draft: dict[str, Any] | None) -> None:
            if draft is None or self.dialog is not dialog or dialog.has_text():
                return  # nothing kept, the form is gone, or the user has started typing again
            dialog.restore(draft["content"], restored_note(draft["updated_at"]))
            dialog.setProperty("kept_on_disk", True)

        self.workspace.draft(dialog.order_id, form_key(dialog.command), on_done=found, owner=dialog)

    def _keep(self, dialog: CommandDialog) -> bool:
        """Write the form's text to the local drafts now (an emptied form forgets it); True if kept."""
        _keep_timer(dialog, run=False)
        if not dialog.kept:
            return False
        if dialog.has_text():
            self.workspace.keep_draft(dialog.order_id, form_key(dialog.command), dialog.typed())
            dialog.setProperty("kept_on_disk", True)
            return True
        if dialog.property("kept_on_disk"):
            self.workspace.drop_draft(dialog.order_id, form_key(dialog.command))
            dialog.setProperty("kept_on_disk", False)
        return False

    def keep_form(self) -> tuple[tuple[int, str], bool] | None:
        """The window is closing: keep the open form's text and close the form (its text stays kept).
        Returns ((order id, key), kept) for the open form, None when none is open."""
        dialog = self.dialog
        if dialog is None or not dialog.kept:
            return None
        kept = self._keep(dialog)
        dialog.setProperty("closing_window", True)
        dialog.close()
        return (dialog.order_id, form_key(dialog.command)), kept

    def _submit(self, dialog: CommandDialog) -> None:
        try:
            body = dialog.body()
        except ValueError as exc:
            dialog.show_error(str(exc))
            return
        dialog.show_error("")
        _keep_timer(dialog, run=False)  # the command takes the text (and drops the local draft with it)
        self._record(dialog.command, dialog.order_id, body, dialog.files(), dialog)

    def _record(
        self,
        command: Command,
        order_id: int,
        body: dict[str, Any],
        files: Sequence[LocalFile],
        dialog: CommandDialog | None,
    ) -> None:
        if dialog is not None:
            dialog.set_busy(True)

        def done() -> None:
            if dialog is not None:
                dialog.accept()
            self.recorded.emit(command.value)

        def failed(exc: BaseException) -> None:
            if dialog is not None:
                dialog.set_busy(False)
                _keep_timer(dialog, run=True)  # not stored: the text stays a local draft
            present_error(dialog or self, exc, on_bug=self.workspace.runner.error.emit)

        try:
            record_command(self.workspace, order_id, command, body, files, on_done=done, on_error=failed, owner=self)
        except ValidationError as exc:  # the body did not fit its model: say so in the form
            failed(exc)

    def _closed(self, dialog: CommandDialog, result: int) -> None:
        if self.dialog is dialog:
            self.dialog = None
        if result == QDialog.DialogCode.Rejected and not dialog.property("closing_window"):
            # Cancelled: the user chose to drop what they typed (a submitted form's draft went with its command).
            _keep_timer(dialog, run=False)
            if dialog.kept and dialog.property("kept_on_disk"):
                self.workspace.drop_draft(dialog.order_id, form_key(dialog.command))


def _keep_timer(dialog: CommandDialog, run: bool) -> None:
    """Stop the form's keep timer, or start it (a kept form only)."""
    timer = dialog.findChild(QTimer, "keep_timer")
    if timer is not None:
        timer.start() if run else timer.stop()
