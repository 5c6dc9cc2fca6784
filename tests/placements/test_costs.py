"""Actual spend from the register and blended unit costs, on hand-checkable fixtures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from placements.costs import actual_spend, blended_weekly_costs
from sufficiency.core.formatting import financial_year

UNIT_COSTS = pd.DataFrame(
    [
        ("fostering_inhouse", "in_house", 700.0, dt.date(2024, 4, 1), dt.date(2025, 3, 31)),
        ("fostering_inhouse", "in_house", 770.0, dt.date(2025, 4, 1), None),
        ("residential_external", "framework", 5000.0, dt.date(2024, 4, 1), None),
        ("residential_external", "spot", 7000.0, dt.date(2024, 4, 1), None),
    ],
    columns=["category", "route", "weekly_cost", "effective_from", "effective_to"],
)


def _eps(*rows):
    frame = pd.DataFrame(rows, columns=["category", "decom", "dec", "ls", "weekly_cost", "on_framework"])
    frame["decom"] = pd.to_datetime(frame["decom"])
    frame["dec"] = pd.to_datetime(frame["dec"])
    return frame


def test_bed_nights_and_spend_per_month_with_the_rate_in_force():
    eps = _eps(
        (
            "fostering_inhouse",
            "2025-03-17",
            "2025-04-15",
            "C2",
            None,
            False,
        ),  # 15 nights in March, 14 in April
    )
    out = actual_spend(eps, UNIT_COSTS, dt.date(2025, 3, 1), dt.date(2025, 4, 30)).set_index("month_end")
    assert out.loc[dt.date(2025, 3, 31), "bed_nights"] == 15
    assert out.loc[dt.date(2025, 3, 31), "spend"] == pytest.approx(15 * 700 / 7)
    assert out.loc[dt.date(2025, 4, 30), "bed_nights"] == 14
    assert out.loc[dt.date(2025, 4, 30), "spend"] == pytest.approx(14 * 770 / 7)


def test_route_agreed_cost_and_short_breaks():
    eps = _eps(
        ("residential_external", "2025-06-01", None, "C2", None, True),  # framework
        ("residential_external", "2025-06-01", None, "C2", None, False),  # spot
        ("residential_external", "2025-06-01", None, "C2", 9100.0, False),  # agreed cost wins
        ("residential_external", "2025-06-01", None, "V3", None, False),  # short break: not counted
    )
    out = actual_spend(eps, UNIT_COSTS, dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert out["bed_nights"].tolist() == [90]
    assert out["spend"].iloc[0] == pytest.approx(30 * (5000 + 7000 + 9100) / 7)


def test_open_episodes_run_to_the_end_of_the_period_asked_for():
    eps = _eps(("fostering_inhouse", "2025-01-01", None, "C2", None, False))
    out = actual_spend(eps, UNIT_COSTS, dt.date(2025, 6, 1), dt.date(2025, 6, 10))
    assert out["bed_nights"].tolist() == [10]


def test_blended_cost_weights_routes_by_current_placements():
    eps = _eps(
        ("residential_external", "2025-06-01", None, "C2", None, True),
        ("residential_external", "2025-06-01", None, "C2", None, False),
        ("residential_external", "2025-06-01", None, "C2", None, False),
        ("residential_external", "2025-06-01", None, "C2", None, False),
    )
    blended = blended_weekly_costs(eps, UNIT_COSTS, dt.date(2025, 7, 1))
    assert blended["residential_external"] == pytest.approx((5000 + 3 * 7000) / 4)
    assert blended["fostering_inhouse"] == 770.0


def test_financial_years_run_april_to_march():
    assert financial_year(dt.date(2026, 3, 31)) == "2025-26"
    assert financial_year(dt.date(2026, 4, 1)) == "2026-27"
