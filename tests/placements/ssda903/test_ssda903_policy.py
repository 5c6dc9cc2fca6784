"""The import policy, rule by rule: what is repaired, what is held back, and that nothing goes unsaid."""

from __future__ import annotations

import pandas as pd
import pytest

from placements.ssda903 import POLICY, read_ssda903
from placements.ssda903.policy import COUNTED_AS_GIVEN
from tests.placements.ssda903.builders import (
    EPISODE_ROWS,
    HEADER_ROWS,
    OC3_COLUMNS,
    UASC_COLUMNS,
    changed,
    csv_bytes,
    episodes_file,
    header_file,
    read,
)


def policy(header_rows=None, episode_rows=None):
    return read(header_rows, episode_rows, strict=False)


def held(result) -> dict[str, set[str]]:
    """Children held back and the rules that held them."""
    q = result.quarantine
    return {c: set(q.loc[q["child"] == c, "rule"]) for c in q["child"].unique()}


def repaired(result, rule: str) -> list[tuple[str, int, str, str, str]]:
    r = result.repairs.loc[result.repairs["rule"] == rule]
    return list(zip(r["file"], r["row"], r["column"], r["value"], r["repaired"], strict=True))


def episode(result, child: str, decom: str) -> pd.Series:
    e = result.episodes
    return e.loc[(e["child"] == child) & (e["decom"] == pd.Timestamp(decom))].iloc[0]


def test_every_policy_rule_is_named_coded_and_described():
    names = [rule.name() for rule in POLICY]
    assert len(names) == len(set(names))
    for rule in POLICY:
        assert rule.description(), rule.name()
        assert rule.action in ("repaired", "quarantined")
        assert all(code.isalnum() for code in rule.codes)
    assert COUNTED_AS_GIVEN


def test_a_valid_return_is_neither_repaired_nor_held_back():
    result = policy()
    assert result.ok and not result.errors
    assert result.repairs.empty and result.quarantine.empty
    assert len(result.episodes) == 3


# --- Repairs ----------------------------------------------------------------------------------------------


def test_reason_on_an_open_episode_is_ignored_dfe_148():
    result = policy(episode_rows=changed(EPISODE_ROWS, 2, REC="E13"))
    assert result.ok
    assert repaired(result, "ReasonOnOpenEpisodeIgnored") == [("episodes.csv", 4, "REC", "E13", "")]
    a2 = episode(result, "A2", "2023-10-10")
    assert pd.isna(a2["dec"]) and a2["rec"] is None  # still open, still counted
    assert not result.quarantine.size
    assert result.repairs.iloc[0]["code"] == "148"


def test_an_open_episode_followed_by_another_is_cut_at_the_next_start():
    rows = changed(EPISODE_ROWS, 0, DEC="", REC="")  # A1's first episode left open
    result = policy(episode_rows=rows)
    assert repaired(result, "OverlappingEpisodeCutAtNextStart") == [
        ("episodes.csv", 2, "DEC", "open", "01/09/2023")
    ]
    first = episode(result, "A1", "2023-04-01")
    assert first["dec"] == pd.Timestamp("2023-09-01") and first["rec"] == "X1"


def test_an_episode_ending_after_the_next_starts_is_cut_there():
    rows = changed(EPISODE_ROWS, 0, DEC="15/10/2023", REC="E13")
    result = policy(episode_rows=rows)
    assert [r[3:] for r in repaired(result, "OverlappingEpisodeCutAtNextStart")] == [
        ("15/10/2023", "01/09/2023")
    ]
    first = episode(result, "A1", "2023-04-01")
    assert (first["dec"], first["rec"]) == (pd.Timestamp("2023-09-01"), "X1")
    assert {"142", "501", "433"} == set(result.repairs.iloc[0]["code"].split(", "))


def test_an_overlap_into_a_new_period_of_care_holds_the_child_back():
    rows = changed(EPISODE_ROWS, 0, DEC="", REC="")
    rows = changed(rows, 1, RNE="S")  # the next episode starts a new period: the child left care between
    result = policy(episode_rows=rows)
    assert held(result) == {"A1": {"OverlapIntoNewPeriodOfCare"}}
    assert result.repairs.empty
    assert list(result.episodes["child"]) == ["A2"]


