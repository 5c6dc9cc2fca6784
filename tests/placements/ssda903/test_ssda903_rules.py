"""One test per SSDA903 rule: a valid return with one cell broken gives exactly that rule's error."""

from __future__ import annotations

import pytest

from placements.ssda903 import ALL_RULES, ImportIssue, read_ssda903
from placements.ssda903.rules import Rule
from tests.placements.ssda903.builders import (
    EPISODE_ROWS,
    HEADER_ROWS,
    OC3_COLUMNS,
    UASC_COLUMNS,
    changed,
    csv_bytes,
    episodes_file,
    header_file,
    located,
    read,
)


def only_error(result) -> ImportIssue:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_the_baseline_return_is_valid():
    result = read()
    assert result.ok
    assert result.errors == [] and result.warnings == []


def test_every_rule_has_a_policy_docstring():
    for rule in ALL_RULES:
        assert isinstance(rule, Rule)
        assert len(rule.summary()) > 30, rule.name()


@pytest.mark.parametrize(
    ("column", "expected_row"),
    [("CHILD", 3), ("DECOM", 3), ("RNE", 3), ("LS", 3), ("PLACE", 3)],
)
def test_required_episode_fields_must_be_present(column, expected_row):
    rows = changed(EPISODE_ROWS, 1, **{column: ""})
    if column == "CHILD":
        # A blank CHILD cannot be linked to the Header or to the child's other episodes.
        rows = changed(rows, 0, DEC="", REC="", REASON_PLACE_CHANGE="")
    if column == "DECOM":
        rows = changed(rows, 0, DEC="", REC="", REASON_PLACE_CHANGE="")
    result = read(episode_rows=rows)
    assert located(result.errors) == [
        ("episodes.csv", expected_row, column, "", "RequiredFieldsMustBePresent")
    ]
    assert result.errors[0].message == f"{column} is blank. Every Episodes row must give {column}."


@pytest.mark.parametrize("column", ["SEX", "DOB"])
def test_required_header_fields_must_be_present(column):
    result = read(header_rows=changed(HEADER_ROWS, 1, **{column: ""}))
    assert located(result.errors) == [("header.csv", 3, column, "", "RequiredFieldsMustBePresent")]


def test_header_child_must_be_present():
    result = read(header_rows=[*HEADER_ROWS, {"SEX": "M", "DOB": "01/01/2015"}])
    assert located(result.errors) == [("header.csv", 4, "CHILD", "", "RequiredFieldsMustBePresent")]


def test_dates_must_be_real_dates():
    result = read(header_rows=changed(HEADER_ROWS, 0, DOB="31/02/2010"))
    error = only_error(result)
    assert located([error]) == [("header.csv", 2, "DOB", "31/02/2010", "DatesMustBeRealDates")]
    assert "not a real date" in error.message and "dd/mm/yyyy" in error.message


def test_dates_in_an_unreadable_format_are_reported():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, DECOM="2023/10/10"))
    error = only_error(result)
    assert located([error]) == [("episodes.csv", 4, "DECOM", "2023/10/10", "DatesMustBeRealDates")]
    assert "format" in error.message


@pytest.mark.parametrize(
    ("rows", "index", "column", "value", "rule"),
    [
        ("episodes", 2, "RNE", "Q", "ReasonForNewEpisodeMustBeKnownCode"),
        ("episodes", 2, "LS", "C9", "LegalStatusMustBeKnownCode"),
        ("episodes", 2, "CIN", "N9", "CategoryOfNeedMustBeKnownCode"),
        ("episodes", 2, "PLACE", "U9", "PlacementTypeMustBeKnownCode"),
        ("episodes", 2, "PLACE_PROVIDER", "PR7", "PlacementProviderMustBeKnownCode"),
        ("episodes", 0, "REC", "E99", "ReasonEpisodeCeasedMustBeKnownCode"),
        ("episodes", 0, "REASON_PLACE_CHANGE", "BORED", "ReasonPlacementChangedMustBeKnownCode"),
        ("header", 1, "SEX", "3", "SexMustBeKnownCode"),
        ("header", 1, "ETHNIC", "XXXX", "EthnicityMustBeKnownCode"),
    ],
)
def test_codes_must_be_known(rows, index, column, value, rule):
    if rows == "episodes":
        result = read(episode_rows=changed(EPISODE_ROWS, index, **{column: value}))
        file = "episodes.csv"
    else:
        result = read(header_rows=changed(HEADER_ROWS, index, **{column: value}))
        file = "header.csv"
    error = only_error(result)
    assert located([error]) == [(file, index + 2, column, value, rule)]
    assert error.message.startswith(f"{column} is not a known") and "Allowed:" in error.message


