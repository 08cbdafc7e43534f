"""The desk's copy of the knowledge base (知识库): applying sync pages, and search from a citizen's words.

The entries are the server's ``KnowledgeEntry`` as JSON (published ones, and drafts of the user's own
department); the reply templates likewise. Nothing here is edited on the desk.

Search is SQLite FTS5 with the trigram tokenizer, as for the orders. A citizen does not type keywords
but a sentence ("我家楼下广场舞噪音太大，晚上十点还在跳"), so the sentence is cut into its trigrams
(three characters of a word, spread over the text: :func:`casework.text.inner_trigrams`) and an entry
matches when it shares any of them; bm25 ranks the matches (rare trigrams and the title and questions
weigh most), so the entry sharing the most telling parts of the sentence comes first. A sentence with
no run of three characters (two-character words: 噪音 社保) falls back to LIKE over one column.
The matching parts are returned as character spans per field, for the desk to paint as plain text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casework.text import inner_trigrams, occurrences, words
from offline.models import knowledge_entries, knowledge_templates

#: At most this many trigrams of a sentence are looked for (spread over it): a long complaint still
#: answers in milliseconds, and its first and last parts both count.
MAX_GRAMS = 32
#: Matches taken from the index before ranking them with the short words and the expiry.
POOL = 200
#: bm25 weights of knowledge_fts's columns: title, questions, answer, keywords, basis.
WEIGHTS = (4.0, 4.0, 1.0, 3.0, 1.0)
#: An entry whose policy basis has lapsed still shows, below a valid one that matches as well.
EXPIRED_FACTOR = 0.6

#: The fields whose matching parts are marked: the contract's names (casework.knowledge.SearchHit).
HIGHLIGHT_FIELDS = ("title", "questions", "answer")


def questions_text(entry: dict[str, Any]) -> str:
    """The entry's questions as one text, one per line (the "questions" field of a highlight)."""
    return "\n".join(str(q) for q in entry.get("questions") or [])


def basis_text(entry: dict[str, Any]) -> str:
    basis = entry.get("basis") or {}
    return " ".join(str(basis.get(k) or "") for k in ("document", "number", "article", "issuer")).strip()


def _fields(entry: dict[str, Any]) -> dict[str, str]:
    return {
        "title": str(entry.get("title") or ""),
        "questions": questions_text(entry),
        "answer": str(entry.get("answer") or ""),
        "keywords": " ".join(str(k) for k in entry.get("keywords") or []),
        "basis": basis_text(entry),
    }


def is_expired(entry: dict[str, Any], today: date) -> bool:
    """已失效: marked expired, or its policy basis expired before ``today``."""
    if entry.get("status") == "expired":
        return True
    expires = (entry.get("basis") or {}).get("expires_on")
    return bool(expires) and str(expires) < today.isoformat()


# --- applying a sync page -------------------------------------------------------------------------


_COPIED = ("version", "status", "department_id", "expires_on", "json", "search_text")


def apply_page(conn: Connection, page: dict[str, Any]) -> None:
    """Apply one ``KnowledgePage`` (as JSON) in the caller's transaction: entries replaced by the
    server's copy (and re-indexed), ``removed_entry_ids`` dropped, templates replaced."""
    entries = page.get("entries") or []
    gone = [int(i) for i in page.get("removed_entry_ids") or []]
    touched = [int(e["id"]) for e in entries] + gone
    for start in range(0, len(touched), 500):
        chunk = ",".join(str(i) for i in touched[start : start + 500])  # ints only
        conn.execute(text(f"DELETE FROM knowledge_fts WHERE rowid IN ({chunk})"))
    if gone:
        conn.execute(delete(knowledge_entries).where(knowledge_entries.c.id.in_(gone)))
    if entries:
        rows = [
            {
                "id": int(e["id"]),
                "version": int(e.get("version") or 0),
                "status": str(e.get("status") or ""),
                "department_id": e.get("department_id"),
                "expires_on": (e.get("basis") or {}).get("expires_on"),
                "json": e,
                "search_text": " ".join(_fields(e).values()),
            }
            for e in entries
        ]
        upsert = sqlite_insert(knowledge_entries)
        conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[knowledge_entries.c.id],
                set_={
                    c: upsert.excluded[c]
                    for c in ("version", "status", "department_id", "expires_on", "json", "search_text")
                },
            ),
            rows,
        )
        conn.execute(
            text(
                "INSERT INTO knowledge_fts(rowid, title, questions, answer, keywords, basis) "
                "VALUES (:id, :title, :questions, :answer, :keywords, :basis)"
            ),
            [{"id": int(e["id"]), **_fields(e)} for e in entries],
        )
    templates = page.get("templates") or []
    if templates:
        upsert = sqlite_insert(knowledge_templates)
        conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[knowledge_templates.c.id],
                set_={"department_id": upsert.excluded.department_id, "json": upsert.excluded.json},
            ),
            [{"id": int(t["id"]), "department_id": t.get("department_id"), "json": t} for t in templates],
        )


