"""A real case server in a child process (``python -m server serve``), stoppable to play "offline"."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from api_client import CaseDeskClient
from casework.lifecycle import Command
from casework.schemas import ApproveBody, AssignHandlerBody, DispatchBody, OrderIntake, SignBody, SubmitReplyBody

ROOT = Path(__file__).resolve().parents[1]  # the checkout this file is in (not the installed one)
PASSWORD = "demo1234"


class ServerProcess:
    """Seeded once (a small demo city); ``stop()`` and ``start()`` keep the same port and data."""

    def __init__(
        self, data_dir: Path, orders: int = 12, env: dict[str, str] | None = None, database_url: str | None = None
    ) -> None:
        """On SQLite in ``data_dir``, or on ``database_url`` (an empty PostgreSQL database, say)."""
        # A demo server: the seed's users keep the demo password (no forced change).
        self.env = {**os.environ, "CASEDESK_DATA_DIR": str(data_dir), "CASEDESK_DEMO_MODE": "1", **(env or {})}
        self.env.pop("CASEDESK_DATABASE_URL", None)
        if database_url:
            self.env["CASEDESK_DATABASE_URL"] = database_url
        self.database_url = database_url or f"sqlite:///{data_dir / 'casedesk.db'}"
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._process: subprocess.Popen[bytes] | None = None
        seeded = subprocess.run(
            [sys.executable, "-m", "server", "seed-demo", "--orders", str(orders)],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            timeout=300,
        )
        assert seeded.returncode == 0, seeded.stderr.decode()

    def start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "--port", str(self.port), "--log-level", "warning"],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=20)
            self._process = None

    def new_order(self, title: str = "文汇路路灯不亮", urgency: str = "normal", lead: str = "ZJJ") -> int:
        """The hotline centre takes a call and dispatches it (as the demo agent)."""
        agent = CaseDeskClient(self.url, persist_session=False)
        agent.login("agent", PASSWORD)
        intake = OrderIntake.model_validate(
            {
                "channel": "phone",
                "citizen": {"name": "王芳", "phone": "13912345678"},
                "kind": "complaint",
                "category_code": "0101",
                "urgency": urgency,
                "title": title,
                "description": f"{title}，已经好几天了，晚上出行很不安全。",
                "address": "高邮市文汇路88号",
                "district": "高邮街道",
            }
        )
        created = agent.create_order(intake)
        zjj = next(d.id for d in agent.departments() if d.code == lead)
        agent.command(created.id, Command.DISPATCH, DispatchBody(version=created.version, lead_department_id=zjj))
        return created.id

    def as_user(self, username: str) -> CaseDeskClient:
        """A client signed in as a demo user (nothing kept in the keyring)."""
        client = CaseDeskClient(self.url, persist_session=False)
        client.login(username, PASSWORD)
        return client

    def replied_order(self, title: str) -> int:
        """Through the department's whole chain, by API: the order reaches the centre this month."""
        order_id = self.new_order(title)
        chief, handler, head = self.as_user("chief"), self.as_user("handler"), self.as_user("head")
        version = chief.order(order_id).version
        version = chief.command(order_id, Command.SIGN, SignBody(version=version)).version
        handler_id = handler.user.id  # type: ignore[union-attr]
        assign = AssignHandlerBody(version=version, handler_id=handler_id)
        version = chief.command(order_id, Command.ASSIGN_HANDLER, assign).version
        body = SubmitReplyBody(version=version, text=f"关于“{title}”，经现场核实已处理完毕。", result_code="resolved")
        version = handler.command(order_id, Command.SUBMIT_REPLY, body).version
        version = chief.command(order_id, Command.APPROVE, ApproveBody(version=version)).version
        assert head.command(order_id, Command.APPROVE, ApproveBody(version=version)).state == "replied"
        return order_id
