"""The unmet-need ledger on hand-built frames (pure), and the figures read from the database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from django.urls import reverse

from placements.finding import ledger, selectors, services
from placements.models import UnitCost

D = pd.Timestamp


def _requests():
    base = {"fostering": "preferred", "residential": "suitable", "supported": "unsuitable", "siblings": 0,
            "siblings_outcome": "", "close_reason": "", "placed_route": "", "placed_to_plan": None,
            "placed_on": pd.NaT, "placed_category": "", "approaches": 0, "offers": 0,
            "agreed_weekly_cost": None}  # fmt: skip
    rows = [
        # 1: planned, fostering preferred, placed in-house fostering after 10 days (to plan)
        {**base, "id": 1, "requested_on": D("2025-04-03"), "urgency": "planned", "status": "placed",
         "placed_on": D("2025-04-13"), "placed_category": "fostering_inhouse", "placed_to_plan": True,
         "approaches": 3, "offers": 1},
        # 2: emergency, fostering preferred, placed in an external children's home after 2 days (not to plan)
        {**base, "id": 2, "requested_on": D("2025-04-20"), "urgency": "emergency", "status": "placed",
         "placed_on": D("2025-04-22"), "placed_category": "residential_external", "placed_route": "spot",
         "placed_to_plan": False, "approaches": 5, "offers": 2, "siblings": 1, "siblings_outcome": "split",
         "agreed_weekly_cost": 6400.0},
        # 3: same-day, residential preferred, placed in May the same day (to plan)
        {**base, "id": 3, "requested_on": D("2025-05-01"), "urgency": "same_day", "status": "placed",
         "fostering": "suitable", "residential": "preferred", "placed_on": D("2025-05-01"),
         "placed_category": "residential_inhouse", "placed_to_plan": True, "approaches": 1, "offers": 1,
         "siblings": 2, "siblings_outcome": "together"},
        # 4: planned, supported preferred, not placed
        {**base, "id": 4, "requested_on": D("2025-05-10"), "urgency": "planned", "status": "not_placed",
         "fostering": "unsuitable", "residential": "suitable", "supported": "preferred", "approaches": 4,
         "close_reason": "no_vacancy"},
        # 5: planned, withdrawn, outside the period (March)
        {**base, "id": 5, "requested_on": D("2025-03-10"), "urgency": "planned", "status": "withdrawn"},
    ]  # fmt: skip
    return pd.DataFrame(rows)


UNIT_COSTS = pd.DataFrame(
    [
        {
            "category": "residential_external",
            "route": "spot",
            "weekly_cost": 6000.0,
            "effective_from": dt.date(2024, 4, 1),
            "effective_to": None,
        },
        {
            "category": "residential_external",
            "route": "framework",
            "weekly_cost": 5000.0,
            "effective_from": dt.date(2024, 4, 1),
            "effective_to": None,
        },
        {
            "category": "fostering_external",
            "route": "framework",
            "weekly_cost": 900.0,
            "effective_from": dt.date(2024, 4, 1),
            "effective_to": None,
        },
        {
            "category": "fostering_external",
            "route": "spot",
            "weekly_cost": 1100.0,
            "effective_from": dt.date(2024, 4, 1),
            "effective_to": None,
        },
    ]
)
START, END = dt.date(2025, 4, 1), dt.date(2025, 5, 31)


def test_totals_for_the_period():
    totals = ledger.ledger_totals(ledger.prepare(_requests(), UNIT_COSTS), START, END)
    assert totals["requests"] == 4  # request 5 was made in March
    assert (totals["planned"], totals["emergency"]) == (2, 2)  # same-day counts as emergency
    assert totals["placed"] == 3
    assert totals["median_days_to_place"] == 2.0  # 10, 2 and 0 days
    assert totals["pct_placed_to_plan"] == pytest.approx(66.7)
    assert totals["foster_preferred_residential_used"] == 1
    # (6400 agreed for the residential placement - 900 framework fostering) x 52.18: the agreed cost, not
    # the residential unit cost (6000)
    assert totals["extra_annual_cost"] == round((6400 - 900) * 52.18)
    assert (totals["sibling_groups_placed"], totals["sibling_groups_split"]) == (2, 1)
    assert totals["approaches_per_request"] == pytest.approx((3 + 5 + 1 + 4) / 4, abs=0.05)
    assert totals["offers_per_request"] == 1.0
    assert (totals["not_placed"], totals["withdrawn"]) == (1, 0)


def test_monthly_rows_by_kind():
    monthly = ledger.monthly_ledger(ledger.prepare(_requests(), UNIT_COSTS), START, END)
    assert len(monthly) == 2 * 4  # two months x (all + three kinds)
    april = monthly.loc[(monthly["month"] == dt.date(2025, 4, 1)) & (monthly["kind"] == "all")].iloc[0]
    assert (april["requests"], april["placed"], april["median_days_to_place"]) == (2, 2, 6.0)
    assert april["pct_placed_to_plan"] == 50.0
    may_res = monthly.loc[
        (monthly["month"] == dt.date(2025, 5, 1)) & (monthly["kind"] == "residential")
    ].iloc[0]
    assert (may_res["requests"], may_res["placed"], may_res["pct_placed_to_plan"]) == (1, 1, 100.0)
    may_sup = monthly.loc[(monthly["month"] == dt.date(2025, 5, 1)) & (monthly["kind"] == "supported")].iloc[
        0
    ]
    assert (may_sup["requests"], may_sup["not_placed"], may_sup["placed"]) == (1, 1, 0)


def test_the_kind_of_a_request_is_its_first_preferred_else_first_suitable():
    frame = pd.DataFrame(
        {
            "fostering": ["preferred", "suitable", "unsuitable", "suitable"],
            "residential": ["preferred", "preferred", "suitable", "unsuitable"],
            "supported": ["unsuitable", "unsuitable", "unsuitable", "suitable"],
        }
    )
    assert ledger.request_kind(frame).tolist() == ["fostering", "residential", "residential", "fostering"]


def test_extra_cost_is_the_agreed_cost_less_fostering_on_the_day_placed_never_negative():
    on = dt.date(2025, 4, 1)
    assert ledger.extra_annual_cost(UNIT_COSTS, 6400.0, on) == round((6400 - 900) * 52.18, 2)
    assert ledger.extra_annual_cost(UNIT_COSTS, 500.0, on) == 0
    assert pd.isna(ledger.extra_annual_cost(UNIT_COSTS, None, on))  # no agreed cost, no figure
    assert pd.isna(ledger.extra_annual_cost(UNIT_COSTS.iloc[:2], 6400.0, on))  # no fostering unit cost
    # No framework or spot fostering cost in force: the mean over the routes in force.
    block = pd.DataFrame([{**UNIT_COSTS.iloc[2].to_dict(), "route": "block", "weekly_cost": 800.0}])
    assert ledger.extra_annual_cost(block, 1800.0, on) == round(1000 * 52.18, 2)
    # The fostering cost in force on the day placed (not a later one).
    later = pd.DataFrame(
        [
            {**UNIT_COSTS.iloc[2].to_dict(), "effective_to": dt.date(2026, 3, 31)},
            {**UNIT_COSTS.iloc[2].to_dict(), "weekly_cost": 1500.0, "effective_from": dt.date(2026, 4, 1)},
        ]
    )
    assert ledger.extra_annual_cost(later, 2000.0, on) == round(1100 * 52.18, 2)
    assert ledger.total_extra_annual_cost([float("nan")]) is None
    assert ledger.total_extra_annual_cost([100.4, float("nan"), 200.4]) == 301


def test_decline_reasons_count_by_reason_and_who():
    declines = pd.DataFrame(
        {
            "request_id": [1, 1, 2, 2],
            "declined_at": [D("2025-04-05"), D("2025-04-06"), D("2025-04-21"), D("2025-02-01")],
            "declined_by": ["provider", "provider", "authority", "provider"],
            "decline_reason": ["NO_VACANCY", "NO_VACANCY", "COST", "MATCHING"],
        }
    )
    out = ledger.decline_reasons(declines, START, END)
    assert out.values.tolist() == [["NO_VACANCY", "provider", 2], ["COST", "authority", 1]]


@pytest.mark.django_db
def test_the_kpis_and_the_kpi_frame_come_from_the_register(
    walsall, sandwell, make_request, placement_finder, home, household
):
    UnitCost.objects.create(
        authority=walsall,
        category="residential_external",
        route="framework",
        weekly_cost=5000,
        effective_from=dt.date(2024, 1, 1),
    )
    UnitCost.objects.create(
        authority=walsall,
        category="fostering_external",
        route="framework",
        weekly_cost=900,
        effective_from=dt.date(2024, 1, 1),
    )
    placed = make_request()
    (approach,) = services.placement_request_approach(
        placement_request=placed, settings=[home], acting_user=placement_finder
    )
    services.approach_offer_record(approach=approach, weekly_cost=5200, acting_user=placement_finder)
    services.placement_request_place(
        placement_request=placed,
        approach=approach,
        placed_on=dt.date(2025, 6, 5),
        acting_user=placement_finder,
    )
    services.placement_request_mark_not_placed(
        placement_request=make_request(urgency="same_day"), reason="no_vacancy", acting_user=placement_finder
    )
    kpis = selectors.placement_finding_kpis(
        authority=walsall, start=dt.date(2025, 4, 1), end=dt.date(2026, 3, 31)
    )
    assert kpis["placement_requests"] == 2 and kpis["emergency_requests"] == 1
    assert kpis["median_days_to_place"] == 3.0
    assert kpis["pct_placed_to_plan"] == 0.0
    assert kpis["foster_preferred_residential_used"] == 1
    # The agreed weekly cost (5,200), not the residential unit cost (5,000), less external fostering.
    assert kpis["foster_preferred_residential_extra_cost"] == round((5200 - 900) * 52.18)
    assert kpis["providers_approached_per_request"] == 0.5
    assert kpis["requests_not_placed"] == 1
    frame = selectors.placement_request_frame_for_authorities(authority_ids=[walsall.pk, sandwell.pk])
    from sufficiency.reports.kpis.sources import PLACEMENT_REQUEST_COLUMNS

    assert tuple(frame.columns) == PLACEMENT_REQUEST_COLUMNS
    row = frame.loc[frame["placed_on"].notna()].iloc[0]
    assert (row["weekly_cost"], bool(row["placed_to_plan"]), row["providers_approached"]) == (
        5200.0,
        False,
        1,
    )
    # The KPI catalogue reads the same figures from that frame: one definition, one value.
    from sufficiency.reports.kpis import KpiSession, registry

    ctx = KpiSession(walsall).context(dt.date(2026, 3, 31))
    catalogue = {kpi.key: kpi.evaluate(ctx).value for kpi in registry if kpi.source == "placement_requests"}
    for key in (
        "placement_requests",
        "median_days_to_place",
        "pct_placed_to_plan",
        "foster_preferred_residential_used",
        "foster_preferred_residential_extra_cost",
        "sibling_groups_split",
        "providers_approached_per_request",
    ):
        assert catalogue[key] == kpis[key], key


@pytest.mark.django_db
def test_the_kpi_catalogue_reads_our_requests(walsall, make_request, placement_finder, household):
    from sufficiency.reports.kpis import KpiSession, registry

    on = dt.date(2026, 3, 31)
    placed = make_request(requested_on=dt.date(2025, 6, 2))
    services.placement_request_place(
        placement_request=placed,
        household=household,
        placed_on=dt.date(2025, 6, 6),
        acting_user=placement_finder,
    )
    make_request(requested_on=dt.date(2025, 7, 1), urgency="same_day")
    ctx = KpiSession(walsall).context(on)
    values = {kpi.key: kpi.evaluate(ctx).value for kpi in registry if kpi.source == "placement_requests"}
    assert values["placement_requests"] == 2
    assert values["median_days_to_place"] == 4.0
    assert values["pct_placed_to_plan"] == 100.0


def test_a_decline_late_on_the_last_day_of_the_period_is_counted():
    declines = pd.DataFrame(
        {
            "request_id": [1, 2, 3],
            "declined_at": [D("2025-05-31 16:45"), D("2025-06-01 00:00"), D("2025-03-31 23:59")],
            "declined_by": ["provider", "provider", "provider"],
            "decline_reason": ["NO_VACANCY", "NO_VACANCY", "NO_VACANCY"],
        }
    )
    out = ledger.decline_reasons(declines, START, END)
    assert out.values.tolist() == [["NO_VACANCY", "provider", 1]]


def test_unit_costs_read_once_answer_as_the_frame_does():
    costs = ledger.UnitCosts(UNIT_COSTS)
    on = dt.date(2025, 4, 1)
    assert costs.on("residential_external", ("spot",), on) == 6000.0
    assert costs.on("residential_external", ("block",), on) == 5500.0  # no block cost: the mean of routes
    assert costs.on("residential_external", ("spot",), dt.date(2024, 3, 31)) is None  # not yet in force
    assert costs.on("supported", ("framework",), on) is None
    later = pd.DataFrame(
        [
            *UNIT_COSTS.to_dict("records"),
            {"category": "residential_external", "route": "spot", "weekly_cost": 6500.0,
             "effective_from": dt.date(2025, 4, 1), "effective_to": None},
            {"category": "residential_external", "route": "framework", "weekly_cost": 4000.0,
             "effective_from": dt.date(2023, 4, 1), "effective_to": dt.date(2024, 3, 31)},
        ]
    )  # fmt: skip
    assert ledger.unit_cost_on(later, "residential_external", ("spot",), on) == 6500.0  # the latest
    assert ledger.unit_cost_on(later, "residential_external", ("framework",), dt.date(2024, 3, 31)) == 4000.0
    assert ledger.unit_cost_on(later, "residential_external", ("framework",), dt.date(2024, 4, 1)) == 5000.0


@pytest.mark.django_db
def test_a_periods_ledger_reads_only_what_it_counts_and_counts_the_same(
    walsall, make_request, placement_finder, home, household
):
    """Requests made before the period but placed in it count as placed; older ones are not read; a
    decline late on the period's last day counts. The figures equal those from the whole history."""
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    start, end = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
    old = make_request(requested_on=dt.date(2023, 5, 2))  # two years before: not read
    services.placement_request_place(
        placement_request=old,
        household=household,
        placed_on=dt.date(2023, 5, 9),
        acting_user=placement_finder,
    )
    before = make_request(requested_on=dt.date(2025, 3, 20))  # made before, placed in the period
    services.placement_request_place(
        placement_request=before,
        household=household,
        placed_on=dt.date(2025, 4, 2),
        acting_user=placement_finder,
    )
    late = make_request(requested_on=dt.date(2026, 3, 30))
    (approach,) = services.placement_request_approach(
        placement_request=late, settings=[home], acting_user=placement_finder
    )
    services.approach_decline(
        approach=approach,
        declined_by="provider",
        reason="NO_VACANCY",
        acting_user=placement_finder,
        at=dt.datetime(2026, 3, 31, 22, 30, tzinfo=london),
    )
    bounded = selectors.ledger_frames_for_authority(authority=walsall, start=start, end=end)
    assert sorted(bounded["requests"]["id"]) == sorted([before.pk, late.pk])
    everything = selectors.ledger_frames_for_authority(authority=walsall)
    assert len(everything["requests"]) == 3
    result = selectors.unmet_need_ledger_for_authority(authority=walsall, start=start, end=end)
    assert (result["totals"]["requests"], result["totals"]["placed"]) == (1, 1)
    assert result["declines"].values.tolist() == [["NO_VACANCY", "provider", 1]]
    whole = ledger.prepare(everything["requests"], everything["unit_costs"])
    assert result["totals"] == ledger.ledger_totals(whole, start, end)
    pd.testing.assert_frame_equal(result["monthly"], ledger.monthly_ledger(whole, start, end))


