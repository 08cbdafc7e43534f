"""No gap, no fork: many writers whose transactions commit in any order, while a desk pulls.

On PostgreSQL an audit record is numbered as its transaction commits (the head is locked in the
commit, not from the record on): a transaction that began first and commits last gets the later
number. These tests hold transactions open for random times while others commit around them and
a desk keeps pulling; then the chain must verify, its numbers be 1..head each once, and the
desk must have been sent every record of its orders committed after its snapshot.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.lifecycle import Command
from casework.schemas import AddNoteBody, OnsiteCheckBody
from server.audit.service import verify
from server.auth.service import actor_of
from server.models import AuditHead, AuditRecord, User
from server.orders import service
from tests.fixtures.city import Api

WRITERS = 12
WRITES_EACH = 12


def _pull(api: Api, user: str, cursor: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Follow pages until has_more is false; the last cursor and every change."""
    changes: list[dict[str, Any]] = []
    while True:
        params: dict[str, Any] = {"limit": 7}
        if cursor:
            params["cursor"] = cursor
        response = api.get("/sync/pull", user, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert not page["reset"]
        changes += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return cursor, changes


def test_writers_committing_out_of_order_leave_no_gap_for_a_pulling_desk(
    api: Api, app: Any, settings: Any, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: transactions cannot commit out of order")
    orders = [api.dispatched("ZJJ")["id"] for _ in range(6)]
    for order_id in orders:  # in progress with the handler: notes and on-site checks both apply
        api.command(order_id, "sign", "zj_chief")
        api.command(order_id, "assign_handler", "zj_chief", handler_id=api.user_id("zj_handler"))
    cursor, snapshot = _pull(api, "zj_handler", None)
    after = max(e["seq"] for c in snapshot for e in c["events"])
    rng = random.Random(14)
    delays = [[rng.uniform(0, 0.03) for _ in range(WRITES_EACH)] for _ in range(WRITERS)]
    errors: list[BaseException] = []

    def writer(index: int) -> None:
        """Each write in its own transaction, held open a random while after its record."""
        try:
            for n, delay in enumerate(delays[index]):
                with Session(app.state.engine) as session:
                    user = session.scalars(select(User).where(User.username == "zj_handler")).one()
                    ctx = service.Context(
                        session=session, actor=actor_of(user), settings=settings, now=app.state.clock()
                    )
                    order_id = orders[(index + n) % len(orders)]
                    if n % 2:
                        body: Any = OnsiteCheckBody(
                            client_id=uuid.uuid4(), checked_at=ctx.now, notes=f"核查{index}-{n}：现场已整改"
                        )
                        service.execute(ctx, order_id, Command.RECORD_ONSITE_CHECK, body)
                    else:
                        service.execute(
                            ctx,
                            order_id,
                            Command.ADD_NOTE,
                            AddNoteBody(client_id=uuid.uuid4(), text=f"记录{index}-{n}"),
                        )
                    time.sleep(delay)  # others commit meanwhile
                    session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    seen: list[int] = []
    while any(t.is_alive() for t in threads):
        cursor, changes = _pull(api, "zj_handler", cursor)
        seen += [e["seq"] for c in changes for e in c["events"]]
    for thread in threads:
        thread.join()
    assert not errors, errors
    cursor, changes = _pull(api, "zj_handler", cursor)
    seen += [e["seq"] for c in changes for e in c["events"]]

    with Session(app.state.engine) as session:
        checked, problems = verify(session)
        assert problems == []
        count, distinct, low, high = session.execute(
            select(
                func.count(),
                func.count(AuditRecord.seq.distinct()),
                func.min(AuditRecord.seq),
                func.max(AuditRecord.seq),
            )
        ).one()
        head = session.scalar(select(AuditHead.seq))
        assert count == distinct == high == head == checked and low == 1  # no gap, no fork
        written = session.scalars(
            select(AuditRecord.seq).where(AuditRecord.order_id.in_(orders), AuditRecord.seq > after)
        ).all()
        assert session.scalar(select(func.count()).where(AuditRecord.pending.is_not(None))) == 0
    assert len(written) == WRITERS * WRITES_EACH
    assert len(seen) == len(set(seen))  # nothing twice
    assert set(written) == set(seen)  # nothing skipped: every record committed late was still sent


def test_a_record_rolled_back_with_its_savepoint_leaves_no_trace(api: Api, app: Any, settings: Any) -> None:
    """A command refused in its savepoint (see server.sync.push) takes its audit record with it."""
    order_id = api.dispatched("ZJJ")["id"]
    with Session(app.state.engine) as session:
        user = session.scalars(select(User).where(User.username == "zj_handler")).one()
        ctx = service.Context(session=session, actor=actor_of(user), settings=settings, now=app.state.clock())
        service.execute(ctx, order_id, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="留下"))
        nested = session.begin_nested()
        service.execute(ctx, order_id, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="撤回"))
        nested.rollback()
        service.execute(ctx, order_id, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="也留下"))
        session.commit()
    with Session(app.state.engine) as session:
        assert verify(session)[1] == []
        texts = [
            r.after["input"]["text"]
            for r in session.scalars(
                select(AuditRecord).where(AuditRecord.order_id == order_id).order_by(AuditRecord.seq)
            )
            if r.action == "add_note"
        ]
    assert texts == ["留下", "也留下"]
