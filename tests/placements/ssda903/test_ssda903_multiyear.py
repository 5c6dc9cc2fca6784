"""Several years' files at once: one record per episode and per child, the later file's version kept."""

from __future__ import annotations

import pandas as pd

from placements.ssda903 import Rule, read_ssda903
from tests.placements.ssda903.builders import (
    EPISODE_COLUMNS,
    FIXTURES,
    HEADER_COLUMNS,
    HEADER_ROWS,
    OC3_COLUMNS,
    UASC_COLUMNS,
    changed,
    csv_bytes,
    episodes_file,
    header_file,
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


# --- Which year a file belongs to ------------------------------------------------------------------------


def episode(child: str, decom: str, dec: str = "", ls: str = "C2", rec: str = "E13") -> dict[str, str]:
    row = {"CHILD": child, "DECOM": decom, "RNE": "S", "LS": ls, "CIN": "N1", "PLACE": "U1"}
    row.update({"PLACE_PROVIDER": "PR1", "HOME_POST": "WS1 1TP", "PL_POST": "WS2 9PB", "URN": "XXXXXXX"})
    return {**row, "DEC": dec, "REC": rec if dec else ""}


def child(ref: str, dob: str = "01/01/2010", ethnic: str = "WBRI") -> dict[str, str]:
    return {"CHILD": ref, "SEX": "F", "DOB": dob, "ETHNIC": ethnic}


def years(result) -> list[tuple[str, str | None]]:
    return [(f.name, f.collection_year) for f in result.files]


# The 2022-23 return: most episodes ended in 2022-23, one a day past 31 March 2023; B4 still open.
OLD_EPISODES = [
    episode("B1", "01/05/2022", "01/08/2022"),
    episode("B2", "01/06/2022", "01/10/2022"),
    episode("B3", "01/07/2022", "01/04/2023"),
    episode("B4", "01/09/2022", ls="C1"),
]
# The 2023-24 return: B4's legal status corrected and its episode closed.
NEW_EPISODES = [
    episode("B3", "01/07/2022", "01/04/2023"),
    episode("B4", "01/09/2022", "10/10/2023"),
    episode("B5", "01/05/2023", "01/06/2023"),
]
CHILDREN = [child(f"B{i}") for i in range(1, 6)]


def test_one_end_date_past_31_march_does_not_move_a_file_into_the_next_year():
    for order in ((0, 1), (1, 0)):
        files = [
            ("old.csv", csv_bytes(EPISODE_COLUMNS, OLD_EPISODES)),
            ("new.csv", csv_bytes(EPISODE_COLUMNS, NEW_EPISODES)),
        ]
        result = read_ssda903(
            [("header.csv", csv_bytes(HEADER_COLUMNS, CHILDREN)), *(files[i] for i in order)]
        )
        assert result.ok, result.errors
        assert dict(years(result))["old.csv"] == "2022-23" and dict(years(result))["new.csv"] == "2023-24"
        b4 = result.episodes.set_index("child").loc["B4"]
        assert (b4["ls"], b4["dec"], b4["source_file"]) == ("C2", pd.Timestamp("2023-10-10"), "new.csv")


def test_an_episodes_file_belongs_to_the_year_most_of_its_episodes_ended_in_the_later_on_a_tie():
    tie = [episode("B1", "01/05/2022", "01/08/2022"), episode("B2", "01/06/2022", "01/06/2023")]
    result = read_ssda903(
        [("header.csv", csv_bytes(HEADER_COLUMNS, CHILDREN)), ("e.csv", csv_bytes(EPISODE_COLUMNS, tie))]
    )
    assert dict(years(result))["e.csv"] == "2023-24"


def test_an_episodes_file_with_no_end_dates_belongs_to_the_year_of_its_latest_start():
    rows = [episode("B1", "01/05/2022"), episode("B2", "31/03/2024")]
    result = read_ssda903(
        [("header.csv", csv_bytes(HEADER_COLUMNS, CHILDREN)), ("e.csv", csv_bytes(EPISODE_COLUMNS, rows))]
    )
    assert dict(years(result))["e.csv"] == "2023-24"


def test_two_years_header_files_follow_the_episodes_files_sharing_their_children():
    # The 2022-23 Header lists a baby born that year; the 2023-24 Header only older children. By their own
    # latest dates the 2022-23 Header would look the later file and its out-of-date ethnicity would win.
    old_header = [child("D1", ethnic="WBRI"), child("D2", dob="15/06/2022")]
    new_header = [child("D1", ethnic="WIRI")]
    old_episodes = [episode("D1", "01/05/2022"), episode("D2", "20/06/2022")]
    new_episodes = [episode("D1", "01/05/2022", "01/05/2023")]  # D1 left care in 2023-24
    result = read_ssda903(
        [
            ("header_new.csv", csv_bytes(HEADER_COLUMNS, new_header)),
            ("header_old.csv", csv_bytes(HEADER_COLUMNS, old_header)),
            ("episodes_old.csv", csv_bytes(EPISODE_COLUMNS, old_episodes)),
            ("episodes_new.csv", csv_bytes(EPISODE_COLUMNS, new_episodes)),
        ]
    )
    assert dict(years(result)) == {
        "header_new.csv": "2023-24",
        "header_old.csv": "2022-23",
        "episodes_old.csv": "2022-23",
        "episodes_new.csv": "2023-24",
    }
    assert result.header.set_index("child").loc["D1", "ethnic"] == "WIRI"


def test_a_table_sharing_no_child_with_any_episodes_file_keeps_the_year_of_its_own_dates():
    stray = csv_bytes(UASC_COLUMNS, [{"CHILD": "Z9", "SEX": "M", "DOB": "01/01/2008", "DUC": "01/01/2026"}])
    result = read_ssda903([header_file(), episodes_file(), ("uasc.csv", stray)])
    assert dict(years(result))["uasc.csv"] == "2025-26"


def test_every_working_row_carries_the_year_its_file_was_placed_in():
    seen: dict[str, list[int]] = {}

    class Spy(Rule):
        """Sees the working tables rules see."""

        def check(self, tables):
            seen.update({t: sorted(set(tables.table(t)["_year"])) for t in ("header", "episodes")})
            return iter(())

    read_ssda903(
        [
            ("header.csv", csv_bytes(HEADER_COLUMNS, CHILDREN)),
            ("old.csv", csv_bytes(EPISODE_COLUMNS, OLD_EPISODES)),
            ("new.csv", csv_bytes(EPISODE_COLUMNS, NEW_EPISODES)),
        ],
        rules=[Spy()],
    )
    assert seen == {"header": [2023], "episodes": [2023, 2024]}


def test_a_care_leavers_file_belongs_to_the_year_its_young_people_are_17_to_21_in():
    # The care leavers were in care years ago, so their episodes (and Header rows) are in the 2022-23 files;
    # by shared children the OC3 file would look a 2022-23 file. They are 17 to 21 only in 2025-26.
    old_header = [child("L1", dob="10/05/2005"), child("L2", dob="20/02/2008"), child("D1")]
    old_episodes = [
        episode("L1", "01/05/2021", "09/05/2023"),
        episode("L2", "01/06/2021", "19/02/2023"),
        episode("D1", "01/05/2022"),
    ]
    new_header = [child("D1")]
    new_episodes = [episode("D1", "01/05/2022", "01/05/2025")]
    oc3 = [
        {"CHILD": "L1", "DOB": "10/05/2005", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "S"},
        {"CHILD": "L2", "DOB": "20/02/2008", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "S"},
    ]
    result = read_ssda903(
        [
            ("header_old.csv", csv_bytes(HEADER_COLUMNS, old_header)),
            ("episodes_old.csv", csv_bytes(EPISODE_COLUMNS, old_episodes)),
            ("header_new.csv", csv_bytes(HEADER_COLUMNS, new_header)),
            ("episodes_new.csv", csv_bytes(EPISODE_COLUMNS, new_episodes)),
            ("oc3.csv", csv_bytes(OC3_COLUMNS, oc3)),
        ]
    )
    assert dict(years(result))["oc3.csv"] == "2025-26"
    assert not [e for e in result.errors if e.code == "391"]  # both are 17 to 21 in that year


def test_a_whole_history_episodes_file_belongs_to_its_latest_year():
    # Many episodes ended in 2019-20 and 2020-21, fewer (but more than a stray few) in 2022-23: an export of
    # the whole history belongs to its latest year, so its later episodes are not "after the year end".
    rows = [episode(f"H{i}", "01/05/2018", "01/06/2019") for i in range(20)]
    rows += [episode(f"J{i}", "01/05/2019", "01/06/2020") for i in range(20)]
    rows += [episode(f"K{i}", "01/05/2021", "01/06/2022") for i in range(3)]
    header = [child(r["CHILD"]) for r in rows]
    result = read_ssda903(
        [
            ("header.csv", csv_bytes(HEADER_COLUMNS, header)),
            ("episodes.csv", csv_bytes(EPISODE_COLUMNS, rows)),
        ]
    )
    assert dict(years(result))["episodes.csv"] == "2022-23"
    assert not [e for e in result.errors if e.code in ("354", "385")]
