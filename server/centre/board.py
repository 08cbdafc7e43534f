"""The centre supervisor's board (值班长看板): the day's intake, waiting dispatches, overdue, callbacks.

Every figure is one grouped or limited query on an index: intake on ``ix_orders_received_at``
(the day's rows only), waiting on ``ix_orders_state_id``, overdue on the measures' facts
(``ix_measure_facts_kind_at``, as ``/measures/today`` counts it), callbacks due on
``ix_orders_state_replied`` (oldest replies first without sorting them all). Hours are bucketed
in the database, in Beijing time (UTC+8, no DST). Lists read narrow rows, never whole orders.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, cast, extract, func, select
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer

from casework.deadlines import SHANGHAI
from casework.order import Channel, State
from casework.schemas import CallbackDue, CentreBoard, DepartmentOverdue, IntakeCount, WaitingOrder
from casework.sla import DISPATCH_TARGET, Urgency
from server.measures.periods import midnight
from server.measures.repository import F, overdue_at
from server.models import Department, Order

#: Rows listed under waiting and callbacks due (the counts are whole).
LISTED = 50
#: The days a board can be asked for (as the measures' periods: no arithmetic at the calendar's edges).
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _hour(session: Session) -> ColumnElement[int]:
    if session.get_bind().dialect.name == "postgresql":
        return cast(extract("hour", func.timezone(SHANGHAI.key, Order.received_at)), Integer)
    # SQLite keeps UTC as text; Beijing is UTC+8 all year.
    return cast(func.strftime("%H", Order.received_at, "+8 hours"), Integer)


def board(session: Session, day: date, now: datetime) -> CentreBoard:
    start, end = midnight(day), midnight(day + timedelta(days=1))
    as_of = min(end, now)
    hour = _hour(session)
    intake_rows = session.execute(
        select(hour, Order.channel, func.count())
        .where(Order.received_at >= start, Order.received_at < end, Order.received_at <= as_of)
        .group_by(hour, Order.channel)
        .order_by(hour, Order.channel)
    ).all()
    intake = [IntakeCount(hour=int(h), channel=Channel(c), count=n) for h, c, n in intake_rows]

    late = now - DISPATCH_TARGET
    waiting_where = [Order.state == State.RECEIVED.value, Order.received_at <= late]
    waiting_count = session.scalar(select(func.count()).select_from(Order).where(*waiting_where)) or 0
    waiting_rows = session.execute(
        select(Order.id, Order.number, Order.title, Order.channel, Order.urgency, Order.received_at)
        .where(*waiting_where)
        .order_by(Order.received_at, Order.id)
        .limit(LISTED)
    )
    waiting = [
        WaitingOrder(
            id=i,
            number=number,
            title=title,
            channel=Channel(channel),
            urgency=Urgency(urgency),
            received_at=received_at,
            waiting_seconds=int((now - received_at).total_seconds()),
        )
        for i, number, title, channel, urgency, received_at in waiting_rows
    ]

    overdue_rows = session.execute(
        select(Department.id, Department.code, Department.name, func.count())
        .join(F, F.department_id == Department.id)
        .where(overdue_at(as_of))
        .group_by(Department.id, Department.code, Department.name)
    ).all()
    overdue = sorted(
        (DepartmentOverdue(department_id=i, code=c, name=n, overdue=k) for i, c, n, k in overdue_rows),
        key=lambda d: (-d.overdue, d.code),
    )

    replied = Order.state == State.REPLIED.value
    callbacks_count = session.scalar(select(func.count()).select_from(Order).where(replied)) or 0
    callback_rows = session.execute(
        select(Order.id, Order.number, Order.title, Order.lead_department_id, Order.replied_at, Order.callback_attempts)
        .where(replied)
        .order_by(Order.replied_at, Order.id)  # ix_orders_state_replied: no sort of every replied order
        .limit(LISTED)
    )
    callbacks = [
        CallbackDue(
            id=i, number=number, title=title, lead_department_id=lead, replied_at=at, callback_attempts=attempts
        )
        for i, number, title, lead, at, attempts in callback_rows
    ]
    return CentreBoard(
        day=day,
        as_of=as_of,
        intake_total=sum(i.count for i in intake),
        intake=intake,
        dispatch_target_seconds=int(DISPATCH_TARGET.total_seconds()),
        waiting_count=waiting_count,
        waiting=waiting,
        overdue_total=sum(d.overdue for d in overdue),
        overdue_by_department=overdue,
        callbacks_due_count=callbacks_count,
        callbacks_due=callbacks,
    )


def today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()
