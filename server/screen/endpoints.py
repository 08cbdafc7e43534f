"""``/screen``: the wall page and ``/screen/data``, the figures it fetches every 30 seconds.

The page is one HTML document with its stylesheet and script inlined (from ``static/``), so a
single guarded request brings everything; its Content-Security-Policy allows no origin but this
server, so a wall never reaches out to the internet (no CDNs, no web fonts).
"""

from __future__ import annotations

import secrets
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from server.auth import throttle
from server.deps import DB, AppSettings, ClientAddress, Now
from server.errors import errors, not_found
from server.screen import service
from server.screen.access import ScreenAccess, allowed, key_matches, screen_key, set_session_cookie
from server.screen.schemas import ScreenData, ScreenSessionIn
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/screen", tags=["screen"], route_class=TransactionalRoute)

_PRIVATE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
}


@cache
def _asset(name: str) -> str:
    return resources.files("server.screen").joinpath("static", name).read_text(encoding="utf-8")


def page_html(nonce: str) -> str:
    """The page with its CSS and JS inlined under ``nonce`` (see the CSP of :func:`page`)."""
    return (
        _asset("screen.html")
        .replace("{{nonce}}", nonce)
        .replace("/*{{css}}*/", _asset("screen.css"))
        .replace("/*{{js}}*/", _asset("screen.js"))
    )


@router.get("", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request) -> HTMLResponse:
    """The wall page (1920×1080, Chinese). It holds no figures: with a key configured it is served to
    anyone, because a new wall must load it to hand over the key in its fragment."""
    if not allowed(request) and not screen_key(request):
        raise not_found("页面", "page")
    nonce = secrets.token_urlsafe(16)
    policy = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return HTMLResponse(page_html(nonce), headers={**_PRIVATE, "Content-Security-Policy": policy})


@router.post("/session", status_code=204, responses=errors(404, 429))
def open_session(
    body: ScreenSessionIn,
    request: Request,
    response: Response,
    session: DB,
    settings: AppSettings,
    now: Now,
    address: ClientAddress,
) -> None:
    """Exchange the screen key (in the body, never in an address) for the wall's HttpOnly cookie.
    A wrong key answers 404 and counts towards the address's login back-off."""
    throttle.refuse_if_locked(session, None, address, now)
    configured = screen_key(request)
    if not key_matches(configured, body.key):
        throttle.record_failure(session, None, address, settings, now)
        error = not_found("页面", "page")
        error.keep_changes = True
        raise error
    response.headers.update(_PRIVATE)
    set_session_cookie(request, response, configured)


@router.get("/data", response_model=ScreenData, responses=errors(404), dependencies=[ScreenAccess])
def data(session: DB, now: Now, response: Response) -> ScreenData:
    """Aggregated figures for the wall: today, this month's rates and ranking, the week's rising issues."""
    response.headers.update(_PRIVATE)
    return service.screen_data(session, now)
