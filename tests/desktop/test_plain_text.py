"""Citizens' and reviewers' text in the order view is shown as typed (issue 11): a QLabel or a
tooltip guesses "rich text" for anything that looks like markup and would then read
``<img src="/etc/passwd"/>`` from the desk's disk, or set a title in 40-point red."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as QtGuiNamespace
from PySide6.QtWidgets import QLabel

from tests.fixtures import hostile
from tests.fixtures.desk import as_shown, message_boxes, put, shown

MARKED_UP = "<b>加粗</b><font color='red' size='40'>红字</font>"


def test_the_order_views_labels_and_tooltips_show_markup_as_text(qtbot: Any, workspace) -> None:  # type: ignore[no-untyped-def]
    put(
        workspace,
        "in_review",
        title=hostile.PASSWD_IMAGE,
        description=MARKED_UP,
        address="<a href='file:///etc/shadow'>地址</a>",
        district="<i>区</i>",
        review_chain=["section_chief", "department_head"],
        review_level=1,
        reviews=[
            {
                "round": 1,
                "level": "section_chief",
                "reviewer_id": 5,
                "decision": "approved",
                "comment": hostile.PASSWD_IMAGE,
                "at": "2026-03-03T16:02:00+08:00",
            }
        ],
    )
    view = shown(qtbot, workspace)
    labels = [label for label in view.findChildren(QLabel) if "<" in label.text()]
    typed = {label.text() for label in labels}
    assert hostile.PASSWD_IMAGE in typed and MARKED_UP in typed, typed
    for label in labels:
        if label is view.chain:  # our own markup, its parts escaped (the review steps)
            continue
        shows_as_text = label.textFormat() == Qt.TextFormat.PlainText or (
            label.textFormat() == Qt.TextFormat.AutoText and not QtGuiNamespace.mightBeRichText(label.text())
        )
        assert shows_as_text, f"{label.objectName() or label.text()!r} is read as rich text"
    comment = view.reviews.topLevelItem(0)
    assert comment.text(4) == hostile.PASSWD_IMAGE
    assert as_shown(comment.toolTip(4)) == hostile.PASSWD_IMAGE


def test_a_returned_replys_comment_shows_as_typed(qtbot: Any, workspace) -> None:  # type: ignore[no-untyped-def]
    put(
        workspace,
        "in_progress",
        handler_id=7,
        review_chain=["section_chief"],
        replies=[{"round": 1, "text": "初稿", "result_code": "resolved", "basis": "", "author_id": 7, "at": None}],
        reviews=[
            {
                "round": 1,
                "level": "section_chief",
                "reviewer_id": 5,
                "decision": "returned",
                "comment": MARKED_UP,
                "at": "2026-03-03T16:02:00+08:00",
            }
        ],
    )
    view = shown(qtbot, workspace)
    returned = view.reply.returned
    assert MARKED_UP in returned.text() and not returned.isHidden()
    assert returned.textFormat() == Qt.TextFormat.PlainText


def test_a_refused_files_name_shows_as_typed(qtbot: Any, workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.photo_picker import PhotoPicker

    card = tmp_path / "DCIM"
    card.mkdir()
    name = "<b>粗体<img src='x'>.txt"  # no slash: a file name cannot hold one
    (card / name).write_text("not a photo", encoding="utf-8")
    picker = PhotoPicker(workspace)
    qtbot.addWidget(picker)
    picker.show()
    with qtbot.waitSignal(picker.refused, timeout=10000):
        picker.add_folder(card)
    # The picker's own box (another test's window may have left its closing notice up in this process).
    qtbot.waitUntil(lambda: any(name in b.text() for b in message_boxes()), timeout=5000)
    box = next(b for b in message_boxes() if name in b.text())
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.close()
