"""Attack: escaping or erasing the audit trail. Every read of a child-level record leaves a row for the
authority whose record it was, from the real client address, and the trail keeps its authors and at least
a year of history whatever anyone asks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from placements.finding import services as finding_services
from sufficiency.accounts.security import AuditRetentionTooShort, audit_events_prune
from sufficiency.authorities.models import AuditEvent, Membership
from sufficiency.core.audit import MIN_AUDIT_RETENTION_DAYS, audit, client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def _request(authority, user):
    return finding_services.placement_request_create(
        authority=authority,
        data={"requested_on": dt.date(2025, 6, 2), "urgency": "planned", "fostering": "preferred",
              "residential": "suitable", "supported": "unsuitable", "sex": "F",
              "birth_month": dt.date(2012, 5, 1), "home_postcode": "WS1 1"},
        acting_user=user,
    )  # fmt: skip


@pytest.fixture
def finder(walsall):
    user = UserFactory(email="finder@walsall.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="placement_finder")
    return user


@pytest.fixture
def two_authority_commissioner(walsall, sandwell):
    """A commissioner who works for Walsall and Sandwell (a shared service)."""
    user = UserFactory(email="shared@wm.example.gov.uk")
    Membership.objects.create(user=user, authority=walsall, role="commissioner")
    Membership.objects.create(user=user, authority=sandwell, role="commissioner")
    return user


# --- the client address -------------------------------------------------------------------------------


def test_a_forged_x_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.PROXY_COUNT = 0
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.5")
    assert client_ip(request) == "10.0.0.5"


def test_the_client_address_is_the_one_our_proxy_saw_not_what_the_client_prepended(settings):
    settings.PROXY_COUNT = 1
    forged = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.5")
    assert client_ip(forged) == "203.0.113.7"
    settings.PROXY_COUNT = 2
    assert client_ip(forged) == "6.6.6.6"  # two proxies: the first one wrote 6.6.6.6


def test_a_client_address_that_is_not_an_ip_is_not_recorded(settings):
    settings.PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="<script>", REMOTE_ADDR="10.0.0.5")
    assert client_ip(request) is None
    settings.PROXY_COUNT = 0
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="not-an-address")) is None


def test_a_page_read_records_the_real_address_not_the_forged_header(settings, client, walsall, finder):
    settings.PROXY_COUNT = 0
    placement_request = _request(walsall, finder)
    client.force_login(finder)
    url = reverse("placements:request-detail", kwargs={"code": "335", "pk": placement_request.pk})
    assert client.get(url, HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.0.0.5").status_code == 200
    event = AuditEvent.objects.get(action="placement_request.viewed")
    assert event.ip_address == "10.0.0.5"


# --- placement-request pages and multi-authority API reads ---------------------------------------------


def test_placement_request_list_and_detail_pages_are_audited(client, walsall, finder):
    placement_request = _request(walsall, finder)
    client.force_login(finder)
    assert client.get(reverse("placements:request-list", kwargs={"code": "335"})).status_code == 200
    listed = AuditEvent.objects.get(action="placement_request.list_viewed")
    assert listed.authority == walsall and listed.actor == finder and listed.detail["rows"] == 1
    detail = reverse("placements:request-detail", kwargs={"code": "335", "pk": placement_request.pk})
    assert client.get(detail).status_code == 200
    viewed = AuditEvent.objects.get(action="placement_request.viewed")
    assert viewed.authority == walsall and viewed.object_id == str(placement_request.pk)
    edit = reverse("placements:request-update", kwargs={"code": "335", "pk": placement_request.pk})
    assert client.get(edit).status_code == 200
    assert AuditEvent.objects.filter(action="placement_request.viewed").count() == 2


def test_an_api_list_by_a_two_authority_user_is_audited_once_per_authority(
    walsall, sandwell, finder, two_authority_commissioner
):
    _request(walsall, finder)
    _request(walsall, finder)
    _request(sandwell, None)
    client = APIClient()
    client.force_login(two_authority_commissioner)
    response = client.get("/api/v1/placement-requests/")
    assert response.status_code == 200 and len(response.json()["results"]) == 3
    events = AuditEvent.objects.filter(action="api.placement-request_list_read")
    assert {e.authority_id: e.detail["rows"] for e in events} == {walsall.pk: 2, sandwell.pk: 1}
    assert all(e.actor == two_authority_commissioner for e in events)


def test_an_api_read_of_one_record_by_a_two_authority_user_names_its_authority(
    sandwell, two_authority_commissioner
):
    theirs = _request(sandwell, None)
    client = APIClient()
    client.force_login(two_authority_commissioner)
    assert client.get(f"/api/v1/placement-requests/{theirs.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="api.placement-request_read")
    assert event.authority == sandwell and event.object_id == str(theirs.pk)


# --- authors and retention -----------------------------------------------------------------------------


def test_deleting_a_user_keeps_them_as_the_author_of_their_events(walsall, finder):
    placement_request = _request(walsall, finder)
    audit(action="placement_request.viewed", actor=finder, authority=walsall, obj=placement_request)
    events = list(AuditEvent.objects.filter(actor=finder).values_list("pk", flat=True))
    assert len(events) >= 2
    finder.delete()
    for event in AuditEvent.objects.filter(pk__in=events):
        assert event.actor is None
        assert event.actor_label == "finder@walsall.example.gov.uk"


def test_prune_audit_days_zero_is_refused_and_deletes_nothing(walsall):
    old = AuditEvent.objects.create(action="child.viewed", authority=walsall)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    with pytest.raises(CommandError, match=str(MIN_AUDIT_RETENTION_DAYS)):
        call_command("prune_audit", "--days", "0")
    with pytest.raises(CommandError):
        call_command("prune_audit", "--days", "-5")
    assert AuditEvent.objects.filter(pk=old.pk).exists()


def test_a_retention_setting_below_the_minimum_is_refused_too(settings, walsall):
    settings.AUDIT_RETENTION_DAYS = 1
    AuditEvent.objects.create(action="child.viewed", authority=walsall)
    with pytest.raises(AuditRetentionTooShort):
        audit_events_prune()
    assert MIN_AUDIT_RETENTION_DAYS == 365
    assert audit_events_prune(older_than_days=MIN_AUDIT_RETENTION_DAYS) == 0
