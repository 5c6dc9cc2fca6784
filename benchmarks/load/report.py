"""Summarise locust's *_stats.csv files as a Markdown table: p50/p95/p99 (ms), requests, failures."""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def main(folder: str) -> None:
    print("| users | endpoint | requests | failures | p50 ms | p95 ms | p99 ms | req/s |")  # noqa: T201
    print("|---:|---|---:|---:|---:|---:|---:|---:|")  # noqa: T201
    for stats in sorted(Path(folder).glob("load_*_stats.csv"), key=lambda p: int(p.stem.split("_")[1])):
        users = stats.stem.split("_")[1]
        for row in csv.DictReader(stats.open()):
            print(  # noqa: T201
                f"| {users} | {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                f"{row['50%']} | {row['95%']} | {row['99%']} | {float(row['Requests/s']):.1f} |"
            )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results")
