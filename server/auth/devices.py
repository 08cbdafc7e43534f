"""Desks (devices): bound to a token family at sign-in, listed, ended, revoked and wiped.

A desk is revoked by an administrator (lost or stolen laptop) or with all of its user's desks.
Revoking also revokes the desk's token family, so the check costs nothing on the path of a
valid token: only a request with a revoked token looks up its desk, and a revoked desk is told
``device_revoked`` (401) rather than "sign in again" — its cue to discard its local data and
report what it discarded (:func:`accept_wipe_report`, which its revoked token may still call).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework.devices import DEVICE_REVOKED, DeviceOut, WipeReport
from server.audit.service import record
from server.auth import repository
from server.db import NO_KEY_LOCK
from server.errors import ApiError, not_found, unauthorized
from server.models import AuthToken, Device, User


def bind(
    session: Session,
    user: User,
    refresh_token: str,
    key: str | None,
    name: str,
    ip: str,
    user_agent: str,
    now: datetime,
) -> Device:
    """Tie the session just issued (found by its refresh token) to the desk that signed in.

    A desk has one session: signing in again on it ends the one before. A desk that does not
    name itself (an old client, a script) counts as a new desk at each sign-in; a revoked desk
    that signs in again with a password is a new desk too (the revoked row keeps its history).
    """
    token = repository.token(session, refresh_token, "refresh")
    assert token is not None  # issued in this transaction
    device = None
    if key is not None:
        _refuse_unwiped(session, user, key, token.family, now)
        device = session.scalar(
            select(Device).where(Device.user_id == user.id, Device.device_key == key, Device.revoked_at.is_(None))
        )
    if device is None:
        device = Device(device_key=key or secrets.token_hex(16), user_id=user.id, first_seen=now, name="")
        session.add(device)
    elif device.family is not None and device.family != token.family:
        repository.revoke_family(session, device.family, now)
    device.family = token.family
    device.name = (name or user_agent or "?")[:200]
    _seen(device, ip, user_agent, now)
    session.flush()
    return device


def seen(session: Session, refresh_token: str, ip: str, user_agent: str, now: datetime) -> None:
    """A token refresh is the desk's sign of life (a GET must not write): its last seen and address."""
    token = repository.token(session, refresh_token, "refresh")
    device = _of_family(session, token.family) if token is not None else None
    if device is not None:
        _seen(device, ip, user_agent, now)


def _seen(device: Device, ip: str, user_agent: str, now: datetime) -> None:
    device.last_seen, device.last_ip = now, ip[:64]
    if user_agent:
        device.user_agent = user_agent[:300]


def _of_family(session: Session, family: str) -> Device | None:
    return session.scalar(select(Device).where(Device.family == family).order_by(Device.id.desc()).limit(1))


def refuse_if_revoked(session: Session, token: AuthToken) -> None:
    """A revoked token of a revoked desk: say so (the desk wipes itself), not just "sign in"."""
    device = _of_family(session, token.family)
    if device is not None and device.revoked_at is not None:
        raise _revoked_error(device)


def _refuse_unwiped(session: Session, user: User, key: str, family: str, now: datetime) -> None:
    """A revoked desk that has not erased its data yet signs in with the password: it is told to
    erase it first, with a one-time token for its report (the password proved who it is); the
    session just issued is revoked. Once it has reported, the same key signs in as a new desk."""
    revoked = session.scalar(
        select(Device)
        .where(
            Device.user_id == user.id,
            Device.device_key == key,
            Device.revoked_at.is_not(None),
            Device.wiped_at.is_(None),
        )
        .order_by(Device.id.desc())
        .limit(1)
    )
    if revoked is None:
        return
    repository.revoke_family(session, family, now)
    wipe_token = secrets.token_urlsafe(32)
    revoked.wipe_token_hash = repository.token_hash(wipe_token)
    error = _revoked_error(revoked)
    error.detail["wipe_token"] = wipe_token
    error.keep_changes = True
    raise error


def _revoked_error(device: Device) -> ApiError:
    error = unauthorized(
        DEVICE_REVOKED,
        "本机已被管理员停用：未发送的工作将被丢弃，本机数据将被清除",
        "This desk was revoked by an administrator: unsent work is discarded and local data erased",
    )
    error.detail = {"device_id": device.id, "wiped": device.wiped_at is not None}
    return error


# --- listing -------------------------------------------------------------------------------------


def _live_families(session: Session, families: list[str], now: datetime) -> set[str]:
    """The families holding a refresh token that can still be used: their desks are signed in."""
    if not families:
        return set()
    rows = session.scalars(
        select(AuthToken.family).where(
            AuthToken.family.in_(families),
            AuthToken.kind == "refresh",
            AuthToken.revoked_at.is_(None),
            AuthToken.used_at.is_(None),
            AuthToken.expires_at > now,
        )
    )
    return set(rows)


