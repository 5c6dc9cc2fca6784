"""The gap calculation (forecasting/gap.py) against hand-built fixtures: every expected number is worked out
by hand in the test."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from forecasting import gap


def _forecast(rows):
    return pd.DataFrame(rows, columns=["month_end", "category", "mean", "p90"])


def test_demand_is_read_at_each_financial_years_last_projected_month():
    forecast = _forecast(
        [
            ("2026-04-30", "residential_external", 10.0, 12.0),
            ("2027-02-28", "residential_external", 11.0, 13.0),
            ("2027-03-31", "residential_external", 12.0, 15.0),
            ("2027-04-30", "residential_external", 12.5, 16.0),
            ("2027-06-30", "residential_external", 13.0, 17.0),
        ]
    )
    demand = gap.demand_by_financial_year(forecast)
    assert demand["financial_year"].tolist() == ["2026-27", "2027-28"]
    # 31 March for a whole year; the last month held (June) for the year the horizon ends in.
    assert demand["month_end"].dt.date.tolist() == [dt.date(2027, 3, 31), dt.date(2027, 6, 30)]
    assert demand["mean"].tolist() == [12.0, 13.0]
    assert demand["p90"].tolist() == [15.0, 17.0]


def test_block_beds_count_only_while_the_contract_is_in_force():
    contracts = pd.DataFrame(
        [
            ("residential_external", 3, dt.date(2025, 1, 1), dt.date(2027, 3, 31)),
            ("residential_external", 2, dt.date(2027, 4, 1), dt.date(2030, 3, 31)),
            ("supported", 4, dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
        ],
        columns=["category", "beds", "start_date", "end_date"],
    )
    assert gap.block_beds_on(contracts, dt.date(2027, 3, 31)) == {"residential_external": 3}
    assert gap.block_beds_on(contracts, dt.date(2028, 3, 31)) == {"residential_external": 2}
    assert gap.block_beds_on(contracts, dt.date(2026, 6, 30)) == {"residential_external": 3, "supported": 4}
    assert gap.block_beds_on(contracts.iloc[0:0], dt.date(2026, 6, 30)) == {}


def _settings():
    return pd.DataFrame(
        [
            # provision type, places, inside the area, miles from the area's centre, ours, others
            ("childrens_home", 4, True, 3.0, 1, 2),  # in the area
            ("childrens_home", 3, False, 18.5, 0, 3),  # a neighbour's home within 20 miles
            ("childrens_home", 5, False, 20.0, 0, 0),  # exactly 20 miles: local
            ("childrens_home", 6, False, 20.1, 2, 4),  # just over 20 miles: not local
            ("childrens_home", np.nan, True, np.nan, 0, 1),  # places not published, but in the area
            ("supported_accommodation", 10, False, 12.0, 3, 5),
            ("secure_childrens_home", 8, False, 80.0, 1, 7),  # far away
            ("residential_family_centre", 5, True, 1.0, 0, 0),  # not a kind of place the gap plans
        ],
        columns=["provision_type", "places", "inside_area", "miles", "used_ours", "used_others"],
    )


def test_local_capacity_counts_settings_inside_the_area_or_within_20_miles():
    local = gap.local_capacity(_settings()).set_index("group")
    residential = local.loc["residential"]
    assert residential["settings"] == 4  # the 20.1-mile home is not local
    assert residential["places"] == 4 + 3 + 5  # unknown places count as none
    assert residential["used_ours"] == 1
    assert residential["used_others"] == 2 + 3 + 1
    assert residential["free"] == 12 - 1 - 6
    assert local.loc["supported"].to_dict() == {
        "settings": 1, "places": 10, "used_ours": 3, "used_others": 5, "free": 2,
    }  # fmt: skip
    assert local.loc["secure"]["settings"] == 0
    assert local.loc["fostering"]["places"] == 0


def test_gap_per_year_and_group_by_hand():
    demand = gap.demand_by_financial_year(
        _forecast(
            [
                ("2027-03-31", "residential_inhouse", 5.0, 6.0),
                ("2027-03-31", "residential_external", 20.0, 26.0),
                ("2027-03-31", "fostering_inhouse", 100.0, 110.0),
                ("2027-03-31", "fostering_external", 50.0, 60.0),
                ("2027-03-31", "supported", 4.0, 7.0),
                ("2028-03-31", "residential_inhouse", 5.0, 6.0),
                ("2028-03-31", "residential_external", 24.0, 31.0),
            ]
        )
    )
    contracts = pd.DataFrame(
        [("residential_external", 3, dt.date(2025, 1, 1), dt.date(2027, 12, 31))],
        columns=["category", "beds", "start_date", "end_date"],
    )
    table = gap.demand_capacity_gap(
        demand,
        inhouse_fostering_places=120,
        inhouse_residential_places=6,
        block_contracts=contracts,
        local=gap.local_capacity(_settings()),
    ).set_index(["financial_year", "group"])

    res = table.loc[("2026-27", "residential")]
    assert res["demand_mean"] == 25.0
    assert res["demand_p90"] == 32.0  # 6 + 26: the cautious sum of the categories' 90th percentiles
    assert res["inhouse_places"] == 6
    assert res["block_beds"] == 3
    assert res["external_mean"] == 25 - 6 - 3 == 16
    assert res["external_p90"] == 32 - 6 - 3
    assert res["external_share"] == pytest.approx(64.0)  # 16 / 25
    assert res["local_places"] == 12
    assert res["local_used_others"] == 6
    assert res["local_available"] == 12 - 6
    assert res["local_shortfall"] == 16 - 6
    assert res["local_cover"] == pytest.approx(0.48)  # 12 places for 25 children

    # The block contract has ended by 31 March 2028.
    later = table.loc[("2027-28", "residential")]
    assert later["block_beds"] == 0
    assert later["external_mean"] == 29 - 6

    fostering = table.loc[("2026-27", "fostering")]
    assert fostering["external_mean"] == 150 - 120
    supported = table.loc[("2026-27", "supported")]
    assert supported["inhouse_places"] == 0
    assert supported["external_mean"] == 4
    assert supported["local_shortfall"] == 0  # 10 local places, 5 used by others: 5 available for 4
    # No demand: no share and no cover (nothing to divide by).
    secure = table.loc[("2026-27", "secure")]
    assert pd.isna(secure["external_share"]) and pd.isna(secure["local_cover"])


def test_no_forecast_gives_an_empty_gap():
    table = gap.demand_capacity_gap(
        gap.demand_by_financial_year(_forecast([])),
        inhouse_fostering_places=1,
        inhouse_residential_places=1,
        block_contracts=pd.DataFrame(columns=["category", "beds", "start_date", "end_date"]),
        local=gap.local_capacity(_settings()),
    )
    assert table.empty and list(table.columns) == gap.GAP_COLUMNS


def test_current_position_by_category():
    current = pd.DataFrame(
        [
            ("residential_external", 25.0, False, "requires_improvement"),
            ("residential_external", 5.0, True, "good"),
            ("residential_external", np.nan, pd.NA, None),
            ("residential_external", 20.0, False, "inadequate"),  # exactly 20 miles: not over
            ("supported", 30.0, False, "sa_serious"),
            ("fostering_inhouse", 2.0, True, None),
        ],
        columns=["category", "distance_miles", "placement_la_inside", "judgement"],
    )
    position = gap.current_position(current).set_index("category")
    res = position.loc["residential_external"]
    assert res.to_dict() == {
        "children": 4, "distance_known": 3, "over_20_miles": 1, "boundary_known": 3, "outside_la": 2,
        "local": 2, "judged": 3, "below_good": 2,
    }  # fmt: skip
    assert position.loc["supported", "below_good"] == 1
    assert position.loc["supported", "local"] == 0
    assert position.loc["fostering_inhouse", "judged"] == 0
    assert position.loc["adoption", "children"] == 0  # every category listed, zero-filled

    shares = gap.share_local_by_group(position.reset_index())
    assert shares["residential"] == {"children": 4, "local": 2}
    assert shares["fostering"] == {"children": 1, "local": 1}
