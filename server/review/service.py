"""Adding a version of the review chains (admin), and taking over the old environment variable."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from casework.deadlines import SHANGHAI
from casework.schemas import ReviewChains, ReviewChainVersionIn
from server.audit.service import record
from server.errors import invalid
from server.models import ReviewChainVersion
from server.org import repository as org_repository
from server.review import repository
from server.settings import Settings

#: The version taken over from CASEDESK_REVIEW_CHAINS_JSON is in force from the start.
SINCE_EVER = date(2000, 1, 1)


def add_version(
    session: Session, body: ReviewChainVersionIn, actor_id: int | None, now: datetime, *, backdate: bool = False
) -> ReviewChainVersion:
    """Store a new version; it never changes a chain already fixed on a submitted reply.

    A version may not start before today (Beijing): what was in force on a past day stays as it
    was (``backdate`` only for taking over the environment variable, before any version: it is
    taken as it was, even naming departments not created yet).
    """
    today = now.astimezone(SHANGHAI).date()
    if body.effective_from < today and not backdate:
        raise invalid(
            "effective_in_past",
            "生效日期不能早于今天：已经过去的日子按当时的审核链",
            "A version cannot take effect before today: past days keep the chains then in force",
        )
    unknown = sorted(k for k in body.chains if k != "default" and org_repository.department_by_code(session, k) is None)
    if unknown and not backdate:
        raise invalid(
            "unknown_department",
            "审核链中的单位代码不存在：" + "、".join(unknown),
            "No such department code in the chains: " + ", ".join(unknown),
            {"codes": unknown},
        )
    chains: dict[str, Any] = TypeAdapter(ReviewChains).dump_python(body.chains, mode="json")
    row = ReviewChainVersion(
        effective_from=body.effective_from, chains=chains, note=body.note, created_by=actor_id, created_at=now
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor_id,
        "review_chain_version",
        None,
        {},
        {"id": row.id, "effective_from": body.effective_from.isoformat(), "chains": chains, "note": body.note},
        now,
    )
    return row


def take_over_environment(session: Session, settings: Settings, now: datetime) -> str | None:
    """CASEDESK_REVIEW_CHAINS_JSON (deprecated) becomes the first version, in force since ever,
    when the database has none yet; afterwards the variable is ignored. Returns what was done."""
    if not settings.review_chains_json.strip():
        return None
    if repository.versions(session):
        return "CASEDESK_REVIEW_CHAINS_JSON is deprecated and ignored: the review chains live in the database"
    try:
        chains = TypeAdapter(ReviewChains).validate_python(json.loads(settings.review_chains_json))
    except (ValueError, ValidationError) as exc:
        raise SystemExit(f"CASEDESK_REVIEW_CHAINS_JSON is not valid review chains: {exc}") from exc
    body = ReviewChainVersionIn(effective_from=SINCE_EVER, chains=chains, note="CASEDESK_REVIEW_CHAINS_JSON")
    add_version(session, body, None, now, backdate=True)
    return (
        "CASEDESK_REVIEW_CHAINS_JSON loaded as the first review-chain version; the variable is deprecated, "
        "unset it (the administrator edits the chains in the desk)"
    )


def warn(message: str | None) -> None:
    if message:
        print(message, file=sys.stderr)
