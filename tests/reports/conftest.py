"""A hand-built register small enough to count by hand (synthetic children only).

Walsall on 31 March 2025 (D), previous quarter 31 December 2024:

| child | born       | placement on D                       | notes                                               |
|-------|------------|--------------------------------------|-----------------------------------------------------|
| W1    | 2012-05-17 | in-house foster U4/PR1 since 2024-04-01 (S) | 5.0 miles, inside; setting SC900003 judged only after D |
| W2    | 2008-01-01 | external home K2/PR4 since 2024-06-01 (S) | 17, V2, UASC, 30.0 miles, outside; SC900001 Good; £12,000/wk |
| W3    | 2015-03-01 | IFA U4/PR4: S 2024-04-10, P 2024-08-01, P 2024-12-01 | 3 placements in the year; no distance |
| W4    | 2023-01-01 | kinship U1 since 2024-10-01 (S)        | 25.0 miles, boundary unknown                        |
| W5    | 2010-01-01 | left care 2024-11-01 (E13)             | not in care on D; ceased in the year                |
| W6    | 2014-01-01 | in-house foster U4/PR1 since 2020-01-01 | long-term stable; 10.0 miles, inside                |
| W7    | 2013-06-01 | in-house home K2/PR1 since 2024-01-01 (P) | in care since 2021; 2.0 miles, inside; SC900002 RI since 2024-09-01 |
| W8    | 2009-05-01 | Z12 (unregistered) since 2025-01-01 (S) |                                                   |

Sandwell (same region) holds one child, also referenced "W1", U4/PR1 since 2024-01-01, 25.0 miles.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

D = dt.date(2025, 3, 31)
PREVIOUS = dt.date(2024, 12, 31)


def _episode(child, **kwargs):
    from tests.factories import EpisodeFactory

    defaults = {"rne": "S", "ls": "C2", "place": "U4", "place_provider": "PR1"}
    defaults.update(kwargs)
    return EpisodeFactory(child=child, authority=child.authority, **defaults)


@pytest.fixture
def register(walsall, sandwell):
    from placements.models import (
        CareLeaverRecord,
        FosteringHousehold,
        FosteringRecruitmentMonth,
        HouseholdPlacesUnavailable,
        InHouseHome,
        Inspection,
        Setting,
        UnitCost,
    )
    from sufficiency.authorities.models import AuthorityPopulation
    from tests.factories import ChildFactory

    AuthorityPopulation.objects.create(authority=walsall, year=2024, population_0_17=60_000)
    AuthorityPopulation.objects.create(authority=sandwell, year=2024, population_0_17=80_000)
    good = Setting.objects.create(urn="SC900001", provision_type="childrens_home")
    Inspection.objects.create(setting=good, inspection_date=dt.date(2023, 5, 1), judgement="good")
    ri = Setting.objects.create(urn="SC900002", provision_type="childrens_home")
    Inspection.objects.create(setting=ri, inspection_date=dt.date(2022, 5, 1), judgement="good")
    Inspection.objects.create(
        setting=ri, inspection_date=dt.date(2024, 9, 1), judgement="requires_improvement"
    )
    Setting.objects.create(
        urn="SC900003",
        provision_type="local_authority_fostering",
        latest_judgement="outstanding",
        latest_judgement_date=dt.date(2025, 6, 1),
    )

    def child(ref, dob, authority=walsall, **kwargs):
        return ChildFactory(authority=authority, child_ref=ref, dob=dob, **kwargs)

    w1 = child("W1", dt.date(2012, 5, 17))
    _episode(
        w1, decom=dt.date(2024, 4, 1), distance_miles=Decimal("5.0"), placement_la=walsall, urn="SC900003"
    )
    w2 = child("W2", dt.date(2008, 1, 1), uasc=True)
    _episode(
        w2,
        decom=dt.date(2024, 6, 1),
        ls="V2",
        place="K2",
        place_provider="PR4",
        distance_miles=Decimal("30.0"),
        placement_la=sandwell,
        urn="SC900001",
        weekly_cost=Decimal("12000"),
    )
    w3 = child("W3", dt.date(2015, 3, 1))
    _episode(
        w3, decom=dt.date(2024, 4, 10), dec=dt.date(2024, 8, 1), rec="X1", place="U6", place_provider="PR4"
    )
    _episode(
        w3,
        decom=dt.date(2024, 8, 1),
        dec=dt.date(2024, 12, 1),
        rec="X1",
        rne="P",
        place="U6",
        place_provider="PR4",
    )
    _episode(w3, decom=dt.date(2024, 12, 1), rne="P", place="U4", place_provider="PR4")
    w4 = child("W4", dt.date(2023, 1, 1))
    _episode(w4, decom=dt.date(2024, 10, 1), place="U1", place_provider="PR1", distance_miles=Decimal("25.0"))
    w5 = child("W5", dt.date(2010, 1, 1))
    _episode(
        w5, decom=dt.date(2023, 1, 1), dec=dt.date(2024, 11, 1), rec="E13", place="P1", place_provider="PR0"
    )
    w6 = child("W6", dt.date(2014, 1, 1))
    _episode(w6, decom=dt.date(2020, 1, 1), distance_miles=Decimal("10.0"), placement_la=walsall)
    w7 = child("W7", dt.date(2013, 6, 1))
    _episode(
        w7, decom=dt.date(2021, 1, 1), dec=dt.date(2024, 1, 1), rec="X1", place="U4", place_provider="PR4"
    )
    _episode(
        w7,
        decom=dt.date(2024, 1, 1),
        rne="P",
        place="K2",
        place_provider="PR1",
        distance_miles=Decimal("2.0"),
        placement_la=walsall,
        urn="SC900002",
    )
    w8 = child("W8", dt.date(2009, 5, 1))
    _episode(w8, decom=dt.date(2025, 1, 1), place="Z12", place_provider="")

    s1 = child("W1", dt.date(2012, 1, 1), authority=sandwell)
    _episode(s1, decom=dt.date(2024, 1, 1), distance_miles=Decimal("25.0"), placement_la=sandwell)

    UnitCost.objects.create(
        authority=walsall,
        category="fostering_inhouse",
        route="in_house",
        weekly_cost=Decimal("500"),
        effective_from=dt.date(2023, 4, 1),
        effective_to=dt.date(2024, 3, 31),
    )
    UnitCost.objects.create(
        authority=walsall,
        category="fostering_inhouse",
        route="in_house",
        weekly_cost=Decimal("550"),
        effective_from=dt.date(2024, 4, 1),
    )
    UnitCost.objects.create(
        authority=walsall,
        category="fostering_external",
        route="framework",
        weekly_cost=Decimal("800"),
        effective_from=dt.date(2024, 4, 1),
    )
    households = [
        ("H1", "in_house", dt.date(2020, 1, 1), 2, None),
        ("H2", "in_house", dt.date(2024, 6, 1), 1, None),
        ("H3", "in_house", dt.date(2019, 1, 1), 2, dt.date(2024, 9, 1)),
        ("H4", "agency", dt.date(2024, 5, 1), 3, None),
    ]
    for ref, route, approved, places, dereg in households:
        FosteringHousehold.objects.create(
            authority=walsall,
            reference=ref,
            route=route,
            approval_date=approved,
            approved_places=places,
            deregistration_date=dereg,
            status="deregistered" if dereg else "available",
        )
    # Usable, not approved, places: one of H1's two places is unavailable on D (a carer's break); an
    # investigation that ended before D takes nothing away.
    h1 = FosteringHousehold.objects.get(authority=walsall, reference="H1")
    HouseholdPlacesUnavailable.objects.create(
        authority=walsall, household=h1, places=1, reason="carers_break", start_date=dt.date(2025, 3, 1)
    )
    HouseholdPlacesUnavailable.objects.create(
        authority=walsall,
        household=h1,
        places=1,
        reason="investigation",
        start_date=dt.date(2024, 5, 1),
        end_date=dt.date(2024, 7, 1),
    )
    # The recruitment funnel: March 2024 lies outside the 12 months to D.
    for month, enquiries, approvals, deregistrations in (
        (dt.date(2024, 3, 1), 100, 5, 0),
        (dt.date(2024, 4, 1), 30, 1, 0),
        (dt.date(2025, 2, 1), 20, 1, 1),
    ):
        FosteringRecruitmentMonth.objects.create(
            authority=walsall,
            month=month,
            route="in_house",
            enquiries=enquiries,
            approvals=approvals,
            deregistrations=deregistrations,
        )
    # W7's home is one of Walsall's own, registered for 2: one child in 2 places.
    ri.registered_places = 2
    ri.save()
    InHouseHome.objects.create(authority=walsall, setting=ri, name="Rowan House")
    leavers = [
        ("L1", dt.date(2005, 1, 1), "B1", "F1"),
        ("L2", dt.date(2004, 6, 1), "B2", "G5"),
        ("L3", dt.date(2006, 2, 1), "0", "0"),
        ("L4", dt.date(2008, 1, 1), "B1", "F2"),  # 17: not in the 19-21 measure
    ]
    for ref, dob, accom, activ in leavers:
        leaver = child(ref, dob)
        CareLeaverRecord.objects.create(
            authority=walsall,
            child=leaver,
            collection_year=2025,
            in_touch="YES",
            activity=activ,
            accommodation=accom,
        )
    return {"walsall": walsall, "sandwell": sandwell}
