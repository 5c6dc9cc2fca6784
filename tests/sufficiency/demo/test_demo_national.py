"""The demo's synthetic national table: in the DfE's published layout, read by the real reader, imported by
the real service, and enough for every KPI with a national equivalent to show neighbours, region and
England on the demo (`kpi --json`)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from placements.models import NationalFigure, NationalStatisticsImport
from placements.national.measures import MEASURES
from placements.national.reader import read_dfe_csv
from placements.national.selectors import national_comparators_many
from sufficiency.authorities.models import LocalAuthority
from sufficiency.demo.national import (
    CHARACTERISTICS_FILE,
    PUBLISHER,
    RATES_FILE,
    Cell,
    demo_national_load,
    demo_national_tables,
)

FIXTURE_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "new_la_code,old_la_code,la_name,cla_group,characteristic,number,percentage"
)


@pytest.mark.django_db
def test_the_table_has_the_published_layout_for_every_authority_region_and_england():
    tables = demo_national_tables(years=[2025, 2026])
    header = tables[CHARACTERISTICS_FILE].decode().splitlines()[0]
    assert header == FIXTURE_HEADER  # the same columns as the DfE-layout fixtures
    read = read_dfe_csv(tables[CHARACTERISTICS_FILE])
    assert read.problems == []
    assert read.years == (2025, 2026) or sorted(read.years) == [2025, 2026]
    las = {f.old_la_code for f in read.figures if f.geographic_level == "Local authority"}
    assert len(las) == LocalAuthority.objects.count() == 153
    regions = {f.area_code for f in read.figures if f.geographic_level == "Regional"}
    assert len(regions) == 9
    assert {f.area_code for f in read.figures if f.geographic_level == "National"} == {"E92000001"}
    rates = read_dfe_csv(tables[RATES_FILE])
    assert rates.problems == [] and "rate_per_10000" in rates.indicator_columns


@pytest.mark.django_db
def test_england_is_the_sum_of_its_authorities_and_small_counts_are_published_as_c():
    tables = demo_national_tables(years=[2026])
    rows = read_dfe_csv(tables[CHARACTERISTICS_FILE]).figures
    total = [r for r in rows if dict(r.filters).get("cla_group") == "Total" and r.indicator == "number"]
    england = next(r.value for r in total if r.geographic_level == "National")
    assert england == sum(r.value for r in total if r.geographic_level == "Local authority")
    # England-shaped: tens of thousands of children, two thirds fostered.
    assert 40_000 < england < 160_000
    foster = next(
        r.value
        for r in rows
        if r.geographic_level == "National"
        and dict(r.filters).get("characteristic") == "Foster placements"
        and r.indicator == "percentage"
    )
    assert 60 <= foster <= 76
    marked = [r for r in rows if r.marker]
    assert marked and all(r.value is None and r.marker == "c" for r in marked)
    assert all(r.geographic_level == "Local authority" for r in marked)


@pytest.mark.django_db
def test_register_counts_are_what_the_authority_publishes_and_one_difference_shows():
    register = {"335": {2026: {"children_in_care": Cell(480, 480), "pct_foster_care": Cell(300, 480)}}}
    tables = demo_national_tables(years=[2026], register=register, difference=("335", "pct_foster_care", 3))
    rows = read_dfe_csv(tables[CHARACTERISTICS_FILE]).figures
    walsall = {
        (dict(r.filters)["cla_group"], dict(r.filters)["characteristic"], r.indicator): r.value
        for r in rows
        if r.old_la_code == "335"
    }
    assert walsall["Total", "Total", "number"] == 480
    assert walsall["Placement", "Foster placements", "number"] == 303
    assert walsall["Placement", "Foster placements", "percentage"] == round(100 * 303 / 480)


@pytest.mark.django_db
def test_loading_fills_every_comparator_and_a_second_load_changes_nothing(walsall):
    outcome = demo_national_load(as_at=dt.date(2026, 3, 31), simulated=[])
    assert outcome is not None and outcome.ok
    imports = list(NationalStatisticsImport.objects.all())
    assert len(imports) == 2 and all(i.publisher == PUBLISHER for i in imports)
    assert all("synthetic" in i.provenance.lower() for i in imports)
    figures = NationalFigure.objects.count()
    found = national_comparators_many(authority=walsall, kpi_keys=list(MEASURES), on=dt.date(2026, 3, 31))
    assert set(found) == set(MEASURES)
    for key, c in found.items():
        assert c.year == 2026, key
        assert c.region is not None and c.england is not None, key
        assert c.statistical_neighbours["n"] + c.statistical_neighbours["not_published"] == 10, key
        assert c.statistical_neighbours["n"] >= 1 and c.statistical_neighbours["mean"] is not None, key
    earlier = national_comparators_many(
        authority=walsall, kpi_keys=["pct_foster_care"], on=dt.date(2025, 6, 1)
    )
    assert earlier["pct_foster_care"].year == 2025

    assert demo_national_load(as_at=dt.date(2026, 3, 31), simulated=[]) is None
    assert NationalStatisticsImport.objects.count() == 2
    assert NationalFigure.objects.count() == figures


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from sufficiency.authorities.reference import ensure_local_authorities
    from sufficiency.demo.loader import demo_region_load

    with django_db_blocker.unblock():
        # A module fixture runs before the autouse one: another module's flush may have emptied the
        # migrations' reference authorities on this worker.
        ensure_local_authorities()
        demo_region_load(authorities=["335"], as_at=dt.date(2026, 3, 31))
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_kpi_json_on_the_demo_gives_comparators_for_every_kpi_with_a_national_equivalent(demo):
    out = io.StringIO()
    call_command("kpi", "--authority", "335", "--date", "2026-03-31", "--json", stdout=out)
    rows = {r["key"]: r for r in json.loads(out.getvalue())}
    for key in MEASURES:
        comparators = rows[key]["comparators"]
        assert comparators is not None, key
        assert comparators["year"] == 2026, key
        neighbours = comparators["statistical_neighbours"]
        assert {"mean", "min", "max", "n"} <= set(neighbours), key
        assert neighbours["n"] >= 1 and neighbours["min"] <= neighbours["mean"] <= neighbours["max"], key
        assert comparators["region"] is not None and comparators["england"] is not None, key
        assert comparators["region_name"] == "West Midlands"
    # Walsall's published figures are its own register's counts ...
    assert rows["children_in_care"]["comparators"]["published_count_differs"] is False
    assert rows["pct_foster_care"]["comparators"]["published_count_differs"] is False
    assert rows["children_in_care"]["comparators"]["published_own"] == rows["children_in_care"]["value"]
    # ... except the one the demo publishes higher, so the data-quality check has something to show.
    over_20 = rows["pct_placed_over_20_miles"]["comparators"]
    assert over_20["published_count_differs"] is True
    assert over_20["published_own_count"] == over_20["own_count"] + 3


@pytest.mark.django_db
def test_the_demo_benchmarking_page_ranks_walsall_among_every_authority(demo, client):
    import time

    from django.urls import reverse

    from sufficiency.accounts.models import User

    client.force_login(User.objects.get(email="commissioner@demo.sufficiency.invalid"))
    url = reverse("reports:kpi-benchmarking", kwargs={"code": "335"})
    started = time.perf_counter()
    response = client.get(
        url,
        {"comparator_set": "all_authorities", "on_day": "31", "on_month": "3", "on_year": "2026"},
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    print(f"benchmarking page, all authorities: {elapsed:.2f} s")
    cic = next(r for r in response.context["rows"] if r["row"].key == "children_in_care")
    assert cic["row"].ranked == 153 and cic["row"].rank is not None
    assert "Differs" in response.content.decode()  # the over-20-miles count published 3 higher
    kpi_page = client.get(
        reverse("reports:kpi-list", kwargs={"code": "335"}),
        {"on_day": "31", "on_month": "3", "on_year": "2026"},
    ).content.decode()
    assert 'data-differs="pct_placed_over_20_miles"' in kpi_page
    assert 'data-neighbours="pct_foster_care">' in kpi_page
