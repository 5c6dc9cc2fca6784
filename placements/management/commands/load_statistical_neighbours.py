"""python manage.py load_statistical_neighbours FILE --source TEXT [--licence TEXT] [--synthetic]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from placements.national.reader import FileRefused
from placements.national.services import statistical_neighbours_load


class Command(BaseCommand):
    help = (
        "Load a list of statistical neighbours (columns la_code, la_name, rank, neighbour_code, neighbour_name) "
        "as the current list. The whole file is refused if any row is malformed or names an unknown authority."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--source", required=True, help="Publisher and edition, e.g. the DfE tool's date")
        parser.add_argument("--licence", default="Open Government Licence v3.0")
        parser.add_argument("--name", default="DfE statistical neighbours")
        parser.add_argument("--synthetic", action="store_true", help="Mark the list as made up (demo, tests)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            current = statistical_neighbours_load(
                data=path.read_bytes(),
                name=options["name"],
                source=options["source"],
                licence=options["licence"],
                synthetic=options["synthetic"],
            )
        except FileRefused as exc:
            raise CommandError(f"{path.name}: refused. {exc}") from None
        self.stdout.write(
            self.style.SUCCESS(f"{current.entries.count()} neighbours loaded as {current.name!r}.")
        )
