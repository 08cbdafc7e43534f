"""知识库 on the desk: find an entry from the citizen's words, read its answer and policy basis, insert it.

:class:`KnowledgePanel` is the whole thing — a search box, the ranked hits and the entry — shown as a
tab of the main window for every role, and inside :class:`KnowledgePicker` (a non-modal window) where
people write: the reply editor and the centre's 直接办结. It searches the synced copy on the desk, so
it works offline.

Entries are data written by people (and may quote citizens): nothing from them is ever rich text.
The hits are painted by :class:`HitPainter` with QPainter.drawText, the matching parts on a yellow
ground; the entry is shown in plain-text labels and a read-only plain-text editor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QKeySequence, QPainter, QPalette, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop import knowledge
from desktop.knowledge import Hit
from desktop.workspace import Workspace
from ui.labels import Names, entry_status_label
from ui.search import EmptyNote, ResultKeys, paint_pieces

__all__ = ["HitPainter", "KnowledgeButton", "KnowledgePanel", "KnowledgePicker", "snippet"]

#: After the last keystroke in the search box.
SEARCH_DELAY_MS = 250
EXPIRED_COLOUR = QColor("#c62828")
DRAFT_COLOUR = QColor("#6d4c41")
HIT_ROLE = Qt.ItemDataRole.UserRole + 1


def snippet(text: str, spans: list[tuple[int, int]], width: int = 60) -> tuple[str, list[tuple[int, int]]]:
    """One line of ``text`` around its first marked span (at most ``width`` characters), with the spans
    that fall in it moved to the line's offsets; a "…" says where text was left out."""
    flat = text.replace("\n", " ")
    start = 0
    if spans and spans[0][0] > width // 3:
        start = spans[0][0] - width // 4
    end = min(len(flat), start + width)
    line = flat[start:end]
    prefix = "…" if start > 0 else ""
    moved = [
        (max(s, start) - start + len(prefix), min(e, end) - start + len(prefix))
        for s, e in spans
        if e > start and s < end
    ]
    return prefix + line + ("…" if end < len(flat) else ""), moved


def paint_marked(
    painter: QPainter, rect: QRect, text: str, spans: list[tuple[int, int]], font: QFont, colour: QColor
) -> None:
    """``text`` on one line in ``rect``, its ``spans`` on a highlighter's yellow — plain text, clipped."""
    painter.setFont(font)
    at = 0
    pieces: list[tuple[str, bool]] = []
    for start, end in sorted(spans):
        if start > at:
            pieces.append((text[at:start], False))
        if end > max(start, at):
            pieces.append((text[max(start, at) : end], True))
        at = max(at, end)
    pieces.append((text[at:], False))
    paint_pieces(painter, rect, pieces, QFontMetrics(font), colour, inset=1)


