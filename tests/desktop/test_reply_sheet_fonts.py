"""The desk's reply sheet prints its figures and Latin letters whatever fonts the machine has (issue 10).

DroidSansFallbackFull (Debian's, arriving with Ghostscript) has Chinese but no Latin digits; Noto CJK
has both; a machine may have Chinese fonts and no Latin one, or no font at all. For each, the sheet is
printed in a child process whose fontconfig sees only those fonts, then read back twice: as text
(pdftotext: the order number, the dates) and as pixels (pdftoppm: every word of Latin letters and
figures has ink where pdftotext says it stands). The choice itself is ``desktop/fonts.py``'s.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.printed import DEJAVU, DROID, NOTO_TTC, assert_words_inked, fontconfig_with, needs_poppler

ROOT = Path(__file__).resolve().parents[2]
LATIN = r"[0-9A-Za-z][0-9A-Za-z:./-]*"  # the number, dates, times, "LED"

pytestmark = needs_poppler


def _print(tmp_path: Path, fonts: list[Path] | None, family: str | None = None) -> tuple[Path, str, str]:
    """The sheet's PDF, the families it was set in and its text, with only ``fonts`` (None: this machine's)."""
    pdf = tmp_path / "sheet.pdf"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    if fonts is not None:
        env.update(fontconfig_with(tmp_path, fonts))
    done = subprocess.run(
        [sys.executable, "-m", "tests.desktop.reply_sheet_child", str(pdf), *([family] if family else [])],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return pdf, done.stdout.strip(), text


@pytest.mark.parametrize(
    "fonts",
    [
        pytest.param(None, id="this-machine"),
        pytest.param([DROID], id="droid-fallback-only"),
        pytest.param([NOTO_TTC], id="noto-cjk-only"),
        pytest.param([DROID, DEJAVU], id="droid-and-dejavu"),
        pytest.param([], id="no-font"),
    ],
)
def test_the_reply_sheets_figures_print_whatever_fonts_are_installed(tmp_path: Path, fonts: list[Path] | None) -> None:
    for path in fonts or []:
        if not path.exists():
            pytest.skip(f"{path} is not installed")
    pdf, families, text = _print(tmp_path, fonts)
    assert "GY20260302-0042" in text, (families, text)
    assert "2026-03-02 09:00" in text, text
    assert re.search(r"2026\D{1,2}03\D{1,2}20\D", text), text  # the date printed (年, 月 may map to look-alikes)
    printed = assert_words_inked(pdf, LATIN, at_least=5)
    assert {"GY20260302-0042", "LED"} <= set(printed), printed
    if fonts:
        assert "路灯" in text  # the Chinese is drawn too where a font has it


@pytest.mark.skipif(not DROID.exists(), reason="needs fonts-droid-fallback")
def test_the_check_sees_blank_figures_when_the_font_lacks_digits(tmp_path: Path) -> None:
    """What the sheet printed before: set in DroidSansFallback alone, the figures are not there."""
    pdf, families, text = _print(tmp_path, [DROID], family="Droid Sans Fallback")
    assert families == "Droid Sans Fallback"
    assert "路灯" in text and "0042" not in text
    with pytest.raises(AssertionError):
        assert_words_inked(pdf, LATIN, at_least=5)


@pytest.mark.skipif(not DROID.exists(), reason="needs fonts-droid-fallback")
def test_a_chinese_font_without_digits_gets_a_latin_one_beside_it(tmp_path: Path) -> None:
    _, families, _ = _print(tmp_path, [DROID, DEJAVU])
    assert families == "Droid Sans Fallback|DejaVu Sans"
    _, families, _ = _print(tmp_path / "alone", [DROID])
    assert families == "Droid Sans Fallback|Bitstream Vera Sans"  # the bundled resources/fonts/Vera.ttf
