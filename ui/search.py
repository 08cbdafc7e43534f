"""Search across every list: hits painted in the cells, keys from the search box into the results,
and the line over an empty list that says why it is empty.

Citizens' text (titles, addresses) is never rich text here: the delegate paints plain strings with
QPainter.drawText, and the overlay is a plain-text label, so "<b>" in a title shows as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

HIT_COLOUR = QColor("#ffe082")  # a highlighter's yellow, readable under black text
HIT_TEXT = QColor("#000000")
_LEFT = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
TAG_COLOUR = QColor("#e3e8ee")
TAG_TEXT = QColor("#3d4b5c")


def hit_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where ``terms`` occur in ``text`` (case-insensitive), as sorted, merged (start, end) spans."""
    folded = text.casefold()
    spans: list[tuple[int, int]] = []
    for term in {t.casefold() for t in terms if t}:
        start = folded.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def segments(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is a hit) in order; joined, the pieces are ``text``."""
    return _cut(text, hit_spans(text, terms))


def _cut(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            pieces.append((text[at:start], False))
        pieces.append((text[start:end], True))
        at = end
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def paint_pieces(
    painter: QPainter,
    rect: QRect,
    pieces: Iterable[tuple[str, bool]],
    metrics: QFontMetrics,
    colour: QColor,
    inset: int = 2,
) -> None:
    """Plain-text ``pieces`` left to right on one line in ``rect`` in the painter's font, the marked ones
    on a highlighter's yellow (``inset`` pixels short of the line's height); the search's hits and the
    知识库's matching words alike."""
    x = rect.left()
    for piece, marked in pieces:
        if not piece:
            continue
        width = metrics.horizontalAdvance(piece)
        box = QRect(x, rect.top(), width, rect.height())
        if marked:
            painter.fillRect(box.adjusted(0, inset, 0, -inset), HIT_COLOUR)
            painter.setPen(HIT_TEXT)
        else:
            painter.setPen(colour)
        painter.drawText(box, _LEFT, piece)
        x += width
        if x > rect.right():
            break


def around_first_hit(text: str, terms: list[str], metrics: QFontMetrics, width: int) -> str:
    """``text`` elided to ``width``; when the first hit would fall in the cut-off part, the text is
    shown from a little before it, after a leading "…", so the hit is always in view."""
    return _around(text, hit_spans(text, terms), metrics, width)


def _around(text: str, spans: list[tuple[int, int]], metrics: QFontMetrics, width: int) -> str:
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    if not spans or spans[0][1] <= len(shown.rstrip("…")):
        return shown
    start = max(0, spans[0][0] - 2)
    return metrics.elidedText("…" + text[start:], Qt.TextElideMode.ElideRight, width)


