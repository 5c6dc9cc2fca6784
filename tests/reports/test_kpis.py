"""Every KPI against the hand-built register in conftest.py (values counted by hand)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import timezone

from sufficiency.reports.kpis import KpiSession, previous_date, registry
from sufficiency.reports.kpis.sources import register_kpi_source, unregister_kpi_source
from sufficiency.reports.selectors import format_kpi_value, kpi_rows_for_authority
from tests.reports.conftest import PREVIOUS, D

pytestmark = pytest.mark.django_db

#: Walsall on 31 March 2025: 7 children in care (W1-W4, W6-W8).
EXPECTED = {
    "children_in_care": 7,
    "cla_rate_per_10000": 1.2,  # 7 / 60,000 x 10,000 = 1.17
    "started_care_12m": 5,  # W1, W2, W3, W4, W8
    "ceased_care_12m": 1,  # W5
    "pct_uasc": 14.3,  # W2
    "pct_aged_16_17": 14.3,  # W2 (17)
    "pct_aged_under_5": 14.3,  # W4 (2)
    "pct_section_20": 14.3,  # W2 (V2)
    "pct_foster_care": 57.1,  # W1, W3, W4, W6
    "pct_fostering_inhouse": 66.7,  # W1, W6 of W1, W3, W6 (kinship W4 left out)
    "pct_kinship_care": 14.3,
    "children_in_residential": 2,  # W2, W7
    "residential_external": 1,
    "residential_inhouse": 1,
    "under_13_in_residential": 1,  # W7 (11); W2 is 17
    "supported_accommodation": 0,
    "placed_with_parents": 0,
    "unregistered_placements": 1,  # W8 (Z12)
    "pct_placed_over_20_miles": 40.0,  # W2 30, W4 25 of 5 known (W3, W8 unknown)
    "pct_placed_outside_la": 25.0,  # W2 of W1, W2, W6, W7
    "mean_distance_miles": 14.4,  # (5 + 30 + 25 + 10 + 2) / 5
    "mean_distance_residential_miles": 16.0,  # (30 + 2) / 2
    "pct_good_or_outstanding": 50.0,  # W2 Good, W7 RI; W1's setting not judged by D
    "children_in_settings_below_good": 1,  # W7
    "stability_3_plus_placements": 14.3,  # W3
    "stability_long_term": 50.0,  # W6 of W6, W7
    "high_cost_placements": 1,  # W2 at £12,000
    "mean_weekly_cost_residential_external": 12000.0,
    "unit_cost_fostering_inhouse": 550.0,
    "fostering_households_approved": 2,  # H1, H2 (H3 left, H4 is an agency's)
    "fostering_places_approved": 3,
    "fostering_households_net_change": 1,  # the funnel: 2 approved (April 2024, February 2025), 1 left
    "fostering_approvals_12m": 2,  # the funnel's approvals, as on the recruitment page
    "inhouse_foster_occupancy": 100.0,  # W1, W6 in 2 usable places (3 approved, 1 on a carer's break)
    "fostering_usable_vacancies": 0,
    "fostering_expected_turnover": 0,  # no in-house foster placement ended in the 12 months (W3's were agency)
    "fostering_enquiries_12m": 50,  # April 2024 and February 2025 (March 2024 is outside)
    "fostering_enquiry_to_approval_pct": 4.0,  # 2 of 50
    "fostering_deregistrations_12m": 1,
    "residential_inhouse_occupancy_pct": 50.0,  # W7 in Rowan House's 2 places
    "homes_over_occupied": 0,
    "care_leavers_suitable_accommodation": 33.3,  # L1 of L1-L3 (L4 is 17)
    "care_leavers_eet": 33.3,  # L1
}
PLACEMENT_FINDING = {
    "placement_requests",
    "pct_requests_emergency",
    "median_days_to_place",
    "pct_placed_to_plan",
    "foster_preferred_residential_used",
    "foster_preferred_residential_extra_cost",
    "sibling_groups_split",
    "providers_approached_per_request",
}
ISSUE_KEYS = {
    "children_in_care",
    "cla_rate_per_10000",
    "pct_placed_over_20_miles",
    "pct_fostering_inhouse",
    "stability_3_plus_placements",
    "stability_long_term",
    "pct_good_or_outstanding",
    "placement_requests",
    "median_days_to_place",
    "pct_placed_to_plan",
    "foster_preferred_residential_used",
    "fostering_households_net_change",
    "care_leavers_suitable_accommodation",
}


def _values(authority, on=D):
    ctx = KpiSession(authority).context(on)
    return {kpi.key: kpi.evaluate(ctx).value for kpi in registry}


def test_catalogue_has_the_issue_keys_and_at_least_25_with_register_data():
    assert set(registry.keys()) >= ISSUE_KEYS
    assert len([k for k in registry if k.source == "register"]) >= 25
    for kpi in registry:
        assert kpi.definition and kpi.name and kpi.unit


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_kpi_value_on_the_hand_built_register(register, key):
    assert _values(register["walsall"])[key] == pytest.approx(EXPECTED[key])


def test_every_register_kpi_is_covered_by_the_fixture():
    register_keys = {k.key for k in registry if k.source == "register"}
    assert register_keys == set(EXPECTED)


def test_percentages_come_with_numerator_and_denominator(register):
    ctx = KpiSession(register["walsall"]).context(D)
    value = registry["pct_placed_over_20_miles"].evaluate(ctx)
    assert (value.numerator, value.denominator) == (2, 5)


def test_placement_finding_kpis_are_no_data_until_requests_exist(register):
    values = _values(register["walsall"])
    assert all(values[key] is None for key in PLACEMENT_FINDING)


def test_previous_date_is_a_quarter_earlier_by_default_and_keeps_month_ends():
    assert previous_date(D) == PREVIOUS
    assert previous_date(dt.date(2025, 6, 30)) == dt.date(2025, 3, 31)
    assert previous_date(dt.date(2025, 5, 15)) == dt.date(2025, 2, 15)
    assert previous_date(D, "year") == dt.date(2024, 3, 31)
    assert previous_date(dt.date(2024, 2, 29), "year") == dt.date(2023, 2, 28)
    with pytest.raises(ValueError):
        previous_date(D, "month")


def test_previous_value_and_change(register):
    rows = {r.key: r for r in kpi_rows_for_authority(authority=register["walsall"], on=D)}
    row = rows["children_in_care"]
    assert row.previous_on == PREVIOUS
    assert row.previous.value == 6  # W8 not yet in care, W5 already left
    assert row.change == 1
    # The setting W7 lives in was judged RI in September 2024, so also below good a quarter earlier.
    assert rows["children_in_settings_below_good"].previous.value == 1


def test_previous_value_a_year_earlier(register):
    rows = {r.key: r for r in kpi_rows_for_authority(authority=register["walsall"], on=D, period="year")}
    assert rows["children_in_care"].previous_on == dt.date(2024, 3, 31)
    assert rows["children_in_care"].previous.value == 3  # W5, W6, W7
    assert rows["unit_cost_fostering_inhouse"].previous.value == 500.0


def test_regional_comparator_pools_numerators_and_denominators(register):
    region = KpiSession(register["walsall"]).regional_context(D)
    # Sandwell's child has the same reference as Walsall's W1: pooled, they are still two children.
    assert registry["children_in_care"].evaluate(region).value == 8
    # (2 + 1) over 20 miles of (5 + 1) known: 50.0, not the mean of 40.0 and 100.0.
    assert registry["pct_placed_over_20_miles"].evaluate(region).value == 50.0
    assert registry["cla_rate_per_10000"].evaluate(region).value == round(8 / 140_000 * 10_000, 1)
    rows = {r.key: r for r in kpi_rows_for_authority(authority=register["walsall"], on=D)}
    assert rows["strategy_actions_on_track"].regional is None


def test_a_regional_comparator_that_gives_another_authoritys_small_count_back_is_withheld(register):
    rows = {r.key: r for r in kpi_rows_for_authority(authority=register["walsall"], on=D)}
    # The region's 8 less Walsall's 7 is Sandwell's 1 child: withheld, and so are the ratios built on it.
    assert rows["children_in_care"].value.value == 7
    assert rows["children_in_care"].regional.value is None
    assert rows["pct_placed_over_20_miles"].regional.value is None
    assert rows["cla_rate_per_10000"].regional.value is None


def _import_dfe_fixtures():
    from pathlib import Path

    from placements.national.services import national_statistics_import

    folder = Path(__file__).resolve().parents[1] / "fixtures" / "dfe"
    names = ("la_cla_at_31_march.csv", "la_cla_rates_bom_crlf.csv", "la_cla_stability_financial_year.csv")
    national_statistics_import(files=[(n, (folder / n).read_bytes()) for n in names])


def test_no_england_figure_is_held_in_the_code(register):
    rows = {r.key: r for r in kpi_rows_for_authority(authority=register["walsall"], on=D)}
    assert rows["children_in_care"].england is None and rows["children_in_care"].national is None
    assert all(k.england is None for k in registry)


def test_england_comparators_come_from_the_published_tables_with_source_and_year(register):
    _import_dfe_fixtures()
    rows = {r.key: r for r in kpi_rows_for_authority(authority=register["walsall"], on=D)}
    assert rows["children_in_care"].england.value == 81_770
    assert rows["cla_rate_per_10000"].england.value == 67
    assert rows["children_in_care"].england.year == "31 March 2025"
    assert "la_cla_at_31_march.csv" in rows["children_in_care"].england.source
    # The register holds 7 Walsall children on the date; the DfE published 440 for Walsall: flagged.
    assert rows["children_in_care"].own_count == 7
    assert rows["children_in_care"].published_count_differs is True
    # Walsall's published foster figure is suppressed: nothing to compare with.
    assert rows["pct_foster_care"].published_count_differs is None


def test_kpi_json_gives_comparators_for_kpis_with_a_national_equivalent(register):
    _import_dfe_fixtures()
    out = StringIO()
    call_command("kpi", "--authority", "335", "--date", "2025-03-31", "--json", stdout=out)
    rows = {r["key"]: r for r in json.loads(out.getvalue())}
    rate = rows["cla_rate_per_10000"]["comparators"]
    assert rate["year"] == 2025 and rate["england"] == 67.0 and rate["region"] == 75.0
    assert rate["statistical_neighbours"] == {
        "mean": 72.0,
        "min": 64.0,
        "max": 80.0,
        "n": 2,
        "not_published": 8,
    }
    foster = rows["pct_foster_care"]["comparators"]
    assert (foster["england"], foster["region"], foster["statistical_neighbours"]["mean"]) == (
        67.0,
        66.0,
        67.0,
    )
    assert rows["pct_placed_over_20_miles"]["comparators"]["england"] == 16.0
    assert rows["stability_3_plus_placements"]["comparators"]["england"] == 10.0
    assert "comparators" not in rows["placement_requests"]


def test_unknown_keys_are_refused(register):
    with pytest.raises(KeyError):
        kpi_rows_for_authority(authority=register["walsall"], on=D, keys=["no_such_kpi"])


def _requests(authority_id):
    nat = pd.NaT
    return pd.DataFrame(
        [
            (
                authority_id,
                "2024-05-01",
                False,
                True,
                "2024-05-11",
                "residential_external",
                5000.0,
                False,
                True,
                True,
                5,
                True,
                round((5000 - 800) * 52.18, 2),
            ),
            (
                authority_id,
                "2024-07-01",
                True,
                False,
                "2024-07-01",
                "fostering_external",
                900.0,
                True,
                False,
                pd.NA,
                3,
                False,
                float("nan"),
            ),
            (
                authority_id,
                "2025-03-01",
                False,
                True,
                nat,
                None,
                float("nan"),
                pd.NA,
                False,
                pd.NA,
                10,
                False,
                float("nan"),
            ),
            (
                authority_id,
                "2023-01-01",
                False,
                True,
                "2023-02-01",
                "residential_external",
                6000.0,
                True,
                False,
                pd.NA,
                2,
                True,
                round((6000 - 800) * 52.18, 2),
            ),
        ],
        columns=[
            "authority_id",
            "requested_on",
            "emergency",
            "fostering_preferred",
            "placed_on",
            "placed_category",
            "weekly_cost",
            "placed_to_plan",
            "sibling_group",
            "siblings_split",
            "providers_approached",
            "foster_preferred_residential",
            "extra_annual_cost",
        ],
    ).assign(
        requested_on=lambda f: pd.to_datetime(f["requested_on"]),
        placed_on=lambda f: pd.to_datetime(f["placed_on"]),
    )


def test_placement_finding_kpis_compute_from_the_request_frame(register, monkeypatch):
    import placements.selectors

    walsall = register["walsall"]
    calls = []

    def frame(*, authority_ids):
        calls.append(authority_ids)
        return _requests(walsall.pk)

    monkeypatch.setattr(placements.selectors, "placement_request_frame_for_authorities", frame, raising=False)
    values = _values(walsall)
    assert values["placement_requests"] == 3  # the 2023 request is outside the 12 months
    assert values["pct_requests_emergency"] == 33.3
    assert values["median_days_to_place"] == 5.0  # 10 and 0 days
    assert values["pct_placed_to_plan"] == 50.0
    assert values["foster_preferred_residential_used"] == 1
    # The provider's extra_annual_cost of the one such request in the 12 months (the 2023 one is not).
    assert values["foster_preferred_residential_extra_cost"] == round((5000 - 800) * 52.18)
    assert values["sibling_groups_split"] == 1
    assert values["providers_approached_per_request"] == 6.0
    assert len(calls) == 1  # loaded once for every KPI of the context


def test_a_registered_source_overrides_a_kpis_computation(register):
    @register_kpi_source("placement_requests")
    def _source(ctx):
        return 42

    try:
        assert _values(register["walsall"])["placement_requests"] == 42
    finally:
        unregister_kpi_source("placement_requests")
    assert _values(register["walsall"])["placement_requests"] is None


def test_strategy_action_kpis_read_status_as_at_the_date(register, la_user):
    from sufficiency.reports import services
    from sufficiency.reports.models import Action

    walsall = register["walsall"]
    today = timezone.localdate()
    strategy = services.strategy_create(
        authority=walsall,
        acting_user=la_user,
        title="Placement Sufficiency Strategy",
        start_year=today.year - 2,
        end_year=today.year + 1,
    )
    done = services.action_create(
        strategy=strategy, acting_user=la_user, activity="Publish", status="complete"
    )
    late = services.action_create(
        strategy=strategy,
        acting_user=la_user,
        activity="Block contract",
        status="on_track",
        due_date=today - dt.timedelta(days=10),
    )
    # Backdate the creation history so that a year ago both actions already stood as created.
    a_year_ago = today - dt.timedelta(days=365)
    Action.history.filter(id__in=[done.pk, late.pk]).update(
        history_date=timezone.make_aware(dt.datetime.combine(a_year_ago, dt.time(9)))
    )
    services.action_update(action=late, acting_user=la_user, status="at_risk")
    now = _values(walsall, today)
    assert now["strategy_actions_on_track"] == 50.0  # complete; at risk
    assert now["strategy_actions_overdue"] == 1
    before = _values(walsall, a_year_ago)
    assert before["strategy_actions_on_track"] == 100.0  # then: complete; on track
    assert before["strategy_actions_overdue"] == 0


def test_kpi_command_prints_every_kpi_as_json(register):
    out = StringIO()
    call_command("kpi", "--authority", "335", "--date", "2025-03-31", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert [item["key"] for item in payload] == registry.keys()
    assert all(set(item) == {"key", "value", "unit", "definition"} for item in payload)
    by_key = {item["key"]: item for item in payload}
    assert by_key["children_in_care"]["value"] == 7
    assert by_key["pct_placed_over_20_miles"] == {
        "key": "pct_placed_over_20_miles",
        "value": 40.0,
        "unit": "percent",
        "definition": registry["pct_placed_over_20_miles"].definition,
    }
    assert by_key["median_days_to_place"]["value"] is None


def test_kpi_command_full_json_and_text(register):
    _import_dfe_fixtures()
    out = StringIO()
    call_command(
        "kpi",
        "--authority",
        "335",
        "--date",
        "2025-03-31",
        "--json",
        "--full",
        "--key",
        "children_in_care",
        stdout=out,
    )
    (row,) = json.loads(out.getvalue())
    assert row["previous_value"] == 6 and row["regional_value"] is None and row["england_value"] == 81770
    text = StringIO()
    call_command("kpi", "--authority", "335", "--date", "2025-03-31", stdout=text)
    assert "Children in care [children_in_care]: 7" in text.getvalue()


def test_kpi_command_rejects_bad_input(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("kpi", "--authority", "999", "--date", "2025-03-31")
    with pytest.raises(CommandError):
        call_command("kpi", "--authority", "335", "--date", "31/03/2025")


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (None, "percent", "No data"),
        (12.5, "percent", "12.5%"),
        (1234.0, "count", "1,234"),
        (4250.0, "gbp_per_week", "£4,250"),
        (550.5, "gbp_per_week", "£550.50"),
        (14.4, "miles", "14.4"),
        (90.0, "per_10000", "90.0"),
        (-17.0, "count", "-17"),
    ],
)
def test_format_kpi_value(value, unit, text):
    assert format_kpi_value(value, unit) == text


def test_an_empty_register_gives_no_data_not_zero_percentages(walsall):
    values = _values(walsall)
    assert values["children_in_care"] == 0
    assert values["pct_placed_over_20_miles"] is None
    assert values["cla_rate_per_10000"] is None  # no population estimate held
    assert values["stability_long_term"] is None


@pytest.mark.django_db
def test_england_figures_on_the_dashboards_are_the_kpi_comparators(walsall):
    """One England figure: the overview's column and the KPI's England comparator both read the DfE's
    published table as imported (nothing held in the code), for the same year."""
    from pathlib import Path

    from placements.national.selectors import national_comparators
    from placements.national.services import national_statistics_import
    from sufficiency.dashboards.views.overview import england_figures

    on = dt.date(2024, 3, 31)
    assert england_figures(on)["total"] is None  # nothing imported: no England figure, not a constant
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "dfe" / "la_cla_at_31_march.csv"
    national_statistics_import(files=[(fixture.name, fixture.read_bytes())])
    shown = england_figures(on)
    comparator = national_comparators(authority=walsall, kpi_key="children_in_care", on=on)
    assert comparator is not None and comparator.year == 2024
    assert shown["total"] == comparator.england == 83_630
    assert shown["year"] == "31 March 2024"


def test_carer_counts_fall_back_to_household_dates_without_a_recruitment_funnel(register):
    """With no funnel month recorded for the 12 months, approvals and net change come from the households'
    approval and deregistration dates (H2 joined, H3 left)."""
    from placements.models import FosteringRecruitmentMonth

    FosteringRecruitmentMonth.objects.all().delete()
    values = _values(register["walsall"])
    assert values["fostering_approvals_12m"] == 1
    assert values["fostering_households_net_change"] == 0
    assert values["fostering_enquiries_12m"] is None
