"""One as-at date across pages: the data's month end by default, chosen once in the banner and kept in the
session while the user moves between pages; the API's default is the same date."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from tests.factories import ChildFactory, EpisodeFactory


def _register(walsall):
    # W1 is in care to the end of the data; W2 left on 15 January 2025; the register runs to 10 March 2025.
    EpisodeFactory(child=ChildFactory(authority=walsall, child_ref="W1"), decom=dt.date(2025, 3, 10))
    EpisodeFactory(
        child=ChildFactory(authority=walsall, child_ref="W2"),
        decom=dt.date(2024, 6, 1),
        dec=dt.date(2025, 1, 15),
        rec="E13",
    )


def test_pages_default_to_the_month_end_the_register_runs_to(client, walsall, la_user):
    _register(walsall)
    client.force_login(la_user)
    content = client.get(reverse("placements:child-list", kwargs={"code": "335"})).content.decode()
    assert 'data-as-at="2025-03-31"' in content
    assert "The register runs to 10 March 2025" in content
    assert ">W1</a>" in content and ">W2</a>" not in content  # links: a CSRF token may hold "W2"
    assert "After the data" not in content


def test_a_date_chosen_in_the_banner_is_kept_between_pages(client, walsall, la_user):
    _register(walsall)
    client.force_login(la_user)
    client.get(reverse("placements:child-list", kwargs={"code": "335"}), {"as_at": "2024-12-31"})
    # Another page, no date in the query: the chosen date still applies.
    content = client.get(reverse("reports:kpi-list", kwargs={"code": "335"})).content.decode()
    assert 'data-as-at="2024-12-31"' in content
    assert "Key performance indicators on 31 December 2024" in content
    content = client.get(reverse("placements:child-list", kwargs={"code": "335"})).content.decode()
    assert ">W2</a>" in content  # in care on 31 December 2024
    content = client.get(
        reverse("placements:child-list", kwargs={"code": "335"}), {"as_at": "latest"}
    ).content.decode()
    assert 'data-as-at="2025-03-31"' in content and ">W2</a>" not in content


def test_a_date_past_the_data_is_flagged(client, walsall, la_user):
    _register(walsall)
    client.force_login(la_user)
    content = client.get(
        reverse("placements:child-list", kwargs={"code": "335"}), {"as_at": "2025-09-30"}
    ).content.decode()
    assert "After the data" in content


def test_the_api_default_matches_the_pages(walsall, la_user):
    from rest_framework.test import APIClient

    from sufficiency.api.services import api_client_create

    _register(walsall)
    _client, token = api_client_create(authority=walsall, name="Partner", scopes=["read:aggregate"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.get(reverse("api:authority-children-in-care", kwargs={"code": "335"}))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["date"] == "2025-03-31"
    assert body["total"] == 1


def test_the_dashboards_count_for_a_chosen_mid_month_date(client, walsall, la_user):
    from sufficiency.dashboards.services import dashboard_rollup_compute

    _register(walsall)
    dashboard_rollup_compute(authority=walsall)
    client.force_login(la_user)
    overview = reverse("dashboards:overview", kwargs={"code": "335"})
    # The default date is the stored month end: the banner names no other date.
    content = client.get(overview).content.decode()
    assert 'data-as-at="2025-03-31"' in content and "data-page-shows" not in content
    assert "Stored figures computed" in content
    # A mid-month date the stored figures do not hold: the overview and the market count for it, and the
    # banner names it alone. On 15 December 2024 W2 is in care, W1 not yet; the trend ends at November.
    content = client.get(overview, {"as_at": "2024-12-15"}).content.decode()
    assert 'data-as-at="2024-12-15"' in content and "data-page-shows" not in content
    assert "Key figures on 15 December 2024" in content
    assert "counted from the register for this date" in content and "Stored figures computed" not in content
    assert "30 November 2024" in content and "31 December 2024" not in content.split("Key figures")[1]
    content = client.get(reverse("dashboards:market", kwargs={"code": "335"})).content.decode()
    assert 'data-as-at="2024-12-15"' in content and "As at 15 December 2024" in content
    # The forecast and the gap start from the forecast's month end: the banner names that date as the one
    # the page shows, and says the choice applies elsewhere.
    content = client.get(reverse("dashboards:gap", kwargs={"code": "335"})).content.decode()
    assert 'data-as-at="2025-03-31"' in content and 'data-chosen="2024-12-15"' in content
    assert 'data-page-shows="2025-03-31"' in content and "You chose 15 December 2024" in content
    content = client.get(reverse("reports:kpi-list", kwargs={"code": "335"})).content.decode()
    assert 'data-as-at="2024-12-15"' in content and "data-page-shows" not in content
