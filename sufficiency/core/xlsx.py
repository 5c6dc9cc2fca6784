"""XLSX downloads of any table the service shows (openpyxl), with the same inert cells as the CSVs.

A cell that starts like a formula is written as text with a leading apostrophe (`csv.safe_cell`), so a
name from a shared register can never run in a spreadsheet.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from .csv import _filename, export_table, safe_cell

_SHEET_UNSAFE = re.compile(r"[\\/?*\[\]:]")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """One worksheet: the table as data (numbers as numbers, units in the headers, ISO dates)."""
    names, values = export_table(headers, rows)
    book = Workbook(write_only=True)
    # Excel refuses sheet titles over 31 characters or holding any of \ / ? * [ ] :
    sheet = book.create_sheet(title=_SHEET_UNSAFE.sub("-", title or "Table")[:31] or "Table")
    sheet.append([safe_cell(n) for n in names])
    for row in values:
        sheet.append([safe_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str = ""
) -> HttpResponse:
    """An XLSX download (attachment) of a table."""
    name = _filename(filename)
    if not name.endswith(".xlsx"):
        name = name.rsplit(".", 1)[0] + ".xlsx"
    response = HttpResponse(xlsx_bytes(title or name, headers, rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
