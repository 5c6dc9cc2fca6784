"""python manage.py import_ssda903 --authority CODE FILE [FILE ...]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from placements.importing import ssda903_import
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.csv import write_csv_file


class Command(BaseCommand):
    help = (
        "Import an authority's SSDA903 CSV files (Header and Episodes, optionally UASC and OC3, several years "
        "at once). All or nothing: if any row is invalid nothing is written, an error report is saved and "
        "the command exits with status 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--authority", required=True, help="DfE 3-digit code, e.g. 335")
        parser.add_argument("files", nargs="+", help="SSDA903 CSV files (recognised by their columns)")
        parser.add_argument(
            "--error-report",
            help="Where to write the error report CSV (default: ssda903-errors-CODE-TIMESTAMP.csv here)",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["authority"]
        try:
            authority = LocalAuthority.objects.get(dfe_code=code)
        except LocalAuthority.DoesNotExist:
            raise CommandError(f"No authority with DfE code {code!r}") from None
        files = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {name}")
            files.append((path.name, path.read_bytes()))

        outcome = ssda903_import(authority=authority, files=files, acting_user=None)
        summary = outcome.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, default=str))
        if outcome.ok:
            if not options["json"]:
                counts = outcome.counts
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Imported {counts['children']} children and {counts['episodes']} episodes for "
                        f"{authority.name} ({authority.dfe_code}) in {outcome.timings.get('total', 0):.1f}s."
                    )
                )
                for info in outcome.files:
                    self.stdout.write(f"  {info['name']}: {info['kind']}, {info['rows']} rows")
            return

        report = Path(
            options["error_report"]
            or f"ssda903-errors-{authority.dfe_code}-{timezone.now():%Y%m%dT%H%M%S}.csv"
        )
        write_csv_file(report, outcome.error_report_csv)
        self.stderr.write(f"{len(outcome.errors)} error(s): nothing was imported. Error report: {report}")
        for message, count in summary["errors_by_message"].items():
            self.stderr.write(f"  {count} × {message}")
        raise CommandError("Import failed validation")
