"""Benchmark: import a national-scale SSDA903 file set (150 authorities, ~1,000,000 episode rows) into
PostgreSQL, then time `cic_snapshot` for one authority. Reports numbers; asserts nothing.

    make services            # PostgreSQL and Redis on loopback (var/services.env)
    python benchmarks/bench_import_national.py [--jobs 2] [--authorities 150]

Uses its own database (`<DATABASE_URL's name>_bench`, recreated each run) so the app's data is untouched.
The file set is generated first by benchmarks/national_data.py into var/national (kept between runs).
Goals: the national import under 60 s; a snapshot under 200 ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL (run `make services` and load var/services.env)")
    base, _, name = url.rpartition("/")
    return f"{base}/{name}_bench"


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sufficiency.settings.local")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def _recreate_database(url: str) -> None:
    import psycopg2

    base, _, name = url.rpartition("/")
    admin = psycopg2.connect(f"{base}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _import_some(args: tuple[str, list[str], str]) -> list[dict]:
    url, codes, folder = args
    _setup_django(url)
    from django.db import connection

    from placements import geo
    from placements.importing import ssda903_import
    from sufficiency.authorities.models import LocalAuthority

    geo.default_directory().load()  # once per process, as a long-running worker would
    results = []
    for code in codes:
        files = [(p.name, p.read_bytes()) for p in sorted(Path(folder).glob(f"{code}_*.csv"))]
        started = time.perf_counter()
        outcome = ssda903_import(authority=LocalAuthority.objects.get(dfe_code=code), files=files)
        results.append(
            {
                "code": code,
                "ok": outcome.ok,
                "errors": len(outcome.errors),
                "episodes": outcome.counts.get("episodes", 0),
                "children": outcome.counts.get("children", 0),
                "seconds": time.perf_counter() - started,
                **{f"t_{k}": v for k, v in outcome.timings.items()},
            }
        )
    connection.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="National SSDA903 import and snapshot benchmark")
    parser.add_argument(
        "--jobs", type=int, default=2, help="parallel import processes (this machine has 2 cores)"
    )
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--data", default=str(ROOT / "var" / "national"))
    args = parser.parse_args()

    folder = Path(args.data)
    if len(list(folder.glob("*_episodes.csv"))) < args.authorities:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "national_data.py"),
                "--out",
                str(folder),
                "--authorities",
                str(args.authorities),
            ],
            check=True,
        )
    url = _bench_database_url()
    _recreate_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "sufficiency.settings.local"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)

    codes = sorted(p.name.split("_")[0] for p in folder.glob("*_episodes.csv"))[: args.authorities]
    chunks = [codes[i :: args.jobs] for i in range(args.jobs)]
    started = time.perf_counter()
    with mp.get_context("spawn").Pool(args.jobs) as pool:
        parts = pool.map(_import_some, [(url, chunk, str(folder)) for chunk in chunks])
    wall = time.perf_counter() - started
    results = [r for part in parts for r in part]

    _setup_django(url)
    import datetime as dt

    from placements.selectors import cic_snapshot_for_authority
    from sufficiency.authorities.models import LocalAuthority

    import_failures = [r for r in results if not r["ok"]]
    authority = LocalAuthority.objects.get(dfe_code=codes[0])
    timings = []
    for _ in range(21):
        t0 = time.perf_counter()
        snapshot = cic_snapshot_for_authority(authority=authority, on=dt.date(2026, 3, 31))
        timings.append((time.perf_counter() - t0) * 1000)
    total_cic = 0
    for code in codes:
        la = LocalAuthority.objects.get(dfe_code=code)
        total_cic += cic_snapshot_for_authority(authority=la, on=dt.date(2026, 3, 31))["total"]

    report = {
        "authorities": len(results),
        "failed_imports": len(import_failures),
        "episodes": sum(r["episodes"] for r in results),
        "children": sum(r["children"] for r in results),
        "children_in_care_2026_03_31": total_cic,
        "jobs": args.jobs,
        "import_wall_seconds": round(wall, 1),
        "stage_seconds_summed": {
            k: round(sum(r.get(f"t_{k}", 0) for r in results), 1)
            for k in ("read_validate", "geography", "write")
        },
        "snapshot_ms_median": round(statistics.median(timings), 1),
        "snapshot_ms_p95": round(sorted(timings)[int(0.95 * len(timings)) - 1], 1),
        "snapshot_total_for": snapshot["total"],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
