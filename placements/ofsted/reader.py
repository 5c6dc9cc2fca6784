"""Read Ofsted provider files (CSV, XLSX, ODS) into canonical tables and check every row.

How a file is read:

1. **Format** from the bytes, not the name: a zip with an OpenDocument mimetype is ODS, any other zip
   is XLSX, anything else is text (UTF-8 with or without a byte-order mark, else Windows-1252).
2. **Sheet and header row.** Ofsted's spreadsheets have title and notes rows above the table and
   several sheets. The first sheet whose first 30 rows contain a row naming both a URN and a provision
   type column is used, and that row is the header. Row numbers in reports are those a spreadsheet
   shows.
3. **Columns** are matched through `columns.COLUMN_ALIASES`; unknown columns are ignored.
4. **Cells.** Names and postcodes published as REDACTED (children's homes) become None, meaning "keep
   what the register already holds". A blank or "Not yet inspected" judgement means not yet inspected.
   Supported accommodation is judged on its 3-outcome model, never on the 4-point scale.
5. **Several rows or files for one URN** (an inspections list, or a monthly file after an annual one):
   every dated judgement is kept as inspection history; the setting's details come from the row with
   the latest inspection (ties: the later row). One URN with two different judgements on one date is an
   error.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from placements.ssda903.result import ERROR, WARNING, FileSummary, ImportIssue

from . import columns as c

HEADER_SEARCH_ROWS = 30
MAX_PLACES = 32_767
_URN = re.compile(r"^[A-Z0-9]{1,8}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9][A-Z]{2})?$")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d/%m/%y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S")

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
    "source_row",
]
INSPECTION_COLUMNS = ["urn", "inspection_date", "judgement", "judgement_scale", "source_file", "source_row"]


@dataclass
class OfstedResult:
    """Settings (one row per URN) and their dated judgements, with every problem found.

    ``settings`` has SETTING_COLUMNS: codes as in `placements.choices`; ``name``/``postcode`` None where
    the file redacts or omits them; dates as ``datetime.date`` or None; ``local_authority_key`` from
    `columns.authority_key` for matching to the register's authorities. ``inspections`` has one row per
    URN and inspection date. When ``ok`` is False nothing must be imported.
    """

    settings: pd.DataFrame
    inspections: pd.DataFrame
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _RowProblem(ValueError):
    """A cell that cannot be read; carries the column and message for the report."""

    def __init__(self, column: str, value: Any, message: str) -> None:
        super().__init__(message)
        self.column, self.value, self.message = column, value, message


def read_ofsted(files: Sequence[tuple[str, bytes]]) -> OfstedResult:
    """Read one or more Ofsted provider files (name, bytes) into canonical settings and inspections."""
    errors: list[ImportIssue] = []
    warnings: list[ImportIssue] = []
    summaries: list[FileSummary] = []
    rows: list[dict[str, Any]] = []
    for order, (name, content) in enumerate(files):
        data = content if isinstance(content, bytes | bytearray) else content.read()
        file_rows, summary, issues = _read_file(name, bytes(data), order)
        rows.extend(file_rows)
        summaries.append(summary)
        errors.extend(i for i in issues if i.severity == ERROR)
        warnings.extend(i for i in issues if i.severity == WARNING)
    if not files:
        errors.append(ImportIssue("", None, "", "", "Select an Ofsted provider file", "FileRequired"))
    settings, inspections, merge_errors = _merge(rows)
    return OfstedResult(settings, inspections, errors + merge_errors, warnings, summaries)


# --- One file ----------------------------------------------------------------------------------------------


def _file_issue(name: str, message: str, rule: str, severity: str = ERROR, column: str = "") -> ImportIssue:
    return ImportIssue(name, None, column, "", message, rule, severity)


def _sheets(name: str, data: bytes) -> tuple[dict[str, pd.DataFrame], str]:
    """Every sheet of the file as a grid of raw cells (no header), and the format read."""
    if data[:4] == b"PK\x03\x04":
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
    grid = pd.read_csv(
        io.StringIO(text),
        header=None,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        engine="python",
    )
    return {"csv": grid}, "csv"


def _find_header(grid: pd.DataFrame) -> tuple[int, dict[int, str]] | None:
    """The header row's index and {column index: canonical column}, if this grid holds provider data."""
    for index in range(min(HEADER_SEARCH_ROWS, len(grid))):
        mapping: dict[int, str] = {}
        for position, cell in enumerate(grid.iloc[index].tolist()):
            canonical = c.match_column(_text(cell))
            if canonical and canonical not in mapping.values():
                mapping[position] = canonical
        if all(required in mapping.values() for required in c.REQUIRED_COLUMNS):
            return index, mapping
    return None


