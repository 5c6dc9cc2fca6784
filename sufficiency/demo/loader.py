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

from placements.importing import ssda903_import
from placements.models import FosteringHousehold, FrameworkMembership, Provider, Setting, UnitCost
from placements.supply.services import settings_upsert
from sufficiency.accounts.services import user_create_or_update
from sufficiency.authorities.choices import RoleChoices
from sufficiency.authorities.models import AuthorityPopulation, LocalAuthority
from sufficiency.core.audit import audit
from sufficiency.demo.generator import (
    BLOCK_CONTRACT_START,
    DemoAuthority,
    DemoRegion,
    generate_region,
    is_short_break_home,
)
from sufficiency.demo.national import demo_national_load
from sufficiency.demo.statements import demo_statements_load
from sufficiency.demo.supply import demo_supply_load

logger = logging.getLogger(__name__)

DEMO_PASSWORD = "sufficiency-demo-2026"  # noqa: S105 - published in the README; demo accounts only
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
            _load_framework_memberships(authority, region)
            _load_unit_costs(authority, demo.unit_costs)
            _load_populations(authority, demo.populations, demo.profile)
            _load_supply(authority, seed, demo)
            demo_supply_load(authority=authority, as_at=as_at, seed=seed)
        result.authorities[code] = outcome.counts

    say("Logging a year of placement requests")
    from sufficiency.demo.placement_requests import demo_requests_load

    for code in region.authorities:
        demo_requests_load(authority=la_by_code[code], as_at=as_at, seed=seed, acting_user=acting_user)
    from sufficiency.demo.agencies import demo_agencies_load  # agency carers' vacancies, a sibling search

    demo_agencies_load(codes=list(region.authorities), seed=seed, acting_user=acting_user)

    say("Creating demo scenarios and computing forecasts")
    for code in region.authorities:
        _load_scenarios(la_by_code[code], as_at)
        _compute_forecast(la_by_code[code])

    say("Importing a synthetic national table in the DfE's layout (neighbours, region, England)")
    demo_national_load(as_at=as_at, simulated=[la_by_code[c] for c in region.authorities],
                       primary=PRIMARY_AUTHORITY, seed=seed, acting_user=acting_user)  # fmt: skip

    # The demo runs without a worker, so what beat and the after-import hooks would do happens here.
    from forecasting.gap_services import gap_assessment_compute
    from sufficiency.dashboards.services import dashboard_rollup_compute
    from sufficiency.demo.reports import demo_board_reports_load, demo_strategy_load

    say("Computing dashboards and sufficiency gaps")
    for code in region.authorities:
        # What a worker's forecast run does next (forecasting's own gap), once all the supply is loaded.
        gap_assessment_compute(authority=la_by_code[code])
        dashboard_rollup_compute(authority=la_by_code[code])

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
    primary = la_by_code.get(PRIMARY_AUTHORITY) if PRIMARY_AUTHORITY in region.authorities else None
    if primary is not None:
        say("Writing the sufficiency strategy and publishing two board reports")
        from sufficiency.accounts.models import User

        author = User.objects.filter(email=f"commissioner@{DEMO_EMAIL_DOMAIN}").first()
        demo_strategy_load(authority=primary, acting_user=author)
        demo_board_reports_load(authority=primary, as_at=as_at, acting_user=author)
        demo_statements_load(authority=primary, as_at=as_at, acting_user=author)
    audit(
        action="demo.loaded",
        actor=acting_user,
        detail={"seed": seed, "authorities": list(region.authorities)},
    )
    return result


# The generator grades supported accommodation good / requires improvement / inadequate; Ofsted's
# supported accommodation framework gives one of three outcomes instead.
_SA_OUTCOMES = {"good": "sa_strong", "requires_improvement": "sa_inconsistent", "inadequate": "sa_serious"}


