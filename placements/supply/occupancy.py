"""Residential occupancy per home: the authority's own homes and the homes where it holds block beds.

For each home on a date: its places (usable places of an in-house home; the beds of a block contract),
the children living there, occupancy (children / places), whether it is over-occupied (more children than
places), and its vacancy days over the period before the date (the sum, day by day, of places left
empty). Short-break homes are counted apart (kind "short_breaks"): their places are for planned overnight
stays, so they are neither filled nor empty places of the in-house homes where children live, and their
children include those on short breaks. The arithmetic is pure (:func:`home_occupancy`, :func:`vacancy_days`, :func:`occupancy_totals`);
:func:`residential_occupancy_for_authority` reads the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..categories import RESIDENTIAL_EXTERNAL, RESIDENTIAL_INHOUSE, SHORT_BREAK_LS

#: Days before the as-at date over which vacancy days are counted.
VACANCY_DAYS_PERIOD = 365


@dataclass(frozen=True)
class HomeOccupancy:
    name: str
    kind: str  # "in_house" | "short_breaks" | "block"
    urn: str
    places: int
    children: int
    vacancy_days: int

    @property
    def occupancy_pct(self) -> float | None:
        return round(100 * self.children / self.places, 1) if self.places else None

    @property
    def over_occupied(self) -> bool:
        return self.children > self.places


def home_occupancy(
    *, name: str, kind: str, urn: str, places: int, children: int, vacancy_days: int = 0
) -> HomeOccupancy:
    return HomeOccupancy(name, kind, urn, places, children, vacancy_days)


def vacancy_days(
    *, places: int, stays: Iterable[tuple[dt.date, dt.date | None]], start: dt.date, end: dt.date
) -> int:
    """Empty place-days between ``start`` and ``end`` inclusive: each day, places less the children living
    there that day (a stay runs from its first day to the day before it ends), never below 0."""
    if end < start or places <= 0:
        return 0
    days = (end - start).days + 1
    present = [0] * days
    for first, ended in stays:
        lo = max(first, start)
        hi = min(ended - dt.timedelta(days=1), end) if ended else end
        for i in range((lo - start).days, (hi - start).days + 1):
            if 0 <= i < days:
                present[i] += 1
    return sum(max(places - n, 0) for n in present)


def occupancy_totals(homes: Iterable[HomeOccupancy]) -> dict[str, Any]:
    homes = list(homes)
    places = sum(h.places for h in homes)
    children = sum(h.children for h in homes)
    return {
        "homes": len(homes),
        "places": places,
        "children": children,
        "occupancy_pct": round(100 * children / places, 1) if places else None,
        "over_occupied": sum(1 for h in homes if h.over_occupied),
        "vacancy_days": sum(h.vacancy_days for h in homes),
    }


def share_in_own_area(current: Any, categories: Iterable[str]) -> dict[str, Any]:
    """Of the children in ``categories`` on the date (a frame with ``category`` and
    ``placement_la_inside``), how many live inside the authority's boundary; the share counts only those
    whose placement area is known."""
    part = current.loc[current["category"].isin(list(categories))]
    inside = part.get("placement_la_inside")
    known = int(inside.notna().sum()) if inside is not None else 0
    within = int((inside == True).sum()) if inside is not None else 0  # noqa: E712
    return {
        "children": len(part),
        "known": known,
        "inside": within,
        "pct": round(100 * within / known, 1) if known else None,
    }


def residential_occupancy_for_authority(*, authority: Any, on: dt.date) -> dict[str, Any]:
    """Per home occupancy (in-house homes: every authority's children there; short-break homes, apart: every
    child staying there, short breaks included; block homes: the contract's beds and the authority's
    children at the setting) and totals per kind of home."""
    from django.db.models import Q

    from ..models import BlockContract, InHouseHome, PlacementEpisode

    start = on - dt.timedelta(days=VACANCY_DAYS_PERIOD - 1)
    homes = list(InHouseHome.objects.for_authority(authority).select_related("setting"))
    blocks = [
        b
        for b in BlockContract.objects.for_authority(authority).active_on(on).select_related("setting")
        if b.setting_id and b.category in (RESIDENTIAL_EXTERNAL, RESIDENTIAL_INHOUSE)
    ]
    urns = {h.setting.urn for h in homes} | {b.setting.urn for b in blocks}
    # Episodes are matched by the setting's URN (the register's own link, present before any episode is
    # linked to a setting record).
    # Short breaks (V3/V4) are not looked after: they count only at the homes that give short breaks.
    short_break_urns = {h.setting.urn for h in homes if h.short_breaks}
    stays: dict[tuple[str, bool], list[tuple[dt.date, dt.date | None]]] = {}
    for urn, linked_urn, own, legal_status, decom, dec in (
        PlacementEpisode.objects.filter(Q(urn__in=urns) | Q(setting__urn__in=urns), decom__lte=on)
        .filter(Q(dec__isnull=True) | Q(dec__gt=start))
        .values_list("urn", "setting__urn", "authority_id", "ls", "decom", "dec")
    ):
        key = urn if urn in urns else linked_urn
        if legal_status in SHORT_BREAK_LS and key not in short_break_urns:
            continue
        stays.setdefault((key, True), []).append((decom, dec))  # every authority's children
        if own == authority.pk:
            stays.setdefault((key, False), []).append((decom, dec))  # this authority's

    def present(items: list[tuple[dt.date, dt.date | None]]) -> int:
        return sum(1 for d, e in items if d <= on and (e is None or e > on))

    rows = []
    for home in homes:
        places = home.usable_places
        items = stays.get((home.setting.urn, True), [])
        rows.append(
            home_occupancy(
                name=home.name,
                kind="short_breaks" if home.short_breaks else "in_house",
                urn=home.setting.urn,
                places=places,
                children=present(items),
                vacancy_days=vacancy_days(places=places, stays=items, start=start, end=on),
            )
        )
    for block in blocks:
        items = stays.get((block.setting.urn, False), [])
        rows.append(
            home_occupancy(
                name=f"{block.provider_name} ({block.reference})",
                kind="block",
                urn=block.setting.urn,
                places=block.beds,
                children=present(items),
                vacancy_days=vacancy_days(
                    places=block.beds, stays=items, start=max(start, block.start_date), end=on
                ),
            )
        )
    return {
        "date": on.isoformat(),
        "period_start": start.isoformat(),
        "homes": rows,
        "in_house": occupancy_totals(r for r in rows if r.kind == "in_house"),
        "short_breaks": occupancy_totals(r for r in rows if r.kind == "short_breaks"),
        "block": occupancy_totals(r for r in rows if r.kind == "block"),
    }


#: Children's homes, for the share of children in residential care placed in the authority's own area.
CHILDRENS_HOME_CATEGORIES = (RESIDENTIAL_INHOUSE, RESIDENTIAL_EXTERNAL)


def residential_in_area_for_authority(*, authority: Any, on: dt.date) -> dict[str, Any]:
    """Of the authority's children in children's homes (its own and others') on the date, how many live
    inside its own area, counted from the register by the counting rules (:func:`share_in_own_area`)."""
    from ..counting import in_care_on
    from ..selectors import child_frame_for_authority, episode_frame_for_authority

    current = in_care_on(
        episode_frame_for_authority(authority=authority),
        on,
        children=child_frame_for_authority(authority=authority),
    )
    if current.empty:
        return {"children": 0, "known": 0, "inside": 0, "pct": None}
    return share_in_own_area(current, CHILDRENS_HOME_CATEGORIES)
