"""Finding placements: requests logged, how they ended, and the unmet need (read through a guarded import while
placement finding is absent).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import pandas as pd

from placements import counting

from ...kpis.base import Group
from ..choices import SectionChoices
from ..formatting import column, fmt_count, fmt_money, long_date, make_section, make_table

if TYPE_CHECKING:
    from sufficiency.authorities.models import LocalAuthority


def _finding_source() -> Any:
    """``placements.finding.selectors.placement_finding_kpis`` when the placement-finding feature is
    installed, else None."""
    try:
        module = importlib.import_module("placements.finding.selectors")
    except ImportError:
        return None
    return getattr(module, "placement_finding_kpis", None)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None or isinstance(value, (str, bool, int)):
            out[key] = value
        elif isinstance(value, float):
            out[key] = None if pd.isna(value) else value
        else:
            try:
                out[key] = None if pd.isna(value) else float(value)
            except (TypeError, ValueError):
                out[key] = str(value)
    return out


def finding(authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    start = counting.window_start(ctx.on).date()
    period = f"the 12 months to {long_date(ctx.on)}"
    source = _finding_source()
    values: dict[str, Any]
    if source is not None:
        values = dict(source(authority=authority, start=start, end=ctx.on))
        origin = "placement_finding"
    else:
        values = {k["key"]: k["value"] for k in by_key.values() if k["group"] == str(Group.FINDING)}
        origin = "kpi_catalogue"
    requests = values.get("placement_requests")
    if not requests:
        return make_section(
            SectionChoices.FINDING,
            empty=f"No placement requests were recorded in {period}.",
            data={"source": origin, "values": _jsonable(values)},
        )

    def v(key: str) -> Any:
        return values.get(key)

    rows = [
        ["Placement requests", fmt_count(requests)],
        ["of which planned", fmt_count(v("planned_requests"))],
        ["of which emergency (same day)", fmt_count(v("emergency_requests"))],
        ["Requests not (yet) placed", fmt_count(v("requests_not_placed"))],
        ["Median days from request to placement", "No data" if v("median_days_to_place") is None
         else f"{v('median_days_to_place'):,.0f}"],
        ["Placed to plan (the kind of home the child's plan preferred)", "No data" if v("pct_placed_to_plan") is None
         else f"{v('pct_placed_to_plan'):.1f}%"],
        ["Fostering preferred but residential care used", fmt_count(v("foster_preferred_residential_used"))],
        ["Extra annual cost of those residential placements", fmt_money(v("foster_preferred_residential_extra_cost"))],
        ["Sibling groups split", fmt_count(v("sibling_groups_split"))],
        ["Providers approached per request", "No data" if v("providers_approached_per_request") is None
         else f"{v('providers_approached_per_request'):.1f}"],
    ]  # fmt: skip
    facts = [
        f"In {period} the placements team received {requests:,} requests for a home"
        + (
            f", {v('emergency_requests'):,} of them emergencies"
            if v("emergency_requests") is not None
            else ""
        )
        + "."
    ]
    if v("foster_preferred_residential_used"):
        facts.append(
            f"{v('foster_preferred_residential_used'):,} children whose plan preferred foster care were placed in "
            f"residential care because no suitable foster home was found, at an estimated extra cost of "
            f"{fmt_money(v('foster_preferred_residential_extra_cost'))} a year."
        )
    return make_section(
        SectionChoices.FINDING,
        facts=facts,
        tables=[
            make_table(
                f"Placement finding, {period}",
                [column("Measure"), column("Value", True)],
                rows,
                "table-finding",
            )
        ],  # fmt: skip
        data={"source": origin, "values": _jsonable(values)},
    )
