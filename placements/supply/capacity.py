"""Fostering capacity as fostering services count it, per household and in total.

For each household approved on a date: the places it is approved for, the places filled (children placed
with it, from the register), the places not available and why (a carer's break, an investigation, the
carer's own children, a young person staying put, places held to keep a sibling group together; a
household on hold has none available), and the usable vacancies left. Usable places are approved places
less those not available; usable vacancies are usable places less places filled (never below 0).

The arithmetic (:func:`household_capacity`, :func:`capacity_totals`, :func:`occupancy_by`) is pure, so it
can be checked by hand; :func:`fostering_capacity_for_authority` reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Reason recorded for every approved place of a household on hold.
ON_HOLD_REASON = "on_hold"


@dataclass(frozen=True)
class HouseholdCapacity:
    """One household's places on a date."""

    reference: str
    route: str
    household_type: str
    age_min: int
    age_max: int
    approved: int
    filled: int
    unavailable: Mapping[str, int] = field(default_factory=dict)

    @property
    def unavailable_places(self) -> int:
        return min(sum(self.unavailable.values()), self.approved)

    @property
    def usable_places(self) -> int:
        return max(self.approved - self.unavailable_places, 0)

    @property
    def usable_vacancies(self) -> int:
        return max(self.usable_places - self.filled, 0)

    @property
    def age_range(self) -> str:
        return age_range_label(self.age_min, self.age_max)


def age_range_label(age_min: int, age_max: int) -> str:
    """The age band a household is approved for, in the words fostering services use."""
    if age_max <= 4:
        return "0 to 4"
    if age_min >= 11:
        return "11 to 17"
    if age_max <= 10:
        return "0 to 10" if age_min <= 4 else "5 to 10"
    return "any age" if age_min <= 4 else "5 to 17"


def household_capacity(
    *,
    reference: str,
    route: str,
    approved: int,
    filled: int,
    unavailable: Mapping[str, int] | None = None,
    on_hold: bool = False,
    household_type: str = "mainstream",
    age_min: int = 0,
    age_max: int = 17,
) -> HouseholdCapacity:
    """A household's capacity; a household on hold has all its approved places unavailable."""
    reasons = (
        {ON_HOLD_REASON: approved} if on_hold else {k: int(v) for k, v in (unavailable or {}).items() if v}
    )
    return HouseholdCapacity(reference, route, household_type, age_min, age_max, approved, filled, reasons)


def capacity_totals(
    rows: Iterable[HouseholdCapacity], *, filled_override: int | None = None
) -> dict[str, Any]:
    """Households, approved, unavailable (by reason), usable places, filled, usable vacancies, occupancy.

    ``filled_override``: the children placed counted from the register when not every child is matched to
    a household (the occupancy then counts every child with these carers, not only the matched ones).
    Occupancy is filled places as a percentage of usable places (None when there are none)."""
    rows = list(rows)
    by_reason: dict[str, int] = defaultdict(int)
    for row in rows:
        for reason, places in row.unavailable.items():
            by_reason[reason] += places
    usable = sum(r.usable_places for r in rows)
    matched = sum(r.filled for r in rows)
    filled = matched if filled_override is None else filled_override
    vacancies = sum(r.usable_vacancies for r in rows) if filled_override is None else max(usable - filled, 0)
    return {
        "households": len(rows),
        "approved_places": sum(r.approved for r in rows),
        "unavailable_places": sum(r.unavailable_places for r in rows),
        "unavailable_by_reason": dict(sorted(by_reason.items())),
        "usable_places": usable,
        "filled_places": filled,
        "filled_matched": matched,
        "usable_vacancies": vacancies,
        "occupancy_pct": round(100 * filled / usable, 1) if usable else None,
    }


def occupancy_by(rows: Iterable[HouseholdCapacity], key: str) -> list[dict[str, Any]]:
    """Totals per value of ``key`` ("household_type", "age_range" or "route"), in a stable order."""
    groups: dict[str, list[HouseholdCapacity]] = defaultdict(list)
    for row in rows:
        groups[str(getattr(row, key))].append(row)
    return [{key: name, **capacity_totals(part)} for name, part in sorted(groups.items())]


