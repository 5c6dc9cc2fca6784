"""Forms for board reports (GOV.UK patterns: day/month/year dates, plain labels, textareas)."""

from __future__ import annotations

from typing import Any

from django import forms

from sufficiency.core.widgets import GovUKDateField

from .choices import SectionChoices
from .services import COMMENTARY_MAX_CHARS

#: Help shown under each section's commentary box.
SECTION_HINTS = {
    SectionChoices.INTRODUCTION: "What the Board is asked to do (for example, note progress and comment).",
    SectionChoices.CONSULTATION: "How children and young people have been involved since the last report.",
    SectionChoices.CONCLUSION: "Overall progress, risks and what happens next.",
}


class ReportForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, initial="Placement sufficiency strategy update")
    as_at = GovUKDateField(label="Figures as at", help_text="Usually a quarter end. For example, 31 3 2026")
    author_name = forms.CharField(
        label="Author",
        max_length=120,
        required=False,
        help_text="How the paper names its author, for example Head of Service, Children's Placements",
    )


class CommentaryForm(forms.Form):
    """One plain-text box per section. Paragraphs are separated by a blank line; no formatting."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in SectionChoices.choices:
            self.fields[key] = forms.CharField(
                label=label,
                required=False,
                max_length=COMMENTARY_MAX_CHARS,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "true"}),
                help_text=SECTION_HINTS.get(key, "Printed after the section's figures. Separate paragraphs "
                                            "with a blank line. Do not name or identify children."),
            )  # fmt: skip


class PublishForm(forms.Form):
    meeting_name = forms.CharField(
        label="Meeting", max_length=200, help_text="For example, Corporate Parenting Board"
    )
    meeting_date = GovUKDateField(label="Date of the meeting", help_text="For example, 2 9 2026")
    confirm = forms.BooleanField(
        label="I understand that a published report is frozen and cannot be changed or withdrawn",
        error_messages={"required": "Confirm that you understand a published report cannot be changed"},
    )
