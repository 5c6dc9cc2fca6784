"""Reads of the supply side: settings, in-house capacity, block contracts and vacancies.

Every selector takes the authority explicitly; callers have already checked the user may see it. The
numbers here are capacity, not children: occupancy is a count of children, never a list of them.
The gap engine reads supply through `capacity_summary_for_authority`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from sufficiency.authorities.models import LocalAuthority

from ..choices import (
    OFFERS_PLACES_STATUSES,
    HomeStatusChoices,
    HouseholdRouteChoices,
    HouseholdStatusChoices,
    RegistrationStatusChoices,
)
from ..filtersets import SettingFilterSet
from ..models import BlockContract, FosteringHousehold, InHouseHome, PlacementEpisode, Setting, Vacancy


def setting_list(
    *,
    local_authority: LocalAuthority | None = None,
    provision_type: str = "",
    judgement: str = "",
    registration_status: str = "",
    search: str = "",
) -> QuerySet[Setting]:
    """Ofsted-registered settings (national, public data), optionally in one authority's area. Filtered by
    the API's `SettingFilterSet`, so the settings page and `/api/v1/settings/` agree."""
    settings = Setting.objects.select_related("provider", "local_authority")
    if local_authority is not None:
        settings = settings.filter(local_authority=local_authority)
    data = {
        "provision_type": provision_type,
        "latest_judgement": judgement,
        "registration_status": registration_status,
        "search": search,
    }
    return SettingFilterSet(data, queryset=settings).qs.order_by("urn")


def setting_occupancy(
    *, authority: LocalAuthority, setting_ids: list[int], on: dt.date
) -> dict[int, dict[str, int]]:
    """Children in care on a date living at each setting: this authority's and other authorities'.

    Counts only (no child is identified): the register holds every authority's episodes, so a home's
    occupancy includes children other authorities placed there.
    """
    rows = (
        PlacementEpisode.objects.active_on(on)
        .looked_after()
        .filter(setting_id__in=setting_ids)
        .values("setting_id")
        .annotate(
            own=Count("id", filter=Q(authority=authority)), other=Count("id", filter=~Q(authority=authority))
        )
    )
    occupancy: dict[int, dict[str, int]] = {pk: {"own": 0, "other": 0} for pk in setting_ids}
    for row in rows:
        occupancy[row["setting_id"]] = {"own": row["own"], "other": row["other"]}
    return occupancy


def inhouse_home_rows(*, authority: LocalAuthority, on: dt.date, homes: Any = None) -> list[dict[str, Any]]:
    """Each in-house home with its places and occupancy on a date (two queries in all)."""
    homes = list(
        homes if homes is not None else InHouseHome.objects.for_authority(authority).select_related("setting")
    )
    occupancy = setting_occupancy(authority=authority, setting_ids=[h.setting_id for h in homes], on=on)
    rows = []
    for home in homes:
        counts = occupancy.get(home.setting_id, {"own": 0, "other": 0})
        occupied = counts["own"] + counts["other"]
        rows.append(
            {
                "home": home,
                "registered_places": home.effective_places,
                "usable_places": home.usable_places,
                "own_children": counts["own"],
                "other_children": counts["other"],
                "occupied": occupied,
                "free": max(home.usable_places - occupied, 0),
                "over_occupied": max(occupied - home.usable_places, 0),
                "occupancy_rate": round(100 * occupied / home.usable_places) if home.usable_places else None,
            }
        )
    return rows


def household_capacity_for_authority(*, authority: LocalAuthority) -> dict[str, dict[str, int]]:
    """Approved fostering places and households by route and status (available, on hold, deregistered)."""
    summary: dict[str, dict[str, int]] = {}
    rows = (
        FosteringHousehold.objects.for_authority(authority)
        .values("route", "status")
        .annotate(households=Count("id"), places=Sum("approved_places"))
    )
    for route in HouseholdRouteChoices.values:
        for status in HouseholdStatusChoices.values:
            summary[f"{route}:{status}"] = {"households": 0, "places": 0}
    for row in rows:
        summary[f"{row['route']}:{row['status']}"] = {
            "households": row["households"],
            "places": row["places"] or 0,
        }
    return summary


def block_beds_for_authority(*, authority: LocalAuthority, on: dt.date) -> dict[str, int]:
    """Block-contracted beds in force on a date, by planning category."""
    rows = (
        BlockContract.objects.for_authority(authority)
        .active_on(on)
        .values("category")
        .annotate(beds=Sum("beds"))
    )
    return {row["category"]: row["beds"] for row in rows}


NOT_OFFERING_PLACES = sorted(set(RegistrationStatusChoices.values) - set(OFFERS_PLACES_STATUSES))


