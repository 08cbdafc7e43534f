"""Finding entries from a citizen's sentence: candidates through indexes, ranked here.

The sentence's terms (``casework.knowledge.query_terms``: its 2…4-character n-grams, filler
left out) find candidates two ways, each through an index:

- its three-character terms in ``search_text`` (title, questions, keywords, answer): on
  PostgreSQL ``LIKE '%…%'`` served by the pg_trgm GIN index ``ix_knowledge_entries_search_trgm``
  (ranked there by how many of the terms an entry holds); on SQLite the FTS5 trigram table
  ``knowledge_fts`` (ranked by bm25); without either, the same LIKE without an index;
- every substring of the sentence that is one of an entry's keywords (``knowledge_keywords``, a
  B-tree look-up), so "路灯" in "我家楼下的路灯坏了" finds the entries keyed 路灯.

The candidates are ranked by ``casework.knowledge.score`` (the desk ranks its own copy the same
way) and each hit carries the (start, end, field) spans of the sentence's terms.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, case, func, literal, or_, select, text
from sqlalchemy.orm import Session

from casework import knowledge
from casework.knowledge import EntryStatus, SearchHit
from casework.roles import Actor
from casework.text import words
from server.knowledge import repository
from server.models import KeywordRow, KnowledgeEntryRow

#: Candidates each way finds before ranking.
CANDIDATES = 100
#: Three-character terms a query looks for at most (each one more OR'ed pattern).
MAX_GRAMS = 16
#: Rows holding one of the terms that the trigram step ranks at most (PostgreSQL).
SCANNED = 200
#: The longest keyword looked up among a sentence's substrings.
LONGEST_KEYWORD = 8

_NARROW = (
    KnowledgeEntryRow.id,
    KnowledgeEntryRow.title,
    KnowledgeEntryRow.questions,
    KnowledgeEntryRow.keywords,
    KnowledgeEntryRow.answer,
)


def _statuses(include_drafts: bool) -> ColumnElement[bool]:
    wanted = [EntryStatus.PUBLISHED.value, *([EntryStatus.DRAFT.value] if include_drafts else [])]
    return KnowledgeEntryRow.status.in_(wanted)


def _grams(terms: list[str]) -> list[str]:
    grams = [t for t in terms if len(t) == 3 or (t.isascii() and len(t) >= 3)]
    return grams[:MAX_GRAMS]


def _keyword_candidates(session: Session, sentence: str) -> list[int]:
    """Entries one of whose keywords is a substring of the sentence, most keyword characters first
    (visibility is checked with the other candidates)."""
    pieces: set[str] = set()
    for word in words(sentence):
        if word.isascii():
            pieces.add(word[:30])
            continue
        for size in range(2, min(LONGEST_KEYWORD, len(word)) + 1):
            pieces.update(word[i : i + size] for i in range(len(word) - size + 1))
    if not pieces:
        return []
    weight = func.sum(func.length(KeywordRow.keyword))
    query = (
        select(KeywordRow.entry_id)
        .where(KeywordRow.keyword.in_(sorted(pieces)))
        .group_by(KeywordRow.entry_id)
        .order_by(weight.desc(), KeywordRow.entry_id.desc())
        .limit(CANDIDATES)
    )
    return list(session.scalars(query))


def _has_fts(session: Session) -> bool:
    """SQLite with the FTS5 trigram table (0009 makes it where SQLite has FTS5's trigram tokenizer)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    found = session.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'knowledge_fts'"))
    return found.first() is not None


def _text_candidates(session: Session, grams: list[str], where: list[ColumnElement[bool]]) -> list[int]:
    if not grams:
        return []
    if _has_fts(session):
        match = " OR ".join(f'"{g}"' for g in grams)  # words(): letters and digits only, no quotes
        rows = session.execute(
            text("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH :match ORDER BY rank LIMIT :n"),
            {"match": match, "n": CANDIDATES * 4},
        ).all()
        ids = [r[0] for r in rows]
        if not ids:
            return []
        visible = set(session.scalars(select(KnowledgeEntryRow.id).where(KnowledgeEntryRow.id.in_(ids), *where)))
        return [i for i in ids if i in visible][:CANDIDATES]
    # The rows holding any of the grams (the GIN index's bitmap), at most SCANNED of them, ranked by
    # how many of the grams each holds: a common gram cannot make the ranking read the whole table.
    matching = (
        select(KnowledgeEntryRow.id, KnowledgeEntryRow.search_text)
        .where(or_(*(KnowledgeEntryRow.search_text.contains(g, autoescape=True) for g in grams)), *where)
        .limit(SCANNED)
        .subquery()
    )
    hits = sum(
        (case((matching.c.search_text.contains(g, autoescape=True), 1), else_=0) for g in grams),
        start=literal(0, Integer),
    )
    query = select(matching.c.id).order_by(hits.desc(), matching.c.id.desc()).limit(CANDIDATES)
    return list(session.scalars(query))


def search(
    session: Session, actor: Actor, sentence: str, limit: int = 20, include_drafts: bool = False
) -> list[SearchHit]:
    """The entries that best answer ``sentence``, best first: published ones (and, asked for, the
    drafts the actor sees), each with its score and highlight spans."""
    terms = knowledge.query_terms(sentence)
    if not terms:
        return []
    where = [repository.entry_scope(actor), _statuses(include_drafts)]
    candidates = dict.fromkeys(_keyword_candidates(session, sentence))
    candidates.update(dict.fromkeys(_text_candidates(session, _grams(terms), where)))
    if not candidates:
        return []
    scored: list[tuple[float, int]] = []
    for entry_id, title, questions, keywords, answer in session.execute(
        select(*_NARROW).where(KnowledgeEntryRow.id.in_(list(candidates)), *where)
    ):
        value = knowledge.score(sentence, title, questions, keywords, answer, terms=terms)
        if value > 0:
            scored.append((value, entry_id))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    best = scored[:limit]
    rows = {
        r.id: r
        for r in session.scalars(select(KnowledgeEntryRow).where(KnowledgeEntryRow.id.in_([i for _, i in best])))
    }
    hits = []
    for value, entry_id in best:
        row = rows[entry_id]
        spans = knowledge.highlights(sentence, row.title, row.questions, row.answer, terms=terms)
        hits.append(SearchHit(entry=repository.entry_out(row), score=value, highlights=spans))
    return hits
