"""``/metrics`` (for Prometheus, guarded), ``/livez`` (the process answers) and ``/readyz`` (it can work).

Neither is in the OpenAPI schema: they are for the operators' tools, not for desks.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import secrets
import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from server.auth.addresses import client_address
from server.db import write_intent
from server.errors import ApiError
from server.observability import metrics
from server.settings import Settings

router = APIRouter(include_in_schema=False, tags=["health"])
#: A database that neither answers nor refuses (a host gone from the network) makes /readyz say so in time.
READY_TIMEOUT_SECONDS = 5.0
log = logging.getLogger("casedesk.health")


def _allowed(request: Request, settings: Settings) -> bool:
    if settings.metrics_token:
        given = request.headers.get("authorization", "")
        if secrets.compare_digest(given.encode(), f"Bearer {settings.metrics_token}".encode()):
            return True
    try:
        address = ipaddress.ip_address(client_address(request, settings))
    except ValueError:
        return False
    networks = [ipaddress.ip_network(p.strip(), strict=False) for p in settings.metrics_allow.split(",") if p.strip()]
    return any(address in network for network in networks)


@router.get("/metrics")
def scrape(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not _allowed(request, settings):
        raise ApiError(
            403,
            "metrics_forbidden",
            "无权读取运行指标",
            "Metrics are served to the configured addresses or with the metrics token only",
        )
    body = metrics.render(request.app.state.engine)  # for every worker of this server
    return Response(body, media_type=metrics.CONTENT_TYPE)


@router.get("/livez")
def livez() -> dict[str, str]:
    """The process answers: nothing else is touched (a liveness probe that restarts on failure
    must not restart a server whose database is down)."""
    return {"status": "ok"}


def _writable(directory: Path) -> str | None:
    """None when a file can be made and removed in ``directory``; else why not (logged with the path)."""
    probe = directory / f".ready-{uuid.uuid4().hex}"
    try:
        directory.mkdir(parents=True, exist_ok=True)  # as serve and the upload service make it
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        log.warning("not ready: %s is not writable (%s)", directory, reason)
        return f"not writable ({reason})"
    return None


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """200 when a real query answers and the blob and upload directories take a file; else 503 and why."""
    settings: Settings = request.app.state.settings
    engine = request.app.state.engine
    checks: dict[str, str] = {}

    def ping() -> None:
        with write_intent(False), engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM server_instance"))

    try:
        async with request.app.state.admission.lane(writes=False) as lane:
            await asyncio.wait_for(lane.run(ping), READY_TIMEOUT_SECONDS)
        checks["database"] = "ok"
    except TimeoutError:
        log.warning("not ready: the database did not answer within %s s", READY_TIMEOUT_SECONDS)
        checks["database"] = f"no answer within {READY_TIMEOUT_SECONDS:g} s"
    except SQLAlchemyError as exc:
        log.warning("not ready: the database does not answer: %s", str(getattr(exc, "orig", None) or exc).strip())
        checks["database"] = f"does not answer ({exc.__class__.__name__})"
    for name, directory in (("blobs", settings.blob_dir), ("uploads", settings.upload_dir)):
        checks[name] = _writable(directory) or "ok"
    if all(value == "ok" for value in checks.values()):
        return JSONResponse({"status": "ok", "checks": checks})
    return JSONResponse(
        {
            "code": "not_ready",
            "message_zh": "服务器暂不可用：" + "；".join(f"{k} {v}" for k, v in checks.items() if v != "ok"),
            "message_en": "The server is not ready: " + "; ".join(f"{k} {v}" for k, v in checks.items() if v != "ok"),
            "detail": {"checks": checks},
        },
        503,
    )
