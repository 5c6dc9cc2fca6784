"""Where our children live, fostering, residential and supported accommodation: the register's sections of the
report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from placements.categories import (
    ADOPTION,
    COARSE_GROUPS,
    FOSTERING_EXTERNAL,
    FOSTERING_INHOUSE,
    FOSTERING_KINSHIP,
    OTHER,
    PLANNING_CATEGORIES,
    PLANNING_CATEGORY_LABELS,
    RESIDENTIAL_EXTERNAL,
    RESIDENTIAL_INHOUSE,
    RESIDENTIAL_SCHOOL,
    RESIDENTIAL_SECURE,
    SUPPORTED,
    TEMPORARY,
    WITH_PARENTS,
)
from placements.choices import JudgementChoices
from placements.counting import judgements_on
from placements.models import PlacementEpisode, Setting
from placements.selectors import judgement_history_for_urns
from placements.supply.selectors import (
    block_beds_for_authority,
    household_capacity_for_authority,
    inhouse_home_rows,
)

from ..choices import SectionChoices
from ..formatting import column, fmt_change, fmt_count, fmt_pct, long_date, make_section, make_table

if TYPE_CHECKING:
    from sufficiency.authorities.models import LocalAuthority


#: The "where our children live" groups of a board paper (Walsall's table), in print order.
LIVING_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("foster", "Living in foster care", COARSE_GROUPS["FOSTERING"]),
    ("residential", "Living in residential settings (children's homes, secure, residential schools)",
     COARSE_GROUPS["RESIDENTIAL"]),
    ("supported", "Living in supported accommodation (16 and 17 year olds)", (SUPPORTED,)),
    ("parents", "Living with their parents", (WITH_PARENTS,)),
    ("adoption", "Living with adopters (placed for adoption)", (ADOPTION,)),
    ("other", "Other placements (health, mother and baby, custody, temporary)", (OTHER, TEMPORARY)),
)  # fmt: skip


JUDGEMENT_LABELS = dict(JudgementChoices.choices)


SUPPORTED_OUTCOMES = (
    JudgementChoices.SA_STRONG,
    JudgementChoices.SA_INCONSISTENT,
    JudgementChoices.SA_SERIOUS,
    JudgementChoices.NOT_YET_INSPECTED,
)


def _kv(by_key: dict[str, dict[str, Any]], key: str) -> float | None:
    entry = by_key.get(key)
    return entry["value"] if entry else None


def _placement_authorities(authority: LocalAuthority, ctx: Any) -> list[tuple[str, int]]:
    """Children in care on the date by the authority area they live in (one query)."""
    current = ctx.current
    if current.empty:
        return []
    rows = PlacementEpisode.objects.filter(authority=authority, decom__lte=ctx.on).values_list(
        "child__child_ref", "decom", "placement_la__name"
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["child", "decom", "placement_la"])
    frame["decom"] = pd.to_datetime(frame["decom"])
    merged = current[["child", "decom"]].merge(frame, on=["child", "decom"], how="left")
    counts = merged["placement_la"].fillna("Not known").value_counts()
    return [(str(name), int(n)) for name, n in counts.items()]


def locality_counts(current: pd.DataFrame) -> dict[str, int]:
    """Children in care on a date (``KpiContext.current``) by distance from home (within or over 20 miles,
    of those whose distance is known) and by whether they live inside their authority's boundary (of those
    whose placement area is known)."""
    miles = pd.to_numeric(current["distance_miles"], errors="coerce")
    inside = current["placement_la_inside"].astype("boolean")
    return {
        "distance_known": int(miles.notna().sum()),
        "over_20_miles": int((miles > 20).sum()),
        "within_20_miles": int((miles <= 20).sum()),
        "boundary_known": int(inside.notna().sum()),
        "inside": int((inside == True).sum()),  # noqa: E712 (nullable boolean)
        "outside": int((inside == False).sum()),  # noqa: E712
    }


def where_children_live(
    authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    current = ctx.current
    previous = ctx.at(dt.date.fromisoformat(by_key["children_in_care"]["previous_date"])).current
    total = len(current)
    if total == 0:
        return make_section(
            SectionChoices.WHERE_CHILDREN_LIVE,
            empty=f"The register holds no children in care on {long_date(ctx.on)}.",
        )
    by_category = {c: int((current["category"] == c).sum()) for c in PLANNING_CATEGORIES}
    previous_by_category = {c: int((previous["category"] == c).sum()) for c in PLANNING_CATEGORIES}
    groups = [
        {
            "key": key,
            "label": label,
            "children": sum(by_category[c] for c in cats),
            "previous": sum(previous_by_category[c] for c in cats),
        }
        for key, label, cats in LIVING_GROUPS
    ]
    previous_text = long_date(by_key["children_in_care"]["previous_date"])
    living_rows = [[g["label"], fmt_count(g["children"]), fmt_pct(g["children"], total), fmt_count(g["previous"])]
                   for g in groups]  # fmt: skip
    living_rows.append(["Total", fmt_count(total), "100.0%", fmt_count(len(previous))])
    category_rows = [
        [PLANNING_CATEGORY_LABELS[c], fmt_count(by_category[c]), fmt_pct(by_category[c], total),
         fmt_count(previous_by_category[c])]
        for c in PLANNING_CATEGORIES
        if by_category[c] or previous_by_category[c]
    ]  # fmt: skip
    locality = locality_counts(current)
    places = _placement_authorities(authority, ctx)
    own = [(n, c) for n, c in places if n == authority.name]
    others = sorted(
        [(n, c) for n, c in places if n not in (authority.name, "Not known")], key=lambda x: (-x[1], x[0])
    )
    unknown = [(n, c) for n, c in places if n == "Not known"]
    shown, rest = others[:10], others[10:]
    la_rows = [[f"{authority.name} (our area)", fmt_count(own[0][1] if own else 0),
                fmt_pct(own[0][1] if own else 0, total)]]  # fmt: skip
    la_rows += [[name, fmt_count(n), fmt_pct(n, total)] for name, n in shown]
    if rest:
        la_rows.append(
            [
                f"{len(rest)} other authorities",
                fmt_count(sum(n for _, n in rest)),
                fmt_pct(sum(n for _, n in rest), total),
            ]
        )
    if unknown:
        la_rows.append(
            ["Not known (no placement postcode)", fmt_count(unknown[0][1]), fmt_pct(unknown[0][1], total)]
        )
    rate = _kv(by_key, "cla_rate_per_10000")
    prev_total = by_key["children_in_care"]["previous_value"]
    facts = [
        f"At {long_date(ctx.on)} there were {total:,} children in our care"
        + (f", a rate of {rate:,.1f} per 10,000 children" if rate is not None else "")
        + (f" ({previous_text}: {prev_total:,.0f})." if prev_total is not None else "."),
        f"In the 12 months to {long_date(ctx.on)}, {fmt_count(_kv(by_key, 'started_care_12m'))} children started "
        f"to be looked after and {fmt_count(_kv(by_key, 'ceased_care_12m'))} ceased to be looked after.",
    ]
    foster = groups[0]["children"]
    facts.append(
        f"Most of our children live in foster care ({fmt_pct(foster, total)}, {foster:,} children); "
        f"{groups[1]['children']:,} live in residential settings and {groups[2]['children']:,} in supported "
        "accommodation."
        if foster * 2 > total
        else f"{fmt_pct(foster, total)} of our children ({foster:,}) live in foster care; {groups[1]['children']:,} "
        f"live in residential settings and {groups[2]['children']:,} in supported accommodation."
    )
    if locality["distance_known"]:
        facts.append(
            f"Of the {locality['distance_known']:,} children whose distance from home is known, "
            f"{locality['over_20_miles']:,} ({fmt_pct(locality['over_20_miles'], locality['distance_known'])}) live more "
            f"than 20 miles from home."
        )
    if locality["boundary_known"]:
        facts.append(
            f"{locality['inside']:,} children ({fmt_pct(locality['inside'], locality['boundary_known'])} of those whose "
            f"placement area is known) live inside {authority.name}'s boundary and {locality['outside']:,} outside it."
        )
    quality = by_key.get("pct_good_or_outstanding")
    if quality and quality["value"] is not None:
        facts.append(
            f"{quality['value_text']} of children placed in Ofsted-registered settings that have been inspected live "
            f"in settings judged Good or Outstanding; {fmt_count(_kv(by_key, 'children_in_settings_below_good'))} "
            "live in settings judged Requires improvement or Inadequate, or since closed."
        )
    chart_rows = [
        (PLANNING_CATEGORY_LABELS[c], by_category[c]) for c in PLANNING_CATEGORIES if by_category[c]
    ]
    alt = (
        f"Bar chart of the {total:,} children in care on {long_date(ctx.on)} by type of placement: "
        + "; ".join(f"{label} {n:,}" for label, n in sorted(chart_rows, key=lambda r: -r[1]))
        + "."
    )
    return make_section(
        SectionChoices.WHERE_CHILDREN_LIVE,
        facts=facts,
        tables=[
            make_table(
                f"Where our children live, {long_date(ctx.on)}",
                [
                    column("Where children live"),
                    column("Children", True),
                    column("Share", True),
                    column(previous_text, True),
                ],
                living_rows,
                "table-where-live",
            ),
            make_table(
                "Children in care by type of placement",
                [
                    column("Type of placement"),
                    column("Children", True),
                    column("Share", True),
                    column(previous_text, True),
                ],
                category_rows,
                "table-by-category",
            ),
            make_table(
                "Where our children live, by local authority area",
                [column("Local authority area"), column("Children", True), column("Share", True)],
                la_rows,
                "table-by-area",
            ),
        ],  # fmt: skip
        charts=[
            {
                "id": "chart-by-category",
                "kind": "by_category",
                "title": "Children in care by type of placement",
                "alt": alt,
            }
        ],  # fmt: skip
        notes=[
            "Children in care: an SSDA903 episode open on the date, excluding short-break series (V3, V4) and "
            "young people who had turned 18. Distance is the straight line between the home and placement "
            "postcodes (DfE method)."
        ],
        data={
            "total": total,
            "previous_total": len(previous),
            "by_category": by_category,
            "groups": {g["key"]: g["children"] for g in groups},
            "locality": locality,
            "by_area": [[name, n] for name, n in places],
            "chart": [[label, n] for label, n in chart_rows],
        },
    )


def _kpi_table(
    caption: str, keys: list[str], by_key: dict[str, dict[str, Any]], table_id: str
) -> dict[str, Any]:
    entries = [by_key[k] for k in keys if k in by_key]
    as_at = entries[0]["date"] if entries else ""
    previous_on = entries[0]["previous_date"] if entries else ""
    rows = [
        [k["name"], k["value_text"], k["previous_text"],
         fmt_change(None if k["value"] is None or k["previous_value"] is None else k["value"] - k["previous_value"],
                    k["unit"])]
        for k in entries
    ]  # fmt: skip
    headers = [column("Indicator"), column(long_date(as_at), True), column(long_date(previous_on), True),
               column("Change", True)]  # fmt: skip
    return make_table(caption, headers, rows, table_id)


def _funnel_part(
    authority: LocalAuthority, on: Any, by_key: dict[str, dict[str, Any]]
) -> tuple[list[str], dict[str, Any] | None]:
    """The recruitment funnel of the 12 months to the date, in the words fostering services use."""
    from placements.choices import DeregistrationReasonChoices
    from placements.supply.funnel import funnel_months_for_authority, funnel_summary, twelve_months_to

    start, end = twelve_months_to(on)
    months = [m for m in funnel_months_for_authority(authority=authority, start=start, end=end)
              if m.route == "in_house"]  # fmt: skip
    if not months:
        return [], None
    summary = funnel_summary(months)
    labels = dict(DeregistrationReasonChoices.choices)
    reasons = ", ".join(
        f"{labels.get(k, k).lower()} {n}" for k, n in summary["deregistration_reasons"].items()
    )
    facts = [
        f"Recruitment ({start:%B %Y} to {end:%B %Y}): {summary['enquiries']:,} enquiries, "
        f"{summary['initial_visits']:,} initial visits, {summary['applications']:,} applications, "
        f"{summary['assessments_started']:,} assessments started and {summary['approvals']:,} approvals; "
        f"{summary['deregistrations']:,} households deregistered" + (f" ({reasons})" if reasons else "") + "."
    ]
    rows = [["Enquiries", fmt_count(summary["enquiries"]), ""]]
    stage_keys = ["initial_visits", "applications", "assessments_started", "approvals"]
    for key, conversion in zip(stage_keys, summary["conversions"], strict=False):
        rate = "no data" if conversion["pct"] is None else f"{conversion['pct']:.1f}%"
        rows.append([conversion["to"], fmt_count(summary[key]), rate])
    rows.append(["Deregistrations", fmt_count(summary["deregistrations"]), ""])
    rows.append(["Net change in households", f"{summary['net_households']:+,}", ""])
    rows.append(["Net change in places", f"{summary['net_places']:+,}", ""])
    table = make_table(
        f"Fostering recruitment, {start:%B %Y} to {end:%B %Y} (in-house)",
        [column("Stage"), column("Households", True), column("Of the stage before", True)],
        rows,
        "table-foster-recruitment",
    )
    return facts, table


def fostering(authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    current = ctx.current
    inhouse = int((current["category"] == FOSTERING_INHOUSE).sum()) if len(current) else 0
    external = int((current["category"] == FOSTERING_EXTERNAL).sum()) if len(current) else 0
    kinship = int((current["category"] == FOSTERING_KINSHIP).sum()) if len(current) else 0
    households = _kv(by_key, "fostering_households_approved")
    net = by_key.get("fostering_households_net_change") or {}
    joined = net.get("numerator")
    left = net.get("denominator")
    facts = []
    fostered = inhouse + external + kinship
    if fostered:
        facts.append(
            f"At {long_date(ctx.on)}, {fostered:,} children were living in foster care: {inhouse:,} with our own "
            f"(in-house) foster carers, {external:,} with independent fostering agencies or other authorities' "
            f"carers and {kinship:,} with family and friends (kinship) carers."
        )
        share = by_key.get("pct_fostering_inhouse")
        if share and share["value"] is not None:
            facts.append(f"Of children in foster care with carers other than relatives or friends, {share['value_text']} "
                         "live with in-house carers.")  # fmt: skip
    if households is not None:
        facts.append(
            f"We had {households:,.0f} approved in-house fostering households offering "
            f"{fmt_count(_kv(by_key, 'fostering_places_approved'))} places"
            + (
                f"; occupancy was {by_key['inhouse_foster_occupancy']['value_text']}."
                if by_key.get("inhouse_foster_occupancy", {}).get("value") is not None
                else "."
            )
        )
    if joined is not None:
        facts.append(
            f"In the 12 months to {long_date(ctx.on)} we approved {joined:,.0f} new in-house fostering households "
            f"and {left:,.0f} left (deregistered): a net change of {net['value']:+,.0f}."
        )
    usable = by_key.get("fostering_usable_vacancies") or {}
    occupancy = by_key.get("inhouse_foster_occupancy") or {}
    turnover = by_key.get("fostering_expected_turnover") or {}
    if occupancy.get("denominator") is not None and households is not None:
        facts.append(
            f"Of the approved places, {fmt_count(occupancy['denominator'])} were usable on {long_date(ctx.on)} "
            "(the rest were not available: a carer's break, an investigation, the carer's own children, a young "
            f"person staying put or places held for a sibling group), leaving {usable.get('value_text', 'no')} "
            "usable vacancies"
            + (
                f", with an expected turnover of {turnover['value_text']} in the next 12 months (the in-house "
                "fostering placements that ended in the last 12 months)."
                if turnover.get("value") is not None
                else "."
            )
        )
    funnel_facts, funnel_table = _funnel_part(authority, ctx.on, by_key)
    facts.extend(funnel_facts)
    capacity = household_capacity_for_authority(authority=authority)
    capacity_rows = []
    for route, route_label in (("in_house", "In-house"), ("agency", "Agency (independent fostering)")):
        for status, status_label in (("available", "Available"), ("on_hold", "On hold")):
            cell = capacity.get(f"{route}:{status}", {"households": 0, "places": 0})
            if cell["households"]:
                capacity_rows.append([f"{route_label}: {status_label.lower()}", fmt_count(cell["households"]),
                                      fmt_count(cell["places"])])  # fmt: skip
    tables = [
        make_table(
            "Children in foster care",
            [column("Type of foster care"), column("Children", True), column("Share of fostered children", True)],
            [["In-house foster carers", fmt_count(inhouse), fmt_pct(inhouse, fostered)],
             ["Independent fostering agencies and other authorities", fmt_count(external), fmt_pct(external, fostered)],
             ["Kinship (family and friends) carers", fmt_count(kinship), fmt_pct(kinship, fostered)],
             ["Total", fmt_count(fostered), fmt_pct(fostered, fostered)]],
            "table-fostered",
        ),
        _kpi_table(
            "In-house foster carers",
            ["fostering_households_approved", "fostering_places_approved", "fostering_approvals_12m",
             "fostering_households_net_change", "inhouse_foster_occupancy", "fostering_usable_vacancies",
             "fostering_expected_turnover",
             "fostering_enquiries_12m", "fostering_enquiry_to_approval_pct", "fostering_deregistrations_12m",
             "pct_fostering_inhouse"],
            by_key,
            "table-foster-carers",
        ),
    ]  # fmt: skip
    if funnel_table is not None:
        tables.append(funnel_table)
    if capacity_rows:
        tables.append(
            make_table(
                "Fostering households on the register by status (when the report was prepared)",
                [column("Households"), column("Households", True), column("Approved places", True)],
                capacity_rows,
                "table-foster-capacity",
            )
        )
    if not fostered and households is None:
        return make_section(
            SectionChoices.FOSTERING, empty="The register holds no fostering placements or households."
        )
    return make_section(
        SectionChoices.FOSTERING,
        facts=facts,
        tables=tables,
        data={
            "inhouse": inhouse,
            "external": external,
            "kinship": kinship,
            "households": households,
            "approved_12m": joined,
            "deregistered_12m": left,
            "net_change": net.get("value"),
        },
    )


def _judgement_on(ctx: Any, urn: str | None, history: dict[str, pd.DataFrame] | None = None) -> str:
    """A setting's latest Ofsted judgement on or before the report's date ("not_yet_inspected" if none)."""
    if not urn:
        return JudgementChoices.NOT_YET_INSPECTED
    history = history if history is not None else ctx.data.judgements
    judgement = judgements_on(
        pd.Series([urn]), inspections=history["inspections"], settings=history["settings"], on=ctx.ts
    ).iloc[0]
    return JudgementChoices.NOT_YET_INSPECTED if pd.isna(judgement) else str(judgement)


def residential(authority: LocalAuthority, ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    current = ctx.current
    counts = {c: int((current["category"] == c).sum()) if len(current) else 0
              for c in (RESIDENTIAL_INHOUSE, RESIDENTIAL_EXTERNAL, RESIDENTIAL_SECURE, RESIDENTIAL_SCHOOL)}  # fmt: skip
    homes = inhouse_home_rows(authority=authority, on=ctx.on)
    open_homes = [h for h in homes if h["home"].status == "open"]
    home_rows = []
    # The homes' own judgement histories (a home may have no child of ours placed in it yet).
    history = judgement_history_for_urns(urns=[h["home"].setting.urn for h in homes if h["home"].setting_id])
    for h in homes:
        judgement = _judgement_on(ctx, h["home"].setting.urn if h["home"].setting_id else None, history)
        home_rows.append(
            [h["home"].name, h["home"].setting.urn if h["home"].setting_id else "–",
             JUDGEMENT_LABELS.get(judgement, judgement), h["home"].get_status_display(), fmt_count(h["usable_places"]),
             fmt_count(h["own_children"]), fmt_count(h["other_children"]),
             "–" if h["occupancy_rate"] is None else f"{h['occupancy_rate']}%"]
        )  # fmt: skip
    usable = sum(h["usable_places"] for h in open_homes)
    occupied = sum(h["occupied"] for h in open_homes)
    blocks = block_beds_for_authority(authority=authority, on=ctx.on)
    residential_total = sum(counts.values())
    facts = []
    if residential_total:
        facts.append(
            f"At {long_date(ctx.on)}, {residential_total:,} children lived in residential settings: "
            f"{counts[RESIDENTIAL_INHOUSE]:,} in our own children's homes, {counts[RESIDENTIAL_EXTERNAL]:,} in "
            f"external children's homes, {counts[RESIDENTIAL_SECURE]:,} in secure children's homes and "
            f"{counts[RESIDENTIAL_SCHOOL]:,} in residential schools or other residential settings."
        )
    if open_homes:
        good = sum(1 for row in home_rows if row[2] in ("Outstanding", "Good"))
        facts.append(
            f"We run {len(open_homes):,} children's home{'s' if len(open_homes) != 1 else ''} with {usable:,} usable "
            f"places; on {long_date(ctx.on)} {occupied:,} were occupied ({fmt_pct(occupied, usable)}). "
            f"{good:,} of our {len(homes):,} homes are judged Good or Outstanding by Ofsted."
        )
    under_13 = _kv(by_key, "under_13_in_residential")
    if under_13:
        facts.append(f"{under_13:,.0f} children under 13 were living in residential care.")
    high_cost = _kv(by_key, "high_cost_placements")
    if high_cost:
        facts.append(
            f"{high_cost:,.0f} placement{'s' if high_cost != 1 else ''} cost £10,000 a week or more."
        )
    elif high_cost is not None:
        facts.append("No placement costs £10,000 a week or more.")
    if blocks:
        facts.append(
            f"Block contracts in force reserve {sum(blocks.values()):,} beds: "
            + "; ".join(f"{PLANNING_CATEGORY_LABELS.get(c, c)} {n:,}" for c, n in sorted(blocks.items()))
            + "."
        )
    tables = [
        make_table(
            "Children in residential settings",
            [column("Setting"), column("Children", True)],
            [[PLANNING_CATEGORY_LABELS[c], fmt_count(n)] for c, n in counts.items()]
            + [["Total", fmt_count(residential_total)]],
            "table-residential",
        ),
    ]
    if home_rows:
        tables.append(
            make_table(
                f"Our children's homes on {long_date(ctx.on)}",
                [column("Home"), column("Ofsted URN"), column("Latest Ofsted judgement"), column("Status"),
                 column("Usable places", True), column("Our children", True),
                 column("Other authorities' children", True), column("Occupancy", True)],
                home_rows,
                "table-homes",
            )
        )  # fmt: skip
    tables.append(
        _kpi_table(
            "Residential indicators",
            ["children_in_residential", "residential_external", "under_13_in_residential", "high_cost_placements",
             "mean_weekly_cost_residential_external", "mean_distance_residential_miles"],
            by_key,
            "table-residential-kpis",
        )
    )  # fmt: skip
    if not residential_total and not homes:
        return make_section(SectionChoices.RESIDENTIAL, empty="No child lived in a residential setting on the date and "
                            "the authority runs no children's homes.")  # fmt: skip
    return make_section(
        SectionChoices.RESIDENTIAL,
        facts=facts,
        tables=tables,
        data={
            "by_category": counts,
            "homes": len(open_homes),
            "usable_places": usable,
            "occupied": occupied,
            "block_beds": blocks,
        },
    )


def supported(ctx: Any, by_key: dict[str, dict[str, Any]]) -> dict[str, Any]:
    current = ctx.current
    supported = current.loc[current["category"] == SUPPORTED] if len(current) else current
    n = len(supported)
    if not n:
        return make_section(
            SectionChoices.SUPPORTED,
            empty=f"No young person in our care was living in supported accommodation on {long_date(ctx.on)}.",
            data={"young_people": 0},
        )
    urns = sorted({str(u) for u in supported["urn"].dropna() if str(u).strip()})
    no_urn = int(supported["urn"].isna().sum())
    settings = {s.urn: s for s in Setting.objects.filter(urn__in=urns)}
    by_outcome: Counter[str] = Counter()
    young_by_outcome: Counter[str] = Counter()
    registered: Counter[str] = Counter()
    for urn in urns:
        outcome = _judgement_on(ctx, urn)
        by_outcome[outcome] += 1
        young_by_outcome[outcome] += int((supported["urn"] == urn).sum())
        setting = settings.get(urn)
        registered[setting.get_registration_status_display() if setting else "Not on the Ofsted list"] += 1
    outcome_keys = [o for o in SUPPORTED_OUTCOMES if by_outcome.get(o)] + [
        o for o in by_outcome if o not in SUPPORTED_OUTCOMES
    ]
    rows = [
        [JUDGEMENT_LABELS.get(o, o), fmt_count(by_outcome[o]), fmt_count(young_by_outcome[o])]
        for o in outcome_keys
    ]
    if no_urn:
        rows.append(["No Ofsted URN recorded for the placement", "–", fmt_count(no_urn)])
    facts = [
        f"At {long_date(ctx.on)}, {n:,} young people in our care lived in supported accommodation "
        f"({by_key['supported_accommodation']['previous_text']} three months earlier).",
        f"They lived in {len(urns):,} Ofsted-registered settings"
        + (f"; {no_urn:,} placements have no Ofsted URN recorded." if no_urn else "."),
    ]
    inspected = sum(by_outcome[o] for o in (JudgementChoices.SA_STRONG, JudgementChoices.SA_INCONSISTENT,
                                            JudgementChoices.SA_SERIOUS))  # fmt: skip
    if urns:
        facts.append(
            f"{inspected:,} of these settings have been inspected: {by_outcome[JudgementChoices.SA_STRONG]:,} were "
            f"found to deliver a consistently strong service (outcome 1), {by_outcome[JudgementChoices.SA_INCONSISTENT]:,} "
            f"inconsistent (outcome 2) and {by_outcome[JudgementChoices.SA_SERIOUS]:,} to have serious or widespread "
            f"weaknesses (outcome 3); {by_outcome[JudgementChoices.NOT_YET_INSPECTED]:,} await their first inspection."
        )
    tables = [
        make_table(
            "Supported accommodation settings used, by latest Ofsted outcome",
            [column("Latest Ofsted outcome"), column("Settings", True), column("Young people", True)],
            rows,
            "table-supported-outcomes",
        )
    ]
    if registered:
        tables.append(
            make_table(
                "Supported accommodation settings used, by Ofsted registration status",
                [column("Registration status"), column("Settings", True)],
                [[status, fmt_count(count)] for status, count in sorted(registered.items())],
                "table-supported-registration",
            )
        )
    return make_section(
        SectionChoices.SUPPORTED,
        facts=facts,
        tables=tables,
        notes=["Supported accommodation for 16 and 17 year olds has been registered with Ofsted since October "
               "2023 and is judged on a three-outcome scale, not the four grades used for children's homes."],
        data={"young_people": n, "settings": len(urns), "no_urn": no_urn, "by_outcome": dict(by_outcome)},
    )  # fmt: skip
