"""Write ``docs/ssda903-rules.md``, the list of every SSDA903 rule, from the rules themselves.

    .venv/bin/python -m placements.ssda903.rules.docs > docs/ssda903-rules.md

A test checks that the document in the repository is what this writes, so it always lists exactly the
rules in `ALL_RULES`.
"""

from __future__ import annotations

import inspect

from ..schema import FILE_KINDS
from . import ALL_RULES
from .base import Rule
from .codes_by_year import (
    NO_PROVIDER_PLACES_BY_YEAR,
    PLACE_BY_YEAR,
    PROVIDER_OPTIONAL_PLACES_BY_YEAR,
    SEX_BY_YEAR,
    URN_EXEMPT_PLACES_BY_YEAR,
    URN_FORBIDDEN_PLACES_BY_YEAR,
    codes_text,
)

_INTRO = """\
# SSDA903 validation rules

<!-- Written by `python -m placements.ssda903.rules.docs`; a test checks it is up to date. Do not edit. -->

Every SSDA903 upload is checked against the rules below before it is imported. Most are the DfE's own
validation rules, under the codes councils know from the DfE-aligned validator (`148`, `526`, `INT03`);
a few are checks of ours with no DfE equivalent (no code). The rules **only report**: each finds the rows
that break it, on the data as given. Whether a row is imported, repaired or held back is decided by the
import policy, not by the rules.

- **Severity**: *error* for the DfE's errors; *warning* for the DfE's queries (something unusual that
  may be right) and our advisory checks.
- **Years**: the collection years (1 April to 31 March, named like 2024-25) whose rows a rule applies to.
  A rule that the DfE added, changed or retired in a year applies to rows of the years it was in force;
  code lists that change by year (below) follow the year of each row.
- **Which year a row is in**: an episode is in the collection year of its file (the year of the file's
  latest date). A Header or UASC row is checked as the latest year among the child's episodes; an OC3 row,
  and any row whose year is unknown, as the latest year in the upload.
- Several years' files can be uploaded together. The same record in two years' files is kept once, from
  the later file, and a child's episodes from all years are checked together (so an episode at the end of
  last year's return and the next one in this year's are checked as neighbours).

## Code lists that change by year

{code_lists}

## The rules

| DfE code | Rule | Files | Years | Severity | What it checks |
|---|---|---|---|---|---|
{rows}

## Where we differ from the DfE-aligned validator

Where the validator's logic plainly departs from the DfE's wording, we follow the wording:

{differences}
"""


def _year_label(year: int) -> str:
    return f"{year - 1}-{year % 100:02d}"


def _code_lists() -> str:
    lists = [
        ("SEX in the Header", SEX_BY_YEAR),
        ("PLACE (placement type)", PLACE_BY_YEAR),
        ("Placements that must have no PLACE_PROVIDER (DfE 213)", NO_PROVIDER_PLACES_BY_YEAR),
        ("Placements whose PLACE_PROVIDER may be blank (DfE 526, 178)", PROVIDER_OPTIONAL_PLACES_BY_YEAR),
        ("Placements that must not give a URN (DfE 222)", URN_FORBIDDEN_PLACES_BY_YEAR),
        ("Placements that need no URN (DfE 218)", URN_EXEMPT_PLACES_BY_YEAR),
    ]
    lines = []
    for title, by_year in lists:
        lines.append(f"**{title}**")
        lines.append("")
        years = sorted(by_year)
        for i, year in enumerate(years):
            last = years[i + 1] - 1 if i + 1 < len(years) else None
            if i == 0:
                span = "all years" if last is None else f"up to {_year_label(last)}"
            elif last is None:
                span = f"from {_year_label(year)}"
            elif last == year:
                span = _year_label(year)
            else:
                span = f"{_year_label(year)} to {_year_label(last)}"
            lines.append(f"- {span}: {codes_text(by_year[year])}")
        lines.append("")
    return "\n".join(lines).rstrip()


def _files(rule: Rule) -> str:
    return ", ".join(FILE_KINDS[t].label for t in rule.tables)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _rows() -> str:
    rows = []
    for rule in ALL_RULES:
        rows.append(
            f"| {rule.code or '-'} | {rule.name()} | {_files(rule)} | {rule.years_text()} | {rule.severity} "
            f"| {_cell(rule.summary())} |"
        )
    return "\n".join(rows)


def _differences() -> str:
    notes = []
    for rule in ALL_RULES:
        doc = inspect.cleandoc(type(rule).__doc__ or "")
        for paragraph in doc.split("\n\n")[1:]:
            text = " ".join(paragraph.split())
            if "validator" in text:
                notes.append(f"- **{rule.code or rule.name()}** ({rule.name()}): {text.strip('()')}")
    return "\n".join(notes)


def rules_markdown() -> str:
    """The rules document, as Markdown."""
    return _INTRO.format(code_lists=_code_lists(), rows=_rows(), differences=_differences())


if __name__ == "__main__":
    print(rules_markdown(), end="")
