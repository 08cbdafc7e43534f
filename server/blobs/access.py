"""Who may read or reference a blob: whoever uploaded its bytes, or sees an order it is attached to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.roles import Actor
from server.models import Attachment, Blob, Order, Upload
from server.orders.repository import scope


def may_use(session: Session, actor: Actor, sha256: str) -> bool:
    if session.get(Blob, sha256) is None:
        return False
    uploaded = session.scalar(
        select(Upload.id).where(Upload.user_id == actor.user_id, Upload.completed_sha256 == sha256).limit(1)
    )
    if uploaded is not None:
        return True
    attached = session.scalar(
        select(Attachment.id)
        .join(Order, Order.id == Attachment.order_id)
        .where(Attachment.sha256 == sha256, scope(actor))
        .limit(1)
    )
    return attached is not None
