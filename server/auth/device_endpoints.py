"""Desks: ``/auth/sessions`` (a user's own), ``/devices`` and ``/users/{id}/devices`` (administrators),
and the wipe report of a revoked desk."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from casework.devices import DeviceOut, WipeReport
from casework.schemas import Id
from server.auth import devices
from server.deps import DB, Admin, CurrentCaller, Now
from server.errors import errors, not_found, unauthorized
from server.models import Device, User
from server.transaction import TransactionalRoute

router = APIRouter(tags=["devices"], route_class=TransactionalRoute)
DeviceId = Annotated[Id, Path()]  # ids are 32-bit in the database: a bigger one is a 422, not a 500
UserId = Annotated[Id, Path()]
_bearer = HTTPBearer(auto_error=False)


@router.get("/auth/sessions", response_model=list[DeviceOut], responses=errors(401))
def my_sessions(session: DB, caller: CurrentCaller, now: Now) -> list[DeviceOut]:
    """The caller's signed-in desks, this one marked ``current``."""
    rows = devices.devices(session, now, user_id=caller.user.id, signed_in_only=True)
    return [devices.device_out(d, live, caller.token.family) for d, live in rows]


@router.post("/auth/sessions/{device_id}/end", status_code=204, responses=errors(401, 404))
def end_session(device_id: DeviceId, session: DB, caller: CurrentCaller, now: Now) -> None:
    """Sign one of the caller's desks out (the current one: the same as ``/auth/logout``)."""
    devices.end_session(session, caller.user, device_id, now)


@router.get("/devices", response_model=list[DeviceOut], responses=errors(401, 403))
def list_devices(
    session: DB, caller: Admin, now: Now, user_id: Annotated[Id | None, Query()] = None
) -> list[DeviceOut]:
    """Every desk (or one user's), revoked ones too, last seen first."""
    rows = devices.devices(session, now, user_id=user_id)
    return [devices.device_out(d, live, caller.token.family) for d, live in rows]


@router.get("/users/{user_id}/devices", response_model=list[DeviceOut], responses=errors(401, 403, 404))
def user_devices(user_id: UserId, session: DB, caller: Admin, now: Now) -> list[DeviceOut]:
    if session.get(User, user_id) is None:
        raise not_found("用户", "user")
    rows = devices.devices(session, now, user_id=user_id)
    return [devices.device_out(d, live, caller.token.family) for d, live in rows]


@router.post("/devices/{device_id}/revoke", response_model=DeviceOut, responses=errors(401, 403, 404))
def revoke_device(device_id: DeviceId, session: DB, caller: Admin, now: Now) -> DeviceOut:
    """Cut a lost or stolen desk off: at its next request it discards its local data."""
    device = devices.revoke_device(session, device_id, caller.user.id, now)
    return devices.device_out(device, False, caller.token.family)


@router.post("/users/{user_id}/revoke-devices", response_model=list[DeviceOut], responses=errors(401, 403, 404))
def revoke_user_devices(user_id: UserId, session: DB, caller: Admin, now: Now) -> list[DeviceOut]:
    """End all of a user's desks (what deactivating a user does)."""
    user = session.get(User, user_id)
    if user is None:
        raise not_found("用户", "user")
    return [devices.device_out(d, False, None) for d in devices.revoke_all_devices(session, user, caller.user.id, now)]


def _revoked_device(
    session: DB, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Device:
    """Authenticates a wipe report: a dependency, so a bad token is 401 before the body is read."""
    if credentials is None:
        raise unauthorized()
    return devices.revoked_device_of(session, credentials.credentials)


@router.post("/devices/{device_id}/wipe-report", status_code=204, responses=errors(401, 409, 413))
def wipe_report(
    device_id: DeviceId, body: WipeReport, session: DB, now: Now, device: Annotated[Device, Depends(_revoked_device)]
) -> None:
    """A revoked desk reports the unsent edits it discarded, with its revoked session's token."""
    devices.accept_wipe_report(session, device_id, device, body, now)
