"""The FastAPI application."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casework.schemas import API_VERSION, ServerInfo
from server import route_index
from server.auth.device_endpoints import router as devices_router
from server.auth.endpoints import router as auth_router
from server.auth.endpoints import users_router as password_reset_router
from server.blobs.endpoints import router as blobs_router
from server.blobs.store import BlobStore
from server.calendar.endpoints import router as calendar_router
from server.centre.endpoints import router as centre_router
from server.db import make_engine, make_session_factory, utcnow, write_intent
from server.errors import install_handlers
from server.headers import SecurityHeaders
from server.instance import instance_id
from server.knowledge.endpoints import router as knowledge_router
from server.lanes import Admission
from server.measures.endpoints import router as measures_router
from server.notifications import service as notifications
from server.notifications.endpoints import router as notifications_router
from server.observability import metrics
from server.observability.endpoints import router as observability_router
from server.observability.middleware import Observe
from server.orders.endpoints import router as orders_router
from server.org.endpoints import router as org_router
from server.review.endpoints import router as review_router
from server.screen.endpoints import router as screen_router
from server.settings import Settings, get_settings
from server.sync.endpoints import router as sync_router
from server.uploads.endpoints import router as uploads_router

MAX_JSON_BODY = 1_000_000

log = logging.getLogger("casedesk.server")


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {
            "code": "too_large",
            "message_zh": "提交的内容过大",
            "message_en": "The request body is too large",
            "detail": {"limit": limit},
        },
        413,
    )


class BodyLimit:
    """Refuse oversized request bodies before they are read into memory.

    A declared Content-Length over the limit is refused at once. An HTTP/1 request with a length
    within the limit, or with neither a length nor a chunked body (no body), passes untouched: its
    framing bounds the body. A chunked body (or any over HTTP/2) is counted as it arrives, and once
    over the limit the application sees the client gone and the caller gets the 413 (whatever the
    application would have answered is dropped).
    """

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int) -> None:
        self.app, self.json_limit, self.upload_limit = app, limit, upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Upload chunks may be larger than any JSON request.
        path = scope["path"]
        # /uploads takes a tus chunk too (creation-with-upload), as /uploads/{id} does
        limit = self.upload_limit if path == "/uploads" or path.startswith("/uploads/") else self.json_limit
        length = chunked = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = value
            elif name == b"transfer-encoding":
                chunked = value
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(limit)(scope, receive, send)
            return
        if chunked is None and scope.get("http_version") in ("1.1", "1.0"):
            # HTTP/1 framing: the body is the declared length, within the limit, or none at all.
            await self.app(scope, receive, send)
            return
        received = 0
        exceeded = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                exceeded = True
                return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not exceeded:
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded:
            await _too_large(limit)(scope, receive, send)


class CaseServer(FastAPI):
    """FastAPI with :class:`server.headers.SecurityHeaders` outside its whole middleware stack, and
    :class:`server.observability.middleware.Observe` outside that."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        # Outermost: the request id, the access line and the request metrics see every answer.
        return Observe(SecurityHeaders(super().build_middleware_stack(), hsts=settings.hsts))


async def _warning_passes(app: FastAPI) -> None:
    """Every ``warning_interval_seconds``, one warning pass (server.notifications.service.warn) on a
    writing lane like any request: no cron to forget. Idempotent, so several workers may each run it."""
    settings: Settings = app.state.settings

    def one_pass() -> int:
        with write_intent(True):
            session = app.state.session_factory()
            try:
                stored = notifications.warn(session, settings, app.state.clock())
                session.commit()
                return stored
            finally:
                session.close()

    while True:
        await asyncio.sleep(settings.warning_interval_seconds)
        try:
            async with app.state.admission.lane(writes=True) as lane:
                stored = await lane.run(one_pass)
            if stored:
                log.info("warning pass: %d notifications stored", stored)
        except asyncio.CancelledError:
            raise
        except Exception:  # a busy or unreachable database: the next pass tries again
            log.exception("warning pass failed")


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    task = asyncio.create_task(_warning_passes(app)) if settings.warning_interval_seconds > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def create_app(settings: Settings | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings = settings or get_settings()
    app = CaseServer(
        title="CaseDesk case server",
        version="0.1.0",
        description="The central case server of CaseDesk: 12345 hotline work orders for departments.",
        lifespan=_lifespan,
    )
    engine = make_engine(
        settings.effective_database_url, pool_size=settings.db_pool_size, pool_timeout=settings.db_queue_timeout_seconds
    )
    app.state.settings = settings
    app.state.engine = engine
    # One lane per pooled connection; on SQLite one writer at a time (see server.lanes).
    app.state.admission = Admission(
        settings.db_pool_size,
        settings.effective_queue_limit,
        settings.db_queue_timeout_seconds,
        single_writer=engine.dialect.name == "sqlite",
    )
    app.state.session_factory = make_session_factory(engine)
    app.state.clock = clock
    app.state.blob_store = BlobStore(settings.blob_dir)
    install_handlers(app)
    metrics.install_session_hooks()
    metrics.watch_pool(engine)
    # Each router's routes in the app's own list (server.route_index), in this order; a request tries
    # only the routes its path can match (no two routers share a path, so the order changes nothing).
    for router in (
        sync_router,
        auth_router,
        devices_router,
        org_router,
        password_reset_router,
        orders_router,
        calendar_router,
        review_router,
        blobs_router,
        uploads_router,
        measures_router,
        screen_router,
        centre_router,
        knowledge_router,
        notifications_router,
        observability_router,
    ):
        route_index.include_flat(app, router)

    def _ping() -> None:
        with write_intent(False), engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    @app.get("/healthz", tags=["health"])
    async def healthz(request: Request) -> dict[str, str]:
        # Through the lanes like any request: a health check never takes a connection of its own.
        async with request.app.state.admission.lane(writes=False) as lane:
            await lane.run(_ping)
        return {"status": "ok"}

    @app.get("/server-info", tags=["health"], response_model=ServerInfo)
    def server_info() -> ServerInfo:
        """Who this server is, without signing in: its instance id (stable across address changes),
        name, software version and API version."""
        if not hasattr(app.state, "instance_id"):
            app.state.instance_id = instance_id(engine)
        return ServerInfo(
            id=app.state.instance_id, name=settings.server_name, version=app.version, api_version=API_VERSION
        )

    app.add_middleware(BodyLimit, limit=MAX_JSON_BODY, upload_limit=settings.max_upload_chunk_bytes)
    route_index.install(app)
    return app


def served_app() -> FastAPI:
    """The app as ``serve`` runs it, built once in each worker: :func:`create_app`, then what the
    start made (the routes and their models, the mappers, the engine: ~235,000 objects that live as
    long as the worker) moved out of the cyclic garbage collector's sight (``gc.freeze``). A full
    collection walked them all, every lane of the worker stopped meanwhile (0.1–0.2 s under load:
    the writes' slowest answers). Not in :func:`create_app`: a test process builds many apps and
    must be able to collect them."""
    app = create_app()
    gc.collect()  # nothing already garbage is frozen
    gc.freeze()
    return app
