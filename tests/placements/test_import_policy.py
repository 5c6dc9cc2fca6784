"""The SSDA903 import under the import policy: what is written, what is held back and released, what
changed since the previous import, strict mode, and that another authority is never touched."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from placements.importing import ssda903_import
from placements.models import (
    CareLeaverRecord,
    Child,
    ImportQualityReport,
    PlacementEpisode,
    QuarantinedRecord,
)
from sufficiency.authorities.models import AuditEvent
from tests.factories import ChildFactory, EpisodeFactory
from tests.ssda903_files import episodes, header, valid_walsall_files

pytestmark = pytest.mark.django_db

W1 = {"CHILD": "W0001", "DECOM": "01/04/2024", "HOME_POST": "WS1 1TP", "PL_POST": "WV1 1RQ"}
W2 = {"CHILD": "W0002", "DECOM": "10/06/2023", "HOME_POST": "WS1 1TP", "PL_POST": "WS1 1TP"}
HEADERS = ({"CHILD": "W0001", "DOB": "17/05/2012"}, {"CHILD": "W0002", "DOB": "03/01/2009"})


def files(*episode_rows: dict[str, str], headers=HEADERS) -> list[tuple[str, bytes]]:
    return [("header.csv", header(*headers)), ("episodes.csv", episodes(*episode_rows))]


def _state():
    return (
        sorted(Child.objects.values_list("authority_id", "child_ref", "sex", "dob")),
        sorted(
            PlacementEpisode.objects.values_list("authority_id", "child__child_ref", "decom", "dec", "rec")
        ),
        sorted(QuarantinedRecord.objects.values_list("authority_id", "child_ref", "row")),
        ImportQualityReport.objects.count(),
    )


@pytest.fixture
def sandwell_register(sandwell):
    """Sandwell's own register and held-back rows, which no Walsall import may touch."""
    episode = EpisodeFactory(child=ChildFactory(authority=sandwell, child_ref="W0002"))
    QuarantinedRecord.objects.create(
        authority=sandwell,
        table="header",
        file="h.csv",
        row=2,
        child_ref="S9",
        rule="DateOfBirthNotReadable",
        message="DOB is blank.",
    )
    return episode


def _sandwell_state(sandwell):
    return (
        sorted(PlacementEpisode.objects.filter(authority=sandwell).values_list("pk", "decom", "dec")),
        sorted(QuarantinedRecord.objects.filter(authority=sandwell).values_list("pk", "child_ref")),
    )


def test_policy_import_counts_the_readable_children_and_holds_back_the_rest(
    walsall, sandwell, sandwell_register
):
    before_sandwell = _sandwell_state(sandwell)
    outcome = ssda903_import(authority=walsall, files=files(W1, {**W2, "PLACE": "Q9"}))
    assert outcome.ok
    assert list(Child.objects.filter(authority=walsall).values_list("child_ref", flat=True)) == ["W0001"]
    held = QuarantinedRecord.objects.filter(authority=walsall)
    assert sorted(held.values_list("table", "row", "child_ref", "rule", "code")) == [
        ("episodes", 3, "W0002", "CodeNeededForCountingNotKnown", "146"),
        ("header", 3, "W0002", "CodeNeededForCountingNotKnown", "146"),
    ]
    cause = held.get(table="episodes")
    assert (cause.column, cause.value) == ("PLACE", "Q9")
    assert cause.values["PLACE"] == "Q9" and "UPN" not in cause.values
    assert outcome.counts["quarantined_children"] == 1 and outcome.counts["quarantined_rows"] == 2
    report = ImportQualityReport.objects.get(authority=walsall)
    assert report.quarantine == {"CodeNeededForCountingNotKnown": 1}
    assert {
        "rule": "PlacementTypeMustBeKnownCode",
        "code": "146",
        "severity": "error",
        "count": 1,
    } in report.issues
    # The report CSV says what happened to every row.
    lines = outcome.error_report_csv.splitlines()
    assert lines[0] == "file,row,column,value,message,code,severity,action"
    assert any(
        line.startswith("episodes.csv,3,PLACE,Q9,") and line.endswith(",quarantined") for line in lines
    )
    assert _sandwell_state(sandwell) == before_sandwell


def test_repairs_are_written_to_the_register(walsall):
    outcome = ssda903_import(
        authority=walsall,
        files=files(W1, {**W2, "DEC": "", "REC": "E13"}, {**W2, "DECOM": "01/02/2024", "RNE": "P"}),
    )
    assert outcome.ok
    first = PlacementEpisode.objects.get(child__child_ref="W0002", decom=dt.date(2023, 6, 10))
    assert (first.dec, first.rec) == (dt.date(2024, 2, 1), "X1")
    assert outcome.counts["repaired_rows"] == 2  # REC on an open episode ignored, then the cut
    assert ImportQualityReport.objects.get().repairs == {
        "ReasonOnOpenEpisodeIgnored": 1,
        "OverlappingEpisodeCutAtNextStart": 1,
    }
    assert QuarantinedRecord.objects.count() == 0


