"""``/auth``: sign in, refresh, sign out, who am I, change my password; an admin's password reset."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from casework.schemas import Id, LoginRequest, PasswordChange, RefreshRequest, TemporaryPassword, TokenPair, UserOut
from server.auth import devices, service
from server.deps import DB, Admin, AppSettings, ClientAddress, Now, SignedIn
from server.errors import errors
from server.org.views import user_out
from server.transaction import TransactionalRoute, reads_first

router = APIRouter(prefix="/auth", tags=["auth"], route_class=TransactionalRoute)
# The reset is an administrator's act on a user, so it lives under /users beside creating one.
users_router = APIRouter(tags=["organisation"], route_class=TransactionalRoute)

UserId = Annotated[Id, Path()]


@router.post("/login", response_model=TokenPair, responses=errors(401, 429))
@reads_first
def login(
    body: LoginRequest, request: Request, session: DB, settings: AppSettings, now: Now, address: ClientAddress
) -> TokenPair:
    user, access, refresh = service.login(session, body.username, body.password, settings, now, address)
    devices.bind(session, user, refresh, body.device_id, body.device_name, address, _agent(request), now)
    return TokenPair(
        access_token=access, refresh_token=refresh, expires_in=settings.access_token_ttl_seconds, user=user_out(user)
    )


@router.post("/refresh", response_model=TokenPair, responses=errors(401))
def refresh(
    body: RefreshRequest, request: Request, session: DB, settings: AppSettings, now: Now, address: ClientAddress
) -> TokenPair:
    user, access, new_refresh = service.refresh(session, body.refresh_token, settings, now)
    devices.seen(session, new_refresh, address, _agent(request), now)
    return TokenPair(
        access_token=access,
        refresh_token=new_refresh,
        expires_in=settings.access_token_ttl_seconds,
        user=user_out(user),
    )


@router.post("/logout", status_code=204, responses=errors(401))
def logout(caller: SignedIn, session: DB, now: Now) -> None:
    service.logout(session, caller.token, now)


@router.get("/me", response_model=UserOut, responses=errors(401))
def me(caller: SignedIn) -> UserOut:
    return user_out(caller.user)


@router.post("/password", status_code=204, responses=errors(401, 403, 429))
def change_password(
    body: PasswordChange, caller: SignedIn, session: DB, settings: AppSettings, now: Now, address: ClientAddress
) -> None:
    """Change one's own password (the old one proves it is you). Open to a user who must change
    theirs; ends every other session of the user, keeps this one."""
    service.change_password(
        session, caller.user, caller.token, body.old_password, body.new_password, settings, now, address
    )


@users_router.post("/users/{user_id}/reset-password", response_model=TemporaryPassword, responses=errors(401, 403, 404))
def reset_password(user_id: UserId, caller: Admin, session: DB, now: Now) -> TemporaryPassword:
    """A one-time temporary password for the user, shown only in this answer; the user must change
    it at the next sign-in, and their sessions end now. Recorded in the audit chain."""
    user, password = service.reset_password(session, user_id, caller.user.id, now)
    return TemporaryPassword(user_id=user.id, username=user.username, temporary_password=password)


def _agent(request: Request) -> str:
    """The caller's User-Agent (a desk names its version there)."""
    return request.headers.get("user-agent", "")
