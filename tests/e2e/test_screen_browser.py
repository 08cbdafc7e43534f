"""The big screen in headless Chromium against a real server process, as a wall would show it.

A small demo city is seeded with ``python -m server seed-demo``, the server runs as its own
process, and Debian's Chromium (driven by selenium through Debian's chromedriver) opens
``/screen`` at 1920×1080. The figures on the page must equal ``/screen/data`` and what the
database says; the ranking must name departments; no request may leave the machine; and a failed
fetch keeps the figures and marks them stale. The screenshot goes to ``screenshots/screen_1920.png``.

Skipped, with the reason, where there is no Chromium (``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import and_, create_engine, func, or_, select

from casework.deadlines import SHANGHAI
from casework.order import State
from server.models import Order
from tests.server_process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "screenshots" / "screen_1920.png"
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
)
KEY = "wall-key-for-tests"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None or CHROMEDRIVER is None,
        reason="no Chromium here: apt-get install -y chromium chromium-driver",
    ),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A seeded demo city served by a real process; yields its base URL, database URL and the process."""
    server = ServerProcess(tmp_path_factory.mktemp("screen") / "data", orders=30, env={"CASEDESK_SCREEN_KEY": KEY})
    server.start()
    try:
        yield {"base": server.url, "database": server.database_url, "server": server}
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in a container
        "--disable-dev-shm-usage",
        "--window-size=1920,1080",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--lang=zh-CN",
        # Chromium's own background traffic (updates, safe browsing, …) is not the page's.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    # The window size includes the browser's frame in some builds: make the page itself 1920×1080.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
    )
    try:
        yield driver
    finally:
        driver.quit()


def _requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (from Chromium's DevTools log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _number(driver: Any, element_id: str) -> int:
    text = driver.find_element("id", element_id).text
    assert re.fullmatch(r"[\d,]+", text), f"{element_id} shows {text!r}"
    return int(text.replace(",", ""))


def _database_figures(database: str, now: datetime) -> dict[str, int]:
    """Today's intake, the orders with a department and those overdue, counted straight from ``orders``."""
    engine = create_engine(database)
    midnight = now.astimezone(SHANGHAI).replace(hour=0, minute=0, second=0, microsecond=0)
    due = func.coalesce(Order.reply_due_extended, Order.reply_due)
    owing = [State.DISPATCHED, State.RETURN_REQUESTED, State.IN_PROGRESS, State.IN_REVIEW]
    with engine.connect() as c:
        intake = c.scalar(
            select(func.count())
            .select_from(Order)
            .where(Order.received_at >= midnight, Order.received_at < midnight + timedelta(days=1))
            .where(Order.state != State.INVALID)
        )
        in_progress = c.scalar(select(func.count()).select_from(Order).where(Order.state.in_(owing)))
        overdue = c.scalar(
            select(func.count())
            .select_from(Order)
            .where(
                due < now,
                or_(
                    Order.state.in_(owing),
                    and_(Order.state == State.REPLIED, Order.replied_on_time.is_(False)),
                ),
            )
        )
    engine.dispose()
    return {"intake": intake or 0, "in_progress": in_progress or 0, "overdue": overdue or 0}


def test_the_wall_shows_the_figures_of_the_city(city: dict[str, Any], browser: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    base = city["base"]
    assert httpx.get(f"{base}/screen/data").status_code == 404, "a key is configured: no key, no figures"
    assert httpx.get(f"{base}/screen/data", params={"key": KEY}).status_code == 404, "never a key in the URL"
    # The key is handed over once in the fragment (never sent), exchanged for an HttpOnly cookie.
    browser.get(f"{base}/screen?refresh=2#key={KEY}")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element("tag name", "body").get_attribute("data-state") == "ready"
    )
    assert KEY not in browser.current_url, "the fragment is removed from the address bar"
    cookie = browser.get_cookie("casedesk_screen")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie") == "", "the script cannot read it"
    time.sleep(1.8)  # let the number flashes and gauge arcs settle before the screenshot
    SCREENSHOT.parent.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOT))

    with httpx.Client(base_url=base) as wall:
        assert wall.post("/screen/session", json={"key": KEY}).status_code == 204
        data = wall.get("/screen/data").json()
    shown = {
        "intake": _number(browser, "kpi-intake"),
        "in_progress": _number(browser, "kpi-progress"),
        "overdue": _number(browser, "kpi-overdue"),
    }
    served = {
        "intake": data["today"]["intake_today"],
        "in_progress": data["today"]["in_progress"],
        "overdue": data["today"]["overdue"],
    }
    assert shown == served
    assert served == _database_figures(city["database"], datetime.fromisoformat(data["today"]["as_of"]))
    assert served["in_progress"] > 0, "the seeded city has work in hand"

    departments = [e.text for e in browser.find_elements("css selector", "#ranking .dept")]
    assert departments, "the ranking lists departments"
    assert departments == [row["department"] for row in data["ranking"]]
    assert all(name.startswith("市") or name.endswith(("办事处", "政府", "公司")) for name in departments)
    assert browser.find_element("id", "title").text == "市12345政务服务热线中心"
    assert re.fullmatch(r"\d{2}:\d{2}:\d{2}", browser.find_element("id", "clock-time").text)
    assert "数据更新" in browser.find_element("id", "updated").text

    requested = _requested_urls(browser)
    assert requested and not [url for url in requested if KEY in url], "the key never in a requested URL"
    hosts = {urlsplit(url).hostname for url in requested if url.startswith(("http:", "https:", "ws"))}
    assert hosts == {"127.0.0.1"}, f"the page reached out to {hosts - {'127.0.0.1'}}"
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe  # e.g. a CSP violation or a script error


def test_a_lost_server_leaves_the_last_figures_marked_stale(city: dict[str, Any], browser: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    body = browser.find_element("tag name", "body")
    if body.get_attribute("data-state") != "ready":
        browser.get(f"{city['base']}/screen?refresh=2")  # the cookie of the first test
        WebDriverWait(browser, 30).until(lambda d: body.get_attribute("data-state") == "ready")
    before = browser.find_element("id", "kpi-progress").text
    city["server"].stop()
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element("tag name", "body").get_attribute("data-state") == "stale"
    )
    assert browser.find_element("id", "kpi-progress").text == before
    assert "连接中断" in browser.find_element("id", "updated").text