def vacancy_summary_for_authority(*, authority: LocalAuthority) -> dict[str, Any]:
    """Open vacancies: fresh places (trusted) by category they can take, and how many are stale.

    A vacancy that can take several categories counts under each, so the by-category figures can add
    up to more than `fresh_places`.
    """
    # A vacancy at a setting whose Ofsted registration is suspended or has ended is not a place.
    open_vacancies = (
        Vacancy.objects.for_authority(authority)
        .open()
        .exclude(setting__registration_status__in=NOT_OFFERING_PLACES)
    )
    by_category: dict[str, int] = defaultdict(int)
    fresh_places = 0
    for places, categories in open_vacancies.fresh().values_list("places", "categories"):
        fresh_places += places
        for category in categories or []:
            by_category[category] += places
    stale = open_vacancies.stale().aggregate(vacancies=Count("id"), places=Sum("places"))
    return {
        "fresh_places": fresh_places,
        "fresh_by_category": dict(by_category),
        "stale_vacancies": stale["vacancies"] or 0,
        "stale_places": stale["places"] or 0,
    }


def capacity_summary_for_authority(*, authority: LocalAuthority, on: dt.date) -> dict[str, Any]:
    """The authority's supply on a date, for the supply page and the gap engine.

    - fostering: approved places of available in-house households (on-hold places are held, not usable)
    - residential: usable and free places in open in-house homes, and their occupancy (short-break homes
      are counted apart: their places are for planned overnight stays, not homes for children in care)
    - block beds in force, by planning category
    - vacancies: fresh open places only (stale ones are reported, never counted)
    """
    households = household_capacity_for_authority(authority=authority)
    homes = inhouse_home_rows(authority=authority, on=on)
    open_homes = [
        row for row in homes if row["home"].status == HomeStatusChoices.OPEN and not row["home"].short_breaks
    ]
    short_break_homes = [
        row for row in homes if row["home"].status == HomeStatusChoices.OPEN and row["home"].short_breaks
    ]
    return {
        "date": on.isoformat(),
        "fostering": {
            "inhouse_available_places": households[f"in_house:{HouseholdStatusChoices.AVAILABLE}"]["places"],
            "inhouse_available_households": households[f"in_house:{HouseholdStatusChoices.AVAILABLE}"][
                "households"
            ],
            "inhouse_on_hold_places": households[f"in_house:{HouseholdStatusChoices.ON_HOLD}"]["places"],
            "agency_available_places": households[f"agency:{HouseholdStatusChoices.AVAILABLE}"]["places"],
        },
        "residential": {
            "homes": len(open_homes),
            "registered_places": sum(row["registered_places"] for row in open_homes),
            "usable_places": sum(row["usable_places"] for row in open_homes),
            "occupied": sum(row["occupied"] for row in open_homes),
            "own_children": sum(row["own_children"] for row in open_homes),
            "other_children": sum(row["other_children"] for row in open_homes),
            "free_places": sum(row["free"] for row in open_homes),
            # Children beyond a home's usable places: usable = occupied + free - over-occupied.
            "over_occupied": sum(row["over_occupied"] for row in open_homes),
            "short_break_homes": len(short_break_homes),
            "short_break_places": sum(row["usable_places"] for row in short_break_homes),
        },
        "block_beds": block_beds_for_authority(authority=authority, on=on),
        "vacancies": vacancy_summary_for_authority(authority=authority),
    }


def active_settings_rows(*, provision_types: list[str]) -> list[tuple[Any, ...]]:
    """Active registered settings of these provision types, for the gap's local market: (pk, urn, name,
    provision_type, registered_places, local_authority_id, its ONS code, its name, postcode)."""
    return list(
        Setting.objects.filter(provision_type__in=provision_types, registration_status="active").values_list(
            "pk",
            "urn",
            "name",
            "provision_type",
            "registered_places",
            "local_authority_id",
            "local_authority__ons_code",
            "local_authority__name",
            "postcode",
        )
    )


def block_contract_rows(*, authority: LocalAuthority) -> list[tuple[Any, ...]]:
    """The authority's block contracts: (category, beds, start_date, end_date)."""
    return list(
        BlockContract.objects.for_authority(authority).values_list(
            "category", "beds", "start_date", "end_date"
        )
    )


def block_contracts_on(*, authority: LocalAuthority, on: dt.date) -> list[BlockContract]:
    """The authority's block contracts running on the date (by provider), with their settings."""
    return list(
        BlockContract.objects.for_authority(authority)
        .filter(start_date__lte=on, end_date__gte=on)
        .select_related("setting")
        .order_by("provider_name", "reference")
    )
