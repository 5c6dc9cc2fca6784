"""An England-sized placement market in a (throwaway) database, for the matching search and ledger
benchmarks. Synthetic, deterministic by seed; written with bulk_create (no audit or history rows).

- Ofsted settings in every English region at roughly Ofsted's counts: about 3,600 children's homes,
  1,130 supported accommodation services, 300 independent fostering agencies, 14 secure children's homes
  and 150 residential special schools, each in an authority of its region, at a real postcode of that
  authority (from the postcode directory the app uses, so distances are worked out as on the page);
- for every authority: in-house and agency fostering households (agencies mostly of its region), open
  vacancies at the demo's rate (10 in-house carers, 19 agency carers, 6 agencies, 18 homes and supported
  accommodation of its region, some stale), unit costs;
- placement requests with their approaches, offers, declines (coded reasons) and outcomes, as the demo
  shapes them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

# Settings per region (ONS region code): children's homes, supported accommodation, fostering agencies.
# Roughly the shares of Ofsted's register (the North West and West Midlands hold the most homes, London
# the most supported accommodation).
REGION_SETTINGS = {
    "E12000001": (230, 60, 20),  # North East
    "E12000002": (780, 170, 45),  # North West
    "E12000003": (390, 100, 30),  # Yorkshire and The Humber
    "E12000004": (380, 100, 30),  # East Midlands
    "E12000005": (620, 170, 35),  # West Midlands
    "E12000006": (250, 90, 30),  # East of England
    "E12000007": (200, 220, 35),  # London
    "E12000008": (420, 140, 45),  # South East
    "E12000009": (330, 80, 30),  # South West
}
SECURE, SPECIAL_SCHOOLS = 14, 150
HOUSEHOLDS = {"in_house": 150, "agency": 150}
VACANCIES = {"in_house": 10, "agency": 19, "ifa": 6, "settings": 18}
UNIT_COSTS = [
    ("fostering_inhouse", "in_house", 450),
    ("fostering_external", "framework", 900),
    ("fostering_external", "spot", 1050),
    ("residential_external", "framework", 5200),
    ("residential_external", "spot", 6100),
    ("supported", "framework", 1800),
]
JUDGEMENTS = [
    "outstanding",
    "good",
    "good",
    "good",
    "requires_improvement",
    "inadequate",
    "not_yet_inspected",
]
DECLINES = [
    ("NO_VACANCY", "provider", 30),
    ("CANNOT_MEET_NEEDS", "provider", 20),
    ("MATCHING", "provider", 15),
    ("RISK_TO_OTHERS", "provider", 12),
    ("SIBLING_GROUP", "provider", 6),
    ("LOCATION", "authority", 8),
    ("COST", "authority", 5),
    ("DECLINED_BY_LA", "authority", 4),
    ("DECLINED_BY_CHILD", "child", 3),
    ("OTHER", "provider", 3),
]
CLOSE_REASONS = [
    "no_suitable_placement",
    "no_vacancy",
    "plan_changed",
    "returned_home",
    "current_placement_held",
]


class Market:
    """What was built: the authorities, each region's settings by kind, each authority's households."""

    def __init__(self) -> None:
        self.authorities: list[Any] = []
        self.postcodes: dict[int, list[str]] = {}
        self.ifas: dict[int, list[Any]] = {}  # region id -> agencies
        self.homes: dict[int, list[Any]] = {}  # region id -> homes, secure homes, schools
        self.supported: dict[int, list[Any]] = {}  # region id -> supported accommodation
        self.households: dict[int, list[Any]] = {}  # authority id -> households


def build_market(*, authority_codes: list[str], seed: int = 2026, log: Any = print) -> Market:
    """Settings for all England, then households, vacancies and unit costs for each authority."""
    from django.utils import timezone

    from placements import geo
    from placements.models import FosteringHousehold, FrameworkMembership, Setting, UnitCost, Vacancy
    from sufficiency.authorities.models import LocalAuthority
    from sufficiency.authorities.reference import ensure_local_authorities

    ensure_local_authorities()
    rng = random.Random(seed)
    market = Market()
    everyone = list(LocalAuthority.objects.select_related("region").order_by("dfe_code"))
    market.authorities = [la for la in everyone if la.dfe_code in set(authority_codes)]
    for la in everyone:
        market.postcodes[la.pk] = geo.sample_postcodes(la.ons_code, 120, seed=1)
    log(f"  postcodes sampled for {len(everyone)} authorities")
    by_region: dict[int, list[Any]] = {}
    for la in everyone:
        if market.postcodes[la.pk]:
            by_region.setdefault(la.region_id, []).append(la)
    region_code = {la.region_id: la.region.code for la in everyone}
    settings: list[Any] = []
    numbers = itertools.count(1)

    def setting(provision: str, region_id: int) -> Any:
        la = rng.choice(by_region[region_id])
        n = next(numbers)
        return Setting(
            urn=f"SC{n:06d}",
            name=f"Setting {n}",
            provision_type=provision,
            sector=rng.choice(["private", "private", "voluntary", "local_authority"]),
            local_authority=la,
            postcode=rng.choice(market.postcodes[la.pk]),
            registration_status="active",
            registered_places=rng.choice([2, 3, 4, 4, 6]),
            latest_judgement=rng.choice(JUDGEMENTS),
            framework=rng.choice(["", "Regional framework"]),
        )

    total_homes = sum(h for h, _, _ in REGION_SETTINGS.values())
    for region_id in sorted(by_region):
        homes, supported, ifas = REGION_SETTINGS[region_code[region_id]]
        kinds = [
            ("independent_fostering_agency", ifas),
            ("childrens_home", homes),
            ("secure_childrens_home", round(SECURE * homes / total_homes)),
            ("residential_special_school", round(SPECIAL_SCHOOLS * homes / total_homes)),
            ("supported_accommodation", supported),
        ]
        for provision, count in kinds:
            settings += [setting(provision, region_id) for _ in range(count)]
    Setting.objects.bulk_create(settings, batch_size=2000)
    # A regional framework's settings are on each of the region's authorities' own frameworks.
    FrameworkMembership.objects.bulk_create(
        [
            FrameworkMembership(authority=la, setting_id=pk, framework=framework)
            for pk, framework, region_id in Setting.objects.exclude(framework="").values_list(
                "pk", "framework", "local_authority__region_id"
            )
            for la in by_region.get(region_id, [])
        ],
        batch_size=2000,
    )
    for s in Setting.objects.select_related("local_authority").order_by("urn"):
        assert s.local_authority is not None  # every setting built here is in an authority
        region_id = s.local_authority.region_id
        if s.provision_type == "independent_fostering_agency":
            market.ifas.setdefault(region_id, []).append(s)
        elif s.provision_type == "supported_accommodation":
            market.supported.setdefault(region_id, []).append(s)
        else:
            market.homes.setdefault(region_id, []).append(s)
    counts: dict[str, int] = {}
    for s in settings:
        counts[s.provision_type] = counts.get(s.provision_type, 0) + 1
    log(f"  settings: {len(settings)} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")

    all_ifas = [s for group in market.ifas.values() for s in group]
    households: list[Any] = []
    for la in market.authorities:
        own = market.postcodes[la.pk]
        region_ifas = market.ifas.get(la.region_id, all_ifas)
        for route, count in HOUSEHOLDS.items():
            for i in range(count):
                agency = None
                if route == "agency":
                    agency = rng.choice(region_ifas if rng.random() < 0.85 else all_ifas)
                households.append(
                    FosteringHousehold(
                        authority=la,
                        reference=f"{'FC' if route == 'in_house' else 'IFC'}{i:04d}",
                        route=route,
                        agency=agency,
                        approval_date=dt.date(2015, 1, 1),
                        approved_places=rng.choice([1, 2, 2, 3, 4]),
                        age_min=rng.choice([0, 0, 5, 11]),
                        age_max=17,
                        postcode_district=rng.choice(own).split(" ")[0] if own else "",
                    )
                )
    FosteringHousehold.objects.bulk_create(households, batch_size=2000)
    for h in FosteringHousehold.objects.order_by("authority_id", "reference"):
        market.households.setdefault(h.authority_id, []).append(h)
    log(f"  fostering households: {len(households)} for {len(market.authorities)} authorities")

    now = timezone.now()
    vacancies: list[Any] = []
    costs: list[Any] = []
    for la in market.authorities:
        held = market.households[la.pk]
        in_house = [h for h in held if h.route == "in_house"]
        agency = [h for h in held if h.route == "agency"]
        used_ifas = sorted({h.agency_id for h in agency})
        region_settings = market.homes[la.region_id] + market.supported[la.region_id]

        def vacancy(**kw: object) -> Any:
            return Vacancy(
                authority=la,  # noqa: B023 - used within this iteration only
                places=rng.choice([1, 1, 2, 3]),
                age_min=0,
                age_max=17,
                recorded_at=now - dt.timedelta(days=rng.choice([0, 1, 2, 4, 8, 16, 35])),
                **kw,
            )

        vacancies += (
            [vacancy(household=h, categories=["fostering_inhouse"]) for h in rng.sample(in_house, VACANCIES["in_house"])]
            + [vacancy(household=h, categories=["fostering_external"]) for h in rng.sample(agency, VACANCIES["agency"])]
            + [vacancy(setting_id=s, categories=["fostering_external"]) for s in rng.sample(used_ifas, min(len(used_ifas), VACANCIES["ifa"]))]
            + [vacancy(setting=s) for s in rng.sample(region_settings, VACANCIES["settings"])]
        )  # fmt: skip
        costs += [
            UnitCost(
                authority=la,
                category=category,
                route=route,
                weekly_cost=cost,
                effective_from=dt.date(2024, 4, 1),
            )
            for category, route, cost in UNIT_COSTS
        ]
    Vacancy.objects.bulk_create(vacancies, batch_size=2000)
    UnitCost.objects.bulk_create(costs, batch_size=2000)
    log(f"  open vacancies: {len(vacancies)}; unit costs: {len(costs)}")
    return market


def build_requests(
    market: Market, *, authority: Any, per_year: int, years: int, end: dt.date, seed: int
) -> tuple[int, int]:
    """`years` years (to `end`) of one authority's placement requests with their approaches, offers,
    declines and outcomes. Returns (requests, approaches)."""
    from django.utils import timezone

    from placements.models import Approach, PlacementRequest

    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    households = market.households.get(authority.pk, [])
    in_house = [h for h in households if h.route == "in_house"]
    agency = [h for h in households if h.route == "agency"]
    homes = market.homes[authority.region_id]
    supported = market.supported[authority.region_id]
    ifas = market.ifas[authority.region_id]
    own = market.postcodes[authority.pk]
    days = years * 365
    requests: list[Any] = []
    plans: list[list[tuple[Any, str, int]]] = []  # per request: (target, outcome, day offset)
    for _ in range(per_year * years):
        requested_on = end - dt.timedelta(days=rng.randrange(days))
        age = rng.choice([0, 2, 5, 8, 10, 12, 13, 14, 14, 15, 15, 16, 16, 17])
        if age >= 16 and rng.random() < 0.5:
            suit = {"fostering": "suitable", "residential": "unsuitable", "supported": "preferred"}
        elif age >= 13 and rng.random() < 0.35:
            suit = {"fostering": "suitable", "residential": "preferred", "supported": "unsuitable"}
        else:
            suit = {"fostering": "preferred", "residential": "suitable", "supported": "unsuitable"}
        urgency = rng.choices(["planned", "emergency", "same_day"], weights=[60, 30, 10])[0]
        siblings = rng.choices([0, 1, 2], weights=[85, 10, 5])[0]
        recent = (end - requested_on).days < 21
        outcome = rng.choices(["placed", "withdrawn", "not_placed"], weights=[78, 12, 10])[0]
        if recent and rng.random() < 0.6:
            outcome = rng.choice(["open", "searching", "offers_received"])
        # Approaches: one to eight providers or carers, of the kind the plan prefers (some of the others).
        targets: list[Any] = []
        for _ in range(rng.randint(1, 8)):
            kind = "preferred" if rng.random() < 0.75 else "suitable"
            pool_kind = next((k for k, v in suit.items() if v == kind), "fostering")
            if pool_kind == "fostering":
                pool = rng.choice([in_house, agency, ifas])
            elif pool_kind == "residential":
                pool = homes
            else:
                pool = supported
            target = rng.choice(pool)
            if target not in targets:
                targets.append(target)
        placed_with = rng.choice(targets) if outcome == "placed" else None
        lead = rng.randint(0, 2) if urgency != "planned" else rng.randint(3, 60)
        placed_on = min(requested_on + dt.timedelta(days=lead), end) if placed_with is not None else None
        fields: dict[str, Any] = {}
        if placed_with is not None:
            is_household = not hasattr(placed_with, "provision_type")
            if is_household:
                category = "fostering_inhouse" if placed_with.route == "in_house" else "fostering_external"
                route = "in_house" if placed_with.route == "in_house" else rng.choice(["framework", "spot"])
            else:
                category = {
                    "independent_fostering_agency": "fostering_external",
                    "supported_accommodation": "supported",
                    "secure_childrens_home": "residential_secure",
                    "residential_special_school": "residential_school",
                }.get(placed_with.provision_type, "residential_external")
                route = rng.choice(["framework", "spot", "spot"])
            kind_of = (
                "fostering"
                if category.startswith("fostering")
                else "supported"
                if category == "supported"
                else "residential"
            )
            split = siblings > 0 and rng.random() < 0.3
            fields = {
                "placed_on": placed_on,
                "placed_household" if is_household else "placed_setting": placed_with,
                "placed_category": category,
                "placed_route": route,
                "agreed_weekly_cost": {"fostering": 950, "residential": 5600, "supported": 1900}[kind_of]
                + rng.randint(-200, 900),
                "siblings_outcome": ("split" if split else "together") if siblings else "",
                "placed_to_plan": suit[kind_of] == "preferred" and not split,
            }
        elif outcome in ("withdrawn", "not_placed"):
            fields = {
                "close_reason": rng.choice(CLOSE_REASONS),
                "closed_on": min(requested_on + dt.timedelta(days=rng.randint(1, 40)), end),
            }
        requests.append(
            PlacementRequest(
                authority=authority,
                birth_month=requested_on.replace(day=1).replace(year=requested_on.year - age - 1),
                sex=rng.choice("MF"),
                home_postcode=rng.choice(own).split(" ")[0] if own else "",
                requested_on=requested_on,
                urgency=urgency,
                siblings=siblings,
                max_distance_miles=rng.choice([None, 20, 30, 50]),
                status=outcome,
                **suit,
                **fields,
            )
        )
        plans.append([(t, "accepted" if t is placed_with else "", 0) for t in targets])
    PlacementRequest.objects.bulk_create(requests, batch_size=2000)
    approaches: list[Any] = []
    for request, plan in zip(requests, plans, strict=True):
        if request.pk is None:  # backends that do not return keys from bulk_create
            raise RuntimeError("bulk_create returned no primary keys")
        for target, accepted, _ in plan:
            at = dt.datetime.combine(request.requested_on, dt.time(9 + rng.randrange(8)), tzinfo=tz)
            reply: dict[str, Any] = {"status": "awaiting"}
            if accepted:
                reply = {"status": "accepted", "offered_at": at + dt.timedelta(hours=3)}
            elif request.status != "open" and rng.random() < 0.8:
                reason, by, _w = rng.choices(DECLINES, weights=[w for _, _, w in DECLINES])[0]
                if reason == "SIBLING_GROUP" and not request.siblings:
                    reason = "NO_VACANCY"
                reply = {
                    "status": "declined",
                    "declined_at": at + dt.timedelta(hours=rng.randint(1, 72)),
                    "declined_by": by,
                    "decline_reason": reason,
                }
                if rng.random() < 0.3:
                    reply["offered_at"] = at + dt.timedelta(hours=2)
            elif rng.random() < 0.3:
                reply = {"status": "offered", "offered_at": at + dt.timedelta(hours=5)}
            is_household = not hasattr(target, "provision_type")
            approaches.append(
                Approach(
                    authority=authority,
                    placement_request=request,
                    approached_at=at,
                    **({"household": target} if is_household else {"setting": target}),
                    **reply,
                )
            )
    Approach.objects.bulk_create(approaches, batch_size=5000)
    return len(requests), len(approaches)
