"""Supply services: the Ofsted import, settings upsert, household CSV import, capacity records and
vacancies. Every write is atomic and audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from placements.models import FosteringHousehold, Inspection, Provider, Setting, Vacancy
from placements.services import import_job_create
from placements.supply import selectors, services
from sufficiency.authorities.models import AuditEvent
from tests.factories import ChildFactory, EpisodeFactory, SettingFactory

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parents[2] / "fixtures" / "ofsted" / "providers_monthly.csv"
HEADER = "URN,Provision type,Setting name,Local authority,Places,Inspection date,Overall effectiveness\n"


def _import(text: str, **kwargs):
    """The command line's import: published directly."""
    kwargs.setdefault("publish", True)
    return services.ofsted_import(files=[("ofsted.csv", text.encode())], **kwargs)


def test_ofsted_import_creates_settings_providers_and_inspections(walsall, data_steward):
    outcome = services.ofsted_import(files=[(FIXTURE.name, FIXTURE.read_bytes())], acting_user=data_steward)
    assert outcome.ok, outcome.errors
    assert outcome.counts["settings_created"] == 6
    home = Setting.objects.get(urn="SC900001")
    assert home.local_authority == walsall
    assert home.provider.name == "Synthetic Care Homes Ltd"
    assert home.latest_judgement == "good"
    assert home.latest_judgement_date == dt.date(2024, 3, 12)
    assert Setting.objects.get(urn="SC900003").local_authority.name.startswith("Bristol")
    assert Setting.objects.get(urn="SC900005").local_authority.name == "Durham"
    secure = Setting.objects.get(urn="SC900003")
    assert secure.latest_judgement == "not_yet_inspected"
    sa = Setting.objects.get(urn="2900004")
    assert (sa.judgement_scale, sa.latest_judgement) == ("three_outcome", "sa_inconsistent")
    assert sa.inspections.get().judgement_scale == "three_outcome"
    assert Provider.objects.count() == 6
    event = AuditEvent.objects.get(action="ofsted.imported")
    assert event.actor == data_steward
    assert event.detail["counts"]["settings_created"] == 6


def test_reimport_updates_in_place_keeps_history_and_redacted_names(walsall):
    SettingFactory(urn="SC1", name="Oak House", postcode="WS1 1AA", provision_type="childrens_home")
    assert _import(HEADER + "SC1,Children's home,REDACTED,Walsall,4,01/06/2021,Inadequate\n").ok
    assert _import(HEADER + "SC1,Children's home,REDACTED,Walsall,3,01/06/2024,Good\n").ok
    setting = Setting.objects.get(urn="SC1")
    assert Setting.objects.filter(urn="SC1").count() == 1
    assert setting.name == "Oak House"  # REDACTED never overwrites
    assert setting.postcode == "WS1 1AA"
    assert setting.registered_places == 3
    assert (setting.latest_judgement, setting.latest_judgement_date) == ("good", dt.date(2024, 6, 1))
    assert list(setting.inspections.values_list("judgement", flat=True)) == ["good", "inadequate"]
    # An older file does not take the latest judgement backwards.
    assert _import(HEADER + "SC1,Children's home,REDACTED,Walsall,3,01/06/2021,Inadequate\n").ok
    setting.refresh_from_db()
    assert setting.latest_judgement == "good"
    assert Inspection.objects.filter(setting=setting).count() == 2


def test_an_unreadable_row_is_skipped_and_the_rest_imported(walsall):
    assert _import(HEADER + "SC1,Children's home,Oak,Walsall,4,01/06/2021,Good\n").ok
    outcome = _import(
        HEADER
        + "SC1,Children's home,Oak,Walsall,9,01/06/2024,Inadequate\nSC2,Children's home,Elm,Walsall,lots,,\n"
    )
    assert outcome.ok
    assert [(e.row, e.column, e.value) for e in outcome.warnings if e.message.startswith("Row skipped")] == [
        (3, "Places", "lots")
    ]
    assert outcome.counts["rows_read"] == 1
    assert outcome.counts["rows_skipped"] == 1
    assert outcome.files == [
        {"name": "ofsted.csv", "sheet": "", "kind": "ofsted_csv", "rows": 1, "skipped": 1}
    ]
    assert list(Setting.objects.values_list("urn", "registered_places", "latest_judgement")) == [
        ("SC1", 9, "inadequate")
    ]
    assert Inspection.objects.count() == 2


