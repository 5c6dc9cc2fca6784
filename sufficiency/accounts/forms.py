"""Forms for account security pages."""

from __future__ import annotations

from django import forms

from sufficiency.authorities.models import AuditEvent
from sufficiency.core.widgets import GovUKDateField


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

    def __init__(self, *args: object, authority: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        actions = (
            AuditEvent.objects.filter(authority=authority)
            .order_by("action")
            .values_list("action", flat=True)
            .distinct()
        )
        self.fields["action"].choices = [("", "All actions"), *[(a, a) for a in actions]]  # type: ignore[attr-defined]
