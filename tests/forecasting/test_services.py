"""Forecast runs: queued, debounced, claimed once, persisted, and printed by the command."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from forecasting.models import BacktestValue, CostValue, ForecastRun, ForecastValue, Scenario
from forecasting.selectors import latest_forecast_run
from forecasting.services import forecast_request, forecast_run_claim, forecast_run_execute
from placements.importing import ssda903_import
from placements.models import UnitCost
from tests.ssda903_files import episodes, header

pytestmark = pytest.mark.django_db


def _history(n_children: int = 40) -> list[tuple[str, bytes]]:
    """A small steady register: children entering each quarter since 2020, some leaving."""
    children, rows = [], []
    for i in range(n_children):
        ref = f"F{i:04d}"
        start = dt.date(2020, 1, 1) + dt.timedelta(days=45 * i)
        children.append(
            {"CHILD": ref, "DOB": (start - dt.timedelta(days=365 * (2 + i % 12))).strftime("%d/%m/%Y")}
        )
        row = {
            "CHILD": ref,
            "DECOM": start.strftime("%d/%m/%Y"),
            "PLACE": "U4" if i % 3 else "K2",
            "PLACE_PROVIDER": "PR1" if i % 2 else "PR4",
        }
        if i % 4 == 0 and start < dt.date(2025, 1, 1):
            row.update({"DEC": (start + dt.timedelta(days=400)).strftime("%d/%m/%Y"), "REC": "E13"})
        rows.append(row)
    return [("h.csv", header(*children)), ("e.csv", episodes(*rows))]


@pytest.fixture
def walsall_register(walsall):
    outcome = ssda903_import(authority=walsall, files=_history())
    assert outcome.ok, outcome.errors[:3]
    UnitCost.objects.create(
        authority=walsall,
        category="fostering_inhouse",
        route="in_house",
        weekly_cost=500,
        effective_from=dt.date(2020, 4, 1),
    )
    return walsall


def test_requests_are_debounced_while_queued(walsall, settings, django_capture_on_commit_callbacks):
    settings.FORECAST_DEBOUNCE_SECONDS = 60
    with django_capture_on_commit_callbacks(execute=False):
        first = forecast_request(authority=walsall, trigger="import")
        second = forecast_request(authority=walsall, trigger="import")
    assert first.pk == second.pk
    assert ForecastRun.objects.filter(authority=walsall).count() == 1


def test_a_run_is_claimed_once(walsall):
    run = ForecastRun.objects.create(authority=walsall)
    assert forecast_run_claim(run_id=run.pk)
    assert not forecast_run_claim(run_id=run.pk)


def test_execute_persists_results_and_a_redelivery_does_not_duplicate_them(
    walsall_register, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = forecast_request(authority=walsall_register, trigger="manual", horizon_months=12)
    ForecastRun.objects.filter(pk=run.pk).update(n_paths=200)
    assert forecast_run_execute(run_id=run.pk).status == "succeeded"
    counts = (
        ForecastValue.objects.filter(run=run).count(),
        BacktestValue.objects.filter(run=run).count(),
        CostValue.objects.filter(run=run).count(),
    )
    assert counts[0] == 12 * (1 + 11 + 5)  # total, 11 modelled categories, 5 age bands, each month
    stored = ForecastRun.objects.get(pk=run.pk)
    # the model configuration was chosen by backtests in the task and stored with the run
    assert stored.model_choice["chosen"]["reference_years"] in (3, 6)
    assert stored.model_choice["reason"]
    kinds = {s["kind"] for s in stored.model_choice["scores"]}
    assert kinds == {"candidate", "baseline"} or stored.model_choice["beats_baselines"] is None
    assert sum(s["chosen"] for s in stored.model_choice["scores"]) == 1
    assert forecast_run_execute(run_id=run.pk) is None  # the redelivered task is a no-op
    assert (
        ForecastValue.objects.filter(run=run).count(),
        BacktestValue.objects.filter(run=run).count(),
        CostValue.objects.filter(run=run).count(),
    ) == counts
    assert latest_forecast_run(authority=walsall_register) == ForecastRun.objects.get(pk=run.pk)


def test_a_run_without_a_register_fails_with_a_reason(walsall, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run = forecast_request(authority=walsall)
    run = forecast_run_execute(run_id=run.pk)
    assert run.status == "failed"
    assert "import SSDA903 files first" in run.error


def test_forecast_command_prints_the_documented_json(walsall_register, capsys):
    Scenario.objects.create(
        authority=walsall_register, name="Fewer teenagers", entry_rate_changes={"16_17": -0.5}
    )
    call_command(
        "forecast",
        "--authority",
        "335",
        "--as-at",
        "2025-12-31",
        "--horizon",
        "6",
        "--seed",
        "3",
        "--paths",
        "200",
        "--json",
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["authority"] == "335"
    assert doc["as_at"] == "2025-12-31"
    assert doc["horizon_months"] == 6
    assert set(doc["reference"]) >= {"start", "end"}
    assert doc["reference"]["end"] == "2025-12-31"
    assert [m["month_end"] for m in doc["months"]] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
        "2026-05-31",
        "2026-06-30",
    ]
    first = doc["months"][0]
    for block in (first["total"], *first["by_category"].values(), *first["by_age_band"].values()):
        assert set(block) == {"mean", "p50", "p10", "p90", "p2_5", "p97_5"}
        assert block["p2_5"] <= block["p10"] <= block["p50"] <= block["p90"] <= block["p97_5"]
    assert set(first["by_age_band"]) == {"under_1", "1_4", "5_9", "10_15", "16_17"}
    assert doc["costs"] and {"financial_year", "bed_nights", "spend"} <= set(doc["costs"][0])
    assert set(doc["costs"][0]["spend"]["total"]) == {"mean", "p10", "p90"}
    assert isinstance(doc["backtest"], list)


def test_forecast_command_is_deterministic_for_a_seed(walsall_register, capsys):
    args = ["forecast", "--authority", "335", "--horizon", "3", "--seed", "7", "--paths", "200", "--json"]
    call_command(*args)
    first = json.loads(capsys.readouterr().out)["months"]
    call_command(*args)
    assert json.loads(capsys.readouterr().out)["months"] == first


def test_forecast_command_baseline_only_leaves_the_active_scenarios_out(walsall_register, capsys):
    Scenario.objects.create(
        authority=walsall_register, name="Fewer teenagers", entry_rate_changes={"16_17": -0.5}
    )
    args = ["forecast", "--authority", "335", "--horizon", "3", "--seed", "7", "--paths", "200", "--json"]
    call_command(*args)
    with_scenarios = json.loads(capsys.readouterr().out)["months"]
    assert ForecastRun.objects.latest("pk").scenario_names == ["Fewer teenagers"]
    call_command(*args, "--baseline-only")
    assert json.loads(capsys.readouterr().out)["months"] == with_scenarios
    run = ForecastRun.objects.latest("pk")
    assert run.scenario_names == []
    assert set(run.values.values_list("scenario", flat=True)) == {"baseline"}


def test_the_forecast_command_does_not_run_the_system_checks():
    from forecasting.management.commands.forecast import Command

    assert Command.requires_system_checks == []


def test_forecast_command_rejects_unknown_scenarios_and_bad_dates(walsall_register):
    with pytest.raises(CommandError, match="no scenario"):
        call_command("forecast", "--authority", "335", "--scenario", "Nope", "--json")
    with pytest.raises(CommandError, match="real date"):
        call_command("forecast", "--authority", "335", "--as-at", "2025-02-30", "--json")


def test_a_run_on_an_unchanged_register_reuses_the_backtest(
    walsall_register, django_capture_on_commit_callbacks
):
    def run_once():
        with django_capture_on_commit_callbacks(execute=False):
            run = forecast_request(authority=walsall_register, horizon_months=6)
        ForecastRun.objects.filter(pk=run.pk).update(n_paths=200)
        return forecast_run_execute(run_id=run.pk)

    first, second = run_once(), run_once()
    assert first.backtest_reused_from is None
    assert second.backtest_reused_from == first
    fields = ["offset_months", "month_end", "dimension", "key", "actual", "mean", "p10", "p90"]
    assert list(BacktestValue.objects.filter(run=second).order_by(*fields[:4]).values_list(*fields)) == list(
        BacktestValue.objects.filter(run=first).order_by(*fields[:4]).values_list(*fields)
    )
    # A new import changes the register: the next run refits its backtest.
    ssda903_import(authority=walsall_register, files=_history(30))
    assert run_once().backtest_reused_from is None
