"""Attack (by accident as much as malice): a stale edit form silently overwriting another person's change.
Every edit form carries the record's version; a form opened before someone else saved is refused, their
change is shown beside the user's, and nothing is written until the user saves again knowingly."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.urls import reverse

from placements.finding import services as finding_services
from placements.models import FosteringHousehold, PlacementRequest
from placements.supply import services as supply_services
from sufficiency.authorities.models import Membership
from sufficiency.core.locking import STALE_MESSAGE, version_of
from sufficiency.reports.models import Action, Strategy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _post_data(form) -> dict:
    """What a browser would post back for a form as it was rendered (initial values)."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=False):
                data[f"{name}{suffix}"] = "" if part is None else str(part)
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value.pk if hasattr(value, "pk") else value)
    return data


@pytest.fixture
def finders(walsall):
    people = []
    for email in ("ana@walsall.example.gov.uk", "ben@walsall.example.gov.uk"):
        user = UserFactory(email=email)
        Membership.objects.create(user=user, authority=walsall, role="placement_finder")
        people.append(user)
    return people


@pytest.fixture
def placement_request(walsall, finders):
    return finding_services.placement_request_create(
        authority=walsall,
        data={"requested_on": dt.date(2025, 6, 2), "urgency": "planned", "fostering": "preferred",
              "residential": "suitable", "supported": "unsuitable", "sex": "F",
              "birth_month": dt.date(2012, 5, 1), "home_postcode": "WS1 1", "notes": "First notes"},
        acting_user=finders[0],
    )  # fmt: skip


