"""A test that hangs holding the GIL ends the run with its name and stack (tests/fixtures/watchdog.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HANGS = """
import ctypes

import pytest


@pytest.mark.timeout(1)
def test_stuck_in_native_code_holding_the_gil():
    ctypes.PyDLL(None).sleep(600)  # PyDLL keeps the GIL: pytest-timeout's thread can never run
"""


def test_a_test_stuck_holding_the_gil_ends_the_run_with_its_stack(tmp_path: Path) -> None:
    (tmp_path / "test_hangs.py").write_text(HANGS)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.fixtures.watchdog",
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(tmp_path),
            "-c",
            "/dev/null",
            "-o",
            "timeout_method=thread",  # as pyproject has it (a signal would wake the sleep)
            str(tmp_path / "test_hangs.py"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,  # without the watchdog: ten minutes asleep, and this fails
    )
    assert done.returncode != 0
    assert "Timeout" in done.stderr, done.stderr
    assert "in test_stuck_in_native_code_holding_the_gil" in done.stderr, done.stderr
