"""Queries for users and tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.models import AuthToken


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token(session: Session, raw: str, kind: str, for_update: bool = False) -> AuthToken | None:
    query = select(AuthToken).where(AuthToken.token_hash == token_hash(raw), AuthToken.kind == kind)
    return session.scalar(query.with_for_update() if for_update else query)


def revoke_family(session: Session, family: str, now: datetime) -> None:
    session.execute(
        update(AuthToken).where(AuthToken.family == family, AuthToken.revoked_at.is_(None)).values(revoked_at=now)
    )


def revoke_other_families(session: Session, user_id: int, keep_family: str | None, now: datetime) -> None:
    """End every session of the user but ``keep_family`` (None: all of them)."""
    query = update(AuthToken).where(AuthToken.user_id == user_id, AuthToken.revoked_at.is_(None))
    if keep_family is not None:
        query = query.where(AuthToken.family != keep_family)
    session.execute(query.values(revoked_at=now))
