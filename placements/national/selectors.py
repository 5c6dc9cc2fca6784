"""Reading the DfE's published figures as comparators: statistical neighbours, region, England, all
authorities and an authority's own custom groups, for one measure and year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import mean
from typing import Any

from django.db.models import Max, Q

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

#: `Comparators.published_own_marker` when the DfE published no row at all for the authority (a
#: published marker such as "c" says it was suppressed instead).
NOT_PUBLISHED = "not published"

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


#: Said wherever a council sees neighbours from a synthetic list.
SYNTHETIC_NEIGHBOURS = "synthetic stand-in, not the DfE's list"


def neighbour_list_current() -> StatisticalNeighbourList | None:
    return StatisticalNeighbourList.objects.order_by("-created_at", "-pk").first()


def neighbour_list_label(current: StatisticalNeighbourList | None = None) -> str:
    """The current list of statistical neighbours as a council reads it: its name, and for a synthetic
    list the warning that it is not the DfE's ("" when no list is loaded)."""
    current = current or neighbour_list_current()
    if current is None:
        return ""
    label = f"Statistical neighbours list: {current.name}"
    return f"{label} ({SYNTHETIC_NEIGHBOURS})" if current.synthetic else label


def provenance_is_synthetic(provenance: list[str] | set[str]) -> bool:
    """Whether the published figures came from a synthetic table (the demo's), by its publisher's name."""
    return any("synthetic" in p.lower() for p in provenance)


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
    #: The list the statistical neighbours come from (`neighbour_list_label`).
    neighbour_list: str = ""

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
            # "" when a figure is published; the DfE's marker ("c": suppressed, ...) when it published a
            # marker instead; "not published" when it published no row for the authority.
            "published_own_marker": self.published_own_marker,
            "published_own_count": self.published_own_count,
            "statistical_neighbours_list": self.neighbour_list,
            "source": "; ".join([*self.provenance, *([self.neighbour_list] if self.neighbour_list else [])]),
        }
        if self.custom is not None:
            data["custom"] = self.custom
        return data


def national_comparators(
    *, authority: LocalAuthority, kpi_key: str, on: dt.date, group: ComparatorGroup | None = None
) -> Comparators | None:
    """The published comparators for one KPI for the DfE year the date falls in (or the latest year before
    it that is published). None when the KPI has no national equivalent or nothing is imported for it."""
    return national_comparators_many(authority=authority, kpi_keys=[kpi_key], on=on, group=group).get(kpi_key)


def national_comparators_many(
    *, authority: LocalAuthority, kpi_keys: list[str], on: dt.date, group: ComparatorGroup | None = None
) -> dict[str, Comparators]:
    """`national_comparators` for several KPIs in a handful of queries (a page reads them all at once)."""
    measures = [MEASURES[k] for k in kpi_keys if k in MEASURES]
    if not measures:
        return {}
    up_to = published_year_for(on)
    wanted = {(key, m.indicator) for m in measures for key in m.filter_keys}
    wanted |= {(key, m.count_indicator) for m in measures for key in m.filter_keys}
    latest = (
        NationalFigure.objects.filter(
            filter_key__in={k for k, _ in wanted}, indicator__in={i for _, i in wanted}, year__lte=up_to
        )
        .values("filter_key", "indicator")
        .annotate(year=Max("year"))
    )
    years = {
        (r["filter_key"], r["indicator"]): r["year"]
        for r in latest
        if (r["filter_key"], r["indicator"]) in wanted
    }
    if not years:
        return {}
    cells = Q()
    for (key, indicator), year in years.items():
        cells |= Q(filter_key=key, indicator=indicator, year=year)
    rows: dict[tuple[str, str, int], list[NationalFigure]] = {}
    for row in NationalFigure.objects.filter(cells):
        rows.setdefault((row.filter_key, row.indicator, row.year), []).append(row)
    neighbours = statistical_neighbours(authority)
    list_label = neighbour_list_label()
    members = comparator_authorities(authority, "custom", group) if group is not None else []
    imports = {
        i.pk: i.provenance
        for i in NationalStatisticsImport.objects.filter(
            pk__in={r.statistics_import_id for found in rows.values() for r in found}
        ).select_related("publication__supplied_by_authority")
    }

    def pick(measure: Measure, indicator: str, year: int | None = None) -> list[NationalFigure]:
        for key in measure.filter_keys:
            at = year if year is not None else years.get((key, indicator))
            if at is not None and (key, indicator, at) in rows:
                return rows[key, indicator, at]
        return []

    out: dict[str, Comparators] = {}
    for measure in measures:
        found = pick(measure, measure.indicator)
        if not found:
            continue
        year = found[0].year
        by_la = {r.old_la_code: r for r in found if r.geographic_level == LOCAL_AUTHORITY}
        region = [r for r in found if r.geographic_level == REGIONAL and r.area_code == authority.region.code]
        england = [r for r in found if r.geographic_level == NATIONAL]
        counts = [
            r
            for r in pick(measure, measure.count_indicator, year)
            if r.geographic_level == LOCAL_AUTHORITY
            and r.old_la_code == authority.dfe_code
            and r.year == year
        ]
        neighbour_values = {
            la.dfe_code: (by_la[la.dfe_code].value if la.dfe_code in by_la else None) for la in neighbours
        }
        others = [r.value for code, r in by_la.items() if code != authority.dfe_code]
        custom = None
        if group is not None:
            custom = _summary(
                [by_la[m.dfe_code].value if m.dfe_code in by_la else None for m in members], len(members)
            )
            custom["name"] = group.name
        own = by_la.get(authority.dfe_code)
        used = {r.statistics_import_id for r in (*found, *counts)}
        out[measure.kpi_key] = Comparators(
            kpi_key=measure.kpi_key,
            year=year,
            measure=measure,
            statistical_neighbours=_summary(list(neighbour_values.values()), len(neighbours)),
            neighbour_values=neighbour_values,
            region=region[0].value if region else None,
            region_name=authority.region.name,
            england=england[0].value if england else None,
            all_authorities=_summary(others, len(others)),
            custom=custom,
            published_own=own.value if own else None,
            published_own_marker=own.marker if own else NOT_PUBLISHED,
            published_own_count=counts[0].value if counts else None,
            provenance=sorted({imports[i] for i in used if i in imports}),
            neighbour_list=list_label,
        )
    return out