def _read_file(
    name: str, data: bytes, order: int
) -> tuple[list[dict[str, Any]], FileSummary, list[ImportIssue]]:
    issues: list[ImportIssue] = []
    try:
        sheets, fmt = _sheets(name, data)
    except ValueError as exc:
        issues.append(_file_issue(name, str(exc), "FileMustBeReadable"))
        return [], FileSummary(name, None, 0), issues
    except Exception:  # noqa: BLE001 - a damaged spreadsheet is reported, not raised
        issues.append(
            _file_issue(name, "The file could not be read as CSV, XLSX or ODS.", "FileMustBeReadable")
        )
        return [], FileSummary(name, None, 0), issues
    for grid in sheets.values():
        found = _find_header(grid)
        if found is not None:
            break
    else:
        first = next(iter(sheets.values()), pd.DataFrame())
        seen = [_text(v) for v in (first.iloc[0].tolist() if len(first) else []) if _text(v)]
        issues.append(
            _file_issue(
                name,
                "This is not an Ofsted provider file: no row names both a URN and a Provision type column. "
                f"Columns found: {', '.join(seen[:15]) or 'none'}.",
                "FileMustBeAnOfstedProviderFile",
            )
        )
        return [], FileSummary(name, None, 0), issues

    header_index, mapping = found
    rows: list[dict[str, Any]] = []
    unknown_types: set[str] = set()
    for index in range(header_index + 1, len(grid)):
        cells = {canonical: grid.iat[index, position] for position, canonical in mapping.items()}
        if all(_text(v) == "" for v in cells.values()):
            continue
        spreadsheet_row = index + 1
        try:
            row, row_issues = _read_row(cells, name, spreadsheet_row, order)
        except _RowProblem as problem:
            issues.append(
                ImportIssue(
                    name,
                    spreadsheet_row,
                    c.COLUMN_LABELS[problem.column],
                    _text(problem.value),
                    problem.message,
                    "OfstedValueMustBeValid",
                )
            )
            continue
        issues.extend(row_issues)
        if row["provision_type"] == c.OTHER_PROVISION:
            unknown_types.add(row["ofsted_provision_type"])
        rows.append(row)
    for value in sorted(unknown_types):
        issues.append(
            _file_issue(
                name,
                f"Provision type '{value}' is not one the service plans with: "
                "those settings are kept as 'Other'.",
                "ProvisionTypeNotPlannedWith",
                WARNING,
                "Provision type",
            )
        )
    return rows, FileSummary(name, f"ofsted_{fmt}", len(rows)), issues


# --- Cells -------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as trimmed text: blank when empty; whole numbers without '.0' (Excel stores floats)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _date(column: str, value: Any) -> dt.date | None:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return None if pd.isna(value) else value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise _RowProblem(column, value, f"{c.COLUMN_LABELS[column]} must be a date, for example 27/03/2025")


def _redactable(value: Any) -> str | None:
    """Names and postcodes: None when redacted or blank (keep what the register holds)."""
    text = _text(value)
    if not text or text.lower() == c.REDACTED:
        return None
    return text


def _judgement(value: Any, scale: str) -> str:
    text = _text(value)
    key = c.normalise_header(text)
    if key in c.NOT_INSPECTED_WORDS:
        return c.NOT_YET_INSPECTED
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
        "or blank if not yet inspected",
    )


def _provision_type(value: Any) -> str:
    key = c.normalise_header(value)
    if not key:
        raise _RowProblem("provision_type", value, "Enter the provision type")
    if key in c.PROVISION_TYPES:
        return c.PROVISION_TYPES[key]
    for prefix, code in c.PROVISION_TYPE_PREFIXES:
        if key.startswith(prefix):
            return code
    return c.OTHER_PROVISION


