"""CaseDesk desktop client.

python main.py                     the bundled server with a demo city, signed in as a demo handler
python main.py --server URL        a real CaseDesk server
python main.py --lang en           English (Simplified Chinese is the default)
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Callable
from pathlib import Path

#: The desk's modules that need no Qt (SQLAlchemy, pydantic and the wire models, requests, the local
#: store), imported before PySide6: once PySide6 is loaded, shiboken reads the source of every module
#: imported from then on (its check for ``from __feature__ import``; :func:`read_sources_quickly`
#: makes it cheaper, not free) — a tenth of a second of every start on a quiet machine (issue 14).
#: The same modules either way; only the order differs.
BEFORE_QT = (
    "offline.sync",
    "offline.worklists",
    "offline.files",
    "casework.deadlines",
    "casework.devices",
    "casework.knowledge",
    "casework.measures",
)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="casedesk", description="CaseDesk — 12345 工单办理桌面端")
    parser.add_argument("--server", help="the case server's URL (default: the bundled demo server)")
    parser.add_argument("--lang", choices=["zh", "en"], help="language (default: last used, else Chinese)")
    parser.add_argument("--user", help="demo user to start as: handler, chief, head or leader")
    parser.add_argument("--data-dir", type=Path, help="where local data lives (default: the OS's app data folder)")
    parser.add_argument("--demo-orders", type=int, default=300, help="orders in a newly seeded demo city")
    parser.add_argument("--sync-interval", type=float, default=60.0, help="seconds between background syncs")
    return parser.parse_args(argv)


def bundled(*parts: str) -> Path:
    """A file shipped with the desk: beside this file in a checkout, in ``_internal`` in a bundle."""
    return Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent)).joinpath(*parts)


def read_sources_quickly() -> None:
    """Make PySide6's import hook ask its question of each module's file directly.

    Once PySide6 is loaded, shiboken asks of every module imported from then on whether its source
    mentions "PySide6" (for ``from __feature__ import``), through ``inspect.getsource``, which finds,
    reads, decodes and splits each file — ~130 modules by the first rows, ~19 ms of CPU at load 7
    (issue 14). :func:`quick_source_check` gives the same answers in ~5 ms; a PySide6 without that
    hook is left as it is."""
    feature = sys.modules.get("shibokensupport.feature")
    upstream = getattr(feature, "_mod_uses_pyside", None)
    if upstream is not None and not hasattr(upstream, "upstream"):
        feature._mod_uses_pyside = quick_source_check(upstream)  # type: ignore[union-attr]


def quick_source_check(upstream: Callable[[object], bool]) -> Callable[[object], bool]:
    """shiboken's "does this module's source mention PySide6?" asked of the file's bytes (the name is
    ASCII: the same answer at a fraction of the cost). A module without a file has no source: no
    (shiboken's check says no too, after ``typing.re`` and ``typing.io`` have walked every module:
    0.1 s); a file that is not ``.py``, or one that cannot be read, is left to ``upstream``."""

    def uses_pyside(module: object) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str):  # built in, a namespace package, typing.re
            return False
        if not path.endswith(".py"):
            return bool(upstream(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(upstream(module))

    uses_pyside.upstream = upstream  # type: ignore[attr-defined]
    return uses_pyside


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    gc.disable()  # until the first window shows (ui.app.collect_again)
    for name in BEFORE_QT:
        importlib.import_module(name)
    import PySide6  # noqa: F401  (loads shiboken's import hook: made cheaper before anything else is imported)

    read_sources_quickly()
    from PySide6.QtGui import QFontDatabase, QIcon
    from PySide6.QtWidgets import QApplication

    from ui.app import CaseDeskApp

    qapp = QApplication(sys.argv[:1])
    qapp.setApplicationName("CaseDesk")
    qapp.setOrganizationName("CaseDesk")
    qapp.setDesktopFileName("casedesk")
    icon = bundled("resources", "casedesk.svg")
    if icon.exists():
        qapp.setWindowIcon(QIcon(str(icon)))
    fonts = bundled("fonts")  # a bundle's CJK font, for a PC without one (dev.py bundle)
    for font in sorted(fonts.iterdir()) if fonts.is_dir() else []:
        QFontDatabase.addApplicationFont(str(font))
    app = CaseDeskApp(qapp, args)
    app.start()
    try:
        return qapp.exec()
    finally:
        app.shutdown()


if __name__ == "__main__":
    raise SystemExit(main())
