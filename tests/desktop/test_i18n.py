"""English comes from the Qt translation in resources/i18n: complete, faithful to placeholders, compiled.

Chinese is the source language. A user-visible string added without its English fails here, named;
``python3 dev.py i18n`` extracts it into the .ts and compiles the .qm once it is translated.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLabel, QTreeView

from casework import vocabulary
from casework.order import State
from casework.schemas import UserOut
from casework.worklists import WorkList
from desktop.i18n import I18N_DIR, Languages
from desktop.workspace import Workspace
from tests.fixtures.desk import HANDLER, put
from ui.app import CaseDeskApp
from ui.main_window import LISTS, MainWindow

ROOT = Path(__file__).resolve().parents[2]
TS = I18N_DIR / "casedesk_en.ts"
QM = I18N_DIR / "casedesk_en.qm"
PLACEHOLDER = re.compile(r"%\d")
Messages = dict[tuple[str, str], tuple[str | None, str]]  # (context, source) -> (translation type, text)


def tool(name: str) -> str:
    """A Qt tool of PySide6, beside this Python (the venv) or on the PATH."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: install PySide6 into the venv")
    return found


def sources() -> list[str]:
    return sorted(str(p) for folder in ("ui", "desktop") for p in (ROOT / folder).rglob("*.py"))


def messages(ts: Path) -> Messages:
    found: Messages = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type") if translation is not None else "unfinished"
            text = (translation.text or "") if translation is not None else ""
            found[(name, message.findtext("source") or "")] = (kind, text)
    return found


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Messages:
    """What lupdate finds in the sources now."""
    ts = tmp_path_factory.mktemp("lupdate") / "current_en.ts"
    subprocess.run([tool("pyside6-lupdate"), *sources(), "-ts", str(ts)], check=True, capture_output=True)
    return messages(ts)


# --- the catalogue ------------------------------------------------------------------------------


def test_lupdate_finds_the_ui_contexts(extracted: Messages) -> None:
    contexts = {context for context, _ in extracted}
    expected = {
        "Labels",
        "MainWindow",
        "OrderListModel",
        "OrderView",
        "ReplyEditor",
        "ImageViewer",
        "ActionBar",
        "CommandDialog",
        "CommentDialog",
        "NoteDialog",
        "AssignDialog",
        "ExtensionDialog",
        "ReturnRequestDialog",
        "OnsiteCheckDialog",
        "PhotoPicker",
        "ProblemsPanel",
        "Dashboard",
        "SignInDialog",
        "CaseDeskApp",
    }
    assert expected <= contexts, f"lupdate missed {sorted(expected - contexts)}"


def test_lupdate_sees_every_tr_call() -> None:
    """lupdate does not read inside f-strings: a tr() there would never be translated."""
    hidden = []
    for path in sources():
        for joined in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if not isinstance(joined, ast.JoinedStr):
                continue
            for node in ast.walk(joined):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
                    name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
                    if name in ("tr", "translate", "QT_TRANSLATE_NOOP"):
                        hidden.append(f"{Path(path).relative_to(ROOT)}:{node.lineno}")
    assert not hidden, "tr() inside an f-string (call it before, into a variable):\n  " + "\n  ".join(hidden)


def test_every_string_has_its_english(extracted: Messages) -> None:
    committed = messages(TS)
    missing = [
        f"[{context}] {source!r}"
        for (context, source), _ in sorted(extracted.items())
        if (found := committed.get((context, source))) is None or found[0] is not None or not found[1].strip()
    ]
    assert not missing, (
        f"{len(missing)} string(s) have no English in {TS.relative_to(ROOT)} — run `python3 dev.py i18n`, "
        "then translate them (Qt Linguist, or resources/i18n/fill_en.py):\n  " + "\n  ".join(missing)
    )


def test_translations_keep_the_placeholders() -> None:
    wrong = [
        f"[{context}] {source!r} → {text!r}"
        for (context, source), (_, text) in sorted(messages(TS).items())
        if text and sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert not wrong, "placeholders differ between source and English:\n  " + "\n  ".join(wrong)


@pytest.mark.parametrize("ts", [TS, I18N_DIR / "qt_gaps_zh_CN.ts"], ids=lambda p: p.stem)
def test_the_compiled_catalogue_is_current(tmp_path: Path, ts: Path) -> None:
    qm, fresh = ts.with_suffix(".qm"), tmp_path / ts.with_suffix(".qm").name
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(fresh)], check=True, capture_output=True)
    assert qm.exists(), f"{qm.relative_to(ROOT)} is missing — run `python3 dev.py i18n`"
    assert qm.read_bytes() == fresh.read_bytes(), (
        f"{qm.relative_to(ROOT)} is older than {ts.name} — run `python3 dev.py i18n` and commit both"
    )


def test_qts_own_file_dialog_speaks_chinese(qtbot: Any, languages: Languages, tmp_path: Path) -> None:
    """The photo picker's and the exports' file dialogs are Qt's: every label, column and file type in Chinese."""
    (tmp_path / "现场照片").mkdir()
    (tmp_path / "notes.bin").write_bytes(b"x")
    languages.use("zh")
    dialog = QFileDialog(None, "选择照片", str(tmp_path))
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    qtbot.addWidget(dialog)
    dialog.show()
    view = dialog.findChild(QTreeView)
    qtbot.waitUntil(lambda: view.model().rowCount(view.rootIndex()) == 2)
    model, root = view.model(), view.rootIndex()
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    texts += [str(model.headerData(column, Qt.Orientation.Horizontal)) for column in range(model.columnCount())]
    texts += [str(model.index(row, 2, root).data()) for row in range(model.rowCount(root))]
    english = [text for text in texts if re.search("[A-Za-z]{3}", text.replace("&", ""))]
    assert not english, f"Qt's file dialog still shows English in the Chinese desk: {english}"


