"""Board report fixtures: the hand-built register of tests/reports/conftest.py plus a strategy whose
measures land on each RAG status, and a quick PDF renderer for tests that do not look inside the PDF."""

from __future__ import annotations

import datetime as dt

import pytest

from sufficiency.reports import services as strategy_services
from tests.reports.conftest import D


@pytest.fixture
def strategy(register, la_user):
    """Walsall's strategy 2023-2026 with four measures (as at D: green, amber, red, no data) and two
    actions (one on track; one at risk and overdue on D)."""
    walsall = register["walsall"]
    s = strategy_services.strategy_create(
        authority=walsall,
        acting_user=la_user,
        title="Placement Sufficiency Strategy",
        start_year=2023,
        end_year=2026,
    )
    o1 = strategy_services.objective_create(
        strategy=s, acting_user=la_user, number=1, title="Family settings"
    )
    o2 = strategy_services.objective_create(strategy=s, acting_user=la_user, number=2, title="Close to home")
    target_date = dt.date(2026, 3, 31)
    # pct_foster_care is 57.1 on D: target 57 (higher) -> green
    strategy_services.measure_create(
        objective=o1,
        acting_user=la_user,
        kpi_key="pct_foster_care",
        target_value=57,
        target_date=target_date,
        direction="higher",
        tolerance=0,
    )
    # pct_fostering_inhouse is 66.7: target 70, tolerance 5 (higher) -> amber
    strategy_services.measure_create(
        objective=o1,
        acting_user=la_user,
        kpi_key="pct_fostering_inhouse",
        target_value=70,
        target_date=target_date,
        direction="higher",
        tolerance=5,
    )
    # pct_placed_over_20_miles is 40.0 (2 of 5): target 10, tolerance 2 (lower) -> red
    strategy_services.measure_create(
        objective=o2,
        acting_user=la_user,
        kpi_key="pct_placed_over_20_miles",
        baseline_value=16,
        target_value=10,
        target_date=target_date,
        direction="lower",
        tolerance=2,
    )
    # no placement requests -> no data
    strategy_services.measure_create(
        objective=o2,
        acting_user=la_user,
        kpi_key="median_days_to_place",
        target_value=14,
        target_date=target_date,
        direction="lower",
        tolerance=3,
    )
    strategy_services.action_create(
        strategy=s,
        acting_user=la_user,
        activity="Recruit foster carers",
        timescale="Ongoing",
        status="on_track",
    )
    strategy_services.action_create(
        strategy=s,
        acting_user=la_user,
        activity="Open a sixth home",
        due_date=D - dt.timedelta(days=30),
        status="at_risk",
        update_notes="Registration delayed",
    )
    return s


@pytest.fixture
def fast_pdf(monkeypatch):
    """Replace WeasyPrint with a stub for tests about access and versions (the PDF tests use the real one)."""
    from sufficiency.reports.board import services

    monkeypatch.setattr(services, "render_pdf", lambda html: (b"%PDF-1.7 stub " + html[:40].encode(), 1))
