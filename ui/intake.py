"""受理: the centre's intake form, typed while on the phone, with the similar open orders and the
caller's earlier orders beside it (合并到此单 instead of a duplicate).

Keyboard first: Tab moves through the fields in order, the category completes as it is typed,
Ctrl+Enter saves. What is typed is kept in the desk's drafts (order id 0, key ``intake``: the order
has no id yet) a moment after each change, so a closed window or a dead process loses nothing.
Saving goes through the outbox (``desktop.intake``), online or not: the order shows at once in the
lists as 待上传 and gets its number when the server has it.
"""

from __future__ import annotations

import re
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
from casework.sla import Complexity, Urgency
from desktop.intake import INTAKE_DRAFT, IntakeLookups, ItemUpdate, Saved, lookups, save_intake
from desktop.workspace import Workspace
from ui.errors import error_text
from ui.labels import (
    Names,
    channel_label,
    complexity_label,
    importance_label,
    kind_label,
    local_time,
    state_label,
    urgency_label,
)

__all__ = ["IntakeForm", "split_tags"]

#: As ``casework.schemas.OrderIntake`` takes them.
MAX_TAGS = 20
MAX_TAG_LENGTH = 30
_TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")


def split_tags(text: str) -> list[str]:
    """The tags typed, separated by commas (either width), 、 or ;, without blanks or repeats."""
    seen: list[str] = []
    for part in _TAG_SEPARATORS.split(text):
        tag = part.strip()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def _number(text: str) -> float | None:
    try:
        return float(text.strip()) if text.strip() else None
    except ValueError:
        return None


