"""Benchmarking: an authority ranked among a comparator set for every KPI with a national equivalent.

Read from the same comparators as the KPI page, the board report and the API (`KpiRow.national`, one
calculation): the authority's own figure from its register, what the DfE published for it, each comparator
authority's published figure for the same year, the region and England. Published national statistics are
already suppressed by the DfE (markers such as "c"), so nothing here is suppressed again; a marker is shown as
"not published" and never ranked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from placements.models import ComparatorGroup
from placements.national.measures import MEASURES
from placements.national.selectors import COMPARATOR_SETS, comparator_authorities, published_values_many
from sufficiency.authorities.models import LocalAuthority

from .kpis import KpiSession
from .selectors import KpiRow, kpi_rows_for_authority


@dataclass(frozen=True)
class Member:
    """One authority in the ranking."""

    dfe_code: str
    name: str
    value: float | None
    marker: str = ""
    is_self: bool = False
    rank: int | None = None


@dataclass
class BenchmarkRow:
    row: KpiRow
    year: int | None
    members: list[Member] = field(default_factory=list)
    #: The authority's place among the members with a figure, 1 the highest (None when it has no figure).
    rank: int | None = None
    ranked: int = 0
    #: Where the ranked figure of the authority comes from: "published" (the DfE's) or "register".
    own_basis: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    not_published: int = 0

    @property
    def key(self) -> str:
        return self.row.key

    @property
    def national(self) -> Any:
        return self.row.national


def comparator_groups(authority: LocalAuthority) -> list[ComparatorGroup]:
    """The authority's own custom comparator groups."""
    return list(ComparatorGroup.objects.for_authority(authority).order_by("name"))


def benchmark_rows(
    *,
    authority: LocalAuthority,
    on: dt.date,
    comparator_set: str = "statistical_neighbours",
    group: ComparatorGroup | None = None,
    session: KpiSession | None = None,
) -> list[BenchmarkRow]:
    """Every KPI with a national equivalent, the authority ranked among the comparator set (statistical
    neighbours, region, custom group; "england" and "all authorities" rank it among every authority) for
    the DfE year the date falls in. A KPI with nothing published gives a row with no members."""
    if comparator_set not in COMPARATOR_SETS:
        raise KeyError(f"unknown comparator set {comparator_set!r}")
    rows = kpi_rows_for_authority(
        authority=authority, on=on, keys=list(MEASURES), comparators=False, national=True, session=session
    )
    ranked_set = "all_authorities" if comparator_set == "england" else comparator_set
    members = comparator_authorities(authority, ranked_set, group)
    years = {r.key: r.national.year for r in rows if r.national is not None and r.national.year is not None}
    published = published_values_many(years=years)
    out = []
    for row in rows:
        values = published.get(row.key, {})
        own_published = values.get(authority.dfe_code)
        own_value: float | None
        if own_published is not None and own_published.value is not None:
            own_value, own_basis, own_marker = own_published.value, "published", ""
        else:
            own_value, own_basis = row.value.value, "register"
            own_marker = own_published.marker if own_published is not None else ""
        listed = [
            Member(
                la.dfe_code,
                la.name,
                values[la.dfe_code].value if la.dfe_code in values else None,
                values[la.dfe_code].marker if la.dfe_code in values else "",
            )
            for la in members
        ]
        listed.append(Member(authority.dfe_code, authority.name, own_value, own_marker, is_self=True))
        with_value = sorted(
            (m for m in listed if m.value is not None), key=lambda m: (-(m.value or 0), m.name)
        )
        ranks: dict[str, int] = {}
        for position, m in enumerate(with_value, start=1):
            same = next(
                (ranks[o.dfe_code] for o in with_value if o.value == m.value and o.dfe_code in ranks), None
            )
            ranks[m.dfe_code] = same or position
        ordered = [
            Member(m.dfe_code, m.name, m.value, m.marker, m.is_self, ranks.get(m.dfe_code))
            for m in [*with_value, *sorted((m for m in listed if m.value is None), key=lambda m: m.name)]
        ]
        others = [m.value for m in listed if not m.is_self and m.value is not None]
        out.append(
            BenchmarkRow(
                row=row,
                year=row.national.year if row.national is not None else None,
                members=ordered if values else [],
                rank=ranks.get(authority.dfe_code) if values else None,
                ranked=len(with_value) if values else 0,
                own_basis=own_basis if own_value is not None else "",
                summary={
                    "mean": round(mean(others), 1) if others else None,
                    "min": min(others) if others else None,
                    "max": max(others) if others else None,
                    "n": len(others),
                },
                not_published=sum(1 for m in listed if not m.is_self and m.value is None),
            )
        )
    return out
