"""Forecasts, gaps, KPIs, spend and vacancies through /api/v1/: the numbers, the suppression of other
authorities' small numbers, validation and the answers before anything has been computed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def _get(api, url, token, **params):
    return api.get(url, params, **bearer(token))


# --- forecasts ---------------------------------------------------------------------------------------


def test_own_forecast_is_the_latest_run_in_full_with_its_scenarios(api, records, own_token):
    response = _get(api, reverse("api:authority-forecast", kwargs={"code": "335"}), own_token)
    assert response.status_code == 200
    body = response.json()
    assert body["authority"] == "335" and body["scenario"] == "baseline"
    assert body["scenarios"] == ["baseline", "Edge of care"]
    assert body["as_at"] == "2026-03-31" and body["horizon_months"] == 36
    assert body["reference"]["children"] == 40
    twelve = next(m for m in body["months"] if m["month_end"] == "2027-03-31")
    assert twelve["total"]["mean"] == 101.0 and twelve["total"]["p10"] == 99.0
    assert twelve["by_category"]["residential_external"]["mean"] == pytest.approx(30.3)
    assert body["costs"][0]["financial_year"] == "2026-27"
    assert body["backtest"][0]["offset_months"] == 12
    assert body["run"]["id"] == records["walsall_run"].pk


def test_a_scenario_is_chosen_by_name_and_an_unknown_one_lists_the_choices(api, records, own_token):
    url = reverse("api:authority-forecast", kwargs={"code": "335"})
    edge = _get(api, url, own_token, scenario="Edge of care").json()
    assert edge["scenario"] == "Edge of care"
    assert next(m for m in edge["months"] if m["month_end"] == "2027-03-31")["total"]["mean"] == 100.0
    bad = _get(api, url, own_token, scenario="Nope")
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"scenario": ["Unknown scenario: choose one of baseline, Edge of care."]}


def test_no_forecast_or_gap_yet_is_a_clear_404(api, records, own_token):
    from forecasting.models import ForecastRun, GapAssessment

    ForecastRun.objects.filter(authority__dfe_code="335").update(status="failed")
    GapAssessment.objects.filter(authority__dfe_code="335").delete()
    forecast = _get(api, reverse("api:authority-forecast", kwargs={"code": "335"}), own_token)
    assert forecast.status_code == 404
    assert forecast.json()["detail"].startswith("No forecast has been computed")
    gap = _get(api, reverse("api:authority-gap", kwargs={"code": "335"}), own_token)
    assert gap.status_code == 404 and gap.json()["detail"].startswith("No sufficiency gap")


def test_regional_forecasts_are_full_for_own_and_suppressed_for_others(api, records, own_token):
    url = reverse("api:region-forecasts", kwargs={"code": "E12000005"})
    body = _get(api, url, own_token).json()
    rows = {row["authority"]: row for row in body["authorities"]}
    walsall = rows["335"]
    assert walsall["own"] is True
    assert [p["months_ahead"] for p in walsall["projections"]] == [12, 24, 36]
    assert walsall["projections"][0]["mean"] == {"value": 101.0, "suppressed": False}
    sandwell = rows["333"]
    assert sandwell["own"] is False and sandwell["data_available"] is True
    twelve, twentyfour, _ = sandwell["projections"]
    assert twelve["mean"] == {"value": None, "suppressed": True}  # 4 children: under 5
    assert twelve["p90"] == {"value": 6, "suppressed": False}
    assert twentyfour["mean"] == {"value": 5, "suppressed": False}
    assert twentyfour["p10"] == {"value": None, "suppressed": True}
    assert rows["330"] == {**rows["330"], "data_available": False, "projections": []}


def test_the_etag_of_a_forecast_gives_304(api, records, own_token):
    url = reverse("api:authority-forecast", kwargs={"code": "335"})
    first = _get(api, url, own_token)
    again = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **bearer(own_token))
    assert again.status_code == 304


# --- gaps --------------------------------------------------------------------------------------------


def test_own_gap_is_the_persisted_assessment(api, records, own_token):
    body = _get(api, reverse("api:authority-gap", kwargs={"code": "335"}), own_token).json()
    assert body["authority"] == "335" and body["as_at"] == "2026-03-31"
    assert body["capacity"]["block_beds"] == {"residential_external": 2}
    residential = next(v for v in body["values"] if v["group"] == "residential")
    assert residential["demand_mean"] == 20.0 and residential["external_mean"] == 9.0
    assert residential["external_share"] == 45.0
    assert body["share_local"]["residential"] == {"children": 3, "local": 2}


def test_regional_gaps_are_full_for_own_and_suppressed_for_others(api, records, own_token):
    body = _get(api, reverse("api:region-gaps", kwargs={"code": "E12000005"}), own_token).json()
    assert body["suppression_threshold"] == 5
    rows = {row["authority"]: row for row in body["authorities"]}
    own_secure = next(r for r in rows["335"]["rows"] if r["group"] == "secure")
    assert own_secure["demand_mean"] == {"value": 1.2, "suppressed": False}
    assert own_secure["group_label"] == "Secure children's homes"
    sandwell = {r["group"]: r for r in rows["333"]["rows"]}
    residential, secure = sandwell["residential"], sandwell["secure"]
    assert residential["demand_mean"] == {"value": 9, "suppressed": False}
    assert residential["inhouse_places"] == {"value": 6, "suppressed": False}
    assert residential["block_beds"] == {"value": 5, "suppressed": False}
    assert residential["external_share"] == {"value": 0.0, "suppressed": False}
    assert residential["local_used_others"] == {"value": 8, "suppressed": False}
    assert secure["demand_mean"] == {"value": None, "suppressed": True}
    assert secure["block_beds"] == {"value": 0, "suppressed": False}  # zero identifies no child
    assert secure["external_share"] == {"value": None, "suppressed": True}  # would reveal the demand
    assert secure["local_used_others"] == {"value": None, "suppressed": True}
    for row in rows["333"]["rows"]:
        for name, figure in row.items():
            if isinstance(figure, dict) and figure["suppressed"]:
                assert figure["value"] is None, name


# --- KPIs and spend ----------------------------------------------------------------------------------


def test_own_kpis_on_a_date_have_values_and_comparators(api, records, own_token):
    response = _get(api, reverse("api:authority-kpis", kwargs={"code": "335"}), own_token, on="2025-03-31")
    assert response.status_code == 200
    body = response.json()
    assert body["date"] == "2025-03-31" and len(body["kpis"]) > 5
    first = body["kpis"][0]
    assert {"key", "name", "value", "unit", "previous_value", "regional_value", "england_value"} <= set(first)
    assert first["previous_date"] == "2024-12-31"
    assert all(row["region_name"] == "West Midlands" for row in body["kpis"])


@pytest.mark.parametrize("on", ["31/03/2025", "1066-10-14"])
def test_kpi_dates_are_validated(api, records, own_token, on):
    response = _get(api, reverse("api:authority-kpis", kwargs={"code": "335"}), own_token, on=on)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"on"}


def test_spend_is_the_register_rollup_of_the_period(api, records, own_token):
    url = reverse("api:authority-spend", kwargs={"code": "335"})
    body = _get(api, url, own_token, start="2025-04-01", end="2025-04-30").json()
    assert body["start"] == "2025-04-01" and body["end"] == "2025-04-30"
    assert {row["month_end"] for row in body["rows"]} == {"2025-04-30"}
    assert body["total_bed_nights"] == 8 * 30  # eight children in care the whole month
    assert body["total_bed_nights"] == sum(row["bed_nights"] for row in body["rows"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2025-05-01", "end": "2025-04-30"}, "start"),
        ({"start": "2010-01-01", "end": "2025-04-30"}, "end"),
        ({"start": "April"}, "start"),
    ],
)
def test_spend_periods_are_validated(api, records, own_token, params, field):
    response = _get(api, reverse("api:authority-spend", kwargs={"code": "335"}), own_token, **params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


# --- vacancies ---------------------------------------------------------------------------------------


def test_vacancies_are_the_open_ones_of_your_own_authority(api, records, own_token):
    rows = _get(api, reverse("api:vacancy-list"), own_token).json()["results"]
    assert {row["id"] for row in rows} == {records["vacancy"].pk, records["stale_vacancy"].pk}
    by_id = {row["id"]: row for row in rows}
    fresh = by_id[records["vacancy"].pk]
    assert fresh["offered_by"] == "setting" and fresh["setting_urn"] == records["setting"].urn
    assert fresh["is_stale"] is False and fresh["places"] == 2 and "notes" not in fresh
    stale = by_id[records["stale_vacancy"].pk]
    assert stale == {**stale, "offered_by": "household", "household_reference": "FH-017", "is_stale": True}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"fresh": "true"}, ["vacancy"]),
        ({"fresh": "false"}, ["stale_vacancy"]),
        ({"category": "fostering_inhouse"}, ["stale_vacancy"]),
        ({"category": "residential_external", "fresh": "true"}, ["vacancy"]),
        ({"category": "adoption"}, []),
    ],
)
def test_vacancy_filters(api, records, own_token, params, expected):
    rows = _get(api, reverse("api:vacancy-list"), own_token, **params).json()["results"]
    assert sorted(row["id"] for row in rows) == sorted(records[name].pk for name in expected)


def test_an_unknown_vacancy_category_is_a_400(api, records, own_token):
    response = _get(api, reverse("api:vacancy-list"), own_token, category="castle")
    assert response.status_code == 400 and "category" in response.json()["errors"]


@pytest.mark.parametrize(
    ("name", "kwargs", "status"),
    [
        ("api:authority-forecast", {"code": "333"}, 404),
        ("api:authority-gap", {"code": "333"}, 404),
        ("api:authority-kpis", {"code": "333"}, 200),
        ("api:authority-spend", {"code": "333"}, 200),
        ("api:region-forecasts", {"code": "E12000005"}, 200),
        ("api:region-gaps", {"code": "E12000005"}, 200),
        ("api:vacancy-list", {}, 200),
    ],
)
def test_an_authority_with_no_data_yet_gets_answers_not_errors(
    api, sandwell, partner_api_client, name, kwargs, status
):
    response = _get(api, reverse(name, kwargs=kwargs), partner_api_client)
    assert response.status_code == status, response.content
    if status == 404:
        assert response.json()["detail"].startswith("No ")
    if name == "api:authority-spend":
        assert response.json()["rows"] == [] and response.json()["total_spend"] == 0
    if name == "api:region-gaps":
        assert all(not row["data_available"] and row["rows"] == [] for row in response.json()["authorities"])


def test_kpis_come_from_the_precomputed_snapshot_when_one_is_held(api, records, own_token):
    """The same figures as counted live, read from the worker's snapshot without loading the register."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sufficiency.authorities.models import LocalAuthority
    from sufficiency.reports.kpi_snapshots import kpi_snapshots_compute

    url = reverse("api:authority-kpis", kwargs={"code": "335"})
    live = _get(api, url, own_token, on="2025-03-31").json()
    with CaptureQueriesContext(connection) as counted_live:
        _get(api, url, own_token, on="2025-03-31")
    kpi_snapshots_compute(authority=LocalAuthority.objects.get(dfe_code="335"), as_at=dt.date(2025, 3, 31))
    with CaptureQueriesContext(connection) as read:
        stored = _get(api, url, own_token, on="2025-03-31").json()
    assert stored == live
    assert not any("placements_placementepisode" in q["sql"] for q in read.captured_queries)
    assert any("placements_placementepisode" in q["sql"] for q in counted_live.captured_queries)


def test_kpis_without_a_date_answer_for_the_month_end_the_register_runs_to(api, records, own_token):
    import datetime as dt

    from placements.selectors import register_data_date
    from sufficiency.authorities.models import LocalAuthority
    from sufficiency.core.periods import month_end
    from sufficiency.reports.kpi_snapshots import kpi_snapshots_compute

    url = reverse("api:authority-kpis", kwargs={"code": "335"})
    authority = LocalAuthority.objects.get(dfe_code="335")
    expected = month_end(register_data_date(authority=authority))
    # A snapshot for another date does not move the default: the API counts on the pages' as-at date.
    kpi_snapshots_compute(authority=authority, as_at=dt.date(2025, 9, 30))
    body = _get(api, url, own_token).json()
    assert body["date"] == expected.isoformat()
    assert body == _get(api, url, own_token, on=expected.isoformat()).json()
