"""The market page's named homes: other authorities' children in each home are disclosure-controlled."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_other_authorities_children_per_named_home_are_suppressed_on_the_market_page(client, la_user, rollup):
    from sufficiency.dashboards.models import DashboardRollup

    stored = DashboardRollup.objects.get(authority__dfe_code="335")
    columns = stored.market["columns"]
    template = dict(zip(columns, stored.market["rows"][0], strict=True)) if stored.market["rows"] else {}
    homes = []
    for i, (others, ours) in enumerate([(3, 2), (9, 0), (12, 1), (0, 4)]):
        row = {**dict.fromkeys(columns), **template}
        row.update(
            urn=f"SC90000{i}", name=f"Home {i}", provision_type=template.get("provision_type", "CHH"),
            used_ours=ours, used_others=others, ours_12m=ours, setting_id=None, price_week=None,
        )  # fmt: skip
        homes.append([row[c] for c in columns])
    stored.market = {**stored.market, "rows": homes}
    stored.save(update_fields=["market"])
    client.force_login(la_user)
    url = reverse("dashboards:csv", kwargs={"code": "335", "page": "market", "key": "settings"})
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    others = {row[0]: row[8] for row in rows[1:]}
    ours = {row[0]: row[7] for row in rows[1:]}
    assert others["SC900000"] == "c"  # 3 children of other authorities: primary
    assert others["SC900001"] == "9"  # a home's count reads the same here as on the setting's page
    assert others["SC900002"] == "12" and others["SC900003"] == "0"  # zero may be shown
    assert ours["SC900003"] == "4"  # the authority's own children are never suppressed
    # The provision type's sum would give the 3 back (24 - 9 - 12): suppressed instead.
    summary = reverse("dashboards:csv", kwargs={"code": "335", "page": "market", "key": "provision-types"})
    summary_rows = list(csv.reader(io.StringIO(client.get(summary).content.decode())))
    assert summary_rows[1][5] == "c"


def test_the_gap_page_withholds_a_kind_of_places_other_children_when_a_home_in_it_is_suppressed(
    client, la_user, rollup
):
    from forecasting.gap import GROUP_OF_PROVISION
    from sufficiency.dashboards.models import DashboardRollup

    stored = DashboardRollup.objects.get(authority__dfe_code="335")
    local = stored.gap.get("local", [])
    assert local, "the register has local capacity"
    group = local[0]["group"]
    ptype = next(t for t, g in GROUP_OF_PROVISION.items() if g == group)
    columns = stored.market["columns"]
    home = {**dict.fromkeys(columns), "urn": "SC900009", "name": "Home", "provision_type": ptype}
    home.update(used_ours=0, used_others=2, ours_12m=0, inside_area=True)
    stored.market = {"columns": columns, "rows": [[home[c] for c in columns]]}
    stored.save(update_fields=["market"])
    client.force_login(la_user)
    url = reverse("dashboards:csv", kwargs={"code": "335", "page": "gap", "key": "local"})
    rows = {row[0]: row for row in csv.reader(io.StringIO(client.get(url).content.decode()))}
    from forecasting.gap import GAP_GROUP_BY_KEY

    row = rows[GAP_GROUP_BY_KEY[group].label]
    assert row[4] == "c" and row[5] == "c"  # other authorities' children, and the free places built on them
