"""The desk's copy of the knowledge base (知识库): applying sync pages, and search from a citizen's words.

The entries are the server's ``KnowledgeEntry`` as JSON (published ones, and drafts of the user's own
department); the reply templates likewise. Nothing here is edited on the desk.

Search is SQLite FTS5 with the trigram tokenizer, as for the orders. A citizen does not type keywords
but a sentence ("我家楼下广场舞噪音太大，晚上十点还在跳"), so the sentence is cut into its trigrams
(casework's query terms of three characters, spread over the text) and an entry
matches when it shares any of them; bm25 ranks the matches (rare trigrams and the title and questions
weigh most) to take the best few dozen, and casework's :func:`~casework.knowledge.score` — the
server's ranking — orders those. Most Chinese words have two characters (噪音, 装修), which trigrams
cannot find: when the trigrams find too little, a second FTS5 index of the entries' character pairs
(title, questions, keywords) finds the rest. The matching parts come as character spans per field
(:func:`casework.knowledge.highlights`), for the desk to paint as plain text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Connection, delete, func, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casework.knowledge import highlights, query_terms, score
from casework.text import words
from offline.models import knowledge_entries, knowledge_templates

#: At most this many trigrams of a sentence are looked for (spread over it): a long complaint still
#: answers in milliseconds, and its first and last parts both count.
MAX_GRAMS = 32
#: Of those, the rarest this many in the index are asked for.
MAX_ASKED = 8
#: Matches taken from the index (best bm25 first) to be ranked by casework's score.
POOL = 40
#: bm25 weights of knowledge_fts's columns: title, questions, answer, keywords, basis.
WEIGHTS = (4.0, 4.0, 1.0, 3.0, 1.0)


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


def pairs(text_: str) -> list[str]:
    """The overlapping character pairs of ``text_``'s Chinese words (Latin words and numbers whole)."""
    found: list[str] = []
    for word in words(text_):
        if word.isascii():
            found.append(word)
        else:
            found.extend(word[i : i + 2] for i in range(max(1, len(word) - 1)))
    return found


def _pairs_of(entry: dict[str, Any]) -> str:
    fields = _fields(entry)
    return " ".join(pairs(" ".join((fields["title"], fields["questions"], fields["keywords"]))))


def is_expired(entry: dict[str, Any], today: date) -> bool:
    """已失效: marked expired, or its policy basis expired before ``today``."""
    if entry.get("status") == "expired":
        return True
    expires = (entry.get("basis") or {}).get("expires_on")
    return bool(expires) and str(expires) < today.isoformat()


# --- applying a sync page -------------------------------------------------------------------------


_COPIED = ("version", "status", "department_id", "expires_on", "json")


def apply_page(conn: Connection, page: dict[str, Any]) -> None:
    """Apply one ``KnowledgePage`` (as JSON) in the caller's transaction: entries replaced by the
    server's copy (and re-indexed), ``removed_entry_ids`` dropped, templates replaced. A ``reset`` page
    (the user's scope changed: another department) starts the copy again from what it brings."""
    if page.get("reset"):
        clear(conn)
    entries = page.get("entries") or []
    gone = [int(i) for i in page.get("removed_entry_ids") or []]
    touched = [int(e["id"]) for e in entries] + gone
    for start in range(0, len(touched), 500):
        chunk = ",".join(str(i) for i in touched[start : start + 500])  # ints only
        conn.execute(text(f"DELETE FROM knowledge_fts WHERE rowid IN ({chunk})"))
        conn.execute(text(f"DELETE FROM knowledge_pairs WHERE rowid IN ({chunk})"))
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
            }
            for e in entries
        ]
        upsert = sqlite_insert(knowledge_entries)
        conn.execute(
            upsert.on_conflict_do_update(
                index_elements=[knowledge_entries.c.id],
                set_={c: upsert.excluded[c] for c in ("version", "status", "department_id", "expires_on", "json")},
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
        conn.execute(
            text("INSERT INTO knowledge_pairs(rowid, pairs) VALUES (:id, :pairs)"),
            [{"id": int(e["id"]), "pairs": _pairs_of(e)} for e in entries],
        )
    dropped = [int(i) for i in page.get("removed_template_ids") or []]
    if dropped:
        conn.execute(delete(knowledge_templates).where(knowledge_templates.c.id.in_(dropped)))
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
    conn.execute(text("DELETE FROM knowledge_pairs"))


# --- reading ----------------------------------------------------------------------------------------


def entry(conn: Connection, entry_id: int) -> dict[str, Any] | None:
    found = conn.execute(select(knowledge_entries.c.json).where(knowledge_entries.c.id == entry_id)).scalar()
    return dict(found) if found is not None else None


def titles(conn: Connection, entry_ids: list[int]) -> dict[int, str]:
    """The titles of the entries among ``entry_ids`` this desk has (a draft's citations, shown before
    the server names them)."""
    title = func.json_extract(knowledge_entries.c.json, "$.title")
    found = conn.execute(select(knowledge_entries.c.id, title).where(knowledge_entries.c.id.in_(entry_ids)))
    return {entry_id: str(text_ or "") for entry_id, text_ in found}


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(knowledge_entries)).scalar_one())


