"""Reads of the precomputed dashboard rollups. Pages call these and nothing that counts children."""

from __future__ import annotations

from typing import Any

from sufficiency.authorities.models import LocalAuthority, Region

from .models import DashboardRollup

STATE_FIELDS = ("authority_id", "status", "computed_at", "as_at", "data_date", "error")
SECTIONS = frozenset({"headline", "overview", "forecast", "gap", "market"})


def rollup_for_authority(*, authority: LocalAuthority, sections: tuple[str, ...]) -> DashboardRollup | None:
    """The authority's rollup with only the page's sections loaded (one query; None before the first)."""
    unknown = set(sections) - SECTIONS
    if unknown:
        raise ValueError(f"Unknown rollup sections: {sorted(unknown)}")
    return DashboardRollup.objects.filter(authority=authority).only(*STATE_FIELDS, *sections).first()


def rollup_state_for_authority(*, authority: LocalAuthority) -> DashboardRollup | None:
    """The authority's rollup state only (status, dates; no figures): one small query."""
    return DashboardRollup.objects.filter(authority=authority).only(*STATE_FIELDS).first()


def region_headlines(*, region: Region) -> list[dict[str, Any]]:
    """Every authority of a region with its headline figures (None where no rollup exists yet), by name.
    One query."""
    rows = (
        LocalAuthority.objects.filter(region=region)
        .order_by("name")
        .values_list("pk", "dfe_code", "name", "dashboard_rollup__headline", "dashboard_rollup__computed_at")
    )
    return [
        {"id": pk, "code": code, "name": name, "headline": headline if computed else None}
        for pk, code, name, headline, computed in rows
    ]


def region_totals(headlines: list[dict[str, Any]]) -> dict[str, Any]:
    """The region as the sum of its authorities' headline figures (authorities with a rollup and, for the
    rate, a population estimate)."""
    with_data = [h["headline"] for h in headlines if h["headline"]]
    total = sum(h.get("total", 0) for h in with_data)
    rated = [h for h in with_data if h.get("population")]
    rate_total = sum(h["total"] for h in rated)
    population = sum(h["population"] for h in rated)
    return {
        "authorities": len(with_data),
        "total": total,
        "rate": round(rate_total / population * 10_000, 1) if population else None,
        "distance_known": sum(h.get("distance_known", 0) for h in with_data),
        "over_20_miles": sum(h.get("over_20_miles", 0) for h in with_data),
        "boundary_known": sum(h.get("boundary_known", 0) for h in with_data),
        "outside_la": sum(h.get("outside_la", 0) for h in with_data),
    }
