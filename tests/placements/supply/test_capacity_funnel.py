"""Usable fostering places, the recruitment funnel and residential occupancy, from hand-built records."""

from __future__ import annotations

import datetime as dt

import pytest

from placements.models import (
    BlockContract,
    FosteringHousehold,
    FosteringRecruitmentMonth,
    HouseholdPlacesUnavailable,
    InHouseHome,
)
from placements.supply import capacity, funnel, occupancy
from placements.supply.funnel_reader import FunnelFileError, read_funnel_csv
from placements.supply.funnel_services import fostering_funnel_import, fostering_recruitment_month_save
from sufficiency.authorities.models import AuditEvent
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

D = dt.date


# --- capacity (pure) ---------------------------------------------------------------------------------------
def test_usable_places_are_approved_less_unavailable_and_vacancies_less_filled():
    h = capacity.household_capacity(
        reference="H1", route="in_house", approved=3, filled=1, unavailable={"carers_break": 1}
    )
    assert (h.usable_places, h.usable_vacancies) == (2, 1)
    staying_put = capacity.household_capacity(
        reference="H2", route="in_house", approved=2, filled=1, unavailable={"staying_put": 1}
    )
    assert (staying_put.usable_places, staying_put.usable_vacancies) == (1, 0)
    on_hold = capacity.household_capacity(
        reference="H3", route="in_house", approved=2, filled=0, on_hold=True
    )
    assert on_hold.usable_places == 0 and on_hold.unavailable == {"on_hold": 2}
    over = capacity.household_capacity(
        reference="H4", route="in_house", approved=1, filled=0, unavailable={"x": 5}
    )
    assert over.unavailable_places == 1 and over.usable_places == 0


def test_totals_occupancy_counts_filled_against_usable_not_approved():
    rows = [
        capacity.household_capacity(
            reference="A", route="in_house", approved=4, filled=2, unavailable={"investigation": 2}
        ),
        capacity.household_capacity(
            reference="B", route="in_house", approved=2, filled=1, household_type="short_break"
        ),
    ]
    totals = capacity.capacity_totals(rows)
    assert totals["approved_places"] == 6
    assert totals["usable_places"] == 4
    assert totals["filled_places"] == 3
    assert totals["usable_vacancies"] == 1
    assert totals["occupancy_pct"] == 75.0  # 3 of 4 usable, not 3 of 6 approved (50%)
    assert totals["unavailable_by_reason"] == {"investigation": 2}
    register = capacity.capacity_totals(rows, filled_override=4)
    assert (register["filled_places"], register["usable_vacancies"], register["occupancy_pct"]) == (
        4,
        0,
        100.0,
    )
    by_type = {r["household_type"]: r for r in capacity.occupancy_by(rows, "household_type")}
    assert by_type["short_break"]["occupancy_pct"] == 50.0
    assert by_type["mainstream"]["occupancy_pct"] == 100.0


def test_age_range_labels():
    assert capacity.age_range_label(0, 4) == "0 to 4"
    assert capacity.age_range_label(11, 17) == "11 to 17"
    assert capacity.age_range_label(0, 17) == "any age"
    assert capacity.age_range_label(5, 10) == "5 to 10"


# --- capacity (database) ------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_capacity_for_authority_reads_unavailable_periods_and_register(walsall):
    on = D(2025, 3, 31)
    a = FosteringHousehold.objects.create(
        authority=walsall, reference="A", route="in_house", approval_date=D(2020, 1, 1), approved_places=3
    )
    FosteringHousehold.objects.create(
        authority=walsall,
        reference="B",
        route="in_house",
        approval_date=D(2020, 1, 1),
        approved_places=2,
        deregistration_date=D(2025, 1, 1),
        status="deregistered",
    )
    FosteringHousehold.objects.create(
        authority=walsall, reference="C", route="agency", approval_date=D(2021, 1, 1), approved_places=2
    )
    HouseholdPlacesUnavailable.objects.create(
        authority=walsall, household=a, places=1, reason="carers_break", start_date=D(2025, 3, 1)
    )
    HouseholdPlacesUnavailable.objects.create(  # ended before the date: places usable again
        authority=walsall,
        household=a,
        places=1,
        reason="investigation",
        start_date=D(2024, 1, 1),
        end_date=D(2024, 6, 1),
    )
    EpisodeFactory(
        child=ChildFactory(authority=walsall), decom=D(2024, 4, 1), place="U4", place_provider="PR1"
    )
    EpisodeFactory(
        child=ChildFactory(authority=walsall), decom=D(2024, 4, 1), place="U4", place_provider="PR4"
    )
    EpisodeFactory(
        child=ChildFactory(authority=walsall),
        decom=D(2024, 4, 1),
        dec=D(2025, 1, 1),
        rec="E13",
        place="U4",
        place_provider="PR1",
    )
    result = capacity.fostering_capacity_for_authority(authority=walsall, on=on)
    inhouse = result["in_house"]
    assert inhouse["households"] == 1
    assert inhouse["approved_places"] == 3
    assert inhouse["unavailable_by_reason"] == {"carers_break": 1}
    assert inhouse["usable_places"] == 2
    assert inhouse["filled_places"] == 1
    assert inhouse["usable_vacancies"] == 1
    assert inhouse["occupancy_pct"] == 50.0
    assert result["agency"]["usable_places"] == 2 and result["agency"]["filled_places"] == 1


