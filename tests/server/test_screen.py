"""The big screen's access rule (a key exchanged once for a cookie, or loopback without one) and what
``/screen/data`` may show."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from server.measures import service as measures
from server.screen.access import COOKIE, SESSION_DAYS, is_loopback, session_issued, session_token
from server.screen.endpoints import router
from server.settings import Settings
from tests.server.support import Api, Clock

KEY = "a-long-screen-key-for-the-wall"
REMOTE = ["10.1.2.3", "192.168.1.20", "203.0.113.7", "2001:db8::1", "testclient"]
LOOPBACK = ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]


class ScreenSettings(Settings):
    """``Settings`` with the screen key (a no-op once ``Settings`` has the field itself)."""

    screen_key: str = ""


ScreenClient = Callable[..., TestClient]


@pytest.fixture
def screen(app: FastAPI, settings: Settings) -> ScreenClient:
    """A client of the app from ``host``, with the screen key set to ``key`` ("" = none)."""
    if not any(getattr(route, "path", None) == "/screen/data" for route in app.routes):
        app.include_router(router)  # until server/app.py includes it

    def client(host: str, key: str = "") -> TestClient:
        app.state.settings = ScreenSettings(**{**settings.model_dump(), "screen_key": key})
        return TestClient(app, client=(host, 50000), raise_server_exceptions=True)

    return client


@pytest.mark.parametrize("host", LOOPBACK)
def test_without_a_key_the_machine_itself_sees_the_screen(screen: ScreenClient, host: str) -> None:
    client = screen(host)
    assert client.get("/screen/data").status_code == 200
    assert client.get("/screen").status_code == 200


@pytest.mark.parametrize("host", REMOTE)
def test_without_a_key_nobody_else_does(screen: ScreenClient, host: str) -> None:
    client = screen(host)
    for path in ("/screen/data", "/screen"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"  # the same answer as a page that does not exist
        assert client.get(path, params={"key": KEY}).status_code == 404
    assert client.post("/screen/session", json={"key": KEY}).status_code == 404


@pytest.mark.parametrize("host", ["203.0.113.7", "127.0.0.1"])
def test_with_a_key_the_key_is_exchanged_once_for_a_cookie(screen: ScreenClient, host: str) -> None:
    client = screen(host, key=KEY)
    # The page (no figures in it) loads, so that a new wall can hand over the key from its fragment.
    assert client.get("/screen").status_code == 200
    assert client.get("/screen/data").status_code == 404, "no cookie (also from loopback once a key is set)"
    assert client.get("/screen/data", params={"key": KEY}).status_code == 404, "a key in the address is refused"
    for wrong in ("", "wrong", KEY[:-1], KEY + "x", KEY.upper(), "密钥"):
        assert client.post("/screen/session", json={"key": wrong}).status_code == 404, wrong
    assert COOKIE not in client.cookies

    opened = client.post("/screen/session", json={"key": KEY})
    assert opened.status_code == 204, opened.text
    cookie = opened.headers["set-cookie"]
    assert KEY not in cookie
    for attribute in ("HttpOnly", "SameSite=strict", "Path=/screen", "Max-Age="):
        assert attribute.lower() in cookie.lower(), cookie
    assert "secure" not in cookie.lower()  # plain http here (see the https test)
    assert client.get("/screen/data").status_code == 200
    assert client.get("/screen").status_code == 200

    # A forged or tampered cookie opens nothing; a new key voids every wall's cookie.
    issued, signature = client.cookies[COOKIE].split(".")
    for forged in (f"{int(issued) + 1}.{signature}", f"{issued}.{'0' * 64}", "x", ""):
        client.cookies.set(COOKIE, forged, path="/screen")
        assert client.get("/screen/data").status_code == 404, forged
    client.cookies.set(COOKIE, f"{issued}.{signature}", path="/screen")
    rotated = screen(host, key=KEY + "-new")
    rotated.cookies.set(COOKIE, f"{issued}.{signature}", path="/screen")
    assert rotated.get("/screen/data").status_code == 404


def test_the_cookie_is_secure_over_https(app: FastAPI, settings: Settings) -> None:
    app.state.settings = settings.model_copy(update={"screen_key": KEY})
    with TestClient(app, base_url="https://wall.example") as client:
        opened = client.post("/screen/session", json={"key": KEY})
        assert opened.status_code == 204
        assert "secure" in opened.headers["set-cookie"].lower()


def test_guessing_the_key_is_slowed_like_a_sign_in(screen: ScreenClient, settings: Settings) -> None:
    client = screen("203.0.113.9", key=KEY)
    answers = [
        client.post("/screen/session", json={"key": f"guess-{n}"}).status_code
        for n in range(settings.login_address_max_failures + 1)
    ]
    assert answers[:-1] == [404] * settings.login_address_max_failures
    assert answers[-1] == 429
    assert client.post("/screen/session", json={"key": KEY}).status_code == 429  # locked: even the key


def test_the_rule_itself() -> None:
    token = session_token(KEY, issued=1_800_000_000)
    assert session_issued(KEY, token, now=1_800_000_000 + 86400) == 1_800_000_000
    assert session_issued(KEY, token, now=1_800_000_000 + (SESSION_DAYS + 1) * 86400) is None  # expired
    assert session_issued(KEY + "x", token, now=1_800_000_000) is None
    assert session_issued("", token, now=1_800_000_000) is None
    assert all(is_loopback(h) for h in LOOPBACK)
    assert not any(is_loopback(h) for h in [*REMOTE, None, "", "localhost", "::ffff:10.0.0.1"])


def test_the_data_are_aggregates_and_match_the_measures(
    screen: ScreenClient, app: FastAPI, api: Api, clock: Clock
) -> None:
    citizen = {"name": "王秀英", "phone": "13955501234"}
    secret = "三单元二楼东户家里漏水"
    for lead in ("ZJJ", "ZJJ", "CGJ"):
        order = api.dispatched(lead, citizen=citizen, description=secret, category_code="0101")
    api.command(order["id"], "sign", "cg_chief")
    api.intake(citizen=citizen, description=secret)
    clock.advance(days=9)  # the dispatched orders' replies are now overdue

    response = screen("127.0.0.1").get("/screen/data")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    body = response.text
    for private in (citizen["name"], citizen["phone"], secret, "文汇路", order["number"]):
        assert private not in body

    data = response.json()
    with app.state.session_factory() as s:
        expected = measures.today(s, clock.now)
    assert data["today"] == expected.model_dump(mode="json")
    assert data["today"]["in_progress"] == 3
    assert data["today"]["overdue"] == 3
    assert data["title"] == "12345热线中心"
    assert data["month_label"] == "2026年12月"
    assert {row["department"] for row in data["ranking"]} <= {"住房和城乡建设局", "城市管理局", "水务局"}


def test_the_page_loads_nothing_from_elsewhere(screen: ScreenClient) -> None:
    response = screen("127.0.0.1").get("/screen")
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert re.search(r"(https?:)?//[a-z]", html, re.IGNORECASE) is None, "no external address in the page"
    assert "@import" not in html and "url(" not in html and "@font-face" not in html
    assert "/*{{" not in html and "{{nonce}}" not in html
    nonce = re.search(r"script-src 'nonce-([^']+)'", response.headers["content-security-policy"])
    assert nonce and f'<script nonce="{nonce.group(1)}">' in html
    assert "connect-src 'self'" in response.headers["content-security-policy"]
    assert '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif' in html
