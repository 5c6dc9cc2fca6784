"""Entering the fostering recruitment funnel: one month and route by form, or many months from a CSV file.

The funnel's page (figures, conversions, targets from the strategy) is a report: it lives with the KPIs
and strategies, which hold the targets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import FormView

from sufficiency.authorities.permissions import HOUSEHOLD_IMPORT_ROLES
from sufficiency.core.views import AuthorityMixin

from .. import forms
from ..funnel_reader import FunnelFileError
from ..funnel_services import fostering_funnel_import, fostering_recruitment_month_save

#: The funnel's page (a report; see sufficiency/reports/recruitment_views.py).
FUNNEL_PAGE = "reports:fostering-recruitment"


class FunnelMonthFormView(AuthorityMixin, FormView):
    """Enter (or replace) one month of one route's funnel."""

    allowed_roles = HOUSEHOLD_IMPORT_ROLES
    template_name = "placements/supply/record_form.html"
    form_class = forms.FunnelMonthForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "authority": self.authority}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title="Enter a month of fostering recruitment",
            intro="Counts of households for one month and one route. Entering a month and route already "
            "recorded replaces it.",
            submit="Save",
        )
        return context

    def form_valid(self, form: forms.FunnelMonthForm) -> Any:
        month = form.funnel_month()
        fostering_recruitment_month_save(
            authority=self.authority, month=month, acting_user=self.request.user, request=self.request
        )
        messages.success(self.request, f"Fostering recruitment for {month.month:%B %Y} was saved.")
        return redirect(FUNNEL_PAGE, code=self.authority.dfe_code)


class FunnelImportView(AuthorityMixin, FormView):
    """Upload a CSV of funnel months. A file that cannot be read is refused whole; rows with problems are
    listed by line and left out, and the other rows are saved (replacing the months and routes they hold)."""

    allowed_roles = HOUSEHOLD_IMPORT_ROLES
    template_name = "placements/supply/record_form.html"
    form_class = forms.FunnelImportForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title="Import fostering recruitment from CSV",
            intro="Each row is one month of one route. Rows for a month and route already recorded replace "
            "them. Rows with problems are listed by line and not saved; the other rows are.",
            submit="Import",
        )
        return context

    def form_valid(self, form: forms.FunnelImportForm) -> Any:
        upload = form.cleaned_data["file"]
        try:
            result = fostering_funnel_import(
                authority=self.authority,
                data=upload.read(),
                acting_user=self.request.user,
                request=self.request,
            )
        except FunnelFileError as exc:
            form.add_error("file", f"{exc} Nothing was imported.")
            return self.form_invalid(form)
        saved = len(result.months)
        if result.errors:
            form.add_error(
                "file",
                f"{len(result.errors)} row(s) have problems and were not saved; {saved} row(s) were saved.",
            )
            context = self.get_context_data(form=form)
            context["import_error_headers"] = ["Line", "Problem"]
            context["import_errors"] = [[line, message] for line, message in result.errors[:200]]
            return self.render_to_response(context)
        messages.success(self.request, f"{saved} month(s) of fostering recruitment were imported.")
        return redirect(FUNNEL_PAGE, code=self.authority.dfe_code)
