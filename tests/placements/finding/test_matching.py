"""The matching search: why each candidate is included or excluded, and how the included are ranked.
Pure: no database."""

from __future__ import annotations

import dataclasses

import pytest

from placements.finding.matching import (
    FAIL,
    PASS,
    WARN,
    Candidate,
    RequestSpec,
    match_candidates,
    setting_category,
)

SPEC = RequestSpec(
    suitability={"fostering": "preferred", "residential": "suitable", "supported": "unsuitable"},
    age=12,
    max_distance_miles=20,
    avoid_districts=frozenset({"B70"}),
    min_judgement="good",
)
GOOD_HOME = Candidate(
    key="setting:1",
    kind="setting",
    object_id=1,
    name="SC1 Maple",
    category="residential_external",
    route="framework",
    registered=True,
    age_min=8,
    age_max=17,
    places=2,
    has_vacancy=True,
    vacancy_fresh=True,
    vacancy_age_days=2,
    judgement="good",
    distance_miles=6.3,
    district="WV1",
    framework="WM FCA",
    weekly_cost=5000.0,
)
CARERS = Candidate(
    key="household:1",
    kind="household",
    object_id=1,
    name="Household H1 (in-house)",
    category="fostering_inhouse",
    route="in_house",
    registered=True,
    own_household=True,
    age_min=0,
    age_max=17,
    places=1,
    has_vacancy=True,
    vacancy_fresh=True,
    vacancy_age_days=0,
    distance_miles=2.0,
    district="WS2",
    weekly_cost=450.0,
)


def _only(candidate, spec=SPEC):
    (match,) = match_candidates(spec, [candidate])
    return match


def _texts(match, status):
    return [r.text for r in match.reasons if r.status == status]


def test_a_suitable_fresh_good_nearby_home_is_included_with_its_reasons():
    match = _only(GOOD_HOME)
    assert match.included
    assert "Residential care is suitable but not preferred" in _texts(match, PASS)
    assert "Ofsted: Good" in _texts(match, PASS)
    assert "6.3 miles from home" in _texts(match, PASS)
    assert "On your framework: WM FCA" in _texts(match, PASS)


def test_the_framework_reason_names_the_tier_the_authority_gave():
    match = _only(dataclasses.replace(GOOD_HOME, framework_tier=2))
    assert "On your framework: WM FCA, tier 2" in _texts(match, PASS)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"registered": False, "registration_text": "Ofsted registration suspended"},
            "Ofsted registration suspended",
        ),
        ({"category": "supported"}, "Supported accommodation is unsuitable for this child"),
        ({"age_min": 13}, "Takes ages 13 to 17; the child is 12"),
        ({"has_vacancy": False}, "No vacancy recorded"),
        (
            {"vacancy_fresh": False, "vacancy_age_days": 20},
            "Vacancy is stale (last confirmed 20 days ago): confirm it first",
        ),
        ({"distance_miles": 31.5}, "31.5 miles from home, over the 20 mile limit"),
        ({"district": "B70"}, "In B70, an area to avoid"),
        (
            {"judgement": "requires_improvement"},
            "Ofsted: Requires improvement, below the minimum (Good or better (SA outcome 1))",
        ),
        (
            {"judgement": "not_yet_inspected"},
            "Ofsted: Not yet inspected, below the minimum (Good or better (SA outcome 1))",
        ),
        (
            {"judgement": "sa_inconsistent"},
            "Ofsted: SA outcome 2 (inconsistent), below the minimum (Good or better (SA outcome 1))",
        ),
    ],
)
def test_each_exclusion_says_why(change, reason):
    match = _only(dataclasses.replace(GOOD_HOME, **change))
    assert not match.included
    assert _texts(match, FAIL) == [reason]
    assert match.score is None


def test_supported_accommodation_outcome_1_counts_as_good():
    spec = dataclasses.replace(
        SPEC, suitability={"fostering": "suitable", "residential": "unsuitable", "supported": "preferred"}
    )
    match = _only(dataclasses.replace(GOOD_HOME, category="supported", judgement="sa_strong"), spec)
    assert match.included


def test_the_minimum_judgement_is_configurable_per_search():
    weaker = dataclasses.replace(GOOD_HOME, judgement="requires_improvement")
    assert _only(weaker, dataclasses.replace(SPEC, min_judgement="requires_improvement")).included
    assert not _only(GOOD_HOME, dataclasses.replace(SPEC, min_judgement="outstanding")).included
    assert _only(
        dataclasses.replace(GOOD_HOME, judgement="not_yet_inspected"),
        dataclasses.replace(SPEC, min_judgement="any"),
    ).included


def test_needs_exclude_only_when_known_and_unmet():
    spec = dataclasses.replace(SPEC, needs=frozenset({"disability"}))
    assert _only(
        dataclasses.replace(GOOD_HOME, needs_met=frozenset({"disability", "education"})), spec
    ).included
    unknown = _only(GOOD_HOME, spec)
    assert unknown.included and "Which needs it meets is not recorded: check with the provider" in _texts(
        unknown, WARN
    )
    unmet = _only(dataclasses.replace(GOOD_HOME, needs_met=frozenset({"education"})), spec)
    assert _texts(unmet, FAIL) == ["Does not meet: disability"]


def test_unknown_distance_and_a_sibling_group_too_big_are_warnings_not_exclusions():
    spec = dataclasses.replace(SPEC, siblings=2)
    match = _only(dataclasses.replace(GOOD_HOME, distance_miles=None), spec)
    assert match.included
    assert _texts(match, WARN) == [
        "Distance from home unknown",
        "2 places: cannot take the 3 siblings together (could take 2 of the 3)",
    ]


def test_in_house_carers_need_no_ofsted_judgement_of_their_own():
    match = _only(CARERS)
    assert match.included and "The authority's own approved carers" in _texts(match, PASS)


def test_ranking_is_a_transparent_sum_of_distance_judgement_route_and_cost():
    matches = match_candidates(
        SPEC, [GOOD_HOME, CARERS, dataclasses.replace(GOOD_HOME, key="x", has_vacancy=False)]
    )
    carers, home, excluded = matches
    assert carers.candidate is CARERS and home.candidate is GOOD_HOME and not excluded.included
    # carers: 2 of 20 miles -> 36; own carers 18; in-house 20; cheapest 15
    assert carers.components == {"distance": 36.0, "judgement": 18.0, "route": 20.0, "cost": 15.0}
    assert carers.score == 89.0
    # home: 6.3 of 20 miles -> 27.4; good 18; framework 12; dearest 0
    assert home.components == {"distance": 27.4, "judgement": 18.0, "route": 12.0, "cost": 0.0}
    assert home.score == pytest.approx(57.4)


def test_a_childrens_home_the_authority_runs_is_in_house_residential():
    assert setting_category("childrens_home", own=True) == "residential_inhouse"
    assert setting_category("childrens_home", own=False) == "residential_external"
    assert setting_category("supported_accommodation", own=True) == "supported"
