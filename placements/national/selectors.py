"""Reading the DfE's published figures as comparators: statistical neighbours, region, England, all
authorities and an authority's own custom groups, for one measure and year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import mean
from typing import Any

from sufficiency.authorities.models import LocalAuthority

from ..models import (
    ComparatorGroup,
    NationalFigure,
    NationalStatisticsImport,
    StatisticalNeighbour,
    StatisticalNeighbourList,
)
from .measures import MEASURES, Measure
from .reader import LOCAL_AUTHORITY, NATIONAL, REGIONAL

#: The comparator sets, in the order pages show them.
COMPARATOR_SETS = {
    "statistical_neighbours": "Statistical neighbours",
    "region": "Region",
    "england": "England",
    "all_authorities": "All authorities",
    "custom": "Custom group",
}


def published_year_for(on: dt.date) -> int:
    """The DfE year of the latest 31 March on or before the date (31 March 2026 and 30 June 2026 -> 2026;
    1 March 2026 -> 2025)."""
    return on.year if on >= dt.date(on.year, 3, 31) else on.year - 1


def neighbour_list_current() -> StatisticalNeighbourList | None:
    return StatisticalNeighbourList.objects.order_by("-created_at", "-pk").first()


def statistical_neighbours(authority: LocalAuthority) -> list[LocalAuthority]:
    """The authority's statistical neighbours, closest first, from the current list."""
    current = neighbour_list_current()
    if current is None:
        return []
    rows = StatisticalNeighbour.objects.filter(neighbour_list=current, authority=authority).select_related(
        "neighbour"
    )
    return [row.neighbour for row in rows.order_by("rank")]


def comparator_authorities(
    authority: LocalAuthority, comparator_set: str, group: ComparatorGroup | None = None
) -> list[LocalAuthority]:
    """The authorities in a comparator set (never the authority itself). "england" and "region" are read
    from the published England and region rows instead, so they name no authorities here."""
    if comparator_set == "statistical_neighbours":
        return statistical_neighbours(authority)
    if comparator_set == "all_authorities":
        return list(LocalAuthority.objects.exclude(pk=authority.pk).order_by("name"))
    if comparator_set == "region":
        return list(LocalAuthority.objects.filter(region_id=authority.region_id).exclude(pk=authority.pk))
    if comparator_set == "custom":
        if group is None or group.authority_id != authority.pk:
            return []
        return list(group.members.exclude(pk=authority.pk).order_by("name"))
    if comparator_set == "england":
        return []
    raise KeyError(f"unknown comparator set {comparator_set!r}")


def _figures(measure: Measure, indicator: str, year: int, **where: Any) -> list[NationalFigure]:
    for key in measure.filter_keys:
        rows = list(NationalFigure.objects.filter(filter_key=key, indicator=indicator, year=year, **where))
        if rows:
            return rows
    return []


def latest_year(measure: Measure, up_to: int) -> int | None:
    """The latest year up to ``up_to`` with any published figure for the measure."""
    return (
        NationalFigure.objects.filter(
            filter_key__in=measure.filter_keys, indicator=measure.indicator, year__lte=up_to
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def _summary(values: list[float | None], n_asked: int) -> dict[str, Any]:
    published = [v for v in values if v is not None]
    return {
        "mean": round(mean(published), 1) if published else None,
        "min": min(published) if published else None,
        "max": max(published) if published else None,
        "n": len(published),
        "not_published": n_asked - len(published),
    }


@dataclass
class Comparators:
    kpi_key: str
    year: int | None
    measure: Measure
    statistical_neighbours: dict[str, Any]
    neighbour_values: dict[str, float | None]
    region: float | None
    region_name: str
    england: float | None
    all_authorities: dict[str, Any]
    custom: dict[str, Any] | None
    published_own: float | None
    published_own_marker: str
    published_own_count: float | None
    provenance: list[str]

    def as_dict(self) -> dict[str, Any]:
        data = {
            "year": self.year,
            "measure": self.measure.label,
            "statistical_neighbours": self.statistical_neighbours,
            "region": self.region,
            "region_name": self.region_name,
            "england": self.england,
            "all_authorities": self.all_authorities,
            "published_own": self.published_own,
            "published_own_count": self.published_own_count,
            "source": "; ".join(self.provenance),
        }
        if self.custom is not None:
            data["custom"] = self.custom
        return data


def national_comparators(
    *, authority: LocalAuthority, kpi_key: str, on: dt.date, group: ComparatorGroup | None = None
) -> Comparators | None:
    """The published comparators for one KPI for the DfE year the date falls in (or the latest year before
    it that is published). None when the KPI has no national equivalent or nothing is imported for it."""
    measure = MEASURES.get(kpi_key)
    if measure is None:
        return None
    year = latest_year(measure, published_year_for(on))
    if year is None:
        return None
    la_rows = {
        r.old_la_code: r for r in _figures(measure, measure.indicator, year, geographic_level=LOCAL_AUTHORITY)
    }
    region_rows = _figures(
        measure, measure.indicator, year, geographic_level=REGIONAL, area_code=authority.region.code
    )
    england_rows = _figures(measure, measure.indicator, year, geographic_level=NATIONAL)
    neighbours = statistical_neighbours(authority)
    neighbour_values = {
        la.dfe_code: (la_rows[la.dfe_code].value if la.dfe_code in la_rows else None) for la in neighbours
    }
    others = [r.value for code, r in la_rows.items() if code != authority.dfe_code]
    custom = None
    if group is not None:
        members = comparator_authorities(authority, "custom", group)
        custom = _summary(
            [la_rows[m.dfe_code].value if m.dfe_code in la_rows else None for m in members], len(members)
        )
        custom["name"] = group.name
    own = la_rows.get(authority.dfe_code)
    count_rows = _figures(
        measure,
        measure.count_indicator,
        year,
        geographic_level=LOCAL_AUTHORITY,
        old_la_code=authority.dfe_code,
    )
    used = [*la_rows.values(), *region_rows, *england_rows]
    provenance = sorted(_provenance_of(used))
    return Comparators(
        kpi_key=kpi_key,
        year=year,
        measure=measure,
        statistical_neighbours=_summary(list(neighbour_values.values()), len(neighbours)),
        neighbour_values=neighbour_values,
        region=region_rows[0].value if region_rows else None,
        region_name=authority.region.name,
        england=england_rows[0].value if england_rows else None,
        all_authorities=_summary(others, len(others)),
        custom=custom,
        published_own=own.value if own else None,
        published_own_marker=own.marker if own else "",
        published_own_count=count_rows[0].value if count_rows else None,
        provenance=provenance,
    )


def _provenance_of(rows: list[NationalFigure]) -> set[str]:
    ids = {r.statistics_import_id for r in rows}
    return {i.provenance for i in NationalStatisticsImport.objects.filter(pk__in=ids)}
