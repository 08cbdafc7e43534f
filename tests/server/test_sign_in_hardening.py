"""Password policy, forced change at first sign-in, an administrator's reset, login back-off per
client address and per account at an address (on SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.passwords import MIN_LENGTH, PasswordRule, check_password, common_passwords
from server.auth.addresses import client_address
from server.models import AuditRecord, User
from server.settings import Settings
from tests.fixtures.city import PASSWORD, Api, Clock

GOOD = "Lu-deng-bu-liang-42"


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, raise_server_exceptions=False, client=(address, 50000))


@pytest.fixture
def attacker(app: FastAPI) -> Iterator[TestClient]:
    with _from(app, "203.0.113.66") as c:
        yield c


@pytest.fixture
def colleague(app: FastAPI) -> Iterator[TestClient]:
    with _from(app, "10.1.2.3") as c:
        yield c


def _login(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    return client.post("/auth/login", json={"username": username, "password": password})


def _bearer(response: Any) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _new_user(api: Api, username: str = "xiao_li", password: str = GOOD) -> Any:
    body = {
        "username": username,
        "name": "小李",
        "role": "handler",
        "department_id": api.department_id("ZJJ"),
        "password": password,
    }
    return api.post("/users", "admin", json=body)


# --- the policy ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Ab1-short", PasswordRule.TOO_SHORT),
        ("xiao_li-2026-ok", PasswordRule.CONTAINS_USERNAME),
        ("XIAO_LI-2026-OK", PasswordRule.CONTAINS_USERNAME),
        ("qwertyuiop", PasswordRule.COMMON),
        ("1qaz2wsx3edc", PasswordRule.COMMON),
        ("woaini1314", PasswordRule.COMMON),
        ("Password2026!", PasswordRule.COMMON),
        ("zzzzzzzzzzzzzz", PasswordRule.ONE_KIND),
        ("73920184736251", PasswordRule.ONE_KIND),
    ],
)
def test_creating_a_user_with_a_weak_password_answers_422_naming_the_rule(
    api: Api, password: str, rule: PasswordRule
) -> None:
    response = _new_user(api, password=password)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == rule.value
    assert body["detail"] == {"rule": rule.value}
    assert body["message_zh"] and "密码" in body["message_zh"]
    assert api.client.post("/auth/login", json={"username": "xiao_li", "password": password}).status_code == 401


def test_the_list_is_large_and_a_good_password_passes() -> None:
    assert len(common_passwords()) > 30_000
    assert "123456" in common_passwords()
    assert check_password(GOOD, "xiao_li") is None
    assert check_password("x" * (MIN_LENGTH - 2) + "1!", "u") is None
    assert check_password("x" * (MIN_LENGTH - 3) + "1!", "u") is not None


# --- forced change -------------------------------------------------------------------------


def test_a_user_made_by_an_admin_must_change_the_password_before_anything_else(api: Api) -> None:
    made = _new_user(api)
    assert made.status_code == 201, made.text
    assert made.json()["must_change_password"] is True
    signed_in = _login(api.client, "xiao_li", GOOD)
    assert signed_in.json()["user"]["must_change_password"] is True
    headers = _bearer(signed_in)
    for method, path in [("GET", "/orders"), ("GET", "/departments"), ("GET", "/sync/pull")]:
        refused = api.client.request(method, path, headers=headers)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["code"] == "password_change_required"
    assert api.client.get("/auth/me", headers=headers).json()["must_change_password"] is True

    # The new password follows the policy too, and must differ from the old one.
    weak = api.client.post("/auth/password", headers=headers, json={"old_password": GOOD, "new_password": "12345"})
    assert weak.status_code == 422 and weak.json()["code"] == "password_too_short"
    same = api.client.post("/auth/password", headers=headers, json={"old_password": GOOD, "new_password": GOOD})
    assert same.status_code == 422 and same.json()["code"] == "password_unchanged"
    wrong = api.client.post(
        "/auth/password", headers=headers, json={"old_password": "nope", "new_password": "A" + GOOD}
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_password"

    changed = api.client.post(
        "/auth/password", headers=headers, json={"old_password": GOOD, "new_password": "A" + GOOD}
    )
    assert changed.status_code == 204, changed.text
    assert api.client.get("/orders", headers=headers).status_code == 200
    assert _login(api.client, "xiao_li", GOOD).status_code == 401
    assert _login(api.client, "xiao_li", "A" + GOOD).json()["user"]["must_change_password"] is False


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(api: Api) -> None:
    here = _bearer(_login(api.client, "zj_chief"))
    elsewhere = _login(api.client, "zj_chief").json()
    changed = api.client.post("/auth/password", headers=here, json={"old_password": PASSWORD, "new_password": GOOD})
    assert changed.status_code == 204, changed.text
    assert api.client.get("/auth/me", headers=here).status_code == 200
    other = {"Authorization": f"Bearer {elsewhere['access_token']}"}
    assert api.client.get("/auth/me", headers=other).status_code == 401
    assert api.client.post("/auth/refresh", json={"refresh_token": elsewhere["refresh_token"]}).status_code == 401


def test_an_admin_reset_gives_a_temporary_password_once_audited_and_ends_sessions(api: Api, app: FastAPI) -> None:
    victim = _bearer(_login(api.client, "zj_handler"))
    uid = api.user_id("zj_handler")
    assert api.post(f"/users/{uid}/reset-password", "zj_chief").status_code == 403
    assert api.post("/users/999999/reset-password", "admin").status_code == 404
    reset = api.post(f"/users/{uid}/reset-password", "admin")
    assert reset.status_code == 200, reset.text
    temporary = reset.json()["temporary_password"]
    assert check_password(temporary, "zj_handler") is None
    assert api.client.get("/auth/me", headers=victim).status_code == 401  # the old session ended
    assert _login(api.client, "zj_handler", PASSWORD).status_code == 401
    again = _login(api.client, "zj_handler", temporary)
    assert again.json()["user"]["must_change_password"] is True
    assert api.client.get("/orders", headers=_bearer(again)).json()["code"] == "password_change_required"
    with Session(app.state.engine) as session:
        audit = session.scalars(select(AuditRecord).where(AuditRecord.action == "reset_password")).all()
        assert [(a.actor_id, a.after["user_id"]) for a in audit] == [(api.user_id("admin"), uid)]
        assert temporary not in str(audit[0].after)  # the password is never written down


# --- back-off per address and per account at an address -------------------------------------


def test_a_spray_from_one_address_is_slowed_and_a_colleague_elsewhere_is_not(
    app: FastAPI, attacker: TestClient, colleague: TestClient, settings: Settings, clock: Clock
) -> None:
    usernames = ["agent", "zj_handler", "zj_chief", "cg_handler", "nobody", "mayor"]
    answers = []
    for i in range(settings.login_address_max_failures + 3):
        answers.append(_login(attacker, usernames[i % len(usernames)], f"guess-{i}").status_code)
    # Each account saw at most a handful of guesses (below its own lockout), yet the address is stopped.
    assert answers[: settings.login_address_max_failures] == [401] * settings.login_address_max_failures
    assert answers[settings.login_address_max_failures :] == [429] * 3
    locked = _login(attacker, "zj_chief", PASSWORD)  # even the right password, from there
    assert locked.status_code == 429 and locked.json()["code"] == "login_locked"
    first_wait = int(locked.headers["Retry-After"])
    assert 0 < first_wait <= settings.login_lockout_seconds * 2**3 + 1
    # The people guessed at sign in from their own desks.
    for username in usernames[:4]:
        assert _login(colleague, username).status_code == 200
    # Exponential: one more failure after the lockout locks the address for longer.
    clock.advance(seconds=first_wait + 1)
    assert _login(attacker, "mayor", "again").status_code == 401
    assert int(_login(attacker, "mayor", "again").headers["Retry-After"]) > first_wait


def test_guessing_one_account_locks_the_guesser_not_the_owner(
    attacker: TestClient, colleague: TestClient, settings: Settings
) -> None:
    for _ in range(settings.login_max_failures):
        assert _login(attacker, "zj_head", "wrong").status_code == 401
    assert _login(attacker, "zj_head", PASSWORD).status_code == 429
    assert _login(colleague, "zj_head", PASSWORD).status_code == 200
    # The attacker's address may still sign in to other accounts (below the address threshold).
    assert _login(attacker, "cg_head", PASSWORD).status_code == 200


def test_a_guess_spread_over_many_addresses_locks_the_account(
    app: FastAPI, settings: Settings, colleague: TestClient
) -> None:
    settings.login_account_max_failures = 6
    for n in range(6):
        with _from(app, f"198.51.100.{n + 1}") as bot:
            assert _login(bot, "sw_chief", "wrong").status_code == 401
    assert _login(colleague, "sw_chief", PASSWORD).status_code == 429


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(app: FastAPI, settings: Settings) -> None:
    class Conn:
        def __init__(self, peer: str, forwarded: str) -> None:
            self.client = type("C", (), {"host": peer})()
            self.headers = type("H", (), {"getlist": lambda _self, _name: [forwarded] if forwarded else []})()

    def address(peer: str, forwarded: str = "") -> str:
        return client_address(Conn(peer, forwarded), settings)  # type: ignore[arg-type]

    assert address("203.0.113.9", "1.1.1.1") == "203.0.113.9"  # no trusted proxy: header ignored
    settings.trusted_proxies = "10.0.0.5, 192.168.0.0/24"
    assert address("10.0.0.5", "1.1.1.1") == "1.1.1.1"
    assert address("10.0.0.5", "6.6.6.6, 1.1.1.1, 192.168.0.7") == "1.1.1.1"  # spoofed left part ignored
    assert address("203.0.113.9", "1.1.1.1") == "203.0.113.9"  # an untrusted peer cannot claim
    assert address("10.0.0.5", "not-an-ip") == "10.0.0.5"
    assert address("10.0.0.5") == "10.0.0.5"


def test_trusted_proxy_addresses_drive_the_back_off(app: FastAPI, settings: Settings) -> None:
    settings.trusted_proxies = "127.0.0.1"
    with _from(app, "127.0.0.1") as proxy:
        for _ in range(settings.login_max_failures):
            proxy.post(
                "/auth/login",
                json={"username": "leader_cg", "password": "x"},
                headers={"X-Forwarded-For": "203.0.113.7"},
            )
        locked = proxy.post(
            "/auth/login",
            json={"username": "leader_cg", "password": PASSWORD},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        assert locked.status_code == 429
        fine = proxy.post(
            "/auth/login", json={"username": "leader_cg", "password": PASSWORD}, headers={"X-Forwarded-For": "10.9.9.9"}
        )
        assert fine.status_code == 200, fine.text


def test_concurrent_failures_from_one_address_are_all_counted(
    app: FastAPI, settings: Settings, database_url: str
) -> None:
    """Several requests at once (threads through the real request path, as several workers would):
    no count is lost, no deadlock, no 500."""
    settings.login_address_max_failures = 1000
    settings.login_max_failures = 1000
    statuses: list[int] = []
    lock = threading.Lock()

    with _from(app, "203.0.113.80") as client:  # one event loop; the requests overlap in it

        def guess(n: int) -> None:
            status = _login(client, ["agent", "zj_chief", "zj_head", "nobody"][n % 4], f"bad-{n}").status_code
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert statuses == [401] * 24, statuses
    with Session(app.state.engine) as session:
        from server.models import LoginThrottle

        row = session.get(LoginThrottle, "addr:203.0.113.80")
        assert row is not None and row.failures == 24
        agent = session.scalar(select(User).where(User.username == "agent"))
        assert agent is not None and agent.failed_logins == 6
        assert session.get(LoginThrottle, f"acct:{agent.id}@203.0.113.80").failures == 6  # type: ignore[union-attr]


#: Open without a sign-in, or guarded otherwise (the screen's key, tus discovery).
_PUBLIC = {"/healthz", "/server-info", "/auth/login", "/auth/refresh", "/screen", "/screen/session", "/screen/data"}
#: Only a revoked desk's token or its one-time wipe token is accepted there (a live session gets 401):
#: what a revoked desk discards is recorded whatever its user still owes.
_REVOKED_ONLY = {"/devices/{device_id}/wipe-report"}
#: Open to a user who must still change their password.
_WHILE_CHANGING = {("GET", "/auth/me"), ("POST", "/auth/logout"), ("POST", "/auth/password")}


def test_every_other_endpoint_waits_for_the_password_change(api: Api, app: FastAPI) -> None:
    assert _new_user(api).status_code == 201
    headers = _bearer(_login(api.client, "xiao_li", GOOD))
    walked, problems = 0, []
    for path, methods in app.openapi()["paths"].items():
        for method in methods:
            method = method.upper()
            exempt = (method, path) in _WHILE_CHANGING or (method, path) == ("OPTIONS", "/uploads")
            if path in _PUBLIC | _REVOKED_ONLY or exempt:
                continue
            concrete = path.replace("{sha256}", "a" * 64).replace("{year}", "2026")
            concrete = re.sub(r"\{\w+\}", "1", concrete)
            response = api.client.request(method, concrete, headers=headers)
            walked += 1
            code = response.json().get("code") if method != "HEAD" and response.content else None
            if response.status_code != 403 or (method != "HEAD" and code != "password_change_required"):
                problems.append(f"{method} {concrete}: {response.status_code} {response.text[:80]}")
    assert walked > 40
    assert not problems, "\n".join(problems)
    for method, path in sorted(_WHILE_CHANGING - {("POST", "/auth/logout")}):
        assert api.client.request(method, path, headers=headers, json={}).status_code != 403, path
