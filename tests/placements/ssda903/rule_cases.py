"""Build the working tables rules check, straight from rows, with the collection year chosen (synthetic)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from placements.ssda903.normalise import clean_column
from placements.ssda903.rules import Rule, Ssda903Tables, run_rules
from placements.ssda903.schema import EPISODES, FILE_KINDS, HEADER, OC3, UASC

FILES = {HEADER: "header.csv", EPISODES: "episodes.csv", UASC: "uasc.csv", OC3: "oc3.csv"}
SHORT = {"header.csv": "h", "episodes.csv": "e", "uasc.csv": "u", "oc3.csv": "o"}


def hd(child: str = "A", dob: str = "01/01/2010", sex: str = "1", ethnic: str = "WBRI") -> dict[str, str]:
    """A Header row."""
    return {"CHILD": child, "SEX": sex, "DOB": dob, "ETHNIC": ethnic}


def ep(
    child: str = "A",
    decom: str = "01/05/2023",
    rne: str = "S",
    ls: str = "C2",
    cin: str = "N1",
    place: str = "U4",
    prov: str = "PR1",
    dec: str = "",
    rec: str = "",
    rpc: str = "",
    home: str = "WS1 1TP",
    pl: str = "WV1 1RQ",
    urn: str = "SC045099",
) -> dict[str, str]:
    """An Episodes row (by default a child starting care in May 2023, in in-house fostering)."""
    return {
        "CHILD": child,
        "DECOM": decom,
        "RNE": rne,
        "LS": ls,
        "CIN": cin,
        "PLACE": place,
        "PLACE_PROVIDER": prov,
        "DEC": dec,
        "REC": rec,
        "REASON_PLACE_CHANGE": rpc,
        "HOME_POST": home,
        "PL_POST": pl,
        "URN": urn,
    }


def uasc(child: str = "A", sex: str = "1", dob: str = "01/01/2010", duc: str = "") -> dict[str, str]:
    return {"CHILD": child, "SEX": sex, "DOB": dob, "DUC": duc}


def oc3(
    child: str = "A", dob: str = "01/01/2005", in_touch: str = "YES", activ: str = "F1", accom: str = "S2"
) -> dict[str, str]:
    return {"CHILD": child, "DOB": dob, "IN_TOUCH": in_touch, "ACTIV": activ, "ACCOM": accom}


def _frame(kind: str, rows: list[dict[str, str]], year: int) -> pd.DataFrame:
    data: dict[str, pd.Series] = {}
    for column in FILE_KINDS[kind].columns:
        text = np.array([row.get(column.name, "") for row in rows], dtype=object)
        trimmed, cleaned = clean_column(text, column.kind)
        data[column.name] = pd.Series(trimmed, dtype=object)
        data[column.canonical] = pd.Series(cleaned, dtype=cleaned.dtype)
    data["_file"] = pd.Series([FILES[kind]] * len(rows), dtype=object)
    data["_row"] = pd.Series(np.arange(2, len(rows) + 2))
    data["_order"] = pd.Series(np.zeros(len(rows), dtype=int))
    data["_year"] = pd.Series([int(row.get("_year", year)) for row in rows], dtype="int64")
    return pd.concat(data, axis=1)


def tables_for(
    *,
    year: int = 2024,
    header: list[dict[str, str]] | None = None,
    episodes: list[dict[str, str]] | None = None,
    uasc_rows: list[dict[str, str]] | None = None,
    oc3_rows: list[dict[str, str]] | None = None,
    superseded: list[dict[str, str]] | None = None,
) -> Ssda903Tables:
    """Working tables for the given rows, every row in collection year ``year`` (its end; 0: unknown).

    Without ``header`` the Header holds child A, born 01/01/2010. Episodes are sorted by child and start date
    (undated first), as the reader sorts them. A row with a ``_year`` key is in that year instead;
    ``superseded`` rows are earlier years' versions of episodes sent again (kept aside by the reader).
    """
    header = [hd()] if header is None else header
    given = {HEADER} | {k for k, rows in ((EPISODES, episodes), (UASC, uasc_rows), (OC3, oc3_rows)) if rows}
    frames = {
        HEADER: _frame(HEADER, header, year),
        EPISODES: _frame(EPISODES, episodes or [], year),
        UASC: _frame(UASC, uasc_rows or [], year),
        OC3: _frame(OC3, oc3_rows or [], year),
    }
    e = frames[EPISODES]
    if len(e):
        frames[EPISODES] = e.sort_values(["child", "decom", "_row"], na_position="first").reset_index(
            drop=True
        )
    earlier = _frame(EPISODES, superseded, year - 1) if superseded else None
    return Ssda903Tables(**frames, given=frozenset(given), superseded_episodes=earlier)


def flagged(rule: Rule, tables: Ssda903Tables) -> list[tuple[str, int]]:
    """The rows a rule flags, as (file letter, spreadsheet row): h, e, u, o for Header, Episodes, UASC, OC3."""
    errors, warnings = run_rules(tables, [rule])
    issues = [*errors, *warnings]
    for issue in issues:
        assert issue.rule == rule.name() and issue.code == rule.code and issue.severity == rule.severity
        assert issue.message and "  " not in issue.message
    return sorted({(SHORT[i.file], int(i.row)) for i in issues if i.row is not None})
