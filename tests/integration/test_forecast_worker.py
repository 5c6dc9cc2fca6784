"""A forecast queued by the web tier is computed by a real Celery worker and written to PostgreSQL with COPY;
the next run on the unchanged register copies its backtest inside the database."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from forecasting.choices import RunStatusChoices
from forecasting.models import BacktestValue, CostValue, ForecastRun, ForecastValue
from forecasting.services import forecast_request
from forecasting.tasks import forecast_run_execute_task
from placements.importing import ssda903_import
from tests.forecasting.test_services import _history

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

FORECAST_TIMEOUT_S = 60.0
HORIZON = 12


def _wait_until_finished(run: ForecastRun) -> ForecastRun:
    deadline = time.monotonic() + FORECAST_TIMEOUT_S
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (RunStatusChoices.SUCCEEDED, RunStatusChoices.FAILED):
            return run
        time.sleep(0.25)
    pytest.fail(f"forecast run {run.pk} still {run.status} after {FORECAST_TIMEOUT_S:.0f} s", pytrace=False)


def _backtest_rows(run: ForecastRun) -> list[tuple]:
    fields = ["offset_months", "origin", "month_end", "dimension", "key", "actual", "mean", "p10", "p90"]
    fields += ["p2_5", "p97_5", "ape", "in_80", "in_95"]
    return list(BacktestValue.objects.filter(run=run).order_by(*fields[:5]).values_list(*fields))


def test_forecast_through_the_worker_is_written_to_postgresql(celery_worker, walsall) -> None:
    assert connection.vendor == "postgresql"
    outcome = ssda903_import(authority=walsall, files=_history())
    assert outcome.ok, outcome.errors[:3]

    first = _wait_until_finished(forecast_request(authority=walsall, horizon_months=HORIZON, countdown=0))
    assert first.status == RunStatusChoices.SUCCEEDED, first.error
    celery_worker.wait_for_log(f"{forecast_run_execute_task.name}[", "succeeded in", timeout=5)

    values = ForecastValue.objects.filter(run=first, scenario="baseline")
    assert values.count() == HORIZON * (1 + 11 + 5)  # total, 11 modelled categories, 5 age bands
    months = sorted(set(values.values_list("month_end", flat=True)))
    assert len(months) == HORIZON and months[0] > first.as_at
    total = values.filter(dimension="total").order_by("month_end").first()
    assert total.p2_5 <= total.p10 <= total.p50 <= total.p90 <= total.p97_5
    assert total.months_ahead == 1
    backtest = _backtest_rows(first)
    assert backtest, "the backtest is written with the forecast"
    # ape is NULL exactly where nothing was in care to compare with; booleans arrive as booleans.
    assert all((row[11] is None) == (row[5] == 0) for row in backtest)
    assert all(row[11] is None or row[11] >= 0 for row in backtest)
    assert {type(row[12]) for row in backtest} == {bool}
    assert CostValue.objects.filter(run=first).exists()

    # The register is unchanged: the next run copies the backtest rather than refitting it.
    second = _wait_until_finished(forecast_request(authority=walsall, horizon_months=HORIZON, countdown=0))
    assert second.status == RunStatusChoices.SUCCEEDED, second.error
    assert second.backtest_reused_from_id == first.pk
    assert _backtest_rows(second) == backtest
