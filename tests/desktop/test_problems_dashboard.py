"""The problems panel and the dashboard, on a real workspace (store, task runner) and real widgets.

Also the month measures they show, on hand-built orders with known answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from api_client import CaseDeskClient
from casework.lifecycle import Command
from casework.roles import Role
from casework.schemas import AddNoteBody, CategoryOut, DepartmentOut, SaveDraftBody, UserOut
from casework.sync import MutationStatus
from desktop.measures import CITY_TIME, Ratio, is_overdue, month_measures
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from tests.offline.factory import order, pull, result, upsert
from ui.dashboard import Dashboard
from ui.problems import ProblemsPanel

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=CITY_TIME)
MARCH = date(2026, 3, 1)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def workspace(qtbot: Any, tmp_path: Path) -> Iterator[Workspace]:
    """A handler's workspace on a real store; the server is unreachable (nothing syncs)."""
    user = UserOut(
        id=7,
        username="wangjg",
        name="王建国",
        role=Role.HANDLER,
        department_id=3,
        portfolio=[],
        may_sign=True,
        active=True,
    )
    ws = Workspace(CaseDeskClient("http://127.0.0.1:9"), user, tmp_path / "profile", TaskRunner(), online=False)
    ws.store.set_directory("users", [user, user.model_copy(update={"id": 8, "name": "李科长", "username": "lik"})])
    ws.store.set_directory(
        "departments",
        [DepartmentOut(id=3, code="CG", name="市城市管理局", name_en="City Management", kind="department")],
    )
    ws.store.set_directory(
        "categories",
        [
            CategoryOut(code="01.02", name="路灯照明", parent_code=None, department_code="CG"),
            CategoryOut(code="02.01", name="占道经营", parent_code=None, department_code="CG"),
        ],
    )
    yield ws
    ws.stop()
    QCoreApplication.instance().setProperty("casedesk_language", None)


def _conflict(ws: Workspace, mine: str = "经核查，路灯已于3月3日修复。", server: str = "已联系供电公司处理。") -> str:
    """A save_draft of ours that the server answered with a conflict on the text; its mutation id."""
    ws.store.apply_pull(pull(upsert(order(1, state="in_progress", handler_id=7), seq=1)))
    mutation = ws.store.record(ws.actor, 1, Command.SAVE_DRAFT, SaveDraftBody(version=1, text=mine))
    ws.store.mark(
        [
            result(
                mutation.id,
                MutationStatus.CONFLICT,
                code="text_conflict",
                message_zh="答复草稿已被他人修改",
                message_en="Someone else changed the draft",
                server_values={"text": server, "result_code": "explained"},
            )
        ]
    )
    return str(mutation.id)


def _rejection(ws: Workspace, text: str = "现场核实：东侧第三盏路灯灯罩破损。") -> str:
    ws.store.apply_pull(pull(upsert(order(2, state="in_progress", handler_id=7), seq=2), cursor="c2"))
    mutation = ws.store.record(ws.actor, 2, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text=text))
    ws.store.mark(
        [
            result(
                mutation.id,
                MutationStatus.REJECTED,
                code="wrong_state",
                message_zh="工单已改派其他单位，不能再添加备注",
                message_en="The order went to another department; notes can no longer be added",
            )
        ]
    )
    return str(mutation.id)


def _panel(qtbot: Any, ws: Workspace, count: int) -> ProblemsPanel:
    panel = ProblemsPanel(ws)
    qtbot.addWidget(panel)
    panel.resize(1000, 640)
    panel.show()
    qtbot.waitUntil(lambda: panel.count == count and panel.tree.topLevelItemCount() == count)
    return panel


def _row(ws: Workspace, order_id: int) -> dict[str, Any] | None:
    return next((r for r in ws.store.outbox() if r["order_id"] == order_id), None)


# --- problems panel -----------------------------------------------------------------------------


def test_conflict_merge_resubmits_the_merged_text(qtbot: Any, workspace: Workspace) -> None:
    mutation_id = _conflict(workspace)
    panel = _panel(qtbot, workspace, 1)

    page = panel.conflict
    assert panel.pages.currentWidget() is page
    assert page.server_text.toPlainText() == "已联系供电公司处理。"
    assert page.server_text.isReadOnly()
    assert page.mine_text.toPlainText() == "经核查，路灯已于3月3日修复。"
    assert not page.mine_text.isReadOnly()
    assert "答复草稿已被他人修改" in page.heading.text()
    assert "12345-000001" in panel.tree.topLevelItem(0).text(0)

    SCREENSHOTS.mkdir(exist_ok=True)
    panel.grab().save(str(SCREENSHOTS / "problems_conflict.png"))

    merged = "已联系供电公司处理。经核查，路灯已于3月3日修复。"
    page.mine_text.setPlainText(merged)
    with qtbot.waitSignal(panel.count_changed, timeout=5000) as blocker:
        page.merge.click()
    assert blocker.args == [0]

    row = _row(workspace, 1)
    assert row is not None
    assert row["status"] == "pending"
    assert row["args"]["text"] == merged
    assert row["mutation_id"] != mutation_id  # a retry goes under a new id
    assert row["base"] == {"text": "已联系供电公司处理。"}  # based on the server's text, which the user saw
    assert workspace.store.order(1)["draft"]["text"] == merged
    assert panel.pages.currentWidget() is panel.empty


