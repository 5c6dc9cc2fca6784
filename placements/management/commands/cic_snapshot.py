"""python manage.py cic_snapshot --authority CODE --date YYYY-MM-DD --json"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from placements.categories import AGE_BAND_LABELS, PLANNING_CATEGORY_LABELS
from placements.selectors import cic_snapshot_for_authority
from sufficiency.authorities.models import LocalAuthority


class Command(BaseCommand):
    help = "Children in care on a date for one authority, by docs/domain.md's counting rules."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--authority", required=True, help="DfE 3-digit code")
        parser.add_argument("--date", required=True, help="YYYY-MM-DD, e.g. 2026-03-31")
        parser.add_argument("--json", action="store_true", help="Print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = LocalAuthority.objects.get(dfe_code=options["authority"])
        except LocalAuthority.DoesNotExist:
            raise CommandError(f"No authority with DfE code {options['authority']!r}") from None
        try:
            on = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("--date must be a real date as YYYY-MM-DD") from None
        snapshot = cic_snapshot_for_authority(authority=authority, on=on)
        if options["json"]:
            self.stdout.write(json.dumps(snapshot))
            return
        self.stdout.write(f"{authority.name}: {snapshot['total']} children in care on {on:%d %B %Y}")
        if snapshot["rate_per_10000"] is not None:
            self.stdout.write(f"  Rate per 10,000 children: {snapshot['rate_per_10000']}")
        for key, label in PLANNING_CATEGORY_LABELS.items():
            self.stdout.write(f"  {label}: {snapshot['by_category'][key]}")
        for key, label in AGE_BAND_LABELS.items():
            self.stdout.write(f"  Aged {label}: {snapshot['by_age_band'][key]}")
        self.stdout.write(f"  Started in the 12 months: {snapshot['started_12m']}")
        self.stdout.write(f"  Ceased in the 12 months: {snapshot['ceased_12m']}")
        self.stdout.write(
            f"  Over 20 miles from home: {snapshot['over_20_miles']} of {snapshot['distance_known']} with a known distance"
        )
