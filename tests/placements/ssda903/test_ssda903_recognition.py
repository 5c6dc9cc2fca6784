"""A council's whole export folder, as it is: every SSDA903 table recognised, file problems refused whole."""

from __future__ import annotations

import pytest

from placements.ssda903 import read_ssda903
from placements.ssda903.reader import FILE_PROBLEMS
from placements.ssda903.schema import ALL_FILE_KINDS, recognise
from tests.placements.ssda903.builders import (
    EPISODE_COLUMNS,
    EPISODE_ROWS,
    FIXTURES,
    HEADER_COLUMNS,
    HEADER_ROWS,
    changed,
    csv_bytes,
    episodes_file,
    header_file,
    located,
)

EXPORT = FIXTURES / "export_2024-25"
EXPORT_TABLES = {
    "header.csv": "header",
    "episodes.csv": "episodes",
    "uasc.csv": "uasc",
    "oc3.csv": "oc3",
    "oc2.csv": "oc2",
    "ad1.csv": "ad1",
    "placed_adoption.csv": "placed_adoption",
    "prev_perm.csv": "prev_perm",
    "missing.csv": "missing",
    "reviews.csv": "reviews",
    "sw_episodes.csv": "sw_episodes",
    "dolo.csv": "dolo",
}


def export_files() -> list[tuple[str, bytes]]:
    return [(name, (EXPORT / name).read_bytes()) for name in EXPORT_TABLES]


# --- Every table of the return ---------------------------------------------------------------------------


def test_a_whole_export_folder_is_read_every_table_named_and_the_unused_ones_skipped():
    result = read_ssda903(export_files())
    assert result.ok, result.errors
    # AD1 and PlacedAdoption hold no records this year, so nothing places them in a year.
    empty = {"ad1.csv", "placed_adoption.csv"}
    assert [(f.name, f.kind, f.collection_year) for f in result.files] == [
        (name, kind, None if name in empty else "2024-25") for name, kind in EXPORT_TABLES.items()
    ]
    unused = {name for name, kind in EXPORT_TABLES.items() if not ALL_FILE_KINDS[kind].used}
    assert {w.file for w in result.warnings if w.rule == "FileNotUsedByThisService"} == unused
    assert (len(result.header), len(result.episodes), len(result.uasc), len(result.oc3)) == (4, 4, 1, 1)


def test_nothing_from_an_unused_table_reaches_the_output():
    result = read_ssda903(export_files())
    everything = repr(result) + "".join(t.to_csv() for t in (result.header, result.episodes, result.uasc))
    for value in ("SW0042", "PN1", "01/12/2024", "Z900000000101", "11/11/2024"):
        assert value not in everything


@pytest.mark.parametrize(
    ("columns", "kind"),
    [
        ("CHILD SW_ID SW_DECOM SW_DEC SW_REASON", "sw_episodes"),  # 2023-24
        ("CHILD DOB SW_ID SW_DECOM SW_DEC SW_REASON", "sw_episodes"),  # from 2024-25
        ("CHILD DOB DOLO_START DOLO_END", "dolo"),  # from 2026-27
        ("CHILD SEX DOB ETHNIC", "header"),  # UPN, MOTHER and MC_DOB already removed by the council
        ("CHILD SEX DOB ETHNIC UPN MOTHER MC_DOB UASC", "header"),  # a UASC flag added by a tool
        ("CHILD SEX DOB DUC", "uasc"),
        ("CHILD DOB REVIEW REVIEW_CODE", "reviews"),
    ],
)
def test_each_table_is_recognised_by_its_columns_in_every_collection_year(columns, kind):
    recognition = recognise(frozenset(columns.split()))
    assert recognition.kind is not None and recognition.kind.name == kind


def test_extra_columns_are_dropped_at_once_with_a_warning_naming_them():
    columns = ["LA_NOTES", *EPISODE_COLUMNS, "WORKER_NAME"]
    rows = [{**row, "LA_NOTES": "sensitive note", "WORKER_NAME": "A Worker"} for row in EPISODE_ROWS]
    result = read_ssda903([header_file(), ("episodes.csv", csv_bytes(columns, rows))])
    assert result.ok, result.errors
    assert located(result.warnings) == [
        ("episodes.csv", None, "LA_NOTES, WORKER_NAME", "", "FileColumnsNotInTheTableDropped")
    ]
    assert "Episodes" in result.warnings[0].message
    assert "sensitive note" not in repr(result) + result.episodes.to_csv()
    assert result.episodes["place"].tolist() == ["U4", "K2", "U1"]


