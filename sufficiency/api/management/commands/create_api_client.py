"""Create an API client for an authority and print its token once.

    python manage.py create_api_client --authority 335 --name "Regional analytics" \
        --scope read:aggregate --scope read:child --expires-in-days 365
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sufficiency.api.choices import ScopeChoices
from sufficiency.api.services import ApiClientError, api_client_create
from sufficiency.authorities.models import LocalAuthority


class Command(BaseCommand):
    help = "Create an API client for an authority and print its token (shown once, stored hashed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authority", required=True, help="DfE code, e.g. 335")
        parser.add_argument("--name", required=True, help="Who or what will use the token")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=ScopeChoices.values,
            help="Repeat for several. Default: read:aggregate only.",
        )
        parser.add_argument("--expires-in-days", type=int, default=365, help="0 for no expiry (default 365)")
        parser.add_argument("--throttle-rate", default="", help="e.g. 5000/hour (default: the site's rate)")

    def handle(self, *args: Any, **options: Any) -> None:
        authority = LocalAuthority.objects.filter(dfe_code=options["authority"]).first()
        if authority is None:
            raise CommandError(f"No authority with DfE code {options['authority']}")
        days = options["expires_in_days"]
        expires_at = timezone.now() + dt.timedelta(days=days) if days > 0 else None
        try:
            client, token = api_client_create(
                authority=authority,
                name=options["name"],
                scopes=options["scopes"] or [ScopeChoices.READ_AGGREGATE],
                expires_at=expires_at,
                throttle_rate=options["throttle_rate"],
            )
        except ApiClientError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Created API client {client.name!r} for {authority.name} ({authority.dfe_code})")
        self.stdout.write(f"Scopes: {', '.join(client.scopes)}")
        self.stdout.write(f"Expires: {client.expires_at:%Y-%m-%d}" if client.expires_at else "Expires: never")
        self.stdout.write("Token (shown once; store it in a secret store, it cannot be shown again):")
        self.stdout.write(token)
