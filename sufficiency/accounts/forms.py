"""Forms for account security pages: two-factor codes, passwords, the audit trail filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

from sufficiency.authorities.models import AuditEvent
from sufficiency.core.widgets import GovUKDateField

STRONG_CHOICE_HINT = (
    "At least 12 characters. Not a common password, not only numbers, and not like your email address. "
    "Three or four random words make a good one."
)


class TwoFactorCodeForm(forms.Form):
    """The 6-digit code from an authenticator app."""

    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, for example 123456",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError("The code must be 6 digits")
        return token


class AuditFilterForm(forms.Form):
    """Filters on the audit trail: what happened, and between which dates."""

    action = forms.ChoiceField(label="Action", required=False)
    start = GovUKDateField(label="From", required=False, help_text="For example, 1 4 2026")
    end = GovUKDateField(label="To", required=False, help_text="For example, 30 4 2026")

    def __init__(self, *args: Any, authority: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = (
            AuditEvent.objects.filter(authority=authority)
            .order_by("action")
            .values_list("action", flat=True)
            .distinct()
        )
        self.fields["action"].choices = [("", "All actions"), *[(a, a) for a in actions]]  # type: ignore[attr-defined]  # a ChoiceField; the stubs type fields as Field


class GovUKPasswordChangeForm(PasswordChangeForm):
    """Change your own password: the current one, then the new one twice (GOV.UK wording)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["old_password"].error_messages["required"] = "Enter your current password"
        _new_password_fields(self)


class GovUKSetPasswordForm(SetPasswordForm):
    """Choose a new password after following a reset link."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _new_password_fields(self)


def _new_password_fields(form: SetPasswordForm) -> None:
    form.fields["new_password1"].label = "New password"
    form.fields["new_password1"].help_text = STRONG_CHOICE_HINT
    form.fields["new_password1"].error_messages["required"] = "Enter a new password"
    form.fields["new_password2"].label = "Confirm new password"
    form.fields["new_password2"].help_text = ""
    form.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class PasswordResetRequestForm(PasswordResetForm):
    """Ask for a reset link by email. The answer is the same whether or not the address has an account
    (no one can find out who has one); the email is sent by a Celery worker, so the time the page takes
    does not give it away either."""

    email = forms.EmailField(
        label="Email address",
        help_text="The work email address you sign in with",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def matching_users(self) -> list[Any]:
        """Active accounts with a password for this address (single sign-on accounts have none)."""
        return list(self.get_users(self.cleaned_data["email"]))
