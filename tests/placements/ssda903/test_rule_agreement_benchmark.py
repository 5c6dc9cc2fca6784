"""The pieces of benchmarks/rule_agreement.py that run without the validator's virtual environment: the
independent count of children in care, locating an issue's row as the validator does, and reading codes."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd

from benchmarks import rule_agreement as ra
from placements.counting import cic_snapshot
from placements.ssda903 import ImportIssue, read_ssda903
from tests.ssda903_files import EPISODE_COLUMNS, HEADER_COLUMNS, csv_bytes

ON = dt.date(2024, 3, 31)


def _files() -> tuple[bytes, bytes]:
    header = [
        {"CHILD": "1", "SEX": "1", "DOB": "01/01/2010", "ETHNIC": "WBRI"},
        {"CHILD": "2", "SEX": "2", "DOB": "01/01/2012", "ETHNIC": "WBRI"},
        {"CHILD": "3", "SEX": "1", "DOB": "31/03/2006", "ETHNIC": "WBRI"},  # 18 on the day
        {"CHILD": "4", "SEX": "2", "DOB": "01/01/2015", "ETHNIC": "WBRI"},
        {"CHILD": "5", "SEX": "1", "DOB": "01/01/2016", "ETHNIC": "WBRI"},
        {"CHILD": "6", "SEX": "1", "DOB": "01/01/2016", "ETHNIC": "WBRI"},
    ]
    base = {"RNE": "S", "LS": "C2", "CIN": "N1", "PLACE": "U4", "PLACE_PROVIDER": "PR1"}
    episodes = [
        {**base, "CHILD": "1", "DECOM": "01/05/2022", "DEC": "31/03/2024", "REC": "X1"},  # ends on the day
        {**base, "CHILD": "1", "DECOM": "31/03/2024", "RNE": "P", "PLACE": "K2", "PLACE_PROVIDER": "PR4"},
        {**base, "CHILD": "2", "DECOM": "01/05/2022", "DEC": "31/03/2024", "REC": "E13"},  # left on the day
        {**base, "CHILD": "3", "DECOM": "01/05/2022"},  # open, but 18 on the day
        {**base, "CHILD": "4", "DECOM": "01/03/2024", "LS": "V3", "PLACE": "R1"},  # short break
        {**base, "CHILD": "5", "DECOM": "01/04/2024"},  # starts the day after
        {**base, "CHILD": "6", "DECOM": "01/06/2023", "PLACE": "U5"},
    ]
    return csv_bytes(HEADER_COLUMNS, header), csv_bytes(EPISODE_COLUMNS, episodes)


def test_independent_count_follows_the_dfe_definition():
    header, episodes = _files()
    assert ra.independent_count(header, episodes, ON) == {"1": "K2", "6": "U5"}
    assert set(ra.independent_count(header, episodes, ON, short_breaks=True)) == {"1", "4", "6"}


def test_independent_count_agrees_with_ours_on_the_same_files():
    header, episodes = _files()
    result = read_ssda903([("header.csv", header), ("episodes.csv", episodes)])
    snapshot = cic_snapshot(result.episodes, result.header, pd.Timestamp(ON))
    independent = ra.independent_count(header, episodes, ON)
    assert snapshot["total"] == len(independent)
    assert snapshot["by_place"] == {"K2": 1, "U5": 1}


def test_data_rows_index_rows_as_the_validator_does_skipping_blank_lines():
    columns, index, rows = ra.data_rows(b"\xef\xbb\xbfCHILD,SEX\r\n1,M\r\n\r\n2,F\r\n")
    assert columns == ["CHILD", "SEX"]
    assert index == {2: 0, 4: 1}  # spreadsheet row -> data-row index
    assert rows == [["1", "M"], ["2", "F"]]


def test_issue_codes_prefer_the_issue_code_then_the_legacy_map(monkeypatch):
    coded = SimpleNamespace(code="148, 149", rule="Anything", column="DEC")
    assert ra.issue_codes(coded) == ["148", "149"]
    monkeypatch.setattr(ra, "ISSUES_HAVE_CODES", False)
    issue = ImportIssue("e.csv", 2, "DEC", "", "m", rule="EndDateAndReasonMustBeGivenTogether")
    assert ra.issue_codes(issue) == ["148"]
    date = ImportIssue("e.csv", 2, "DECOM", "x", "m", rule="DatesMustBeRealDates")
    assert ra.issue_codes(date) == ["141"]
    assert ra.issue_codes(ImportIssue("e.csv", 2, "X", "", "m", rule="Unknown")) == []
    monkeypatch.setattr(ra, "ISSUES_HAVE_CODES", True)
    assert ra.issue_codes(issue) == []  # once issues carry codes, an uncoded issue stays uncoded


def test_quarantined_children_are_read_from_whatever_the_result_reports():
    result = SimpleNamespace(
        quarantined=[SimpleNamespace(child="7"), "8"],
        quarantined_episodes=pd.DataFrame({"child": ["9"]}),
        errors=[],
    )
    assert ra.quarantined_children(result) == {"7", "8", "9"}
    assert ra.quarantined_children(SimpleNamespace(errors=[])) == set()
