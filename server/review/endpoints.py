"""``/review-chains``: the versions of the review chains; an administrator adds one."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from casework.deadlines import SHANGHAI
from casework.review import version_in_force
from casework.schemas import ReviewChainVersionIn, ReviewChainVersionOut
from server.deps import DB, Admin, CurrentCaller, Now
from server.errors import UNKNOWN_DEPARTMENT, errors
from server.models import ReviewChainVersion
from server.review import repository, service
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/review-chains", tags=["review chains"], route_class=TransactionalRoute)


def _out(row: ReviewChainVersion, in_force_id: int | None) -> ReviewChainVersionOut:
    return ReviewChainVersionOut(
        id=row.id,
        effective_from=row.effective_from,
        chains=row.chains,  # validated into the wire model's enums
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
        in_force=row.id == in_force_id,
    )


def _in_force_id(rows: list[ReviewChainVersion], now: datetime) -> int | None:
    current = version_in_force(repository.as_chain_versions(rows), now.astimezone(SHANGHAI).date())
    return current.id if current else None


@router.get("", response_model=list[ReviewChainVersionOut], responses=errors(401))
def list_versions(session: DB, caller: CurrentCaller, now: Now) -> list[ReviewChainVersionOut]:
    """Every version, oldest first; ``in_force`` marks today's. None yet: the built-in chains apply."""
    rows = list(repository.versions(session))
    current = _in_force_id(rows, now)
    return [_out(row, current) for row in rows]


@router.post(
    "",
    response_model=ReviewChainVersionOut,
    status_code=201,
    responses=errors(
        401, 403, refusals={"effective_in_past": "effective_from before today (Beijing)", **UNKNOWN_DEPARTMENT}
    ),
)
def add_version(body: ReviewChainVersionIn, session: DB, caller: Admin, now: Now) -> ReviewChainVersionOut:
    row = service.add_version(session, body, caller.user.id, now)
    return _out(row, _in_force_id(list(repository.versions(session)), now))