def _provenance_of(rows: list[NationalFigure]) -> set[str]:
    ids = {r.statistics_import_id for r in rows}
    imports = NationalStatisticsImport.objects.filter(pk__in=ids).select_related(
        "publication__supplied_by_authority"
    )
    return {i.provenance for i in imports}


def england_figures_published(on: dt.date | None = None) -> dict[str, Any]:
    """England's children looked after and rate per 10,000 from the DfE's published tables as imported,
    for the latest year up to the date (any year when no date): ``total``, ``rate``, ``year`` (text) and
    ``source``. Values are None when nothing is imported."""
    up_to = published_year_for(on) if on else 9999
    out: dict[str, Any] = {"total": None, "rate": None, "year": "", "source": ""}
    used: list[NationalFigure] = []
    for key, name in (("children_in_care", "total"), ("cla_rate_per_10000", "rate")):
        measure = MEASURES[key]
        year = latest_year(measure, up_to)
        if year is None:
            continue
        rows = _figures(measure, measure.indicator, year, geographic_level=NATIONAL)
        if rows:
            out[name] = rows[0].value
            out["year"] = out["year"] or f"31 March {year}"
            used.extend(rows)
    out["source"] = "; ".join(sorted(_provenance_of(used)))
    return out


@dataclass(frozen=True)
class PublishedValue:
    """One authority's published figure for a measure: ``value`` None means not published (``marker``)."""

    dfe_code: str
    name: str
    value: float | None
    marker: str


def published_values_many(*, years: dict[str, int]) -> dict[str, dict[str, PublishedValue]]:
    """Every authority's published figure for each measure in the year given (KPI key -> year), in one
    query: KPI key -> DfE code -> value."""
    measures = {k: MEASURES[k] for k in years if k in MEASURES}
    if not measures:
        return {}
    cells = Q()
    for key, measure in measures.items():
        cells |= Q(filter_key__in=measure.filter_keys, indicator=measure.indicator, year=years[key])
    found: dict[tuple[str, str, int], dict[str, PublishedValue]] = {}
    rows = NationalFigure.objects.filter(cells, geographic_level=LOCAL_AUTHORITY).only(
        "filter_key", "indicator", "year", "old_la_code", "area_name", "value", "marker"
    )
    for row in rows:
        found.setdefault((row.filter_key, row.indicator, row.year), {})[row.old_la_code] = PublishedValue(
            row.old_la_code, row.area_name, row.value, row.marker
        )
    out: dict[str, dict[str, PublishedValue]] = {}
    for key, measure in measures.items():
        for filter_key in measure.filter_keys:
            held = found.get((filter_key, measure.indicator, years[key]))
            if held:
                out[key] = held
                break
    return out
