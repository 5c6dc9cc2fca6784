"""Peak memory and time of reading a large Ofsted provider file (synthetic data only).

Each size runs in a fresh process: the process imports the reader, notes its resident memory, reads the
file as the worker does (`read_ofsted`, upload limits lifted to fit the file) and reports the wall time
and the extra peak resident memory (VmHWM less VmRSS before reading), with the settings and judgements
read. The file has 20 columns the reader does not
use, as Ofsted's files do. Half the rows are a second, earlier inspection of a setting (as Ofsted's history files list them).

    .venv/bin/python benchmarks/bench_ofsted_reader.py [--rows 200000 20000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_upload_limits import _reset_peak, _status_mb  # noqa: E402

# Ofsted's monthly management information file has some 30 columns; the reader needs about a dozen.
EXTRA = 20


def ofsted_csv(rows: int) -> bytes:
    lines = [
        "URN,Provision type,Setting name,Local authority,Places,Overall effectiveness,Inspection date,"
        "Postcode,Registration status,Owner name,Sector," + ",".join(f"Unused {n}" for n in range(EXTRA))
    ]
    settings = max(rows // 2, 1)
    for i in range(rows):
        urn = i % settings
        year = 2024 if i < settings else 2021
        lines.append(
            f"SC{urn:06d},Children's home,Home {urn},Walsall,4,Good,01/03/{year},WS1 1AA,Active,"
            f"Provider {urn % 500},Private," + ",".join(f"x{n}" for n in range(EXTRA))
        )
    return ("\n".join(lines) + "\n").encode()


def _run(rows: int, queue: multiprocessing.Queue) -> None:
    from placements.ofsted import read_ofsted
    from placements.upload_limits import UploadLimits

    data = ofsted_csv(rows)
    limits = UploadLimits(
        max_rows=rows + 10, max_cells=(rows + 10) * 20, max_decompressed_bytes=len(data) * 2
    )
    _reset_peak()
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    result = read_ofsted([("providers.csv", data)], limits=limits)
    seconds = time.perf_counter() - started
    queue.put(
        (seconds, _status_mb("VmHWM") - before, len(result.settings), len(result.inspections), len(data))
    )


def measure(rows: int) -> tuple[float, float, int, int, int]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(rows, queue))
    process.start()
    outcome = queue.get()
    process.join()
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 200_000])
    args = parser.parse_args()
    print(f"{'rows':>8} {'file MB':>8} {'seconds':>8} {'peak MB':>8} {'settings':>9} {'judgements':>11}")
    for rows in args.rows:
        seconds, peak, settings, inspections, size = measure(rows)
        print(f"{rows:>8} {size / 1e6:>8.1f} {seconds:>8.2f} {peak:>8.0f} {settings:>9} {inspections:>11}")


if __name__ == "__main__":
    main()