def test_a_file_with_no_readable_row_changes_nothing(walsall):
    assert _import(HEADER + "SC1,Children's home,Oak,Walsall,4,01/06/2021,Good\n").ok
    before = list(Setting.objects.values_list("urn", "registered_places", "latest_judgement"))
    outcome = _import(HEADER + "SC1,Children's home,Oak,Walsall,9,31/02/2024,Inadequate\n")
    assert not outcome.ok
    assert "No row of this file could be read" in outcome.errors[0].message
    assert [(e.row, e.column, e.value) for e in outcome.errors[1:]] == [(2, "Inspection date", "31/02/2024")]
    assert list(Setting.objects.values_list("urn", "registered_places", "latest_judgement")) == before
    assert AuditEvent.objects.filter(action="ofsted.imported").count() == 1


def test_unknown_local_authority_is_a_warning_and_the_setting_has_no_area(walsall):
    outcome = _import(HEADER + "SC1,Children's home,Oak,Gotham,4,,\n")
    assert outcome.ok
    warning = next(w for w in outcome.warnings if w.column == "Local authority")
    assert warning.value == "Gotham"
    assert Setting.objects.get(urn="SC1").local_authority is None


def test_import_links_episodes_by_urn_for_every_authority(walsall, sandwell):
    mine = EpisodeFactory(child=ChildFactory(authority=walsall), urn="SC1")
    theirs = EpisodeFactory(child=ChildFactory(authority=sandwell), urn="SC1")
    other = EpisodeFactory(child=ChildFactory(authority=walsall), urn="SC9")
    outcome = _import(HEADER + "SC1,Children's home,Oak,Walsall,4,,\n")
    assert outcome.counts["episodes_linked"] == 2
    setting = Setting.objects.get(urn="SC1")
    for episode in (mine, theirs, other):
        episode.refresh_from_db()
    assert mine.setting == theirs.setting == setting
    assert other.setting is None


def test_settings_upsert_for_the_demo_loader(walsall):
    counts = services.settings_upsert(
        rows=[
            {
                "urn": "SC7",
                "provision_type": "childrens_home",
                "local_authority": "335",
                "registered_places": 4,
                "owner": "Demo Homes",
                "inspections": [
                    {"inspection_date": dt.date(2022, 1, 1), "judgement": "requires_improvement"},
                    {"inspection_date": dt.date(2024, 1, 1), "judgement": "good"},
                ],
            },
            {
                "urn": "2000001",
                "provision_type": "supported_accommodation",
                "judgement": "sa_strong",
                "inspection_date": dt.date(2025, 1, 1),
            },
        ]
    )
    assert counts["settings_created"] == 2
    home = Setting.objects.get(urn="SC7")
    assert (home.latest_judgement, home.local_authority, home.provider.name) == (
        "good",
        walsall,
        "Demo Homes",
    )
    assert home.inspections.count() == 2
    assert Setting.objects.get(urn="2000001").judgement_scale == "three_outcome"
    with pytest.raises(ValueError, match="scale"):
        services.settings_upsert(
            rows=[
                {
                    "urn": "SC8",
                    "provision_type": "supported_accommodation",
                    "judgement": "good",
                    "inspection_date": dt.date(2025, 1, 1),
                }
            ]
        )
    assert not Setting.objects.filter(urn="SC8").exists()


@pytest.mark.django_db(transaction=True)
def test_ofsted_file_uploaded_as_an_import_job_runs_the_ofsted_importer(walsall, data_manager):
    """A data manager's upload is read in the background and staged as a proposal for review."""
    job = import_job_create(
        authority=walsall,
        files=[("providers.csv", FIXTURE.read_bytes())],
        acting_user=data_manager,
        kind="ofsted",
    )
    job.refresh_from_db()
    assert job.status == "succeeded", job.failure
    assert job.summary["counts"]["settings_new"] == 6
    assert job.summary["counts"]["proposal_id"]
    assert Setting.objects.count() == 0
    assert not job.files.exists()


@pytest.mark.django_db(transaction=True)
def test_invalid_ofsted_job_fails_with_an_error_report(walsall, data_manager):
    job = import_job_create(
        authority=walsall,
        files=[("providers.csv", (HEADER + "SC1,Children's home,Oak,Walsall,lots,,\n").encode())],
        acting_user=data_manager,
        kind="ofsted",
    )
    job.refresh_from_db()
    assert job.status == "failed"
    assert "providers.csv,2,Places,lots" in job.error_report
    assert not Setting.objects.exists()


# --- Households ------------------------------------------------------------------------------------------------

HOUSEHOLDS = (
    "reference,route,agency_urn,approval_date,approved_places,age_min,age_max,status,deregistration_date,"
    "postcode_district\n"
)


