"""Limits on what one uploaded file may hold, checked before it is parsed (pure: no Django).

A few hundred bytes of spreadsheet can declare a million rows, a cell repeated across every column, or
unzip into gigabytes; a CSV of one line can hold a million columns. Parsers (pandas, openpyxl, odfpy)
build all of that in memory, so each file is first inspected with bounded memory and time:

- **Zip files** (XLSX, ODS, zipped export folders): the members' declared sizes, then their actual sizes
  as they are decompressed in chunks (a zip's header can lie), against ``max_decompressed_bytes``.
- **Spreadsheets**: every XML member is streamed through expat (no document is built), counting rows,
  columns and cells as a spreadsheet program would show them: a cell's column reference (XLSX) or its
  ``number-columns-repeated`` and a row's ``number-rows-repeated`` (ODS), where repeated blank cells and
  rows after the last value do not count. A DTD or entity declaration (an XML bomb) is refused.
- **Text tables** (CSV): a NUL byte anywhere, the number of lines and the number of commas on a line.

Each check returns the problem as a plain-English sentence, or "" when the file is within the limits.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any
from xml.parsers import expat

CHUNK = 1024 * 1024
#: Title and notes rows above a table (Ofsted's workbooks) are allowed on top of ``max_rows``.
HEADER_ALLOWANCE = 100
#: A stored or shown message is cut to this many characters; a cell value to VALUE_CHARS.
MESSAGE_CHARS = 500
VALUE_CHARS = 100
#: At most this many problems are stored in a report; the last line says how many more there were.
REPORT_LINES = 10_000

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_CELL_REF = re.compile(r"^([A-Za-z]{1,3})(\d+)$")


@dataclass(frozen=True)
class UploadLimits:
    """What one file may hold. Defaults match the settings' defaults (see README, "Configuration")."""

    max_rows: int = 200_000
    max_columns: int = 500
    max_cells: int = 1_000_000
    max_decompressed_bytes: int = 50 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Any) -> UploadLimits:
        """From an object with UPLOAD_MAX_* attributes (Django's settings); missing ones keep defaults."""
        default = cls()
        return cls(
            max_rows=getattr(settings, "UPLOAD_MAX_ROWS", default.max_rows),
            max_columns=getattr(settings, "UPLOAD_MAX_COLUMNS", default.max_columns),
            max_cells=getattr(settings, "UPLOAD_MAX_CELLS", default.max_cells),
            max_decompressed_bytes=getattr(
                settings, "UPLOAD_MAX_DECOMPRESSED_BYTES", default.max_decompressed_bytes
            ),
        )


DEFAULT_LIMITS = UploadLimits()


