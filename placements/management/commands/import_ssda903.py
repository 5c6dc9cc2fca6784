"""python manage.py import_ssda903 --authority CODE FILE_OR_FOLDER [FILE_OR_FOLDER ...]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from placements.importing import ssda903_import
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.csv import write_csv_file

# The files of an export folder that are read (others, such as a read-me, are left alone).
EXPORT_SUFFIXES = (".csv", ".txt", ".xml")


class Command(BaseCommand):
    help = (
        "Import an authority's SSDA903 files: the CSV tables or the XML return, several years at once; a "
        "folder stands for every CSV and XML file in it. All or nothing: if any row is invalid nothing is "
        "written, an error report is saved and the command exits with status 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--authority", required=True, help="DfE 3-digit code, e.g. 335")
        parser.add_argument(
            "files",
            nargs="+",
            help="SSDA903 CSV or XML files, or export folders (files are recognised by their contents)",
        )
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
            if path.is_dir():
                found = sorted(
                    p for p in path.iterdir() if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES
                )
                if not found:
                    raise CommandError(f"No CSV or XML files in the folder {name}")
                files.extend((p.name, p.read_bytes()) for p in found)
            elif path.is_file():
                files.append((path.name, path.read_bytes()))
            else:
                raise CommandError(f"No such file or folder: {name}")

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
                    year = (
                        f", collection year {info['collection_year']}" if info.get("collection_year") else ""
                    )
                    table = info.get("label") or info["kind"]
                    self.stdout.write(f"  {info['name']}: {table}, {info['rows']} rows{year}")
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
