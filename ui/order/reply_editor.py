"""The reply editor: the public reply's result, text and basis, kept as a local draft while typed."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from casework.cohandling import CoStatus
from casework.knowledge import MAX_CITED, render_template
from casework.lifecycle import Command
from desktop import knowledge
from desktop.workspace import REPLY_DRAFT, Workspace
from ui.actions import record_command, restored_note
from ui.errors import present_error
from ui.knowledge import KnowledgePicker
from ui.labels import (
    Names,
    command_label,
    local_time,
    result_label,
    review_level_label,
)

RESULT_CODES = ("resolved", "partly_resolved", "explained", "not_feasible")
#: What is typed is kept in the local drafts at most this long after a keystroke (and at once on
#: switching order or closing the window), so a crash or a kill loses at most these last seconds.
KEEP_AFTER_MS = 2000


class ReplyEditor(QWidget):
    """The public reply: result, text, basis, phrase templates; 保存草稿 / 提交答复 when allowed.

    What the user typed is never replaced by a refresh while it differs from the stored draft, and it
    is kept in the local drafts (within :data:`KEEP_AFTER_MS` of a keystroke, or at once by
    :meth:`keep_now`) until save_draft or submit_reply stores it; :meth:`set_order` restores it.

    Signals:
        recorded(str): save_draft or submit_reply was stored locally.
    """

    recorded = Signal(str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.order: dict[str, Any] | None = None
        self._baseline: tuple[str, str, str] = ("", "", "")
        self._loading = False  # set_order is filling the fields: not the user typing
        self._kept = False  # a local draft of this order is on disk (or on its way)
        self._restored = ""  # "已恢复…" while the fields show a draft restored from disk, untouched
        self._keep_timer = QTimer(self, singleShot=True, interval=KEEP_AFTER_MS)
        self._keep_timer.timeout.connect(self.keep_now)
        self.returned = QLabel()
        self.returned.setTextFormat(Qt.TextFormat.PlainText)  # holds the reviewer's comment
        self.returned.setWordWrap(True)
        self.returned.setStyleSheet("background: #fff3e0; color: #bf360c; padding: 6px; border-radius: 3px;")
        self.returned.hide()
        # 协办: the reply waits for the co-departments' opinions (or the centre's waiver); says which.
        self.co_waiting = QLabel()
        self.co_waiting.setObjectName("co_waiting")
        self.co_waiting.setTextFormat(Qt.TextFormat.PlainText)
        self.co_waiting.setWordWrap(True)
        self.co_waiting.setStyleSheet("background: #e3f2fd; color: #0d47a1; padding: 6px; border-radius: 3px;")
        self.co_waiting.hide()
        self.result = QComboBox()
        self.result.addItem(self.tr("请选择办理结果"), "")
        for code in RESULT_CODES:
            self.result.addItem(result_label(code), code)
        self.names: Names | None = None
        self.templates: list[dict[str, Any]] = []  # the synced reply templates (答复模板)
        self.cited: list[dict[str, Any]] = []  # knowledge entries inserted into this reply: {"id", "title"}
        self.picker: KnowledgePicker | None = None
        self.phrases = QToolButton()
        self.phrases.setObjectName("reply_templates")
        self.phrases.setText(self.tr("答复模板"))
        self.phrases.setToolTip(self.tr("插入本单位的答复模板（工单编号、称呼、日期自动填入）"))
        self.phrases.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.phrases)
        menu.aboutToShow.connect(self._fill_templates)
        self.phrases.setMenu(menu)
        self._fill_templates()
        self.cite = QPushButton(self.tr("引用知识库…"))
        self.cite.setObjectName("cite_knowledge")
        self.cite.setToolTip(self.tr("从知识库插入答复口径和政策依据（Ctrl+Shift+K）"))
        self.cite.clicked.connect(self.open_knowledge)
        QShortcut(QKeySequence("Ctrl+Shift+K"), self, activated=self.open_knowledge).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        self.cited_note = QLabel()
        self.cited_note.setObjectName("cited_note")
        self.cited_note.setTextFormat(Qt.TextFormat.PlainText)  # entry titles: people's text
        self.cited_note.setWordWrap(True)
        self.cited_note.setStyleSheet("color: #1565c0;")
        self.cited_note.hide()
        knowledge.templates(workspace, self._templates_read, owner=self)
        workspace.knowledge_changed.connect(lambda: knowledge.templates(workspace, self._templates_read, owner=self))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(self.tr("答复内容（将反馈给市民）"))
        self.basis = QLineEdit()
        self.basis.setPlaceholderText(self.tr("答复依据：法规、政策文件名称及条款"))
        self.status = QLabel()
        self.status.setStyleSheet("color: #666;")
        self.status.setWordWrap(True)  # beside the request the editor is narrow; English is long
        self.error = QLabel()
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.save = QPushButton(command_label(Command.SAVE_DRAFT))
        self.save.setToolTip(self.tr("保存草稿（Ctrl+S）"))
        self.submit = QPushButton(command_label(Command.SUBMIT_REPLY))
        self.submit.setToolTip(self.tr("提交答复，进入审核（Ctrl+Enter）"))
        self.submit.setStyleSheet("font-weight: bold;")
        self.save.clicked.connect(self.save_draft)
        self.submit.clicked.connect(self.submit_reply)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_draft).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut
        )
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.submit_reply).setContext(
                Qt.ShortcutContext.WidgetWithChildrenShortcut
            )
        self.history = QTextBrowser()
        self.history.setMaximumHeight(130)
        self.history.hide()
        for signal in (self.text.textChanged, self.basis.textChanged, self.result.currentIndexChanged):
            signal.connect(self._typed)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("办理结果")))
        top.addWidget(self.result)
        top.addStretch(1)
        # The writing aids on a row of their own: beside the result they made the editor ~470 px wide at
        # the least in English, which squeezed the work list's title to a sliver at 1366 px.
        aids = QHBoxLayout()
        aids.addStretch(1)
        aids.addWidget(self.cite)
        aids.addWidget(self.phrases)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save)
        buttons.addWidget(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.returned)
        layout.addWidget(self.co_waiting)
        layout.addLayout(top)
        layout.addLayout(aids)
        layout.addWidget(self.text, 1)
        basis = QHBoxLayout()
        basis.addWidget(QLabel(self.tr("答复依据")))
        basis.addWidget(self.basis, 1)
        layout.addLayout(basis)
        layout.addWidget(self.cited_note)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(self.history)

    def phrase_templates(self) -> list[str]:
        """The phrases offered before any reply template has reached this desk (a first sync offline)."""
        return [
            self.tr("您好！关于您反映的问题，"),
            self.tr("经现场核实，"),
            self.tr("我单位已于当日安排工作人员到现场查看，"),
            self.tr("已责成施工单位于……前整改完毕。"),
            self.tr("根据《……》第……条规定，"),
            self.tr("该问题涉及多个部门，我单位已牵头协调，"),
            self.tr("如有疑问，请致电……咨询。"),
            self.tr("感谢您对我们工作的监督。"),
        ]

    def insert_phrase(self, phrase: str) -> None:
        self.text.insertPlainText(phrase)
        self.text.setFocus()

    # --- templates and the knowledge base --------------------------------------------------------------

    def _templates_read(self, templates: list[dict[str, Any]]) -> None:
        self.templates = templates
        self._fill_templates()

    def _fill_templates(self) -> None:
        """The menu: the synced templates (the department's, then the city's), filled in for the order in
        view; the built-in phrases while none has been synced."""
        menu = self.phrases.menu()
        menu.clear()
        if not self.templates:
            for phrase in self.phrase_templates():
                menu.addAction(phrase, lambda p=phrase: self.insert_phrase(p))
            return
        values = knowledge.reply_values(self.order or {})
        for template in self.templates:
            title = str(template.get("title") or "")
            if template.get("department_id") is None:
                title = self.tr("%1（全市通用）").replace("%1", title)
            action = menu.addAction(title.replace("&", "&&"))
            body = render_template(str(template.get("body") or ""), values)
            action.setToolTip(body)
            action.triggered.connect(lambda _=False, b=body: self.insert_phrase(b))
        menu.setToolTipsVisible(True)

    def open_knowledge(self) -> KnowledgePicker | None:
        """引用知识库…: the knowledge base in its own window, searching for the order's title; the entry chosen
        is inserted (:meth:`cite_entry`)."""
        if not self.cite.isEnabled() or self.order is None or self.names is None:
            return None
        if self.picker is not None:
            self.picker.close()
        picker = KnowledgePicker(self.workspace, self.names, str(self.order.get("title") or ""), self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.chosen.connect(self.cite_entry)
        picker.destroyed.connect(lambda: setattr(self, "picker", None))
        self.picker = picker
        picker.show()  # beside the editor, not modal: the order stays readable
        return picker

    def cite_entry(self, entry: dict[str, Any]) -> None:
        """Insert the entry's answer at the cursor, add its basis to 答复依据, and remember it as cited."""
        if not self.writable():
            return
        self.text.insertPlainText(str(entry.get("answer") or ""))
        citation = knowledge.citation(entry)
        basis = self.basis.text().strip()
        if citation and citation not in basis:
            self.basis.setText(f"{basis}；{citation}" if basis else citation)
            self.basis.setCursorPosition(0)  # the document's name in view, not the article at the end
        if all(c["id"] != entry["id"] for c in self.cited) and len(self.cited) < MAX_CITED:
            self.cited.append({"id": int(entry["id"]), "title": str(entry.get("title") or "")})
        self._show_cited()
        self.text.setFocus()
        self._typed()

    def _show_cited(self) -> None:
        titles = "、".join(c["title"] for c in self.cited)
        self.cited_note.setText(self.tr("引用知识库：%1").replace("%1", titles) if self.cited else "")
        self.cited_note.setVisible(bool(self.cited))

    # --- state ---------------------------------------------------------------------------------------

    def values(self) -> tuple[str, str, str]:
        """(text, result code or "", basis) as typed."""
        return self.text.toPlainText(), self.result.currentData() or "", self.basis.text()

    def is_dirty(self) -> bool:
        return self.writable() and self.values() != self._baseline

    def writable(self) -> bool:
        allowed = set((self.order or {}).get("allowed_commands") or ())
        return Command.SAVE_DRAFT.value in allowed or Command.SUBMIT_REPLY.value in allowed

    def set_order(
        self,
        order: dict[str, Any] | None,
        names: Names,
        unsaved: tuple[str, str, str] | None = None,
        kept: dict[str, Any] | None = None,
    ) -> None:
        """Show ``order``'s draft (or last reply); ``unsaved`` is what the user typed before and keeps;
        ``kept`` is the order's local draft (``Store.draft``), restored when nothing newer is typed."""
        same = self.order is not None and order is not None and self.order["id"] == order["id"]
        self.names = names
        # What the text typed here cites: the kept draft's on opening the order, then the editor's own.
        typed_cites = self.cited
        if not same:
            self._keep_timer.stop()
            self._restored = ""
            typed_cites = list((kept or {}).get("content", {}).get("knowledge_entries") or []) if kept else []
            if self.picker is not None:
                self.picker.close()
        keep = self.values() if same and self.is_dirty() else unsaved
        self.order = order
        order = order or {}
        allowed = set(order.get("allowed_commands") or ())
        draft = order.get("draft") or ((order.get("replies") or [None])[-1]) or {}
        self._baseline = (draft.get("text") or "", draft.get("result_code") or "", draft.get("basis") or "")
        if not same:
            self._kept = kept is not None
        if kept is not None and not same and keep is None and self.writable():
            content = kept["content"]
            keep = (content.get("text") or "", content.get("result_code") or "", content.get("basis") or "")
            if keep == self._baseline:  # stored meanwhile (or the same text came from elsewhere): done with
                self.workspace.drop_draft(order["id"], REPLY_DRAFT)
                self._kept = False
            else:
                self._restored = restored_note(kept["updated_at"])
        shown = keep if keep is not None and keep != self._baseline else self._baseline
        # The stored draft's citations (saved here or on another PC) unless newer typing is shown.
        self.cited = typed_cites if shown != self._baseline else list(draft.get("knowledge_entries") or [])
        self._loading = True
        try:
            self._show(shown)
        finally:
            self._loading = False
        writable = self.writable()
        for widget in (self.text, self.basis):
            widget.setReadOnly(not writable)
        self.result.setEnabled(writable)
        self.phrases.setEnabled(writable)
        self.cite.setEnabled(writable)
        self._show_cited()
        self.save.setEnabled(Command.SAVE_DRAFT.value in allowed)
        self.submit.setEnabled(Command.SUBMIT_REPLY.value in allowed)
        self.error.hide()
        returned = [r for r in order.get("reviews") or [] if r.get("decision") == "returned"]
        last = (order.get("reviews") or [None])[-1]
        if writable and returned and last is returned[-1]:
            self.returned.setText(
                self.tr("%1退回：%2")
                .replace("%1", f"{review_level_label(last['level'])} {names.user(last['reviewer_id'])}")
                .replace("%2", last.get("comment") or "")
            )
            self.returned.show()
        else:
            self.returned.hide()
        waiting = [
            names.department(p["department_id"])
            for p in order.get("co_handling") or []
            if p.get("status") in (CoStatus.PENDING.value, CoStatus.SIGNED.value)
        ]
        if writable and waiting and Command.SUBMIT_REPLY.value not in allowed:
            self.co_waiting.setText(
                self.tr(
                    "协办单位尚未反馈协办意见：%1。收到意见（或热线中心免除协办）后才能提交答复，可先保存草稿。"
                ).replace("%1", "、".join(waiting))
            )
            self.co_waiting.show()
        else:
            self.co_waiting.hide()
        self._show_history(order.get("replies") or [], names)
        self._edited()

    def _show(self, values: tuple[str, str, str]) -> None:
        text, code, basis = values
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)
        self.result.setCurrentIndex(max(0, self.result.findData(code)))
        if self.basis.text() != basis:
            self.basis.setText(basis)

    def _show_history(self, replies: list[dict[str, Any]], names: Names) -> None:
        heading = self.tr("第%1轮答复")  # not inside the f-string: lupdate does not look there
        parts = [
            f"<p><b>{html.escape(heading.replace('%1', str(r.get('round'))))}</b> "
            f"{html.escape(names.user(r.get('author_id')))} {html.escape(local_time(r.get('at')))} · "
            f"{html.escape(result_label(r.get('result_code')))}<br>{html.escape(r.get('text') or '')}</p>"
            for r in replies
        ]
        self.history.setHtml("".join(parts))
        self.history.setVisible(bool(parts))

    def _typed(self) -> None:
        if not self._loading:
            self._restored = ""
            if self.writable() and not self._keep_timer.isActive():
                # Not restarted by later keystrokes: while the user types on, what is on disk is never
                # more than KEEP_AFTER_MS behind; after the last keystroke it is all there within that.
                self._keep_timer.start()
        self._edited()

    def keep_now(self) -> bool:
        """Keep what is typed in the local drafts now (or forget the kept draft when nothing differs any
        more); True when a draft of the order stays on this PC."""
        self._keep_timer.stop()
        if self.order is None:
            return False
        if self.values() != self._baseline:  # typed (if the order went read-only meanwhile, typed before)
            text, code, basis = self.values()
            values: dict[str, Any] = {"text": text, "result_code": code, "basis": basis}
            if self.cited:
                values["knowledge_entries"] = self.cited
            self.workspace.keep_draft(self.order["id"], REPLY_DRAFT, values)
            self._kept = True
        elif self._kept and self.writable():
            self.workspace.drop_draft(self.order["id"], REPLY_DRAFT)
            self._kept = False
        return self._kept

    def _edited(self) -> None:
        if self.order is None:  # between orders (one is loading)
            self.status.setText("")
        elif not self.writable():
            self.status.setText(self.tr("只读：当前不能修改答复"))
        elif self.is_dirty() and self._restored:
            self.status.setText(self._restored)
        elif self.is_dirty():
            self.status.setText(self.tr("有未保存的修改"))
        else:
            draft = (self.order or {}).get("draft") or {}
            at = local_time(draft.get("at"))
            self.status.setText(self.tr("草稿已保存 %1").replace("%1", at) if at else "")

    # --- commands --------------------------------------------------------------------------------------

    def save_draft(self) -> None:
        if not self.save.isEnabled():
            return
        text, code, basis = self.values()
        self._record(Command.SAVE_DRAFT, {"text": text, "result_code": code or None, "basis": basis, **self._cites()})

    def submit_reply(self) -> None:
        if not self.submit.isEnabled():
            return
        text, code, basis = self.values()
        if not text.strip():
            self._error(self.tr("请填写答复内容。"))
            return
        if not code:
            self._error(self.tr("请选择办理结果。"))
            return
        self._record(Command.SUBMIT_REPLY, {"text": text, "result_code": code, "basis": basis, **self._cites()})

    def _cites(self) -> dict[str, Any]:
        """The entries the reply cites, for its body: kept with a saved draft, counted on the server when
        the reply is submitted."""
        return {"knowledge_entry_ids": [c["id"] for c in self.cited]} if self.cited else {}

    def _error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _record(self, command: Command, body: dict[str, Any]) -> None:
        assert self.order is not None
        self._error("")
        self.save.setEnabled(False)
        self.submit.setEnabled(False)
        self._keep_timer.stop()  # the command takes the text (and drops the local draft with it)
        allowed = set(self.order.get("allowed_commands") or ())

        def done() -> None:
            self._baseline = self.values()  # stored (its citations with it): no longer unsaved
            self._kept = False
            self._restored = ""
            self.recorded.emit(command.value)
            self._edited()

        def failed(exc: BaseException) -> None:
            self.save.setEnabled(Command.SAVE_DRAFT.value in allowed)
            self.submit.setEnabled(Command.SUBMIT_REPLY.value in allowed)
            self._keep_timer.start()  # not stored: the text stays a local draft
            present_error(self, exc, on_bug=self.workspace.runner.error.emit)

        try:
            record_command(self.workspace, self.order["id"], command, body, on_done=done, on_error=failed, owner=self)
        except ValueError as exc:  # pydantic's ValidationError: a text over the limit, say
            failed(exc)


# --- the view -----------------------------------------------------------------------------------------
