"""Recomputing rollups: debounced requests, claimed once by conditional update, redelivery-safe, rerun
when new data arrives mid-computation, and queued after every import and forecast."""

from __future__ import annotations

import datetime as dt

import pytest

from sufficiency.dashboards import services
from sufficiency.dashboards.choices import RollupStatusChoices
from sufficiency.dashboards.models import DashboardRollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    sent = []
    monkeypatch.setattr(
        services,
        "dashboard_rollup_enqueue",
        lambda *, authority_id, countdown=0: sent.append(authority_id) or True,
    )
    return sent


def test_requests_are_debounced_while_queued(walsall, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.dashboard_rollup_request(authority=walsall)
        second = services.dashboard_rollup_request(authority=walsall)
    assert first.pk == second.pk
    assert first.status == RollupStatusChoices.QUEUED
    assert enqueued == [walsall.pk]  # one task for many requests


def test_a_rollup_is_computed_once_and_redelivery_does_nothing(
    register, enqueued, django_capture_on_commit_callbacks
):
    from forecasting.gap_services import gap_assessment_compute

    walsall = register["walsall"]
    gap_assessment_compute(authority=walsall)  # forecasting's result, which the rollup reads
    with django_capture_on_commit_callbacks(execute=True):
        services.dashboard_rollup_request(authority=walsall)
    rollup = services.dashboard_rollup_execute(authority_id=walsall.pk)
    assert rollup.status == RollupStatusChoices.SUCCEEDED
    assert rollup.as_at == dt.date(2026, 3, 31)
    assert rollup.headline["total"] == 6
    assert rollup.gap["values"] and rollup.forecast["series"] and rollup.market["rows"]
    assert services.dashboard_rollup_execute(authority_id=walsall.pk) is None  # redelivered: already done


def test_a_request_during_a_computation_queues_a_rerun(
    register, enqueued, monkeypatch, django_capture_on_commit_callbacks
):
    walsall = register["walsall"]
    DashboardRollup.objects.create(authority=walsall, status=RollupStatusChoices.QUEUED)
    real_compute = services.dashboard_rollup_compute

    def compute_while_an_import_finishes(*, authority):
        assert not services.dashboard_rollup_claim(authority_id=walsall.pk)  # a second worker loses
        services.dashboard_rollup_request(authority=authority)  # new data arrives while it runs
        assert DashboardRollup.objects.get(authority=walsall).rerun_requested
        return real_compute(authority=authority)

    monkeypatch.setattr(services, "dashboard_rollup_compute", compute_while_an_import_finishes)
    with django_capture_on_commit_callbacks(execute=True):
        rollup = services.dashboard_rollup_execute(authority_id=walsall.pk)
    assert rollup.headline["total"] == 6
    assert DashboardRollup.objects.get(authority=walsall).status == RollupStatusChoices.QUEUED
    assert enqueued == [walsall.pk]


def test_a_failed_computation_keeps_the_last_figures(register, enqueued, monkeypatch):
    walsall = register["walsall"]
    good = services.dashboard_rollup_compute(authority=walsall)
    DashboardRollup.objects.filter(pk=good.pk).update(status=RollupStatusChoices.QUEUED)

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services.rollups, "overview_rollup", broken)
    rollup = services.dashboard_rollup_execute(authority_id=walsall.pk)
    assert rollup.status == RollupStatusChoices.FAILED
    assert rollup.headline["total"] == 6 and rollup.is_ready


def test_rollups_follow_imports_and_forecasts():
    from forecasting.services import AFTER_FORECAST_CALLBACKS
    from placements.services import AFTER_IMPORT_CALLBACKS

    assert services.dashboard_after_import in AFTER_IMPORT_CALLBACKS
    assert services.dashboard_after_forecast in AFTER_FORECAST_CALLBACKS


def test_an_authority_with_no_register_gets_an_empty_rollup(walsall):
    rollup = services.dashboard_rollup_compute(authority=walsall)
    assert rollup.status == RollupStatusChoices.SUCCEEDED
    assert not rollup.is_ready


def test_requeue_resends_stranded_rollups(walsall, enqueued):
    DashboardRollup.objects.create(
        authority=walsall,
        status=RollupStatusChoices.QUEUED,
        requested_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    assert services.dashboard_rollups_requeue() == 1
    assert enqueued == [walsall.pk]


def test_the_rollup_stores_the_kpi_pages_figures_for_its_date(register):
    from sufficiency.reports.models import KpiSnapshot

    walsall = register["walsall"]
    rollup = services.dashboard_rollup_compute(authority=walsall)
    snapshot = KpiSnapshot.objects.get(authority=walsall, on=rollup.as_at)
    assert "kpis" in rollup.timings
    assert snapshot.rows["children_in_care"]["value"][0] is not None
    assert set(snapshot.previous) == {"quarter", "year"}
