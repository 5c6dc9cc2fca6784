"""Every English authority with children's services exists from the first migration, so that imports,
partners and regional comparators never meet an unknown code. Source: DfE/ONS (Open Government Licence)."""

from django.db import migrations

from sufficiency.authorities.reference import load_local_authorities


def load(apps, schema_editor):
    load_local_authorities(
        apps.get_model("authorities", "Region"), apps.get_model("authorities", "LocalAuthority")
    )


class Migration(migrations.Migration):
    dependencies = [("authorities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
