"""Intake helpers: open orders that may be the request being taken (offered for 合并, not a duplicate).

Three ways an order is alike — the same caller (phone or callback number), the same address, or a
similar title — each found through an index: ``ix_orders_citizen_phone`` / ``ix_orders_callback_number``,
``ix_orders_address``, and for the text pg_trgm's GiST index (``ix_orders_title_trgm``) where
PostgreSQL has the extension. Without it (SQLite, or a PostgreSQL without pg_trgm) open orders
whose title contains one of a few of the text's trigrams are taken as candidates. Either way the
candidates are ranked here, by ``casework.text.similarity`` (pg_trgm's own measure), so both
backends rank alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, literal, or_, select, text, union_all
from sqlalchemy.orm import Session, lazyload

from casework import text as likeness
from casework.order import OPEN_STATES
from casework.roles import Actor
from server.models import Order
from server.orders.repository import scope

#: Titles at least this similar to the text are offered (pg_trgm's own default is 0.3; a title is
#: short against a caller's sentence, so lower — but not so low that one shared street name is
#: enough: "文汇路附近路灯不亮好几天了" is 0.29 from "文汇路路灯不亮", 0.16 from "文汇路积水严重").
TEXT_THRESHOLD = 0.2
#: Candidates read per kind before ranking: enough for a busy address or a frequent caller.
CANDIDATES = 200
#: The most similar titles the trigram index hands over (ranked by similarity there already).
TEXT_CANDIDATES = 50
#: Trigrams a LIKE fallback looks for (each one more OR'ed pattern).
FALLBACK_TRIGRAMS = 8

#: Weights of the reasons in the ranking: the same caller weighs most, then the place, then the text.
WEIGHTS = {"same_caller": 1.0, "same_address": 0.6, "same_category": 0.1}


@dataclass
class Match:
    order_id: int
    category_code: str
    reasons: list[str] = field(default_factory=list)
    text_similarity: float = 0.0
    order: Order | None = None  # loaded for the best only

    @property
    def score(self) -> float:
        return sum(WEIGHTS.get(r, 0.0) for r in self.reasons) + self.text_similarity


#: What ranking needs of a candidate: a narrow row, not the ORM object (most candidates are dropped).
_NARROW = (Order.id, Order.category_code, Order.title)


def _open(actor: Actor) -> list[ColumnElement[bool]]:
    return [scope(actor), Order.state.in_(sorted(s.value for s in OPEN_STATES))]


#: Whether each database (by URL) has the trigram index: asked once, not on every keystroke's query.
_TRIGRAM_INDEX: dict[str, bool] = {}


def has_trigram_index(session: Session) -> bool:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    key = bind.engine.url.render_as_string(hide_password=True) if hasattr(bind, "engine") else str(id(bind))
    found = _TRIGRAM_INDEX.get(key)
    if found is None:
        found = (
            session.execute(text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_orders_title_trgm'")).first()
            is not None
        )
        if found:  # a missing index may yet be made (a migration): asked again until then
            _TRIGRAM_INDEX[key] = found
    return found


def similar_orders(
    session: Session,
    actor: Actor,
    *,
    phone: str = "",
    address: str = "",
    words: str = "",
    category: str = "",
    limit: int = 10,
) -> list[Match]:
    """Open orders alike in caller, address or text, best first (at most ``limit``), each with its order."""
    found: dict[int, Match] = {}
    kinds: list[tuple[ColumnElement[bool], str]] = []
    if phone:
        kinds.append((or_(Order.citizen_phone == phone, Order.callback_number == phone), "same_caller"))
    if address:
        kinds.append((Order.address == address, "same_address"))
    if kinds:
        # The caller's and the place's candidates in one round trip (each through its own index).
        parts = [
            select(
                select(Order.id, Order.category_code, literal(reason).label("reason"))
                .where(*_open(actor), condition)
                .order_by(Order.id.desc())
                .limit(CANDIDATES)
                .subquery()
            )
            for condition, reason in kinds
        ]
        for order_id, code, reason in session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            found.setdefault(order_id, Match(order_id, code)).reasons.append(reason)
    if likeness.trigrams(words):
        for order_id, code, title in _text_candidates(session, actor, words):
            score = likeness.similarity(words, title)
            if score >= TEXT_THRESHOLD:
                match = found.setdefault(order_id, Match(order_id, code))
                match.reasons.append("similar_text")
                match.text_similarity = round(score, 4)
    for match in found.values():
        if category and match.category_code == category:
            match.reasons.append("same_category")
    best = sorted(found.values(), key=lambda m: (-m.score, -m.order_id))[:limit]
    # What a summary shows: the order's own columns (its co-handling departments are not asked for).
    chosen = select(Order).options(lazyload(Order.co_departments)).where(Order.id.in_([m.order_id for m in best]))
    orders = {o.id: o for o in session.scalars(chosen)}
    for match in best:
        match.order = orders[match.order_id]
    return best


def _text_candidates(session: Session, actor: Actor, words: str) -> list[tuple[int, str, str]]:
    if has_trigram_index(session):
        # The % operator is the one the GIN index serves; its threshold is per transaction.
        session.execute(text("SELECT set_config('pg_trgm.similarity_threshold', :t, true)"), {"t": str(TEXT_THRESHOLD)})
        query = (
            select(*_NARROW)
            .where(*_open(actor), Order.title.op("%")(words))
            .order_by(func.similarity(Order.title, words).desc(), Order.id.desc())
            .limit(TEXT_CANDIDATES)
        )
    else:
        grams = likeness.inner_trigrams(words, FALLBACK_TRIGRAMS)
        if not grams:
            return []
        patterns = [Order.title.contains(g, autoescape=True) for g in grams]
        query = select(*_NARROW).where(*_open(actor), or_(*patterns)).order_by(Order.id.desc()).limit(CANDIDATES)
    return [(i, c, t) for i, c, t in session.execute(query)]