def test_x1_with_no_episode_starting_that_day_ends_the_period_of_care_dfe_388():
    rows = changed(EPISODE_ROWS, 0, DEC="20/08/2023")  # X1, but the next episode starts 01/09/2023
    result = policy(episode_rows=rows)
    assert repaired(result, "X1WithoutNextEpisodeEndsPeriodOfCare") == [("episodes.csv", 2, "REC", "X1", "")]
    first = episode(result, "A1", "2023-04-01")
    assert first["dec"] == pd.Timestamp("2023-08-20") and first["rec"] is None
    # The last episode of a child, ended X1 with nothing after it, is read the same way.
    last = [*EPISODE_ROWS[:2], {**EPISODE_ROWS[2], "DEC": "01/12/2023", "REC": "X1"}]
    assert repaired(policy(episode_rows=last), "X1WithoutNextEpisodeEndsPeriodOfCare") == [
        ("episodes.csv", 4, "REC", "X1", "")
    ]


def test_end_without_reason_before_a_same_day_episode_is_x1():
    rows = changed(EPISODE_ROWS, 0, REC="")
    result = policy(episode_rows=rows)
    assert repaired(result, "EndWithoutReasonBeforeSameDayEpisodeIsX1") == [
        ("episodes.csv", 2, "REC", "", "X1")
    ]
    assert episode(result, "A1", "2023-04-01")["rec"] == "X1"
    # When the next episode starts a new period of care, the child left care that day: not X1.
    new_period = policy(episode_rows=changed(rows, 1, RNE="S"))
    assert new_period.repairs.empty and new_period.quarantine.empty
    assert episode(new_period, "A1", "2023-04-01")["rec"] is None


def test_end_without_reason_and_nothing_after_is_counted_as_given():
    rows = changed(EPISODE_ROWS, 2, DEC="01/12/2023")
    result = policy(episode_rows=rows)
    assert result.repairs.empty and result.quarantine.empty
    assert [i.rule for i in result.errors] == ["EndDateAndReasonMustBeGivenTogether"]
    assert result.actions(result.errors) == ["reported"]
    assert episode(result, "A2", "2023-10-10")["dec"] == pd.Timestamp("2023-12-01")


def test_exact_duplicate_rows_are_kept_once():
    result = policy(
        header_rows=[*HEADER_ROWS, HEADER_ROWS[1]],
        episode_rows=[*EPISODE_ROWS, EPISODE_ROWS[2], EPISODE_ROWS[2]],
    )
    assert result.ok and result.quarantine.empty
    dups = result.repairs.loc[result.repairs["rule"] == "ExactDuplicateRowsKeptOnce"]
    assert list(zip(dups["file"], dups["row"], strict=True)) == [
        ("header.csv", 4),
        ("episodes.csv", 5),
        ("episodes.csv", 6),
    ]
    assert "repeats row 4" in dups.iloc[1]["message"]
    assert len(result.header) == 2 and len(result.episodes) == 3


def test_unknown_sex_is_recorded_as_not_known():
    result = policy(header_rows=changed(HEADER_ROWS, 0, SEX="7"))
    assert repaired(result, "UnknownSexReadAsNotKnown") == [("header.csv", 2, "SEX", "7", "U")]
    assert result.header.loc[result.header["child"] == "A1", "sex"].item() == "U"


@pytest.mark.parametrize(
    ("table", "column", "value", "code"),
    [
        ("header", "ETHNIC", "ZZZZ", "103"),
        ("episodes", "CIN", "N9", "145"),
        ("episodes", "REASON_PLACE_CHANGE", "WHIM", "1009"),
        ("episodes", "URN", "NOT-A-URN", "1008"),
        ("episodes", "PL_POST", "WV1 1RQ WV1 1RQ", "392c"),
    ],
)
def test_unreadable_details_are_not_kept_but_the_child_is_counted(table, column, value, code):
    if table == "header":
        result = policy(header_rows=changed(HEADER_ROWS, 0, **{column: value}))
        kept = result.header.loc[result.header["child"] == "A1", column.lower()].item()
    else:
        result = policy(episode_rows=changed(EPISODE_ROWS, 0, **{column: value}))
        kept = episode(result, "A1", "2023-04-01")[column.lower()]
    notes = result.repairs.loc[result.repairs["rule"] == "UnreadableDetailNotKept"]
    assert list(zip(notes["column"], notes["value"], notes["code"], strict=True)) == [(column, value, code)]
    assert kept is None
    assert result.quarantine.empty and len(result.episodes) == 3


