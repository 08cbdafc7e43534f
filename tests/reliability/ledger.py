"""Exactly-once, checked in the server's database: every edit a desk holds as applied took effect
once — one note or on-site check per client id, one attachment per photo, one audit record per
command, one stored push result per mutation — and nothing took effect that the desk does not
hold as applied."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import Attachment, AuditHead, AuditRecord, Note, OnsiteCheck, SyncMutation
from tests.reliability.support import Desk

#: The commands a handler's desk sends, as the audit log names them.
DESK_COMMANDS = ("add_note", "record_onsite_check", "save_draft", "submit_reply", "request_extension")


def audit_head(app: Any) -> int:
    """The audit log's last sequence number: what happens after it is what the test caused."""
    with Session(app.state.engine) as session:
        return session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0


def server_results(app: Any, client_id: str) -> dict[str, str]:
    """The push results the server stored for this installation: mutation id → status."""
    with Session(app.state.engine) as session:
        rows = session.scalars(select(SyncMutation).where(SyncMutation.client_id == client_id))
        return {row.mutation_id: row.result["status"] for row in rows}


def assert_exactly_once(app: Any, desk: Desk, since_seq: int) -> None:
    """Check the desk's outbox against the server's records written after ``since_seq``."""
    rows = desk.store.outbox()
    assert desk.client.user is not None
    user_id = desk.client.user.id
    stored = server_results(app, desk.store.client_id())
    applied = [r for r in rows if r["status"] == "applied"]
    with Session(app.state.engine) as session:
        for row in rows:
            done = row["status"] == "applied"
            if done:
                assert stored.get(row["mutation_id"]) == "applied", f"{row['name']}: no stored result"
            if row["name"] == "add_note":
                notes = session.scalars(select(Note).where(Note.client_id == row["args"]["client_id"])).all()
                assert len(notes) == int(done), f"note {row['args']['text']!r} is on the server {len(notes)}×"
                assert all(n.text == row["args"]["text"] and n.order_id == row["order_id"] for n in notes)
            if row["name"] == "record_onsite_check":
                checks = session.scalar(
                    select(func.count())
                    .select_from(OnsiteCheck)
                    .where(OnsiteCheck.client_id == row["args"]["client_id"])
                )
                assert checks == int(done), f"on-site check on the server {checks}×"
                for photo in row["args"]["photos"] if done else ():
                    attached = session.scalar(
                        select(func.count())
                        .select_from(Attachment)
                        .where(Attachment.order_id == row["order_id"], Attachment.sha256 == photo["sha256"])
                    )
                    assert attached == 1, f"photo {photo['sha256'][:8]} attached {attached}×"
        audit = session.execute(
            select(AuditRecord.order_id, AuditRecord.action).where(
                AuditRecord.seq > since_seq, AuditRecord.actor_id == user_id, AuditRecord.action.in_(DESK_COMMANDS)
            )
        ).all()
    assert Counter((o, a) for o, a in audit) == Counter((r["order_id"], r["name"]) for r in applied), (
        "audit records do not match the applied edits one for one"
    )
    # Nothing the server applied is unknown to the desk as applied (a resolved retry has a new id).
    mine = {r["mutation_id"] for r in applied}
    assert {m for m, status in stored.items() if status == "applied"} <= mine
