"""Co-handling (协办) through the real windows, against a real server process.

住建局 (ZJJ) leads an order; 城管局 (CGJ) co-handles it. CGJ's field inspector (朱磊, a handler with
the right to sign) finds it in the 协办 list with CGJ's own deadline, signs for the part, records an
on-site check and gives the 协办意见; the lead's handler cannot submit the reply before (the editor
says which department it waits for), then cites the opinion with 引用 and submits. The centre adds a
co-handling department after dispatch, and waives a part with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from casework.lifecycle import Command
from casework.schemas import CoOpinionBody, CoSignBody, DispatchBody, OrderIntake
from casework.worklists import WorkList
from tests.fixtures.gestures import click_list_item, click_row, ime
from tests.fixtures.live_desk import open_order
from tests.fixtures.server_process import ServerProcess
from ui.main_window import CENTRE_LISTS, LISTS, MainWindow

pytestmark = pytest.mark.slow

SERVER_ORDERS = 6
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _shoot(window: MainWindow, name: str) -> None:
    """The window as a PNG in ``screenshots/`` (not committed), to be looked at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    window.resize(1366, 768)
    QApplication.processEvents()
    assert window.grab().save(str(SCREENSHOTS / f"{name}.png"))


def _co_handled(server: ServerProcess, title: str, co: tuple[str, ...] = ("CGJ",), sign: bool = True) -> int:
    """An order the centre dispatched to ZJJ with ``co`` co-handling; ZJJ's chief signed and assigned 李强."""
    agent = server.as_user("agent")
    created = agent.create_order(
        OrderIntake.model_validate(
            {
                "channel": "phone",
                "citizen": {"name": "王芳", "phone": "13912345678"},
                "kind": "complaint",
                "category_code": "0101",
                "title": title,
                "description": f"{title}，鸽子粪便和羽毛到处飞，影响正常生活。",
                "address": "高邮市文汇路88号",
            }
        )
    )
    departments = {d.code: d.id for d in agent.departments()}
    body = DispatchBody(
        version=created.version, lead_department_id=departments["ZJJ"], co_department_ids=[departments[c] for c in co]
    )
    version = agent.command(created.id, Command.DISPATCH, body).version
    if sign:
        server.assign(created.id, version)
    return created.id


def _click(qtbot: Any, window: MainWindow, command: Command) -> None:
    """The action bar's button, clicked as a user does."""
    bar = window.order_view.actions
    qtbot.waitUntil(lambda: command.value in bar.visible_commands(), timeout=5000)
    qtbot.mouseClick(bar.buttons[command], Qt.MouseButton.LeftButton)


def _form(qtbot: Any, window: MainWindow, command: Command) -> Any:
    bar = window.order_view.actions
    with qtbot.waitSignal(bar.dialog_opened, timeout=5000) as opened:
        _click(qtbot, window, command)
    return opened.args[0]


def _submit_form(qtbot: Any, window: MainWindow, dialog: Any) -> None:
    with qtbot.waitSignal(window.order_view.actions.recorded, timeout=10_000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)


def _part(server: ServerProcess, order_id: int, code: str) -> Any:
    agent = server.as_user("agent")
    department = next(d.id for d in agent.departments() if d.code == code)
    return next(p for p in agent.order(order_id).co_handling if p.department_id == department)


def test_the_co_department_answers_and_the_lead_cites_it(
    qtbot: Any, server: ServerProcess, open_desk: Callable[..., MainWindow]
) -> None:
    order_id = _co_handled(server, "阳台搭建鸽子棚扰民")
    part = _part(server, order_id, "CGJ")

    # The lead's handler: the reply waits for 城管局's opinion.
    lead = open_desk("handler")
    view = open_order(qtbot, lead, WorkList.MINE, order_id)
    editor = view.reply
    assert editor.save.isEnabled() and not editor.submit.isEnabled()
    assert not editor.co_waiting.isHidden() and "城市管理局" in editor.co_waiting.text()
    ime(editor.text, "经现场核实，")
    editor.result.setCurrentIndex(editor.result.findData("resolved"))
    qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)  # disabled: nothing is recorded
    assert lead.workspace.status.pending == 0

    # 城管局's inspector: the order is in its 协办 list, due by its own deadline (to sign, first).
    co = open_desk("zhulei")
    open_order(qtbot, co, WorkList.CO_HANDLING, order_id)
    row = co.model.row(co.model.row_of(order_id))  # type: ignore[arg-type]
    assert row is not None and datetime.fromisoformat(row["due_at"].replace("Z", "+00:00")) == part.sign_by
    assert "sign" not in co.order_view.actions.visible_commands()
    with qtbot.waitSignal(co.order_view.actions.recorded, timeout=5000):
        _click(qtbot, co, Command.CO_SIGN)
    check = _form(qtbot, co, Command.RECORD_ONSITE_CHECK)
    ime(check.notes, "现场核查：阳台鸽棚系违章搭建，已责令限期拆除。")
    _submit_form(qtbot, co, check)
    opinion = _form(qtbot, co, Command.SUBMIT_CO_OPINION)
    ime(opinion.opinion, "城管局意见：鸽棚属违章搭建，已下达限期拆除通知，三日内拆除。")
    _shoot(co, "cohandling_co_department_zh")
    _submit_form(qtbot, co, opinion)
    assert co.workspace.sync_once().applied == 3
    answered = _part(server, order_id, "CGJ")
    assert answered.status == "answered" and answered.opinion.startswith("城管局意见：鸽棚属违章搭建")
    checks = server.as_user("agent").order(order_id).onsite_checks
    assert checks[-1].author_id == co.workspace.user.id  # the check is CGJ's, by its author
    # Answered: it leaves the 协办 list (nothing more to do there) and stays in 全部工单.
    with qtbot.waitSignal(co.model.loaded, timeout=5000):
        click_list_item(qtbot, co.sidebar, LISTS.index(WorkList.ALL))
    with qtbot.waitSignal(co.model.loaded, timeout=5000):
        click_list_item(qtbot, co.sidebar, LISTS.index(WorkList.CO_HANDLING))
    assert co.model.row_of(order_id) is None
    open_order(qtbot, co, WorkList.ALL, order_id)
    assert Command.SUBMIT_CO_OPINION.value not in co.order_view.actions.visible_commands()

    # The lead sees the opinion, cites it into the reply with 引用, and may now submit.
    assert lead.workspace.sync_once().ok
    view = open_order(qtbot, lead, WorkList.MINE, order_id)
    qtbot.waitUntil(lambda: editor.submit.isEnabled(), timeout=5000)
    assert editor.co_waiting.isHidden()
    view.tabs.setCurrentWidget(view.reply_page)
    cite = view.co_side.cite_buttons[answered.department_id]
    qtbot.waitUntil(cite.isVisible, timeout=5000)
    qtbot.mouseClick(cite, Qt.MouseButton.LeftButton)
    assert "鸽棚属违章搭建，已下达限期拆除通知" in editor.text.toPlainText()
    _shoot(lead, "cohandling_lead_zh")
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)
    assert lead.workspace.sync_once().applied == 1
    final = server.as_user("agent").order(order_id)
    assert final.state.value == "in_review" and "鸽棚属违章搭建" in final.replies[-1].text


