"""What changed between two rounds of a reply: the text, the result and the basis, marked for the reviewer.

A returned reply comes back edited; the reviewer should not have to read both versions side by side
to find the three words that changed. The text is compared on characters (Chinese has no spaces
to split words on), with runs of Latin letters and digits kept whole ("28" against "23" is one
change, not one digit). Tiny equal runs between two changes are folded into them, so an edit
reads as one replaced phrase instead of confetti. Everything the citizen or the handler wrote
is escaped before it goes into the rich text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from ui.labels import Names, local_time, result_label, review_level_label

Kind = Literal["equal", "delete", "insert"]
# A Latin word or number (with its inner dots, slashes, colons), a run of white space, or one character.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.:/\-][A-Za-z0-9]+)*|\s+|.", re.DOTALL)

DELETED = "background-color: #ffebee; color: #b71c1c; text-decoration: line-through;"
INSERTED = "background-color: #e8f5e9; color: #1b5e20; text-decoration: underline;"


@dataclass(frozen=True)
class Segment:
    kind: Kind
    text: str


@dataclass
class _Change:
    deleted: str = ""
    inserted: str = ""

    @property
    def size(self) -> int:
        return max(len(self.deleted), len(self.inserted))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


@lru_cache(maxsize=64)  # a reload of the order re-renders the same pair; the texts are the key
def diff_text(old: str, new: str) -> tuple[Segment, ...]:
    """``old`` → ``new`` as equal, deleted and inserted segments; within a change, the deletion comes first."""
    a, b = tokens(old), tokens(new)
    runs: list[str | _Change] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append("".join(a[i1:i2]))
        else:
            runs.append(_Change("".join(a[i1:i2]), "".join(b[j1:j2])))
    runs = _fold(runs)
    segments: list[Segment] = []
    for run in runs:
        if isinstance(run, str):
            segments.append(Segment("equal", run))
            continue
        if run.deleted:
            segments.append(Segment("delete", run.deleted))
        if run.inserted:
            segments.append(Segment("insert", run.inserted))
    return tuple(segments)


def _fold(runs: list[str | _Change]) -> list[str | _Change]:
    """Fold an equal run between two changes into them when it is too small to read on its own."""
    out: list[str | _Change] = []
    for run in runs:
        if (
            isinstance(run, _Change)
            and len(out) >= 2
            and isinstance(out[-1], str)
            and isinstance(out[-2], _Change)
            and _small(out[-1], out[-2], run)
        ):
            equal = out.pop()
            before = out.pop()
            assert isinstance(before, _Change) and isinstance(equal, str)
            run = _Change(before.deleted + equal + run.deleted, before.inserted + equal + run.inserted)
        out.append(run)
    return out


def _small(equal: str, before: _Change, after: _Change) -> bool:
    if "\n" in equal:
        return False  # a paragraph break stays a boundary
    if len(equal.strip()) <= 1:
        return True
    # Between two pure insertions (or two pure deletions) the words in the middle were kept: folding
    # them would show them deleted and typed again.
    if not (before.deleted or after.deleted) or not (before.inserted or after.inserted):
        return False
    return len(equal.strip()) <= 2 or 2 * len(equal) <= min(before.size, after.size)


def counts(segments: tuple[Segment, ...]) -> tuple[int, int]:
    """(characters inserted, characters deleted), white space not counted."""
    inserted = sum(len("".join(s.text.split())) for s in segments if s.kind == "insert")
    deleted = sum(len("".join(s.text.split())) for s in segments if s.kind == "delete")
    return inserted, deleted


def segments_html(segments: tuple[Segment, ...]) -> str:
    """The segments as escaped rich text: deletions struck through in red, insertions underlined in green."""
    parts = []
    for segment in segments:
        text = html.escape(segment.text).replace("\n", "<br>")
        if segment.kind == "equal":
            parts.append(text)
        else:
            parts.append(f"<span style='{DELETED if segment.kind == 'delete' else INSERTED}'>{text}</span>")
    return "".join(parts)


class ReplyDiff(QWidget):
    """Round N of the reply against round N-1: why it came back, and what changed in result, basis and text.

    While a returned reply is being revised, the revision (not yet submitted) is compared with the
    round that came back. Hidden by its owner while there is nothing to compare (:meth:`has_rounds`).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._replies: list[dict[str, Any]] = []
        self._reviews: list[dict[str, Any]] = []
        self._names: Names | None = None
        self._draft: tuple[str, str, str] | None = None
        self.heading = QLabel(self.tr("修改对比"))
        self.heading.setStyleSheet("font-weight: bold;")
        self.pair = QComboBox()
        self.pair.setToolTip(self.tr("选择要对比的两轮答复"))
        self.pair.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.pair.currentIndexChanged.connect(self._render)
        self.stats = QLabel()
        self.stats.setStyleSheet("color: #546e7a;")
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.legend = QLabel(self.tr("红色删除线：上一轮有、本轮删去；绿色下划线：本轮新增"))
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #78909c;")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.pair)
        top.addStretch(1)
        top.addWidget(self.stats)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 4, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.legend)

    def has_rounds(self) -> bool:
        return len(self._rounds()) >= 2

    def set_replies(
        self,
        replies: list[dict[str, Any]],
        reviews: list[dict[str, Any]],
        names: Names,
        draft: tuple[str, str, str] | None = None,
    ) -> None:
        """Show the latest round against the one before; the choice of pair is kept across reloads.

        ``draft`` is the (text, result code, basis) being written for the next round: compared with
        the last submitted round, so the handler sees what the revision changes before submitting it.
        """
        self._replies = sorted(replies, key=lambda r: r.get("round") or 0)
        self._reviews, self._names, self._draft = reviews, names, draft
        self._refill()

    def set_draft(self, draft: tuple[str, str, str] | None) -> None:
        if draft != self._draft:
            self._draft = draft
            self._refill()

    def _rounds(self) -> list[dict[str, Any]]:
        if self._draft is None or not self._replies:
            return self._replies
        text, code, basis = self._draft
        return [*self._replies, {"round": None, "text": text, "result_code": code or None, "basis": basis}]

    def _refill(self) -> None:
        rounds = self._rounds()
        chosen = self.pair.currentData()
        self.pair.blockSignals(True)
        self.pair.clear()
        for index in range(len(rounds) - 1, 0, -1):
            new, old = rounds[index], rounds[index - 1]
            label = self.tr("第%1轮 对比 第%2轮") if new["round"] is not None else self.tr("修改中 对比 第%2轮")
            self.pair.addItem(label.replace("%1", str(new["round"])).replace("%2", str(old.get("round"))), index)
        found = self.pair.findData(chosen) if chosen is not None else -1
        self.pair.setCurrentIndex(max(0, found))
        self.pair.setEnabled(self.pair.count() > 1)
        self.pair.blockSignals(False)
        self._render()

    def _render(self) -> None:
        index = self.pair.currentData()
        if index is None or self._names is None:
            self.view.clear()
            self.stats.clear()
            return
        rounds = self._rounds()
        old, new = rounds[index - 1], rounds[index]
        names = self._names
        # Headings looked up outside the f-strings below: lupdate does not look inside them.
        returned, result_heading = self.tr("退回意见"), self.tr("办理结果")
        basis_heading, text_heading = self.tr("答复依据"), self.tr("答复内容")
        unchanged = self.tr("%1（未改）")
        parts = []
        for review in self._reviews:
            if review.get("round") != old.get("round") or review.get("decision") != "returned":
                continue
            who = f"{review_level_label(review.get('level', ''))} {names.user(review.get('reviewer_id'))}".strip()
            parts.append(
                f"<p style='color:#bf360c'><b>{html.escape(returned)}</b> "
                f"{html.escape(who)} {html.escape(local_time(review.get('at')))}<br>"
                f"{html.escape(review.get('comment') or '')}</p>"
            )
        before, after = result_label(old.get("result_code")), result_label(new.get("result_code"))
        if before == after:
            result = html.escape(unchanged.replace("%1", after))
        else:
            result = segments_html((Segment("delete", before), Segment("insert", after)))
        parts.append(f"<p><b>{html.escape(result_heading)}</b>　{result}</p>")
        basis_old, basis_new = old.get("basis") or "", new.get("basis") or ""
        if basis_old == basis_new:
            basis = html.escape(unchanged.replace("%1", basis_new or self.tr("无")))
        else:
            basis = segments_html(diff_text(basis_old, basis_new))
        parts.append(f"<p><b>{html.escape(basis_heading)}</b>　{basis}</p>")
        segments = diff_text(old.get("text") or "", new.get("text") or "")
        if new["round"] is None:
            byline = self.tr("正在修改，尚未提交")
        else:
            byline = f"{names.user(new.get('author_id'))} {local_time(new.get('at'))}".strip()
        parts.append(
            f"<p><b>{html.escape(text_heading)}</b>　<span style='color:#78909c'>{html.escape(byline)}</span></p>"
        )
        if all(s.kind == "equal" for s in segments):
            same = self.tr("答复内容未改")
            parts.append(f"<p style='color:#78909c'>{html.escape(same)}</p>")
        parts.append(f"<p>{segments_html(segments)}</p>")
        self.view.setHtml("".join(parts))
        inserted, deleted = counts(segments)
        self.stats.setText(self.tr("新增 %1 字，删去 %2 字").replace("%1", str(inserted)).replace("%2", str(deleted)))
        self.stats.setToolTip(self.tr("答复内容的字数变化（不计空白）"))
        self.stats.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
