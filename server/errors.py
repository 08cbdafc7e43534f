"""API errors: every failure answers a machine-readable code and a message in Chinese and English."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from casework.errors import CommandRefused, Refusal
from casework.schemas import ErrorBody


class ApiError(Exception):
    """An error the caller can act on; ``status`` is a 4xx."""

    def __init__(
        self,
        status: int,
        code: str,
        zh: str,
        en: str,
        detail: Any = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(f"{code}: {en}")
        self.status, self.code, self.zh, self.en = status, code, zh, en
        self.detail = detail
        self.headers = headers
        # A refusal that must still be recorded (a failed login, a revoked token family)
        # commits the request's transaction instead of rolling it back.
        self.keep_changes = keep_changes


_DESCRIPTIONS = {
    400: "Bad request (an unsupported checksum algorithm)",
    401: "Not signed in, or the token expired, was revoked or forged",
    403: "Your role may not do this",
    404: "No such record, or not visible to you",
    409: "Wrong state, stale version or duplicate",
    410: "Gone (an expired upload)",
    412: "Unsupported protocol version",
    413: "Too large",
    415: "Unsupported content",
    422: "Invalid input",
    429: "Too many failed sign-ins",
    460: "Checksum mismatch",
    503: "The server is busy: retry after the seconds in Retry-After",
}


def errors(*statuses: int, refusals: dict[str, str] | None = None) -> dict[int | str, dict[str, Any]]:
    """OpenAPI documentation of the bilingual error body for these statuses (and 422, and 503 when
    the server is saturated: see server.lanes).

    ``refusals`` names the 422 codes besides ``invalid_input`` that the operation answers for input
    its schema cannot refuse (a cursor this server never gave, a category that does not exist)."""
    documented: dict[int | str, dict[str, Any]] = {
        s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in sorted({*statuses, 422, 503})
    }
    if refusals:
        named = "; ".join(f"`{code}`: {meaning}" for code, meaning in refusals.items())
        documented[422] = {"model": ErrorBody, "description": f"Invalid input (`invalid_input`); {named}"}
    return documented


#: 422 codes for references the schema cannot check: which ids and codes exist is the database's.
UNKNOWN_DEPARTMENT = {"unknown_department": "no such department (or not one the caller may name)"}
UNKNOWN_CATEGORY = {"unknown_category": "no such category code"}


def not_found(what_zh: str = "记录", what_en: str = "record") -> ApiError:
    return ApiError(
        404, "not_found", f"{what_zh}不存在或无权访问", f"The {what_en} does not exist or is not visible to you"
    )


def unauthorized(code: str = "unauthorized", zh: str = "请先登录", en: str = "Please sign in") -> ApiError:
    # RFC 6750: the reason in the header too, for answers without a body (HEAD).
    header = f'Bearer error="invalid_token", error_description="{code}"' if code != "unauthorized" else "Bearer"
    return ApiError(401, code, zh, en, headers={"WWW-Authenticate": header})


def forbidden(zh: str = "您无权执行此操作", en: str = "You may not do this") -> ApiError:
    return ApiError(403, "forbidden", zh, en)


def stale_version(current: int) -> ApiError:
    return ApiError(
        409,
        "stale_version",
        "工单已被他人修改，请刷新后重试",
        "The order was changed by someone else; reload and try again",
        detail={"current_version": current},
    )


def invalid(code: str, zh: str, en: str, detail: Any = None) -> ApiError:
    return ApiError(422, code, zh, en, detail)


# Role refusals are 403, missing input 422; everything else the state machine refuses is a
# 409 conflict with the order's present state.
_REFUSAL_STATUS = {
    Refusal.ROLE_NOT_ALLOWED: 403,
    Refusal.OWN_REPLY: 403,
    Refusal.NOT_YOUR_LEVEL: 403,
    Refusal.DEPARTMENT_REQUIRED: 422,
    Refusal.CLOSE_REASON_REQUIRED: 422,
}


def _body(code: str, zh: str, en: str, detail: Any = None) -> dict[str, Any]:
    return {"code": code, "message_zh": zh, "message_en": en, "detail": detail}


def install_handlers(app: FastAPI) -> None:
    """Turn every known error into the bilingual error body."""

    @app.exception_handler(ApiError)
    async def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(_body(exc.code, exc.zh, exc.en, exc.detail), exc.status, headers=exc.headers)

    @app.exception_handler(CommandRefused)
    async def _refused(_: Request, exc: CommandRefused) -> JSONResponse:
        status = _REFUSAL_STATUS.get(exc.refusal, 409)
        return JSONResponse(_body(exc.code, exc.message_zh, exc.message_en, exc.detail), status)

    @app.exception_handler(StaleDataError)
    async def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return JSONResponse(
            _body(
                "stale_version",
                "工单已被他人修改，请刷新后重试",
                "The order was changed by someone else; reload and try again",
            ),
            409,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type"), "msg": e.get("msg")}
            for e in exc.errors()
        ]
        return JSONResponse(
            _body(
                "invalid_input",
                "提交的内容有误，请检查后重试",
                "The request is invalid; check it and try again",
                errors,
            ),
            422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # the framework could not even parse the body (not UTF-8, say)
            return JSONResponse(
                _body("invalid_input", "提交的内容无法解析，请检查后重试", "The request body cannot be parsed"), 422
            )
        texts = {
            404: ("not_found", "地址不存在", "No such address"),
            405: ("method_not_allowed", "不支持该请求方法", "Method not allowed"),
        }
        code, zh, en = texts.get(exc.status_code, ("http_error", "请求无法处理", str(exc.detail)))
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return JSONResponse(_body(code, zh, en), exc.status_code, headers=headers or None)


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's).

    A route counts only when its path parameters accept the segments: ``/orders/dispatch`` matches
    the pattern of ``/orders/{order_id}`` but not its integer id, so GET is not offered there.
    """
    path = request.scope.get("path", "")
    methods: set[str] = set()
    for route, route_methods in _routes(request.app.routes):
        match = route.path_regex.match(path)
        if match and _parameters_fit(route, match.groupdict()):
            methods |= route_methods
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _parameters_fit(route: Any, values: dict[str, str]) -> bool:
    """Whether each typed path parameter of the route validates (a route without a dependant fits)."""
    dependant = getattr(route, "dependant", None)
    for field in getattr(dependant, "path_params", ()):
        if field.alias in values:
            _, problems = field.validate(values[field.alias], {}, loc=("path", field.alias))
            if problems:
                return False
    return True


def _routes(routes: Any) -> Any:
    """(route, methods) of every route, looking into included routers (FastAPI wraps them)."""
    for route in routes:
        regex, methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and methods:
            yield route, methods
        for attribute in ("_effective_candidates", "routes"):
            inner = getattr(route, attribute, None)
            if inner and inner is not routes:
                yield from _routes(inner)
