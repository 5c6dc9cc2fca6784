"""Changing and resetting passwords: Django's token checks, GOV.UK pages, audited, and no way to find out
who has an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from sufficiency.authorities.models import AuditEvent
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "purple-kettle-harbour-47"


def test_change_password_is_linked_from_the_account_menu_and_needs_sign_in(client, la_user):
    url = reverse("accounts:password-change")
    assert client.get(url).status_code == 302  # anonymous: to sign in
    client.force_login(la_user)
    assert f'href="{url}"' in client.get(reverse("home")).content.decode()
    page = client.get(url).content.decode()
    assert '<label class="govuk-label" for="id_old_password">' in page
    assert "At least 12 characters" in page


def test_change_password_with_errors_shows_the_error_summary(client, la_user):
    client.force_login(la_user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "not-my-password", "new_password1": "short", "new_password2": "short"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and "<title>Error:" in page
    assert 'href="#id_old_password"' in page
    la_user.refresh_from_db()
    assert la_user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="account.password_changed").exists()


def test_change_password_keeps_the_person_signed_in_and_is_audited(client, la_user):
    client.force_login(la_user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("accounts:password-change-done")
    la_user.refresh_from_db()
    assert la_user.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(action="account.password_changed")
    assert event.actor == la_user and event.object_id == str(la_user.pk)


@pytest.fixture(autouse=True)
def _fresh_reset_counters():
    """Reset emails per account are counted in the cache: each test starts with none sent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ask_for_reset(client, django_capture_on_commit_callbacks):
    """Ask for a link; the email is enqueued when the request's transaction commits (eager Celery here)."""

    def ask(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("accounts:password-reset"), {"email": email})

    return ask


def test_sign_in_page_links_to_password_reset(client):
    assert reverse("accounts:password-reset") in client.get(reverse("login")).content.decode()


def test_reset_gives_the_same_answer_whether_or_not_the_account_exists(client, ask_for_reset, la_user):
    known = ask_for_reset(la_user.email.upper())
    unknown = ask_for_reset("nobody@walsall.example.gov.uk")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("accounts:password-reset-done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [la_user.email]
    done = client.get(known.url).content.decode()
    assert "If the address you entered belongs to a Sufficiency account" in done
    assert "nobody@" not in done
    events = AuditEvent.objects.filter(action="account.password_reset_requested").order_by("id")
    assert [e.detail for e in events] == [{"matched": True}, {"matched": False}]
    assert "nobody" not in str([(e.object_id, e.detail) for e in events])


def test_reset_link_sets_a_new_password_once_and_is_audited(client, ask_for_reset, la_user):
    ask_for_reset(la_user.email)
    body = mail.outbox[0].body
    link = re.search(r"https?://testserver(/sign-in/reset/[^/\s]+/[^/\s]+/)", body).group(1)
    assert la_user.email not in link
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == reverse("accounts:password-reset-complete")
    la_user.refresh_from_db()
    assert la_user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(
        action="account.password_reset_completed", object_id=str(la_user.pk)
    ).exists()
    # The link is spent: a second visit is refused.
    client.logout()
    assert "This link has expired" in client.get(link, follow=True).content.decode()


def test_reset_refuses_a_weak_password_with_an_error_summary(client, ask_for_reset, la_user):
    ask_for_reset(la_user.email)
    link = re.search(r"https?://testserver(/sign-in/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    page = client.post(set_url, {"new_password1": "123456789012", "new_password2": "123456789012"})
    assert "govuk-error-summary" in page.content.decode()
    la_user.refresh_from_db()
    assert la_user.check_password(PASSWORD)


def test_no_reset_email_for_inactive_or_single_sign_on_accounts(client, ask_for_reset, la_user, board_member):
    la_user.is_active = False
    la_user.save()
    board_member.set_unusable_password()
    board_member.save()
    assert ask_for_reset(la_user.email).url == reverse("accounts:password-reset-done")
    assert ask_for_reset(board_member.email).url == reverse("accounts:password-reset-done")
    assert mail.outbox == []


def test_invalid_email_is_an_error_on_the_page(client, ask_for_reset):
    page = ask_for_reset("not-an-email").content.decode()
    assert "Enter an email address in the correct format" in page
    assert 'href="#id_email"' in page


def test_single_sign_on_accounts_have_no_password_to_change(client, la_user):
    la_user.set_unusable_password()
    la_user.save()
    client.force_login(la_user)
    assert reverse("accounts:password-change") not in client.get(reverse("home")).content.decode()
    response = client.get(reverse("accounts:password-change"), follow=True)
    assert "change its password with your council" in response.content.decode()


def test_reset_emails_to_one_account_are_capped_with_the_same_answer(
    client, ask_for_reset, la_user, settings
):
    settings.PASSWORD_RESET_EMAILS_PER_HOUR = 2
    answers = {ask_for_reset(la_user.email).url for _ in range(4)}
    assert answers == {reverse("accounts:password-reset-done")}
    assert len(mail.outbox) == 2
    throttled = AuditEvent.objects.filter(action="account.password_reset_requested", detail__throttled=True)
    assert throttled.count() == 2
