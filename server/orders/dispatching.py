"""The centre's dispatch (转办) helpers: whom to dispatch an order to, and several orders at once.

The suggestion weighs three things: the category's default department (the category, or the
nearest parent that names one — what an administrator configured), practice — which
department leads the category's latest dispatched orders (after any accepted 退单, so the
corrections count) — and how orders *like this one* were dispatched: the city's latest
``SIMILAR_WINDOW`` dispatched orders whose title is trigram-similar to this one's (``casework.text``,
at least ``SIMILAR_THRESHOLD``), whatever their category, each counted with its similarity as
weight. The most specific evidence wins: similar orders when one department holds
``SIMILAR_MAJORITY`` of their weight over at least ``SIMILAR_MINIMUM`` of them; else the category's
practice when one department leads most of its orders (``PRACTICE_MAJORITY`` of at least
``PRACTICE_MINIMUM``); else the configuration. ``DispatchSuggestion.basis`` says which.
The deadlines are computed exactly as the dispatch would (``casework.sla``, the calendar in force).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from casework import text as likeness
from casework.errors import CommandRefused
from casework.lifecycle import Command
from casework.schemas import (
    BatchDispatchItem,
    BatchDispatchResult,
    DeadlinePreview,
    DepartmentCandidate,
    DispatchBody,
    DispatchSuggestion,
    SuggestionBasis,
)
from casework.sla import Complexity, SlaRules, Urgency, order_deadlines
from server.calendar.repository import policy
from server.errors import ApiError, forbidden, invalid, not_found
from server.models import Category, Department, Order
from server.orders import repository, service, views

#: The latest dispatched orders (any category) searched for titles like the order's …
SIMILAR_WINDOW = 5000
#: … those at least this similar count (pg_trgm's default threshold) …
SIMILAR_THRESHOLD = 0.3
#: … the most similar of them at most …
SIMILAR_MOST = 50
#: … and they decide when one department holds this share of their weight, over at least this many.
SIMILAR_MAJORITY = 0.5
SIMILAR_MINIMUM = 3
#: Trigrams a window row must contain one of to be compared at all (a LIKE each: cheap on both backends).
SIMILAR_TRIGRAMS = 8

#: How many of the category's latest dispatched orders tell the practice.
HISTORY = 200
#: Practice overrides the configured department when one department leads this share of them …
PRACTICE_MAJORITY = 0.5
#: … and there are at least this many.
PRACTICE_MINIMUM = 5


def default_department(session: Session, category_code: str) -> Department | None:
    """The category's default department, or its nearest parent's."""
    seen: set[str] = set()
    code: str | None = category_code
    while code and code not in seen:
        seen.add(code)
        category = session.get(Category, code)
        if category is None:
            return None
        if category.department_code:
            return session.scalar(select(Department).where(Department.code == category.department_code))
        code = category.parent_code
    return None


def practice(session: Session, category_code: str, exclude_order_id: int) -> Counter[int]:
    """Lead departments of the category's latest dispatched orders (``ix_orders_category_id``)."""
    latest = (
        select(Order.lead_department_id)
        .where(
            Order.category_code == category_code,
            Order.lead_department_id.is_not(None),
            Order.id != exclude_order_id,
        )
        .order_by(Order.id.desc())
        .limit(HISTORY)
        .subquery()
    )
    rows = session.execute(select(latest.c.lead_department_id, func.count()).group_by(latest.c.lead_department_id))
    return Counter({department: n for department, n in rows})


@dataclass
class Alike:
    """How the orders like this one were dispatched: per lead department, how many and their weight."""

    counts: Counter[int] = field(default_factory=Counter)
    weights: dict[int, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.weights.values())


def similar_practice(session: Session, title: str, exclude_order_id: int) -> Alike:
    """Lead departments of the latest dispatched orders whose title is like ``title``, weighted by
    similarity (the ``SIMILAR_MOST`` most similar at most). Bounded work on any city: the window is
    the newest ``SIMILAR_WINDOW`` orders by id (the primary key, backwards), narrowed by a few of the
    title's trigrams with LIKE, then ranked here by ``casework.text.similarity``."""
    found = Alike()
    grams = likeness.inner_trigrams(title, SIMILAR_TRIGRAMS)
    if not grams:
        return found
    window = (
        select(Order.id, Order.title, Order.lead_department_id)
        .where(Order.lead_department_id.is_not(None), Order.id != exclude_order_id)
        .order_by(Order.id.desc())
        .limit(SIMILAR_WINDOW)
        .subquery()
    )
    query = select(window.c.title, window.c.lead_department_id).where(
        or_(*[window.c.title.contains(g, autoescape=True) for g in grams])
    )
    scored = []
    for other, lead in session.execute(query):
        score = likeness.similarity(title, other)
        if score >= SIMILAR_THRESHOLD:
            scored.append((score, lead))
    for score, lead in sorted(scored, reverse=True)[:SIMILAR_MOST]:
        found.counts[lead] += 1
        found.weights[lead] = round(found.weights.get(lead, 0.0) + score, 4)
    return found


