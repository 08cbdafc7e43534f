"""Security headers on every answer: every route of the app (each method, signed in and not),
404, 405, 413, 500, /docs and /openapi.json, the screen page; HSTS over https or when set."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Route

from server.settings import Settings
from tests.server.support import Api

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def _check(response: Any, what: str) -> None:
    headers = response.headers
    for name, value in EXPECTED.items():
        assert headers.get(name) == value, f"{what} ({response.status_code}): {name}={headers.get(name)!r}"
    assert "camera=()" in headers.get("permissions-policy", ""), what
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy or "sandbox" in policy, f"{what}: CSP {policy!r}"
    assert headers.get("cache-control"), what
    if response.status_code != 200 or response.headers.get("content-type", "").startswith("application/json"):
        assert headers["cache-control"] == "no-store", f"{what}: {headers['cache-control']}"


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _walk(routes: Any) -> Iterator[Any]:
    """Every route of ``app.routes``, looking into included routers (FastAPI wraps each one; the
    app includes them without a prefix of its own, so their routes' paths are the app's)."""
    for route in routes:
        if isinstance(route, APIRoute | Route):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _walk(inner.routes)


def _routes(app: FastAPI) -> list[tuple[str, str]]:
    return sorted({(m, _concrete(r.path)) for r in _walk(app.routes) for m in r.methods or ()})


def test_every_route_answers_with_the_headers(app: FastAPI, client: TestClient, api: Api) -> None:
    walked = list(_routes(app))
    assert len(walked) > 40, walked  # the walk really covers the app
    admin = api.login("admin")
    for method, path in walked:
        for headers in ({}, admin):
            response = client.request(method, path, headers=headers, json={} if method != "GET" else None)
            assert response.status_code < 500, (method, path, response.text)
            _check(response, f"{method} {path}")


def test_errors_docs_and_the_screen_carry_them(app: FastAPI, client: TestClient) -> None:
    _check(client.get("/no/such/page"), "404")
    _check(client.delete("/orders"), "405")
    _check(client.post("/sync/push", content=b"x" * 2_000_000, headers={"content-type": "application/json"}), "413")
    _check(client.get("/screen"), "screen page")
    _check(client.get("/screen/data"), "screen data (refused)")
    docs = client.get("/docs")
    assert docs.status_code == 200
    _check(docs, "/docs")
    # Swagger UI's own scripts and styles are allowed, nothing else.
    assert "https://cdn.jsdelivr.net" in docs.headers["content-security-policy"]
    _check(client.get("/openapi.json"), "/openapi.json")
    assert "strict-transport-security" not in client.get("/healthz").headers


def test_a_crash_answers_500_with_the_headers(app: FastAPI) -> None:
    @app.get("/boom-for-test")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom-for-test")
    assert response.status_code == 500
    _check(response, "500")


@pytest.mark.parametrize("how", ["https", "setting"])
def test_hsts_over_https_or_when_set(settings: Settings, how: str) -> None:
    from server.app import create_app

    if how == "setting":
        settings = settings.model_copy(update={"hsts": True})
    app = create_app(settings)
    base = "https://testserver" if how == "https" else "http://testserver"
    with TestClient(app, base_url=base) as c:
        assert c.get("/healthz").headers["strict-transport-security"].startswith("max-age=31536000")
    app.state.engine.dispose()