def test_take_mine_resubmits_the_original_text(qtbot: Any, workspace: Workspace) -> None:
    _conflict(workspace)
    panel = _panel(qtbot, workspace, 1)
    panel.conflict.mine_text.setPlainText("改了一半")
    panel.conflict.take_mine.click()
    qtbot.waitUntil(lambda: _row(workspace, 1)["status"] == "pending")
    assert _row(workspace, 1)["args"]["text"] == "经核查，路灯已于3月3日修复。"


def test_take_server_discards_after_asking(qtbot: Any, workspace: Workspace, monkeypatch: Any) -> None:
    _conflict(workspace)
    panel = _panel(qtbot, workspace, 1)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "question", question)
    panel.conflict.take_server.click()  # "No": nothing happens
    qtbot.wait(100)
    assert _row(workspace, 1)["status"] == "conflict"

    with qtbot.waitSignal(panel.count_changed, timeout=5000):
        panel.conflict.take_server.click()
    assert len(asked) == 2
    assert _row(workspace, 1) is None
    assert workspace.store.order(1)["draft"] is None  # the server's copy, untouched


def test_a_reload_keeps_the_text_being_merged(qtbot: Any, workspace: Workspace) -> None:
    _conflict(workspace)
    _rejection(workspace)
    panel = _panel(qtbot, workspace, 2)
    panel.conflict.mine_text.setPlainText("合并中，尚未提交")

    with qtbot.waitSignal(workspace.runner.idle, timeout=5000):
        workspace.changed.emit(set())  # a sync round finished meanwhile
    qtbot.wait(150)
    assert panel.conflict.mine_text.toPlainText() == "合并中，尚未提交"

    # Away to the rejection and back: still there.
    panel.tree.setCurrentItem(panel.tree.topLevelItem(1))
    assert panel.pages.currentWidget() is panel.rejection
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    assert panel.conflict.mine_text.toPlainText() == "合并中，尚未提交"


def test_rejection_shows_the_content_and_retries(qtbot: Any, workspace: Workspace) -> None:
    QCoreApplication.instance().setProperty("casedesk_language", "en")
    _rejection(workspace)
    panel = _panel(qtbot, workspace, 1)

    page = panel.rejection
    assert panel.pages.currentWidget() is page
    assert page.content.toPlainText() == "现场核实：东侧第三盏路灯灯罩破损。"
    assert page.content.isReadOnly()
    assert "another department" in page.heading.text()  # the reason in the UI language
    assert "another department" in panel.tree.topLevelItem(0).text(2)

    page.copy.click()
    assert QGuiApplication.clipboard().text() == "现场核实：东侧第三盏路灯灯罩破损。"

    QCoreApplication.instance().setProperty("casedesk_language", None)
    panel.refresh()
    qtbot.waitUntil(lambda: "已改派" in panel.tree.topLevelItem(0).text(2))
    panel.grab().save(str(SCREENSHOTS / "problems_rejection.png"))

    with qtbot.waitSignal(panel.count_changed, timeout=5000):
        page.retry.click()
    assert _row(workspace, 2)["status"] == "pending"
    assert _row(workspace, 2)["args"]["text"] == "现场核实：东侧第三盏路灯灯罩破损。"


