"""Benchmark: recompute every authority's forecast through Celery, as the nightly beat job does.

    make services
    python benchmarks/bench_import_national.py      # builds the <db>_bench database (150 authorities)
    python benchmarks/bench_forecast_national.py [--concurrency 2]

Every authority is given unit costs if it has none (the demo's national rates), so each run costs its
projection. Starts a real Celery worker (prefork, 2 processes on this 2-core machine) against the local Redis and the
bench database, queues one forecast per authority with the nightly fan-out, waits for all of them, and
reports wall time, per-run timings and the worker's peak memory (sum over its processes). Goal:
150 authorities under 60 s, under 2 GB. Reports numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0
    pids = [pid]
    try:
        children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _ensure_unit_costs() -> None:
    """Give every authority without unit costs the demo's national rates, so runs cost their projections
    (blending routes from the authority's own placements) as a real nightly run does."""
    import datetime as dt
    from decimal import Decimal

    from placements.models import PlacementEpisode, UnitCost
    from sufficiency.demo import profiles

    with_costs = set(UnitCost.objects.values_list("authority_id", flat=True))
    rows = [
        UnitCost(
            authority_id=authority_id,
            category=category,
            route=route,
            weekly_cost=Decimal(str(weekly)).quantize(Decimal("0.01")),
            effective_from=dt.date(2020, 4, 1),
        )
        for authority_id in set(PlacementEpisode.objects.values_list("authority_id", flat=True).distinct())
        - with_costs
        for (category, route), weekly in profiles.UNIT_COSTS_2025.items()
    ]
    UnitCost.objects.bulk_create(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description="Nightly forecast fan-out benchmark")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument(
        "--keep-runs",
        action="store_true",
        help="keep earlier runs: a second night on an unchanged register reuses their backtests",
    )
    parser.add_argument(
        "--with-rollups",
        action="store_true",
        help="then wait for the dashboards' rollups that follow each forecast (queue 'rollups') too",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL (make services; set -a; . var/services.env)")
    bench_url = url.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1] + "_bench"
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6380/0").rsplit("/", 1)[0] + "/2"
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "REDIS_URL": redis_url,
        "USE_CELERY_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "sufficiency.settings.local",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.utils import timezone

    from forecasting.models import ForecastRun
    from forecasting.services import forecast_nightly_fanout
    from sufficiency.celery import app
    from sufficiency.dashboards.models import DashboardRollup

    _ensure_unit_costs()
    app.control.purge()  # both queues; a rollup left "queued" by an earlier run has lost its message
    DashboardRollup.objects.filter(status="queued").update(status="succeeded")
    night_started = timezone.now()
    if not args.keep_runs:
        ForecastRun.objects.all().delete()
    before = set(ForecastRun.objects.values_list("pk", flat=True))
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "sufficiency", "worker", "--pool=prefork",
         f"--concurrency={args.concurrency}", "-l", "warning", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(60):
            if app.control.ping(timeout=1):
                break
            time.sleep(1)
        from django.test.utils import override_settings

        started = time.perf_counter()
        with override_settings(FORECAST_DEBOUNCE_SECONDS=0):
            queued = forecast_nightly_fanout()
        peak = 0.0
        while time.perf_counter() - started < args.timeout:
            done = (
                ForecastRun.objects.filter(status__in=["succeeded", "failed"]).exclude(pk__in=before).count()
            )
            peak = max(peak, _rss_mb(worker.pid))
            if done >= queued:
                break
            time.sleep(0.5)
        wall = time.perf_counter() - started
        forecasts_done = timezone.now()
        rollups_during = DashboardRollup.objects.filter(
            started_at__gte=night_started, started_at__lt=forecasts_done
        ).count()
        rollups_wall = None
        if args.with_rollups:
            while time.perf_counter() - started < args.timeout:
                if not DashboardRollup.objects.filter(status__in=["queued", "running"]).exists():
                    rollups_wall = round(time.perf_counter() - started, 1)
                    break
                time.sleep(1)
        new_runs = ForecastRun.objects.exclude(pk__in=before)
        runs = list(new_runs.filter(status="succeeded").values_list("timings", flat=True))
        totals = sorted(t.get("total", 0) for t in runs)
        report = {
            "authorities_queued": queued,
            "succeeded": len(runs),
            "failed": new_runs.filter(status="failed").count(),
            "backtests_reused": new_runs.filter(backtest_reused_from__isnull=False).count(),
            "concurrency": args.concurrency,
            "wall_seconds": round(wall, 1),
            "run_seconds_median": round(totals[len(totals) // 2], 2) if totals else None,
            "run_seconds_max": round(totals[-1], 2) if totals else None,
            "worker_peak_rss_mb": round(peak),
            "rollups_started_before_the_last_forecast": rollups_during,
            "rollups_all_done_seconds": rollups_wall,
        }
        print(json.dumps(report, indent=2))
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)


if __name__ == "__main__":
    main()
