"""The rules through the reader: a valid return with one cell broken gives that rule's error.

One broken cell may break several DfE rules at once (a blank LS also means the legal status "changed"
between episodes), so each test looks at the rule it is about. Every rule's own failing and passing cases,
by collection year, are in test_ssda903_rule_cases.py.
"""

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


def of(result, rule: str) -> list[ImportIssue]:
    """The issues (errors and warnings) one rule raised."""
    return [i for i in [*result.errors, *result.warnings] if i.rule == rule]


def only(result, rule: str) -> ImportIssue:
    issues = of(result, rule)
    assert len(issues) == 1, [*result.errors, *result.warnings]
    return issues[0]


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
    assert located(of(result, "RequiredFieldsMustBePresent")) == [
        ("episodes.csv", expected_row, column, "", "RequiredFieldsMustBePresent")
    ]
    assert (
        of(result, "RequiredFieldsMustBePresent")[0].message
        == f"{column} is blank. Every Episodes row must give {column}."
    )


@pytest.mark.parametrize(
    ("column", "rule"), [("SEX", "SexMustBeKnownCode"), ("DOB", "DateOfBirthMustBeRealDate")]
)
def test_required_header_fields_must_be_present(column, rule):
    result = read(header_rows=changed(HEADER_ROWS, 1, **{column: ""}))
    assert located(of(result, rule)) == [("header.csv", 3, column, "", rule)]
    assert "blank" in of(result, rule)[0].message


def test_header_child_must_be_present():
    result = read(header_rows=[*HEADER_ROWS, {"SEX": "1", "DOB": "01/01/2015", "ETHNIC": "WBRI"}])
    assert located(result.errors) == [("header.csv", 4, "CHILD", "", "RequiredFieldsMustBePresent")]


def test_dates_must_be_real_dates():
    result = read(header_rows=changed(HEADER_ROWS, 0, DOB="31/02/2010"))
    error = only(result, "DateOfBirthMustBeRealDate")
    assert located([error]) == [("header.csv", 2, "DOB", "31/02/2010", "DateOfBirthMustBeRealDate")]
    assert error.code == "102"
    assert "not a real date" in error.message and "dd/mm/yyyy" in error.message


def test_dates_in_an_unreadable_format_are_reported():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, DECOM="2023/10/10"))
    error = only(result, "EpisodeStartMustBeRealDate")
    assert located([error]) == [("episodes.csv", 4, "DECOM", "2023/10/10", "EpisodeStartMustBeRealDate")]
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
        ("header", 1, "SEX", "M", "SexMustBeKnownCode"),  # M/F/U only from 2024-25; this return is 2023-24
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
    error = only(result, rule)
    assert located([error]) == [(file, index + 2, column, value, rule)]
    assert error.message.startswith(f"{column} is not a") and "Allowed" in error.message


def test_optional_codes_may_be_blank():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, CIN="", REASON_PLACE_CHANGE=""))
    assert result.ok, result.errors


def test_ethnicity_must_be_given():
    result = read(header_rows=changed(HEADER_ROWS, 0, ETHNIC=""))
    assert located(result.errors) == [("header.csv", 2, "ETHNIC", "", "EthnicityMustBeKnownCode")]


def test_uasc_sex_must_be_known():
    uasc = csv_bytes(UASC_COLUMNS, [{"CHILD": "A2", "SEX": "X", "DOB": "15/06/2012", "DUC": "15/06/2030"}])
    result = read_ssda903([header_file(), episodes_file(), ("uasc.csv", uasc)])
    assert located(of(result, "UascSexMustBeKnownCode")) == [
        ("uasc.csv", 2, "SEX", "X", "UascSexMustBeKnownCode")
    ]


def test_oc3_child_must_be_present():
    oc3 = csv_bytes(OC3_COLUMNS, [{"DOB": "01/01/2004", "IN_TOUCH": "YES", "ACTIV": "F1", "ACCOM": "B1"}])
    result = read_ssda903([header_file(), episodes_file(), ("oc3.csv", oc3)])
    assert located(result.errors) == [("oc3.csv", 2, "CHILD", "", "RequiredFieldsMustBePresent")]


