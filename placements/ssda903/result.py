"""What an SSDA903 import gives back: the canonical tables, the problems found, and what each file was."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class ImportIssue:
    """One problem found in the files, located as the council's data team will look for it.

    ``row`` is the row number a spreadsheet shows: the column-name line is row 1, so the first data row
    is row 2 (blank rows count, as they do on screen). ``row`` is None for problems with a whole file
    (unrecognised, unreadable, missing). ``value`` is the cell as given (surrounding spaces trimmed).
    ``rule`` names the rule (a class in the `rules` package, or a file-level check) so problems can be counted;
    ``code`` is the DfE's code for the rule (e.g. ``"148"``), blank for checks with no DfE equivalent.
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

    ``kind`` is the detected file type (``header``, ``episodes``, ``uasc``, ``oc3``, one of the SSDA903
    files this service does not use, or None when unrecognised). ``rows`` counts data rows, not blank
    rows. ``collection_year`` is the SSDA903 year (e.g. ``2023-24``) of the file's latest date, used to
    order several years' files; ``superseded`` counts rows replaced by the same record in a later file.
    """

    name: str
    kind: str | None
    rows: int
    collection_year: str | None = None
    superseded: int = 0
    encoding: str = "utf-8"


@dataclass
class Ssda903Result:
    """The canonical SSDA903 tables read from a council's files, with every problem found.

    The DataFrames follow the canonical form in docs/HELPERS.md; episodes are sorted by child and start
    date and carry the planning ``category``. Each table also has ``source_file`` and ``source_row`` (the
    file and spreadsheet row each record was read from). When ``ok`` is False the tables still hold every
    row (values as given, upper-cased; unreadable dates as NaT) so that a preview can be shown, but they
    must not be imported: fix the files and read them again.
    """

    header: pd.DataFrame
    episodes: pd.DataFrame
    uasc: pd.DataFrame
    oc3: pd.DataFrame
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no errors were found (warnings do not stop an import)."""
        return not self.errors