# --- Quarantine -------------------------------------------------------------------------------------------


def _uasc_oc3(child: str) -> list[tuple[str, bytes]]:
    return [
        ("uasc.csv", csv_bytes(UASC_COLUMNS, [{"CHILD": child, "SEX": "M", "DOB": "01/01/2010"}])),
        ("oc3.csv", csv_bytes(OC3_COLUMNS, [{"CHILD": child, "DOB": "01/01/2010", "IN_TOUCH": "YES"}])),
    ]


@pytest.mark.parametrize(
    ("header_rows", "episode_rows", "rule", "code", "column"),
    [
        (changed(HEADER_ROWS, 0, DOB=""), None, "DateOfBirthNotReadable", "102", "DOB"),
        (changed(HEADER_ROWS, 0, DOB="31/02/2010"), None, "DateOfBirthNotReadable", "102", "DOB"),
        (None, changed(EPISODE_ROWS, 1, DECOM="2023/09/01"), "EpisodeStartNotReadable", "141", "DECOM"),
        (None, changed(EPISODE_ROWS, 0, DEC="32/08/2023"), "EpisodeEndNotReadable", "147", "DEC"),
        (None, changed(EPISODE_ROWS, 1, PLACE="Q9"), "CodeNeededForCountingNotKnown", "146", "PLACE"),
        (None, changed(EPISODE_ROWS, 1, PLACE=""), "CodeNeededForCountingNotKnown", "146", "PLACE"),
        (None, changed(EPISODE_ROWS, 0, LS="C9"), "CodeNeededForCountingNotKnown", "144", "LS"),
        (None, changed(EPISODE_ROWS, 0, RNE="Q"), "CodeNeededForCountingNotKnown", "143", "RNE"),
        (None, changed(EPISODE_ROWS, 0, REC="E99"), "CodeNeededForCountingNotKnown", "149", "REC"),
        (
            None,
            changed(EPISODE_ROWS, 0, PLACE_PROVIDER="PR9"),
            "CodeNeededForCountingNotKnown",
            "178",
            "PLACE_PROVIDER",
        ),
        (None, changed(EPISODE_ROWS, 0, DEC="01/03/2023"), "EpisodeEndsBeforeItStarts", "356", "DEC"),
        (None, changed(EPISODE_ROWS, 0, DECOM="01/04/2009"), "EpisodeStartsBeforeBirth", "", "DECOM"),
        (
            [*HEADER_ROWS, {**HEADER_ROWS[0], "DOB": "02/01/2010"}],
            None,
            "ConflictingHeaderRows",
            "",
            "CHILD",
        ),
        (
            None,
            [*EPISODE_ROWS, {**EPISODE_ROWS[0], "PLACE": "U5"}],
            "ConflictingEpisodeRows",
            "",
            "DECOM",
        ),
        (changed(HEADER_ROWS, 0, CHILD="A1XXXXXXXXXX"), None, "ChildReferenceTooLong", "", "CHILD"),
    ],
)
def test_a_child_who_cannot_be_read_is_held_back_with_all_their_rows(
    header_rows, episode_rows, rule, code, column
):
    hdr = header_file(header_rows)
    eps = episodes_file(episode_rows)
    if header_rows and header_rows[0]["CHILD"] != "A1":  # the long reference is used everywhere
        long = header_rows[0]["CHILD"]
        eps = episodes_file([{**r, "CHILD": long} if r["CHILD"] == "A1" else r for r in EPISODE_ROWS])
    child = header_rows[0]["CHILD"] if header_rows and header_rows[0]["CHILD"] != "A1" else "A1"
    result = read_ssda903([hdr, eps, *_uasc_oc3(child)])
    assert result.ok  # the import goes ahead
    assert held(result) == {child: {rule}}
    q = result.quarantine
    # Every row of the child, in every table, is held back and excluded from the tables.
    assert set(q["table"]) == {"header", "episodes", "uasc", "oc3"}
    assert child not in set(result.header["child"]) | set(result.episodes["child"])
    assert result.uasc.empty and result.oc3.empty
    # The other child is counted as given.
    assert list(result.episodes["child"]) == ["A2"] and list(result.header["child"]) == ["A2"]
    # The row that caused it points at the column and value; the others say why they were held back.
    cause = q.loc[q["column"] == column]
    assert not cause.empty and set(cause["code"]) == {code}
    others = q.loc[q["column"] == ""]
    assert others["message"].str.startswith("Held back with the rest of this child's record:").all()
    # The cells are kept as given, never UPN, MOTHER or MC_DOB.
    for values in q["values"]:
        assert "CHILD" in values and not {"UPN", "MOTHER", "MC_DOB"} & set(values)
    assert result.quarantined_children == 1


