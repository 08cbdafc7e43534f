"""Security headers on every answer: API JSON, errors (404, 405, 413, 500), /docs, /screen, files.

One ASGI wrapper around the whole application, outside even Starlette's error middleware, so an
unhandled exception's 500 carries them too. A header a route set itself (a blob's sandbox CSP and
long cache, the screen page's nonce CSP) is kept; the rest are added.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Nothing may frame, embed or be loaded by an API answer; browsers get no referrer, no features.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

#: FastAPI's /docs and /redoc load Swagger UI / ReDoc from jsDelivr with inline start-up scripts.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "connect-src 'self'; worker-src blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")

ALWAYS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"permissions-policy": (
        b"accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
        b"payment=(), usb=(), interest-cohort=()"
    ),
    b"cross-origin-opener-policy": b"same-origin",
    b"cross-origin-resource-policy": b"same-origin",
}

HSTS = b"max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Adds :data:`ALWAYS`, a CSP, ``Cache-Control: no-store`` (answers carry personal data: the
    default for every route that does not choose its own) and, over https or when ``hsts`` is set
    (TLS ended at a proxy), Strict-Transport-Security."""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else API_POLICY
        hsts = self.hsts or scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = dict(ALWAYS)
                wanted[b"content-security-policy"] = policy.encode()
                wanted[b"cache-control"] = b"no-store"
                if hsts:
                    wanted[b"strict-transport-security"] = HSTS
                headers += [(name, value) for name, value in wanted.items() if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
