"""The landing page's figures: for each role, the few figures it needs first, for the as-at date.

Every figure is a KPI row as the KPI page reads it (`kpi_page_rows`: the precomputed snapshot of the date
when one is held, else the same catalogue counted live), with its target and RAG from the strategy
covering the date (the measure the KPI page names as the target, rated as the strategy page rates it),
and its change since the previous quarter in words of better or worse. Nothing here counts a figure
of its own, so the landing page and the KPI page cannot disagree.

The data manager's figures are the latest import and its quality, as the data quality page reads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from placements.choices import ImportKindChoices
from placements.models import ImportJob
from placements.quality_selectors import import_quality_for_authority
from sufficiency.authorities.choices import RoleChoices
from sufficiency.authorities.models import LocalAuthority

from .choices import RagChoices
from .kpi_snapshots import kpi_snapshot_get
from .kpis.base import Direction
from .kpis.labels import unit_words
from .models import Measure
from .rag import rag_status
from .selectors import (
    KpiRow,
    format_kpi_value,
    kpi_page_rows,
    kpi_rows_for_authority,
    strategy_current_for_authority,
)

_COMMISSIONER = (
    "children_in_care",
    "pct_foster_care",
    "children_in_residential",
    "pct_placed_over_20_miles",
    "mean_weekly_cost_residential_external",
    "foster_preferred_residential_used",
    "foster_preferred_residential_extra_cost",
)
#: The KPIs each role sees first, in the order shown. Board members see the KPIs their strategy sets
#: targets for (`BOARD_TARGETS`), after these.
ROLE_FIGURES: dict[str, tuple[str, ...]] = {
    RoleChoices.COMMISSIONER: _COMMISSIONER,
    RoleChoices.ADMINISTRATOR: _COMMISSIONER,
    RoleChoices.PLACEMENT_FINDER: (
        "placement_requests",
        "pct_requests_emergency",
        "median_days_to_place",
        "foster_preferred_residential_used",
        "fostering_usable_vacancies",
    ),
    RoleChoices.BOARD_MEMBER: ("children_in_care",),
    RoleChoices.REGIONAL_ANALYST: (
        "children_in_care",
        "cla_rate_per_10000",
        "pct_foster_care",
        "pct_placed_over_20_miles",
    ),
    RoleChoices.DATA_MANAGER: ("children_in_care",),
}
#: Roles whose landing page lists every KPI the current strategy sets a target for.
BOARD_TARGETS = frozenset({RoleChoices.BOARD_MEMBER})


@dataclass(frozen=True)
class LandingFigure:
    """One KPI on the landing page: the KPI page's row, its target and RAG, and its change in words."""

    row: KpiRow
    value_text: str
    unit: str
    target_text: str
    rag: RagChoices | None
    change_text: str

    @property
    def key(self) -> str:
        return self.row.key

    @property
    def name(self) -> str:
        return self.row.kpi.name

    @property
    def rag_label(self) -> str:
        return self.rag.label if self.rag is not None else ""


def _change_words(row: KpiRow) -> str:
    """ "Up 1.2 since 31 December 2025 (better)"; "No change since ..."; "" without a previous value."""
    change = row.change
    if change is None:
        return ""
    since = f"since {row.previous_on.day} {row.previous_on:%B %Y}"
    if change == 0:
        return f"No change {since}"
    direction = row.kpi.direction
    amount = format_kpi_value(abs(change), row.kpi.unit)
    verdict = ""
    if direction != Direction.NEUTRAL:
        better = (change > 0) == (direction == Direction.HIGHER)
        verdict = " (better)" if better else " (worse)"
    return f"{'Up' if change > 0 else 'Down'} {amount} {since}{verdict}"


def _measures_by_kpi(*, authority: LocalAuthority, on: dt.date) -> dict[str, Measure]:
    """The measure each KPI is targeted by in the strategy covering the date (the soonest target, as the
    KPI page names it)."""
    strategy = strategy_current_for_authority(authority=authority, on=on)
    if strategy is None:
        return {}
    out: dict[str, Measure] = {}
    for measure in Measure.objects.filter(objective__strategy=strategy).order_by("target_date", "id"):
        out.setdefault(measure.kpi_key, measure)
    return out


def landing_kpis_for_roles(roles: Iterable[str], targeted: Iterable[str] = ()) -> list[str]:
    """The KPI keys a person with `roles` sees first, in order, without repeats; roles in BOARD_TARGETS
    add the `targeted` KPIs (those the current strategy sets targets for)."""
    keys: list[str] = []
    roles = list(roles)
    for role in roles:
        keys += ROLE_FIGURES.get(role, ())
        if role in BOARD_TARGETS:
            keys += list(targeted)
    return list(dict.fromkeys(keys))


def landing_figures_for_authority(
    *, authority: LocalAuthority, roles: Iterable[str], on: dt.date
) -> list[LandingFigure]:
    """The figures a person holding `roles` in the authority sees first on their landing page, on the
    date, read as the KPI page reads them."""
    measures = _measures_by_kpi(authority=authority, on=on)
    keys = landing_kpis_for_roles(roles, targeted=measures)
    if not keys:
        return []
    if kpi_snapshot_get(authority=authority, on=on) is not None:
        rows, _snapshot = kpi_page_rows(authority=authority, on=on)
    else:
        # Not precomputed for the date: the KPI page counts the catalogue live, the same way; here only
        # the KPIs shown, without the regional comparators (the values are the same calculation).
        rows = kpi_rows_for_authority(authority=authority, on=on, keys=keys, comparators=False)
    by_key = {row.key: row for row in rows}
    figures = []
    for key in keys:
        row = by_key.get(key)
        if row is None:
            continue
        measure = measures.get(key)
        target_text, rag = "", None
        if measure is not None:
            target_text = f"{format_kpi_value(float(measure.target_value), row.kpi.unit)} by {measure.target_date:%B %Y}"
            rag = rag_status(
                value=row.value.value,
                target=measure.target_value,
                direction=measure.direction,
                tolerance=measure.tolerance,
            )
        figures.append(
            LandingFigure(
                row=row,
                value_text=format_kpi_value(row.value.value, row.kpi.unit),
                unit=unit_words(row.kpi),
                target_text=target_text,
                rag=rag,
                change_text=_change_words(row),
            )
        )
    return figures


def landing_import_for_authority(*, authority: LocalAuthority) -> dict[str, Any] | None:
    """The latest SSDA903 import job (whatever its state) and the quality report of the latest completed
    one, with its problem totals as the data quality page shows them; None before any import."""
    job = (
        ImportJob.objects.for_authority(authority)
        .filter(kind=ImportKindChoices.SSDA903)
        .order_by("-created_at")
        .first()
    )
    if job is None:
        return None
    quality = import_quality_for_authority(authority=authority)
    return {
        "job": job,
        "report": quality["latest"],
        "totals": quality["totals"][-1] if quality["totals"] else None,
    }