def test_reimporting_fixed_files_releases_the_held_back_children(walsall, sandwell, sandwell_register):
    before_sandwell = _sandwell_state(sandwell)
    ssda903_import(authority=walsall, files=files(W1, {**W2, "PLACE": "Q9"}))
    assert QuarantinedRecord.objects.filter(authority=walsall).exists()
    outcome = ssda903_import(authority=walsall, files=files(W1, W2))
    assert outcome.ok
    assert outcome.counts["released_children"] == 1
    assert not QuarantinedRecord.objects.filter(authority=walsall).exists()
    assert Child.objects.filter(authority=walsall, child_ref="W0002").exists()
    latest = ImportQualityReport.objects.filter(authority=walsall).first()
    assert latest.released_children == 1
    assert latest.changes["children_added"] == 1 and latest.changes["episodes_added"] == 1
    assert _sandwell_state(sandwell) == before_sandwell


def test_what_changed_since_the_previous_import_is_counted(walsall):
    first = ssda903_import(authority=walsall, files=valid_walsall_files())
    assert first.quality["changes"]["previous"] is False
    assert first.quality["changes"]["children_added"] == 2
    second = ssda903_import(
        authority=walsall,
        files=files(
            {**W1, "PLACE": "U5"},  # changed
            {"CHILD": "W0003", "DECOM": "01/05/2024"},  # added (W0002's episodes removed)
            headers=({"CHILD": "W0001", "DOB": "17/05/2012"}, {"CHILD": "W0003", "DOB": "01/01/2015"}),
        ),
    )
    changes = second.quality["changes"]
    assert changes == {
        "previous": True,
        "children_added": 1,
        "children_removed": 1,
        "children_changed": 0,
        "episodes_added": 1,
        "episodes_removed": 2,
        "episodes_changed": 1,
    }
    assert ImportQualityReport.objects.filter(authority=walsall).count() == 2


def test_strict_import_refuses_a_row_error_and_writes_nothing(walsall, sandwell, sandwell_register):
    ssda903_import(authority=walsall, files=files(W1, {**W2, "PLACE": "Q9"}))
    before = _state()
    outcome = ssda903_import(authority=walsall, files=files(W1, {**W2, "LS": "ZZ"}), strict=True)
    assert not outcome.ok
    assert _state() == before  # register, held-back rows and statistics all as they were
    assert any(e.column == "LS" and e.action == "reported" for e in outcome.errors)


def test_a_file_problem_refuses_the_whole_import_in_policy_mode(walsall, sandwell, sandwell_register):
    ssda903_import(authority=walsall, files=valid_walsall_files())
    before = _state()
    outcome = ssda903_import(
        authority=walsall, files=[("header.csv", header(*HEADERS)), ("x.csv", b"A,B\r\n1,2\r\n")]
    )
    assert not outcome.ok
    assert _state() == before
    assert {e.row for e in outcome.errors} == {None}  # problems with whole files


def test_care_leaver_rows_of_a_held_back_child_are_held_back_too(walsall):
    oc3 = b"CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\nW0002,03/01/2009,YES,F2,S\r\nW0001,17/05/2012,YES,F2,S\r\n"
    outcome = ssda903_import(authority=walsall, files=[*files(W1, {**W2, "LS": "ZZ"}), ("oc3.csv", oc3)])
    assert outcome.ok
    assert CareLeaverRecord.objects.filter(authority=walsall).count() == 1
    assert set(QuarantinedRecord.objects.values_list("table", flat=True)) == {"header", "episodes", "oc3"}


def test_the_import_audit_row_counts_what_was_held_back(walsall):
    ssda903_import(authority=walsall, files=files(W1, {**W2, "LS": "ZZ"}))
    event = AuditEvent.objects.get(action="ssda903.imported")
    assert event.detail["counts"]["quarantined_children"] == 1
    assert "W0002" not in str(event.detail)


def test_command_imports_under_the_policy_and_names_examples(walsall, tmp_path):
    paths = []
    for name, content in files(W1, {**W2, "LS": "ZZ"}):
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    out = StringIO()
    report = tmp_path / "report.csv"
    call_command("import_ssda903", "--authority", "335", *paths, "--error-report", str(report), stdout=out)
    text = out.getvalue()
    assert "Imported 1 children and 1 episodes" in text
    assert "held back 1 child(ren) (2 rows)" in text
    assert "CodeNeededForCountingNotKnown [DfE 144]" in text or "CodeNeededForCountingNotKnown" in text
    assert "episodes.csv row 3: child W0002, LS='ZZ'" in text
    assert report.read_text(encoding="utf-8-sig").startswith(
        "file,row,column,value,message,code,severity,action"
    )


def test_command_strict_refuses_and_writes_nothing(walsall, tmp_path):
    paths = []
    for name, content in files(W1, {**W2, "LS": "ZZ"}):
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_ssda903",
            "--authority",
            "335",
            "--strict",
            *paths,
            "--error-report",
            str(tmp_path / "r.csv"),
            stderr=err,
        )
    assert "strict mode" in err.getvalue()
    assert "episodes.csv row 3: child W0002, LS='ZZ'" in err.getvalue()
    assert Child.objects.count() == 0 and QuarantinedRecord.objects.count() == 0
