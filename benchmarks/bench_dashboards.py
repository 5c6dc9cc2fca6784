"""Benchmark: dashboard pages under load on the national-scale dataset in PostgreSQL. Reports numbers.

    make services                               # PostgreSQL and Redis on loopback (var/services.env)
    python benchmarks/bench_import_national.py  # once: builds <db>_bench with 150 authorities
    python benchmarks/bench_dashboards.py [--users 20] [--seconds 30] [--workers 4] [--skip-rollups]

Steps: migrate the `<DATABASE_URL's name>_bench` database (kept from the import benchmark), compute every
authority's dashboard rollup (in parallel processes, as Celery workers would), sign in two synthetic users
(a commissioner and a regional analyst) by creating their sessions directly, start gunicorn on loopback,
and run `--users` concurrent clients for `--seconds`, each requesting the four dashboard pages of a random
authority they may see, the region page and a CSV. Prints p50/p95/p99 latency per page and overall.
Goal: p95 under 300 ms at 20 concurrent users.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8791


def _bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL (run `make services` and load var/services.env)")
    base, _, name = url.rpartition("/")
    return url if name.endswith("_bench") else f"{base}/{name}_bench"


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sufficiency.settings.local")
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def _rollups(args: tuple[str, list[int]]) -> list[float]:
    url, ids = args
    _setup_django(url)
    from sufficiency.authorities.models import LocalAuthority
    from sufficiency.dashboards.services import dashboard_rollup_compute

    seconds = []
    for authority in LocalAuthority.objects.filter(pk__in=ids):
        started = time.perf_counter()
        dashboard_rollup_compute(authority=authority)
        seconds.append(time.perf_counter() - started)
    return seconds


def _sessions(url: str) -> dict[str, object]:
    """Two synthetic users and their session cookies (no password hashing on the measured path)."""
    _setup_django(url)
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from placements.models import PlacementEpisode
    from sufficiency.accounts.models import User
    from sufficiency.authorities.models import LocalAuthority, Membership

    with_data = set(PlacementEpisode.objects.values_list("authority_id", flat=True).distinct())
    authorities = [la for la in LocalAuthority.objects.select_related("region") if la.pk in with_data]
    region = max(
        {la.region for la in authorities}, key=lambda r: sum(la.region_id == r.pk for la in authorities)
    )
    in_region = [la for la in authorities if la.region_id == region.pk]
    users = {
        "commissioner": ("bench.commissioner@bench.invalid", "commissioner", in_region[:3]),
        "analyst": ("bench.analyst@bench.invalid", "regional_analyst", in_region[:1]),
    }
    out: dict[str, object] = {"region": region.code, "sessions": {}}
    for key, (email, role, las) in users.items():
        user, _ = User.objects.get_or_create(email=email)
        for la in las:
            Membership.objects.get_or_create(user=user, authority=la, role=role)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        # The model backend (axes, listed first, only guards sign-in attempts).
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        out["sessions"][key] = {"cookie": session.session_key, "codes": [la.dfe_code for la in las]}
    out["cookie_name"] = settings.SESSION_COOKIE_NAME
    return out


def _client(stop: float, paths: list[tuple[str, str]], cookie: str, results: list, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    rng = random.Random(threading.get_ident())
    while time.perf_counter() < stop:
        label, path = rng.choice(paths)
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            status = 0
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200:
            errors.append((label, status))
        else:
            results.append((label, elapsed))
    conn.close()


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description="Dashboard pages under concurrent load")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 2) * 2))
    parser.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 2)))
    parser.add_argument("--skip-rollups", action="store_true", help="Reuse rollups already computed")
    args = parser.parse_args()
    url = _bench_database_url()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "sufficiency.settings.local",
           "DJANGO_DEBUG": "false", "USE_CELERY_EAGER": "true", "LOG_LEVEL": "WARNING"}  # fmt: skip
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    report: dict[str, object] = {}
    if not args.skip_rollups:
        _setup_django(url)
        from placements.models import PlacementEpisode

        ids = sorted(set(PlacementEpisode.objects.values_list("authority_id", flat=True).distinct()))
        chunks = [ids[i :: args.jobs] for i in range(args.jobs)]
        started = time.perf_counter()
        ctx = mp.get_context("spawn")
        with ctx.Pool(args.jobs) as pool:
            seconds = [s for part in pool.map(_rollups, [(url, c) for c in chunks]) for s in part]
        report["rollups"] = {
            "authorities": len(seconds),
            "wall_seconds": round(time.perf_counter() - started, 1),
            "per_authority_median_s": round(statistics.median(seconds), 2),
            "per_authority_max_s": round(max(seconds), 2),
        }
        print(json.dumps(report["rollups"]), flush=True)

    info = _sessions(url)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "sufficiency.wsgi", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/healthz/")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        sessions = info["sessions"]
        cookie_name = info["cookie_name"]
        region = info["region"]
        commissioner = sessions["commissioner"]
        paths = [
            (page, f"/authorities/{code}/dashboards/{suffix}")
            for code in commissioner["codes"]
            for page, suffix in [
                ("overview", ""),
                ("forecast", "forecast/"),
                ("gap", "gap/"),
                ("market", "market/"),
            ]
        ]
        paths += [
            (
                "overview-filtered",
                f"/authorities/{commissioner['codes'][0]}/dashboards/?age_band=10_15&years=3",
            )
        ]
        paths += [("csv", f"/authorities/{commissioner['codes'][0]}/dashboards/overview/csv/mix/")]
        analyst_paths = [("region", f"/regions/{region}/dashboards/")]
        # Warm each worker's imports and caches before measuring.
        warm_results: list = []
        _client(
            time.perf_counter() + 3,
            paths + analyst_paths,
            f"{cookie_name}={commissioner['cookie']}",
            warm_results,
            [],
        )
        results: list = []
        errors: list = []
        stop = time.perf_counter() + args.seconds
        threads = []
        for i in range(args.users):
            analyst = i % 5 == 4  # one in five users is a regional analyst on the region page
            cookie = sessions["analyst" if analyst else "commissioner"]["cookie"]
            threads.append(
                threading.Thread(
                    target=_client,
                    args=(
                        stop,
                        analyst_paths if analyst else paths,
                        f"{cookie_name}={cookie}",
                        results,
                        errors,
                    ),
                )
            )
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies = [ms for _, ms in results]
    by_page = {}
    for label in sorted({label for label, _ in results}):
        values = [ms for lab, ms in results if lab == label]
        by_page[label] = {
            "requests": len(values),
            "p50_ms": round(_percentile(values, 0.5), 1),
            "p95_ms": round(_percentile(values, 0.95), 1),
        }
    report["load"] = {
        "users": args.users,
        "seconds": args.seconds,
        "gunicorn_workers": args.workers,
        "cpus": os.cpu_count(),
        "requests": len(latencies),
        "errors": len(errors),
        "throughput_rps": round(len(latencies) / args.seconds, 1),
        "p50_ms": round(_percentile(latencies, 0.5), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
        "by_page": by_page,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
