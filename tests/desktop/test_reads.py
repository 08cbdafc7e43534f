"""The desk's read side (desktop/reads.py) answers in plain data, and the widgets show what it answers;
one error presenter (ui/errors.py) says every failure, in plain text, without blocking."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.errors import UnknownOrder, UnsupportedFile
from desktop.reads import Filters, ListQuery, WorkList
from desktop.workspace import Workspace
from tests.fixtures.desk import HANDLER, put
from ui.errors import present_error
from ui.labels import Names
from ui.order_list import OrderListModel

PLAIN = (str, int, float, bool, bytes, type(None))


def plain(value: Any, where: str = "") -> None:
    """Fail unless ``value`` is made of dicts, lists, tuples, plain scalars and dataclasses of them."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            plain(getattr(value, f.name), f"{where}.{f.name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            plain(key, f"{where}[key]")
            plain(item, f"{where}[{key!r}]")
    elif isinstance(value, list | tuple | set):
        for i, item in enumerate(value):
            plain(item, f"{where}[{i}]")
    else:
        assert isinstance(value, PLAIN), f"{where} is a {type(value).__name__}, not plain data"


def test_the_read_side_answers_in_plain_data(workspace: Workspace) -> None:
    put(workspace, "dispatched", order_id=1, lead_department_id=3)
    put(workspace, "in_progress", order_id=2, number="GY20260302-0043", handler_id=HANDLER.id, lead_department_id=3)
    reads, now = workspace.reads, datetime.now(UTC)

    page = reads.page(ListQuery(WorkList.TO_SIGN, Filters(), "due_at", False, now), 200, pinned=2)
    plain(page)
    assert (page.total, [r["id"] for r in page.rows]) == (1, [1])
    assert not page.pinned_listed and page.pinned_state == "in_progress"  # the order in view is elsewhere
    assert Names(page.directory).user(HANDLER.id) == "王建国"  # the directory names people as the store does

    search = ListQuery(WorkList.TO_SIGN, Filters(text="路灯"), "number", False, now, ("to_sign", "mine"))
    searched = reads.page(search, 200)
    plain(searched)
    hits = [r["id"] for r in searched.rows]
    located = reads.located(search, hits)  # asked after the page is on screen
    plain(located)
    assert located == {1: ["to_sign"], 2: ["mine"]}  # a search looks in every list and says where
    rows, where = reads.more(ListQuery(WorkList.ALL, Filters(), "number", False, now), 200, 1)
    assert [r["id"] for r in rows] == [2] and where == {}

    counts = reads.counts([WorkList.TO_SIGN, WorkList.MINE, WorkList.ALL], now)
    plain(counts)
    assert (counts["to_sign"], counts["mine"], counts["all"]) == (1, 1, 2)
    assert reads.urgent_to_sign(now) == [1]  # put() makes urgent orders

    snapshot = reads.snapshot(2)
    assert snapshot is not None
    plain(snapshot)
    assert snapshot.order["number"] == "GY20260302-0043" and snapshot.in_flight == [] and snapshot.problems == []
    assert reads.snapshot(99) is None
    assert reads.problems() == []
    assert reads.thumbnail("0" * 64) is None and reads.blob("0" * 64) is None


def test_the_list_shows_what_the_read_side_answers(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "dispatched", order_id=1, lead_department_id=3)
    put(workspace, "dispatched", order_id=2, number="GY20260302-0043", title="海潮路井盖缺失", lead_department_id=3)
    model = OrderListModel(workspace)
    with qtbot.waitSignal(model.loaded, timeout=5000) as loaded:
        model.show(WorkList.TO_SIGN)
    assert loaded.args == [2]
    titles = [model.data(model.index(row, 2)) for row in range(model.rowCount())]
    page = workspace.reads.page(ListQuery(WorkList.TO_SIGN, Filters(), "due_at", False, datetime.now(UTC)), 200)
    assert titles == ["【新】" * bool(r["new"]) + r["title"] for r in page.rows]
    assert model.data(model.index(0, 3)) == "路灯照明"  # named from the directory read with the page, not a code


def boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


@pytest.fixture
def parent(qtbot: Any) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_one_presenter_says_failures_in_plain_text(qtbot: Any, parent: QWidget, caplog: Any) -> None:
    said = {
        UnknownOrder(1): "本地没有这张工单（可能已转出），请同步后再试。",
        UnsupportedFile("heic", "<b>不支持</b>的文件", "Unsupported <b>file</b>"): "<b>不支持</b>的文件",
        PermissionError(13, "Permission denied"): "读写本机文件失败：Permission denied",
    }
    for error, text in said.items():
        box = present_error(parent, error)
        assert box is not None
        assert box in boxes()  # shown at once and opened, not exec'd: nothing waits on a click
        assert (box.text(), box.windowTitle(), box.textFormat()) == (text, "操作未完成", Qt.TextFormat.PlainText)
        box.close()

    handed: list[BaseException] = []
    bug = ZeroDivisionError("a bug")
    assert present_error(parent, bug, on_bug=handed.append) is None and handed == [bug]  # the forms: to the runner
    with caplog.at_level(logging.ERROR, logger="casedesk"):
        box = present_error(parent, bug, title="CaseDesk")  # the application: logged, said as an internal error
    assert box is not None and box.text() == "发生内部错误，已记录日志。请联系管理员。"
    assert "a bug" in caplog.text
    box.close()


@pytest.mark.parametrize("term", ["噪", "噪音", "夜间施工"])
def test_a_common_terms_page_walks_the_list_and_its_count_reads_the_index(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, term: str
) -> None:
    """A term held by many orders: the page looks order by order along the list, the count reads the
    term's index at once — both find the same orders, whatever the term's length."""
    from offline import search

    monkeypatch.setattr(search, "COMMON", 2)  # three of the five orders hold the term: common
    for i in range(1, 6):
        title = "夜间施工噪音扰民" if i % 2 else "路灯不亮"
        put(workspace, "in_progress", order_id=i, number=f"GY20260302-{i:04d}", title=title, description="")
    reads, now = workspace.reads, datetime.now(UTC)
    assert workspace.store.term_hits(term) == {term: None}
    query = ListQuery(WorkList.ALL, Filters(text=term), "number", False, now)
    page = reads.page(query, 2)
    assert page.total is None and [r["id"] for r in page.rows] == [1, 3]  # a full page: counted afterwards
    rows, _where = reads.more(query, 2, 2)
    assert [r["id"] for r in rows] == [5]
    assert reads.count(query) == 3