# --- reading the database --------------------------------------------------------------------------------
def _filled_by_household(*, authority: Any, on: dt.date) -> dict[int, int]:
    """Children in care on the date placed with each household: placed placement requests linked to the
    register whose placement (its first episode and any change-of-legal-status episodes after it) is
    current on the date."""
    from ..categories import NEW_PLACEMENT_RNE
    from ..models import PlacementEpisode, PlacementRequest

    linked = list(
        PlacementRequest.objects.filter(
            authority=authority,
            placed_household__isnull=False,
            episode_decom__isnull=False,
            placed_on__lte=on,
        ).values_list("placed_household_id", "child_ref", "episode_decom")
    )
    if not linked:
        return {}
    refs = {ref for _, ref, _ in linked}
    episodes: dict[str, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
    for ref, decom, dec, rne in (
        PlacementEpisode.objects.filter(authority=authority, child__child_ref__in=refs)
        .exclude(ls__in=("V3", "V4"))
        .order_by("decom")
        .values_list("child__child_ref", "decom", "dec", "rne")
    ):
        episodes[ref].append((decom, dec, rne))
    filled: dict[int, int] = defaultdict(int)
    for household_id, ref, start in linked:
        chain_open = False
        for decom, dec, rne in episodes.get(ref, []):
            if decom == start:
                chain_open = True
            elif chain_open and decom > start and rne in NEW_PLACEMENT_RNE:
                break  # a new placement: the child has moved on
            if chain_open and decom <= on and (dec is None or dec > on):
                filled[household_id] += 1
                break
    return dict(filled)


def household_rows_for_authority(
    *, authority: Any, on: dt.date, route: str | None = None
) -> list[HouseholdCapacity]:
    """Each household approved on the date (not deregistered by it) with its capacity on the date."""
    return household_rows(authority_ids=[authority.pk], on=on, route=route)


def household_rows(
    *, authority_ids: list[int], on: dt.date, route: str | None = None, with_filled: bool = True
) -> list[HouseholdCapacity]:
    """:func:`household_rows_for_authority` over several authorities (a region), three queries in all.
    Places filled per household are read for a single authority only (regional rows carry 0)."""
    from django.db.models import Q

    from ..choices import HouseholdStatusChoices
    from ..models import FosteringHousehold, HouseholdPlacesUnavailable

    households = (
        FosteringHousehold.objects.filter(authority_id__in=authority_ids, approval_date__lte=on)
        .filter(Q(deregistration_date__isnull=True) | Q(deregistration_date__gt=on))
        .exclude(status=HouseholdStatusChoices.DEREGISTERED, deregistration_date__isnull=True)
    )
    if with_filled:
        households = households.select_related("authority")
    if route:
        households = households.filter(route=route)
    households = list(households)
    unavailable: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for household_id, reason, places in (
        HouseholdPlacesUnavailable.objects.filter(household__in=households, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values_list("household_id", "reason", "places")
    ):
        unavailable[household_id][reason] += places
    filled = (
        _filled_by_household(authority=households[0].authority, on=on)
        if with_filled and len(authority_ids) == 1 and households
        else {}
    )
    return [
        household_capacity(
            reference=h.reference,
            route=h.route,
            approved=h.approved_places,
            filled=filled.get(h.pk, 0),
            unavailable=unavailable.get(h.pk, {}),
            on_hold=h.status == HouseholdStatusChoices.ON_HOLD,
            household_type=h.household_type,
            age_min=h.age_min,
            age_max=h.age_max,
        )
        for h in households
    ]


def register_fostered_on(*, authority: Any, on: dt.date) -> dict[str, int]:
    """Children in care on the date with in-house and with external (agency) foster carers, counted from
    the register by the counting rules."""
    from ..categories import FOSTERING_EXTERNAL, FOSTERING_INHOUSE
    from ..counting import in_care_on
    from ..selectors import child_frame_for_authority, episode_frame_for_authority

    current = in_care_on(
        episode_frame_for_authority(authority=authority),
        on,
        children=child_frame_for_authority(authority=authority),
    )
    if current.empty:
        return {"in_house": 0, "agency": 0}
    return {
        "in_house": int((current["category"] == FOSTERING_INHOUSE).sum()),
        "agency": int((current["category"] == FOSTERING_EXTERNAL).sum()),
    }


#: Expected turnover looks back over this many days (the 12 months to the date).
TURNOVER_DAYS = 365


def expected_turnover(episodes: Any, *, on: dt.date) -> dict[str, int]:
    """Places expected to come free in the next 12 months with in-house and with agency foster carers:
    the fostering placements with those carers that ended in the 12 months to the date (the recent rate of
    endings carried forward), counted from the episodes (raw or prepared) by the counting rules."""
    from ..categories import FOSTERING_EXTERNAL, FOSTERING_INHOUSE
    from ..counting import placements_ended

    if episodes.empty:
        return {"in_house": 0, "agency": 0}
    ended = placements_ended(episodes, on - dt.timedelta(days=TURNOVER_DAYS - 1), on)
    return {"in_house": ended.get(FOSTERING_INHOUSE, 0), "agency": ended.get(FOSTERING_EXTERNAL, 0)}


def expected_turnover_for_authority(*, authority: Any, on: dt.date) -> dict[str, int]:
    """:func:`expected_turnover` of the authority's register."""
    from ..selectors import episode_frame_for_authority

    return expected_turnover(episode_frame_for_authority(authority=authority), on=on)


def fostering_capacity_for_authority(*, authority: Any, on: dt.date) -> dict[str, Any]:
    """The authority's fostering capacity on a date, by route, with occupancy by household type and age.

    Filled places per route are the register's count of children with those carers, so the figures agree
    with the KPI page and the gap; ``filled_matched`` says how many of them are matched to a household;
    ``expected_turnover`` is the places expected to come free in the next 12 months."""
    rows = household_rows_for_authority(authority=authority, on=on)
    fostered = register_fostered_on(authority=authority, on=on)
    turnover = expected_turnover_for_authority(authority=authority, on=on)
    out: dict[str, Any] = {"date": on.isoformat(), "households": rows}
    for route in ("in_house", "agency"):
        part = [r for r in rows if r.route == route]
        out[route] = capacity_totals(part, filled_override=fostered[route]) if part else capacity_totals([])
        out[route]["children_in_register"] = fostered[route]
        out[route]["expected_turnover"] = turnover[route]
    out["by_household_type"] = occupancy_by([r for r in rows if r.route == "in_house"], "household_type")
    out["by_age_range"] = occupancy_by([r for r in rows if r.route == "in_house"], "age_range")
    return out
