"""``/screen``: the wall page and ``/screen/data``, the figures it fetches every 30 seconds.

The page is one HTML document with its stylesheet and script inlined (from ``static/``), so a
single guarded request brings everything; its Content-Security-Policy allows no origin but this
server, so a wall never reaches out to the internet (no CDNs, no web fonts).
"""

from __future__ import annotations

import secrets
from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from server.deps import DB, Now
from server.errors import errors
from server.screen import service
from server.screen.access import ScreenAccess
from server.screen.schemas import ScreenData
from server.transaction import TransactionalRoute

router = APIRouter(prefix="/screen", tags=["screen"], route_class=TransactionalRoute, dependencies=[ScreenAccess])

_PRIVATE = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",  # the key is in the address
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
def page() -> HTMLResponse:
    """The wall page (1920×1080, Chinese)."""
    nonce = secrets.token_urlsafe(16)
    policy = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return HTMLResponse(page_html(nonce), headers={**_PRIVATE, "Content-Security-Policy": policy})


@router.get("/data", response_model=ScreenData, responses=errors(404))
def data(session: DB, now: Now, response: Response) -> ScreenData:
    """Aggregated figures for the wall: today, this month's rates and ranking, the week's rising issues."""
    response.headers.update(_PRIVATE)
    return service.screen_data(session, now)
