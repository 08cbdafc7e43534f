"""``/auth``: sign in, refresh, sign out, and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request

from casework.schemas import LoginRequest, RefreshRequest, TokenPair, UserOut
from server.auth import devices, service
from server.deps import DB, AppSettings, CurrentCaller, Now
from server.errors import errors
from server.org.views import user_out
from server.transaction import TransactionalRoute, reads_first

router = APIRouter(prefix="/auth", tags=["auth"], route_class=TransactionalRoute)


@router.post("/login", response_model=TokenPair, responses=errors(401, 429))
@reads_first
def login(body: LoginRequest, request: Request, session: DB, settings: AppSettings, now: Now) -> TokenPair:
    user, access, refresh = service.login(session, body.username, body.password, settings, now)
    ip, agent = _origin(request)
    devices.bind(session, user, refresh, body.device_id, body.device_name, ip, agent, now)
    return TokenPair(
        access_token=access, refresh_token=refresh, expires_in=settings.access_token_ttl_seconds, user=user_out(user)
    )


@router.post("/refresh", response_model=TokenPair, responses=errors(401))
def refresh(body: RefreshRequest, request: Request, session: DB, settings: AppSettings, now: Now) -> TokenPair:
    user, access, new_refresh = service.refresh(session, body.refresh_token, settings, now)
    devices.seen(session, new_refresh, *_origin(request), now)
    return TokenPair(
        access_token=access,
        refresh_token=new_refresh,
        expires_in=settings.access_token_ttl_seconds,
        user=user_out(user),
    )


@router.post("/logout", status_code=204, responses=errors(401))
def logout(caller: CurrentCaller, session: DB, now: Now) -> None:
    service.logout(session, caller.token, now)


@router.get("/me", response_model=UserOut, responses=errors(401))
def me(caller: CurrentCaller) -> UserOut:
    return user_out(caller.user)


def _origin(request: Request) -> tuple[str, str]:
    """The caller's address (as the server sees it: behind a proxy, run uvicorn with --proxy-headers)
    and its User-Agent."""
    return (request.client.host if request.client else ""), request.headers.get("user-agent", "")
