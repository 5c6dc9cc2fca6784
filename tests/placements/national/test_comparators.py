"""Statistical neighbours (reference data with its licence) and the comparator sets read from the
published tables: neighbours' mean and range, region, England, all authorities and a custom group."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from placements.models import ComparatorGroup, StatisticalNeighbour, StatisticalNeighbourList
from placements.national.selectors import (
    comparator_authorities,
    national_comparators,
    published_year_for,
    statistical_neighbours,
)
from placements.national.services import national_statistics_import
from sufficiency.authorities.models import LocalAuthority

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dfe"
pytestmark = pytest.mark.django_db


def _la(code):
    return LocalAuthority.objects.select_related("region").get(dfe_code=code)


def _import(*names):
    national_statistics_import(files=[(n, (FIXTURES / n).read_bytes()) for n in names])


def test_every_authority_has_ten_synthetic_neighbours_with_licence():
    current = StatisticalNeighbourList.objects.get()
    assert current.synthetic and current.licence == "Open Government Licence v3.0"
    assert StatisticalNeighbour.objects.count() == LocalAuthority.objects.count() * 10
    walsall = statistical_neighbours(_la("335"))
    assert len(walsall) == 10 and walsall[0].dfe_code == "330"
    assert _la("335") not in walsall


def test_loading_a_list_makes_it_current_and_bad_lists_are_refused(tmp_path):
    good = tmp_path / "sn.csv"
    good.write_text(
        "la_code,la_name,rank,neighbour_code,neighbour_name\n335,Walsall,1,333,Sandwell\n335,Walsall,2,330,B\n"
    )
    call_command("load_statistical_neighbours", str(good), "--source", "DfE tool, test edition")
    assert [la.dfe_code for la in statistical_neighbours(_la("335"))] == ["333", "330"]
    bad = tmp_path / "bad.csv"
    bad.write_text("la_code,la_name,rank,neighbour_code,neighbour_name\n335,Walsall,1,999,Nowhere\n")
    with pytest.raises(CommandError, match="unknown authorities: 999"):
        call_command("load_statistical_neighbours", str(bad), "--source", "x")
    bad.write_text("la_code,rank,neighbour_code\n335,1,333\n335,1,330\n")
    with pytest.raises(CommandError, match="two neighbours ranked 1"):
        call_command("load_statistical_neighbours", str(bad), "--source", "x")
    assert StatisticalNeighbourList.objects.count() == 2


def test_comparator_sets():
    walsall = _la("335")
    region = comparator_authorities(walsall, "region")
    assert (
        walsall not in region and {la.region_id for la in region} == {walsall.region_id} and len(region) == 13
    )
    assert len(comparator_authorities(walsall, "all_authorities")) == LocalAuthority.objects.count() - 1
    assert comparator_authorities(walsall, "england") == []
    group = ComparatorGroup.objects.create(authority=walsall, name="Black Country")
    group.members.set([_la("332"), _la("333"), _la("336"), walsall])
    assert [la.dfe_code for la in comparator_authorities(walsall, "custom", group)] == ["332", "333", "336"]
    # Another authority's group is never used.
    assert comparator_authorities(_la("333"), "custom", group) == []
    with pytest.raises(KeyError):
        comparator_authorities(walsall, "galaxy")


def test_published_year_is_the_latest_31_march():
    assert published_year_for(dt.date(2025, 3, 31)) == 2025
    assert published_year_for(dt.date(2025, 3, 30)) == 2024
    assert published_year_for(dt.date(2025, 9, 30)) == 2025


def test_comparators_for_a_measure_from_the_published_tables():
    _import("la_cla_at_31_march.csv", "la_cla_rates_bom_crlf.csv")
    walsall = _la("335")
    foster = national_comparators(authority=walsall, kpi_key="pct_foster_care", on=dt.date(2025, 6, 30))
    assert foster.year == 2025
    # Of Walsall's neighbours, Birmingham (64) and Sandwell (70) are published; the rest are not in the file.
    assert foster.statistical_neighbours == {
        "mean": 67.0,
        "min": 64.0,
        "max": 70.0,
        "n": 2,
        "not_published": 8,
    }
    assert foster.region == 66.0 and foster.england == 67.0
    # Walsall's own figure was suppressed: not published, not zero.
    assert foster.published_own is None and foster.published_own_marker == "c"
    earlier = national_comparators(authority=walsall, kpi_key="pct_foster_care", on=dt.date(2025, 3, 1))
    assert earlier.year == 2024
    rate = national_comparators(authority=walsall, kpi_key="cla_rate_per_10000", on=dt.date(2025, 3, 31))
    assert (rate.england, rate.region, rate.published_own) == (67.0, 75.0, 67.0)
    assert rate.statistical_neighbours["n"] == 2 and rate.statistical_neighbours["not_published"] == 8
    assert rate.published_own_count == 440.0
    distance = national_comparators(
        authority=walsall, kpi_key="pct_placed_over_20_miles", on=dt.date(2025, 3, 31)
    )
    assert distance.region is None  # published as x
    assert "la_cla_at_31_march.csv" in distance.as_dict()["source"]


def test_custom_group_and_no_national_equivalent():
    _import("la_cla_at_31_march.csv")
    walsall = _la("335")
    group = ComparatorGroup.objects.create(authority=walsall, name="Pair")
    group.members.set([_la("330"), _la("333")])
    found = national_comparators(
        authority=walsall, kpi_key="pct_foster_care", on=dt.date(2025, 3, 31), group=group
    )
    assert found.custom == {
        "mean": 67.0,
        "min": 64.0,
        "max": 70.0,
        "n": 2,
        "not_published": 0,
        "name": "Pair",
    }
    assert (
        national_comparators(authority=walsall, kpi_key="placement_requests", on=dt.date(2025, 3, 31)) is None
    )
    assert (
        national_comparators(authority=walsall, kpi_key="stability_long_term", on=dt.date(2025, 3, 31))
        is None
    )


def test_the_dfe_wide_layout_loads_one_row_per_authority(tmp_path):
    wide = tmp_path / "dfe_wide.csv"
    wide.write_text(
        "LA code,LA name,SN1,SN2,SN3\n335,Walsall,333,330,332\n333,Sandwell,335,330,\n", encoding="utf-8"
    )
    call_command("load_statistical_neighbours", str(wide), "--source", "DfE wide list, test edition")
    current = StatisticalNeighbourList.objects.order_by("-pk").first()
    assert not current.synthetic and current.source == "DfE wide list, test edition"
    assert [la.dfe_code for la in statistical_neighbours(_la("335"))] == ["333", "330", "332"]
    assert [la.dfe_code for la in statistical_neighbours(_la("333"))] == ["335", "330"]
    wide.write_text("la_code,sn1,sn2\n335,333,Sandwell\n", encoding="utf-8")
    with pytest.raises(CommandError, match="sn2: neighbours are DfE 3-digit codes"):
        call_command("load_statistical_neighbours", str(wide), "--source", "x")


def test_neighbour_edits_in_the_admin_are_audited(client):
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sufficiency.accounts.models import User
    from sufficiency.authorities.models import AuditEvent

    superuser = User.objects.create_superuser(email="platform@sufficiency.example", password="x-Long-pass-1")
    device = TOTPDevice.objects.create(user=superuser, name="app", confirmed=True)
    client.force_login(superuser)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    walsall = _la("335")
    entry = StatisticalNeighbour.objects.get(authority=walsall, rank=1)
    held = {la.dfe_code for la in statistical_neighbours(walsall)}
    other = LocalAuthority.objects.exclude(dfe_code__in=held | {"335"}).order_by("dfe_code").first()
    url = reverse("admin:placements_statisticalneighbour_change", args=[entry.pk])
    response = client.post(
        url,
        {
            "neighbour_list": entry.neighbour_list_id,
            "authority": walsall.pk,
            "rank": 1,
            "neighbour": other.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert statistical_neighbours(walsall)[0] == other
    event = AuditEvent.objects.get(action="national.neighbour.updated")
    assert event.actor == superuser and event.object_id == str(entry.pk)
    assert event.detail["authority"] == "335" and event.detail["neighbour"] == other.dfe_code
    assert event.detail["fields"] == ["neighbour"]
    client.post(reverse("admin:placements_statisticalneighbour_delete", args=[entry.pk]), {"post": "yes"})
    assert AuditEvent.objects.filter(action="national.neighbour.deleted", object_id=str(entry.pk)).exists()
    assert len(statistical_neighbours(walsall)) == 9