class HitPainter(QStyledItemDelegate):
    """Paints a search hit in two lines: its title (bold, with a 已失效/草稿 tag) and the best line of its
    questions or answer, the matching parts marked — all plain text."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = QFontMetrics(option.font).height()
        return QSize(200, height * 2 + 14)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        hit: Hit | None = index.data(HIT_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if hit is None:
            return
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        normal = opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        grey = normal if selected else QColor("#5f6b7a")
        rect = opt.rect.adjusted(8, 5, -8, -5)
        line = QFontMetrics(opt.font).height()
        painter.save()
        painter.setClipRect(opt.rect)
        bold = QFont(opt.font)
        bold.setBold(True)
        top = QRect(rect.left(), rect.top(), rect.width(), line)
        tag = ""
        if hit.expired:
            tag = entry_status_label("expired")
        elif hit.entry.get("status") == "draft":
            tag = entry_status_label("draft")
        if tag:
            small = QFont(opt.font)
            metrics = QFontMetrics(small)
            width = metrics.horizontalAdvance(tag) + 8
            pill = QRect(top.left(), top.top(), width, line)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(EXPIRED_COLOUR if hit.expired else DRAFT_COLOUR)
            painter.drawRoundedRect(pill, 3, 3)
            painter.setPen(QColor("#ffffff"))
            painter.setFont(small)
            painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), tag)
            top = top.adjusted(width + 6, 0, 0, 0)
        title = str(hit.entry.get("title") or "")
        marks = {f: [(s, e) for s, e, name in hit.highlights if name == f] for f in ("title", "questions", "answer")}
        shown = QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight, top.width())
        paint_marked(
            painter, top, shown, [(s, min(e, len(shown))) for s, e in marks["title"] if s < len(shown)], bold, normal
        )
        field = "questions" if marks["questions"] or not marks["answer"] else "answer"
        source = (
            "\n".join(str(q) for q in hit.entry.get("questions") or [])
            if field == "questions"
            else str(hit.entry.get("answer") or "")
        )
        text, spans = snippet(
            source, marks[field], max(20, rect.width() // max(1, QFontMetrics(opt.font).averageCharWidth()))
        )
        paint_marked(
            painter, QRect(rect.left(), rect.top() + line + 4, rect.width(), line), text, spans, opt.font, grey
        )
        painter.restore()


class KnowledgePanel(QWidget):
    """Search box, ranked hits, the entry. With ``inserting`` an 插入 button offers the entry in view:
    ``chosen(entry)`` (KnowledgeEntry as JSON); an expired one asks first (仍然插入).

    Signals:
        chosen(dict): the user chose to insert this entry.
        searched(int): a search answered with this many hits (tests and the window wait on it).
    """

    chosen = Signal(dict)
    searched = Signal(int)

    def __init__(
        self, workspace: Workspace, names: Names, inserting: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.names = names
        self.entry: dict[str, Any] | None = None
        self.warning: QMessageBox | None = None
        self._synced = -1  # entries on this desk (-1: not counted yet)
        self.pending = 0  # searches asked and not answered yet
        self.box = QLineEdit()
        self.box.setObjectName("knowledge_search")
        self.box.setPlaceholderText(self.tr("输入市民的原话或关键词，查找知识库（Ctrl+K）"))
        self.box.setClearButtonEnabled(True)
        self.hits = QListWidget()
        self.hits.setObjectName("knowledge_hits")
        self.hits.setItemDelegate(HitPainter(self.hits))
        self.hits.setUniformItemSizes(True)
        self.hits.currentItemChanged.connect(self._show_current)
        self.hits.itemActivated.connect(lambda _item: self.insert())
        self.empty = EmptyNote(self.hits)
        self.keys = ResultKeys(self.box, self.hits, before_enter=self._search_at_once)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search)
        self.box.textChanged.connect(lambda _text: self._timer.start())

        self.title = self._plain_label()
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.status = self._plain_label()
        self.questions = self._plain_label()
        self.questions.setStyleSheet("color: #5f6b7a;")
        self.answer = QPlainTextEdit()
        self.answer.setObjectName("knowledge_answer")
        self.answer.setReadOnly(True)
        self.basis = {key: self._plain_label() for key in ("document", "number", "article", "issuer", "dates")}
        self.meta = self._plain_label()
        self.meta.setStyleSheet("color: #6e7781;")
        self.copy_button = QPushButton(self.tr("复制答复"))
        self.copy_button.clicked.connect(self._copy)
        self.insert_button = QPushButton(self.tr("插入答复和依据"))
        self.insert_button.setObjectName("knowledge_insert")
        self.insert_button.setStyleSheet("font-weight: bold;")
        self.insert_button.clicked.connect(self.insert)
        self.insert_button.setVisible(inserting)

        detail = QWidget()
        form = QFormLayout()
        form.addRow(self.tr("文件名称"), self.basis["document"])
        form.addRow(self.tr("文号"), self.basis["number"])
        form.addRow(self.tr("条款"), self.basis["article"])
        form.addRow(self.tr("发文机关"), self.basis["issuer"])
        form.addRow(self.tr("有效期"), self.basis["dates"])
        buttons = QHBoxLayout()
        buttons.addWidget(self.meta, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.insert_button)
        column = QVBoxLayout(detail)
        column.addWidget(self.title)
        column.addWidget(self.status)
        column.addWidget(self.questions)
        column.addWidget(QLabel(self.tr("标准答复")))
        column.addWidget(self.answer, 1)
        column.addWidget(QLabel(self.tr("政策依据")))
        column.addLayout(form)
        column.addLayout(buttons)
        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.box)
        side.addWidget(self.hits, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._show_entry(None)
        workspace.knowledge_changed.connect(self._synced_again)
        self._count()

    @staticmethod
    def _plain_label() -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)  # entries are people's text: never markup
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    # --- searching ----------------------------------------------------------------------------------

    def focus_search(self, text: str | None = None) -> None:
        """Put the cursor in the search box (with ``text`` typed in it, say the citizen's request)."""
        if text is not None and text != self.box.text():
            self.box.setText(text)
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def search_now(self, sentence: str) -> None:
        """Search for ``sentence`` at once (it is put in the box, selected, so typing replaces it)."""
        self.focus_search(sentence)
        self._timer.stop()
        self.search()

    def _search_at_once(self) -> bool:
        if self._timer.isActive():
            self._timer.stop()
            self.search()
            return True
        return False

    def search(self) -> None:
        sentence = self.box.text().strip()
        if not sentence:
            self._show_hits([])
            return
        self.pending += 1
        knowledge.search(self.workspace, sentence, self._answered, owner=self)

    def _answered(self, hits: list[Hit]) -> None:
        self.pending -= 1
        self._show_hits(hits)

    def _show_hits(self, hits: list[Hit]) -> None:
        current = (self.entry or {}).get("id")  # kept in view when the new hits still hold it
        self.hits.clear()
        for hit in hits:
            item = QListWidgetItem(str(hit.entry.get("title") or ""))
            item.setData(HIT_ROLE, hit)
            tip = str(hit.entry.get("title") or "")
            item.setToolTip(tip)
            self.hits.addItem(item)
        if not self.box.text().strip():
            self.empty.say(self._idle_note())
        elif not hits:
            self.empty.say(self.tr("没有找到匹配的条目。试试换个说法，或只输入关键词。"))
        else:
            self.empty.say("")
        row = next((i for i, h in enumerate(hits) if h.entry.get("id") == current), 0 if hits else -1)
        if row >= 0:
            self.hits.setCurrentRow(row)
        else:
            self._show_entry(None)
        self.keys.results_ready()
        self.searched.emit(len(hits))

    def _idle_note(self) -> str:
        if self._synced == 0:
            return self.tr("知识库尚未同步到本机：联网同步后即可离线查找。")
        return self.tr("输入市民的原话或关键词，查找答复口径和政策依据。")

    def _count(self) -> None:
        def counted(n: int) -> None:
            self._synced = n
            if not self.box.text().strip():
                self.empty.say(self._idle_note())

        knowledge.count(self.workspace, counted, owner=self)

    def _synced_again(self) -> None:
        self._count()
        if self.box.text().strip():
            self.search()

    # --- the entry ----------------------------------------------------------------------------------

    def _show_current(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        hit: Hit | None = item.data(HIT_ROLE) if item is not None else None
        self._show_entry(hit.entry if hit is not None else None)

    def _show_entry(self, entry: dict[str, Any] | None) -> None:
        self.entry = entry
        for button in (self.copy_button, self.insert_button):
            button.setEnabled(entry is not None)
        entry = entry or {}
        basis = entry.get("basis") or {}
        self.title.setText(str(entry.get("title") or ""))
        expired = bool(entry) and knowledge.expired(entry)
        if expired:
            self.status.setText(self.tr("已失效：政策依据已过有效期或已废止，引用前请核实。"))
            self.status.setStyleSheet("color: #c62828; font-weight: bold;")
        elif entry.get("status") == "draft":
            self.status.setText(self.tr("草稿：尚未经中心发布，仅供本单位参考。"))
            self.status.setStyleSheet("color: #6d4c41;")
        else:
            self.status.setText("")
        self.status.setVisible(bool(self.status.text()))
        questions = [str(q) for q in entry.get("questions") or []]
        self.questions.setText("\n".join("· " + q for q in questions))
        self.questions.setVisible(bool(questions))
        self.answer.setPlainText(str(entry.get("answer") or ""))
        for key in ("document", "number", "article", "issuer"):
            self.basis[key].setText(str(basis.get(key) or "—") if entry else "")
        start, end = basis.get("effective_from"), basis.get("expires_on")
        if entry:
            dates = self.tr("%1 起").replace("%1", str(start)) if start else "—"
            if end:
                dates += self.tr("，至 %1").replace("%1", str(end))
            self.basis["dates"].setText(dates)
            self.basis["dates"].setStyleSheet("color: #c62828;" if expired else "")
            owner = (
                self.names.department(entry.get("department_id")) if entry.get("department_id") else self.tr("热线中心")
            )
            self.meta.setText(
                self.tr("%1 · 第%2版 · %3")
                .replace("%1", owner)
                .replace("%2", str(entry.get("version") or 1))
                .replace("%3", entry_status_label(str(entry.get("status") or "")))
            )
        else:
            self.basis["dates"].setText("")
            self.meta.setText("")

    def _copy(self) -> None:
        if self.entry is not None:
            QGuiApplication.clipboard().setText(str(self.entry.get("answer") or ""))

    def insert(self) -> None:
        """Offer the entry in view to the form that opened the panel; an expired one asks first."""
        if self.entry is None or not self.insert_button.isVisible():
            return
        entry = self.entry
        if not knowledge.expired(entry):
            self.chosen.emit(entry)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("条目已失效"),
            self.tr("「%1」已失效：其政策依据已过有效期或已废止。仍要插入吗？").replace(
                "%1", str(entry.get("title") or "")
            ),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        anyway = box.addButton(self.tr("仍然插入"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.chosen.emit(entry) if button is anyway else None)
        self.warning = box
        box.open()


class KnowledgePicker(QDialog):
    """The knowledge panel in its own window, to insert an entry where the user writes (non-modal).

    ``chosen(entry)`` when an entry is inserted; the window then closes."""

    chosen = Signal(dict)

    def __init__(self, workspace: Workspace, names: Names, sentence: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("knowledge_picker")
        self.setWindowTitle(self.tr("知识库 — 插入答复和依据"))
        self.resize(980, 620)
        self.panel = KnowledgePanel(workspace, names, inserting=True, parent=self)
        self.panel.chosen.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Cancel), self, activated=self.reject)
        if sentence:
            self.panel.search_now(sentence)

    def _chosen(self, entry: dict[str, Any]) -> None:
        self.chosen.emit(entry)
        self.accept()


class KnowledgeButton(QPushButton):
    """引用知识库…: a button that opens the :class:`KnowledgePicker` beside a form, searching for
    ``sentence()`` (the citizen's request as typed), and says ``chosen(entry)``.

    The reusable hook for any form that answers citizens (the reply editor, 直接办结 in the dock and on
    the intake form): connect ``chosen`` and fill the form with ``entry["answer"]``,
    :func:`desktop.knowledge.citation` and the entry's id (sent as ``knowledge_entry_ids``)."""

    chosen = Signal(dict)

    def __init__(
        self, workspace: Workspace, names: Names, sentence: Callable[[], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("引用知识库…"), parent)
        self.setObjectName("cite_knowledge")
        self.setToolTip(self.tr("从知识库插入答复口径和政策依据"))
        self.workspace, self.names, self.sentence = workspace, names, sentence
        self.picker: KnowledgePicker | None = None
        self.clicked.connect(self.open_picker)

    def open_picker(self) -> KnowledgePicker:
        if self.picker is not None:
            self.picker.close()
        picker = KnowledgePicker(self.workspace, self.names, self.sentence().strip(), self.window())
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.chosen.connect(self.chosen)
        picker.destroyed.connect(lambda: setattr(self, "picker", None))
        self.picker = picker
        picker.show()  # beside the form, not modal
        return picker
