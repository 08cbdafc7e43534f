"""受理: the centre's intake form, typed while on the phone, with the similar open orders and the
caller's earlier orders beside it (合并到此单 instead of a duplicate).

Keyboard first: Tab moves through the fields in order, the category completes as it is typed,
Ctrl+Enter saves. What is typed is kept in the desk's drafts (order id 0, key ``intake``: the order
has no id yet) a moment after each change, so a closed window or a dead process loses nothing.
Saving goes through the outbox (``desktop.intake``), online or not: the order shows at once in the
lists as 待上传 and gets its number when the server has it.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from casework.order import Channel, Importance, RequestKind
from casework.schemas import OrderIntake
from casework.sla import Urgency
from desktop.intake import INTAKE_DRAFT, IntakeLookups, ItemUpdate, Saved, lookups, save_intake
from desktop.workspace import Workspace
from ui.errors import error_text
from ui.labels import Names, channel_label, importance_label, kind_label, local_time, state_label, urgency_label

__all__ = ["IntakeForm"]

#: After the last keystroke: look up similar orders, and keep the draft.
LOOKUP_DELAY_MS = 300
KEEP_DELAY_MS = 400


class IntakeForm(QWidget):
    """The 受理 tab. ``saved(order_id)`` once an order is created (and merged, when asked)."""

    saved = Signal(int)

    def __init__(self, workspace: Workspace, names: Names, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.names = names
        self._restoring = False
        self._saving = False
        self._uploading: Saved | None = None  # the intake saved last, until the server has answered it
        workspace.item_state.connect(self._on_item)

        self.channel = QComboBox()
        for value in Channel:
            self.channel.addItem(channel_label(value.value), value.value)
        self.caller_name = QLineEdit()
        self.phone = QLineEdit()
        self.phone.setPlaceholderText(self.tr("来电号码，查询历史工单"))
        self.confidential = QCheckBox(self.tr("保密"))
        self.contact_allowed = QCheckBox(self.tr("同意承办单位联系"))
        self.contact_allowed.setChecked(True)
        self.kind = QComboBox()
        for value in RequestKind:
            self.kind.addItem(kind_label(value.value), value.value)
        self.category = QLineEdit()
        self.category.setPlaceholderText(self.tr("输入分类名称或编码"))
        self._categories = {self._category_text(code): code for code in sorted(names.categories)}
        completer = QCompleter(QStringListModel(list(self._categories), self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.category.setCompleter(completer)
        # The line edit does not always take the chosen completion itself (no focus: the popup has it).
        completer.activated.connect(lambda text: self.category.setText(str(text)))
        self.category.editingFinished.connect(self._settle_category)
        self.district = QLineEdit()
        self.street = QLineEdit()
        self.address = QLineEdit()
        self.address.setPlaceholderText(self.tr("详细地址"))
        self.urgency = QComboBox()
        for value in Urgency:
            self.urgency.addItem(urgency_label(value.value), value.value)
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.NORMAL.value))
        self.importance = QComboBox()
        for value in Importance:
            self.importance.addItem(importance_label(value.value), value.value)
        self.title = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText(self.tr("市民诉求内容"))

        caller = QHBoxLayout()
        caller.addWidget(self.phone, 2)
        caller.addWidget(self.confidential)
        caller.addWidget(self.contact_allowed)
        place = QHBoxLayout()
        place.addWidget(self.district)
        place.addWidget(self.street)
        self.district.setPlaceholderText(self.tr("区县"))
        self.street.setPlaceholderText(self.tr("街道"))
        grading = QHBoxLayout()
        grading.addWidget(self.urgency)
        grading.addWidget(self.importance)
        grading.addStretch(1)

        form = QFormLayout()
        form.addRow(self.tr("渠道"), self.channel)
        form.addRow(self.tr("来电人"), self.caller_name)
        form.addRow(self.tr("电话"), caller)
        form.addRow(self.tr("诉求类型"), self.kind)
        form.addRow(self.tr("分类"), self.category)
        form.addRow(self.tr("区县/街道"), place)
        form.addRow(self.tr("地址"), self.address)
        form.addRow(self.tr("紧急/重要"), grading)
        form.addRow(self.tr("标题"), self.title)
        form.addRow(self.tr("诉求内容"), self.description)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_button = QPushButton(self.tr("保存受理（Ctrl+Enter）"))
        self.save_button.clicked.connect(lambda: self.save())
        self.clear_button = QPushButton(self.tr("清空"))
        self.clear_button.clicked.connect(self.clear)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(form)
        left_layout.addWidget(self.problem)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.notice)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(left)
        scroll.setMaximumWidth(860)  # at 1920 px a form as wide as the screen is hard to read

        self.similar = QListWidget()
        self.similar.setWordWrap(True)
        self.merge_button = QPushButton(self.tr("合并到此单"))
        self.merge_button.setToolTip(self.tr("保存这次来电并合并到所选的未办结工单，不另立新单"))
        self.merge_button.setEnabled(False)
        self.merge_button.clicked.connect(self._merge)
        self.similar.currentRowChanged.connect(lambda row: self.merge_button.setEnabled(row >= 0))
        self.caller_orders = QListWidget()
        self.caller_orders.setWordWrap(True)
        self.similar_title = QLabel(self.tr("相似的未办结工单"))
        self.caller_title = QLabel(self.tr("来电人的历史工单"))
        for label in (self.similar_title, self.caller_title):
            label.setStyleSheet("font-weight: bold;")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.similar_title)
        right_layout.addWidget(self.similar, 3)
        right_layout.addWidget(self.merge_button)
        right_layout.addWidget(self.caller_title)
        right_layout.addWidget(self.caller_orders, 2)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

        self._lookup_timer = QTimer(self, singleShot=True, interval=LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self._look_up)
        self._keep_timer = QTimer(self, singleShot=True, interval=KEEP_DELAY_MS)
        self._keep_timer.timeout.connect(self.keep_draft)
        for edit in (self.caller_name, self.phone, self.category, self.district, self.street, self.address, self.title):
            edit.textChanged.connect(self._on_typed)
        self.description.textChanged.connect(self._on_typed)
        for combo in (self.channel, self.kind, self.urgency, self.importance):
            combo.currentIndexChanged.connect(self._on_typed)
        for box in (self.confidential, self.contact_allowed):
            box.toggled.connect(self._on_typed)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda: self.save())

        order_id, key = INTAKE_DRAFT
        workspace.draft(order_id, key, on_done=self._restore, owner=self)

    # --- values and drafts ----------------------------------------------------------------------

    def _category_text(self, code: str) -> str:
        return f"{self.names.category(code)} {code}"

    def values(self) -> dict[str, Any]:
        """The form's fields by name, as typed."""
        return {
            "channel": self.channel.currentData(),
            "name": self.caller_name.text(),
            "phone": self.phone.text(),
            "confidential": self.confidential.isChecked(),
            "contact_allowed": self.contact_allowed.isChecked(),
            "kind": self.kind.currentData(),
            "category": self.category.text(),
            "category_code": self._category_code(),
            "district": self.district.text(),
            "street": self.street.text(),
            "address": self.address.text(),
            "urgency": self.urgency.currentData(),
            "importance": self.importance.currentData(),
            "title": self.title.text(),
            "description": self.description.toPlainText(),
        }

    def _matching_categories(self, text: str) -> list[str]:
        """The categories whose "name code" contains ``text`` (as the completer offers them)."""
        folded = text.strip().casefold()
        return [code for shown, code in self._categories.items() if folded and folded in shown.casefold()]

    def _settle_category(self) -> None:
        """Leaving the field (Tab) with a text only one category matches: that category, in full."""
        if self._category_code():
            return
        found = self._matching_categories(self.category.text())
        if len(found) == 1:
            self.category.setText(self._category_text(found[0]))

    def _category_code(self) -> str:
        text = self.category.text().strip()
        if text in self._categories:
            return self._categories[text]
        if text in self.names.categories:
            return text
        by_name = [code for code, c in self.names.categories.items() if text and c.get("name") == text]
        return by_name[0] if len(by_name) == 1 else ""

    def is_empty(self) -> bool:
        v = self.values()
        return not any(
            v[k].strip() for k in ("name", "phone", "category", "district", "street", "address", "title")
        ) and (not v["description"].strip())

    def _restore(self, kept: dict[str, Any] | None) -> None:
        if not kept or not self.is_empty():
            return
        v = kept["content"]
        self._restoring = True
        try:
            for combo, name in ((self.channel, "channel"), (self.kind, "kind"), (self.urgency, "urgency")):
                combo.setCurrentIndex(max(0, combo.findData(v.get(name))))
            self.importance.setCurrentIndex(max(0, self.importance.findData(v.get("importance"))))
            for edit, name in (
                (self.caller_name, "name"),
                (self.phone, "phone"),
                (self.category, "category"),
                (self.district, "district"),
                (self.street, "street"),
                (self.address, "address"),
                (self.title, "title"),
            ):
                edit.setText(str(v.get(name, "")))
            self.description.setPlainText(str(v.get("description", "")))
            self.confidential.setChecked(bool(v.get("confidential")))
            self.contact_allowed.setChecked(bool(v.get("contact_allowed", True)))
        finally:
            self._restoring = False
        self.notice.setText(self.tr("已恢复上次未保存的受理内容（%1）").replace("%1", local_time(kept["updated_at"])))
        self._lookup_timer.start()

    def _on_typed(self, *_: Any) -> None:
        if self._restoring:
            return
        self._keep_timer.start()
        self._lookup_timer.start()

    def keep_draft(self) -> None:
        """Keep what is typed now (the window keeps it on close too); an empty form drops the draft."""
        self._keep_timer.stop()
        order_id, key = INTAKE_DRAFT
        if self.is_empty():
            self.workspace.drop_draft(order_id, key)
        else:
            self.workspace.keep_draft(order_id, key, self.values())

    def clear(self) -> None:
        """An empty form for the next call (the draft goes)."""
        self._restoring = True
        try:
            for edit in (
                self.caller_name,
                self.phone,
                self.category,
                self.district,
                self.street,
                self.address,
                self.title,
            ):
                edit.clear()
            self.description.clear()
            self.confidential.setChecked(False)
            self.contact_allowed.setChecked(True)
            self.urgency.setCurrentIndex(self.urgency.findData(Urgency.NORMAL.value))
        finally:
            self._restoring = False
        self.similar.clear()
        self.caller_orders.clear()
        self.problem.clear()
        self._mark_fields(set())
        order_id, key = INTAKE_DRAFT
        self.workspace.drop_draft(order_id, key)
        self.channel.setFocus()

    # --- similar orders and the caller's ----------------------------------------------------------

    def _look_up(self) -> None:
        lookups(self.workspace, self.values(), on_done=self._show_lookups, owner=self)

    def _show_lookups(self, found: IntakeLookups) -> None:
        self.similar.clear()
        for hit in found.similar:
            o = hit["order"]
            reasons = "、".join(self._reason(r) for r in hit.get("reasons", []))
            item = QListWidgetItem(f"{o['number']}  {o['title']}\n{state_label(o['state'])} · {reasons}")
            item.setData(Qt.ItemDataRole.UserRole, o["id"])
            self.similar.addItem(item)
        self.similar_title.setText(self.tr("相似的未办结工单（%1）").replace("%1", str(len(found.similar))))
        self.caller_orders.clear()
        for o in found.caller:
            text = f"{o['number']}  {o['title']}\n{state_label(o['state'])} · {local_time(o['received_at'])}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, o["id"])
            self.caller_orders.addItem(item)
        self.caller_title.setText(self.tr("来电人的历史工单（%1）").replace("%1", str(len(found.caller))))
        self.merge_button.setEnabled(self.similar.currentRow() >= 0)

    def _reason(self, reason: str) -> str:
        return {
            "same_caller": self.tr("同一来电人"),
            "same_address": self.tr("同一地址"),
            "same_category": self.tr("同一分类"),
            "similar_text": self.tr("内容相似"),
        }.get(reason, reason)

    # --- saving -----------------------------------------------------------------------------------

    def intake(self) -> OrderIntake:
        """The order to create from the form; a ValidationError names the fields that do not fit."""
        v = self.values()
        return OrderIntake.model_validate(
            {
                "channel": v["channel"],
                "citizen": {
                    "name": v["name"].strip(),
                    "phone": v["phone"].strip(),
                    "confidential": v["confidential"],
                    "contact_allowed": v["contact_allowed"],
                },
                "kind": v["kind"],
                "category_code": v["category_code"] or v["category"].strip() or "?",
                "urgency": v["urgency"],
                "importance": v["importance"],
                "title": v["title"].strip(),
                "description": v["description"].strip(),
                "district": v["district"].strip(),
                "street": v["street"].strip(),
                "address": v["address"].strip(),
            }
        )

    def _field_widget(self, loc: tuple[Any, ...]) -> QWidget | None:
        top = str(loc[0]) if loc else ""
        if top == "citizen" and len(loc) > 1:
            return {"name": self.caller_name, "phone": self.phone}.get(str(loc[1]))
        return {
            "category_code": self.category,
            "title": self.title,
            "description": self.description,
            "address": self.address,
            "district": self.district,
            "street": self.street,
        }.get(top)

    def _field_name(self, widget: QWidget | None) -> str:
        return {
            self.caller_name: self.tr("来电人"),
            self.phone: self.tr("电话"),
            self.category: self.tr("分类"),
            self.title: self.tr("标题"),
            self.description: self.tr("诉求内容"),
            self.address: self.tr("地址"),
            self.district: self.tr("区县"),
            self.street: self.tr("街道"),
        }.get(widget, "")  # type: ignore[call-overload]

    def _mark_fields(self, widgets: set[QWidget]) -> None:
        for widget in (
            self.caller_name,
            self.phone,
            self.category,
            self.title,
            self.description,
            self.address,
            self.district,
            self.street,
        ):
            widget.setStyleSheet("border: 1px solid #c62828;" if widget in widgets else "")

    def save(self, merge_into: int | None = None) -> None:
        """Ctrl+Enter: check the form, then create the order (and merge it into ``merge_into``)."""
        if self._saving:
            return
        problems: list[str] = []
        marked: set[QWidget] = set()
        if not self._category_code():
            marked.add(self.category)
            problems.append(self.tr("分类：请从列表中选择一个分类"))
        try:
            intake = self.intake()
        except ValidationError as exc:
            for error in exc.errors():
                widget = self._field_widget(tuple(error["loc"]))
                if widget is self.category:
                    continue
                if widget is not None:
                    marked.add(widget)
                problems.append(f"{self._field_name(widget) or '.'.join(map(str, error['loc']))}：{error['msg']}")
        self._mark_fields(marked)
        if problems:
            self.problem.setText("\n".join(problems))
            next(
                iter(w for w in (self.category, self.title, self.description, self.phone) if w in marked), self
            ).setFocus()
            return
        self.problem.clear()
        self.keep_draft()  # kept until the server has it
        self._saving = True
        self.save_button.setEnabled(False)
        self.notice.setText(self.tr("正在保存…"))
        save_intake(self.workspace, intake, merge_into, on_done=self._on_saved, on_error=self._on_failed, owner=self)

    def _merge(self) -> None:
        item = self.similar.currentItem()
        if item is not None:
            self.save(merge_into=int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_saved(self, saved: Saved) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.clear()
        self._uploading = saved
        if saved.merged_into is not None:
            text = self.tr("已受理（待上传），将合并到所选工单")
        else:
            text = self.tr("已受理（待上传），可在「待派单」中派单")
        if not self.workspace.status.online:
            text += self.tr("。离线：已保存在本机，联网后自动上传")
        self.notice.setText(text)
        self.saved.emit(saved.order_id)

    def _on_item(self, update: ItemUpdate) -> None:
        """The intake just saved was answered by the server: say its number (or that it was refused)."""
        saved = self._uploading
        if saved is None or str(update.mutation_id) != saved.mutation_id or not update.state.verdict:
            return
        self._uploading = None
        if update.state.kept.value == "applied":
            self.workspace.runner.run(
                self.workspace.reads.order, update.order_id, label="intake-number", on_done=self._say_number, owner=self
            )
        else:
            self.notice.setText(self.tr("中心未接受刚才受理的工单，请在「同步问题」中查看原因（内容已保留）"))

    def _say_number(self, order: dict[str, Any] | None) -> None:
        if order:
            self.notice.setText(self.tr("已受理并上传：%1").replace("%1", str(order.get("number", ""))))

    def _on_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.notice.clear()
        text = error_text(exc)
        if text is None:
            raise exc
        self.problem.setText(text)
