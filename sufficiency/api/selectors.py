"""Reads composed for the API: regional aggregates with small-number suppression."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from placements.categories import PLANNING_CATEGORY_LABELS
from placements.disclosure import region_children_grid
from placements.models import Child
from placements.selectors import cic_snapshot_for_authority
from sufficiency.authorities.models import Region
from sufficiency.core.suppression import SUPPRESSION_THRESHOLD


def regional_children_in_care(
    *, region: Region, on: dt.date, own_authority_ids: Collection[int]
) -> dict[str, Any]:
    """Children in care on a date by planning category for every authority in a region.

    The caller's own authorities are shown in full; every other authority's counts under the threshold
    are cells of the region's one suppressed grid (`placements.disclosure`), and its rate is withheld
    when its total is.
    """
    with_data = set(
        Child.objects.filter(authority__region=region).values_list("authority_id", flat=True).distinct()
    )
    authorities = list(region.authorities.order_by("name"))
    snapshots = {
        la.pk: cic_snapshot_for_authority(authority=la, on=on) for la in authorities if la.pk in with_data
    }
    # One suppressed grid for the region (the region page reads the same one): every category count of
    # another authority is a cell of it, so no combination of answers gives a suppressed cell back.
    grid = region_children_grid(figures=snapshots, own_ids=own_authority_ids)
    rows = []
    for authority in authorities:
        row: dict[str, Any] = {
            "authority": authority.dfe_code,
            "name": authority.name,
            "own": authority.pk in own_authority_ids,
            "data_available": authority.pk in with_data,
            "total": {"value": None, "suppressed": False},
            "rate_per_10000": None,
            "by_category": [],
        }
        if authority.pk in snapshots:
            total = grid["total", authority.pk]
            row["total"] = total.as_dict()
            # The rate over a published population gives the count back: withheld with it.
            row["rate_per_10000"] = (
                None if total.suppressed else snapshots[authority.pk].get("rate_per_10000")
            )
            row["by_category"] = [
                {"category": key, "label": label, **grid["category", authority.pk, key].as_dict()}
                for key, label in PLANNING_CATEGORY_LABELS.items()
            ]
        rows.append(row)
    return {
        "region": region.code,
        "region_name": region.name,
        "date": on,
        "suppression_threshold": SUPPRESSION_THRESHOLD,
        "authorities": rows,
    }
