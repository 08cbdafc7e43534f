"""Sign-in, lockout, token expiry, refresh rotation with reuse detection, sign-out, storage."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import AuthToken, LoginThrottle, User
from server.settings import Settings
from tests.server.support import PASSWORD, Clock


def _login(client: TestClient, username: str = "agent", password: str = PASSWORD) -> Any:
    return client.post("/auth/login", json={"username": username, "password": password})


def _pair(client: TestClient, username: str = "agent") -> dict[str, Any]:
    response = _login(client, username)
    assert response.status_code == 200, response.text
    return response.json()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _me(client: TestClient, access: str) -> Any:
    return client.get("/auth/me", headers=_bearer(access))


def _refresh(client: TestClient, refresh: str) -> Any:
    return client.post("/auth/refresh", json={"refresh_token": refresh})


def _assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert body["message_zh"].strip(), body
    assert body["message_en"].strip(), body
    return body


def _user(app, username: str) -> User:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        session.expunge(user)
        return user


# --- sign-in -------------------------------------------------------------------------------


def test_login_returns_an_access_and_a_refresh_token(client: TestClient, settings: Settings) -> None:
    body = _pair(client, "zj_chief")
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.access_token_ttl_seconds == 15 * 60
    assert body["access_token"] and body["refresh_token"]
    assert body["access_token"] != body["refresh_token"]
    assert body["user"]["username"] == "zj_chief"
    assert body["user"]["role"] == "section_chief"
    me = _me(client, body["access_token"])
    assert me.status_code == 200
    assert me.json()["username"] == "zj_chief"


def test_each_login_gets_fresh_tokens(client: TestClient) -> None:
    first, second = _pair(client), _pair(client)
    assert first["access_token"] != second["access_token"]
    assert first["refresh_token"] != second["refresh_token"]
    assert _me(client, first["access_token"]).status_code == 200
    assert _me(client, second["access_token"]).status_code == 200


def test_wrong_password_is_401_bad_credentials(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    body = _assert_error(_login(client, "agent", "not-the-password"), 401, "bad_credentials")
    assert body["message_en"] == "Wrong username or password"
    assert body["message_zh"] == "用户名或密码错误"
    assert "access_token" not in body
    # The failure is remembered (it counts towards the lockout).
    assert _user(app, "agent").failed_logins == 1


def test_unknown_user_answers_exactly_like_a_wrong_password(client: TestClient) -> None:
    wrong_password = _login(client, "agent", "not-the-password")
    unknown_user = _login(client, "nobody-here", "not-the-password")
    unknown_user_right_password = _login(client, "nobody-here", PASSWORD)
    _assert_error(unknown_user, 401, "bad_credentials")
    assert unknown_user.json() == wrong_password.json()
    assert unknown_user_right_password.json() == wrong_password.json()
    assert unknown_user.headers.get("Retry-After") is None


def test_a_successful_login_resets_the_failure_count(client: TestClient, app, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    for _ in range(settings.login_max_failures - 1):
        _assert_error(_login(client, "agent", "wrong"), 401, "bad_credentials")
    assert _user(app, "agent").failed_logins == settings.login_max_failures - 1
    _pair(client)
    assert _user(app, "agent").failed_logins == 0
    # Four more failures do not lock: the count started again.
    for _ in range(settings.login_max_failures - 1):
        _assert_error(_login(client, "agent", "wrong"), 401, "bad_credentials")
    _pair(client)


def test_repeated_failures_lock_the_account_until_the_lockout_passes(
    client: TestClient,
    app,  # type: ignore[no-untyped-def]
    clock: Clock,
    settings: Settings,
) -> None:
    assert settings.login_max_failures == 5
    for _ in range(settings.login_max_failures):
        _assert_error(_login(client, "zj_handler", "wrong"), 401, "bad_credentials")

    # Locked: even the right password is refused, with Retry-After.
    locked = _login(client, "zj_handler", PASSWORD)
    body = _assert_error(locked, 429, "login_locked")
    retry_after = int(locked.headers["Retry-After"])
    assert 0 < retry_after <= settings.login_lockout_seconds + 1
    assert body["detail"]["retry_after"] == retry_after
    assert "access_token" not in body
    user = _user(app, "zj_handler")
    with Session(app.state.engine) as session:
        lock = session.get(LoginThrottle, f"acct:{user.id}@testclient")
        assert lock is not None and lock.locked_until is not None and lock.locked_until > clock.now

    # Another user is not affected.
    _pair(client, "zj_chief")

    # Still locked just before the lockout ends ...
    clock.advance(seconds=settings.login_lockout_seconds - 1)
    _assert_error(_login(client, "zj_handler", PASSWORD), 429, "login_locked")
    # ... and open once it has passed.
    clock.advance(seconds=2)
    body = _pair(client, "zj_handler")
    assert _me(client, body["access_token"]).status_code == 200
    user = _user(app, "zj_handler")
    assert user.failed_logins == 0
    assert user.locked_until is None


def test_a_failure_after_the_lockout_locks_again_for_longer(
    client: TestClient, clock: Clock, settings: Settings
) -> None:
    for _ in range(settings.login_max_failures):
        _login(client, "zj_handler", "wrong")
    first = int(_login(client, "zj_handler", PASSWORD).headers["Retry-After"])
    clock.advance(seconds=settings.login_lockout_seconds + 1)
    _assert_error(_login(client, "zj_handler", "wrong again"), 401, "bad_credentials")
    second = _login(client, "zj_handler", PASSWORD)
    _assert_error(second, 429, "login_locked")
    assert int(second.headers["Retry-After"]) > first
    assert int(second.headers["Retry-After"]) > settings.login_lockout_seconds * 2 - 2


# --- access tokens -------------------------------------------------------------------------


def test_access_token_expires_after_fifteen_minutes(client: TestClient, clock: Clock) -> None:
    access = _pair(client)["access_token"]
    clock.advance(minutes=14, seconds=59)
    assert _me(client, access).status_code == 200
    clock.advance(seconds=1)
    expired = _me(client, access)
    _assert_error(expired, 401, "token_expired")
    # RFC 6750: the reason in the header too, for a HEAD request's bodiless answer.
    assert expired.headers["WWW-Authenticate"] == 'Bearer error="invalid_token", error_description="token_expired"'
    head = client.head("/blobs/" + "0" * 64, headers=_bearer(access))
    assert head.status_code == 401 and "token_expired" in head.headers["WWW-Authenticate"]
    # Every protected route refuses it, not just /auth/me.
    _assert_error(client.get("/orders", headers=_bearer(access)), 401, "token_expired")


def test_missing_bearer_is_401_unauthorized(client: TestClient) -> None:
    response = client.get("/orders")
    _assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_forged_or_garbage_bearer_is_401_invalid_token(client: TestClient) -> None:
    real = _pair(client)
    forged = [
        "garbage",
        "x" * 43,
        real["access_token"][:-1] + ("A" if real["access_token"][-1] != "A" else "B"),
        hashlib.sha256(real["access_token"].encode()).hexdigest(),  # the stored hash is no token
        real["refresh_token"],  # a refresh token is not an access token
    ]
    for token in forged:
        response = _me(client, token)
        _assert_error(response, 401, "invalid_token")
        assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token", error_description="invalid_token"'
    # Not a bearer scheme at all.
    response = client.get("/auth/me", headers={"Authorization": f"Basic {real['access_token']}"})
    _assert_error(response, 401, "unauthorized")
    # The real token still works.
    assert _me(client, real["access_token"]).status_code == 200


# --- refresh -------------------------------------------------------------------------------


def test_refresh_rotates_the_pair(client: TestClient, clock: Clock) -> None:
    old = _pair(client)
    clock.advance(minutes=20)  # the access token has expired; the refresh token has not
    _assert_error(_me(client, old["access_token"]), 401, "token_expired")

    response = _refresh(client, old["refresh_token"])
    assert response.status_code == 200, response.text
    new = response.json()
    assert new["access_token"] not in (old["access_token"], old["refresh_token"])
    assert new["refresh_token"] not in (old["access_token"], old["refresh_token"])
    assert new["user"]["username"] == "agent"
    assert _me(client, new["access_token"]).status_code == 200

    # The answer was lost: the same token again, within the grace period and with its successor
    # unused, gets a fresh pair and the unused successor is withdrawn — the session goes on.
    again = _refresh(client, old["refresh_token"])
    assert again.status_code == 200, again.text
    _assert_error(_refresh(client, new["refresh_token"]), 401, "session_ended")
    latest = again.json()
    assert _me(client, latest["access_token"]).status_code == 200

    # Once the successor has been used, the old token is spent for good: presenting it is a theft
    # signal and ends the whole session.
    newer = _refresh(client, latest["refresh_token"])
    assert newer.status_code == 200
    stolen = _refresh(client, old["refresh_token"])
    _assert_error(stolen, 401, "token_reused")
    assert "access_token" not in stolen.json()
    _assert_error(_refresh(client, newer.json()["refresh_token"]), 401, "session_ended")


def test_a_spent_refresh_token_after_the_grace_period_ends_the_session(client: TestClient, clock: Clock) -> None:
    old = _pair(client)
    assert _refresh(client, old["refresh_token"]).status_code == 200
    clock.advance(minutes=3)
    _assert_error(_refresh(client, old["refresh_token"]), 401, "token_reused")


def test_an_access_token_is_not_a_refresh_token(client: TestClient) -> None:
    pair = _pair(client)
    _assert_error(_refresh(client, pair["access_token"]), 401, "invalid_token")
    _assert_error(_refresh(client, "garbage"), 401, "invalid_token")
    # Neither attempt spent or revoked the real refresh token.
    assert _refresh(client, pair["refresh_token"]).status_code == 200


def test_reusing_a_spent_refresh_token_revokes_the_whole_family(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    first = _pair(client)
    second = _refresh(client, first["refresh_token"]).json()
    third = _refresh(client, second["refresh_token"]).json()
    assert _me(client, third["access_token"]).status_code == 200
    other_session = _pair(client)  # another login of the same user: another family

    # A thief replays the first (spent) refresh token.
    _assert_error(_refresh(client, first["refresh_token"]), 401, "token_reused")

    # The newest access and refresh tokens of that family are dead ...
    _assert_error(_me(client, third["access_token"]), 401, "invalid_token")
    _assert_error(_me(client, second["access_token"]), 401, "invalid_token")
    _assert_error(_me(client, first["access_token"]), 401, "invalid_token")
    newest_refresh = _refresh(client, third["refresh_token"])
    assert newest_refresh.status_code == 401
    assert "access_token" not in newest_refresh.json()

    # ... and the revocation was committed, although the request was refused.
    family_hash = hashlib.sha256(third["refresh_token"].encode()).hexdigest()
    with Session(app.state.engine) as session:
        family = session.scalar(select(AuthToken.family).where(AuthToken.token_hash == family_hash))
        tokens = session.scalars(select(AuthToken).where(AuthToken.family == family)).all()
    assert len(tokens) == 6  # three rotations: three access and three refresh tokens
    assert all(t.revoked_at is not None for t in tokens)

    # The other login is untouched.
    assert _me(client, other_session["access_token"]).status_code == 200
    assert _refresh(client, other_session["refresh_token"]).status_code == 200


def test_refresh_token_expires(client: TestClient, clock: Clock, settings: Settings) -> None:
    pair = _pair(client)
    clock.advance(seconds=settings.refresh_token_ttl_seconds)
    _assert_error(_refresh(client, pair["refresh_token"]), 401, "token_expired")


# --- sign-out ------------------------------------------------------------------------------


def test_logout_revokes_access_and_refresh(client: TestClient) -> None:
    pair = _pair(client)
    other = _pair(client)
    response = client.post("/auth/logout", headers=_bearer(pair["access_token"]))
    assert response.status_code == 204
    assert response.content == b""
    _assert_error(_me(client, pair["access_token"]), 401, "invalid_token")
    refreshed = _refresh(client, pair["refresh_token"])
    assert refreshed.status_code == 401
    assert refreshed.json()["code"] == "session_ended"
    assert "access_token" not in refreshed.json()
    # Logging out twice is refused like any other dead token.
    _assert_error(client.post("/auth/logout", headers=_bearer(pair["access_token"])), 401, "invalid_token")
    # Only that session ended.
    assert _me(client, other["access_token"]).status_code == 200


# --- storage -------------------------------------------------------------------------------


def test_tokens_are_stored_only_as_hashes(client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
    first = _pair(client)
    second = _refresh(client, first["refresh_token"]).json()
    raw = [first["access_token"], first["refresh_token"], second["access_token"], second["refresh_token"]]
    columns = AuthToken.__table__.columns.keys()
    with Session(app.state.engine) as session:
        rows = session.scalars(select(AuthToken)).all()
        assert len(rows) == 4
        stored = [str(getattr(row, column)) for row in rows for column in columns]
        hashes = {row.token_hash for row in rows}
    for token in raw:
        assert not any(token in value for value in stored), "a raw token is stored"
        assert hashlib.sha256(token.encode()).hexdigest() in hashes


def test_passwords_are_argon2id(app) -> None:  # type: ignore[no-untyped-def]
    with Session(app.state.engine) as session:
        hashes = session.scalars(select(User.password_hash)).all()
    assert len(hashes) >= 14
    for value in hashes:
        assert value.startswith("$argon2id$"), value
        assert PASSWORD not in value
    assert len(set(hashes)) == len(hashes)  # salted: the same password never hashes alike