def test_rejection_discard(qtbot: Any, workspace: Workspace, monkeypatch: Any) -> None:
    _rejection(workspace)
    panel = _panel(qtbot, workspace, 1)
    monkeypatch.setattr(QMessageBox, "question", lambda *_: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(panel.count_changed, timeout=5000) as blocker:
        panel.rejection.discard.click()
    assert blocker.args == [0]
    assert workspace.store.outbox() == []


# --- measures -----------------------------------------------------------------------------------


def _at(day: str) -> str:
    return f"{day}T09:00:00+08:00"


def _deadlines(**flags: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sign_by": None,
        "onsite_by": None,
        "reply_by": None,
        "reply_by_extended": None,
        "provisional": False,
        "calendar_version": None,
        "signed_on_time": None,
        "onsite_on_time": None,
        "replied_on_time": None,
        "closed_on_time": None,
    }
    return {**base, **flags}


def _reply(day: str, code: str) -> dict[str, Any]:
    return {"round": 1, "text": "答复", "result_code": code, "basis": "", "author_id": 7, "at": _at(day)}


def _callback(outcome: str) -> dict[str, Any]:
    return {"method": "phone", "outcome": outcome, "notes": "", "agent_id": 1, "at": _at("2026-03-10")}


#: Four March orders of department 3, one February order, one March order of another department.
SPECS: list[dict[str, Any]] = [
    {  # closed on time, resolved, satisfied; 2 days to the first reply
        "state": "closed",
        "dispatched_at": _at("2026-03-02"),
        "deadlines": _deadlines(signed_on_time=True, replied_on_time=True, closed_on_time=True),
        "replies": [_reply("2026-03-04", "resolved")],
        "callbacks": [_callback("satisfied")],
    },
    {  # closed late, explained, returned once in review; 4 days
        "state": "closed",
        "channel": "wechat",
        "dispatched_at": _at("2026-03-03"),
        "deadlines": _deadlines(signed_on_time=False, replied_on_time=False, closed_on_time=False),
        "replies": [_reply("2026-03-07", "explained")],
        "reviews": [
            {
                "round": 1,
                "level": "section_chief",
                "reviewer_id": 8,
                "decision": "returned",
                "comment": "请补充照片",
                "at": _at("2026-03-05"),
            }
        ],
        "callbacks": [_callback("unreachable"), _callback("unsatisfied")],
    },
    {  # re-handled, back in progress and past its deadline; 1 day to the first reply
        "state": "in_progress",
        "category_code": "02.01",
        "dispatched_at": _at("2026-03-05"),
        "deadlines": _deadlines(signed_on_time=True, reply_by=_at("2026-03-10")),
        "replies": [_reply("2026-03-06", "resolved")],
        "callbacks": [_callback("basically_satisfied")],
        "reopen_count": 1,
    },
    {  # return requested, never signed, sign-by passed
        "state": "return_requested",
        "category_code": "02.01",
        "channel": "website",
        "dispatched_at": _at("2026-03-18"),
        "deadlines": _deadlines(sign_by=_at("2026-03-19")),
        "return_request": {
            "reason_code": "not_our_duty",
            "reason": "属供电公司职责",
            "requested_at": _at("2026-03-18"),
            "department_id": 3,
        },
    },
    {"state": "closed", "dispatched_at": _at("2026-02-27"), "received_at": _at("2026-02-27")},  # February
    {"state": "dispatched", "dispatched_at": _at("2026-03-09"), "lead_department_id": 5},  # not ours
]


def _orders() -> list[dict[str, Any]]:
    return [order(i, **spec).model_dump(mode="json") for i, spec in enumerate(SPECS, start=1)]


def test_month_measures_known_answers() -> None:
    m = month_measures(_orders(), date(2026, 3, 15), NOW, department_id=3)
    assert m.month == MARCH
    assert m.orders == 4
    assert m.on_time_signing == Ratio(2, 4)  # two late: signed late, and unsigned past sign-by
    assert m.on_time_closure == Ratio(1, 3)  # closed on time ÷ (2 closed + 1 open overdue)
    assert m.satisfaction == Ratio(2, 3)  # satisfied + basically satisfied ÷ reached (unreachable left out)
    assert m.resolution == Ratio(1, 2)  # of the two whose reply stands
    assert m.return_requests == Ratio(1, 4)
    assert m.review_returns == Ratio(1, 3)  # of three ever replied (two closed, one re-handled)
    assert m.rehandling == Ratio(1, 3)
    assert m.by_category == {"01.02": 2, "02.01": 2}
    assert m.by_channel == {"phone": 2, "wechat": 1, "website": 1}
    assert len(m.daily_intake) == 31
    assert sum(m.daily_intake.values()) == 4
    assert m.daily_intake[date(2026, 3, 2)] == 1 and m.daily_intake[date(2026, 3, 18)] == 1
    assert m.average_handling_days == pytest.approx((2 + 4 + 1) / 3)
    assert m.on_time_closure.percent == "33.3%"

    everyone = month_measures(_orders(), MARCH, NOW)  # a leader's desk: every order given
    assert everyone.orders == 5


def test_month_is_counted_in_city_time() -> None:
    # 2026-02-28 17:30 UTC is 1 March, 01:30 in Shanghai.
    late_night = order(1, dispatched_at="2026-02-28T17:30:00Z").model_dump(mode="json")
    assert month_measures([late_night], MARCH, NOW).orders == 1
    assert month_measures([late_night], date(2026, 2, 1), NOW).orders == 0


def test_nothing_to_count_is_not_a_rate() -> None:
    m = month_measures([], MARCH, NOW)
    assert m.orders == 0
    assert m.on_time_closure.value is None
    assert m.on_time_closure.percent == "—"
    assert m.average_handling_days is None
    assert len(m.daily_intake) == 31


def test_open_order_before_its_deadline_is_not_overdue() -> None:
    spec = {"state": "in_progress", "deadlines": _deadlines(reply_by=_at("2026-03-25"))}
    assert not is_overdue(order(1, **spec).model_dump(mode="json"), NOW)
    assert is_overdue(order(1, **spec).model_dump(mode="json"), datetime(2026, 3, 26, tzinfo=CITY_TIME))


# --- dashboard ----------------------------------------------------------------------------------


def _fill(ws: Workspace) -> None:
    ws.store.apply_pull(pull(*(upsert(order(i, **s), seq=i) for i, s in enumerate(SPECS, start=1))))


def _dashboard(qtbot: Any, ws: Workspace) -> Dashboard:
    dashboard = Dashboard(ws, clock=lambda: NOW)
    qtbot.addWidget(dashboard)
    dashboard.resize(1200, 820)
    dashboard.show()
    with qtbot.waitSignal(dashboard.loaded, timeout=5000):
        dashboard.set_month(MARCH)
    return dashboard


def test_dashboard_shows_the_measures(qtbot: Any, workspace: Workspace) -> None:
    _fill(workspace)
    dashboard = _dashboard(qtbot, workspace)
    expected = month_measures(workspace.store.orders(), MARCH, NOW, department_id=3)
    assert dashboard.measures == expected
    assert dashboard.month == MARCH

    tiles = dashboard.tiles
    assert tiles["orders"].value.text() == "4"
    for key in ("on_time_signing", "on_time_closure", "satisfaction", "resolution", "rehandling"):
        ratio: Ratio = getattr(expected, key)
        assert tiles[key].value.text() == ratio.percent
        assert tiles[key].detail.text() == f"{ratio.numerator}/{ratio.denominator}"
    assert tiles["on_time_signing"].value.text() == "50.0%"
    assert tiles["on_time_closure"].value.text() == "33.3%"
    assert tiles["satisfaction"].value.text() == "66.7%"
    assert tiles["handling_days"].value.text() == "2.3天"

    (bars,) = dashboard.category_chart.series()
    values = {bars.barSets()[0].at(i) for i in range(bars.barSets()[0].count())}
    assert values == {2.0}
    (pie,) = dashboard.channel_chart.series()
    assert sorted(s.value() for s in pie.slices()) == [1, 1, 2]
    assert any(s.label().startswith("电话") for s in pie.slices())
    (line,) = dashboard.daily_chart.series()
    assert line.count() == 31
    assert sum(p.y() for p in line.points()) == 4

    SCREENSHOTS.mkdir(exist_ok=True)
    qtbot.wait(200)  # charts lay out their axes and legends on the event loop
    dashboard.grab().save(str(SCREENSHOTS / "dashboard.png"))


def test_dashboard_follows_changes(qtbot: Any, workspace: Workspace) -> None:
    _fill(workspace)
    dashboard = _dashboard(qtbot, workspace)
    assert dashboard.measures.orders == 4
    workspace.store.apply_pull(
        pull(upsert(order(9, state="dispatched", dispatched_at=_at("2026-03-19")), seq=9), cursor="c9")
    )
    with qtbot.waitSignal(dashboard.loaded, timeout=5000):
        workspace.changed.emit({9})
    assert dashboard.tiles["orders"].value.text() == "5"


def test_dashboard_exports(qtbot: Any, workspace: Workspace, tmp_path: Path) -> None:
    _fill(workspace)
    dashboard = _dashboard(qtbot, workspace)

    with qtbot.waitSignal(dashboard.exported, timeout=10000) as blocker:
        dashboard.export_ledger(tmp_path / "台账.xlsx")
    assert blocker.args == [tmp_path / "台账.xlsx"]
    sheet = load_workbook(tmp_path / "台账.xlsx").active
    assert sheet.max_row == 1 + 4  # the month's orders of the department
    assert [c.value for c in sheet[1]][:2] == ["工单编号", "标题"]
    assert str(tmp_path / "台账.xlsx") in dashboard.status.text()

    with qtbot.waitSignal(dashboard.exported, timeout=10000):
        dashboard.print_reply_sheet(1, tmp_path / "回复单.pdf")
    assert (tmp_path / "回复单.pdf").read_bytes().startswith(b"%PDF")

    dashboard.print_reply_sheet(404, tmp_path / "无.pdf")
    qtbot.waitUntil(lambda: dashboard.status.text() == "本机没有这张工单")
    assert not (tmp_path / "无.pdf").exists()
