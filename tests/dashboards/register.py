"""A small hand-built register for the gap and dashboard tests (synthetic children only).

Walsall (335) on 31 March 2026:
* C1, C2: external children's home SC0001 in Walsall (Requires improvement), 3 and 25 miles from home
* C3: external children's home SC0002 in Sandwell (Good), 12 miles, outside the boundary
* C4, C5: in-house foster care in Walsall, 2 miles
* C6: supported accommodation SA0001 in Sandwell (outcome 3), 30 miles
* C7: started in care in 2025 and left (E13) on 1 March 2026: ceased in the 12 months
A Sandwell child lives at SC0001 (another authority using a local place). SC0003 is a home 60 miles
away (not local). Walsall has 2 block-contracted external residential beds to March 2027, 3 in-house
fostering places, a population of 60,000 0-17 year olds and a forecast run ending March 2028.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from forecasting.choices import RunStatusChoices
from forecasting.models import ForecastRun, ForecastValue
from placements.models import BlockContract, FosteringHousehold
from sufficiency.authorities.models import AuthorityPopulation, LocalAuthority
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

AS_AT = dt.date(2026, 3, 31)
MILES = {"SC0001": 4.0, "SC0002": 9.0, "SA0001": 11.0, "SC0003": 60.0}


def fake_locator(settings: pd.DataFrame, authority: LocalAuthority) -> pd.Series:
    """Miles from Walsall's centre by URN (instead of the postcode directory)."""
    return settings["urn"].map(MILES).astype(float).fillna(np.nan)


def build_register() -> dict:
    walsall = LocalAuthority.objects.get(dfe_code="335")
    sandwell = LocalAuthority.objects.get(dfe_code="333")
    home_walsall = SettingFactory(
        urn="SC0001", local_authority=walsall, registered_places=4, latest_judgement="requires_improvement"
    )
    home_sandwell = SettingFactory(
        urn="SC0002", local_authority=sandwell, registered_places=3, latest_judgement="good"
    )
    supported = SettingFactory(
        urn="SA0001",
        local_authority=sandwell,
        registered_places=6,
        provision_type="supported_accommodation",
        latest_judgement="sa_serious",
    )
    SettingFactory(urn="SC0003", local_authority=sandwell, registered_places=5, latest_judgement="good")

    def placed(ref, place, provider, setting=None, miles=None, la=walsall, decom=dt.date(2025, 6, 1), **kw):
        child = ChildFactory(authority=la, child_ref=ref, dob=kw.pop("dob", dt.date(2011, 5, 17)))
        return EpisodeFactory(
            child=child,
            authority=la,
            decom=decom,
            place=place,
            place_provider=provider,
            setting=setting,
            urn=setting.urn if setting else "",
            distance_miles=miles,
            placement_la=(setting.local_authority if setting else la),
            **kw,
        )

    placed("C1", "K2", "PR4", home_walsall, 3)
    placed("C2", "K2", "PR4", home_walsall, 25)
    placed("C3", "K2", "PR4", home_sandwell, 12)
    placed("C4", "U4", "PR1", None, 2)
    placed("C5", "U6", "PR1", None, 2, dob=dt.date(2024, 1, 1))
    placed("C6", "H5", "PR4", supported, 30, dob=dt.date(2009, 9, 1))
    placed("C7", "U4", "PR1", None, 1, decom=dt.date(2025, 5, 1), dec=dt.date(2026, 3, 1), rec="E13")
    placed("S1", "K2", "PR4", home_walsall, 8, la=sandwell)

    BlockContract.objects.create(
        authority=walsall, reference="B1", provider_name="Acme Homes", category="residential_external", beds=2,
        start_date=dt.date(2025, 4, 1), end_date=dt.date(2027, 3, 31), weekly_cost_per_bed=5000,
    )  # fmt: skip
    FosteringHousehold.objects.create(
        authority=walsall,
        reference="H1",
        route="in_house",
        approval_date=dt.date(2020, 1, 1),
        approved_places=3,
    )
    AuthorityPopulation.objects.create(authority=walsall, year=2025, population_0_17=60_000)
    AuthorityPopulation.objects.create(authority=sandwell, year=2025, population_0_17=80_000)
    run = ForecastRun.objects.create(
        authority=walsall, status=RunStatusChoices.SUCCEEDED, as_at=AS_AT, horizon_months=24,
        finished_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC), n_paths=100,
    )  # fmt: skip
    values = []
    for month_end, res, fos, sup in [
        (dt.date(2026, 4, 30), 3.0, 2.0, 1.0),
        (dt.date(2027, 3, 31), 4.0, 3.0, 1.0),
        (dt.date(2028, 3, 31), 5.0, 4.0, 2.0),
    ]:
        months_ahead = (month_end.year - 2026) * 12 + month_end.month - 3
        for dimension, key, mean in [
            ("total", "total", res + fos + sup),
            ("category", "residential_external", res),
            ("category", "fostering_inhouse", fos),
            ("category", "supported", sup),
        ]:
            values.append(
                ForecastValue(
                    run=run,
                    month_end=month_end,
                    months_ahead=months_ahead,
                    dimension=dimension,
                    key=key,
                    mean=mean,
                    p50=mean,
                    p10=mean - 1,
                    p90=mean + 1,
                    p2_5=mean - 2,
                    p97_5=mean + 2,
                )  # fmt: skip
            )
    ForecastValue.objects.bulk_create(values)
    return {"walsall": walsall, "sandwell": sandwell, "run": run}
