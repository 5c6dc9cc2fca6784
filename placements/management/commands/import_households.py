"""python manage.py import_households --authority CODE FILE"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from placements.supply.services import households_import
from sufficiency.accounts.models import User
from sufficiency.authorities.models import LocalAuthority


class Command(BaseCommand):
    help = (
        "Import an authority's fostering households from CSV (columns: reference, route, approval_date, "
        "approved_places; optional agency_urn, age_min, age_max, status, deregistration_date, "
        "postcode_district). Households are matched by reference: new ones are added, existing ones updated, "
        "with history. All or nothing: any invalid row means nothing is written."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--authority", required=True, help="DfE 3-digit code, e.g. 335")
        parser.add_argument("--user", help="Email of the person the changes are attributed to")
        parser.add_argument("file", help="Households CSV file")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            authority = LocalAuthority.objects.get(dfe_code=options["authority"])
        except LocalAuthority.DoesNotExist:
            raise CommandError(f"No authority with DfE code {options['authority']!r}") from None
        user = None
        if options["user"]:
            user = User.objects.filter(email=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        outcome = households_import(
            authority=authority, name=path.name, content=path.read_bytes(), acting_user=user
        )
        if outcome.ok:
            counts = outcome.counts
            self.stdout.write(
                self.style.SUCCESS(
                    f"{authority.name}: {counts['households_created']} households added, "
                    f"{counts['households_updated']} updated."
                )
            )
            return
        self.stderr.write(outcome.error_report_csv)
        raise CommandError(f"{len(outcome.errors)} error(s): nothing was imported")
