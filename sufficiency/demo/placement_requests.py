"""A realistic year of placement requests for a demo authority, so the unmet-need ledger is populated.

Deterministic by seed, and written through the placement-finding services (so every request has its
history and audit rows, attributed to whoever runs the demo loader). Run again, it adds nothing: an
authority that already has requests is left as it is.

The shape follows what placement teams report (docs/domain.md sections 5 and 6; Staffordshire's
fostering-preferred-but-residential finding):

- about 1.6 requests per new placement of the year (most searches end in a placement; some are withdrawn
  or end unplaced); planned and emergency (including same-day) about 60/40;
- each placed request is for a child of the register and ends in the placement its SSDA903 episode
  records (same category, start date), so linking after an import has something to find;
- fostering is preferred for most children under 16 (a share of them end up in residential care),
  residential for some older children, supported accommodation for 16 and 17 year olds;
- one to eight providers or carers approached, offers from some, declines with coded reasons (for a
  child with siblings, often "cannot take the sibling group together");
- requests made in the last three weeks before `as_at` are often still being worked.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db import transaction

from placements.categories import NEW_PLACEMENT_RNE, age_on
from placements.finding import services
from placements.finding.lifecycle import KIND_OF_CATEGORY
from placements.finding.linking import placement_requests_link_episodes
from placements.models import (
    FosteringHousehold,
    FrameworkMembership,
    InHouseHome,
    PlacementEpisode,
    PlacementRequest,
    Setting,
    UnitCost,
)
from sufficiency.authorities.models import LocalAuthority

logger = logging.getLogger(__name__)

REQUESTS_PER_PLACEMENT = 1.6
MAX_PLACED_REQUESTS = 320  # keeps `make run` quick for the largest authorities
DECLINE_REASONS = [
    ("NO_VACANCY", "provider", 30),
    ("CANNOT_MEET_NEEDS", "provider", 20),
    ("MATCHING", "provider", 15),
    ("RISK_TO_OTHERS", "provider", 12),
    ("LOCATION", "authority", 8),
    ("COST", "authority", 5),
    ("DECLINED_BY_LA", "authority", 4),
    ("DECLINED_BY_CHILD", "child", 3),
    ("OTHER", "provider", 3),
]
#: Of providers' declines for a child with siblings to place with, the share for the sibling group.
SIBLING_GROUP_DECLINE_SHARE = 0.4
NOT_PLACED_REASONS = [("no_suitable_placement", 5), ("no_vacancy", 3), ("unregistered", 2)]
WITHDRAWN_REASONS = [
    ("returned_home", 4),
    ("plan_changed", 3),
    ("current_placement_held", 3),
    ("duplicate", 1),
]
PROVISIONS = {
    "fostering": ["independent_fostering_agency"],
    "residential": ["childrens_home", "childrens_home", "childrens_home", "residential_special_school"],
    "supported": ["supported_accommodation"],
}


def _weighted(rng: random.Random, options: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    return rng.choices(options, weights=[o[-1] for o in options])[0]


def _at(day: dt.date, rng: random.Random, hour: int | None = None) -> dt.datetime:
    tz = ZoneInfo(django_settings.TIME_ZONE)
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        hour if hour is not None else rng.randint(8, 17),
        rng.randint(0, 59),
        tzinfo=tz,
    )


def _suitability(rng: random.Random, category: str, age: int) -> dict[str, str]:
    """What the plan said, given what was (eventually) made and the child's age."""
    kind = KIND_OF_CATEGORY.get(category, "fostering")
    supported = "suitable" if age >= 16 else "unsuitable"
    if kind == "supported":
        if rng.random() < 0.2:  # a home was wanted; supported accommodation was what could be found
            return {"fostering": "suitable", "residential": "preferred", "supported": "suitable"}
        return {
            "fostering": rng.choice(["suitable", "unsuitable"]),
            "residential": "suitable",
            "supported": "preferred",
        }
    if kind == "residential":
        if age < 16 and rng.random() < 0.5:  # fostering preferred but residential used
            return {"fostering": "preferred", "residential": "suitable", "supported": supported}
        return {
            "fostering": rng.choice(["suitable", "unsuitable"]),
            "residential": "preferred",
            "supported": supported,
        }
    if age >= 16 and rng.random() < 0.3:
        return {"fostering": "suitable", "residential": "unsuitable", "supported": "preferred"}
    return {
        "fostering": "preferred",
        "residential": rng.choice(["suitable", "unsuitable"]),
        "supported": supported,
    }


