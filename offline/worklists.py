"""The desk's work lists (``casework.worklists.WorkList``) and filters, as conditions on the local orders table.

Each list is judged on the copy the user sees (pending edits included), with the user's own
permissions as casework computed them (the ``actions`` column), so a list never offers an order
the user can do nothing with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select

from casework.order import OPEN_STATES
from casework.roles import Actor, Role
from casework.worklists import WorkList
from offline import search
from offline.models import IN_FLIGHT, drafts, notifications, orders, outbox, seen

DUE_SOON_WINDOW = timedelta(hours=24)


def _can(command: str) -> ColumnElement[bool]:
    return orders.c.actions.like(f"%,{command},%")


def _open() -> ColumnElement[bool]:
    return orders.c.state.in_([s.value for s in OPEN_STATES])


#: Notification kinds that put an order in the 预警 list (casework.notifications.NotificationKind).
WARNING_KINDS = ("deadline_warning", "overdue")


#: Notification kinds that put an order in the 督办 list.
SUPERVISION_KINDS = ("supervise", "remind", "supervision_feedback")


def _told(kinds: tuple[str, ...]) -> ColumnElement[bool]:
    """The server told this user of these kinds about the order (an indexed look-up, not the JSON)."""
    return orders.c.id.in_(select(notifications.c.order_id).where(notifications.c.kind.in_(kinds)))


def _warned() -> ColumnElement[bool]:
    """The server warned this user of the deadline the order has now (an on-site warning: while open)."""
    return orders.c.id.in_(
        select(notifications.c.order_id).where(
            notifications.c.kind.in_(WARNING_KINDS),
            or_(notifications.c.due_at == orders.c.due_at, notifications.c.json["deadline"].as_string() == "onsite"),
        )
    )


def condition(work_list: WorkList, actor: Actor, now: datetime) -> ColumnElement[bool]:
    """The SQL condition of ``work_list`` for ``actor`` at ``now``."""
    stamp, soon = search.utc_text(now), search.utc_text(now + DUE_SOON_WINDOW)
    if actor.role in (Role.SECTION_CHIEF, Role.DEPARTMENT_HEAD):
        # A chief or head answers for the department's orders in hand, whoever handles them.
        mine = orders.c.lead_department_id == actor.department_id
    else:
        mine = or_(orders.c.handler_id == actor.user_id, and_(orders.c.handler_id.is_(None), _can("save_draft")))
    match work_list:
        case WorkList.TO_SIGN:
            return and_(orders.c.state == "dispatched", _can("sign"))
        case WorkList.MINE:
            return and_(orders.c.state == "in_progress", mine)
        case WorkList.RETURNED:
            return and_(orders.c.state == "in_progress", orders.c.returned.is_(True), mine)
        case WorkList.TO_REVIEW:
            return _can("approve")
        case WorkList.SUBMITTED:
            return and_(
                orders.c.state.in_(["in_review", "replied"]),
                or_(orders.c.handler_id == actor.user_id, orders.c.lead_department_id == actor.department_id),
            )
        case WorkList.CLOSED:
            return orders.c.state == "closed"
        case WorkList.OVERDUE:
            return and_(_open(), orders.c.due_at.is_not(None), orders.c.due_at < stamp)
        case WorkList.DUE_SOON:
            return and_(_open(), orders.c.due_at >= stamp, orders.c.due_at < soon)
        case WorkList.TO_DISPATCH:
            return and_(orders.c.state == "received", _can("dispatch"))
        case WorkList.TO_RULE:
            return or_(_can("rule_return"), _can("rule_extension"))
        case WorkList.TO_CALL_BACK:
            return and_(orders.c.state == "replied", or_(_can("record_callback"), _can("close"), _can("reopen")))
        case WorkList.CO_HANDLING:
            # The department's own part waits for it: to sign for, or to give its opinion on.
            return or_(_can("co_sign"), _can("submit_co_opinion"))
        case WorkList.WARNINGS:
            return and_(_open(), _warned())
        case WorkList.SUPERVISED:
            return and_(_open(), _told(SUPERVISION_KINDS))
        case WorkList.ALL:
            return literal(True)


def is_new(one_by_one: bool = False) -> ColumnElement[bool]:
    """Arrived after the profile's first download and not opened since (the list's 新 marker).

    As a list of ids for a pass over every order (the sidebar's counts); ``one_by_one`` as a lookup
    per row, for a page of rows (building the list of every new order would cost more than the page)."""
    unseen = (seen.c.arrived_at.is_not(None), seen.c.seen_at.is_(None))
    if one_by_one:
        return exists(select(literal(1)).where(seen.c.order_id == orders.c.id, *unseen))
    return orders.c.id.in_(select(seen.c.order_id).where(*unseen))


def counts_query(work_lists: list[WorkList], actor: Actor, now: datetime) -> Any:
    """One row: for each list, how many orders it holds (``<list>``) and how many of them are new
    (``<list>:new``) — one pass over the orders for the whole sidebar."""
    new = is_new()
    columns = []
    for work_list in work_lists:
        where = condition(work_list, actor, now)
        columns.append(func.coalesce(func.sum(case((where, 1), else_=0)), 0).label(work_list.value))
        columns.append(func.coalesce(func.sum(case((and_(where, new), 1), else_=0)), 0).label(f"{work_list.value}:new"))
    return select(*columns).select_from(orders)


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the list to; empty fields do not filter."""

    text: str = ""
    category: str = ""  # a category code; its sub-categories match too
    urgency: str = ""
    state: str = ""
    handler_id: int | None = None
    department_id: int | None = None  # the lead department (a leader's drill-down)
    due_before: datetime | None = None
    channel: str = ""  # how the request came in (casework.order.Channel)
    tag: str = ""  # one of the order's tags, exactly
    received_from: datetime | None = None  # received at or after
    received_before: datetime | None = None  # received before

    def condition(self, hits: search.Hits | None = None) -> ColumnElement[bool]:
        """The filters' SQL condition (``hits``: the search terms' orders, read already: ``Store.term_hits``)."""
        parts: list[ColumnElement[bool]] = []
        if self.text.strip():
            parts.append(search.matches(orders.c.id, self.text, hits))
        if self.category:
            parts.append(orders.c.category_code.like(f"{self.category}%"))
        if self.urgency:
            parts.append(orders.c.urgency == self.urgency)
        if self.state:
            parts.append(orders.c.state == self.state)
        if self.handler_id is not None:
            parts.append(orders.c.handler_id == self.handler_id)
        if self.department_id is not None:
            parts.append(orders.c.lead_department_id == self.department_id)
        if self.due_before is not None:
            parts.append(orders.c.due_at < search.utc_text(self.due_before))
        if self.channel:  # channel and tags are read from the pulled order (no column of their own)
            parts.append(func.json_extract(orders.c.server_json, "$.channel") == self.channel)
        if self.tag:
            tags = func.json_each(orders.c.server_json, "$.tags").table_valued("value").alias("tag")
            parts.append(exists(select(literal(1)).select_from(tags).where(tags.c.value == self.tag)))
        if self.received_from is not None:
            parts.append(orders.c.received_at >= search.utc_text(self.received_from))
        if self.received_before is not None:
            parts.append(orders.c.received_at < search.utc_text(self.received_before))
        return and_(literal(True), *parts)


#: Sort keys the list offers; urgency sorts very urgent first.
SORTS: dict[str, Any] = {
    "due_at": orders.c.due_at,
    "received_at": orders.c.received_at,
    "number": orders.c.number,
    "title": orders.c.title,
    "state": orders.c.state,
    "urgency": func.instr(literal("very_urgent,urgent,normal"), orders.c.urgency),
}


def in_flight_counts() -> Any:
    """Per order, how many of its outbox rows are still in flight (not yet answered by the server):
    counted from the outbox itself, so it is right after every verdict, discard, retry or revoke."""
    return (
        select(outbox.c.order_id, func.count().label("n"))
        .where(outbox.c.status.in_(IN_FLIGHT))
        .group_by(outbox.c.order_id)
        .subquery("in_flight")
    )


def page_query(where: ColumnElement[bool], sort: str = "due_at", descending: bool = False) -> Any:
    """Ordered rows of the list columns (no JSON: the list needs only these); ``pending`` is the
    order's in-flight outbox rows."""
    key = SORTS.get(sort, orders.c.due_at)
    ordering = key.desc() if descending else key.asc()
    flight = in_flight_counts()
    return (
        select(
            orders.c.id,
            orders.c.number,
            orders.c.title,
            orders.c.state,
            orders.c.urgency,
            orders.c.importance,
            orders.c.category_code,
            orders.c.handler_id,
            orders.c.received_at,
            orders.c.due_at,
            func.coalesce(flight.c.n, 0).label("pending"),
            orders.c.returned,
            is_new(one_by_one=True).label("new"),
            orders.c.id.in_(select(drafts.c.order_id)).label("draft"),  # text typed and kept on this PC only
            orders.c.lead_department_id,
            orders.c.actions,
        )
        .select_from(orders.outerjoin(flight, flight.c.order_id == orders.c.id))
        .where(where)
        .order_by(key.is_(None), ordering, orders.c.id)
    )


def in_lists(work_lists: list[WorkList], actor: Actor, now: datetime, order_ids: list[int]) -> Any:
    """For each of ``order_ids``: its id and, labelled by each list's value, whether that list holds
    it (search hits: which lists each one is in) — one read of each order for every list."""
    held = [case((condition(w, actor, now), True), else_=False).label(w.value) for w in work_lists]
    return select(orders.c.id, *held).where(orders.c.id.in_(order_ids)).order_by(orders.c.id)


def urgent_to_sign(actor: Actor, now: datetime) -> Any:
    """Urgent and very urgent orders waiting for the user's signature (for a notification)."""
    return page_query(and_(condition(WorkList.TO_SIGN, actor, now), orders.c.urgency != "normal"))
