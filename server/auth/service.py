"""Sign-in with back-off, refresh-token rotation with reuse detection, sign-out, password changes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from casework.passwords import check_password
from casework.roles import Actor, Role
from server.audit.service import record
from server.auth import devices, repository, throttle
from server.auth.passwords import hash_password, verify_password
from server.db import NO_KEY_LOCK, write_intent
from server.errors import ApiError, invalid, not_found, unauthorized
from server.models import AuthToken, User, leader_portfolio
from server.org import repository as org_repository
from server.settings import Settings


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        role=Role(user.role),
        department_id=user.department_id,
        portfolio=frozenset(d.id for d in user.portfolio),
        may_sign=user.may_sign,
    )


def _issue(session: Session, user: User, family: str, settings: Settings, now: datetime) -> tuple[str, str]:
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add_all(
        [
            AuthToken(
                token_hash=repository.token_hash(access),
                kind="access",
                user_id=user.id,
                family=family,
                expires_at=now + timedelta(seconds=settings.access_token_ttl_seconds),
            ),
            AuthToken(
                token_hash=repository.token_hash(refresh),
                kind="refresh",
                user_id=user.id,
                family=family,
                expires_at=now + timedelta(seconds=settings.refresh_token_ttl_seconds),
            ),
        ]
    )
    return access, refresh


def login(
    session: Session, username: str, password: str, settings: Settings, now: datetime, address: str
) -> tuple[User, str, str]:
    """Check the password; back off per account and per client address (see server.auth.throttle).

    The password hash (the slow part, ~70 ms of CPU) is checked in a read-only transaction that
    is then ended, so a burst of sign-ins does not hash while holding SQLite's write lock; the
    write that follows re-reads the user under that lock (see ``server.transaction.reads_first``).
    A locked caller is refused before hashing: a spray costs the server no CPU once slowed.
    """
    with write_intent(False):
        user = org_repository.user_by_username(session, username)
        throttle.refuse_if_locked(session, user, address, now)
        checked_hash = user.password_hash if user else None
        ok = verify_password(checked_hash, password)
    session.commit()  # nothing written: ends the read
    if user is not None:
        session.refresh(user)  # the write transaction: current counters, under the write lock
        ok = ok and user.password_hash == checked_hash
    throttle.refuse_if_locked(session, user, address, now)
    if user is None or not ok or not user.active:
        throttle.record_failure(session, user, address, settings, now)
        raise ApiError(401, "bad_credentials", "用户名或密码错误", "Wrong username or password", keep_changes=True)
    throttle.record_success(session, user, address, now)
    access, refresh = _issue(session, user, secrets.token_hex(16), settings, now)
    return user, access, refresh


def check_new_password(password: str, username: str, old_password: str | None = None) -> None:
    """422 naming the rule of the policy (casework.passwords) that ``password`` breaks."""
    problem = check_password(password, username, old_password)
    if problem is not None:
        raise invalid(problem.rule.value, problem.message_zh, problem.message_en, {"rule": problem.rule.value})


def change_password(
    session: Session,
    user: User,
    current: AuthToken,
    old_password: str,
    new_password: str,
    settings: Settings,
    now: datetime,
    address: str,
) -> None:
    """The user's own change: the old password proves it is them (a wrong one counts towards the
    back-off like a failed sign-in); every other session of theirs ends, this one stays."""
    throttle.refuse_if_locked(session, user, address, now)
    if not verify_password(user.password_hash, old_password):
        throttle.record_failure(session, user, address, settings, now)
        raise ApiError(403, "wrong_password", "原密码不正确", "The current password is wrong", keep_changes=True)
    check_new_password(new_password, user.username, old_password)
    # Two changes at once (two desks, or a change racing an administrator's reset): the user's row
    # is locked and read again, so the later one sees what the first did — its own session ended,
    # or the password it proved no longer the password — instead of both answering 204 and one
    # user's new password silently overwritten by the other's.
    seen = user.password_hash
    session.refresh(user, with_for_update=NO_KEY_LOCK)
    session.refresh(current)
    if current.revoked_at is not None:
        raise unauthorized()
    if user.password_hash != seen and not verify_password(user.password_hash, old_password):
        raise ApiError(403, "wrong_password", "原密码不正确", "The current password is wrong")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    repository.revoke_other_families(session, user.id, current.family, now)
    record(session, user.id, "change_password", None, {}, {"user_id": user.id}, now)


#: Letters and digits that cannot be mistaken for one another when read out on the phone.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password(username: str) -> str:
    """A random one-time password that itself passes the policy (14 characters, ~80 bits)."""
    while True:
        candidate = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(14))
        if check_password(candidate, username) is None:
            return candidate


def reset_password(session: Session, user_id: int, admin_id: int, now: datetime) -> tuple[User, str]:
    """An administrator's reset: a temporary password, to be changed at the next sign-in; the
    user's sessions end (a reset usually follows a lost desk or a leaked password).

    Resets of one user at once are taken one after the other (the user's row is locked first):
    each answer's password is the one in force when that reset commits, and the last one stays —
    like resets one after the other, never a password that was never in force."""
    user = session.get(User, user_id, with_for_update=NO_KEY_LOCK, populate_existing=True)
    if user is None:
        raise not_found("用户", "user")
    password = temporary_password(user.username)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    repository.revoke_other_families(session, user.id, None, now)
    record(session, admin_id, "reset_password", None, {}, {"user_id": user.id, "username": user.username}, now)
    return user, password


def refresh(session: Session, raw: str, settings: Settings, now: datetime) -> tuple[User, str, str]:
    """Rotate: the old refresh token is spent; presenting a spent one revokes its whole family."""
    # Locked: the same token presented twice at once is judged as if one came after the other —
    # otherwise both rotate it (PostgreSQL) and the session forks into two live refresh tokens,
    # which no reuse is ever detected on.
    token = repository.token(session, raw, "refresh", for_update=True)
    if token is None:
        raise unauthorized("invalid_token", "登录凭据无效，请重新登录", "The token is not valid; sign in again")
    if token.revoked_at is not None:
        devices.refuse_if_revoked(session, token)
    if token.used_at is None and token.revoked_at is not None:
        raise unauthorized("session_ended", "会话已注销，请重新登录", "The session was signed out; sign in again")
    if token.used_at is not None:
        successor = _unused_successor(session, token, now)
        if successor is not None:
            # The answer to the previous refresh was lost and the client asks again: its successor
            # was never used, so this is the same client. Replace the successor; keep the session.
            successor.revoked_at = now
            user = session.get(User, token.user_id)
            if user is None or not user.active:
                raise unauthorized()
            access, new_refresh = _issue(session, user, token.family, settings, now)
            return user, access, new_refresh
        repository.revoke_family(session, token.family, now)
        raise ApiError(
            401,
            "token_reused",
            "登录凭据已被使用过，为安全起见已注销该会话，请重新登录",
            "This refresh token was already used; the session was revoked for safety. Sign in again",
            keep_changes=True,
        )
    if token.expires_at <= now:
        raise unauthorized("token_expired", "登录已过期，请重新登录", "The session expired; sign in again")
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        raise unauthorized()
    token.used_at = now
    access, new_refresh = _issue(session, user, token.family, settings, now)
    return user, access, new_refresh


#: How long after a refresh its token may be presented again, if the answer was lost on the way.
REFRESH_GRACE = timedelta(minutes=2)


def _unused_successor(session: Session, token: AuthToken, now: datetime) -> AuthToken | None:
    """The refresh token issued when ``token`` was spent, if it is the only later one and was never
    used — and ``token`` was spent within the grace period. Otherwise None (a real reuse)."""
    if token.used_at is None or now - token.used_at > REFRESH_GRACE:
        return None
    later = list(
        session.scalars(
            select(AuthToken).where(
                AuthToken.family == token.family, AuthToken.kind == "refresh", AuthToken.id > token.id
            )
        )
    )
    if len(later) != 1 or later[0].used_at is not None or later[0].revoked_at is not None:
        return None
    return later[0]


def logout(session: Session, access_token: AuthToken, now: datetime) -> None:
    repository.revoke_family(session, access_token.family, now)


@dataclass(frozen=True)
class Authenticated:
    """Who presented a valid access token: what every request needs, read in one query."""

    actor: Actor
    token_id: int
    must_change_password: bool


#: The token check's statement, made once: built for every request it cost about as much CPU as
#: running it (its construction and its cache key; the token's hash is the one parameter).
_TOKEN_CHECK = (
    select(
        AuthToken.id,
        AuthToken.revoked_at,
        AuthToken.expires_at,
        User.id,
        User.role,
        User.department_id,
        User.may_sign,
        User.active,
        User.must_change_password,
        leader_portfolio.c.department_id,
    )
    .outerjoin(User, User.id == AuthToken.user_id)
    .outerjoin(leader_portfolio, leader_portfolio.c.user_id == User.id)
    .where(AuthToken.token_hash == bindparam("token_hash"), AuthToken.kind == "access")
)


def authenticate(session: Session, raw: str, now: datetime) -> Authenticated:
    """The caller behind an access token, or a 401. One statement (the token, its user and the
    user's portfolio) instead of three, and no ORM objects: the check runs on every request, and
    on an empty sync delta it cost more than the delta itself. Revocation, expiry and a
    deactivated user are read from the database each time, as before."""
    rows = session.execute(_TOKEN_CHECK, {"token_hash": repository.token_hash(raw)}).all()
    if not rows:
        raise unauthorized("invalid_token", "登录凭据无效，请重新登录", "The token is not valid; sign in again")
    token_id, revoked_at, expires_at, user_id, role, department_id, may_sign, active, must_change, _ = rows[0]
    if revoked_at is not None:
        token = session.get(AuthToken, token_id)
        if token is not None:
            devices.refuse_if_revoked(session, token)
        raise unauthorized("invalid_token", "登录凭据无效，请重新登录", "The token is not valid; sign in again")
    if expires_at <= now:
        raise unauthorized("token_expired", "登录已过期，请刷新或重新登录", "The access token expired; refresh it")
    if user_id is None or not active:
        raise unauthorized()
    actor = Actor(
        user_id=user_id,
        role=Role(role),
        department_id=department_id,
        portfolio=frozenset(row[-1] for row in rows if row[-1] is not None),
        may_sign=may_sign,
    )
    return Authenticated(actor, token_id, must_change)
