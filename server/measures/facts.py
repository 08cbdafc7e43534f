"""The facts behind the measures, derived from the audit log — live, and again from scratch.

Live: ``server.orders.service.execute`` calls :func:`update` after it has appended its audit
record, in the same transaction, so the facts commit (or roll back) with the command. Rebuild:
:func:`rebuild` (``python -m server recompute-measures``) clears the facts and replays the whole
audit log through the same :class:`FactBuilder`. Both paths read only audit records (what each
command changed, before and after, and its input) plus the order's intake fields that never
change (category, channel), so a rebuild gives the same rows as the live path did.

``update`` applies every record of the order it has not applied yet (the tracker keeps the last
sequence number), so records written outside ``execute`` — the intake, a ``deadline_recomputed``
after a calendar load — are taken in with the order's next command, and a rebuild takes them in
at once.

What each record does (the table of ``server.models.measures`` names the fact kinds):

- ``dispatch``, and ``rule_return`` accepted: a *dispatch* fact for the new lead department; the
  reply clock starts; an *overdue* span opens at the reply deadline (in the future: it counts only
  once the deadline has passed). An accepted return first ends the old department's span.
- ``sign``, and ``rule_return`` refused on an unsigned order (the server counts that as signing
  at the ruling, late if the deadline passed): the dispatch fact gets ``signed_at`` and on time.
- ``request_return``: a *return* fact.
- ``submit_reply`` … ``approve``/``return_for_rework``: while the order waits at a city leader's
  review level (``leader_in_charge``, ``top_leader``) its office time is added up; that time is
  the reviewers', not the department's. The last approval makes a *reply* fact: on time, the
  result code, and the handling time: office seconds from the reply clock's start (dispatch or
  the latest 重办) to the approval, less the leader review time. A reply on time ends the overdue
  span (a span that had not started is dropped); a late reply leaves it open until the order is
  closed, because the order stays open and overdue until then.
- ``rule_extension`` approved, ``deadline_recomputed``: the reply deadline moved. A span not yet
  started moves with it; one already running ends now and a new one opens at the new deadline.
- ``record_callback``: a *callback* fact with its outcome, for the department that replied.
- ``close``: a *close* fact (on time = the reply was on time); the overdue span ends.
- ``reopen`` (重办): a *reopen* fact; the span ends; a new reply round starts (clock, leader time,
  span at the new deadline).
- ``invalidate``, ``merge``: the span ends.
- anything else (notes, on-site checks, drafts, reminders, …): nothing to count.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, inspect, select, text
from sqlalchemy.orm import Session

from casework.calendar import WorkingDayCalendar
from casework.order import CallbackOutcome, State
from casework.review import ReviewLevel
from casework.times import parse_time
from server.calendar.repository import calendar
from server.measures import days as counted_days
from server.measures.worktime import office_seconds
from server.models import AuditRecord, MeasureFact, MeasureTracker, Order

LEADER_LEVELS = frozenset({ReviewLevel.LEADER_IN_CHARGE.value, ReviewLevel.TOP_LEADER.value})
#: States in which the department still owes its reply.
OWING_REPLY = frozenset(s.value for s in (State.DISPATCHED, State.RETURN_REQUESTED, State.IN_PROGRESS, State.IN_REVIEW))


@dataclass(frozen=True)
class Dimensions:
    """What an order was filed under at intake (never changed by a command)."""

    category_code: str
    channel: str


class FactBuilder:
    """Applies audit records to an order's tracker and facts (one builder per transaction)."""

    def __init__(self, session: Session, load_calendar: Callable[[], WorkingDayCalendar]) -> None:
        self.session = session
        self._load_calendar = load_calendar
        self._calendar: WorkingDayCalendar | None = None
        #: The days of the dispatch and event facts added (their day counts are to be dropped).
        self.days: set[date] = set()

    def _office(self, start: datetime, end: datetime) -> int:
        if self._calendar is None:
            self._calendar = self._load_calendar()
        return office_seconds(start, end, self._calendar)

    def apply(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        after = record.after
        was_at_leader = _at_leader_level(tracker)
        decision = record.action in ("approve", "return_for_rework")
        for name in ("state", "review_level", "review_chain"):
            if name in after:
                setattr(tracker, name, after[name])
        due_moved = False
        for name in ("reply_due", "reply_due_extended"):
            if name in after:
                setattr(tracker, name, parse_time(after[name]))
                due_moved = True
        self._leader_time(tracker, record.at, was_at_leader, decision)

        handler = _HANDLERS.get(record.action)
        if handler is not None:
            handler(self, tracker, dims, record)
        elif due_moved:
            self._deadline_moved(tracker, record.at)
        tracker.last_seq = record.seq

    # --- the reply clock and the leader review time -------------------------------------------

    def _leader_time(self, tracker: MeasureTracker, at: datetime, was_at_leader: bool, decision: bool) -> None:
        """Add up the office time the order waits at a city leader's level (entered → decided)."""
        now_at_leader = _at_leader_level(tracker)
        if was_at_leader and tracker.leader_since is not None and (decision or not now_at_leader):
            tracker.leader_seconds += self._office(tracker.leader_since, at)
            tracker.leader_since = None
        if now_at_leader and tracker.leader_since is None:
            tracker.leader_since = at

    def _new_round(self, tracker: MeasureTracker, at: datetime) -> None:
        tracker.reply_started_at = at
        tracker.leader_seconds = 0
        tracker.leader_since = None
        tracker.pending_result = None
        self._open_span(tracker, at)

    # --- overdue spans ----------------------------------------------------------------------

    def _open_span(self, tracker: MeasureTracker, at: datetime) -> None:
        due = tracker.reply_due_extended or tracker.reply_due
        if due is None or tracker.department_id is None:
            return
        span = MeasureFact(
            order_id=tracker.order_id, department_id=tracker.department_id, kind="overdue", at=max(due, at)
        )
        self.session.add(span)
        tracker.overdue_fact = span

    def _end_span(self, tracker: MeasureTracker, at: datetime) -> None:
        span = tracker.overdue_fact
        if span is None:
            return
        tracker.overdue_fact = None
        if span.at >= at:  # the deadline had not passed: the order was never overdue
            if inspect(span).pending:
                self.session.expunge(span)
            else:
                self.session.delete(span)
        else:
            span.until = at

    def _deadline_moved(self, tracker: MeasureTracker, at: datetime) -> None:
        span = tracker.overdue_fact
        if span is None or tracker.state not in OWING_REPLY:
            return  # replied (on time: no span; late: the lateness is settled) or closed
        due = tracker.reply_due_extended or tracker.reply_due
        if due is None:
            return
        if span.at > at:
            span.at = max(due, at)  # not overdue yet: the start simply moves
        elif due > at:
            self._end_span(tracker, at)  # overdue until now, and again from the new deadline
            self._open_span(tracker, at)

    # --- commands ---------------------------------------------------------------------------

    def _dispatch(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        self._end_span(tracker, record.at)
        tracker.department_id = record.after.get("lead_department_id", tracker.department_id)
        if tracker.department_id is None:
            return
        fact = MeasureFact(
            order_id=tracker.order_id,
            department_id=tracker.department_id,
            kind="dispatch",
            at=record.at,
            category_code=dims.category_code,
            channel=dims.channel,
        )
        self.session.add(fact)
        self.days.add(counted_days.day_of(record.at))
        tracker.dispatch_fact = fact
        self._new_round(tracker, record.at)

    def _rule_return(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        if record.after.get("input", {}).get("accept"):
            self._dispatch(tracker, dims, record)
        else:
            self._sign(tracker, dims, record)

    def _sign(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        fact = tracker.dispatch_fact
        if fact is not None and fact.signed_at is None and "signed_on_time" in record.after:
            fact.signed_at = record.at
            fact.on_time = record.after["signed_on_time"]

    def _event(self, tracker: MeasureTracker, kind: str, at: datetime, **columns: Any) -> None:
        """A fact of ``kind`` for the department leading the order (none without one)."""
        if tracker.department_id is not None:
            fact = MeasureFact(order_id=tracker.order_id, department_id=tracker.department_id, kind=kind, at=at)
            for name, value in columns.items():
                setattr(fact, name, value)
            self.session.add(fact)
            self.days.add(counted_days.day_of(at))

    def _request_return(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        self._event(tracker, "return", record.at)

    def _submit_reply(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        tracker.pending_result = record.after.get("input", {}).get("result_code")

    def _approve(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        if tracker.state != State.REPLIED.value or tracker.department_id is None or tracker.reply_started_at is None:
            return
        on_time = record.after.get("replied_on_time")
        handling = self._office(tracker.reply_started_at, record.at)
        self._event(
            tracker,
            "reply",
            record.at,
            on_time=on_time,
            result=tracker.pending_result,
            work_seconds=max(0, handling - tracker.leader_seconds),
            leader_seconds=tracker.leader_seconds,
        )
        if on_time:
            self._end_span(tracker, record.at)

    def _callback(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        outcome = record.after.get("input", {}).get("outcome")
        if outcome in {o.value for o in CallbackOutcome}:
            self._event(tracker, "callback", record.at, result=outcome)

    def _close(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        self._end_span(tracker, record.at)
        self._event(tracker, "close", record.at, on_time=record.after.get("closed_on_time"))

    def _reopen(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        self._event(tracker, "reopen", record.at)
        self._end_span(tracker, record.at)
        self._new_round(tracker, record.at)

    def _end(self, tracker: MeasureTracker, dims: Dimensions, record: AuditRecord) -> None:
        self._end_span(tracker, record.at)


Handler = Callable[[FactBuilder, MeasureTracker, Dimensions, AuditRecord], None]

_HANDLERS: dict[str, Handler] = {
    "dispatch": FactBuilder._dispatch,
    "rule_return": FactBuilder._rule_return,
    "sign": FactBuilder._sign,
    "request_return": FactBuilder._request_return,
    "submit_reply": FactBuilder._submit_reply,
    "approve": FactBuilder._approve,
    "record_callback": FactBuilder._callback,
    "close": FactBuilder._close,
    "reopen": FactBuilder._reopen,
    "invalidate": FactBuilder._end,
    "merge": FactBuilder._end,
}


def _at_leader_level(tracker: MeasureTracker) -> bool:
    chain = tracker.review_chain or []
    return (
        tracker.state == State.IN_REVIEW.value
        and 0 <= tracker.review_level < len(chain)
        and (chain[tracker.review_level] in LEADER_LEVELS)
    )


def _new_tracker(session: Session, order_id: int) -> MeasureTracker:
    tracker = MeasureTracker(order_id=order_id, last_seq=0, review_chain=[], review_level=0, leader_seconds=0)
    session.add(tracker)
    return tracker


#: What of a record's ``after`` :meth:`FactBuilder.apply` reads, besides its action's handler.
_FOLLOWED = frozenset({"state", "review_level", "review_chain", "reply_due", "reply_due_extended"})


def update(session: Session, order: Order, action: str, at: datetime, after: Collection[str] | None = None) -> None:
    """Bring the order's facts up to date with its audit records.

    Called by ``server.orders.service.apply`` after it appended the record of ``action`` at
    ``at``, in its transaction. The facts are derived from the records themselves (that one, and
    any earlier one not applied yet), exactly as :func:`rebuild` derives them.

    Given the names in the record's ``after``: a record that moves no fact — no handler for its
    action and none of the fields the facts follow (a note, an on-site check) — is left for the
    order's next record that does: applying it then, in sequence, changes nothing but
    ``last_seq``, exactly as applying it now would (the leader-time clock is set by whichever
    record entered the level). Three statements fewer for every note and check.
    """
    if after is not None and action not in _HANDLERS and _FOLLOWED.isdisjoint(after):
        return
    tracker = session.get(MeasureTracker, order.id) or _new_tracker(session, order.id)
    records = session.scalars(
        select(AuditRecord)
        .where(AuditRecord.order_id == order.id, AuditRecord.seq > tracker.last_seq)
        .order_by(AuditRecord.seq)
    ).all()
    builder = FactBuilder(session, lambda: calendar(session))
    dims = Dimensions(order.category_code, order.channel)
    for record in records:
        builder.apply(tracker, dims, record)
    session.flush()
    counted_days.forget(session, builder.days)  # after the facts: see server.measures.days


def rebuild(session: Session, batch: int = 2000) -> int:
    """Clear the facts and derive them again from the whole audit log; return the orders seen.

    Works through the orders in id batches (each order's records in sequence order), so memory
    stays bounded on any size of log. Run inside one transaction: readers see the old facts
    until it commits. On PostgreSQL it first locks the facts' tables against writes (after the
    commands already writing them have committed): a command waits for the rebuild at its facts,
    and a record about an order cannot commit meanwhile either — its commit-time append moves the
    order's tracker (``server.audit.service``) — so its number comes after everything the rebuild
    read, and the order's next command takes it in. (Not the audit head: a command holding its
    tracker row waits for the head as it commits; the rebuild waiting for that row would close
    the circle.) SQLite has one writer at a time.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE measure_trackers, measure_facts IN EXCLUSIVE MODE"))
    session.execute(delete(MeasureTracker))
    session.execute(delete(MeasureFact))
    counted_days.clear(session)
    working_days = calendar(session)
    builder = FactBuilder(session, lambda: working_days)
    last_id, seen = 0, 0
    while True:
        rows = session.execute(
            select(Order.id, Order.category_code, Order.channel)
            .where(Order.id > last_id)
            .order_by(Order.id)
            .limit(batch)
        ).all()
        if not rows:
            return seen
        dims = {row.id: Dimensions(row.category_code, row.channel) for row in rows}
        trackers: dict[int, MeasureTracker] = {}
        records = session.scalars(
            select(AuditRecord).where(AuditRecord.order_id.in_(list(dims))).order_by(AuditRecord.seq)
        ).all()
        for record in records:
            assert record.order_id is not None
            tracker = trackers.get(record.order_id)
            if tracker is None:
                tracker = trackers[record.order_id] = _new_tracker(session, record.order_id)
            builder.apply(tracker, dims[record.order_id], record)
        session.flush()
        session.expunge_all()
        builder.days.clear()
        last_id, seen = rows[-1].id, seen + len(rows)