# --- funnel (pure) -------------------------------------------------------------------------------------------
def _m(month, route="in_house", **kw):
    return funnel.FunnelMonth(month=month, route=route, **kw)


def test_funnel_conversions_net_change_and_days():
    months = [
        _m(
            D(2024, 4, 1),
            enquiries=40,
            initial_visits=10,
            applications=5,
            assessments_started=4,
            approvals=2,
            approved_places=3,
            deregistrations=1,
            deregistered_places=2,
            deregistration_reasons={"retirement": 1},
            days_enquiry_to_approval=200,
        ),
        _m(
            D(2024, 5, 1),
            enquiries=60,
            initial_visits=15,
            applications=5,
            assessments_started=4,
            approvals=1,
            approved_places=2,
            deregistrations=3,
            deregistered_places=3,
            deregistration_reasons={"retirement": 1, "to_agency": 2},
            days_enquiry_to_approval=290,
        ),
    ]
    s = funnel.funnel_summary(months)
    assert s["enquiries"] == 100 and s["approvals"] == 3
    assert [c["pct"] for c in s["conversions"]] == [25.0, 40.0, 80.0, 37.5]
    assert s["enquiry_to_approval_pct"] == 3.0
    assert (s["net_households"], s["net_places"]) == (-1, 0)
    assert s["deregistration_reasons"] == {"retirement": 2, "to_agency": 2}
    assert s["days_enquiry_to_approval"] == 230  # (200*2 + 290*1) / 3
    assert funnel.funnel_summary([])["enquiry_to_approval_pct"] is None
    table = funnel.monthly_table(months + [_m(D(2024, 4, 1), route="agency", enquiries=5, approvals=1)])
    assert [r["enquiries"] for r in table] == [45, 60] and table[0]["net_households"] == 2


def test_twelve_month_window_and_rag():
    assert funnel.twelve_months_to(D(2025, 3, 31)) == (D(2024, 4, 1), D(2025, 3, 1))
    assert funnel.twelve_months_to(D(2025, 12, 5)) == (D(2025, 1, 1), D(2025, 12, 1))
    assert funnel.rag(21, 20) == "green"
    assert funnel.rag(15, 20, tolerance=5) == "amber"
    assert funnel.rag(-3, 20, tolerance=5) == "red"
    assert funnel.rag(None, 20) == "grey"


# --- funnel CSV reader (pure) ---------------------------------------------------------------------------------
HEADER = "Month,Route,Enquiries,Initial visits,Applications,Assessments started,Approvals,Deregistrations,dereg_retirement\n"


def test_reader_reads_good_rows_and_reports_bad_rows_by_line():
    text = (
        "\ufeff"
        + HEADER
        + "2024-04,in-house,47,12,5,4,1,1,1\n"
        + "05/2024,agency,30,8,4,3,2,0,\n"
        + "2024-13,in-house,1,1,1,1,1,0,0\n"
        + "2024-06,council,1,1,1,1,1,0,0\n"
        + "2024-07,in-house,-1,1,1,1,1,0,0\n"
        + "2024-08,in-house,1,1,1,1,1,0,2\n"
        + "2024-04,in_house,1,1,1,1,1,0,0\n"
    )
    result = read_funnel_csv(text.encode(), reason_codes={"retirement"})
    assert [(m.month, m.route, m.enquiries) for m in result.months] == [
        (D(2024, 4, 1), "in_house", 47),
        (D(2024, 5, 1), "agency", 30),
    ]
    assert result.months[0].deregistration_reasons == {"retirement": 1}
    lines = [line for line, _ in result.errors]
    assert lines == [4, 5, 6, 7, 8]
    assert "not a month" in result.errors[0][1]
    assert "in-house or agency" in result.errors[1][1]
    assert "whole number" in result.errors[2][1]
    assert "add up to more" in result.errors[3][1]
    assert "repeated" in result.errors[4][1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"", "empty"),
        (b"Month,Route,Enquiries\n2024-04,in-house,3\n", "no column for"),
        (HEADER.replace("dereg_retirement", "dereg_boredom").encode(), "Unknown deregistration"),
    ],
)
def test_reader_refuses_unreadable_files_whole(data, message):
    with pytest.raises(FunnelFileError, match=message):
        read_funnel_csv(data, reason_codes={"retirement"})


