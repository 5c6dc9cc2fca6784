"""In-house fostering supply agrees everywhere it is shown: usable places, expected turnover and occupancy on
the gap page, the fostering capacity page, the API's gap answer, the KPI page (and KPI API) and the board
report (its document and its rendered page).

Run for a hand-built register whose figures differ from one another (usable places 4 of 5 approved,
2 children placed, 2 placements ended in the 12 months) and for the synthetic demo authority (Walsall).
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.reconciliation.reconcile import Ledger, banner_date, measures, number, page

USABLE = "fostering:inhouse_usable_places"
TURNOVER = "fostering:inhouse_expected_turnover"
OCCUPANCY = "fostering:inhouse_occupancy_pct"
SURFACES = {"gap page", "fostering capacity page", "gap api", "kpi page", "board report", "board report page"}


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _table(tree: Any, *, caption: str | None = None, table_id: str | None = None) -> list[list[str]]:
    for table in tree.xpath("//table"):
        found = table.xpath("./caption")
        if (table_id and table.get("id") == table_id) or (caption and found and _text(found[0]) == caption):
            return [[_text(c) for c in tr.xpath("./th|./td")] for tr in table.xpath(".//tr")]
    return []


def collect_supply(client: Any, api: Any, authority: Any, ledger: Ledger) -> None:
    """Read the in-house fostering figures back from every surface that shows them."""
    code = authority.dfe_code
    kw = {"code": code}

    # Gap page: "Foster care: N usable in-house places, and an expected turnover of M in the next 12 months"
    body = html_lib.unescape(_get(client, reverse("dashboards:gap", kwargs=kw)).content.decode())
    match = re.search(
        r"([\d,]+) usable in-house places, and an expected turnover of ([\d,]+) in the next 12 months", body
    )
    assert match, "the gap page's foster care line with usable places and turnover was not found"
    ledger.add(USABLE, "gap page", number(match.group(1)), decimals=0)
    ledger.add(TURNOVER, "gap page", number(match.group(2)), decimals=0)

    # Fostering capacity page: the in-house row of the totals table
    tree = page(_get(client, reverse("placements:fostering-capacity", kwargs=kw)).content)
    ledger.date_seen("fostering capacity page", banner_date(tree))
    rows = _table(tree, caption="Fostering places by carers")
    assert rows and rows[0][4] == "Usable places" and rows[0][8] == "Expected turnover in the next 12 months"
    inhouse = next(row for row in rows if row[0] == "In-house carers")
    ledger.add(USABLE, "fostering capacity page", number(inhouse[4]), decimals=0)
    ledger.add(OCCUPANCY, "fostering capacity page", number(inhouse[7]), decimals=1)
    ledger.add(TURNOVER, "fostering capacity page", number(inhouse[8]), decimals=0)

    # The API's gap answer
    gap = api.get(reverse("api:authority-gap", kwargs=kw))
    assert gap.status_code == 200, gap.content
    capacity = gap.json()["capacity"]
    ledger.add(USABLE, "gap api", capacity["inhouse_fostering_places"])
    ledger.add(TURNOVER, "gap api", capacity["inhouse_fostering_turnover"])
    ledger.date_seen("gap api", gap.json()["as_at"])

    # KPI page: the marked values, and the occupancy's "N of M usable in-house places"
    tree = page(_get(client, reverse("reports:kpi-list", kwargs=kw)).content)
    ledger.date_seen("kpi page", banner_date(tree))
    values = {key: raw for key, raw, _rag in measures(tree)}
    ledger.add(OCCUPANCY, "kpi page", float(values["inhouse_foster_occupancy"]))
    ledger.add(TURNOVER, "kpi page", float(values["fostering_expected_turnover"]))
    basis = _text(tree.xpath("//tr[@data-measure='inhouse_foster_occupancy']/td")[0])
    found = re.search(r"of ([\d,]+) usable in-house places", basis)
    assert found, basis
    ledger.add(USABLE, "kpi page", number(found.group(1)), decimals=0)
    kpis = {row["key"]: row for row in api.get(reverse("api:authority-kpis", kwargs=kw)).json()["kpis"]}
    ledger.add(OCCUPANCY, "kpi api", kpis["inhouse_foster_occupancy"]["value"])
    ledger.add(TURNOVER, "kpi api", kpis["fostering_expected_turnover"]["value"])

    # Board report: its document (KPIs, the fostering facts, the gap table) and the rendered draft page
    from django.contrib.auth import get_user_model

    from sufficiency.reports.board import services
    from sufficiency.reports.board.builder import build_report_document

    on = dt.date.fromisoformat(ledger.on)
    document = build_report_document(authority=authority, as_at=on)
    ledger.date_seen("board report", document["as_at"])
    by_key = {entry["key"]: entry for entry in document["kpis"]}
    ledger.add(OCCUPANCY, "board report", by_key["inhouse_foster_occupancy"]["value"])
    ledger.add(USABLE, "board report", by_key["inhouse_foster_occupancy"]["denominator"])
    ledger.add(TURNOVER, "board report", by_key["fostering_expected_turnover"]["value"])
    fostering = next(s for s in document["sections"] if s["key"] == "fostering")
    facts = " ".join(fostering["facts"])
    usable_fact = re.search(r"Of the approved places, ([\d,]+) were usable", facts)
    turnover_fact = re.search(r"an expected turnover of ([\d,]+)", facts)
    assert usable_fact and turnover_fact, facts
    ledger.add(USABLE, "board report facts", number(usable_fact.group(1)), decimals=0)
    ledger.add(TURNOVER, "board report facts", number(turnover_fact.group(1)), decimals=0)
    gap_tables = [t for s in document["sections"] for t in s.get("tables", []) if t.get("id") == "table-gap"]
    for table in gap_tables:
        for row in table["rows"]:
            if str(row[1]).lower() == "fostering":
                ledger.add(USABLE, "board report gap table", number(str(row[3])), decimals=0)

    author = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    report = services.report_create(authority=authority, as_at=on, acting_user=author)
    tree = page(_get(client, reverse("reports:board-draft", kwargs={**kw, "pk": report.pk})).content)
    carers = {row[0]: row[1] for row in _table(tree, table_id="table-foster-carers")[1:]}
    ledger.add(OCCUPANCY, "board report page", number(carers["In-house fostering occupancy"]), decimals=1)
    turnover_cell = carers["Expected turnover of in-house fostering places"]
    ledger.add(TURNOVER, "board report page", number(turnover_cell.split(" ")[0]), decimals=0)


def _values(ledger: Ledger, measure: str) -> set[Any]:
    return {f.value for f in ledger.figures if f.measure == measure}


def _check(ledger: Ledger) -> None:
    problems = ledger.disagreements()
    assert problems == [], problems
    sources = {f.source for f in ledger.figures}
    assert sources >= SURFACES, SURFACES - sources
    for measure in (USABLE, TURNOVER, OCCUPANCY):
        # Every surface named the figure, and they all agree
        assert len({f.source for f in ledger.figures if f.measure == measure}) >= 4, measure


@pytest.fixture
def partner_api(walsall):
    from sufficiency.api.services import api_client_create

    _client, token = api_client_create(
        authority=walsall, name="Supply reconciliation", scopes=["read:aggregate"]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


@pytest.fixture
def supply_register(walsall, sandwell, monkeypatch):
    """The dashboards' hand-built register (H1 with 3 places; C4, C5 with in-house carers; C7's in-house
    placement ended on 1 March 2026), with a second household H2 approved for 2 places, one of them on a
    carer's break, and C8, whose in-house placement ended on 10 January 2026 when she moved to agency carers.
    On 31 March 2026: 5 approved, 4 usable places, 2 filled (50.0%), expected turnover 2."""
    from forecasting import gap_services
    from placements.models import FosteringHousehold, HouseholdPlacesUnavailable
    from tests.dashboards.register import build_register, fake_locator
    from tests.factories import ChildFactory, EpisodeFactory

    monkeypatch.setattr(gap_services, "miles_from_authority", fake_locator)
    built = build_register()
    h2 = FosteringHousehold.objects.create(
        authority=walsall,
        reference="H2",
        route="in_house",
        approval_date=dt.date(2022, 6, 1),
        approved_places=2,
    )
    HouseholdPlacesUnavailable.objects.create(
        authority=walsall, household=h2, places=1, reason="carers_break", start_date=dt.date(2026, 3, 1)
    )
    c8 = ChildFactory(authority=walsall, child_ref="C8", dob=dt.date(2013, 2, 1))
    common = {"child": c8, "authority": walsall, "distance_miles": 3, "placement_la": walsall}
    EpisodeFactory(
        **common,
        decom=dt.date(2025, 9, 1),
        dec=dt.date(2026, 1, 10),
        place="U5",
        place_provider="PR1",
        rec="X1",
    )
    EpisodeFactory(**common, decom=dt.date(2026, 1, 10), rne="P", place="U5", place_provider="PR4")
    return built


def test_hand_built_supply_figures_agree_everywhere(client, supply_register, la_user, partner_api):
    from forecasting.gap_services import gap_assessment_compute
    from placements.as_at import as_at_for_authority
    from sufficiency.dashboards.services import dashboard_rollup_compute

    walsall = supply_register["walsall"]
    gap_assessment_compute(authority=walsall)
    dashboard_rollup_compute(authority=walsall)
    client.force_login(la_user)
    ledger = Ledger(on=as_at_for_authority(authority=walsall).on.isoformat())
    assert ledger.on == "2026-03-31"
    collect_supply(client, partner_api, walsall, ledger)
    _check(ledger)
    # The figures are the hand-counted ones, and they differ from one another
    assert _values(ledger, USABLE) == {4}  # H1 3 + H2 2 approved, 1 on a carer's break
    assert _values(ledger, TURNOVER) == {2}  # C7 (left care), C8 (moved to agency carers)
    assert _values(ledger, OCCUPANCY) == {50.0}  # C4, C5 in 4 usable places


def test_a_changed_figure_on_one_surface_is_caught(client, supply_register, la_user, partner_api):
    """The ledger sees a gap computed before the register changed: the stored gap's turnover disagrees."""
    from forecasting.gap_services import gap_assessment_compute
    from placements.models import PlacementEpisode
    from sufficiency.dashboards.services import dashboard_rollup_compute

    walsall = supply_register["walsall"]
    gap_assessment_compute(authority=walsall)
    dashboard_rollup_compute(authority=walsall)
    PlacementEpisode.objects.filter(child__child_ref="C8").delete()  # after the gap was computed
    client.force_login(la_user)
    ledger = Ledger(on="2026-03-31")
    collect_supply(client, partner_api, walsall, ledger)
    problems = ledger.disagreements()
    assert problems and all(p.startswith(TURNOVER) for p in problems), problems


def test_demo_supply_figures_agree_everywhere(client, walsall, la_user, partner_api, settings):
    from placements.as_at import as_at_for_authority
    from sufficiency.demo.loader import demo_region_load

    settings.FORECAST_PATHS = 20
    demo_region_load(authorities=["335"])
    client.force_login(la_user)
    ledger = Ledger(on=as_at_for_authority(authority=walsall).on.isoformat())
    collect_supply(client, partner_api, walsall, ledger)
    _check(ledger)
    usable, turnover, occupancy = (next(iter(_values(ledger, m))) for m in (USABLE, TURNOVER, OCCUPANCY))
    assert usable > 0 and turnover > 0 and occupancy > 0