def _centre_open(qtbot: Any, window: MainWindow, order_id: int) -> None:
    click_list_item(qtbot, window.sidebar, CENTRE_LISTS.index(WorkList.ALL))
    qtbot.waitUntil(lambda: window.model.row_of(order_id) is not None, timeout=10_000)
    with qtbot.waitSignal(window.order_view.loaded, timeout=5000):
        click_row(qtbot, window.table, window.model.row_of(order_id))  # type: ignore[arg-type]


def test_the_centre_adds_a_department_after_dispatch_and_waives_a_part(
    qtbot: Any, server: ServerProcess, open_desk: Callable[..., MainWindow]
) -> None:
    order_id = _co_handled(server, "楼顶鸽棚噪音扰民", co=(), sign=False)
    agent = open_desk("agent")
    _centre_open(qtbot, agent, order_id)
    add = _form(qtbot, agent, Command.ADD_CO_DEPARTMENT)
    cgj = next(d.id for d in server.as_user("agent").departments() if d.code == "CGJ")
    add.department.setCurrentIndex(add.department.findData(cgj))
    ime(add.reason, "涉及违章搭建，请城管局协办")
    _submit_form(qtbot, agent, add)
    assert agent.workspace.sync_once().applied == 1
    added = _part(server, order_id, "CGJ")
    assert added.status == "pending" and added.add_reason == "涉及违章搭建，请城管局协办"

    # CGJ now has it in its 协办 list; the centre then waives the part (a reason is required).
    co = open_desk("zhulei")
    open_order(qtbot, co, WorkList.CO_HANDLING, order_id)
    assert agent.workspace.sync_once().ok
    _centre_open(qtbot, agent, order_id)
    waive = _form(qtbot, agent, Command.WAIVE_CO_HANDLING)
    assert waive.department.count() == 1 and waive.department.currentData() == cgj
    qtbot.mouseClick(waive.ok, Qt.MouseButton.LeftButton)
    assert not waive.error.isHidden() and agent.workspace.status.pending == 0  # no reason: not sent
    ime(waive.reason, "经核实不属违建，无需城管局协办")
    _submit_form(qtbot, agent, waive)
    assert agent.workspace.sync_once().applied == 1
    waived = _part(server, order_id, "CGJ")
    assert waived.status == "waived" and waived.waive_reason == "经核实不属违建，无需城管局协办"
    co.workspace.sync_once()
    qtbot.waitUntil(lambda: co.model.row_of(order_id) is None, timeout=5000)

    # The lead signs and may submit at once: nothing is outstanding.
    lead = open_desk("handler")
    open_order(qtbot, lead, WorkList.TO_SIGN, order_id)
    with qtbot.waitSignal(lead.order_view.actions.recorded, timeout=5000):
        _click(qtbot, lead, Command.SIGN)
    qtbot.waitUntil(lead.order_view.reply.submit.isEnabled, timeout=5000)
    assert lead.order_view.reply.co_waiting.isHidden()


def test_the_co_handling_screens_in_english(
    qtbot: Any, server: ServerProcess, open_desk: Callable[..., MainWindow]
) -> None:
    order_id = _co_handled(server, "小区鸽棚异味扰民", co=("CGJ", "SWJ"))
    chief = server.as_user("yangfan")  # CGJ's section chief signs and answers by API
    version = chief.order(order_id).version
    version = chief.command(order_id, Command.CO_SIGN, CoSignBody(version=version)).version
    chief.command(order_id, Command.SUBMIT_CO_OPINION, CoOpinionBody(version=version, opinion="已责令限期拆除鸽棚。"))
    co = open_desk("zhulei", language="en")
    open_order(qtbot, co, WorkList.ALL, order_id)
    _shoot(co, "cohandling_co_department_en")
    lead = open_desk("handler", language="en")
    view = open_order(qtbot, lead, WorkList.MINE, order_id)
    view.tabs.setCurrentWidget(view.reply_page)
    # The department is named in the UI's language (the sentence's English comes with the compiled catalogue).
    assert "Water Affairs Bureau" in view.reply.co_waiting.text() and "Urban" not in view.reply.co_waiting.text()
    _shoot(lead, "cohandling_lead_en")