def templates(conn: Connection) -> list[dict[str, Any]]:
    """The reply templates on this desk: the department's first, then the city-wide ones, by title."""
    rows = [dict(r.json) for r in conn.execute(select(knowledge_templates.c.json))]
    return sorted(rows, key=lambda t: (t.get("department_id") is None, str(t.get("title") or ""), t.get("id") or 0))


def index_terms(sentence: str) -> list[str]:
    """The three-character terms of a citizen's sentence that the trigram index is asked for (at most
    MAX_GRAMS, spread over the sentence): casework's query terms of that length."""
    grams = [t for t in query_terms(sentence, shortest=3, longest=3) if len(t) == 3]
    if len(grams) <= MAX_GRAMS:
        return grams
    step = len(grams) / MAX_GRAMS
    return [grams[int(i * step)] for i in range(MAX_GRAMS)]


def telling(conn: Connection, grams: list[str], vocab: str = "knowledge_vocab") -> list[str]:
    """Of ``grams``, those in the index, the rarest (most telling) MAX_ASKED of them: an entry is found by
    what sets it apart, and the index reads far fewer rows than for the sentence's every common part."""
    if not grams:
        return []
    marks = ",".join(f":g{i}" for i in range(len(grams)))
    rows = conn.execute(
        text(f"SELECT term, doc FROM {vocab} WHERE term IN ({marks})"), {f"g{i}": g for i, g in enumerate(grams)}
    ).all()
    counts: dict[str, int] = {str(r.term): int(r.doc) for r in rows}
    present = sorted((g for g in grams if counts.get(g)), key=lambda g: counts[g])
    return present[:MAX_ASKED]


PAIRS_VOCAB = "knowledge_pairs_vocab"


def _candidates(conn: Connection, table: str, rank: str, terms: list[str], pool: int) -> list[Any]:
    """The ``pool`` best entries holding any of ``terms`` in ``table`` (an FTS5 index), best first: the
    ids come from the index alone, and only those rows are read."""
    match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
    return list(
        conn.execute(
            text(
                f"SELECT e.json AS json FROM (SELECT rowid AS id, {rank} AS rank FROM {table} "
                f"WHERE {table} MATCH :match ORDER BY rank LIMIT :pool) AS best "
                "JOIN knowledge_entries AS e ON e.id = best.id ORDER BY best.rank"
            ).columns(json=JSON),
            {"match": match, "pool": pool},
        ).all()
    )


def search(conn: Connection, sentence: str, limit: int = 20) -> list[dict[str, Any]]:
    """The entries best matching ``sentence``, best first, as the contract's SearchHit in JSON values:
    ``{"entry", "score", "highlights"}`` with highlights ``[start, end, field]``.

    The trigram index finds the candidates (any of the sentence's rarest trigrams, best bm25 first, at
    most POOL), the pairs index more when those are few; casework's :func:`~casework.knowledge.score`
    ranks them, as the server does; the index's order breaks ties."""
    asked = index_terms(sentence)
    # Latin words and numbers (12333, a document number) are looked for whole: the trigram index finds them.
    latin = [w for w in words(sentence) if w.isascii() and len(w) >= 3]
    grams = telling(conn, asked) + latin[:MAX_ASKED]
    pool = max(POOL, 2 * limit)
    weights = ", ".join(str(w) for w in WEIGHTS)
    found = _candidates(conn, "knowledge_fts", f"bm25(knowledge_fts, {weights})", grams, pool) if grams else []
    if len(found) < pool:  # few or none: the sentence's two-character words (噪音, 装修) find the rest
        two = telling(conn, [t for t in query_terms(sentence, shortest=2, longest=2) if len(t) == 2], PAIRS_VOCAB)
        two += [w for w in words(sentence) if w.isascii() and len(w) >= 2]
        held = {row.json["id"] for row in found}
        more = _candidates(conn, "knowledge_pairs", "bm25(knowledge_pairs)", two[:MAX_ASKED], pool) if two else []
        found += [row for row in more if row.json["id"] not in held]
    hits = []
    for rank, row in enumerate(found):
        data = dict(row.json)
        questions = [str(q) for q in data.get("questions") or []]
        title, answer = str(data.get("title") or ""), str(data.get("answer") or "")
        keywords = [str(k) for k in data.get("keywords") or []]
        value = score(sentence, title, questions, keywords, answer)
        if value <= 0:
            continue
        hits.append((-value, rank, data))
    hits.sort(key=lambda h: (h[0], h[1]))
    return [
        {"entry": data, "score": -negative, "highlights": [list(h) for h in _marks(sentence, data)]}
        for negative, _rank, data in hits[:limit]
    ]


def _marks(sentence: str, data: dict[str, Any]) -> list[tuple[int, int, str]]:
    questions = [str(q) for q in data.get("questions") or []]
    return highlights(sentence, str(data.get("title") or ""), questions, str(data.get("answer") or ""))
