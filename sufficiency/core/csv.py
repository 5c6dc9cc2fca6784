"""Every CSV the service writes (downloads, error reports, command output) goes through this module.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which Excel
skips before looking) as a formula: "CSV injection" (OWASP). Values we did not write ourselves reach our
CSVs: cells of uploaded SSDA903 and household files in error reports, and setting names from the shared
Ofsted register in every authority's market tables. So each text cell that starts with one of those
characters is prefixed with an apostrophe, which makes a spreadsheet show the text as typed. A plain
number such as `-12` or `+3.5%` is left alone: it is inert and stays a number. The writer itself
(`safe_cell`, `safe_writer`, `csv_text`) lives in the Django-free `safe_csv` so that the pure SSDA903
reader writes its error report with it too; it is re-exported here.

Files are UTF-8 with a byte-order mark (so Excel reads accents and the pound sign correctly), quoted where
needed by the standard library, with CRLF line ends (RFC 4180).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

from .safe_csv import BOM, FORMULA_STARTS, SafeWriter, csv_text, resanitise, safe_cell, safe_writer

__all__ = [
    "BOM",
    "CONTENT_TYPE",
    "FORMULA_STARTS",
    "SafeWriter",
    "csv_response",
    "csv_text",
    "csv_text_response",
    "export_table",
    "plain_text",
    "resanitise",
    "safe_cell",
    "safe_writer",
    "write_csv_file",
]

CONTENT_TYPE = "text/csv; charset=utf-8"
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _filename(name: str) -> str:
    return _UNSAFE_FILENAME.sub("-", name).strip("-") or "download.csv"


def csv_response(
    filename: str, header: Sequence[Any] | None = None, rows: Iterable[Iterable[Any]] = ()
) -> HttpResponse:
    """A CSV download (attachment, UTF-8 with a byte-order mark). Write more rows with `safe_writer(response)`."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(filename)}"'
    response.write(BOM)
    response.write(csv_text(header, rows))
    return response


def csv_text_response(filename: str, text: str) -> HttpResponse:
    """A download of CSV text kept in the database (e.g. an import's error report), made inert on the way out."""
    response = csv_response(filename)
    response.write(resanitise(text))
    return response


def write_csv_file(path: Any, text: str) -> None:
    """Write CSV text to a file (commands), UTF-8 with a byte-order mark, inert."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        handle.write(resanitise(text))


# --- tables as data -------------------------------------------------------------------------------------
# Pages format figures for reading ("£41.83m", "20.7%", "1,234", "31 March 2026"); a download must hold
# numbers a spreadsheet can add up, the unit in the column header, and ISO dates.

_TAG = re.compile(r"<[^>]+>")
_MONEY = re.compile(r"^([+-]?)£(-?[\d,]*\.?\d+)([mk]?)$")
_PERCENT = re.compile(r"^([+-]?[\d,]*\.?\d+)%$")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_LONG_DATE = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$")
_MONTH = re.compile(r"^[A-Z][a-z]+ \d{4}$")
_MONEY_SCALE = {"m": 1_000_000, "k": 1_000, "": 1}
_BLANKS = {"", "–", "-", "—"}


def plain_text(value: Any) -> str:
    """A cell's text without HTML tags or entities ("Children&#x27;s homes" -> "Children's homes")."""
    if isinstance(value, dict):
        value = value.get("text", "")
    return html.unescape(_TAG.sub("", str(value if value is not None else ""))).strip()


def _parse(text: str) -> tuple[Any, str | None]:
    """(value, unit) of one shown cell: a number with its unit ("£", "%", "" for a plain number), an ISO
    date (unit "date"), or the text itself (unit None)."""
    if text in _BLANKS:
        return None, "blank"
    money = _MONEY.match(text)
    if money:
        sign, digits, scale = money.groups()
        amount = float(sign + digits.replace(",", "")) * _MONEY_SCALE[scale]
        return (int(amount) if amount.is_integer() else amount), "£"
    percent = _PERCENT.match(text)
    if percent:
        return float(percent.group(1).replace(",", "")), "%"
    if _NUMBER.match(text):
        number = float(text.replace(",", ""))
        return (int(number) if number.is_integer() and "." not in text else number), ""
    if _LONG_DATE.match(text):  # "31 March 2026" or "31 Mar 2026"
        for form in ("%d %B %Y", "%d %b %Y"):
            try:
                return dt.datetime.strptime(text, form).date().isoformat(), "date"
            except ValueError:
                continue
        return text, None
    if _MONTH.match(text):  # "March 2026" or "Mar 2026": the ISO month, "2026-03"
        for form in ("%B %Y", "%b %Y"):
            try:
                return f"{dt.datetime.strptime(text, form):%Y-%m}", "date"
            except ValueError:
                continue
    return text, None


def export_table(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    """A shown table as data: plain-text headers; each column whose filled cells are all numbers of one
    unit becomes numbers, with the unit in its header ("Spend (£)", "Share (%)"); dates in ISO form.
    Text columns (and mixed ones) stay text, HTML removed. A header given as a dict may declare its
    column's unit (`{"text": "Median days", "unit": "days"}`): the header carries it even when no cell
    shows one or every cell is blank."""
    names = [plain_text(h) for h in headers]
    declared = [h.get("unit") if isinstance(h, dict) else None for h in headers]
    texts = [[plain_text(c) for c in row] for row in rows]
    parsed = [[_parse(c) for c in row] for row in texts]
    out: list[list[Any]] = [list(row) for row in texts]
    mixed: list[int] = []
    for col in range(len(names)):
        units = {row[col][1] for row in parsed if col < len(row)} - {"blank"}
        if not units and col < len(declared) and declared[col]:
            names[col] = f"{names[col]} ({declared[col]})"  # a figure's column, every cell blank
            for i, row in enumerate(parsed):
                if col < len(row):
                    out[i][col] = None
        if not units or None in units or ("date" in units and len(units) > 1):
            continue
        for i, row in enumerate(parsed):
            if col < len(row):
                out[i][col] = row[col][0] if row[col][1] != "blank" else None
        if len(units) > 1:
            mixed.append(col)  # numbers of several units (a key-figures column): say each row's unit
            continue
        unit = units.pop()
        label = (declared[col] if col < len(declared) else None) or (unit if unit in {"£", "%"} else None)
        if label and unit != "date" and f"({label})" not in names[col]:
            names[col] = f"{names[col]} ({label})"
    for col in reversed(mixed):
        names.insert(col + 1, f"{names[col]}: unit")
        for i, row in enumerate(parsed):
            unit = row[col][1] if col < len(row) else "blank"
            out[i].insert(col + 1, {"£": "£", "%": "%"}.get(unit or "", ""))
    return names, out
