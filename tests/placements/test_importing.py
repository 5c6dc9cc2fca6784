"""The SSDA903 import into the database: per authority, with derived fields; in strict mode all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from placements.importing import ssda903_import
from placements.models import Child, PlacementEpisode
from sufficiency.authorities.models import AuditEvent
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory
from tests.ssda903_files import episodes, header, invalid_walsall_files, valid_walsall_files

pytestmark = pytest.mark.django_db


def _register_state(authority=None):
    """Everything an import could change, as comparable tuples."""
    children = Child.objects.all() if authority is None else Child.objects.filter(authority=authority)
    eps = (
        PlacementEpisode.objects.all()
        if authority is None
        else PlacementEpisode.objects.filter(authority=authority)
    )
    return (
        sorted(children.values_list("authority_id", "child_ref", "sex", "dob")),
        sorted(eps.values_list("authority_id", "child__child_ref", "decom", "dec", "place", "category")),
    )


def test_import_writes_children_episodes_and_derived_fields(walsall):
    setting = SettingFactory(urn="SC000123")
    outcome = ssda903_import(authority=walsall, files=valid_walsall_files())
    assert outcome.ok, outcome.errors
    assert outcome.counts["children"] == 2
    assert outcome.counts["episodes"] == 3
    child = Child.objects.get(authority=walsall, child_ref="W0002")
    assert child.sex == "M"  # legacy 1 read as male
    assert child.dob == dt.date(2009, 1, 3)
    home = PlacementEpisode.objects.get(child=child, decom=dt.date(2024, 2, 1))
    assert home.category == "residential_external"
    assert home.distance_miles == Decimal("30.2")
    assert home.distance_method == "postcode"
    assert home.setting == setting
    assert home.placement_la.dfe_code == "861"  # Stoke-on-Trent: outside Walsall's boundary
    fostered = PlacementEpisode.objects.get(child__child_ref="W0001")
    assert fostered.category == "fostering_inhouse"
    assert fostered.distance_miles == Decimal("6.3")
    assert fostered.placement_la.dfe_code == "336"  # Wolverhampton
    assert fostered.dec is None


def test_import_is_audited_without_personal_data(walsall):
    ssda903_import(authority=walsall, files=valid_walsall_files())
    event = AuditEvent.objects.get(action="ssda903.imported")
    assert event.authority == walsall
    assert event.detail["counts"]["episodes"] == 3
    assert "W0001" not in str(event.detail)


def test_failed_strict_import_leaves_the_database_exactly_as_it_was(walsall, sandwell):
    ssda903_import(authority=walsall, files=valid_walsall_files())
    EpisodeFactory(child=ChildFactory(authority=sandwell, child_ref="S1"))
    before = _register_state()
    outcome = ssda903_import(authority=walsall, files=invalid_walsall_files(), strict=True)
    assert not outcome.ok
    assert _register_state() == before
    error = next(e for e in outcome.errors if e.file == "episodes.csv" and e.column == "DEC")
    assert error.row == 3
    assert "csv" not in error.message.lower() or error.message  # a plain-English message
    report = outcome.error_report_csv.splitlines()
    assert report[0] == "file,row,column,value,message,code,severity,action"
    assert any(line.startswith("episodes.csv,3,DEC,") for line in report[1:])


def test_reimport_replaces_only_that_authoritys_register(walsall, sandwell):
    other = EpisodeFactory(child=ChildFactory(authority=sandwell, child_ref="W0001"))
    ssda903_import(authority=walsall, files=valid_walsall_files())
    smaller = [
        ("h.csv", header({"CHILD": "W0009", "DOB": "01/02/2016"})),
        ("e.csv", episodes({"CHILD": "W0009", "DECOM": "2025-01-05"})),
    ]
    outcome = ssda903_import(authority=walsall, files=smaller)
    assert outcome.ok
    assert outcome.counts["replaced_children"] == 2
    assert list(Child.objects.filter(authority=walsall).values_list("child_ref", flat=True)) == ["W0009"]
    assert PlacementEpisode.objects.filter(authority=walsall).count() == 1
    # Sandwell's child with the same reference is untouched.
    assert PlacementEpisode.objects.filter(pk=other.pk).exists()


def test_strict_import_refuses_values_too_long_for_the_register(walsall):
    files = [
        ("h.csv", header({"CHILD": "ABCDEFGHIJKL", "DOB": "01/02/2016"})),
        ("e.csv", episodes({"CHILD": "ABCDEFGHIJKL", "DECOM": "05/01/2025"})),
    ]
    outcome = ssda903_import(authority=walsall, files=files, strict=True)
    assert not outcome.ok
    assert any(e.column == "CHILD" and "at most 10" in e.message for e in outcome.errors)
    assert Child.objects.count() == 0


def test_import_of_bom_and_iso_dates(walsall):
    files = [
        ("h.csv", header({"CHILD": "W0100", "DOB": "2014-07-01", "SEX": "F"}, bom=True)),
        (
            "e.csv",
            episodes(
                {"CHILD": "W0100", "DECOM": " 2025-03-01 ", "PLACE": "u4", "PLACE_PROVIDER": "pr1"}, bom=True
            ),
        ),
    ]
    outcome = ssda903_import(authority=walsall, files=files)
    assert outcome.ok, outcome.errors
    episode = PlacementEpisode.objects.get()
    assert (episode.decom, episode.place, episode.category) == (
        dt.date(2025, 3, 1),
        "U4",
        "fostering_inhouse",
    )
