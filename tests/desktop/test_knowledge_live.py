"""知识库 on a real desk against a real server process: the entries the centre published reach the desk
by sync, are found from a citizen's words with the server stopped, and a reply that cites one records
the citation on the server once the desk has synced."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from api_client import CaseDeskClient
from casework.knowledge import EntryDraft, PolicyBasis, TemplateDraft
from casework.worklists import WorkList
from tests.fixtures.gestures import ime
from tests.fixtures.live_desk import open_order
from tests.fixtures.server_process import ServerProcess
from ui.main_window import MainWindow

pytestmark = pytest.mark.slow
SERVER_ORDERS = 4

LAMP = EntryDraft(
    title="道路路灯不亮的报修与修复时限",
    questions=["路灯连续几天不亮找谁修", "路灯坏了晚上出行不安全怎么办"],
    answer="城市道路路灯由市政设施管理处负责维护，接报后24小时内到场，一般故障3个工作日内修复。",
    basis=PolicyBasis(
        document="城市道路照明设施管理规定", number="建设部令第104号", article="第十条", issuer="住房和城乡建设部"
    ),
    keywords=["路灯", "照明"],
)
DANCE = EntryDraft(
    title="广场舞噪音扰民的处理",
    questions=["晚上跳广场舞声音太大怎么办"],
    answer="在公共场所组织娱乐活动应遵守音量规定；噪音扰民可向属地派出所反映。",
    basis=PolicyBasis(document="中华人民共和国噪声污染防治法", article="第六十四条"),
    keywords=["噪音", "广场舞"],
)


MANHOLE = EntryDraft(
    title="井盖破损缺失的处置时限",
    questions=["路上井盖坏了找谁修", "井盖丢了很危险怎么办"],
    answer="井盖由其权属单位负责维护，接报后2小时内设置警示标志，24小时内修复或更换。",
    keywords=["井盖"],
)


def _published(agent: CaseDeskClient, draft: EntryDraft) -> int:
    created = agent.create_knowledge_entry(draft)
    return agent.publish_knowledge_entry(created.id, version=created.version).id


def test_found_offline_cited_in_a_reply_and_counted_on_the_server(
    qtbot: Any, server: ServerProcess, open_desk: Callable[..., MainWindow]
) -> None:
    agent = server.as_user("agent")
    lamp, dance = _published(agent, LAMP), _published(agent, DANCE)
    chief = server.as_user("chief")
    department = chief.user.department_id  # type: ignore[union-attr]
    opening = TemplateDraft(department_id=department, title="本单位开头", body="{称呼}您好！关于工单{工单编号}，")
    template = chief.create_reply_template(opening)
    order_id = server.handlers_order("文汇路路灯不亮")

    window = open_desk("handler")  # synced once: the orders, then the knowledge base
    store = window.workspace.store
    assert store.knowledge_entry(lamp) is not None and store.knowledge_entry(dance) is not None
    assert template.id in [t["id"] for t in store.reply_templates()]

    server.stop()
    try:
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
        panel = window.knowledge
        assert window.tabs.currentWidget() is panel
        with qtbot.waitSignal(panel.searched, timeout=5000):
            ime(panel.box, "我们这条路的路灯坏了好几天，晚上出门黑漆漆的很不安全")
        assert panel.entry is not None and panel.entry["id"] == lamp  # ranked first, in view
        assert panel.basis["number"].text() == "建设部令第104号"
    finally:
        server.start()

    view = open_order(qtbot, window, WorkList.MINE, order_id)
    editor = view.reply
    qtbot.mouseClick(editor.cite, Qt.MouseButton.LeftButton)
    picker = editor.picker
    assert picker is not None
    qtbot.waitUntil(lambda: picker.panel.entry is not None and picker.panel.entry["id"] == lamp, timeout=5000)
    qtbot.mouseClick(picker.panel.insert_button, Qt.MouseButton.LeftButton)
    assert editor.text.toPlainText() == LAMP.answer
    editor.result.setCurrentIndex(editor.result.findData("resolved"))
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)
    assert window.workspace.sync_once().ok

    usage = agent.knowledge_usage()
    [row] = [r for r in usage.entries if r.entry_id == lamp]
    assert row.uses == 1
    assert all(r.entry_id != dance for r in usage.entries if r.uses)
    reply = agent.order(order_id).replies[-1]
    assert reply.basis == "住房和城乡建设部《城市道路照明设施管理规定》（建设部令第104号）第十条"


def test_a_draft_saved_with_a_citation_names_it_on_another_pc_and_its_reply_counts_it(
    qtbot: Any, server: ServerProcess, open_desk: Callable[..., MainWindow]
) -> None:
    """保存草稿 on one PC, synced: on another PC the reopened draft says 引用知识库 with the entry's title,
    and the reply submitted there counts the entry on the server."""
    agent = server.as_user("agent")
    manhole = _published(agent, MANHOLE)
    order_id = server.handlers_order("建设路井盖破损")

    first = open_desk("handler")
    editor = open_order(qtbot, first, WorkList.MINE, order_id).reply
    qtbot.mouseClick(editor.cite, Qt.MouseButton.LeftButton)
    picker = editor.picker
    assert picker is not None
    qtbot.waitUntil(lambda: picker.panel.entry is not None and picker.panel.entry["id"] == manhole, timeout=5000)
    qtbot.mouseClick(picker.panel.insert_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.save, Qt.MouseButton.LeftButton)
    assert first.workspace.sync_once().ok
    draft = agent.order(order_id).draft
    assert draft is not None and [(e.id, e.title) for e in draft.knowledge_entries] == [(manhole, MANHOLE.title)]

    other = open_desk("handler")  # the same handler on another PC
    editor = open_order(qtbot, other, WorkList.MINE, order_id).reply
    assert editor.text.toPlainText() == MANHOLE.answer
    assert not editor.cited_note.isHidden() and editor.cited_note.text() == f"引用知识库：{MANHOLE.title}"
    editor.result.setCurrentIndex(editor.result.findData("resolved"))
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)
    assert other.workspace.sync_once().ok
    [row] = [r for r in agent.knowledge_usage().entries if r.entry_id == manhole]
    assert row.uses == 1
