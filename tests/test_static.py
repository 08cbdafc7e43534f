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
