"""Who may look at the big screen: a wall display cannot type a password.

With a screen key configured (``CASEDESK_SCREEN_KEY``) the wall is given the key once, in the
address's *fragment* — ``https://server/screen#key=…`` — which a browser never sends: the page's
script posts it to ``POST /screen/session``, which answers with an HttpOnly, SameSite=Strict
cookie (Secure over https) and the script removes the fragment from the address bar. From then
on the page and ``/screen/data`` go by the cookie; the key never appears in a request line, an
access log, a proxy's log or a Referer. The cookie is an HMAC of its issue time under the key:
valid for :data:`SESSION_DAYS`, renewed by the wall's own fetches, shared by every worker without
a table, and void for every wall at once when the key is changed. Wrong keys count towards the
per-address login back-off (``server.auth.throttle``).

Without a key the page and data answer only to the machine itself (loopback: the browser of a wall
PC that runs the server, or a tunnel). Every refusal is the same 404 as a page that does not exist.
A ``?key=`` in the address is not accepted (it would land in logs).

Behind a reverse proxy on the same host, the client is the address it names in X-Forwarded-For
(``CASEDESK_TRUSTED_PROXIES``, loopback by default; see ``server.auth.addresses``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from typing import Annotated

from fastapi import Depends, Request, Response

from server.auth.addresses import client_address
from server.errors import not_found
from server.settings import Settings

COOKIE = "casedesk_screen"
SESSION_DAYS = 90
RENEW_AFTER_SECONDS = 24 * 3600


def screen_key(request: Request) -> str:
    """The configured key; empty when none."""
    settings: Settings = request.app.state.settings
    return settings.screen_key or ""


def key_matches(configured: str, given: str | None) -> bool:
    return bool(configured) and given is not None and hmac.compare_digest(given.encode(), configured.encode())


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1, or an IPv4 loopback address mapped into IPv6."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False  # no client, or a name (never what a socket reports)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _signature(key: str, issued: int) -> str:
    return hmac.new(key.encode(), f"casedesk-screen|{issued}".encode(), hashlib.sha256).hexdigest()


def session_token(key: str, issued: int | None = None) -> str:
    issued = int(time.time()) if issued is None else issued
    return f"{issued}.{_signature(key, issued)}"


def session_issued(key: str, token: str | None, now: float | None = None) -> int | None:
    """The issue time of a valid, unexpired cookie under ``key``; None otherwise."""
    if not key or not token or "." not in token:
        return None
    issued_text, signature = token.split(".", 1)
    if not issued_text.isdigit() or len(issued_text) > 12:
        return None
    issued = int(issued_text)
    now = time.time() if now is None else now
    if not hmac.compare_digest(signature.encode(), _signature(key, issued).encode()):
        return None
    if not issued - 300 <= now <= issued + SESSION_DAYS * 86400:
        return None
    return issued


def set_session_cookie(request: Request, response: Response, key: str) -> None:
    settings: Settings = request.app.state.settings
    response.set_cookie(
        COOKIE,
        session_token(key),
        max_age=SESSION_DAYS * 86400,
        path="/screen",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https" or settings.hsts,
    )


def allowed(request: Request) -> bool:
    """The access rule of the module docstring."""
    configured = screen_key(request)
    if configured:
        return session_issued(configured, request.cookies.get(COOKIE)) is not None
    return is_loopback(client_address(request, request.app.state.settings))


def require_screen_access(request: Request, response: Response) -> None:
    """Dependency of ``/screen/data``: 404 unless :func:`allowed`; renews an aging cookie."""
    if not allowed(request):
        raise not_found("页面", "page")
    configured = screen_key(request)
    issued = session_issued(configured, request.cookies.get(COOKIE))
    if issued is not None and time.time() - issued > RENEW_AFTER_SECONDS:
        set_session_cookie(request, response, configured)


ScreenAccess = Depends(require_screen_access)
ScreenAllowed = Annotated[None, ScreenAccess]
