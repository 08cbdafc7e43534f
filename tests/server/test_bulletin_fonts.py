"""The bulletin's figures are there whatever fonts the machine has (issue 10).

Debian's DroidSansFallbackFull has Chinese but no Latin digits; Noto CJK comes as CFF ``.ttc``
files reportlab cannot embed; a server may have no CJK font at all. For each, the bulletin is
made and read back twice: as text (pypdf) and as pixels (page 1 rendered by pdftoppm, every
word made only of figures must have ink where pdftotext says it is).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy.orm import Session

from server.measures import bulletin, fonts
from server.measures.bulletin import write_bulletin
from server.measures.periods import Period
from tests.fixtures.city import Api, Clock
from tests.fixtures.printed import DROID, NOTO_TTC, assert_words_inked, needs_poppler

FIGURES = r"[0-9][0-9.%]*"  # counts, rates, ranks
pytestmark = needs_poppler


def _month(api: Api, clock: Clock, tmp_path: Path, app) -> Path:  # type: ignore[no-untyped-def]
    for _ in range(3):
        order = api.dispatched("ZJJ")
    api.command(order["id"], "sign", "zj_chief")
    api.dispatched("CGJ")
    clock.advance(days=2)
    with Session(app.state.engine) as session:
        pdf, _ = write_bulletin(session, Period.month("2026-11"), clock.now, tmp_path)
    return pdf


def _assert_figures_readable(pdf: Path) -> None:
    text = PdfReader(pdf).pages[0].extract_text()
    assert "热线共受理群众诉求 4 件" in text, text
    assert "2026年11月" in text
    assert_words_inked(pdf, FIGURES, at_least=10)  # the overview's counts, the ranking's columns


@pytest.mark.parametrize(
    "fonts_here",
    [
        pytest.param(None, id="this-machine"),
        pytest.param([str(DROID)], id="droid-fallback-only"),
        pytest.param([str(NOTO_TTC)], id="noto-cjk-ttc-only"),
        pytest.param([str(NOTO_TTC), str(DROID)], id="noto-and-droid"),
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
    _assert_figures_readable(pdf)


@pytest.mark.skipif(not DROID.exists(), reason="needs fonts-droid-fallback")
def test_the_check_sees_blank_figures_when_the_font_lacks_digits(
    app,
    api: Api,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """What the bulletin printed before: Droid chosen because it "covers Chinese"."""
    droid = fonts._registered(str(DROID))
    assert droid is not None
    assert ord("7") not in droid[1] and ord("热") in droid[1]
    monkeypatch.setattr(bulletin, "choose_font", lambda texts: droid[0])
    pdf = _month(api, clock, tmp_path, app)
    with pytest.raises(AssertionError):  # no figure found, or found without ink
        assert_words_inked(pdf, FIGURES, at_least=10)  # the overview's counts, the ranking's columns


def test_the_choice_rule() -> None:
    if not DROID.exists():
        pytest.skip("needs fonts-droid-fallback")
    droid = fonts._registered(str(DROID))
    assert droid is not None
    assert fonts.choose_font(["热线"], [str(DROID)]) == droid[0]  # all there
    assert fonts.choose_font(["热线 12 件"], [str(DROID)]) == fonts.CID_FONT  # digits missing
    assert fonts.choose_font(["热线"], [str(NOTO_TTC)]) == fonts.CID_FONT  # CFF: not embeddable
