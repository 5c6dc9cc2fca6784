"""Forms of the placement register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from sufficiency.core.widgets import GovUKDateField, MultipleFileField

from .categories import PLANNING_CATEGORY_LABELS


class Ssda903UploadForm(forms.Form):
    """Upload an authority's SSDA903 files: CSV tables or the XML return, a whole export folder, several years
    at once."""

    files = MultipleFileField(
        label="SSDA903 files",
        help_text=(
            "Select every file of your SSDA903 export, for one or more years: the CSV files (Header, Episodes, "
            "UASC, OC3 and the others, which are skipped), the XML return, or the export folder as a zip file. "
            "Files are recognised by their contents, not their names; columns we do not use are dropped."
        ),
        error_messages={"required": "Select at least one SSDA903 CSV or XML file"},
    )
    strict = forms.TypedChoiceField(
        label="If some rows break the DfE rules",
        choices=[
            ("", "Import what can be counted (recommended)"),
            ("strict", "Refuse the whole import (strict)"),
        ],
        coerce=bool,
        empty_value=False,
        required=False,
        initial="",
        widget=forms.RadioSelect,
        help_text=(
            "By default rows are repaired where one reading is clearly right, and children whose record "
            "cannot be read are held back until you import corrected files. Strict refuses the whole import "
            "if any row has an error."
        ),
    )

    def clean_files(self) -> list[Any]:
        files = self.cleaned_data["files"]
        total = 0
        for upload in files:
            if not upload.name.lower().endswith((".csv", ".txt", ".xml", ".zip")):
                raise forms.ValidationError(f"{upload.name} must be a CSV, XML or zip file")
            total += upload.size
        if total > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected files must be smaller than {settings.MAX_UPLOAD_BYTES // (1024 * 1024)} MB in total"
            )
        return files


class ChildFilterForm(forms.Form):
    """Filters on the list of children: in care on a date, placement category."""

    on = GovUKDateField(label="In care on", required=False, help_text="For example, 31 3 2026")
    category = forms.ChoiceField(
        label="Placement category",
        required=False,
        choices=[("", "All categories"), *PLANNING_CATEGORY_LABELS.items()],
    )
