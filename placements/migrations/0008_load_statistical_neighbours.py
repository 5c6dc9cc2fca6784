"""Loads placements/data/statistical_neighbours.csv (synthetic neighbours; see the .md beside it) as the
first list of statistical neighbours, so every authority has ten from the start. Replace it with the DfE's
list with `load_statistical_neighbours` or in the admin."""

from pathlib import Path

from django.db import migrations

from placements.national.neighbours import read_neighbours_csv

CSV = Path(__file__).resolve().parents[1] / "data" / "statistical_neighbours.csv"


def load(apps, schema_editor):
    LocalAuthority = apps.get_model("authorities", "LocalAuthority")
    NeighbourList = apps.get_model("placements", "StatisticalNeighbourList")
    Neighbour = apps.get_model("placements", "StatisticalNeighbour")
    by_code = {la.dfe_code: la for la in LocalAuthority.objects.all()}
    rows = [r for r in read_neighbours_csv(CSV.read_bytes()) if r[0] in by_code and r[2] in by_code]
    if not rows:
        return
    current = NeighbourList.objects.create(
        name="Statistical neighbours (synthetic stand-in for the DfE's list)",
        source="Synthetic: same kind of authority and region first (placements/data/statistical_neighbours.md)",
        licence="Open Government Licence v3.0",
        synthetic=True,
    )
    Neighbour.objects.bulk_create(
        Neighbour(neighbour_list=current, authority=by_code[c], neighbour=by_code[n], rank=r)
        for c, r, n in rows
    )


def unload(apps, schema_editor):
    apps.get_model("placements", "StatisticalNeighbourList").objects.filter(synthetic=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0007_national_statistics_and_neighbours"),
        ("authorities", "0002_load_local_authorities"),
    ]

    operations = [migrations.RunPython(load, unload)]
