"""Reads of placement finding: candidates for the matching search, the ledger's frames, and the figures
the KPI catalogue and board report take from them.

Every selector takes the authority explicitly; views have already checked the user may see it (and
child-level requests are read only by child-level roles: the ledger's aggregates by dashboard roles).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings as django_settings
from django.db.models import Count, Q
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.periods import period_for

from .. import geo
from ..categories import age_on
from ..choices import HouseholdStatusChoices, RegistrationStatusChoices, VacancyStatusChoices
from ..models import (
    Approach,
    BlockContract,
    FosteringHousehold,
    FrameworkMembership,
    InHouseHome,
    PlacementRequest,
    Setting,
    UnitCost,
    Vacancy,
)
from ..querysets import vacancy_stale_cutoff
from ..selectors import framework_memberships
from . import ledger
from .matching import (
    KIND_OF_CATEGORY,
    Candidate,
    Match,
    RequestSpec,
    household_category,
    household_route,
    match_candidates,
    setting_category,
)

MAX_EXTRA_CANDIDATES = 150


# --- Matching ---------------------------------------------------------------------------------------------------


def request_spec(
    placement_request: PlacementRequest, *, min_judgement: str | None = None, on: dt.date | None = None
) -> RequestSpec:
    """The matching spec of a request. Age is worked out from the month of birth (as if born on the 1st)."""
    on = on or timezone.localdate()
    return RequestSpec(
        suitability={k: getattr(placement_request, k) for k in ("fostering", "residential", "supported")},
        age=age_on(placement_request.birth_month, on) if placement_request.birth_month else None,
        needs=frozenset(placement_request.needs or ()),
        max_distance_miles=float(placement_request.max_distance_miles)
        if placement_request.max_distance_miles
        else None,
        avoid_districts=frozenset(
            a.strip() for a in placement_request.areas_to_avoid.split(",") if a.strip()
        ),
        siblings=placement_request.siblings,
        min_judgement=min_judgement or django_settings.MATCHING_MIN_JUDGEMENT,
    )


_UNIT_COST_COLUMNS = ["category", "route", "weekly_cost", "effective_from", "effective_to"]


def _unit_costs(authority: LocalAuthority) -> pd.DataFrame:
    return pd.DataFrame(
        list(UnitCost.objects.for_authority(authority).values(*_UNIT_COST_COLUMNS)),
        columns=_UNIT_COST_COLUMNS,
    ).astype({"weekly_cost": float})


def _unit_costs_of(authority_ids: list[int]) -> pd.DataFrame:
    """The unit costs of these authorities (with authority_id), read in one query."""
    return pd.DataFrame(
        list(
            UnitCost.objects.filter(authority_id__in=authority_ids)
            .order_by("id")
            .values("authority_id", *_UNIT_COST_COLUMNS)
        ),
        columns=["authority_id", *_UNIT_COST_COLUMNS],
    ).astype({"weekly_cost": float})


def _district(postcode: str) -> str:
    normalised = geo.normalise_postcode(postcode) or ""
    return normalised.partition(" ")[0]


def _choose_category(categories: list[str], fallback: str, suitability: dict[str, str]) -> str:
    """Of the categories a vacancy can take, the one the child's plan likes best."""
    for wanted in ("preferred", "suitable"):
        for category in categories:
            if suitability.get(KIND_OF_CATEGORY.get(category, ""), "") == wanted:
                return category
    return categories[0] if categories else fallback


def _nearest(pool: Any, home_postcode: str, limit: int | None = None) -> list[int]:
    """Of (id, postcode) pairs in their listed order, the ids of the `limit` nearest the child's home (those
    whose distance is unknown last, the listed order breaking ties). A region holds hundreds of homes:
    the first `limit` by URN would leave out ones next door. Only ids and postcodes are read for all."""
    limit = MAX_EXTRA_CANDIDATES if limit is None else limit
    pairs = list(pool)
    if len(pairs) <= limit:
        return [pk for pk, _ in pairs]
    miles = geo.distances_miles(
        pd.Series([home_postcode or ""] * len(pairs)), pd.Series([place or "" for _, place in pairs])
    )["miles"].to_numpy()
    order = np.argsort(np.where(np.isnan(miles), np.inf, miles), kind="stable")
    return [pairs[i][0] for i in order[:limit]]


