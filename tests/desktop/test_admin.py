"""The administrator's 管理 area through the real window, against a real server process: a
department created, a user created in it and deactivated, a category's default department
changed, a review-chain version added, a local rest day added and removed — each checked on the
server; and a plain word, no crash, when the server cannot be reached."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton, QWidget

from api_client import DeviceRevoked, Unauthorized
from api_client.auth import DeviceIdentity
from desktop.session import sign_in
from desktop.tasks import TaskRunner
from tests.desktop.desk import message_boxes
from tests.desktop.gestures import click_row, ime
from tests.server_process import PASSWORD, ServerProcess
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("server"), orders=6)
    process.start()
    yield process
    process.stop()


def _click(qtbot: Any, button: QPushButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _pick(qtbot: Any, combo: QComboBox, data: Any) -> None:
    """Choose the entry holding ``data`` with the keyboard, as a user steps through a drop-down."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentData() == data:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == data, f"{data!r} is not in the list"


def _type(qtbot: Any, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def _yes(qtbot: Any) -> None:
    """Answer the confirmation (it is open, not exec: nothing waited for it)."""
    qtbot.waitUntil(lambda: any(b.objectName() == "casedesk_confirm" for b in message_boxes()), timeout=5_000)
    box = next(b for b in message_boxes() if b.objectName() == "casedesk_confirm")
    _click(qtbot, box.button(QMessageBox.StandardButton.Yes))  # type: ignore[arg-type]


def test_admin_area_changes_reach_the_server(qtbot: Any, tmp_path: Path, server: ServerProcess) -> None:
    workspace = sign_in(server.url, "admin", PASSWORD, tmp_path / "desks", TaskRunner())
    reference = server.as_user("admin")
    try:
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        area = window.admin_area
        assert area is not None
        with qtbot.waitSignal(area.loaded, timeout=20_000):
            window.show()  # an admin's desk opens on 管理, which reads the server when first shown
        assert window.tabs.currentWidget() is area
        assert [area.tabs.tabText(i) for i in range(area.tabs.count())] == [
            "部门",
            "人员",
            "分类",
            "审核链",
            "工作日历",
        ]

        # 部门: a new department.
        page = area.departments
        _click(qtbot, page.new_button)
        _type(qtbot, page.code, "WLJ")
        ime(page.name, "文化旅游局")
        _type(qtbot, page.name_en, "Culture and Tourism Bureau")
        with qtbot.waitSignal(area.loaded, timeout=10_000):
            _click(qtbot, page.save_button)
        wlj = next(d for d in reference.departments() if d.code == "WLJ")
        assert (wlj.name, wlj.name_en, wlj.kind, wlj.active) == (
            "文化旅游局",
            "Culture and Tourism Bureau",
            "department",
            True,
        )
        assert page.row_of(wlj.id) >= 0

        # 人员: a handler in it, then deactivated after a confirmation.
        area.tabs.setCurrentWidget(area.users)
        users = area.users
        _click(qtbot, users.new_button)
        _type(qtbot, users.username, "wl_clerk")
        ime(users.name, "李文静")
        _pick(qtbot, users.role, "handler")
        _pick(qtbot, users.department, wlj.id)
        _type(qtbot, users.password, "clerk-pass-2026")
        with qtbot.waitSignal(area.loaded, timeout=10_000):
            _click(qtbot, users.save_button)
        clerk = next(u for u in reference.users() if u.username == "wl_clerk")
        assert (clerk.name, clerk.role.value, clerk.department_id, clerk.active) == ("李文静", "handler", wlj.id, True)
        server_clerk = type(reference)(server.url, persist_session=False)  # signs in with the password typed
        assert server_clerk.login("wl_clerk", "clerk-pass-2026").username == "wl_clerk"
        click_row(qtbot, users.table, users.row_of(clerk.id), column=1)
        assert users.current.id == clerk.id and users.toggle_button.text() == "停用"
        _click(qtbot, users.toggle_button)
        with qtbot.waitSignal(area.loaded, timeout=10_000):
            _yes(qtbot)
        assert next(u for u in reference.users() if u.username == "wl_clerk").active is False
        assert users.toggle_button.text() == "启用"

        # 分类: 0101 道路维修 now goes to 城管局 by default.
        area.tabs.setCurrentWidget(area.categories)
        categories = area.categories
        ime(categories.search, "道路")
        assert categories.table.rowCount() == 1
        click_row(qtbot, categories.table, categories.row_of("0101"), column=1)
        _pick(qtbot, categories.department, "CGJ")
        with qtbot.waitSignal(area.loaded, timeout=10_000):
            _click(qtbot, categories.save_button)
        assert next(c for c in reference.categories() if c.code == "0101").department_code == "CGJ"

        # 审核链: a version where 住建局's ordinary replies need only the section chief.
        area.tabs.setCurrentWidget(area.chains)
        chains = area.chains
        assert chains.editor.rowCount() == 2  # the built-in chains, ordinary and major
        _click(qtbot, chains.add_row_button)
        row = chains.editor.rowCount() - 1
        _pick(qtbot, chains.editor.cellWidget(row, 0), "ZJJ")  # type: ignore[arg-type]
        click_row(qtbot, chains.editor, row, column=2)  # 科室负责人审核
        qtbot.keyClick(chains.editor, Qt.Key.Key_Space)
        ime(chains.note, "住建局一般件科长审核")
        with qtbot.waitSignal(chains.shown, timeout=10_000):
            _click(qtbot, chains.save_button)
        (version,) = reference.review_chains()
        assert version.chains["ZJJ"] == {"ordinary": ["section_chief"]}
        assert version.note == "住建局一般件科长审核" and version.effective_from > date.today().replace(day=1)
        assert chains.table.rowCount() == 1 and chains.table.item(0, 2).text() == "待生效"

        # 工作日历: a county holiday added, then removed after a confirmation.
        area.tabs.setCurrentWidget(area.calendar)
        calendar = area.calendar
        calendar.day.setDate(QDate(2026, 12, 24))
        ime(calendar.note, "县庆放假")
        with qtbot.waitSignal(calendar.shown, timeout=10_000):
            _click(qtbot, calendar.add_button)
        local = {d.day: d for d in reference.calendar().local_days}
        assert local[date(2026, 12, 24)].kind.value == "holiday" and local[date(2026, 12, 24)].note == "县庆放假"
        click_row(qtbot, calendar.table, calendar.row_of(date(2026, 12, 24)), column=0)
        _click(qtbot, calendar.remove_button)
        with qtbot.waitSignal(calendar.shown, timeout=10_000):
            _yes(qtbot)
        assert date(2026, 12, 24) not in {d.day for d in reference.calendar().local_days}

        # A refusal is said plainly: the housing bureau still has open orders and staff.
        area.tabs.setCurrentWidget(area.departments)
        zjj = next(d for d in reference.departments() if d.code == "ZJJ")
        click_row(qtbot, page.table, page.row_of(zjj.id), column=1)
        _click(qtbot, page.toggle_button)
        with qtbot.waitSignal(area.failed, timeout=10_000) as failed:
            _yes(qtbot)
        assert "不能停用" in failed.args[0]
        assert next(d for d in reference.departments() if d.code == "ZJJ").active is True
        for box in message_boxes():
            box.close()

        # Without the server: a plain word, no crash; nothing pretends to be saved.
        server.stop()
        try:
            with qtbot.waitSignal(area.failed, timeout=20_000) as failed:
                _click(qtbot, area.reload_button)
            assert "需要连接服务器" in area.notice.text()
        finally:
            server.start()
    finally:
        workspace.stop()


def test_a_users_password_reset_and_desks_from_the_user_form(qtbot: Any, tmp_path: Path, server: ServerProcess) -> None:
    """重置密码 gives a one-time password shown once; the user's desks are listed and one is revoked."""
    laptop = type(server.as_user("admin"))(
        server.url, persist_session=False, device=DeviceIdentity("a" * 32, "外勤笔记本")
    )
    laptop.login("chief", PASSWORD)
    workspace = sign_in(server.url, "admin", PASSWORD, tmp_path / "desks", TaskRunner())
    reference = server.as_user("admin")
    try:
        window = MainWindow(workspace)
        qtbot.addWidget(window)
        area = window.admin_area
        assert area is not None
        with qtbot.waitSignal(area.loaded, timeout=20_000):
            window.show()
        area.tabs.setCurrentWidget(area.users)
        users = area.users
        chief = next(u for u in reference.users() if u.username == "chief")
        click_row(qtbot, users.table, users.row_of(chief.id), column=1)
        assert users.reset_button.isVisible() and users.devices.isVisible()
        qtbot.waitUntil(lambda: "外勤笔记本" in [d.name for d in users.devices.devices], timeout=10_000)

        # 吊销 on the laptop's row, after a confirmation: the server cuts it off.
        target = next(d for d in users.devices.devices if d.name == "外勤笔记本")
        _click(qtbot, users.devices.button(target.id))
        with qtbot.waitSignal(area.loaded, timeout=10_000):
            _yes(qtbot)
        assert next(d for d in reference.devices(chief.id) if d.id == target.id).revoked_at is not None
        with pytest.raises(DeviceRevoked):
            laptop.me()
        qtbot.waitUntil(lambda: users.devices.button(target.id) is None, timeout=10_000)

        # 重置密码…: confirmed, the temporary password is shown once and works — for a forced change.
        _click(qtbot, users.reset_button)
        with qtbot.waitSignal(area.loaded, timeout=10_000):
            _yes(qtbot)
        qtbot.waitUntil(lambda: any(b.objectName() == "temporary_password" for b in message_boxes()), timeout=5_000)
        box = next(b for b in message_boxes() if b.objectName() == "temporary_password")
        temporary = box.text().split("\n\n")[1]
        fresh = type(reference)(server.url, persist_session=False)
        assert fresh.login("chief", temporary).must_change_password is True
        with pytest.raises(Unauthorized):
            type(reference)(server.url, persist_session=False).login("chief", PASSWORD)
        box.close()
        fresh.change_password(temporary, "Ke-zhang-2027-xin")  # leave the account usable for others
    finally:
        workspace.stop()
