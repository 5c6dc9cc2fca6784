"""The page where an authority's data manager sends the DfE's published tables for review. What they send
is a proposal: nothing any authority reads changes until a platform data steward publishes it (a steward's
own upload publishes directly). See `review.py`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import FormView

from sufficiency.authorities.permissions import IMPORT_ROLES
from sufficiency.core.views import AuthorityMixin
from sufficiency.core.widgets import MultipleFileField

from .reader import MAX_BYTES
from .services import national_statistics_import


class NationalStatisticsUploadForm(forms.Form):
    tables = MultipleFileField(
        label="DfE statistics files",
        help_text="The open-data CSV files of the DfE's statistics of children looked after (one or more), "
        "as published: time period, geographic level, codes, characteristic and value columns.",
        error_messages={"required": "Select at least one DfE statistics CSV file"},
    )

    def clean_tables(self) -> list[Any]:
        files = self.cleaned_data["tables"]
        for upload in files:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(f"{upload.name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return files


class NationalStatisticsUploadView(AuthorityMixin, FormView):
    """Upload the DfE's tables: a proposal for a data steward to review (a steward's upload publishes)."""

    allowed_roles = IMPORT_ROLES
    template_name = "placements/national/upload.html"
    form_class = NationalStatisticsUploadForm

    def form_valid(self, form: NationalStatisticsUploadForm) -> Any:
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["tables"]]
        outcome = national_statistics_import(
            files=files, acting_user=self.request.user, authority=self.authority
        )
        refused = [f for f in outcome.files if not f.ok]
        if refused and outcome.proposal is None and not any(f.ok for f in outcome.files):
            for f in refused:
                form.add_error("tables", f.refused)
            return self.form_invalid(form)
        if outcome.proposal is not None:
            messages.success(
                self.request,
                "Sent for review: a platform data steward checks the figures before every authority's "
                "comparators use them.",
            )
        else:
            imported = sum(1 for f in outcome.files if f.ok)
            messages.success(
                self.request, f"Published: {imported} file{'s' if imported != 1 else ''} imported."
            )
            for f in refused:
                messages.error(self.request, f"{f.name}: {f.refused}")
        return redirect("placements:national-upload", code=self.authority.dfe_code)
