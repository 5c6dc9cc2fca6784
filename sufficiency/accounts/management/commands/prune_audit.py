"""Delete audit events older than the retention period (settings.AUDIT_RETENTION_DAYS). Run it daily.

It never keeps less than a year (MIN_AUDIT_RETENTION_DAYS, 365 days): `--days 0` is refused, not obeyed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sufficiency.accounts.security import AuditRetentionTooShort, audit_events_prune
from sufficiency.core.audit import MIN_AUDIT_RETENTION_DAYS


class Command(BaseCommand):
    help = (
        "Delete audit events older than AUDIT_RETENTION_DAYS (or --days, at least "
        f"{MIN_AUDIT_RETENTION_DAYS})."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Override the retention period (at least {MIN_AUDIT_RETENTION_DAYS} days)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.AUDIT_RETENTION_DAYS
        try:
            count = audit_events_prune(older_than_days=days, dry_run=options["dry_run"])
        except AuditRetentionTooShort as exc:
            raise CommandError(str(exc)) from None
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(f"{verb} {count} audit event(s) older than {days} days")
