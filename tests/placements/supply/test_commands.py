"""The command-line imports: import_ofsted and import_households."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from placements.models import FosteringHousehold, Setting

from .ofsted_layouts import annual_workbook

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parents[2] / "fixtures" / "ofsted" / "providers_monthly.csv"


def test_import_ofsted_command(walsall, capsys):
    call_command("import_ofsted", str(FIXTURE))
    assert "6 added" in capsys.readouterr().out
    assert Setting.objects.count() == 6


def test_import_ofsted_command_reads_a_published_workbook_and_reports_skipped_rows(
    walsall, sandwell, tmp_path, capsys
):
    path = tmp_path / "annual.xlsx"
    path.write_bytes(annual_workbook())
    report = tmp_path / "skipped.csv"
    call_command("import_ofsted", str(path), "--error-report", str(report))
    out = capsys.readouterr().out
    assert "15 added" in out
    assert "annual.xlsx (sheet Providers): 11 rows read, 2 skipped" in out
    assert "annual.xlsx (sheet Closed): 4 rows read, 0 skipped" in out
    assert "2 row(s) skipped" in out
    assert report.read_bytes().startswith("\ufeff".encode())  # like every CSV file the service writes
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["file", "row", "column", "value", "message", "code", "severity", "action"]
    assert rows[2][:4] == ["annual.xlsx (sheet Providers)", "17", "Latest full inspection date", "31/02/2024"]
    assert rows[2][4].startswith("Row skipped: Inspection date must be a date")
    assert Setting.objects.count() == 15


def test_import_ofsted_command_fails_with_a_report(walsall, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("URN,Provision type,Places\nSC1,Children's home,lots\n")
    report = tmp_path / "errors.csv"
    with pytest.raises(CommandError):
        call_command("import_ofsted", str(bad), "--error-report", str(report))
    assert "bad.csv,2,Places,lots" in report.read_text()
    assert not Setting.objects.exists()


def test_import_households_command(walsall, tmp_path, capsys):
    path = tmp_path / "households.csv"
    path.write_text("reference,route,approval_date,approved_places\nH1,in-house,01/01/2020,2\n")
    call_command("import_households", "--authority", "335", str(path))
    assert "1 households added" in capsys.readouterr().out
    assert FosteringHousehold.objects.get().authority == walsall
