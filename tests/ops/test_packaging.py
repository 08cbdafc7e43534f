"""`pip install casedesk` is the desk only; the server's packages come with the ``server`` extra.

The demo mode (bundled server) of a desk without them says what to install, in its window.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_MODULES = ("fastapi", "uvicorn", "pydantic_settings", "alembic", "psycopg", "reportlab")

# Put first on sys.meta_path by a sitecustomize: the server's packages cannot be imported.
BLOCKER = f"""
import sys

class _NoServerPackages:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {SERVER_MODULES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked by the test)", name=name)
        return None

sys.meta_path.insert(0, _NoServerPackages())
"""

# Starts the desk as main.py does (no --server: the demo mode) and prints the first message box it shows.
DRIVER = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

import main
from ui.app import CaseDeskApp

try:
    import fastapi  # noqa: F401
    print("FASTAPI: importable")
except ImportError:
    print("FASTAPI: missing")
args = main.parse(["--data-dir", sys.argv[1], "--lang", sys.argv[2]])
qapp = QApplication(sys.argv[:1])
app = CaseDeskApp(qapp, args)
app.start()

def poll():
    for widget in qapp.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            print("MESSAGE:", widget.text().replace("\\n", " | "), flush=True)
            qapp.exit(0)

timer = QTimer()
timer.timeout.connect(poll)
timer.start(50)
QTimer.singleShot(60_000, lambda: qapp.exit(3))
code = qapp.exec()
app.shutdown()
sys.exit(code)
"""


def run_desk(
    python: str | Path, tmp: Path, lang: str, extra_path: list[Path], cwd: Path
) -> subprocess.CompletedProcess[str]:
    (tmp / "driver.py").write_text(DRIVER)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(str(p) for p in extra_path),
        "HOME": str(tmp / "home"),  # no keyring, settings or app data of the user running the tests
        "XDG_DATA_HOME": str(tmp / "home" / "data"),
        "XDG_CONFIG_HOME": str(tmp / "home" / "config"),
    }
    return subprocess.run(
        [str(python), str(tmp / "driver.py"), str(tmp / "desk"), lang],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_extras_split_the_desk_from_the_server() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"]).lower()
    server = " ".join(project["optional-dependencies"]["server"]).lower()
    for package in ("fastapi", "uvicorn", "alembic", "psycopg", "reportlab", "pydantic-settings"):
        assert package in server and package not in base
    for package in ("pyside6", "requests", "keyring", "sqlalchemy", "argon2-cffi", "pillow", "openpyxl"):
        assert package in base
    assert "casedesk[server]" in project["optional-dependencies"]["test"]


@pytest.mark.parametrize(
    ("lang", "words"), [("zh", "未安装服务器所需的软件包"), ("en", "server's packages are not installed")]
)
def test_demo_mode_without_the_server_packages_says_what_to_install(tmp_path: Path, lang: str, words: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(BLOCKER)
    done = run_desk(sys.executable, tmp_path, lang, [blocker, ROOT], ROOT)
    assert "FASTAPI: missing" in done.stdout, done.stdout + done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    message = next(line for line in done.stdout.splitlines() if line.startswith("MESSAGE:"))
    assert words in message
    assert "pip install 'casedesk[server]'" in message and "fastapi" in message and "--server" in message
    assert "Traceback" not in done.stderr


def _copy_source(target: Path) -> Path:
    """The checkout's files, without venvs, data or build output (pip builds in the tree it is given)."""
    ignore = shutil.ignore_patterns(
        ".git", ".venv*", "data", "build", "*.egg-info", "__pycache__", "screenshots", "artifacts"
    )
    shutil.copytree(ROOT, target, ignore=ignore)
    return target


@pytest.mark.slow
@pytest.mark.timeout(1800)  # 99 s here with the downloads of a fresh venv
def test_the_wheel_without_extras_installs_a_desk_without_server_packages(tmp_path: Path) -> None:
    """Build the wheel, install it alone into a fresh venv (dependencies from the configured index),
    import the desk there, and start its demo mode: it asks for the server extra."""
    started = time.monotonic()
    source = _copy_source(tmp_path / "src")
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("casedesk-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True, timeout=1800
    )
    assert installed.returncode == 0, installed.stderr
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True)
    names = {line.split("==")[0].lower().replace("_", "-") for line in listed.stdout.split()}
    assert {"pyside6", "requests", "keyring", "sqlalchemy"} <= names
    assert not names & {"fastapi", "uvicorn", "alembic", "psycopg", "reportlab", "pydantic-settings", "starlette"}

    # Outside the checkout, so that only the installed package can be imported.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = subprocess.run(
        [
            str(python),
            "-c",
            "import main, ui.app, desktop.workspace, api_client, offline.store; print(ui.app.__file__)",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert imported.returncode == 0, imported.stderr
    assert str(env_dir) in imported.stdout
    done = run_desk(python, elsewhere, "en", [], elsewhere)
    assert "FASTAPI: missing" in done.stdout and done.returncode == 0, done.stdout + done.stderr
    assert "pip install 'casedesk[server]'" in done.stdout
    print(f"wheel built, installed and started in {time.monotonic() - started:.0f} s")