def suggest(
    ctx: service.Context, order_id: int, complexity: Complexity | None, reply_days: int | None
) -> DispatchSuggestion:
    if not ctx.actor.is_centre:
        raise forbidden("只有热线中心可以派单", "Only the hotline centre dispatches")
    order = repository.visible(ctx.session, ctx.actor, order_id)
    if order is None:
        raise not_found("工单", "order")
    configured = default_department(ctx.session, order.category_code)
    counts = practice(ctx.session, order.category_code, order.id)
    alike = similar_practice(ctx.session, order.title, order.id)
    by_weight = sorted(alike.weights, key=lambda d: -alike.weights[d])
    ids = [*([configured.id] if configured else []), *(d for d, _ in counts.most_common()), *by_weight]
    departments = {
        d.id: d
        for d in ctx.session.scalars(select(Department).where(Department.id.in_(ids), Department.kind == "department"))
    }
    candidates = [
        DepartmentCandidate(
            department_id=d,
            code=departments[d].code,
            name=departments[d].name,
            category_default=configured is not None and d == configured.id,
            dispatched_before=counts.get(d, 0),
            similar_before=alike.counts.get(d, 0),
            similar_weight=alike.weights.get(d, 0.0),
        )
        for d in dict.fromkeys(ids)
        if d in departments
    ]
    history = sum(counts.values())
    lead = configured.id if configured and configured.id in departments else None
    basis: SuggestionBasis = "category_default" if lead is not None else "none"
    by_practice = sorted(candidates, key=lambda c: (-c.dispatched_before, not c.category_default, c.code))
    if by_practice and history >= PRACTICE_MINIMUM:
        top = by_practice[0]
        if top.dispatched_before / history >= PRACTICE_MAJORITY:
            lead, basis = top.department_id, "practice"
    similar_count = sum(alike.counts.values())
    if similar_count >= SIMILAR_MINIMUM and alike.total > 0:
        top_alike = max(candidates, key=lambda c: (c.similar_weight, c.similar_before), default=None)
        if top_alike is not None and top_alike.similar_weight / alike.total >= SIMILAR_MAJORITY:
            lead, basis = top_alike.department_id, "similar"
    # The suggestion first, then by the weight of the evidence: similar orders, the category's practice.
    candidates.sort(
        key=lambda c: (c.department_id != lead, -c.similar_weight, -c.dispatched_before, not c.category_default, c.code)
    )
    chosen = Complexity(complexity or order.complexity)
    if reply_days is not None and chosen is not Complexity.COMPLEX:
        raise invalid("reply_days_for_complex", "只有复杂件可以指定办理时限", "Only complex orders take reply_days")
    rules = SlaRules()
    clocks = order_deadlines(
        ctx.now, chosen, Urgency(order.urgency), policy(ctx.session, ctx.settings), rules, reply_days=reply_days
    )
    days = rules.simple_reply_days if chosen is Complexity.SIMPLE else reply_days or rules.complex_reply_days
    return DispatchSuggestion(
        order_id=order.id,
        category_code=order.category_code,
        lead_department_id=lead,
        basis=basis,
        candidates=candidates,
        history_size=history,
        similar_size=similar_count,
        complexity=chosen,
        reply_days=days,
        deadlines=DeadlinePreview(
            sign_by=clocks.sign_by.due,
            onsite_by=clocks.onsite_by.due if clocks.onsite_by else None,
            reply_by=clocks.reply_by.due,
            provisional=clocks.sign_by.provisional or clocks.reply_by.provisional,
            calendar_version=clocks.reply_by.calendar_version,
        ),
    )


def dispatch_many(ctx: service.Context, items: list[BatchDispatchItem]) -> list[BatchDispatchResult]:
    """Dispatch each order on its own (a savepoint each): one stale or wrongly chosen order is
    refused with its reason and the others go out — an agent who selected twenty orders should not
    lose nineteen dispatches to one that a colleague dispatched a moment before. Each dispatch is
    the single dispatch's command, audited as one.

    The batch's orders are locked first, all of them in id order, before any audit record is
    appended: every writer takes the orders' locks before the audit head's, and in one order, so
    two batches (or a batch and a desk's push) cannot deadlock."""
    if len({item.order_id for item in items}) != len(items):
        raise invalid("duplicate_order", "同一工单在批量派单中出现了多次", "An order appears twice in the batch")
    ids = sorted(item.order_id for item in items)
    ctx.session.execute(
        select(Order.id).where(Order.id.in_(ids), repository.scope(ctx.actor)).order_by(Order.id).with_for_update()
    ).all()
    results: dict[int, BatchDispatchResult] = {}
    for item in sorted(items, key=lambda i: i.order_id):
        body = DispatchBody.model_validate(item.model_dump(exclude={"order_id"}))
        savepoint = ctx.session.begin_nested()
        try:
            order = service.execute(ctx, item.order_id, Command.DISPATCH, body)
        except CommandRefused as exc:
            savepoint.rollback()
            results[item.order_id] = _refused(item.order_id, exc.code, exc.message_zh, exc.message_en)
        except ApiError as exc:
            savepoint.rollback()
            results[item.order_id] = _refused(item.order_id, exc.code, exc.zh, exc.en)
        else:
            savepoint.commit()
            results[item.order_id] = BatchDispatchResult(
                order_id=item.order_id, status="dispatched", order=views.summary(order)
            )
    return [results[item.order_id] for item in items]


def _refused(order_id: int, code: str, zh: str, en: str) -> BatchDispatchResult:
    return BatchDispatchResult(order_id=order_id, status="refused", code=code, message_zh=zh, message_en=en)