def test_optional_codes_may_be_blank():
    result = read(
        header_rows=changed(HEADER_ROWS, 0, ETHNIC=""),
        episode_rows=changed(EPISODE_ROWS, 2, CIN="", URN=""),
    )
    assert result.ok, result.errors


def test_uasc_sex_must_be_known():
    uasc = csv_bytes(UASC_COLUMNS, [{"CHILD": "A2", "SEX": "X", "DOB": "15/06/2012", "DUC": "15/06/2030"}])
    result = read_ssda903([header_file(), episodes_file(), ("uasc.csv", uasc)])
    assert located(result.errors) == [("uasc.csv", 2, "SEX", "X", "SexMustBeKnownCode")]


def test_oc3_child_must_be_present():
    oc3 = csv_bytes(OC3_COLUMNS, [{"DOB": "01/01/2004", "IN_TOUCH": "YES"}])
    result = read_ssda903([header_file(), episodes_file(), ("oc3.csv", oc3)])
    assert located(result.errors) == [("oc3.csv", 2, "CHILD", "", "RequiredFieldsMustBePresent")]


@pytest.mark.parametrize("urn", ["SC04509", "SC0450999", "123456", "1234567X", "S1045099"])
def test_urn_must_be_well_formed(urn):
    result = read(episode_rows=changed(EPISODE_ROWS, 1, URN=urn))
    error = only_error(result)
    assert located([error]) == [("episodes.csv", 3, "URN", urn, "UrnMustBeWellFormed")]
    assert "SC045099" in error.message and "XXXXXXX" in error.message


@pytest.mark.parametrize("urn", ["SC045099", "sc045099", "1234567", "XXXXXXX", "xxxxxxx", ""])
def test_urn_accepts_ofsted_formats(urn):
    assert read(episode_rows=changed(EPISODE_ROWS, 1, URN=urn)).ok


def test_placement_provider_required_unless_temporary():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, PLACE_PROVIDER=""))
    error = only_error(result)
    assert located([error]) == [
        ("episodes.csv", 4, "PLACE_PROVIDER", "", "PlacementProviderRequiredUnlessTemporary")
    ]
    assert "U1" in error.message and "T0-T4" in error.message


@pytest.mark.parametrize("place", ["T0", "T4", "Z1"])
def test_placement_provider_may_be_blank_for_temporary_and_z1(place):
    rows = changed(EPISODE_ROWS, 2, PLACE=place, PLACE_PROVIDER="")
    result = read(episode_rows=rows)
    assert result.ok, result.errors
    assert result.episodes.loc[2, "place_provider"] is None


def test_parents_provider_only_with_placed_with_parents_is_a_warning():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, PLACE_PROVIDER="PR0"))
    assert result.ok
    assert located(result.warnings) == [
        ("episodes.csv", 4, "PLACE_PROVIDER", "PR0", "ParentsProviderOnlyWhenPlacedWithParents")
    ]
    assert result.warnings[0].severity == "warning"
    assert read(episode_rows=changed(EPISODE_ROWS, 2, PLACE="P1", PLACE_PROVIDER="PR0")).warnings == []


def test_episode_must_not_end_before_it_starts():
    rows = changed(EPISODE_ROWS, 2, DEC="01/10/2023", REC="E13")
    error = only_error(read(episode_rows=rows))
    assert located([error]) == [("episodes.csv", 4, "DEC", "01/10/2023", "EpisodeMustNotEndBeforeItStarts")]


