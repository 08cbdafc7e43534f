"""``/centre``: the hotline centre's supervisor board."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from casework.roles import Role
from casework.schemas import CentreBoard, Day
from server.centre import board as boards
from server.deps import DB, CurrentCaller, Now
from server.errors import errors, forbidden, invalid
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/centre", tags=["centre"], route_class=TransactionalRoute)


@router.get(
    "/board",
    response_model=CentreBoard,
    responses=errors(401, 403, 422, refusals={"bad_date": "a date outside 2000–2100"}),
)
def centre_board(
    session: DB, caller: CurrentCaller, now: Now, day: Annotated[Day | None, Query(alias="date")] = None
) -> CentreBoard:
    """The supervisor's board of a day (default today, Beijing time): intake by channel and hour,
    orders waiting for dispatch longer than the target (5 minutes), overdue by department, callbacks
    due. For the centre and the top city leader."""
    if not (caller.actor.is_centre or caller.actor.role is Role.TOP_LEADER):
        raise forbidden("值班看板仅向热线中心和市主要领导开放", "The board is for the centre and the top city leader")
    if day is not None and not boards.EARLIEST <= day <= boards.LATEST:
        raise invalid("bad_date", "日期须在2000年至2100年之间", "The date must lie between 2000 and 2100")
    return boards.board(session, day or boards.today(now), now)
