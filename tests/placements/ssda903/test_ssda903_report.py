"""The downloadable error report and the import summary."""

from __future__ import annotations

import csv
import io

from placements.ssda903 import ImportError, ImportIssue, error_report_csv, issues_to_csv, summary_text
from tests.placements.ssda903.builders import EPISODE_ROWS, HEADER_ROWS, changed, read


def broken():
    rows = changed(EPISODE_ROWS, 2, LS="C9", DEC="10/10/2023", REC="E13")  # ends the day it starts: a query
    rows = changed(rows, 1, URN="=HYPERLINK(1)")
    return read(header_rows=changed(HEADER_ROWS, 0, SEX="7"), episode_rows=rows)


def test_error_report_has_the_agreed_columns_and_one_line_per_error():
    result = broken()
    lines = list(csv.reader(io.StringIO(error_report_csv(result))))
    assert lines[0] == ["file", "row", "column", "value", "message", "code", "severity", "action"]
    assert {line[6] for line in lines[1:]} == {"error"}
    assert {line[7] for line in lines[1:]} == {"reported"}  # strict: nothing was repaired or held back
    assert [line[:3] for line in lines[1:]] == [
        ["header.csv", "2", "SEX"],
        ["episodes.csv", "3", "URN"],
        ["episodes.csv", "4", "LS"],
    ]
    assert lines[3][3] == "C9" and "Allowed: C1, C2" in lines[3][4]


def test_warnings_can_be_added_to_the_report():
    lines = list(csv.reader(io.StringIO(error_report_csv(broken(), include_warnings=True))))
    assert lines[-1][:4] == ["episodes.csv", "4", "DEC", "10/10/2023"]


def test_values_that_a_spreadsheet_would_run_as_formulas_are_neutralised():
    lines = list(csv.reader(io.StringIO(error_report_csv(broken()))))
    assert lines[2][3] == "'=HYPERLINK(1)"


def test_file_level_problems_have_a_blank_row():
    text = issues_to_csv([ImportIssue("x.csv", None, "", "", "Not an SSDA903 file.")])
    assert text.splitlines()[1] == "x.csv,,,,Not an SSDA903 file.,,error,reported"


def test_the_brief_name_import_error_is_the_same_record():
    assert ImportError is ImportIssue


def test_summary_counts_problems_by_rule_and_by_file():
    text = summary_text(broken())
    assert "3 errors, 1 warnings" in text and "not imported" in text
    assert "  SexMustBeKnownCode (DfE 101): 1 (SEX in the Header must be" in text
    assert "  UrnMustBeWellFormed: 1" in text and "  LegalStatusMustBeKnownCode (DfE 144): 1" in text
    assert "Errors by file:\n  episodes.csv: 2\n  header.csv: 1" in text
    assert "  EpisodeShouldLastMoreThanADay (DfE 355): 1" in text
    assert "header.csv: Header, 2 rows, collection year 2023-24" in text


def test_summary_of_a_clean_import():
    text = summary_text(read())
    assert text.startswith("SSDA903 import: 0 errors, 0 warnings (ready to import).")
    assert "Read 2 children, 3 episodes" in text


def test_report_says_what_the_policy_did_about_each_row():
    rows = changed(EPISODE_ROWS, 2, LS="C9")  # A2 cannot be counted: held back
    rows = changed(rows, 1, URN="nonsense")  # A1's URN is not kept: repaired
    result = read(episode_rows=rows, strict=False)
    lines = list(csv.reader(io.StringIO(error_report_csv(result))))
    actions = {(line[0], line[1], line[2]): line[7] for line in lines[1:]}
    assert actions == {("episodes.csv", "3", "URN"): "repaired", ("episodes.csv", "4", "LS"): "quarantined"}


def test_summary_under_the_policy_counts_repairs_and_held_back_children():
    rows = changed(EPISODE_ROWS, 2, LS="C9")
    text = summary_text(read(episode_rows=rows, strict=False))
    assert "(ready to import under the import policy)" in text
    assert "Import policy: 0 rows repaired; 1 children (2 rows) held back." in text
    assert "  CodeNeededForCountingNotKnown: 2 rows" in text


def test_every_column_of_the_report_is_written_inert_by_the_one_csv_writer():
    # A column name or a message can quote what the file held: each cell goes through the shared writer.
    issue = ImportIssue(
        "=file.csv", 2, "@COLUMN", "-2+3+cmd|' /C calc'!A0", "+cmd|' /C calc'!A0 is not known"
    )
    line = list(csv.reader(io.StringIO(issues_to_csv([issue]))))[1]
    assert line[:5] == [
        "'=file.csv",
        "2",
        "'@COLUMN",
        "'-2+3+cmd|' /C calc'!A0",
        "'+cmd|' /C calc'!A0 is not known",
    ]
    assert (
        list(csv.reader(io.StringIO(issues_to_csv([ImportIssue("x.csv", 3, "AGE", "-12", "Too young")]))))[1][
            3
        ]
        == "-12"
    )