def test_episode_may_end_the_day_it_starts():
    assert read(episode_rows=changed(EPISODE_ROWS, 2, DEC="10/10/2023", REC="E13")).ok


def test_episode_must_not_start_before_birth():
    error = only_error(read(header_rows=changed(HEADER_ROWS, 1, DOB="11/10/2023")))
    assert located([error]) == [("episodes.csv", 4, "DECOM", "10/10/2023", "EpisodeMustNotStartBeforeBirth")]
    assert "date of birth" in error.message


def test_episode_may_start_on_the_day_of_birth():
    assert read(header_rows=changed(HEADER_ROWS, 1, DOB="10/10/2023")).ok


def test_end_date_without_reason_is_an_error():
    error = only_error(read(episode_rows=changed(EPISODE_ROWS, 2, DEC="01/12/2023")))
    assert located([error]) == [("episodes.csv", 4, "REC", "", "EndDateAndReasonMustBeGivenTogether")]


def test_reason_without_end_date_is_an_error():
    error = only_error(read(episode_rows=changed(EPISODE_ROWS, 2, REC="E13")))
    assert located([error]) == [("episodes.csv", 4, "DEC", "", "EndDateAndReasonMustBeGivenTogether")]


def test_episodes_must_not_overlap():
    # A1's first episode now ends after the second starts (the second still starts on 01/09/2023).
    rows = changed(EPISODE_ROWS, 0, DEC="02/09/2023", REC="E13")
    result = read(episode_rows=rows)
    error = only_error(result)
    assert located([error]) == [("episodes.csv", 2, "DEC", "02/09/2023", "EpisodesMustNotOverlap")]
    assert "01/09/2023" in error.message and "episodes.csv row 3" in error.message


def test_an_open_episode_followed_by_another_overlaps():
    rows = changed(EPISODE_ROWS, 0, DEC="", REC="", REASON_PLACE_CHANGE="")
    error = only_error(read(episode_rows=rows))
    assert located([error]) == [("episodes.csv", 2, "DEC", "", "EpisodesMustNotOverlap")]
    assert "no end date" in error.message


def test_episodes_ending_the_day_the_next_starts_do_not_overlap():
    assert EPISODE_ROWS[0]["DEC"] == EPISODE_ROWS[1]["DECOM"]
    # The child leaves care and comes back the same day: a new period of care, not an overlap.
    rows = changed(EPISODE_ROWS, 0, REC="E13")
    rows = changed(rows, 1, RNE="S")
    assert read(episode_rows=rows).ok


def test_x1_must_be_followed_by_an_episode_the_same_day():
    rows = changed(EPISODE_ROWS, 1, DECOM="02/09/2023")
    error = only_error(read(episode_rows=rows))
    assert located([error]) == [("episodes.csv", 2, "REC", "X1", "SameDayMoveMustBeFollowedByNewEpisode")]
    assert "02/09/2023" in error.message


def test_x1_on_the_last_episode_is_an_error():
    rows = changed(EPISODE_ROWS, 2, DEC="01/12/2023", REC="X1")
    error = only_error(read(episode_rows=rows))
    assert located([error]) == [("episodes.csv", 4, "REC", "X1", "SameDayMoveMustBeFollowedByNewEpisode")]
    assert "no later episode" in error.message


def test_episode_child_must_be_in_header():
    result = read(header_rows=HEADER_ROWS[:1])
    assert located(result.errors) == [("episodes.csv", 4, "CHILD", "A2", "EpisodeChildMustBeInHeader")]


def test_child_must_appear_once_in_header():
    result = read(header_rows=[*HEADER_ROWS, HEADER_ROWS[0]])
    error = only_error(result)
    assert located([error]) == [("header.csv", 4, "CHILD", "A1", "ChildMustAppearOnceInHeader")]
    assert "row 2" in error.message


def test_episode_must_appear_once_in_file():
    result = read(episode_rows=[*EPISODE_ROWS, EPISODE_ROWS[2]])
    error = only_error(result)
    assert located([error]) == [("episodes.csv", 5, "DECOM", "10/10/2023", "EpisodeMustAppearOnceInFile")]
    assert "row 4" in error.message
