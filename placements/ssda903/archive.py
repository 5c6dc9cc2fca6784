"""A zip file of a council's SSDA903 export folder, opened safely.

A council may upload its export folder zipped. The zip is read only if it holds nothing but CSV, text and
XML files (folders, and the ``__MACOSX`` and hidden files some systems add, are ignored), at most
`MAX_FILES` of them, encrypted none, and at most `MAX_BYTES` once decompressed, counted as they are read
rather than trusted from the zip's own header. Anything else, including a zip inside the zip and an Excel
or OpenDocument workbook (which are zip files too), is refused with a message saying why.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

ZIP_MARK = b"PK\x03\x04"
MAX_FILES = 100
MAX_BYTES = 256 * 1024 * 1024
READ_SUFFIXES = (".csv", ".txt", ".xml")


@dataclass(frozen=True)
class Expanded:
    """The files of a zip (as ``(name, content)`` pairs, named ``zip name/member name``), or why not."""

    files: list[tuple[str, bytes]]
    problem: str = ""


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MARK)


def _ignored(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or parts[-1].startswith(".")


def expand_zip(name: str, data: bytes) -> Expanded:
    """The CSV, text and XML files of a zipped export folder, or the reason the zip is refused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return Expanded([], "This zip file is damaged and could not be opened.")
    with archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" in names or "[Content_Types].xml" in names or "mimetype" in names:
            return Expanded(
                [],
                "This is a spreadsheet workbook (Excel or OpenDocument), not a CSV or XML file. Save each "
                "SSDA903 table as CSV, or export the XML return, and upload those files.",
            )
        members = [m for m in archive.infolist() if not m.is_dir() and not _ignored(m.filename)]
        others = sorted(m.filename for m in members if not m.filename.lower().endswith(READ_SUFFIXES))
        if others:
            return Expanded(
                [],
                "The zip file may hold only the CSV, text and XML files of an SSDA903 export; it also holds "
                f"{', '.join(others[:10])}{' and others' if len(others) > 10 else ''}. It was not read.",
            )
        if not members:
            return Expanded([], "The zip file holds no CSV or XML files.")
        if len(members) > MAX_FILES:
            return Expanded([], f"The zip file holds {len(members)} files; at most {MAX_FILES} are read.")
        if any(m.flag_bits & 0x1 for m in members):
            return Expanded([], "The zip file is password-protected. Upload the files it holds instead.")
        too_large = f"The zip file holds more than {MAX_BYTES // (1024 * 1024)} MB once decompressed."
        if sum(m.file_size for m in members) > MAX_BYTES:
            return Expanded([], too_large)
        files: list[tuple[str, bytes]] = []
        total = 0
        for member in members:
            # Read no more than the space left, whatever the zip's header says about the member's size.
            try:
                with archive.open(member) as handle:
                    content = handle.read(MAX_BYTES - total + 1)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                return Expanded(
                    [], f"The file {member.filename} in the zip is damaged and could not be read."
                )
            total += len(content)
            if total > MAX_BYTES:
                return Expanded([], too_large)
            files.append((f"{name}/{member.filename}", content))
    return Expanded(files)