def test_households_import_adds_and_updates_with_history(walsall, la_user):
    SettingFactory(urn="SC500", provision_type="independent_fostering_agency")
    csv = (
        HOUSEHOLDS
        + "H1,in-house,,01/04/2020,2,0,10,available,,WS1\nH2,agency,SC500,2021-05-01,1,,,on hold,,\n"
    )
    outcome = services.households_import(
        authority=walsall, name="h.csv", content=csv.encode(), acting_user=la_user
    )
    assert outcome.ok, outcome.errors
    assert outcome.counts == {"households_created": 2, "households_updated": 0, "rows": 2}
    h2 = FosteringHousehold.objects.get(reference="H2")
    assert (h2.route, h2.agency.urn, h2.status, h2.age_max) == ("agency", "SC500", "on_hold", 17)
    csv = HOUSEHOLDS + "H1,in-house,,01/04/2020,3,0,10,available,,WS1\n"
    outcome = services.households_import(
        authority=walsall, name="h.csv", content=csv.encode(), acting_user=la_user
    )
    assert outcome.counts["households_updated"] == 1
    h1 = FosteringHousehold.objects.get(reference="H1")
    assert h1.approved_places == 3
    assert [r.approved_places for r in h1.history.order_by("history_date")] == [2, 3]
    assert h1.history.latest().history_user == la_user
    assert AuditEvent.objects.filter(action="households.imported", authority=walsall).count() == 2


def test_households_import_is_all_or_nothing(walsall):
    csv = (
        HOUSEHOLDS
        + "H1,in-house,,01/04/2020,2,0,10,available,,WS1\n"
        + "H2,sometimes,,01/04/2020,2,0,10,available,,\n"
        + "H3,in-house,,01/04/2020,2,12,10,available,,WS1 1AA\n"
        + "H4,in-house,,,2,0,10,deregistered,,\n"
    )
    outcome = services.households_import(authority=walsall, name="h.csv", content=csv.encode())
    assert not outcome.ok
    assert {(e.row, e.column) for e in outcome.errors} == {
        (3, "route"),
        (4, "age_min"),
        (4, "postcode_district"),
        (5, "approval_date"),
        (5, "deregistration_date"),
    }
    assert not FosteringHousehold.objects.exists()


def test_households_import_only_touches_its_own_authority(walsall, sandwell):
    FosteringHousehold.objects.create(
        authority=sandwell,
        reference="H1",
        route="in_house",
        approval_date=dt.date(2020, 1, 1),
        approved_places=1,
    )
    csv = HOUSEHOLDS + "H1,in-house,,01/04/2020,3,0,10,available,,\n"
    assert services.households_import(authority=walsall, name="h.csv", content=csv.encode()).ok
    assert FosteringHousehold.objects.get(authority=sandwell).approved_places == 1
    assert FosteringHousehold.objects.get(authority=walsall).approved_places == 3


# --- Capacity records and vacancies -------------------------------------------------------------------------------


def _household(authority, **kwargs):
    data = {
        "reference": "H9",
        "route": "in_house",
        "approval_date": dt.date(2020, 1, 1),
        "approved_places": 2,
    }
    return services.household_create(authority=authority, data={**data, **kwargs}, acting_user=None)


def test_household_update_is_audited_with_field_names_only(walsall, la_user):
    household = _household(walsall)
    services.household_update(household=household, data={"status": "on_hold"}, acting_user=la_user)
    event = AuditEvent.objects.get(action="fosteringhousehold.updated")
    assert event.detail == {"fields": ["status"]}
    assert event.actor == la_user
    assert household.history.count() == 2


def test_inhouse_home_occupancy_counts_every_authoritys_children(walsall, sandwell, la_user):
    setting = SettingFactory(urn="SC42", registered_places=4)
    home = services.inhouse_home_create(
        authority=walsall,
        data={"setting": setting, "name": "Oak", "places_out_of_use": 1},
        acting_user=la_user,
    )
    today = timezone.localdate()
    EpisodeFactory(
        child=ChildFactory(authority=walsall), setting=setting, decom=today - dt.timedelta(days=30)
    )
    EpisodeFactory(
        child=ChildFactory(authority=sandwell), setting=setting, decom=today - dt.timedelta(days=30)
    )
    EpisodeFactory(
        child=ChildFactory(authority=walsall),
        setting=setting,
        decom=dt.date(2020, 1, 1),
        dec=dt.date(2021, 1, 1),
        rec="E13",
    )
    [row] = selectors.inhouse_home_rows(authority=walsall, on=today)
    assert row["home"] == home
    assert (
        row["registered_places"],
        row["usable_places"],
        row["own_children"],
        row["other_children"],
        row["free"],
    ) == (
        4,
        3,
        1,
        1,
        1,
    )
    assert AuditEvent.objects.filter(action="inhousehome.created", actor=la_user).exists()


