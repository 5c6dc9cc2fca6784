"""The one formatting module: dates, numbers, money, financial years and month ends, by hand-worked examples."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from forecasting.engine.summary import financial_year as engine_financial_year
from sufficiency.core import formatting as f


def test_dates_in_words_short_and_figures():
    day = dt.date(2026, 1, 5)
    assert f.date_long(day) == "5 January 2026"
    assert f.date_short(day) == "5 Jan 2026"
    assert f.date_numeric(day) == "05/01/2026"
    assert f.date_long("2026-01-05T10:00:00") == "5 January 2026"  # ISO strings from JSON
    assert f.date_short(pd.Timestamp("2026-01-05")) == "5 Jan 2026"
    assert f.date_short(dt.datetime(2026, 1, 5, 23, 59)) == "5 Jan 2026"


@pytest.mark.parametrize("missing", [None, "", float("nan"), pd.NaT])
def test_a_missing_date_prints_the_placeholder(missing):
    assert f.date_long(missing) == "–"
    assert f.date_long(missing, empty="") == ""


def test_numbers_and_percentages():
    assert f.whole(1234.4) == "1,234"
    assert f.whole(None) == "–" and f.whole(float("nan")) == "–"
    assert f.number(1234.56) == "1,234.6" and f.number(2, places=2) == "2.00"
    assert f.percent(1, 8) == "12.5%"
    assert f.percent(1, 0) == "–" and f.percent(None, 8) == "–"
    assert f.share(1, 3) == 33.3 and f.share(1, 0) is None


def test_money_in_pounds_and_as_budget_papers_print_it():
    assert f.money(1234.5) == "£1,234" and f.money(None) == "–"
    assert f.money_short(47_250_000) == "£47.2m"
    assert f.money_short(850_000) == "£850k"
    assert f.money_short(12_000) == "£12k"
    assert f.money_short(9_999) == "£9,999"
    assert f.money_short(-1_500_000) == "£-1.5m"
    assert f.money_short(None) == "No data" and f.money_short(float("nan"), empty="–") == "–"


@pytest.mark.parametrize(
    ("day", "label", "start"),
    [
        (dt.date(2025, 4, 1), "2025-26", 2025),
        (dt.date(2026, 3, 31), "2025-26", 2025),
        (dt.date(2026, 4, 1), "2026-27", 2026),
        (dt.date(1999, 6, 1), "1999-00", 1999),  # the century turns: two digits
        (pd.Timestamp("2026-01-15"), "2025-26", 2025),
    ],
)
def test_financial_years_run_april_to_march(day, label, start):
    assert f.financial_year(day) == label
    assert f.financial_year_start(day) == start
    assert engine_financial_year(day) == label  # the pure engine's copy agrees


def test_month_end():
    assert f.month_end(dt.date(2024, 2, 10)) == dt.date(2024, 2, 29)  # leap year
    assert f.month_end(dt.date(2025, 2, 28)) == dt.date(2025, 2, 28)
    assert f.month_end(pd.Timestamp("2025-12-01")) == dt.date(2025, 12, 31)


def test_the_template_filters_use_the_same_formatters(settings):
    from django.template import Context, Template

    settings.TIME_ZONE = "Europe/London"
    page = Template(
        "{{ day|date_long }}|{{ day|date_short }}|{{ none|date_long }}|{{ big|money_short }}|{{ n|money }}"
    )
    rendered = page.render(Context({"day": dt.date(2026, 1, 5), "none": None, "big": 850_000, "n": 1234}))
    assert rendered == "5 January 2026|5 Jan 2026||£850k|£1,234"
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # 1 July in London (summer time)
    assert Template("{{ at|date_long }}").render(Context({"at": late})) == "1 July 2026"
