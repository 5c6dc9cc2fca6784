"""The as-at date and the periods derived from it: one rule for every page, CSV, PDF and API answer."""

from __future__ import annotations

import datetime as dt

import pytest

from sufficiency.core.periods import as_at_resolve, default_as_at, period_for

D = dt.date


def test_default_is_the_month_end_the_register_runs_to():
    assert default_as_at(data_end=D(2026, 3, 17), today=D(2026, 12, 5)) == D(2026, 3, 31)


def test_default_is_never_after_today():
    assert default_as_at(data_end=D(2026, 12, 1), today=D(2026, 12, 5)) == D(2026, 12, 5)


def test_default_without_data_is_today():
    assert default_as_at(data_end=None, today=D(2026, 12, 5)) == D(2026, 12, 5)


def test_a_chosen_date_past_the_data_is_kept_and_flagged():
    as_at = as_at_resolve(data_end=D(2026, 3, 31), today=D(2026, 12, 5), requested=D(2026, 11, 30))
    assert as_at.on == D(2026, 11, 30) and as_at.chosen and as_at.past_data
    assert as_at.default == D(2026, 3, 31)
    default = as_at_resolve(data_end=D(2026, 3, 31), today=D(2026, 12, 5))
    assert default.on == D(2026, 3, 31) and not default.chosen and not default.past_data


@pytest.mark.parametrize(
    ("on", "label", "start", "end"),
    [
        (D(2026, 3, 31), "2025-26", D(2025, 4, 1), D(2026, 3, 31)),  # 31 March closes the year
        (D(2026, 3, 30), "2024-25", D(2024, 4, 1), D(2025, 3, 31)),
        (D(2026, 4, 1), "2025-26", D(2025, 4, 1), D(2026, 3, 31)),
        (D(2026, 11, 30), "2025-26", D(2025, 4, 1), D(2026, 3, 31)),
    ],
)
def test_last_full_financial_year(on, label, start, end):
    period = period_for(on, "last_full_financial_year")
    assert (period.label, period.start, period.end) == (label, start, end)


def test_last_12_months_are_twelve_whole_months_to_the_date():
    period = period_for(D(2026, 3, 31), "last_12_months")
    assert (period.start, period.end) == (D(2025, 4, 1), D(2026, 3, 31))
    period = period_for(D(2026, 12, 31), "last_12_months")
    assert period.start == D(2026, 1, 1)


def test_financial_year_to_date():
    period = period_for(D(2026, 3, 31), "financial_year_to_date")
    assert (period.start, period.end, period.label) == (
        D(2025, 4, 1),
        D(2026, 3, 31),
        "2025-26 to 31 March 2026",
    )
    assert period_for(D(2026, 4, 1), "financial_year_to_date").start == D(2026, 4, 1)


def test_unknown_period_is_refused():
    with pytest.raises(ValueError):
        period_for(D(2026, 3, 31), "last_decade")


@pytest.mark.parametrize("on", [D(2026, 2, 13), D(2026, 3, 31), D(2025, 12, 1), D(2024, 2, 29)])
def test_every_twelve_month_window_is_period_for(on):
    """The KPI catalogue's and counting rules' window, the recruitment funnel's months and the unmet-need
    ledger's default period all start where `period_for` says, also on a mid-month date."""
    import pandas as pd

    from placements.counting import window_start
    from placements.finding.selectors import default_ledger_period
    from placements.supply.funnel import twelve_months_to

    period = period_for(on, "last_12_months")
    assert window_start(on) == pd.Timestamp(period.start)
    assert twelve_months_to(on) == (period.start, on.replace(day=1))
    assert default_ledger_period(on) == (period.start, period.end) == (period.start, on)


def test_last_12_months_on_a_mid_month_date_run_from_the_first_of_a_month_to_the_date():
    period = period_for(D(2026, 2, 13), "last_12_months")
    assert (period.start, period.end) == (D(2025, 3, 1), D(2026, 2, 13))