def _load_settings(region: DemoRegion, la_by_code: dict[str, LocalAuthority]) -> int:
    rows = []
    for row in region.settings:
        judgement = row["judgement"]
        if row["provision_type"] == "supported_accommodation":
            judgement = _SA_OUTCOMES.get(judgement, judgement)
        inspected = row["judgement_date"] and judgement != "not_yet_inspected"
        rows.append(
            {
                "urn": row["urn"],
                "provision_type": row["provision_type"],
                "name": row["name"],
                "postcode": row["postcode"] or "",
                "sector": row["sector"],
                "local_authority": row["la_dfe_code"],
                "registered_places": row["registered_places"],
                "registration_status": row["registration_status"],
                "registration_date": row["registration_date"],
                "closed_date": row.get("closed_date"),
                "owner": row["provider_name"],
                "inspections": [{"inspection_date": row["judgement_date"], "judgement": judgement}]
                if inspected
                else [],
            }
        )
    with transaction.atomic():
        settings_upsert(rows=rows, acting_user=None)
        for row in region.providers:
            Provider.objects.filter(name=row["name"]).update(sector=row["sector"])
        # Which settings are bought through a regional framework (not in Ofsted's files).
        for framework in {r["framework"] for r in region.settings}:
            urns = [r["urn"] for r in region.settings if r["framework"] == framework]
            Setting.objects.filter(urn__in=urns).update(framework=framework)
    return len(rows)


def _load_framework_memberships(authority: LocalAuthority, region: DemoRegion) -> int:
    """The authority's own record of the regional frameworks' homes and agencies it buys through, each
    with a tier (1-3, fixed per authority and setting, so authorities rank the same provider differently)."""
    import zlib

    on_framework = {r["urn"]: r["framework"] for r in region.settings if r["framework"]}
    for setting_id, urn in Setting.objects.filter(urn__in=on_framework).values_list("id", "urn"):
        FrameworkMembership.objects.update_or_create(
            authority=authority,
            setting_id=setting_id,
            defaults={
                "framework": on_framework[urn],
                "tier": 1 + zlib.crc32(f"{authority.dfe_code}:{urn}".encode()) % 3,
            },
        )
    return len(on_framework)


def _load_households(authority: LocalAuthority, rows: list[dict[str, Any]]) -> int:
    agencies = dict(
        Setting.objects.filter(urn__in={r["agency_urn"] for r in rows if r["agency_urn"]}).values_list(
            "urn", "id"
        )
    )
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
    from django.utils import timezone

    source = "Synthetic demo estimate consistent with the published rate"
    now = timezone.now()
    provenance = {"supplied_by_label": "demo loader", "supplied_at": now, "published_at": now}
    for year, population in rows:
        values = {"population_0_17": population, "source": source}
        AuthorityPopulation.objects.update_or_create(
            authority=authority, year=year, defaults=values, create_defaults={**values, **provenance}
        )


