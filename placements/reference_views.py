"""Pages where a platform data steward reviews authorities' proposed changes to the national Ofsted
register and publishes or rejects them. Anyone else gets 404: the pages belong to no authority."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import DetailView, ListView

from sufficiency.core.formatting import date_short

from . import reference_data
from .choices import ProposalStatusChoices, ReferenceDatasetChoices


class StewardMixin(LoginRequiredMixin):
    """Only platform data stewards; everyone else is told there is no such page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not reference_data.user_is_data_steward(request.user):
            raise Http404("No such page")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return reference_data.reference_proposal_list(user=self.request.user)


class ReferenceProposalListView(StewardMixin, ListView):
    """Proposals awaiting review first, then the publication history."""

    template_name = "placements/reference/proposal_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        return super().get_queryset().order_by("-status", "-created_at")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = []
        for proposal in context["object_list"]:
            counts = proposal.counts or {}
            rows.append(
                [
                    {
                        "text": date_short(proposal.created_at, empty=""),
                        "href": reverse("reference:proposal-detail", kwargs={"pk": proposal.pk}),
                    },
                    proposal.supplier or proposal.supplied_by_label,
                    proposal.source,
                    f"{counts.get('new', 0)} new, {counts.get('changed', 0)} changed, "
                    f"{counts.get('removed', 0)} removed figures"
                    if proposal.dataset == ReferenceDatasetChoices.NATIONAL_STATISTICS
                    else f"{counts.get('settings_new', 0)} new, {counts.get('settings_changed', 0)} changed, "
                    f"{counts.get('judgements_changed', 0)} judgements",
                    proposal.get_status_display(),
                ]
            )
        context.update(headers=["Supplied", "Supplied by", "Source", "Changes", "Status"], rows=rows)
        return context


class ReferenceProposalDetailView(StewardMixin, DetailView):
    """One proposal: the differences per setting, and the publish and reject buttons while pending."""

    template_name = "placements/reference/proposal_detail.html"
    context_object_name = "proposal"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        proposal = self.object
        pending = proposal.status == ProposalStatusChoices.PENDING
        diff = reference_data.reference_proposal_diff(proposal=proposal) if pending else None
        context.update(
            pending=pending,
            national=proposal.dataset == ReferenceDatasetChoices.NATIONAL_STATISTICS,
            diff=diff,
            diff_limit=reference_data.DIFF_LIMIT,
            rows=[
                {"key": "Supplied by", "value": proposal.supplier or proposal.supplied_by_label},
                {"key": "Supplied on", "value": date_short(proposal.created_at, empty="")},
                {"key": "Source", "value": proposal.source},
                {"key": "Status", "value": proposal.get_status_display()},
            ],
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        proposal = self.get_object()
        decision = request.POST.get("decision")
        try:
            if decision == "publish":
                reference_data.reference_proposal_publish(
                    proposal_id=proposal.pk, acting_user=request.user, request=request
                )
                messages.success(request, "Published: every authority now reads these values.")
            elif decision == "reject":
                reference_data.reference_proposal_reject(
                    proposal_id=proposal.pk,
                    acting_user=request.user,
                    reason=request.POST.get("reason", ""),
                    request=request,
                )
                messages.success(request, "Rejected: the national register is unchanged.")
            else:
                messages.error(request, "Choose to publish or reject the proposal.")
        except reference_data.ProposalAlreadyDecided as exc:
            messages.error(request, str(exc))
        return redirect("reference:proposal-detail", pk=proposal.pk)
