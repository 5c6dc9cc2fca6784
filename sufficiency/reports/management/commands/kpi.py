"""python manage.py kpi --authority CODE --date YYYY-MM-DD [--json] [--period quarter|year] [--key KEY ...]"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sufficiency.authorities.models import LocalAuthority
from sufficiency.reports.kpis.context import PERIODS
from sufficiency.reports.selectors import format_kpi_value, kpi_rows_for_authority


class Command(BaseCommand):
    help = "Every KPI in the catalogue for one authority on a date (docs/domain.md section 6)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--authority", required=True, help="DfE 3-digit code")
        parser.add_argument("--date", required=True, help="YYYY-MM-DD, e.g. 2026-03-31")
        parser.add_argument(
            "--json", action="store_true", help="Print a JSON list of {key, value, unit, definition}"
        )
        parser.add_argument("--period", default="quarter", choices=sorted(PERIODS), help="Previous period")
        parser.add_argument("--key", action="append", dest="keys", help="Only this KPI (repeatable)")
        parser.add_argument(
            "--full", action="store_true", help="With --json: add previous and comparator values"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = LocalAuthority.objects.select_related("region").get(dfe_code=options["authority"])
        except LocalAuthority.DoesNotExist:
            raise CommandError(f"No authority with DfE code {options['authority']!r}") from None
        try:
            on = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("--date must be a real date as YYYY-MM-DD") from None
        try:
            rows = kpi_rows_for_authority(
                authority=authority,
                on=on,
                keys=options["keys"],
                period=options["period"],
                comparators=options["full"] or not options["json"],
                national=True,
            )
        except KeyError as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            if options["full"]:
                payload = [row.as_dict() for row in rows]
            else:
                payload = [
                    {
                        "key": r.key,
                        "value": r.value.value,
                        "unit": str(r.kpi.unit),
                        "definition": r.kpi.definition,
                        **({"comparators": r.comparators_dict()} if r.national else {}),
                    }
                    for r in rows
                ]
            self.stdout.write(json.dumps(payload))
            return
        self.stdout.write(
            f"{authority.name}: KPIs on {on:%d %B %Y} (previous: {rows[0].previous_on:%d %B %Y})"
        )
        for row in rows:
            self.stdout.write(
                f"  {row.kpi.name} [{row.key}]: {format_kpi_value(row.value.value, row.kpi.unit)}"
                f" (previous {format_kpi_value(row.previous.value, row.kpi.unit)})"
            )
