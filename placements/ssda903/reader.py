"""Read a council's SSDA903 files (CSV tables or the XML return) into canonical tables, checked against the
DfE rules. docs/ssda903-files.md explains the same for councils.

How files are read (each step tolerates what real exports contain):

1. **What the file is.** Recognised by its content, never its name: a zip is an export folder, read
   file by file (`archive.py`); XML (it starts with ``<``) is the XML return (`xml.py`); anything else is
   read as a CSV table. Empty files, zip files and Excel workbooks,
   and bytes that are not text (NUL or other control bytes) are file problems.
2. **Decoding.** UTF-8, with or without a byte-order mark; UTF-16 when it starts with a UTF-16 mark;
   otherwise, if the bytes are not valid UTF-8, Windows-1252 (cp1252, what older Excel saves) with a
   warning asking the user to check accented letters.
3. **Recognition** (`schema.recognise`). A CSV file is the table whose columns it holds, compared after
   trimming spaces and upper-casing, in any order. Columns the table does not have are dropped at once with
   a warning naming them. A file missing a column of the table it most resembles is a file problem naming
   the table and the columns. SSDA903 tables this service does not use (AD1, OC2, Missing, SWEpisodes, DoLo,
   ...) are skipped with a warning, never refused; a file like no SSDA903 table is a file problem.
4. **Parsing.** Every cell is read as text (never guessed as a number or date), in both LF and CRLF
   files; a row with more cells than there are columns is an error. UPN, MOTHER and MC_DOB are dropped
   as soon as the file is parsed (data minimisation). Unnamed empty columns are ignored.
   Surrounding spaces are trimmed and wholly blank rows skipped, but row numbers stay those a
   spreadsheet shows (the column-name line is row 1; in the XML return, the child's or episode's position).
5. **Cleaning.** Codes are upper-cased; SEX 1/2 become M/F; dates are read from dd/mm/yyyy or yyyy-mm-dd;
   postcodes get one space before the inward code; URN XXXXXXX becomes blank (see `normalise.py`). A date
   column with values of which none is a date (two or more) is a file problem; single bad dates are
   problems with their rows.
6. **Several years at once.** Every table is placed in a collection year (`_assign_years`): the XML
   return in the year it declares; an Episodes file in the latest year in which a real share of its
   episodes ended (DEC), else the year of its latest start; any other table in the year of the Episodes file
   (then Header file) sharing most of its children, else the year of its own latest date. Tables of the
   same kind are merged in year order, files of the same year in the order given: the same record in two
   files (an episode: same CHILD and DECOM; a child: same CHILD) is kept once, from the later file, as a
   later return corrects an earlier one and closes episodes that were open. Every working row carries its
   year as ``_year``.
7. **Validation.** Every row is checked against the rules in the `rules` package (docs/ssda903-rules.md);
   the rules only report, they never change a value.
8. **The import policy.** Unless ``strict``, rows that break the rules are handled by `policy.py`:
   repaired where one reading is clearly right, held back with their whole child where none is, and
   otherwise counted as given. File problems (`FILE_PROBLEMS`: errors with a whole file, and a missing
   Header or Episodes file) refuse the import in either mode.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

import numpy as np
import pandas as pd

from placements.categories import planning_category
from placements.upload_limits import DEFAULT_LIMITS, UploadLimits, text_problem

from .archive import expand_zip, is_zip
from .normalise import (
    clean_column,
    collection_year_end,
    collection_year_label,
)
from .policy import apply_policy
from .result import ERROR, WARNING, FileSummary, ImportIssue, Ssda903Result
from .rules import ALL_RULES, Rule, Ssda903Tables, run_rules
from .schema import (
    EPISODES,
    FILE_KINDS,
    HEADER,
    OC3,
    UASC,
    UNUSED_FILE_KINDS,
    FileKind,
    Recognition,
    recognise,
)
from .xml import XML_ELEMENTS_PER_CELL, XmlReturnError, looks_like_xml, read_xml_return

FileInput = tuple[str, bytes | BinaryIO]

_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
# Control characters that never appear in a text file (tab, line feed and carriage return do).
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")
# A date column is a file problem when at least this many values are given and none is a date; a single
# unreadable value is a problem with its row, reported by the date rules.
_UNREADABLE_DATES_AT_LEAST = 2

XML_RETURN = "xml_return"
"""`FileSummary.kind` of an SSDA903 XML return (which holds several tables)."""

# Names of the file-level checks, as they appear in the summary beside rule names.
FILE_NOT_RECOGNISED = "FileMustBeAnSsda903File"
FILE_MISSING_COLUMNS = "FileMustHaveEveryColumnOfItsTable"
FILE_EXTRA_COLUMNS = "FileColumnsNotInTheTableDropped"
FILE_NOT_READABLE = "FileMustBeReadableCsv"
FILE_NOT_TEXT = "FileMustBeText"
FILE_DATES_UNREADABLE = "FileDateColumnMustHoldDates"
FILE_NOT_XML_RETURN = "FileMustBeAnSsda903XmlReturn"
FILE_ARCHIVE_REFUSED = "ZipMustHoldOnlyAnSsda903Export"
FILE_NOT_UTF8 = "FileShouldBeUtf8"
FILE_NOT_USED = "FileNotUsedByThisService"
FILES_REQUIRED = "HeaderAndEpisodesFilesRequired"

FILE_PROBLEMS: frozenset[str] = frozenset(
    {
        FILE_NOT_RECOGNISED,
        FILE_MISSING_COLUMNS,
        FILE_NOT_READABLE,
        FILE_NOT_TEXT,
        FILE_DATES_UNREADABLE,
        FILE_NOT_XML_RETURN,
        FILE_ARCHIVE_REFUSED,
        FILES_REQUIRED,
    }
)
"""Errors with a whole file (or the set of files): they refuse the import whole, whatever is done with
problems in single rows."""


@dataclass
class _LoadedFile:
    """One recognised, parsed and cleaned table of a file, before files are merged.

    ``year_end`` is the collection year of the table's own dates until `_assign_years` settles it;
    ``declared`` is the year an XML return states. For a table this service does not use, ``frame``
    holds only the children's references.
    """

    name: str
    kind: FileKind
    order: int
    frame: pd.DataFrame
    year_end: int | None
    declared: int | None = None
    xml: bool = False


def read_ssda903(
    files: Sequence[FileInput],
    rules: Sequence[Rule] = ALL_RULES,
    *,
    strict: bool = False,
    limits: UploadLimits = DEFAULT_LIMITS,
) -> Ssda903Result:
    """Read SSDA903 files (CSV tables, XML returns or zipped export folders; one or several years) into
    canonical tables and check them.

    ``files`` is a list of ``(file name, content)`` pairs, the content as bytes or a binary file object.
    The name is used only to locate problems in reports. At least a Header and an Episodes table are
    needed; UASC and OC3 tables are read when given, the other SSDA903 tables noted and skipped. See the
    module docstring for how files are read and merged, and `Ssda903Result` for what comes back.

    ``strict`` keeps the all-or-nothing gate: any error in any row makes ``ok`` False. Otherwise the
    import policy (`policy.py`) repairs or holds back rows, and only problems with whole files make
    ``ok`` False. A CSV file over ``limits`` (rows, columns; `placements.upload_limits`) is refused before it
    is parsed.
    """
    given = bool(files)
    files, refused = _expand_archives(files)
    names = _display_names([name for name, _ in files])
    loaded: list[_LoadedFile] = []
    summaries: list[FileSummary] = []
    file_errors: list[ImportIssue] = []
    file_warnings: list[ImportIssue] = []

    for order, ((_, content), name) in enumerate(zip(files, names, strict=True)):
        if order in refused:
            summaries.append(FileSummary(name, None, 0))
            file_errors.append(_file_issue(name, refused[order], FILE_ARCHIVE_REFUSED))
            continue
        tables, summary, issues = _load_file(name, content, order, limits)
        loaded.extend(tables)
        summaries.append(summary)
        file_errors.extend(i for i in issues if i.severity == ERROR)
        file_warnings.extend(i for i in issues if i.severity == WARNING)

    file_errors.extend(_missing_files(given, summaries, loaded))
    years = _assign_years(loaded)
    summaries = [
        replace(s, collection_year=collection_year_label(years.get(s.name, None))) if s.name in years else s
        for s in summaries
    ]
    loaded = [f for f in loaded if f.kind.used]

    working: dict[str, pd.DataFrame] = {}
    superseded: Counter[str] = Counter()
    earlier_versions: dict[str, pd.DataFrame] = {}
    for kind in FILE_KINDS.values():
        working[kind.name], dropped, earlier_versions[kind.name] = _merge(
            [f for f in loaded if f.kind is kind], kind
        )
        superseded.update(dropped)
    working[EPISODES] = _sort_episodes(working[EPISODES])
    for kind_name in (HEADER, UASC, OC3):
        working[kind_name] = _sort_by_child(working[kind_name])
    tables = Ssda903Tables(
        **working,
        given=frozenset(f.kind.name for f in loaded),
        superseded_episodes=earlier_versions[EPISODES],  # last year's versions, for continuity rules
    )

    # Rows are checked only when every file could be read: rules over a partial return (a Header file
    # without its Episodes file, say) would report problems the council does not have.
    errors, warnings = run_rules(tables, rules) if not file_errors else ([], [])
    order_of = {name: i for i, name in enumerate(names)}
    errors.sort(key=lambda i: (order_of.get(i.file, -1), i.row or 0))
    warnings.sort(key=lambda i: (order_of.get(i.file, -1), i.row or 0))

    outcome = None
    if not strict and not file_errors:
        outcome = apply_policy(tables)
        tables = outcome.tables

    return Ssda903Result(
        header=_canonical(tables.header, FILE_KINDS[HEADER]),
        episodes=_with_category(_canonical(tables.episodes, FILE_KINDS[EPISODES])),
        uasc=_canonical(tables.uasc, FILE_KINDS[UASC]),
        oc3=_canonical(tables.oc3, FILE_KINDS[OC3]),
        errors=file_errors + errors,
        warnings=file_warnings + warnings,
        files=[replace(s, superseded=superseded.get(s.name, 0)) for s in summaries],
        **({"repairs": outcome.repairs, "quarantine": outcome.quarantine} if outcome else {}),
        file_errors=list(file_errors),
        strict=strict,
    )


# --- One file --------------------------------------------------------------------------------------------


def _expand_archives(files: Sequence[FileInput]) -> tuple[list[tuple[str, bytes]], dict[int, str]]:
    """The files given, each zipped export folder replaced by the files it holds (see `archive.py`).

    Returns the files and, by position, why a zip that cannot be read was refused.
    """
    expanded: list[tuple[str, bytes]] = []
    refused: dict[int, str] = {}
    for name, content in files:
        data = bytes(content if isinstance(content, bytes | bytearray) else content.read())
        if is_zip(data):
            archive = expand_zip(name, data)
            if not archive.problem:
                expanded.extend(archive.files)
                continue
            refused[len(expanded)] = archive.problem
        expanded.append((name, data))
    return expanded, refused


def _display_names(names: list[str]) -> list[str]:
    """File names as reports show them; a name given twice (say two years' "episodes.csv") is numbered."""
    counts = Counter(names)
    return [f"{name} (file {i + 1})" if counts[name] > 1 else name for i, name in enumerate(names)]


def _file_issue(name: str, message: str, rule: str, severity: str = ERROR, column: str = "") -> ImportIssue:
    return ImportIssue(name, None, column, "", message, rule, severity)


def _decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was read with."""
    if data.startswith(_UTF16_MARKS):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _normalise_name(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().upper()


def _load_file(
    name: str, content: bytes | BinaryIO, order: int, limits: UploadLimits = DEFAULT_LIMITS
) -> tuple[list[_LoadedFile], FileSummary, list[ImportIssue]]:
    """Recognise one file (CSV table or XML return) and read its tables."""
    data = bytes(content if isinstance(content, bytes | bytearray) else content.read())
    if not data or data.isspace():
        issue = _file_issue(name, "The file is empty.", FILE_NOT_READABLE)
        return [], FileSummary(name, None, 0), [issue]
    if is_zip(data):  # a zip inside a zipped export folder
        message = (
            "This is a zip file or a spreadsheet workbook, not a CSV or XML file. Save each SSDA903 table "
            "as CSV (or export the XML return) and upload those files."
        )
        return [], FileSummary(name, None, 0), [_file_issue(name, message, FILE_NOT_TEXT)]
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 is decoded below
        message = "This file holds a NUL byte: it is not text (a CSV or XML file), so it was not read."
        return [], FileSummary(name, None, 0), [_file_issue(name, message, FILE_NOT_TEXT)]
    if looks_like_xml(data):
        return _load_xml(name, data, order, limits)
    text, encoding = _decode(data)
    del data
    if _is_binary(text):
        message = "This file holds bytes that are not text (it is not a CSV file), so it was not read."
        return [], FileSummary(name, None, 0, encoding=encoding), [_file_issue(name, message, FILE_NOT_TEXT)]
    problem = text_problem(text, limits)
    if problem:
        return (
            [],
            FileSummary(name, None, 0, encoding=encoding),
            [_file_issue(name, problem, FILE_NOT_READABLE)],
        )
    loaded, summary, issues = _load_csv(name, text, encoding, order)
    return ([] if loaded is None else [loaded]), summary, issues


def _is_binary(text: str) -> bool:
    """True for text decoded from bytes that are not text: a NUL, or many other control characters."""
    if "\x00" in text:
        return True
    sample = text[:65536]
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 100)


def _load_csv(
    name: str, text: str, encoding: str, order: int
) -> tuple[_LoadedFile | None, FileSummary, list[ImportIssue]]:
    """Recognise, parse and clean one CSV file."""
    issues: list[ImportIssue] = []
    if encoding == "cp1252":
        issues.append(
            _file_issue(
                name,
                "This file is not valid UTF-8, so it was read as Windows-1252 (cp1252), the encoding older "
                "versions of Excel use. Check any accented letters; to avoid this note, save the file as "
                "'CSV UTF-8'.",
                FILE_NOT_UTF8,
                WARNING,
            )
        )

    # The first line, ended by any of the newlines a CSV may use (a lone carriage return included).
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    try:
        found = next(csv.reader([first_line]), [])
    except csv.Error:
        found = []
    columns = [_normalise_name(c) for c in found]
    if not any(columns):
        issues.append(
            _file_issue(
                name,
                "The first row of the file is empty: the first row must hold the column names.",
                FILE_NOT_READABLE,
            )
        )
        return None, FileSummary(name, None, 0, encoding=encoding), issues

    # Spreadsheets sometimes save empty columns after the data: columns without a name are ignored
    # (unless they hold values, checked below).
    named = [c for c in columns if c]
    repeated = sorted(c for c, n in Counter(named).items() if n > 1)
    if repeated:
        issues.append(
            _file_issue(
                name,
                f"The column {', '.join(repeated)} appears more than once. Each column must appear once.",
                FILE_NOT_READABLE,
                column=", ".join(repeated),
            )
        )
        return None, FileSummary(name, None, 0, encoding=encoding), issues

    recognition = recognise(frozenset(named))
    kind = recognition.kind
    if kind is None:
        issues.append(_unrecognised_issue(name, named, recognition))
        closest = recognition.closest
        summary_kind = closest.name if closest is not None and not closest.used else None
        return None, FileSummary(name, summary_kind, 0, encoding=encoding), issues
    if recognition.extra and kind.used:
        issues.append(
            _file_issue(
                name,
                f"This is the SSDA903 {kind.label} file with columns the table does not have: "
                f"{', '.join(recognition.extra)}. They were dropped without being read.",
                FILE_EXTRA_COLUMNS,
                WARNING,
                column=", ".join(recognition.extra),
            )
        )

    try:
        # Every column is read so that a row with more cells than there are columns is an error rather
        # than silently shifted or cut; the columns we must not hold are dropped straight after.
        frame = pd.read_csv(
            io.StringIO(text),
            header=0,
            index_col=False,  # never take the first column as an index, whatever trailing commas suggest
            dtype=object,  # every cell is text: never guess numbers or dates
            na_filter=False,  # a blank cell is "", never NaN
            skip_blank_lines=False,  # keep blank lines so row numbers match a spreadsheet's
        )
    except (pd.errors.ParserError, ValueError) as exc:
        issues.append(_file_issue(name, f"The file could not be read as CSV ({exc}).", FILE_NOT_READABLE))
        return None, FileSummary(name, kind.name, 0, encoding=encoding), issues
    del text
    if frame.shape[1] != len(columns):
        issues.append(_file_issue(name, "The column names could not be read.", FILE_NOT_READABLE))
        return None, FileSummary(name, kind.name, 0, encoding=encoding), issues
    frame.columns = range(len(columns))
    # Data minimisation: UPN, MOTHER, MC_DOB and any column the table does not have leave memory before
    # any row is looked at.
    wanted = {c.name for c in kind.columns}
    frame = frame.drop(columns=[i for i, c in enumerate(columns) if c and c not in wanted])

    for i in (i for i, c in enumerate(columns) if not c):
        if (frame.pop(i).str.strip() != "").any():
            issues.append(
                _file_issue(
                    name,
                    f"Column {i + 1} holds values but has no name. Name it or delete it.",
                    FILE_NOT_READABLE,
                )
            )
    if any(i.severity == ERROR for i in issues):
        return None, FileSummary(name, kind.name, 0, encoding=encoding), issues

    position = {c: i for i, c in enumerate(columns) if c}
    cells = {c.name: frame[position[c.name]].to_numpy(dtype=object) for c in kind.columns}
    del frame
    loaded, rows, table_issues = _table(name, kind, cells, None, order)
    issues.extend(table_issues)
    if not kind.used:
        issues.append(
            _file_issue(
                name,
                f"This is the SSDA903 {kind.label} file, which this service does not use. It was skipped.",
                FILE_NOT_USED,
                WARNING,
            )
        )
    summary = FileSummary(name, kind.name, rows, encoding=encoding, label=kind.label)
    return loaded, summary, issues


def _table(
    name: str, kind: FileKind, cells: dict[str, np.ndarray], rows: np.ndarray | None, order: int
) -> tuple[_LoadedFile | None, int, list[ImportIssue]]:
    """Clean one table's cell text into a working frame.

    ``rows`` locates each record (None for a CSV: the spreadsheet row, counting the column names as row 1).
    Wholly blank rows are skipped. Returns the loaded table (None when refused, or for a table this
    service does not use), the number of records and any file-level problems.
    """
    columns = kind.columns if kind.used else tuple(c for c in kind.columns if c.name == "CHILD")
    cleaned = {c.name: clean_column(cells[c.name], c.kind) for c in columns}
    filled = np.zeros(len(next(iter(cells.values()))), dtype=bool)
    for column in kind.columns:
        trimmed = (cleaned.get(column.name) or clean_column(cells[column.name], "code"))[0]
        filled |= trimmed != ""
    del cells
    located = (np.arange(len(filled)) + 2 if rows is None else rows)[filled]
    if not filled.all():
        cleaned = {c: (trimmed[filled], values[filled]) for c, (trimmed, values) in cleaned.items()}

    if not kind.used:
        # Only the children's references are kept, to place the table in a collection year.
        frame = pd.DataFrame({"child": pd.Series(cleaned["CHILD"][1], dtype=object)})
        return _LoadedFile(name, kind, order, frame, None), len(located), []

    issues = []
    for column in kind.columns:
        if column.kind != "date":
            continue
        trimmed, values = cleaned[column.name]
        given = trimmed != ""
        if given.sum() >= _UNREADABLE_DATES_AT_LEAST and pd.isna(values[given]).all():
            issues.append(
                _file_issue(
                    name,
                    f"None of the {int(given.sum())} values in the {column.name} column of this "
                    f"{kind.label} file can be read as a date, so the file was not read. Dates must be "
                    "written dd/mm/yyyy (or yyyy-mm-dd); check how the column was exported.",
                    FILE_DATES_UNREADABLE,
                    column=column.name,
                )
            )
    if issues:
        return None, len(located), issues
    working = _working_frame(kind, cleaned, name, located, order)
    # Every row carries its file's collection year (the year ending 31 March ``_year``): code lists and
    # rules follow the year of the return a row came from. This is the year of the table's own dates;
    # `_assign_years` settles it once every file has been read (0 when no year is known).
    year_end = _year_end(working, kind)
    working["_year"] = np.full(len(working), year_end or 0, dtype="int64")
    return _LoadedFile(name, kind, order, working, year_end), len(located), []


def _load_xml(
    name: str, data: bytes, order: int, limits: UploadLimits = DEFAULT_LIMITS
) -> tuple[list[_LoadedFile], FileSummary, list[ImportIssue]]:
    """Read the tables of an SSDA903 XML return, each cleaned as the same CSV table would be."""
    try:
        parsed = read_xml_return(data, max_elements=limits.max_cells * XML_ELEMENTS_PER_CELL)
    except XmlReturnError as exc:
        return (
            [],
            FileSummary(name, None, 0, encoding="xml"),
            [_file_issue(name, str(exc), FILE_NOT_XML_RETURN)],
        )
    del data
    loaded: list[_LoadedFile] = []
    issues: list[ImportIssue] = []
    for table, cells in parsed.tables.items():
        kind = FILE_KINDS[table]
        if not len(parsed.rows[table]):
            continue
        result, _, table_issues = _table(name, kind, cells, parsed.rows[table], order)
        issues.extend(table_issues)
        if result is not None:
            result.declared = parsed.year_end
            result.xml = True
            loaded.append(result)
    for table, count in sorted(parsed.unused.items()):
        issues.append(
            _file_issue(
                name,
                f"The XML return holds {count} {UNUSED_FILE_KINDS[table].label} records, which this service "
                "does not use. They were skipped.",
                FILE_NOT_USED,
                WARNING,
            )
        )
    counts = ", ".join(f"{FILE_KINDS[t].label} {len(r)}" for t, r in parsed.rows.items() if len(r))
    summary = FileSummary(
        name,
        XML_RETURN,
        parsed.children,
        collection_year_label(parsed.year_end),
        encoding="xml",
        label=f"SSDA903 XML return ({counts})",
    )
    return loaded, summary, issues


def _unrecognised_issue(name: str, columns: list[str], recognition: Recognition) -> ImportIssue:
    """Say what was found and how it differs from the closest SSDA903 table."""
    closest = recognition.closest
    if closest is None:
        return _file_issue(
            name,
            "The columns of this file do not match any SSDA903 table, so it was not read. "
            f"Columns found: {', '.join(columns)}.",
            FILE_NOT_RECOGNISED,
        )
    missing = ", ".join(recognition.missing)
    extra = sorted(set(columns) - closest.signature)
    message = (
        f"This looks like the SSDA903 {closest.label} file, but it has no {missing} column"
        f"{'s' if len(recognition.missing) > 1 else ''}. Missing: {missing}. The {closest.label} file "
        f"needs the columns {', '.join(c.name for c in closest.columns)}."
    )
    if extra:
        message += f" Not expected: {', '.join(extra)}."
    if not closest.used:
        return _file_issue(
            name,
            message + " This service does not use that table: it was skipped.",
            FILE_NOT_USED,
            WARNING,
            column=missing,
        )
    return _file_issue(name, message + " The file was not read.", FILE_MISSING_COLUMNS, column=missing)


def _working_frame(
    kind: FileKind, cleaned: dict[str, tuple[np.ndarray, np.ndarray]], name: str, rows: np.ndarray, order: int
) -> pd.DataFrame:
    """The table rules check: cell text as given (upper-case names), cleaned values (lower-case names)."""
    data: dict[str, pd.Series] = {}
    for column in kind.columns:
        trimmed, values = cleaned[column.name]
        data[column.name] = pd.Series(trimmed, dtype=object, copy=False)
        data[column.canonical] = pd.Series(values, dtype=values.dtype, copy=False)
    data["_file"] = pd.Series(np.full(len(rows), name, dtype=object), dtype=object)
    data["_row"] = pd.Series(rows)
    data["_order"] = pd.Series(np.full(len(rows), order))
    # concat (not the DataFrame constructor) keeps one block per column: no copy of a million rows.
    return pd.concat(data, axis=1)


def _year_end(frame: pd.DataFrame, kind: FileKind) -> int | None:
    dates = [frame[c.lower()] for c in kind.recency_columns]
    latest = pd.concat(dates, ignore_index=True) if dates else pd.Series([], dtype="datetime64[ns]")
    return collection_year_end(latest)


def _empty_working(kind: FileKind) -> pd.DataFrame:
    empty = np.empty(0, dtype=object)
    cleaned = {c.name: clean_column(empty, c.kind) for c in kind.columns}
    frame = _working_frame(kind, cleaned, "", np.empty(0, dtype=int), 0)
    frame["_year"] = np.empty(0, dtype="int64")
    return frame


def _missing_files(given: bool, summaries: list[FileSummary], loaded: list[_LoadedFile]) -> list[ImportIssue]:
    """A Header and an Episodes table are both needed to count anything."""
    if not given:
        return [
            _file_issue(
                "", "No files were given. Upload the SSDA903 Header and Episodes files.", FILES_REQUIRED
            )
        ]
    detected = {s.kind for s in summaries} | {f.kind.name for f in loaded}
    issues = []
    for kind in (FILE_KINDS[HEADER], FILE_KINDS[EPISODES]):
        if kind.name not in detected:
            issues.append(
                _file_issue(
                    "",
                    f"No {kind.label} file was found. Upload the SSDA903 {kind.label} file (columns "
                    f"{', '.join(c.name for c in kind.columns)}) with the other files, or the XML return.",
                    FILES_REQUIRED,
                )
            )
    return issues


# --- Collection years ------------------------------------------------------------------------------------


def _assign_years(loaded: list[_LoadedFile]) -> dict[str, int | None]:
    """Settle the collection year of every table read, set each row's ``_year``, and return each file's.

    - An XML return belongs to the year it declares.
    - An Episodes table belongs to the latest collection year in which a real share of its episodes ended
      (DEC; at least two, and a tenth of the busiest year's): an episode or two closed just after 31 March
      cannot move it, and a whole-history export belongs to its latest year. With no DEC, it is the year
      of its latest start (DECOM).
    - A care leavers' table (OC3) belongs to the year at whose 31 March most of its young people are 17
      to 21 (their episodes are in earlier years' files).
    - Any other table (Header, UASC, and the tables this service does not use) belongs to the year of the
      Episodes table sharing most of its children; when no Episodes table shares any, to the year of its
      own latest date, as before.
    - An XML return that declares no year belongs to the year of its own episodes, as a whole.
    """
    for f in loaded:
        if f.declared is not None:
            f.year_end = f.declared
        elif f.kind.name == EPISODES:
            f.year_end = _episodes_year(f.frame)
    xml_years = {f.name: f.year_end for f in loaded if f.xml and f.kind.name == EPISODES}
    for f in loaded:
        if f.xml and f.declared is None and f.kind.name != EPISODES:
            f.year_end = xml_years.get(f.name, f.year_end)
    episodes = _dated_children(loaded, EPISODES)
    for f in loaded:
        if not f.xml and f.kind.name == HEADER:
            f.year_end = _year_of_most_shared(f, episodes) or f.year_end
    # Care leavers (OC3) have left care: their episodes are in earlier years' files. They are 17 to 21 at
    # the end of their return's year, so the year in which most of them are of that age places the file;
    # without readable dates of birth, the Header that lists them does.
    headers = _dated_children(loaded, HEADER)
    for f in loaded:
        if not f.xml and f.kind.name == OC3:
            known = {year for year, _ in episodes + headers}
            f.year_end = _care_leavers_year(f.frame, known) or _year_of_most_shared(f, headers) or f.year_end
        elif not f.xml and f.kind.name not in (EPISODES, HEADER):
            f.year_end = _year_of_most_shared(f, episodes) or _year_of_most_shared(f, headers) or f.year_end
    years: dict[str, int | None] = {}
    for f in loaded:
        if f.kind.used:
            f.frame["_year"] = np.full(len(f.frame), f.year_end or 0, dtype="int64")
        years[f.name] = max(years.get(f.name) or 0, f.year_end or 0) or None
    return years


def _care_leavers_year(frame: pd.DataFrame, known: set[int]) -> int | None:
    """The collection year (its end) at whose 31 March most of a care leavers' table are aged 17 to 21;
    on a tie (a small table), a year of the other files uploaded (``known``), then the later year. None
    without a readable date of birth."""
    dob = frame["dob"].dropna()
    if dob.empty:
        return None
    born = dob.dt.year.to_numpy(dtype="int64")
    # Born after 31 March: their birthday of year Y is after 31 March Y, so a year younger then.
    later_in_year = (dob.dt.month > 3).to_numpy(dtype="int64")
    best: tuple[int, bool, int] | None = None
    for year_end in range(int(born.min()) + 17, int(born.max()) + 23):
        age = year_end - born - later_in_year
        best = max(
            best or (0, False, 0), (int(((age >= 17) & (age <= 21)).sum()), year_end in known, year_end)
        )
    return best[2] if best and best[0] else None


def _dated_children(loaded: list[_LoadedFile], kind: str) -> list[tuple[int, frozenset[str]]]:
    """The collection year and children of every table of a kind whose year is known."""
    return [
        (f.year_end, _children(f.frame)) for f in loaded if f.kind.name == kind and f.year_end is not None
    ]


def _year_of_most_shared(table: _LoadedFile, others: list[tuple[int, frozenset[str]]]) -> int | None:
    """The year of the table in ``others`` sharing most of ``table``'s children (then the most alike, then
    the later year); None when none shares any."""
    children = _children(table.frame)
    best = None
    for year, other in others:
        shared = len(children & other)
        if shared:
            alike = shared / len(children | other)
            best = max(best or (0, 0.0, 0), (shared, alike, year))
    return None if best is None else best[2]


def _children(frame: pd.DataFrame) -> frozenset[str]:
    """The distinct child references of a table."""
    distinct = pd.unique(frame["child"].to_numpy(dtype=object))  # hashing: no sort of every row
    return frozenset(distinct[pd.notna(distinct)].tolist())


def _episodes_year(frame: pd.DataFrame) -> int | None:
    """The latest collection year in which a real share of the episodes ended, else of the latest start.

    A year counts when at least two episodes and a tenth as many as in the busiest year ended in it: one
    DEC (or a few) typed a day past 31 March cannot move a year's return into the next year, while an
    export of the whole history (many years in one file) belongs to its latest year.
    """
    ended = frame["dec"].dropna()
    if ended.empty:
        return collection_year_end(frame["decom"])
    years = ended.dt.year + (ended.dt.month >= 4).astype(int)
    counts = years.value_counts()
    real = counts[counts >= max(2, counts.max() / 10)]
    return int((real if len(real) else counts).index.max())


# --- Several files of one kind ---------------------------------------------------------------------------


def _merge(
    files: list[_LoadedFile], kind: FileKind
) -> tuple[pd.DataFrame, Counter[str], pd.DataFrame | None]:
    """One working table from several years' files of one kind, each record kept from its latest file.

    Returns the table, per file name how many of its rows were superseded by a later file, and those
    superseded rows (None when there are none), which continuity rules compare with the later versions.
    Rows whose key (CHILD, and DECOM for episodes) is blank or unreadable are always kept: the rules
    report them.
    """
    if not files:
        return _empty_working(kind), Counter(), None
    ranked = sorted(files, key=lambda f: (-1 if f.year_end is None else f.year_end, f.order))
    if len(ranked) == 1:
        return ranked[0].frame, Counter(), None
    frame = pd.concat([f.frame.assign(_rank=rank) for rank, f in enumerate(ranked)], ignore_index=True)
    key = [c.lower() for c in kind.key]
    keyed = frame[key].notna().all(axis=1)
    latest = frame.loc[keyed].groupby(key, sort=False)["_rank"].transform("max")
    superseded = keyed & (frame["_rank"] < latest.reindex(frame.index))
    dropped = Counter(frame.loc[superseded, "_file"].tolist())
    earlier = frame.loc[superseded].drop(columns="_rank").reset_index(drop=True) if superseded.any() else None
    return frame.loc[~superseded].drop(columns="_rank").reset_index(drop=True), dropped, earlier


def _sort_episodes(frame: pd.DataFrame) -> pd.DataFrame:
    """Episodes in child order, each child's in start-date order (file and row break ties)."""
    child_rank, _ = pd.factorize(frame["child"].to_numpy(dtype=object), sort=True)
    decom = frame["decom"].to_numpy().view("i8")
    order = np.lexsort((frame["_row"].to_numpy(), frame["_order"].to_numpy(), decom, child_rank))
    return frame.take(order).reset_index(drop=True)


def _sort_by_child(frame: pd.DataFrame) -> pd.DataFrame:
    child_rank, _ = pd.factorize(frame["child"].to_numpy(dtype=object), sort=True)
    order = np.lexsort((frame["_row"].to_numpy(), frame["_order"].to_numpy(), child_rank))
    return frame.take(order).reset_index(drop=True)


# --- Canonical output ------------------------------------------------------------------------------------


def _canonical(frame: pd.DataFrame, kind: FileKind) -> pd.DataFrame:
    """The canonical table (docs/ssda903-files.md, "The canonical tables"): cleaned columns, text as ``str``/None, dates as NaT when blank.

    Two trailing columns say where each row came from, so that later checks (such as the register's
    field widths) can point at the same file and row: ``source_file`` and ``source_row``.
    """
    out = {}
    for column in kind.columns:
        values = frame[column.canonical]
        if column.kind == "date":
            out[column.canonical] = values.astype("datetime64[ns]")
        else:
            out[column.canonical] = pd.Series(values.to_numpy(dtype=object), dtype=object)
    out["source_file"] = pd.Series(frame["_file"].to_numpy(dtype=object), dtype=object)
    out["source_row"] = pd.Series(frame["_row"].to_numpy(dtype="int64"))
    return pd.concat(out, axis=1) if out else pd.DataFrame()


def _with_category(episodes: pd.DataFrame) -> pd.DataFrame:
    """Add each episode's planning category (placements.categories.planning_category).

    The category is worked out once per distinct (PLACE, PLACE_PROVIDER) pair, not once per episode.
    """
    place_code, places = pd.factorize(episodes["place"].to_numpy(dtype=object), use_na_sentinel=False)
    provider_code, providers = pd.factorize(
        episodes["place_provider"].to_numpy(dtype=object), use_na_sentinel=False
    )
    width = max(len(providers), 1)
    pair_code, pairs = pd.factorize(place_code * width + provider_code)
    categories = np.array(
        [planning_category(_text(places[p // width]), _text(providers[p % width])) for p in pairs],
        dtype=object,
    )
    episodes["category"] = pd.Series(categories.take(pair_code), dtype=object)
    return episodes


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
