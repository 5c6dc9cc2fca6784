"""A council uploads its whole SSDA903 export folder as it is, or the XML return, on the web or by command."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from placements.importing import ssda903_import
from placements.models import CareLeaverRecord, Child, ImportJob, PlacementEpisode

EXPORT = Path(__file__).resolve().parents[1] / "fixtures" / "ssda903" / "export_2024-25"
XML_NAME = "ssda903_2024-25.xml"


def csv_export() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(EXPORT.glob("*.csv"))]


def xml_return() -> list[tuple[str, bytes]]:
    return [(XML_NAME, (EXPORT / XML_NAME).read_bytes())]


def register(authority) -> tuple[list, list, list]:
    """The register an import wrote, as comparable rows (nothing that says which file a row came from)."""
    children = Child.objects.filter(authority=authority)
    episodes = PlacementEpisode.objects.filter(authority=authority)
    leavers = CareLeaverRecord.objects.filter(authority=authority)
    return (
        sorted(children.values_list("child_ref", "sex", "dob", "ethnicity", "uasc")),
        sorted(
            episodes.values_list(
                "child__child_ref",
                "decom",
                "dec",
                "rne",
                "ls",
                "cin",
                "place",
                "place_provider",
                "rec",
                "category",
            )
        ),
        sorted(leavers.values_list("in_touch", "activity", "accommodation")),
    )


@pytest.mark.django_db
def test_the_xml_return_and_the_csv_files_of_the_same_return_give_the_same_register(walsall):
    from_csv = ssda903_import(authority=walsall, files=csv_export())
    assert from_csv.ok, from_csv.errors
    csv_register = register(walsall)
    from_xml = ssda903_import(authority=walsall, files=xml_return())
    assert from_xml.ok, from_xml.errors
    assert register(walsall) == csv_register
    assert (len(csv_register[0]), len(csv_register[1]), len(csv_register[2])) == (4, 4, 1)


@pytest.mark.django_db(transaction=True)
def test_a_data_manager_uploads_the_whole_export_folder_at_once(client, walsall, data_manager):
    client.force_login(data_manager)
    uploads = [SimpleUploadedFile(name, content, content_type="text/csv") for name, content in csv_export()]
    response = client.post(reverse("placements:import-create", kwargs={"code": "335"}), {"files": uploads})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Import complete" in page
    assert "4 children and 4 episodes" in page
    assert "episodes.csv: Episodes, 4 rows, collection year 2024-25" in page
    assert ImportJob.objects.get().status == "succeeded"


@pytest.mark.django_db(transaction=True)
def test_a_data_manager_uploads_the_xml_return(client, walsall, data_manager):
    client.force_login(data_manager)
    (name, content) = xml_return()[0]
    upload = SimpleUploadedFile(name, content, content_type="application/xml")
    response = client.post(reverse("placements:import-create", kwargs={"code": "335"}), {"files": [upload]})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "4 children and 4 episodes" in page
    assert "collection year 2024-25" in page


@pytest.mark.django_db
def test_the_command_reads_a_whole_export_folder(walsall, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the report of what was repaired or reported is written here
    # The folder holds the return twice, as CSV files and as XML: the same records are read once.
    call_command("import_ssda903", "--authority", "335", str(EXPORT))
    out = capsys.readouterr().out
    assert "Imported 4 children and 4 episodes" in out
    assert (
        "ssda903_2024-25.xml: SSDA903 XML return (Header 4, Episodes 4, UASC 1, OC3 (care leavers) 1), 4 rows"
        in out
    )
    assert "dolo.csv: DoLo (deprivation of liberty), 1 rows, collection year 2024-25" in out


@pytest.mark.django_db
def test_the_command_refuses_a_missing_path(walsall):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No such file or folder"):
        call_command("import_ssda903", "--authority", "335", str(EXPORT / "nowhere"))


@pytest.mark.django_db
def test_a_file_problem_anywhere_in_the_folder_refuses_the_whole_import(walsall):
    files = [*csv_export(), ("notes.csv", b"CHILD,SEX,DOB,ETHNIC\r\n\x00\x00\x00\r\n")]
    outcome = ssda903_import(authority=walsall, files=files)
    assert not outcome.ok
    assert [e.file for e in outcome.errors] == ["notes.csv"]
    assert "not text" in outcome.errors[0].message
    assert not Child.objects.filter(authority=walsall).exists()
    assert not PlacementEpisode.objects.filter(authority=walsall).exists()


@pytest.mark.django_db(transaction=True)
def test_a_data_manager_uploads_the_export_folder_as_a_zip(client, walsall, data_manager):
    import io
    import zipfile

    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as folder:
        for name, data in csv_export():
            folder.writestr(f"export/{name}", data)
    client.force_login(data_manager)
    upload = SimpleUploadedFile("export.zip", content.getvalue(), content_type="application/zip")
    response = client.post(reverse("placements:import-create", kwargs={"code": "335"}), {"files": [upload]})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "4 children and 4 episodes" in page
    assert "export.zip/export/episodes.csv: Episodes, 4 rows, collection year 2024-25" in page
