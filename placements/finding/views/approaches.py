"""Offers and declines on an approach (a referral sent to a provider or carer)."""

from __future__ import annotations

from typing import Any

from django.views.generic import FormView

from .. import forms, services
from .requests import ActionMixin


class ApproachOfferView(ActionMixin, FormView):
    """A provider or carer offers a place."""

    form_class = forms.OfferForm
    submit = "Record offer"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.title = f"Offer from {self.get_approach().target_label}"
        return super().get_context_data(**kwargs)

    def act(self, form: forms.OfferForm) -> str:
        approach = self.get_approach()
        services.approach_offer_record(
            approach=approach,
            weekly_cost=form.cleaned_data.get("weekly_cost"),
            start=form.cleaned_data.get("start"),
            acting_user=self.request.user,
            request=self.request,
        )
        return f"The offer from {approach.target_label} was recorded."


class ApproachDeclineView(ActionMixin, FormView):
    """A referral or an offer was declined: by the provider, the authority or the child, and why."""

    form_class = forms.DeclineForm
    submit = "Record decline"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.title = f"Declined: {self.get_approach().target_label}"
        return super().get_context_data(**kwargs)

    def act(self, form: forms.DeclineForm) -> str:
        approach = self.get_approach()
        services.approach_decline(
            approach=approach,
            declined_by=form.cleaned_data["declined_by"],
            reason=form.cleaned_data["reason"],
            notes=form.cleaned_data.get("notes", ""),
            acting_user=self.request.user,
            request=self.request,
        )
        return f"The decline by {approach.target_label} was recorded."
