"""The knowledge base (知识库): its wire schemas and the pure rules both sides share.

Entries answer what citizens ask (several phrasings of the question, the standard answer, the
policy it rests on); reply templates are the phrases a department's reply starts from, with
placeholders filled from the order. The server stores, versions, audits, searches and syncs them
(``server/knowledge``); the desk keeps a synced copy for offline search. Both highlight a search's
matches with :func:`highlights` and fill templates with :func:`render_template`, so the desk and
the server show the same thing.

Pure Python: no Qt, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from casework.schemas import MAX_CITED_ENTRIES, Day, Id, Input, RequiredShort, RequiredText, Short, Version, Wire
from casework.text import words

__all__ = [
    "HIGHLIGHT_FIELDS",
    "MAX_CITED",
    "PLACEHOLDERS",
    "EntryAction",
    "EntryDraft",
    "EntryEdit",
    "EntryStatus",
    "EntryTransition",
    "EntryVersion",
    "ImportProblem",
    "ImportReport",
    "KnowledgeEntry",
    "KnowledgePage",
    "PolicyBasis",
    "ReplyTemplate",
    "SearchHit",
    "TemplateDraft",
    "TemplateEdit",
    "UsageReport",
    "UsageRow",
    "address_of",
    "highlights",
    "query_terms",
    "render_template",
    "score",
    "search_text",
]

#: The most knowledge entries one reply (or 直接办结) may cite.
MAX_CITED = MAX_CITED_ENTRIES

#: The placeholders a reply template may hold, and what each stands for.
PLACEHOLDERS: dict[str, str] = {
    "{工单编号}": "the order's number",
    "{称呼}": "the citizen's form of address (王先生/女士, or 市民)",
    "{受理日期}": "the day the order was received",
    "{答复期限}": "the reply deadline",
    "{今天}": "today",
}

#: The fields a search hit's highlights may name.
HIGHLIGHT_FIELDS = ("title", "questions", "answer")
HighlightField = Literal["title", "questions", "answer"]

Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class EntryStatus(StrEnum):
    """Where an entry stands: a department's proposal, published by the centre, or no longer valid."""

    DRAFT = "draft"  # 草稿
    PUBLISHED = "published"  # 已发布
    EXPIRED = "expired"  # 已失效


class EntryAction(StrEnum):
    """What made a version of an entry."""

    CREATE = "create"
    EDIT = "edit"
    PUBLISH = "publish"
    EXPIRE = "expire"
    IMPORT = "import"


class PolicyBasis(Input):
    """The policy an answer rests on: 文件名称, 文号, 条款, 发文机关, and when it is in force."""

    document: Short = ""
    number: Short = ""
    article: Short = ""
    issuer: Short = ""
    effective_from: Day | None = None
    expires_on: Day | None = None

    def citation(self) -> str:
        """The basis as a reply cites it: 《文件》（文号）第…条, 发文机关 — empty parts left out."""
        parts = []
        if self.document:
            parts.append(f"《{self.document.strip('《》')}》")
        if self.number:
            parts.append(f"（{self.number}）")
        if self.article:
            parts.append(self.article)
        text = "".join(parts)
        if self.issuer:
            text = f"{self.issuer}{text}" if text else self.issuer
        return text


class EntryDraft(Input):
    """``POST /knowledge/entries``: every editable field of an entry (it starts as a draft).

    ``department_id`` is the owning department; None makes it the centre's. Department staff may
    only write their own department's entries.
    """

    title: RequiredShort
    questions: list[Question] = Field(default_factory=list, max_length=20)
    answer: RequiredText
    basis: PolicyBasis = Field(default_factory=PolicyBasis)
    category_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    department_id: Id | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=30)


class EntryEdit(EntryDraft):
    """``PUT /knowledge/entries/{id}``: the whole entry again, based on ``version`` (409 if stale)."""

    version: Version


