"""Read a council's SSDA903 CSV files into canonical tables, checking them against the DfE rules.

How files are read (each step tolerates what real exports contain):

1. **Decoding.** UTF-8, with or without a byte-order mark; UTF-16 when it starts with a UTF-16 mark;
   otherwise, if the bytes are not valid UTF-8, Windows-1252 (cp1252, what older Excel saves) with a
   warning asking the user to check accented letters.
2. **Recognition.** A file is recognised by its exact set of column names, compared after trimming spaces
   and upper-casing, in any order. The file name is never used. A file that is part of the SSDA903 return
   but not used here (AD1, OC2, Missing, ...) is skipped with a warning; any other file is an error that
   lists the columns found and the closest SSDA903 file.
3. **Parsing.** Every cell is read as text (never guessed as a number or date), in both LF and CRLF
   files; a row with more cells than there are columns is an error. UPN, MOTHER and MC_DOB are dropped
   as soon as the file is parsed (data minimisation). Unnamed empty columns are ignored.
   Surrounding spaces are trimmed and wholly blank rows skipped, but row numbers stay those a
   spreadsheet shows (the column-name line is row 1).
4. **Cleaning.** Codes are upper-cased; SEX 1/2 become M/F; dates are read from dd/mm/yyyy or yyyy-mm-dd;
   postcodes get one space before the inward code; URN XXXXXXX becomes blank (see `normalise.py`).
5. **Several years at once.** Files of the same kind are ordered by their *collection year*: the
   SSDA903 year (1 April to 31 March) containing the file's latest date (DECOM or DEC for Episodes, DOB
   for Header and OC3, DUC or DOB for UASC). Files in the same collection year, or without readable
   dates, keep the order they were given in. The same record in two files (an episode: same CHILD and
   DECOM; a child: same CHILD) is kept once, from the later file: a later return corrects an earlier one
   and closes episodes that were open.
6. **Validation.** Every row is checked against the rules in the `rules` package (docs/ssda903-rules.md);
   the rules only report, they never change a value.
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

from .normalise import (
    clean_column,
    collection_year_end,
    collection_year_label,
)
from .result import ERROR, WARNING, FileSummary, ImportIssue, Ssda903Result
from .rules import ALL_RULES, Rule, Ssda903Tables, run_rules
from .schema import ALL_FILE_KINDS, EPISODES, FILE_KINDS, HEADER, OC3, UASC, FileKind

FileInput = tuple[str, bytes | BinaryIO]

_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")

# Names of the file-level checks, as they appear in the summary beside rule names.
FILE_NOT_RECOGNISED = "FileMustBeAnSsda903File"
FILE_NOT_READABLE = "FileMustBeReadableCsv"
FILE_NOT_UTF8 = "FileShouldBeUtf8"
FILE_NOT_USED = "FileNotUsedByThisService"
FILES_REQUIRED = "HeaderAndEpisodesFilesRequired"


@dataclass
class _LoadedFile:
    """One recognised, parsed and cleaned file, before files are merged."""

    name: str
    kind: FileKind
    order: int
    frame: pd.DataFrame
    year_end: int | None


def read_ssda903(files: Sequence[FileInput], rules: Sequence[Rule] = ALL_RULES) -> Ssda903Result:
    """Read SSDA903 CSV files (one or several years) into canonical tables and check them.

    ``files`` is a list of ``(file name, content)`` pairs, the content as bytes or a binary file object.
    The name is used only to locate problems in reports. At least a Header and an Episodes file are
    needed; UASC and OC3 files are read when given. See the module docstring for how files are read and
    merged, and `Ssda903Result` for what comes back.
    """
    names = _display_names([name for name, _ in files])
    loaded: list[_LoadedFile] = []
    summaries: list[FileSummary] = []
    file_errors: list[ImportIssue] = []
    file_warnings: list[ImportIssue] = []

    for order, ((_, content), name) in enumerate(zip(files, names, strict=True)):
        result, summary, issues = _load_file(name, content, order)
        if result is not None:
            loaded.append(result)
        summaries.append(summary)
        file_errors.extend(i for i in issues if i.severity == ERROR)
        file_warnings.extend(i for i in issues if i.severity == WARNING)

    file_errors.extend(_missing_files(files, summaries))

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

    errors, warnings = run_rules(tables, rules)
    order_of = {name: i for i, name in enumerate(names)}
    errors.sort(key=lambda i: (order_of.get(i.file, -1), i.row or 0))
    warnings.sort(key=lambda i: (order_of.get(i.file, -1), i.row or 0))

    return Ssda903Result(
        header=_canonical(tables.header, FILE_KINDS[HEADER]),
        episodes=_with_category(_canonical(tables.episodes, FILE_KINDS[EPISODES])),
        uasc=_canonical(tables.uasc, FILE_KINDS[UASC]),
        oc3=_canonical(tables.oc3, FILE_KINDS[OC3]),
        errors=file_errors + errors,
        warnings=file_warnings + warnings,
        files=[replace(s, superseded=superseded.get(s.name, 0)) for s in summaries],
    )


# --- One file --------------------------------------------------------------------------------------------


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
    name: str, content: bytes | BinaryIO, order: int
) -> tuple[_LoadedFile | None, FileSummary, list[ImportIssue]]:
    """Decode, recognise, parse and clean one file."""
    data = content if isinstance(content, bytes | bytearray) else content.read()
    text, encoding = _decode(bytes(data))
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
    except csv.Error:  # e.g. a NUL byte: not a text file
        found = []
    columns = [_normalise_name(c) for c in found]
    if not any(columns):
        issues.append(
            _file_issue(
                name,
                "The file is empty, or its first row is: the first row must hold the column names.",
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

    kind = next((k for k in ALL_FILE_KINDS.values() if k.signature == frozenset(named)), None)
    if kind is None:
        issues.append(_file_issue(name, _unrecognised_message(named), FILE_NOT_RECOGNISED))
        return None, FileSummary(name, None, 0, encoding=encoding), issues

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
    # Data minimisation: UPN, MOTHER and MC_DOB leave memory before any row is looked at.
    frame = frame.drop(columns=[i for i, c in enumerate(columns) if c in kind.dropped])

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
    cleaned = {
        c.name: clean_column(frame[position[c.name]].to_numpy(dtype=object), c.kind) for c in kind.columns
    }
    del frame
    filled = np.zeros(len(next(iter(cleaned.values()))[0]), dtype=bool)
    for trimmed, _ in cleaned.values():
        filled |= trimmed != ""
    rows = np.flatnonzero(filled) + 2  # row 1 is the column names

    if not kind.used:
        issues.append(
            _file_issue(
                name,
                f"This is the SSDA903 {kind.label} file, which this service does not use. It was skipped.",
                FILE_NOT_USED,
                WARNING,
            )
        )
        return None, FileSummary(name, kind.name, len(rows), encoding=encoding), issues

    if not filled.all():
        cleaned = {c: (trimmed[filled], values[filled]) for c, (trimmed, values) in cleaned.items()}
    working = _working_frame(kind, cleaned, name, rows, order)
    year_end = _year_end(working, kind)
    # Every row carries its file's collection year (the year ending 31 March ``_year``): code lists and
    # rules follow the year of the return a row came from. 0 when the file gives no readable date.
    working["_year"] = np.full(len(working), year_end or 0, dtype="int64")
    summary = FileSummary(name, kind.name, len(rows), collection_year_label(year_end), encoding=encoding)
    return _LoadedFile(name, kind, order, working, year_end), summary, issues


def _unrecognised_message(columns: list[str]) -> str:
    """Say what was found and how it differs from the closest SSDA903 file."""
    found = {c for c in columns if c}

    def likeness(kind: FileKind) -> float:
        return len(found & kind.signature) / len(found | kind.signature)

    closest = max(ALL_FILE_KINDS.values(), key=likeness)
    parts = [
        "The columns of this file do not match any SSDA903 file, so it was not read. "
        f"Columns found: {', '.join(c for c in columns if c)}.",
        f"The closest is the {closest.label} file, which has exactly the columns "
        f"{', '.join(sorted(closest.signature))}.",
    ]
    missing = sorted(closest.signature - found)
    extra = sorted(found - closest.signature)
    if missing:
        parts.append(f"Missing: {', '.join(missing)}.")
    if extra:
        parts.append(f"Not expected: {', '.join(extra)}.")
    return " ".join(parts)


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


def _missing_files(files: Sequence[FileInput], summaries: list[FileSummary]) -> list[ImportIssue]:
    """A Header and an Episodes file are both needed to count anything."""
    if not files:
        return [
            _file_issue(
                "", "No files were given. Upload the SSDA903 Header and Episodes files.", FILES_REQUIRED
            )
        ]
    detected = {s.kind for s in summaries}
    issues = []
    for kind in (FILE_KINDS[HEADER], FILE_KINDS[EPISODES]):
        if kind.name not in detected:
            issues.append(
                _file_issue(
                    "",
                    f"No {kind.label} file was found. Upload the SSDA903 {kind.label} file (columns "
                    f"{', '.join(sorted(kind.signature))}) with the other files.",
                    FILES_REQUIRED,
                )
            )
    return issues


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
    """The canonical table (docs/HELPERS.md): cleaned columns, text as ``str``/None, dates as NaT when blank.

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
