"""``python -m server simulate`` against a real server process, as the demo desktop would run it.

The demo city is seeded and served; a few orders are put where the centre has work to do (replied
and waiting for the callback, returned by the wrong department, an extension asked for). The
simulator then takes in a handful of requests at a fast rate and works its queues: every new order
goes to the department of its category, the callbacks are recorded and some orders closed, the
return and the extension are ruled on. A second run with the same seed takes in the same requests.
Against a server that does not answer it keeps trying, and Ctrl+C stops it with a summary.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.demo.seed import DEMO_PASSWORD
from tests.fixtures.server_process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SIMULATE = [sys.executable, "-m", "server", "simulate"]

#: The demo city of the module's ``server`` (tests/fixtures/server_process.py): 30 orders.
SERVER_ORDERS = 30
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Desk:
    """Demo users acting on the server, as the departments would from their desktops."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.headers: dict[str, dict[str, str]] = {}
        self.departments = {d["code"]: d["id"] for d in self.get("/departments", "agent")}
        self.categories = {c["code"]: c["department_code"] for c in self.get("/categories", "agent")}

    def _as(self, user: str) -> dict[str, str]:
        if user not in self.headers:
            response = self.http.post("/auth/login", json={"username": user, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.text
            self.headers[user] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return self.headers[user]

    def get(self, path: str, user: str = "agent", **params: Any) -> Any:
        response = self.http.get(path, headers=self._as(user), params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def command(self, order_id: int, name: str, user: str, **body: Any) -> dict[str, Any]:
        body["version"] = self.get(f"/orders/{order_id}")["version"]
        response = self.http.post(f"/orders/{order_id}/{name.replace('_', '-')}", headers=self._as(user), json=body)
        assert response.status_code == 200, f"{name} as {user}: {response.text}"
        return response.json()

    def intake(self, title: str) -> int:
        body = {
            "channel": "phone",
            "citizen": {"name": "钱玉梅", "phone": "13805140000"},
            "kind": "complaint",
            "category_code": "0101",  # 道路维修: the housing bureau (ZJJ)
            "title": title,
            "description": "通湖路通达小区门口路面坑洼，雨天积水。",
            "district": "高邮街道",
        }
        response = self.http.post("/orders", headers=self._as("agent"), json=body)
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def in_progress(self, title: str) -> int:
        order = self.intake(title)
        self.command(order, "dispatch", "agent", lead_department_id=self.departments["ZJJ"])
        self.command(order, "sign", "chief")
        return order

    def replied(self, title: str) -> int:
        order = self.in_progress(title)
        self.command(order, "submit_reply", "handler", text="已安排修补路面，现已完工。", result_code="resolved")
        self.command(order, "approve", "chief")
        self.command(order, "approve", "head")
        return order

    def all_orders(self) -> list[dict[str, Any]]:
        found, cursor = [], None
        while True:
            page = self.get("/orders", limit=200, **({"cursor": cursor} if cursor else {}))
            found += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return found


def _run(base: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [*SIMULATE, "--server", base, "--user", "agent", "--password", DEMO_PASSWORD, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)


def test_the_centre_takes_in_dispatches_rules_calls_back_and_closes(server: ServerProcess) -> None:
    desk = Desk(server.url)
    replied = [desk.replied(f"路面坑洼待回访{i}") for i in range(4)]
    misrouted = desk.intake("路面坑洼派错单位")
    desk.command(misrouted, "dispatch", "agent", lead_department_id=desk.departments["CGJ"])
    desk.command(misrouted, "request_return", "yangfan", reason_code="not_our_duty", reason="道路维修不属于城管职责。")
    extension = desk.in_progress("路面坑洼申请延期")
    desk.command(extension, "request_extension", "handler", days=3, reason="需采购专用配件，到货周期约两周。")
    before = max(o["id"] for o in desk.all_orders())

    first = _run(server.url, "--rate", "600", "--count", "6", "--every", "0.3", "--per-round", "200", "--seed", "7")
    output = first.stdout + first.stderr
    assert first.returncode == 0, output
    assert "Traceback" not in output
    assert "created 6," in first.stdout

    new = sorted((o for o in desk.all_orders() if o["id"] > before), key=lambda o: o["id"])
    assert len(new) == 6
    for order in new:
        assert order["state"] == "dispatched", order
        assert order["lead_department_id"] == desk.departments[desk.categories[order["category_code"]]], order
    assert len({o["channel"] for o in new} | {o["category_code"] for o in new}) > 3, "varied requests"

    called = [desk.get(f"/orders/{order_id}") for order_id in replied]
    assert all(order["callbacks"] for order in called), "every replied order was called back"
    assert any(order["state"] == "closed" for order in called), "some were closed"
    handed_on = desk.get(f"/orders/{misrouted}")
    assert (handed_on["state"], handed_on["lead_department_id"]) == ("dispatched", desk.departments["ZJJ"])
    assert desk.get(f"/orders/{extension}")["extension"]["status"] in ("approved", "denied")

    after_first = new[-1]["id"]
    second = _run(server.url, "--rate", "600", "--count", "6", "--every", "0.3", "--seed", "7")
    assert second.returncode == 0, second.stdout + second.stderr
    again = sorted((o for o in desk.all_orders() if o["id"] > after_first), key=lambda o: o["id"])
    assert [o["title"] for o in again] == [o["title"] for o in new]
    assert [o["category_code"] for o in again] == [o["category_code"] for o in new]


def test_an_absent_server_is_waited_for_and_ctrl_c_stops_it_cleanly() -> None:
    dead = f"http://127.0.0.1:{_free_port()}"
    command = [*SIMULATE, "--server", dead, "--password", DEMO_PASSWORD, "--rate", "60", "--every", "0.2"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(4)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert "Traceback" not in stdout + stderr
    assert "trying again" in stdout  # logged, and tried again with back-off
    assert "simulated" in stdout and "created 0" in stdout  # the summary
    assert process.returncode == 1  # it never signed in