def clear(conn: Connection) -> None:
    """Forget the whole copy (the next sync downloads it again)."""
    conn.execute(delete(knowledge_entries))
    conn.execute(delete(knowledge_templates))
    conn.execute(text("DELETE FROM knowledge_fts"))


# --- reading ----------------------------------------------------------------------------------------


def entry(conn: Connection, entry_id: int) -> dict[str, Any] | None:
    found = conn.execute(select(knowledge_entries.c.json).where(knowledge_entries.c.id == entry_id)).scalar()
    return dict(found) if found is not None else None


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(knowledge_entries)).scalar_one())


def templates(conn: Connection) -> list[dict[str, Any]]:
    """The reply templates on this desk: the department's first, then the city-wide ones, by title."""
    rows = [dict(r.json) for r in conn.execute(select(knowledge_templates.c.json))]
    return sorted(rows, key=lambda t: (t.get("department_id") is None, str(t.get("title") or ""), t.get("id") or 0))


def search_terms(sentence: str) -> tuple[list[str], list[str]]:
    """(the trigrams looked for in the index, the shorter words) of a citizen's sentence."""
    return inner_trigrams(sentence, MAX_GRAMS), [w for w in words(sentence) if len(w) < 3]


def search(conn: Connection, sentence: str, limit: int = 20, today: date | None = None) -> list[dict[str, Any]]:
    """The entries best matching ``sentence``, best first: ``{"entry", "score", "highlights"}`` with
    highlights as ``(start, end, field)`` spans (the contract's SearchHit, as JSON values)."""
    grams, short = search_terms(sentence)
    if not grams and not short:
        return []
    today = today or date.today()
    if grams:
        match = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
        weights = ", ".join(str(w) for w in WEIGHTS)
        found = conn.execute(
            text(
                f"SELECT e.json AS json, -bm25(knowledge_fts, {weights}) AS score, e.search_text AS search_text "
                "FROM knowledge_fts JOIN knowledge_entries AS e ON e.id = knowledge_fts.rowid "
                "WHERE knowledge_fts MATCH :match ORDER BY bm25(knowledge_fts, " + weights + ") LIMIT :pool"
            ),
            {"match": match, "pool": max(POOL, limit)},
        ).all()
        scored = [(float(r.score) * (1 + 0.25 * _short_hits(r.search_text, short)), r.json) for r in found]
    else:
        like = [knowledge_entries.c.search_text.like(_like(w), escape="\\") for w in short]
        found = conn.execute(
            select(knowledge_entries.c.json, knowledge_entries.c.search_text).where(*like).limit(POOL)
        ).all()
        scored = [(float(len(short)), r.json) for r in found]
    hits = []
    for score, data in scored:
        data = dict(data)
        if is_expired(data, today):
            score *= EXPIRED_FACTOR
        hits.append({"entry": data, "score": round(score, 4), "highlights": highlights(data, grams + short)})
    hits.sort(key=lambda h: (-h["score"], h["entry"]["id"]))
    return hits[:limit]


def _short_hits(search_text: str, short: list[str]) -> int:
    folded = search_text.casefold()
    return sum(1 for w in short if w in folded)


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def highlights(entry_: dict[str, Any], terms: list[str]) -> list[tuple[int, int, str]]:
    """The matching parts of the entry's title, questions (one per line) and answer."""
    fields = _fields(entry_)
    return [(s, e, name) for name in HIGHLIGHT_FIELDS for s, e in occurrences(fields[name], terms)]
