"""python manage.py import_ofsted FILE [FILE ...]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from placements.importing import errors_to_csv
from placements.supply.services import ofsted_import
from sufficiency.core.csv import write_csv_file


class Command(BaseCommand):
    help = (
        "Import Ofsted's provider-level files (CSV, XLSX or ODS: the monthly management information, the "
        "annual 'Children's social care data in England' workbook, or the children's homes and SCP/CH "
        "provider lists; every sheet with a provider table is read). Settings are updated in place by URN "
        "and judgements added to their history. A row that cannot be read is skipped and listed in the "
        "report; if a file cannot be used at all nothing is written, the error report is saved and the "
        "command exits with status 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", help="Ofsted provider files")
        parser.add_argument(
            "--error-report",
            help="Where to write the report CSV: errors, or skipped rows and notes "
            "(default: ofsted-errors-TIMESTAMP.csv / ofsted-skipped-TIMESTAMP.csv)",
        )
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        files = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {name}")
            files.append((path.name, path.read_bytes()))

        outcome = ofsted_import(files=files, acting_user=None, publish=True)
        summary = outcome.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, default=str))
        if outcome.ok:
            if not options["json"]:
                counts = outcome.counts
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Settings: {counts['settings_created']} added, {counts['settings_updated']} updated; "
                        f"{counts['inspections_added']} judgements added; {counts['episodes_linked']} episodes "
                        "linked by URN."
                    )
                )
                for entry in outcome.files:
                    where = (
                        f"{entry['name']} (sheet {entry['sheet']})" if entry.get("sheet") else entry["name"]
                    )
                    self.stdout.write(
                        f"  {where}: {entry['rows']} rows read, {entry.get('skipped', 0)} skipped"
                    )
                for warning in outcome.warnings[:20]:
                    self.stdout.write(f"  note: {warning.file} row {warning.row}: {warning.message}")
                if len(outcome.warnings) > 20:
                    self.stdout.write(f"  ... {len(outcome.warnings) - 20} more notes in the report")
            if outcome.counts.get("rows_skipped"):
                report = Path(options["error_report"] or f"ofsted-skipped-{timezone.now():%Y%m%dT%H%M%S}.csv")
                write_csv_file(report, errors_to_csv(outcome.warnings))
                self.stdout.write(
                    f"{outcome.counts['rows_skipped']} row(s) skipped. Skipped rows and notes: {report}"
                )
            return
        report = Path(options["error_report"] or f"ofsted-errors-{timezone.now():%Y%m%dT%H%M%S}.csv")
        write_csv_file(report, outcome.error_report_csv)
        self.stderr.write(f"{len(outcome.errors)} error(s): nothing was imported. Error report: {report}")
        for message, count in summary["errors_by_message"].items():
            self.stderr.write(f"  {count} × {message}")
        raise CommandError("Import failed validation")
