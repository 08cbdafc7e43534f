"""A desk without a server: real workspaces (store, cache, task runner) for the users of one department,
and orders pulled into their stores as the server would send them. Registered in conftest.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QMessageBox

from api_client import CaseDeskClient
from casework.deadlines import SHANGHAI
from casework.lifecycle import allowed_commands
from casework.measures import DayVolume, DepartmentMeasures, MeasureCounts, Volume, rates
from casework.roles import Role
from casework.schemas import CategoryOut, DepartmentOut, EventView, OrderDetail, UserOut
from casework.sync import SyncChange
from desktop.i18n import Languages
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from offline.facts import actor_of, facts_from
from tests.offline.factory import order, pull
from tests.server_process import ServerProcess
from ui.order.view import OrderView

GAOYOU = {1: "N", 2: (32.0, 47.0, 4.92), 3: "E", 4: (119.0, 26.0, 35.52)}  # 32.784700, 119.443200

HANDLER = UserOut(
    id=7, username="wangjg", name="王建国", role=Role.HANDLER, department_id=3, portfolio=[], may_sign=True, active=True
)
CHIEF = UserOut(
    id=5,
    username="zhaok",
    name="赵科长",
    role=Role.SECTION_CHIEF,
    department_id=3,
    portfolio=[],
    may_sign=False,
    active=True,
)
USERS = [
    HANDLER,
    CHIEF,
    HANDLER.model_copy(update={"id": 8, "username": "lina", "name": "李娜", "may_sign": False}),
    HANDLER.model_copy(update={"id": 4, "username": "sunj", "name": "孙局长", "role": Role.DEPARTMENT_HEAD}),
    HANDLER.model_copy(update={"id": 9, "username": "zhouq", "name": "周强", "department_id": 4}),
    HANDLER.model_copy(update={"id": 1, "username": "agent", "name": "刘话务员", "role": Role.CENTRE_AGENT}),
]


# --- fixtures -----------------------------------------------------------------------------------------


@pytest.fixture
def make_workspace(qtbot: Any, tmp_path: Path) -> Iterator[Callable[[UserOut], Workspace]]:
    """Workspaces on real stores for the users given; the server is unreachable (nothing syncs)."""
    made: list[Workspace] = []

    def make(user: UserOut = HANDLER) -> Workspace:
        client = CaseDeskClient("http://127.0.0.1:9", attempts=1, persist_session=False)
        ws = Workspace(client, user, tmp_path / f"profile-{user.username}", TaskRunner(), online=False)
        ws.store.set_directory("users", USERS)
        ws.store.set_directory(
            "departments",
            [
                DepartmentOut(id=1, code="C", name="12345热线中心", name_en="Hotline Centre", kind="centre"),
                DepartmentOut(id=3, code="ZJ", name="市住房和城乡建设局", name_en="Housing Bureau", kind="department"),
                DepartmentOut(id=4, code="CG", name="市城市管理局", name_en="City Management", kind="department"),
            ],
        )
        ws.store.set_directory(
            "categories",
            [
                CategoryOut(code="01", name="城乡建设", parent_code=None, department_code="ZJ"),
                CategoryOut(code="01.02", name="路灯照明", parent_code="01", department_code="ZJ"),
            ],
        )
        made.append(ws)
        return ws

    yield make
    for ws in made:
        ws.stop()
    QCoreApplication.instance().setProperty("casedesk_language", None)


@pytest.fixture
def workspace(make_workspace: Callable[[UserOut], Workspace]) -> Workspace:
    return make_workspace(HANDLER)


def put(ws: Workspace, state: str, order_id: int = 1, events: list[dict[str, Any]] = (), **extra: Any) -> None:
    """Pull one order into the store as the server would send it to ``ws``'s user."""
    now = datetime.now(UTC)
    fields: dict[str, Any] = {
        "number": "GY20260302-0042",
        "title": "文昌路与海潮路交叉口路灯连续一周不亮",
        "urgency": "urgent",
        "description": "市民反映文昌路与海潮路交叉口东侧3盏路灯连续一周夜间不亮，行人和电动车通行不便，存在安全隐患，"
        "希望尽快维修。",
        "address": "文昌路与海潮路交叉口东侧",
        "district": "高邮市",
        "street": "海潮街道",
        "lat": 32.7812,
        "lon": 119.4501,
        "tags": ["夜间照明"],
        "citizen": {
            "name": "张**",
            "phone": "138****5678",
            "callback_number": "",
            "anonymous": False,
            "confidential": True,
            "contact_allowed": False,
            "masked": True,
        },
        "due_at": (now + timedelta(hours=3)).isoformat(),
        "deadlines": {
            "sign_by": (now + timedelta(hours=3)).isoformat(),
            "onsite_by": None,
            "reply_by": (now + timedelta(days=2)).isoformat(),
            "reply_by_extended": None,
            "provisional": False,
            "calendar_version": "2026.1",
            "signed_on_time": None,
            "onsite_on_time": None,
            "replied_on_time": None,
            "closed_on_time": None,
        },
    }
    fields.update(extra)
    detail = order(order_id, state=state, **fields).model_dump(mode="json")
    detail["allowed_commands"] = [c.value for c in allowed_commands(actor_of(ws.user), facts_from(detail), now)]
    evs = [EventView.model_validate({"order_id": order_id, "before": {}, "after": {}, **e}) for e in events]
    change = SyncChange(seq=1, kind="upsert", order_id=order_id, order=OrderDetail.model_validate(detail), events=evs)
    ws.store.apply_pull(pull(change))


