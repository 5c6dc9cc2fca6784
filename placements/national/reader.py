"""Reads the DfE's open-data CSVs of children looked after (explore-education-statistics "tidy" layout).

Each file has the time and geography columns (``time_period``, ``time_identifier``, ``geographic_level``,
``country_code``, then ``region_code``/``region_name`` and ``old_la_code``/``new_la_code``/``la_name`` where
the level needs them), then filter columns (``cla_group``, ``characteristic``, ...) and indicator columns
(``number``, ``percentage``, ``rate_per_10000``, ...). A cell may hold a marker instead of a value: those are
carried as "not published" with the marker, never as zero.

Pure: bytes in, rows and problems out. No Django.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

#: Markers the DfE uses in place of a value, and what each means.
MARKERS: dict[str, str] = {
    "c": "suppressed to protect confidentiality",
    "z": "not applicable",
    "x": "not available",
    "low": "rounds to zero but is not zero",
    "u": "low reliability",
    ":": "not available",
    "..": "not available",
    "k": "rounds to zero but is not zero",
    "~": "rounds to zero but is not zero",
}

TIME_COLUMNS = ("time_period", "time_identifier", "geographic_level")
GEOGRAPHY_COLUMNS = (
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
)
REQUIRED_COLUMNS = (*TIME_COLUMNS, "country_code")
#: Columns the DfE uses for figures. Any other column whose every cell is a number or a marker is also read
#: as an indicator; the rest are filters.
KNOWN_INDICATORS = frozenset(
    {
        "number",
        "percentage",
        "rate_per_10000",
        "population_estimate",
        "population",
        "mean",
        "median",
        "rate",
        "count",
    }
)
NATIONAL, REGIONAL, LOCAL_AUTHORITY = "National", "Regional", "Local authority"
LEVELS = {NATIONAL, REGIONAL, LOCAL_AUTHORITY}
#: Other levels in the DfE's files (e.g. local authority district) are skipped without a problem.
OTHER_LEVELS = {"Local authority district", "Parliamentary constituency", "Ward", "Institution", "School"}

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
MAX_COLUMNS = 60

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


class FileRefused(ValueError):
    """A problem with the whole file: nothing from it is imported."""


@dataclass(frozen=True)
class Figure:
    """One published cell: where, when, which characteristic, which indicator, and its value or marker."""

    year: int
    time_period: str
    time_identifier: str
    geographic_level: str
    area_code: str
    old_la_code: str
    area_name: str
    filters: tuple[tuple[str, str], ...]
    indicator: str
    value: float | None
    marker: str

    @property
    def filter_key(self) -> str:
        return filter_key(dict(self.filters))


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ReadResult:
    figures: list[Figure] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    filter_columns: tuple[str, ...] = ()
    indicator_columns: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    rows_read: int = 0


def filter_key(filters: dict[str, str]) -> str:
    """A canonical text key for a set of filter values: columns sorted, values lower-cased and trimmed."""
    return ";".join(f"{k}={' '.join(str(v).split()).lower()}" for k, v in sorted(filters.items()))


def year_of(time_period: str) -> int | None:
    """The year a period ends in: "2025" (31 March 2025) is 2025; a financial year "202425" is 2025."""
    period = time_period.strip()
    if re.fullmatch(r"\d{4}", period):
        return int(period)
    if re.fullmatch(r"\d{6}", period):
        start, end = int(period[:4]), int(period[4:])
        if (start + 1) % 100 == end:
            return start + 1
    return None


def parse_value(text: str) -> tuple[float | None, str] | None:
    """(value, "") for a number, (None, marker) for a marker, None when the cell is neither."""
    cell = text.strip().replace(",", "")
    if cell.lower() in MARKERS:
        return None, cell.lower()
    if cell == "":
        return None, "x"
    if _NUMBER.match(cell):
        return float(cell), ""
    return None


def decode_text(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark) or else Windows-1252, as the DfE's files
    and spreadsheets save them. Refused when too large or not text."""
    if len(data) > MAX_BYTES:
        raise FileRefused(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if b"\x00" in data:
        raise FileRefused("The file contains a NUL byte: it is not a CSV text file.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("The file is not UTF-8 or Windows-1252 text.")  # pragma: no cover - cp1252 is total


def read_dfe_csv(data: bytes) -> ReadResult:
    """Read one published file. Raises `FileRefused` for problems with the whole file (not a CSV, missing
    the time or geography columns, no indicator columns, no rows); reports problems with single rows and
    leaves those rows out."""
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused("The file is empty.") from None
    except csv.Error as exc:
        raise FileRefused(f"The file is not a readable CSV: {exc}") from None
    columns = [c.strip().lower() for c in header]
    if len(columns) > MAX_COLUMNS:
        raise FileRefused(f"The file has {len(columns)} columns; a DfE table has at most {MAX_COLUMNS}.")
    if len(set(columns)) != len(columns):
        raise FileRefused("The header names a column twice.")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileRefused(
            "This is not a DfE open-data table: the header has no "
            + ", ".join(missing)
            + " column (expected time_period, time_identifier, geographic_level, country_code, ...)."
        )
    try:
        raw = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise FileRefused(f"The file is not a readable CSV: {exc}") from None
    if not raw:
        raise FileRefused("The file has a header but no rows.")
    if len(raw) > MAX_ROWS:
        raise FileRefused(f"The file has more than {MAX_ROWS:,} rows.")

    rest = [c for c in columns if c not in TIME_COLUMNS and c not in GEOGRAPHY_COLUMNS]
    indicators, filters = [], []
    for column in rest:
        i = columns.index(column)
        cells = [row[i] if i < len(row) else "" for row in raw]
        numeric = all(parse_value(cell) is not None for cell in cells)
        if column in KNOWN_INDICATORS or (
            numeric and not column.endswith(("_group", "_type", "characteristic"))
        ):
            indicators.append(column)
        else:
            filters.append(column)
    if not indicators:
        raise FileRefused("The file has no indicator columns (number, percentage, rate_per_10000, ...).")

    result = ReadResult(filter_columns=tuple(filters), indicator_columns=tuple(indicators))
    index = {c: i for i, c in enumerate(columns)}
    years: set[int] = set()
    for line, row in enumerate(raw, start=2):
        result.rows_read += 1
        if len(row) != len(columns):
            result.problems.append(
                RowProblem(line, "", f"The row has {len(row)} cells; the header has {len(columns)}.")
            )
            continue
        cell = {c: row[i].strip() for c, i in index.items()}
        level = cell["geographic_level"]
        if level in OTHER_LEVELS:
            continue
        if level not in LEVELS:
            result.problems.append(
                RowProblem(line, "geographic_level", f"Unknown geographic level {level!r}.")
            )
            continue
        year = year_of(cell["time_period"])
        if year is None:
            result.problems.append(
                RowProblem(line, "time_period", f"{cell['time_period']!r} is not a year (YYYY or YYYYYY).")
            )
            continue
        if level == NATIONAL:
            code, old, name = cell["country_code"], "", cell.get("country_name") or "England"
        elif level == REGIONAL:
            code, old, name = cell.get("region_code", ""), "", cell.get("region_name", "")
        else:
            code, old, name = (
                cell.get("new_la_code", ""),
                cell.get("old_la_code", ""),
                cell.get("la_name", ""),
            )
        if not code:
            column = {NATIONAL: "country_code", REGIONAL: "region_code"}.get(level, "new_la_code")
            result.problems.append(RowProblem(line, column, f"A {level.lower()} row needs {column}."))
            continue
        if level == LOCAL_AUTHORITY and not re.fullmatch(r"\d{3}", old):
            result.problems.append(
                RowProblem(line, "old_la_code", f"{old!r} is not a 3-digit DfE local authority code.")
            )
            continue
        filter_values = tuple((c, cell[c]) for c in filters)
        parsed: list[Figure] = []
        bad = False
        for column in indicators:
            value = parse_value(cell[column])
            if value is None:
                result.problems.append(
                    RowProblem(line, column, f"{cell[column]!r} is neither a number nor a DfE marker.")
                )
                bad = True
                break
            parsed.append(
                Figure(
                    year=year,
                    time_period=cell["time_period"],
                    time_identifier=cell["time_identifier"],
                    geographic_level=level,
                    area_code=code,
                    old_la_code=old,
                    area_name=name,
                    filters=filter_values,
                    indicator=column,
                    value=value[0],
                    marker=value[1],
                )
            )
        if not bad:
            result.figures.extend(parsed)
            years.add(year)
    result.years = tuple(sorted(years))
    return result