@pytest.mark.django_db
def test_on_a_mid_month_date_the_ledger_page_the_kpis_and_the_board_count_the_same_requests(
    client, walsall, make_request, placement_finder, household
):
    """13 February 2026 chosen in the banner: each counts the 12 months `period_for` gives (1 March 2025 to
    13 February 2026), not a year back to the day nor to the end of February."""
    from placements import counting
    from sufficiency.reports.kpis import KpiSession, registry

    on = dt.date(2026, 2, 13)
    for requested in (
        dt.date(2025, 2, 20),  # before the period (a year back to the day would count it)
        dt.date(2025, 3, 1),  # the period's first day
        dt.date(2026, 2, 13),  # the date itself
        dt.date(2026, 2, 20),  # after the date (the whole month of February would count it)
    ):
        make_request(requested_on=requested)
    client.force_login(placement_finder)
    response = client.get(
        reverse("placements:finding-ledger", kwargs={"code": "335"}), {"as_at": on.isoformat()}
    )
    summary = {row["key"]: row["value"] for row in response.context["ledger_summary"]}
    ctx = KpiSession(walsall).context(on)
    board = selectors.placement_finding_kpis(
        authority=walsall, start=counting.window_start(on).date(), end=on
    )
    assert summary["Requests"].split(" ")[0] == "2"
    assert registry["placement_requests"].evaluate(ctx).value == 2
    assert board["placement_requests"] == 2
