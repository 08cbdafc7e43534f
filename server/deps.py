"""Request dependencies: the session, the clock, settings and the authenticated caller.

Those that do no I/O are ``async def``: FastAPI runs them in the event loop instead of sending each
to the request's database lane and back (a thread hop apiece, most of an empty sync delta's time
after the token check). The token check itself reads the database, on the lane."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from casework.roles import Role
from server.auth import service as auth_service
from server.auth.addresses import client_address
from server.errors import ApiError, forbidden, unauthorized
from server.models import AuthToken, User
from server.settings import Settings
from server.transaction import db


class _Bearer(HTTPBearer):
    """The bearer token as sent, or a 401 with the error body: one dependency (it was two, the
    framework's optional ``HTTPBearer`` and a check of its answer; each costs a request its solving).
    The same security scheme in the OpenAPI document (``HTTPBearer``)."""

    async def __call__(self, request: HTTPConnection) -> HTTPAuthorizationCredentials:
        credentials = await super().__call__(request)
        if credentials is None:
            raise unauthorized()
        return credentials


_bearer = _Bearer(auto_error=False, scheme_name="HTTPBearer")

DB = Annotated[Session, Depends(db)]


async def _now(request: Request) -> datetime:
    now: datetime = request.app.state.clock()
    return now


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


Now = Annotated[datetime, Depends(_now)]
AppSettings = Annotated[Settings, Depends(_settings)]


class Caller:
    """The signed-in user behind a request: ``actor`` from the token check's one query; ``user`` and
    ``token`` (ORM objects) loaded from the request's session only when an endpoint asks for them."""

    def __init__(self, session: Session, authenticated: auth_service.Authenticated) -> None:
        self._session = session
        self.actor = authenticated.actor
        self.must_change_password = authenticated.must_change_password
        self._token_id = authenticated.token_id

    @cached_property
    def user(self) -> User:
        user = self._session.get(User, self.actor.user_id)
        if user is None:  # not so: the token check found the user in this transaction
            raise unauthorized()
        return user

    @cached_property
    def token(self) -> AuthToken:
        token = self._session.get(AuthToken, self._token_id)
        if token is None:  # not so, as above
            raise unauthorized()
        return token


#: A bearer token as sent, not yet checked (401 without one): for an ``async def`` endpoint that
#: checks it with :func:`signed_in` on its lane, in the hop that does its work.
Credentials = Annotated[HTTPAuthorizationCredentials, Depends(_bearer)]


def signed_in(request: Request, session: Session, credentials: HTTPAuthorizationCredentials, now: datetime) -> Caller:
    """The token check (on the request's lane): the caller, or a 401."""
    authenticated = auth_service.authenticate(session, credentials.credentials, now)
    request.state.user_id = authenticated.actor.user_id  # for the request's log lines (server.observability)
    return Caller(session, authenticated)


def with_own_password(caller: Caller) -> Caller:
    """The caller, unless they must still change their initial password (403)."""
    if caller.must_change_password:
        raise ApiError(
            403,
            "password_change_required",
            "请先修改初始密码，再继续使用系统",
            "Change your initial password before going on",
        )
    return caller


def _signed_in(request: Request, session: DB, now: Now, credentials: Credentials) -> Caller:
    return signed_in(request, session, credentials, now)


#: Any signed-in user, even one who must still change their password (``me``, sign-out, the change).
SignedIn = Annotated[Caller, Depends(_signed_in)]


async def _caller(caller: SignedIn) -> Caller:
    return with_own_password(caller)


#: A signed-in user with a password of their own: every endpoint but the three above.
CurrentCaller = Annotated[Caller, Depends(_caller)]


async def _client_address(request: Request, settings: AppSettings) -> str:
    return client_address(request, settings)


#: The caller's address (X-Forwarded-For only from a trusted proxy: server.auth.addresses).
ClientAddress = Annotated[str, Depends(_client_address)]


async def _admin(caller: CurrentCaller) -> Caller:
    if caller.actor.role is not Role.ADMIN:
        raise forbidden("仅系统管理员可执行此操作", "Only an administrator may do this")
    return caller


Admin = Annotated[Caller, Depends(_admin)]
