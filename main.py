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
from pathlib import Path

#: The desk's modules that need no Qt (SQLAlchemy, pydantic and the wire models, requests, the local
#: store), imported before PySide6: once PySide6 is loaded, shiboken reads the source of every module
#: imported from then on (its check for ``from __feature__ import``) — a tenth of a second of every
#: start on a quiet machine (issue 14).
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


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    gc.disable()  # until the first window shows (ui.app.collect_again)
    for name in BEFORE_QT:
        importlib.import_module(name)
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
