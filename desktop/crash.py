"""Bugs reach here instead of vanishing: logged with their traceback, and the user offered a report."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from casework.deadlines import SHANGHAI

log = logging.getLogger("casedesk")


class BeijingTimeFormatter(logging.Formatter):
    """Log lines stamped in Beijing time with the offset (``2026-11-30 21:05:03.120+08:00``), whatever
    the PC's zone: the times a user reads in the window and in their administrator's log agree."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, SHANGHAI)
        return moment.isoformat(sep=" ", timespec="milliseconds")


def log_to(directory: Path) -> Path:
    """Log to ``directory/casedesk.log`` (rotating); returns the file."""
    from logging.handlers import RotatingFileHandler

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "casedesk.log"
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(BeijingTimeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


def write_report(directory: Path, text: str) -> Path:
    """A crash report the user can send to their administrator."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(SHANGHAI)
    path = directory / f"crash-{now:%Y%m%d-%H%M%S-%f}.txt"  # Beijing time; two in one second keep both
    header = f"CaseDesk crash report, {now.isoformat(sep=' ', timespec='seconds')} (Beijing time)"
    path.write_text(f"{header}\n\n{text}", encoding="utf-8")
    return path


def install(report_dir: Path, show: Callable[[str, Path], None]) -> None:
    """Route uncaught exceptions (UI thread and Qt slots) to the log, a report file and ``show``.

    The hook that was installed before (Python's, which prints the traceback, or a test runner's,
    which fails the running test at once — pytest-qt's) still sees every exception; ``show`` must not
    block (a window opened with ``open()``, never ``exec()``), so nothing waits for a click.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("uncaught exception\n%s", text)
        path = write_report(report_dir, text)
        try:
            show(text, path)
        except Exception:
            log.exception("crash presenter failed")
        previous(kind, value, tb)

    sys.excepthook = hook
