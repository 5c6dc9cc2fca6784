"""What an SSDA903 import gives back: the canonical tables, the problems found, and what each file was."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

ERROR = "error"
WARNING = "warning"

# What the import did about a row that breaks a rule (see `policy.py`).
REPORTED = "reported"  # counted as given
REPAIRED = "repaired"
QUARANTINED = "quarantined"  # held back with the rest of the child's record

# One row per row changed or removed by a repair.
REPAIR_COLUMNS = ["table", "file", "row", "child", "column", "value", "repaired", "rule", "code", "message"]
# One row per row held back; ``values`` holds the row's cells as given (never UPN, MOTHER or MC_DOB,
# which the reader drops as soon as a file is parsed).
QUARANTINE_COLUMNS = ["table", "file", "row", "child", "column", "value", "rule", "code", "message", "values"]


def empty_repairs() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else object) for c in REPAIR_COLUMNS})


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series([], dtype="int64" if c == "row" else object) for c in QUARANTINE_COLUMNS}
    )


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in the files, located as the council's data team will look for it.

    ``row`` is the row number a spreadsheet shows: the column-name line is row 1, so the first data row
    is row 2 (blank rows count, as they do on screen). ``row`` is None for problems with a whole file
    (unrecognised, unreadable, missing). ``value`` is the cell as given (surrounding spaces trimmed).
    ``rule`` names the rule (a class in the `rules` package, or a file-level check) so problems can be
    counted; ``code`` is the DfE's code for the rule (e.g. ``"148"``), blank for checks with no DfE
    equivalent.
    """

    file: str
    row: int | None
    column: str
    value: str
    message: str
    rule: str = ""
    severity: str = ERROR
    code: str = ""


# The brief for this package calls the record "ImportError"; that name would hide Python's built-in
# exception wherever it is imported, so the class is ImportIssue and this alias is kept for callers.
ImportError = ImportIssue  # noqa: A001


@dataclass(frozen=True)
class FileSummary:
    """One uploaded file as the reader understood it.

    ``kind`` is the detected table (``header``, ``episodes``, ``uasc``, ``oc3``, one of the SSDA903
    tables this service does not use, ``xml_return`` for the XML return, or None when unrecognised) and
    ``label`` names it for people (e.g. ``Episodes``). ``rows`` counts data rows, not blank rows (for the
    XML return: children). ``collection_year`` is the SSDA903 year (e.g. ``2023-24``) the file belongs to,
    used to order several years' files (see the reader); ``superseded`` counts rows replaced by the same
    record in a later file.
    """

    name: str
    kind: str | None
    rows: int
    collection_year: str | None = None
    superseded: int = 0
    encoding: str = "utf-8"
    label: str = ""


@dataclass
class Ssda903Result:
    """The canonical SSDA903 tables read from a council's files, with every problem found.

    The DataFrames follow the canonical form in docs/ssda903-files.md, "The canonical tables"; episodes are sorted by child and start
    date and carry the planning ``category``. Each table also has ``source_file`` and ``source_row`` (the
    file and spreadsheet row each record was read from).

    By default (``strict`` False) rows that break the rules are handled by the import policy
    (`policy.py`): the tables hold the repaired values and leave out the children held back;
    ``repairs`` and ``quarantine`` say what was changed and what was held back, row by row; ``errors``
    and ``warnings`` still list every rule broken in the files as given. ``file_errors`` are the problems
    with whole files, which refuse the import in either mode.

    When ``ok`` is False the tables hold every row (values as given, upper-cased; unreadable dates as
    NaT) so that a preview can be shown, but they must not be imported: fix the files and read them again.
    """

    header: pd.DataFrame
    episodes: pd.DataFrame
    uasc: pd.DataFrame
    oc3: pd.DataFrame
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    repairs: pd.DataFrame = field(default_factory=empty_repairs)
    quarantine: pd.DataFrame = field(default_factory=empty_quarantine)
    file_errors: list[ImportIssue] = field(default_factory=list)
    strict: bool = True

    @property
    def ok(self) -> bool:
        """True when the tables may be imported: no problem with a whole file and, in strict mode, no
        error in any row (warnings never stop an import)."""
        return not (self.errors if self.strict else self.file_errors)

    @property
    def quarantined_children(self) -> int:
        """How many children were held back (rows without a child reference are not children)."""
        children = self.quarantine["child"]
        return int(children[children != ""].nunique())

    def actions(self, issues: list[ImportIssue]) -> list[str]:
        """What the import did about each issue's row: quarantined, repaired, or reported (counted as given).

        File problems are "reported" (they refuse the import, so nothing was done to rows).
        """
        held = set(zip(self.quarantine["file"], self.quarantine["row"], strict=True))
        fixed = set(zip(self.repairs["file"], self.repairs["row"], strict=True))
        out = []
        for issue in issues:
            key = (issue.file, issue.row)
            out.append(QUARANTINED if key in held else REPAIRED if key in fixed else REPORTED)
        return out
