"""Loading the synthetic demo region into the database (for `make run` and demonstrations).

Everything goes through the same paths as real data where one exists (SSDA903 files through the real
importer), and every write is keyed on natural keys, so running it again changes nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from sufficiency.accounts.services import user_create_or_update
from sufficiency.authorities.choices import RoleChoices
from sufficiency.authorities.models import AuthorityPopulation, LocalAuthority
from sufficiency.core.audit import audit

from .demo import DemoRegion, generate_region
from .importing import ssda903_import
from .models import FosteringHousehold, Inspection, Provider, Setting, UnitCost

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "sufficiency-demo-2026"
DEMO_EMAIL_DOMAIN = "demo.sufficiency.invalid"
PRIMARY_AUTHORITY = "335"  # Walsall: the demo users' own authority


@dataclass(frozen=True)
class DemoUser:
    email: str
    roles: tuple[tuple[str, str], ...]  # (DfE code, role)
    description: str


def demo_users(codes: list[str]) -> list[DemoUser]:
    """One demo user per role (Walsall), a regional analyst, and a Sandwell commissioner for scoping."""
    primary = PRIMARY_AUTHORITY if PRIMARY_AUTHORITY in codes else codes[0]
    users = [
        DemoUser(f"{role.value.replace('_', '.')}@{DEMO_EMAIL_DOMAIN}", ((primary, role.value),), role.label)
        for role in RoleChoices
        if role != RoleChoices.REGIONAL_ANALYST
    ]
    users.append(
        DemoUser(
            f"regional.analyst@{DEMO_EMAIL_DOMAIN}",
            ((primary, RoleChoices.REGIONAL_ANALYST.value),),
            "Regional analyst (West Midlands aggregates)",
        )
    )
    if "333" in codes:
        users.append(
            DemoUser(
                f"sandwell.commissioner@{DEMO_EMAIL_DOMAIN}",
                (("333", RoleChoices.COMMISSIONER.value),),
                "Commissioner in another authority (Sandwell)",
            )
        )
    return users


@dataclass
class DemoLoadResult:
    authorities: dict[str, dict[str, int]] = field(default_factory=dict)
    settings: int = 0
    households: int = 0
    users: list[DemoUser] = field(default_factory=list)


def demo_region_load(
    *,
    seed: int = 2026,
    as_at: dt.date = dt.date(2026, 3, 31),
    authorities: list[str] | None = None,
    acting_user: Any = None,
    progress: Callable[[str], None] | None = None,
) -> DemoLoadResult:
    """Generate the demo region and load it: settings, SSDA903 history, households, costs, populations,
    and demo users. Safe to run again: the same seed gives the same data and nothing is duplicated."""
    say = progress or (lambda message: None)
    say("Generating the synthetic region")
    region = generate_region(seed=seed, as_at=as_at, authorities=authorities)
    result = DemoLoadResult()
    la_by_code = {la.dfe_code: la for la in LocalAuthority.objects.all()}

    say("Loading providers and Ofsted settings")
    result.settings = _load_settings(region, la_by_code)

    for code, demo in region.authorities.items():
        authority = la_by_code[code]
        say(f"Importing SSDA903 files for {authority.name}")
        outcome = ssda903_import(authority=authority, files=list(demo.files.items()), acting_user=acting_user)
        if not outcome.ok:
            first = outcome.errors[0]
            raise RuntimeError(
                f"Demo files for {code} failed validation ({len(outcome.errors)} errors; first: "
                f"{first.file} row {first.row} {first.column}: {first.message})"
            )
        with transaction.atomic():
            result.households += _load_households(authority, demo.households)
            _load_unit_costs(authority, demo.unit_costs)
            _load_populations(authority, demo.populations, demo.profile)
        result.authorities[code] = outcome.counts

    say("Creating demo users")
    result.users = demo_users(list(region.authorities))
    for user in result.users:
        user_create_or_update(
            email=user.email,
            password=DEMO_PASSWORD,
            roles=[(la_by_code[code], role) for code, role in user.roles],
            is_staff=any(role == RoleChoices.ADMINISTRATOR for _, role in user.roles),
            acting_user=acting_user,
        )
    audit(action="demo.loaded", actor=acting_user, detail={"seed": seed, "authorities": list(region.authorities)})
    return result


def _load_settings(region: DemoRegion, la_by_code: dict[str, LocalAuthority]) -> int:
    with transaction.atomic():
        providers = {}
        for row in region.providers:
            provider, _ = Provider.objects.update_or_create(name=row["name"], defaults={"sector": row["sector"]})
            providers[row["name"]] = provider
        for row in region.settings:
            setting, _ = Setting.objects.update_or_create(
                urn=row["urn"],
                defaults={
                    "name": row["name"],
                    "provider": providers.get(row["provider_name"]),
                    "provision_type": row["provision_type"],
                    "sector": row["sector"],
                    "local_authority": la_by_code.get(row["la_dfe_code"]),
                    "postcode": row["postcode"] or "",
                    "registered_places": row["registered_places"],
                    "registration_status": row["registration_status"],
                    "registration_date": row["registration_date"],
                    "closed_date": row.get("closed_date"),
                    "judgement_scale": row.get("judgement_scale", "four_point"),
                    "latest_judgement": row["judgement"],
                    "latest_judgement_date": row["judgement_date"],
                    "framework": row["framework"],
                },
            )
            if row["judgement_date"] and row["judgement"] != "not_yet_inspected":
                Inspection.objects.update_or_create(
                    setting=setting, inspection_date=row["judgement_date"], defaults={"judgement": row["judgement"]}
                )
    return len(region.settings)


def _load_households(authority: LocalAuthority, rows: list[dict[str, Any]]) -> int:
    agencies = dict(Setting.objects.filter(urn__in={r["agency_urn"] for r in rows if r["agency_urn"]}).values_list("urn", "id"))
    for row in rows:
        FosteringHousehold.objects.update_or_create(
            authority=authority,
            reference=row["reference"],
            defaults={
                "route": row["route"],
                "agency_id": agencies.get(row["agency_urn"]),
                "approval_date": row["approval_date"],
                "approved_places": row["approved_places"],
                "age_min": row["age_min"],
                "age_max": row["age_max"],
                "status": row["status"],
                "deregistration_date": row["deregistration_date"],
                "postcode_district": (row["postcode"] or "")[:4],
            },
        )
    return len(rows)


def _load_unit_costs(authority: LocalAuthority, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        UnitCost.objects.update_or_create(
            authority=authority,
            category=row["category"],
            route=row["route"],
            effective_from=row["effective_from"],
            defaults={
                "weekly_cost": Decimal(str(row["weekly_cost"])).quantize(Decimal("0.01")),
                "effective_to": row["effective_to"],
            },
        )


def _load_populations(authority: LocalAuthority, rows: list[tuple[int, int]], profile: Any) -> None:
    source = "Synthetic demo estimate consistent with the published rate"
    for year, population in rows:
        AuthorityPopulation.objects.update_or_create(
            authority=authority, year=year, defaults={"population_0_17": population, "source": source}
        )
