"""``/blobs/{sha256}``: check, download and thumbnail blobs the caller may use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from casework.media import IMAGE_TYPES, PDF
from server.blobs.access import may_use
from server.blobs.media import thumbnail
from server.deps import DB, CurrentCaller
from server.errors import errors, not_found
from server.models import Blob
from server.transaction import TransactionalRoute, in_lane

router = APIRouter(prefix="/blobs", tags=["blobs"], route_class=TransactionalRoute)

Sha = Annotated[str, Path(pattern="^[0-9a-f]{64}$")]
#: A blob is served as the type its first bytes showed (casework.media): documented for GET and HEAD.
STORED: dict[str, dict[str, str]] = {media_type: {} for media_type in sorted({*IMAGE_TYPES, PDF})}
FILE = {200: {"description": "The file", "content": STORED}, **errors(401, 404)}
THUMBNAIL = {200: {"description": "A JPEG thumbnail", "content": {"image/jpeg": {}}}, **errors(401, 404)}
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic"}


def served(sha256: str, media_type: str, suffix: str = "") -> dict[str, str]:
    """Headers of every file the server hands out.

    A file is a citizen's upload: its first bytes passed the type check, the rest may be
    anything (a JPEG that is also an HTML page). A browser must take it as the declared type
    (nosniff), save it rather than render it in the server's origin (attachment), and run
    nothing from it even if it does (a sandbox with no sources).
    """
    extension = ".pdf" if media_type == "application/pdf" else _EXTENSIONS.get(media_type, "")
    return {
        "Cache-Control": "private, max-age=31536000",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="{sha256[:16]}{suffix}{extension}"',
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }


def _blob(session: DB, caller: CurrentCaller, sha256: str) -> Blob:
    """Another department's blob answers 404, exactly like one that does not exist."""
    if not may_use(session, caller.actor, sha256):
        raise not_found("文件", "file")
    blob = session.get(Blob, sha256)
    assert blob is not None
    return blob


@router.head(
    "/{sha256}",
    status_code=200,
    response_class=Response,
    responses={200: {"description": "Known: the file's headers, no body", "content": STORED}, **errors(401, 404)},
)
def known(sha256: Sha, session: DB, caller: CurrentCaller) -> Response:
    """200 when the server has this content for the caller: the client need not send it again."""
    blob = _blob(session, caller, sha256)
    return Response(
        status_code=200,
        headers={**served(sha256, blob.media_type), "Content-Length": str(blob.size), "Content-Type": blob.media_type},
    )


@router.get("/{sha256}", response_class=FileResponse, responses=FILE)
def download(sha256: Sha, request: Request, session: DB, caller: CurrentCaller) -> FileResponse:
    blob = _blob(session, caller, sha256)
    path = request.app.state.blob_store.path(sha256)
    if not path.exists():
        raise not_found("文件", "file")
    return FileResponse(path, media_type=blob.media_type, headers=served(sha256, blob.media_type))


@router.get("/{sha256}/thumbnail", response_class=FileResponse, responses=THUMBNAIL)
async def thumb(sha256: Sha, request: Request, session: DB, caller: CurrentCaller) -> FileResponse:
    await in_lane(_blob, session, caller, sha256)  # the session lives on the request's lane
    store = request.app.state.blob_store
    made = await run_in_threadpool(
        thumbnail, store.path(sha256), store.thumbnail_path(sha256), request.app.state.settings.thumbnail_size
    )
    if made is None:
        raise not_found("缩略图", "thumbnail")
    return FileResponse(made, media_type="image/jpeg", headers=served(sha256, "image/jpeg", "-thumbnail"))
