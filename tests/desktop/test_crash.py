"""Bugs reach the crash handler: logged, written to a report the user can send, and shown — never a
silent exit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from desktop import crash


def test_an_uncaught_exception_is_logged_reported_and_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before: list[BaseException] = []  # the hook installed before ours (a test runner's) still hears of it
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: before.append(value))  # restored after the test
    monkeypatch.setattr(crash.log, "handlers", [])  # this test's file handler goes with it
    log = crash.log_to(tmp_path / "logs")
    shown: list[tuple[str, Path]] = []
    crash.install(tmp_path / "reports", lambda text, path: shown.append((text, path)))
    try:
        raise ZeroDivisionError("a bug in a slot")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    [(text, report)] = shown
    assert [type(e) for e in before] == [ZeroDivisionError]
    assert "ZeroDivisionError: a bug in a slot" in text and "Traceback" in text
    assert report.parent == tmp_path / "reports" and report.read_text(encoding="utf-8") == text
    for handler in crash.log.handlers:
        handler.flush()
    assert "a bug in a slot" in log.read_text(encoding="utf-8")


def test_a_failing_presenter_does_not_hide_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: None)

    def broken(text: str, path: Path) -> None:
        raise RuntimeError("no screen")

    crash.install(tmp_path / "reports", broken)
    try:
        raise KeyError("lost")
    except KeyError:
        sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    [report] = list((tmp_path / "reports").iterdir())
    assert "KeyError: 'lost'" in report.read_text(encoding="utf-8")
