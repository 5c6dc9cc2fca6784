"""The CSV writer itself, with no Django: every CSV the service writes goes through it, by way of
`sufficiency.core.csv` (downloads, commands) or directly from the pure SSDA903 reader's error report.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which Excel
skips before looking) as a formula: "CSV injection" (OWASP). So each text cell that starts with one of
those characters is prefixed with an apostrophe, which makes a spreadsheet show the text as typed. A plain
number such as `-12` or `+3.5%` is left alone: it is inert and stays a number. Rows end in CRLF (RFC 4180).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?%?$")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet will show it without running it: text starting like a formula gets a
    leading apostrophe; numbers, None and other text are unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if value[0] in "+-" and len(value) > 1 and _PLAIN_NUMBER.match(value):
        return value
    return "'" + value


class SafeWriter:
    """`csv.writer` that makes every cell inert (see `safe_cell`)."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(stream: Any) -> SafeWriter:
    """A CSV writer on `stream` whose cells can never run as formulas."""
    return SafeWriter(stream)


def csv_text(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]]) -> str:
    """CSV text (no byte-order mark: add it where the text becomes a file or a download)."""
    buffer = io.StringIO()
    writer = safe_writer(buffer)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def resanitise(text: str) -> str:
    """CSV text re-written cell by cell through `safe_cell`: for reports stored before this module existed
    (or by code outside it), so that what is downloaded is inert whatever wrote it."""
    return csv_text(None, csv.reader(io.StringIO(text.removeprefix(BOM))))
