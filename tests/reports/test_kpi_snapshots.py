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
    from pathlib import Path

    from placements.national.services import national_statistics_import
    from sufficiency.reports.kpis import context

    kpi_snapshots_compute(authority=register["walsall"], as_at=D)
    dfe = Path(__file__).resolve().parents[1] / "fixtures" / "dfe" / "la_cla_at_31_march.csv"
    national_statistics_import(files=[(dfe.name, dfe.read_bytes())])

    def refuse(*args, **kwargs):
        raise AssertionError("the register was counted during the request")

    monkeypatch.setattr(context.RegisterData, "for_authority", classmethod(refuse))
    monkeypatch.setattr(context.RegisterData, "for_region", classmethod(refuse))
    monkeypatch.setattr("sufficiency.reports.selectors.kpi_rows_for_authority", refuse)
    client.force_login(la_user)
    url = reverse("reports:kpi-list", kwargs={"code": "335"})
    # The stored date chosen in the as-at banner, then on the KPI page's own date field.
    for query in (
        {"as_at": "2025-03-31"},
        {"on_day": "31", "on_month": "3", "on_year": "2025", "period": "year"},
    ):
        # 13 for the page, 5 for the published comparators (latest years, figures, neighbour list,
        # neighbours, import provenance), +2 banner, +1 session write, +2 targets.
        with django_assert_max_num_queries(24):
            response = client.get(url, query)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Key performance indicators on 31 March 2025" in content
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


# --- regional comparators shared by the region's rollups ----------------------------------------------------
def _regional(authority, on=D):
    return {
        key: row["regional"] for key, row in KpiSnapshot.objects.get(authority=authority, on=on).rows.items()
    }


def _count_region_loads(monkeypatch):
    from sufficiency.reports.kpis import context

    loads = []
    original = context.RegisterData.for_region.__func__

    def counting(cls, region_id):
        loads.append(region_id)
        return original(cls, region_id)

    monkeypatch.setattr(context.RegisterData, "for_region", classmethod(counting))
    return loads


def test_a_neighbours_rollup_reuses_the_regions_comparators(register, monkeypatch):
    from sufficiency.reports.models import RegionalKpiSnapshot

    walsall, sandwell = register["walsall"], register["sandwell"]
    loads = _count_region_loads(monkeypatch)
    kpi_snapshots_compute(authority=walsall, as_at=D)
    kpi_snapshots_compute(authority=sandwell, as_at=D)
    assert loads == [walsall.region_id]  # counted once for both
    held = RegionalKpiSnapshot.objects.get(region=walsall.region, on=D)
    assert held.rows["children_in_care"][0] == 8  # Walsall's 7 and Sandwell's 1
    assert _regional(sandwell) == _regional(walsall)
    live = {r.key: r.regional for r in kpi_rows_for_authority(authority=sandwell, on=D)}
    for key, packed in _regional(sandwell).items():
        if packed is None:
            assert live[key] is None
        else:
            # Stored as counted; served withheld where the rest of the region is a small count.
            assert live[key].value in (packed[0], None), key


def test_a_change_anywhere_in_the_region_makes_the_next_rollup_count_again(register, monkeypatch):
    from placements.models import UnitCost
    from tests.factories import ChildFactory, EpisodeFactory

    walsall, sandwell = register["walsall"], register["sandwell"]
    loads = _count_region_loads(monkeypatch)
    kpi_snapshots_compute(authority=walsall, as_at=D)
    # Sandwell imports another child: its own rollup counts the region again.
    child = ChildFactory(authority=sandwell, child_ref="S2", dob=dt.date(2016, 2, 2))
    EpisodeFactory(child=child, authority=sandwell, decom=dt.date(2025, 1, 5), rne="S", ls="C2",
                   place="U4", place_provider="PR1")  # fmt: skip
    kpi_snapshots_compute(authority=sandwell, as_at=D)
    assert len(loads) == 2
    assert _regional(sandwell)["children_in_care"][0] == 9
    # An edit in place (one unit cost's weekly figure) moves its time stamp, so the signature too.
    cost = UnitCost.objects.filter(authority=walsall).first()
    cost.weekly_cost += 1
    cost.save()
    kpi_snapshots_compute(authority=walsall, as_at=D)
    assert len(loads) == 3
    kpi_snapshots_compute(authority=sandwell, as_at=D)
    assert len(loads) == 3  # nothing changed since: reused


def test_a_corrected_ofsted_judgement_changes_the_signature(register):
    from placements.models import Inspection
    from placements.supply.services import _refresh_latest_judgements
    from sufficiency.reports.kpi_snapshots import regional_signature

    region_id = register["walsall"].region_id
    before = regional_signature(region_id)
    assert regional_signature(region_id) == before
    inspection = Inspection.objects.get(setting__urn="SC900002", inspection_date=dt.date(2024, 9, 1))
    Inspection.objects.filter(pk=inspection.pk).update(judgement="inadequate")
    _refresh_latest_judgements([inspection.setting_id])
    assert regional_signature(region_id) != before


@pytest.mark.parametrize("setting", ["off", "expired"])
def test_comparators_are_counted_again_when_reuse_is_off_or_too_old(register, monkeypatch, settings, setting):
    from sufficiency.reports.models import RegionalKpiSnapshot

    loads = _count_region_loads(monkeypatch)
    kpi_snapshots_compute(authority=register["walsall"], as_at=D)
    if setting == "off":
        settings.KPI_REGIONAL_REUSE_SECONDS = 0
    else:
        RegionalKpiSnapshot.objects.update(computed_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    kpi_snapshots_compute(authority=register["sandwell"], as_at=D)
    assert len(loads) == 2


def test_a_release_that_changes_the_counting_code_counts_the_comparators_again(register, monkeypatch):
    assert len(kpi_snapshots._code_fingerprint()) == 64  # a sha256 of the catalogue's and counting's source
    loads = _count_region_loads(monkeypatch)
    kpi_snapshots_compute(authority=register["walsall"], as_at=D)
    monkeypatch.setattr(kpi_snapshots, "_code_fingerprint", lambda: "a later release")
    kpi_snapshots_compute(authority=register["sandwell"], as_at=D)
    assert len(loads) == 2
