"""Pages of the placement register: data imports, and the children behind the numbers.

Every view is an adapter (docs/architecture.md principle 1) and resolves its authority through `AuthorityMixin`,
so another authority's records are 404 without any per-view checks.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from sufficiency.authorities.permissions import IMPORT_HISTORY_ROLES, IMPORT_ROLES
from sufficiency.core.audit import audit
from sufficiency.core.csv import csv_text_response
from sufficiency.core.views import AuthorityMixin

from .as_at import as_at_for_request
from .categories import PLANNING_CATEGORY_LABELS
from .filtersets import EpisodeFilterSet
from .forms import ChildFilterForm, Ssda903UploadForm
from .models import Child, ImportJob, PlacementEpisode
from .quality_charts import quality_trend_chart
from .quality_selectors import (
    import_policy_rules,
    import_quality_for_authority,
    quarantine_list_for_authority,
)
from .services import ImportRejected, import_job_create


class ImportListView(AuthorityMixin, ListView):
    """The authority's data imports, newest first."""

    allowed_roles = IMPORT_ROLES
    template_name = "placements/import_list.html"
    paginate_by = 25
    context_object_name = "jobs"

    def get_queryset(self) -> Any:
        return self.scoped(ImportJob.objects.select_related("created_by")).defer("error_report")


class ImportCreateView(AuthorityMixin, FormView):
    """Upload SSDA903 files; the import runs in the background."""

    allowed_roles = IMPORT_ROLES
    template_name = "placements/import_form.html"
    form_class = Ssda903UploadForm

    def form_valid(self, form: Ssda903UploadForm) -> Any:
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        try:
            job = import_job_create(
                authority=self.authority,
                files=files,
                acting_user=self.request.user,
                request=self.request,
                strict=form.cleaned_data["strict"],
            )
        except ImportRejected as exc:
            form.add_error("files", str(exc))
            return self.form_invalid(form)
        messages.success(self.request, "Your files were uploaded. The import has started.")
        return redirect("placements:import-detail", code=self.authority.dfe_code, pk=job.pk)


class ImportDetailView(AuthorityMixin, DetailView):
    """One import: progress while it runs, then its outcome and error report."""

    allowed_roles = IMPORT_ROLES
    template_name = "placements/import_detail.html"
    context_object_name = "job"

    def get_queryset(self) -> Any:
        return self.scoped(ImportJob.objects.select_related("created_by")).defer("error_report")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["retention_days"] = settings.IMPORT_REPORT_RETENTION_DAYS
        if self.object.summary.get("problems") and not self.object.summary.get("report_expired"):
            # The examples name children's references and cell values: a child-level read.
            audit(
                action="import.examples_viewed",
                actor=self.request.user,
                authority=self.authority,
                obj=self.object,
                request=self.request,
            )
        return context


class DataQualityView(AuthorityMixin, TemplateView):
    """The authority's data quality: problems by DfE rule across imports, the children held back by the
    import policy (with their rows: a child-level read, audited), and what changed at the latest import."""

    allowed_roles = IMPORT_HISTORY_ROLES
    template_name = "placements/data_quality.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        held_back, held_back_total = quarantine_list_for_authority(authority=self.authority)
        quality = import_quality_for_authority(authority=self.authority)
        context.update(
            quality=quality,
            chart=quality_trend_chart(quality),
            held_back=held_back,
            held_back_total=held_back_total,
            policy_rules=import_policy_rules(),
            can_import=self.holds(IMPORT_ROLES),
        )
        audit(
            action="import.quality_viewed",
            actor=self.request.user,
            authority=self.authority,
            object_type="placements.QuarantinedRecord",
            detail={"children_shown": len(held_back)},
            request=self.request,
        )
        return context


class ImportStatusView(AuthorityMixin, View):
    """JSON status of an import, polled by the progress page (no personal data)."""

    allowed_roles = IMPORT_ROLES

    def get(self, request: Any, code: str, pk: int) -> JsonResponse:
        job = get_object_or_404(self.scoped(ImportJob.objects.only("status", "progress", "stage")), pk=pk)
        return JsonResponse(
            {"status": job.status, "progress": job.progress, "stage": job.stage, "finished": job.is_finished}
        )


class ImportErrorReportView(AuthorityMixin, View):
    """Download an import's report (CSV: file, row, column, value, message, code, severity, action)."""

    allowed_roles = IMPORT_ROLES

    def get(self, request: Any, code: str, pk: int) -> HttpResponse:
        job = get_object_or_404(self.scoped(ImportJob.objects.all()), pk=pk)
        audit(
            action="import.error_report_downloaded",
            actor=request.user,
            authority=self.authority,
            obj=job,
            request=request,
        )
        return csv_text_response(
            f"import-{job.pk}-errors.csv",
            job.error_report or "file,row,column,value,message,code,severity,action\n",
        )


class ChildListView(AuthorityMixin, ListView):
    """Children in care on a date (the children behind the dashboard numbers), filterable by category."""

    template_name = "placements/child_list.html"
    paginate_by = 50
    context_object_name = "episodes"

    def get_filter_form(self) -> ChildFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = ChildFilterForm(self.request.GET or None)
        return self._filter_form

    def get_queryset(self) -> Any:
        form = self.get_filter_form()
        asked = None
        category = ""
        if form.is_bound and form.is_valid():
            asked = form.cleaned_data["on"]
            category = form.cleaned_data["category"]
        on = as_at_for_request(self.request, authority=self.authority, requested=asked).on
        self.on, self.category = on, category
        # The API's FilterSet decides who is counted, so the page and `/api/v1/episodes/` list the same children.
        episodes = EpisodeFilterSet(
            {"in_care_on": on.isoformat(), "category": category},
            queryset=self.scoped(PlacementEpisode.objects.select_related("child", "setting")),
        ).qs
        return episodes.order_by("child__child_ref")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.get_filter_form(),
            on=self.on,
            category_label=PLANNING_CATEGORY_LABELS.get(self.category, ""),
            query=query.urlencode(),
            page_range=list(
                context["paginator"].get_elided_page_range(
                    context["page_obj"].number, on_each_side=1, on_ends=1
                )
            )
            if context.get("paginator")
            else [],
        )
        audit(
            action="child.list_viewed",
            actor=self.request.user,
            authority=self.authority,
            object_type="placements.Child",
            detail={"on": self.on.isoformat(), "category": self.category, "rows": len(context["episodes"])},
            request=self.request,
        )
        return context


class ChildDetailView(AuthorityMixin, DetailView):
    """A child's episodes (by pseudonymous reference): what the register holds, and nothing more."""

    template_name = "placements/child_detail.html"
    context_object_name = "child"

    def get_queryset(self) -> Any:
        return self.scoped(Child.objects.all())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["episodes"] = self.object.episodes.select_related("setting", "placement_la").order_by("decom")
        context["list_url"] = reverse("placements:child-list", kwargs={"code": self.authority.dfe_code})
        audit(
            action="child.viewed",
            actor=self.request.user,
            authority=self.authority,
            obj=self.object,
            request=self.request,
        )
        return context
