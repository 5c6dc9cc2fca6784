"""Fixtures of placement finding: a placement finder, a child in Walsall's register, a referral, settings
and a household with vacancies."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.finding import services
from placements.supply import services as supply_services
from sufficiency.authorities.models import Membership
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory, UserFactory


@pytest.fixture
def placement_finder(walsall):
    """A Walsall placement finder: logs and works Walsall's placement requests."""
    user = UserFactory(email="finder@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="placement_finder")
    return user


@pytest.fixture
def child(walsall):
    child = ChildFactory(authority=walsall, child_ref="C1001", sex="F", dob=dt.date(2012, 5, 17))
    EpisodeFactory(child=child, decom=dt.date(2024, 4, 1), home_post="WS1 1TP", ls="C2")
    return child


QUICK = {
    "requested_on": dt.date(2025, 6, 2),
    "urgency": "planned",
    "fostering": "preferred",
    "residential": "suitable",
    "supported": "unsuitable",
}


@pytest.fixture
def make_request(walsall, placement_finder):
    def make(**overrides):
        data = {
            "birth_month": dt.date(2012, 5, 1),
            "sex": "F",
            "home_postcode": "WS1 1",
            **QUICK,
            **overrides,
        }
        return services.placement_request_create(authority=walsall, data=data, acting_user=placement_finder)

    return make


@pytest.fixture
def home(walsall):
    """An external children's home on Walsall's framework (tier 1), judged Good, near Walsall."""
    from placements.models import FrameworkMembership

    setting = SettingFactory(
        urn="SC900001",
        name="Maple House",
        provision_type="childrens_home",
        sector="private",
        postcode="WV1 1RQ",
        latest_judgement="good",
    )
    FrameworkMembership.objects.create(
        authority=walsall, setting=setting, framework="WM Residential FCA", tier=1
    )
    return setting


@pytest.fixture
def household(walsall):
    return supply_services.household_create(
        authority=walsall,
        data={
            "reference": "H1",
            "route": "in_house",
            "approval_date": dt.date(2020, 1, 1),
            "approved_places": 2,
            "postcode_district": "WS2",
        },
        acting_user=None,
    )


@pytest.fixture
def vacancies(walsall, home, household):
    return [
        supply_services.vacancy_record(
            authority=walsall,
            setting=home,
            acting_user=None,
            age_min=8,
            age_max=17,
            categories=["residential_external"],
        ),
        supply_services.vacancy_record(
            authority=walsall,
            household=household,
            acting_user=None,
            age_min=0,
            age_max=17,
            categories=["fostering_inhouse"],
        ),
    ]
