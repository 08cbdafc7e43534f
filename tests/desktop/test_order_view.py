"""The order view, its action bar and the photo picker, on a real workspace (store, cache, task runner).

The server is unreachable: every command is checked, applied and queued offline, as in the field.
Screenshots go to ``screenshots/`` to be looked at.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QLabel

from casework.lifecycle import Command
from casework.schemas import UserOut
from desktop.workspace import Workspace
from tests.fixtures.desk import CHIEF, GAOYOU, HANDLER, message_boxes, put, shown
from tests.fixtures.gestures import drop_files
from ui.actions import OnsiteCheckDialog
from ui.order.image_viewer import ImageViewer

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def jpeg(path: Path, colour: str, gps: dict[int, Any] | None = None) -> Path:
    image = Image.new("RGB", (1600, 1200), colour)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:03:02 10:15:00"
    if gps:
        exif.get_ifd(0x8825).update(gps)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    path.write_bytes(buffer.getvalue())
    return path


def texts(layout: Any) -> list[str]:
    found = []
    for i in range(layout.count()):
        widget = layout.itemAt(i).widget()
        if isinstance(widget, QLabel):
            found.append(widget.text())
    return found


def screenshot(widget: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()  # pending layout requests, as the event loop would run them
    assert widget.grab().save(str(SCREENSHOTS / name))


# --- the view -------------------------------------------------------------------------------------------


def test_the_view_shows_the_order(qtbot: Any, workspace: Workspace) -> None:
    put(
        workspace,
        "dispatched",
        events=[
            {
                "seq": 11,
                "at": "2026-03-02T08:55:00+08:00",
                "actor_id": 1,
                "action": "intake",
                "after": {"state": "received"},
            },
            {
                "seq": 12,
                "at": "2026-03-02T09:00:00+08:00",
                "actor_id": 1,
                "action": "dispatch",
                "before": {"state": "received"},
                "after": {"state": "dispatched"},
            },
        ],
    )
    view = shown(qtbot, workspace)

    assert view.number.text() == "GY20260302-0042"
    assert "路灯连续一周不亮" in view.title.text()
    assert texts(view.badges) == ["待签收", "紧急"]
    assert view.countdown.text().startswith("签收剩余")
    request = [view.request_form.itemAt(i).widget().text() for i in range(view.request_form.count())]
    assert "12345热线电话" in request and "路灯照明" in request and "投诉" in request
    assert any("3盏路灯" in t for t in request) and "32.781200, 119.450100" in request
    citizen = [view.citizen_form.itemAt(i).widget().text() for i in range(view.citizen_form.count())]
    assert "张**" in citizen and "138****5678" in citizen and any("市民要求保密" in t for t in citizen)
    handling = [view.handling_form.itemAt(i).widget().text() for i in range(view.handling_form.count())]
    assert "市住房和城乡建设局" in handling and "未分派" in handling
    rows = [view.timeline.topLevelItem(i).text(2) for i in range(view.timeline.topLevelItemCount())]
    assert rows == ["受理", "派单"]
    assert view.timeline.topLevelItem(1).text(1) == "刘话务员"
    assert view.timeline.topLevelItem(1).text(3) == "已受理 → 待签收"
    assert view.reply.text.isReadOnly() and not view.reply.save.isEnabled() and not view.reply.submit.isEnabled()


def test_only_the_allowed_desk_actions_show(qtbot: Any, make_workspace: Callable[[UserOut], Workspace]) -> None:
    handler = make_workspace(HANDLER)
    put(handler, "dispatched")
    view = shown(qtbot, handler)
    assert view.actions.visible_commands() == ["sign", "add_note", "request_return"]
    assert [c for c, b in view.actions.buttons.items() if b.isVisible()] == [
        Command.SIGN,
        Command.ADD_NOTE,
        Command.REQUEST_RETURN,
    ]
    assert "Ctrl+Shift+S" in view.actions.buttons[Command.SIGN].toolTip()

    chief = make_workspace(CHIEF)
    put(
        chief,
        "in_review",
        handler_id=7,
        draft={
            "round": 1,
            "text": "已修复。",
            "result_code": "resolved",
            "basis": "",
            "author_id": 7,
            "at": "2026-03-03T10:00:00+08:00",
        },
    )
    view = shown(qtbot, chief)
    assert view.actions.visible_commands() == ["add_note", "request_extension", "approve", "return_for_rework"]
    assert view.tabs.currentWidget() is view.reply_page  # a reviewer opens on the reply under review
    assert view.reply.text.toPlainText() == "已修复。"


def test_signing_from_the_bar_changes_the_store_and_the_view(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "dispatched")
    view = shown(qtbot, workspace)

    with qtbot.waitSignal(view.actions.recorded, timeout=5000):
        qtbot.mouseClick(view.actions.buttons[Command.SIGN], Qt.MouseButton.LeftButton)

    assert workspace.store.order(1)["state"] == "in_progress"
    assert [r["name"] for r in workspace.store.outbox()] == ["sign"]
    qtbot.waitUntil(lambda: "办理中" in texts(view.badges) and "待同步" in texts(view.badges), timeout=5000)
    assert "sign" not in view.actions.visible_commands()
    assert "record_onsite_check" in view.actions.visible_commands()
    last = view.timeline.topLevelItem(view.timeline.topLevelItemCount() - 1)
    assert (last.text(1), last.text(2)) == ("王建国", "签收")


def test_the_sign_shortcut_signs(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "dispatched")
    view = shown(qtbot, workspace)
    with qtbot.waitActive(view):
        view.activateWindow()
    with qtbot.waitSignal(view.actions.recorded, timeout=5000):
        qtbot.keyClick(view.tabs, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert workspace.store.order(1)["state"] == "in_progress"


def test_an_onsite_check_with_two_photos_is_queued_with_its_files(
    qtbot: Any, workspace: Workspace, tmp_path: Path
) -> None:
    put(workspace, "in_progress", handler_id=7)
    view = shown(qtbot, workspace)
    view.actions.trigger(Command.RECORD_ONSITE_CHECK)
    dialog = view.actions.dialog
    assert isinstance(dialog, OnsiteCheckDialog)
    before = jpeg(tmp_path / "IMG_0001.JPG", "#8d6e63", gps=GAOYOU)
    after = jpeg(tmp_path / "IMG_0002.JPG", "#fff176")

    dialog.picker.add_paths([before])
    qtbot.waitUntil(lambda: len(dialog.picker.photos()) == 1 and not dialog.picker.is_busy(), timeout=10000)
    drop_files(dialog.picker, [after])
    qtbot.waitUntil(lambda: len(dialog.picker.photos()) == 2 and not dialog.picker.is_busy(), timeout=10000)
    assert (dialog.lat.text(), dialog.lon.text()) == ("32.784700", "119.443200")  # from the first photo's EXIF
    assert "IMG_0001.JPG" in dialog.gps_source.text()
    dialog.picker.set_tag(0, "before")
    dialog.picker.set_tag(1, "after")
    dialog.notes.setPlainText("现场查看，3盏路灯灯泡损坏，已更换。")
    qtbot.waitUntil(
        lambda: all(t.picture.pixmap() is not None and not t.picture.pixmap().isNull() for t in dialog.picker._tiles),
        timeout=5000,
    )
    screenshot(dialog, "onsite_dialog_zh.png")

    with qtbot.waitSignal(view.actions.recorded, timeout=5000):
        qtbot.keyClick(dialog.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    rows = workspace.store.outbox()
    assert [r["name"] for r in rows] == ["record_onsite_check"]
    photos = rows[0]["args"]["photos"]
    assert [p["tag"] for p in photos] == ["before", "after"]
    assert (rows[0]["args"]["lat"], rows[0]["args"]["lon"]) == (32.7847, 119.4432)
    shas = [p["sha256"] for p in photos]
    assert all(workspace.cache.read_checked(sha) is not None for sha in shas)
    assert {f["sha256"] for f in workspace.store.files(1)} == set(shas)
    qtbot.waitUntil(lambda: view.tabs.tabText(2) == "现场核查 (1)" and view.attachments.count() == 2, timeout=5000)
    assert not view.attachments.item(0).icon().isNull()

    view.attachments.itemActivated.emit(view.attachments.item(0))  # a double-click: the full photo
    qtbot.waitUntil(lambda: any(isinstance(w, ImageViewer) for w in QApplication.topLevelWidgets()), timeout=5000)
    viewer = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImageViewer))
    assert viewer.pixmap.width() == 1600 and viewer.fit
    assert viewer.picture.pixmap().width() <= viewer.scroll.viewport().width()
    viewer.close()


def test_the_picker_takes_a_folder_and_a_paste_and_lists_refusals(
    qtbot: Any, workspace: Workspace, tmp_path: Path
) -> None:
    from ui.photo_picker import PhotoPicker

    card = tmp_path / "DCIM" / "100MEDIA"
    card.mkdir(parents=True)
    jpeg(card / "DSC_0101.JPG", "#90a4ae")
    jpeg(card / "DSC_0102.JPG", "#a5d6a7")
    (card / "readme.txt").write_text("not a photo", encoding="utf-8")
    picker = PhotoPicker(workspace)
    qtbot.addWidget(picker)
    picker.show()

    with qtbot.waitSignal(picker.refused, timeout=10000) as refused:
        picker.add_folder(tmp_path / "DCIM")
    assert [(p.name, e.code) for p, e in refused.args[0]] == [("readme.txt", "unsupported_type")]
    assert [f.name for f, _ in picker.photos()] == ["DSC_0101.JPG", "DSC_0102.JPG"]
    qtbot.waitUntil(lambda: any("只接受 JPEG" in b.text() for b in message_boxes()), timeout=5000)
    box = next(b for b in message_boxes() if "只接受 JPEG" in b.text())
    box.close()

    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffcc80"))
    QGuiApplication.clipboard().setImage(image)
    picker.paste()
    qtbot.waitUntil(lambda: len(picker.photos()) == 3 and not picker.is_busy(), timeout=10000)
    assert picker.photos()[2][0].name.startswith("paste-") and picker.photos()[2][0].media_type == "image/png"


def test_the_reply_editor_saves_a_draft_and_submits(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "in_progress", handler_id=7)
    view = shown(qtbot, workspace)
    editor = view.reply
    view.tabs.setCurrentWidget(view.reply_page)
    assert editor.save.isEnabled() and editor.submit.isEnabled()

    editor.insert_phrase("经现场核实，")
    editor.text.insertPlainText("文昌路3盏路灯灯泡损坏，已于3月3日全部更换，恢复正常照明。")
    editor.insert_phrase("感谢您对我们工作的监督。")
    editor.result.setCurrentIndex(editor.result.findData("resolved"))
    editor.basis.setText("《高邮市城市照明管理办法》第十二条")
    assert editor.is_dirty()
    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.save, Qt.MouseButton.LeftButton)
    draft = workspace.store.order(1)["draft"]
    assert draft["text"].startswith("经现场核实，文昌路") and draft["result_code"] == "resolved"
    qtbot.waitUntil(lambda: editor.status.text().startswith("草稿已保存"), timeout=5000)
    screenshot(view, "order_view_reply_zh.png")

    with qtbot.waitSignal(editor.recorded, timeout=5000):
        qtbot.mouseClick(editor.submit, Qt.MouseButton.LeftButton)
    assert workspace.store.order(1)["state"] == "in_review"
    assert [r["name"] for r in workspace.store.outbox()] == ["save_draft", "submit_reply"]
    qtbot.waitUntil(lambda: editor.text.isReadOnly() and "审核中" in texts(view.badges), timeout=5000)
    assert editor.text.toPlainText() == draft["text"]


def test_typed_reply_survives_a_refresh_and_switching_orders(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "in_progress", handler_id=7)
    put(workspace, "in_progress", order_id=2, handler_id=7, number="GY20260302-0043")
    view = shown(qtbot, workspace)
    view.reply.text.setPlainText("尚未保存的答复")
    with qtbot.waitSignal(view.loaded, timeout=5000):
        workspace.changed.emit({1})  # sync news about this order
    assert view.reply.text.toPlainText() == "尚未保存的答复"
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_order(2)
    assert view.reply.text.toPlainText() == ""
    assert view.unsaved_orders() == [1]
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.show_order(1)
    assert view.reply.text.toPlainText() == "尚未保存的答复" and view.reply.is_dirty()


def test_a_refused_command_shows_a_message_in_the_users_language(qtbot: Any, workspace: Workspace) -> None:
    put(workspace, "dispatched")
    view = shown(qtbot, workspace)
    put(workspace, "closed")  # the centre closed it meanwhile; the view has not heard yet

    qtbot.mouseClick(view.actions.buttons[Command.SIGN], Qt.MouseButton.LeftButton)
    refused = "工单当前状态不允许此操作"
    qtbot.waitUntil(lambda: any(b.text() == refused for b in message_boxes()), timeout=5000)
    box = next(b for b in message_boxes() if b.text() == refused)
    box.close()
    assert workspace.store.outbox() == []

    QCoreApplication.instance().setProperty("casedesk_language", "en")
    qtbot.mouseClick(view.actions.buttons[Command.SIGN], Qt.MouseButton.LeftButton)
    refused = "This action is not allowed in the order's current state"
    qtbot.waitUntil(lambda: any(b.text() == refused for b in message_boxes()), timeout=5000)
    box = next(b for b in message_boxes() if b.text() == refused)
    box.close()


def test_return_for_rework_needs_a_comment(qtbot: Any, make_workspace: Callable[[UserOut], Workspace]) -> None:
    chief = make_workspace(CHIEF)
    put(
        chief,
        "in_review",
        handler_id=7,
        draft={
            "round": 1,
            "text": "已修复。",
            "result_code": "resolved",
            "basis": "",
            "author_id": 7,
            "at": "2026-03-03T10:00:00+08:00",
        },
    )
    view = shown(qtbot, chief)
    view.actions.trigger(Command.RETURN_FOR_REWORK)
    dialog = view.actions.dialog
    assert dialog is not None

    dialog.submit()
    assert dialog.error.isVisible() and "必须填写意见" in dialog.error.text()
    assert chief.store.outbox() == []
    dialog.comment.setPlainText("答复过于简单，请写明更换的路灯数量和完成时间。")
    with qtbot.waitSignal(view.actions.recorded, timeout=5000):
        dialog.submit()
    assert chief.store.order(1)["state"] == "in_progress"
    qtbot.waitUntil(lambda: view.reviews.topLevelItemCount() == 1, timeout=5000)
    assert view.reviews.topLevelItem(0).text(3) == "退回"


def test_assign_lists_the_departments_handlers(qtbot: Any, make_workspace: Callable[[UserOut], Workspace]) -> None:
    chief = make_workspace(CHIEF)
    put(chief, "dispatched")
    view = shown(qtbot, chief)
    view.actions.trigger(Command.ASSIGN_HANDLER)
    dialog = view.actions.dialog
    assert dialog is not None
    assert [dialog.handler.itemText(i) for i in range(dialog.handler.count())] == ["王建国", "李娜"]
    dialog.handler.setCurrentIndex(dialog.handler.findData(8))
    with qtbot.waitSignal(view.actions.recorded, timeout=5000):
        dialog.submit()
    assert chief.store.outbox()[0]["args"]["handler_id"] == 8


def test_screenshot_of_a_worked_order(qtbot: Any, workspace: Workspace) -> None:
    """A full order (checks, notes, returned review, draft) at the size the main window gives it."""
    sha = "ab" * 32
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), "#8d6e63").save(buffer, "JPEG")
    workspace.cache.put_thumbnail(sha, buffer.getvalue())
    put(
        workspace,
        "in_progress",
        handler_id=7,
        supervised=True,
        onsite_checks=[
            {
                "client_id": "5b1f2d6e-0000-4000-8000-000000000001",
                "author_id": 7,
                "checked_at": "2026-03-02T10:15:00+08:00",
                "lat": 32.7847,
                "lon": 119.4432,
                "notes": "3盏路灯灯泡损坏，线路正常。",
                "photos": [{"sha256": sha, "tag": "before"}],
            }
        ],
        notes=[
            {
                "client_id": "5b1f2d6e-0000-4000-8000-000000000002",
                "author_id": 5,
                "text": "请联系照明所，周三前修好。",
                "created_at": "2026-03-02T09:20:00+08:00",
            }
        ],
        reviews=[
            {
                "round": 1,
                "level": "section_chief",
                "reviewer_id": 5,
                "decision": "returned",
                "comment": "请写明更换数量和完成时间。",
                "at": "2026-03-03T09:00:00+08:00",
            }
        ],
        draft={
            "round": 2,
            "text": "经现场核实，3盏路灯灯泡损坏，已于3月3日全部更换。",
            "result_code": "resolved",
            "basis": "",
            "author_id": 7,
            "at": "2026-03-03T10:00:00+08:00",
        },
        attachments=[{"sha256": "cd" * 32, "media_type": "image/jpeg", "size": 183_000, "tag": "after"}],
        events=[
            {
                "seq": 21,
                "at": "2026-03-02T09:05:00+08:00",
                "actor_id": 7,
                "action": "sign",
                "before": {"state": "dispatched"},
                "after": {"state": "in_progress"},
            }
        ],
    )
    view = shown(qtbot, workspace, size=(680, 680))
    assert view.tabs.tabText(2) == "现场核查 (1)" and view.tabs.tabText(3) == "附件 (1)"
    qtbot.waitUntil(lambda: "cd" * 32 in view._unreachable, timeout=5000)  # no server: a placeholder, no error
    screenshot(view, "order_view_zh.png")
    view.tabs.setCurrentIndex(2)
    screenshot(view, "order_view_checks_zh.png")
    view.tabs.setCurrentIndex(6)
    screenshot(view, "order_view_reviews_zh.png")
    view.tabs.setCurrentWidget(view.reply_page)
    assert view.reply.returned.isVisible() and "请写明更换数量" in view.reply.returned.text()
    view.resize(1366, 768)
    view.tabs.setCurrentIndex(0)
    screenshot(view, "order_view_wide_zh.png")
