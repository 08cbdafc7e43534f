"""The problems panel and the dashboard, on a real workspace (store, task runner) and real widgets.

Also the formulas the dashboard's figures are divided with (casework's), on known counts; the
dashboard here is offline and shows the server's figures the desk kept. Against a real server:
``test_measures_one_truth.py``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox

from api_client import CaseDeskClient
from casework.lifecycle import Command
from casework.measures import (
    WORKING_DAY_SECONDS,
    DayVolume,
    DepartmentMeasures,
    MeasureCounts,
    Volume,
    days,
    percent,
    rates,
    ratios,
)
from casework.schemas import AddNoteBody, CategoryOut, DepartmentOut, SaveDraftBody
from casework.sync import MutationStatus
from desktop.measures import CITY_TIME, is_overdue, month_orders
from desktop.tasks import TaskRunner
from desktop.workspace import Workspace
from tests.fixtures import hostile
from tests.fixtures.desk import HANDLER, as_shown
from tests.fixtures.orders import deadlines, order, pull, result, upsert
from ui.dashboard import Dashboard
from ui.problems import ProblemsPanel

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=CITY_TIME)
MARCH = date(2026, 3, 1)


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def workspace(qtbot: Any, tmp_path: Path) -> Iterator[Workspace]:
    """A handler's workspace on a real store; the server is unreachable (nothing syncs)."""
    user = HANDLER
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


def _reply(day: str, code: str) -> dict[str, Any]:
    return {"round": 1, "text": "答复", "result_code": code, "basis": "", "author_id": 7, "at": _at(day)}


def _callback(outcome: str) -> dict[str, Any]:
    return {"method": "phone", "outcome": outcome, "notes": "", "agent_id": 1, "at": _at("2026-03-10")}


