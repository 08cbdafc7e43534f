"""Which font a reportlab document is set in: one that has a glyph for every character it uses.

A font that merely "covers Chinese" is not enough: Debian's DroidSansFallbackFull (installed with
Ghostscript) has the ideographs but no Latin digits, so every figure set in it prints blank. The
candidates are the machine's TrueType fonts for Chinese (reportlab embeds TrueType outlines only;
Noto CJK's CFF ``.ttc`` files are refused and skipped), each judged by its character map against
the characters of the finished document:

1. the first that has every character;
2. else the one missing the fewest, if none of those missing is ASCII (a rare ideograph of a
   citizen's street may then print as a box, as it would in any font here);
3. else reportlab's CID font ``STSong-Light``: no file, PDF readers supply a Song typeface with
   CJK and Latin glyphs.

This lives in the server, not in a module the desk shares: the desk's PDFs are typeset by Qt,
which falls back glyph by glyph through the system's font database, so it has no such choice to
make; and casework, the only code both may import, does no I/O.
"""

from __future__ import annotations

import functools
import subprocess
import zlib
from collections.abc import Iterable
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

CID_FONT = "STSong-Light"


def truetype_cjk_fonts() -> list[str]:
    """Paths of the TrueType-format fonts fontconfig lists for Chinese (sorted, for a stable choice)."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh:fontformat=TrueType", "file"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.strip().rstrip(":") for line in listed.splitlines() if line.strip()})


@functools.cache
def _registered(path: str) -> tuple[str, frozenset[int]] | None:
    """Register the font file once; its reportlab name and the code points it has glyphs for."""
    name = f"CaseDesk-{Path(path).stem}-{zlib.crc32(path.encode()):08x}"
    try:
        font = TTFont(name, path, subfontIndex=0)
    except Exception:  # CFF outlines, a broken file: not usable by reportlab
        return None
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


@functools.cache
def _cid_font() -> str:
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def choose_font(texts: Iterable[str], candidates: list[str] | None = None) -> str:
    """Register and name the font to set ``texts`` in (see the module's note for the rule)."""
    needed = {ord(c) for text in texts for c in text if not c.isspace()}
    best: tuple[int, str] | None = None
    for path in truetype_cjk_fonts() if candidates is None else candidates:
        registered = _registered(path)
        if registered is None:
            continue
        name, covered = registered
        missing = needed - covered
        if not missing:
            return name
        if all(code >= 0x80 for code in missing) and (best is None or len(missing) < best[0]):
            best = (len(missing), name)
    return best[1] if best is not None else _cid_font()


__all__ = ["CID_FONT", "choose_font", "truetype_cjk_fonts"]
