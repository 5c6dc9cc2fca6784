"""python manage.py import_ssda903 --authority CODE [--strict] FILE_OR_FOLDER [FILE_OR_FOLDER ...]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from placements.importing import ImportOutcome
from placements.services import ImportBusy, import_run_now
from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.csv import write_csv_file

# The files of an export folder that are read (others, such as a read-me, are left alone).
EXPORT_SUFFIXES = (".csv", ".txt", ".xml")


class Command(BaseCommand):
    help = (
        "Import an authority's SSDA903 files: the CSV tables or the XML return, several years at once; a "
        "folder stands for every CSV and XML file in it. A problem with a whole file refuses the import "
        "(nothing is written, exit status 1). Rows that break the DfE rules are repaired where one reading is "
        "clearly right, held back (quarantined) with the rest of the child's record where none is, and "
        "otherwise counted as given; the report lists every one. --strict refuses the whole import if any "
        "row has an error."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--authority", required=True, help="DfE 3-digit code, e.g. 335")
        parser.add_argument(
            "files",
            nargs="+",
            help="SSDA903 CSV or XML files, or export folders (files are recognised by their contents)",
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Refuse the whole import if any row has an error (no repairs, nothing held back)",
        )
        parser.add_argument(
            "--error-report",
            help="Where to write the report CSV (default: ssda903-errors-CODE-TIMESTAMP.csv here)",
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

        try:
            outcome = import_run_now(authority=authority, files=files, strict=options["strict"])
        except ImportBusy as exc:
            raise CommandError(str(exc)) from None
        summary = outcome.summary()
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2, default=str))
        report_path = None
        if not outcome.ok or outcome.errors or outcome.warnings or outcome.notices:
            report_path = Path(
                options["error_report"]
                or f"ssda903-errors-{authority.dfe_code}-{timezone.now():%Y%m%dT%H%M%S}.csv"
            )
            write_csv_file(report_path, outcome.error_report_csv)
        if outcome.ok:
            if not options["json"]:
                self._print_success(outcome, authority, report_path)
            return

        mode = " (strict mode: any error row refuses the import)" if outcome.strict else ""
        self.stderr.write(
            f"{len(outcome.errors)} error(s){mode}: nothing was imported. Error report: {report_path}"
        )
        self._print_problems(summary, stream=self.stderr, only_errors=True)
        raise CommandError("Import failed validation")

    def _print_success(self, outcome: ImportOutcome, authority: LocalAuthority, report: Path | None) -> None:
        counts = outcome.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {counts['children']} children and {counts['episodes']} episodes for "
                f"{authority.name} ({authority.dfe_code}) in {outcome.timings.get('total', 0):.1f}s."
            )
        )
        for info in outcome.files:
            year = f", collection year {info['collection_year']}" if info.get("collection_year") else ""
            table = info.get("label") or info["kind"]
            self.stdout.write(f"  {info['name']}: {table}, {info['rows']} rows{year}")
        self.stdout.write(
            f"Repaired {counts['repaired_rows']} row(s); held back {counts['quarantined_children']} "
            f"child(ren) ({counts['quarantined_rows']} rows), not counted until corrected files are imported; "
            f"released {counts['released_children']} child(ren) held back by the previous import."
        )
        changes = outcome.quality.get("changes", {})
        if changes.get("previous"):
            self.stdout.write(
                "Since the previous import: children {children_added} added, {children_removed} removed, "
                "{children_changed} changed; episodes {episodes_added} added, {episodes_removed} removed, "
                "{episodes_changed} changed.".format(**changes)
            )
        self._print_problems(outcome.summary(), stream=self.stdout)
        if report:
            self.stdout.write(f"Full report (every row, with the action taken): {report}")

    def _print_problems(self, summary: dict[str, Any], *, stream: Any, only_errors: bool = False) -> None:
        problems = [p for p in summary["problems"] if not only_errors or p["severity"] == "error"]
        if problems:
            stream.write("Problems (first examples):")
        for problem in problems:
            code = f" [DfE {problem['code']}]" if problem["code"] else ""
            stream.write(
                f"  {problem['count']} × {problem['rule']}{code} ({problem['severity']}, {problem['action']}): "
                f"{problem['message']}"
            )
            for ex in problem["examples"]:
                where = f"{ex['file']} row {ex['row']}" if ex["row"] else ex["file"] or "the upload"
                detail = ", ".join(
                    part
                    for part in (
                        f"child {ex['child']}" if ex["child"] else "",
                        f"{ex['column']}={ex['value']!r}" if ex["column"] else "",
                    )
                    if part
                )
                stream.write(f"      {where}" + (f": {detail}" if detail else ""))
