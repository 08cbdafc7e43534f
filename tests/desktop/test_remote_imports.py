"""What ``python main.py`` loads before its first window, as a user starts it (a child process,
offscreen): a desk that talks to a remote server never imports the server's code, FastAPI,
SQLAlchemy's ORM, reportlab, openpyxl or Pillow — they cost every start its first second.

The app writes what was imported when its first window showed (``CASEDESK_START_TRACE``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.fixtures.file_keyring import environment, remembered_sign_in
from tests.fixtures.server_process import PASSWORD, ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SERVER_ONLY = ("server", "fastapi", "uvicorn", "alembic", "sqlalchemy.orm", "reportlab", "openpyxl", "PIL")
#: What a handler's first window does without (issue 14): other roles' panels, imported when such a
#: user's window is built; 统计 (its charts) when first shown, the reply sheet's printing at the first print.
NOT_FOR_A_HANDLER = ("ui.admin", "ui.audit_queue", "ui.portfolio", "ui.centre_panel", "ui.centre_board", "ui.intake")
NOT_BEFORE_USE = ("ui.printing", "ui.close_notice", "desktop.exports", "ui.dashboard", "PySide6.QtCharts")


def _first_window(tmp_path: Path, *argv: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Start ``main.py`` with ``argv``; once its first window has shown, what it had imported."""
    trace = tmp_path / "start-trace.json"
    child = subprocess.Popen(
        [sys.executable, "main.py", *argv],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "CASEDESK_START_TRACE": str(trace), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not (trace.exists() and trace.read_text()):
            assert child.poll() is None, child.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "no window showed"
            time.sleep(0.05)
    finally:
        child.kill()
        child.wait()
    found: dict[str, object] = json.loads(trace.read_text())
    return found


def _server_code(modules: object) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules if m in SERVER_ONLY or m.startswith(("server.", "fastapi.", "sqlalchemy.orm."))]


def test_a_desk_given_a_server_url_shows_the_sign_in_without_the_server_code(tmp_path: Path) -> None:
    shown = _first_window(tmp_path, "--server", "http://127.0.0.1:9", "--data-dir", str(tmp_path / "home"))
    assert shown["shown"] == "sign-in"
    assert shown["collecting"] is True  # held off by main.py while it started, on again now
    assert "PySide6.QtWidgets" in shown["modules"]  # type: ignore[operator]
    assert _server_code(shown["modules"]) == []
    assert "ui.main_window" not in shown["modules"]  # type: ignore[operator]  # the window's, once signed in


def test_a_remembered_remote_desk_shows_its_cached_orders_without_the_server_code(tmp_path: Path) -> None:
    """Signed in before (server and user remembered, the session in the keyring), started again while
    the server is away: the window opens on the cached orders, and none of the server's code is loaded."""
    server = ServerProcess(tmp_path / "server", orders=12)
    server.start()
    try:
        remembered_sign_in(server.url, "handler", PASSWORD, tmp_path / "home", tmp_path / "keyring.json", sync=True)
    finally:
        server.stop()
    keyring = environment(tmp_path / "keyring.json")
    # As remembered, and as started with ``--server URL`` (the same server: the same kept session).
    for argv in ((), ("--server", server.url)):
        shown = _first_window(tmp_path, *argv, "--data-dir", str(tmp_path / "home"), env=keyring)
        assert shown["shown"] == "rows", argv
        assert shown["collecting"] is True
        assert isinstance(shown["rows"], int) and shown["rows"] > 0
        assert "offline.store" in shown["modules"]  # type: ignore[operator]
        assert _server_code(shown["modules"]) == []
        assert [m for m in (*NOT_FOR_A_HANDLER, *NOT_BEFORE_USE) if m in shown["modules"]] == []  # type: ignore[operator]