@pytest.mark.parametrize(
    ("missing", "table"),
    [("URN", "Episodes"), ("DEC", "Episodes"), ("ETHNIC", "Header"), ("SEX", "UASC"), ("ACCOM", "OC3")],
)
def test_a_file_missing_a_required_column_is_refused_whole_naming_the_table_and_column(missing, table):
    kinds = {"Episodes": EPISODE_COLUMNS, "Header": HEADER_COLUMNS}
    columns = {
        **kinds,
        "UASC": ["CHILD", "SEX", "DOB", "DUC"],
        "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    }[table]
    data = csv_bytes([c for c in columns if c != missing], [{"CHILD": "A1"}])
    result = read_ssda903([header_file(), episodes_file(), ("export.csv", data)])
    assert not result.ok
    assert [(e.file, e.row, e.rule) for e in result.errors] == [
        ("export.csv", None, "FileMustHaveEveryColumnOfItsTable")
    ]
    assert (
        f"SSDA903 {table}" in result.errors[0].message and f"Missing: {missing}." in result.errors[0].message
    )


def test_an_unused_table_missing_a_column_is_skipped_not_refused():
    data = csv_bytes(["CHILD", "DOB", "REVIEW"], [{"CHILD": "A1"}])
    result = read_ssda903([header_file(), episodes_file(), ("reviews.csv", data)])
    assert result.ok
    assert [(w.file, w.rule) for w in result.warnings] == [("reviews.csv", "FileNotUsedByThisService")]
    assert "Missing: REVIEW_CODE." in result.warnings[0].message


# --- File problems refuse the import whole --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (b"", "FileMustBeReadableCsv"),
        (b"  \r\n\r\n", "FileMustBeReadableCsv"),
        (b"CHILD,SEX,DOB,ETHNIC\r\nA1,M,\x00\x00\x00,WBRI\r\n", "FileMustBeText"),
        (bytes(range(1, 32)) * 40, "FileMustBeText"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "ZipMustHoldOnlyAnSsda903Export"),
    ],
    ids=["empty", "blank-lines", "nul-bytes", "control-bytes", "damaged-zip"],
)
def test_empty_and_binary_files_are_refused_whole(content, rule):
    result = read_ssda903([header_file(), episodes_file(), ("upload.csv", content)])
    assert [(e.file, e.row, e.rule) for e in result.errors] == [("upload.csv", None, rule)]
    assert rule in FILE_PROBLEMS


def test_a_date_column_none_of_whose_values_is_a_date_refuses_the_file():
    # Dates exported as spreadsheet serial numbers: no DECOM can be read.
    rows = [{**row, "DECOM": str(45000 + i)} for i, row in enumerate(EPISODE_ROWS)]
    result = read_ssda903([header_file(), ("episodes.csv", csv_bytes(EPISODE_COLUMNS, rows))])
    assert [(e.file, e.row, e.column, e.rule) for e in result.errors] == [
        ("episodes.csv", None, "DECOM", "FileDateColumnMustHoldDates")
    ]
    assert "None of the 3 values in the DECOM column" in result.errors[0].message
    assert "No Episodes file" not in " ".join(e.message for e in result.errors)


def test_a_single_unreadable_date_is_a_problem_with_its_row_not_the_file():
    result = read_ssda903([header_file(), episodes_file(changed(EPISODE_ROWS, 0, DEC="31-13-2023"))])
    errors = [(e.row, e.rule) for e in result.errors]
    # The unreadable DEC itself (DfE 147), and the next episode, which no longer starts where it ends.
    assert errors == [(2, "EpisodeEndMustBeRealDate"), (3, "ContinuingEpisodeMustStartWhenPreviousEnds")]
    assert not result.file_errors


def test_a_blank_date_column_is_not_a_file_problem():
    rows = [{**row, "DOB": ""} for row in HEADER_ROWS]
    result = read_ssda903([("header.csv", csv_bytes(HEADER_COLUMNS, rows)), episodes_file()])
    assert "FileDateColumnMustHoldDates" not in {e.rule for e in result.errors}
