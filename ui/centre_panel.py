"""The centre's work on the order in view (a dock beside the workbench): 转办 on a received order,
回访 with closing or 重办 on a replied one, and a batch dispatch of the 待派单 list.

The buttons follow what casework allows the user now (the order's ``allowed_commands``, computed
with the closing rule ``close_refusal``): an agent cannot close after an unsatisfied callback; the
centre supervisor may, with a reason (值班长办结). Every command goes through ``Workspace.record``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casework.knowledge import MAX_CITED
from casework.lifecycle import Command
from casework.order import CallbackOutcome
from casework.sla import Complexity
from desktop import knowledge
from desktop.centre import dispatch_category, dispatch_suggestion
from desktop.workspace import Workspace
from ui.errors import error_text
from ui.knowledge import KnowledgeButton
from ui.labels import (
    Names,
    callback_outcome_label,
    command_label,
    complexity_label,
    english,
    local_time,
    return_reason_label,
    state_label,
)

__all__ = ["CentrePanel"]


class CentrePanel(QWidget):
    """``show_order(order_id)`` fills it for that order; ``batch_done`` after a batch dispatch."""

    batch_done = Signal()

    def __init__(self, workspace: Workspace, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.names = names
        self.order: dict[str, Any] | None = None
        self.order_id: int | None = None
        self._ruling: Command | None = None
        self.selected_ids: list[int] = []  # the rows selected in the work list (Ctrl/Shift+click)
        supervisor = workspace.user.role.value == "centre_supervisor"

        self.heading = QLabel(self.tr("选择一张工单"))
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # --- 转办 ---
        self.dispatch_box = QGroupBox(self.tr("转办"))
        self.suggestion = QLabel()
        self.suggestion.setWordWrap(True)
        self.lead = QComboBox()
        self.co = QListWidget()
        self.co.setMaximumHeight(110)
        self.co.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.co.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for department_id, department in sorted(names.departments.items()):
            if department.get("kind") == "department":
                self.lead.addItem(names.department(department_id), department_id)
                item = QListWidgetItem(names.department(department_id))
                item.setData(Qt.ItemDataRole.UserRole, department_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.co.addItem(item)
        self.complexity = QComboBox()
        for value in Complexity:
            self.complexity.addItem(complexity_label(value.value), value.value)
        self.dispatch_button = QPushButton(command_label(Command.DISPATCH))
        self.dispatch_button.clicked.connect(self._dispatch)
        self.batch_button = QPushButton(self.tr("批量派单…"))
        self.batch_button.setToolTip(self.tr("把「待派单」中同一分类的工单一并派给所选单位"))
        self.batch_button.clicked.connect(self._dispatch_batch)
        self.batch_results = QListWidget()
        self.batch_results.setMaximumHeight(110)
        self.batch_results.hide()
        dispatch_form = QFormLayout(self.dispatch_box)
        dispatch_form.addRow(self.suggestion)
        dispatch_form.addRow(self.tr("主办单位"), self.lead)
        dispatch_form.addRow(self.tr("协办单位"), self.co)
        dispatch_form.addRow(self.tr("复杂程度"), self.complexity)
        buttons = QHBoxLayout()
        buttons.addWidget(self.dispatch_button)
        buttons.addWidget(self.batch_button)
        buttons.addStretch(1)
        dispatch_form.addRow(buttons)
        dispatch_form.addRow(self.batch_results)

        # --- 直接办结: a consultation answered at once, with its policy basis ---
        self.answer_box = QGroupBox(command_label(Command.CLOSE_AT_ONCE))
        self.answer = QPlainTextEdit()
        self.answer.setTabChangesFocus(True)
        self.answer.setPlaceholderText(self.tr("答复市民的内容"))
        self.answer.setMaximumHeight(70)
        self.basis = QLineEdit()
        self.basis.setPlaceholderText(self.tr("政策依据（可选）"))
        self.answer_button = QPushButton(command_label(Command.CLOSE_AT_ONCE))
        self.answer_button.clicked.connect(self._close_at_once)
        answer_form = QFormLayout(self.answer_box)
        # 引用知识库…: the answer and its basis from the knowledge base; the entries go with the command.
        self.cited: list[int] = []
        self.cite = KnowledgeButton(workspace, names, lambda: str((self.order or {}).get("title") or ""), self)
        self.cite.chosen.connect(self._cite)
        answer_form.addRow(self.tr("答复"), self.answer)
        answer_form.addRow(self.tr("依据"), self.basis)
        answer_form.addRow(self.cite)
        answer_form.addRow(self.answer_button)

        # --- 裁定: a department's 退单 or 延期 ---
        self.ruling_box = QGroupBox(self.tr("裁定"))
        self.request = QLabel()
        self.request.setWordWrap(True)
        self.request.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.new_lead = QComboBox()
        for department_id, department in sorted(names.departments.items()):
            if department.get("kind") == "department":
                self.new_lead.addItem(names.department(department_id), department_id)
        self.ruling_comment = QLineEdit()
        self.ruling_comment.setPlaceholderText(self.tr("裁定意见（不同意时必填）"))
        self.accept_button = QPushButton()
        self.accept_button.clicked.connect(lambda: self._rule(True))
        self.refuse_button = QPushButton()
        self.refuse_button.clicked.connect(lambda: self._rule(False))
        ruling_form = QFormLayout(self.ruling_box)
        ruling_form.addRow(self.request)
        self.effect = QLabel()  # what each choice does to the deadlines
        self.effect.setWordWrap(True)
        self.effect.setTextFormat(Qt.TextFormat.PlainText)
        self.effect.setStyleSheet("color: #57606a;")
        ruling_form.addRow(self.effect)
        self.new_lead_label = QLabel(self.tr("改派单位"))
        ruling_form.addRow(self.new_lead_label, self.new_lead)
        ruling_form.addRow(self.tr("意见"), self.ruling_comment)
        ruling_buttons = QHBoxLayout()
        ruling_buttons.addWidget(self.accept_button)
        ruling_buttons.addWidget(self.refuse_button)
        ruling_buttons.addStretch(1)
        ruling_form.addRow(ruling_buttons)

        # --- 回访 ---
        self.callback_box = QGroupBox(command_label(Command.RECORD_CALLBACK))
        self.reply = QLabel()
        self.reply.setWordWrap(True)
        self.reply.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome = QComboBox()
        for value in (
            CallbackOutcome.SATISFIED,
            CallbackOutcome.BASICALLY_SATISFIED,
            CallbackOutcome.UNSATISFIED,
            CallbackOutcome.UNREACHABLE,
        ):
            self.outcome.addItem(callback_outcome_label(value.value), value.value)
        self.outcome.currentIndexChanged.connect(self._on_outcome)
        self.resolved = QCheckBox(self.tr("问题已解决"))
        self.words = QPlainTextEdit()
        self.words.setTabChangesFocus(True)
        self.words.setPlaceholderText(self.tr("市民原话"))
        self.words.setMaximumHeight(70)
        self.record_button = QPushButton(self.tr("记录回访"))
        self.record_button.clicked.connect(self._record_callback)
        self.attempts = QLabel()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("重办要求，或值班长办结的理由"))
        self.close_button = QPushButton(self.tr("值班长办结") if supervisor else command_label(Command.CLOSE))
        self.close_button.clicked.connect(self._close)
        self.reopen_button = QPushButton(command_label(Command.REOPEN))
        self.reopen_button.clicked.connect(self._reopen)
        callback_form = QFormLayout(self.callback_box)
        callback_form.addRow(self.reply)
        callback_form.addRow(self.tr("回访结果"), self.outcome)
        callback_form.addRow("", self.resolved)
        callback_form.addRow(self.tr("市民原话"), self.words)
        callback_form.addRow(self.record_button, self.attempts)
        callback_form.addRow(self.tr("说明"), self.reason)
        closing = QHBoxLayout()
        closing.addWidget(self.close_button)
        closing.addWidget(self.reopen_button)
        closing.addStretch(1)
        callback_form.addRow(closing)

        # --- 督办 / 催办: the order in view, or the rows selected in the list ---
        self.supervision_box = QGroupBox(self.tr("督办 / 催办"))
        self.supervision_note = QPlainTextEdit()
        self.supervision_note.setObjectName("supervision_note")
        self.supervision_note.setTabChangesFocus(True)
        self.supervision_note.setPlaceholderText(self.tr("督办或催办的要求（承办单位的经办人、科长和负责人会收到）"))
        self.supervision_note.setMaximumHeight(60)
        self.supervise_button = QPushButton(command_label(Command.SUPERVISE))
        self.supervise_button.setObjectName("centre_supervise")
        self.supervise_button.clicked.connect(lambda: self._supervise(Command.SUPERVISE))
        self.remind_button = QPushButton(command_label(Command.REMIND))
        self.remind_button.setObjectName("centre_remind")
        self.remind_button.clicked.connect(lambda: self._supervise(Command.REMIND))
        supervision_form = QFormLayout(self.supervision_box)
        supervision_form.addRow(self.supervision_note)
        supervision_buttons = QHBoxLayout()
        supervision_buttons.addWidget(self.supervise_button)
        supervision_buttons.addWidget(self.remind_button)
        supervision_buttons.addStretch(1)
        supervision_form.addRow(supervision_buttons)

        self.setMaximumWidth(400)  # the order beside it keeps its room at 1366×768
        for combo in (self.lead, self.complexity, self.new_lead, self.outcome):  # long names: the list opens wide
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.dispatch_box)
        layout.addWidget(self.answer_box)
        layout.addWidget(self.ruling_box)
        layout.addWidget(self.callback_box)
        layout.addWidget(self.supervision_box)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.dispatch_box.hide()
        self.answer_box.hide()
        self.ruling_box.hide()
        self.callback_box.hide()
        self.supervision_box.hide()
        workspace.changed.connect(self._on_changed)

    # --- showing an order --------------------------------------------------------------------------

    def _on_changed(self, order_ids: set[int]) -> None:
        if self.order_id is not None and (not order_ids or self.order_id in order_ids):
            self.show_order(self.order_id)

    def show_order(self, order_id: int | None) -> None:
        """Fill the panel for ``order_id`` (read on the disk lane)."""
        changed = order_id != self.order_id
        self.order_id = order_id
        if changed:  # what was said stays while the same order is in view (it reloads after each change)
            self.message.clear()
        if order_id is None:
            self._fill(None, changed)
            return
        self.workspace.runner.run(
            self.workspace.reads.order,
            order_id,
            label="centre-order",
            on_done=lambda order: self._fill(order, changed) if order_id == self.order_id else None,
            owner=self,
        )

    def _fill(self, order: dict[str, Any] | None, changed: bool) -> None:
        self.order = order
        if order is None:
            self.heading.setText(self.tr("选择一张工单"))
            self.dispatch_box.hide()
            self.answer_box.hide()
            self.ruling_box.hide()
            self.callback_box.hide()
            self.supervision_box.setVisible(len(self.selected_ids) > 1)
            return
        allowed = set(order.get("allowed_commands") or [])
        overseeing = bool(allowed & {Command.SUPERVISE.value, Command.REMIND.value})
        self.supervision_box.setVisible(overseeing or len(self.selected_ids) > 1)
        self.heading.setText(f"{order.get('number', '')}  {order.get('title', '')}  ·  {state_label(order['state'])}")
        can_dispatch = Command.DISPATCH.value in allowed
        self.dispatch_box.setVisible(can_dispatch)
        if can_dispatch and changed:
            self._default_lead(order)
            if int(order["id"]) < 0:  # taken in here, not uploaded yet: the server does not know it
                self.suggestion.setText(
                    self.tr("待上传：工单上传后才有派单建议（按分类默认单位）；现在派单，将在工单上传后随即发出。")
                )
            else:
                self.suggestion.setText(self.tr("正在获取派单建议…"))
                dispatch_suggestion(self.workspace, order["id"], on_done=self._show_suggestion, owner=self)
        self.answer_box.setVisible(Command.CLOSE_AT_ONCE.value in allowed)
        if changed:
            self.answer.clear()
            self.basis.clear()
            self.cited = []
        self._ruling = (
            Command.RULE_RETURN
            if Command.RULE_RETURN.value in allowed
            else Command.RULE_EXTENSION
            if Command.RULE_EXTENSION.value in allowed
            else None
        )
        self.ruling_box.setVisible(self._ruling is not None)
        if self._ruling is not None:
            self._fill_ruling(order, changed)
        calling = order["state"] == "replied" and bool(
            allowed & {Command.RECORD_CALLBACK.value, Command.CLOSE.value, Command.REOPEN.value}
        )
        self.callback_box.setVisible(calling)
        if calling:
            self._fill_callback(order, allowed, changed)

    def _default_lead(self, order: dict[str, Any]) -> None:
        """The category's department (offline, before the server's suggestion arrives)."""
        code = order.get("category_code") or ""
        while code:
            category = self.names.categories.get(code, {})
            department_code = category.get("department_code")
            if department_code:
                found = [i for i, d in self.names.departments.items() if d.get("code") == department_code]
                if found:
                    self.lead.setCurrentIndex(max(0, self.lead.findData(found[0])))
                    return
            code = category.get("parent_code") or ""

    def _show_suggestion(self, suggestion: dict[str, Any] | None) -> None:
        if suggestion is None:
            self.suggestion.setText(self.tr("离线：没有派单建议，按分类默认单位；派单将在联网后同步。"))
            return
        if suggestion.get("order_id") != self.order_id:
            return
        lead = suggestion.get("lead_department_id")
        if lead is not None:
            self.lead.setCurrentIndex(max(0, self.lead.findData(lead)))
        self.complexity.setCurrentIndex(max(0, self.complexity.findData(suggestion.get("complexity"))))
        parts = []
        for candidate in suggestion.get("candidates", []):
            why = self.tr("分类默认") if candidate.get("category_default") else ""
            counted = self.tr("近%1件中承办%2件").replace("%1", str(suggestion.get("history_size", 0)))
            counted = counted.replace("%2", str(candidate.get("dispatched_before", 0)))
            alike = ""
            if candidate.get("similar_before"):
                alike = self.tr("相似工单%1件").replace("%1", str(candidate["similar_before"]))
            reasons = self.tr("，").join(p for p in (why, counted, alike) if p)
            name = self.names.department(candidate["department_id"])
            parts.append(self.tr("%1（%2）").replace("%1", name).replace("%2", reasons))
        deadlines = suggestion.get("deadlines", {})
        text = self.tr("建议：%1").replace("%1", self.tr("；").join(parts) or self.tr("无"))
        reason = self._reason(suggestion)
        if reason:
            text = reason + "\n" + text
        text += "\n" + self.tr("签收时限 %1，答复时限 %2（%3个工作日）").replace(
            "%1", local_time(deadlines.get("sign_by"))
        ).replace("%2", local_time(deadlines.get("reply_by"))).replace("%3", str(suggestion.get("reply_days", "")))
        if deadlines.get("provisional"):
            text += self.tr("（暂定：该年度节假日安排未发布）")
        self.suggestion.setText(text)

    def _reason(self, suggestion: dict[str, Any]) -> str:
        """Why the suggested lead, in one line: similar orders, the category's practice or its default."""
        lead = suggestion.get("lead_department_id")
        chosen = next((c for c in suggestion.get("candidates", []) if c["department_id"] == lead), None)
        if chosen is None:
            return ""
        name = self.names.department(lead)
        basis = suggestion.get("basis")
        if basis == "similar":
            total = sum(c.get("similar_weight", 0.0) for c in suggestion.get("candidates", [])) or 1.0
            return (
                self.tr("依据：以往%1件相似工单中%2件由%3主办（按相似度加权占%4%）")
                .replace("%1", str(suggestion.get("similar_size", 0)))
                .replace("%2", str(chosen.get("similar_before", 0)))
                .replace("%3", name)
                .replace("%4", str(round(100 * chosen.get("similar_weight", 0.0) / total)))
            )
        if basis == "practice":
            return (
                self.tr("依据：本分类近%1件工单中%2件由%3主办")
                .replace("%1", str(suggestion.get("history_size", 0)))
                .replace("%2", str(chosen.get("dispatched_before", 0)))
                .replace("%3", name)
            )
        if basis == "category_default":
            return self.tr("依据：%1是本分类的默认承办单位").replace("%1", name)
        return ""

    def _fill_callback(self, order: dict[str, Any], allowed: set[str], changed: bool) -> None:
        replies = order.get("replies") or []
        reply = replies[-1] if replies else {}
        text = self.tr("答复：%1").replace("%1", reply.get("text", ""))
        if reply.get("basis"):
            text += "\n" + self.tr("依据：%1").replace("%1", reply["basis"])
        self.reply.setText(text)
        callbacks = order.get("callbacks") or []
        last = callbacks[-1]["outcome"] if callbacks else ""
        attempts = order.get("callback_attempts", 0)
        self.attempts.setText(
            self.tr("本轮已回访 %1 次").replace("%1", str(attempts))
            + (self.tr("，上次：%1").replace("%1", callback_outcome_label(last)) if last else "")
        )
        self.record_button.setEnabled(Command.RECORD_CALLBACK.value in allowed)
        self.close_button.setEnabled(Command.CLOSE.value in allowed)
        self.reopen_button.setEnabled(Command.REOPEN.value in allowed)
        if changed:
            self.words.clear()
            self.reason.clear()
            self.outcome.setCurrentIndex(0)
            self.resolved.setChecked(True)

    def _fill_ruling(self, order: dict[str, Any], changed: bool) -> None:
        returning = self._ruling is Command.RULE_RETURN
        if returning:
            asked = order.get("return_request") or {}
            self.request.setText(
                self.tr("%1 申请退单：%2 — %3")
                .replace("%1", self.names.department(asked.get("department_id")))
                .replace("%2", return_reason_label(asked.get("reason_code", "")))
                .replace("%3", asked.get("reason", ""))
            )
            self.accept_button.setText(self.tr("同意退单并改派"))
            self.refuse_button.setText(self.tr("不同意退单"))
            self.effect.setText(self._kept(order) + "\n" + self.tr("同意：改派后按新派单重新计时（正在计算…）"))
            dispatch_suggestion(self.workspace, order["id"], on_done=self._show_redispatch, owner=self)
            if changed:
                others = [
                    i for i in range(self.new_lead.count()) if self.new_lead.itemData(i) != asked.get("department_id")
                ]
                self.new_lead.setCurrentIndex(others[0] if others else 0)
        else:
            asked = order.get("extension") or {}
            self.request.setText(
                self.tr("申请延期 %1 个工作日（至 %2）：%3")
                .replace("%1", str(asked.get("days", "")))
                .replace("%2", local_time(asked.get("requested_due")))
                .replace("%3", asked.get("reason", ""))
            )
            self.accept_button.setText(self.tr("批准延期"))
            self.refuse_button.setText(self.tr("不批准"))
            self.effect.setText(
                self.tr("批准：答复期限延至 %1").replace("%1", local_time(asked.get("requested_due")))
                + "\n"
                + self._kept(order)
            )
        self.new_lead.setVisible(returning)
        self.new_lead_label.setVisible(returning)
        if changed:
            self.ruling_comment.clear()

    def _kept(self, order: dict[str, Any]) -> str:
        """Refusing changes no deadline: the one in force stays."""
        return self.tr("不同意：原单位继续办理，期限不变（%1）").replace("%1", local_time(order.get("due_at")))

    def _show_redispatch(self, suggestion: dict[str, Any] | None) -> None:
        """Accepting a 退单 dispatches anew: the deadlines a dispatch now would set."""
        if self.order is None or self._ruling is not Command.RULE_RETURN:
            return
        if suggestion is None:
            accepted = self.tr("同意：改派后按新派单重新计时（离线，联网后可见新期限）")
        elif suggestion.get("order_id") != self.order_id:
            return
        else:
            deadlines = suggestion.get("deadlines", {})
            accepted = (
                self.tr("同意：改派后重新计时，签收时限 %1，答复时限 %2")
                .replace("%1", local_time(deadlines.get("sign_by")))
                .replace("%2", local_time(deadlines.get("reply_by")))
            )
            if deadlines.get("provisional"):
                accepted += self.tr("（暂定：该年度节假日安排未发布）")
        self.effect.setText(self._kept(self.order) + "\n" + accepted)

    def _rule(self, accept: bool) -> None:
        comment = self.ruling_comment.text().strip()
        if not accept and not comment:
            self.message.setText(self.tr("不同意时请填写裁定意见"))
            self.ruling_comment.setFocus()
            return
        if self._ruling is Command.RULE_RETURN:
            body: dict[str, Any] = {"accept": accept, "comment": comment}
            if accept:
                body["new_lead_department_id"] = self.new_lead.currentData()
            done = (
                self.tr("已同意退单，改派 %1").replace("%1", self.new_lead.currentText())
                if accept
                else self.tr("已驳回退单申请")
            )
            self._record(Command.RULE_RETURN, body, done, typed=(self.ruling_comment,))
        elif self._ruling is Command.RULE_EXTENSION:
            done = self.tr("已批准延期") if accept else self.tr("未批准延期")
            body = {"approve": accept, "comment": comment}
            self._record(Command.RULE_EXTENSION, body, done, typed=(self.ruling_comment,))

    def _on_outcome(self) -> None:
        reached = self.outcome.currentData() != CallbackOutcome.UNREACHABLE.value
        self.resolved.setEnabled(reached)
        self.words.setEnabled(reached)

    # --- commands ----------------------------------------------------------------------------------

    def _record(self, command: Command, body: dict[str, Any], done_text: str, typed: tuple[QWidget, ...] = ()) -> None:
        """Record ``command``; once it is stored, say ``done_text`` and empty the ``typed`` fields it
        took its text from (so the next step on this order starts from blank, not from this one's words)."""
        if self.order is None:
            return
        order_id = self.order["id"]

        def done() -> None:
            self.message.setText(done_text)
            for field in typed:
                field.clear()  # type: ignore[attr-defined]

        self.workspace.record(
            order_id,
            command,
            body,
            on_done=done,
            on_error=self._failed,
            owner=self,
        )

    def _failed(self, exc: BaseException) -> None:
        text = error_text(exc)
        if text is None:
            raise exc
        self.message.setText(text)

    def _dispatch(self) -> None:
        co = [
            self.co.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.co.count())
            if self.co.item(i).checkState() == Qt.CheckState.Checked
            and self.co.item(i).data(Qt.ItemDataRole.UserRole) != self.lead.currentData()
        ]
        body = {
            "lead_department_id": self.lead.currentData(),
            "co_department_ids": co,
            "complexity": self.complexity.currentData(),
        }
        self._record(Command.DISPATCH, body, self.tr("已派单给 %1").replace("%1", self.lead.currentText()))

    def set_selection(self, order_ids: list[int]) -> None:
        """The rows selected in the list: several make 批量派单 dispatch them rather than the category."""
        self.selected_ids = order_ids
        self.batch_button.setText(
            self.tr("批量派单所选 %1 件").replace("%1", str(len(order_ids)))
            if len(order_ids) > 1
            else self.tr("批量派单…")
        )
        many = len(order_ids) > 1
        self.supervise_button.setText(
            self.tr("督办所选 %1 件").replace("%1", str(len(order_ids))) if many else command_label(Command.SUPERVISE)
        )
        self.remind_button.setText(
            self.tr("催办所选 %1 件").replace("%1", str(len(order_ids))) if many else command_label(Command.REMIND)
        )
        if many:
            self.supervision_box.show()

    def _supervise(self, command: Command) -> None:
        """督办 or 催办 with the text, of the rows selected in the list (else the order in view): each
        through the outbox like any command; the ones the rules refuse (a closed order) are counted."""
        note = self.supervision_note.toPlainText().strip()
        if not note:
            self.message.setText(self.tr("请填写督办或催办的要求。"))
            return
        ids = self.selected_ids if len(self.selected_ids) > 1 else ([self.order["id"]] if self.order else [])
        if not ids:
            return
        outcome = {"done": 0, "refused": 0}
        verb = command_label(command.value)

        def settled(key: str) -> None:
            outcome[key] += 1
            if outcome["done"] + outcome["refused"] < len(ids):
                return
            text = self.tr("%1：已记录 %2 件").replace("%1", verb).replace("%2", str(outcome["done"]))
            if outcome["refused"]:
                text += (
                    self.tr("，%1 件不能%2（状态或权限不允许）")
                    .replace("%1", str(outcome["refused"]))
                    .replace("%2", verb)
                )
            self.message.setText(text)
            if outcome["done"]:
                self.supervision_note.clear()

        for order_id in ids:
            self.workspace.record(
                order_id,
                command,
                {"note": note},
                on_done=lambda: settled("done"),
                on_error=lambda exc: settled("refused") if error_text(exc) is not None else self._failed(exc),
                owner=self,
            )

    def _dispatch_batch(self) -> None:
        """The rows selected in the list, or else the 待派单 orders of this order's category, to the chosen lead."""
        if self.order is None:
            return
        self.batch_button.setEnabled(False)
        self.message.setText(self.tr("正在批量派单…"))
        dispatch = {"lead_department_id": self.lead.currentData(), "complexity": self.complexity.currentData()}
        dispatch_category(
            self.workspace,
            self.order.get("category_code") or "",
            dispatch,
            self.selected_ids if len(self.selected_ids) > 1 else None,
            on_done=self._show_batch,
            on_error=self._batch_failed,
            owner=self,
        )

    def _show_batch(self, results: list[dict[str, Any]]) -> None:
        self.batch_button.setEnabled(True)
        self.batch_results.clear()
        done = 0
        for result in results:
            order = result.get("order") or {}
            if result["status"] == "dispatched":
                done += 1
                text = self.tr("%1 已派单").replace("%1", order.get("number", str(result["order_id"])))
            else:
                text = self.tr("%1 未派单：%2").replace("%1", str(result["order_id"]))
                text = text.replace(
                    "%2",
                    (result.get("message_en") if english() else result.get("message_zh")) or result.get("code", ""),
                )
            self.batch_results.addItem(text)
        self.batch_results.show()
        self.message.setText(
            self.tr("批量派单：%1 件已派，%2 件未派").replace("%1", str(done)).replace("%2", str(len(results) - done))
        )
        self.batch_done.emit()

    def _batch_failed(self, exc: BaseException) -> None:
        self.batch_button.setEnabled(True)
        self._failed(exc)

    def _close_at_once(self) -> None:
        reply = self.answer.toPlainText().strip()
        if not reply:
            self.message.setText(self.tr("直接办结：请填写答复内容"))
            self.answer.setFocus()
            return
        body: dict[str, Any] = {"reply": reply, "basis": self.basis.text().strip()}
        if self.cited:
            body["knowledge_entry_ids"] = list(self.cited)
        self._record(Command.CLOSE_AT_ONCE, body, self.tr("已直接办结"), typed=(self.answer, self.basis))

    def _cite(self, entry: dict[str, Any]) -> None:
        """An entry from the knowledge base: its answer at the cursor, its basis added, its id cited."""
        self.answer.insertPlainText(str(entry.get("answer") or ""))
        citation = knowledge.citation(entry)
        basis = self.basis.text().strip()
        if citation and citation not in basis:
            self.basis.setText(f"{basis}；{citation}" if basis else citation)
        if entry["id"] not in self.cited and len(self.cited) < MAX_CITED:
            self.cited.append(int(entry["id"]))
        self.answer.setFocus()

    def _record_callback(self) -> None:
        outcome = self.outcome.currentData()
        reached = outcome != CallbackOutcome.UNREACHABLE.value
        body: dict[str, Any] = {"method": "phone", "outcome": outcome}
        if reached:
            body["resolved"] = self.resolved.isChecked()
            body["citizen_words"] = self.words.toPlainText().strip()
        done = self.tr("已记录回访：%1").replace("%1", self.outcome.currentText())
        self._record(Command.RECORD_CALLBACK, body, done, typed=(self.words,))

    def _close(self) -> None:
        self._record(Command.CLOSE, {"note": self.reason.text().strip()}, state_label("closed"), typed=(self.reason,))

    def _reopen(self) -> None:
        instruction = self.reason.text().strip()
        if not instruction:
            self.message.setText(self.tr("重办：请在「说明」中写明重办要求"))
            self.reason.setFocus()
            return
        self._record(Command.REOPEN, {"instruction": instruction}, self.tr("已退回重办"), typed=(self.reason,))
