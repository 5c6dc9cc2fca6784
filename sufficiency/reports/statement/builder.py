"""Assemble a sufficiency statement: every section's figures, tables and narrative, as one JSON document.

The statement is a sibling of the board progress report and is built from the same parts: the KPI
catalogue (every headline figure is the catalogue's value for the same date, read through
``kpi_rows_for_authority``), the board report's section builders (where children live, fostering,
residential, supported accommodation, placement finding, forecast, spend, strategy progress and actions)
and its formatting. Sections follow the structure councils publish (``StatementSectionChoices``).

Each section has the board report's shape (``key``, ``number``, ``title``, ``facts``, ``tables``,
``charts``, ``notes``, ``empty``, ``data``) plus ``narrative`` (the authority's text) and ``kpis`` (the
section's catalogue figures: key, name, value, text, previous year's value). The document is written to
be published: counts of children below the suppression threshold are shown as "fewer than 5" in every
table and sentence (`sufficiency.core.suppression`), breakdowns carry secondary suppression, and nothing
identifies a child. ``data`` keeps the raw figures the charts, the tests and the next version's
comparison read; it is never printed.

    document = build_statement_document(authority=la, as_at=date(2026, 3, 31), narrative={...})
    document = build_regional_document(authority=lead, region=region, as_at=..., narrative={...})
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.utils import timezone

from forecasting.choices import BASELINE
from forecasting.gap import GAP_GROUPS
from forecasting.gap_services import scenario_gaps
from forecasting.selectors import forecast_value_frame, latest_forecast_run, scenario_descriptions
from placements import counting
from placements.categories import (
    FOSTERING_EXTERNAL,
    FOSTERING_INHOUSE,
    FOSTERING_KINSHIP,
    PLANNING_CATEGORIES,
    PLANNING_CATEGORY_LABELS,
    RESIDENTIAL_EXTERNAL,
    RESIDENTIAL_INHOUSE,
    SUPPORTED,
    WITH_PARENTS,
    age_band,
)
from placements.choices import (
    BELOW_GOOD_JUDGEMENTS,
    GOOD_OR_BETTER_JUDGEMENTS,
    UNGRADED_JUDGEMENTS,
    JudgementChoices,
)
from placements.costs import episode_routes
from placements.selectors import child_frame_for_authorities, framework_setting_urns, register_data_date
from placements.supply.selectors import block_beds_for_authority, block_contracts_on, inhouse_home_rows
from sufficiency.core.suppression import suppress_linked, suppress_small

from ..board.formatting import column, fmt_money, long_date, make_table
from ..board.sections.finding import _finding_source, finding
from ..board.sections.forecast import (
    FORECAST_HORIZONS,
    SPEND_GROUP_LABELS,
    _gap_source,
    actual_spend,
    financial,
    forecast,
)
from ..board.sections.kpis import kpi_entries
from ..board.sections.placements import (
    LIVING_GROUPS,
    fostering,
    locality_counts,
    residential,
    supported,
    where_children_live,
)
from ..board.sections.strategy import actions, progress
from ..kpis import KpiContext, KpiSession, previous_date, registry
from ..kpis.base import Unit
from ..kpis.catalogue import accommodation_suitability, care_leavers_19_21
from ..selectors import (
    format_kpi_value,
    kpi_rows_for_authority,
    objectives_for_strategy,
    strategy_current_for_authority,
)
from .choices import StatementSectionChoices as S
from .disclosure import (
    DASH,
    LIVING_GROUP_CATEGORIES,
    SUPPRESSED_TEXT,
    LinkedCounts,
    RowMap,
    apply_counts,
    category_row,
    cell_text,
    group_row,
    parse_count,
    put_text,
    read_counts,
    regional_suppressed,
)

if TYPE_CHECKING:
    from sufficiency.authorities.models import LocalAuthority, Region

#: Bump when the document's shape changes; published versions keep the schema they were built with.
SCHEMA_VERSION = 1

WITHHELD_TEXT = "Withheld (fewer than 5 children)"

#: Catalogue figures that are not made of children (a unit cost is the mean of the authority's recorded
#: unit costs), so a small denominator does not withhold them.
NOT_ABOUT_CHILDREN = frozenset({"unit_cost_fostering_inhouse"})

#: The KPI catalogue figures each section prints, in order.
SECTION_KPIS: dict[str, tuple[str, ...]] = {
    S.CONTEXT: ("children_in_care", "cla_rate_per_10000"),
    S.CHILDREN: (
        "children_in_care",
        "cla_rate_per_10000",
        "started_care_12m",
        "ceased_care_12m",
        "pct_uasc",
        "pct_aged_under_5",
        "pct_aged_16_17",
        "pct_section_20",
    ),
    S.WHERE_THEY_LIVE: (
        "pct_foster_care",
        "pct_fostering_inhouse",
        "pct_kinship_care",
        "children_in_residential",
        "supported_accommodation",
        "placed_with_parents",
        "unregistered_placements",
        "pct_placed_outside_la",
        "pct_placed_over_20_miles",
        "mean_distance_miles",
        "mean_distance_residential_miles",
    ),
    S.STABILITY: ("stability_3_plus_placements", "stability_long_term"),
    S.QUALITY: ("pct_good_or_outstanding", "children_in_settings_below_good"),
    S.SUPPLY: (
        "fostering_households_approved",
        "fostering_places_approved",
        "fostering_households_net_change",
        "fostering_approvals_12m",
        "inhouse_foster_occupancy",
        "residential_inhouse",
        "residential_external",
        "under_13_in_residential",
    ),
    S.UNMET_NEED: (
        "placement_requests",
        "pct_requests_emergency",
        "median_days_to_place",
        "pct_placed_to_plan",
        "foster_preferred_residential_used",
        "sibling_groups_split",
    ),
    S.COSTS: (
        "high_cost_placements",
        "mean_weekly_cost_residential_external",
        "unit_cost_fostering_inhouse",
        "foster_preferred_residential_extra_cost",
    ),
    S.FORECAST: ("children_in_care",),
    S.CARE_LEAVERS: ("care_leavers_suitable_accommodation", "care_leavers_eet"),
    S.WHAT_WE_WILL_DO: ("strategy_actions_on_track", "strategy_actions_overdue"),
}

LEGAL_STATUS_LABELS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or youth detention accommodation",
    "J2": "Placed in local authority accommodation under PACE",
    "J3": "Sentenced to a youth rehabilitation order with residence or fostering requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks",
    "V4": "Accommodated under an agreed series of short-term breaks, individual episodes",
}

AGE_BANDS = {
    "under_1": "Under 1",
    "1_4": "1 to 4",
    "5_9": "5 to 9",
    "10_15": "10 to 15",
    "16_17": "16 and 17",
}


def published_count(value: float | int | None) -> str:
    """A count of children as a published statement prints it: "fewer than 5" for 1 to 4."""
    if value is None:
        return "No data"
    figure = suppress_small(int(round(value)))
    if figure.suppressed and int(round(value)) > 0:
        return SUPPRESSED_TEXT
    return f"{int(round(value)):,}"


def kpi_text(entry: dict[str, Any]) -> str:
    """A catalogue figure as published: counts of children suppressed when small; a ratio or mean withheld
    when it is made of a small number (its numerator or denominator is 1 to 4), as every figure shown
    about another authority's children is."""
    value, unit = entry.get("value"), entry.get("unit")
    if value is None:
        return "No data"
    if unit == Unit.COUNT:
        return published_count(value)
    if entry.get("key") in NOT_ABOUT_CHILDREN:
        return format_kpi_value(value, unit)
    parts = (
        (entry.get("numerator"),)
        if unit == Unit.RATE_PER_10000
        else (entry.get("numerator"), entry.get("denominator"))
    )
    for part in parts:
        if part is not None and 0 < part < 5:
            return WITHHELD_TEXT
    return format_kpi_value(value, unit)


#: Board-report tables a statement leaves out: the same catalogue figures are in the section's own
#: key-figures table, published with suppression.
DUPLICATE_BOARD_TABLES = frozenset({"table-foster-carers", "table-residential-kpis"})

#: A count of 1 to 4 written as a word of a generated sentence (not a day of a month, "3 or more", etc.).
_SMALL_IN_TEXT = re.compile(
    r"(?<![\d.,£:/-])\b[1-4]\b(?![\d.,%:/])(?! (?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December|or more|years?|months?|pts|miles|placements in))"
)
_SMALL_CELL = re.compile(r"^[1-4]$")


def publishable_fact(text: str) -> bool:
    """False for a generated sentence that states a count of 1 to 4 (it is left out of the statement)."""
    return not _SMALL_IN_TEXT.search(text)


def suppress_table(table: dict[str, Any]) -> dict[str, Any]:
    """A board-report table made fit to publish: every count of 1 to 4 in a numeric column reads "fewer
    than 5", the shares and other figures in its row are withheld, and where a column has a Total row and
    only one suppressed cell, its next smallest count is suppressed too (so no cell can be worked out by
    subtraction)."""
    numeric = [bool(h.get("numeric")) for h in table["headers"]]
    rows = [[c if not isinstance(c, dict) else dict(c) for c in row] for row in table["rows"]]

    def text(cell: Any) -> str:
        return str(cell.get("text", "")) if isinstance(cell, dict) else str(cell)

    def put(row: list[Any], i: int, value: str) -> None:
        if isinstance(row[i], dict):
            row[i]["text"] = value
            row[i].pop("tag", None)
        else:
            row[i] = value

    hidden: dict[int, list[int]] = {}
    for r, row in enumerate(rows):
        for i, cell in enumerate(row[1:], start=1):
            if i < len(numeric) and numeric[i] and _SMALL_CELL.match(text(cell).replace(",", "")):
                hidden.setdefault(i, []).append(r)
    has_total = any(text(row[0]) == "Total" for row in rows if row)
    if has_total:
        for i, rs in list(hidden.items()):
            if len(rs) == 1:
                shown = [
                    (int(text(row[i]).replace(",", "")), r)
                    for r, row in enumerate(rows)
                    if r not in rs and text(row[0]) != "Total" and text(row[i]).replace(",", "").isdigit()
                    and int(text(row[i]).replace(",", "")) > 0
                ]  # fmt: skip
                if shown:
                    rs.append(min(shown)[1])
    for i, rs in hidden.items():
        for r in rs:
            put(rows[r], i, SUPPRESSED_TEXT)
            for j, cell in enumerate(rows[r][1:], start=1):
                if j != i and text(cell).endswith("%"):
                    put(rows[r], j, "–")
    return {**table, "rows": rows}


def _breakdown_table(
    counts: dict[str, int], total: int, caption: str, label: str, table_id: str, suppress: bool = True
) -> dict[str, Any]:
    """A breakdown of children with primary and secondary suppression, and its share of the total (with
    ``suppress=False``, the counts as they are: an authority's statement suppresses them with the rest of
    its figures)."""
    if not suppress:
        rows = [
            [key, f"{n:,}", f"{n / total * 100:.1f}%" if total and n else "–"] for key, n in counts.items()
        ]
        rows.append(["Total", f"{total:,}", "100.0%" if total else "–"])
        return make_table(
            caption, [column(label), column("Children", True), column("Share", True)], rows, table_id
        )
    total_key = ("total",)
    values: dict[Any, int] = {**counts, total_key: total}
    linked = suppress_linked(values, [(total_key, list(counts))])
    total_fig, figures = linked[total_key], linked
    rows = []
    for key, n in counts.items():
        fig = figures[key]
        if fig.suppressed:
            rows.append([key, SUPPRESSED_TEXT if n else "0", "–"])
        else:
            rows.append([key, f"{n:,}", f"{n / total * 100:.1f}%" if total else "–"])
    rows.append(
        [
            "Total",
            published_count(total) if total_fig.suppressed else f"{total:,}",
            "100.0%" if total else "–",
        ]
    )
    return make_table(
        caption, [column(label), column("Children", True), column("Share", True)], rows, table_id
    )


