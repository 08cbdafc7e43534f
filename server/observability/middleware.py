"""One ASGI wrapper outside the whole application: request id, access log line, request metrics.

- ``X-Request-ID``: the caller's (the desk sends one per request and logs it), when it is a
  short token of letters, digits and ``-_.:``; otherwise one is made here. It is answered in
  the response's ``X-Request-ID`` and stamped on every log line written for the request.
- The route is the template (``/orders/{order_id}``), never the path: one series per endpoint,
  and no order number or upload id in a metric label. A path no route matches is ``<unmatched>``.
- The signed-in user's id is put on ``request.state.user_id`` by :mod:`server.deps` once the
  token is checked, and read back here for the access line.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.observability import metrics
from server.observability.logs import CURRENT, UNMATCHED, RequestContext

access_log = logging.getLogger("casedesk.access")
error_log = logging.getLogger("casedesk.error")

HEADER = b"x-request-id"
#: The status logged for a request whose caller went away before the answer (nginx's "client closed request").
CLIENT_CLOSED_REQUEST = 499
_ACCEPTABLE = re.compile(rb"[A-Za-z0-9._:-]{1,128}")

#: Route templates whose requests feed the sync and upload metrics (an upload's first chunk may
#: come with its creation: tus creation-with-upload).
PULL, PUSH = ("GET", "/sync/pull"), ("POST", "/sync/push")
UPLOAD_CREATE, UPLOAD_CHUNK = ("POST", "/uploads"), ("PATCH", "/uploads/{upload_id}")


def request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == HEADER and _ACCEPTABLE.fullmatch(value):
            return bytes(value).decode("ascii")
    return uuid.uuid4().hex


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        context = RequestContext(request_id=request_id(scope), method=scope["method"], scope=scope)
        token = CURRENT.set(context)
        rid = context.request_id.encode("ascii")
        status = 500
        completed_upload = False
        received = 0
        offset = -1  # the answer's Upload-Offset

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            return message

        async def stamped_send(message: Message) -> None:
            nonlocal status, completed_upload, offset
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                completed_upload = any(k.lower() == b"upload-sha256" for k, _ in headers)
                offset = next((int(v) for k, v in headers if k.lower() == b"upload-offset" and v.isdigit()), -1)
                message = {**message, "headers": [*headers, (HEADER, rid)]}
            await send(message)

        try:
            await self.app(scope, counting_receive, stamped_send)
        except ClientDisconnect:
            # The caller went away mid-request (a link cut during an upload's chunk): the field's
            # everyday weather, not a fault of ours — logged as such, and nothing left to answer.
            status = CLIENT_CLOSED_REQUEST
        except Exception:
            status = 500
            error_log.exception("unhandled error")
            raise
        finally:
            elapsed = time.perf_counter() - started
            route = context.route or UNMATCHED
            _count(scope["method"], route, status, elapsed, received, completed_upload, offset)
            access_log.info(
                "%s %s %d %.1fms",
                scope["method"],
                route,
                status,
                elapsed * 1000,
                extra={"route": route, "status": status, "duration_ms": round(elapsed * 1000, 1)},
            )
            CURRENT.reset(token)


#: The request counter's and the latency histogram's series of each (method, route, status), looked up
#: once: prometheus_client's ``labels`` checks and locks at each call (as many series as it keeps).
_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _count(
    method: str, route: str, status: int, elapsed: float, received: int, completed_upload: bool, offset: int
) -> None:
    series = _SERIES.get((method, route, status))
    if series is None:
        series = _SERIES[method, route, status] = (
            metrics.REQUESTS.labels(method, route, str(status)),
            metrics.LATENCY.labels(method, route),
        )
    series[0].inc()
    series[1].observe(elapsed)
    key = (method, route)
    if key == PULL:
        metrics.SYNC_PULLS.labels(str(status)).inc()
    elif key == PUSH:
        metrics.SYNC_PUSHES.labels(str(status)).inc()
    elif (key == UPLOAD_CHUNK and status == 204) or (key == UPLOAD_CREATE and status == 201 and 0 < received == offset):
        # A creation's chunk counts when it is what the upload kept (not when the blob was there already).
        metrics.UPLOAD_BYTES.inc(received)
        if completed_upload:
            metrics.UPLOADS_COMPLETED.inc()
