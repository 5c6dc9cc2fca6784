"""The regional statement's pooled supply, placement requests and spend: sums over the region's authorities
of what each authority's own statement reports, on hand-built members.

Walsall: 2 in-house fostering households (3 and 2 places), one children's home of 2 places, 2 block beds,
14 placement requests (7 planned and 5 emergency placed, 2 planned not placed) and one child fostered in-house
at £700 a week. Sandwell: one household of 4 places, one home of 4 places, 3 block beds, 10 requests (5
planned and 4 emergency placed, one emergency not placed) and one child fostered in-house at £1,400 a week.
"""

from __future__ import annotations

import datetime as dt

import pytest

from sufficiency.reports.board.formatting import fmt_money
from sufficiency.reports.board.sections.forecast import actual_spend
from sufficiency.reports.statement.builder import build_regional_document

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2026, 3, 31)
#: Per authority: (household places, home places, block beds, weekly cost, requests as (urgency, placed)).
MEMBERS = {
    "335": (
        (3, 2),
        2,
        2,
        700,
        [("planned", True)] * 7 + [("emergency", True)] * 5 + [("planned", False)] * 2,
    ),
    "333": ((4,), 4, 3, 1400, [("planned", True)] * 5 + [("emergency", True)] * 4 + [("emergency", False)]),
}


@pytest.fixture
def members(walsall, sandwell):
    from placements.models import BlockContract, FosteringHousehold, InHouseHome, PlacementRequest, UnitCost
    from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

    out = {}
    for code, la in (("335", walsall), ("333", sandwell)):
        households, home_places, beds, weekly, requests = MEMBERS[code]
        for i, places in enumerate(households):
            FosteringHousehold.objects.create(
                authority=la, reference=f"H{code}{i}", route="in_house", approval_date=dt.date(2020, 1, 1),
                approved_places=places,
            )  # fmt: skip
        home = SettingFactory(urn=f"SC9{code}", provision_type="childrens_home", registered_places=home_places,
                              registration_status="active", local_authority=la)  # fmt: skip
        InHouseHome.objects.create(authority=la, setting=home, name=f"Home {code}")
        BlockContract.objects.create(
            authority=la, reference=f"B{code}", provider_name="Acme Homes", category="residential_external",
            beds=beds, start_date=dt.date(2025, 4, 1), end_date=dt.date(2027, 3, 31), weekly_cost_per_bed=5000,
        )  # fmt: skip
        UnitCost.objects.create(authority=la, category="fostering_inhouse", route="in_house", weekly_cost=weekly,
                                effective_from=dt.date(2020, 4, 1))  # fmt: skip
        child = ChildFactory(authority=la, dob=dt.date(2014, 5, 1))
        EpisodeFactory(child=child, authority=la, decom=dt.date(2023, 1, 1), place="U4", place_provider="PR1")
        for i, (urgency, placed) in enumerate(requests):
            PlacementRequest.objects.create(
                authority=la, birth_month=dt.date(2012, 5, 1), sex="F", home_postcode="WS1 1",
                requested_on=dt.date(2025, 6, 1) + dt.timedelta(days=i), urgency=urgency, fostering="preferred",
                residential="suitable", supported="unsuitable", status="placed" if placed else "not_placed",
                placed_on=dt.date(2025, 7, 1) if placed else None,
                placed_category="fostering_inhouse" if placed else "", placed_route="in_house" if placed else "",
            )  # fmt: skip
        out[code] = la
    return out


def _table(document, section: str, table_id: str) -> dict:
    part = next(s for s in document["sections"] if s["key"] == section)
    return next(t for t in part["tables"] if t["id"] == table_id)


def test_pooled_supply_sums_households_places_homes_and_block_beds(members):
    walsall = members["335"]
    document = build_regional_document(authority=walsall, region=walsall.region, as_at=AS_AT)
    rows = dict(_table(document, "supply", "table-region-supply")["rows"])
    assert rows["Approved in-house fostering households"] == "3"  # 2 + 1
    assert rows["Approved in-house fostering places"] == "9"  # 3 + 2 + 4
    assert rows["Children's homes the authorities run (open)"] == "2"
    assert rows["Usable places in those homes"] == "6"  # 2 + 4
    assert rows["Block-contracted beds"] == "5"  # 2 + 3: beds, not children, printed as they are


def test_pooled_placement_requests_by_outcome_are_suppressed_with_the_regions_counts(members):
    walsall = members["335"]
    document = build_regional_document(authority=walsall, region=walsall.region, as_at=AS_AT)
    rows = dict(_table(document, "unmet_need", "table-region-requests")["rows"])
    assert rows["Placement requests"] == "24"  # 14 + 10
    assert rows["of which planned"] == "14"
    assert rows["of which emergency (same day)"] == "10"
    # 3 not placed: withheld, and so is the count placed (all requests less it would give it back).
    assert rows["Not (yet) placed"] == "fewer than 5"
    assert rows["Placed"] == "fewer than 5"


