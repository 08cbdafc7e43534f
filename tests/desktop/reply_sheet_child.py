"""The reply sheet printed in a process of its own, so that the parent can choose the fonts it sees
(``FONTCONFIG_FILE``): ``python -m tests.desktop.reply_sheet_child OUT.pdf [FAMILY]``.

Prints the families the sheet is set in. With FAMILY, the sheet is set in that family alone, as it
was before its fonts were chosen by coverage (what the parent's check must see as blank figures).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QFont, QGuiApplication, QPdfWriter

from desktop import exports
from desktop.measures import CITY_TIME
from tests.fixtures.orders import order

NUMBER = "GY20260302-0042"
TITLE = "文昌路 LED 路灯不亮"


class Names:
    def user(self, user_id: int | None) -> str:
        return "王建国"

    def department(self, department_id: int | None) -> str:
        return "市城市管理局"

    def category(self, code: str | None) -> str:
        return "路灯照明"


def _alone(family: str, size: float) -> QFont:
    font = QFont()
    font.setFamilies([family])
    font.setPointSizeF(size)
    return font


def main(out: Path, family: str | None) -> None:
    app = QGuiApplication(sys.argv[:1])
    if family is not None:  # no choice by coverage (nor the bundled font loaded): ``family`` alone
        exports.document_font = lambda text, size: _alone(family, size)
    data = order(1, number=NUMBER, state="in_progress", title=TITLE).model_dump(mode="json")
    document = exports.reply_sheet_document(data, Names(), printed=datetime(2026, 3, 20, tzinfo=CITY_TIME))
    writer = QPdfWriter(str(out))
    writer.setResolution(300)
    exports.print_reply_sheet(document, writer)
    del writer  # closes the file
    print("|".join(document.defaultFont().families()))
    app.quit()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None)
