"""An attack on the region's published figures: a board member or regional analyst (and an API token)
collects every number the region page, its filters and CSVs and the API publish about other
authorities, and tries to recover each suppressed count by adding and subtracting them along every
sum the reader knows (totals minus visible cells, across filters and sources, percentages times
published totals). Nothing may come back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone

from placements.categories import AGE_BANDS, COARSE_GROUPS, PLANNING_CATEGORIES

pytestmark = pytest.mark.django_db

WM = "E12000005"
AS_AT = dt.date(2026, 3, 31)
REGION = "region"
POPULATION = 50_000  # children in each authority (ONS estimates are public)


def _headline(cells: dict[tuple[str, str], int]) -> dict:
    """A synthetic rollup headline with the given category x age band counts."""
    by_category = {c: sum(n for (cc, _b), n in cells.items() if cc == c) for c in PLANNING_CATEGORIES}
    total = sum(by_category.values())
    by_age: dict[str, dict[str, int]] = {}
    for (c, b), n in cells.items():
        if n:
            by_age.setdefault(c, {})[b] = n
    return {
        "as_at": AS_AT.isoformat(),
        "total": total,
        "population": POPULATION,
        "rate": round(total / POPULATION * 10_000, 1),
        "started_12m": 0,
        "ceased_12m": 0,
        "mix": {g: sum(by_category[c] for c in members) for g, members in COARSE_GROUPS.items()},
        "by_category": by_category,
        "by_category_age": by_age,
        "distance_known": total,
        "over_20_miles": total // 3,
        "boundary_known": total,
        "outside_la": total // 4,
        "below_good": 0,
        "spend_year": "2024-25",
        "spend": 1000.0,
        "forecast_end": None,
        "forecast_end_mean": None,
        "forecast_growth_pct": None,
    }


@pytest.fixture
def small_region(walsall):
    """Walsall (the viewer's own) and five other West Midlands authorities with many small cells, one
    of them with fewer than five children in all."""
    from sufficiency.authorities.models import LocalAuthority
    from sufficiency.dashboards.models import DashboardRollup

    rng = random.Random(903)
    used = PLANNING_CATEGORIES[:5]
    others = list(LocalAuthority.objects.filter(region__code=WM).exclude(pk=walsall.pk).order_by("name")[:5])
    truth = {}
    for i, la in enumerate([walsall, *others]):
        if i == len(others):  # an authority with 3 children: the whole row is under the threshold
            cells = {(used[0], "10_15"): 2, (used[1], "16_17"): 1}
        else:
            cells = {(c, b): rng.choice([0, 1, 2, 3, 4, 6, 9, 12, 15]) for c in used for b in AGE_BANDS}
        if i == 1:  # one small cell in a row whose total is shown: the outside test's first recovery
            cells.update({(used[0], b): n for b, n in zip(AGE_BANDS, [3, 9, 12, 7, 8], strict=True)})
        truth[la.pk] = cells
        DashboardRollup.objects.update_or_create(
            authority=la,
            defaults={
                "status": "succeeded",
                "computed_at": timezone.now(),
                "as_at": AS_AT,
                "headline": _headline(cells),
            },
        )
    return {"own": walsall, "others": others, "truth": truth}


def _csv(client, key: str, params: dict[str, str]) -> list[list[str]]:
    url = reverse("dashboards:region-csv", kwargs={"region": WM, "key": key})
    response = client.get(url, params)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))[1:]


def _number(text: str) -> float | None:
    text = text.replace(",", "").replace("%", "").strip()
    try:
        return float(text)
    except ValueError:
        return None


def _collect_page(client, names: dict[str, int]) -> dict[tuple, float]:
    """Every number the region page and its CSVs publish, keyed like the grid it comes from."""
    published: dict[tuple, float] = {}
    for row in _csv(client, "authorities", {}):
        la = names.get(row[0], REGION if row[0].startswith("West Midlands") else None)
        if la is None:
            continue
        total = _number(row[1])
        rate = _number(row[2])
        if total is None and rate is not None and la != REGION:
            # The rate per 10,000 over the published population (ONS) gives the count back.
            total = round(rate * POPULATION / 10_000)
        if total is not None:
            published["total", la] = total
            # A percentage times a published total gives its count back.
            for g, text in zip(COARSE_GROUPS, row[3:7], strict=True):
                share = _number(text)
                if share is not None and la != REGION:
                    published["group", la, g] = round(share * total / 100)
    for category in ["", *PLANNING_CATEGORIES]:
        for band in ["", *AGE_BANDS]:
            if not category and not band:
                continue
            for name, text in _csv(client, "category", {"category": category, "age_band": band}):
                value = _number(text)
                if value is None or name not in names:
                    continue
                la = names[name]
                if category and band:
                    published["cell", la, category, band] = value
                elif category:
                    published["category", la, category] = value
                else:
                    published["age_band", la, band] = value
    return published


def _recovered(truth: dict[int, dict], own: int, published: dict[tuple, float]) -> list[tuple]:
    """The other authorities' suppressed non-zero cells a reader can solve for from `published` and
    the sums every reader knows (an independent solver: a cell is recovered when adding its unit row
    to the system does not raise the rank)."""
    las = list(truth)
    keys: list[tuple] = []
    for la in [*las, REGION]:
        keys += [("cell", la, c, b) for c in PLANNING_CATEGORIES for b in AGE_BANDS]
        keys += [("category", la, c) for c in PLANNING_CATEGORIES]
        keys += [("age_band", la, b) for b in AGE_BANDS]
        keys += [("group", la, g) for g in COARSE_GROUPS] + [("total", la)]
    sums: list[tuple[tuple, list[tuple]]] = []
    for la in [*las, REGION]:
        sums += [(("category", la, c), [("cell", la, c, b) for b in AGE_BANDS]) for c in PLANNING_CATEGORIES]
        sums += [(("age_band", la, b), [("cell", la, c, b) for c in PLANNING_CATEGORIES]) for b in AGE_BANDS]
        sums.append((("total", la), [("category", la, c) for c in PLANNING_CATEGORIES]))
        sums.append((("total", la), [("age_band", la, b) for b in AGE_BANDS]))
        sums += [(("group", la, g), [("category", la, c) for c in cs]) for g, cs in COARSE_GROUPS.items()]
    sums += [
        (("cell", REGION, c, b), [("cell", la, c, b) for la in las])
        for c in PLANNING_CATEGORIES
        for b in AGE_BANDS
    ]
    sums += [(("category", REGION, c), [("category", la, c) for la in las]) for c in PLANNING_CATEGORIES]
    sums += [(("age_band", REGION, b), [("age_band", la, b) for la in las]) for b in AGE_BANDS]
    sums += [(("group", REGION, g), [("group", la, g) for la in las]) for g in COARSE_GROUPS]
    sums.append((("total", REGION), [("total", la) for la in las]))
    known = set(published) | {k for k in keys if k[1] == own}  # the viewer knows their own grid
    unknown = [k for k in keys if k not in known]
    column = {k: i for i, k in enumerate(unknown)}
    rows = []
    for total, parts in sums:
        row = np.zeros(len(unknown))
        for key, sign in [(total, 1), *((p, -1) for p in parts)]:
            if key in column:
                row[column[key]] += sign
        if row.any():
            rows.append(row)
    system = np.array(rows)
    rank = np.linalg.matrix_rank(system)
    recovered = []
    for key in unknown:
        la = key[1]
        if la in (own, REGION) or key[0] != "cell":
            continue
        value = truth[la].get((key[2], key[3]), 0)
        if not 0 < value < 5:
            continue
        unit = np.zeros(len(unknown))
        unit[column[key]] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            recovered.append(key)
    return recovered


@pytest.mark.parametrize("viewer", ["board_member", "regional_user"])
def test_no_suppressed_cell_of_another_authority_is_recovered_by_differencing(
    client, small_region, viewer, request
):
    client.force_login(request.getfixturevalue(viewer))
    names = {la.name: la.pk for la in [small_region["own"], *small_region["others"]]}
    published = _collect_page(client, names)
    truth = small_region["truth"]
    small = [
        (la, c, b)
        for la in truth
        if la != small_region["own"].pk
        for (c, b), n in truth[la].items()
        if 0 < n < 5
    ]
    assert small, "the region has small cells to protect"
    # Primary suppression: no small count of another authority is ever published.
    assert not [k for k in published if k[0] == "cell" and k[1:] in small]
    assert _recovered(truth, small_region["own"].pk, published) == []
    # The viewer's own authority is shown in full.
    own = small_region["own"].pk
    assert all(published.get(("cell", own, c, b)) == n for (c, b), n in truth[own].items())