#: Four March orders of department 3, one February order, one March order of another department.
SPECS: list[dict[str, Any]] = [
    {  # closed on time, resolved, satisfied; 2 days to the first reply
        "state": "closed",
        "dispatched_at": _at("2026-03-02"),
        "deadlines": deadlines(signed_on_time=True, replied_on_time=True, closed_on_time=True),
        "replies": [_reply("2026-03-04", "resolved")],
        "callbacks": [_callback("satisfied")],
    },
    {  # closed late, explained, returned once in review; 4 days
        "state": "closed",
        "channel": "wechat",
        "dispatched_at": _at("2026-03-03"),
        "deadlines": deadlines(signed_on_time=False, replied_on_time=False, closed_on_time=False),
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
        "deadlines": deadlines(signed_on_time=True, reply_by=_at("2026-03-10")),
        "replies": [_reply("2026-03-06", "resolved")],
        "callbacks": [_callback("basically_satisfied")],
        "reopen_count": 1,
    },
    {  # return requested, never signed, sign-by passed
        "state": "return_requested",
        "category_code": "02.01",
        "channel": "website",
        "dispatched_at": _at("2026-03-18"),
        "deadlines": deadlines(sign_by=_at("2026-03-19")),
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


def test_the_months_orders_for_the_ledger_export() -> None:
    assert [o["id"] for o in month_orders(_orders(), date(2026, 3, 15), department_id=3)] == [1, 2, 3, 4]
    assert [o["id"] for o in month_orders(_orders(), MARCH)] == [1, 2, 3, 4, 6]  # a leader's desk: every order
    # 2026-02-28 17:30 UTC is 1 March, 01:30 in Shanghai: months are counted in city time.
    late_night = order(1, dispatched_at="2026-02-28T17:30:00Z").model_dump(mode="json")
    assert month_orders([late_night], MARCH) == [late_night]
    assert month_orders([late_night], date(2026, 2, 1)) == []


def test_the_formulas_over_known_counts() -> None:
    counts = MeasureCounts(
        dispatched=4,
        signed=3,
        signed_on_time=2,
        return_requests=1,
        replied=2,
        resolved=1,
        reopened=1,
        work_seconds=3 * WORKING_DAY_SECONDS,
        leader_seconds=WORKING_DAY_SECONDS // 2,
        callbacks_reached=3,
        satisfied=2,
        closed=2,
        closed_on_time=1,
        open_overdue=1,
    )
    r = rates(counts)
    assert r.on_time_signing_rate == pytest.approx(2 / 3)
    assert r.on_time_closure_rate == pytest.approx(1 / 3)  # closed on time ÷ (2 closed + 1 open overdue)
    assert r.satisfaction_rate == pytest.approx(2 / 3)
    assert (r.resolution_rate, r.return_rate, r.rehandling_rate) == (0.5, 0.25, 0.5)
    assert (r.avg_handling_days, r.avg_leader_review_days) == (1.5, 0.25)
    assert ratios(counts)["on_time_closure_rate"] == (1, 3)
    assert percent(r.on_time_closure_rate) == "33.3%" and days(r.avg_handling_days) == "1.50"


def test_nothing_to_count_is_not_a_rate() -> None:
    r = rates(MeasureCounts())
    assert all(value is None for value in asdict(r).values())
    assert percent(r.on_time_closure_rate) == "—" and days(r.avg_handling_days) == "—"


def test_open_order_before_its_deadline_is_not_overdue() -> None:
    spec = {"state": "in_progress", "deadlines": deadlines(reply_by=_at("2026-03-25"))}
    assert not is_overdue(order(1, **spec).model_dump(mode="json"), NOW)
    assert is_overdue(order(1, **spec).model_dump(mode="json"), datetime(2026, 3, 26, tzinfo=CITY_TIME))


# --- dashboard ----------------------------------------------------------------------------------


def _fill(ws: Workspace) -> None:
    ws.store.apply_pull(pull(*(upsert(order(i, **s), seq=i) for i, s in enumerate(SPECS, start=1))))


def _kept(ws: Workspace, **counts: int) -> DepartmentMeasures:
    """The server's March figures for department 3, as the desk kept them when it last reached it."""
    c = MeasureCounts(**counts)
    kept = DepartmentMeasures(
        department_id=3,
        department_code="CG",
        department_name="市城市管理局",
        start=MARCH,
        end=date(2026, 4, 1),
        as_of=AS_OF,
        **asdict(c),
        **asdict(rates(c)),
        by_category=[
            Volume(code="01.02", name="路灯照明", count=3),
            Volume(code="02.01", name="占道经营", count=1),
        ],
        by_channel=[Volume(code="phone", name="电话", count=3), Volume(code="wechat", name="微信", count=1)],
        by_day=[DayVolume(day=date(2026, 3, d), count={2: 1, 3: 2, 18: 1}.get(d, 0)) for d in range(1, 21)],  # to AS_OF
    )
    month = {"departments": [kept.model_dump(mode="json")], "as_of": AS_OF.isoformat()}
    ws.store.keep_measures("2026-03", {**month, "fetched_at": AS_OF.isoformat()})
    return kept


#: The kept figures: 4 dispatched, 2 of 3 signed on time, 1 closed on time of 2 closed + 1 overdue …
KEPT = {
    "dispatched": 4,
    "signed": 3,
    "signed_on_time": 2,
    "return_requests": 1,
    "replied": 2,
    "resolved": 1,
    "work_seconds": 3 * WORKING_DAY_SECONDS,
    "callbacks_reached": 3,
    "satisfied": 2,
    "closed": 2,
    "closed_on_time": 1,
    "open_overdue": 1,
}
AS_OF = datetime(2026, 3, 20, 11, 58, tzinfo=CITY_TIME)


def _dashboard(qtbot: Any, ws: Workspace) -> Dashboard:
    dashboard = Dashboard(ws, clock=lambda: NOW)
    qtbot.addWidget(dashboard)
    dashboard.resize(1200, 820)
    dashboard.show()
    with qtbot.waitSignal(dashboard.loaded, timeout=5000):
        dashboard.set_month(MARCH)
    return dashboard


def test_offline_without_kept_figures_shows_none(qtbot: Any, workspace: Workspace) -> None:
    _fill(workspace)  # orders on the desk are no figures: the desk computes no measure of its own
    dashboard = _dashboard(qtbot, workspace)
    assert dashboard.figures is None
    assert dashboard.source.text() == "离线：本机还没有2026年3月的统计，连上服务器后显示。"
    assert all(tile.value.text() == "—" for tile in dashboard.tiles.values())
    assert dashboard.category_chart.series() == [] and dashboard.daily_chart.series() == []


def test_offline_the_dashboard_shows_the_kept_server_figures(qtbot: Any, workspace: Workspace) -> None:
    _fill(workspace)
    kept = _kept(workspace, **KEPT)
    dashboard = _dashboard(qtbot, workspace)
    assert dashboard.figures is not None and dashboard.figures.offline
    assert dashboard.figures.departments == [kept]
    assert dashboard.month == MARCH
    assert dashboard.source.text() == "离线：显示截至 2026-03-20 11:58（北京时间）的数据"

    tiles = dashboard.tiles
    assert tiles["dispatched"].value.text() == "4"
    assert (tiles["on_time_signing_rate"].value.text(), tiles["on_time_signing_rate"].detail.text()) == ("66.7%", "2/3")
    assert (tiles["on_time_closure_rate"].value.text(), tiles["on_time_closure_rate"].detail.text()) == ("33.3%", "1/3")
    assert tiles["satisfaction_rate"].value.text() == "66.7%"
    assert tiles["resolution_rate"].value.text() == "50.0%"
    assert tiles["return_rate"].value.text() == "25.0%"
    assert (tiles["rehandling_rate"].value.text(), tiles["rehandling_rate"].detail.text()) == ("0.0%", "0/2")
    assert tiles["avg_handling_days"].value.text() == "1.50天"
    assert tiles["avg_leader_review_days"].value.text() == "0.00天"

    (bars,) = dashboard.category_chart.series()
    values = sorted(bars.barSets()[0].at(i) for i in range(bars.barSets()[0].count()))
    assert values == [1.0, 3.0]
    (pie,) = dashboard.channel_chart.series()
    assert sorted(s.value() for s in pie.slices()) == [1, 3]
    assert any(s.label().startswith("12345热线电话") for s in pie.slices())
    (line,) = dashboard.daily_chart.series()
    assert line.count() == 20  # the days so far: the line stops today, it does not drop to zero ahead
    assert sum(p.y() for p in line.points()) == 4
    (days,) = dashboard.daily_chart.axes(Qt.Orientation.Horizontal)
    assert (days.min(), days.max()) == (1, 31)  # on the whole month

    SCREENSHOTS.mkdir(exist_ok=True)
    qtbot.wait(200)  # charts lay out their axes and legends on the event loop
    dashboard.grab().save(str(SCREENSHOTS / "dashboard.png"))


def test_dashboard_follows_changes(qtbot: Any, workspace: Workspace) -> None:
    _kept(workspace, **KEPT)
    dashboard = _dashboard(qtbot, workspace)
    assert dashboard.tiles["dispatched"].value.text() == "4"
    _kept(workspace, **{**KEPT, "dispatched": 5})
    with qtbot.waitSignal(dashboard.loaded, timeout=5000):
        workspace.changed.emit({9})  # a sync brought news: the figures are asked for again
    assert dashboard.tiles["dispatched"].value.text() == "5"


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


# --- the order's title as typed in the panel's tooltips (issue 11) -----------------------------


def test_a_rejections_order_title_shows_as_typed(qtbot: Any, workspace: Workspace) -> None:
    workspace.store.apply_pull(
        pull(upsert(order(2, state="in_progress", handler_id=7, title=hostile.PASSWD_IMAGE), seq=2), cursor="c2")
    )
    mutation = workspace.store.record(
        workspace.actor, 2, Command.ADD_NOTE, AddNoteBody(client_id=uuid.uuid4(), text="备注")
    )
    workspace.store.mark(
        [result(mutation.id, MutationStatus.REJECTED, code="wrong_state", message_zh="不能再添加备注", message_en="No")]
    )
    panel = _panel(qtbot, workspace, 1)
    item = panel.tree.topLevelItem(0)
    assert hostile.PASSWD_IMAGE in item.text(0)
    assert as_shown(item.toolTip(0)) == item.text(0)
    panel.tree.setCurrentItem(item)
    headings = [label for label in panel.findChildren(QLabel) if "不能再添加备注" in label.text()]
    assert headings and all(label.textFormat() == Qt.TextFormat.PlainText for label in headings)