class EntryTransition(Input):
    """``POST /knowledge/entries/{id}/publish`` or ``/expire``: optionally the version it is based on."""

    version: Version | None = None


class KnowledgeEntry(Wire):
    id: Id
    title: str
    questions: list[str]
    answer: str
    basis: PolicyBasis
    category_code: str | None
    department_id: Id | None
    keywords: list[str]
    status: EntryStatus
    version: int
    author_id: Id | None
    reviewer_id: Id | None
    updated_at: datetime


class EntryVersion(Wire):
    """One stored version of an entry: what it said then, who made it and how."""

    entry_id: Id
    version: int
    action: EntryAction
    title: str
    questions: list[str]
    answer: str
    basis: PolicyBasis
    category_code: str | None
    department_id: Id | None
    keywords: list[str]
    status: EntryStatus
    editor_id: Id | None
    at: datetime


class TemplateDraft(Input):
    """``POST /knowledge/templates``: a reply template; ``department_id`` None = city-wide."""

    department_id: Id | None = None
    title: RequiredShort
    body: RequiredText


class TemplateEdit(Input):
    """``PUT /knowledge/templates/{id}``: new title and body, based on ``version`` (409 if stale)."""

    title: RequiredShort
    body: RequiredText
    version: Version


class ReplyTemplate(Wire):
    id: Id
    department_id: Id | None
    title: str
    body: str
    version: int
    updated_at: datetime


class KnowledgePage(Wire):
    """``GET /knowledge/sync``: what changed for this user since ``cursor``.

    ``entries``: published entries and the user's own department's drafts; ``removed_entry_ids``:
    entries that left the user's view (expired, or a draft that is no longer theirs to see);
    ``templates``: every template the user may use that changed, ``removed_template_ids`` those
    withdrawn. Pass ``cursor`` back until ``more`` is false.
    """

    entries: list[KnowledgeEntry]
    templates: list[ReplyTemplate]
    removed_entry_ids: list[Id]
    removed_template_ids: list[Id] = Field(default_factory=list)
    cursor: str
    more: bool
    reset: bool = False  # the cursor no longer applies (the user's scope changed): drop what is held first


class SearchHit(Wire):
    """One entry a search found, its score (higher is better) and the (start, end, field) spans to paint."""

    entry: KnowledgeEntry
    score: float
    highlights: list[tuple[int, int, str]]


class UsageRow(Wire):
    entry_id: Id
    title: str
    status: EntryStatus
    expires_on: date | None
    uses: int
    last_used_at: datetime | None


class UsageReport(Wire):
    """``GET /knowledge/usage?month=``: how often each entry was cited, and the expired ones still cited."""

    month: str
    entries: list[UsageRow]
    expired_cited: list[UsageRow]


class ImportProblem(Wire):
    """A spreadsheet row that cannot be imported: its row number (as the spreadsheet shows it) and why."""

    row: int
    column: str
    message_zh: str
    message_en: str


class ImportReport(Wire):
    created: int
    updated: int


# --- pure rules --------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{[^{}\s]{1,10}\}")


def render_template(body: str, values: Mapping[str, str]) -> str:
    """``body`` with each known placeholder (``{称呼}``, or ``称呼`` as key) replaced by its value.

    Unknown placeholders stay as typed; values are inserted as plain text (never re-read as
    placeholders, so a citizen's name containing ``{今天}`` stays that name).
    """
    lookup = {(k if k.startswith("{") else "{" + k + "}"): v for k, v in values.items()}
    return _PLACEHOLDER.sub(lambda m: lookup.get(m.group(0), m.group(0)), body)


