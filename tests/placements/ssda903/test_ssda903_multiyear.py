"""Several years' files at once: one record per episode and per child, the later file's version kept."""

from __future__ import annotations

import pandas as pd

from placements.ssda903 import read_ssda903
from tests.placements.ssda903.builders import (
    FIXTURES,
    HEADER_COLUMNS,
    HEADER_ROWS,
    changed,
    csv_bytes,
    episodes_file,
)


def fixture_files(*names: str) -> list[tuple[str, bytes]]:
    return [(name, (FIXTURES / name).read_bytes()) for name in names]


def two_years(later_first: bool = True):
    names = ["header_2023-24.csv", "episodes_2023-24.csv", "header_2022-23.csv", "episodes_2022-23.csv"]
    return read_ssda903(fixture_files(*(names if later_first else names[2:] + names[:2])))


def test_the_same_episode_in_two_years_files_is_one_episode_from_the_later_file():
    result = two_years()
    # T003's episode was open at the end of 2022-23 with LS C1 and is sent again in 2023-24 with C2: the
    # later file's version is kept, and the DfE's rule 503B reports that it no longer matches last year's.
    assert [(i.file, i.row, i.code) for i in result.errors] == [("episodes_2023-24.csv", 4, "503B")]
    episodes = result.episodes.set_index(["child", "decom"])
    assert len(episodes) == 5
    first = episodes.loc[("T001", pd.Timestamp("2022-06-01"))]
    assert (first["dec"], first["rec"]) == (pd.Timestamp("2023-09-01"), "X1")  # closed in 2023-24
    assert episodes.loc[("T003", pd.Timestamp("2022-12-01")), "ls"] == "C2"  # corrected in 2023-24
    assert ("T002", pd.Timestamp("2022-04-15")) in episodes.index  # only in 2022-23: kept


def test_a_child_in_two_header_files_is_one_child_from_the_later_file():
    result = two_years()
    header = result.header.set_index("child")
    assert list(header.index) == ["T001", "T002", "T003", "T004"]
    assert header.loc["T001", "ethnic"] == "WIRI"
    assert header.loc["T002", "sex"] == "F"  # 2 in the 2022-23 file


def test_the_later_year_wins_whatever_order_the_files_are_given_in():
    forwards, backwards = two_years(later_first=False), two_years(later_first=True)
    pd.testing.assert_frame_equal(forwards.episodes, backwards.episodes)
    pd.testing.assert_frame_equal(forwards.header, backwards.header)


def test_files_report_their_year_and_how_many_rows_a_later_file_replaced():
    result = two_years()
    assert [(f.name, f.kind, f.rows, f.collection_year, f.superseded) for f in result.files] == [
        ("header_2023-24.csv", "header", 3, "2023-24", 0),
        ("episodes_2023-24.csv", "episodes", 4, "2023-24", 0),
        ("header_2022-23.csv", "header", 3, "2022-23", 2),
        ("episodes_2022-23.csv", "episodes", 3, "2022-23", 2),
    ]


def test_files_of_the_same_year_are_taken_in_the_order_given():
    first = csv_bytes(HEADER_COLUMNS, HEADER_ROWS)
    second = csv_bytes(HEADER_COLUMNS, changed(HEADER_ROWS, 0, ETHNIC="WOTH"))
    result = read_ssda903([("a.csv", first), ("b.csv", second), episodes_file()])
    assert result.ok, result.errors
    assert result.header.set_index("child").loc["A1", "ethnic"] == "WOTH"
    result = read_ssda903([("b.csv", second), ("a.csv", first), episodes_file()])
    assert result.header.set_index("child").loc["A1", "ethnic"] == "WBRI"


def test_errors_in_a_superseded_row_are_not_reported():
    old = (
        (FIXTURES / "episodes_2022-23.csv")
        .read_bytes()
        .replace(b"T003,01/12/2022,S,C1", b"T003,01/12/2022,S,Q9")
    )
    files = fixture_files("header_2023-24.csv", "episodes_2023-24.csv", "header_2022-23.csv")
    result = read_ssda903([*files, ("episodes_2022-23.csv", old)])
    # No rule reports the superseded row's unknown LS; 503B reports on this year's row that its LS differs
    # from last year's open episode (as it does for the fixture's C1 too).
    assert [(i.file, i.row, i.code) for i in result.errors] == [("episodes_2023-24.csv", 4, "503B")]


def test_identifiers_that_must_not_be_held_are_dropped():
    result = two_years()
    assert "X000000000001" not in result.header.to_csv() + repr(result)
