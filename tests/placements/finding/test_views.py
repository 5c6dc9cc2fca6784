"""Who can see and work placement requests, and the pages' journeys. Another authority's request is 404.

The policy: requests are child-level (commissioners, placement finders, data managers,
administrators read them; board members and regional analysts never do); commissioners and placement
finders work them; the unmet-need ledger is aggregate and every dashboard role reads it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from placements.finding import services
from placements.models import Approach, PlacementRequest
from tests.factories import SettingFactory

pytestmark = pytest.mark.django_db

READ = {"commissioner", "placement_finder", "data_manager"}
WORK = {"commissioner", "placement_finder"}
LEDGER = {"commissioner", "placement_finder", "data_manager", "board_member", "regional_analyst"}
PAGES = {
    "request-list": (False, READ),
    "request-create": (False, WORK),
    "request-detail": (True, READ),
    "request-update": (True, WORK),
    "request-search": (True, WORK),
    "request-place": (True, WORK),
    "request-withdraw": (True, WORK),
    "request-not-placed": (True, WORK),
    "finding-ledger": (False, LEDGER),
    "finding-ledger-csv": (False, LEDGER),
}


@pytest.fixture
def users(la_user, placement_finder, data_manager, board_member, regional_user):
    return {
        "commissioner": la_user,
        "placement_finder": placement_finder,
        "data_manager": data_manager,
        "board_member": board_member,
        "regional_analyst": regional_user,
    }


def _url(name, placement_request=None, **kwargs):
    params = {"code": "335", **kwargs}
    if placement_request is not None:
        params["pk"] = placement_request.pk
    return reverse(f"placements:{name}", kwargs=params)


@pytest.mark.parametrize("name", PAGES)
def test_each_role_opens_only_its_pages(client, users, make_request, name):
    needs_request, allowed = PAGES[name]
    url = _url(name, make_request() if needs_request else None)
    for role, user in users.items():
        client.force_login(user)
        assert client.get(url).status_code == (200 if role in allowed else 404), (role, url)


@pytest.mark.parametrize("name", PAGES)
def test_another_authoritys_user_gets_404(client, other_la_user, make_request, name):
    needs_request, _ = PAGES[name]
    client.force_login(other_la_user)
    assert client.get(_url(name, make_request() if needs_request else None)).status_code == 404


def test_a_request_of_another_authority_is_404_under_our_code(client, sandwell, la_user):
    theirs = services.placement_request_create(
        authority=sandwell,
        data={
            "birth_month": dt.date(2012, 1, 1),
            "sex": "M",
            "requested_on": dt.date(2025, 6, 1),
            "urgency": "planned",
            "fostering": "preferred",
            "residential": "suitable",
            "supported": "unsuitable",
        },
        acting_user=None,
    )
    client.force_login(la_user)
    for name in ("request-detail", "request-search", "request-place", "request-withdraw"):
        assert client.get(_url(name, theirs)).status_code == 404
    assert client.post(_url("request-withdraw", theirs), {"reason": "other"}).status_code == 404
    assert PlacementRequest.objects.get(pk=theirs.pk).status == "open"


def test_the_list_shows_only_our_requests(client, sandwell, la_user, make_request):
    ours = make_request()
    services.placement_request_create(
        authority=sandwell,
        data={"birth_month": dt.date(2012, 1, 1), "sex": "M", "requested_on": dt.date(2025, 6, 1), "urgency": "planned",
              "fostering": "preferred", "residential": "suitable", "supported": "unsuitable"},
        acting_user=None,
    )  # fmt: skip
    client.force_login(la_user)
    response = client.get(_url("request-list"))
    assert [row[0]["text"] for row in response.context["rows"]] == [f"Request {ours.pk}"]


def test_a_request_is_logged_with_only_the_required_fields(client, placement_finder):
    client.force_login(placement_finder)
    response = client.post(
        _url("request-create"),
        {
            "birth_month_month": "5",
            "birth_month_year": "2012",
            "sex": "F",
            "requested_on_day": "2",
            "requested_on_month": "6",
            "requested_on_year": "2025",
            "urgency": "emergency",
            "fostering": "preferred",
            "residential": "suitable",
            "supported": "unsuitable",
        },
    )
    request = PlacementRequest.objects.get()
    assert response.status_code == 302 and response.url == _url("request-detail", request)
    assert (request.urgency, request.birth_month, request.created_by) == (
        "emergency",
        dt.date(2012, 5, 1),
        placement_finder,
    )


def test_a_request_form_with_nothing_shows_the_gov_uk_errors(client, placement_finder):
    client.force_login(placement_finder)
    response = client.post(
        _url("request-create"), {"requested_on_day": "", "requested_on_month": "", "requested_on_year": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "<title>Error:" in html
    for message in (
        "Enter date requested",
        "Select urgency",
        "Select fostering",
        "Enter the month and year of birth",
    ):
        assert message in html
    assert not PlacementRequest.objects.exists()


def test_an_illegal_transition_is_a_gov_uk_error_not_a_500(client, placement_finder, make_request):
    request = make_request()
    services.placement_request_withdraw(
        placement_request=request, reason="returned_home", acting_user=placement_finder
    )
    client.force_login(placement_finder)
    response = client.post(_url("request-not-placed", request), {"reason": "no_vacancy"})
    assert response.status_code == 200
    assert "This request is already withdrawn" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "withdrawn"


def test_the_search_lists_why_and_the_shortlist_records_approaches(
    client, placement_finder, make_request, vacancies, home, household
):
    stale_home = SettingFactory(
        urn="SC900002",
        name="Birch",
        provision_type="childrens_home",
        postcode="WS10 0AA",
        latest_judgement="good",
    )
    from django.utils import timezone

    from placements.supply.services import vacancy_record

    vacancy_record(
        authority=home.local_authority or household.authority, setting=stale_home, acting_user=None,
        recorded_at=timezone.now() - dt.timedelta(days=40), categories=["residential_external"],
    )  # fmt: skip
    request = make_request()
    client.force_login(placement_finder)
    response = client.get(_url("request-search", request))
    included = {c["key"]: c for c in response.context["included"]}
    excluded = {c["key"]: c for c in response.context["excluded"]}
    assert set(included) == {f"setting:{home.pk}", f"household:{household.pk}"}
    assert list(included)[0] == f"household:{household.pk}"  # in-house, near, cheaper
    assert any("Vacancy is stale" in r["text"] for r in excluded[f"setting:{stale_home.pk}"]["reasons"])
    response = client.post(
        _url("request-search", request), {"candidate": [f"setting:{home.pk}", f"household:{household.pk}"]}
    )
    assert response.status_code == 302
    assert Approach.objects.filter(placement_request=request).count() == 2
    request.refresh_from_db()
    assert request.status == "searching"


def test_a_shortlist_cannot_include_another_authoritys_household(
    client, placement_finder, make_request, sandwell
):
    from placements.supply.services import household_create

    theirs = household_create(
        authority=sandwell,
        data={
            "reference": "S1",
            "route": "in_house",
            "approval_date": dt.date(2020, 1, 1),
            "approved_places": 1,
        },
        acting_user=None,
    )
    request = make_request()
    client.force_login(placement_finder)
    client.post(_url("request-search", request), {"candidate": [f"household:{theirs.pk}"]})
    assert not Approach.objects.exists()


def test_walk_through_log_search_approach_two_offer_place_and_the_ledger_updates(
    client, placement_finder, walsall, vacancies, home, household
):
    client.force_login(placement_finder)
    today = dt.date.today()
    response = client.post(
        _url("request-create"),
        {
            "birth_month_month": "5", "birth_month_year": "2012", "sex": "F",
            "requested_on_day": str(today.day), "requested_on_month": str(today.month), "requested_on_year": str(today.year),
            "urgency": "planned", "fostering": "preferred", "residential": "suitable", "supported": "unsuitable",
            "home_postcode": "WS1 1",
        },
    )  # fmt: skip
    request = PlacementRequest.objects.get()
    assert client.get(_url("request-search", request)).status_code == 200
    client.post(
        _url("request-search", request), {"candidate": [f"setting:{home.pk}", f"household:{household.pk}"]}
    )
    carers = Approach.objects.get(household=household)
    maple = Approach.objects.get(setting=home)
    response = client.post(
        _url("approach-offer", request, approach_pk=carers.pk),
        {
            "weekly_cost": "450",
            "start_day": str(today.day),
            "start_month": str(today.month),
            "start_year": str(today.year),
        },
    )
    assert response.status_code == 302
    client.post(
        _url("approach-decline", request, approach_pk=maple.pk),
        {"declined_by": "provider", "reason": "MATCHING"},
    )
    detail = client.get(_url("request-detail", request)).content.decode()
    assert "Offer received, £450 a week" in detail and "Declined by the provider or carer: Matching" in detail
    response = client.post(
        _url("request-place", request),
        {
            "approach": str(carers.pk),
            "placed_on_day": str(today.day),
            "placed_on_month": str(today.month),
            "placed_on_year": str(today.year),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    request.refresh_from_db()
    assert (request.status, request.placed_to_plan, request.placed_category, request.agreed_weekly_cost) == (
        "placed", True, "fostering_inhouse", 450
    )  # fmt: skip
    ledger = client.get(_url("finding-ledger"))
    summary = {row["key"]: row["value"] for row in ledger.context["ledger_summary"]}
    assert summary["Requests"] == "1 (1 planned, 0 emergency)"
    assert summary["Placed to plan"] == "100%"
    assert summary["Providers approached per request"] == "2"
    assert summary["Median days to place"] == "0"
    assert "Matching with the children already there" in ledger.content.decode()
    csv_text = client.get(_url("finding-ledger-csv")).content.decode("utf-8-sig")
    assert csv_text.startswith("Month,Kind of placement preferred,Requests,Planned,Emergency")


def test_the_ledger_names_no_child_or_request(client, board_member, make_request):
    make_request(child_ref="")
    client.force_login(board_member)
    html = client.get(_url("finding-ledger")).content.decode()
    assert "Request " not in html and "C1001" not in html


def test_the_forms_start_filled_in(client, placement_finder, make_request):
    client.force_login(placement_finder)
    form = client.get(_url("request-create")).context["form"]
    assert form.initial["requested_on"] == dt.date.today()
    request = make_request(siblings=1, social_worker="Team North")
    form = client.get(_url("request-update", request)).context["form"]
    assert form.initial["social_worker"] == "Team North" and form.initial["fostering"] == "preferred"
    form = client.get(_url("request-place", request)).context["form"]
    assert form.initial["placed_on"] == dt.date.today()


def test_the_approach_links_follow_the_lifecycle(client, placement_finder, make_request, home, household):
    """Links on the request page come from `lifecycle.APPROACH_ACTIONS`: an awaiting approach offers all three,
    an offer can be declined or placed, a declined one offers nothing."""
    from placements.finding import services

    request = make_request()
    services.placement_request_approach(
        placement_request=request, acting_user=placement_finder, settings=[home], households=[household]
    )
    maple = Approach.objects.get(setting=home)
    carers = Approach.objects.get(household=household)
    services.approach_decline(
        approach=carers, declined_by="provider", reason="MATCHING", acting_user=placement_finder
    )
    client.force_login(placement_finder)
    page = client.get(_url("request-detail", request)).content.decode()
    assert _url("approach-offer", request, approach_pk=maple.pk) in page
    assert _url("approach-decline", request, approach_pk=maple.pk) in page
    assert f"?approach={maple.pk}" in page
    assert _url("approach-offer", request, approach_pk=carers.pk) not in page
    assert _url("approach-decline", request, approach_pk=carers.pk) not in page
    assert f"?approach={carers.pk}" not in page
    services.approach_offer_record(approach=maple, weekly_cost=None, start=None, acting_user=placement_finder)
    page = client.get(_url("request-detail", request)).content.decode()
    assert _url("approach-offer", request, approach_pk=maple.pk) not in page
    assert _url("approach-decline", request, approach_pk=maple.pk) in page


def test_the_not_included_list_is_capped_with_its_total(
    client, placement_finder, make_request, home, household, monkeypatch
):
    """With hundreds excluded (a county's market without vacancies), the page lists the first few in the
    matching order and says how many there are."""
    from placements.finding.views import search

    monkeypatch.setattr(search, "EXCLUDED_SHOWN", 0)
    request = make_request()
    client.force_login(placement_finder)
    response = client.get(_url("request-search", request), {"include_without_vacancy": "on"})
    total = response.context["excluded_total"]
    assert total >= 1 and response.context["excluded"] == []
    content = response.content.decode()
    assert f"Not included ({total})" in content and f"Showing the first 0 of {total}" in content


def test_an_agency_household_is_named_with_its_agency_in_the_search_the_request_and_its_outcome(
    client, placement_finder, walsall, make_request
):
    from placements.supply.services import household_create, vacancy_record

    agency = SettingFactory(
        urn="SC900077",
        name="Brightstar Fostering",
        provision_type="independent_fostering_agency",
        postcode="B1 1AA",
        latest_judgement="good",
    )
    carers = household_create(
        authority=walsall,
        data={
            "reference": "IFC7",
            "route": "agency",
            "agency": agency,
            "approval_date": dt.date(2020, 1, 1),
            "approved_places": 2,
            "postcode_district": "WS2",
        },
        acting_user=None,
    )
    vacancy_record(authority=walsall, household=carers, acting_user=None, categories=["fostering_external"])
    request = make_request()
    client.force_login(placement_finder)
    response = client.get(_url("request-search", request))
    (row,) = [c for c in response.context["included"] if c["key"] == f"household:{carers.pk}"]
    assert row["name"] == "Household IFC7 (Brightstar Fostering)"
    assert row["type"] == "Agency foster carers"
    client.post(_url("request-search", request), {"candidate": [f"household:{carers.pk}"]})
    approach = Approach.objects.get(placement_request=request)
    page = client.get(_url("request-detail", request)).content.decode()
    assert "Household IFC7 (Brightstar Fostering)" in page  # the referrals sent
    offer = client.get(_url("approach-offer", request, approach_pk=approach.pk))
    assert offer.context["title"] == "Offer from Household IFC7 (Brightstar Fostering)"
    services.placement_request_place(
        placement_request=request, approach=approach, placed_on=dt.date.today(), acting_user=placement_finder
    )
    outcome = client.get(_url("request-detail", request)).context["outcome_rows"]
    assert {"key": "Placed with", "value": "Household IFC7 (Brightstar Fostering)"} in outcome


def test_households_are_labelled_with_whose_carers_they_are(walsall):
    from placements.models import FosteringHousehold

    agency = SettingFactory(urn="SC900078", name="", provision_type="independent_fostering_agency")
    in_house = FosteringHousehold(authority=walsall, reference="FC1", route="in_house")
    unnamed_agency = FosteringHousehold(authority=walsall, reference="IFC1", route="agency", agency=agency)
    unknown_agency = FosteringHousehold(authority=walsall, reference="IFC2", route="agency")
    assert in_house.label == "Household FC1 (in-house)"
    assert unnamed_agency.label == "Household IFC1 (SC900078)"  # the URN where Ofsted withholds the name
    assert unknown_agency.label == "Household IFC2 (agency not recorded)"


def test_without_a_vacancy_the_search_offers_the_agencies_the_authority_uses(walsall, sandwell, make_request):
    """The fostering agencies listed without a vacancy: those whose carers the authority holds (wherever
    they are) and those on its own frameworks; not another authority's agency, nor one on another
    authority's framework."""
    from placements.finding import selectors
    from placements.supply.services import household_create
    from sufficiency.authorities.models import LocalAuthority

    kent = LocalAuthority.objects.get(dfe_code="886")

    from placements.models import FrameworkMembership

    def ifa(urn, area, framework_of=None):
        setting = SettingFactory(
            urn=urn,
            name=urn,
            provision_type="independent_fostering_agency",
            local_authority=area,
            postcode="",
            framework="A shared framework name",  # never read by matching
            latest_judgement="good",
        )
        if framework_of is not None:
            FrameworkMembership.objects.create(
                authority=framework_of, setting=setting, framework="WM Fostering"
            )
        return setting

    ours_far = ifa("SC910001", kent)
    framework_near = ifa("SC910002", sandwell, framework_of=walsall)
    near_unused = ifa("SC910003", sandwell, framework_of=sandwell)  # Sandwell's framework, not Walsall's
    theirs_far = ifa("SC910004", kent)
    for authority, agency, ref in ((walsall, ours_far, "IFC1"), (kent, theirs_far, "K1")):
        household_create(
            authority=authority,
            data={"reference": ref, "route": "agency", "agency": agency, "approval_date": dt.date(2020, 1, 1),
                  "approved_places": 1},
            acting_user=None,
        )  # fmt: skip
    matches = selectors.match_candidates_for_request(
        placement_request=make_request(), include_without_vacancy=True
    )
    agencies = {m.candidate.object_id for m in matches if m.candidate.kind == "setting"}
    assert {ours_far.pk, framework_near.pk} <= agencies
    assert not {near_unused.pk, theirs_far.pk} & agencies


def test_without_a_vacancy_the_nearest_are_offered_not_the_first_by_urn(
    walsall, sandwell, make_request, household, monkeypatch
):
    """Past the cap, the homes and carers nearest the child's home are listed, whatever their URN or
    reference."""
    from placements.finding import selectors
    from placements.supply.services import household_create

    monkeypatch.setattr(selectors, "MAX_EXTRA_CANDIDATES", 1)
    far = SettingFactory(urn="SC920001", name="Far", provision_type="childrens_home", local_authority=sandwell,
                         postcode="WV1 1RQ", latest_judgement="good")  # fmt: skip
    near = SettingFactory(urn="SC920002", name="Near", provision_type="childrens_home", local_authority=walsall,
                          postcode="WS1 1TP", latest_judgement="good")  # fmt: skip
    household.postcode_district = "WV1"
    household.save()
    close_carers = household_create(
        authority=walsall,
        data={"reference": "Z9", "route": "in_house", "approval_date": dt.date(2020, 1, 1), "approved_places": 1,
              "postcode_district": "WS1"},
        acting_user=None,
    )  # fmt: skip
    matches = selectors.match_candidates_for_request(
        placement_request=make_request(home_postcode="WS1 1"), include_without_vacancy=True
    )
    keys = {m.candidate.key for m in matches}
    assert f"setting:{near.pk}" in keys and f"setting:{far.pk}" not in keys
    assert f"household:{close_carers.pk}" in keys and f"household:{household.pk}" not in keys
    assert selectors._nearest([(1, "WV1 1RQ"), (2, ""), (3, "WS1 1TP")], "WS1 1", limit=2) == [3, 1]
