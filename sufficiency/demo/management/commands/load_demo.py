"""python manage.py load_demo: the synthetic West Midlands demo region, with one demo user per role."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sufficiency.demo.loader import DEMO_PASSWORD, demo_region_load


class Command(BaseCommand):
    help = (
        "Build and load a deterministic synthetic demo region (7 West Midlands authorities, 6 years of SSDA903 "
        "history, settings, fostering households, unit costs, populations) and demo users. Safe to run again."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--as-at", default="2026-03-31", help="Last day of the history (YYYY-MM-DD)")
        parser.add_argument("--authority", action="append", help="Only these DfE codes (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "load_demo creates demo accounts with a published password, so it only runs where "
                "DEMO_DATA_ALLOWED is on (local and test settings). Never load the demo into a live service."
            )
        started = time.perf_counter()
        result = demo_region_load(
            seed=options["seed"],
            as_at=dt.date.fromisoformat(options["as_at"]),
            authorities=options["authority"],
            progress=lambda message: self.stdout.write(f"  {message}…"),
        )
        for code, counts in result.authorities.items():
            self.stdout.write(f"  {code}: {counts['children']} children, {counts['episodes']} episodes")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo region loaded in {time.perf_counter() - started:.0f}s: synthetic data only."
            )
        )
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        for user in result.users:
            self.stdout.write(f"  {user.email:<48} {user.description}")
