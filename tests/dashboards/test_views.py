"""Who sees which dashboard, what it shows, and how many queries it costs.

The policy: every member with a dashboard role reads their authority's dashboards; board members
and regional analysts read them without links to children; another authority's dashboard is a 404; the
region page shows every authority of the viewer's region side by side with other authorities' small
counts suppressed; no page issues more than 25 queries.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re

import pytest
from django.urls import reverse

from sufficiency.authorities.models import Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["overview", "forecast", "gap", "market"]
WM = "E12000005"


def _url(page, code="335"):
    return reverse(f"dashboards:{page}", kwargs={"code": code})


@pytest.mark.parametrize("page", PAGES)
def test_commissioner_sees_the_page_within_the_query_cap(
    client, la_user, rollup, page, django_assert_max_num_queries
):
    client.force_login(la_user)
    with django_assert_max_num_queries(25):
        response = client.get(_url(page))
    assert response.status_code == 200
    body = response.content.decode()
    assert "As at 31 March 2026" in body
    assert "Download CSV" in body
    assert "/kpis/definitions/#" in body


@pytest.mark.parametrize("page", [*PAGES, "csv"])
def test_another_authoritys_dashboard_is_a_404(client, other_la_user, rollup, page):
    client.force_login(other_la_user)
    if page == "csv":
        url = reverse("dashboards:csv", kwargs={"code": "335", "page": "overview", "key": "mix"})
    else:
        url = _url(page)
    assert client.get(url).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(client, rollup):
    response = client.get(_url("overview"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_overview_shows_the_counts_and_comparators(client, la_user, rollup):
    from pathlib import Path

    from placements.national.services import national_statistics_import

    dfe = Path(__file__).resolve().parents[1] / "fixtures" / "dfe" / "la_cla_at_31_march.csv"
    national_statistics_import(files=[(dfe.name, dfe.read_bytes())])
    client.force_login(la_user)
    body = client.get(_url("overview")).content.decode()
    # C1-C6 in care on 31 March 2026 (C7 left on 1 March); 6 / 60,000 x 10,000 = 1.0
    key = body[body.index("Key figures on 31 March 2026") :]
    assert ">6<" in key.replace(" ", "")
    assert "1.0" in key
    assert "81,770" in key  # England, from the imported DfE table for 31 March 2025
    assert "Placed outside the authority" in body
    assert "H5 – Semi-independent living" in body  # C6 outside the boundary, by placement type


def test_commissioner_drills_down_to_the_children_behind_a_number(client, la_user, rollup):
    client.force_login(la_user)
    body = client.get(_url("overview")).content.decode()
    child_list = reverse("placements:child-list", kwargs={"code": "335"})
    assert f"{child_list}?on_day=31&amp;on_month=3&amp;on_year=2026&amp;category=residential_external" in body


@pytest.mark.parametrize("fixture", ["board_member", "regional_user"])
def test_board_members_and_analysts_read_without_links_to_children(client, request, rollup, fixture):
    client.force_login(request.getfixturevalue(fixture))
    for page in PAGES:
        response = client.get(_url(page))
        assert response.status_code == 200
        child_list = reverse("placements:child-list", kwargs={"code": "335"})
        assert f"{child_list}?on_day=" not in response.content.decode()


def test_filters_change_the_counts(client, la_user, rollup):
    client.force_login(la_user)
    body = client.get(
        _url("overview"), {"category": "residential_external", "age_band": "10_15"}
    ).content.decode()
    key = body[body.index("Key figures") : body.index("Children in care per 10,000 children</h2>")]
    # C1, C2, C3 are in external children's homes and aged 14.
    assert ">3<" in key.replace(" ", "")
    body = client.get(_url("overview"), {"age_band": "1_4"}).content.decode()
    key = body[body.index("Key figures") : body.index("Children in care per 10,000 children</h2>")]
    assert ">1<" in key.replace(" ", "")  # C5, aged 2


def test_an_unknown_filter_value_falls_back_to_the_default(client, la_user, rollup):
    client.force_login(la_user)
    response = client.get(_url("overview"), {"as_at": "2026-02-30", "age_band": "nonsense"})
    assert response.status_code == 200
    assert "Key figures on 31 March 2026" in response.content.decode()


def test_gap_page_shows_local_capacity_and_where_children_live(client, la_user, rollup):
    client.force_login(la_user)
    body = client.get(_url("gap")).content.decode()
    assert "Children&#x27;s homes" in body or "Children's homes" in body
    assert "Your area: Walsall" in body
    assert "Sandwell" in body
    assert "2026-27" in body and "2027-28" in body


def test_gap_and_overview_say_where_their_national_data_came_from(client, la_user, rollup):
    """The gap counts the Ofsted register's places and the rate divides by a population estimate: each
    page names where those shared values came from."""
    client.force_login(la_user)
    gap = client.get(_url("gap")).content.decode()
    assert "Ofsted data: published before provenance was recorded." in gap
    overview = client.get(_url("overview")).content.decode()
    assert "Population (mid-2025): published before provenance was recorded." in overview


def test_market_page_lists_local_settings_only(client, la_user, rollup):
    client.force_login(la_user)
    body = client.get(_url("market")).content.decode()
    assert "SC0001" in body and "SC0002" in body and "SA0001" in body
    assert "SC0003" not in body  # 60 miles away
    # Where the register's values came from (settings made before provenance was recorded here).
    assert "Ofsted data: published before provenance was recorded." in body


def test_market_page_marks_the_authoritys_own_homes_as_in_house(client, la_user, register):
    from forecasting.gap_services import gap_assessment_compute
    from placements.models import InHouseHome, Setting
    from sufficiency.dashboards.services import dashboard_rollup_compute

    walsall = register["walsall"]
    InHouseHome.objects.create(authority=walsall, setting=Setting.objects.get(urn="SC0001"), name="Oak House")
    gap_assessment_compute(authority=walsall)
    dashboard_rollup_compute(authority=walsall)
    client.force_login(la_user)
    body = client.get(_url("market")).content.decode()
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, flags=re.S)
    tagged = [row for row in rows if 'govuk-tag--turquoise">In-house<' in row]
    assert len(tagged) == 1 and "SC0001" in tagged[0]  # the own home only; SC0002 is a provider's
    url = reverse("dashboards:csv", kwargs={"code": "335", "page": "market", "key": "settings"})
    for query in ({}, {"format": "xlsx"}):
        response = client.get(url, query)
        assert response.status_code == 200
    table = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert table[0][-1] == "In-house home"
    marked = {row[0]: row[-1] for row in table[1:]}
    assert marked["SC0001"] == "Yes" and marked["SC0002"] == "No" and marked["SA0001"] == "No"
    assert all("In-house" not in row[1] for row in table[1:])  # the name column stays the name


def test_gap_page_shows_usable_fostering_places_beside_the_expected_turnover(client, la_user, rollup):
    client.force_login(la_user)
    body = html_lib.unescape(client.get(_url("gap")).content.decode())
    assert "Beside them is the expected turnover" in body
    # H1's 3 usable places; C7's in-house fostering placement ended on 1 March 2026, within the 12 months.
    assert "3 usable in-house places, and an expected turnover of 1 in the next 12 months" in body


def test_board_report_gap_table_heads_usable_in_house_places(register, rollup):
    from sufficiency.reports.board.builder import build_report_document

    document = build_report_document(authority=register["walsall"], as_at=rollup.as_at)
    tables = [t for s in document["sections"] for t in s["tables"] if t["id"] == "table-gap"]
    assert tables, "the board report has the gap table"
    headers = [c["text"] for c in tables[0]["headers"]]
    assert "Usable in-house places" in headers and "In-house places" not in headers
    fostering = [r for r in tables[0]["rows"] if r[1] == "Fostering"]
    assert fostering and {r[3] for r in fostering} == {"3"}  # H1's 3 usable places


def test_csv_download_matches_the_table(client, la_user, rollup):
    client.force_login(la_user)
    url = reverse("dashboards:csv", kwargs={"code": "335", "page": "overview", "key": "mix"})
    response = client.get(url, {"age_band": "10_15"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # Numbers as numbers, the unit in the header (the page shows "75.0%").
    assert rows[0] == ["Placement category", "Children", "Share (%)"]
    # C1-C4 are aged 14 on the date: three in an external children's home, one with in-house carers.
    assert ["Residential: external children's home", "3", "75.0"] in rows
    assert ["Fostering: in-house", "1", "25.0"] in rows
    xlsx = client.get(url, {"age_band": "10_15", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="335-overview-mix.xlsx"' in xlsx["Content-Disposition"]
    missing = reverse("dashboards:csv", kwargs={"code": "335", "page": "overview", "key": "nope"})
    assert client.get(missing).status_code == 404


def test_no_rollup_yet_says_so_and_offers_the_data_manager_an_import(client, data_manager, walsall):
    client.force_login(data_manager)
    response = client.get(_url("overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There are no figures for Walsall yet" in body
    assert reverse("placements:import-create", kwargs={"code": "335"}) in body


def test_region_page_shows_the_region_with_suppression(
    client, regional_user, rollup, django_assert_max_num_queries
):
    from sufficiency.authorities.models import LocalAuthority
    from sufficiency.dashboards.services import dashboard_rollup_compute

    dashboard_rollup_compute(authority=LocalAuthority.objects.get(dfe_code="333"))
    client.force_login(regional_user)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("dashboards:region", kwargs={"region": WM}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Walsall" in body and "Sandwell" in body and "Birmingham" in body
    # Sandwell has 1 child in care: another authority's count under 5 is suppressed ("c").
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("dashboards:region-csv", kwargs={"region": WM, "key": "authorities"})
                ).content.decode()
            )
        )
    )
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Sandwell"][1] == "c"
    assert by_name["Walsall"][1] == "6"  # the analyst's own authority is never suppressed
    # An authority without figures is named once, not given a row of blanks.
    assert "Birmingham" not in by_name and "No figures yet" not in json.dumps(rows)
    assert re.search(r"No figures yet for [^.]*Birmingham", body)
    # The viewer's own authority is marked in every chart of the region; the others are not.
    for key in ("rates", "mix", "distance", "spend", "growth"):
        figure = json.loads(
            re.search(
                rf'<script id="chart-{key}-data" type="application/json">(.*?)</script>', body, re.S
            ).group(1)
        )
        axis = figure["layout"]["yaxis"]
        marked = dict(zip(axis["tickvals"], axis["ticktext"], strict=True))
        assert marked["Walsall"] == "Walsall (your authority)" and marked["Sandwell"] == "Sandwell", key
        assert "Birmingham" not in marked, key
        outline = figure["data"][0]["marker"]["line"]["width"]
        assert (
            outline[axis["tickvals"].index("Walsall")] > 0 == outline[axis["tickvals"].index("Sandwell")]
        ), key


def test_region_page_is_a_404_outside_the_viewers_region(client, regional_user):
    client.force_login(regional_user)
    assert client.get(reverse("dashboards:region", kwargs={"region": "E12000007"})).status_code == 404


def test_a_member_without_a_dashboard_role_cannot_open_the_region(client, walsall):
    user = UserFactory(email="nobody@example.gov.uk")
    client.force_login(user)
    assert client.get(reverse("dashboards:region", kwargs={"region": WM})).status_code == 404
    Membership.objects.create(user=user, authority=walsall, role="board_member")
    assert client.get(reverse("dashboards:region", kwargs={"region": WM})).status_code == 200


def test_home_leads_a_regional_analyst_to_the_region_page(client, regional_user):
    client.force_login(regional_user)
    body = client.get(reverse("home")).content.decode()
    assert reverse("dashboards:region", kwargs={"region": WM}) in body
    assert reverse("dashboards:overview", kwargs={"code": "335"}) in body


def test_each_category_fan_shows_its_actual_history(client, la_user, rollup):
    # The register on 31 March 2026: C1-C3 in external children's homes, C4-C5 with in-house carers, C6 in
    # supported accommodation; C7 had left on 1 March.
    history = rollup.forecast["actual_history"]
    assert history["category|residential_external"][-1] == ["2026-03-31", 3]
    assert history["category|fostering_inhouse"][-1] == ["2026-03-31", 2]
    assert history["category|supported"][-1] == ["2026-03-31", 1]
    assert len(history["category|residential_external"]) <= 36
    client.force_login(la_user)
    url = reverse(
        "dashboards:csv",
        kwargs={"code": "335", "page": "forecast", "key": "fan-category-residential_external"},
    )
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert rows[0] == ["Month end", "Actual", "Forecast (mean)", "80% interval", "95% interval"]
    actual_rows = [r for r in rows[1:] if r[1]]
    forecast_rows = [r for r in rows[1:] if r[2]]
    assert actual_rows[-1][:2] == ["2026-03-31", "3"]  # ISO dates in downloads
    assert rows.index(actual_rows[-1]) < rows.index(forecast_rows[0]), "history comes before the forecast"
    page = client.get(_url("forecast")).content.decode()
    figures = {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r'<script id="([^"]+)-data" type="application/json">(.*?)</script>', page, re.S)
    }
    fans = {key: figure for key, figure in figures.items() if "fan-" in key}
    assert len(fans) == 4, sorted(fans)  # the total and the three categories with children
    for key, figure in fans.items():
        actual = [trace for trace in figure["data"] if trace["name"] == "Actual"]
        assert len(actual) == 1 and actual[0]["x"][-1] == "2026-03-31", key


def test_region_page_filters_by_age_band(client, regional_user, rollup):
    from sufficiency.authorities.models import LocalAuthority
    from sufficiency.dashboards.services import dashboard_rollup_compute

    dashboard_rollup_compute(authority=LocalAuthority.objects.get(dfe_code="333"))
    client.force_login(regional_user)
    page = client.get(reverse("dashboards:region", kwargs={"region": WM}), {"age_band": "10_15"})
    assert page.status_code == 200
    assert "Children aged 10 to 15" in page.content.decode()

    def rows(**query):
        url = reverse("dashboards:region-csv", kwargs={"region": WM, "key": "category"})
        body = client.get(url, query).content.decode()
        return {row[0]: row[1] for row in list(csv.reader(io.StringIO(body)))[1:]}

    # C1-C4 are aged 14: three in external children's homes, one with in-house carers.
    assert rows(age_band="10_15")["Walsall"] == "4"
    assert rows(age_band="10_15", category="residential_external")["Walsall"] == "3"
    assert rows(age_band="16_17", category="residential_external")["Walsall"] == "0"
    assert (
        rows(age_band="10_15")["Sandwell"] == "c"
    )  # another authority's count under 5 (0 to 4) is suppressed


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_keeps_its_table(client, la_user, rollup, page):
    client.force_login(la_user)
    body = client.get(_url(page)).content.decode()
    charts = re.findall(r'<div class="app-chart" id="(chart-[^"]+)">(.*?)</details>', body, re.S)
    assert charts, page
    for chart_id, html in charts:
        figure = json.loads(
            re.search(
                rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S
            ).group(1)
        )
        points = sum(
            1
            for trace in figure["data"]
            for v in (trace.get("y") or [])
            if v is not None and trace.get("name")
        )
        assert "<table" in html and "Show the data as a table" in html, chart_id
        rows = re.findall(r'<tr class="govuk-table__row">', html)
        # A header row and at least one row of figures whenever the chart draws anything.
        assert len(rows) >= (2 if points else 1), chart_id
