"""A zipped export folder: read when it holds only an SSDA903 export, refused clearly otherwise."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from placements.ssda903 import archive, read_ssda903
from tests.placements.ssda903.builders import FIXTURES

EXPORT = FIXTURES / "export_2024-25"


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive_file:
        for name, content in members.items():
            archive_file.writestr(name, content)
    return out.getvalue()


def export_members() -> dict[str, bytes]:
    return {f"SSDA903 2024-25/{p.name}": p.read_bytes() for p in sorted(EXPORT.glob("*.csv"))}


def refusal(content: bytes) -> tuple[list[tuple[str, str]], str]:
    result = read_ssda903([("export.zip", content)])
    problems = [e for e in result.errors if e.file == "export.zip"]
    return [(e.file, e.rule) for e in problems], problems[0].message if problems else ""


def test_a_zipped_export_folder_is_read_like_the_folder_itself():
    folder = read_ssda903([(p.name, p.read_bytes()) for p in sorted(EXPORT.glob("*.csv"))])
    members = {**export_members(), "__MACOSX/._header.csv": b"\x00\x05", "SSDA903 2024-25/.DS_Store": b"\x00"}
    result = read_ssda903([("export.zip", zipped(members))])
    assert result.ok, result.errors
    pd.testing.assert_frame_equal(
        result.episodes.drop(columns="source_file"), folder.episodes.drop(columns="source_file")
    )
    assert result.episodes["source_file"].iloc[0] == "export.zip/SSDA903 2024-25/episodes.csv"
    assert len(result.files) == 12


def test_a_zip_holding_anything_but_csv_and_xml_files_is_refused_naming_them():
    found, message = refusal(zipped({**export_members(), "notes.pdf": b"%PDF", "inner.zip": b"PK"}))
    assert found == [("export.zip", "ZipMustHoldOnlyAnSsda903Export")]
    assert "inner.zip, notes.pdf" in message


def test_a_spreadsheet_workbook_is_refused_with_advice():
    book = io.BytesIO()
    openpyxl.Workbook().save(book)
    found, message = refusal(book.getvalue())
    assert found == [("export.zip", "ZipMustHoldOnlyAnSsda903Export")] and "spreadsheet workbook" in message


def test_a_zip_over_the_file_count_is_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_FILES", 3)
    found, message = refusal(zipped(export_members()))
    assert found and "at most 3 are read" in message


@pytest.mark.parametrize("declared_honestly", [True, False])
def test_a_zip_over_the_decompressed_size_is_refused_even_if_it_lies_about_sizes(
    monkeypatch, declared_honestly
):
    monkeypatch.setattr(archive, "MAX_BYTES", 10_000)
    content = zipped({"episodes.csv": b"CHILD," + b"A" * 50_000})  # compresses to a few hundred bytes
    if not declared_honestly:
        # Rewrite the sizes the zip declares for its member to 1 byte: only reading counts.
        content = content.replace((50_006).to_bytes(4, "little"), (1).to_bytes(4, "little"))
    found, message = refusal(content)
    assert found and ("more than" in message or "damaged" in message)


def test_a_password_protected_zip_is_refused():
    content = bytearray(zipped({"header.csv": b"CHILD\r\n"}))
    # Set the "encrypted" flag of the member in the local and central headers.
    for mark in (b"PK\x03\x04", b"PK\x01\x02"):
        at = content.index(mark)
        flag_at = at + (6 if mark == b"PK\x03\x04" else 8)
        content[flag_at] |= 0x1
    found, message = refusal(bytes(content))
    assert found and "password-protected" in message