@pytest.mark.parametrize("urn", ["SC04509", "SC0450999", "123456", "1234567X", "S1045099"])
def test_urn_must_be_well_formed(urn):
    result = read(episode_rows=changed(EPISODE_ROWS, 1, URN=urn))
    error = only(result, "UrnMustBeWellFormed")
    assert located([error]) == [("episodes.csv", 3, "URN", urn, "UrnMustBeWellFormed")]
    assert "SC045099" in error.message and "XXXXXXX" in error.message


@pytest.mark.parametrize("urn", ["SC045099", "sc045099", "1234567", "XXXXXXX", "xxxxxxx", ""])
def test_urn_accepts_ofsted_formats(urn):
    assert of(read(episode_rows=changed(EPISODE_ROWS, 1, URN=urn)), "UrnMustBeWellFormed") == []


def test_placement_provider_required_unless_temporary():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, PLACE_PROVIDER=""))
    error = only(result, "PlacementProviderRequiredUnlessTemporary")
    assert located([error]) == [
        ("episodes.csv", 4, "PLACE_PROVIDER", "", "PlacementProviderRequiredUnlessTemporary")
    ]
    assert error.code == "526" and "T0-T4" in error.message


@pytest.mark.parametrize("place", ["T0", "T4", "Z1"])
def test_placement_provider_may_be_blank_for_temporary_and_z1(place):
    rows = changed(EPISODE_ROWS, 2, PLACE=place, PLACE_PROVIDER="", URN="")
    result = read(episode_rows=rows)
    assert of(result, "PlacementProviderRequiredUnlessTemporary") == []
    assert result.episodes.loc[2, "place_provider"] is None


def test_parents_provider_only_with_placed_with_parents():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, PLACE_PROVIDER="PR0"))
    assert located(result.errors) == [
        ("episodes.csv", 4, "PLACE_PROVIDER", "PR0", "ParentsProviderOnlyWhenPlacedWithParents")
    ]
    # The DfE's rule 550 is an error (it was a warning of ours before the DfE codes were followed).
    assert result.errors[0].severity == "error" and result.errors[0].code == "550"
    ok = read(episode_rows=changed(EPISODE_ROWS, 2, PLACE="P1", PLACE_PROVIDER="PR0", LS="C2", URN=""))
    assert of(ok, "ParentsProviderOnlyWhenPlacedWithParents") == []


def test_episode_must_not_end_before_it_starts():
    rows = changed(EPISODE_ROWS, 2, DEC="01/10/2023", REC="E13")
    error = only(read(episode_rows=rows), "EpisodeMustNotEndBeforeItStarts")
    assert located([error]) == [("episodes.csv", 4, "DEC", "01/10/2023", "EpisodeMustNotEndBeforeItStarts")]


def test_episode_may_end_the_day_it_starts_with_a_query():
    result = read(episode_rows=changed(EPISODE_ROWS, 2, DEC="10/10/2023", REC="E13"))
    assert result.ok
    assert [(i.rule, i.code, i.severity) for i in result.warnings] == [
        ("EpisodeShouldLastMoreThanADay", "355", "warning")
    ]


def test_episode_must_not_start_before_birth():
    error = only(
        read(header_rows=changed(HEADER_ROWS, 1, DOB="11/10/2023")), "EpisodeMustNotStartBeforeBirth"
    )
    assert located([error]) == [("episodes.csv", 4, "DECOM", "10/10/2023", "EpisodeMustNotStartBeforeBirth")]
    assert "date of birth" in error.message


def test_episode_may_start_on_the_day_of_birth():
    assert read(header_rows=changed(HEADER_ROWS, 1, DOB="10/10/2023")).ok


def test_end_date_without_reason_is_an_error():
    error = only(
        read(episode_rows=changed(EPISODE_ROWS, 2, DEC="01/12/2023")), "EndDateAndReasonMustBeGivenTogether"
    )
    assert located([error]) == [("episodes.csv", 4, "REC", "", "EndDateAndReasonMustBeGivenTogether")]


