"""The residential occupancy page and the in-house marker on the market page, from hand-built homes."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.urls import reverse

from placements.models import BlockContract, InHouseHome
from sufficiency.authorities.models import Membership
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
ON = "2025-03-31"


@pytest.fixture
def homes(walsall, sandwell):
    """Oak House (Walsall's own, 2 places) holds 2 Walsall children and 1 Sandwell child; Walsall buys 2
    block beds at Elm, where 1 Walsall child lives from 1 March 2025; another Walsall child lives in an
    external home in Sandwell's area."""
    oak = SettingFactory(
        urn="SC101",
        provision_type="childrens_home",
        registered_places=2,
        registration_status="active",
        local_authority=walsall,
    )
    elm = SettingFactory(
        urn="SC102",
        provision_type="childrens_home",
        registered_places=4,
        registration_status="active",
        local_authority=walsall,
    )
    InHouseHome.objects.create(authority=walsall, setting=oak, name="Oak House")
    BlockContract.objects.create(
        authority=walsall,
        reference="B1",
        provider_name="Elm Care",
        setting=elm,
        category="residential_external",
        beds=2,
        start_date=D(2024, 4, 1),
        end_date=D(2026, 3, 31),
        weekly_cost_per_bed=5000,
    )
    for authority in (walsall, walsall, sandwell):
        EpisodeFactory(
            child=ChildFactory(authority=authority),
            decom=D(2024, 1, 1),
            place="K2",
            place_provider="PR1",
            setting=oak,
            placement_la=walsall,
        )
    EpisodeFactory(
        child=ChildFactory(authority=walsall),
        decom=D(2025, 3, 1),
        place="K2",
        place_provider="PR4",
        setting=elm,
        placement_la=walsall,
    )
    EpisodeFactory(
        child=ChildFactory(authority=walsall),
        decom=D(2024, 6, 1),
        place="K2",
        place_provider="PR4",
        placement_la=sandwell,
    )
    return {"oak": oak, "elm": elm}


def _rows(html: str, caption: str) -> dict[str, list[str]]:
    start = html.index(caption)
    body = html[start : html.index("</table>", start)]
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)[1:]:
        cells = [
            html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_occupancy_page_counts_places_children_over_occupancy_and_vacancy_days(client, la_user, homes):
    client.force_login(la_user)
    response = client.get(reverse("placements:residential-occupancy", kwargs={"code": "335"}), {"as_at": ON})
    assert response.status_code == 200
    html = html_lib.unescape(response.content.decode())
    each = _rows(html, "Each home")
    # kind, URN, places, children, occupancy, over-occupied, vacancy days
    assert each["Oak House"] == ["In-house", "SC101", "2", "3", "150.0%", "Yes: 1 over", "0"]
    assert each["Elm Care (B1)"] == ["Block beds", "SC102", "2", "1", "50.0%", "No", f"{365 * 2 - 31:,}"]
    totals = _rows(html, "Occupancy by kind of home")
    assert totals["In-house homes"] == ["1", "2", "3", "150.0%", "1", "0"]
    assert "1 home has more children than places: Oak House." in html
    # Walsall's children in children's homes: 2 at Oak, 1 at Elm (both in Walsall), 1 in Sandwell's area.
    share = re.sub(r"\s+", " ", re.search(r'id="in-area-share">(.*?)</p>', html, re.S).group(1))
    assert share == (
        "Of our 4 children in children's homes on 31 March 2025, 3 live in Walsall: "
        "75.0% of the 4 whose home's area is known."
    )


def test_occupancy_page_is_read_by_board_members_and_404_for_outsiders(client, walsall, other_la_user, homes):
    board = UserFactory(email="board@walsall.example.gov.uk")
    Membership.objects.create(user=board, authority=walsall, role="board_member")
    url = reverse("placements:residential-occupancy", kwargs={"code": "335"})
    client.force_login(board)
    assert client.get(url).status_code == 200
    client.force_login(other_la_user)
    assert client.get(url).status_code == 404


def test_market_page_marks_in_house_homes(client, la_user, homes):
    client.force_login(la_user)
    html = client.get(reverse("placements:setting-list", kwargs={"code": "335"})).content.decode()
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", html, re.S)
    oak = next(r for r in rows if "SC101" in r)
    elm = next(r for r in rows if "SC102" in r)
    assert "In-house</strong>" in oak
    assert "In-house</strong>" not in elm


def test_short_break_homes_are_counted_apart_from_the_in_house_homes_occupancy(
    client, la_user, walsall, homes
):
    from sufficiency.reports.selectors import kpi_rows_for_authority

    birch = SettingFactory(
        urn="SC103",
        provision_type="childrens_home",
        registered_places=4,
        registration_status="active",
        local_authority=walsall,
    )
    InHouseHome.objects.create(authority=walsall, setting=birch, name="Birch Short Breaks", short_breaks=True)
    # Two short breaks (V3) on the night of 30 March: one at Birch, one at Oak House (a home where children
    # live, whose occupancy counts looked-after children only).
    for setting in (birch, homes["oak"]):
        EpisodeFactory(
            child=ChildFactory(authority=walsall),
            decom=D(2025, 3, 30),
            dec=D(2025, 4, 1),
            ls="V3",
            place="K1",
            place_provider="PR1",
            setting=setting,
            placement_la=walsall,
        )
    client.force_login(la_user)
    response = client.get(reverse("placements:residential-occupancy", kwargs={"code": "335"}), {"as_at": ON})
    html = html_lib.unescape(response.content.decode())
    each = _rows(html, "Each home")
    assert each["Birch Short Breaks"][:5] == ["In-house short breaks", "SC103", "4", "1", "25.0%"]
    assert each["Oak House"][:4] == ["In-house", "SC101", "2", "3"]  # the short break there is left out
    totals = _rows(html, "Occupancy by kind of home")
    # Birch's 4 places are not empty places of the homes where children live: still 3 of 2.
    assert totals["In-house homes"] == ["1", "2", "3", "150.0%", "1", "0"]
    assert totals["Short-break homes"][:4] == ["1", "4", "1", "25.0%"]
    kpis = {
        r.key: r.value.value
        for r in kpi_rows_for_authority(
            authority=walsall,
            on=D(2025, 3, 31),
            keys=["residential_inhouse_occupancy_pct", "homes_over_occupied"],
            comparators=False,
        )
    }
    assert kpis == {"residential_inhouse_occupancy_pct": 150.0, "homes_over_occupied": 1}
    # The supply summary the overview and the gap read: Birch's places are not in-house residential capacity.
    from placements.supply.selectors import capacity_summary_for_authority

    residential = capacity_summary_for_authority(authority=walsall, on=D(2025, 3, 31))["residential"]
    assert (residential["homes"], residential["usable_places"]) == (1, 2)
    assert (residential["short_break_homes"], residential["short_break_places"]) == (1, 4)
    overview = html_lib.unescape(
        client.get(
            reverse("placements:supply-overview", kwargs={"code": "335"}), {"as_at": ON}
        ).content.decode()
    )
    assert re.search(
        r"Short-break homes \(counted apart\)\s*</dt>\s*<dd[^>]*>\s*1 \(4 usable places\)", overview
    )


def test_short_break_flag_is_set_by_the_home_form_and_shown_on_the_home(client, la_user, walsall, homes):
    home = InHouseHome.objects.get(name="Oak House")
    client.force_login(la_user)
    url = reverse("placements:home-update", kwargs={"code": "335", "pk": home.pk})
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    assert "short_breaks" in form.fields
    data["short_breaks"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    home.refresh_from_db()
    assert home.short_breaks is True
    detail = client.get(reverse("placements:home-detail", kwargs={"code": "335", "pk": home.pk}))
    assert re.search(r"Short-break home\s*</dt>\s*<dd[^>]*>\s*Yes", detail.content.decode())
