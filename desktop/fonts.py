"""The fonts a printed document is set in, chosen by what each can draw (the desk's reply sheet).

A family that "covers Chinese" is not enough: Debian's DroidSansFallbackFull (installed with
Ghostscript) has the ideographs but no Latin digits, so on a machine whose only Chinese font it is
every figure of the sheet printed blank. Qt sets each character in the first family of the font's
list that has a glyph for it, so the list is built from the characters of the finished document:

1. the first of the preferred families (then of the machine's other Chinese families) that has
   every character, alone;
2. else the Chinese family that has the most of them, followed by the families that have the rest
   (the preferred Latin ones first, then any installed family);
3. and, while a Latin letter or digit is still missing, the bundled Bitstream Vera Sans
   (``resources/fonts``), so that figures are drawn whatever the machine has.

The server's bulletin makes the same choice for reportlab (``server/measures/fonts.py``), which
embeds one font per paragraph and so needs one font with every character; Qt falls back glyph by
glyph, so here an ordered list serves.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QRawFont

#: Chinese families for printed documents, in order of preference (Song/serif faces first).
CHINESE_FAMILIES = ["Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", "Noto Sans CJK SC"]
#: Families tried first for the characters the Chinese family lacks (digits, Latin letters).
LATIN_FAMILIES = ["Noto Serif", "DejaVu Serif", "Liberation Serif", "Times New Roman", "DejaVu Sans", "Arial"]
#: The last resort for Latin digits and letters, shipped with the desk.
BUNDLED_LATIN = Path(__file__).resolve().parent.parent / "resources" / "fonts" / "Vera.ttf"


def document_families(text: str) -> list[str]:
    """The families, in order, that together draw every character of ``text`` (see the module's note)."""
    needed = {c for c in text if not c.isspace()}
    installed = set(QFontDatabase.families())
    chinese = [f for f in CHINESE_FAMILIES if f in installed] + sorted(
        set(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)) - set(CHINESE_FAMILIES)
    )
    for family in chinese:
        if needed <= _covered(family, needed):
            return [family]
    chosen: list[str] = []
    missing = set(needed)
    if chinese:
        first = max(chinese, key=lambda f: len(_covered(f, missing)))  # max keeps the earliest of equals
        chosen.append(first)
        missing -= _covered(first, missing)
    others = [f for f in LATIN_FAMILIES if f in installed] + sorted(installed - set(LATIN_FAMILIES) - set(chosen))
    while missing:
        best = max(others, key=lambda f: len(_covered(f, missing)), default=None)
        if best is None or not _covered(best, missing):
            break
        chosen.append(best)
        others.remove(best)
        missing -= _covered(best, missing)
    if any(c.isascii() for c in missing) and (bundled := _bundled_family()):
        chosen.append(bundled)
    return chosen


def document_font(text: str, point_size: float) -> QFont:
    """A font whose family list draws every character of ``text`` (call with the document's own text)."""
    font = QFont()
    families = document_families(text)
    if families:
        font.setFamilies(families)
    font.setPointSizeF(point_size)
    return font


def _covered(family: str, characters: Iterable[str]) -> set[str]:
    """Those of ``characters`` that ``family`` has a glyph for."""
    raw = _raw_font(family)
    return {c for c in characters if raw.supportsCharacter(ord(c))} if raw is not None else set()


@functools.cache
def _raw_font(family: str) -> QRawFont | None:
    """The font file Qt uses for ``family``; None for an alias ("Sans Serif") or a family with no file
    (where Qt would draw boxes, which "support" every character)."""
    font = QFont(family)
    font.setStyleStrategy(QFont.StyleStrategy.NoFontMerging)
    if QFontInfo(font).family() != family:  # an alias, or no file at all (whose raw font PySide6 6.11 crashes on)
        return None
    raw = QRawFont.fromFont(font)
    return raw if raw.isValid() and raw.familyName() == family else None


@functools.cache
def _bundled_family() -> str | None:
    """Load the bundled Latin font once; its family name (None if the file is missing or unreadable)."""
    loaded = QFontDatabase.addApplicationFont(str(BUNDLED_LATIN))
    families = QFontDatabase.applicationFontFamilies(loaded) if loaded >= 0 else []
    return families[0] if families else None


__all__ = ["BUNDLED_LATIN", "CHINESE_FAMILIES", "LATIN_FAMILIES", "document_families", "document_font"]