def match_candidates_for_request(
    *,
    placement_request: PlacementRequest,
    min_judgement: str | None = None,
    include_without_vacancy: bool = False,
    now: dt.datetime | None = None,
) -> list[Match]:
    """Every household (in-house or agency carers the authority holds) and setting (children's homes,
    supported accommodation, independent fostering agencies) with an open vacancy offered to the authority
    (fresh or stale), optionally also the region's homes and supported accommodation, the fostering
    agencies the authority uses and its available households without one, checked and scored by
    `matching.match_candidates`. In-house and external on one list."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    authority = placement_request.authority
    spec = request_spec(placement_request, min_judgement=min_judgement, on=today)
    cutoff = vacancy_stale_cutoff(now)
    own_home_settings = set(InHouseHome.objects.for_authority(authority).values_list("setting_id", flat=True))
    blocks = {
        c.setting_id: float(c.weekly_cost_per_bed)
        for c in BlockContract.objects.for_authority(authority).active_on(today).exclude(setting=None)
    }
    unit_costs = ledger.UnitCosts(_unit_costs(authority))

    def unit_cost(category: str, route: str) -> float | None:
        """The authority's weekly unit cost of a category and route today (worked out once per pair)."""
        return unit_costs.on(category, (route,), today)

    vacancies = (
        Vacancy.objects.for_authority(authority)
        .filter(status=VacancyStatusChoices.OPEN)
        .select_related("setting", "household", "household__agency")
        .order_by("-recorded_at")
    )
    seen: set[str] = set()
    raw: list[dict[str, Any]] = []
    for vacancy in vacancies:
        key = f"setting:{vacancy.setting_id}" if vacancy.setting_id else f"household:{vacancy.household_id}"
        if key in seen:
            continue  # the freshest vacancy of each setting or household speaks for it
        seen.add(key)
        raw.append(
            {"key": key, "vacancy": vacancy, "setting": vacancy.setting, "household": vacancy.household}
        )
    if include_without_vacancy:
        wanted_types = [
            provision
            for provision in (
                "childrens_home",
                "secure_childrens_home",
                "residential_special_school",
                "supported_accommodation",
            )
            if spec.suitability.get(
                KIND_OF_CATEGORY.get(setting_category(provision, own=False), ""), "unsuitable"
            )
            != "unsuitable"
        ]
        wanted = Q(local_authority__region_id=authority.region_id, provision_type__in=wanted_types)
        if spec.suitability.get("fostering", "unsuitable") != "unsuitable":
            # The independent fostering agencies the authority uses: those whose carers it holds, and
            # those on one of its own frameworks.
            # (A subquery of the authority's own households, not a join: the join read every
            # authority's households and needed DISTINCT.)
            used = FosteringHousehold.objects.for_authority(authority).exclude(agency=None)
            on_framework = FrameworkMembership.objects.for_authority(authority)
            wanted |= Q(provision_type="independent_fostering_agency") & (
                Q(id__in=used.order_by().values("agency_id"))
                | Q(id__in=on_framework.order_by().values("setting_id"))
            )
        settings_pool = (
            Setting.objects.filter(wanted, registration_status=RegistrationStatusChoices.ACTIVE)
            .exclude(id__in=[int(k.split(":")[1]) for k in seen if k.startswith("setting:")])
            .order_by("urn")
        )
        extra_settings = settings_pool.filter(
            id__in=_nearest(settings_pool.values_list("id", "postcode"), placement_request.home_postcode)
        ).order_by("urn")
        raw += [
            {"key": f"setting:{s.pk}", "vacancy": None, "setting": s, "household": None}
            for s in extra_settings
        ]
        if spec.suitability.get("fostering") != "unsuitable":
            households_pool = (
                FosteringHousehold.objects.for_authority(authority)
                .filter(status=HouseholdStatusChoices.AVAILABLE)
                .exclude(id__in=[int(k.split(":")[1]) for k in seen if k.startswith("household:")])
                .order_by("reference")
            )
            extra_households = (
                households_pool.filter(
                    id__in=_nearest(
                        households_pool.values_list("id", "postcode_district"),
                        placement_request.home_postcode,
                    )
                )
                .select_related("agency")
                .order_by("reference")
            )
            raw += [
                {"key": f"household:{h.pk}", "vacancy": None, "setting": None, "household": h}
                for h in extra_households
            ]

    places = [
        (row["setting"].postcode if row["setting"] else row["household"].postcode_district) or ""
        for row in raw
    ]
    # The authority's own framework memberships of the homes and agencies found (never a shared value).
    memberships = framework_memberships(
        authority_id=authority.pk,
        setting_ids={row["setting"].pk for row in raw if row["setting"]}
        | {row["household"].agency_id for row in raw if row["household"] and row["household"].agency_id},
    )
    distances = (
        geo.distances_miles(pd.Series([placement_request.home_postcode or ""] * len(raw)), pd.Series(places))
        if raw
        else pd.DataFrame(columns=["miles", "method"])
    )
    all_miles, methods = distances["miles"].to_numpy(), distances["method"].to_numpy()
    candidates = []
    for index, row in enumerate(raw):
        vacancy, setting, household = row["vacancy"], row["setting"], row["household"]
        miles = all_miles[index]
        common: dict[str, Any] = {
            "key": row["key"],
            "has_vacancy": vacancy is not None,
            "vacancy_fresh": vacancy is not None and vacancy.recorded_at >= cutoff,
            "vacancy_age_days": (now - vacancy.recorded_at).days if vacancy is not None else None,
            "places": vacancy.places if vacancy is not None else None,
            "distance_miles": None if pd.isna(miles) else float(miles),
            "distance_approximate": methods[index] == "district",
            "district": _district(places[index]),
        }
        if setting is not None:
            own = setting.pk in own_home_settings or (
                setting.sector == "local_authority" and setting.local_authority_id == authority.pk
            )
            category = _choose_category(
                list(vacancy.categories) if vacancy else [],
                setting_category(setting.provision_type, own=own),
                spec.suitability,
            )
            membership = memberships.get(setting.pk)
            route = (
                "in_house"
                if own
                else "block"
                if setting.pk in blocks
                else "framework"
                if membership
                else "spot"
            )
            cost = blocks.get(setting.pk) if route == "block" else unit_cost(category, route)
            candidates.append(
                Candidate(
                    **common,
                    kind="setting",
                    object_id=setting.pk,
                    name=f"{setting.urn} {setting.name or '(name withheld by Ofsted)'}",
                    category=category,
                    route=route,
                    registered=setting.registration_status == RegistrationStatusChoices.ACTIVE,
                    registration_text=f"Ofsted registration {setting.get_registration_status_display().lower()}",
                    age_min=vacancy.age_min if vacancy else None,
                    age_max=vacancy.age_max if vacancy else None,
                    judgement=setting.latest_judgement,
                    framework=membership.framework if membership else "",
                    framework_tier=membership.tier if membership else None,
                    weekly_cost=cost,
                )
            )
        else:
            assert household is not None
            agency = household.agency
            membership = memberships.get(agency.pk) if agency else None
            category = household_category(household.route)
            route = household_route(household.route, agency_framework=membership is not None)
            vacancy_ages = (
                (vacancy.age_min, vacancy.age_max) if vacancy else (household.age_min, household.age_max)
            )
            candidates.append(
                Candidate(
                    **common,
                    kind="household",
                    object_id=household.pk,
                    name=household.label,
                    category=category,
                    route=route,
                    registered=household.status == HouseholdStatusChoices.AVAILABLE,
                    registration_text=f"Household {household.get_status_display().lower()}",
                    own_household=household.route == "in_house",
                    age_min=vacancy_ages[0],
                    age_max=vacancy_ages[1],
                    judgement=agency.latest_judgement if agency else "not_yet_inspected",
                    framework=membership.framework if membership else "",
                    framework_tier=membership.tier if membership else None,
                    agency=(agency.name or agency.urn) if agency else "",
                    weekly_cost=unit_cost(category, route),
                )
            )
    return match_candidates(spec, candidates)


