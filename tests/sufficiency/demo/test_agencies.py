"""Agency fostering in the demo: vacancies with agency carers and agencies, a sibling-group search that
finds them, and nothing added twice."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.finding import selectors
from placements.finding.matching import candidate_type, sibling_options
from placements.models import PlacementRequest, Vacancy
from placements.supply import services as supply_services
from sufficiency.demo.agencies import SIBLING_REQUEST_NOTE, demo_agencies_load
from tests.factories import SettingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_carers(walsall):
    agencies = [
        SettingFactory(
            urn=f"SC81{n:04d}",
            provision_type="independent_fostering_agency",
            local_authority=walsall,
            postcode="WS1 1TP",
            latest_judgement="good",
            framework="Regional Fostering Framework",
        )
        for n in range(3)
    ]
    for n in range(24):
        supply_services.household_create(
            authority=walsall,
            data={
                "reference": f"IFC{n:03d}",
                "route": "agency",
                "agency": agencies[n % 3],
                "approval_date": dt.date(2018, 1, 1),
                "approved_places": 3,
                "age_min": 0,
                "age_max": 17,
                "postcode_district": "WS2",
            },
            acting_user=None,
        )
    for n in range(3):
        supply_services.household_create(
            authority=walsall,
            data={
                "reference": f"FC{n:03d}",
                "route": "in_house",
                "approval_date": dt.date(2018, 1, 1),
                "approved_places": 1,
                "postcode_district": "WS1 ",
            },
            acting_user=None,
        )
    return agencies


def test_agency_vacancies_and_a_sibling_search_that_finds_agency_carers(walsall, agency_carers):
    added = demo_agencies_load(codes=["335"], seed=2026)["335"]
    assert added["agency_household_vacancies"] == 8  # one in eight of 24 is 3: the minimum of 8 applies
    assert added["agency_vacancies"] == 3 and added["sibling_requests"] == 1
    assert Vacancy.objects.filter(authority=walsall, household__route="agency").count() == 8
    request = PlacementRequest.objects.get(authority=walsall, notes=SIBLING_REQUEST_NOTE)
    assert (request.siblings, request.fostering, request.status, request.home_postcode) == (
        2,
        "preferred",
        "open",
        "WS1",
    )
    matches = selectors.match_candidates_for_request(placement_request=request)
    types = {candidate_type(m.candidate) for m in matches if m.included}
    assert {"Agency foster carers", "Independent fostering agency"} <= types
    options = sibling_options(selectors.request_spec(request), matches)
    assert options is not None and options.group_size == 3


def test_running_it_again_adds_nothing(walsall, agency_carers):
    demo_agencies_load(codes=["335"], seed=2026)
    counts = (Vacancy.objects.count(), PlacementRequest.objects.count())
    assert demo_agencies_load(codes=["335"], seed=2026) == {"335": {}}
    assert (Vacancy.objects.count(), PlacementRequest.objects.count()) == counts
