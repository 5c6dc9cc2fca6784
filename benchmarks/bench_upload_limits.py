"""Peak memory and time of the upload limits (synthetic data only): crafted files must be refused in under
2 s with under 100 MB of extra memory, and the largest accepted file's peak memory is reported.

Each case runs in a fresh process (so one case's peak does not hide another's): the process imports the
readers, notes its resident memory, then reads the file as the worker does (`read_ofsted` or
`read_ssda903`, which check `placements.upload_limits` before parsing) and reports the wall time, the
extra peak resident memory (ru_maxrss) and the outcome.

    .venv/bin/python benchmarks/bench_upload_limits.py [--accepted-rows 20000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import multiprocessing
import resource
import sys
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REFUSE_SECONDS = 2.0
REFUSE_MB = 100


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx(sheet_data: bytes, shared: bytes = b"") -> bytes:
    members = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "xl/workbook.xml": f'<workbook xmlns="{SHEET_NS}"><sheets/></workbook>'.encode(),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{SHEET_NS}"><sheetData>'.encode()
        + sheet_data
        + b"</sheetData></worksheet>",
    }
    if shared:
        members["xl/sharedStrings.xml"] = f'<sst xmlns="{SHEET_NS}">'.encode() + shared + b"</sst>"
    return _zip(members)


def zip_bomb_xlsx() -> bytes:
    """1 GB of spaces in one sheet: a few MB zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            block = b" " * (1024 * 1024)
            for _ in range(1024):
                handle.write(block)
    return buffer.getvalue()


def ods_repeat_bomb() -> bytes:
    """The outside test's kind of file: one cell repeated across every column and row (under 1 KB)."""
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="S"><table:table-row table:number-rows-repeated="1048576">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>URN'
        "</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": content.encode()}
    )


def huge_shared_strings() -> bytes:
    """45 MB of shared strings (3 million short strings): within the unzipped size, over the cells."""
    return _xlsx(b"", b"<si><t>abcdef</t></si>" * 2_000_000)


def dense_sheet() -> bytes:
    """1.2 million valued cells (48,000 rows of 25) in 24 MB of sheet XML: within the unzipped size."""
    row = b"<c><v>1</v></c>" * 25
    return _xlsx(b"".join(b'<row r="%d">' % (i + 1) + row + b"</row>" for i in range(48_000)))


def million_column_csv() -> bytes:
    return b"URN" + b",x" * 1_000_000 + b"\n"


def deep_xml() -> bytes:
    """An SSDA903 XML return nested a million elements deep (7 MB)."""
    return b"<Return>" + b"<a>" * 1_000_000 + b"</a>" * 1_000_000 + b"</Return>"


def many_elements_xml() -> bytes:
    """Twenty million empty elements (80 MB): over the element limit however few bytes each takes."""
    return b"<Return>" + b"<x/>" * 20_000_000 + b"</Return>"


def giant_child_xml() -> bytes:
    """One CHILD holding a million review records (10 MB)."""
    return b"<Return><CHILD><HEADER>" + b"<AREVIEW/>" * 1_000_000 + b"</HEADER></CHILD></Return>"


def accepted_ofsted_csv(rows: int) -> bytes:
    lines = [
        "URN,Provision type,Setting name,Local authority,Places,Overall effectiveness,Inspection date,"
        "Postcode,Registration status"
    ]
    lines += [
        f"SC{i:06d},Children's home,Home {i},Walsall,4,Good,01/03/2024,WS1 1AA,Active" for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Reset the peak resident size (VmHWM) to the current one (Linux), so the import's peak is not counted."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _run(case: str, name: str, data: bytes, queue: multiprocessing.Queue) -> None:
    from placements.ofsted import read_ofsted
    from placements.ssda903 import read_ssda903

    reader = read_ssda903 if case.startswith("ssda903") else read_ofsted
    _reset_peak()
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    result = reader([(name, data)])
    seconds = time.perf_counter() - started
    message = result.errors[0].message[:90] if result.errors else "accepted"
    queue.put((seconds, _status_mb("VmHWM") - before, message))


def measure(case: str, name: str, data: bytes) -> tuple[float, float, str]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(case, name, data, queue))
    process.start()
    outcome = queue.get()
    process.join()
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accepted-rows", type=int, default=20_000)
    args = parser.parse_args()
    crafted = [
        ("zip bomb XLSX (1 GB of spaces)", "bomb.xlsx", zip_bomb_xlsx()),
        ("ODS one cell repeated 16384 x 1048576", "repeat.ods", ods_repeat_bomb()),
        ("huge shared strings (2M strings)", "shared.xlsx", huge_shared_strings()),
        ("dense sheet XLSX (1.2M valued cells)", "dense.xlsx", dense_sheet()),
        ("million-column CSV (Ofsted)", "wide.csv", million_column_csv()),
        ("ssda903 million-column CSV", "episodes.csv", million_column_csv()),
        ("ssda903 XML nested 1M deep", "return.xml", deep_xml()),
        ("ssda903 XML of 20M empty elements", "return.xml", many_elements_xml()),
        ("ssda903 XML one child of 1M elements", "return.xml", giant_child_xml()),
    ]
    failed = False
    print(f"{'case':42} {'bytes':>10} {'seconds':>8} {'extra MB':>9}  outcome")
    for label, name, data in crafted:
        seconds, extra, message = measure(label, name, data)
        ok = seconds < REFUSE_SECONDS and extra < REFUSE_MB and message != "accepted"
        failed |= not ok
        print(
            f"{label:42} {len(data):>10,} {seconds:>8.2f} {extra:>9.1f}  {'ok' if ok else 'OVER'}: {message}"
        )
    data = accepted_ofsted_csv(args.accepted_rows)
    seconds, extra, message = measure("accepted", "providers.csv", data)
    print(
        f"{'accepted Ofsted CSV, ' + str(args.accepted_rows) + ' rows':42} {len(data):>10,} {seconds:>8.2f} {extra:>9.1f}  {message}"
    )
    if failed:
        print("OVER: a crafted file took longer or more memory than the goal")


if __name__ == "__main__":
    main()