# --- The ledger -------------------------------------------------------------------------------------------------


def _request_rows(queryset: Any, approaches: Any = None) -> pd.DataFrame:
    """The requests of `queryset` with how many providers or carers each approached and how many offered.
    The counts are one grouped read of `approaches` (all by default; an authority's own when given, so
    the database reads that authority's approaches rather than joining every authority's)."""
    rows = list(
        # In id order: the model's default order (by authority name, date) joins the authorities to sort.
        queryset.order_by("id").values(
            "id",
            "authority_id",
            "requested_on",
            "urgency",
            "fostering",
            "residential",
            "supported",
            "status",
            "placed_on",
            "placed_category",
            "placed_route",
            "placed_to_plan",
            "siblings",
            "siblings_outcome",
            "close_reason",
            "agreed_weekly_cost",
        )
    )
    counts = {
        row["placement_request_id"]: (row["approaches"], row["offers"])
        for row in (Approach.objects.all() if approaches is None else approaches)
        .filter(placement_request__in=queryset.order_by().values("id"))
        .order_by()
        .values("placement_request_id")
        .annotate(approaches=Count("id"), offers=Count("id", filter=Q(offered_at__isnull=False)))
    }
    for row in rows:
        row["approaches"], row["offers"] = counts.get(row["id"], (0, 0))
    frame = pd.DataFrame(rows, columns=["authority_id", "agreed_weekly_cost", *ledger.REQUEST_COLUMNS])
    frame["requested_on"] = pd.to_datetime(frame["requested_on"])
    frame["placed_on"] = pd.to_datetime(frame["placed_on"])
    frame["placed_to_plan"] = frame["placed_to_plan"].astype("boolean")
    return frame


