"""Vacancies: record, confirm still vacant, close as filled or withdrawn; stale ones flagged."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.generic import FormView, ListView, View

from sufficiency.authorities.permissions import VACANCY_EDIT_ROLES
from sufficiency.core.locking import OptimisticLockMixin, StaleEdit
from sufficiency.core.views import AuthorityMixin

from ...categories import PLANNING_CATEGORY_LABELS
from ...choices import VacancyStatusChoices
from ...models import Vacancy
from ...permissions import VACANCY_READ, vacancy_authority_ids
from .. import forms, services
from ..filtersets import VacancyListFilterSet
from .base import (
    page_range,
)

# --- Vacancies -------------------------------------------------------------------------------------------------------


class VacancyMixin(AuthorityMixin):
    """Vacancy pages follow the vacancy read policy shared with the API (`placements.permissions`)."""

    allowed_roles = VACANCY_READ.roles

    def permitted_authority_ids(self, request: Any) -> list[int]:
        # Reading follows the shared policy; the editing views narrow it further by their allowed_roles.
        by_role = set(super().permitted_authority_ids(request))
        return [pk for pk in vacancy_authority_ids(request) if pk in by_role]

    def vacancies(self) -> Any:
        return self.scoped(Vacancy.objects.select_related("setting", "household", "recorded_by"))


class VacancyListView(VacancyMixin, ListView):
    """Open vacancies, most recently confirmed first; stale ones are flagged and not counted."""

    template_name = "placements/supply/vacancy_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.filterset = VacancyListFilterSet(self.request.GET, queryset=self.vacancies())
        self.status = self.filterset.data["status"]
        return self.filterset.qs.order_by("-recorded_at")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        code = self.authority.dfe_code
        can_edit = self.holds(VACANCY_EDIT_ROLES) and self.status == VacancyStatusChoices.OPEN
        token = get_token(self.request)
        rows = []
        for v in context["object_list"]:
            where = (
                f"{v.setting.urn} {v.setting.name}".strip()
                if v.setting
                else f"Household {v.household.reference}"
            )
            flag = (
                mark_safe('<strong class="govuk-tag govuk-tag--yellow">Stale</strong>')  # noqa: S308 - constant markup
                if v.status == VacancyStatusChoices.OPEN and v.is_stale
                else format_html(
                    '<strong class="govuk-tag govuk-tag--green">{}</strong>', v.get_status_display()
                )
            )
            actions = ""
            if can_edit:
                actions = format_html(
                    '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                    '<button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-1" '
                    'data-module="govuk-button">Still vacant<span class="govuk-visually-hidden"> (vacancy {})</span>'
                    '</button></form><a class="govuk-link" href="{}">Close<span class="govuk-visually-hidden"> vacancy {}</span></a>',
                    reverse("placements:vacancy-confirm", kwargs={"code": code, "pk": v.pk}),
                    token,
                    v.pk,
                    reverse("placements:vacancy-close", kwargs={"code": code, "pk": v.pk}),
                    v.pk,
                )
            rows.append(
                [
                    where,
                    v.places,
                    f"{v.age_min} to {v.age_max}",
                    ", ".join(PLANNING_CATEGORY_LABELS.get(c, c) for c in v.categories) or "–",
                    f"{timezone.localtime(v.recorded_at):%-d %b %Y} by {v.recorded_by.email if v.recorded_by else 'system'}",
                    flag,
                    actions,
                ]
            )
        context.update(
            rows=rows,
            headers=["Where", "Places", "Ages", "Categories", "Recorded or confirmed", "Status", "Actions"],
            status=self.status,
            statuses=VacancyStatusChoices.choices,
            stale_days=settings.VACANCY_STALE_DAYS,
            can_record=self.holds(VACANCY_EDIT_ROLES),
            page_range=page_range(context),
            query=f"status={self.status}",
        )
        return context


class VacancyCreateView(VacancyMixin, FormView):
    allowed_roles = VACANCY_EDIT_ROLES
    template_name = "placements/supply/record_form.html"
    form_class = forms.VacancyForm
    extra_context = {"title": "Record a vacancy", "submit": "Record vacancy"}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "authority": self.authority}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["back_url"] = reverse("placements:vacancy-list", kwargs={"code": self.authority.dfe_code})
        return context

    def form_valid(self, form: forms.VacancyForm) -> Any:
        try:
            services.vacancy_record(
                authority=self.authority,
                acting_user=self.request.user,
                request=self.request,
                **form.service_data(),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, "The vacancy was recorded.")
        return redirect("placements:vacancy-list", code=self.authority.dfe_code)


class VacancyConfirmView(VacancyMixin, View):
    """POST: the vacancy is still vacant (it becomes fresh again)."""

    allowed_roles = VACANCY_EDIT_ROLES

    def post(self, request: Any, code: str, pk: int) -> HttpResponse:
        vacancy = get_object_or_404(self.vacancies(), pk=pk, status=VacancyStatusChoices.OPEN)
        services.vacancy_confirm(vacancy=vacancy, acting_user=request.user, request=request)
        messages.success(request, "The vacancy was confirmed as still vacant.")
        return redirect("placements:vacancy-list", code=code)


class VacancyCloseView(OptimisticLockMixin, VacancyMixin, FormView):
    """Close a vacancy as filled or withdrawn. The form carries the vacancy's version: refused, with the
    other person's change shown, if someone confirmed or changed it since the form was opened."""

    allowed_roles = VACANCY_EDIT_ROLES
    template_name = "placements/supply/record_form.html"
    form_class = forms.VacancyCloseForm
    extra_context = {"title": "Close a vacancy", "submit": "Close vacancy"}

    def get_vacancy(self) -> Vacancy:
        return get_object_or_404(self.vacancies(), pk=self.kwargs["pk"], status=VacancyStatusChoices.OPEN)

    def locked_object(self) -> Vacancy:
        return self.get_vacancy()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["vacancy"] = self.get_vacancy()
        context["back_url"] = reverse("placements:vacancy-list", kwargs={"code": self.authority.dfe_code})
        return context

    def form_valid(self, form: forms.VacancyCloseForm) -> Any:
        try:
            services.vacancy_close(
                vacancy=self.get_vacancy(),
                status=form.cleaned_data["status"],
                acting_user=self.request.user,
                request=self.request,
                version=self.submitted_version(form),
            )
        except StaleEdit as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, "The vacancy was closed.")
        return redirect("placements:vacancy-list", code=self.authority.dfe_code)