def address_of(caller_name: str | None, confidential: bool) -> str:
    """How a reply addresses the citizen: 王先生/女士 from the caller's name, 市民 when confidential or unknown.

    A name already with its title (王先生, 李女士) keeps it; a full name gives its surname (one
    character, or a known compound surname such as 欧阳).
    """
    name = (caller_name or "").strip()
    if confidential or not name or name in {"匿名", "市民", "未知", "不详"}:
        return "市民"
    for title in ("先生", "女士", "小姐", "阿姨", "师傅", "大爷", "同志"):
        if name.endswith(title) and len(name) > len(title):
            return name
    if not all("\u4e00" <= ch <= "\u9fff" for ch in name):
        return "市民"
    surname = name[:2] if len(name) >= 3 and name[:2] in _COMPOUND_SURNAMES else name[0]
    return f"{surname}先生/女士"


_COMPOUND_SURNAMES = frozenset(
    {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯"}
)

#: Characters that carry no meaning of their own in a citizen's sentence: a term made only of
#: them (or starting/ending with a particle) is no evidence.
_FILLER = frozenset("的了吗呢吧啊呀是我你他她们在有和与或就都也还要想请问这那个些么怎样如何什么哪里能否可以一下")


def query_terms(sentence: str, *, shortest: int = 2, longest: int = 4) -> list[str]:
    """The terms a citizen's sentence is searched by: its words' character n-grams (2…4 characters
    for Chinese, whole words for Latin letters and digits), lower-cased, without filler-only terms,
    longest first. Pure; the server's search and highlighting and the desk's search share them.
    """
    terms: dict[str, None] = {}
    for word in words(sentence):
        if word.isascii():
            if len(word) >= 2:
                terms[word] = None
            continue
        for size in range(longest, shortest - 1, -1):
            for i in range(len(word) - size + 1):
                gram = word[i : i + size]
                if gram[0] in _FILLER or gram[-1] in _FILLER:
                    continue
                terms[gram] = None
    return sorted(terms, key=lambda t: -len(t))


def search_text(title: str, questions: Iterable[str], keywords: Iterable[str], answer: str) -> str:
    """The one text an entry is searched in (the trigram index's column): lower-cased, fields on lines."""
    return "\n".join([title, *questions, " ".join(keywords), answer]).lower()


def _spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    lowered = text.lower()
    found: list[tuple[int, int]] = []
    for term in terms:
        start = lowered.find(term)
        while start >= 0:
            found.append((start, start + len(term)))
            start = lowered.find(term, start + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlights(
    sentence: str, title: str, questions: Iterable[str], answer: str, terms: list[str] | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, field) character spans of ``sentence``'s terms in an entry, overlapping ones merged.

    ``questions`` are taken as one text, joined by newlines (as the desk shows them), so a span's
    offsets in field "questions" count in ``"\\n".join(questions)``. A UI paints these spans as plain
    text; nothing here is markup.
    """
    terms = query_terms(sentence) if terms is None else terms
    result: list[tuple[int, int, str]] = []
    for field_name, text in (("title", title), ("questions", "\n".join(questions)), ("answer", answer)):
        result.extend((start, end, field_name) for start, end in _spans(text, terms))
    return result


def score(
    sentence: str,
    title: str,
    questions: Iterable[str],
    keywords: Iterable[str],
    answer: str,
    terms: list[str] | None = None,
) -> float:
    """How well an entry answers a citizen's sentence (0 … about 1; higher is better).

    The share of the sentence's terms found, longer terms weighing more (a 4-character match says
    more than two 2-character ones), title and questions weighing most, then keywords, then the
    answer. Pure; both the server and the desk rank by it. ``terms``: :func:`query_terms` of the
    sentence, when the caller scores many entries against one sentence.
    """
    terms = query_terms(sentence) if terms is None else terms
    if not terms:
        return 0.0
    fields = (
        (title.lower(), 1.0),
        ("\n".join(questions).lower(), 1.0),
        (" ".join(keywords).lower(), 0.8),
        (answer.lower(), 0.4),
    )
    total = 0.0
    possible = 0.0
    for term in terms:
        weight = len(term) - 1
        possible += weight
        total += weight * max((w for text, w in fields if term in text), default=0.0)
    return round(total / possible, 4) if possible else 0.0
