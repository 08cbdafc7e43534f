"""``/blobs/{sha256}``: download an attachment of an order the caller may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from sqlalchemy import select

from server.deps import DB, CurrentCaller
from server.errors import not_found
from server.models import Attachment, Blob
from server.orders.repository import visible
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/blobs", tags=["blobs"], route_class=TransactionalRoute)

Sha = Annotated[str, Path(pattern="^[0-9a-f]{64}$")]


@router.get(
    "/{sha256}",
    response_class=FileResponse,
    responses={200: {"content": {"image/jpeg": {}, "application/octet-stream": {}}}, 401: {}, 404: {}, 422: {}},
)
def download(sha256: Sha, request: Request, session: DB, caller: CurrentCaller) -> FileResponse:
    """Another department's blob answers 404, exactly like one that does not exist."""
    blob = session.get(Blob, sha256)
    order_ids = session.scalars(select(Attachment.order_id).where(Attachment.sha256 == sha256)).all()
    if blob is None or not any(visible(session, caller.actor, oid) for oid in order_ids):
        raise not_found("文件", "file")
    path = request.app.state.blob_store.path(sha256)
    if not path.exists():
        raise not_found("文件", "file")
    return FileResponse(path, media_type=blob.media_type, headers={"Cache-Control": "private, max-age=31536000"})
