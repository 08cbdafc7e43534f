"""Queries for the review chains' versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.review import ChainVersion, ReviewChainConfig, chains_in_force
from server.models import ReviewChainVersion


def versions(session: Session) -> Sequence[ReviewChainVersion]:
    return session.scalars(select(ReviewChainVersion).order_by(ReviewChainVersion.id)).all()


def as_chain_versions(rows: Sequence[ReviewChainVersion]) -> list[ChainVersion]:
    return [ChainVersion(row.id, row.effective_from, row.chains) for row in rows]


def chains_on(session: Session, day: date) -> ReviewChainConfig:
    """The chains in force on ``day`` (casework decides which version that is; there are few)."""
    return chains_in_force(as_chain_versions(versions(session)), day)