def keep_figures(ws: Workspace, as_of: datetime, department_id: int = 3) -> DepartmentMeasures:
    """Keep in ``ws``'s store what the server would have sent for ``as_of``'s month (as though
    the desk had fetched it before going offline), counted roughly from the orders on the desk
    that ``department_id`` leads: test data for the dashboard, not a measure."""
    local = as_of.astimezone(SHANGHAI)
    start = local.date().replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1)
    mine = [
        o
        for o in ws.store.orders()
        if o.get("lead_department_id") == department_id
        and o.get("dispatched_at")
        and start <= datetime.fromisoformat(o["dispatched_at"]).astimezone(SHANGHAI).date() < end
    ]
    flags = [o.get("deadlines") or {} for o in mine]
    outcomes = [c["outcome"] for o in mine for c in o.get("callbacks") or []]
    replies = [o["replies"][-1] for o in mine if o.get("replies")]
    counts = MeasureCounts(
        dispatched=len(mine),
        signed=sum(f.get("signed_on_time") is not None for f in flags),
        signed_on_time=sum(f.get("signed_on_time") is True for f in flags),
        return_requests=sum(o.get("return_request") is not None for o in mine),
        replied=len(replies),
        replied_on_time=sum(f.get("replied_on_time") is True for f in flags),
        resolved=sum(r["result_code"] == "resolved" for r in replies),
        reopened=sum(bool(o.get("reopen_count")) for o in mine),
        work_seconds=len(replies) * 3 * 3600,
        callbacks_reached=sum(o != "unreachable" for o in outcomes),
        satisfied=sum(o in ("satisfied", "basically_satisfied") for o in outcomes),
        closed=sum(o["state"] == "closed" for o in mine),
        closed_on_time=sum(
            o["state"] == "closed" and f.get("closed_on_time") is True for o, f in zip(mine, flags, strict=True)
        ),
    )
    names = {c["code"]: c["name"] for c in ws.store.directory("categories")}
    days = Counter(datetime.fromisoformat(o["dispatched_at"]).astimezone(SHANGHAI).date() for o in mine)

    def volumes(key: str, name: Callable[[str], str]) -> list[Volume]:
        found = Counter(o.get(key) or "" for o in mine).most_common()
        return [Volume(code=code, name=name(code), count=n) for code, n in found]

    figures = DepartmentMeasures(
        department_id=department_id,
        department_code="ZJ",
        department_name="市住房和城乡建设局",
        start=start,
        end=end,
        as_of=as_of,
        **asdict(counts),
        **asdict(rates(counts)),
        by_category=volumes("category_code", lambda code: names.get(code, code)),
        by_channel=volumes("channel", lambda code: code),
        by_day=[
            DayVolume(day=start + timedelta(days=i), count=days[start + timedelta(days=i)])
            for i in range((end - start).days)
        ],
    )
    ws.store.keep_measures(
        f"{start:%Y-%m}",
        {"departments": [figures.model_dump(mode="json")], "as_of": as_of.isoformat(), "fetched_at": as_of.isoformat()},
    )
    return figures


def shown(qtbot: Any, ws: Workspace, order_id: int = 1, size: tuple[int, int] = (680, 700)) -> OrderView:
    view = OrderView(ws)
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_order(order_id)
    return view


@pytest.fixture
def languages(qapp: Any) -> Iterator[Languages]:
    """The application's languages; afterwards no translator of ours stays, and the locale is as before."""
    app = QCoreApplication.instance()
    locale, language = QLocale(), app.property("casedesk_language")
    chosen = Languages(app)
    yield chosen
    chosen.uninstall()
    QLocale.setDefault(locale)
    app.setProperty("casedesk_language", language)


def open_workspace(root: Path) -> Workspace:
    """The handler's desk on the profile at ``root``; the server is unreachable."""
    client = CaseDeskClient("http://127.0.0.1:9", attempts=1, persist_session=False)
    workspace = Workspace(client, HANDLER, root, TaskRunner(), online=False)
    workspace.store.set_directory("users", USERS)
    return workspace


def seed(root: Path) -> None:
    """Two orders the handler is working on, pulled into the profile at ``root``."""
    workspace = open_workspace(root)
    put(workspace, "in_progress", handler_id=7)
    put(workspace, "in_progress", order_id=2, handler_id=7, number="GY20260302-0043", title="海潮路窨井盖缺失")
    workspace.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real case server in a child process with a small demo city, one per test module."""
    process = ServerProcess(tmp_path_factory.mktemp("server"))
    process.start()
    yield process
    process.stop()


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
