"""``/notifications``: the caller's own notifications, and marking them read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from casework.notifications import MarkRead, NotificationPage
from casework.schemas import Id
from server.deps import DB, CurrentCaller, Now
from server.errors import errors, not_found
from server.notifications import service
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/notifications", tags=["notifications"], route_class=TransactionalRoute)


@router.get("", response_model=NotificationPage, responses=errors(401, 403, 422))
def notifications(
    session: DB,
    caller: CurrentCaller,
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="Only those with a greater id")] = 0,
    unread: Annotated[bool | None, Query(description="true: unread only; false: read only")] = None,
) -> NotificationPage:
    """The caller's notifications (only ever their own), oldest first, 500 at most per page."""
    return service.page(session, caller.user.id, after=after, unread=unread)


@router.post("/read", response_model=NotificationPage, responses=errors(401, 403, 422))
def mark_read(session: DB, caller: CurrentCaller, now: Now, body: MarkRead) -> NotificationPage:
    """Mark these of the caller's notifications read; ids that are not the caller's are ignored."""
    service.mark_read(session, caller.user.id, body.ids, now)
    return service.page(session, caller.user.id, unread=True)


@router.post("/read-all", response_model=NotificationPage, responses=errors(401, 403))
def mark_all_read(session: DB, caller: CurrentCaller, now: Now) -> NotificationPage:
    """Mark every one of the caller's notifications read."""
    service.mark_read(session, caller.user.id, None, now)
    return service.page(session, caller.user.id, unread=True)


@router.post("/{notification_id}/read", response_model=NotificationPage, responses=errors(401, 403, 404, 422))
def mark_one_read(session: DB, caller: CurrentCaller, now: Now, notification_id: Id) -> NotificationPage:
    """Mark one of the caller's notifications read: 404 when it is not theirs (or not there)."""
    if not service.owns(session, caller.user.id, notification_id):
        raise not_found("通知", "notification")
    service.mark_read(session, caller.user.id, [notification_id], now)
    return service.page(session, caller.user.id, unread=True)
