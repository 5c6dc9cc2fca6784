"""Importing the DfE's published tables: exact values, markers as not published, re-imports replacing a
year, provenance, file-level refusals and row problems (service and command)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from placements.models import NationalFigure, NationalStatisticsImport
from placements.national.reader import filter_key
from placements.national.services import national_statistics_import
from sufficiency.authorities.models import AuditEvent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dfe"
pytestmark = pytest.mark.django_db


def _file(name: str) -> tuple[str, bytes]:
    return name, (FIXTURES / name).read_bytes()


def _value(year, code, key, indicator):
    return NationalFigure.objects.get(year=year, area_code=code, filter_key=key, indicator=indicator)


FOSTER = filter_key({"cla_group": "Placement", "characteristic": "Foster placements"})


def test_import_gives_exactly_the_values_in_the_file():
    outcome = national_statistics_import(
        files=[_file("la_cla_at_31_march.csv")], supplied_by_label="ops@example.org"
    )
    assert outcome.ok
    assert NationalFigure.objects.count() == 60
    assert _value(2025, "E92000001", FOSTER, "percentage").value == 67.0
    assert _value(2024, "E08000028", FOSTER, "number").value == 427.0
    assert _value(2025, "E12000005", FOSTER, "percentage").area_name == "West Midlands"
    # Every marker is "not published": no value, never zero.
    markers = NationalFigure.objects.exclude(marker="")
    assert markers.count() == 16
    assert not markers.exclude(value=None).exists()
    assert sorted(set(markers.values_list("marker", flat=True))) == [":", "c", "low", "u", "x", "z"]
    assert not NationalFigure.objects.filter(value=0).exists()


def test_each_import_keeps_its_provenance(django_user_model):
    user = django_user_model.objects.create_user(
        email="platform@example.org", password="x" * 12, is_data_steward=True
    )
    national_statistics_import(files=[_file("la_cla_rates_bom_crlf.csv")], acting_user=user)
    record = NationalStatisticsImport.objects.get()
    assert record.source_file == "la_cla_rates_bom_crlf.csv"
    assert record.supplied_by == user and record.supplied_by_label == "platform@example.org"
    assert record.licence == "Open Government Licence v3.0"
    assert len(record.sha256) == 64 and record.years == [2025]
    assert "la_cla_rates_bom_crlf.csv" in record.provenance and "platform@example.org" in record.provenance
    assert all(f.statistics_import_id == record.pk for f in NationalFigure.objects.all())
    assert AuditEvent.objects.filter(action="national.imported", object_id=str(record.pk)).exists()


def test_reimport_replaces_the_year_and_leaves_other_years():
    national_statistics_import(files=[_file("la_cla_at_31_march.csv")])
    revised = (FIXTURES / "la_cla_at_31_march.csv").read_text().splitlines()
    header, rows = revised[0], [r for r in revised[1:] if r.startswith("2025")]
    rows = [r.replace("Walsall,Total,Total,440,100", "Walsall,Total,Total,452,100") for r in rows]
    rows = [r for r in rows if "Sandwell,Placement" not in r]  # a cell no longer published at all
    outcome = national_statistics_import(files=[("revised.csv", "\n".join([header, *rows]).encode())])
    assert outcome.ok
    second = outcome.files[0].statistics_import
    assert second.figures_replaced == 30
    assert second.figures_imported == 28
    assert _value(2025, "E08000030", "characteristic=total;cla_group=total", "number").value == 452.0
    assert _value(2024, "E08000030", "characteristic=total;cla_group=total", "number").value == 430.0
    assert not NationalFigure.objects.filter(year=2025, area_code="E08000028", filter_key=FOSTER).exists()
    assert NationalFigure.objects.filter(year=2024, area_code="E08000028", filter_key=FOSTER).count() == 2
    assert NationalFigure.objects.filter(year=2025).count() == 28


def test_a_refused_file_writes_nothing_and_the_others_still_import():
    outcome = national_statistics_import(
        files=[_file("not_dfe_layout.csv"), _file("la_cla_stability_financial_year.csv")]
    )
    assert not outcome.ok
    refused, accepted = outcome.files
    assert "not a DfE open-data table" in refused.refused
    assert accepted.ok and accepted.statistics_import.years == [2025]
    assert NationalStatisticsImport.objects.count() == 1
    assert NationalFigure.objects.count() == 10


def test_command_reports_row_problems_and_refuses_bad_files():
    out, err = StringIO(), StringIO()
    call_command("import_dfe_statistics", str(FIXTURES / "bad_rows.csv"), stdout=out, stderr=err)
    text = out.getvalue()
    assert "bad_rows.csv: 4 figures for 2025" in text and "4 rows left out" in text
    assert "row 3 number: 'about 1200' is neither a number nor a DfE marker." in text
    assert "row 4 old_la_code" in text and "row 5 time_period" in text and "row 6 geographic_level" in text
    with pytest.raises(CommandError, match="refused"):
        call_command("import_dfe_statistics", str(FIXTURES / "not_dfe_layout.csv"), stdout=out, stderr=err)
    assert "not_dfe_layout.csv: refused. This is not a DfE open-data table" in err.getvalue()
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_dfe_statistics", str(FIXTURES / "missing.csv"))
