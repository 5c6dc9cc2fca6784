"""Precomputed KPI figures: the rollup stores them, the KPI page reads them without counting the register,
and any other date is still counted live."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sufficiency.reports import kpi_snapshots
from sufficiency.reports.kpi_snapshots import LIVE_SOURCES, kpi_snapshot_dates, kpi_snapshots_compute
from sufficiency.reports.kpis import registry
from sufficiency.reports.models import KpiSnapshot
from sufficiency.reports.selectors import kpi_page_rows, kpi_rows_for_authority
from tests.reports.conftest import D

pytestmark = pytest.mark.django_db


def _values(rows):
    return [
        (r.key, r.value.value, r.value.numerator, r.previous_on, r.previous.value,
         r.regional.value if r.regional else None, r.england)
        for r in rows
    ]  # fmt: skip


def test_snapshot_dates_are_the_as_at_date_and_the_latest_year_end():
    assert kpi_snapshot_dates(D) == [D]
    assert kpi_snapshot_dates(dt.date(2025, 6, 30)) == [dt.date(2025, 6, 30), D]
    assert kpi_snapshot_dates(dt.date(2025, 2, 28)) == [dt.date(2025, 2, 28), dt.date(2024, 3, 31)]


@pytest.mark.parametrize("period", ["quarter", "year"])
def test_stored_rows_equal_the_live_count(register, period):
    walsall = register["walsall"]
    kpi_snapshots_compute(authority=walsall, as_at=dt.date(2025, 6, 30))
    assert sorted(KpiSnapshot.objects.filter(authority=walsall).values_list("on", flat=True)) == [
        D, dt.date(2025, 6, 30)
    ]  # fmt: skip
    stored, snapshot = kpi_page_rows(authority=walsall, on=D, period=period)
    assert snapshot is not None and snapshot.on == D
    live = kpi_rows_for_authority(authority=walsall, on=D, period=period)
    assert _values(stored) == _values(live)
    assert {r.key: r.value.value for r in stored}["children_in_care"] == 7


def test_recomputing_replaces_the_authoritys_snapshots(register):
    walsall = register["walsall"]
    kpi_snapshots_compute(authority=walsall, as_at=dt.date(2025, 6, 30))
    kpi_snapshots_compute(authority=walsall, as_at=D)
    assert list(KpiSnapshot.objects.filter(authority=walsall).values_list("on", flat=True)) == [D]


def test_kpi_page_reads_the_snapshot_without_counting_the_register(
    client, register, la_user, monkeypatch, django_assert_max_num_queries
):
    from sufficiency.reports.kpis import context

    kpi_snapshots_compute(authority=register["walsall"], as_at=D)

    def refuse(*args, **kwargs):
        raise AssertionError("the register was counted during the request")

    monkeypatch.setattr(context.RegisterData, "for_authority", classmethod(refuse))
    monkeypatch.setattr(context.RegisterData, "for_region", classmethod(refuse))
    monkeypatch.setattr("sufficiency.reports.selectors.kpi_rows_for_authority", refuse)
    client.force_login(la_user)
    url = reverse("reports:kpi-list", kwargs={"code": "335"})
    for query in ({}, {"on_day": "31", "on_month": "3", "on_year": "2025", "period": "year"}):
        with django_assert_max_num_queries(13):
            response = client.get(url, query)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Key performance indicators on 31 March 2025" in content  # the default is the stored date
        assert 'id="kpi-counted"' in content and "Counted on" in content
        for kpi in registry:
            assert f'id="{kpi.key}"' in content
        assert "81,770" in content


def test_a_date_not_precomputed_is_counted_live(client, register, la_user):
    kpi_snapshots_compute(authority=register["walsall"], as_at=D)
    client.force_login(la_user)
    url = reverse("reports:kpi-list", kwargs={"code": "335"})
    content = client.get(url, {"on_day": "31", "on_month": "12", "on_year": "2024"}).content.decode()
    assert "Key performance indicators on 31 December 2024" in content
    assert "Counted from the register just now" in content
    live = {r.key: r for r in kpi_rows_for_authority(authority=register["walsall"], on=dt.date(2024, 12, 31))}
    assert live["children_in_care"].value.value is not None


def test_strategy_kpis_are_read_live_beside_stored_figures(register, la_user):
    from sufficiency.reports import services

    walsall = register["walsall"]
    kpi_snapshots_compute(authority=walsall, as_at=D)
    snapshot = KpiSnapshot.objects.get(authority=walsall, on=D)
    assert not {k.key for k in registry if k.source in LIVE_SOURCES} & set(snapshot.rows)
    strategy = services.strategy_create(
        authority=walsall, acting_user=la_user, title="S", start_year=2023, end_year=2026
    )
    services.action_create(
        strategy=strategy, acting_user=la_user, activity="Recruit carers", status="on_track"
    )
    rows = {r.key: r for r in kpi_snapshots.kpi_rows_precomputed(snapshot=snapshot, period="quarter")}
    # The action was added after the snapshot and today is after D: as at the end of D it did not exist.
    assert rows["strategy_actions_on_track"].value.value is None
    assert rows["children_in_care"].value.value == 7


def test_a_snapshot_missing_a_catalogue_kpi_falls_back_to_a_live_count(register):
    walsall = register["walsall"]
    kpi_snapshots_compute(authority=walsall, as_at=D)
    snapshot = KpiSnapshot.objects.get(authority=walsall, on=D)
    snapshot.rows.pop("children_in_care")
    snapshot.save()
    rows, used = kpi_page_rows(authority=walsall, on=D)
    assert used is None and {r.key: r.value.value for r in rows}["children_in_care"] == 7


def test_another_authoritys_snapshot_is_not_used(register):
    kpi_snapshots_compute(authority=register["walsall"], as_at=D)
    _rows, used = kpi_page_rows(authority=register["sandwell"], on=D)
    assert used is None
