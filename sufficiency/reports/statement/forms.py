"""Forms for sufficiency statements (GOV.UK patterns: day/month/year dates, radios, plain textareas)."""

from __future__ import annotations

from typing import Any

from django import forms

from sufficiency.core.widgets import GovUKDateField

from .choices import StatementSectionChoices
from .services import NARRATIVE_MAX_CHARS

#: Help shown under each section's narrative box (what councils write there).
SECTION_HINTS = {
    StatementSectionChoices.CONTEXT: "The local picture, the sufficiency duty and how this statement was prepared, "
    "including what children and young people told you.",
    StatementSectionChoices.UNMET_NEED: "Where you could not find the right placement, and why.",
    StatementSectionChoices.FORECAST: "What the forecast and the gap mean for commissioning, by type, age and area.",
    StatementSectionChoices.WHAT_WE_WILL_DO: "Commissioning intentions: objectives, measures and actions, with "
    "leads and dates (the tables come from the strategy).",
}


class StatementForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        required=False,
        help_text="Leave blank for 'Placement sufficiency statement'",
    )
    as_at = GovUKDateField(label="Figures as at", help_text="Usually 31 March. For example, 31 3 2026")
    scope = forms.ChoiceField(
        label="Who is the statement for?",
        choices=[("authority", "Our authority"), ("region", "Our whole region (a regional statement)")],
        widget=forms.RadioSelect,
        initial="authority",
        error_messages={"required": "Select who the statement is for"},
    )  # fmt: skip


class NarrativeForm(forms.Form):
    """One plain-text box per section. Paragraphs are separated by a blank line; no formatting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in StatementSectionChoices.choices:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=NARRATIVE_MAX_CHARS,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
                help_text=SECTION_HINTS.get(key, "Printed before the section's figures. Separate paragraphs "
                                            "with a blank line. Do not name or identify children."),
                error_messages={"max_length": f"{label} must be {NARRATIVE_MAX_CHARS:,} characters or fewer"},
            )  # fmt: skip


class StatementDetailsForm(forms.Form):
    """A draft's title and date (who it is for cannot change: start a new statement instead)."""

    title = forms.CharField(label="Title", max_length=200)
    as_at = GovUKDateField(label="Figures as at", help_text="Usually 31 March. For example, 31 3 2026")
