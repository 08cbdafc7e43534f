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


def _code_files() -> list[Path]:
    """Every module of the code packages, and main.py (migrations are history: never edited)."""
    found = [path for package in CODE_PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    return [path for path in found if "migrations" not in path.parts] + [ROOT / "main.py"]


#: Literals that equal a vocabulary name and are rightly not read from it, each with why. An entry
#: here is a second place that spells the word: only a *different* thing that happens to share it.
KNOWN_COPIES: dict[str, set[str]] = {
    # Count columns of the ledger and the bulletin ("how many were signed / closed / re-handled /
    # supervised", "how long overdue"), not the commands' or work list's names.
    "server/measures/ledger.py": {"签收", "办结", "重办", "督办"},
    "server/measures/bulletin.py": {"重办", "已超期"},
    # The pie's slice for the smaller channels added up: "the others", not a return reason or a photo tag.
    "ui/dashboard.py": {"其他"},
}


def _vocabulary_names() -> dict[str, list[str]]:
    """Name (Chinese and English) → the codes it names: every table of casework.vocabulary."""
    sys.path.insert(0, str(ROOT))
    from casework import vocabulary

    names: dict[str, list[str]] = {}
    tables = {enum.__name__: table for enum, table in vocabulary.NAMES.items()}
    tables["rate"] = vocabulary.RATE_NAMES
    tables["intake"] = {"intake": vocabulary.INTAKE_NAME}
    for kind, table in tables.items():
        for code, name in table.items():
            names.setdefault(name.zh, []).append(f"{kind}.{code}")
            names.setdefault(name.en, []).append(f"{kind}.{code} (English)")
    return names


def test_the_domains_names_are_written_in_one_module() -> None:
    """issue 10: the name of every code casework.vocabulary names (a state, result, channel, command,
    role, work list, measure …), in Chinese or English, is a literal in casework/vocabulary.py only.

    Prose that uses the word ("已有相同诉求工单正在办理中") is fine; a string that *is* the name — a
    copied table, a column heading or a button of that name — reads it from the vocabulary instead
    (in ui/, through ui.labels, which picks the UI's language).
    """
    names = _vocabulary_names()
    copies = []
    for path in _code_files():
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


#: A name quoted in code or in Chinese prose ("已解决" as a literal, “已解决” inside a sentence).
QUOTES = [('"', '"'), ("'", "'"), ("“", "”")]


def test_each_state_and_result_is_spelled_in_one_module() -> None:
    """A search for a state's, result's or callback outcome's Chinese name, quoted, finds one code module."""
    from casework import vocabulary
    from casework.order import CallbackOutcome, ResultCode, State

    for enum in (State, ResultCode, CallbackOutcome):
        for name in vocabulary.NAMES[enum].values():
            found = {
                str(path.relative_to(ROOT))
                for path in _code_files()
                if any(f"{a}{name.zh}{b}" in path.read_text(encoding="utf-8") for a, b in QUOTES)
            }
            known = {where for where, words in KNOWN_COPIES.items() if name.zh in words}
            assert found - known == {"casework/vocabulary.py"}, (name.zh, sorted(found))


def test_retired_spellings_are_gone() -> None:
    """The spellings found disagreeing with the chosen ones are nowhere else in the code (issue 10; and
    the order view's 延期后时限 for the warnings' 延期后答复时限)."""
    retired = ["已答复待回访", "未接通", "移动应用", "手机应用", "延期后时限"]
    found = [
        f"{path.relative_to(ROOT)}: {w}"
        for path in _code_files()
        if path != VOCABULARY
        for w in retired
        if w in path.read_text(encoding="utf-8")
    ]
    assert not found, found


#: Reading an ISO time elsewhere than casework.times (``date.fromisoformat`` reads a date: fine).
PARSERS = ("datetime.fromisoformat(", "datetime.strptime(")
#: The one other time format: EXIF's "2026:11:28 09:30:00", read by the desk's photo preparation only.
EXIF_READER = "offline/photos.py"


def test_one_city_zone_and_one_time_parser() -> None:
    """Asia/Shanghai is named once (casework.deadlines.SHANGHAI), and no other fixed +8 hours stands in
    for it; times are parsed in casework.times (parse_time, time_of) only."""
    zones, parsers = [], []
    for path in _code_files():
        text = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        if "ZoneInfo(" in text or 'Asia/Shanghai"' in text or "timedelta(hours=8)" in text:
            zones.append(where)
        if any(p in text for p in PARSERS) and where != EXIF_READER:
            parsers.append(where)
    assert zones == ["casework/deadlines.py"], zones
    assert parsers == ["casework/times.py"], parsers


#: The workspace's parts the widgets must not reach: they read through ``Workspace.reads`` (desktop/reads.py)
#: and write through the workspace's own methods.
WORKSPACE_INSIDES = {"store", "cache", "client", "engine"}


def test_the_widgets_read_through_the_read_side() -> None:
    """ui/ composes no store query and fetches no blob itself (issue 10): no ``workspace.store``,
    ``.cache``, ``.client`` or ``.engine`` in a widget."""
    found = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
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
    """Shared fixtures and helpers live in tests/fixtures/, never in a test module another one imports (issue 10)."""
    found = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for name in _file_imports(path):
            if name.startswith("tests.") and name.rsplit(".", 1)[-1].startswith("test_"):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not found, "\n".join(found)


FIXTURES = ROOT / "tests" / "fixtures"


def _is_fixture(node: ast.AST) -> bool:
    """A fixture, or a hook of pytest's (``pytest_…``): what only a registered plugin gives its tests."""
    return isinstance(node, ast.FunctionDef) and (
        node.name.startswith("pytest_")
        or any("fixture" in ast.unparse(d).split("(")[0].split(".")[-1] for d in node.decorator_list)
    )


def _plugins() -> list[str]:
    """The modules the root conftest registers (its ``pytest_plugins``)."""
    for node in ast.parse((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(ast.unparse(t) == "pytest_plugins" for t in node.targets):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return value
    return []


def test_shared_fixtures_live_in_tests_fixtures() -> None:
    """issue 10: one conftest.py (the root's), which imports no test code and registers the fixture modules
    (and hooks) of tests/fixtures/ as plugins; no conftest imports another; a fixture defined anywhere else belongs to
    its test module alone; a module that other test code imports lives in tests/fixtures/ (a child program,
    ``*_child.py``, may share its constants with the tests beside it)."""
    conftests = sorted(p.relative_to(ROOT) for p in (ROOT / "tests").rglob("conftest.py"))
    assert conftests == [Path("tests/conftest.py")], f"conftest.py files besides the root's: {conftests}"
    assert not {name for name in _file_imports(ROOT / "tests" / "conftest.py") if name.startswith("tests")}

    with_fixtures = {
        f"tests.fixtures.{path.stem}"
        for path in FIXTURES.glob("*.py")
        if any(_is_fixture(node) for node in ast.parse(path.read_text(encoding="utf-8")).body)
    }
    assert sorted(with_fixtures) == sorted(_plugins()), "tests/conftest.py's pytest_plugins lists the fixture modules"

    misplaced = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        where = path.relative_to(ROOT)
        if path.is_relative_to(FIXTURES) or path.name.startswith("test_"):
            continue
        if any(_is_fixture(node) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))):
            misplaced.append(f"{where} defines a fixture")
    for path in sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]):
        for name in _file_imports(path):
            if not name.startswith("tests.") or name.startswith("tests.fixtures"):
                continue
            target = ROOT / Path(*name.split(".")).with_suffix(".py")
            child_beside = target.name.endswith("_child.py") and target.parent == path.parent
            if not child_beside:
                misplaced.append(f"{path.relative_to(ROOT)} imports {name}, which is not in tests/fixtures/")
    assert not misplaced, "\n".join(misplaced)