def test_pooled_spend_by_financial_year_is_the_sum_of_each_authoritys_spend(members):
    walsall = members["335"]
    document = build_regional_document(authority=walsall, region=walsall.region, as_at=AS_AT)
    table = _table(document, "costs", "table-region-spend")
    own = {code: actual_spend(la, AS_AT) for code, la in members.items()}
    labels = own["335"][0]
    assert [h["text"] for h in table["headers"][1:]] == labels
    rows = {row[0]: row[1:] for row in table["rows"]}
    for i, fy in enumerate(labels):
        fostering = [own[code][1][fy].get("FOSTERING", 0.0) for code in members]
        assert all(fostering)  # both authorities spent in each year
        assert rows["Foster care"][i] == fmt_money(sum(fostering))
        assert rows["Total"][i] == fmt_money(sum(sum(own[code][1][fy].values()) for code in members))
    # A full year of both children: about £700 + £1,400 a week.
    assert rows["Total"][-1] == fmt_money(sum(own[c][1][labels[-1]]["FOSTERING"] for c in members))
    assert 105_000 < sum(own[c][1][labels[-1]]["FOSTERING"] for c in members) < 115_000


#: Per authority: (miles from home, area: "own", "other" or None) of each child in care.
LOCALITY = {
    "335": [(5.0, "own")] * 6 + [(30.0, "other")] * 2,
    "333": [(3.0, "own")] * 7 + [(25.0, "other")] + [(None, None)],
}


@pytest.fixture
def placed_far(walsall, sandwell):
    from tests.factories import ChildFactory, EpisodeFactory

    las = {"335": walsall, "333": sandwell}
    for code, children in LOCALITY.items():
        la, other = las[code], las["333" if code == "335" else "335"]
        for miles, area in children:
            child = ChildFactory(authority=la, dob=dt.date(2012, 5, 1))
            EpisodeFactory(child=child, authority=la, decom=dt.date(2023, 1, 1), place="U4", place_provider="PR4",
                           distance_miles=miles,
                           placement_la={"own": la, "other": other, None: None}[area])  # fmt: skip
    return walsall


def test_pooled_children_by_distance_and_area_are_suppressed_with_the_regions_counts(placed_far):
    document = build_regional_document(authority=placed_far, region=placed_far.region, as_at=AS_AT)
    rows = dict(_table(document, "where_they_live", "table-region-locality")["rows"])
    # Within 20 miles 6 + 7, over 2 + 1 (withheld), known 16; inside 13, outside 3 (withheld), known 16.
    assert rows["Living more than 20 miles from home"] == "fewer than 5"
    assert rows["Living outside it"] == "fewer than 5"
    for within, known, printed in (
        ("Living within 20 miles of home", "Distance from home known", ("13", "16")),
        ("Living inside their own authority's boundary", "Placement area known", ("13", "16")),
    ):
        # The known children less those within would give the small count back: one of them is withheld.
        assert "fewer than 5" in (rows[within], rows[known])
        assert rows[within] in (printed[0], "fewer than 5") and rows[known] in (printed[1], "fewer than 5")


@pytest.fixture
def placed_apart(walsall, sandwell):
    """Walsall: 5 of 10 children more than 20 miles from home; Sandwell: 5 of 15."""
    from tests.factories import ChildFactory, EpisodeFactory

    for la, near in ((walsall, 5), (sandwell, 10)):
        for miles in [30.0] * 5 + [4.0] * near:
            child = ChildFactory(authority=la, dob=dt.date(2012, 5, 1))
            EpisodeFactory(child=child, authority=la, decom=dt.date(2023, 1, 1), place="U4", place_provider="PR4",
                           distance_miles=miles, placement_la=la)  # fmt: skip
    return walsall


def _where_facts(document) -> list[str]:
    where = next(s for s in document["sections"] if s["key"] == "where_they_live")
    return [f for f in where["facts"] if "highest" in f]


def test_a_pooled_section_names_the_authorities_with_the_highest_and_lowest_printed_rate(placed_apart):
    document = build_regional_document(authority=placed_apart, region=placed_apart.region, as_at=AS_AT)
    assert _where_facts(document) == [
        "Of the region's authorities, Walsall has the highest value of “children placed more than 20 miles "
        "from home” (50.0%) and Sandwell the lowest (33.3%)."
    ]
    side = next(
        t for s in document["sections"] for t in s["tables"] if t["id"] == "table-region-side-by-side"
    )
    row = next(r for r in side["rows"] if r[0] == "Children placed more than 20 miles from home")
    assert {"50.0%", "33.3%"} <= set(row[2:])  # the sentence repeats what the table prints


def test_no_highest_or_lowest_sentence_when_either_rate_is_withheld(placed_far):
    document = build_regional_document(authority=placed_far, region=placed_far.region, as_at=AS_AT)
    assert _where_facts(document) == []  # Walsall's 2 of 8 and Sandwell's 1 of 8 are withheld
