"""Appending to the audit chain and verifying it.

Each record's hash covers its content and the previous record's hash, so changing or
deleting any row breaks the chain from that row on. Appends lock the chain's head row,
which serialises them: the chain never forks, whatever the number of server workers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import AuditHead, AuditRecord

GENESIS = "0" * 64


def jsonable(value: Any) -> Any:
    """Plain JSON values, so what is stored is exactly what was hashed."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


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
    content = json.dumps(
        [prev_hash, seq, at.isoformat(), actor_id, action, order_id, before, after],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(content.encode()).hexdigest()


def _head(session: Session) -> AuditHead:
    """The chain's tip, locked until commit (the migration creates it at the genesis hash)."""
    return session.scalars(select(AuditHead).where(AuditHead.id == 1).with_for_update()).one()


def record(
    session: Session,
    actor_id: int | None,
    action: str,
    order_id: int | None,
    before: dict[str, Any],
    after: dict[str, Any],
    at: datetime,
) -> AuditRecord:
    """Append one record to the chain (inside the caller's transaction)."""
    head = _head(session)
    before, after = jsonable(before), jsonable(after)
    at = at.astimezone(UTC)  # hashed exactly as it reads back from the database
    seq = head.seq + 1
    digest = _digest(head.hash, seq, at, actor_id, action, order_id, before, after)
    row = AuditRecord(
        seq=seq,
        at=at,
        actor_id=actor_id,
        action=action,
        order_id=order_id,
        before=before,
        after=after,
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(row)
    head.seq, head.hash = seq, digest
    session.flush()
    return row


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
