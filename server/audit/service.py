"""Appending to the audit chain and verifying it.

Each record's hash covers its content and the previous record's hash, so changing or
deleting any row breaks the chain from that row on. Appends lock the chain's head row,
which serialises them: the chain never forks, whatever the number of server workers.

On PostgreSQL the head is locked only as the transaction commits: :func:`record` inserts the
record with a provisional number (from ``audit_provisional_seq``, above :data:`PROVISIONAL`) and
the tail of its hashed text; a deferred constraint trigger (migration 0012) locks the head at
COMMIT, numbers, links and hashes the record with the very text :func:`_digest` hashes, and
advances the head; the lock ends with the commit. A writer therefore holds the head for its
append and its commit only — not while its command runs and its answer is built — and numbers
still become visible strictly in order: the next writer gets the head only after this one's
commit is visible, so no record can commit later with a smaller number (pulls read "records
after N" and never skip one). Within its transaction a record is readable at once under its
provisional number (the measures tracker's fix-up is in the trigger). SQLite has one writer at
a time: it appends at once. ``CASEDESK_AUDIT_APPEND=immediate`` makes PostgreSQL append at once
too, holding the head from the record to the commit (the old way; a baseline for bench.writes).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, Table, func, insert, select, update
from sqlalchemy.orm import Session

from server.models import AuditHead, AuditRecord

GENESIS = "0" * 64
#: Provisional numbers (PostgreSQL, until commit) start here; real ones never get near it.
PROVISIONAL = 2**61


def jsonable(value: Any) -> Any:
    """Plain JSON values, so what is stored is exactly what was hashed."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _tail(
    at: datetime,
    actor_id: int | None,
    action: str,
    order_id: int | None,
    before: dict[str, Any],
    after: dict[str, Any],
) -> str:
    """The hashed text after the previous hash and the number (what the commit-time append links)."""
    content = json.dumps(
        [at.isoformat(), actor_id, action, order_id, before, after],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return content[1:]


def _link(prev_hash: str, seq: int, tail: str) -> str:
    """SHA-256 of ``[prev_hash, seq, at, actor_id, action, order_id, before, after]`` as canonical
    JSON; the trigger of migration 0012 builds the same text from ``pending``."""
    return hashlib.sha256(f'["{prev_hash}",{seq},{tail}'.encode()).hexdigest()


def _digest(
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_id: int | None,
    action: str,
    order_id: int | None,
    before: dict[str, Any],
    after: dict[str, Any],
) -> str:
    return _link(prev_hash, seq, _tail(at, actor_id, action, order_id, before, after))


def _head(session: Session) -> Row[int, str]:
    """The chain's tip (its number and hash), locked until commit (the migration creates it at the
    genesis hash)."""
    return (
        session.connection()
        .execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update())
        .one()
    )


#: A record appended at commit (PostgreSQL): a provisional number, linked by the trigger. Made once:
#: a statement built for each record cost its construction and its cache key every time.
_RECORDS: Table = AuditRecord.__table__  # type: ignore[assignment]  # typed FromClause; a mapped class has a Table
_PENDING = insert(_RECORDS).values(seq=func.nextval("audit_provisional_seq"), prev_hash="", hash="")

#: ``session.info`` key: the (sub)transactions of the records :func:`record` inserted, one per record
#: (Core inserts, no ORM object: server.observability counts them as their transaction commits).
APPENDED_AT_COMMIT = "casedesk_audit_appended_at_commit"


def _at_commit(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql" and os.environ.get("CASEDESK_AUDIT_APPEND") != "immediate"


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    order_id: int | None,
    before: dict[str, Any],
    after: dict[str, Any],
    at: datetime,
) -> None:
    """Append one record to the chain (inside the caller's transaction; on PostgreSQL numbered
    and linked as it commits)."""
    before, after = jsonable(before), jsonable(after)
    at = at.astimezone(UTC)  # hashed exactly as it reads back from the database
    session.flush()  # the order (and anything else the record names) exists first
    record = {"at": at, "actor_id": actor_id, "action": action, "order_id": order_id, "before": before, "after": after}
    connection = session.connection()  # plain statements, no ORM execution (flushed above)
    if _at_commit(session):
        connection.execute(_PENDING, {**record, "pending": _tail(at, actor_id, action, order_id, before, after)})
    else:
        # At once (SQLite, or the old way): numbered, linked and hashed here, the head moved —
        # plain statements, no ORM objects to build and flush.
        head = _head(session)
        seq = head.seq + 1
        digest = _digest(head.hash, seq, at, actor_id, action, order_id, before, after)
        connection.execute(
            insert(AuditRecord).values(
                seq=seq,
                **record,
                prev_hash=head.hash,
                hash=digest,
            )
        )
        connection.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=digest))
    # Who counts appends (server.observability) learns of this one here: a Core insert is no ORM
    # object. Marked with the transaction (or savepoint) it belongs to, so a rollback drops it.
    session.info.setdefault(APPENDED_AT_COMMIT, []).append(
        session.get_nested_transaction() or session.get_transaction()
    )


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify(session: Session, batch: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Recompute the chain; return the number of records checked and every problem found."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditRecord).where(AuditRecord.seq > last_seq).order_by(AuditRecord.seq).limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            checked += 1
            if row.pending is not None:
                problems.append(ChainProblem(row.seq, "was never appended (still pending)"))
            if row.seq != expected_seq:
                problems.append(ChainProblem(expected_seq, f"records {expected_seq}..{row.seq - 1} are missing"))
            if row.prev_hash != prev_hash:
                problems.append(ChainProblem(row.seq, "does not link to the previous record"))
            digest = _digest(
                row.prev_hash, row.seq, row.at, row.actor_id, row.action, row.order_id, row.before, row.after
            )
            if digest != row.hash:
                problems.append(ChainProblem(row.seq, "content does not match its hash (changed)"))
            prev_hash, expected_seq, last_seq = row.hash, row.seq + 1, row.seq
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        problems.append(
            ChainProblem(head.seq, f"the chain ends at {last_seq} but its head says {head.seq} (tail deleted)")
        )
    return checked, problems
