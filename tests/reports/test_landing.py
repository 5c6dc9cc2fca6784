"""The landing page shows each role the few figures it needs first, and each is the KPI page's figure
for the same date (value, and the strategy page's RAG against the same target)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from lxml import html

from sufficiency.reports.landing import ROLE_FIGURES, landing_kpis_for_roles
from tests.reports.conftest import register  # noqa: F401  (the hand-built register fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.TWO_FACTOR_ROLES = []


def _rows(content):
    tree = html.fromstring(content)
    return {
        el.get("data-measure"): (el.get("data-value"), el.get("data-rag"))
        for el in tree.xpath("//*[@data-measure]")
    }


def _strategy(walsall, la_user):
    from sufficiency.reports import services

    strategy = services.strategy_create(
        authority=walsall, acting_user=la_user, title="Sufficiency strategy", start_year=2024, end_year=2027
    )
    objective = services.objective_create(strategy=strategy, acting_user=la_user, number=1, title="Homes")
    for key, target, direction in (
        ("pct_foster_care", "70", "higher"),
        ("stability_3_plus_placements", "10", "lower"),
        ("pct_placed_over_20_miles", "20", "lower"),
    ):
        services.measure_create(
            objective=objective,
            acting_user=la_user,
            kpi_key=key,
            target_value=Decimal(target),
            target_date=dt.date(2027, 3, 31),
            direction=direction,
        )
    return strategy


@pytest.mark.parametrize("role", ["la_user", "board_member", "regional_user", "data_manager"])
def test_landing_figures_are_the_kpi_pages_figures(client, register, walsall, la_user, role, request):  # noqa: F811
    strategy = _strategy(walsall, la_user)
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    landing = _rows(response.content)
    assert landing, "no figures on the landing page"
    kpi_response = client.get(reverse("reports:kpi-list", kwargs={"code": "335"}))
    kpi_page = _rows(kpi_response.content)
    strategy_page = _rows(
        client.get(reverse("reports:strategy-detail", kwargs={"code": "335", "pk": strategy.pk})).content
    )
    for key, (value, rag) in landing.items():
        assert value == kpi_page[key][0], (role, key, value, kpi_page[key][0])
        if key in strategy_page:
            assert rag == strategy_page[key][1], (role, key)
        else:
            assert rag is None, (role, key)
    # The date the figures are for is the KPI page's (its banner's) default date.
    on = html.fromstring(response.content).xpath("//section/@data-on")
    assert on == html.fromstring(kpi_response.content).xpath("//*[@data-as-at]/@data-as-at")[:1]


def test_each_role_sees_its_own_first_figures(client, register, walsall, la_user, board_member):  # noqa: F811
    _strategy(walsall, la_user)
    client.force_login(la_user)
    commissioner = _rows(client.get(reverse("home")).content)
    assert list(commissioner) == list(ROLE_FIGURES["commissioner"])
    assert commissioner["pct_foster_care"][1] in {"green", "amber", "red"}
    client.force_login(board_member)
    board = _rows(client.get(reverse("home")).content)
    # A board member reads the KPIs the strategy sets targets for, each with its RAG.
    assert {"pct_foster_care", "stability_3_plus_placements", "pct_placed_over_20_miles"} <= set(board)
    assert all(board[k][1] for k in ("pct_foster_care", "stability_3_plus_placements"))


def test_the_data_manager_sees_the_latest_import_and_its_quality(client, walsall, data_manager):
    from placements.models import ImportJob, ImportQualityReport

    client.force_login(data_manager)
    assert "No SSDA903 file has been imported yet" in client.get(reverse("home")).content.decode()
    job = ImportJob.objects.create(authority=walsall, status="succeeded")
    ImportQualityReport.objects.create(
        authority=walsall,
        import_job=job,
        issues=[
            {"rule": "r1", "code": "101", "severity": "error", "count": 3},
            {"rule": "r2", "code": "102", "severity": "warning", "count": 2},
        ],
    )
    tree = html.fromstring(client.get(reverse("home")).content)
    assert tree.xpath("//*[@data-import-errors]/@data-import-errors") == ["3"]
    text = "".join(tree.xpath("//dl[@id='last-import-335']")[0].itertext())
    assert "3 errors, 2 warnings" in " ".join(text.split())


def test_the_figures_follow_the_roles_held():
    assert landing_kpis_for_roles(["placement_finder"])[0] == "placement_requests"
    both = landing_kpis_for_roles(["commissioner", "placement_finder"])
    assert len(both) == len(set(both))  # a KPI two roles share is shown once
    assert landing_kpis_for_roles(["board_member"], targeted=["pct_foster_care"]) == [
        "children_in_care",
        "pct_foster_care",
    ]
