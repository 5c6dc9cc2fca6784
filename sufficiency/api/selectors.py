"""Reads composed for the API: regional aggregates with small-number suppression."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from placements.categories import PLANNING_CATEGORY_LABELS
from placements.models import Child
from placements.selectors import cic_snapshot_for_authority
from sufficiency.authorities.models import Region
from sufficiency.core.suppression import SUPPRESSION_THRESHOLD, suppress_breakdown


def regional_children_in_care(
    *, region: Region, on: dt.date, own_authority_ids: Collection[int]
) -> dict[str, Any]:
    """Children in care on a date by planning category for every authority in a region.

    The caller's own authorities are shown in full; every other authority's counts under the threshold
    are suppressed (with secondary suppression), and its rate is withheld when its total is.
    """
    with_data = set(
        Child.objects.filter(authority__region=region).values_list("authority_id", flat=True).distinct()
    )
    rows = []
    for authority in region.authorities.order_by("name"):
        own = authority.pk in own_authority_ids
        row: dict[str, Any] = {
            "authority": authority.dfe_code,
            "name": authority.name,
            "own": own,
            "data_available": authority.pk in with_data,
            "total": {"value": None, "suppressed": False},
            "rate_per_10000": None,
            "by_category": [],
        }
        if authority.pk in with_data:
            snapshot = cic_snapshot_for_authority(authority=authority, on=on)
            counts = {key: int(snapshot["by_category"].get(key, 0)) for key in PLANNING_CATEGORY_LABELS}
            if own:
                total = {"value": int(snapshot["total"]), "suppressed": False}
                figures = {key: {"value": value, "suppressed": False} for key, value in counts.items()}
            else:
                total_fig, cat_figs = suppress_breakdown(counts, int(snapshot["total"]))
                total = total_fig.as_dict()
                figures = {key: fig.as_dict() for key, fig in cat_figs.items()}
            row["total"] = total
            row["rate_per_10000"] = None if total["suppressed"] else snapshot.get("rate_per_10000")
            row["by_category"] = [
                {"category": key, "label": label, **figures[key]}
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
