"""Reference data: the 153 English authorities and their regions (DfE/ONS, Open Government Licence v3.0)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "local_authorities.csv"


def load_local_authorities(region_model: Any, authority_model: Any) -> int:
    """Create or update every authority and region from the reference file. Safe to run again.

    Takes the model classes so that migrations can pass their historical models.
    """
    count = 0
    with DATA.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region, _ = region_model.objects.update_or_create(
                code=row["region_code"], defaults={"name": row["region_name"]}
            )
            authority_model.objects.update_or_create(
                dfe_code=row["dfe_code"],
                defaults={"ons_code": row["ons_code"], "name": row["name"], "region": region},
            )
            count += 1
    return count


def ensure_local_authorities() -> None:
    """Load the authorities if the table is empty (e.g. after a test database flush)."""
    from .models import LocalAuthority, Region

    if not LocalAuthority.objects.exists():
        load_local_authorities(Region, LocalAuthority)