def test_reason_without_end_date_is_an_error():
    error = only(
        read(episode_rows=changed(EPISODE_ROWS, 2, REC="E13")), "EndDateAndReasonMustBeGivenTogether"
    )
    assert located([error]) == [("episodes.csv", 4, "DEC", "", "EndDateAndReasonMustBeGivenTogether")]


def test_episodes_must_not_overlap():
    # A1's first episode now ends after the second starts (the second still starts on 01/09/2023): the DfE's
    # rule 501 flags the later episode, which starts before the earlier one ended.
    rows = changed(EPISODE_ROWS, 0, DEC="02/09/2023", REC="E13")
    result = read(episode_rows=rows)
    error = only(result, "EpisodesMustNotOverlap")
    assert located([error]) == [("episodes.csv", 3, "DECOM", "01/09/2023", "EpisodesMustNotOverlap")]
    assert "02/09/2023" in error.message and "episodes.csv row 2" in error.message


def test_an_open_episode_followed_by_another_must_end():
    rows = changed(EPISODE_ROWS, 0, DEC="", REC="", REASON_PLACE_CHANGE="")
    error = only(read(episode_rows=rows), "EarlierEpisodeMustHaveEnded")
    assert located([error]) == [("episodes.csv", 2, "DEC", "", "EarlierEpisodeMustHaveEnded")]
    assert "no end date" in error.message and error.code == "142"


def test_leaving_care_and_returning_the_same_day_must_be_x1():
    assert EPISODE_ROWS[0]["DEC"] == EPISODE_ROWS[1]["DECOM"]
    # The DfE's rule 388: an episode followed by one starting on its DEC ends with X1, not an E reason.
    rows = changed(EPISODE_ROWS, 0, REC="E13")
    rows = changed(rows, 1, RNE="S")
    result = read(episode_rows=rows)
    assert of(result, "EpisodesMustNotOverlap") == []
    error = only(result, "SameDayMoveMustBeFollowedByNewEpisode")
    assert located([error]) == [("episodes.csv", 2, "REC", "E13", "SameDayMoveMustBeFollowedByNewEpisode")]


def test_x1_must_be_followed_by_an_episode_the_same_day():
    rows = changed(EPISODE_ROWS, 1, DECOM="02/09/2023")
    error = only(read(episode_rows=rows), "SameDayMoveMustBeFollowedByNewEpisode")
    assert located([error]) == [("episodes.csv", 2, "REC", "X1", "SameDayMoveMustBeFollowedByNewEpisode")]
    assert "02/09/2023" in error.message


def test_x1_on_the_last_episode_is_an_error():
    rows = changed(EPISODE_ROWS, 2, DEC="01/12/2023", REC="X1")
    error = only(read(episode_rows=rows), "SameDayMoveMustBeFollowedByNewEpisode")
    assert located([error]) == [("episodes.csv", 4, "REC", "X1", "SameDayMoveMustBeFollowedByNewEpisode")]
    assert "no later episode" in error.message


def test_episode_child_must_be_in_header():
    result = read(header_rows=HEADER_ROWS[:1])
    assert located(result.errors) == [("episodes.csv", 4, "CHILD", "A2", "EpisodeChildMustBeInHeader")]
    assert result.errors[0].code == "INT03"


def test_child_must_appear_once_in_header():
    # The DfE's INT32 flags every row of a repeated child.
    result = read(header_rows=[*HEADER_ROWS, HEADER_ROWS[0]])
    assert located(of(result, "ChildMustAppearOnceInHeader")) == [
        ("header.csv", 2, "CHILD", "A1", "ChildMustAppearOnceInHeader"),
        ("header.csv", 4, "CHILD", "A1", "ChildMustAppearOnceInHeader"),
    ]


def test_episode_must_appear_once_in_file():
    result = read(episode_rows=[*EPISODE_ROWS, EPISODE_ROWS[2]])
    error = only(result, "EpisodeMustAppearOnceInFile")
    assert located([error]) == [("episodes.csv", 5, "DECOM", "10/10/2023", "EpisodeMustAppearOnceInFile")]
    assert "row 4" in error.message and error.code == ""
