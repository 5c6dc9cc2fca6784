"""The demo year of placement requests: realistic shape, deterministic by seed, written through services."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from placements.models import Approach, PlacementRequest, PlacementRequestEvent, UnitCost
from placements.supply import services as supply_services
from sufficiency.demo.placement_requests import demo_requests_load
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

pytestmark = pytest.mark.django_db
AS_AT = dt.date(2026, 3, 31)


@pytest.fixture
def register(walsall):
    for n in range(6):
        SettingFactory(
            urn=f"SC77{n:04d}",
            provision_type="childrens_home",
            local_authority=walsall,
            latest_judgement="good",
        )
        SettingFactory(
            urn=f"SC78{n:04d}", provision_type="independent_fostering_agency", local_authority=walsall
        )
        SettingFactory(urn=f"SC79{n:04d}", provision_type="supported_accommodation", local_authority=walsall)
    for n in range(4):
        supply_services.household_create(
            authority=walsall,
            data={
                "reference": f"H{n}",
                "route": "in_house",
                "approval_date": dt.date(2020, 1, 1),
                "approved_places": 2,
            },
            acting_user=None,
        )
    places = [("U4", "PR1"), ("U4", "PR4"), ("K2", "PR4"), ("U1", "PR1"), ("H5", "PR4")]
    for n in range(40):
        child = ChildFactory(
            authority=walsall, child_ref=f"D{n:03d}", dob=dt.date(2008 + n % 9, 1 + n % 12, 10)
        )
        place, provider = places[n % len(places)]
        EpisodeFactory(
            child=child,
            decom=AS_AT - dt.timedelta(days=5 + 8 * n),
            rne="S",
            place=place,
            place_provider=provider,
            home_post="WS1 1TP",
        )
    for category, route, cost in [
        ("residential_external", "spot", 5500),
        ("fostering_external", "framework", 900),
        ("fostering_inhouse", "in_house", 450),
    ]:
        UnitCost.objects.create(
            authority=walsall,
            category=category,
            route=route,
            weekly_cost=cost,
            effective_from=dt.date(2020, 1, 1),
        )


def _snapshot(walsall):
    return sorted(
        PlacementRequest.objects.for_authority(walsall).values_list(
            "requested_on",
            "urgency",
            "fostering",
            "residential",
            "supported",
            "status",
            "placed_on",
            "placed_category",
            "child_ref",
        )
    )


def test_a_realistic_deterministic_year(walsall, register):
    counts = demo_requests_load(authority=walsall, as_at=AS_AT, seed=2026)
    requests = PlacementRequest.objects.for_authority(walsall)
    total = requests.count()
    assert 40 * 1.5 <= total <= 40 * 1.7  # about 1.6 requests per new placement
    statuses = Counter(requests.values_list("status", flat=True))
    assert statuses["placed"] == 40 and statuses["not_placed"] > 0 and statuses["withdrawn"] > 0
    urgencies = Counter(requests.values_list("urgency", flat=True))
    assert 0.45 <= urgencies["planned"] / total <= 0.75
    assert requests.filter(requested_on__lt=AS_AT - dt.timedelta(days=365)).count() == 0
    assert Approach.objects.filter(decline_reason__gt="").exists()
    assert PlacementRequestEvent.objects.filter(action="transition").exists()
    assert counts["linked"] == 40  # each placed request links to its episode
    first = _snapshot(walsall)
    assert demo_requests_load(authority=walsall, as_at=AS_AT, seed=2026) == {}  # run again: nothing added
    PlacementRequest.objects.all().delete()
    demo_requests_load(authority=walsall, as_at=AS_AT, seed=2026)
    assert _snapshot(walsall) == first