def test_block_contract_beds_count_only_while_in_force(walsall, la_user):
    services.block_contract_create(
        authority=walsall,
        data={
            "reference": "BC1",
            "provider_name": "Acme",
            "category": "residential_external",
            "beds": 3,
            "start_date": dt.date(2025, 1, 1),
            "end_date": dt.date(2026, 12, 31),
            "weekly_cost_per_bed": 4500,
        },
        acting_user=la_user,
    )
    assert selectors.block_beds_for_authority(authority=walsall, on=dt.date(2025, 6, 1)) == {
        "residential_external": 3
    }
    assert selectors.block_beds_for_authority(authority=walsall, on=dt.date(2027, 1, 1)) == {}


@override_settings(VACANCY_STALE_DAYS=14)
def test_stale_vacancies_are_flagged_and_not_counted_until_confirmed(walsall, la_user):
    setting = SettingFactory()
    old = services.vacancy_record(
        authority=walsall,
        setting=setting,
        places=2,
        categories=["residential_external"],
        acting_user=la_user,
        recorded_at=timezone.now() - dt.timedelta(days=15),
    )
    fresh = services.vacancy_record(
        authority=walsall,
        household=_household(walsall),
        places=1,
        categories=["fostering_inhouse"],
        acting_user=la_user,
    )
    assert old.is_stale and not fresh.is_stale
    assert list(Vacancy.objects.fresh()) == [fresh]
    assert list(Vacancy.objects.stale()) == [old]
    summary = selectors.vacancy_summary_for_authority(authority=walsall)
    assert summary == {
        "fresh_places": 1,
        "fresh_by_category": {"fostering_inhouse": 1},
        "stale_vacancies": 1,
        "stale_places": 2,
    }
    services.vacancy_confirm(vacancy=old, acting_user=la_user)
    assert not old.is_stale
    assert selectors.vacancy_summary_for_authority(authority=walsall)["fresh_places"] == 3
    assert AuditEvent.objects.filter(action="vacancy.confirmed", object_id=str(old.pk)).exists()


@override_settings(VACANCY_STALE_DAYS=3)
def test_staleness_follows_the_setting(walsall):
    vacancy = services.vacancy_record(
        authority=walsall,
        setting=SettingFactory(),
        acting_user=None,
        recorded_at=timezone.now() - dt.timedelta(days=4),
    )
    assert vacancy.is_stale


def test_vacancy_is_at_a_setting_or_a_household_not_both(walsall, sandwell):
    setting = SettingFactory()
    with pytest.raises(ValidationError):
        services.vacancy_record(authority=walsall, acting_user=None)
    with pytest.raises(ValidationError):
        services.vacancy_record(
            authority=walsall, setting=setting, household=_household(walsall), acting_user=None
        )
    with pytest.raises(ValidationError, match="not one of this authority"):
        services.vacancy_record(authority=walsall, household=_household(sandwell), acting_user=None)
    with pytest.raises(ValidationError):
        services.vacancy_record(authority=walsall, setting=setting, categories=["nonsense"], acting_user=None)
    assert not Vacancy.objects.exists()


def test_closed_vacancies_leave_the_counts(walsall, la_user):
    vacancy = services.vacancy_record(
        authority=walsall, setting=SettingFactory(), places=2, acting_user=la_user
    )
    services.vacancy_close(vacancy=vacancy, status="filled", acting_user=la_user)
    assert vacancy.status == "filled" and vacancy.closed_at
    assert selectors.vacancy_summary_for_authority(authority=walsall)["fresh_places"] == 0
    with pytest.raises(ValidationError):
        services.vacancy_close(vacancy=vacancy, status="withdrawn", acting_user=la_user)
    assert vacancy.history.count() == 2
    assert AuditEvent.objects.filter(action="vacancy.filled").exists()


def test_capacity_summary_for_the_gap_engine(walsall):
    _household(walsall, reference="A", approved_places=2)
    _household(walsall, reference="B", approved_places=1, status="on_hold")
    summary = selectors.capacity_summary_for_authority(authority=walsall, on=timezone.localdate())
    assert summary["fostering"]["inhouse_available_places"] == 2
    assert summary["fostering"]["inhouse_on_hold_places"] == 1
    assert summary["residential"]["homes"] == 0
