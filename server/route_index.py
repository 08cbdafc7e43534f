"""Routing without trying every route: the app's routes flat, and an index of them by path shape.

Starlette (and FastAPI) match a request by trying the routes one after another, in order, until one
matches; FastAPI 0.16x's ``include_router`` moreover keeps each included router as one entry that
tries its own routes with scope bookkeeping, and tries the matched one again to handle it. Every
request paid for every route registered before its own (~50 patterns for ``/healthz``, ~30 % of
its CPU in the server).

- :func:`include_flat` adds a router's routes to the app one by one, as ``include_router`` did
  before FastAPI 0.16x: the same routes (class, path, tags, dependencies, responses, name,
  operation id — the OpenAPI document is the same), in the app's own list.
- :class:`RouteIndex` sits where the app's router starts its matching. For a request it tries only
  the routes that can match the path — those whose template has the same first segment and as many
  segments, in their order among all routes, with every route it cannot index (a parameter in the
  first segment, a ``:path`` or unknown converter, a mount, anything not a plain route) — and lets
  the framework's own router handle the one that matched. A path none of them matches goes to the
  framework's router whole, so a 404, a redirect to the path with or without its trailing slash, a
  fallback route and a lifespan or websocket scope are handled as before.

A route left out cannot match the path (its regex begins with the literal first segment and
matches exactly its number of segments), so the first route that matches in full — or, failing
that, the first that matches the path but not the method (405) — is the one the whole list gives.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from starlette.convertors import FloatConvertor, IntegerConvertor, StringConvertor, UUIDConvertor
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Receive, Scope, Send

#: Converters whose values never hold a ``/`` (``path``'s does).
_ONE_SEGMENT = (StringConvertor, IntegerConvertor, FloatConvertor, UUIDConvertor)

#: Keyword arguments of ``add_api_route`` taken from each route when the route has them (newer
#: FastAPI versions have more of them).
_ROUTE_OPTIONS = (
    "response_model",
    "status_code",
    "tags",
    "dependencies",
    "summary",
    "description",
    "response_description",
    "responses",
    "deprecated",
    "methods",
    "operation_id",
    "response_model_include",
    "response_model_exclude",
    "response_model_by_alias",
    "response_model_exclude_unset",
    "response_model_exclude_defaults",
    "response_model_exclude_none",
    "include_in_schema",
    "response_class",
    "name",
    "callbacks",
    "openapi_extra",
    "generate_unique_id_function",
    "strict_content_type",
    "max_body_size",
    "form_limits",
)


def include_flat(app: FastAPI, router: APIRouter) -> None:
    """Add ``router``'s routes (its prefix already in their paths) to ``app`` one by one, each of
    its own class, with the app's dependency overrides — what ``include_router`` did before FastAPI
    0.16x kept an included router as one entry. A router whose routes are not all API routes, or
    that has startup or shutdown handlers of its own, is included the framework's way."""
    routes = [route for route in router.routes if isinstance(route, APIRoute)]
    if len(routes) != len(router.routes) or router.on_startup or router.on_shutdown:
        app.include_router(router)
        return
    for route in routes:
        options = {name: getattr(route, name) for name in _ROUTE_OPTIONS if hasattr(route, name)}
        app.router.add_api_route(route.path, route.endpoint, route_class_override=type(route), **options)


def _shape(route: BaseRoute) -> tuple[str, int] | None:
    """(first segment, number of segments) of every path ``route`` can match, or None when that
    cannot be told from its template."""
    if not isinstance(route, Route) or type(route).matches not in (Route.matches, APIRoute.matches):
        return None  # a mount, a host, a websocket route, an included router, a route matching its own way
    convertors = getattr(route, "param_convertors", None)
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not path.startswith("/") or not isinstance(convertors, dict):
        return None
    if not all(type(convertor) in _ONE_SEGMENT for convertor in convertors.values()):
        return None
    segments = path[1:].split("/")
    if "{" in segments[0]:
        return None
    return segments[0], len(segments)


class RouteIndex:
    """The router's entry point (its ``middleware_stack``): the routes that can match a request's
    path tried first, the router's own matching for everything else (see the module's docstring).

    The index is built at the first request and again whenever the number of routes changed (a
    route added after the app was made, as the benchmarks' sink)."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self._count = -1
        self._buckets: dict[tuple[str, int], tuple[Sequence[BaseRoute], APIRouter]] = {}
        self._everywhere: tuple[Sequence[BaseRoute], APIRouter] = ((), router)

    def _build(self) -> None:
        routes = list(self.router.routes)
        shapes = [_shape(route) for route in routes]
        keys = {shape for shape in shapes if shape is not None}
        buckets = {
            key: self._narrowed([r for r, s in zip(routes, shapes, strict=True) if s is None or s == key])
            for key in keys
        }
        self._everywhere = self._narrowed([r for r, s in zip(routes, shapes, strict=True) if s is None])
        self._buckets, self._count = buckets, len(routes)

    def _narrowed(self, routes: list[BaseRoute]) -> tuple[Sequence[BaseRoute], APIRouter]:
        """``routes`` and a copy of the router that tries only them (reached only once one of them
        matched: its own fallbacks — redirect, 404 — are never used)."""
        narrowed = copy.copy(self.router)
        narrowed.routes = routes
        return routes, narrowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            if len(self.router.routes) != self._count:
                self._build()
            path: str = scope["path"]
            segments = path.count("/")
            first = path[1 : path.find("/", 1)] if segments > 1 else path[1:]
            routes, narrowed = self._buckets.get((first, segments), self._everywhere)
            for route in routes:
                match, _ = route.matches(scope)
                if match is not Match.NONE:
                    scope.setdefault("router", self.router)  # url_for: every route, not the narrowed few
                    await narrowed.app(scope, receive, send)
                    return
        await self.router.app(scope, receive, send)


def install(app: FastAPI) -> None:
    """Put a :class:`RouteIndex` in front of ``app``'s router (unless the router has middleware of
    its own, which must stay in front of its matching)."""
    if app.router.middleware_stack == app.router.app:
        app.router.middleware_stack = RouteIndex(app.router)
