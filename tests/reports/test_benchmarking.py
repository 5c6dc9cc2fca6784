"""The benchmarking page: the authority ranked among a comparator set (statistical neighbours, region,
England, all authorities, a custom group) for every KPI with a national equivalent, from the DfE-layout
fixtures, with a chart and its table; scoped to the authority and to dashboard roles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from placements.models import ComparatorGroup
from placements.national.services import national_statistics_import
from sufficiency.authorities.models import LocalAuthority
from sufficiency.reports.benchmarking import benchmark_rows

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dfe"
MARCH_2025 = {"on_day": "31", "on_month": "3", "on_year": "2025"}
pytestmark = pytest.mark.django_db


def _la(code):
    return LocalAuthority.objects.select_related("region").get(dfe_code=code)


@pytest.fixture
def published():
    names = ["la_cla_at_31_march.csv", "la_cla_rates_bom_crlf.csv"]
    outcome = national_statistics_import(files=[(n, (FIXTURES / n).read_bytes()) for n in names])
    assert outcome.ok


@pytest.fixture
def group(walsall):
    g = ComparatorGroup.objects.create(authority=walsall, name="Black Country and Birmingham")
    g.members.set([_la("330"), _la("333")])
    return g


def _row(rows, key):
    return next(r for r in rows if r.key == key)


def test_walsall_ranks_third_of_three_in_its_region_on_children_looked_after(published, walsall):
    rows = benchmark_rows(authority=walsall, on=dt.date(2025, 3, 31), comparator_set="region")
    cic = _row(rows, "children_in_care")
    assert cic.year == 2025
    ranked = [(m.name, m.value, m.rank) for m in cic.members if m.value is not None]
    assert ranked == [("Birmingham", 1910, 1), ("Sandwell", 620, 2), ("Walsall", 440, 3)]
    assert (cic.rank, cic.ranked, cic.own_basis) == (3, 3, "published")
    # The other West Midlands authorities are in the region set but nothing is published for them.
    assert cic.not_published == LocalAuthority.objects.filter(region=walsall.region).count() - 3
    assert cic.summary == {"mean": 1265.0, "min": 620.0, "max": 1910.0, "n": 2}
    assert cic.national.england == 81770 and cic.national.region == 9870


def test_a_suppressed_figure_is_not_published_and_never_ranked(published, walsall):
    rows = benchmark_rows(authority=walsall, on=dt.date(2025, 3, 31), comparator_set="region")
    foster = _row(rows, "pct_foster_care")
    walsall_member = next(m for m in foster.members if m.is_self)
    # Walsall's foster share is "c" in the table and its (empty) register has no figure either.
    assert walsall_member.value is None and walsall_member.marker == "c" and walsall_member.rank is None
    assert foster.rank is None
    over_20 = _row(rows, "pct_placed_over_20_miles")
    sandwell = next(m for m in over_20.members if m.dfe_code == "333")
    assert sandwell.value is None and sandwell.marker == "u"
    assert [m.name for m in over_20.members if m.rank] == ["Birmingham"]


def test_custom_group_and_england_sets(published, walsall, group):
    custom = benchmark_rows(authority=walsall, on=dt.date(2025, 3, 31), comparator_set="custom", group=group)
    assert [m.name for m in _row(custom, "children_in_care").members] == ["Birmingham", "Sandwell", "Walsall"]
    other = ComparatorGroup.objects.create(authority=_la("333"), name="Sandwell's")
    other.members.set([_la("330")])
    # Another authority's group is never used.
    foreign = benchmark_rows(authority=walsall, on=dt.date(2025, 3, 31), comparator_set="custom", group=other)
    assert [m.name for m in _row(foreign, "children_in_care").members] == ["Walsall"]
    england = benchmark_rows(authority=walsall, on=dt.date(2025, 3, 31), comparator_set="england")
    cic = _row(england, "children_in_care")
    assert cic.ranked == 3 and cic.not_published == LocalAuthority.objects.count() - 3
    with pytest.raises(KeyError):
        benchmark_rows(authority=walsall, on=dt.date(2025, 3, 31), comparator_set="galaxy")


def test_the_page_ranks_charts_and_tables(client, la_user, published, group):
    client.force_login(la_user)
    url = reverse("reports:kpi-benchmarking", kwargs={"code": "335"})
    response = client.get(
        url, {**MARCH_2025, "comparator_set": "custom", "group": str(group.pk), "measure": "children_in_care"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="bench-children_in_care" data-rank="3" data-ranked="3"' in html
    assert "3rd of 3" in html and "Black Country and Birmingham" in html
    assert 'id="benchmark-chart"' in html and "Show the data as a table" in html
    chart = response.context["chart"]
    assert chart["table"]["rows"][0] == ["Birmingham", "1", "1,910"]
    assert chart["figure"]["data"][0]["x"] == [1910, 620, 440, 9870, 81770]
    assert "Department for Education" in html and "la_cla_at_31_march.csv" in html
    source = html.split('id="benchmark-source">')[1].split("</p>")[0]
    assert "(synthetic stand-in, not the DfE&#x27;s list)." in source


def test_the_page_re_displays_bad_choices_with_errors(client, la_user, published):
    client.force_login(la_user)
    url = reverse("reports:kpi-benchmarking", kwargs={"code": "335"})
    response = client.get(url, {"comparator_set": "custom"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "no custom comparator groups" in response.content.decode()
    other = ComparatorGroup.objects.create(authority=_la("333"), name="Sandwell's")
    response = client.get(url, {"comparator_set": "custom", "group": str(other.pk)})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert "Sandwell&#x27;s" not in response.content.decode()
    response = client.get(url, {"comparator_set": "galaxy", "measure": "nope"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()


def test_without_national_statistics_the_page_says_so(client, la_user):
    client.force_login(la_user)
    response = client.get(reverse("reports:kpi-benchmarking", kwargs={"code": "335"}))
    assert response.status_code == 200
    assert 'id="no-national-data"' in response.content.decode()


def test_another_authority_is_404_and_the_kpi_page_links_here(client, other_la_user, la_user, published):
    client.force_login(other_la_user)
    assert client.get(reverse("reports:kpi-benchmarking", kwargs={"code": "335"})).status_code == 404
    client.force_login(la_user)
    page = client.get(reverse("reports:kpi-list", kwargs={"code": "335"})).content.decode()
    assert reverse("reports:kpi-benchmarking", kwargs={"code": "335"}) in page


def test_a_commissioner_makes_changes_and_deletes_a_custom_group(client, la_user, published, walsall):
    from sufficiency.authorities.models import AuditEvent

    client.force_login(la_user)
    url = reverse("reports:comparator-group-create", kwargs={"code": "335"})
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Black Country", "members": [_la("333").pk, _la("332").pk]})
    group = ComparatorGroup.objects.get(authority=walsall)
    assert response.status_code == 302 and f"group={group.pk}" in response["Location"]
    assert sorted(m.dfe_code for m in group.members.all()) == ["332", "333"]
    assert AuditEvent.objects.filter(action="national.comparator_group_saved", authority=walsall).exists()
    # Names are unique per authority; no member is an error; both re-display with the error summary.
    for data, message in (
        ({"name": "black  country", "members": [_la("330").pk]}, "already has a group with this name"),
        ({"name": "Empty"}, "Choose at least one authority"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and message in response.content.decode()
        assert "govuk-error-summary" in response.content.decode()
    edit = reverse("reports:comparator-group-update", kwargs={"code": "335", "pk": group.pk})
    client.post(edit, {"name": "Black Country", "members": [_la("330").pk]})
    assert [m.dfe_code for m in group.members.all()] == ["330"]
    page = client.get(reverse("reports:kpi-benchmarking", kwargs={"code": "335"})).content.decode()
    assert edit in page
    client.post(edit, {"delete": "1"})
    assert not ComparatorGroup.objects.exists()


def test_groups_are_the_authoritys_own_and_edited_by_commissioners_only(
    client, la_user, board_member, other_la_user, walsall
):
    group = ComparatorGroup.objects.create(authority=walsall, name="Walsall's")
    edit = reverse("reports:comparator-group-update", kwargs={"code": "335", "pk": group.pk})
    client.force_login(board_member)
    assert client.get(edit).status_code in (403, 404)
    client.force_login(other_la_user)
    assert client.get(edit).status_code == 404
    theirs = ComparatorGroup.objects.create(authority=_la("333"), name="Sandwell's")
    client.force_login(la_user)
    wrong = reverse("reports:comparator-group-update", kwargs={"code": "335", "pk": theirs.pk})
    assert client.get(wrong).status_code == 404
    assert client.post(wrong, {"delete": "1"}).status_code == 404
    assert ComparatorGroup.objects.filter(pk=theirs.pk).exists()