def test_a_child_with_episodes_but_no_header_row_is_held_back():
    result = read_ssda903([header_file(HEADER_ROWS[1:]), episodes_file(), *_uasc_oc3("A1")])
    assert held(result) == {"A1": {"ChildWithoutHeaderRow"}}
    assert set(result.quarantine["table"]) == {"episodes", "uasc", "oc3"}
    assert len(result.quarantine) == 4
    assert list(result.episodes["child"]) == ["A2"]


def test_a_row_without_a_child_reference_is_held_back_on_its_own():
    rows = [*EPISODE_ROWS, {**EPISODE_ROWS[2], "CHILD": ""}]
    result = policy(episode_rows=rows)
    q = result.quarantine
    assert list(zip(q["table"], q["row"], q["rule"], strict=True)) == [
        ("episodes", 5, "RowWithoutChildReference")
    ]
    assert result.quarantined_children == 0
    assert len(result.episodes) == 3


def test_quarantine_reports_the_first_reason_on_the_childs_other_rows():
    rows = changed(EPISODE_ROWS, 1, PLACE="Q9")
    result = policy(episode_rows=rows)
    header_row = result.quarantine.loc[result.quarantine["table"] == "header"].iloc[0]
    assert header_row["message"] == (
        "Held back with the rest of this child's record: PLACE is blank or not a known code. (episodes.csv row 3)"
    )
    assert header_row["code"] == "146"


def test_issues_name_the_action_taken_on_their_row():
    rows = changed(EPISODE_ROWS, 1, PLACE="Q9")
    rows = changed(rows, 2, REC="E13")
    result = policy(episode_rows=rows)
    actions = dict(zip([(i.rule, i.row) for i in result.errors], result.actions(result.errors), strict=True))
    assert actions[("PlacementTypeMustBeKnownCode", 3)] == "quarantined"
    assert actions[("EndDateAndReasonMustBeGivenTogether", 4)] == "repaired"


def test_after_the_policy_no_error_that_changes_a_count_remains():
    rows = [
        {**EPISODE_ROWS[0], "DEC": "", "REC": ""},
        {**EPISODE_ROWS[1], "REC": "E13"},
        {**EPISODE_ROWS[2], "LS": "C9"},
        {**EPISODE_ROWS[1], "REC": "E13"},
    ]
    result = policy(episode_rows=rows)
    assert result.ok
    assert set(result.episodes["child"]) == {"A1"}
    assert list(result.episodes["rec"]) == ["X1", None]
    assert held(result) == {"A2": {"CodeNeededForCountingNotKnown"}}


def test_strict_mode_refuses_and_applies_no_policy():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, LS="C9"), strict=True)
    assert not result.ok
    assert result.repairs.empty and result.quarantine.empty
    assert len(result.episodes) == 3  # every row kept for a preview, none to import


def test_file_problems_refuse_in_either_mode():
    for strict in (False, True):
        result = read_ssda903([("x.csv", b"A,B\n1,2\n"), episodes_file()], strict=strict)
        assert not result.ok
        assert result.file_errors
        assert result.quarantine.empty


def test_the_policy_handles_a_big_table_without_a_python_loop_per_row():
    rows = []
    for i in range(3000):
        child = f"C{i:05d}"
        rows += [
            {**EPISODE_ROWS[0], "CHILD": child, "DEC": "", "REC": "E13"},
            {**EPISODE_ROWS[1], "CHILD": child, "PLACE": "Q9" if i % 10 == 0 else "K2"},
        ]
    headers = [{**HEADER_ROWS[0], "CHILD": f"C{i:05d}"} for i in range(3000)]
    result = policy(headers, rows)
    assert result.quarantined_children == 300
    assert len(result.episodes) == 2 * 2700
    assert (result.repairs["rule"] == "OverlappingEpisodeCutAtNextStart").sum() == 2700
