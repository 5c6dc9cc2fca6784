"""API fixtures, named by role: own-authority tokens, an outsider's token, under-privileged tokens."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from placements.models import ImportJob
from sufficiency.api.services import api_client_create
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

ALL_SCOPES = ["read:child", "read:aggregate", "write:import"]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache: each test starts with a full allowance."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def make_token(db):
    """make_token(authority, scopes) -> (client, token)."""

    def make(authority, scopes=ALL_SCOPES, **kwargs):
        return api_client_create(
            authority=authority, name=f"Client {authority.dfe_code}", scopes=scopes, **kwargs
        )

    return make


@pytest.fixture
def own_token(walsall, make_token):
    """Walsall's own client with every scope."""
    return make_token(walsall)[1]


@pytest.fixture
def partner_api_client(sandwell, make_token):
    """Sandwell's client (same region, West Midlands) with every scope: an outsider to Walsall's records."""
    return make_token(sandwell)[1]


@pytest.fixture
def aggregate_only_token(walsall, make_token):
    """Walsall's client that may read aggregates only: never child-level records or imports."""
    return make_token(walsall, ["read:aggregate"])[1]


@pytest.fixture
def child_only_token(walsall, make_token):
    """Walsall's client that may read child-level records only."""
    return make_token(walsall, ["read:child"])[1]


@pytest.fixture
def london_token(make_token):
    """A client of an authority in another region (Camden, London)."""
    from sufficiency.authorities.models import LocalAuthority

    return make_token(LocalAuthority.objects.get(dfe_code="202"))[1]


@pytest.fixture
def records(walsall, sandwell):
    """Synthetic register rows for Walsall (owner under test) and Sandwell (the outsider's own)."""
    from placements.models import Provider

    provider = Provider.objects.create(name="Oak Homes Ltd", sector="private")
    setting = SettingFactory(local_authority=walsall, provider=provider)
    walsall_children = []
    for i in range(7):
        child = ChildFactory(authority=walsall, child_ref=f"W{i:04d}")
        EpisodeFactory(
            child=child, decom=dt.date(2024, 1, 1), place="U4", place_provider="PR1", setting=setting
        )
        walsall_children.append(child)
    small = ChildFactory(authority=walsall, child_ref="W9999")
    EpisodeFactory(child=small, decom=dt.date(2024, 1, 1), place="K1", place_provider="PR4")
    sandwell_child = ChildFactory(authority=sandwell, child_ref="S0001")
    EpisodeFactory(child=sandwell_child, decom=dt.date(2024, 1, 1))
    job = ImportJob.objects.create(
        authority=walsall,
        status="failed",
        error_report="file,row,column,value,message\nx.csv,2,DEC,,bad\n",
        error_count=1,
    )
    sandwell_job = ImportJob.objects.create(authority=sandwell, status="succeeded")
    aggregates = aggregate_records(walsall, sandwell, setting)
    return {
        **aggregates,
        "child": walsall_children[0],
        "episode": walsall_children[0].episodes.get(),
        "setting": setting,
        "provider": provider,
        "job": job,
        "sandwell_child": sandwell_child,
        "sandwell_job": sandwell_job,
    }


AS_AT = dt.date(2026, 3, 31)


def make_forecast(authority, *, base, scenarios=("baseline", "Edge of care")):
    """A succeeded forecast run from 31 March 2026 (36 months) with totals 12, 24 and 36 months ahead
    (mean `base + months/12`, 80% interval +-2), two categories, a backtest row and one cost year."""
    from django.utils import timezone

    from forecasting.choices import RunStatusChoices
    from forecasting.models import BacktestValue, CostValue, ForecastRun, ForecastValue

    run = ForecastRun.objects.create(
        authority=authority,
        status=RunStatusChoices.SUCCEEDED,
        as_at=AS_AT,
        horizon_months=36,
        reference_start=dt.date(2023, 4, 1),
        reference_end=AS_AT,
        reference_summary={"children": 40, "entries": 20, "exits": 18, "moves": 9, "exposure_years": 61.5},
        unit_costs={"residential_external": 5000.0, "fostering_inhouse": 450.0},
        scenario_names=[s for s in scenarios if s != "baseline"],
        finished_at=timezone.now(),
        timings={"total": 1.5},
    )
    values = []
    for scenario in scenarios:
        shift = 0 if scenario == "baseline" else -1
        for months in (1, 12, 24, 36):
            month_end = (pd.Timestamp(AS_AT) + pd.offsets.MonthEnd(months)).date()
            mean = base + months / 12 + shift
            rows = [("total", "total", mean), ("category", "residential_external", mean * 0.3)]
            rows.append(("category", "fostering_inhouse", mean * 0.7))
            rows.append(("age_band", "10_15", mean * 0.5))
            for dimension, key, m in rows:
                values.append(
                    ForecastValue(
                        run=run, scenario=scenario, month_end=month_end, months_ahead=months, dimension=dimension,
                        key=key, mean=m, p50=m, p10=m - 2, p90=m + 2, p2_5=m - 3, p97_5=m + 3,
                    )
                )  # fmt: skip
        CostValue.objects.create(
            run=run, scenario=scenario, financial_year="2026-27", months=12, dimension="total", key="total",
            bed_nights_mean=3650, bed_nights_p10=3400, bed_nights_p90=3900, spend_mean=1.2e6, spend_p10=1.1e6,
            spend_p90=1.3e6,
        )  # fmt: skip
    ForecastValue.objects.bulk_create(values)
    BacktestValue.objects.create(
        run=run, offset_months=12, origin=dt.date(2025, 3, 31), month_end=AS_AT, months_ahead=12,
        dimension="total", key="total", actual=base, mean=base + 1, p10=base - 1, p90=base + 3, p2_5=base - 2,
        p97_5=base + 4, ape=2.5, in_80=True, in_95=True,
    )  # fmt: skip
    return run


