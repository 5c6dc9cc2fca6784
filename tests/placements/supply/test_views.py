"""Who can see and change what on the supply pages. Another authority's record is always a 404.

The policy: capacity is not child-level, so board members and regional analysts read the
overview, Ofsted settings, in-house homes and block contracts; households (carers) and vacancies are
operational and need a child-level role; commissioners edit capacity; placement finders and
commissioners record vacancies; data managers upload Ofsted files.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from placements.models import FosteringHousehold, ImportJob, Vacancy
from placements.supply import services
from sufficiency.authorities.models import AuditEvent, Membership
from sufficiency.core.locking import version_of
from tests.factories import SettingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement_finder(walsall):
    user = UserFactory(email="finder@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="placement_finder")
    return user


@pytest.fixture
def records(walsall):
    setting = SettingFactory(urn="SC335001", local_authority=walsall, registered_places=4)
    household = services.household_create(
        authority=walsall,
        data={
            "reference": "H1",
            "route": "in_house",
            "approval_date": dt.date(2020, 1, 1),
            "approved_places": 2,
        },
        acting_user=None,
    )
    home = services.inhouse_home_create(
        authority=walsall, data={"setting": setting, "name": "Oak"}, acting_user=None
    )
    contract = services.block_contract_create(
        authority=walsall,
        data={
            "reference": "BC1",
            "provider_name": "Acme",
            "category": "residential_external",
            "beds": 2,
            "start_date": dt.date(2025, 1, 1),
            "end_date": dt.date(2027, 1, 1),
            "weekly_cost_per_bed": 5000,
        },
        acting_user=None,
    )
    vacancy = services.vacancy_record(authority=walsall, setting=setting, acting_user=None)
    return {
        "setting": setting,
        "household": household,
        "home": home,
        "contract": contract,
        "vacancy": vacancy,
    }


def _url(name, records, key=None):
    kwargs = {"code": "335"}
    if key:
        kwargs["pk"] = records[key].pk
    return reverse(f"placements:{name}", kwargs=kwargs)


# name -> (object key, who may open it)
READ_ALL = "read_all"  # every member, board and regional included
OPERATIONAL = "operational"  # commissioner, placement finder, data manager, administrator
EDIT = "edit"  # commissioner, administrator
VACANCY_EDIT = "vacancy_edit"  # commissioner, placement finder, administrator
HOUSEHOLD_IMPORT = "household_import"  # commissioner, data manager, administrator
OFSTED_IMPORT = "ofsted_import"  # data manager, administrator
PAGES = {
    "supply-overview": (None, READ_ALL),
    "setting-list": (None, READ_ALL),
    "setting-detail": ("setting", READ_ALL),
    "home-list": (None, READ_ALL),
    "residential-occupancy": (None, READ_ALL),
    "home-detail": ("home", READ_ALL),
    "contract-list": (None, READ_ALL),
    "contract-detail": ("contract", READ_ALL),
    "household-list": (None, OPERATIONAL),
    "household-detail": ("household", OPERATIONAL),
    "fostering-capacity": (None, OPERATIONAL),
    "unavailable-create": ("household", EDIT),
    "vacancy-list": (None, OPERATIONAL),
    "household-create": (None, EDIT),
    "household-update": ("household", EDIT),
    "home-create": (None, EDIT),
    "home-update": ("home", EDIT),
    "contract-create": (None, EDIT),
    "contract-update": ("contract", EDIT),
    "household-import": (None, HOUSEHOLD_IMPORT),
    "vacancy-create": (None, VACANCY_EDIT),
    "vacancy-close": ("vacancy", VACANCY_EDIT),
    "ofsted-import": (None, OFSTED_IMPORT),
}
ALLOWED = {
    READ_ALL: {"commissioner", "placement_finder", "data_manager", "board_member", "regional_analyst"},
    OPERATIONAL: {"commissioner", "placement_finder", "data_manager"},
    EDIT: {"commissioner"},
    VACANCY_EDIT: {"commissioner", "placement_finder"},
    HOUSEHOLD_IMPORT: {"commissioner", "data_manager"},
    OFSTED_IMPORT: {"data_manager"},
}


@pytest.fixture
def users(la_user, placement_finder, data_manager, board_member, regional_user):
    return {
        "commissioner": la_user,
        "placement_finder": placement_finder,
        "data_manager": data_manager,
        "board_member": board_member,
        "regional_analyst": regional_user,
    }


@pytest.mark.parametrize("name", PAGES)
def test_each_role_opens_only_its_pages(client, records, users, name):
    key, rule = PAGES[name]
    url = _url(name, records, key)
    for role, user in users.items():
        client.force_login(user)
        expected = 200 if role in ALLOWED[rule] else 404
        assert client.get(url).status_code == expected, (role, url)


@pytest.mark.parametrize("name", PAGES)
def test_another_authoritys_user_gets_404(client, records, other_la_user, name):
    key, _ = PAGES[name]
    client.force_login(other_la_user)
    assert client.get(_url(name, records, key)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_sign_in(client, records, name):
    key, _ = PAGES[name]
    response = client.get(_url(name, records, key))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", ["household-detail", "household-update", "home-detail", "contract-detail"])
def test_another_authoritys_record_under_our_code_is_404(client, sandwell, la_user, name):
    setting = SettingFactory()
    other = {
        "household": services.household_create(
            authority=sandwell,
            data={
                "reference": "S1",
                "route": "in_house",
                "approval_date": dt.date(2020, 1, 1),
                "approved_places": 1,
            },
            acting_user=None,
        ),
        "home": services.inhouse_home_create(
            authority=sandwell, data={"setting": setting, "name": "S"}, acting_user=None
        ),
        "contract": services.block_contract_create(
            authority=sandwell,
            data={
                "reference": "S",
                "provider_name": "P",
                "category": "residential_external",
                "beds": 1,
                "start_date": dt.date(2025, 1, 1),
                "end_date": dt.date(2026, 1, 1),
                "weekly_cost_per_bed": 1,
            },
            acting_user=None,
        ),
    }
    client.force_login(la_user)
    key = name.split("-")[0]
    assert client.get(_url(name, other, key)).status_code == 404


def test_commissioner_adds_a_household_and_sees_its_history(client, walsall, la_user):
    client.force_login(la_user)
    response = client.post(
        _url("household-create", {}),
        {
            "reference": "H77",
            "route": "in_house",
            "approval_date_day": "1",
            "approval_date_month": "4",
            "approval_date_year": "2024",
            "approved_places": "2",
            "age_min": "0",
            "age_max": "12",
            "status": "available",
            "postcode_district": "ws2",
        },
    )
    household = FosteringHousehold.objects.get(reference="H77")
    assert response.status_code == 302
    assert household.postcode_district == "WS2"
    assert household.history.get().history_user == la_user
    page = client.get(response.url).content.decode()
    assert "History of changes" in page and la_user.email in page


def test_household_form_redisplays_with_a_govuk_error_summary(client, walsall, la_user):
    client.force_login(la_user)
    response = client.post(
        _url("household-create", {}),
        {
            "reference": "H78",
            "route": "in_house",
            "approval_date_day": "31",
            "approval_date_month": "2",
            "approval_date_year": "2024",
            "approved_places": "2",
            "age_min": "10",
            "age_max": "5",
            "status": "deregistered",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in content
    assert "must be a real date" in content
    assert "The oldest age must not be less than the youngest age" in content
    assert not FosteringHousehold.objects.filter(reference="H78").exists()


def test_editing_a_household_records_what_changed(client, records, la_user):
    client.force_login(la_user)
    household = records["household"]
    response = client.post(
        _url("household-update", records, "household"),
        {
            "reference": "H1",
            "route": "in_house",
            "approval_date_day": "1",
            "approval_date_month": "1",
            "approval_date_year": "2020",
            "approved_places": "3",
            "age_min": "0",
            "age_max": "17",
            "status": "on_hold",
            "postcode_district": "",
            "version": version_of(household),
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.approved_places, household.status) == (3, "on_hold")
    event = AuditEvent.objects.get(action="fosteringhousehold.updated")
    assert event.detail == {"fields": ["approved_places", "status"]}
    page = client.get(response.url).content.decode()
    assert "approved places" in page


def test_household_csv_upload_lists_errors_and_imports_nothing(client, walsall, la_user):
    client.force_login(la_user)
    bad = b"reference,route,approval_date,approved_places\nH1,sometimes,01/01/2020,2\n"
    response = client.post(_url("household-import", {}), {"file": SimpleUploadedFile("h.csv", bad)})
    content = response.content.decode()
    assert "Nothing was imported" in content and "Route must be in-house or agency" in content
    good = b"reference,route,approval_date,approved_places\nH1,in-house,01/01/2020,2\n"
    response = client.post(_url("household-import", {}), {"file": SimpleUploadedFile("h.csv", good)})
    assert response.status_code == 302
    assert FosteringHousehold.objects.filter(authority=walsall, reference="H1").exists()


def test_placement_finder_records_confirms_and_closes_a_vacancy(client, records, placement_finder):
    client.force_login(placement_finder)
    response = client.post(
        _url("vacancy-create", records),
        {
            "household": records["household"].pk,
            "places": "1",
            "age_min": "0",
            "age_max": "10",
            "categories": ["fostering_inhouse"],
            "notes": "Ground-floor bedroom",
        },
    )
    assert response.status_code == 302
    vacancy = Vacancy.objects.get(household=records["household"])
    assert vacancy.recorded_by == placement_finder
    Vacancy.objects.filter(pk=vacancy.pk).update(recorded_at=timezone.now() - dt.timedelta(days=30))
    page = client.get(_url("vacancy-list", records)).content.decode()
    assert "Stale" in page
    response = client.post(reverse("placements:vacancy-confirm", kwargs={"code": "335", "pk": vacancy.pk}))
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert not vacancy.is_stale
    response = client.post(
        reverse("placements:vacancy-close", kwargs={"code": "335", "pk": vacancy.pk}),
        {"status": "withdrawn", "version": version_of(vacancy)},
    )
    assert response.status_code == 302
    vacancy.refresh_from_db()
    assert vacancy.status == "withdrawn"


def test_vacancy_needs_a_setting_or_a_household(client, records, placement_finder):
    client.force_login(placement_finder)
    response = client.post(
        _url("vacancy-create", records),
        {"places": "1", "age_min": "0", "age_max": "10", "categories": ["fostering_inhouse"]},
    )
    assert "Enter a setting&#x27;s URN or choose a household" in response.content.decode()


def test_vacancy_confirm_is_post_only_and_scoped(
    client, records, data_manager, other_la_user, placement_finder
):
    url = reverse("placements:vacancy-confirm", kwargs={"code": "335", "pk": records["vacancy"].pk})
    client.force_login(data_manager)
    assert client.post(url).status_code == 404
    client.force_login(other_la_user)
    assert client.post(url).status_code == 404
    client.force_login(placement_finder)
    assert client.get(url).status_code == 405


def test_data_manager_uploads_an_ofsted_file_as_a_job(client, walsall, data_manager, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client.force_login(data_manager)
    import io
    from unittest import mock

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["URN", "Provision type"])
    content = io.BytesIO()
    book.save(content)
    with mock.patch("placements.services.import_job_enqueue"):
        response = client.post(
            _url("ofsted-import", {}),
            {"files": [SimpleUploadedFile("providers.xlsx", content.getvalue())]},
        )
    job = ImportJob.objects.get()
    assert job.kind == "ofsted"
    assert response.url == reverse("placements:import-detail", kwargs={"code": "335", "pk": job.pk})


def test_ofsted_upload_refuses_other_file_types(client, walsall, data_manager):
    client.force_login(data_manager)
    response = client.post(
        _url("ofsted-import", {}), {"files": [SimpleUploadedFile("providers.pdf", b"%PDF")]}
    )
    assert "must be a CSV, XLSX or ODS file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_setting_list_defaults_to_our_area(client, records, sandwell, board_member):
    SettingFactory(urn="SC333001", local_authority=sandwell)
    client.force_login(board_member)
    page = client.get(_url("setting-list", records)).content.decode()
    assert "SC335001" in page and "SC333001" not in page
    page = client.get(_url("setting-list", records), {"area": "all"}).content.decode()
    assert "SC333001" in page


def test_overview_shows_capacity_without_links_to_operational_pages_for_board(client, records, board_member):
    client.force_login(board_member)
    page = client.get(_url("supply-overview", records)).content.decode()
    assert "In-house places available" in page
    assert _url("household-list", records) not in page
    assert _url("vacancy-list", records) not in page


def test_overview_query_count_is_capped(client, records, la_user, django_assert_max_num_queries):
    client.force_login(la_user)
    # Fixed reads per page, never per row: 20, plus usable fostering places (households, places not
    # available, matched placements and the register's children with foster carers).
    with django_assert_max_num_queries(25):
        assert client.get(_url("supply-overview", records)).status_code == 200


def test_the_settings_page_and_the_api_filter_settings_the_same_way(client, la_user, walsall):
    """The settings page's search is the API's `?search=` (SettingFilterSet): URN exactly or name contains."""
    from rest_framework.test import APIClient

    from placements.models import Setting

    Setting.objects.create(urn="SC111111", name="Maple House", local_authority=walsall)
    Setting.objects.create(urn="SC222222", name="Oak Lodge", local_authority=walsall)
    client.force_login(la_user)
    page = client.get("/authorities/335/supply/settings/", {"search": "maple"}).content.decode()
    assert "SC111111" in page and "SC222222" not in page
    api = APIClient()
    api.force_login(la_user)
    rows = api.get("/api/v1/settings/", {"search": "maple"}).json()["results"]
    assert [row["urn"] for row in rows] == ["SC111111"]
    rows = api.get("/api/v1/settings/", {"search": "sc222222"}).json()["results"]
    assert [row["urn"] for row in rows] == ["SC222222"]