def _open(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return _post_data(response.context["form"])


def test_a_stale_placement_request_form_is_refused_with_the_other_change_shown(
    client, finders, placement_request, la_user
):
    ana, ben = finders
    url = reverse("placements:request-update", kwargs={"code": "335", "pk": placement_request.pk})
    anas_form = _open(client, ana, url)
    assert anas_form["version"] == version_of(placement_request)

    bens_form = _open(client, ben, url)
    bens_form["notes"] = "Ben: carer in Bloxwich can take her from Monday"
    assert client.post(url, bens_form).status_code == 302
    _open(client, la_user, url)  # a commissioner looks at it afterwards: a read, not a change

    client.force_login(ana)
    anas_form["notes"] = "Ana: still searching"
    response = client.post(url, anas_form)
    assert response.status_code == 200
    body = response.content.decode()
    assert STALE_MESSAGE.split(":")[0] in body and "govuk-error-summary" in body
    assert "Ben: carer in Bloxwich can take her from Monday" in body  # their change, shown
    assert "ben@walsall.example.gov.uk saved this record" in body
    placement_request.refresh_from_db()
    assert placement_request.notes == "Ben: carer in Bloxwich can take her from Monday"  # not overwritten

    # Saving again, with both in view, is a deliberate overwrite: the refused page carries the new version.
    again = _post_data(response.context["form"])
    assert again["version"] == version_of(placement_request) and again["notes"] == "Ana: still searching"
    assert client.post(url, again).status_code == 302
    placement_request.refresh_from_db()
    assert placement_request.notes == "Ana: still searching"


def test_an_edit_without_a_version_is_refused(client, finders, placement_request):
    url = reverse("placements:request-update", kwargs={"code": "335", "pk": placement_request.pk})
    data = _open(client, finders[0], url)
    data.pop("version")
    data["notes"] = "Overwrite without looking"
    assert client.post(url, data).status_code == 200
    assert PlacementRequest.objects.get(pk=placement_request.pk).notes == "First notes"


def test_a_stale_household_form_is_refused(client, walsall, la_user):
    household = supply_services.household_create(
        authority=walsall,
        data={
            "reference": "H9",
            "route": "in_house",
            "approval_date": dt.date(2020, 1, 1),
            "approved_places": 2,
        },
        acting_user=la_user,
    )
    url = reverse("placements:household-update", kwargs={"code": "335", "pk": household.pk})
    stale = _open(client, la_user, url)
    supply_services.household_update(household=household, data={"approved_places": 3}, acting_user=la_user)
    stale["approved_places"] = "1"
    response = client.post(url, stale)
    assert response.status_code == 200 and "Their change and yours" in response.content.decode()
    assert FosteringHousehold.objects.get(pk=household.pk).approved_places == 3


def test_a_stale_strategy_action_form_is_refused(client, walsall, la_user):
    strategy = Strategy.objects.create(authority=walsall, title="Sufficiency", start_year=2025, end_year=2028)
    action = Action.objects.create(strategy=strategy, activity="Recruit carers", status="not_started")
    url = reverse("reports:action-update", kwargs={"code": "335", "pk": strategy.pk, "item": action.pk})
    stale = _open(client, la_user, url)
    Action.objects.filter(pk=action.pk).update(update_notes="Board asked for a recovery plan")
    action.refresh_from_db()
    action.save()  # someone else's save moves the version on
    stale["update_notes"] = "On track"
    response = client.post(url, stale)
    assert response.status_code == 200 and "Board asked for a recovery plan" in response.content.decode()
    assert Action.objects.get(pk=action.pk).update_notes == "Board asked for a recovery plan"


def test_a_vacancy_confirmed_since_the_close_form_opened_is_not_closed_blindly(client, walsall, la_user):
    from tests.factories import SettingFactory

    vacancy = supply_services.vacancy_record(
        authority=walsall, setting=SettingFactory(), acting_user=la_user, age_min=8, age_max=17,
        categories=["residential_external"],
    )  # fmt: skip
    url = reverse("placements:vacancy-close", kwargs={"code": "335", "pk": vacancy.pk})
    stale = _open(client, la_user, url)
    supply_services.vacancy_confirm(vacancy=vacancy, acting_user=la_user)
    stale["status"] = "withdrawn"
    response = client.post(url, stale)
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    vacancy.refresh_from_db()
    assert vacancy.status == "open"


def test_two_authors_of_a_board_report_never_overwrite_each_others_commentary(client, walsall, la_user):
    from sufficiency.reports.board import services as board_services
    from sufficiency.reports.models import ReportSection

    report = board_services.report_create(authority=walsall, as_at=dt.date(2025, 3, 31), acting_user=la_user)
    url = reverse("reports:board-draft-commentary", kwargs={"code": "335", "pk": report.pk})
    stale = _open(client, la_user, url)
    board_services.commentary_update(
        report=report, texts={"fostering": "Co-author: approvals doubled"}, acting_user=la_user
    )
    stale["fostering"] = "Approvals are flat"
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "Co-author: approvals doubled" in response.content.decode()
    assert (
        ReportSection.objects.get(report=report, section="fostering").commentary
        == "Co-author: approvals doubled"
    )


@pytest.mark.parametrize("name", ["strategy-update", "home-update", "contract-update"])
def test_every_edit_form_carries_a_version(client, walsall, la_user, name):
    from placements.models import BlockContract, InHouseHome
    from tests.factories import SettingFactory

    if name == "strategy-update":
        record = Strategy.objects.create(authority=walsall, title="S", start_year=2025, end_year=2028)
        url = reverse("reports:strategy-update", kwargs={"code": "335", "pk": record.pk})
    elif name == "home-update":
        record = InHouseHome.objects.create(
            authority=walsall, setting=SettingFactory(), name="Oak", registered_places=4
        )
        url = reverse("placements:home-update", kwargs={"code": "335", "pk": record.pk})
    else:
        record = BlockContract.objects.create(
            authority=walsall, reference="B1", provider_name="Acme", category="residential_external", beds=2,
            start_date=dt.date(2025, 4, 1), end_date=dt.date(2026, 3, 31), weekly_cost_per_bed=4000,
        )  # fmt: skip
        url = reverse("placements:contract-update", kwargs={"code": "335", "pk": record.pk})
    client.force_login(la_user)
    response = client.get(url)
    assert response.status_code == 200
    assert f'name="version" value="{version_of(record)}"' in response.content.decode()