def make_gap(authority, run, *, residential, secure):
    """A gap assessment with a residential and a secure row for 2026-27 (demand means as given)."""
    from django.utils import timezone

    from forecasting.models import GapAssessment, GapValue

    assessment = GapAssessment.objects.create(
        authority=authority,
        forecast_run=run,
        as_at=AS_AT,
        computed_at=timezone.now(),
        capacity={"inhouse_fostering_places": 3, "inhouse_residential_places": 6, "block_beds": {"residential_external": 2}},
        local=[{"group": "residential", "settings": 2, "places": 7, "used_ours": 3, "used_others": 1, "free": 3}],
        current=[
            {"category": "residential_external", "children": 3, "distance_known": 3, "over_20_miles": 1,
             "boundary_known": 3, "outside_la": 1, "local": 2, "judged": 3, "below_good": 2}
        ],
        share_local={"residential": {"children": 3, "local": 2}},
    )  # fmt: skip
    for group, demand, inhouse, block, places, others in (
        ("residential", residential, 6, 5, 12, 8),
        ("secure", secure, 0, 0, 3, 1),
    ):
        external = max(demand - inhouse - block, 0.0)
        GapValue.objects.create(
            assessment=assessment, financial_year="2026-27", month_end=dt.date(2027, 3, 31), group=group,
            demand_mean=demand, demand_p90=demand + 2, inhouse_places=inhouse, block_beds=block,
            external_mean=external, external_p90=external + 2,
            external_share=round(external / demand * 100, 1) if demand else None, local_places=places,
            local_used_ours=2, local_used_others=others, local_available=max(places - others, 0),
            local_shortfall=0.0, local_cover=round(places / demand, 2) if demand else None,
        )  # fmt: skip
    return assessment


def aggregate_records(walsall, sandwell, setting):
    """Forecasts, gaps and vacancies for Walsall (about 100 children) and Sandwell (about 3)."""
    from django.utils import timezone

    from placements.models import FosteringHousehold, Vacancy

    walsall_run = make_forecast(walsall, base=100)
    sandwell_run = make_forecast(sandwell, base=3, scenarios=("baseline",))
    make_gap(walsall, walsall_run, residential=20.0, secure=1.2)
    make_gap(sandwell, sandwell_run, residential=9.4, secure=0.6)
    now = timezone.now()
    vacancy = Vacancy.objects.create(
        authority=walsall, setting=setting, places=2, age_min=12, age_max=17,
        categories=["residential_external"], recorded_at=now, notes="Ground floor room",
    )  # fmt: skip
    household = FosteringHousehold.objects.create(
        authority=walsall, reference="FH-017", route="in_house", approval_date=dt.date(2020, 1, 1),
        approved_places=2,
    )  # fmt: skip
    stale = Vacancy.objects.create(
        authority=walsall, household=household, categories=["fostering_inhouse"],
        recorded_at=now - dt.timedelta(days=60),
    )  # fmt: skip
    Vacancy.objects.create(
        authority=walsall,
        setting=setting,
        categories=["residential_external"],
        recorded_at=now,
        status="filled",
    )
    sandwell_vacancy = Vacancy.objects.create(
        authority=sandwell, setting=setting, categories=["residential_external"], recorded_at=now
    )
    return {
        "vacancy": vacancy,
        "stale_vacancy": stale,
        "sandwell_vacancy": sandwell_vacancy,
        "walsall_run": walsall_run,
    }


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
