"""The command-line imports: import_ofsted and import_households."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from placements.models import FosteringHousehold, Setting

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parents[2] / "fixtures" / "ofsted" / "providers_monthly.csv"


def test_import_ofsted_command(walsall, capsys):
    call_command("import_ofsted", str(FIXTURE))
    assert "6 added" in capsys.readouterr().out
    assert Setting.objects.count() == 6


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
