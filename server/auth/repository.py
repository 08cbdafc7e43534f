"""Queries for users and tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.models import AuthToken


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token(session: Session, raw: str, kind: str) -> AuthToken | None:
    return session.scalar(select(AuthToken).where(AuthToken.token_hash == token_hash(raw), AuthToken.kind == kind))


def revoke_family(session: Session, family: str, now: datetime) -> None:
    session.execute(
        update(AuthToken).where(AuthToken.family == family, AuthToken.revoked_at.is_(None)).values(revoked_at=now)
    )
