"""The KPI endpoint gives each KPI with a national equivalent the DfE's published comparators: the same
object as `kpi --json`, documented in the OpenAPI schema."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from placements.national.measures import MEASURES
from placements.national.services import national_statistics_import
from tests.api.conftest import bearer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dfe"
pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    names = ("la_cla_at_31_march.csv", "la_cla_rates_bom_crlf.csv", "la_cla_stability_financial_year.csv")
    assert national_statistics_import(files=[(n, (FIXTURES / n).read_bytes()) for n in names]).ok


def _kpis(api, token, on):
    url = reverse("api:authority-kpis", kwargs={"code": "335"})
    response = api.get(url, {"on": on}, **bearer(token))
    assert response.status_code == 200
    return {row["key"]: row for row in response.json()["kpis"]}


def test_each_kpi_with_a_national_equivalent_has_the_same_comparators_as_kpi_json(
    api, records, own_token, published
):
    rows = _kpis(api, own_token, "2025-03-31")
    out = io.StringIO()
    call_command("kpi", "--authority", "335", "--date", "2025-03-31", "--json", stdout=out)
    command = {r["key"]: r for r in json.loads(out.getvalue())}
    rate = rows["cla_rate_per_10000"]["comparators"]
    assert rate["year"] == 2025 and rate["england"] == 67.0 and rate["region"] == 75.0
    assert rate["statistical_neighbours"] == {
        "mean": 72.0,
        "min": 64.0,
        "max": 80.0,
        "n": 2,
        "not_published": 8,
    }
    assert "la_cla_rates_bom_crlf.csv" in rate["source"]
    # The neighbours' list is named, with the warning that the migration's list is not the DfE's.
    assert rate["statistical_neighbours_list"] == (
        "Statistical neighbours list: Statistical neighbours (synthetic stand-in for the DfE's list) "
        "(synthetic stand-in, not the DfE's list)"
    )
    assert rate["source"].endswith(rate["statistical_neighbours_list"])
    assert rate["published_own_marker"] == ""
    for key in MEASURES:
        if command[key].get("comparators") is not None:
            assert rows[key]["comparators"] == command[key]["comparators"], key
    # Walsall's foster share is suppressed in the table: not published, never zero.
    foster = rows["pct_foster_care"]["comparators"]
    assert foster["published_own"] is None and foster["published_count_differs"] is None
    assert foster["published_own_marker"] == "c"  # suppressed, not "no row published"
    # A KPI the DfE does not publish has no comparators.
    assert rows["placement_requests"]["comparators"] is None


def test_without_national_statistics_comparators_are_null(api, records, own_token):
    rows = _kpis(api, own_token, "2025-03-31")
    assert all(row["comparators"] is None for row in rows.values())


def test_the_schema_documents_the_comparators(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    components = schema["components"]["schemas"]
    comparators = components["KpiRow"]["properties"]["comparators"]
    ref = json.dumps(comparators)
    assert "Comparators" in ref
    props = components["Comparators"]["properties"]
    assert {
        "year",
        "statistical_neighbours",
        "region",
        "england",
        "published_count_differs",
        "source",
    } <= set(props)
    summary = components["ComparatorSummary"]["properties"]
    assert {"mean", "min", "max", "n", "not_published"} <= set(summary)
