"""The real server: ``python -m server`` commands and ``serve`` with two workers, over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.demo.seed import DEMO_PASSWORD

PG_URL = os.environ.get("CASEDESK_TEST_PG_URL")
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def server_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "CASEDESK_DATA_DIR": str(tmp_path / "data")}
    if request.param == "sqlite":
        env["CASEDESK_DATABASE_URL"] = f"sqlite:///{tmp_path / 'data' / 'casedesk.db'}"
        yield env
        return
    assert PG_URL
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"casedesk_e2e_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    env["CASEDESK_DATABASE_URL"] = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    yield env
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
def test_cli_and_two_workers_run_a_whole_order(server_env: dict[str, str]) -> None:
    seeded = _cli(server_env, "seed-demo", "--orders", "30")
    assert seeded.returncode == 0, seeded.stderr
    assert "30 orders" in seeded.stdout
    assert _cli(server_env, "create-category", "9901", "测试分类", "--department", "ZJJ").returncode == 0
    made = _cli(
        server_env,
        "create-user",
        "newbie",
        "--name",
        "新同事",
        "--role",
        "handler",
        "--department",
        "ZJJ",
        "--password",
        "Xin-tong-shi-7",
    )
    assert made.returncode == 0, made.stderr

    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port), "--workers", "2", "--log-level", "warning"],
        env=server_env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            for _ in range(150):
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                pytest.fail("the server did not come up")

            def login(username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
                """Outside demo mode every seeded or CLI-made user must change the password first."""
                response = http.post("/auth/login", json={"username": username, "password": password})
                assert response.status_code == 200, response.text
                assert response.json()["user"]["must_change_password"] is True
                headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
                refused = http.get("/departments", headers=headers)
                assert refused.status_code == 403 and refused.json()["code"] == "password_change_required"
                new = f"{username}-Own-pass-2026"[::-1]
                changed = http.post(
                    "/auth/password", headers=headers, json={"old_password": password, "new_password": new}
                )
                assert changed.status_code == 204, changed.text
                assert http.get("/auth/me", headers=headers).json()["must_change_password"] is False
                return headers

            agent, chief, head = login("agent"), login("chief"), login("head")
            newbie = login("newbie", "Xin-tong-shi-7")
            departments = {d["code"]: d["id"] for d in http.get("/departments", headers=agent).json()}
            order = http.post(
                "/orders",
                headers=agent,
                json={
                    "channel": "wechat",
                    "citizen": {"name": "赵敏", "phone": "13700001234"},
                    "kind": "help",
                    "category_code": "9901",
                    "title": "楼道灯不亮",
                    "description": "三单元楼道灯坏了一周。",
                },
            )
            assert order.status_code == 201, order.text
            oid = order.json()["id"]

            def command(headers: dict[str, str], name: str, **body: object) -> dict[str, object]:
                body["version"] = http.get(f"/orders/{oid}", headers=agent).json()["version"]
                response = http.post(f"/orders/{oid}/{name.replace('_', '-')}", headers=headers, json=body)
                assert response.status_code == 200, f"{name}: {response.text}"
                return response.json()

            command(agent, "dispatch", lead_department_id=departments["ZJJ"])
            command(chief, "sign")
            command(chief, "assign_handler", handler_id=http.get("/auth/me", headers=newbie).json()["id"])
            command(newbie, "submit_reply", text="已更换楼道灯。", result_code="resolved")
            command(chief, "approve")
            command(head, "approve")
            command(agent, "record_callback", outcome="satisfied")
            assert command(agent, "close")["state"] == "closed"
            # Requests land on either worker; nothing process-local decides the answer.
            for _ in range(10):
                assert http.get(f"/orders/{oid}", headers=newbie).json()["state"] == "closed"
    finally:
        process.terminate()
        process.wait(timeout=30)

    verified = _cli(server_env, "verify-audit")
    assert verified.returncode == 0, verified.stderr
    assert "0 problems" in verified.stdout
