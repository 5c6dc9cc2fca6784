"""Every English authority with children's services exists from the first migration, so that imports,
partners and regional comparators never meet an unknown code. Source: DfE/ONS (Open Government Licence)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "local_authorities.csv"


def load(apps, schema_editor):
    Region = apps.get_model("authorities", "Region")
    LocalAuthority = apps.get_model("authorities", "LocalAuthority")
    with DATA.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            region, _ = Region.objects.update_or_create(
                code=row["region_code"], defaults={"name": row["region_name"]}
            )
            LocalAuthority.objects.update_or_create(
                dfe_code=row["dfe_code"],
                defaults={"ons_code": row["ons_code"], "name": row["name"], "region": region},
            )


class Migration(migrations.Migration):
    dependencies = [("authorities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
