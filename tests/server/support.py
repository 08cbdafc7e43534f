"""Test support: a small city, a controllable clock and an API client that speaks for users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casework.roles import Role
from casework.schemas import DepartmentIn, UserIn
from server.models import Category
from server.org.service import create_department, create_user

PASSWORD = "demo-pass-123"

# code, name, kind
DEPARTMENTS = [
    ("CTR", "12345热线中心", "centre"),
    ("ZJJ", "住房和城乡建设局", "department"),
    ("CGJ", "城市管理局", "department"),
    ("SWJ", "水务局", "department"),
    ("LDR", "市政府办公室", "leadership"),
]

# username, role, department code, portfolio codes, may_sign
USERS = [
    ("agent", Role.CENTRE_AGENT, "CTR", (), False),
    ("admin", Role.ADMIN, "CTR", (), False),
    ("zj_handler", Role.HANDLER, "ZJJ", (), False),
    ("zj_handler2", Role.HANDLER, "ZJJ", (), True),
    ("zj_chief", Role.SECTION_CHIEF, "ZJJ", (), False),
    ("zj_head", Role.DEPARTMENT_HEAD, "ZJJ", (), False),
    ("cg_handler", Role.HANDLER, "CGJ", (), False),
    ("cg_chief", Role.SECTION_CHIEF, "CGJ", (), False),
    ("cg_head", Role.DEPARTMENT_HEAD, "CGJ", (), False),
    ("sw_handler", Role.HANDLER, "SWJ", (), False),
    ("sw_chief", Role.SECTION_CHIEF, "SWJ", (), False),
    ("leader_zj", Role.LEADER_IN_CHARGE, "LDR", ("ZJJ", "SWJ"), False),
    ("leader_cg", Role.LEADER_IN_CHARGE, "LDR", ("CGJ",), False),
    ("mayor", Role.TOP_LEADER, "LDR", (), False),
]

CATEGORIES = [
    ("01", "城乡建设", None, None),
    ("0101", "道路维修", "01", "ZJJ"),
    ("0102", "物业管理", "01", "ZJJ"),
    ("02", "市容环境", None, None),
    ("0201", "噪声扰民", "02", "CGJ"),
    ("03", "供水排水", None, None),
    ("0301", "停水", "03", "SWJ"),
]


def build_city(session: Session) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    ids: dict[str, int] = {}
    for code, name, kind in DEPARTMENTS:
        ids[code] = create_department(session, DepartmentIn(code=code, name=name, kind=kind), None, now).id
    for username, role, dept, portfolio, may_sign in USERS:
        create_user(
            session,
            UserIn(
                username=username,
                name=username,
                role=role,
                department_id=ids[dept],
                password=PASSWORD,
                portfolio=[ids[c] for c in portfolio],
                may_sign=may_sign,
            ),
            None,
            now,
        )
    for code, name, parent, dept in CATEGORIES:
        session.add(Category(code=code, name=name, parent_code=parent, department_code=dept))
    session.flush()


class Clock:
    """A clock the test moves; the server reads it for every request."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Api:
    """Speaks to the server as named users, logging each in once."""

    client: TestClient
    tokens: dict[str, str] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    departments: dict[str, int] = field(default_factory=dict)

    def login(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            response = self.client.post("/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            self.tokens[username] = response.json()["access_token"]
            self.refresh_tokens[username] = response.json()["refresh_token"]
            self.users[username] = response.json()["user"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def _refresh(self, username: str) -> None:
        response = self.client.post("/auth/refresh", json={"refresh_token": self.refresh_tokens[username]})
        assert response.status_code == 200, response.text
        self.tokens[username] = response.json()["access_token"]
        self.refresh_tokens[username] = response.json()["refresh_token"]

    def _send(self, method: str, path: str, as_: str, **kwargs: Any) -> Any:
        response = self.client.request(method, path, headers=self.login(as_), **kwargs)
        if response.status_code == 401 and response.json()["code"] == "token_expired":
            self._refresh(as_)  # the test clock moved past the access token's life
            response = self.client.request(method, path, headers=self.login(as_), **kwargs)
        return response

    def user_id(self, username: str) -> int:
        self.login(username)
        return self.users[username]["id"]

    def department_id(self, code: str) -> int:
        if not self.departments:
            listing = self.client.get("/departments", headers=self.login("agent")).json()
            self.departments = {d["code"]: d["id"] for d in listing}
        return self.departments[code]

    def get(self, path: str, as_: str, **kwargs: Any) -> Any:
        return self._send("GET", path, as_, **kwargs)

    def post(self, path: str, as_: str, json: Any = None, **kwargs: Any) -> Any:
        return self._send("POST", path, as_, json=json, **kwargs)

    def order(self, order_id: int, as_: str = "agent") -> dict[str, Any]:
        response = self.get(f"/orders/{order_id}", as_)
        assert response.status_code == 200, response.text
        return response.json()

    def command(self, order_id: int, command: str, as_: str, expect: int = 200, **body: Any) -> dict[str, Any]:
        """Issue a command based on the order's current version (as the caller sees it)."""
        if "version" not in body and command not in ("add_note", "record_onsite_check"):
            body["version"] = self.order(order_id, "agent")["version"]
        if command in ("add_note", "record_onsite_check"):
            body.setdefault("client_id", str(uuid.uuid4()))
        response = self.post(f"/orders/{order_id}/{command.replace('_', '-')}", as_, json=body)
        assert response.status_code == expect, f"{command} as {as_}: {response.status_code} {response.text}"
        return response.json()

    def intake(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "channel": "phone",
            "citizen": {"name": "王芳", "phone": "13912345678"},
            "kind": "complaint",
            "category_code": "0101",
            "title": "文汇路路面塌陷",
            "description": "文汇路与海潮路交叉口路面塌陷，车辆经过很危险。",
            "address": "文汇路与海潮路交叉口",
            "district": "高邮街道",
        }
        body.update(overrides)
        response = self.post("/orders", "agent", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def dispatched(self, lead: str = "ZJJ", **overrides: Any) -> dict[str, Any]:
        order = self.intake(**overrides)
        return self.command(order["id"], "dispatch", "agent", lead_department_id=self.department_id(lead))
