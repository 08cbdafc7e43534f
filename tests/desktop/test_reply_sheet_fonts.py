"""The desk's reply sheet prints its figures whatever fonts the machine has (issue 10).

The sheet is typeset by Qt, which falls back glyph by glyph through the system's fonts, so it
makes no font choice of its own to get wrong (the server's bulletin does: see
``server/measures/fonts.py``). Checked by pixels, not by extracted text: two sheets that differ
only in the digits of the order number must render differently in that line, with this machine's
fonts and, in a child process, with fontconfig limited to DroidSansFallbackFull (no Latin digits)
plus DejaVu, the fonts of a bare Debian desktop with Ghostscript.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DROID = Path("/usr/share/fonts/truetype/droid")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

CHILD = r"""
import sys
from datetime import datetime
from pathlib import Path
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtPdf import QPdfDocument
from desktop.exports import export_reply_sheet
from desktop.measures import CITY_TIME
from tests.fixtures.orders import order

class Names:
    def user(self, user_id): return "王建国"
    def department(self, department_id): return "市城市管理局"
    def category(self, code): return "路灯照明"

app = QGuiApplication(sys.argv[:1])
out = Path(sys.argv[1])
images = []
for number in ("GY20260302-0042", "GY20260302-0777"):
    data = order(1, number=number, state="in_progress", title="路灯不亮").model_dump(mode="json")
    path = export_reply_sheet(data, Names(), out / f"{number}.pdf", printed=datetime(2026, 3, 20, tzinfo=CITY_TIME))
    document = QPdfDocument()
    document.load(str(path))
    image = document.render(0, QSize(620, 877))
    document.close()
    images.append(image)
# The first rows of the form hold the order number; compare that band only.
band = [image.copy(0, 40, 620, 120) for image in images]
first = band[0]
inked = sum(1 for y in range(first.height()) for x in range(first.width()) if first.pixelColor(x, y).value() < 128)
print("different" if band[0] != band[1] else "same", inked)
"""


def _render(tmp_path: Path, env: dict[str, str]) -> tuple[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    verdict, inked = done.stdout.split()[-2:]
    return verdict, int(inked)


def test_the_reply_sheets_figures_print_with_this_machines_fonts(tmp_path: Path) -> None:
    verdict, inked = _render(tmp_path, {})
    assert inked > 0
    assert verdict == "different"


@pytest.mark.skipif(not (DROID.is_dir() and DEJAVU.is_dir()), reason="needs fonts-droid-fallback and fonts-dejavu")
def test_the_reply_sheets_figures_print_with_droid_fallback_and_dejavu_only(tmp_path: Path) -> None:
    conf = tmp_path / "fonts.conf"
    cache = tmp_path / "fc-cache"
    conf.write_text(
        f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{DROID}</dir><dir>{DEJAVU}</dir><cachedir>{cache}</cachedir></fontconfig>""",
        encoding="utf-8",
    )
    verdict, inked = _render(tmp_path, {"FONTCONFIG_FILE": str(conf)})
    assert inked > 0
    assert verdict == "different"


def test_the_check_sees_identical_sheets_as_identical(tmp_path: Path, monkeypatch: Any) -> None:
    """The comparison can fail: with one number twice, the bands are the same."""
    child = CHILD.replace('("GY20260302-0042", "GY20260302-0777")', '("GY20260302-0042", "GY20260302-0042")')
    monkeypatch.setattr(sys.modules[__name__], "CHILD", child)
    verdict, _ = _render(tmp_path, {})
    assert verdict == "same"
