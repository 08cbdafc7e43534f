"""The code base keeps its shape: lint clean, the domain type-checks, arrows point down."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Which top-level package may import which (design.md: arrows point down only).
MAY_IMPORT = {
    "casework": set(),
    "server": {"casework"},
    "api_client": {"casework"},
    "offline": {"api_client", "casework"},
    "desktop": {"offline", "api_client", "casework", "server"},  # server: only the bundled demo server
    "ui": {"desktop", "casework"},  # the widgets read and write through desktop/ (Workspace, desktop.reads)
}


#: A client of a running server that lives in server/ so that ``python -m server simulate`` runs it.
CLIENTS = {ROOT / "server" / "simulate.py": {"casework", "api_client", "server"}}


def _file_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _module_imports(package: str) -> set[str]:
    """Every module ``package`` imports, dotted in full (the client modules in CLIENTS aside)."""
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        if path not in CLIENTS:
            found |= _file_imports(path)
    return found


def _imports(package: str) -> set[str]:
    return {name.split(".")[0] for name in _module_imports(package)}


def test_arrows_point_down() -> None:
    ours = set(MAY_IMPORT)
    for package, allowed in MAY_IMPORT.items():
        crossing = (_imports(package) & ours) - allowed - {package}
        assert not crossing, f"{package} imports {crossing}"
    for path, allowed_here in CLIENTS.items():
        names = {name.split(".")[0] for name in _file_imports(path)}
        assert not (names & ours) - allowed_here, f"{path.name} imports {(names & ours) - allowed_here}"
        assert not {"fastapi", "sqlalchemy"} & names, f"{path.name} is a client, not the server"
    assert not {"PySide6", "fastapi", "sqlalchemy", "requests"} & _imports("casework")
    assert not {"PySide6", "fastapi", "sqlalchemy"} & _imports("api_client")
    assert not {"PySide6", "fastapi"} & _imports("offline")
    assert not {"QtWidgets"} & {m.split(".")[-1] for m in _module_imports("desktop")}  # widgets live in ui/


def test_the_desk_starts_without_loading_the_server() -> None:
    """What ``python main.py --server URL`` imports: the desk, never the server's code or its framework
    (FastAPI, uvicorn, Alembic — about a second of every start); the bundled server loads on demand."""
    probe = (
        "import sys, main, ui.app, ui.main_window; "
        "heavy = {'server', 'fastapi', 'uvicorn', 'alembic', 'starlette'}; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]", f"the desk's start imports {loaded}"


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_core_packages_type_check() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


#: Calls that answer later on the UI thread: in ui/ each names the widget whose lifetime bounds the answer.
ANSWERING_CALLS = {"run", "record", "resolve", "add_files", "undo", "draft", "record_command", "run_undo"}


def test_every_background_answer_in_the_ui_names_its_owner() -> None:
    """A task's answer must not reach a widget that was closed meanwhile (issue 9: a crash on a
    deleted QListWidget after a role switch): every call in ui/ that answers later passes ``owner=``."""
    missing = []
    for path in (ROOT / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            receiver = ast.unparse(node.func.value) if isinstance(node.func, ast.Attribute) else ""
            answers = name in ("record_command", "run_undo") or (
                name in ANSWERING_CALLS and (receiver.endswith("runner") or receiver.endswith("workspace"))
            )
            if answers and not any(k.arg == "owner" for k in node.keywords):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node.func)}")
    assert not missing, "calls without owner=:\n" + "\n".join(missing)


# --- one vocabulary --------------------------------------------------------------------------------

#: The code packages, where a name of the domain's codes may be written once: casework/vocabulary.py.
CODE_PACKAGES = ("casework", "server", "api_client", "offline", "desktop", "ui")
VOCABULARY = ROOT / "casework" / "vocabulary.py"

#: Literals that equal a vocabulary name but are not yet read from it, each with why. Shrink this list:
#: an entry here is a second place that spells the word (and may drift from casework.vocabulary).
KNOWN_COPIES: dict[str, set[str]] = {
    # The work lists (offline.worklists.WorkList) named after the state their orders are in.
    "ui/main_window.py": {"待签收", "办理中", "已办结"},
}


def _vocabulary_names() -> dict[str, list[str]]:
    """Chinese name → the codes it names, for the enums whose words are the domain's own."""
    sys.path.insert(0, str(ROOT))
    from casework import vocabulary
    from casework.order import CallbackOutcome, Channel, ExtensionStatus, Importance, RequestKind, ResultCode, State
    from casework.review import ReviewLevel
    from casework.sla import Complexity, Urgency

    names: dict[str, list[str]] = {}
    for enum in (
        State,
        ResultCode,
        CallbackOutcome,
        Channel,
        RequestKind,
        Urgency,
        Complexity,
        Importance,
        ExtensionStatus,
        ReviewLevel,
    ):
        for code, name in vocabulary.NAMES[enum].items():
            names.setdefault(name.zh, []).append(f"{enum.__name__}.{code}")
    return names


