"""``/uploads``: the tus 1.0 protocol (core, creation, checksum, expiration, termination)."""

from __future__ import annotations

from datetime import UTC
from email.utils import format_datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Header, Path, Request, Response
from pydantic import BeforeValidator

from server.deps import DB, AppSettings, CurrentCaller, Now
from server.errors import ApiError, errors
from server.models import Upload
from server.transaction import TransactionalRoute, receives_body
from server.uploads import incoming, service

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,checksum,expiration,termination"

UploadId = Annotated[str, Path(pattern="^[0-9a-f]{32}$")]


def _digits(value: Any) -> Any:
    """tus: a length or offset is a non-negative integer in digits (pydantic alone took "5.0")."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("a non-negative integer in digits")
    return value


#: Upload-Length and Upload-Offset: digits only, at most 2**62.
ByteCount = Annotated[int, Ge(0), Le(2**62), BeforeValidator(_digits)]


async def _tus(
    caller: CurrentCaller, tus_resumable: Annotated[str | None, Header(alias="Tus-Resumable")] = None
) -> None:
    """The protocol version, checked after sign-in so strangers learn nothing (async: no hop to the lane)."""
    if tus_resumable != TUS_VERSION:
        raise ApiError(
            412, "tus_version", "不支持的 tus 协议版本", "Unsupported tus version", headers={"Tus-Version": TUS_VERSION}
        )


router = APIRouter(prefix="/uploads", tags=["uploads"], route_class=TransactionalRoute)
TusResumable = Depends(_tus)


def _headers(upload: Upload) -> dict[str, str]:
    headers = {
        "Tus-Resumable": TUS_VERSION,
        "Upload-Offset": str(upload.offset),
        "Upload-Length": str(upload.length),
        "Cache-Control": "no-store",
        "Upload-Expires": format_datetime(upload.expires_at.astimezone(UTC), usegmt=True),
    }
    if upload.completed_sha256:
        headers["Upload-Sha256"] = upload.completed_sha256  # the blob's address, for attach_photo
    return headers


@router.options("", status_code=204)
def discover(settings: AppSettings) -> Response:
    return Response(
        status_code=204,
        headers={
            "Tus-Resumable": TUS_VERSION,
            "Tus-Version": TUS_VERSION,
            "Tus-Extension": EXTENSIONS,
            "Tus-Max-Size": str(settings.max_upload_bytes),
            "Tus-Checksum-Algorithm": ",".join(incoming.CHECKSUMS),
        },
    )


async def _chunk(request: Request) -> incoming.Incoming:  # async: no hop to the lane for this
    """The request's chunk, on disk and hashed as it arrived (see :mod:`server.uploads.incoming`)."""
    received: incoming.Incoming = request.state.received
    return received


def _octets(content_type: str | None) -> None:
    if content_type != "application/offset+octet-stream":
        raise ApiError(
            415,
            "content_type",
            "内容类型须为 application/offset+octet-stream",
            "Content-Type must be application/offset+octet-stream",
        )


@router.post(
    "",
    status_code=201,
    dependencies=[TusResumable],
    responses=errors(400, 401, 412, 413, 415, 460),
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
@receives_body(incoming.receive)
def create(
    request: Request,
    chunk: Annotated[incoming.Incoming, Depends(_chunk)],
    session: DB,
    caller: CurrentCaller,
    settings: AppSettings,
    now: Now,
    upload_length: Annotated[ByteCount, Header(alias="Upload-Length")],
    upload_metadata: Annotated[str | None, Header(alias="Upload-Metadata", max_length=2000)] = None,
    content_type: Annotated[str | None, Header(alias="Content-Type")] = None,
    upload_checksum: Annotated[str | None, Header(alias="Upload-Checksum", max_length=200)] = None,
) -> Response:
    """Start an upload. Metadata ``sha256`` (hex) lets the server check the whole file at the end,
    and completes the upload at once when the caller may already use that blob (``Upload-Offset``
    is then the length, ``Upload-Sha256`` its address). The first chunk may come with the POST
    (tus creation-with-upload): ``Upload-Offset`` says how much of it was kept."""
    if chunk.size:
        _octets(content_type)
    assert chunk.upload_id is not None  # a creation's chunk names its upload
    metadata = service.parse_metadata(upload_metadata)
    upload = service.create(session, caller.actor, settings, upload_length, metadata, now, chunk.upload_id)
    if chunk.size and upload.completed_sha256 is None:
        upload = service.append(session, settings, request.app.state.blob_store, upload, chunk, upload_checksum)
    elif upload.completed_sha256 is None:
        chunk.keep()  # the upload's (empty) file
    location = str(request.url_for("upload_offset", upload_id=upload.id))
    return Response(status_code=201, headers={**_headers(upload), "Location": location})


@router.head("/{upload_id}", name="upload_offset", dependencies=[TusResumable], responses=errors(401, 404, 410, 412))
def offset(upload_id: UploadId, session: DB, caller: CurrentCaller, now: Now) -> Response:
    """Where to resume: the server's offset, whatever the client believes it sent."""
    return Response(status_code=200, headers=_headers(service.get(session, caller.actor, upload_id, now)))


@router.patch(
    "/{upload_id}",
    status_code=204,
    dependencies=[TusResumable],
    responses=errors(400, 401, 404, 409, 410, 412, 413, 415, 460),
    openapi_extra={
        "requestBody": {
            "content": {"application/offset+octet-stream": {"schema": {"type": "string", "format": "binary"}}}
        }
    },
)
@receives_body(incoming.receive)
def append(
    upload_id: UploadId,
    request: Request,
    chunk: Annotated[incoming.Incoming, Depends(_chunk)],
    session: DB,
    caller: CurrentCaller,
    settings: AppSettings,
    now: Now,
    upload_offset: Annotated[ByteCount, Header(alias="Upload-Offset")],
    content_type: Annotated[str | None, Header(alias="Content-Type")] = None,
    upload_checksum: Annotated[str | None, Header(alias="Upload-Checksum", max_length=200)] = None,
) -> Response:
    _octets(content_type)
    upload = service.get(session, caller.actor, upload_id, now, lock=True)
    if chunk.offset != upload_offset:  # a header spelled so that only FastAPI read it ("+5"): no digest then
        chunk.offset, chunk.whole = upload_offset, None
    upload = service.append(session, settings, request.app.state.blob_store, upload, chunk, upload_checksum)
    return Response(status_code=204, headers=_headers(upload))


@router.delete("/{upload_id}", status_code=204, dependencies=[TusResumable], responses=errors(401, 404, 410, 412))
def terminate(upload_id: UploadId, session: DB, caller: CurrentCaller, settings: AppSettings, now: Now) -> Response:
    service.terminate(session, settings, service.get(session, caller.actor, upload_id, now))
    return Response(status_code=204, headers={"Tus-Resumable": TUS_VERSION})