def devices(
    session: Session, now: datetime, *, user_id: int | None = None, signed_in_only: bool = False
) -> Sequence[tuple[Device, bool]]:
    """Desks (of one user, or everyone's), last seen first, each with whether it is signed in."""
    query = select(Device).order_by(Device.last_seen.desc(), Device.id.desc())
    if user_id is not None:
        query = query.where(Device.user_id == user_id)
    found = session.scalars(query).all()
    live = _live_families(session, [d.family for d in found if d.family], now)
    rows = [(d, d.family in live and d.revoked_at is None) for d in found]
    return [r for r in rows if r[1]] if signed_in_only else rows


def device_out(device: Device, signed_in: bool, current_family: str | None) -> DeviceOut:
    return DeviceOut(
        id=device.id,
        user_id=device.user_id,
        name=device.name,
        first_seen=device.first_seen,
        last_seen=device.last_seen,
        last_ip=device.last_ip,
        user_agent=device.user_agent,
        signed_in=signed_in,
        current=current_family is not None and device.family == current_family,
        revoked_at=device.revoked_at,
        wiped_at=device.wiped_at,
    )


# --- ending and revoking -------------------------------------------------------------------------


def end_session(session: Session, user: User, device_id: int, now: datetime) -> None:
    """The user signs one of their desks out (their own current one too): its tokens stop working;
    the desk asks for the password again and keeps its unsent work (not a revocation)."""
    device = session.get(Device, device_id)
    if device is None or device.user_id != user.id:
        raise not_found("登录设备", "device")
    if device.family is not None:
        repository.revoke_family(session, device.family, now)
    record(session, user.id, "end_session", None, {}, {"device_id": device.id, "name": device.name}, now)


def _revoke(session: Session, device: Device, actor_id: int | None, now: datetime) -> bool:
    if device.revoked_at is not None:
        return False
    device.revoked_at, device.revoked_by = now, actor_id
    if device.family is not None:
        repository.revoke_family(session, device.family, now)
    return True


def revoke_device(session: Session, device_id: int, actor_id: int | None, now: datetime) -> Device:
    """An administrator cuts one desk off (audited); revoking a revoked desk changes nothing."""
    device = session.get(Device, device_id)
    if device is None:
        raise not_found("登录设备", "device")
    if _revoke(session, device, actor_id, now):
        summary = {"device_id": device.id, "user_id": device.user_id, "name": device.name, "last_ip": device.last_ip}
        record(session, actor_id, "revoke_device", None, {}, summary, now)
    return device


def revoke_all_devices(session: Session, user: User, actor_id: int | None, now: datetime) -> list[Device]:
    """End every desk of ``user`` (call it where a user is deactivated): each is revoked — told to
    wipe itself at its next contact — and every token of the user stops working. Audited once."""
    found = session.scalars(select(Device).where(Device.user_id == user.id, Device.revoked_at.is_(None))).all()
    revoked = [d for d in found if _revoke(session, d, actor_id, now)]
    session.execute(
        update(AuthToken).where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    record(
        session,
        actor_id,
        "revoke_user_devices",
        None,
        {},
        {"user_id": user.id, "devices": [{"device_id": d.id, "name": d.name} for d in revoked]},
        now,
    )
    return revoked


# --- the wipe report -----------------------------------------------------------------------------


def revoked_device_of(session: Session, raw_token: str) -> Device:
    """The revoked desk a wipe report's token speaks for: a token of its revoked session (access or
    refresh, expired or not), or the one-time token given to a revoked desk that signed in with its
    password (see :func:`_refuse_unwiped`). Any other token: 401."""
    digest = repository.token_hash(raw_token)
    token = session.scalar(select(AuthToken).where(AuthToken.token_hash == digest))
    device = _of_family(session, token.family) if token is not None else None
    if device is None or token is None or token.user_id != device.user_id:
        device = session.scalar(select(Device).where(Device.wipe_token_hash == digest))
    if device is None or device.revoked_at is None:
        # Not the token of a revoked desk: nothing to report with it (a plain 401, whatever it is).
        raise unauthorized("unauthorized", "仅被停用的设备可提交清除报告", "Only a revoked device reports its wipe")
    return device


def accept_wipe_report(session: Session, device_id: int, device: Device, report: WipeReport, now: datetime) -> None:
    """A revoked desk (:func:`revoked_device_of`) says which unsent edits it discarded; recorded in
    the audit chain, once — the only thing its token can still do."""
    if device.id != device_id:
        raise unauthorized("invalid_token", "登录凭据无效", "The token is not valid for this device")
    session.refresh(device, with_for_update=NO_KEY_LOCK)  # a report sent twice at once is recorded once
    if device.wiped_at is not None:
        raise ApiError(409, "duplicate", "清除报告已提交过", "The wipe was already reported")
    device.wiped_at, device.wipe_token_hash = now, None
    lost = [edit.model_dump() for edit in report.lost]
    after = {"device_id": device.id, "name": device.name, "lost": lost}
    record(session, device.user_id, "device_wiped", None, {}, after, now)
