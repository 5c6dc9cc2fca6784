"""Importing Ofsted's files as published, and how the states outside the judgement scales and the ended
registrations are stored and treated by everything that reads judgements (gap, matching, market, KPIs)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest
from django.urls import reverse

from forecasting import gap
from forecasting.gap_services import local_settings_frame
from placements.choices import (
    BELOW_GOOD_JUDGEMENTS,
    GOOD_OR_BETTER_JUDGEMENTS,
    OFFERS_PLACES_STATUSES,
    UNGRADED_JUDGEMENTS,
    JudgementChoices,
    RegistrationStatusChoices,
)
from placements.finding import matching
from placements.models import Inspection, Setting
from placements.services import import_job_create
from placements.supply import services
from placements.supply.selectors import inhouse_home_rows, vacancy_summary_for_authority
from sufficiency.dashboards.charts import JUDGEMENT_BAND_OF
from sufficiency.dashboards.rollups import QUALITY_BELOW, QUALITY_GOOD, QUALITY_NOT_INSPECTED, _quality
from sufficiency.reports.kpis.catalogue import ChildrenInSettingsBelowGood, PctGoodOrOutstanding
from tests.factories import SettingFactory

from . import ofsted_layouts as layouts

ALL_JUDGEMENTS = set(JudgementChoices.values)


# --- Import --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_published_files_import_with_states_statuses_and_per_sheet_counts(walsall, sandwell, data_steward):
    outcome = services.ofsted_import(
        files=[("annual.xlsx", layouts.annual_workbook()), ("scp_ch.xlsx", layouts.scp_ch_list())],
        acting_user=data_steward,
    )
    assert outcome.ok, outcome.errors
    assert outcome.counts["rows_read"] == 15 + 8
    assert outcome.counts["rows_skipped"] == 2
    assert outcome.counts["settings_created"] == 15 + 6
    assert outcome.files == [
        {"name": "annual.xlsx", "sheet": "Providers", "kind": "ofsted_xlsx", "rows": 11, "skipped": 2},
        {"name": "annual.xlsx", "sheet": "Closed", "kind": "ofsted_xlsx", "rows": 4, "skipped": 0},
        {"name": "scp_ch.xlsx", "sheet": "Providers", "kind": "ofsted_xlsx", "rows": 3, "skipped": 0},
        {"name": "scp_ch.xlsx", "sheet": "SA Providers", "kind": "ofsted_xlsx", "rows": 5, "skipped": 0},
    ]
    skipped = [w for w in outcome.warnings if w.message.startswith("Row skipped")]
    assert [(w.file, w.row, w.column) for w in skipped] == [
        ("annual.xlsx (sheet Providers)", 16, "URN"),
        ("annual.xlsx (sheet Providers)", 17, "Latest full inspection date"),
    ]

    def state(urn: str) -> tuple[str, str, dt.date | None]:
        s = Setting.objects.get(urn=urn)
        return s.registration_status, s.latest_judgement, s.latest_judgement_date

    assert state("SC800006") == ("active", "ilacs", None)
    assert state("SC800051") == ("active", "ilacs", None)
    assert state("SC800005") == ("active", "adequate", dt.date(2013, 3, 14))
    assert state("SC800007") == ("active", "met", dt.date(2024, 2, 8))
    assert state("SC800008") == ("active", "not_met", dt.date(2024, 3, 9))
    assert state("SC800009") == ("active", "not_yet_inspected", None)
    assert state("SC800020") == ("closed", "good", dt.date(2022, 5, 5))
    assert state("SC800021") == ("deregistered", "inadequate", dt.date(2021, 7, 7))
    assert state("SC800052")[0] == "deregistered"
    assert Inspection.objects.get(setting__urn="SC800008").judgement == "not_met"
    assert not Inspection.objects.filter(setting__urn="SC800006").exists()
    sa = Setting.objects.get(urn="2800060")
    assert (sa.registered_places, sa.local_authority, sa.judgement_scale) == (7, walsall, "three_outcome")


@pytest.mark.django_db
def test_ilacs_state_replaces_the_latest_judgement_and_keeps_history(walsall):
    header = "URN,Provider type,Local authority,Date of last full inspection,Overall effectiveness\n"
    row = "SC1,Local authority fostering agency,Walsall"
    assert services.ofsted_import(
        files=[("a.csv", f"{header}{row},01/06/2012,Good\n".encode())], publish=True
    ).ok
    assert services.ofsted_import(
        files=[("b.csv", f"{header}{row},-,{layouts.ILACS}\n".encode())], publish=True
    ).ok
    setting = Setting.objects.get(urn="SC1")
    assert (setting.latest_judgement, setting.latest_judgement_date) == ("ilacs", None)
    assert list(setting.inspections.values_list("judgement", flat=True)) == ["good"]


@pytest.mark.django_db
def test_interim_outcomes_leave_the_last_full_judgement(walsall):
    outcome = services.ofsted_import(files=[("mi.csv", layouts.monthly_mi_csv())], publish=True)
    assert outcome.ok, outcome.errors
    assert Setting.objects.get(urn="SC800001").latest_judgement == "good"
    assert Setting.objects.get(urn="SC800002").latest_judgement == "not_yet_inspected"
    assert Setting.objects.get(urn="SC800031").registration_status == "closed"


@pytest.mark.django_db
def test_settings_upsert_accepts_the_states_on_either_scale(walsall):
    services.settings_upsert(
        rows=[
            {"urn": "SC2", "provision_type": "residential_special_school", "inspection_date": dt.date(2024, 1, 1),
             "judgement": "met"},
            {"urn": "2900002", "provision_type": "supported_accommodation", "inspection_date": dt.date(2024, 1, 1),
             "judgement": "not_met", "registration_status": "deregistered"},
        ]
    )  # fmt: skip
    assert Setting.objects.get(urn="2900002").registration_status == "deregistered"
    assert Setting.objects.get(urn="SC2").latest_judgement == "met"


# --- Every judgement is treated somewhere -----------------------------------------------------------------


def test_every_judgement_is_good_below_good_or_ungraded_exactly_once():
    groups = [GOOD_OR_BETTER_JUDGEMENTS, BELOW_GOOD_JUDGEMENTS, UNGRADED_JUDGEMENTS]
    assert set().union(*groups) == ALL_JUDGEMENTS
    assert sum(len(g) for g in groups) == len(ALL_JUDGEMENTS)
    # The gap engine (pure pandas, plain strings) agrees with the register's groups.
    assert {str(j) for j in GOOD_OR_BETTER_JUDGEMENTS} == gap.GOOD_OR_BETTER
    assert {str(j) for j in BELOW_GOOD_JUDGEMENTS} == gap.BELOW_GOOD


def test_only_an_active_registration_offers_places():
    assert {str(s) for s in OFFERS_PLACES_STATUSES} == {"active"}
    assert {"closed", "deregistered"} <= set(RegistrationStatusChoices.values)


def test_matching_ranks_scores_and_labels_every_judgement():
    assert set(matching.JUDGEMENT_RANK) == ALL_JUDGEMENTS
    assert set(matching.JUDGEMENT_LABELS) == ALL_JUDGEMENTS
    rank = matching.JUDGEMENT_RANK
    assert rank["adequate"] == rank["requires_improvement"]
    assert rank["not_met"] == rank["inadequate"]
    # Not grades: they fail any minimum except "any", like not yet inspected.
    assert rank["ilacs"] == rank["met"] == rank["not_yet_inspected"] == 0
    assert matching.JUDGEMENT_POINTS.get("ilacs", 0.0) == matching.JUDGEMENT_POINTS.get("met", 0.0) == 0.0


def test_market_page_charts_every_judgement():
    assert {str(j) for j in JUDGEMENT_BAND_OF} == ALL_JUDGEMENTS


def test_gap_current_position_counts_only_graded_settings_as_judged():
    current = pd.DataFrame(
        {
            "category": ["residential_external"] * 6,
            "judgement": ["good", "adequate", "not_met", "ilacs", "met", "not_yet_inspected"],
        }
    )
    out = gap.current_position(current).set_index("category").loc["residential_external"]
    assert (out["children"], out["judged"], out["below_good"]) == (6, 3, 2)


def test_dashboard_quality_bands():
    bands = _quality(pd.Series(["good", "adequate", "not_met", "ilacs", "met", None]))
    assert list(bands[:5]) == [
        QUALITY_GOOD,
        QUALITY_BELOW,
        QUALITY_BELOW,
        QUALITY_NOT_INSPECTED,
        QUALITY_NOT_INSPECTED,
    ]


def test_kpis_leave_ungraded_states_out_and_count_adequate_and_not_met_below_good():
    frame = pd.DataFrame(
        {
            "judgement": ["good", "outstanding", "adequate", "not_met", "ilacs", "met", "not_yet_inspected"],
            "closed": [False, False, False, False, False, False, True],
        }
    )
    ctx = SimpleNamespace(judgement_of_current=frame)
    share = PctGoodOrOutstanding().compute(ctx)
    assert (share.numerator, share.denominator, share.value) == (2.0, 4.0, 50.0)
    assert ChildrenInSettingsBelowGood().compute(ctx).value == 3.0  # adequate, not met, and the closed one


@pytest.mark.django_db
def test_closed_and_deregistered_settings_offer_no_places_to_the_gap(walsall):
    for urn, status in [("SC1", "active"), ("SC2", "closed"), ("SC3", "deregistered"), ("SC4", "suspended")]:
        SettingFactory(urn=urn, registration_status=status, local_authority=walsall, registered_places=4)
    frame = local_settings_frame(
        authority=walsall, on=dt.date(2025, 3, 31), locator=lambda f, a: pd.Series(1.0, index=f.index)
    )
    assert list(frame["urn"]) == ["SC1"]


# --- Web import ------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_web_import_of_a_published_workbook_shows_sheets_and_skipped_rows(
    client, walsall, sandwell, data_manager
):
    job = import_job_create(
        authority=walsall,
        files=[("annual.ods", layouts.annual_workbook("ods"))],
        acting_user=data_manager,
        kind="ofsted",
    )
    job.refresh_from_db()
    assert job.status == "succeeded", job.failure
    assert job.summary["counts"]["rows_skipped"] == 2
    client.force_login(data_manager)
    page = client.get(
        reverse("placements:import-detail", kwargs={"code": "335", "pk": job.pk})
    ).content.decode()
    assert "2 rows could not be read and were skipped" in page
    assert "annual.ods (sheet Providers): ofsted_ods, 11 rows read, 2 skipped" in page
    assert "Row skipped: Enter the setting&#x27;s URN" in page
    report = client.get(reverse("placements:import-errors", kwargs={"code": "335", "pk": job.pk}))
    lines = report.content.decode().splitlines()
    assert lines[1].startswith("annual.ods (sheet Providers),16,URN,,Row skipped")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "usable"), [("active", 3), ("suspended", 0), ("closed", 0), ("deregistered", 0)]
)
def test_an_inhouse_home_offers_places_only_while_registered(walsall, la_user, status, usable):
    setting = SettingFactory(urn="SC42", registered_places=4, registration_status=status)
    services.inhouse_home_create(
        authority=walsall,
        data={"setting": setting, "name": "Oak", "places_out_of_use": 1},
        acting_user=la_user,
    )
    [row] = inhouse_home_rows(authority=walsall, on=dt.date(2025, 3, 31))
    assert (row["registered_places"], row["usable_places"]) == (4, usable)


@pytest.mark.django_db
def test_vacancies_at_closed_or_deregistered_settings_are_not_counted(walsall, la_user):
    for urn, status, places in [("SC1", "active", 1), ("SC2", "closed", 2), ("SC3", "deregistered", 4)]:
        services.vacancy_record(
            authority=walsall,
            setting=SettingFactory(urn=urn, registration_status=status),
            places=places,
            categories=["residential_external"],
            acting_user=la_user,
        )
    summary = vacancy_summary_for_authority(authority=walsall)
    assert summary["fresh_places"] == 1
    assert summary["fresh_by_category"] == {"residential_external": 1}