def _coord_fits(text: str, limit: float) -> bool:
    value = _number(text)
    return value is not None and -limit <= value <= limit and value == value  # not NaN


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
        self.complexity = QComboBox()
        for value in Complexity:
            self.complexity.addItem(complexity_label(value.value), value.value)
        self.lat = QLineEdit()
        self.lat.setPlaceholderText(self.tr("纬度，如 32.78"))
        self.lon = QLineEdit()
        self.lon.setPlaceholderText(self.tr("经度，如 119.44"))
        self.coords_problem = QLabel()
        self.coords_problem.setStyleSheet("color: #c62828;")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText(self.tr("标签，用逗号或回车分隔"))
        self.tags.returnPressed.connect(self._settle_tags)
        self.tags.editingFinished.connect(self._settle_tags)
        self.tags_shown = QLabel()  # the tags as chips: 「鸽棚」「扰民」
        self.tags_shown.setTextFormat(Qt.TextFormat.PlainText)
        self.tags_problem = QLabel()
        self.tags_problem.setStyleSheet("color: #c62828;")
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
        grading.addWidget(self.complexity)
        grading.addStretch(1)
        coords = QHBoxLayout()
        coords.addWidget(self.lat)
        coords.addWidget(self.lon)
        coords.addWidget(self.coords_problem, 1)
        tags = QHBoxLayout()
        tags.addWidget(self.tags, 2)
        tags.addWidget(self.tags_shown, 1)
        tags.addWidget(self.tags_problem, 1)

        form = QFormLayout()
        form.addRow(self.tr("渠道"), self.channel)
        form.addRow(self.tr("来电人"), self.caller_name)
        form.addRow(self.tr("电话"), caller)
        form.addRow(self.tr("诉求类型"), self.kind)
        form.addRow(self.tr("分类"), self.category)
        form.addRow(self.tr("区县/街道"), place)
        form.addRow(self.tr("地址"), self.address)
        form.addRow(self.tr("坐标（可选）"), coords)
        form.addRow(self.tr("紧急/重要/复杂"), grading)
        form.addRow(self.tr("标签"), tags)
        form.addRow(self.tr("标题"), self.title)
        form.addRow(self.tr("诉求内容"), self.description)
        # 直接办结 (answer at once): a consultation answered on the phone, saved and closed in one step.
        self.answer_at_once = QCheckBox(self.tr("直接办结（当场答复咨询）"))
        self.answer = QPlainTextEdit()
        self.answer.setTabChangesFocus(True)
        self.answer.setPlaceholderText(self.tr("答复市民的内容"))
        self.answer.setMaximumHeight(90)
        self.basis = QLineEdit()
        self.basis.setPlaceholderText(self.tr("政策依据：文件名称、文号、条款"))
        self.answer_problem = QLabel()
        self.answer_problem.setWordWrap(True)
        self.answer_problem.setStyleSheet("color: #c62828;")
        #: The knowledge-base hook: a picker (built elsewhere) is added to this layout and fills the
        #: answer and basis through :meth:`fill_answer`. Nothing is in it yet.
        self.knowledge_slot = QHBoxLayout()
        self.close_button = QPushButton(self.tr("保存并办结（Ctrl+Shift+Enter）"))
        self.close_button.clicked.connect(lambda: self.save(close_at_once=True))
        answer_box = QWidget()
        answer_form = QFormLayout(answer_box)
        answer_form.setContentsMargins(0, 0, 0, 0)
        answer_form.addRow(self.knowledge_slot)
        answer_form.addRow(self.tr("答复"), self.answer)
        answer_form.addRow(self.tr("政策依据"), self.basis)
        answer_form.addRow(self.answer_problem)
        answer_form.addRow(self.close_button)
        self.answer_box = answer_box
        answer_box.setVisible(False)
        self.answer_at_once.toggled.connect(answer_box.setVisible)
        self._knowledge_entry_ids: list[int] = []
        form.addRow(self.answer_at_once)
        form.addRow(answer_box)
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
        #: The form's one-line fields, in Tab order (typed into, cleared together).
        self._lines = (
            self.caller_name,
            self.phone,
            self.category,
            self.district,
            self.street,
            self.address,
            self.lat,
            self.lon,
            self.tags,
            self.title,
        )
        for edit in self._lines:
            edit.textChanged.connect(self._on_typed)
        self.description.textChanged.connect(self._on_typed)
        self.answer.textChanged.connect(self._on_typed)
        self.basis.textChanged.connect(self._on_typed)
        self.answer_at_once.toggled.connect(self._on_typed)
        for combo in (self.channel, self.kind, self.urgency, self.importance, self.complexity):
            combo.currentIndexChanged.connect(self._on_typed)
        for box in (self.confidential, self.contact_allowed):
            box.toggled.connect(self._on_typed)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda: self.save())
        for keys in ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda: self.save(close_at_once=True))

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
            "lat": self.lat.text(),
            "lon": self.lon.text(),
            "urgency": self.urgency.currentData(),
            "importance": self.importance.currentData(),
            "complexity": self.complexity.currentData(),
            "tags": self.tags.text(),
            "title": self.title.text(),
            "description": self.description.toPlainText(),
            "answer_at_once": self.answer_at_once.isChecked(),
            "answer": self.answer.toPlainText(),
            "basis": self.basis.text(),
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
            v[k].strip()
            for k in ("name", "phone", "category", "district", "street", "address", "lat", "lon", "tags", "title")
        ) and not (v["description"].strip() or v["answer"].strip() or v["basis"].strip())

    def _restore(self, kept: dict[str, Any] | None) -> None:
        if not kept or not self.is_empty():
            return
        v = kept["content"]
        self._restoring = True
        try:
            for combo, name in ((self.channel, "channel"), (self.kind, "kind"), (self.urgency, "urgency")):
                combo.setCurrentIndex(max(0, combo.findData(v.get(name))))
            self.importance.setCurrentIndex(max(0, self.importance.findData(v.get("importance"))))
            self.complexity.setCurrentIndex(max(0, self.complexity.findData(v.get("complexity"))))
            for edit, name in (
                (self.caller_name, "name"),
                (self.phone, "phone"),
                (self.category, "category"),
                (self.district, "district"),
                (self.street, "street"),
                (self.address, "address"),
                (self.lat, "lat"),
                (self.lon, "lon"),
                (self.tags, "tags"),
                (self.title, "title"),
            ):
                edit.setText(str(v.get(name, "")))
            self.description.setPlainText(str(v.get("description", "")))
            self.answer.setPlainText(str(v.get("answer", "")))
            self.basis.setText(str(v.get("basis", "")))
            self.answer_at_once.setChecked(bool(v.get("answer_at_once")))
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
            for edit in self._lines:
                edit.clear()
            self.description.clear()
            self.answer.clear()
            self.basis.clear()
            self.answer_at_once.setChecked(False)
            self._knowledge_entry_ids = []
            self.complexity.setCurrentIndex(0)
            self.confidential.setChecked(False)
            self.contact_allowed.setChecked(True)
            self.urgency.setCurrentIndex(self.urgency.findData(Urgency.NORMAL.value))
        finally:
            self._restoring = False
        self.similar.clear()
        self.caller_orders.clear()
        self.problem.clear()
        self.coords_problem.clear()
        self.answer_problem.clear()
        self.tags_problem.clear()
        self.tags_shown.clear()
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
                "complexity": v["complexity"],
                "lat": _number(v["lat"]),
                "lon": _number(v["lon"]),
                "tags": split_tags(v["tags"]),
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
            "lat": self.lat,
            "lon": self.lon,
            "tags": self.tags,
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
            self.lat: self.tr("纬度"),
            self.lon: self.tr("经度"),
            self.tags: self.tr("标签"),
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
            self.lat,
            self.lon,
            self.tags,
            self.answer,
            self.basis,
            self.kind,
        ):
            widget.setStyleSheet("border: 1px solid #c62828;" if widget in widgets else "")

    def fill_answer(self, answer: str, basis: str, knowledge_entry_ids: list[int] | None = None) -> None:
        """The knowledge-base hook: put an answer and its basis into 直接办结 (opened), remembering the
        entries used (sent with the 直接办结 when the contract takes them). Plain text, as typed."""
        self.answer_at_once.setChecked(True)
        self.answer.setPlainText(answer)
        self.basis.setText(basis)
        self._knowledge_entry_ids = list(knowledge_entry_ids or [])

    def _answer(self) -> tuple[dict[str, Any] | None, str, QWidget | None]:
        """直接办结's body (None when not asked), or what is wrong with it and where."""
        kind = self.kind.currentData()
        if kind != RequestKind.CONSULTATION.value:
            return None, self.tr("直接办结：只用于咨询类诉求，其他诉求请派单"), self.kind
        answer, basis = self.answer.toPlainText().strip(), self.basis.text().strip()
        if not answer:
            return None, self.tr("直接办结：请填写答复内容"), self.answer
        if not basis:  # product.md: the reply cites its basis
            return None, self.tr("直接办结：请填写政策依据"), self.basis
        body: dict[str, Any] = {"reply": answer, "basis": basis}
        if self._knowledge_entry_ids:
            body["knowledge_entry_ids"] = self._knowledge_entry_ids
        return body, "", None

    def save(self, merge_into: int | None = None, close_at_once: bool = False) -> None:
        """Ctrl+Enter: check the form, then create the order (and merge it into ``merge_into``, or
        with ``close_at_once`` close it at once with the answer and its basis: Ctrl+Shift+Enter)."""
        if self._saving:
            return
        problems: list[str] = []
        marked: set[QWidget] = set()
        answer_body: dict[str, Any] | None = None
        self.answer_problem.clear()
        if close_at_once:
            self.answer_at_once.setChecked(True)
            answer_body, wrong, where = self._answer()
            if wrong:
                self.answer_problem.setText(wrong)
                problems.append(wrong)
                if where is not None:
                    marked.add(where)
        if not self._category_code():
            marked.add(self.category)
            problems.append(self.tr("分类：请从列表中选择一个分类"))
        coords = self._coords_problem()
        self.coords_problem.setText(coords)
        if coords:
            marked |= {w for w in (self.lat, self.lon) if not _coord_fits(w.text(), 90 if w is self.lat else 180)}
            problems.append(coords)
        tags = self._tags_problem()
        self.tags_problem.setText(tags)
        if tags:
            marked.add(self.tags)
            problems.append(tags)
        try:
            intake = self.intake()
        except ValidationError as exc:
            for error in exc.errors():
                widget = self._field_widget(tuple(error["loc"]))
                if widget in (self.category, self.lat, self.lon, self.tags):
                    continue  # said above, in words of this form
                if widget is not None:
                    marked.add(widget)
                problems.append(f"{self._field_name(widget) or '.'.join(map(str, error['loc']))}：{error['msg']}")
        self._mark_fields(marked)
        if problems:
            self.problem.setText("\n".join(problems))
            order = (
                self.category,
                self.lat,
                self.lon,
                self.tags,
                self.title,
                self.description,
                self.phone,
                self.answer,
                self.basis,
            )
            next(iter(w for w in order if w in marked), self).setFocus()
            return
        self.problem.clear()
        self.keep_draft()  # kept until the server has it
        self._saving = True
        self.save_button.setEnabled(False)
        self.notice.setText(self.tr("正在保存…"))
        save_intake(
            self.workspace,
            intake,
            merge_into,
            on_done=self._on_saved,
            on_error=self._on_failed,
            owner=self,
            close_at_once=answer_body,
        )

    def _coords_problem(self) -> str:
        """What is wrong with the coordinates as typed ("" when nothing: both empty, or both in range)."""
        lat, lon = self.lat.text().strip(), self.lon.text().strip()
        if not lat and not lon:
            return ""
        if not lat or not lon:
            return self.tr("坐标：请同时填写纬度和经度，或都不填")
        if not _coord_fits(lat, 90):
            return self.tr("纬度：请填写 -90 到 90 之间的数字")
        if not _coord_fits(lon, 180):
            return self.tr("经度：请填写 -180 到 180 之间的数字")
        return ""

    def _tags_problem(self) -> str:
        tags = split_tags(self.tags.text())
        if len(tags) > MAX_TAGS:
            return self.tr("标签：最多 %1 个").replace("%1", str(MAX_TAGS))
        if any(len(t) > MAX_TAG_LENGTH for t in tags):
            return self.tr("标签：每个标签最多 %1 个字").replace("%1", str(MAX_TAG_LENGTH))
        return ""

    def _settle_tags(self) -> None:
        """Enter or leaving the field: the tags as chips, the line tidied to "a, b"."""
        tags = split_tags(self.tags.text())
        self.tags_shown.setText(" ".join(f"「{t}」" for t in tags))
        tidy = ", ".join(tags) + (", " if tags and self.tags.hasFocus() else "")
        if tidy != self.tags.text():
            self.tags.setText(tidy)
        self.tags_problem.setText(self._tags_problem())

    def _merge(self) -> None:
        item = self.similar.currentItem()
        if item is not None:
            self.save(merge_into=int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_saved(self, saved: Saved) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.clear()
        self._uploading = saved
        if saved.closed:
            text = self.tr("已受理并直接办结（待上传）")
        elif saved.merged_into is not None:
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
