"""The bulletin's figures are there whatever fonts the machine has (issue 10).

Debian's DroidSansFallbackFull has Chinese but no Latin digits; Noto CJK comes as CFF ``.ttc``
files reportlab cannot embed; a server may have no CJK font at all. For each, the bulletin is
made and read back twice: as text (pypdf) and as pixels (page 1 rendered by pdftoppm, every
word made only of figures must have ink where pdftotext says it is).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.orm import Session

from server.measures import bulletin, fonts
from server.measures.bulletin import write_bulletin
from server.measures.periods import Period
from tests.fixtures.city import Api, Clock

DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
NOTO_TTC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DPI = 100

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None, reason="needs poppler-utils"
)


def _month(api: Api, clock: Clock, tmp_path: Path, app) -> Path:  # type: ignore[no-untyped-def]
    for _ in range(3):
        order = api.dispatched("ZJJ")
    api.command(order["id"], "sign", "zj_chief")
    api.dispatched("CGJ")
    clock.advance(days=2)
    with Session(app.state.engine) as session:
        pdf, _ = write_bulletin(session, Period.month("2026-11"), clock.now, tmp_path)
    return pdf


def _figure_words(pdf: Path) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Words of page 1 made of figures only (counts, rates, ranks), with their boxes in points."""
    done = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    xhtml = re.sub(r"<!DOCTYPE[^>]*>", "", done.stdout)
    root = ElementTree.fromstring(xhtml)
    words = []
    for word in root.iter("{http://www.w3.org/1999/xhtml}word"):
        text = (word.text or "").strip()
        if re.fullmatch(r"[0-9][0-9.%]*", text):
            box = tuple(float(word.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax"))
            words.append((text, box))
    return words


def _ink(pdf: Path, tmp_path: Path, box: tuple[float, float, float, float]) -> int:
    """Dark pixels inside ``box`` (points) of page 1."""
    stem = tmp_path / "page"
    png = stem.with_suffix(".png")
    if not png.exists():
        subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-gray", "-png", "-singlefile", str(pdf), str(stem)],
            check=True,
        )
    image = Image.open(png).convert("L")
    scale = DPI / 72
    x0, y0, x1, y1 = (round(v * scale) for v in box)
    region = image.crop((x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)))
    return sum(1 for value in region.tobytes() if value < 128)


def _assert_figures_readable(pdf: Path, tmp_path: Path) -> None:
    text = PdfReader(pdf).pages[0].extract_text()
    assert "热线共受理群众诉求 4 件" in text, text
    assert "2026年11月" in text
    _assert_figures_inked(pdf, tmp_path)


def _assert_figures_inked(pdf: Path, tmp_path: Path) -> None:
    words = _figure_words(pdf)
    assert len(words) >= 10, words  # the overview's counts and the ranking's columns
    blank = [word for word, box in words if _ink(pdf, tmp_path, box) == 0]
    assert not blank, f"figures without ink: {blank}"


@pytest.mark.parametrize(
    "fonts_here",
    [
        pytest.param(None, id="this-machine"),
        pytest.param([DROID], id="droid-fallback-only"),
        pytest.param([NOTO_TTC], id="noto-cjk-ttc-only"),
        pytest.param([NOTO_TTC, DROID], id="noto-and-droid"),
        pytest.param([], id="no-cjk-font"),
    ],
)
def test_the_bulletins_figures_print_whatever_fonts_are_installed(
    app,
    api: Api,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fonts_here: list[str] | None,  # type: ignore[no-untyped-def]
) -> None:
    for path in fonts_here or []:
        if not Path(path).exists():
            pytest.skip(f"{path} is not installed")
    if fonts_here is not None:
        monkeypatch.setattr(fonts, "truetype_cjk_fonts", lambda: list(fonts_here))
    pdf = _month(api, clock, tmp_path, app)
    _assert_figures_readable(pdf, tmp_path)


@pytest.mark.skipif(not Path(DROID).exists(), reason="needs fonts-droid-fallback")
def test_the_check_sees_blank_figures_when_the_font_lacks_digits(
    app,
    api: Api,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """What the bulletin printed before: Droid chosen because it "covers Chinese"."""
    droid = fonts._registered(DROID)
    assert droid is not None
    assert ord("7") not in droid[1] and ord("热") in droid[1]
    monkeypatch.setattr(bulletin, "choose_font", lambda texts: droid[0])
    pdf = _month(api, clock, tmp_path, app)
    with pytest.raises(AssertionError):  # no figure found, or found without ink
        _assert_figures_inked(pdf, tmp_path)


def test_the_choice_rule() -> None:
    if not Path(DROID).exists():
        pytest.skip("needs fonts-droid-fallback")
    droid = fonts._registered(DROID)
    assert droid is not None
    assert fonts.choose_font(["热线"], [DROID]) == droid[0]  # all there
    assert fonts.choose_font(["热线 12 件"], [DROID]) == fonts.CID_FONT  # digits missing
    assert fonts.choose_font(["热线"], [NOTO_TTC]) == fonts.CID_FONT  # CFF: not embeddable