def _urgency(rng: random.Random) -> str:
    roll = rng.random()
    return "planned" if roll < 0.6 else "emergency" if roll < 0.85 else "same_day"


def _lead_days(rng: random.Random, urgency: str) -> int:
    if urgency == "same_day":
        return 0
    if urgency == "emergency":
        return rng.choice([0, 1, 1, 2, 3, 5])
    return rng.choice([4, 7, 10, 14, 18, 21, 28, 35, 42, 56])


def demo_requests_load(
    *, authority: LocalAuthority, as_at: dt.date, seed: int, acting_user: Any = None
) -> dict[str, int]:
    """Create the authority's demo placement requests for the year to `as_at` (see the module docstring).
    Returns counts by final status. One transaction for the lot: each service's own transaction becomes a
    savepoint, so the demo commits once rather than thousands of times."""
    with transaction.atomic():
        return _load(authority=authority, as_at=as_at, seed=seed, acting_user=acting_user)


def _load(*, authority: LocalAuthority, as_at: dt.date, seed: int, acting_user: Any) -> dict[str, int]:
    if PlacementRequest.objects.for_authority(authority).exists():
        return {}
    rng = random.Random(f"{seed}-{authority.dfe_code}-placement-requests")
    start = as_at - dt.timedelta(days=364)
    episodes = list(
        PlacementEpisode.objects.for_authority(authority)
        .filter(decom__gte=start, decom__lte=as_at, rne__in=NEW_PLACEMENT_RNE)
        .exclude(ls__in=["V3", "V4"])
        .filter(category__in=list(KIND_OF_CATEGORY))
        .select_related("child", "setting")
        .order_by("decom", "child__child_ref")
    )
    placed_episodes = rng.sample(episodes, min(len(episodes), MAX_PLACED_REQUESTS))
    placed_episodes.sort(key=lambda e: (e.decom, e.child.child_ref))
    unplaced_count = round(len(placed_episodes) * (REQUESTS_PER_PLACEMENT - 1))
    own_homes = set(InHouseHome.objects.for_authority(authority).values_list("setting_id", flat=True))
    on_frameworks = set(
        FrameworkMembership.objects.for_authority(authority).values_list("setting_id", flat=True)
    )
    pools: dict[str, list[Setting]] = {}
    for kind, provisions in PROVISIONS.items():
        pools[kind] = list(
            Setting.objects.filter(
                local_authority__region_id=authority.region_id,
                provision_type__in=set(provisions),
                registration_status="active",
            ).order_by("urn")
        )
    households = list(
        FosteringHousehold.objects.for_authority(authority)
        .filter(route="in_house")
        .exclude(status="deregistered")
        .order_by("reference")
    )
    unit_costs = {
        (u.category, u.route): u.weekly_cost
        for u in UnitCost.objects.for_authority(authority).order_by("effective_from")
    }
    children = sorted({e.child.child_ref: e.child for e in episodes}.values(), key=lambda c: c.child_ref)
    counts: dict[str, int] = {}

    def targets(kind: str, n: int) -> tuple[list[Setting], list[FosteringHousehold]]:
        if kind == "fostering":
            n_households = min(len(households), rng.randint(0, n))
            chosen_households = rng.sample(households, n_households)
            chosen_settings = rng.sample(pools["fostering"], min(len(pools["fostering"]), n - n_households))
            return chosen_settings, chosen_households
        return rng.sample(pools[kind], min(len(pools[kind]), n)), []

    def work(
        req: PlacementRequest, kind: str, requested: dt.date, until: dt.date, *, leave_offer: bool = False
    ) -> None:
        """Approach providers of the preferred kind; some decline, some offer (offers then declined)."""
        settings, carers = targets(kind, rng.randint(1, 6))
        if not settings and not carers:
            return
        approaches = services.placement_request_approach(
            placement_request=req,
            settings=settings,
            households=carers,
            acting_user=acting_user,
            at=_at(requested, rng, 9),
        )
        day = min(until, requested + dt.timedelta(days=rng.randint(0, 2)))
        for index, approach in enumerate(approaches):
            roll = rng.random()
            if leave_offer and index == 0:
                services.approach_offer_record(
                    approach=approach, acting_user=acting_user, at=_at(day, rng, 12)
                )
            elif roll < 0.6:
                reason, by, _ = _weighted(rng, DECLINE_REASONS)
                if req.siblings and rng.random() < SIBLING_GROUP_DECLINE_SHARE:
                    reason, by = "SIBLING_GROUP", "provider"
                services.approach_decline(
                    approach=approach,
                    declined_by=by,
                    reason=reason,
                    acting_user=acting_user,
                    at=_at(day, rng, 14),
                )
            elif roll < 0.8:
                services.approach_offer_record(
                    approach=approach, acting_user=acting_user, at=_at(day, rng, 12)
                )
                reason, by, _ = _weighted(
                    rng,
                    [
                        ("MATCHING", "authority", 3),
                        ("DECLINED_BY_CHILD", "child", 2),
                        ("COST", "authority", 2),
                        ("LOCATION", "authority", 2),
                    ],
                )
                services.approach_decline(
                    approach=approach,
                    declined_by=by,
                    reason=reason,
                    acting_user=acting_user,
                    at=_at(day, rng, 16),
                )

    for episode in placed_episodes:
        child = episode.child
        age = age_on(child.dob, episode.decom)
        urgency = _urgency(rng)
        requested = max(start, episode.decom - dt.timedelta(days=_lead_days(rng, urgency)))
        suitability = _suitability(rng, episode.category, age)
        req = services.placement_request_create(
            authority=authority,
            data={
                "child_ref": child.child_ref,
                "requested_on": requested,
                "urgency": urgency,
                **suitability,
                "siblings": rng.choices([0, 1, 2], weights=[80, 15, 5])[0],
                "max_distance_miles": rng.choice([None, 20, 20, 30, 50]),
                "risk_missing": rng.choice(["", "none", "low", "high"]),
                "risk_exploitation": rng.choice(["", "none", "low", "high"]) if age >= 10 else "",
            },
            acting_user=acting_user,
            at=_at(requested, rng, 9),
        )
        kind = KIND_OF_CATEGORY[episode.category]
        direct = episode.category in ("fostering_inhouse", "fostering_kinship") and rng.random() < 0.3
        if not direct:
            work(req, suitability_kind(suitability), requested, episode.decom)
            req.refresh_from_db()
        setting = (
            episode.setting
            if episode.setting_id and episode.category not in ("fostering_inhouse", "fostering_kinship")
            else None
        )
        household = None
        if setting is None:
            if kind == "fostering" and episode.category != "fostering_external" and households:
                household = rng.choice(households)
            elif pools.get(kind):
                setting = rng.choice(pools[kind])
        if setting is None and household is None:
            continue
        route = (
            "in_house" if household is not None or (setting is not None and setting.pk in own_homes) else ""
        )
        if not route:
            route = "framework" if setting is not None and setting.pk in on_frameworks else "spot"
        base = unit_costs.get((episode.category, route)) or unit_costs.get((episode.category, "spot"))
        cost = (
            (base * Decimal(str(round(rng.uniform(0.9, 1.25), 2)))).quantize(Decimal("1")) if base else None
        )
        approach = None
        if not direct:
            # The placement came through the search: the provider or carer was approached and offered.
            new = services.placement_request_approach(
                placement_request=req,
                settings=[setting] if setting is not None else [],
                households=[household] if household is not None else [],
                acting_user=acting_user,
                at=_at(requested, rng, 10),
            )
            approach = new[0] if new else req.approaches.filter(setting=setting, household=household).first()
            if approach is not None and approach.status == "declined":
                approach = None
            if approach is not None and approach.status == "awaiting":
                offered = min(episode.decom, requested + dt.timedelta(days=1))
                services.approach_offer_record(
                    approach=approach, weekly_cost=cost, acting_user=acting_user, at=_at(offered, rng, 11)
                )
        if approach is not None:
            setting = household = None
        services.placement_request_place(
            placement_request=req,
            placed_on=episode.decom,
            approach=approach,
            setting=setting,
            household=household,
            category=episode.category,
            route=route,
            weekly_cost=cost,
            siblings_outcome=rng.choice(["together", "together", "split"]) if req.siblings else "",
            acting_user=acting_user,
            at=_at(episode.decom, rng, 17),
        )
        counts["placed"] = counts.get("placed", 0) + 1

    for _ in range(unplaced_count):
        requested = start + dt.timedelta(days=rng.randint(0, 364))
        urgency = _urgency(rng)
        referral = rng.random() < 0.35 or not children
        child = None if referral else rng.choice(children)
        age = rng.randint(8, 17) if child is None else age_on(child.dob, requested)
        suitability = _suitability(
            rng,
            rng.choice(
                ["fostering_external", "residential_external", "residential_external", "supported"]
                if age >= 16
                else ["fostering_external", "residential_external"]
            ),
            age,
        )
        data: dict[str, Any] = {"requested_on": requested, "urgency": urgency, **suitability}
        if child is None:
            data.update(
                birth_month=(requested - dt.timedelta(days=365 * age + rng.randint(0, 360))).replace(day=1),
                sex=rng.choice(["M", "F"]),
                home_postcode="",
            )
        else:
            data["child_ref"] = child.child_ref
        req = services.placement_request_create(
            authority=authority, data=data, acting_user=acting_user, at=_at(requested, rng, 9)
        )
        recent = (as_at - requested).days < 21
        if recent and rng.random() < 0.7:
            work(req, suitability_kind(suitability), requested, as_at, leave_offer=rng.random() < 0.4)
            counts["active"] = counts.get("active", 0) + 1
            continue
        work(req, suitability_kind(suitability), requested, as_at)
        req.refresh_from_db()
        closed = min(as_at, requested + dt.timedelta(days=rng.randint(1, 30)))
        if rng.random() < 0.5:
            reason = _weighted(rng, NOT_PLACED_REASONS)[0]
            services.placement_request_mark_not_placed(
                placement_request=req,
                reason=reason,
                on=closed,
                acting_user=acting_user,
                at=_at(closed, rng, 17),
            )
            counts["not_placed"] = counts.get("not_placed", 0) + 1
        else:
            reason = _weighted(rng, WITHDRAWN_REASONS)[0]
            services.placement_request_withdraw(
                placement_request=req,
                reason=reason,
                on=closed,
                acting_user=acting_user,
                at=_at(closed, rng, 17),
            )
            counts["withdrawn"] = counts.get("withdrawn", 0) + 1
    # The placements are already in the register: link them now, as the next import would.
    counts["linked"] = placement_requests_link_episodes(authority=authority, acting_user=acting_user)[
        "linked"
    ]
    logger.info("demo placement requests authority=%s counts=%s", authority.dfe_code, counts)
    return counts


def suitability_kind(suitability: dict[str, str]) -> str:
    """The kind the team searches for first: the preferred one (else the first suitable)."""
    for wanted in ("preferred", "suitable"):
        for kind in ("fostering", "residential", "supported"):
            if suitability.get(kind) == wanted:
                return kind
    return "fostering"
