"""python manage.py create_user --email E --password P --authority CODE --role ROLE [...]"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sufficiency.accounts.services import user_create_or_update
from sufficiency.authorities.choices import RoleChoices
from sufficiency.authorities.models import LocalAuthority


class Command(BaseCommand):
    help = (
        "Create a user (or update an existing one) with roles in authorities. --authority and --role pair "
        "up in order; repeat both, or give one --role for every --authority. "
        f"Roles: {', '.join(RoleChoices.values)}."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--authority", action="append", default=[], help="DfE code (repeatable)")
        parser.add_argument("--role", action="append", default=[], choices=RoleChoices.values)
        parser.add_argument("--staff", action="store_true", help="May use the Django admin")
        parser.add_argument("--skip-password-validation", action="store_true", help="For demo accounts only")

    def handle(self, *args: Any, **options: Any) -> None:
        codes, roles = options["authority"], options["role"]
        if len(roles) == 1 and len(codes) > 1:
            roles = roles * len(codes)
        if len(codes) != len(roles):
            raise CommandError("Give one --role for each --authority (or a single --role for all)")
        authorities = []
        for code in codes:
            try:
                authorities.append(LocalAuthority.objects.get(dfe_code=code))
            except LocalAuthority.DoesNotExist:
                raise CommandError(f"No authority with DfE code {code!r}") from None
        if not options["skip_password_validation"]:
            try:
                validate_password(options["password"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from None
        user, created = user_create_or_update(
            email=options["email"],
            password=options["password"],
            roles=list(zip(authorities, roles, strict=True)),
            is_staff=options["staff"],
            acting_user=None,
        )
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {user.email} with {len(authorities)} role(s)"))