def _read_row(
    cells: dict[str, Any], name: str, row: int, order: int
) -> tuple[dict[str, Any], list[ImportIssue]]:
    issues: list[ImportIssue] = []
    urn = _text(cells.get("urn")).upper().replace(" ", "")
    if not urn:
        raise _RowProblem("urn", "", "Enter the setting's URN")
    if not _URN.match(urn):
        raise _RowProblem(
            "urn", cells.get("urn"), "URN must be up to 8 letters and digits, for example SC045099"
        )

    provision_type = _provision_type(cells.get("provision_type"))
    scale = c.THREE_OUTCOME if provision_type == c.SUPPORTED_ACCOMMODATION else c.FOUR_POINT

    sector_text = c.normalise_header(cells.get("sector"))
    sector = c.SECTORS.get(sector_text, "")
    if sector_text and not sector:
        issues.append(
            ImportIssue(
                name,
                row,
                "Sector",
                _text(cells.get("sector")),
                "Sector not recognised: left blank",
                "SectorShouldBeKnown",
                WARNING,
            )
        )

    status_text = c.normalise_header(cells.get("registration_status"))
    status = c.REGISTRATION_STATUSES.get(status_text or "active")
    if status is None:
        raise _RowProblem(
            "registration_status",
            cells.get("registration_status"),
            "Registration status must be Active, Suspended, Resigned or Cancelled",
        )

    places_text = _text(cells.get("places"))
    places: int | None = None
    if places_text:
        try:
            places = int(float(places_text))
        except ValueError:
            raise _RowProblem("places", places_text, "Places must be a whole number") from None
        if float(places_text) != places or not 0 <= places <= MAX_PLACES:
            raise _RowProblem("places", places_text, "Places must be a whole number from 0 upwards")

    postcode = _redactable(cells.get("postcode"))
    if postcode is not None:
        postcode = re.sub(r"\s+", "", postcode.upper())
        postcode = f"{postcode[:-3]} {postcode[-3:]}" if len(postcode) > 4 else postcode
        if not _POSTCODE.match(postcode):
            raise _RowProblem("postcode", cells.get("postcode"), "Postcode must be a UK postcode or district")

    setting_name = _redactable(cells.get("name"))
    if setting_name is not None and len(setting_name) > 200:
        raise _RowProblem("name", setting_name[:40], "Setting name must be at most 200 characters")
    owner = _redactable(cells.get("owner"))
    if owner is not None and len(owner) > 200:
        raise _RowProblem("owner", owner[:40], "Owner must be at most 200 characters")

    inspection_date = _date("inspection_date", cells.get("inspection_date"))
    judgement = _judgement(cells.get("judgement"), scale)
    if judgement != c.NOT_YET_INSPECTED and inspection_date is None:
        raise _RowProblem("inspection_date", "", "Enter the inspection date for this judgement")
    if judgement == c.NOT_YET_INSPECTED and inspection_date is not None:
        issues.append(
            ImportIssue(
                name,
                row,
                "Inspection date",
                inspection_date.isoformat(),
                "An inspection date without a judgement is not recorded as a judgement",
                "InspectionDateNeedsJudgement",
                WARNING,
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
            "closed_date": _date("closed_date", cells.get("closed_date")),
            "owner": owner,
            "inspection_date": inspection_date,
            "judgement": judgement,
            "judgement_scale": scale,
            "source_file": name,
            "source_row": row,
            "_order": order,
        },
        issues,
    )


# --- Several rows per URN ----------------------------------------------------------------------------------


def _merge(rows: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame, list[ImportIssue]]:
    """One setting per URN (from its latest-inspected row) and one judgement per URN and date."""
    if not rows:
        return pd.DataFrame(columns=SETTING_COLUMNS), pd.DataFrame(columns=INSPECTION_COLUMNS), []
    frame = pd.DataFrame(rows)
    frame["_seq"] = np.arange(len(frame))
    errors: list[ImportIssue] = []

    dated = frame[frame["inspection_date"].notna()]
    inspections: dict[tuple[str, dt.date], dict[str, Any]] = {}
    for record in dated.to_dict("records"):
        key = (record["urn"], record["inspection_date"])
        held = inspections.get(key)
        if held is not None and held["judgement"] != record["judgement"]:
            errors.append(
                ImportIssue(
                    record["source_file"],
                    record["source_row"],
                    c.COLUMN_LABELS["judgement"],
                    record["judgement"],
                    f"URN {record['urn']} has two different judgements for the inspection on "
                    f"{record['inspection_date']:%d/%m/%Y} (the other is in {held['source_file']} row "
                    f"{held['source_row']})",
                    "OneJudgementPerInspection",
                )
            )
            continue
        inspections[key] = record
    inspection_frame = pd.DataFrame(
        [{k: r[k] for k in INSPECTION_COLUMNS} for r in inspections.values()], columns=INSPECTION_COLUMNS
    )

    sort_date = frame["inspection_date"].map(lambda d: d if d is not None else dt.date.min)
    frame = frame.assign(_sort=sort_date).sort_values(["urn", "_sort", "_order", "_seq"], kind="stable")
    settings = frame.groupby("urn", sort=True).tail(1)[SETTING_COLUMNS].reset_index(drop=True)
    settings = settings.astype(object).where(settings.notna(), None)
    return settings, inspection_frame, errors
