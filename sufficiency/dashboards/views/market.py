"""Market: Ofsted-registered settings in and near the area, their places and judgements, how many of the
authority's and other authorities' children live in them, and the weekly prices the authority has paid."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.html import format_html

from forecasting.gap import GAP_GROUP_BY_KEY, GROUP_OF_CATEGORY
from placements.choices import JudgementChoices, ProvisionTypeChoices
from placements.reference_data import ofsted_provenance_text
from sufficiency.core.suppression import Figure, suppress_with_sums

from .. import charts
from ..rollups import market_on
from .base import DashboardView, Page, chart, fmt_int, fmt_money, fmt_num, table

#: The settings table shows the nearest settings; the CSV download has them all.
MAX_ROWS = 60
OWN_HOMES_TEXT = "Homes the authority runs itself are marked “In-house”."


def _others(figure: Figure) -> str:
    """Other authorities' children: "c" when suppressed (fewer than 5, or a partner of one)."""
    return "c" if figure.suppressed else fmt_int(figure.value)


def build_market(page: Page) -> dict[str, Any]:
    all_rows = bool(page.extra.get("csv"))
    market = page.rollup.market
    columns = market.get("columns", [])
    settings = [dict(zip(columns, row, strict=True)) for row in market.get("rows", [])]
    category = page.filters["category"]
    if category and category in GROUP_OF_CATEGORY:
        types = set(GAP_GROUP_BY_KEY[GROUP_OF_CATEGORY[category]].provision_types)
        settings = [s for s in settings if s["provision_type"] in types]
    types_present = [
        t for t in ProvisionTypeChoices.values if any(s["provision_type"] == t for s in settings)
    ]
    type_label = dict(ProvisionTypeChoices.choices)
    judgement_label = dict(JudgementChoices.choices)
    blocks: list[dict[str, Any]] = []
    # Other authorities' children in each named home, and per provision type, as one suppressed table.
    others = suppress_with_sums(
        {("home", i): s["used_others"] for i, s in enumerate(settings)},
        {
            ("type", t): [("home", i) for i, s in enumerate(settings) if s["provision_type"] == t]
            for t in types_present
        },
    )

    summary_rows = []
    for t in types_present:
        part = [s for s in settings if s["provision_type"] == t]
        places = sum(s["places"] or 0 for s in part)
        priced = [s["price_week"] for s in part if s["price_week"] is not None]
        summary_rows.append(
            [type_label[t], fmt_int(len(part)), fmt_int(sum(1 for s in part if s["inside_area"])), fmt_int(places),
             fmt_int(sum(s["used_ours"] for s in part)), _others(others["type", t]),
             fmt_money(sum(priced) / len(priced)) if priced else "–"]
        )  # fmt: skip
    # Settings by the band of their latest judgement: the bands' one order and colours (charts.py).
    bands = [(key, label, colour) for key, label, colour in charts.JUDGEMENT_BANDS]
    counts = {
        (t, key): sum(
            1
            for s in settings
            if s["provision_type"] == t
            and charts.JUDGEMENT_BAND_OF.get(s["judgement"] or JudgementChoices.NOT_YET_INSPECTED) == key
        )
        for t in types_present
        for key, _, _ in bands
    }
    blocks.append(
        chart(
            page,
            "judgements",
            "Settings in and near the area by latest Ofsted judgement",
            charts.bar_chart(
                [type_label[t] for t in types_present],
                [
                    {"name": label, "values": [counts[t, key] for t in types_present], "color": colour}
                    for key, label, colour in bands
                ],
                horizontal=True,
                stacked=True,
                x_title="Settings",
            ),
            ["Provision type", *[label for _, label, _ in bands], "All settings"],
            [
                [
                    type_label[t],
                    *[fmt_int(counts[t, key]) for key, _, _ in bands],
                    fmt_int(sum(counts[t, key] for key, _, _ in bands)),
                ]
                for t in types_present
            ],
            description="Active Ofsted-registered settings inside the area or within 20 miles of its centre, by the "
            "latest judgement of each. "
            + charts.JUDGEMENT_KEY_TEXT
            + " Supported accommodation's outcomes 1, 2 "
            "and 3 count as Good, Requires improvement and Inadequate.",
            definition="pct_good_or_outstanding",
        )  # fmt: skip
    )
    blocks.append(
        table(
            "provision-types",
            "Settings, places and children by provision type",
            [
                "Provision type",
                "Settings",
                "In the area",
                "Places",
                "Your children now",
                "Others' children now",
                "Mean weekly price you paid",
            ],
            summary_rows,
            numeric_columns=[1, 2, 3, 4, 5, 6],
            description="c: other authorities' children not shown (fewer than 5, or a figure that would give one "
            "back).",
        )
    )
    shown = settings if all_rows else settings[:MAX_ROWS]
    code = page.authority.dfe_code
    rows = []
    for i, s in enumerate(shown):
        urn: Any = s["urn"]
        if not all_rows and s.get("setting_id"):
            urn = {
                "text": s["urn"],
                "href": reverse("placements:setting-detail", kwargs={"code": code, "pk": s["setting_id"]}),
            }
        name: Any = s["name"] or "Name withheld"
        if s.get("in_house") and not all_rows:
            name = format_html('{} <strong class="govuk-tag govuk-tag--turquoise">In-house</strong>', name)
        rows.append(
            [urn, name, type_label.get(s["provision_type"], s["provision_type"]), s["la_name"],
             "In the area" if s["inside_area"] else fmt_num(s["miles"]), fmt_int(s["places"]) if s["places"] is not None else "–",
             judgement_label.get(s["judgement"], "–"), fmt_int(s["used_ours"]), _others(others["home", i]),
             fmt_int(s["ours_12m"]), fmt_money(s["price_week"])]
        )  # fmt: skip
        if all_rows:
            # The download says in a column of its own what the page shows as a tag beside the name.
            rows[-1].append("Yes" if s.get("in_house") else "No")
    blocks.append(
        table(
            "settings",
            "Settings in and near the area",
            [
                "URN",
                "Name",
                "Provision type",
                "Authority area",
                "Miles from the area's centre",
                "Places",
                "Latest judgement",
                "Your children now",
                "Others' children now",
                "Your children (12 months)",
                "Mean weekly price",
                *(["In-house home"] if all_rows else []),
            ],
            rows,
            numeric_columns=[4, 5, 7, 8, 9, 10],
            description=(
                f"The {len(shown)} nearest of {len(settings)} settings; download the CSV for all of them. "
                f"{OWN_HOMES_TEXT}"
                if len(shown) < len(settings)
                else f"Nearest first. {OWN_HOMES_TEXT} Prices are the mean agreed weekly cost of your placements there in the last "
                "12 months. c: other authorities' children not shown (fewer than 5, or a figure that would "
                "give one back)."
            ),
            empty_text="No registered settings are recorded in or near the area.",
        )  # fmt: skip
    )
    blocks.append({"kind": "text", "key": "ofsted-provenance", "text": ofsted_provenance_text()})
    return {"blocks": blocks, "as_at": page.filters["as_at"]}


class MarketView(DashboardView):
    """An authority's market dashboard."""

    page_name = "market"
    page_title = "Market: settings in and near the area"
    sections = ("market",)
    filter_fields = ("category",)
    template_name = "dashboards/page.html"
    builder = staticmethod(build_market)
    follows_chosen_date = True

    def figures_on(self, rollup: Any, on: dt.date) -> None:
        rollup.market = market_on(authority=self.authority, on=on)
