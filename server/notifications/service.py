"""Notifications: made by commands (督办, 催办, 督办反馈) and by the warning pass; read by their recipient.

The warning pass (:func:`warn`) looks at every open order whose deadline in force — signing, the
on-site check, the reply or the extended reply — is near or past, and stores what each person
should be told, once: a warning to the handler and the section chiefs at the nearest lead time
already reached (so a deadline 24 h and 2 h away gives two warnings, a deadline dispatched an
hour before it falls gives one), and for an overdue order a notice to the same staff and to the
department head at once, then to the city leader in charge of the department after
``escalate_to_leader_after_hours``. Each stored row has a key (order, deadline, due time, lead
time or level) unique per recipient, so a pass run twice, or by two workers at once, stores
nothing twice; a deadline that moves (an extension, a 重办) is a new deadline with warnings of its own.

A co-handling department's part (协办, ``casework.cohandling``) has deadlines of its own — signing
while pending, its opinion once signed — and misses them as silently as the lead would: the same
pass warns and escalates them by the same rule, to the co-department's people (its chiefs, or its
head; whoever signed for the part), its head, then the leader in charge of *that* department.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from casework.cohandling import OUTSTANDING, CoStatus, part_due
from casework.deadlines import DeadlinePolicy
from casework.lifecycle import Command
from casework.notifications import (
    ESCALATION_HEAD,
    ESCALATION_LEADER,
    DeadlineKind,
    NotificationKind,
    NotificationPage,
    NotificationView,
)
from casework.roles import Role
from server.calendar.repository import policy
from server.models import AuditRecord, Notification, Order, OrderCoHandling, User, leader_portfolio
from server.settings import Settings

#: States whose order has a deadline running (the deadline in force: casework.deadlines.due_in_force).
OPEN_STATES = ("dispatched", "in_progress", "in_review", "return_requested")
#: How many notifications one GET answers at most.
PAGE = 500


@dataclass(frozen=True)
class Due:
    """One deadline of an order that applies now."""

    kind: DeadlineKind
    at: datetime


def deadlines_in_force(order: Any) -> list[Due]:
    """The order's deadlines that apply now: signing while it waits to be signed, the reply (or the
    extended reply) while it is handled, and the on-site check until one is recorded."""
    found: list[Due] = []
    if order.state == "dispatched" and order.sign_due is not None:
        found.append(Due(DeadlineKind.SIGN, order.sign_due))
    if order.state in ("in_progress", "in_review", "return_requested"):
        if order.reply_due_extended is not None:
            found.append(Due(DeadlineKind.EXTENSION, order.reply_due_extended))
        elif order.reply_due is not None:
            found.append(Due(DeadlineKind.REPLY, order.reply_due))
    if order.state in ("dispatched", "in_progress") and order.onsite_due is not None and order.onsite_on_time is None:
        found.append(Due(DeadlineKind.ONSITE, order.onsite_due))
    return found


# --- who is told ---------------------------------------------------------------------------------


class Recipients:
    """The active chiefs, heads and city leaders of departments, looked up once per pass."""

    def __init__(self, session: Session, department_ids: Iterable[int]) -> None:
        ids = sorted(set(department_ids))
        self.chiefs: dict[int, list[int]] = {}
        self.heads: dict[int, list[int]] = {}
        self.leaders: dict[int, list[int]] = {}
        self.active: set[int] = set()
        if not ids:
            return
        for user_id, role, department_id in session.execute(
            select(User.id, User.role, User.department_id).where(
                User.department_id.in_(ids),
                User.active.is_(True),
                User.role.in_([Role.SECTION_CHIEF.value, Role.DEPARTMENT_HEAD.value]),
            )
        ):
            table = self.chiefs if role == Role.SECTION_CHIEF.value else self.heads
            table.setdefault(department_id or 0, []).append(user_id)
        for user_id, department_id in session.execute(
            select(User.id, leader_portfolio.c.department_id)
            .join(leader_portfolio, leader_portfolio.c.user_id == User.id)
            .where(
                leader_portfolio.c.department_id.in_(ids),
                User.active.is_(True),
                User.role == Role.LEADER_IN_CHARGE.value,
            )
        ):
            self.leaders.setdefault(department_id, []).append(user_id)

    def staff(self, department: int, handler_id: int | None) -> list[int]:
        """The handler and the section chiefs of the department (its head when it has no chief)."""
        chiefs = self.chiefs.get(department) or self.heads.get(department) or []
        handler = [handler_id] if handler_id is not None else []
        return list(dict.fromkeys([*handler, *chiefs]))


# --- the warning pass ----------------------------------------------------------------------------------


def warn_at(
    due: datetime, lead_minutes: int, calendar: DeadlinePolicy | None, known: dict[date, bool] | None = None
) -> datetime:
    """When the warning ``lead_minutes`` before ``due`` is given. Whole days are working days: a
    24 h warning of a Monday 17:30 deadline comes on the Friday before at 17:30, not on the Sunday
    (the city's calendar, holidays and 调休 included); other lead times are wall-clock time."""
    if calendar is None or lead_minutes % (24 * 60):
        return due - timedelta(minutes=lead_minutes)
    local = due.astimezone(calendar.tz)
    day, days = local.date(), lead_minutes // (24 * 60)
    for _ in range(366 * 2):
        if not days:
            break
        day -= timedelta(days=1)
        known = {} if known is None else known  # the days a pass has looked up (the calendar is slow)
        if day not in known:
            known[day] = calendar.calendar.is_working_day(day)
        if known[day]:
            days -= 1
    return datetime.combine(day, local.timetz())


@dataclass(frozen=True)
class Watched:
    """A deadline the pass looks at, and whose it is: the lead department's, or (``part``) a
    co-handling department's own part; ``handler_id`` the order's handler, or whoever signed for the part."""

    order_id: int
    department: int
    handler_id: int | None
    due: Due
    part: bool = False

    @property
    def stamp(self) -> str:
        """The deadline in a key: a part's carry its department (``@``), so a lead's and a part's
        warnings never collide; the due time is in it, so a deadline that moves is a new one."""
        owner = f"{self.order_id}@{self.department}" if self.part else f"{self.order_id}"
        return f"{owner}:{self.due.kind.value}:{self.due.at.isoformat()}"


#: A part's deadline kind, by the part's status (its deadline in force: ``casework.cohandling.part_due``).
PART_DEADLINES = {CoStatus.PENDING: DeadlineKind.CO_SIGN, CoStatus.SIGNED: DeadlineKind.CO_ANSWER}


def watched(session: Session, horizon: datetime) -> list[Watched]:
    """The deadlines in force that fall by ``horizon``: the open orders' and their outstanding parts'.
    Two queries for the whole city, whatever its size."""
    orders = session.execute(
        select(
            Order.id,
            Order.state,
            Order.lead_department_id,
            Order.handler_id,
            Order.sign_due,
            Order.onsite_due,
            Order.onsite_on_time,
            Order.reply_due,
            Order.reply_due_extended,
        ).where(
            Order.state.in_(OPEN_STATES),
            Order.lead_department_id.is_not(None),
            or_(Order.due_at <= horizon, Order.onsite_due <= horizon),
        )
    ).all()
    found = [Watched(o.id, o.lead_department_id, o.handler_id, due) for o in orders for due in deadlines_in_force(o)]
    part = OrderCoHandling
    parts = session.execute(
        select(part.order_id, part.department_id, part.status, part.sign_due, part.answer_due, part.signed_by_id)
        .join(Order, Order.id == part.order_id)
        .where(
            Order.state.in_(OPEN_STATES),
            part.status.in_([s.value for s in OUTSTANDING]),
            or_(
                and_(part.status == CoStatus.PENDING.value, part.sign_due <= horizon),
                and_(part.status == CoStatus.SIGNED.value, part.answer_due <= horizon),
            ),
        )
    ).all()
    for p in parts:
        at = part_due(p.status, p.sign_due, p.answer_due)
        if at is not None:
            due = Due(PART_DEADLINES[CoStatus(p.status)], at)
            found.append(Watched(p.order_id, p.department_id, p.signed_by_id, due, part=True))
    return found


def warn(session: Session, settings: Settings, now: datetime) -> int:
    """One warning pass at ``now``: store the warnings and escalations due by then that are not
    stored yet; return how many were stored."""
    leads = settings.warning_leads
    horizon = now + timedelta(minutes=max(leads, default=0))
    if any(lead % (24 * 60) == 0 for lead in leads):
        horizon += timedelta(days=14)  # whole days are working days: a long holiday lies in between
    deadlines = watched(session, horizon)
    recipients = Recipients(session, (w.department for w in deadlines))
    calendar = policy(session, settings) if deadlines else None
    known: dict[date, bool] = {}
    escalate = timedelta(hours=settings.escalate_to_leader_after_hours)
    rows: list[dict[str, Any]] = []
    for w in deadlines:
        staff = recipients.staff(w.department, w.handler_id)
        due, stamp = w.due, w.stamp
        if now < due.at:
            reached = [lead for lead in leads if warn_at(due.at, lead, calendar, known) <= now]
            if reached:
                lead = min(reached)  # the nearest lead time reached: one warning, not one per lead
                common = {"deadline": due.kind.value, "due_at": due.at, "lead_minutes": lead}
                rows += _rows(staff, w.order_id, NotificationKind.DEADLINE_WARNING, f"w:{stamp}:{lead}", now, common)
            continue
        common = {"deadline": due.kind.value, "due_at": due.at}
        rows += _rows(staff, w.order_id, NotificationKind.OVERDUE, f"o:{stamp}:0", now, {**common, "level": 0})
        heads = recipients.heads.get(w.department, [])
        rows += _rows(
            heads, w.order_id, NotificationKind.OVERDUE, f"o:{stamp}:1", now, {**common, "level": ESCALATION_HEAD}
        )
        if now >= due.at + escalate:
            leaders = recipients.leaders.get(w.department, [])
            top = {**common, "level": ESCALATION_LEADER}
            rows += _rows(leaders, w.order_id, NotificationKind.OVERDUE, f"o:{stamp}:2", now, top)
    return _insert_new(session, rows)


def _rows(
    users: Sequence[int], order_id: int, kind: NotificationKind, key: str, now: datetime, extra: dict[str, Any]
) -> list[dict[str, Any]]:
    base = {"order_id": order_id, "kind": kind.value, "key": key, "created_at": now, "text": "", "level": 0}
    return [{**base, **extra, "user_id": user_id} for user_id in users]


_COLUMNS = (
    *("user_id", "kind", "order_id", "deadline", "due_at", "lead_minutes"),
    *("level", "actor_id", "text", "created_at", "key"),
)


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose (user, key) is not stored yet; return how many were.

    The stored keys of these orders are read first, so a steady-state pass (everything told
    already) writes nothing; the rest go in one executemany, ``ON CONFLICT DO NOTHING`` against a
    pass running at the same time in another worker."""
    if not rows:
        return 0
    order_ids = sorted({row["order_id"] for row in rows})
    stored: set[tuple[int, str | None]] = set()
    for start in range(0, len(order_ids), 900):
        found = session.execute(
            select(Notification.user_id, Notification.key).where(
                Notification.order_id.in_(order_ids[start : start + 900]), Notification.key.is_not(None)
            )
        )
        stored.update((user_id, key) for user_id, key in found)
    fresh = [{c: row.get(c) for c in _COLUMNS} for row in rows if (row["user_id"], row["key"]) not in stored]
    if not fresh:
        return 0
    table: Any = Notification.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=["user_id", "key"]).returning(table.c.id)
    return len(session.connection().execute(statement, fresh).all())


# --- issued by a command -------------------------------------------------------------------------------


def issued(session: Session, order: Order, command: Command, actor_id: int, text: str, now: datetime) -> int:
    """Tell the people concerned about a 督办, 催办 or 督办反馈 just recorded on ``order``: the handler,
    chiefs and head of the lead department (督办, 催办); whoever issued a 督办 on it (督办反馈)."""
    kind = NotificationKind(command.value)
    if command is Command.SUPERVISION_FEEDBACK:
        users = list(
            session.scalars(
                select(AuditRecord.actor_id)
                .where(AuditRecord.order_id == order.id, AuditRecord.action == Command.SUPERVISE.value)
                .distinct()
            )
        )
    else:
        department = order.lead_department_id
        found = Recipients(session, [department] if department is not None else [])
        users = [
            *([order.handler_id] if order.handler_id is not None else []),
            *found.chiefs.get(department or 0, []),
            *found.heads.get(department or 0, []),
        ]
    users = [u for u in dict.fromkeys(users) if u is not None and u != actor_id]
    for user_id in users:
        session.add(
            Notification(
                user_id=user_id,
                kind=kind.value,
                order_id=order.id,
                level=0,
                actor_id=actor_id,
                text=text,
                created_at=now,
            )
        )
    return len(users)


# --- read by their recipient ---------------------------------------------------------------------------


def page(session: Session, user_id: int, *, after: int = 0, unread: bool | None = None) -> NotificationPage:
    """The user's notifications with an id above ``after``, oldest first (at most :data:`PAGE`)."""
    issuer = aliased(User)
    query = (
        select(Notification, Order.number, Order.title, issuer.name)
        .outerjoin(Order, Order.id == Notification.order_id)
        .outerjoin(issuer, issuer.id == Notification.actor_id)
        .where(Notification.user_id == user_id, Notification.id > after)
        .order_by(Notification.id)
        .limit(PAGE + 1)
    )
    if unread is True:
        query = query.where(Notification.read_at.is_(None))
    elif unread is False:
        query = query.where(Notification.read_at.is_not(None))
    found = session.execute(query).all()
    count = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return NotificationPage(
        notifications=[_view(row) for row in found[:PAGE]], unread=int(count or 0), has_more=len(found) > PAGE
    )


def _view(row: Row[Notification, str, str, str]) -> NotificationView:
    n, number, title, issuer = row
    return NotificationView(
        id=n.id,
        kind=NotificationKind(n.kind),
        order_id=n.order_id,
        order_number=number or "",
        order_title=title or "",
        deadline=DeadlineKind(n.deadline) if n.deadline else None,
        due_at=n.due_at,
        lead_minutes=n.lead_minutes,
        level=n.level,
        actor_id=n.actor_id,
        actor_name=issuer or "",
        text=n.text,
        created_at=n.created_at,
        read_at=n.read_at,
    )


def mark_read(session: Session, user_id: int, ids: Sequence[int] | None, now: datetime) -> int:
    """Mark the user's notifications read (``ids``; None: all of them); others' ids are ignored."""
    statement = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        statement = statement.where(Notification.id.in_(list(ids)))
    result = session.execute(statement.values(read_at=now))
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]  # an UPDATE answers a CursorResult


def owns(session: Session, user_id: int, notification_id: int) -> bool:
    """The notification is there and it is the user's."""
    found = session.get(Notification, notification_id)
    return found is not None and found.user_id == user_id
