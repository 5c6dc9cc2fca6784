"""The matching search across agencies and for sibling groups, and how a sibling placement is recorded.

Hand-built: a 14-year-old with two siblings needing fostering, in-house and agency carers, an
independent fostering agency and a children's home, each with a vacancy of a known number of places.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from placements.finding import ledger, lifecycle, selectors, services
from placements.finding.matching import (
    Candidate,
    RequestSpec,
    candidate_type,
    match_candidates,
    sibling_options,
)
from placements.models import PlacementRequest
from placements.supply import services as supply_services
from tests.factories import SettingFactory

# --- Pure: the sibling-group options ----------------------------------------------------------------------

SPEC = RequestSpec(
    suitability={"fostering": "preferred", "residential": "suitable", "supported": "unsuitable"},
    age=14,
    siblings=2,
    min_judgement="good",
)
BASE = Candidate(
    key="household:1",
    kind="household",
    object_id=1,
    name="Household A",
    category="fostering_inhouse",
    route="in_house",
    registered=True,
    own_household=True,
    age_min=0,
    age_max=17,
    places=1,
    has_vacancy=True,
    vacancy_fresh=True,
    vacancy_age_days=1,
    distance_miles=3.0,
)


def _carers(n, places, miles, **kw):
    return dataclasses.replace(
        BASE,
        key=f"household:{n}",
        object_id=n,
        name=f"Household {n}",
        places=places,
        distance_miles=miles,
        **kw,
    )


def test_no_candidate_for_the_whole_group_is_said_and_the_closest_pairs_are_offered():
    candidates = [_carers(1, 1, 2.0), _carers(2, 2, 4.0), _carers(3, 2, 30.0), _carers(4, 1, 1.0)]
    matches = match_candidates(SPEC, candidates)
    assert all(m.included for m in matches)
    options = sibling_options(SPEC, matches)
    assert options.group_size == 3
    assert options.none_together and options.together == [] and options.unknown == []
    # Most places first: the two households that could take 2 of the 3.
    assert [m.candidate.name for m in options.split[:2]] == ["Household 2", "Household 3"]
    # Pairs that could take all three between them, nearest first (the farther of the two decides).
    pairs = [{a.candidate.name, b.candidate.name} for a, b in options.pairs]
    assert pairs[0] in ({"Household 2", "Household 4"}, {"Household 1", "Household 2"})
    assert {"Household 2", "Household 3"} not in pairs[:2]
    assert all((a.candidate.places + b.candidate.places) >= 3 for a, b in options.pairs)
    text = [r.text for r in matches[0].reasons if r.status == "warn"]
    assert any("cannot take the 3 siblings together" in t for t in text)


def test_a_candidate_with_room_for_the_group_is_counted_and_unknown_places_are_asked_about():
    candidates = [_carers(1, 3, 9.0), _carers(2, 1, 1.0), dataclasses.replace(_carers(3, None, 2.0))]
    options = sibling_options(SPEC, match_candidates(SPEC, candidates))
    assert not options.none_together
    assert [m.candidate.name for m in options.together] == ["Household 1"]
    assert [m.candidate.name for m in options.unknown] == ["Household 3"]
    assert [m.candidate.name for m in options.split] == ["Household 2"]
    assert options.pairs == []  # one part-group candidate cannot make a pair


def test_no_siblings_no_sibling_options():
    spec = dataclasses.replace(SPEC, siblings=0)
    assert sibling_options(spec, match_candidates(spec, [_carers(1, 1, 1.0)])) is None


def test_candidates_are_named_as_finders_name_them():
    agency_carers = dataclasses.replace(
        BASE, own_household=False, route="framework", agency="Acorn Fostering"
    )
    ifa = dataclasses.replace(BASE, kind="setting", category="fostering_external", own_household=False)
    assert candidate_type(BASE) == "In-house foster carers"
    assert candidate_type(agency_carers) == "Agency foster carers"
    assert candidate_type(ifa) == "Independent fostering agency"
    match = match_candidates(SPEC, [dataclasses.replace(agency_carers, judgement="good")])[0]
    assert any(r.text == "Carers of Acorn Fostering, an independent fostering agency" for r in match.reasons)


def test_a_split_sibling_group_is_not_placed_to_plan():
    plan = {"fostering": "preferred", "residential": "suitable", "supported": "unsuitable"}
    assert lifecycle.placed_to_plan(plan, "fostering_external", siblings=2, siblings_outcome="together")
    assert not lifecycle.placed_to_plan(plan, "fostering_external", siblings=2, siblings_outcome="split")
    assert lifecycle.placed_to_plan(plan, "fostering_external")  # no siblings: the kind decides
    assert lifecycle.not_to_plan_reason(plan, "fostering_external", siblings=2, siblings_outcome="split") == (
        "the siblings were placed apart"
    )


# --- With the database: the search page, the outcome, the declines ---------------------------------------


@pytest.fixture
def ifa(walsall):
    from placements.models import FrameworkMembership

    agency = SettingFactory(
        urn="SC800001",
        name="Acorn Fostering",
        provision_type="independent_fostering_agency",
        sector="private",
        postcode="WV1 1RQ",
        latest_judgement="good",
    )
    FrameworkMembership.objects.create(authority=walsall, setting=agency, framework="WM Fostering Framework")
    return agency


@pytest.fixture
def carers(walsall, ifa):
    """In-house carers with one place, agency carers with two, and the agency itself offering two more."""

    def household(reference, route, places, district, agency=None):
        return supply_services.household_create(
            authority=walsall,
            data={
                "reference": reference,
                "route": route,
                "agency": agency,
                "approval_date": dt.date(2020, 1, 1),
                "approved_places": places,
                "postcode_district": district,
            },
            acting_user=None,
        )

    own = household("H1", "in_house", 1, "WS2")
    agency = household("IFC1", "agency", 2, "WS3", agency=ifa)
    far_agency = household("IFC2", "agency", 2, "WV10", agency=ifa)
    for h, places in ((own, 1), (agency, 2), (far_agency, 2)):
        supply_services.vacancy_record(
            authority=walsall, household=h, acting_user=None, places=places, categories=["fostering_external"]
        )
    supply_services.vacancy_record(
        authority=walsall,
        setting=ifa,
        acting_user=None,
        places=2,
        age_min=5,
        categories=["fostering_external"],
    )
    return {"own": own, "agency": agency, "far_agency": far_agency}


def _url(name, placement_request=None, **kwargs):
    params = {"code": "335", **kwargs}
    if placement_request is not None:
        params["pk"] = placement_request.pk
    return reverse(f"placements:{name}", kwargs=params)


@pytest.mark.django_db
def test_agency_carers_and_the_agency_appear_beside_in_house_carers(
    client, placement_finder, make_request, carers, ifa
):
    request = make_request()  # 14 years old, fostering preferred, no siblings
    client.force_login(placement_finder)
    response = client.get(_url("request-search", request))
    included = {c["key"]: c for c in response.context["included"]}
    assert included[f"household:{carers['agency'].pk}"]["type"] == "Agency foster carers"
    assert included[f"setting:{ifa.pk}"]["type"] == "Independent fostering agency"
    assert included[f"household:{carers['own'].pk}"]["type"] == "In-house foster carers"
    assert included[f"household:{carers['agency'].pk}"]["route"] == "Framework"
    page = response.content.decode()
    assert "Agency foster carers 2" in page and "Independent fostering agency 1" in page
    assert response.context["siblings"] is None
    # The agency's carers can be sent the referral (they are households the authority holds).
    client.post(_url("request-search", request), {"candidate": [f"household:{carers['agency'].pk}"]})
    assert request.approaches.get().household == carers["agency"]


@pytest.mark.django_db
def test_the_search_says_no_candidate_can_take_all_three_together_and_lists_split_options(
    client, placement_finder, make_request, carers, ifa
):
    request = make_request(siblings=2)
    client.force_login(placement_finder)
    response = client.get(_url("request-search", request))
    siblings = response.context["siblings"]
    assert siblings["group_size"] == 3 and siblings["none_together"] and siblings["together"] == 0
    assert response.context["included"] == []  # nobody on the main list: nobody takes the group
    split_keys = [c["key"] for c in siblings["split"]]
    assert set(split_keys) == {
        f"household:{carers['own'].pk}",
        f"household:{carers['agency'].pk}",
        f"household:{carers['far_agency'].pk}",
        f"setting:{ifa.pk}",
    }
    assert split_keys[-1] == f"household:{carers['own'].pk}"  # 1 place: last
    assert siblings["pairs"] and all(p["places"] >= 3 for p in siblings["pairs"])
    page = response.content.decode()
    assert "No candidate can take all 3 siblings together." in page
    assert "Placing the siblings apart: could take part of the group (4)" in page
    assert "Pairs that could take all 3 between them" in page


@pytest.mark.django_db
def test_a_household_with_room_for_the_group_heads_the_list(
    client, placement_finder, make_request, carers, walsall
):
    big = supply_services.household_create(
        authority=walsall,
        data={"reference": "H3", "route": "in_house", "approval_date": dt.date(2019, 1, 1),
              "approved_places": 3, "postcode_district": "WS1"},
        acting_user=None,
    )  # fmt: skip
    supply_services.vacancy_record(authority=walsall, household=big, acting_user=None, places=3)
    request = make_request(siblings=2)
    client.force_login(placement_finder)
    response = client.get(_url("request-search", request))
    assert [c["key"] for c in response.context["included"]] == [f"household:{big.pk}"]
    assert not response.context["siblings"]["none_together"]
    assert "1 candidate can take all 3 siblings together" in response.content.decode()


@pytest.mark.django_db
def test_a_split_outcome_is_recorded_not_to_plan_and_the_form_asks(
    client, placement_finder, make_request, carers
):
    request = make_request(siblings=2)
    client.force_login(placement_finder)
    today = dt.date.today()
    form = {
        "household_ref": "IFC1",
        "placed_on_day": str(today.day),
        "placed_on_month": str(today.month),
        "placed_on_year": str(today.year),
    }
    response = client.post(_url("request-place", request), form)
    assert response.status_code == 200
    assert "Select whether the siblings were placed together or apart" in response.content.decode()
    response = client.post(_url("request-place", request), {**form, "siblings_outcome": "split"})
    assert response.status_code == 302, response.context["form"].errors
    request.refresh_from_db()
    assert (request.status, request.siblings_outcome, request.placed_to_plan) == ("placed", "split", False)
    assert request.placed_category == "fostering_external"
    detail = client.get(_url("request-detail", request)).content.decode()
    assert "No: the siblings were placed apart" in detail


@pytest.mark.django_db
def test_split_outcomes_recorded_before_the_rule_are_corrected(make_request, carers, placement_finder):
    request = make_request(siblings=1)
    services.placement_request_place(
        placement_request=request, placed_on=request.requested_on, household=carers["own"],
        siblings_outcome="split", acting_user=placement_finder,
    )  # fmt: skip
    PlacementRequest.objects.filter(pk=request.pk).update(placed_to_plan=True)  # as the old rule stored it
    migration = importlib.import_module(
        "placements.migrations.0011_sibling_group_decline_and_split_not_to_plan"
    )
    migration.split_siblings_not_to_plan(apps, None)
    request.refresh_from_db()
    assert request.placed_to_plan is False


@pytest.mark.django_db
def test_cannot_take_the_sibling_group_is_a_decline_reason_and_is_counted(
    client, placement_finder, make_request, carers, ifa, walsall
):
    request = make_request(siblings=2)
    approaches = services.placement_request_approach(
        placement_request=request,
        households=[carers["own"], carers["agency"]],
        settings=[ifa],
        acting_user=placement_finder,
    )
    for approach, reason in zip(approaches, ["SIBLING_GROUP", "SIBLING_GROUP", "NO_VACANCY"], strict=True):
        services.approach_decline(
            approach=approach, declined_by="provider", reason=reason, acting_user=placement_finder
        )
    frames = selectors.ledger_frames_for_authority(authority=walsall)
    today = dt.date.today()
    counted = ledger.decline_reasons(
        frames["declines"], today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    )
    assert counted.to_dict("records")[0] == {
        "decline_reason": "SIBLING_GROUP",
        "declined_by": "provider",
        "declines": 2,
    }
    client.force_login(placement_finder)
    assert (
        "Cannot take the sibling group together"
        in client.get(_url("request-detail", request)).content.decode()
    )
    page = client.get(_url("finding-ledger")).content.decode()
    assert "Cannot take the sibling group together" in page


@pytest.mark.django_db
def test_another_authoritys_user_gets_404_for_the_sibling_search(client, other_la_user, make_request, carers):
    request = make_request(siblings=2)
    client.force_login(other_la_user)
    assert client.get(_url("request-search", request)).status_code == 404
    assert (
        client.post(
            _url("request-search", request), {"candidate": [f"household:{carers['agency'].pk}"]}
        ).status_code
        == 404
    )
    assert not request.approaches.exists()
