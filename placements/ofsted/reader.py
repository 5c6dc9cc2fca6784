"""Read Ofsted provider files (CSV, XLSX, ODS) into canonical tables and check every row.

How a file is read (docs/ofsted-files.md describes the layouts):

1. **Format** from the bytes, not the name: a zip with an OpenDocument mimetype is ODS, any other zip
   is XLSX, anything else is text (UTF-8 with or without a byte-order mark, else Windows-1252).
2. **Sheets and header rows.** Ofsted's workbooks have title and notes rows above the table and several
   sheets (cover, contents, notes, one or more tables). Every sheet is searched: within its first 30
   rows, the first row naming a URN column, a provision type column and at least
   `columns.MIN_KNOWN_COLUMNS` known columns is its header, and the sheet is read. Sheets with no such
   row (notes, contents, registration conditions) are passed over. Row numbers in reports are those a
   spreadsheet shows.
3. **Columns** are matched through `columns.COLUMN_ALIASES`; unknown columns are ignored.
4. **Cells.** "-", "N/A", "." and the like are blank. Names and postcodes published as REDACTED
   (children's homes) become None, meaning "keep what the register already holds". A blank or "Not yet
   inspected" judgement means not yet inspected. Supported accommodation is judged on its 3-outcome
   model, never on the 4-point scale. Ofsted's other states ("Not provided as service is inspected as part
   of the ILACS inspection", "Adequate", "Met", "Not met") are kept as states, with a warning; interim
   inspection outcomes ("Improved effectiveness" ...) are not a full judgement and are not recorded.
5. **A row that cannot be read** (no URN, an unreadable date, ...) is reported in ``skipped`` with its
   file, sheet, row, column and value, and left out; the rest of the file is read. A file is refused
   (``errors``) only for what is wrong with the whole file: unreadable, no sheet with a provider header,
   no data, or not one row that could be read.
6. **Several rows or files for one URN** (an inspections list, or a monthly file after an annual one):
   every dated judgement is kept as inspection history; the setting's details come from the row with
   the latest inspection (ties: the later row). A second, different judgement for one URN and date is
   skipped and reported. Supported accommodation lists give one row per setting (premises) of a
   provider: the provider's places are the sum of the capacity of its settings still open.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from placements.ssda903.result import ERROR, WARNING, FileSummary, ImportIssue
from placements.upload_limits import DEFAULT_LIMITS, UploadLimits, spreadsheet_problem, text_problem

from . import columns as c

HEADER_SEARCH_ROWS = 30
# Rows read are turned from dicts into columns this many at a time (memory: see benchmarks/).
ROW_CHUNK = 20_000
MAX_PLACES = 32_767
_URN = re.compile(r"^[A-Z0-9]{1,8}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9][A-Z]{2})?$")
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d/%m/%y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
ROW_SKIPPED = "OfstedRowSkipped"

SETTING_COLUMNS = [
    "urn",
    "name",
    "postcode",
    "provision_type",
    "ofsted_provision_type",
    "sector",
    "local_authority",
    "local_authority_key",
    "region",
    "registered_places",
    "registration_status",
    "registration_date",
    "closed_date",
    "owner",
    "inspection_date",
    "judgement",
    "judgement_scale",
    "source_file",
    "source_sheet",
    "source_row",
]
INSPECTION_COLUMNS = ["urn", "inspection_date", "judgement", "judgement_scale", "source_file", "source_row"]


@dataclass(frozen=True)
class OfstedIssue(ImportIssue):
    """An import issue that also names the sheet of a workbook ("" for a CSV or a whole-file problem)."""

    sheet: str = ""


@dataclass(frozen=True)
class SheetSummary:
    """One sheet read: how many data rows were read and how many were skipped as unreadable."""

    file: str
    sheet: str
    kind: str
    header_row: int
    rows_read: int
    rows_skipped: int


@dataclass
class OfstedResult:
    """Settings (one row per URN) and their dated judgements, with every problem found.

    ``settings`` has SETTING_COLUMNS: codes as in `placements.choices`; ``name``/``postcode`` None where
    the file redacts or omits them; dates as ``datetime.date`` or None; ``local_authority_key`` from
    `columns.authority_key` for matching to the register's authorities. ``inspections`` has one row per
    URN and inspection date. ``skipped`` lists the rows left out (each with why); ``sheets`` counts rows
    read and skipped per sheet. When ``ok`` is False (a file problem) nothing must be imported.
    """

    settings: pd.DataFrame
    inspections: pd.DataFrame
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[ImportIssue] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _RowProblem(ValueError):
    """A cell that cannot be read; carries the column and message for the report."""

    def __init__(self, column: str, value: Any, message: str) -> None:
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


@dataclass
class _FileRead:
    # The rows read, as frames of at most ROW_CHUNK rows: row dicts are turned into columns as they are
    # read, so a large file never holds all its rows as dicts at once.
    frames: list[pd.DataFrame] = field(default_factory=list)
    row_count: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    skipped: list[ImportIssue] = field(default_factory=list)
    sheets: list[SheetSummary] = field(default_factory=list)
    kind: str | None = None


def read_ofsted(files: Sequence[tuple[str, bytes]], *, limits: UploadLimits = DEFAULT_LIMITS) -> OfstedResult:
    """Read one or more Ofsted provider files (name, bytes) into canonical settings and inspections.

    Each file is first checked against ``limits`` (rows, columns, cells, unzipped size) without parsing it;
    a file over them is refused whole (`placements.upload_limits`)."""
    result = OfstedResult(pd.DataFrame(columns=SETTING_COLUMNS), pd.DataFrame(columns=INSPECTION_COLUMNS))
    frames: list[pd.DataFrame] = []
    for order, (name, content) in enumerate(files):
        data = content if isinstance(content, bytes | bytearray) else content.read()
        read = _read_file(name, bytes(data), order, limits)
        del data
        frames.extend(read.frames)
        result.files.append(FileSummary(name, read.kind, read.row_count))
        result.errors.extend(read.errors)
        result.warnings.extend(read.warnings)
        result.skipped.extend(read.skipped)
        result.sheets.extend(read.sheets)
    if not files:
        result.errors.append(ImportIssue("", None, "", "", "Select an Ofsted provider file", "FileRequired"))
    result.settings, result.inspections, conflicts = _merge(frames)
    result.skipped.extend(conflicts)
    return result


# --- One file ----------------------------------------------------------------------------------------------


def _file_issue(
    name: str, message: str, rule: str, severity: str = ERROR, column: str = "", sheet: str = ""
) -> OfstedIssue:
    return OfstedIssue(name, None, column, "", message, rule, severity, sheet=sheet)


def _sheets(name: str, data: bytes, limits: UploadLimits) -> tuple[dict[str, pd.DataFrame], str]:
    """Every sheet of the file as a grid of raw cells (no header), and the format read. A file over the
    limits raises ValueError before it is parsed."""
    if data[:4] == b"PK\x03\x04":
        problem = spreadsheet_problem(data, limits)
        if problem:
            raise ValueError(problem)
        is_ods = b"application/vnd.oasis.opendocument.spreadsheet" in data[:200]
        engine = "odf" if is_ods else "openpyxl"
        grids = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, dtype=object, engine=engine)
        return {str(k): v for k, v in grids.items()}, "ods" if is_ods else "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ValueError(
            "This is an old Excel (.xls) file. Save it as .xlsx, .ods or CSV and upload it again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    problem = text_problem(text, limits)
    if problem:
        raise ValueError(problem)
    if not text.strip():
        return {"": pd.DataFrame()}, "csv"
    return {"": _csv_grid(text)}, "csv"


def _csv_grid(text: str) -> pd.DataFrame:
    """A CSV file's grid of cells (one row per line, as the file numbers them), keeping only the columns
    of its provider table: the header is looked for in the first rows, then the rows are streamed and only
    the header's known columns kept, so the many columns Ofsted's files carry are never held."""
    lines = csv.reader(io.StringIO(text))
    head = list(itertools.islice(lines, HEADER_SEARCH_ROWS))
    found = _find_header(pd.DataFrame(head, dtype=object).fillna(""))
    if found is None:
        return pd.DataFrame(head, dtype=object).fillna("")  # refused as not an Ofsted file: the head says why
    positions = sorted(found[1])
    kept = [[cells[p] if p < len(cells) else "" for p in positions] for cells in itertools.chain(head, lines)]
    return pd.DataFrame(kept, dtype=object)


def _find_header(grid: pd.DataFrame) -> tuple[int, dict[int, str]] | None:
    """The header row's index and {column index: canonical column}: the first row within the first
    HEADER_SEARCH_ROWS that names the required columns and enough known columns."""
    for index in range(min(HEADER_SEARCH_ROWS, len(grid))):
        mapping: dict[int, str] = {}
        for position, cell in enumerate(grid.iloc[index].tolist()):
            canonical = c.match_column(_text(cell))
            if canonical and canonical not in mapping.values():
                mapping[position] = canonical
        found = set(mapping.values())
        if all(required in found for required in c.REQUIRED_COLUMNS) and len(found) >= c.MIN_KNOWN_COLUMNS:
            return index, mapping
    return None


def _read_file(name: str, data: bytes, order: int, limits: UploadLimits) -> _FileRead:
    read = _FileRead()
    if not data.strip():
        read.errors.append(_file_issue(name, "The file is empty.", "FileMustNotBeEmpty"))
        return read
    try:
        sheets, fmt = _sheets(name, data, limits)
    except ValueError as exc:
        read.errors.append(_file_issue(name, str(exc), "FileMustBeReadable"))
        return read
    except MemoryError:
        raise  # the worker's memory limit: the job fails as too large, not as an unreadable file
    except Exception:  # noqa: BLE001 - a damaged spreadsheet is reported, not raised
        read.errors.append(
            _file_issue(name, "The file could not be read as CSV, XLSX or ODS.", "FileMustBeReadable")
        )
        return read
    kind = f"ofsted_{fmt}"
    found_any = False
    for sheet, grid in sheets.items():
        found = _find_header(grid)
        if found is None:
            continue
        found_any = True
        _read_sheet(read, name, sheet, kind, grid, found, order)
    if not found_any:
        first = next(iter(sheets.values()), pd.DataFrame())
        seen = [_text(v) for v in (first.iloc[0].tolist() if len(first) else []) if _text(v)]
        read.errors.append(
            _file_issue(
                name,
                "This is not an Ofsted provider file: no sheet has a row naming a URN, a provision type and "
                f"enough other known columns. Sheets: {', '.join(s for s in sheets if s) or 'one (CSV)'}. "
                f"First row: {', '.join(seen[:15]) or 'blank'}.",
                "FileMustBeAnOfstedProviderFile",
            )
        )
        return read
    read.kind = kind
    total_read = sum(s.rows_read for s in read.sheets)
    total_skipped = sum(s.rows_skipped for s in read.sheets)
    if total_read == 0 and total_skipped == 0:
        read.errors.append(
            _file_issue(name, "The file has a provider table but no settings in it.", "FileMustHaveRows")
        )
    elif total_read == 0:
        # Not one row could be read: the file is refused and every row's problem is reported.
        read.errors.append(
            _file_issue(
                name,
                "No row of this file could be read: nothing was imported from it. See the problem on each row.",
                "FileMustHaveReadableRows",
            )
        )
        read.errors.extend(read.skipped)
        read.skipped = []
    return read


def _read_sheet(
    read: _FileRead,
    name: str,
    sheet: str,
    kind: str,
    grid: pd.DataFrame,
    found: tuple[int, dict[int, str]],
    order: int,
) -> None:
    header_index, mapping = found
    # Problems name the column as this sheet's header does.
    labels = {canonical: _text(grid.iat[header_index, position]) for position, canonical in mapping.items()}
    rows: list[dict[str, Any]] = []
    frames: list[pd.DataFrame] = []
    count = 0
    by_capacity = "capacity" in mapping.values() and "places" not in mapping.values()
    skipped = 0
    unknown_types: set[str] = set()
    states: dict[tuple[str, str], list[int]] = {}
    values = grid.to_numpy(dtype=object)
    for index in range(header_index + 1, len(values)):
        line = values[index]
        cells = {canonical: line[position] for position, canonical in mapping.items()}
        filled = [text for text in (_text(v) for v in cells.values()) if text]
        if not filled or _is_note(filled):
            continue
        spreadsheet_row = index + 1
        try:
            row, row_issues = _read_row(cells, name, sheet, spreadsheet_row, order)
        except _RowProblem as problem:
            skipped += 1
            read.skipped.append(
                OfstedIssue(
                    name,
                    spreadsheet_row,
                    labels.get(problem.column) or c.COLUMN_LABELS[problem.column],
                    _text(problem.value)[:200],
                    problem.message,
                    ROW_SKIPPED,
                    WARNING,
                    sheet=sheet,
                )
            )
            continue
        read.warnings.extend(row_issues)
        if row["provision_type"] == c.OTHER_PROVISION:
            unknown_types.add(row["ofsted_provision_type"])
        state_text, state_code = row.pop("_state_text", None), row.pop("_state_code", None)
        if row.pop("_state_note", None):
            states.setdefault((state_text, state_code), []).append(spreadsheet_row)
        if not by_capacity:
            row.pop("_capacity", None)
            row.pop("_setting_ended", None)
        rows.append(row)
        if not by_capacity and len(rows) >= ROW_CHUNK:
            frames.append(pd.DataFrame(rows))
            count += len(rows)
            rows = []
    if by_capacity:  # places are summed across the provider's rows: every row is needed at once
        _sum_capacity(rows)
        for row in rows:
            row.pop("_capacity", None)
            row.pop("_setting_ended", None)
    if rows:
        frames.append(pd.DataFrame(rows))
        count += len(rows)
    del rows
    for value in sorted(unknown_types):
        read.warnings.append(
            _file_issue(
                name,
                f"Provision type '{value}' is not one the service plans with: "
                "those settings are kept as 'Other'.",
                "ProvisionTypeNotPlannedWith",
                WARNING,
                "Provision type",
                sheet,
            )
        )
    for (text, code), at in sorted(states.items()):
        read.warnings.append(
            OfstedIssue(
                name,
                at[0],
                labels.get("judgement") or c.COLUMN_LABELS["judgement"],
                text[:200],
                f"{len(at)} row(s) from row {at[0]}: {_STATE_MESSAGES[code]}",
                "JudgementOutsideTheScales",
                WARNING,
                sheet=sheet,
            )
        )
    read.frames.extend(frames)
    read.row_count += count
    read.sheets.append(SheetSummary(name, sheet, kind, header_index + 1, count, skipped))


def _is_note(filled: list[str]) -> bool:
    """A footnote or source line under a table ("Source: Ofsted ...", "1. Places at 31 March"): one cell of
    prose, not a setting."""
    return len(filled) == 1 and " " in filled[0]


_STATE_MESSAGES = {
    c.ILACS: "inspected within the local authority's ILACS inspection. Kept as that state: neither good "
    "nor below good.",
    c.ADEQUATE: "Adequate, a grade of the earlier inspection framework. Kept as Adequate and counted as "
    "below good.",
    c.MET: "standards met, a compliance check rather than a grade. Kept as Met: neither good nor below good.",
    c.NOT_MET: "standards not met. Kept as Not met and counted as below good.",
    "interim": "an interim inspection or monitoring visit outcome, not a full judgement: not recorded; the "
    "last full judgement stands.",
}


def _sum_capacity(rows: list[dict[str, Any]]) -> None:
    """Supported accommodation lists: a provider's places are the capacity of its settings still open,
    and its postcode that of its first open setting."""
    totals: dict[str, int | None] = {}
    postcodes: dict[str, str | None] = {}
    for row in rows:
        capacity = row.pop("_capacity", None)
        open_setting = not row.pop("_setting_ended", False)
        held = totals.get(row["urn"])
        if capacity is not None and open_setting:
            totals[row["urn"]] = (held or 0) + capacity
        else:
            totals.setdefault(row["urn"], held)
        if open_setting and row["postcode"] and not postcodes.get(row["urn"]):
            postcodes[row["urn"]] = row["postcode"]
    for row in rows:
        row["postcode"] = postcodes.get(row["urn"]) or row["postcode"]
        row["registered_places"] = totals.get(row["urn"])
        if row["registered_places"] is not None:
            row["registered_places"] = min(row["registered_places"], MAX_PLACES)


# --- Cells -------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as trimmed text: blank when empty or a published blank ("-", "N/A", "."); whole numbers
    without '.0' (Excel stores floats)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    return "" if text.lower() in c.BLANK_CELLS else text


def _date(column: str, value: Any) -> dt.date | None:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 10_000 <= value <= 80_000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date stored as an Excel day number
    text = _text(value)
    if not text or c.normalise_header(text).startswith("not "):
        return None  # "Not provided as service is inspected as part of the ILACS inspection", "Not yet ..."
    parsed = _date_text(text)
    if parsed is None:
        raise _RowProblem(column, value, f"{c.COLUMN_LABELS[column]} must be a date, for example 27/03/2025")
    return parsed


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?$")


@functools.lru_cache(maxsize=16_384)
def _date_text(text: str) -> dt.date | None:
    """A date written as text, or None if it is not one (files repeat dates: cached)."""
    for pattern, order in ((_DMY, (2, 1, 0)), (_ISO, (0, 1, 2))):
        match = pattern.match(text)
        if match:
            parts = match.groups()
            try:
                return dt.date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
            except ValueError:
                return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _redactable(value: Any) -> str | None:
    """Names and postcodes: None when redacted or blank (keep what the register holds)."""
    text = _text(value)
    if not text or text.lower() == c.REDACTED:
        return None
    return text


INTERIM = "interim"


def _judgement(value: Any, scale: str) -> str:
    """The judgement's code: a grade on the setting's scale, not yet inspected, one of Ofsted's other
    states (`columns.OTHER_STATES`), or INTERIM for an interim outcome (not a full judgement)."""
    text = _text(value)
    key = c.normalise_header(text)
    if key in c.NOT_INSPECTED_WORDS:
        return c.NOT_YET_INSPECTED
    if key.startswith(c.INTERIM_OUTCOMES):
        return INTERIM
    for prefix, code in c.OTHER_STATES:
        if key == prefix or key.startswith(prefix + " "):
            return code
    if scale == c.THREE_OUTCOME:
        if key in c.THREE_OUTCOME_JUDGEMENTS:
            return c.THREE_OUTCOME_JUDGEMENTS[key]
        for prefix, code in c.THREE_OUTCOME_PREFIXES:
            if key.startswith(prefix):
                return code
        raise _RowProblem(
            "judgement",
            value,
            "Supported accommodation is inspected on Ofsted's 3-outcome model: the judgement must be outcome "
            "1, 2 or 3 (consistently strong, inconsistent, serious or widespread weaknesses) or not yet "
            "inspected",
        )
    if key in c.FOUR_POINT_JUDGEMENTS:
        return c.FOUR_POINT_JUDGEMENTS[key]
    raise _RowProblem(
        "judgement",
        value,
        "The judgement must be 1 to 4 or Outstanding, Good, Requires improvement to be good, Inadequate, "
        "one of Ofsted's other states (Adequate, Met, Not met, inspected as part of the ILACS inspection), "
        "or blank if not yet inspected",
    )


def _provision_type(value: Any, subtype: Any) -> str:
    key = c.normalise_header(_text(value))
    if not key:
        raise _RowProblem("provision_type", value, "Enter the provision type")
    code = c.PROVISION_TYPES.get(key)
    if code is None:
        code = next((code for prefix, code in c.PROVISION_TYPE_PREFIXES if key.startswith(prefix)), None)
    if code == c.CHILDRENS_HOME and c.normalise_header(_text(subtype)).startswith(c.SECURE_SUBTYPE_PREFIX):
        return c.SECURE_CHILDRENS_HOME
    return code or c.OTHER_PROVISION


def _postcode(cells: dict[str, Any], name: str, sheet: str, row: int) -> tuple[str | None, list[ImportIssue]]:
    """The full postcode, else the postcode area given; an unreadable one is left blank with a warning
    (the setting is still read)."""
    for column in ("postcode", "postcode_district"):
        postcode = _redactable(cells.get(column))
        if postcode is None:
            continue
        postcode = re.sub(r"\s+", "", postcode.upper())
        postcode = f"{postcode[:-3]} {postcode[-3:]}" if len(postcode) > 4 else postcode
        if _POSTCODE.match(postcode):
            return postcode, []
        return None, [
            OfstedIssue(
                name,
                row,
                c.COLUMN_LABELS[column],
                _text(cells.get(column))[:40],
                "Not a UK postcode or district: left blank (the register keeps the postcode it holds)",
                "PostcodeShouldBeValid",
                WARNING,
                sheet=sheet,
            )
        ]
    return None, []


def _status(cells: dict[str, Any], closed_date: dt.date | None) -> str:
    text = c.normalise_header(_text(cells.get("registration_status")))
    if not text:
        return "closed" if closed_date is not None else "active"
    status = c.REGISTRATION_STATUSES.get(text)
    if status is None:
        raise _RowProblem(
            "registration_status",
            cells.get("registration_status"),
            "Registration status must be Active, Suspended, Resigned, Cancelled, Closed or Deregistered",
        )
    return status


def _whole_number(column: str, value: Any) -> int | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise _RowProblem(column, text, f"{c.COLUMN_LABELS[column]} must be a whole number") from None
    if not number.is_integer() or not 0 <= number <= MAX_PLACES:
        raise _RowProblem(column, text, f"{c.COLUMN_LABELS[column]} must be a whole number from 0 upwards")
    return int(number)


def _read_row(
    cells: dict[str, Any], name: str, sheet: str, row: int, order: int
) -> tuple[dict[str, Any], list[ImportIssue]]:
    issues: list[ImportIssue] = []
    urn = _text(cells.get("urn")).upper().replace(" ", "")
    if not urn:
        raise _RowProblem("urn", "", "Enter the setting's URN")
    if not _URN.match(urn):
        raise _RowProblem(
            "urn", cells.get("urn"), "URN must be up to 8 letters and digits, for example SC045099"
        )

    provision_type = _provision_type(cells.get("provision_type"), cells.get("provision_subtype"))
    scale = c.THREE_OUTCOME if provision_type == c.SUPPORTED_ACCOMMODATION else c.FOUR_POINT

    sector_text = c.normalise_header(_text(cells.get("sector")))
    sector = c.SECTORS.get(sector_text, "")
    if sector_text and not sector:
        issues.append(
            OfstedIssue(
                name,
                row,
                "Sector",
                _text(cells.get("sector"))[:60],
                "Sector not recognised: left blank",
                "SectorShouldBeKnown",
                WARNING,
                sheet=sheet,
            )
        )

    closed_date = _date("closed_date", cells.get("closed_date"))
    status = _status(cells, closed_date)
    places = _whole_number("places", cells.get("places"))
    capacity = _whole_number("capacity", cells.get("capacity"))
    setting_status = c.normalise_header(_text(cells.get("setting_status")))
    postcode, postcode_issues = _postcode(cells, name, sheet, row)
    issues.extend(postcode_issues)

    setting_name = _redactable(cells.get("name"))
    if setting_name is not None and len(setting_name) > 200:
        raise _RowProblem("name", setting_name[:40], "Setting name must be at most 200 characters")
    owner = _redactable(cells.get("owner"))
    if owner is not None and len(owner) > 200:
        raise _RowProblem("owner", owner[:40], "Owner must be at most 200 characters")

    inspection_date = _date("inspection_date", cells.get("inspection_date"))
    judgement = _judgement(cells.get("judgement"), scale)
    inspection_type = c.normalise_header(_text(cells.get("inspection_type")))
    interim = judgement == INTERIM or inspection_type.startswith(c.INTERIM_INSPECTION_TYPE_WORDS)
    state_code = "interim" if interim else judgement
    state_text = _text(cells.get("judgement")) or _text(cells.get("inspection_type"))
    if interim:
        judgement, inspection_date = c.NOT_YET_INSPECTED, None
    elif judgement == c.ILACS:
        inspection_date = None  # undated: the authority's ILACS inspection is the judgement
    elif judgement != c.NOT_YET_INSPECTED and inspection_date is None:
        raise _RowProblem("inspection_date", "", "Enter the inspection date for this judgement")
    elif judgement == c.NOT_YET_INSPECTED and inspection_date is not None:
        issues.append(
            OfstedIssue(
                name,
                row,
                "Inspection date",
                inspection_date.isoformat(),
                "An inspection date without a judgement is not recorded as a judgement",
                "InspectionDateNeedsJudgement",
                WARNING,
                sheet=sheet,
            )
        )
        inspection_date = None

    la_name = _text(cells.get("local_authority"))
    return (
        {
            "urn": urn,
            "name": setting_name,
            "postcode": postcode,
            "provision_type": provision_type,
            "ofsted_provision_type": _text(cells.get("provision_type"))[:120],
            "sector": sector,
            "local_authority": la_name or None,
            "local_authority_key": c.authority_key(la_name) if la_name else None,
            "region": _text(cells.get("region")) or None,
            "registered_places": places,
            "registration_status": status,
            "registration_date": _date("registration_date", cells.get("registration_date")),
            "closed_date": closed_date,
            "owner": owner,
            "inspection_date": inspection_date,
            "judgement": judgement,
            "judgement_scale": scale,
            "source_file": name,
            "source_sheet": sheet,
            "source_row": row,
            "_order": order,
            "_capacity": capacity,
            "_setting_ended": setting_status.startswith(c.ENDED_SETTING_STATUS_PREFIXES),
            "_state_note": state_code in _STATE_MESSAGES,
            "_state_text": state_text,
            "_state_code": state_code,
        },
        issues,
    )


# --- Several rows per URN ----------------------------------------------------------------------------------


def _merge(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame, list[ImportIssue]]:
    """One setting per URN (from its latest-inspected row) and one judgement per URN and date; a second,
    different judgement for one URN and date is skipped and reported."""
    if not frames:
        return pd.DataFrame(columns=SETTING_COLUMNS), pd.DataFrame(columns=INSPECTION_COLUMNS), []
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frames.clear()
    frame["_seq"] = np.arange(len(frame))
    errors: list[ImportIssue] = []

    # Judgements: a (URN, date) keeps the latest row agreeing with its first judgement. Only the few keys
    # whose rows disagree are walked row by row (to name the row each conflicting one contradicts).
    dated = frame.loc[frame["inspection_date"].notna(), [*INSPECTION_COLUMNS, "source_sheet", "_seq"]]
    keys = [dated["urn"], dated["inspection_date"]]
    disagreeing = dated.groupby(keys, sort=False)["judgement"].transform("nunique") > 1
    agreed = dated[~disagreeing]
    first_seq = agreed.groupby([agreed["urn"], agreed["inspection_date"]], sort=False)["_seq"].transform(
        "min"
    )
    kept = [
        agreed.assign(_first=first_seq)
        .groupby([agreed["urn"], agreed["inspection_date"]], sort=False)
        .tail(1)
    ]
    inspections: dict[tuple[str, dt.date], dict[str, Any]] = {}
    first_of: dict[tuple[str, dt.date], int] = {}
    for record in dated[disagreeing].to_dict("records"):
        key = (record["urn"], record["inspection_date"])
        first_of.setdefault(key, record["_seq"])
        held = inspections.get(key)
        if held is not None and held["judgement"] != record["judgement"]:
            errors.append(
                OfstedIssue(
                    record["source_file"],
                    record["source_row"],
                    c.COLUMN_LABELS["judgement"],
                    record["judgement"],
                    f"URN {record['urn']} has two different judgements for the inspection on "
                    f"{record['inspection_date']:%d/%m/%Y}: this one is not recorded (the other is in "
                    f"{held['source_file']} row {held['source_row']})",
                    "OneJudgementPerInspection",
                    WARNING,
                    sheet=record["source_sheet"],
                )
            )
            continue
        inspections[key] = {**record, "_first": first_of[key]}
    if inspections:
        kept.append(pd.DataFrame(list(inspections.values())))
    inspection_frame = (
        pd.concat(kept, ignore_index=True)
        .sort_values("_first", kind="stable")[INSPECTION_COLUMNS]
        .reset_index(drop=True)
    )
    del dated, agreed, kept

    sort_date = frame["inspection_date"].map(lambda d: d if d is not None else dt.date.min)
    frame = frame.assign(_sort=sort_date).sort_values(["urn", "_sort", "_order", "_seq"], kind="stable")
    settings = frame.groupby("urn", sort=True).tail(1)[SETTING_COLUMNS].reset_index(drop=True)
    settings = settings.astype(object).where(settings.notna(), None)
    settings["registered_places"] = pd.Series(
        [None if v is None else int(v) for v in settings["registered_places"]],
        index=settings.index,
        dtype=object,
    )
    return settings, inspection_frame, errors