def test_the_domains_names_are_written_in_one_module() -> None:
    """issue 10: a state's, result's, channel's … Chinese name is a literal in casework/vocabulary.py only.

    Prose that uses the word ("已有相同诉求工单正在办理中") is fine; a string that *is* the name — a
    copied table, a column heading of that name — reads it from the vocabulary instead.
    """
    names = _vocabulary_names()
    copies = []
    for package in CODE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == VOCABULARY:
                continue
            where = str(path.relative_to(ROOT))
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value in names
                    and node.value not in KNOWN_COPIES.get(where, set())
                ):
                    copies.append(f"{where}:{node.lineno} {node.value!r} ({', '.join(names[node.value])})")
    assert not copies, "write these through casework.vocabulary (or ui.labels):\n" + "\n".join(copies)


def test_each_state_and_result_is_spelled_in_one_module() -> None:
    """A search for a state's, result's or callback outcome's Chinese name, quoted, finds one code module."""
    from casework import vocabulary
    from casework.order import CallbackOutcome, ResultCode, State

    for enum in (State, ResultCode, CallbackOutcome):
        for name in vocabulary.NAMES[enum].values():
            found = {
                str(path.relative_to(ROOT))
                for package in CODE_PACKAGES
                for path in (ROOT / package).rglob("*.py")
                if any(f"{q}{name.zh}{q}" in path.read_text(encoding="utf-8") for q in "\"'")
            }
            known = {where for where, words in KNOWN_COPIES.items() if name.zh in words}
            assert found - known == {"casework/vocabulary.py"}, (name.zh, sorted(found))


#: Old spellings and copied parsers still in files other helpers were changing when the vocabulary
#: came (issue 10); each goes when its file reads casework.vocabulary / casework.times.
KNOWN_RETIRED: dict[str, set[str]] = {}
KNOWN_PARSERS: set[str] = set()


def test_retired_spellings_are_gone() -> None:
    """The spellings issue 10 found disagreeing with the chosen ones are nowhere else in the code."""
    retired = ["已答复待回访", "未接通", "移动应用", "手机应用"]
    found = []
    for package in CODE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            where = str(path.relative_to(ROOT))
            text = path.read_text(encoding="utf-8")
            found += [
                f"{where}: {w}"
                for w in retired
                if w in text and path != VOCABULARY and w not in KNOWN_RETIRED.get(where, ())
            ]
    assert not found, found


def test_one_city_zone_and_one_time_parser() -> None:
    """Asia/Shanghai is named once (casework.deadlines.SHANGHAI); ISO times with "Z" are parsed in casework.times."""
    zones, parsers = [], []
    for package in CODE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            where = str(path.relative_to(ROOT))
            if "ZoneInfo(" in text or 'Asia/Shanghai"' in text:
                zones.append(where)
            if ".fromisoformat(" in text and '.replace("Z"' in text and where not in KNOWN_PARSERS:
                parsers.append(where)
    assert zones == ["casework/deadlines.py"], zones
    assert parsers == ["casework/times.py"], parsers


#: The workspace's parts the widgets must not reach: they read through ``Workspace.reads`` (desktop/reads.py)
#: and write through the workspace's own methods.
WORKSPACE_INSIDES = {"store", "cache", "client", "engine"}
#: Still reaching the store: the 统计 tab, which the measures work (issue 10) moves onto the server's figures.
READS_ITS_OWN = {ROOT / "ui" / "dashboard.py"}


def test_the_widgets_read_through_the_read_side() -> None:
    """ui/ composes no store query and fetches no blob itself (issue 10): no ``workspace.store``,
    ``.cache``, ``.client`` or ``.engine`` in a widget."""
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        if path in READS_ITS_OWN:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Attribute) and node.attr in WORKSPACE_INSIDES):
                continue
            if ast.unparse(node.value).split(".")[-1] == "workspace":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert not found, "widgets reaching into the workspace:\n" + "\n".join(found)


def test_one_error_presenter() -> None:
    """Failures are said by ui/errors.py only (issue 10: the app, the forms and the photo picker each
    had their own): no other module defines a presenter or opens a warning box of its own."""
    presenters = {"present_error", "show_message", "message_of", "error_text", "ui_language"}
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        if path == ROOT / "ui" / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in presenters:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} def {node.name}")
            if isinstance(node, ast.Attribute) and ast.unparse(node) in ("QMessageBox.warning", "QMessageBox.critical"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
    assert not found, "error presenters outside ui/errors.py:\n" + "\n".join(found)


def test_no_test_module_imports_another() -> None:
    """Shared fixtures and helpers live in conftest.py or helper modules (tests/desktop/desk.py,
    tests/server/week.py …), never in a test module another one imports (issue 10)."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for name in _file_imports(path):
            if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_"):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not found, "\n".join(found)
