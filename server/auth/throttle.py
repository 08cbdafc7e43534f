"""Login back-off, in the database: per client address, per account at an address, per account.

Three counters, each doubling its lockout with every failure past its threshold (capped at an
hour) and forgetting failures after a quiet window:

- ``addr:<address>`` counts every failure from one address, whatever the username: a spray of
  many usernames from one address is slowed after ``login_address_max_failures``.
- ``acct:<user id>@<address>`` counts one account's failures from one address and locks after
  ``login_max_failures``: an attacker guessing a colleague's password locks only themselves, and
  the colleague signs in from their own desk.
- ``users.failed_logins`` counts one account's failures from every address together, with the
  much higher ``login_account_max_failures``: a guess spread over many addresses is still slowed.

Rows are taken with ``FOR UPDATE`` in sorted key order, then the user's row, so concurrent
failures (several workers) neither lose counts nor deadlock; the lockout is judged again under
those locks, so passwords checked at once get exactly as many answers as one after the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from server.db import NO_KEY_LOCK
from server.errors import ApiError
from server.models import LoginThrottle, User
from server.settings import Settings

MAX_LOCKOUT = timedelta(hours=1)


def address_key(address: str) -> str:
    return f"addr:{address}"[:120]


def account_key(user: User, address: str) -> str:
    return f"acct:{user.id}@{address}"[:120]


def _lockout(failures: int, threshold: int, settings: Settings) -> timedelta | None:
    excess = failures - threshold
    if excess < 0:
        return None
    return min(timedelta(seconds=settings.login_lockout_seconds * 2 ** min(excess, 12)), MAX_LOCKOUT)


def refuse_if_locked(session: Session, user: User | None, address: str, now: datetime) -> None:
    """429 with Retry-After while any of the caller's counters is locked."""
    keys = [address_key(address)] + ([account_key(user, address)] if user is not None else [])
    until = [t for t in session.scalars(select(LoginThrottle.locked_until).where(LoginThrottle.key.in_(keys))) if t]
    _refuse_until(until + ([user.locked_until] if user is not None and user.locked_until else []), now)


def _refuse_if_locked_rows(rows: list[LoginThrottle], user: User | None, now: datetime) -> None:
    until = [row.locked_until for row in rows if row.locked_until]
    _refuse_until(until + ([user.locked_until] if user is not None and user.locked_until else []), now)


def _refuse_until(until: list[datetime], now: datetime) -> None:
    latest = max((t for t in until if t > now), default=None)
    if latest is None:
        return
    wait = int((latest - now).total_seconds()) + 1
    raise ApiError(
        429,
        "login_locked",
        f"登录失败次数过多，请 {wait} 秒后再试",
        f"Too many failed sign-ins; try again in {wait} s",
        detail={"retry_after": wait},
        headers={"Retry-After": str(wait)},
    )


def record_failure(session: Session, user: User | None, address: str, settings: Settings, now: datetime) -> None:
    """Count a failed sign-in (or a wrong old password) against each of the caller's counters."""
    thresholds = {address_key(address): settings.login_address_max_failures}
    if user is not None:
        thresholds[account_key(user, address)] = settings.login_max_failures
    window = timedelta(seconds=settings.login_failure_window_seconds)
    rows = [_locked_row(session, key, now) for key in sorted(thresholds)]  # one lock order for every writer
    if user is not None:
        # Re-read under a row lock (after the throttle rows: the same order as every writer), so
        # concurrent failures on several workers each count.
        session.refresh(user, with_for_update=NO_KEY_LOCK)
    # Judged again under the locks: failures checked at once all passed the first look (30 wrong
    # passwords at once got 11 answers before the lock on PostgreSQL); the ones that find the lock
    # set by those before them answer 429 like a later try, and do not count.
    _refuse_if_locked_rows(rows, user, now)
    for row in rows:
        quiet_since = max(row.last_failure_at, row.locked_until or row.last_failure_at)
        if now - quiet_since > window:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        lockout = _lockout(row.failures, thresholds[row.key], settings)
        if lockout is not None:
            row.locked_until = now + lockout
    if user is not None:
        user.failed_logins += 1
        lockout = _lockout(user.failed_logins, settings.login_account_max_failures, settings)
        if lockout is not None:
            user.locked_until = now + lockout
    _forget_expired(session, now, settings)


def record_success(session: Session, user: User, address: str, now: datetime) -> None:
    """The account's counters start again; the address's does not (a sprayer with one valid account
    must not be able to wipe its record by signing in to it).

    Judged again under the same locks as a failure: a right password checked while wrong ones
    locked the account meets that lock (429) like a try that came after them."""
    keys = sorted({address_key(address), account_key(user, address)})
    rows = list(
        session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.key.in_(keys))
            .order_by(LoginThrottle.key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )
    session.refresh(user, with_for_update=NO_KEY_LOCK)
    _refuse_if_locked_rows(rows, user, now)
    user.failed_logins = 0
    user.locked_until = None
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(user, address)))


def _locked_row(session: Session, key: str, now: datetime) -> LoginThrottle:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Two workers counting the first failure of one key at once: one inserts, the other finds it.
    session.execute(
        insert(LoginThrottle)
        .values(key=key, failures=0, last_failure_at=now, locked_until=None)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    row = session.scalar(
        select(LoginThrottle)
        .where(LoginThrottle.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def _forget_expired(session: Session, now: datetime, settings: Settings) -> None:
    """Drop counters quiet for longer than the window (the table holds only recent failures).

    Rows another request holds are skipped, not waited for: this clean-up never blocks a sign-in
    and never takes a lock out of the sorted order above.
    """
    cutoff = now - timedelta(seconds=settings.login_failure_window_seconds)
    stale = (
        select(LoginThrottle.key)
        .where(
            LoginThrottle.last_failure_at < cutoff,
            (LoginThrottle.locked_until.is_(None)) | (LoginThrottle.locked_until < cutoff),
        )
        .limit(100)
        .with_for_update(skip_locked=True)
    )
    session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(stale)))
