"""Bugs reach the crash handler: logged, written to a report the user can send, and shown — never a
silent exit."""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from casework.deadlines import SHANGHAI
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
    assert report.parent == tmp_path / "reports" and report.read_text(encoding="utf-8").endswith(text)
    for handler in crash.log.handlers:
        handler.flush()
    assert "a bug in a slot" in log.read_text(encoding="utf-8")


def test_the_log_and_the_reports_are_in_beijing_time_whatever_the_pcs_zone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")  # a PC set to another zone (and UTC's 8 hours away)
    time.tzset()
    try:
        monkeypatch.setattr(crash.log, "handlers", [])
        log = crash.log_to(tmp_path / "logs")
        crash.log.warning("同步失败")
        for handler in crash.log.handlers:
            handler.flush()
        report = crash.write_report(tmp_path / "reports", "Traceback …")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    now = datetime.now(SHANGHAI)
    [line] = log.read_text(encoding="utf-8").splitlines()
    stamp = datetime.fromisoformat(line[: len("2026-11-30 21:05:03.120+08:00")])
    assert stamp.utcoffset() == timedelta(hours=8) and abs(stamp - now) < timedelta(minutes=1), line
    first = report.read_text(encoding="utf-8").splitlines()[0]
    assert "+08:00 (Beijing time)" in first, first
    assert report.name.startswith(f"crash-{now:%Y%m%d-%H}") or now.minute == 0, report.name


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
