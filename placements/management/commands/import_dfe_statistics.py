"""python manage.py import_dfe_statistics FILE [FILE ...]"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from placements.national.services import national_statistics_import


class Command(BaseCommand):
    help = (
        "Import the DfE's published open-data CSVs of children looked after (every authority, region and "
        "England, by year) as national reference data. A file with a problem as a whole (not the DfE layout, "
        "no rows) is refused and nothing from it is written; rows that cannot be read are listed and left "
        "out. Importing a year again replaces that year's figures. Exits 1 if any file was refused."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", help="DfE open-data CSV files")
        parser.add_argument(
            "--supplied-by", default="", help="Who supplied the files (recorded as provenance)"
        )
        parser.add_argument("--licence", default="", help="Licence (default: Open Government Licence v3.0)")
        parser.add_argument("--publisher", default="", help="Publisher and publication, if not the DfE's")
        parser.add_argument("--json", action="store_true", help="Print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        files = []
        for name in options["files"]:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"No such file: {name}")
            files.append((path.name, path.read_bytes()))
        outcome = national_statistics_import(
            files=files,
            supplied_by_label=options["supplied_by"] or "import_dfe_statistics command",
            licence=options["licence"] or None,
            publisher=options["publisher"] or None,
        )
        summary = [
            {
                "file": f.name,
                "refused": f.refused,
                "years": f.statistics_import.years if f.statistics_import else [],
                "figures": f.statistics_import.figures_imported if f.statistics_import else 0,
                "replaced": f.statistics_import.figures_replaced if f.statistics_import else 0,
                "problems": f.problems[:50],
                "kpis_fed": sorted(k for k, fed in f.measures.items() if fed),
                "kpis_not_fed": sorted(k for k, fed in f.measures.items() if not fed),
            }
            for f in outcome.files
        ]
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
        else:
            for f in summary:
                if f["refused"]:
                    self.stderr.write(self.style.ERROR(f"{f['file']}: refused. {f['refused']}"))
                    continue
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{f['file']}: {f['figures']} figures for {', '.join(map(str, f['years']))} "
                        f"({f['replaced']} replaced); {len(f['problems'])} rows left out."
                    )
                )
                for p in f["problems"]:
                    self.stdout.write(f"  row {p['row']} {p['column']}: {p['message']}")
                self.stdout.write(
                    f"  KPIs this file feeds ({len(f['kpis_fed'])}): {', '.join(f['kpis_fed']) or 'none'}"
                )
                self.stdout.write(
                    f"  KPIs it holds no row for ({len(f['kpis_not_fed'])}): "
                    f"{', '.join(f['kpis_not_fed']) or 'none'}"
                )
        if not outcome.ok:
            raise CommandError("One or more files were refused; nothing from them was imported.")