class HitDelegate(QStyledItemDelegate):
    """Paints a cell's text with the search terms' occurrences marked (plain text, elided on the right).

    ``tag(index)``, when given, is a short grey label drawn before the text (a search hit's work list).
    What a cell's painting measures (the fonts' metrics, a tag's width, the text as shown and cut into
    pieces for its width and the terms) is kept, so that painting the same rows again (the hits' lists
    arriving, a hover, a scroll back) measures nothing twice.
    """

    KEPT = 4096  # pieces of this many cells at most (a few pages of rows, columns and widths)

    def __init__(
        self,
        terms: Callable[[], list[str]],
        parent: QObject | None = None,
        tag: Callable[[QModelIndex | QPersistentModelIndex], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.terms = terms
        self.tag = tag
        self._fonts: dict[str, tuple[QFontMetrics, QFont, QFontMetrics]] = {}  # font → its metrics, the tag's
        self._tags: dict[tuple[str, str], int] = {}  # (font, tag) → the tag's width
        self._pieces: dict[tuple[str, tuple[str, ...], int, str], list[tuple[str, bool]]] = {}

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        terms = self.terms()
        text = str(index.data(_DISPLAY) or "")
        tag = self.tag(index) if self.tag is not None else ""
        spans = hit_spans(text, terms) if terms else []
        if not tag and not spans:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = rect.adjusted(margin, 0, -margin, 0)
        font = opt.font
        font_key = font.key()
        metrics, small, tag_metrics = self._fonts.get(font_key) or self._measure(font, font_key)
        painter.save()
        painter.setClipRect(rect)
        if tag:
            width = self._tags.get((font_key, tag)) or self._tags.setdefault(
                (font_key, tag), tag_metrics.horizontalAdvance(tag) + 8
            )
            height = tag_metrics.height() + 2
            pill = QRect(rect.left(), rect.center().y() - height // 2, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TAG_COLOUR)
            painter.drawRoundedRect(pill, 3, 3)
            painter.setFont(small)
            painter.setPen(TAG_TEXT)
            painter.drawText(pill, _CENTRE, tag)
            rect = rect.adjusted(width + 4, 0, 0, 0)
        key = (text, tuple(terms), rect.width(), font_key)
        pieces = self._pieces.get(key)
        if pieces is None:
            shown = _around(text, spans, metrics, rect.width())
            pieces = _cut(shown, hit_spans(shown, terms))
            if len(self._pieces) >= self.KEPT:
                self._pieces.clear()
            self._pieces[key] = pieces
        # The cell's foreground (the model's ForegroundRole, which initStyleOption put in the palette).
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        normal = opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        painter.setFont(font)
        paint_pieces(painter, rect, pieces, metrics, normal)
        painter.restore()

    def _measure(self, font: QFont, key: str) -> tuple[QFontMetrics, QFont, QFontMetrics]:
        small = QFont(font)
        small.setBold(False)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        measured = (QFontMetrics(font), small, QFontMetrics(small))
        self._fonts[key] = measured
        return measured


class ResultKeys(QObject):
    """Down or Enter in the search box moves to the first result; Up on the first result goes back.

    ``before_enter`` runs first (say, to search at once instead of after the typing pause);
    when the results are not there yet, the move happens as soon as they are (``results_ready``).
    """

    def __init__(
        self,
        box: QLineEdit,
        table: QAbstractItemView,
        before_enter: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(box)
        self.box, self.table = box, table
        self.before_enter = before_enter
        self._waiting = False
        box.installEventFilter(self)
        table.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = QKeyEvent(event).key() if not isinstance(event, QKeyEvent) else event.key()
        if watched is self.box and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            pending = self.before_enter() if self.before_enter is not None else False
            if pending:
                self._waiting = True  # the fresh results move focus when they arrive
            else:
                self.to_results()
            return True
        if watched is self.table and key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
            self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        if watched is self.box and key == Qt.Key.Key_Escape and self.box.text():
            self.box.clear()
            return True
        return False

    def results_ready(self) -> None:
        if self._waiting:
            self._waiting = False
            self.to_results()

    def to_results(self) -> None:
        model = self.table.model()
        if model is None or model.rowCount() == 0:
            return
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)
        column = next((c for c in range(model.columnCount()) if not self.table.isColumnHidden(c)), 0)  # type: ignore[attr-defined]
        choose = getattr(self.table, "choose", None)
        if choose is not None:
            choose(model.index(0, column))  # the user's own move (a key in the search box): it opens the order
        else:
            self.table.setCurrentIndex(model.index(0, column))


class EmptyNote(QLabel):
    """A line in the middle of a list's empty viewport; follows the viewport's size, lets clicks through."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self.view = view
        self.setTextFormat(Qt.TextFormat.PlainText)  # it may quote a search typed by the user
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: #6e7781; font-size: 14px; background: transparent;")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setObjectName("empty_note")
        view.viewport().installEventFilter(self)
        self.hide()

    def say(self, text: str) -> None:
        """Show ``text`` over the list (empty text: hide)."""
        self.setText(text)
        self.setVisible(bool(text))
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        viewport: QWidget = self.view.viewport()
        self.setGeometry(viewport.rect().adjusted(24, 24, -24, -24))