def ledger_frames_for_authority(
    *, authority: LocalAuthority, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, pd.DataFrame]:
    """The frames `ledger` computes from: requests (with approach and offer counts), declines, unit costs.

    Given a period, only what a ledger of that period counts is read (requests made or placed in it,
    declines recorded in it, with a day's margin for time zones): an authority's whole history is years
    of requests and tens of thousands of approaches, and the ledger's figures for the period are the same."""
    requests_qs = PlacementRequest.objects.for_authority(authority)
    declines_qs = Approach.objects.for_authority(authority).filter(declined_at__isnull=False)
    if start is not None and end is not None:
        requests_qs = requests_qs.filter(
            Q(requested_on__range=(start, end)) | Q(placed_on__range=(start, end))
        )
        tz = timezone.get_current_timezone()
        declines_qs = declines_qs.filter(
            declined_at__gte=dt.datetime.combine(start - dt.timedelta(days=1), dt.time(), tzinfo=tz),
            declined_at__lt=dt.datetime.combine(end + dt.timedelta(days=2), dt.time(), tzinfo=tz),
        )
    requests = _request_rows(requests_qs, Approach.objects.for_authority(authority))
    declines = pd.DataFrame(
        list(
            declines_qs.order_by("id").values(
                "placement_request_id", "declined_at", "declined_by", "decline_reason"
            )
        ),
        columns=["placement_request_id", "declined_at", "declined_by", "decline_reason"],
    ).rename(columns={"placement_request_id": "request_id"})
    if not declines.empty:
        tz = timezone.get_current_timezone()
        declines["declined_at"] = (
            pd.to_datetime(declines["declined_at"], utc=True).dt.tz_convert(tz).dt.tz_localize(None)
        )
    return {"requests": requests, "declines": declines, "unit_costs": _unit_costs(authority)}