def clip(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


# --- Text -------------------------------------------------------------------------------------------------


def text_problem(data: bytes | str, limits: UploadLimits = DEFAULT_LIMITS) -> str:
    """A text table (CSV) with a NUL character, too many lines or a line with too many columns."""
    nul, newline, comma = ("\x00", "\n", ",") if isinstance(data, str) else (b"\x00", b"\n", b",")
    if nul in data:  # type: ignore[operator]  # data and separators are both bytes or both str
        return "This file holds a NUL byte: it is not text (a CSV file), so it was not read."
    lines = data.count(newline) + 1  # type: ignore[arg-type]  # data and separators are both bytes or both str
    if lines > limits.max_rows + HEADER_ALLOWANCE:
        return f"This file has {lines:,} lines; at most {limits.max_rows:,} rows are read. It was not read."
    if data.count(comma) + lines <= limits.max_columns:  # type: ignore[arg-type]  # data and separators are both bytes or both str
        return ""  # too few commas in the whole file for any line to have too many columns
    start = 0
    while start <= len(data):
        end = data.find(newline, start)  # type: ignore[arg-type]  # data and separators are both bytes or both str
        end = len(data) if end < 0 else end
        columns = data.count(comma, start, end) + 1  # type: ignore[arg-type]  # data and separators are both bytes or both str
        if columns > limits.max_columns:
            return (
                f"A row of this file has {columns:,} columns (counting commas); at most "
                f"{limits.max_columns:,} are read. It was not read."
            )
        start = end + 1
    return ""


# --- Zip files and spreadsheets ------------------------------------------------------------------------------


def zip_problem(data: bytes, limits: UploadLimits = DEFAULT_LIMITS) -> str:
    """A zip that is damaged, encrypted, or unzips (declared or actually) to more than the limit."""
    too_large = f"This file unzips to more than {_mb(limits.max_decompressed_bytes)}, so it was not read."
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return "This file is damaged (it is not a readable zip, XLSX or ODS file)."
    with archive:
        members = archive.infolist()
        if len(members) > 10_000:
            return "This file holds too many parts to be a spreadsheet or an export folder."
        if sum(m.file_size for m in members) > limits.max_decompressed_bytes:
            return too_large
        if any(m.flag_bits & 0x1 for m in members):
            return "This file is password-protected. Save it without a password and upload it again."
        total = 0
        for member in members:
            try:
                with archive.open(member) as handle:
                    while chunk := handle.read(CHUNK):
                        total += len(chunk)
                        if total > limits.max_decompressed_bytes:
                            return too_large
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
                return "This file is damaged: a part of it could not be unzipped."
    return ""


class _TooLarge(Exception):
    pass


class _SheetCounter:
    """Counts rows, columns and cells of the spreadsheet XML it is fed, as expat reports elements."""

    def __init__(self, limits: UploadLimits) -> None:
        self.limits = limits
        self.cells = 0
        self.elements = 0
        self._row = 0  # XLSX: current row number; ODS: rows with a value so far, plus pending blank rows
        self._pending_rows = 0
        self._row_repeat = 1
        self._column = 0
        self._cell_column = 0
        self._pending_columns = 0
        self._row_has_value = False
        self._cell_repeat = 1
        self._cell_is_blank = True

    def _refuse(self, what: str, count: int, limit: int) -> None:
        raise _TooLarge(
            f"A sheet of this file has more than {limit:,} {what} ({count:,} or more), so it was not read."
        )

    def _check(self) -> None:
        limits = self.limits
        if self._column > limits.max_columns:
            self._refuse("columns", self._column, limits.max_columns)
        if self._row > limits.max_rows + HEADER_ALLOWANCE:
            self._refuse("rows", self._row, limits.max_rows)
        if self.cells > limits.max_cells:
            self._refuse("cells", self.cells, limits.max_cells)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > 2 * self.limits.max_cells:
            raise _TooLarge(
                "This file holds too many cells or other XML elements to be read, so it was not read."
            )
        ns, _, local = name.rpartition(" ")
        if ns == _SHEET_NS:
            self._xlsx(local, attrs)
        elif ns == _TABLE_NS:
            self._ods_start(local, attrs)

    # XLSX: <sheetData><row r="1"><c r="A1"><v>...</v></c>...</row>; "r" may be left out (then in order).
    # A cell counts when it has a value (<v>, or <is> for inline text): styled blank cells do not.
    def _xlsx(self, local: str, attrs: dict[str, str]) -> None:
        if local == "sheetData":
            self._row = 0
        elif local == "row":
            given = attrs.get("r", "")
            self._row = int(given) if given.isdigit() and len(given) < 9 else self._row + 1
            self._cell_column = 0
        elif local == "c":
            match = _CELL_REF.match(attrs.get("r", ""))
            if match:
                column = 0
                for letter in match.group(1).upper():
                    column = column * 26 + (ord(letter) - 64)
                self._cell_column = column
            else:
                self._cell_column += 1
        elif local in ("v", "is"):
            self._column = self._cell_column
            self.cells += 1
            self._check()
        elif local == "si":  # a shared string
            self.cells += 1
            self._check()

    # ODS: <table:table><table:table-row number-rows-repeated><table:table-cell number-columns-repeated
    # office:value-type>; blank cells and rows count only when a value follows them.
    def _ods_start(self, local: str, attrs: dict[str, str]) -> None:
        if local == "table":
            self._row = 0
            self._pending_rows = 0
        elif local == "table-row":
            self._row_repeat = _repeat(attrs, "number-rows-repeated", self.limits.max_rows)
            self._column = 0
            self._pending_columns = 0
            self._row_has_value = False
        elif local in ("table-cell", "covered-table-cell"):
            self._cell_repeat = _repeat(attrs, "number-columns-repeated", self.limits.max_columns)
            self._cell_is_blank = not any(key.endswith(" value-type") for key in attrs)
            if self._cell_is_blank:
                self._pending_columns += self._cell_repeat
            else:
                self._mark_cell()

    def _mark_cell(self) -> None:
        self._column += self._pending_columns + self._cell_repeat
        self._pending_columns = 0
        if not self._row_has_value:
            self._row_has_value = True
            self._row += self._pending_rows + self._row_repeat
            self._pending_rows = 0
        self.cells += self._cell_repeat * self._row_repeat
        self._check()

    def end(self, name: str) -> None:
        ns, _, local = name.rpartition(" ")
        if ns == _TABLE_NS and local == "table-row" and not self._row_has_value:
            self._pending_rows += self._row_repeat

    def text(self, data: str) -> None:
        # An ODS cell without a value type but with text (<text:p>) still shows that text.
        if self._cell_is_blank and data.strip() and self._pending_columns >= self._cell_repeat:
            self._pending_columns -= self._cell_repeat
            self._cell_is_blank = False
            self._mark_cell()


def _repeat(attrs: dict[str, str], local: str, cap: int) -> int:
    for key, value in attrs.items():
        if key.endswith(" " + local):
            return min(int(value), 10**9) if value.isdigit() and len(value) < 12 else 1
    return 1


def _refuse_dtd(*_: Any) -> None:
    raise _TooLarge(
        "This file declares XML entities (a DTD), which spreadsheets never need. It was not read."
    )


def spreadsheet_problem(data: bytes, limits: UploadLimits = DEFAULT_LIMITS) -> str:
    """An XLSX or ODS file that unzips too large or whose sheets have too many rows, columns or cells."""
    problem = zip_problem(data, limits)
    if problem:
        return problem
    counter = _SheetCounter(limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            name = member.filename.lower()
            if not name.endswith((".xml", ".rels")):
                continue
            try:
                with archive.open(member) as handle:
                    if name.endswith("sharedstrings.xml"):
                        _count_shared_strings(handle, counter)
                    elif not name.endswith("content.xml") and _scan_sheet(handle, counter):
                        pass  # counted by pattern (every cell named by reference, as spreadsheet programs write)
                    else:
                        handle.seek(0)
                        _parse(handle, counter, text=name.endswith("content.xml"))
            except _TooLarge as exc:
                return str(exc)
            except expat.ExpatError:
                return f"This file is damaged: its part {clip(member.filename, 80)} is not valid XML."
    return ""


def _parse(handle: Any, counter: _SheetCounter, *, text: bool) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = counter.start
    parser.EndElementHandler = counter.end
    if text:  # only ODS cells can show text without a value type
        parser.CharacterDataHandler = counter.text
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    while chunk := handle.read(CHUNK):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


_P = rb"<(?:[A-Za-z_][\w.-]*:)?"
_VALUE = re.compile(_P + rb"(?:v|is)[\s>]")
_CELL = re.compile(_P + rb"c[\s>/]")
_CELL_WITH_REF = re.compile(_P + rb'c\s[^>]*?\br="([A-Za-z]{1,3})(\d{1,9})"[^>]*?(/?)>')


def _column_number(letters: bytes) -> int:
    column = 0
    for letter in letters.upper():
        column = column * 26 + (letter - 64)
    return column


def _scan_sheet(handle: Any, counter: _SheetCounter) -> bool:
    """Count an XLSX part's valued cells, and its last row and column holding a cell that is not an
    empty tag, by pattern: fast enough for a million cells. False (the caller then parses the part) when a
    cell does not name its reference, where only a parser knows its position."""
    carry = b""
    cells_before = counter.cells
    positioned = True
    while chunk := handle.read(CHUNK):
        window = carry + chunk
        cut = window.rfind(b"<")  # a tag never holds "<": everything before the last one is whole tags
        cut = len(window) if cut <= 0 else cut
        part, carry = window[:cut], window[cut:]
        if _DTD.search(part):
            _refuse_dtd()
        counter.cells += len(_VALUE.findall(part))
        if positioned:
            cells = _CELL_WITH_REF.findall(part)
            positioned = len(cells) == len(_CELL.findall(part))
            filled = [(row, letters) for letters, row, empty in cells if not empty]
            if positioned and filled:
                counter._row = max(counter._row, max(int(row) for row, _ in filled))
                counter._column = max(_column_number(letters) for _, letters in filled)
        counter._check()  # the cells alone can refuse the part, positioned or not
    if not positioned:
        counter.cells = cells_before  # the parser counts them again
    return positioned


_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")


def _count_shared_strings(handle: Any, counter: _SheetCounter) -> None:
    """Shared strings are counted as cells by pattern, not parsed: a file can hold millions of them and
    expat's per-element callbacks would take seconds. A DTD is refused as when parsing."""
    tail = b""
    while chunk := handle.read(CHUNK):
        window = tail + chunk
        if _DTD.search(window):
            _refuse_dtd()
        # Matches in the tail (the previous window's last bytes) were counted with that window.
        counter.cells += len(_SHARED_STRING.findall(window)) - len(_SHARED_STRING.findall(tail))
        counter._check()
        tail = window[-16:]
