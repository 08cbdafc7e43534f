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
from server.errors import forbidden, unauthorized
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


def _caller(
    session: DB,
    now: Now,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None:
        raise unauthorized()
    user, token = auth_service.authenticate(session, credentials.credentials, now)
    return Caller(user=user, actor=auth_service.actor_of(user), token=token)


CurrentCaller = Annotated[Caller, Depends(_caller)]


def _admin(caller: CurrentCaller) -> Caller:
    if caller.actor.role is not Role.ADMIN:
        raise forbidden("仅系统管理员可执行此操作", "Only an administrator may do this")
    return caller


Admin = Annotated[Caller, Depends(_admin)]