def default_ledger_period(on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The 12 months to `on` (today by default) as `period_for(on, "last_12_months")` defines them: to `on`
    itself, so that the ledger counts what the KPI catalogue and the board report count on that date."""
    period = period_for(on or timezone.localdate(), "last_12_months")
    return period.start, period.end


def unmet_need_ledger_for_authority(
    *, authority: LocalAuthority, start: dt.date, end: dt.date
) -> dict[str, Any]:
    """The unmet-need ledger of an authority for a period: monthly rows by kind, totals, decline reasons."""
    frames = ledger_frames_for_authority(authority=authority, start=start, end=end)
    prepared = ledger.prepare(frames["requests"], frames["unit_costs"])
    return {
        "start": start,
        "end": end,
        "monthly": ledger.monthly_ledger(prepared, start, end),
        "totals": ledger.ledger_totals(prepared, start, end),
        "declines": ledger.decline_reasons(frames["declines"], start, end),
    }


def placement_finding_kpis(*, authority: LocalAuthority, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The placement-finding KPIs of docs/domain.md section 6 for a period, keyed as the KPI catalogue keys
    them: placement_requests (planned_requests, emergency_requests), median_days_to_place,
    pct_placed_to_plan, foster_preferred_residential_used (and _extra_cost), sibling_groups_split,
    providers_approached_per_request, offers_per_request, requests_not_placed. None where there is no data."""
    frames = ledger_frames_for_authority(authority=authority, start=start, end=end)
    totals = ledger.ledger_totals(ledger.prepare(frames["requests"], frames["unit_costs"]), start, end)
    return {
        "placement_requests": totals["requests"],
        "planned_requests": totals["planned"],
        "emergency_requests": totals["emergency"],
        "median_days_to_place": totals["median_days_to_place"],
        "pct_placed_to_plan": totals["pct_placed_to_plan"],
        "foster_preferred_residential_used": totals["foster_preferred_residential_used"],
        "foster_preferred_residential_extra_cost": totals["extra_annual_cost"],
        "sibling_groups_split": totals["sibling_groups_split"],
        "providers_approached_per_request": totals["approaches_per_request"],
        "offers_per_request": totals["offers_per_request"],
        "requests_not_placed": totals["not_placed"],
    }


def placement_request_frame_for_authorities(*, authority_ids: list[int]) -> pd.DataFrame:
    """One row per placement request of these authorities, in the columns the KPI catalogue reads
    (sufficiency.reports.kpis.sources.PLACEMENT_REQUEST_COLUMNS). The derived columns (emergency, fostering
    preferred but residential used and its extra annual cost) are the ledger's own (`ledger.prepare`, each
    authority with its unit costs), so the catalogue and the ledger count the same children and costs."""
    frame = _request_rows(PlacementRequest.objects.filter(authority_id__in=authority_ids))
    costs = _unit_costs_of(authority_ids)
    parts = [
        ledger.prepare(rows, costs.loc[costs["authority_id"] == authority_id, _UNIT_COST_COLUMNS])
        for authority_id, rows in frame.groupby("authority_id", sort=False)
    ]
    prepared = pd.concat(parts) if parts else ledger.prepare(frame)
    prepared = prepared.reindex(frame.index)
    return pd.DataFrame(
        {
            "authority_id": prepared["authority_id"].astype("int64"),
            "requested_on": prepared["requested_on"],
            "emergency": prepared["emergency"].astype(bool),
            "fostering_preferred": prepared["fostering"] == "preferred",
            "placed_on": prepared["placed_on"],
            "placed_category": prepared["placed_category"].where(prepared["placed_category"] != "", None),
            "weekly_cost": pd.to_numeric(prepared["agreed_weekly_cost"], errors="coerce").astype(float),
            "placed_to_plan": prepared["placed_to_plan"],
            "sibling_group": prepared["sibling_group"].astype(bool),
            "siblings_split": prepared["split"].astype("boolean").where(prepared["placed_on"].notna(), pd.NA),
            "providers_approached": pd.to_numeric(prepared["approaches"]).astype("int64"),
            "foster_preferred_residential": prepared["fpru"].astype(bool),
            "extra_annual_cost": pd.to_numeric(prepared["extra_annual_cost"]).astype(float),
        }
    )
