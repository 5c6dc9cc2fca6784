"""Build tiny synthetic SSDA903 files for the reader's tests (made-up children only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from placements.ssda903 import ImportIssue, Ssda903Result, read_ssda903

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ssda903"

HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
]
UASC_COLUMNS = ["CHILD", "SEX", "DOB", "DUC"]
OC3_COLUMNS = ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]

# A valid return: child A1 moved from in-house fostering to an external children's home the same day
# (X1); child A2 has one open episode.
HEADER_ROWS = [
    {"CHILD": "A1", "SEX": "1", "DOB": "01/01/2010", "ETHNIC": "WBRI", "UPN": "A123456789012"},
    {"CHILD": "A2", "SEX": "2", "DOB": "15/06/2012", "ETHNIC": "MWBC", "MOTHER": "1", "MC_DOB": "01/01/2023"},
]
EPISODE_ROWS = [
    {
        "CHILD": "A1",
        "DECOM": "01/04/2023",
        "RNE": "S",
        "LS": "C2",
        "CIN": "N1",
        "PLACE": "U4",
        "PLACE_PROVIDER": "PR1",
        "DEC": "01/09/2023",
        "REC": "X1",
        "REASON_PLACE_CHANGE": "CARPL",
        "HOME_POST": "WS1 1TP",
        "PL_POST": "WV1 1RQ",
        "URN": "SC045099",
    },
    {
        "CHILD": "A1",
        "DECOM": "01/09/2023",
        "RNE": "P",
        "LS": "C2",
        "CIN": "N1",
        "PLACE": "K2",
        "PLACE_PROVIDER": "PR4",
        "HOME_POST": "WS1 1TP",
        "PL_POST": "ST4 1HH",
        "URN": "1234567",
    },
    {
        "CHILD": "A2",
        "DECOM": "10/10/2023",
        "RNE": "S",
        "LS": "V2",
        "CIN": "N4",
        "PLACE": "U1",
        "PLACE_PROVIDER": "PR1",
        "HOME_POST": "WS2 8PQ",
        "PL_POST": "WS2 8PQ",
        "URN": "XXXXXXX",
    },
]


def csv_bytes(
    columns: list[str],
    rows: list[dict[str, str]],
    *,
    newline: str = "\n",
    bom: bool = False,
    encoding: str = "utf-8",
) -> bytes:
    """CSV bytes with the given columns (in the given order); missing cells are blank."""
    lines = [",".join(columns)] + [",".join(row.get(c, "") for c in columns) for row in rows]
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def header_file(rows: list[dict[str, str]] | None = None, **kwargs: Any) -> tuple[str, bytes]:
    return "header.csv", csv_bytes(HEADER_COLUMNS, HEADER_ROWS if rows is None else rows, **kwargs)


def episodes_file(rows: list[dict[str, str]] | None = None, **kwargs: Any) -> tuple[str, bytes]:
    return "episodes.csv", csv_bytes(EPISODE_COLUMNS, EPISODE_ROWS if rows is None else rows, **kwargs)


def changed(rows: list[dict[str, str]], index: int, **cells: str) -> list[dict[str, str]]:
    """A copy of ``rows`` with some cells of one row changed."""
    out = [dict(r) for r in rows]
    out[index].update(cells)
    return out


def read(
    header_rows: list[dict[str, str]] | None = None,
    episode_rows: list[dict[str, str]] | None = None,
    *,
    strict: bool = True,
) -> Ssda903Result:
    """Read a Header and an Episodes file. Strict by default: the rule tests check what each rule finds,
    with every row kept; the policy tests pass ``strict=False``."""
    return read_ssda903([header_file(header_rows), episodes_file(episode_rows)], strict=strict)


def located(issues: list[ImportIssue]) -> list[tuple[str, int | None, str, str, str]]:
    """Issues as (file, row, column, value, rule), for exact comparisons."""
    return [(i.file, i.row, i.column, i.value, i.rule) for i in issues]
