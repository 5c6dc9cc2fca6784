"""The region's children in care as one disclosure-controlled grid, shared by every surface that shows
another authority's figures (the region page, its filters and CSVs, and the regional API aggregates).

Both read the same grid for the same figures, so a cell suppressed on one is suppressed on the other:
the authority x planning category x age band counts, with every row, column, authority and region total,
suppressed as one linked table by `sufficiency.core.suppression.suppress_region_grid`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sufficiency.core.suppression import Figure, Key, suppress_region_grid

from .categories import AGE_BANDS, COARSE_GROUPS, PLANNING_CATEGORIES

NO_AGE_BAND = "unknown"


def region_children_grid(
    *, figures: Mapping[int, Mapping[str, Any]], own_ids: Collection[int]
) -> dict[Key, Figure]:
    """The suppressed grid for a viewer whose own authorities are `own_ids` (shown in full).

    `figures` maps each authority with figures to a snapshot with `total`, `by_category` and, where
    kept, `by_category_age` (category -> age band -> children). Without `by_category_age` (figures from
    before age bands were kept) a category is one cell of age band "unknown".
    """
    cells: dict[int, dict[tuple[str, str], int]] = {}
    for la, data in figures.items():
        by_age = data.get("by_category_age")
        if by_age is None:
            cells[la] = {(c, NO_AGE_BAND): int(n) for c, n in data["by_category"].items()}
        else:
            cells[la] = {(c, a): int(n) for c, part in by_age.items() for a, n in part.items()}
    seen_categories = {c for grid in cells.values() for c, _a in grid}
    seen_bands = {a for grid in cells.values() for _c, a in grid}
    return suppress_region_grid(
        cells,
        totals={la: int(data["total"]) for la, data in figures.items()},
        categories=[*PLANNING_CATEGORIES, *sorted(seen_categories - set(PLANNING_CATEGORIES))],
        age_bands=[*AGE_BANDS, NO_AGE_BAND, *sorted(seen_bands - {*AGE_BANDS, NO_AGE_BAND})],
        groups=COARSE_GROUPS,
        own=own_ids,
    )
