"""Request dependencies: the session, the clock, settings and the authenticated caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from casework.roles import Actor, Role
from server.auth import service as auth_service
from server.auth.addresses import client_address
from server.errors import ApiError, forbidden, unauthorized
from server.models import AuthToken, User
from server.settings import Settings
from server.transaction import db

_bearer = HTTPBearer(auto_error=False)

DB = Annotated[Session, Depends(db)]


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.clock()
    return now


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


Now = Annotated[datetime, Depends(_now)]
AppSettings = Annotated[Settings, Depends(_settings)]


@dataclass(frozen=True)
class Caller:
    """The signed-in user behind a request."""

    user: User
    actor: Actor
    token: AuthToken


def _signed_in(
    request: Request,
    session: DB,
    now: Now,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None:
        raise unauthorized()
    user, token = auth_service.authenticate(session, credentials.credentials, now)
    request.state.user_id = user.id  # for the request's log lines (server.observability)
    return Caller(user=user, actor=auth_service.actor_of(user), token=token)


#: Any signed-in user, even one who must still change their password (``me``, sign-out, the change).
SignedIn = Annotated[Caller, Depends(_signed_in)]


def _caller(caller: SignedIn) -> Caller:
    if caller.user.must_change_password:
        raise ApiError(
            403,
            "password_change_required",
            "请先修改初始密码，再继续使用系统",
            "Change your initial password before going on",
        )
    return caller


#: A signed-in user with a password of their own: every endpoint but the three above.
CurrentCaller = Annotated[Caller, Depends(_caller)]


def _client_address(request: Request, settings: AppSettings) -> str:
    return client_address(request, settings)


#: The caller's address (X-Forwarded-For only from a trusted proxy: server.auth.addresses).
ClientAddress = Annotated[str, Depends(_client_address)]


def _admin(caller: CurrentCaller) -> Caller:
    if caller.actor.role is not Role.ADMIN:
        raise forbidden("仅系统管理员可执行此操作", "Only an administrator may do this")
    return caller


Admin = Annotated[Caller, Depends(_admin)]
