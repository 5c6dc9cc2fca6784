"""An attack on a published regional statement: a reader collects every number it prints (each authority's
figures beside the pooled region, the regional forecast table, the pooled breakdowns by age, the pooled
placement mix, the pooled children by distance from home, the regional gap and the pooled key figures,
with percentages and rates as sums between counts) and tries to work out each suppressed count by adding
and subtracting along the sums every reader knows (the region is the sum of its authorities; all children
are the sum of the age bands and of the types of placement, the fostered the sum of the types of foster
care, the children whose distance is known those within and over 20 miles). The reader is the public, or
one of the region's authorities, who also knows its own figures. Nothing may come back.

The register is synthetic: Walsall (which drafts) with 7 children (its 5 in homes 30 miles away, its 2
fostered 4 miles), Sandwell with one, Dudley with 6, Wolverhampton with 32 (one of them aged 1 to 4,
beside Sandwell's, the only small band of the region's ages: all children less the other bands would give
it back; and one in a children's home, the rest fostered: all its children less its fostered ones would
give it back), and a forecast for each. Placement requests in the 12 months: Walsall 9 planned and placed
and 2 emergency not placed, Dudley 6 planned and placed, Wolverhampton 8 planned and placed and one emergency
placed, so the region's 3 emergency requests and 2 not placed are small, beside the pooled count of requests
and the pooled share of them that were emergencies.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone

from placements.categories import PLANNING_CATEGORY_LABELS
from sufficiency.reports.kpis import registry
from sufficiency.reports.statement.builder import build_regional_document
from sufficiency.reports.statement.render import render_docx

pytestmark = pytest.mark.django_db

AS_AT = dt.date(2025, 3, 31)
REGION = "region"
BANDS = {"Under 1": (0, 1), "1 to 4": (1, 5), "5 to 9": (5, 10), "10 to 15": (10, 16), "16 and 17": (16, 18)}
#: Per authority: (children: (age, place, provider)), population aged 0 to 17, baseline forecast means.
AUTHORITIES = {
    "335": (
        [(12, "U4", "PR1")] * 2 + [(16, "K2", "PR4")] * 5,
        60_000,
        (9.2, 10.1, 11.1),
    ),
    "333": ([(3, "U4", "PR1")], 80_000, (1.6, 2.2, 2.8)),
    "332": ([(13, "U4", "PR4")] * 5 + [(14, "K2", "PR4")], 70_000, (6.4, 7.1, 8.3)),
    "336": (
        [(11, "U4", "PR1")] * 15
        + [(16, "U4", "PR4")] * 9
        + [(16, "K2", "PR4")]
        + [(6, "U1", "PR1")] * 6
        + [(2, "U4", "PR1")],
        65_000,
        (32.1, 32.9, 34.1),
    ),
}
HORIZONS = (12, 24, 36)
#: Miles from home by PLACE, where known: Walsall's children in homes 30 miles away, its fostered 4.
MILES = {"335": {"K2": 30.0, "U4": 4.0}}
LOCALITY = {
    "Living within 20 miles of home": "within_20_miles",
    "Living more than 20 miles from home": "over_20_miles",
    "Distance from home known": "distance_known",
}
#: The types of placement of the register: (PLACE, PLACE_PROVIDER).
MIX = {
    "fostering_inhouse": ("U4", "PR1"),
    "fostering_external": ("U4", "PR4"),
    "fostering_kinship": ("U1", "PR1"),
    "residential_external": ("K2", "PR4"),
}
#: Per authority: placement requests in the 12 months as (urgency, placed) and how many of each.
REQUESTS = {
    "335": [("planned", True, 9), ("emergency", False, 2)],
    "332": [("planned", True, 6)],
    "336": [("planned", True, 8), ("emergency", True, 1)],
}
REQUEST_ROWS = {
    "Placement requests": "total",
    "of which planned": "planned",
    "of which emergency (same day)": "emergency",
    "Placed": "placed",
    "Not (yet) placed": "not_placed",
}
GAP_YEAR = "2025-26"
#: Per authority with a gap assessment: kind of place -> (demand mean, usable in-house places, block beds).
GAPS = {
    "335": {"residential": (12.4, 4, 2), "secure": (1.2, 0, 0)},
    "333": {"residential": (0.6, 0, 0), "secure": (0.0, 0, 0)},
    "336": {"residential": (8.0, 3, 1), "secure": (0.4, 0, 0)},
}  # Dudley has none
CATEGORY = {label: c for c, label in PLANNING_CATEGORY_LABELS.items()}
GAP_LABELS = {"residential": "Children's homes", "secure": "Secure children's homes"}


def _forecast(authority, means):
    from forecasting.choices import RunStatusChoices
    from forecasting.models import ForecastRun, ForecastValue

    run = ForecastRun.objects.create(
        authority=authority, status=RunStatusChoices.SUCCEEDED, as_at=AS_AT, horizon_months=36,
        finished_at=timezone.now(),
    )  # fmt: skip
    for months, mean in zip(HORIZONS, means, strict=True):
        month_end = (pd.Timestamp(AS_AT) + pd.offsets.MonthEnd(months)).date()
        ForecastValue.objects.create(
            run=run, scenario="baseline", month_end=month_end, months_ahead=months, dimension="total",
            key="total", mean=mean, p50=mean, p10=mean - 1, p90=mean + 1, p2_5=mean - 2, p97_5=mean + 2,
        )  # fmt: skip


def _requests(authority, code) -> dict[str, int]:
    from placements.models import PlacementRequest

    out = dict.fromkeys(REQUEST_ROWS.values(), 0)
    day = dt.date(2024, 6, 1)
    for urgency, placed, n in REQUESTS.get(code, []):
        for _ in range(n):
            day += dt.timedelta(days=1)
            PlacementRequest.objects.create(
                authority=authority, birth_month=dt.date(2012, 5, 1), sex="F", home_postcode="WS1 1",
                requested_on=day, urgency=urgency, fostering="preferred", residential="suitable",
                supported="unsuitable", status="placed" if placed else "not_placed",
                placed_on=day + dt.timedelta(days=20) if placed else None,
                placed_category="fostering_inhouse" if placed else "", placed_route="in_house" if placed else "",
            )  # fmt: skip
        out["total"] += n
        out[urgency] += n
        out["placed" if placed else "not_placed"] += n
    return out


def _gap(authority, rows):
    from forecasting.models import GapAssessment, GapValue

    assessment = GapAssessment.objects.create(authority=authority, as_at=AS_AT, computed_at=timezone.now())
    for group, (demand, inhouse, block) in rows.items():
        external = max(demand - inhouse - block, 0.0)
        GapValue.objects.create(
            assessment=assessment, financial_year=GAP_YEAR, month_end=dt.date(2026, 3, 31), group=group,
            demand_mean=demand, demand_p90=demand + 2, inhouse_places=inhouse, block_beds=block,
            external_mean=external, external_p90=external + 2, local_places=0, local_used_ours=0,
            local_used_others=0, local_available=0, local_shortfall=0.0,
        )  # fmt: skip


@pytest.fixture
def truth(walsall):
    """The true count of every cell, per authority and for the region, from the register as built."""
    from sufficiency.authorities.models import AuthorityPopulation, LocalAuthority
    from tests.factories import ChildFactory, EpisodeFactory

    counts: dict[tuple, float] = {}
    populations = {}
    names = {}
    for code, (children, population, means) in AUTHORITIES.items():
        authority = LocalAuthority.objects.get(dfe_code=code)
        names[authority.name] = code
        AuthorityPopulation.objects.create(authority=authority, year=2024, population_0_17=population)
        populations[code] = population
        for age, place, provider in children:
            child = ChildFactory(authority=authority, dob=dt.date(2025 - age - 1, 9, 1))
            EpisodeFactory(child=child, authority=authority, decom=dt.date(2024, 1, 1), rne="S", ls="C2",
                           place=place, place_provider=provider,
                           distance_miles=MILES.get(code, {}).get(place))  # fmt: skip
        _forecast(authority, means)
        if code in GAPS:
            _gap(authority, GAPS[code])
        for group, label in GAP_LABELS.items():
            counts["gap", label, code] = round(GAPS.get(code, {}).get(group, (0, 0, 0))[0])
        counts["cic", code] = len(children)
        counts["foster", code] = sum(1 for _a, place, _p in children if place.startswith("U"))
        miles = [MILES.get(code, {}).get(place) for _a, place, _p in children]
        counts["locality", "within_20_miles", code] = sum(1 for m in miles if m is not None and m <= 20)
        counts["locality", "over_20_miles", code] = sum(1 for m in miles if m is not None and m > 20)
        counts["locality", "distance_known", code] = sum(1 for m in miles if m is not None)
        for category in MIX:
            counts["category", category, code] = sum(
                1 for _a, place, provider in children if MIX[category] == (place, provider)
            )
        for band, (low, high) in BANDS.items():
            counts["age", band, code] = sum(1 for age, _pl, _pr in children if low <= age < high)
        for months, mean in zip(HORIZONS, means, strict=True):
            counts["forecast", months, code] = round(mean)
        for outcome, n in _requests(authority, code).items():
            counts["requests", outcome, code] = n
    for key in [k for k in counts if k[-1] == "335"]:
        counts[(*key[:-1], REGION)] = sum(counts[(*key[:-1], code)] for code in AUTHORITIES)
    return {"counts": counts, "populations": populations, "names": names}


def _number(text) -> float | None:
    text = str(text.get("text", "") if isinstance(text, dict) else text)
    text = text.replace(",", "").replace("%", "").replace(" (incomplete)", "")
    try:
        return float(text)
    except ValueError:
        return None


def _collect(document, names: dict[str, str], populations: dict[str, int]):
    """What the published statement prints, as a reader reads it: counts (cell -> value) and linear sums
    between cells (a percentage of all children: part - share x total = 0)."""
    counts: dict[tuple, float] = {}
    shares: list[tuple[Any, tuple, float]] = []  # (part or parts, base, share)
    tables = {t["id"]: t for s in document["sections"] for t in s["tables"]}
    side = tables["table-region-side-by-side"]
    slots = [REGION] + [names[h["text"]] for h in side["headers"][2:]]
    rows = {row[0]: row[1:] for row in side["rows"]}
    for slot, text in zip(slots, rows[registry["children_in_care"].name], strict=True):
        if (n := _number(text)) is not None:
            counts["cic", slot] = n
    for slot, text in zip(slots, rows[registry["cla_rate_per_10000"].name], strict=True):
        rate = _number(text)
        if rate is not None and slot != REGION:  # the rate times the public population
            counts["cic", slot] = round(rate * populations[slot] / 10_000)
    for slot, text in zip(slots, rows[registry["pct_foster_care"].name], strict=True):
        if (share := _number(text)) is not None:
            shares.append((("foster", slot), ("cic", slot), share))
    for row in tables["table-region-forecast"]["rows"]:
        slot = REGION if row[0] == "Total" else names[row[0]]
        if (n := _number(row[1])) is not None:
            counts["cic", slot] = n
        for months, text in zip(HORIZONS, row[2:], strict=True):
            if (n := _number(text)) is not None:
                counts["forecast", months, slot] = n
    for row in tables["table-children-age"]["rows"]:
        key: tuple = ("cic", REGION) if row[0] == "Total" else ("age", row[0], REGION)
        if (n := _number(row[1])) is not None:
            counts[key] = n
        if (share := _number(row[2])) is not None and row[0] != "Total":
            shares.append((key, ("cic", REGION), share))
    for slot, text in zip(slots, rows[registry["pct_placed_over_20_miles"].name], strict=True):
        if (share := _number(text)) is not None:
            shares.append((("locality", "over_20_miles", slot), ("locality", "distance_known", slot), share))
    for row in tables["table-region-locality"]["rows"]:
        if row[0] in LOCALITY and (n := _number(row[1])) is not None:
            counts["locality", LOCALITY[row[0]], REGION] = n
    for row in tables["table-region-placement-mix"]["rows"]:
        key = ("cic", REGION) if row[0] == "Total" else ("category", CATEGORY[row[0]], REGION)
        if (n := _number(row[1])) is not None:
            counts[key] = n
    for category in set(MIX) - {CATEGORY[row[0]] for row in tables["table-region-placement-mix"]["rows"]
                                if row[0] != "Total"}:  # fmt: skip
        counts["category", category, REGION] = 0  # a type of placement with no row has no children
    for row in tables["table-region-gap"]["rows"]:
        if (n := _number(row[2])) is not None:
            counts["gap", row[1], REGION] = n
    for row in tables["table-region-requests"]["rows"]:
        if (n := _number(row[1])) is not None:
            counts["requests", REQUEST_ROWS[row[0]], REGION] = n
    kpis = {e["key"]: e for s in document["sections"] for e in s["kpis"]}
    if (n := _number(kpis["placement_requests"]["text"])) is not None:
        counts["requests", "total", REGION] = n
    if (share := _number(kpis["pct_requests_emergency"]["text"])) is not None:
        shares.append((("requests", "emergency", REGION), ("requests", "total", REGION), share))
    if (n := _number(kpis["children_in_care"]["text"])) is not None:
        counts["cic", REGION] = n
    if (share := _number(kpis["pct_foster_care"]["text"])) is not None:
        shares.append((("foster", REGION), ("cic", REGION), share))
    for kpi_key, bands in (("pct_aged_16_17", ["16 and 17"]), ("pct_aged_under_5", ["Under 1", "1 to 4"])):
        if (share := _number(kpis[kpi_key]["text"])) is not None:
            shares.append(([("age", b, REGION) for b in bands], ("cic", REGION), share))
    return counts, shares


def _recovered(truth: dict[tuple, float], published: dict[tuple, float], shares, known: str | None):
    """The counts of 1 to 4 a reader who knows `known`'s own figures can solve for (an
    independent solver: a cell is recovered when its unit row lies in the span of the system of sums)."""
    seen = dict(published)
    if known is not None:
        seen.update({k: v for k, v in truth.items() if k[-1] == known})
    unknown = [k for k in truth if k not in seen]
    column = {k: i for i, k in enumerate(unknown)}
    rows = []

    def add(terms):
        row = np.zeros(len(unknown))
        for key, coefficient in terms:
            if key in column:
                row[column[key]] += coefficient
        if row.any():
            rows.append(row)

    codes = list(AUTHORITIES)
    for key in [k for k in truth if k[-1] == REGION]:
        add([(key, 1.0), *(((*key[:-1], code), -1.0) for code in codes)])
    for slot in [REGION, *codes]:
        add([(("cic", slot), 1.0), *((("age", b, slot), -1.0) for b in BANDS)])
        add([(("cic", slot), 1.0), *((("category", c, slot), -1.0) for c in MIX)])
        add([(("locality", "distance_known", slot), 1.0), (("locality", "within_20_miles", slot), -1.0),
             (("locality", "over_20_miles", slot), -1.0)])  # fmt: skip
        add([(("requests", "total", slot), 1.0), (("requests", "planned", slot), -1.0),
             (("requests", "emergency", slot), -1.0)])  # fmt: skip
        add([(("requests", "total", slot), 1.0), (("requests", "placed", slot), -1.0),
             (("requests", "not_placed", slot), -1.0)])  # fmt: skip
        add(
            [
                (("foster", slot), 1.0),
                *((("category", c, slot), -1.0) for c in MIX if c.startswith("fostering")),
            ]
        )
    for parts, base, share in shares:
        parts = parts if isinstance(parts, list) else [parts]
        add([*((p, 1.0) for p in parts), (base, -share / 100)])
    system = np.array(rows) if rows else np.zeros((1, len(unknown)))
    rank = np.linalg.matrix_rank(system, tol=1e-6)
    recovered = []
    for key in unknown:
        if not 0 < truth[key] < 5:
            continue
        unit = np.zeros(len(unknown))
        unit[column[key]] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit]), tol=1e-6) == rank:
            recovered.append(key)
    return recovered


def test_no_suppressed_count_is_recovered_from_the_whole_published_regional_statement(truth, walsall):
    document = build_regional_document(authority=walsall, region=walsall.region, as_at=AS_AT)
    counts = truth["counts"]
    published, shares = _collect(document, truth["names"], truth["populations"])
    # What is printed is true; nothing of 1 to 4 can be worked out, by the public or by any authority; and
    # no count of 1 to 4 is printed.
    assert all(published[k] == counts[k] for k in published), {
        k: (published[k], counts[k]) for k in published if published[k] != counts[k]
    }
    for reader in (None, *AUTHORITIES):
        assert _recovered(counts, published, shares, reader) == [], reader
    assert not [k for k, v in published.items() if 0 < v < 5]
    # Sandwell's one child is not printed, nor its forecast of 2.
    assert ("cic", "333") not in published and ("forecast", 12, "333") not in published
    # The pooled requests were read: all 26 printed; the 3 emergency and 2 not placed withheld, with the
    # planned and placed counts that would give them back.
    assert published["requests", "total", REGION] == 26
    assert {("requests", o, REGION) for o in ("emergency", "not_placed", "planned", "placed")}.isdisjoint(
        published
    )


def test_the_word_document_prints_the_same_suppressed_tables(truth, walsall):
    from docx import Document

    document = build_regional_document(authority=walsall, region=walsall.region, as_at=AS_AT)
    word = Document(io.BytesIO(render_docx(document)))
    printed = {tuple(c.text for c in row.cells) for table in word.tables for row in table.rows}
    tables = {t["id"]: t for s in document["sections"] for t in s["tables"]}
    for table_id in ("table-region-side-by-side", "table-region-forecast", "table-children-age"):
        for row in tables[table_id]["rows"]:
            cells = tuple(str(c.get("text", "") if isinstance(c, dict) else c) for c in row)
            assert cells in printed, (table_id, cells)
    text = " ".join(c for row in printed for c in row)
    assert "fewer than 5" in text


def test_the_regional_gap_by_kind_of_place_sums_the_latest_assessments_with_small_demand_suppressed(
    truth, walsall
):
    document = build_regional_document(authority=walsall, region=walsall.region, as_at=AS_AT)
    forecast = next(s for s in document["sections"] if s["key"] == "forecast")
    table = next(t for t in forecast["tables"] if t["id"] == "table-region-gap")
    rows = {row[1]: row for row in table["rows"]}
    assert [row[0] for row in table["rows"]] == [GAP_YEAR, GAP_YEAR]
    # Homes: demand 12 + 1 + 8 (whole numbers, as printed for each), places 4 + 3, beds 2 + 1, and left to
    # buy 6 + 1 + 4.
    assert rows["Children's homes"][2:] == ["21", "7", "3", "11"]
    # Secure: demand 1 + 0 + 0 is one child: suppressed, and what is left to buy with it; places printed.
    assert rows["Secure children's homes"][2:] == ["fewer than 5", "0", "0", "fewer than 5"]
    assert any("Dudley had none" in note for note in forecast["notes"])


def test_without_the_placement_mix_in_the_linked_set_a_reader_recovers_a_count(truth, walsall, monkeypatch):
    """The attack reads the types of placement: left out of the linked regional suppression, Wolverhampton's
    one child in a children's home is its children in care (32) less its fostered ones (96.9% of 32),
    both printed side by side."""
    from sufficiency.reports.statement import builder

    keep = builder.regional_suppressed

    def without_mix(region, members, **kwargs):
        kwargs["sums"] = [s for s in kwargs["sums"] if not any(p[0] == "category" for p in s[1])]
        return keep(
            {k: v for k, v in region.items() if k[0] != "category"},
            {la: {k: v for k, v in cells.items() if k[0] != "category"} for la, cells in members.items()},
            **kwargs,
        )

    monkeypatch.setattr(builder, "regional_suppressed", without_mix)
    document = build_regional_document(authority=walsall, region=walsall.region, as_at=AS_AT)
    published, shares = _collect(document, truth["names"], truth["populations"])
    for reader in (None, "335"):
        assert ("category", "residential_external", "336") in _recovered(
            truth["counts"], published, shares, reader
        )
