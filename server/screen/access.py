"""Who may look at the big screen: a wall display cannot type a password.

With a screen key configured (``CASEDESK_SCREEN_KEY``) the page and its data answer only to a
request that carries it as ``?key=``, compared in constant time. Without one they answer only to
the machine itself (loopback: the browser of a wall PC that runs the server, or a tunnel). Every
refusal is the same 404 as a page that does not exist, so a prober learns nothing.

Behind a reverse proxy on the same host every request comes from loopback unless the proxy passes
``X-Forwarded-For`` (``serve`` trusts it from 127.0.0.1): configure a key there.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, Query, Request

from server.errors import not_found


def screen_key(request: Request) -> str:
    """The configured key; empty when none (the setting may not exist in older settings)."""
    return getattr(request.app.state.settings, "screen_key", "") or ""


def allowed(configured: str, given: str | None, client_host: str | None) -> bool:
    """The access rule of the module docstring."""
    if configured:
        return given is not None and hmac.compare_digest(given.encode(), configured.encode())
    return is_loopback(client_host)


def is_loopback(host: str | None) -> bool:
    """127.0.0.0/8, ::1, or an IPv4 loopback address mapped into IPv6."""
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False  # no client, or a name (never what a socket reports)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def require_screen_access(
    request: Request,
    key: Annotated[str | None, Query(max_length=200, description="The screen key (CASEDESK_SCREEN_KEY)")] = None,
) -> None:
    """Dependency of every screen route: 404 unless :func:`allowed`."""
    client = request.client.host if request.client else None
    if not allowed(screen_key(request), key, client):
        raise not_found("页面", "page")


ScreenAccess = Depends(require_screen_access)
