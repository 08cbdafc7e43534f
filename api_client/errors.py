"""Client-side errors: every failure carries a code and a message fit to show a user, in Chinese and English."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, overload

import requests

if TYPE_CHECKING:  # pydantic loads when an answer is read, not when the client is imported
    from pydantic import BaseModel, TypeAdapter

_M = TypeVar("_M", bound="BaseModel")
_T = TypeVar("_T")

__all__ = [
    "ApiError",
    "Cancelled",
    "Conflict",
    "DeviceRevoked",
    "Forbidden",
    "NotFound",
    "Offline",
    "Rejected",
    "ServerError",
    "Unauthorized",
    "error_from_response",
]


class ApiError(Exception):
    """Base of every error the client raises; ``status`` is the HTTP status, or None without an answer."""

    default_code = "error"
    default_zh = "请求失败，请稍后重试"
    default_en = "The request failed; try again later"

    def __init__(
        self,
        code: str | None = None,
        message_zh: str | None = None,
        message_en: str | None = None,
        status: int | None = None,
        detail: Any = None,
    ) -> None:
        self.code = code or self.default_code
        self.message_zh = message_zh or self.default_zh
        self.message_en = message_en or self.default_en
        self.status = status
        self.detail = detail
        #: Seconds the server asked to wait before trying again (``Retry-After`` on a 503 or 429).
        self.retry_after: float | None = None
        super().__init__(f"{self.code}: {self.message_en}" + (f" (HTTP {status})" if status else ""))

    def message(self, language: str = "zh") -> str:
        """The user-facing message in ``language`` ("zh" or "en")."""
        return self.message_en if language.startswith("en") else self.message_zh


class Offline(ApiError):
    """No answer from the server: connection refused, timeout or a name that does not resolve."""

    default_code = "offline"
    default_zh = "无法连接服务器，已离线保存"
    default_en = "Cannot reach the server; your work is kept offline"


class Unauthorized(ApiError):
    """401 that a token refresh could not cure: the user must sign in again."""

    default_code = "unauthorized"
    default_zh = "登录已失效，请重新登录"
    default_en = "Your session has ended; please sign in again"


class DeviceRevoked(Unauthorized):
    """401 ``device_revoked``: an administrator cut this desk off; it must discard its local data.

    ``token`` is the revoked session's token the answer came to: the one thing it can still do is
    report what the desk discarded (:meth:`api_client.CaseDeskClient.report_wipe`)."""

    default_code = "device_revoked"
    default_zh = "本机已被管理员停用，本机数据将被清除"
    default_en = "This desk was revoked by an administrator; its local data is erased"

    token: str | None = None

    @property
    def device_id(self) -> int | None:
        found = self.detail.get("device_id") if isinstance(self.detail, dict) else None
        return found if isinstance(found, int) else None


class Forbidden(ApiError):
    """403: the user's role may not do this."""

    default_code = "forbidden"
    default_zh = "您无权执行此操作"
    default_en = "You may not do this"


class PasswordChangeRequired(Forbidden):
    """403 ``password_change_required``: signed in, but the password an administrator set (or the
    initial one) must be changed first (:meth:`CaseDeskClient.change_password`)."""

    default_code = "password_change_required"
    default_zh = "请先修改初始密码，再继续使用系统"
    default_en = "Change your initial password before going on"


class NotFound(ApiError):
    """404: no such record, or not visible to this user."""

    default_code = "not_found"
    default_zh = "记录不存在或无权访问"
    default_en = "The record does not exist or is not visible to you"


class Conflict(ApiError):
    """409: wrong state, stale version or a duplicate."""

    default_code = "conflict"
    default_zh = "操作与当前状态冲突，请刷新后重试"
    default_en = "This conflicts with the current state; reload and try again"


class Rejected(ApiError):
    """422 and every other 4xx: the server refused the input."""

    default_code = "rejected"
    default_zh = "提交的内容有误，请检查后重试"
    default_en = "The request was refused; check it and try again"


class ServerError(ApiError):
    """5xx: the server failed; worth trying again later."""

    default_code = "server_error"
    default_zh = "服务器暂时出错，请稍后重试"
    default_en = "The server had a problem; try again later"


class Cancelled(ApiError):
    """The user cancelled the operation (an upload, say); ``upload_url`` lets it resume later."""

    default_code = "cancelled"
    default_zh = "操作已取消"
    default_en = "The operation was cancelled"

    def __init__(self, upload_url: str | None = None) -> None:
        super().__init__()
        self.upload_url = upload_url


_BY_STATUS: dict[int, type[ApiError]] = {401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict}


def error_class(status: int) -> type[ApiError]:
    """The exception class for an HTTP error status."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return ServerError if status >= 500 else Rejected


#: The longest wait a ``Retry-After`` may impose on the desk, in seconds (the server asks for ≤ 30).
MAX_RETRY_AFTER = 120.0


def retry_after(response: requests.Response) -> float | None:
    """The answer's ``Retry-After`` in seconds (delta-seconds only; the server sends no dates), capped."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value.isdigit():
        return None
    return min(float(value), MAX_RETRY_AFTER)


def error_from_response(response: requests.Response) -> ApiError:
    """Build the matching exception from an error answer, using its bilingual body when it has one."""
    error = _error_from_response(response)
    error.retry_after = retry_after(response)
    return error


def _error_from_response(response: requests.Response) -> ApiError:
    body: Any = None
    try:
        body = response.json()
    except ValueError:
        body = None
    cls = error_class(response.status_code)
    if response.status_code == 401 and isinstance(body, dict) and body.get("code") == DeviceRevoked.default_code:
        cls = DeviceRevoked
    if isinstance(body, dict) and body.get("code") == PasswordChangeRequired.default_code:
        cls = PasswordChangeRequired
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        return cls(
            body["code"],
            body.get("message_zh") or None,
            body.get("message_en") or None,
            response.status_code,
            body.get("detail"),
        )
    return cls(status=response.status_code)


@overload
def read_model(response: requests.Response, model: type[_M]) -> _M: ...
@overload
def read_model(response: requests.Response, model: TypeAdapter[_T]) -> _T: ...
def read_model(response: requests.Response, model: Any) -> Any:
    """The answer's JSON validated as ``model`` (a pydantic model or TypeAdapter); an answer cut short
    or garbled on the way is :class:`Offline` — try again — never a crash."""
    from pydantic import TypeAdapter, ValidationError

    try:
        # Parsed and validated in one pass by pydantic-core, not json.loads and then again.
        if isinstance(model, TypeAdapter):
            return model.validate_json(response.content)
        return model.model_validate_json(response.content)
    except (ValueError, ValidationError) as exc:  # a ValidationError is a ValueError too
        raise garbled(exc) from exc


def garbled(exc: Exception) -> Offline:
    """An answer cut short or garbled on the way: :class:`Offline`, to be tried again."""
    return Offline(
        "garbled_answer",
        "服务器的回答不完整，稍后将自动重试",
        "The server's answer arrived incomplete; it will be tried again",
        detail=str(exc)[:200],
    )
