"""Routing through :mod:`server.route_index`: the same answers as the framework's own routing.

Each request is sent twice to the same app, through the index and through the framework's router
alone (the index taken out), and must get the same status, ``Allow``, ``Location`` and body.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from server import route_index
from server.app import create_app
from server.route_index import RouteIndex
from server.settings import Settings
from tests.fixtures.city import Api

REQUESTS = [
    ("GET", "/server-info"),  # registered last
    ("HEAD", "/server-info"),
    ("POST", "/server-info"),  # 405, Allow: GET, HEAD
    ("GET", "/healthz"),
    ("GET", "/healthz/"),  # a redirect to /healthz
    ("GET", "/no/such/path"),  # unknown: 404
    ("GET", "/"),
    ("GET", "/nosuchpath"),
    ("GET", "/SYNC/pull"),
    ("GET", "/sync/pull/"),
    ("GET", "/sync/pull/extra"),
    ("POST", "/sync/pull"),
    ("PUT", "/orders"),
    ("GET", "/orders/"),
    ("GET", "/orders//1"),
    ("GET", "/orders/dispatch"),
    ("OPTIONS", "/orders/dispatch"),  # 405 with the POST only: the GET's id is an integer
    ("GET", "/orders/similar"),
    ("GET", "/orders/1"),
    ("DELETE", "/orders/1"),
    ("GET", "/orders/1/events"),
    ("POST", "/orders/1/add-note"),
    ("GET", "/orders/1/add-note"),
    ("OPTIONS", "/uploads"),
    ("PATCH", "/uploads/abc"),
    ("GET", "/blobs/" + "a" * 64),
    ("HEAD", "/blobs/" + "a" * 64),
    ("GET", "/knowledge/export.xlsx/"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/metrics/"),
]


def _answers(api: Api, signed_in: bool) -> list[tuple[Any, ...]]:
    headers = api.login("agent") if signed_in else {}
    answers = []
    for method, path in REQUESTS:
        response = api.client.request(method, path, headers=headers, follow_redirects=False)
        body = response.content if path != "/docs" else b""
        answers.append(
            (method, path, response.status_code, response.headers.get("allow"), response.headers.get("location"), body)
        )
    return answers


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_route_registered_last_and_an_unknown_path_answer_as_without_the_index(
    app: FastAPI, api: Api, signed_in: bool
) -> None:
    assert isinstance(app.router.middleware_stack, RouteIndex)
    indexed = _answers(api, signed_in)
    app.router.middleware_stack = app.router.app  # the framework's routing alone
    assert _answers(api, signed_in) == indexed
    by_request = {(method, path): (status, allow, location) for method, path, status, allow, location, _ in indexed}
    assert by_request["GET", "/server-info"][0] == 200
    assert by_request["POST", "/server-info"][:2] == (405, "GET, HEAD")
    assert by_request["GET", "/no/such/path"][0] == 404
    assert by_request["GET", "/healthz/"][0] == 307 and by_request["GET", "/healthz/"][2].endswith("/healthz")
    assert by_request["OPTIONS", "/orders/dispatch"][:2] == (405, "POST")


def test_a_request_tries_only_the_routes_its_path_can_match(app: FastAPI, api: Api) -> None:
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    assert api.client.get("/healthz").status_code == 200
    routes, _ = index._buckets["healthz", 1]
    assert [getattr(route, "path", None) for route in routes] == ["/healthz"]
    routes, _ = index._buckets["orders", 3]
    assert {getattr(route, "path", "").rsplit("/", 1)[0] for route in routes} == {"/orders/{order_id}"}
    # the app's routes are its own (no included router tried as one entry)
    assert sum(isinstance(route, APIRoute) for route in app.routes) == len(app.routes) - 4  # and the docs' four


def test_a_route_added_after_the_first_request_is_served(app: FastAPI, api: Api) -> None:
    assert api.client.get("/healthz").status_code == 200

    async def late() -> dict[str, str]:
        return {"late": "yes"}

    app.add_api_route("/late/sink", late, methods=["POST"], include_in_schema=False)
    response = api.client.post("/late/sink")
    assert response.status_code == 200 and response.json() == {"late": "yes"}


def test_the_routes_flat_describe_the_same_api_as_the_routers_included(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    flat = create_app(settings)
    monkeypatch.setattr(route_index, "include_flat", lambda app, router: app.include_router(router))
    included = create_app(settings)
    try:
        assert flat.openapi() == included.openapi()
        assert [getattr(route, "path", None) for route in flat.routes] == [
            getattr(route, "path", None) for route in _leaves(included)
        ]
    finally:
        flat.state.engine.dispose()
        included.state.engine.dispose()


def _leaves(app: FastAPI) -> list[Any]:
    return list(iter_route_contexts(app.routes))
