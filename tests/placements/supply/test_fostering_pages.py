"""The fostering capacity page and the forms for places not available, from hand-built households."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse

from placements.models import FosteringHousehold, HouseholdPlacesUnavailable
from sufficiency.authorities.models import AuditEvent, Membership
from tests.factories import ChildFactory, EpisodeFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
ON = "2025-03-31"


@pytest.fixture
def board(walsall):
    user = UserFactory(email="board@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="board_member")
    return user


@pytest.fixture
def finder(walsall):
    user = UserFactory(email="finder@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="placement_finder")
    return user


@pytest.fixture
def carers(walsall):
    """A: 3 places, 1 on a carer's break; B: 2 places, on hold; C: an agency household with 2 places.
    One child with in-house carers, one with agency carers, one whose placement ended."""
    a = FosteringHousehold.objects.create(
        authority=walsall, reference="A", route="in_house", approval_date=D(2020, 1, 1), approved_places=3
    )
    b = FosteringHousehold.objects.create(
        authority=walsall,
        reference="B",
        route="in_house",
        approval_date=D(2020, 1, 1),
        approved_places=2,
        status="on_hold",
        household_type="short_break",
        age_min=0,
        age_max=4,
    )
    c = FosteringHousehold.objects.create(
        authority=walsall, reference="C", route="agency", approval_date=D(2021, 1, 1), approved_places=2
    )
    HouseholdPlacesUnavailable.objects.create(
        authority=walsall, household=a, places=1, reason="carers_break", start_date=D(2025, 3, 1)
    )
    HouseholdPlacesUnavailable.objects.create(  # ended before the date: usable again, not listed
        authority=walsall,
        household=a,
        places=1,
        reason="investigation",
        start_date=D(2024, 1, 1),
        end_date=D(2024, 6, 1),
    )
    for provider, dec in (("PR1", None), ("PR4", None), ("PR1", D(2025, 1, 1))):
        extra = {"dec": dec, "rec": "E13"} if dec else {}
        EpisodeFactory(
            child=ChildFactory(authority=walsall),
            decom=D(2024, 4, 1),
            place="U4",
            place_provider=provider,
            **extra,
        )
    return {"a": a, "b": b, "c": c}


def _cells(html: str, caption: str) -> list[list[str]]:
    """The rows of the table with this caption, as lists of cell texts."""
    start = html.index(caption)
    body = html[start : html.index("</table>", start)]
    rows = []
    for tr in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows[1:]  # without the header row


def test_capacity_page_counts_usable_places_and_vacancies(client, la_user, carers):
    client.force_login(la_user)
    response = client.get(reverse("placements:fostering-capacity", kwargs={"code": "335"}), {"as_at": ON})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The gap counts usable places, not approved places." in html
    totals = {row[0]: row[1:] for row in _cells(html, "Fostering places by carers")}
    # households, approved, not available, usable, filled, usable vacancies, occupancy of usable places,
    # expected turnover (the in-house placement that ended on 1 January 2025, in the 12 months to the date)
    assert totals["In-house carers"] == ["2", "5", "3", "2", "1", "1", "50.0%", "1"]
    assert totals["Agency carers"] == ["1", "2", "0", "2", "1", "1", "50.0%", "0"]
    assert "Expected turnover in the next 12 months" in html
    reasons = dict(_cells(html, "In-house places not available, by reason"))
    assert reasons == {"Carer's break": "1", "Household on hold": "2"}
    households = {
        row[0]: row
        for row in _cells(html, '<caption class="govuk-table__caption govuk-table__caption--m">Households')
    }
    assert households["A"][6] == "1 (Carer's break 1)" and households["A"][7:] == ["2", "2"]
    assert households["B"][6] == "2 (Household on hold 2)" and households["B"][7:] == ["0", "0"]
    by_type = {row[0]: row for row in _cells(html, "In-house occupancy by household type")}
    assert by_type["Short breaks"][4] == "0"  # usable places of the household on hold
    by_age = {row[0]: row for row in _cells(html, "In-house occupancy by the ages")}
    assert set(by_age) == {"0 to 4", "any age"}
    periods = _cells(html, "Places not available now or later")
    assert len(periods) == 1 and periods[0][:3] == ["A", "1", "Carer's break"] and periods[0][5] == "End"


def test_capacity_page_is_for_operational_roles_only(client, board, finder, carers):
    url = reverse("placements:fostering-capacity", kwargs={"code": "335"})
    client.force_login(board)
    assert client.get(url).status_code == 404
    client.force_login(finder)
    page = client.get(url, {"as_at": ON}).content.decode()
    assert "End</a>" not in page  # a placement finder reads capacity but does not change it


def test_overview_shows_usable_inhouse_places(client, la_user, carers):
    client.force_login(la_user)
    html = client.get(reverse("placements:supply-overview", kwargs={"code": "335"}), {"as_at": ON}).content
    text = re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html.decode())))
    assert "In-house usable places 2" in text
    assert "In-house usable vacancies 1" in text
    assert "In-house occupancy of usable places 50.0%" in text


def test_record_and_end_places_not_available(client, la_user, carers):
    client.force_login(la_user)
    household = carers["c"]
    url = reverse("placements:unavailable-create", kwargs={"code": "335", "pk": household.pk})
    assert client.get(url).status_code == 200
    # More places than the household is approved for: refused with an error summary, nothing saved.
    response = client.post(
        url,
        {
            "places": 3,
            "reason": "staying_put",
            "start_date_day": "1",
            "start_date_month": "3",
            "start_date_year": "2025",
        },
    )
    assert response.status_code == 200
    assert "approved for 2 place(s)" in response.content.decode()
    assert not HouseholdPlacesUnavailable.objects.filter(household=household).exists()
    # An end before the start: refused.
    response = client.post(
        url,
        {
            "places": 1,
            "reason": "staying_put",
            "start_date_day": "1",
            "start_date_month": "3",
            "start_date_year": "2025",
            "end_date_day": "1",
            "end_date_month": "2",
            "end_date_year": "2025",
        },
    )
    assert "The date to must be the same as or after the date from" in response.content.decode()
    response = client.post(
        url,
        {
            "places": 1,
            "reason": "staying_put",
            "start_date_day": "1",
            "start_date_month": "3",
            "start_date_year": "2025",
        },
    )
    assert response.status_code == 302
    record = HouseholdPlacesUnavailable.objects.get(household=household)
    assert (record.places, record.reason, record.end_date) == (1, "staying_put", None)
    assert AuditEvent.objects.filter(action="household_places_unavailable.recorded").count() == 1
    detail = client.get(reverse("placements:household-detail", kwargs={"code": "335", "pk": household.pk}))
    assert "Staying put" in detail.content.decode()

    end = reverse("placements:unavailable-end", kwargs={"code": "335", "pk": record.pk})
    response = client.post(end, {"end_date_day": "30", "end_date_month": "4", "end_date_year": "2025"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.end_date == D(2025, 4, 30)
    assert AuditEvent.objects.filter(action="household_places_unavailable.ended").count() == 1
    # An ended period cannot be ended again.
    assert client.get(end).status_code == 404


def test_places_not_available_forms_refuse_other_roles_and_authorities(client, finder, other_la_user, carers):
    household = carers["a"]
    record = household.places_unavailable.get(end_date__isnull=True)
    urls = [
        reverse("placements:unavailable-create", kwargs={"code": "335", "pk": household.pk}),
        reverse("placements:unavailable-end", kwargs={"code": "335", "pk": record.pk}),
    ]
    for user in (finder, other_la_user):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
            assert client.post(url, {"places": 1}).status_code == 404
    assert HouseholdPlacesUnavailable.objects.count() == 2
