"""知识库 on a desk without a server: the panel finds an entry from a citizen's sentence in the synced
copy and paints it as plain text; the reply editor cites an entry (answer, basis, knowledge_entry_ids
through the outbox), warns before an expired one, and offers the synced templates filled for the order."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMenu

from desktop.workspace import Workspace
from tests.fixtures.desk import HANDLER, USERS, message_boxes, put, shown
from tests.fixtures.gestures import ime
from tests.fixtures.knowledge import NOISE, RENOVATION, entry_json, page_json, template_json
from tests.fixtures.knowledge import SOCIAL_CARD as SOCIAL
from ui.centre_panel import CentrePanel
from ui.knowledge import HitPainter, KnowledgePanel, KnowledgePicker
from ui.labels import Names
from ui.main_window import MainWindow

STREETLIGHT = {
    "title": "路灯不亮的报修与处理时限",
    "questions": ["路灯连续几天不亮找谁修", "小区外道路路灯坏了怎么办"],
    "answer": "城市道路路灯由市政设施管理处负责维护，接报后24小时内到场，一般故障3个工作日内修复。",
    "keywords": ["路灯", "照明"],
    "basis": {
        "document": "城市道路照明设施管理规定",
        "number": "建设部令第104号",
        "article": "第十条",
        "issuer": "住房和城乡建设部",
        "effective_from": "2010-07-01",
    },
}
HOSTILE = {
    "title": "<b>加粗</b>的广场舞噪音<img src=x>",
    "questions": ["<a href='http://x'>广场舞</a>噪音扰民怎么办"],
    "answer": "<script>alert(1)</script>请向街道反映 <i>广场舞噪音</i>",
    "keywords": ["噪音"],
    "basis": {"document": "<u>文件</u>", "number": "<br>", "article": "第一条", "issuer": "某局"},
}


def _synced(ws: Workspace, *entries: dict[str, Any], templates: list[dict[str, Any]] = ()) -> None:  # type: ignore[assignment]
    ws.store.apply_knowledge(page_json(list(entries), templates=list(templates)))


def _panel(qtbot: Any, ws: Workspace, inserting: bool = False) -> KnowledgePanel:
    panel = KnowledgePanel(ws, Names(ws.store), inserting=inserting)
    qtbot.addWidget(panel)
    panel.resize(1000, 600)
    panel.show()
    return panel


def _search(qtbot: Any, panel: KnowledgePanel, sentence: str) -> int:
    with qtbot.waitSignal(panel.searched, timeout=5000) as signal:
        ime(panel.box, sentence)
    return int(signal.args[0])


def test_a_citizens_sentence_finds_the_entry_and_its_basis(qtbot: Any, workspace: Workspace) -> None:
    _synced(workspace, entry_json(1, NOISE), entry_json(2, STREETLIGHT), entry_json(3, RENOVATION))
    panel = _panel(qtbot, workspace)
    assert isinstance(panel.hits.itemDelegate(), HitPainter)
    assert _search(qtbot, panel, "我家楼下天天有人跳广场舞，噪音太大了，晚上十点还不停") >= 1
    assert panel.hits.item(0).text() == NOISE["title"]  # ranked first
    assert panel.entry is not None and panel.entry["id"] == 1  # the best hit is in view at once
    assert panel.answer.toPlainText() == NOISE["answer"]
    assert panel.basis["document"].text() == "中华人民共和国噪声污染防治法"
    assert panel.basis["article"].text() == "第六十四条"
    assert "2022-06-05" in panel.basis["dates"].text()
    assert not panel.status.isVisible()

    # Down from the box goes to the hits; a click on another shows it, marked 已失效 when expired
    panel.box.clear()
    assert _search(qtbot, panel, "装修噪音") == 2
    row = next(i for i in range(panel.hits.count()) if panel.hits.item(i).text() == RENOVATION["title"])
    rect = panel.hits.visualItemRect(panel.hits.item(row))
    qtbot.mouseClick(panel.hits.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.entry is not None and panel.entry["id"] == 3
    assert panel.status.isVisible() and "已失效" in panel.status.text()
    assert not panel.insert_button.isVisible()  # the tab only reads; insertion is where one writes

    panel.box.clear()
    assert _search(qtbot, panel, "火星探测计划的进度") == 0
    assert panel.empty.isVisible() and "没有找到" in panel.empty.text()


def test_entry_text_with_markup_stays_plain(qtbot: Any, workspace: Workspace) -> None:
    _synced(workspace, entry_json(9, HOSTILE))
    panel = _panel(qtbot, workspace)
    assert _search(qtbot, panel, "广场舞噪音扰民") == 1
    for label in (panel.title, panel.questions, panel.status, *panel.basis.values()):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert panel.title.text() == HOSTILE["title"]
    assert panel.basis["document"].text() == "<u>文件</u>"
    assert panel.answer.toPlainText() == HOSTILE["answer"]
    # The hit is painted by the delegate with drawText (no document, no markup): rendering it works and
    # the item holds the raw title.
    assert panel.hits.item(0).text() == HOSTILE["title"]
    image = panel.hits.viewport().grab()
    assert not image.isNull()


def test_the_reply_cites_an_entry_and_records_it_in_the_outbox(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "in_progress", handler_id=HANDLER.id)
    _synced(workspace, entry_json(2, STREETLIGHT), entry_json(1, NOISE))
    view = shown(qtbot, workspace)
    editor = view.reply
    ime(editor.text, "您好！")
    qtbot.mouseClick(editor.cite, Qt.MouseButton.LeftButton)
    picker = editor.picker
    assert isinstance(picker, KnowledgePicker) and picker.isVisible() and not picker.isModal()
    # it opened searching for the order's title (文昌路与海潮路交叉口路灯连续一周不亮)
    qtbot.waitUntil(lambda: picker.panel.hits.count() > 0, timeout=5000)
    assert picker.panel.entry is not None and picker.panel.entry["id"] == 2
    qtbot.mouseClick(picker.panel.insert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.picker is None, timeout=5000)
    assert editor.text.toPlainText() == "您好！" + STREETLIGHT["answer"]
    assert editor.basis.text() == "住房和城乡建设部《城市道路照明设施管理规定》（建设部令第104号）第十条"
    assert not editor.cited_note.isHidden() and STREETLIGHT["title"] in editor.cited_note.text()

    editor.result.setCurrentIndex(editor.result.findData("resolved"))
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)
    [row] = [r for r in workspace.store.outbox(1) if r["name"] == "submit_reply"]
    assert row["args"]["knowledge_entry_ids"] == [2]
    assert row["args"]["basis"].endswith("第十条")


def test_a_saved_draft_still_names_what_it_cites_when_the_order_is_opened_again(
    qtbot: Any, workspace: Workspace
) -> None:
    """保存草稿 takes the citations along: the local draft goes, the order opened again (here, or in a
    new window) still says 引用知识库 with the title, and the later 提交答复 sends them."""
    put(workspace, "in_progress", handler_id=HANDLER.id)
    put(workspace, "in_progress", order_id=2, handler_id=HANDLER.id, title="海潮路井盖破损")
    _synced(workspace, entry_json(2, STREETLIGHT), entry_json(1, NOISE))
    view = shown(qtbot, workspace)
    editor = view.reply
    qtbot.mouseClick(editor.cite, Qt.MouseButton.LeftButton)
    picker = editor.picker
    assert picker is not None
    qtbot.waitUntil(lambda: picker.panel.entry is not None and picker.panel.entry["id"] == 2, timeout=5000)
    qtbot.mouseClick(picker.panel.insert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.picker is None, timeout=5000)
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.save, Qt.MouseButton.LeftButton)
    [row] = [r for r in workspace.store.outbox(1) if r["name"] == "save_draft"]
    assert row["args"]["knowledge_entry_ids"] == [2]
    assert workspace.store.draft(1, "reply") is None  # stored as the command: no local draft left

    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_order(2)
    assert editor.cited == [] and editor.cited_note.isHidden()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_order(1)
    for again in (editor, shown(qtbot, workspace).reply):  # opened again, and in a new window
        assert again.cited == [{"id": 2, "title": STREETLIGHT["title"]}]
        assert not again.cited_note.isHidden() and again.cited_note.text() == f"引用知识库：{STREETLIGHT['title']}"

    editor.result.setCurrentIndex(editor.result.findData("resolved"))
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)
    [row] = [r for r in workspace.store.outbox(1) if r["name"] == "submit_reply"]
    assert row["args"]["knowledge_entry_ids"] == [2]


def test_an_expired_entry_is_inserted_only_after_a_warning(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "in_progress", handler_id=HANDLER.id)
    _synced(workspace, entry_json(3, RENOVATION))
    view = shown(qtbot, workspace)
    editor = view.reply
    picker = editor.open_knowledge()
    assert picker is not None
    qtbot.waitUntil(lambda: picker.panel.pending == 0, timeout=5000)  # its search for the order's title
    picker.panel.box.clear()
    assert _search(qtbot, picker.panel, "楼上装修太吵") == 1
    qtbot.mouseClick(picker.panel.insert_button, Qt.MouseButton.LeftButton)
    [box] = [b for b in message_boxes() if "已失效" in b.text()]
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert editor.text.toPlainText() == ""  # nothing yet
    cancel = next(b for b in box.buttons() if b.text() == "取消")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert editor.text.toPlainText() == "" and picker.isVisible()

    qtbot.mouseClick(picker.panel.insert_button, Qt.MouseButton.LeftButton)
    [box] = [b for b in message_boxes() if "已失效" in b.text()]
    anyway = next(b for b in box.buttons() if b.text() == "仍然插入")
    qtbot.mouseClick(anyway, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.text.toPlainText() == RENOVATION["answer"], timeout=5000)
    assert [c["id"] for c in editor.cited] == [3]


def _menu_texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_the_reply_templates_are_the_synced_ones_filled_for_the_order(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "in_progress", handler_id=HANDLER.id)
    view = shown(qtbot, workspace)
    editor = view.reply
    menu = editor.phrases.menu()
    menu.aboutToShow.emit()
    assert _menu_texts(menu)[0] == "您好！关于您反映的问题，"  # none synced yet: the built-in phrases

    opening = template_json(1, "通用开头", "{称呼}您好！您于{受理日期}反映的问题（工单{工单编号}）{未知}")
    own = template_json(2, "现场核实", "经现场核实，", department_id=3)
    with qtbot.waitSignal(workspace.knowledge_changed, timeout=5000):
        _synced(workspace, templates=[opening, own])
        workspace.knowledge_changed.emit()  # as a sync that brought them announces it
    qtbot.waitUntil(lambda: len(editor.templates) == 2, timeout=5000)
    shown_texts: list[str] = []

    def choose_the_second() -> None:  # once the menu is up (some PySide6 releases open it inside the click)
        if menu.isVisible() and not shown_texts:
            shown_texts.extend(_menu_texts(menu))
            action = menu.actions()[1]
            qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())

    poll = QTimer(interval=20)
    poll.timeout.connect(choose_the_second)
    poll.start()
    qtbot.mouseClick(editor.phrases, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown_texts) and not menu.isVisible(), timeout=3000)
    poll.stop()
    assert shown_texts == ["现场核实", "通用开头（全市通用）"]
    text = editor.text.toPlainText()
    # the citizen is confidential on this order: 市民, never the name
    assert text.startswith("市民您好！您于") and "（工单GY20260302-0042）" in text and text.endswith("{未知}")


def test_ctrl_k_opens_the_knowledge_tab_for_every_role(qtbot: Any, workspace: Workspace) -> None:
    _synced(workspace, entry_json(1, NOISE))
    window = MainWindow(workspace)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.knowledge
    qtbot.waitUntil(lambda: window.knowledge.box.hasFocus(), timeout=3000)
    assert window.knowledge_action in window.menus.tools_menu.actions()
    assert _search(qtbot, window.knowledge, "广场舞噪音") == 1


def test_the_centres_answer_at_once_cites_an_entry(qtbot: Any, make_workspace: Any) -> None:
    agent = next(u for u in USERS if u.username == "agent")
    ws = make_workspace(agent)
    put(ws, "received", title="社保卡丢了怎么补办", kind="consultation")
    _synced(ws, entry_json(5, SOCIAL), entry_json(1, NOISE))
    panel = CentrePanel(ws, Names(ws.store))
    qtbot.addWidget(panel)
    panel.show()
    panel.show_order(1)
    qtbot.waitUntil(lambda: panel.answer_box.isVisible(), timeout=5000)
    qtbot.mouseClick(panel.cite, Qt.MouseButton.LeftButton)
    picker = panel.cite.picker
    assert picker is not None and not picker.isModal()
    qtbot.waitUntil(lambda: picker.panel.entry is not None and picker.panel.entry["id"] == 5, timeout=5000)
    qtbot.mouseClick(picker.panel.insert_button, Qt.MouseButton.LeftButton)
    assert panel.answer.toPlainText() == SOCIAL["answer"]
    assert panel.basis.text() == "人力资源和社会保障部《社会保障卡管理办法》（人社部发〔2019〕1号）第十二条"
    qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(r["name"] == "close_at_once" for r in ws.store.outbox(1)), timeout=5000)
    [row] = [r for r in ws.store.outbox(1) if r["name"] == "close_at_once"]
    assert row["args"]["knowledge_entry_ids"] == [5]


def test_the_intake_forms_answer_at_once_cites_an_entry(qtbot: Any, make_workspace: Any) -> None:
    agent = next(u for u in USERS if u.username == "agent")
    ws = make_workspace(agent)
    _synced(ws, entry_json(5, SOCIAL), entry_json(1, NOISE))
    window = MainWindow(ws)
    qtbot.addWidget(window)
    window.show()
    form = window.intake
    assert form is not None
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(form)).center())
    ime(form.title, "社保卡丢了")
    ime(form.description, "市民来电咨询社保卡丢了怎么补办。")
    form.answer_at_once.setFocus()  # below the fold of the form's scroll area: the keyboard, as an agent does
    qtbot.keyClick(form.answer_at_once, Qt.Key.Key_Space)
    assert form.answer_box.isVisible() and window.intake_cite.isVisible()
    qtbot.mouseClick(window.intake_cite, Qt.MouseButton.LeftButton)
    picker = window.intake_cite.picker
    assert picker is not None and not picker.isModal()
    assert picker.panel.box.text() == "社保卡丢了 市民来电咨询社保卡丢了怎么补办。"  # the call as typed
    qtbot.waitUntil(lambda: picker.panel.entry is not None and picker.panel.entry["id"] == 5, timeout=5000)
    qtbot.mouseClick(picker.panel.insert_button, Qt.MouseButton.LeftButton)
    assert form.answer.toPlainText() == SOCIAL["answer"]
    assert form.basis.text() == "人力资源和社会保障部《社会保障卡管理办法》（人社部发〔2019〕1号）第十二条"
    form.kind.setCurrentIndex(form.kind.findData("consultation"))
    body, problem, _where = form._answer()  # what Ctrl+Shift+Enter queues with the intake
    assert problem == "" and body is not None and body["knowledge_entry_ids"] == [5]