@pytest.mark.django_db
def test_import_saves_good_rows_replaces_months_and_audits(walsall, data_manager):
    fostering_recruitment_month_save(
        authority=walsall, month=_m(D(2024, 4, 1), enquiries=1), acting_user=data_manager
    )
    result = fostering_funnel_import(
        authority=walsall,
        data=(HEADER + "2024-04,in-house,47,12,5,4,1,1,1\n2024-05,in-house,x,1,1,1,1,0,0\n").encode(),
        acting_user=data_manager,
    )
    assert len(result.errors) == 1
    record = FosteringRecruitmentMonth.objects.get(authority=walsall)
    assert (record.enquiries, record.deregistration_reasons) == (47, {"retirement": 1})
    event = AuditEvent.objects.get(action="fostering_recruitment_months.imported")
    assert event.detail == {"saved": 1, "rows_with_errors": 1}
    months = funnel.funnel_months_for_authority(authority=walsall)
    assert months[0].enquiries == 47


# --- residential occupancy -------------------------------------------------------------------------------------
def test_vacancy_days_and_over_occupancy():
    start, end = D(2025, 1, 1), D(2025, 1, 10)
    # 2 places over 10 days = 20 place-days; one child all period (10), one child for days 6-10 (5).
    stays = [(D(2024, 12, 1), None), (D(2025, 1, 6), None)]
    assert occupancy.vacancy_days(places=2, stays=stays, start=start, end=end) == 5
    # A stay ending on 3 January covers 1 and 2 January only.
    assert (
        occupancy.vacancy_days(places=1, stays=[(D(2024, 12, 1), D(2025, 1, 3))], start=start, end=end) == 8
    )
    home = occupancy.home_occupancy(name="Oak", kind="in_house", urn="SC1", places=2, children=4)
    assert home.over_occupied and home.occupancy_pct == 200.0
    totals = occupancy.occupancy_totals(
        [home, occupancy.home_occupancy(name="Elm", kind="in_house", urn="SC2", places=4, children=2)]
    )
    assert totals == {
        "homes": 2,
        "places": 6,
        "children": 6,
        "occupancy_pct": 100.0,
        "over_occupied": 1,
        "vacancy_days": 0,
    }


@pytest.mark.django_db
def test_residential_occupancy_for_authority(walsall, sandwell):
    on = D(2025, 3, 31)
    oak = SettingFactory(
        urn="SC101", provision_type="childrens_home", registered_places=2, registration_status="active"
    )
    elm = SettingFactory(
        urn="SC102", provision_type="childrens_home", registered_places=4, registration_status="active"
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
        )
    EpisodeFactory(
        child=ChildFactory(authority=walsall),
        decom=D(2025, 3, 1),
        place="K2",
        place_provider="PR4",
        setting=elm,
    )
    EpisodeFactory(
        child=ChildFactory(authority=sandwell),
        decom=D(2024, 1, 1),
        place="K2",
        place_provider="PR4",
        setting=elm,
    )
    result = occupancy.residential_occupancy_for_authority(authority=walsall, on=on)
    by_name = {h.name: h for h in result["homes"]}
    oak_row = by_name["Oak House"]
    assert (oak_row.places, oak_row.children, oak_row.over_occupied) == (2, 3, True)
    assert oak_row.vacancy_days == 0
    block = by_name["Elm Care (B1)"]
    assert (block.places, block.children, block.over_occupied) == (2, 1, False)  # only Walsall's child counts
    assert block.vacancy_days == 365 * 2 - 31  # one bed filled from 1 March
    assert result["in_house"]["over_occupied"] == 1
