"""The authority's own framework memberships on the supply pages: commissioners list, add, change and end
them; another authority's membership is a 404; every write is audited; a form error is shown again with
what was typed; a form opened before someone else's save is refused; platform staff correct them in the
admin, audited against the authority."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from placements.models import FrameworkMembership
from sufficiency.authorities.models import AuditEvent
from sufficiency.core.locking import STALE_MESSAGE, version_of
from tests.factories import SettingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def homes(walsall):
    return {
        "maple": SettingFactory(urn="SC900101", name="Maple House", provision_type="childrens_home"),
        "birch": SettingFactory(urn="SC900102", name="Birch Lodge", provision_type="childrens_home"),
    }


@pytest.fixture
def walsall_membership(walsall, homes):
    return FrameworkMembership.objects.create(
        authority=walsall, setting=homes["maple"], framework="WM Residential FCA", tier=1
    )


@pytest.fixture
def sandwell_membership(sandwell, homes):
    return FrameworkMembership.objects.create(
        authority=sandwell, setting=homes["birch"], framework="Sandwell Homes Framework", tier=3
    )


def _url(name, **kwargs):
    return reverse(f"placements:framework-{name}", kwargs={"code": "335", **kwargs})


def _body(response):
    return html.unescape(response.content.decode())


def test_a_commissioner_adds_changes_and_ends_a_membership_each_write_audited(
    client, la_user, walsall, homes
):
    client.force_login(la_user)
    response = client.post(
        _url("create"), {"setting_urn": "sc900102", "framework": "  WM   Residential FCA ", "tier": "2"}
    )
    assert response.status_code == 302 and response.url == _url("list")
    membership = FrameworkMembership.objects.get(authority=walsall)
    assert (membership.setting, membership.framework, membership.tier) == (
        homes["birch"],
        "WM Residential FCA",
        2,
    )
    listed = _body(client.get(_url("list")))
    assert "Birch Lodge" in listed and "WM Residential FCA" in listed
    assert _url("update", pk=membership.pk) in listed and _url("end", pk=membership.pk) in listed

    page = client.get(_url("update", pk=membership.pk))
    assert page.status_code == 200
    response = client.post(
        _url("update", pk=membership.pk),
        {
            "setting_urn": "SC900102",
            "framework": "WM Residential FCA",
            "tier": "",
            "version": page.context["form"]["version"].value(),
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.tier is None

    page = client.get(_url("end", pk=membership.pk))
    assert "End membership" in _body(page)
    response = client.post(_url("end", pk=membership.pk), {"version": version_of(membership)})
    assert response.status_code == 302
    assert not FrameworkMembership.objects.filter(pk=membership.pk).exists()

    events = AuditEvent.objects.filter(object_type="placements.FrameworkMembership").order_by("id")
    assert [(e.action, e.authority_id, e.actor_id) for e in events] == [
        ("frameworkmembership.created", walsall.pk, la_user.pk),
        ("frameworkmembership.updated", walsall.pk, la_user.pk),
        ("frameworkmembership.ended", walsall.pk, la_user.pk),
    ]
    assert events[1].detail == {"fields": ["tier"]}
    assert events[2].detail == {"setting": homes["birch"].pk, "tier": None}


def test_another_authoritys_membership_is_a_404_and_not_listed(
    client, la_user, walsall_membership, sandwell_membership
):
    client.force_login(la_user)
    for name in ("update", "end"):
        assert client.get(_url(name, pk=sandwell_membership.pk)).status_code == 404
    assert client.post(_url("end", pk=sandwell_membership.pk), {}).status_code == 404
    response = client.post(
        _url("update", pk=sandwell_membership.pk),
        {"setting_urn": "SC900102", "framework": "Taken over", "tier": "1"},
    )
    assert response.status_code == 404
    sandwell_membership.refresh_from_db()
    assert (sandwell_membership.framework, sandwell_membership.tier) == ("Sandwell Homes Framework", 3)
    listed = _body(client.get(_url("list")))
    assert "Maple House" in listed and "Birch Lodge" not in listed and "Sandwell Homes" not in listed
    assert not AuditEvent.objects.filter(object_type="placements.FrameworkMembership").exists()


def test_a_sandwell_commissioner_cannot_reach_walsalls_pages(client, other_la_user, walsall_membership):
    client.force_login(other_la_user)
    for url in (_url("list"), _url("create"), _url("update", pk=walsall_membership.pk)):
        assert client.get(url).status_code == 404
    assert client.post(_url("end", pk=walsall_membership.pk), {}).status_code == 404
    assert FrameworkMembership.objects.filter(pk=walsall_membership.pk).exists()


def test_who_may_read_and_who_may_change(client, walsall, board_member, data_manager, walsall_membership):
    client.force_login(board_member)  # a role without the page is refused as if it did not exist
    assert client.get(_url("list")).status_code == 404
    client.force_login(data_manager)  # reads operational supply records, does not commission
    listed = _body(client.get(_url("list")))
    assert "Maple House" in listed and _url("end", pk=walsall_membership.pk) not in listed
    assert client.get(_url("create")).status_code == 404
    assert client.post(_url("end", pk=walsall_membership.pk), {}).status_code == 404


def test_form_errors_are_shown_again_with_what_was_typed(client, la_user, walsall_membership):
    client.force_login(la_user)
    response = client.post(_url("create"), {"setting_urn": "SC999999", "framework": "", "tier": "0"})
    assert response.status_code == 200
    body = _body(response)
    assert "govuk-error-summary" in body and "<title>Error:" in body
    for message in (
        "No Ofsted setting has the URN SC999999",
        "Enter the name of the framework",
        "The tier must be 1 or more",
    ):
        assert message in body
    assert 'value="SC999999"' in body
    # A provider already on one of the authority's frameworks is refused, naming it.
    response = client.post(_url("create"), {"setting_urn": "SC900101", "framework": "Another", "tier": "1"})
    assert "Maple House is already on one of your frameworks" in _body(response)
    assert FrameworkMembership.objects.count() == 1


def test_a_stale_edit_is_refused_with_the_other_change_shown(client, la_user, walsall, walsall_membership):
    from placements.supply import services

    client.force_login(la_user)
    opened = client.get(_url("update", pk=walsall_membership.pk)).context["form"]["version"].value()
    services.framework_membership_update(
        membership=walsall_membership, data={"tier": 4}, acting_user=None
    )  # someone else, meanwhile
    response = client.post(
        _url("update", pk=walsall_membership.pk),
        {"setting_urn": "SC900101", "framework": "WM Residential FCA", "tier": "2", "version": opened},
    )
    assert response.status_code == 200
    assert STALE_MESSAGE in _body(response)
    walsall_membership.refresh_from_db()
    assert walsall_membership.tier == 4
    # Ending on a stale page is refused too.
    response = client.post(_url("end", pk=walsall_membership.pk), {"version": opened})
    assert response.status_code == 200 and STALE_MESSAGE in _body(response)
    assert FrameworkMembership.objects.filter(pk=walsall_membership.pk).exists()


def test_the_supply_overview_links_to_the_memberships(client, la_user, board_member):
    client.force_login(la_user)
    assert (
        _url("list")
        in client.get(reverse("placements:supply-overview", kwargs={"code": "335"})).content.decode()
    )
    client.force_login(board_member)
    assert (
        _url("list")
        not in client.get(reverse("placements:supply-overview", kwargs={"code": "335"})).content.decode()
    )


def test_platform_staff_change_a_membership_in_the_admin_audited(client, walsall, walsall_membership, homes):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sufficiency.accounts.models import User

    staff = User.objects.create_superuser(email="platform@sufficiency.example", password="x-Long-pass-1")
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(reverse("admin:placements_frameworkmembership_changelist")).status_code == 200
    response = client.post(
        reverse("admin:placements_frameworkmembership_change", args=[walsall_membership.pk]),
        {"authority": walsall.pk, "setting": homes["maple"].pk, "framework": "WM Residential FCA", "tier": 2},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    walsall_membership.refresh_from_db()
    assert walsall_membership.tier == 2
    event = AuditEvent.objects.get(action="frameworkmembership.updated")
    assert (event.actor, event.authority) == (staff, walsall)
    assert event.detail["fields"] == ["tier"]
    client.post(
        reverse("admin:placements_frameworkmembership_delete", args=[walsall_membership.pk]), {"post": "yes"}
    )
    assert AuditEvent.objects.filter(action="frameworkmembership.ended", authority=walsall).exists()
    assert not FrameworkMembership.objects.exists()