def _load_supply(authority: LocalAuthority, seed: int, demo: DemoAuthority) -> None:
    """The authority's own children's homes, a block contract (on the home whose beds the generator fills)
    and a spread of vacancies (some stale)."""
    import random

    from django.utils import timezone

    from placements.models import BlockContract, InHouseHome, Vacancy
    from placements.supply.services import vacancy_record

    rng = random.Random(f"{seed}-{authority.dfe_code}")
    own_homes = Setting.objects.filter(
        local_authority=authority,
        sector="local_authority",
        provision_type="childrens_home",
        registration_status="active",
    ).order_by("urn")
    for setting in own_homes:
        InHouseHome.objects.get_or_create(
            authority=authority,
            setting=setting,
            defaults={
                "name": setting.name or setting.urn,
                "registered_places": setting.registered_places or 4,
                "short_breaks": is_short_break_home(setting.name),
            },
        )
    block_home = Setting.objects.filter(urn=demo.block_home_urn).first() if demo.block_home_urn else None
    if block_home is not None:
        BlockContract.objects.get_or_create(
            authority=authority,
            reference=f"BLK-{authority.dfe_code}-01",
            defaults={
                "provider_name": block_home.provider.name if block_home.provider else "Independent provider",
                "setting": block_home,
                "category": "residential_external",
                "beds": demo.block_beds,
                "start_date": BLOCK_CONTRACT_START,
                "end_date": dt.date(2027, 3, 31),
                "weekly_cost_per_bed": Decimal("4850.00"),
            },
        )
    if Vacancy.objects.filter(authority=authority).exists():
        return  # loaded before: vacancies are not duplicated
    now = timezone.now()
    region_settings = list(
        Setting.objects.filter(
            local_authority__region=authority.region,
            provision_type__in=["childrens_home", "supported_accommodation"],
            registration_status="active",
        ).order_by("urn")
    )
    for setting in rng.sample(region_settings, min(18, len(region_settings))):
        residential = setting.provision_type == "childrens_home"
        age_min = rng.choice([8, 10, 11, 12]) if residential else 16
        vacancy_record(
            authority=authority,
            acting_user=None,
            setting=setting,
            places=rng.choice([1, 1, 1, 2]),
            age_min=age_min,
            age_max=17,
            categories=[
                "residential_external" if setting.sector != "local_authority" else "residential_inhouse"
            ]
            if residential
            else ["supported"],
            notes="Demo vacancy",
            recorded_at=now - dt.timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 35])),
        )
    households = list(
        FosteringHousehold.objects.filter(authority=authority, status="available", route="in_house").order_by(
            "reference"
        )
    )
    for household in rng.sample(households, min(10, len(households))):
        vacancy_record(
            authority=authority,
            acting_user=None,
            household=household,
            places=1,
            age_min=household.age_min,
            age_max=min(household.age_max, 17),
            categories=["fostering_inhouse"],
            notes="Demo vacancy",
            recorded_at=now - dt.timedelta(days=rng.choice([0, 1, 2, 4, 6, 9, 16, 30])),
        )


def _load_scenarios(authority: LocalAuthority, as_at: dt.date) -> None:
    """Three commissioning scenarios of the kind the seeds' strategies describe."""
    from forecasting.models import Scenario

    next_april = dt.date(as_at.year + (1 if as_at.month >= 4 else 0), 4, 1)
    examples = [
        (
            "Edge of care: 10% fewer 16-17 year olds entering",
            "An adolescent edge-of-care service reduces entries of 16 and 17 year olds by a tenth.",
            {"entry_rate_changes": {"16_17": -0.10}},
        ),
        (
            "Residential step-down: 15% a year to fostering",
            "Planned moves from external children's homes to in-house foster care.",
            {"transfers": [{"from_category": "residential_external", "to_category": "fostering_inhouse",
                            "annual_share": 0.15, "start": next_april.isoformat()}]},
        ),
        (
            "Fostering recruitment: +20 in-house places",
            "Twenty more in-house foster places a year from next April, instead of agency placements.",
            {"capacity_changes": [{"category": "fostering_inhouse", "extra_places": 20,
                                   "from_date": next_april.isoformat()}]},
        ),
    ]  # fmt: skip
    for name, description, levers in examples:
        Scenario.objects.update_or_create(
            authority=authority, name=name, defaults={"description": description, **levers}
        )


def _compute_forecast(authority: LocalAuthority) -> None:
    """Compute the authority's forecast now (the demo has no worker to wait for)."""
    from forecasting.choices import RunStatusChoices, RunTriggerChoices
    from forecasting.models import ForecastRun
    from forecasting.services import forecast_compute

    ForecastRun.objects.filter(authority=authority, trigger=RunTriggerChoices.DEMO).delete()
    run = ForecastRun.objects.create(
        authority=authority, trigger=RunTriggerChoices.DEMO, status=RunStatusChoices.RUNNING
    )
    forecast_compute(run=run)