# --- the window in each language -----------------------------------------------------------------


def test_the_window_speaks_english_then_chinese_again(
    qtbot: Any, languages: Languages, make_workspace: Callable[[UserOut], Workspace]
) -> None:
    workspace = make_workspace(HANDLER)
    put(workspace, "dispatched")

    def window(language: str) -> MainWindow:
        assert languages.use(language) == language
        built = MainWindow(workspace, ["handler", "chief"], language)
        qtbot.addWidget(built)
        built.show()
        qtbot.waitUntil(lambda: built.model.total == 1 or built.sidebar.currentRow() >= 0, timeout=5000)
        return built

    def sidebar(built: MainWindow) -> list[str]:
        return [built.sidebar.item(i).data(Qt.ItemDataRole.UserRole + 1) for i in range(built.sidebar.count())]

    def tabs(built: MainWindow) -> list[str]:
        return [built.tabs.tabText(i) for i in range(built.tabs.count())]

    english = window("en")
    assert QCoreApplication.instance().property("casedesk_language") == "en"
    assert english.windowTitle() == "CaseDesk 12345 Work Orders — 王建国 (Handler)"
    assert sidebar(english) == [
        "To sign",
        "In progress",
        "Returned to me",
        "Awaiting my review",
        "Co-handling",
        "Submitted",
        "Due soon",
        "Overdue",
        "Warnings",
        "Supervised",
        "Closed",
        "All orders",
    ]
    assert tabs(english)[:3] == ["Workbench", "Sync problems", "Statistics"]
    assert english.sync_button.text() == "Sync now"
    assert english.model.headerData(7, Qt.Orientation.Horizontal) == "Time left"
    assert english.order_view.tabs.tabText(0) == "Overview"
    assert english.demo_switch.itemText(0) == "Handler (Housing Bureau)"
    # The domain's names come from casework.vocabulary in the UI's language, not from the .ts.
    qtbot.waitUntil(lambda: english.model.rowCount() == 1, timeout=5000)
    assert english.model.data(english.model.index(0, 4)) == vocabulary.en(State, State.DISPATCHED) == "To sign"
    english.close()

    chinese = window("zh")
    assert chinese.windowTitle() == "CaseDesk 12345工单办理 — 王建国（经办人）"
    assert sidebar(chinese) == [vocabulary.zh(WorkList, wl) for wl in LISTS]
    assert sidebar(chinese)[:4] == ["待签收", "办理中", "退回待办", "待我审核"]
    assert tabs(chinese)[:3] == ["工作台", "同步问题", "统计"]
    assert chinese.order_view.tabs.tabText(0) == "概况"
    qtbot.waitUntil(lambda: chinese.model.rowCount() == 1, timeout=5000)
    assert chinese.model.data(chinese.model.index(0, 4)) == vocabulary.zh(State, State.DISPATCHED) == "待签收"
    chinese.close()


def test_the_language_switch_rebuilds_the_window_in_the_other_language(
    qtbot: Any,
    make_workspace: Callable[[UserOut], Workspace],
    app_showing: Callable[[Workspace], CaseDeskApp],
) -> None:
    workspace = make_workspace(HANDLER)
    put(workspace, "dispatched")
    app = app_showing(workspace)
    chinese = app.window
    assert chinese is not None and chinese.windowTitle().startswith("CaseDesk 12345工单办理")
    with qtbot.waitSignal(chinese.order_view.loaded, timeout=5000):
        chinese.order_view.show_order(1)
    # Where the user is: a search typed, a filter chosen with the keyboard, the order's timeline open.
    qtbot.keyClicks(chinese.search, "GY2026")
    QTest.keyClick(chinese.urgency, Qt.Key.Key_Down)
    urgency = chinese.urgency.currentIndex()
    assert urgency > 0
    chinese.order_view.tabs.setCurrentIndex(1)

    chinese.language_switch.activated.emit(chinese.language_switch.findData("en"))  # the user picks English
    english = app.window
    assert english is not None and english is not chinese
    assert english.windowTitle() == "CaseDesk 12345 Work Orders — 王建国 (Handler)"
    assert english.tabs.tabText(0) == "Workbench" and english.language_switch.currentData() == "en"
    assert english.order_view.order_id == 1  # the open order stays open
    qtbot.waitUntil(lambda: english.order_view.tabs.tabText(0) == "Overview", timeout=5000)
    # … and so do the search, the filter and the order's tab.
    assert english.search.text() == "GY2026" and english.urgency.currentIndex() == urgency
    qtbot.waitUntil(lambda: english.order_view.tabs.currentIndex() == 1, timeout=5000)
    assert app.settings.value("language") == "en"

    english.language_switch.activated.emit(english.language_switch.findData("zh"))
    assert app.window is not None and app.window.tabs.tabText(0) == "工作台"
    assert app.settings.value("language") == "zh"