def _regional_children(authority_ids: list[int]) -> pd.DataFrame:
    """Children of a region's authorities with ethnicity, keyed as a regional scope keys them."""
    children = child_frame_for_authorities(authority_ids=authority_ids)
    children["child"] = children["authority_id"].astype(str) + "/" + children["child"].astype(str)
    return children


def children_breakdowns(
    ctx: KpiContext, suppress: bool = True
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Children in care on the date by age band, ethnicity and legal status (suppressed tables unless
    ``suppress`` is False) and the raw counts behind them."""
    current = ctx.current
    total = len(current)
    if not total:
        return [], {"by_age": {}, "by_ethnicity": {}, "by_legal_status": {}}
    ages = current["age"].astype(int).map(age_band)
    by_age = {label: int((ages == band).sum()) for band, label in AGE_BANDS.items()}
    kids = ctx.data.children
    if "ethnic" not in kids.columns:  # a pooled regional scope keeps no ethnicity: read it once
        kids = ctx.data.memo("statement_ethnicity", lambda: _regional_children(ctx.data.authority_ids))
    kids = kids.drop_duplicates("child", keep="last")
    ethnic = current["child"].map(pd.Series(kids["ethnic"].to_numpy(), index=kids["child"].to_numpy()))
    ethnic = ethnic.fillna("").replace("", "Not recorded")
    by_ethnicity = {str(k): int(v) for k, v in ethnic.value_counts().sort_index().items()}
    legal = current["ls"].fillna("").replace("", "Not recorded")
    by_legal = {
        f"{code} {LEGAL_STATUS_LABELS.get(code, '')}".strip(): int(n)
        for code, n in legal.value_counts().sort_index().items()
    }
    tables = [
        _breakdown_table(by_age, total, "Children in care by age", "Age", "table-children-age", suppress),
        _breakdown_table(
            by_ethnicity,
            total,
            "Children in care by ethnicity (SSDA903 code)",
            "Ethnicity",
            "table-children-ethnicity",
            suppress,
        ),
        _breakdown_table(
            by_legal,
            total,
            "Children in care by legal status",
            "Legal status",
            "table-children-legal",
            suppress,
        ),
    ]
    return tables, {"by_age": by_age, "by_ethnicity": by_ethnicity, "by_legal_status": by_legal}


def _kpi_part(keys: tuple[str, ...], by_key: dict[str, dict[str, Any]], section: str) -> tuple[list, dict]:
    """A section's catalogue figures as a table (this year, a year earlier, the region) and as data."""
    entries = []
    rows = []
    for key in keys:
        entry = by_key.get(key)
        if entry is None:
            continue
        prev = {
            **entry,
            "value": entry.get("previous_value"),
            "numerator": entry.get("previous_numerator"),
            "denominator": entry.get("previous_denominator"),
        }
        regional = {
            **entry,
            "value": entry.get("regional_value"),
            "numerator": entry.get("regional_numerator"),
            "denominator": entry.get("regional_denominator"),
        }
        if "published" in entry:  # an authority's statement: from its linked figures
            text, prev_text, reg_text = entry["published"]
        else:
            text, prev_text = kpi_text(entry), kpi_text(prev)
            reg_text = kpi_text(regional) if entry.get("regional_value") is not None else "–"
        entries.append(
            {
                "key": key,
                "name": entry["name"],
                "unit": entry["unit"],
                "value": entry["value"],
                "numerator": entry.get("numerator"),
                "denominator": entry.get("denominator"),
                "previous_value": entry.get("previous_value"),
                "regional_value": entry.get("regional_value"),
                "text": text,
                "previous_text": prev_text,
                "regional_text": reg_text,
                "definition": entry.get("definition", ""),
            }
        )
        rows.append([entry["name"], text, prev_text, reg_text])
    if not rows:
        return [], entries
    table = make_table(
        "Key figures",
        [
            column("Measure"),
            column("This year", True),
            column("A year earlier", True),
            column("Region", True),
        ],
        rows,
        f"table-{section}-kpis",
    )
    return [table], entries


def _supply_section(authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    section = _section(
        S.SUPPLY,
        [fostering(authority, ctx, by_key), residential(authority, ctx, by_key), supported(ctx, by_key)],
    )
    routes = routes_table(authority, ctx)
    if routes is not None:
        section["tables"].append(routes)
    contracts = block_contracts_table(authority, ctx.on)
    if contracts is not None:  # added after the suppression of children's counts: beds are not children
        section["tables"].append(contracts)
        section["empty"] = None
    return section


def block_contracts_table(authority: LocalAuthority, on: dt.date) -> dict[str, Any] | None:
    """The block contracts running on the date: provider, home, type of place, beds, term and weekly cost per
    bed. Beds are places, not children, so the table needs no suppression."""
    contracts = block_contracts_on(authority=authority, on=on)
    if not contracts:
        return None
    rows = [
        [
            c.provider_name,
            c.setting.name if c.setting_id and c.setting else "–",
            PLANNING_CATEGORY_LABELS.get(c.category, c.category),
            f"{c.beds:,}",
            f"{long_date(c.start_date)} to {long_date(c.end_date)}",
            f"£{c.weekly_cost_per_bed:,.0f}",
        ]
        for c in contracts
    ]
    rows.append(["Total", "", "", f"{sum(c.beds for c in contracts):,}", "", ""])
    return make_table(
        f"Block contracts running on {long_date(on)}",
        [
            column("Provider"),
            column("Home"),
            column("Type of place"),
            column("Beds", True),
            column("Term"),
            column("Weekly cost per bed", True),
        ],
        rows,
        "statement-block-contracts",
    )


def _section(key: S, parts: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A statement section made of board-report parts (their facts, tables, charts, notes and data)."""
    section: dict[str, Any] = {
        "key": key.value,
        "title": key.label,
        "facts": [],
        "narrative": "",
        "kpis": [],
        "tables": [],
        "charts": [],
        "notes": [],
        "empty": None,
        "data": {},
    }
    empties = []
    for part in parts or []:  # published as a whole afterwards (`publish_authority_sections`)
        section["facts"] += part.get("facts", [])
        section["tables"] += [t for t in part.get("tables", []) if t.get("id") not in DUPLICATE_BOARD_TABLES]
        section["charts"] += [dict(chart) for chart in part.get("charts", [])]
        section["notes"] += part.get("notes", [])
        section["data"].update(part.get("data", {}))
        if part.get("empty"):
            empties.append(part["empty"])
    if empties and not section["tables"] and not section["facts"]:
        section["empty"] = " ".join(empties)
    elif empties:
        section["notes"] += empties
    for name, value in extra.items():
        if name in ("facts", "tables", "notes"):
            section[name] = value + section[name]
        else:
            section[name] = value
    return section


def _scenario_table(run: Any) -> dict[str, Any] | None:
    """Children in care expected at each horizon under the baseline and every scenario of the run."""
    if run is None:
        return None
    values = forecast_value_frame(run=run)
    totals = values.loc[values["dimension"] == "total"] if len(values) else values
    if totals is None or totals.empty:
        return None
    rows = []
    for scenario, frame in totals.groupby("scenario", sort=True):
        cells = [str(scenario).replace("_", " ").capitalize()]
        for months in FORECAST_HORIZONS:
            at = frame.loc[frame["months_ahead"] == months]
            cells.append("–" if at.empty else f"{at.iloc[0]['mean']:,.0f}")
        rows.append(cells)
    return make_table(
        "Children in care expected under each scenario",
        [column("Scenario")]
        + [column(f"In {m // 12} year{'s' if m > 12 else ''}", True) for m in FORECAST_HORIZONS],
        rows,
        "table-forecast-scenarios",
    )


def _scenario_name(name: str) -> str:
    return str(name).replace("_", " ").capitalize()


def scenario_gap_part(authority: LocalAuthority) -> dict[str, Any] | None:
    """The sufficiency gap under each scenario of the forecast the latest gap assessment used
    (`forecasting.gap_services.scenario_gaps`): forecast demand by kind of place against the same usable
    in-house places and block beds, and what is left to buy; with a note saying which scenario is which."""
    gaps = scenario_gaps(authority=authority)
    if len(gaps) < 2:  # the baseline alone is the gap table already
        return None
    labels = {g.key: g.label for g in GAP_GROUPS}
    rows = [
        [_scenario_name(name), str(v["financial_year"]), labels.get(str(v["group"]), str(v["group"])),
         f"{v['demand_mean']:,.0f}", f"{v['inhouse_places']:,}", f"{v['block_beds']:,}",
         f"{v['external_mean']:,.0f}"]
        for name, values in gaps.items()
        for v in values
    ]  # fmt: skip
    others = [name for name in gaps if name != BASELINE]
    described = scenario_descriptions(authority=authority, names=others)
    which = [f"{_scenario_name(BASELINE)}: the forecast if recent trends continue."] + [
        f"{_scenario_name(name)}: {described[name].rstrip('.') or 'a scenario saved without a description'}."
        for name in others
    ]
    notes = [
        "The gap under each scenario of the forecast, each set against the same places (usable in-house places "
        "and the block beds contracted for each year). " + " ".join(which)
    ]
    table = make_table(
        "Sufficiency gap under each scenario: forecast demand against our places",
        [column("Scenario"), column("Financial year"), column("Kind of place"), column("Demand (mean)", True),
         column("Usable in-house places", True), column("Block beds", True), column("To buy externally", True)],
        rows,
        "table-gap-scenarios",
    )  # fmt: skip
    # A note, not a generated sentence about children: the scenarios' names and descriptions are the
    # authority's own words, and their numbers (a tenth, 20 places) are not counts of children.
    return {"notes": notes, "tables": [table], "data": {"scenario_gaps": gaps}}


def _age_forecast_table(run: Any, by_age: dict[str, int], on: dt.date) -> dict[str, Any] | None:
    """Children in care by age band now (the same counts as the age table) and expected at each horizon
    (the baseline forecast's age band dimension)."""
    if run is None:
        return None
    values = forecast_value_frame(run=run, scenario="baseline")
    ages = values.loc[values["dimension"] == "age_band"] if len(values) else values
    if ages is None or ages.empty:
        return None
    rows = []
    for band, label in AGE_BANDS.items():
        at_band = ages.loc[ages["key"] == band]
        if at_band.empty:
            continue
        cells = [label, f"{by_age.get(label, 0):,}"]
        for months in FORECAST_HORIZONS:
            at = at_band.loc[at_band["months_ahead"] == months]
            cells.append("–" if at.empty else f"{at.iloc[0]['mean']:,.0f}")
        rows.append(cells)
    if not rows:
        return None
    return make_table(
        "Projected children in care by age band (mean, baseline scenario)",
        [column("Age band"), column(f"Now ({long_date(on)})", True)]
        + [column(f"In {m // 12} year{'s' if m > 12 else ''}", True) for m in FORECAST_HORIZONS],
        rows,
        "table-forecast-ages",
    )


#: Routes to market (`placements.costs.episode_routes`), in the order the route table prints them.
ROUTES = {"in_house": "In-house", "framework": "Framework", "spot": "Spot"}


def routes_table(authority: LocalAuthority, ctx: Any) -> dict[str, Any] | None:
    """Children in care on the date by type of placement and route to market: in-house (the authority's
    own provision and kinship care), bought through a framework (the setting is on one of the
    authority's framework memberships) or spot purchased (`placements.costs.episode_routes`)."""
    current = ctx.current
    if not len(current):
        return None
    urns = framework_setting_urns(authority_id=authority.pk)
    routes = episode_routes(current.assign(on_framework=current["urn"].isin(urns)))
    counts = pd.crosstab(current["category"], routes)
    rows = []
    for category in PLANNING_CATEGORIES:
        if category not in counts.index:
            continue
        by_route = [int(counts.loc[category].get(r, 0)) for r in ROUTES]
        rows.append([PLANNING_CATEGORY_LABELS[category], *(f"{n:,}" for n in by_route), f"{sum(by_route):,}"])
    totals = [int(counts[r].sum()) if r in counts.columns else 0 for r in ROUTES]
    rows.append(["Total", *(f"{n:,}" for n in totals), f"{sum(totals):,}"])
    return make_table(
        f"Children in care on {long_date(ctx.on)} by type of placement and route",
        [
            column("Type of placement"),
            *(column(label, True) for label in ROUTES.values()),
            column("Total", True),
        ],
        rows,
        "table-routes",
    )


#: Care leavers' accommodation as the OC3 code says it (`accommodation_suitability`), in table order.
CARE_LEAVER_ACCOMMODATION = {
    "suitable": "Suitable",
    "unsuitable": "Unsuitable",
    "other": "No information, not in touch or abroad",
}
_JUDGEMENT_LABELS = dict(JudgementChoices.choices)
_GOOD_LABELS = frozenset(_JUDGEMENT_LABELS[str(j)] for j in GOOD_OR_BETTER_JUDGEMENTS)
_UNGRADED_LABELS = frozenset(_JUDGEMENT_LABELS[str(j)] for j in UNGRADED_JUDGEMENTS)


def judgements_table(ctx: Any) -> dict[str, Any] | None:
    """Children in care on the date placed at an Ofsted-registered setting, by the setting's latest
    judgement on or before the date (the quality measures' own frame, ``KpiContext.judgement_of_current``);
    counts as they are, published with the statement's other counts."""
    judged = ctx.judgement_of_current
    if not len(judged):
        return None
    counts = judged["judgement"].astype(str).value_counts()
    order = [j for j in JudgementChoices.values if j in counts.index]
    order += sorted(j for j in counts.index if j not in order)
    by_judgement = {_JUDGEMENT_LABELS.get(j, j): int(counts[j]) for j in order}
    return _breakdown_table(
        by_judgement,
        len(judged),
        f"Children in care on {long_date(ctx.on)} at an Ofsted-registered setting, by its latest judgement",
        "Judgement",
        "table-quality-judgements",
        suppress=False,
    )


def care_leavers_table(ctx: Any) -> dict[str, Any] | None:
    """Care leavers aged 19 to 21 in the latest complete OC3 collection year by whether their accommodation
    was suitable (the records and the reading the catalogue's figure uses); counts as they are, published
    with the statement's other counts."""
    rows = care_leavers_19_21(ctx)
    if not len(rows):
        return None
    suitability = accommodation_suitability(rows)
    counts = {label: int((suitability == key).sum()) for key, label in CARE_LEAVER_ACCOMMODATION.items()}
    return _breakdown_table(
        counts,
        len(rows),
        "Care leavers aged 19 to 21 by the suitability of their accommodation (latest OC3 collection year)",
        "Accommodation",
        "table-care-leavers",
        suppress=False,
    )


def objectives_table(strategy: Any) -> dict[str, Any] | None:
    """The strategy's objectives: each with its description and its measures (the catalogue figure and its
    target), objectives without measures included."""
    if strategy is None:
        return None
    rows = []
    for objective in objectives_for_strategy(strategy=strategy):
        measures = []
        for m in objective.measures.all():
            kpi = registry.get(m.kpi_key)
            unit = kpi.unit if kpi else Unit.NUMBER
            name = kpi.name if kpi else m.kpi_key
            measures.append(
                f"{name}: {format_kpi_value(float(m.target_value), unit)} by {long_date(m.target_date)}"
            )
        rows.append(
            [f"{objective.number}. {objective.title}", objective.description.strip() or "–",
             "; ".join(measures) or "No measures yet"]
        )  # fmt: skip
    if not rows:
        return None
    return make_table(
        f"Our objectives ({strategy.title})",
        [column("Objective"), column("What it means"), column("Measures and targets")],
        rows,
        "table-objectives",
    )


def _context_section(
    authority: LocalAuthority, as_at: dt.date, strategy: Any, by_key: dict
) -> dict[str, Any]:
    facts = [
        f"Section 22G of the Children Act 1989 requires {authority.name} to take steps to secure, so far as "
        "reasonably practicable, sufficient accommodation within its area which meets the needs of the "
        "children it looks after, and to publish how it will do so.",
        f"This statement assesses sufficiency as at {long_date(as_at)}: the children we look after and their "
        "needs, where they live, the supply and quality of placements, unmet need, cost, the demand we "
        "expect and what we will do about the gap.",
    ]
    cic = by_key.get("children_in_care", {})
    rate = by_key.get("cla_rate_per_10000", {})
    if cic.get("value") is not None:
        sentence = f"On {long_date(as_at)} we looked after {kpi_text(cic)} children"
        if rate.get("value") is not None:
            sentence += (
                f", {format_kpi_value(rate['value'], Unit.RATE_PER_10000)} per 10,000 children in our area"
            )
        facts.append(sentence + ".")
    if strategy is not None:
        facts.append(f"This statement sits under our strategy, {strategy.title} ({strategy.period}).")
    return _section(S.CONTEXT, facts=facts)


def _care_leavers_section(by_key: dict, ctx: Any) -> dict[str, Any]:
    facts = []
    table = care_leavers_table(ctx)
    suitable = by_key.get("care_leavers_suitable_accommodation", {})
    if suitable.get("value") is not None:
        facts.append(
            f"{kpi_text(suitable)} of care leavers aged 19 to 21 were in suitable accommodation "
            "in the latest collection year."
        )
    return _section(
        S.CARE_LEAVERS,
        facts=facts,
        tables=[table] if table else [],
        empty=None if facts else "The register holds no care leaver (OC3) returns for this period.",
    )


def build_statement_document(
    *,
    authority: LocalAuthority,
    as_at: dt.date,
    title: str = "Placement sufficiency statement",
    narrative: dict[str, str] | None = None,
    previous: dict[str, Any] | None = None,
    session: KpiSession | None = None,
) -> dict[str, Any]:
    """An authority's statement as at a date: every section from the selectors and the KPI catalogue (one
    register load shared through ``session``), its narrative, and the change in every figure since
    ``previous`` (the frozen document of the last published version, if any)."""
    session = session or KpiSession(authority)
    narrative = narrative or {}
    ctx = session.context(as_at)
    rows = kpi_rows_for_authority(authority=authority, on=as_at, period="year", session=session)
    by_key = {k["key"]: k for k in kpi_entries(rows, None)}
    for row in rows:  # what the previous year's and the region's figures are made of (for suppression)
        by_key[row.key].update(
            previous_numerator=row.previous.numerator,
            previous_denominator=row.previous.denominator,
            regional_numerator=row.regional.numerator if row.regional else None,
            regional_denominator=row.regional.denominator if row.regional else None,
        )
    strategy = strategy_current_for_authority(authority=authority, on=as_at)
    run = latest_forecast_run(authority=authority)
    breakdown_tables, breakdown_data = children_breakdowns(ctx, suppress=False)
    forecast_part = forecast(authority, ctx, run)
    scenarios = _scenario_table(run)
    for extra in (scenarios, _age_forecast_table(run, breakdown_data["by_age"], as_at)):
        if extra is not None:
            forecast_part = {**forecast_part, "tables": [*forecast_part.get("tables", []), extra]}
    scenario_gap = scenario_gap_part(authority)

    sections = [
        _context_section(authority, as_at, strategy, by_key),
        _section(S.CHILDREN, tables=breakdown_tables, data=breakdown_data),
        _section(S.WHERE_THEY_LIVE, [where_children_live(authority, ctx, by_key)]),
        _section(S.STABILITY),
        _section(S.QUALITY, tables=[t for t in [judgements_table(ctx)] if t]),
        _supply_section(authority, ctx, by_key),
        _section(S.UNMET_NEED, [finding(authority, ctx, by_key)]),
        _section(S.COSTS, [financial(authority, as_at, run)]),
        _section(S.FORECAST, [forecast_part, *([scenario_gap] if scenario_gap else [])]),
        _care_leavers_section(by_key, ctx),
        _section(S.WHAT_WE_WILL_DO, [progress(strategy, as_at, session), actions(strategy, as_at)],
                 tables=[t for t in [objectives_table(strategy)] if t]),
    ]  # fmt: skip
    publish_authority_sections(authority, ctx, sections, by_key)
    _finish(sections, by_key, narrative)
    add_table_charts(sections, long_date(as_at))
    data_date = register_data_date(authority=authority)
    document = {
        "schema": SCHEMA_VERSION,
        "kind": "authority",
        "title": title,
        "authority": {
            "name": authority.name,
            "dfe_code": authority.dfe_code,
            "region": authority.region.name,
        },
        "region": None,
        "as_at": as_at.isoformat(),
        "as_at_text": long_date(as_at),
        "register_data_date": data_date.isoformat() if data_date else None,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "strategy": {"title": strategy.title, "period": strategy.period} if strategy else None,
        "sections": sections,
    }
    document["comparison"] = compare_documents(document, previous)
    return document


def _finish(sections: list[dict[str, Any]], by_key: dict, narrative: dict[str, str]) -> None:
    """Number the sections, add each one's catalogue figures and the authority's narrative."""
    for number, section in enumerate(sections, start=1):
        section["number"] = number
        tables, entries = _kpi_part(SECTION_KPIS.get(section["key"], ()), by_key, section["key"])
        section["kpis"] = entries
        section["tables"] = tables + section["tables"]
        section["narrative"] = (narrative.get(section["key"]) or "").strip()
        if section["narrative"] or section["tables"] or section["facts"]:
            if section["empty"] and (section["tables"] or section["facts"]):
                section["notes"].append(section["empty"])
            section["empty"] = None
        elif not section["empty"]:
            section["empty"] = "The register holds no figures for this section as at this date."


def compare_documents(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any] | None:
    """Every catalogue figure of ``current`` beside the same figure in ``previous`` (the last published
    version), with the change; ``changed`` marks figures that moved. Also sets each section KPI's
    ``last_version_text`` and ``changed`` so the page can highlight the change."""
    if not previous:
        return None
    before: dict[str, dict[str, Any]] = {}
    for section in previous.get("sections", []):
        for entry in section.get("kpis", []):
            before.setdefault(entry["key"], entry)
    rows = []
    seen = set()
    for section in current["sections"]:
        for entry in section["kpis"]:
            last = before.get(entry["key"])
            entry["last_version_text"] = last["text"] if last else "–"
            now, then = entry.get("value"), (last or {}).get("value")
            change = None if now is None or then is None else round(now - then, 2)
            entry["change"] = change
            entry["changed"] = bool(last) and (change not in (None, 0) or entry["text"] != last["text"])
            if entry["key"] in seen:
                continue
            seen.add(entry["key"])
            rows.append(
                {
                    "key": entry["key"],
                    "name": entry["name"],
                    "now": entry["text"],
                    "then": entry["last_version_text"],
                    "change": change,
                    "changed": entry["changed"],
                }
            )
    return {
        "version": previous.get("version"),
        "as_at": previous.get("as_at"),
        "as_at_text": long_date(previous.get("as_at")),
        "rows": rows,
        "changed_count": sum(1 for r in rows if r["changed"]),
    }


# --- Publishing an authority's statement: every count of children as one linked table ----------------------
#: Tables whose figures are not counts of children (households, places, beds, money, model estimates of the
#: total, the strategy's measures and actions): printed as they are.
NOT_CHILDREN_TABLES = frozenset(
    {
        "table-foster-recruitment",
        "table-foster-capacity",
        "table-supported-registration",
        "statement-block-contracts",
        "table-spend",
        "table-spend-forecast",
        "table-forecast",
        "table-forecast-scenarios",
        "table-actions",
        "table-objectives",
    }
)
#: Catalogue counts that are not counts of children (households, places, actions): printed as they are.
NOT_CHILDREN_COUNTS = frozenset(
    {
        "fostering_households_approved",
        "fostering_places_approved",
        "fostering_households_net_change",
        "fostering_approvals_12m",
        "strategy_actions_overdue",
    }
)
#: Sections whose generated sentences count children (the others state money, measures and actions).
CHILD_FACT_SECTIONS = frozenset(
    {S.CONTEXT, S.CHILDREN, S.WHERE_THEY_LIVE, S.STABILITY, S.QUALITY, S.SUPPLY, S.UNMET_NEED, S.FORECAST,
     S.CARE_LEAVERS}
)  # fmt: skip
#: Catalogue counts that are a cell of the linked table (the same children as a table's row), by year.
KPI_CELLS: dict[str, Any] = {
    "children_in_care": lambda y: ("total", y),
    "children_in_residential": lambda y: ("group", "residential", y),
    "supported_accommodation": lambda y: ("category", SUPPORTED, y),
    "placed_with_parents": lambda y: ("category", WITH_PARENTS, y),
    "residential_inhouse": lambda y: ("category", RESIDENTIAL_INHOUSE, y),
    "residential_external": lambda y: ("category", RESIDENTIAL_EXTERNAL, y),
}
#: A percentage's numerator and denominator as cells of the linked table (a percentage times a printed
#: total gives its count back, so it is withheld whenever either is suppressed).
RATIO_CELLS: dict[str, Any] = {
    "pct_foster_care": lambda y: (("group", "foster", y), ("total", y)),
    "pct_kinship_care": lambda y: (("category", FOSTERING_KINSHIP, y), ("total", y)),
    "pct_fostering_inhouse": lambda y: (("category", FOSTERING_INHOUSE, y), ("fostering_non_kin", y)),
    "inhouse_foster_occupancy": lambda y: (("category", FOSTERING_INHOUSE, y), None),
    "pct_aged_under_5": lambda y: (("under_5", y), ("total", y)),
    "pct_aged_16_17": lambda y: (("age", AGE_BANDS["16_17"], y), ("total", y)),
    "pct_section_20": lambda y: (("legal", "V2 " + LEGAL_STATUS_LABELS["V2"], y), ("total", y)),
    "pct_placed_outside_la": lambda y: (("locality", "outside", y), ("locality", "boundary_known", y)),
    "pct_placed_over_20_miles": lambda y: (
        ("locality", "over_20_miles", y),
        ("locality", "distance_known", y),
    ),
    "pct_good_or_outstanding": lambda y: (("judgement_good", y), ("judgement_graded", y)),
    "care_leavers_suitable_accommodation": lambda y: (
        ("care_leavers", CARE_LEAVER_ACCOMMODATION["suitable"], y),
        ("care_leavers_total", y),
    ),
}
_LIVING_LABELS = {label: key for key, label, _cats in LIVING_GROUPS}
_FOSTERED_ROWS: dict[str, Any] = {
    "In-house foster carers": ("category", FOSTERING_INHOUSE, "now"),
    "Independent fostering agencies and other authorities": ("category", FOSTERING_EXTERNAL, "now"),
    "Kinship (family and friends) carers": ("category", FOSTERING_KINSHIP, "now"),
    "Total": ("group", "foster", "now"),
}
_FINDING_ROWS: dict[str, Any] = {
    "Placement requests": ("kpi", "placement_requests", "now"),
    "of which planned": ("requests", "planned"),
    "of which emergency (same day)": ("requests", "emergency"),
    "Requests not (yet) placed": ("requests", "not_placed"),
    "Fostering preferred but residential care used": ("kpi", "foster_preferred_residential_used", "now"),
    "Sibling groups split": ("kpi", "sibling_groups_split", "now"),
}


def _breakdown_row(kind: str) -> RowMap:
    return lambda _i, label: ("total", "now") if label == "Total" else (kind, label, "now")


def _residential_row(i: int, label: str) -> Any:
    return ("group", "residential", "now") if label == "Total" else category_row("now")(i, label)


def _route_row(route: str) -> RowMap:
    """A route's column of the route table: (type of placement, route) children, and the route's total."""

    def row(i: int, label: str) -> Any:
        if label == "Total":
            return ("route_total", route, "now")
        category = category_row("now")(i, label)
        return ("route", category[1], route, "now") if category else None

    return row


def _category_total_row(total: str) -> RowMap:
    """A column of types of placement whose Total row is all children."""
    return lambda i, label: (total, "now") if label == "Total" else category_row("now")(i, label)


#: Each published table of children: its count columns (column -> row map) and its share columns
#: (column -> (its count column, the base's cell, or None for the table's Total row)).
TABLE_CELLS: dict[str, tuple[dict[int, RowMap], dict[int, tuple[int, Any]]]] = {
    "table-children-age": ({1: _breakdown_row("age")}, {2: (1, None)}),
    "table-children-ethnicity": ({1: _breakdown_row("ethnicity")}, {2: (1, None)}),
    "table-children-legal": ({1: _breakdown_row("legal")}, {2: (1, None)}),
    "table-where-live": (
        {1: group_row(_LIVING_LABELS, "now"), 3: group_row(_LIVING_LABELS, "prev")},
        {2: (1, None)},
    ),
    "table-by-category": ({1: category_row("now"), 3: category_row("prev")}, {2: (1, ("total", "now"))}),
    "table-by-area": ({1: lambda _i, label: ("area", label)}, {2: (1, ("total", "now"))}),
    "table-fostered": ({1: lambda _i, label: _FOSTERED_ROWS.get(label)}, {2: (1, None)}),
    "table-residential": ({1: _residential_row}, {}),
    "table-homes": ({5: lambda i, _l: ("home_own", i), 6: lambda i, _l: ("home_other", i)}, {}),
    "table-supported-outcomes": ({2: lambda _i, label: ("supported_outcome", label)}, {}),
    "table-finding": ({1: lambda _i, label: _FINDING_ROWS.get(label)}, {}),
    "table-forecast-categories": ({1: category_row("now")}, {}),
    "table-forecast-ages": ({1: lambda _i, label: ("age", label, "now")}, {}),
    "table-quality-judgements": (
        {
            1: lambda _i, label: (
                ("judgement_total", "now") if label == "Total" else ("judgement", label, "now")
            )
        },
        {2: (1, None)},
    ),
    "table-care-leavers": (
        {
            1: lambda _i, label: (
                ("care_leavers_total", "now") if label == "Total" else ("care_leavers", label, "now")
            )
        },
        {2: (1, None)},
    ),
    "table-routes": (
        {
            **{i: _route_row(route) for i, route in enumerate(ROUTES, start=1)},
            len(ROUTES) + 1: _category_total_row("total"),
        },
        {},
    ),
}


def _primary_only(table: dict[str, Any], columns: list[int]) -> dict[str, Any]:
    """Counts of 1 to 4 in the given columns read "fewer than 5" (model estimates, in no printed sum)."""
    rows = [list(row) for row in table["rows"]]
    for row in rows:
        for i in columns:
            value = parse_count(row[i]) if i < len(row) else None
            if value is not None and 0 < value < 5:
                put_text(row, i, SUPPRESSED_TEXT)
    return {**table, "rows": rows}


def _gap_table(table: dict[str, Any], demand: int = 2, with_it: tuple[int, ...] = (5, 7)) -> dict[str, Any]:
    """The gap by kind of place: the forecast demand (column ``demand``) is suppressed when 1 to 4, and with
    it what is left to buy and the shortfall (demand less places, columns ``with_it``); places and beds are
    not children and are printed."""
    rows = [list(row) for row in table["rows"]]
    for row in rows:
        count = parse_count(row[demand])
        if count is not None and 0 < count < 5:
            for i in (demand, *with_it):
                if i < len(row) and cell_text(row[i]) not in ("", "–"):
                    put_text(row, i, SUPPRESSED_TEXT)
    return {**table, "rows": rows}


def _linked_counts(
    ctx: Any, sections: list[dict[str, Any]], by_key: dict[str, dict[str, Any]]
) -> LinkedCounts:
    """Every count of children the statement prints, read from its tables and catalogue figures, with the
    sums that tie them."""
    linked = LinkedCounts()
    tables = {t["id"]: t for s in sections for t in s["tables"]}
    for table_id, (columns, _shares) in TABLE_CELLS.items():
        if table_id in tables:
            read_counts(linked, tables[table_id], columns)
    for year in ("now", "prev"):  # a type of placement with no row has no children
        for c in PLANNING_CATEGORIES:
            linked.add_known(("category", c, year), 0)
        for group, cats in LIVING_GROUP_CATEGORIES.items():
            linked.relate(("group", group, year), [("category", c, year) for c in cats])
        linked.relate(("total", year), [("group", g, year) for g in LIVING_GROUP_CATEGORIES])
        linked.relate(("total", year), [("category", c, year) for c in PLANNING_CATEGORIES])
        fostering_non_kin = [("category", FOSTERING_INHOUSE, year), ("category", FOSTERING_EXTERNAL, year)]
        if all(k in linked.values for k in fostering_non_kin):
            linked.add(("fostering_non_kin", year), sum(linked.values[k] for k in fostering_non_kin))
            linked.relate(("fostering_non_kin", year), fostering_non_kin)
    # Children by route: each type of placement is the sum of its routes, each route the sum of its types.
    route_cells = [k for k in linked.values if isinstance(k, tuple) and k[0] == "route"]
    for c in {k[1] for k in route_cells}:
        linked.relate_if_equal(("category", c, "now"), [k for k in route_cells if k[1] == c])
    for route in ROUTES:
        linked.relate_if_equal(("route_total", route, "now"), [k for k in route_cells if k[2] == route])
    linked.relate_if_equal(("total", "now"), [("route_total", route, "now") for route in ROUTES])
    for kind in ("age", "ethnicity", "legal", "area"):
        linked.relate_if_equal(
            ("total", "now"), [k for k in linked.values if isinstance(k, tuple) and k[0] == kind]
        )
    under_5 = [("age", AGE_BANDS["under_1"], "now"), ("age", AGE_BANDS["1_4"], "now")]
    if all(k in linked.values for k in under_5):
        linked.add(("under_5", "now"), sum(linked.values[k] for k in under_5))
        linked.relate(("under_5", "now"), under_5)
    # Care leavers by the suitability of their accommodation.
    leavers = [k for k in linked.values if isinstance(k, tuple) and k[0] == "care_leavers"]
    linked.relate_if_equal(("care_leavers_total", "now"), leavers)
    outcomes = [k for k in linked.values if isinstance(k, tuple) and k[0] == "supported_outcome"]
    linked.relate_if_equal(("category", SUPPORTED, "now"), outcomes)
    linked.relate_if_equal(
        ("kpi", "placement_requests", "now"), [("requests", "planned"), ("requests", "emergency")]
    )
    # Each home's occupancy times its places gives its children back; the open homes' sum is a sentence.
    homes = tables.get("table-homes")
    occupied = []
    for i, row in enumerate(homes["rows"] if homes else []):
        own, other = ("home_own", i), ("home_other", i)
        if own in linked.values and other in linked.values:
            linked.add(("home_occupied", i), linked.values[own] + linked.values[other])
            linked.relate(("home_occupied", i), [own, other])
            if cell_text(row[3]) == "Open":
                occupied.append(("home_occupied", i))
    if occupied:
        linked.add(("homes_occupied",), sum(linked.values[k] for k in occupied))
        linked.relate(("homes_occupied",), occupied)
    linked.relate_if_equal(
        ("category", RESIDENTIAL_INHOUSE, "now"),
        [k for k in linked.values if isinstance(k, tuple) and k[0] == "home_own"],
    )
    # Where they live: distance and boundary, stated in sentences and as percentages.
    where = next((s for s in sections if s["key"] == S.WHERE_THEY_LIVE), None)
    locality = (where or {}).get("data", {}).get("locality") or {}
    for name, n in locality.items():
        linked.add(("locality", name, "now"), n)
    linked.relate(("locality", "distance_known", "now"),
                  [("locality", "over_20_miles", "now"), ("locality", "within_20_miles", "now")])  # fmt: skip
    linked.relate(("locality", "boundary_known", "now"),
                  [("locality", "inside", "now"), ("locality", "outside", "now")])  # fmt: skip
    # The catalogue's counts of children: the same cell as a table's row where they count the same children.
    for key, entry in by_key.items():
        if entry.get("unit") != Unit.COUNT or key in NOT_CHILDREN_COUNTS:
            continue
        for year, value in (("now", entry.get("value")), ("prev", entry.get("previous_value"))):
            if value is None:
                continue
            cell = KPI_CELLS[key](year) if key in KPI_CELLS else None
            if cell is None or linked.values.get(cell) != int(round(value)):
                cell = ("kpi", key, year)
                linked.add(cell, int(round(value)))
            entry.setdefault("cells", {})[year] = cell
    # Children by Ofsted judgement: all of them, the Good or better (a percentage's numerator) and the graded
    # (its denominator).
    judgements = [k for k in linked.values if isinstance(k, tuple) and k[0] == "judgement"]
    # (the sum the key figures print first, so that a small count is protected inside it first)
    below_good = {_JUDGEMENT_LABELS[str(j)] for j in BELOW_GOOD_JUDGEMENTS}
    linked.relate_if_equal(
        ("kpi", "children_in_settings_below_good", "now"), [k for k in judgements if k[1] in below_good]
    )
    same: dict[Any, Any] = {}  # a ratio's part that is the same children as a printed cell
    for name, keep in (("judgement_good", lambda label: label in _GOOD_LABELS),
                       ("judgement_graded", lambda label: label not in _UNGRADED_LABELS)):  # fmt: skip
        parts = [k for k in judgements if keep(k[1])]
        if len(parts) == 1 or (parts and len(parts) == len(judgements)):
            same[name, "now"] = parts[0] if len(parts) == 1 else ("judgement_total", "now")
        elif parts:
            linked.add((name, "now"), sum(linked.values[k] for k in parts))
            linked.relate((name, "now"), parts)
    # All of them are the graded and the ungraded (so the two sums are one system, not two that give the
    # ungraded back by subtraction).
    ungraded = [k for k in judgements if k[1] in _UNGRADED_LABELS]
    if ("judgement_graded", "now") in linked.values and ungraded:
        linked.relate_if_equal(("judgement_total", "now"), [("judgement_graded", "now"), *ungraded])
    else:
        linked.relate_if_equal(("judgement_total", "now"), judgements)
    for key, entry in by_key.items():
        if key not in RATIO_CELLS:
            continue
        for year, num, den in (
            ("now", entry.get("numerator"), entry.get("denominator")),
            ("prev", entry.get("previous_numerator"), entry.get("previous_denominator")),
        ):
            num_cell, den_cell = (same.get(c, c) for c in RATIO_CELLS[key](year))
            if linked.values.get(num_cell) == num and (
                den_cell is None or linked.values.get(den_cell) == den
            ):
                entry.setdefault("ratio_cells", {})[year] = [c for c in (num_cell, den_cell) if c is not None]
    linked.solve()
    return linked


def _regional_kpi_text(entry: dict[str, Any]) -> str:
    """The region's figure beside an authority's own: withheld when the region less the authority's own
    figure (a count, or a numerator or denominator) is 1 to 4 children (disclosure rule 6)."""
    if entry.get("regional_value") is None:
        return "–"
    regional = {
        **entry,
        "value": entry.get("regional_value"),
        "numerator": entry.get("regional_numerator"),
        "denominator": entry.get("regional_denominator"),
    }
    if entry.get("key") not in NOT_CHILDREN_COUNTS | NOT_ABOUT_CHILDREN:
        pairs = (
            [(entry.get("regional_value"), entry.get("value"))]
            if entry.get("unit") == Unit.COUNT
            else [
                (entry.get("regional_numerator"), entry.get("numerator")),
                (entry.get("regional_denominator"), entry.get("denominator")),
            ]
        )
        for region, own in pairs:
            if region is not None and own is not None and 0 < region - own < 5:
                return SUPPRESSED_TEXT if entry.get("unit") == Unit.COUNT else WITHHELD_TEXT
    return kpi_text(regional)


def _published_kpi(entry: dict[str, Any], year: str, linked: LinkedCounts) -> str:
    value = entry.get("value" if year == "now" else "previous_value")
    if value is None:
        return "No data"
    if entry["key"] in NOT_CHILDREN_COUNTS:
        return format_kpi_value(value, entry["unit"])
    cell = entry.get("cells", {}).get(year)
    if cell is not None:
        return linked.text(cell)
    parts = entry.get("ratio_cells", {}).get(year, [])
    if any(linked.hidden(p) for p in parts):
        return WITHHELD_TEXT
    if year == "now":
        return kpi_text(entry)
    return kpi_text(
        {**entry, "value": value, "numerator": entry.get("previous_numerator"),
         "denominator": entry.get("previous_denominator")}
    )  # fmt: skip


def _by_category_chart(section: dict[str, Any], linked: LinkedCounts, as_at_text: str) -> None:
    """The chart of children by type of placement drawn from the published figures: a suppressed type
    has no bar and reads "fewer than 5", in the alt text too."""
    by_category = section["data"].get("by_category") or {}
    shown: list[list[Any]] = []
    hidden: list[list[Any]] = []
    for c in PLANNING_CATEGORIES:
        if not by_category.get(c):
            continue
        key = ("category", c, "now")
        label = PLANNING_CATEGORY_LABELS[c]
        if linked.hidden(key) or key not in linked.values:
            hidden.append([label, None, SUPPRESSED_TEXT])
        else:
            shown.append([label, linked.values[key], f"{linked.values[key]:,}"])
    rows = sorted(shown, key=lambda r: -int(r[1])) + hidden
    section["data"]["chart_published"] = rows
    total = linked.text(("total", "now")) if ("total", "now") in linked.values else "No data"
    for chart in section["charts"]:
        if chart.get("kind") == "by_category":
            chart["alt"] = (
                f"Bar chart of the {total} children in care on {as_at_text} by type of placement: "
                + "; ".join(f"{label} {text}" for label, _n, text in rows)
                + "."
            )


_PERCENT = re.compile(r"^-?[\d,]*\.?\d+%$")


def _chart_value(text: str) -> float | None:
    """A printed figure as a bar's length: a count or a percentage; None for anything withheld."""
    count = parse_count(text)
    if count is not None:
        return count
    return float(text.rstrip("%").replace(",", "")) if _PERCENT.match(text.strip()) else None


#: The charts drawn from a section's published tables: section -> (chart id, title, table id, axis label,
#: what the alt text describes, the bars as (label, row label, column) or None for every row but the Total
#: in column 1).
TABLE_CHARTS: dict[str, tuple[str, str, str, str, str, list[tuple[str, str, int]] | None]] = {
    S.CHILDREN: ("chart-children-age", "Children in care by age", "table-children-age", "Children in care",
                 "the children in care on {date} by age", None),
    S.STABILITY: ("chart-stability", "Placement stability this year and a year earlier", "table-stability-kpis",
                  "Percentage", "placement stability as at {date} and a year earlier", [
                      ("3 or more placements in the year, this year", registry["stability_3_plus_placements"].name, 1),
                      ("3 or more placements in the year, a year earlier",
                       registry["stability_3_plus_placements"].name, 2),
                      ("Long-term stability, this year", registry["stability_long_term"].name, 1),
                      ("Long-term stability, a year earlier", registry["stability_long_term"].name, 2)]),
    S.QUALITY: ("chart-quality", "Children by the Ofsted judgement of their setting", "table-quality-judgements",
                "Children in care", "the children in care on {date} at an Ofsted-registered setting by its "
                "latest judgement", None),
    S.SUPPLY: ("chart-routes", "Children in care by route", "table-routes", "Children in care",
               "the children in care on {date} by route", [
                   (label, "Total", i) for i, label in enumerate(ROUTES.values(), start=1)]),
    S.UNMET_NEED: ("chart-finding", "Placement requests: planned, emergency and not yet placed", "table-finding",
                   "Placement requests", "placement requests in the 12 months to {date}", [
                       ("Planned", "of which planned", 1),
                       ("Emergency (same day)", "of which emergency (same day)", 1),
                       ("Not (yet) placed", "Requests not (yet) placed", 1)]),
    S.CARE_LEAVERS: ("chart-care-leavers", "Care leavers aged 19 to 21 by accommodation", "table-care-leavers",
                     "Care leavers", "care leavers aged 19 to 21 by the suitability of their accommodation",
                     None),
}  # fmt: skip


def add_table_charts(
    sections: list[dict[str, Any]], as_at_text: str, charts: dict[str, Any] | None = None
) -> None:
    """Adds each section's chart of a table it publishes (``charts``, by default `TABLE_CHARTS`), drawn
    from the printed cells: a suppressed or withheld figure has no bar and reads as the table prints it,
    in the alt text too."""
    for section in sections:
        spec = (TABLE_CHARTS if charts is None else charts).get(section["key"])
        table = next((t for t in section["tables"] if spec and t.get("id") == spec[2]), None)
        if spec is None or table is None:
            continue
        chart_id, title, _table_id, axis, subject, picks = spec
        by_label = {cell_text(row[0]): row for row in table["rows"]}
        if picks is None:
            picks = [(label, label, 1) for label in by_label if label != "Total"]
        rows = []
        for label, row_label, col in picks:
            row = by_label.get(row_label)
            if row is None or col >= len(row):
                continue
            text = cell_text(row[col])
            rows.append([label, _chart_value(text), text])
        if not rows or all(value is None for _label, value, _text in rows):
            continue
        section["data"].setdefault("bars", {})[chart_id] = {"rows": rows, "axis": axis}
        alt = (
            f"Bar chart of {subject.format(date=as_at_text)}: "
            + "; ".join(f"{label} {text}" for label, _value, text in rows)
            + "."
        )
        section["charts"].append({"id": chart_id, "kind": "bars", "title": title, "alt": alt})


def publish_authority_sections(
    authority: LocalAuthority, ctx: Any, sections: list[dict[str, Any]], by_key: dict[str, dict[str, Any]]
) -> None:
    """Makes an authority's sections fit to publish: every count of children suppressed as one linked
    table (tables, key figures and their percentages, the chart and its alt text), sentences that state a
    suppressed count left out, and figures that do not count children (households, places, beds, money,
    measures and actions) printed as they are."""
    linked = _linked_counts(ctx, sections, by_key)
    for entry in by_key.values():
        entry["published"] = (
            _published_kpi(entry, "now", linked),
            _published_kpi(entry, "prev", linked),
            _regional_kpi_text(entry),
        )
    for section in sections:
        tables = []
        for table in section["tables"]:
            table_id = table.get("id")
            if table_id in TABLE_CELLS:
                columns, shares = TABLE_CELLS[table_id]
                table = apply_counts(linked, table, columns, shares)
                if table_id in ("table-forecast-categories", "table-forecast-ages"):
                    table = _primary_only(table, list(range(2, len(table["headers"]))))
                if table_id == "table-homes":
                    rows = [list(r) for r in table["rows"]]
                    for i, row in enumerate(rows):  # occupancy times places gives the home's children back
                        if linked.hidden(("home_occupied", i)):
                            put_text(row, 7, "–")
                    table = {**table, "rows": rows}
            elif table_id == "table-gap":
                table = _gap_table(table)
            elif table_id == "table-gap-scenarios":
                table = _gap_table(table, demand=3, with_it=(6,))
            elif table_id == "table-progress":
                table = _progress_table(table, section["data"].get("measures", []), by_key)
            elif table_id not in NOT_CHILDREN_TABLES:
                table = suppress_table(table)
            tables.append(table)
        section["tables"] = tables
        if section["key"] in CHILD_FACT_SECTIONS:
            facts = section["facts"]
            kept = [f for f in facts if publishable_fact(f) and not linked.states_hidden(f)]
            if len(kept) < len(facts):
                section["notes"].append(
                    "Sentences that state a suppressed count of children are left out of the published statement."
                )
            section["facts"] = kept
        if any(chart.get("kind") == "by_category" for chart in section["charts"]):
            _by_category_chart(section, linked, long_date(ctx.on))


def _progress_table(
    table: dict[str, Any], measures: list[dict[str, Any]], by_key: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The strategy's measures: a measure that is a figure about children reads as the key figures print
    it (suppressed or withheld with them); a count of 1 to 4 children three months earlier is suppressed."""
    rows = [list(row) for row in table["rows"]]
    for row, measure in zip(rows, measures, strict=False):
        entry = by_key.get(measure.get("kpi_key") or "")
        if not entry or "published" not in entry:
            continue
        if entry["published"][0] in (SUPPRESSED_TEXT, WITHHELD_TEXT):
            put_text(row, 4, entry["published"][0])
        if entry.get("unit") == Unit.COUNT and entry["key"] not in NOT_CHILDREN_COUNTS:
            for i in (4, 5):
                value = parse_count(row[i])
                if value is not None and 0 < value < 5:
                    put_text(row, i, SUPPRESSED_TEXT)
    return {**table, "rows": rows}


# --- Regional statements -------------------------------------------------------------------------------------
#: The catalogue figures a regional statement shows for each authority side by side.
REGIONAL_SIDE_BY_SIDE = (
    "children_in_care",
    "cla_rate_per_10000",
    "started_care_12m",
    "ceased_care_12m",
    "pct_uasc",
    "pct_foster_care",
    "children_in_residential",
    "pct_placed_outside_la",
    "pct_placed_over_20_miles",
    "stability_3_plus_placements",
    "pct_good_or_outstanding",
    "care_leavers_suitable_accommodation",
)


#: Catalogue figures a regional statement prints that do not count children (households, places, enquiries,
#: money): printed as they are.
REGIONAL_NOT_CHILDREN = (
    NOT_CHILDREN_COUNTS
    | NOT_ABOUT_CHILDREN
    | {
        "fostering_usable_vacancies",
        "fostering_enquiries_12m",
        "fostering_deregistrations_12m",
        "fostering_enquiry_to_approval_pct",
    }
)
#: Percentages over places, not children: only their numerator counts children.
NUMERATOR_ONLY = frozenset({"inhouse_foster_occupancy"})
#: Percentages of all children in care: their denominator is the children in care cell.
OF_ALL_CHILDREN = ("pct_uasc", "pct_aged_16_17", "pct_aged_under_5", "pct_section_20", "pct_foster_care")


def _child_cells(key: str, unit: str, value: Any, year: str) -> dict[Any, int]:
    """The counts of children a printed catalogue figure is made of, as cells of a regional statement: a
    count itself; a percentage's numerator and denominator; a rate's numerator (the population is public);
    a mean's or median's denominator (the children it is taken over)."""
    if key in REGIONAL_NOT_CHILDREN or value.value is None:
        return {}
    if unit == Unit.COUNT:
        return {("kpi", key, year): int(round(value.value))}
    cells: dict[Any, int] = {}
    if unit in (Unit.PERCENT, Unit.RATE_PER_10000) and value.numerator is not None:
        cells["num", key, year] = int(round(value.numerator))
    if unit != Unit.RATE_PER_10000 and key not in NUMERATOR_ONLY and value.denominator is not None:
        cells["den", key, year] = int(round(value.denominator))
    return cells


def _regional_text(key: str, unit: str, value: Any, year: str, slot: Any, hidden: set) -> str:
    """A catalogue figure of the region (slot REGION) or of one authority, as the regional statement prints
    it: a suppressed count reads "fewer than 5", a figure made of one is withheld."""
    if value.value is None:
        return "No data"
    if any((cell, slot) in hidden for cell in _child_cells(key, unit, value, year)):
        return SUPPRESSED_TEXT if unit == Unit.COUNT else WITHHELD_TEXT
    return format_kpi_value(value.value, unit)


def _regional_sums(breakdowns: dict[str, Any]) -> list[Any]:
    """The sums every reader knows within one authority and within the region: all children are the sum
    of each breakdown, a share's numerator is a row of a breakdown, and a share of all children has the
    children in care below it (and so does the rate per 10,000)."""
    sums: list[Any] = []
    for year in ("now", "prev"):
        cic = ("kpi", "children_in_care", year)
        sums.append((("num", "cla_rate_per_10000", year), [cic]))
        sums += [(("den", key, year), [cic]) for key in OF_ALL_CHILDREN]
    for kind, name in (("age", "by_age"), ("ethnicity", "by_ethnicity"), ("legal", "by_legal_status")):
        sums.append(
            (("kpi", "children_in_care", "now"), [(kind, label, "now") for label in breakdowns[name]])
        )
    sums.append((("num", "pct_aged_16_17", "now"), [("age", AGE_BANDS["16_17"], "now")]))
    sums.append(
        (
            ("num", "pct_aged_under_5", "now"),
            [("age", AGE_BANDS["under_1"], "now"), ("age", AGE_BANDS["1_4"], "now")],
        )
    )
    section_20 = "V2 " + LEGAL_STATUS_LABELS["V2"]
    sums.append((("num", "pct_section_20", "now"), [("legal", section_20, "now")]))
    return sums


def _breakdown_cells(data: dict[str, Any]) -> dict[Any, int]:
    return {
        (kind, label, "now"): int(n)
        for kind, name in (("age", "by_age"), ("ethnicity", "by_ethnicity"), ("legal", "by_legal_status"))
        for label, n in data.get(name, {}).items()
    }


def _publish_breakdown(table: dict[str, Any], kind: str, hidden: set) -> dict[str, Any]:
    """A pooled breakdown of children (count and share) printed from the regional statement's suppression:
    a suppressed row's share is withheld, and every share when the total is suppressed."""
    from sufficiency.core.suppression import REGION

    rows = [list(row) for row in table["rows"]]
    total_hidden = (("kpi", "children_in_care", "now"), REGION) in hidden
    for row in rows:
        label = cell_text(row[0])
        cell = ("kpi", "children_in_care", "now") if label == "Total" else (kind, label, "now")
        if (cell, REGION) in hidden:
            put_text(row, 1, SUPPRESSED_TEXT)
        if (cell, REGION) in hidden or total_hidden:
            put_text(row, 2, DASH)
    return {**table, "rows": rows}


def _member_forecasts(members: list[Any]) -> dict[int, dict[int, float]]:
    """Each authority's latest baseline forecast of all children in care at each horizon (missing when it
    has no forecast)."""
    forecasts: dict[int, dict[int, float]] = {}
    for la in members:
        run = latest_forecast_run(authority=la)
        frame = forecast_value_frame(run=run, scenario="baseline") if run else pd.DataFrame()
        forecasts[la.pk] = {}
        for m in FORECAST_HORIZONS:
            if len(frame):
                at = frame.loc[(frame["dimension"] == "total") & (frame["months_ahead"] == m)]
                if not at.empty:
                    forecasts[la.pk][m] = float(at.iloc[0]["mean"])
    return forecasts


def _member_gaps(members: list[Any]) -> tuple[dict[int, dict[tuple[str, str], dict[str, int]]], list[str]]:
    """Each authority's latest gap assessment (the one the gap page shows,
    ``forecasting.gap_services.gap_assessment_as_dict``) as whole numbers per (financial year, kind of
    place), and the financial years every assessed authority has."""
    gaps: dict[int, dict[tuple[str, str], dict[str, int]]] = {}
    for la in members:
        gap = _gap_source(la)
        if not gap or not gap.get("values"):
            continue
        gaps[la.pk] = {
            (str(v["financial_year"]), str(v["group"])): {
                "demand": int(round(v["demand_mean"] or 0)),
                "inhouse": int(v["inhouse_places"] or 0),
                "block": int(v["block_beds"] or 0),
                "external": int(round(v["external_mean"] or 0)),
            }
            for v in gap["values"]
        }
    years = sorted(set.intersection(*({y for y, _g in rows} for rows in gaps.values()))) if gaps else []
    return gaps, years


def _regional_gap_table(
    gaps: dict[int, dict[tuple[str, str], dict[str, int]]], years: list[str], hidden: set
) -> dict[str, Any] | None:
    """The gap by kind of place pooled across the authorities' latest assessments: forecast demand (children,
    suppressed with the regional statement's other counts) against usable in-house places and block beds
    (places, printed as they are), and what is left to buy (withheld with its demand)."""
    from sufficiency.core.suppression import REGION

    if not years:
        return None
    rows = []
    for year in years:
        for group in GAP_GROUPS:
            parts = [rows_of[year, group.key] for rows_of in gaps.values() if (year, group.key) in rows_of]
            if not parts:
                continue
            total = {
                field: sum(p[field] for p in parts) for field in ("demand", "inhouse", "block", "external")
            }
            demand_hidden = (("gap", year, group.key), REGION) in hidden
            external_hidden = demand_hidden or (("gap_external", year, group.key), REGION) in hidden
            rows.append(
                [
                    year,
                    group.label,
                    SUPPRESSED_TEXT if demand_hidden else f"{total['demand']:,}",
                    f"{total['inhouse']:,}",
                    f"{total['block']:,}",
                    SUPPRESSED_TEXT if external_hidden else f"{total['external']:,}",
                ]
            )
    return make_table(
        "Sufficiency gap by kind of place, pooled across the region's latest gap assessments",
        [
            column("Financial year"),
            column("Kind of place"),
            column("Demand (mean)", True),
            column("Usable in-house places", True),
            column("Block beds", True),
            column("To buy externally", True),
        ],
        rows,
        "table-region-gap",
    )


#: Catalogue counts (and percentages' numerators) of a regional statement that are a sum of types of placement.
_MIX_KPIS: dict[Any, tuple[str, ...]] = {
    ("kpi", "children_in_residential", "now"): LIVING_GROUP_CATEGORIES["residential"],
    ("kpi", "supported_accommodation", "now"): (SUPPORTED,),
    ("kpi", "placed_with_parents", "now"): (WITH_PARENTS,),
    ("kpi", "residential_inhouse", "now"): (RESIDENTIAL_INHOUSE,),
    ("kpi", "residential_external", "now"): (RESIDENTIAL_EXTERNAL,),
    ("num", "pct_foster_care", "now"): LIVING_GROUP_CATEGORIES["foster"],
    ("num", "pct_kinship_care", "now"): (FOSTERING_KINSHIP,),
}


def _category_cells(ctx: Any) -> dict[Any, int]:
    """Children in care on the date by type of placement, as cells of a regional statement."""
    counts = ctx.current["category"].value_counts() if len(ctx.current) else pd.Series(dtype=int)
    return {("category", c, "now"): int(counts[c]) for c in PLANNING_CATEGORIES if c in counts.index}


def _mix_sums(cells: list[Any]) -> list[Any]:
    """All children are the sum of the types of placement, and so is each catalogue count of some of them
    (held only where the counts agree, as `regional_suppressed` checks)."""
    present = {cell[1] for cell in cells}
    sums: list[Any] = [(("kpi", "children_in_care", "now"), list(cells))] if cells else []
    for total, categories in _MIX_KPIS.items():
        parts = [("category", c, "now") for c in categories if c in present]
        if parts:
            sums.append((total, parts))
    return sums


def _regional_mix_table(mix: dict[Any, int], total: int, hidden: set, as_at: dt.date) -> dict[str, Any]:
    """The pooled placement mix as the regional statement prints it (suppressed with its other counts)."""
    from sufficiency.core.suppression import REGION

    def text(cell: Any, value: int) -> str:
        return SUPPRESSED_TEXT if (cell, REGION) in hidden else f"{value:,}"

    rows = [[PLANNING_CATEGORY_LABELS[cell[1]], text(cell, n)] for cell, n in mix.items()]
    rows.append(["Total", text(("kpi", "children_in_care", "now"), total)])
    return make_table(
        f"Children in care across the region on {long_date(as_at)} by type of placement",
        [column("Type of placement"), column("Children", True)],
        rows,
        "table-region-placement-mix",
    )


#: Children by distance from home and by area, as rows of a regional statement: (label, locality key).
LOCALITY_ROWS = (
    ("Living within 20 miles of home", "within_20_miles"),
    ("Living more than 20 miles from home", "over_20_miles"),
    ("Distance from home known", "distance_known"),
    ("Living inside their own authority's boundary", "inside"),
    ("Living outside it", "outside"),
    ("Placement area known", "boundary_known"),
)


def _locality_cells(ctx: Any) -> dict[Any, int]:
    """Children in care on the date by distance and by area (`locality_counts`, as an authority's statement
    counts them), as cells of a regional statement."""
    if not len(ctx.current):
        return {}
    return {("locality", name, "now"): n for name, n in locality_counts(ctx.current).items()}


def _locality_sums() -> list[Any]:
    """The known children are those within and over 20 miles, and those inside and outside; and they are the
    side-by-side percentages' numerators and denominators where the counts agree."""
    cell = {name: ("locality", name, "now") for _label, name in LOCALITY_ROWS}
    return [
        (cell["distance_known"], [cell["within_20_miles"], cell["over_20_miles"]]),
        (cell["boundary_known"], [cell["inside"], cell["outside"]]),
        (("num", "pct_placed_over_20_miles", "now"), [cell["over_20_miles"]]),
        (("den", "pct_placed_over_20_miles", "now"), [cell["distance_known"]]),
        (("num", "pct_placed_outside_la", "now"), [cell["outside"]]),
        (("den", "pct_placed_outside_la", "now"), [cell["boundary_known"]]),
    ]


def _regional_locality_table(cells: dict[Any, int], hidden: set, on: dt.date) -> dict[str, Any] | None:
    """The pooled children by distance from home and by area, suppressed with the statement's other counts."""
    from sufficiency.core.suppression import REGION

    if not cells:
        return None
    rows = []
    for label, name in LOCALITY_ROWS:
        cell = ("locality", name, "now")
        rows.append([label, SUPPRESSED_TEXT if (cell, REGION) in hidden else f"{cells.get(cell, 0):,}"])
    return make_table(
        f"Children in care across the region on {long_date(on)} by distance from home and by area",
        [column("Where they live"), column("Children", True)],
        rows,
        "table-region-locality",
    )


def _regional_spend_table(members: list[Any], as_at: dt.date) -> dict[str, Any] | None:
    """Actual placement spend by financial year pooled across the region: each authority's spend as its own
    statement reports it (`actual_spend`), summed. Money, not children: printed as it is."""
    labels: list[str] = []
    pooled: dict[str, dict[str, float]] = {}
    for la in members:
        labels, actual = actual_spend(la, as_at)
        for fy, groups in actual.items():
            for group, value in groups.items():
                pooled.setdefault(fy, {})[group] = pooled.get(fy, {}).get(group, 0.0) + value
    totals = {fy: sum(pooled.get(fy, {}).values()) for fy in labels}
    if not any(totals.values()):
        return None
    partial = not (as_at.month == 3 and as_at.day == 31)
    rows = [
        [label] + [fmt_money(pooled.get(fy, {}).get(group, 0.0)) for fy in labels]
        for group, label in SPEND_GROUP_LABELS.items()
    ]
    rows.append(["Total"] + [fmt_money(totals[fy]) for fy in labels])
    return make_table(
        "Actual placement spend by financial year, pooled across the region",
        [column("Placement type")]
        + [column(f"{fy}{' (to date)' if partial and fy == labels[-1] else ''}", True) for fy in labels],
        rows,
        "table-region-spend",
    )


def _regional_supply_table(members: list[Any], member_ctx: dict[int, Any], on: dt.date) -> dict[str, Any]:
    """In-house supply pooled across the region, from what each authority's statement reports: approved
    fostering households and places and the usable places among them (the catalogue's figures), the
    children's homes it runs and their usable places, and block-contracted beds. Households, places and beds
    are not children: printed as they are."""
    totals = dict.fromkeys(("households", "places", "usable", "homes", "home_places", "beds"), 0)
    for la in members:
        ctx = member_ctx[la.pk]
        for name, key in (
            ("households", "fostering_households_approved"),
            ("places", "fostering_places_approved"),
        ):
            totals[name] += int(round(registry[key].evaluate(ctx).value or 0))
        totals["usable"] += int(round(registry["inhouse_foster_occupancy"].evaluate(ctx).denominator or 0))
        open_homes = [h for h in inhouse_home_rows(authority=la, on=on) if h["home"].status == "open"]
        totals["homes"] += len(open_homes)
        totals["home_places"] += sum(int(h["usable_places"]) for h in open_homes)
        totals["beds"] += sum(block_beds_for_authority(authority=la, on=on).values())
    labels = {
        "households": "Approved in-house fostering households",
        "places": "Approved in-house fostering places",
        "usable": "Usable in-house fostering places",
        "homes": "Children's homes the authorities run (open)",
        "home_places": "Usable places in those homes",
        "beds": "Block-contracted beds",
    }
    return make_table(
        f"In-house supply and block beds across the region on {long_date(on)}",
        [column("Supply"), column("Region (pooled)", True)],
        [[label, f"{totals[name]:,}"] for name, label in labels.items()],
        "table-region-supply",
    )


#: Placement requests by outcome, as cells of a regional statement: (row label, cell).
REQUEST_ROWS = (
    ("Placement requests", ("requests", "total", "now")),
    ("of which planned", ("requests", "planned", "now")),
    ("of which emergency (same day)", ("requests", "emergency", "now")),
    ("Placed", ("requests", "placed", "now")),
    ("Not (yet) placed", ("requests", "not_placed", "now")),
)


def _request_cells(authority: LocalAuthority, on: dt.date) -> dict[Any, int]:
    """An authority's placement requests in the 12 months to the date by outcome (the placement-finding
    figures its own statement prints), as cells of a regional statement; none without placement finding."""
    source = _finding_source()
    if source is None:
        return {}
    values = source(authority=authority, start=counting.window_start(on).date(), end=on)
    total = int(values.get("placement_requests") or 0)
    not_placed = int(values.get("requests_not_placed") or 0)
    return {
        ("requests", "total", "now"): total,
        ("requests", "planned", "now"): int(values.get("planned_requests") or 0),
        ("requests", "emergency", "now"): int(values.get("emergency_requests") or 0),
        ("requests", "placed", "now"): total - not_placed,
        ("requests", "not_placed", "now"): not_placed,
    }


def _request_sums() -> list[Any]:
    """All requests are the planned and the emergency ones, and the placed and the not placed; and they are
    the catalogue's count of placement requests where the two agree."""
    total = ("requests", "total", "now")
    return [
        (total, [("requests", "planned", "now"), ("requests", "emergency", "now")]),
        (total, [("requests", "placed", "now"), ("requests", "not_placed", "now")]),
        (("kpi", "placement_requests", "now"), [total]),
    ]


def _regional_requests_table(cells: dict[Any, int], hidden: set, on: dt.date) -> dict[str, Any] | None:
    """The pooled placement requests by outcome, suppressed with the regional statement's other counts."""
    from sufficiency.core.suppression import REGION

    if not cells.get(("requests", "total", "now")):
        return None
    rows = [
        [label, SUPPRESSED_TEXT if (cell, REGION) in hidden else f"{cells[cell]:,}"]
        for label, cell in REQUEST_ROWS
    ]
    return make_table(
        f"Placement requests across the region in the 12 months to {long_date(on)} by outcome",
        [column("Requests"), column("Region (pooled)", True)],
        rows,
        "table-region-requests",
    )


#: The side-by-side figure a regional section names the highest and lowest authority for.
REGIONAL_EXTREMES = {
    S.WHERE_THEY_LIVE: "pct_placed_over_20_miles",
    S.STABILITY: "stability_3_plus_placements",
    S.QUALITY: "pct_good_or_outstanding",
    S.CARE_LEAVERS: "care_leavers_suitable_accommodation",
}


def _extremes_fact(
    key: str, members: list[Any], member_values: dict[int, dict[str, Any]], hidden: set
) -> str | None:
    """A sentence naming the authority with the highest and the one with the lowest value of a side-by-side
    figure, with both values as the side-by-side table prints them; none unless both are printed."""
    kpi = registry[key]
    valued = [la for la in members if member_values[la.pk][key].value is not None]
    if len(valued) < 2:
        return None
    high = max(valued, key=lambda la: (member_values[la.pk][key].value, la.name))
    low = min(valued, key=lambda la: (member_values[la.pk][key].value, la.name))
    texts = [
        _regional_text(key, str(kpi.unit), member_values[la.pk][key], "now", la.pk, hidden)
        for la in (high, low)
    ]
    if high.pk == low.pk or any(t in (SUPPRESSED_TEXT, WITHHELD_TEXT, "No data") for t in texts):
        return None
    return (
        f"Of the region's authorities, {high.name} has the highest value of “{kpi.name.lower()}” ({texts[0]}) "
        f"and {low.name} the lowest ({texts[1]})."
    )


def _regional_charts(members: list[Any]) -> dict[str, Any]:
    """A regional statement's charts, drawn from its published tables: each authority's children in care
    (the side-by-side table's row, as suppressed there) and the pooled children by age."""
    name = registry["children_in_care"].name
    return {
        S.CONTEXT: ("chart-region-children", "Children in care in each authority", "table-region-side-by-side",
                    "Children in care", "the children in care on {date} in each authority of the region",
                    [(la.name, name, i) for i, la in enumerate(members, start=2)]),
        S.CHILDREN: TABLE_CHARTS[S.CHILDREN],
        S.WHERE_THEY_LIVE: ("chart-region-placement-mix", "Children in care across the region by type of placement",
                            "table-region-placement-mix", "Children in care",
                            "the children in care on {date} across the region by type of placement", None),
    }  # fmt: skip


def build_regional_document(
    *,
    authority: LocalAuthority,
    region: Region,
    as_at: dt.date,
    title: str = "Regional placement sufficiency statement",
    narrative: dict[str, str] | None = None,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A region's statement as at a date, drafted by ``authority`` (one of the region's authorities): every
    section's catalogue figures pooled across the region, each authority's figures side by side, and the
    regional forecast and gap (the sum of each authority's latest forecast).

    Every count of children it prints (pooled or an authority's own, and the parts of every ratio) is a
    cell of one linked table suppressed by `regional_suppressed`: the pooled figure is the sum of the
    authorities' figures, so no reader (the public, or an authority that knows its own figures) can work
    out a suppressed count by subtraction."""
    from sufficiency.authorities.models import LocalAuthority as LA
    from sufficiency.core.suppression import REGION

    if authority.region_id != region.pk:
        raise ValueError("A regional statement is drafted by one of the region's authorities")
    narrative = narrative or {}
    session = KpiSession(authority)
    pooled = session.regional_context(as_at)
    before_date = previous_date(as_at, "year")
    pooled_before = pooled.at(before_date)
    members = list(LA.objects.filter(pk__in=pooled.data.authority_ids).order_by("name"))
    member_sessions = {la.pk: KpiSession(la) for la in members}
    member_ctx = {la.pk: member_sessions[la.pk].context(as_at) for la in members}
    member_before = {la.pk: member_sessions[la.pk].context(before_date) for la in members}

    # Every count of children the statement prints, for the region and for each authority.
    region_cells: dict[Any, int] = {}
    member_cells: dict[Any, dict[Any, int]] = {la.pk: {} for la in members}
    pooled_values: dict[str, tuple[Any, Any]] = {}
    member_values: dict[int, dict[str, Any]] = {la.pk: {} for la in members}
    by_key: dict[str, dict[str, Any]] = {}
    for kpi in registry:
        if not kpi.regional:
            continue
        value, before = kpi.evaluate(pooled), kpi.evaluate(pooled_before)
        pooled_values[kpi.key] = (value, before)
        region_cells.update(_child_cells(kpi.key, str(kpi.unit), value, "now"))
        region_cells.update(_child_cells(kpi.key, str(kpi.unit), before, "prev"))
        for la in members:
            own = kpi.evaluate(member_ctx[la.pk])
            member_values[la.pk][kpi.key] = own
            member_cells[la.pk].update(_child_cells(kpi.key, str(kpi.unit), own, "now"))
            own_before = kpi.evaluate(member_before[la.pk])
            member_cells[la.pk].update(_child_cells(kpi.key, str(kpi.unit), own_before, "prev"))
        by_key[kpi.key] = {
            "key": kpi.key,
            "name": kpi.name,
            "unit": str(kpi.unit),
            "value": value.value,
            "numerator": value.numerator,
            "denominator": value.denominator,
            "previous_value": before.value,
            "previous_numerator": before.numerator,
            "previous_denominator": before.denominator,
            "regional_value": None,
            "definition": kpi.definition,
        }
    breakdown_tables, breakdown_data = children_breakdowns(pooled, suppress=False)
    region_cells.update(_breakdown_cells(breakdown_data))
    for la in members:
        member_cells[la.pk].update(
            _breakdown_cells(children_breakdowns(member_ctx[la.pk], suppress=False)[1])
        )
    mix = _category_cells(pooled)  # the pooled placement mix, its types of placement summing to all children
    region_cells.update(mix)
    for la in members:
        member_cells[la.pk].update(_category_cells(member_ctx[la.pk]))
    locality = _locality_cells(pooled)  # children by distance and by area, pooled
    region_cells.update(locality)
    for la in members:
        member_cells[la.pk].update(_locality_cells(member_ctx[la.pk]))
    request_cells: dict[Any, int] = {}  # placement requests by outcome, pooled
    for la in members:
        own_requests = _request_cells(la, as_at)
        member_cells[la.pk].update(own_requests)
        for cell, n in own_requests.items():
            request_cells[cell] = request_cells.get(cell, 0) + n
    region_cells.update(request_cells)
    forecasts = _member_forecasts(members)
    for m in FORECAST_HORIZONS:  # the printed (whole) forecasts, and their sum as the region's
        present = [la.pk for la in members if m in forecasts[la.pk]]
        for pk in present:
            member_cells[pk]["forecast", m] = int(round(forecasts[pk][m]))
        region_cells["forecast", m] = sum(member_cells[pk]["forecast", m] for pk in present)
    gaps, gap_years = _member_gaps(members)
    for pk, rows_of in gaps.items():  # forecast demand and what is left to buy count children
        for (year, group), row in rows_of.items():
            if year in gap_years:
                member_cells[pk]["gap", year, group] = row["demand"]
                member_cells[pk]["gap_external", year, group] = row["external"]
    for pk in gaps:
        for cell in [c for c in member_cells[pk] if c[0] in ("gap", "gap_external")]:
            region_cells[cell] = region_cells.get(cell, 0) + member_cells[pk][cell]
    printed = {("forecast", m) for m in FORECAST_HORIZONS}
    for key in REGIONAL_SIDE_BY_SIDE:
        printed |= {
            cell for cell in region_cells if cell[0] in ("kpi", "num", "den") and cell[1:] == (key, "now")
        }
    hidden = regional_suppressed(
        region_cells,
        member_cells,
        printed=printed,
        sums=_regional_sums(breakdown_data)
        + _mix_sums(list(mix))
        + (_locality_sums() if locality else [])
        + (_request_sums() if request_cells else []),
    )
    for key, entry in by_key.items():
        unit = entry["unit"]
        value, before = pooled_values[key]
        entry["published"] = (
            _regional_text(key, unit, value, "now", REGION, hidden),
            _regional_text(key, unit, before, "prev", REGION, hidden),
            "–",
        )

    side_headers = [column("Measure"), column(f"{region.name} (pooled)", True)] + [
        column(la.name, True) for la in members
    ]
    side_rows = []
    side_data: dict[str, dict[str, Any]] = {}
    for key in REGIONAL_SIDE_BY_SIDE:
        kpi = registry[key]
        cells = [kpi.name, by_key[key]["published"][0]]
        side_data[key] = {}
        for la in members:
            value = member_values[la.pk][key]
            cells.append(_regional_text(key, str(kpi.unit), value, "now", la.pk, hidden))
            side_data[key][la.dfe_code] = value.value
        side_rows.append(cells)
    side_table = make_table(
        f"Each authority's figures as at {long_date(as_at)}",
        side_headers,
        side_rows,
        "table-region-side-by-side",
    )

    # Regional forecast: each authority's latest baseline forecast at each horizon, and the pooled sum.
    def count_text(cell: Any, slot: Any, value: int) -> str:
        return SUPPRESSED_TEXT if (cell, slot) in hidden else f"{value:,}"

    now_cell = ("kpi", "children_in_care", "now")
    fc_rows = []
    for la in members:
        cells = [la.name, count_text(now_cell, la.pk, member_cells[la.pk].get(now_cell, 0))]
        for m in FORECAST_HORIZONS:
            if m in forecasts[la.pk]:
                cells.append(count_text(("forecast", m), la.pk, member_cells[la.pk]["forecast", m]))
            else:
                cells.append("No forecast")
        fc_rows.append(cells)
    complete = {m: all(m in forecasts[la.pk] for la in members) for m in FORECAST_HORIZONS}
    pooled_now = len(pooled.current)
    total_row = ["Total", count_text(now_cell, REGION, pooled_now)]
    for m in FORECAST_HORIZONS:
        text = count_text(("forecast", m), REGION, region_cells["forecast", m])
        total_row.append(text if complete[m] else f"{text} (incomplete)")
    fc_rows.append(total_row)
    forecast_table = make_table(
        "Children in care now and expected (baseline forecast) by authority",
        [column("Authority"), column("Now", True)]
        + [column(f"In {m // 12} year{'s' if m > 12 else ''}", True) for m in FORECAST_HORIZONS],
        fc_rows,
        "table-region-forecast",
    )
    gap_facts = []
    last_h = FORECAST_HORIZONS[-1]
    expected = region_cells["forecast", last_h]
    shown = (now_cell, REGION) not in hidden and (("forecast", last_h), REGION) not in hidden
    if complete[last_h] and members and shown:
        gap_facts.append(
            f"Across the region {pooled_now:,} children were in care on {long_date(as_at)}; "
            f"the authorities' forecasts together expect about {expected:,} in {last_h // 12} years, "
            f"a change of {expected - pooled_now:+,} places the region will need."
        )
    breakdown_tables = [
        _publish_breakdown(table, kind, hidden)
        for table, kind in zip(breakdown_tables, ("age", "ethnicity", "legal"), strict=True)
    ]
    totals = {m: sum(forecasts[la.pk].get(m, 0.0) for la in members) for m in FORECAST_HORIZONS}
    forecast_tables = [forecast_table]
    forecast_notes = []
    gap_table = _regional_gap_table(gaps, gap_years, hidden)
    if gap_table is not None:
        forecast_tables.append(gap_table)
        assessed = [la.name for la in members if la.pk in gaps]
        missing = [la.name for la in members if la.pk not in gaps]
        forecast_notes.append(
            f"The gap pools the latest gap assessments of {', '.join(assessed)}"
            + (f"; {', '.join(missing)} had none." if missing else ".")
        )
    sections = [
        _section(S.CONTEXT, facts=[
            f"This statement pools the placement sufficiency of the {len(members)} authorities of {region.name} "
            f"with data in the register, as at {long_date(as_at)}. Each authority keeps its own duty under "
            "section 22G of the Children Act 1989; the region commissions together where that secures "
            "sufficiency better.",
        ], tables=[side_table], data={"side_by_side": side_data}),
        _section(S.CHILDREN, tables=breakdown_tables, data=breakdown_data),
        _section(S.WHERE_THEY_LIVE, tables=[_regional_mix_table(mix, pooled_now, hidden, as_at),
                                            *[t for t in [_regional_locality_table(locality, hidden, as_at)] if t]]),
        _section(S.STABILITY),
        _section(S.QUALITY),
        _section(S.SUPPLY, tables=[_regional_supply_table(members, member_ctx, as_at)]),
        _section(S.UNMET_NEED, tables=[t for t in [_regional_requests_table(request_cells, hidden, as_at)] if t]),
        _section(S.COSTS, tables=[t for t in [_regional_spend_table(members, as_at)] if t]),
        _section(S.FORECAST, facts=gap_facts, tables=forecast_tables, notes=forecast_notes,
                 data={"regional_forecast": {str(m): totals[m] for m in FORECAST_HORIZONS},
                       "regional_gap_years": gap_years}),
        _section(S.CARE_LEAVERS),
        _section(S.WHAT_WE_WILL_DO),
    ]  # fmt: skip
    for section in sections:
        section.setdefault("data", {})
        extremes = REGIONAL_EXTREMES.get(S(section["key"]))
        fact = _extremes_fact(extremes, members, member_values, hidden) if extremes else None
        if fact:
            section["facts"].append(fact)
    _finish(sections, by_key, narrative)
    add_table_charts(sections, long_date(as_at), _regional_charts(members))
    document = {
        "schema": SCHEMA_VERSION,
        "kind": "region",
        "title": title,
        "authority": {"name": authority.name, "dfe_code": authority.dfe_code, "region": region.name},
        "region": {"name": region.name, "code": region.code, "authorities": [la.name for la in members]},
        "as_at": as_at.isoformat(),
        "as_at_text": long_date(as_at),
        "register_data_date": None,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "strategy": None,
        "sections": sections,
    }
    document["comparison"] = compare_documents(document, previous)
    return document


__all__ = [
    "build_regional_document",
    "build_statement_document",
    "compare_documents",
]
