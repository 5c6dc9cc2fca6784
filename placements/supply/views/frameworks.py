"""The authority's own framework memberships: which homes and fostering agencies it buys through a framework,
and the tier it gave each. Commissioners list, add, change and end them; matching reads them at once ("On
your framework: WM Residential FCA, tier 1"). Another authority's membership is a 404 (`AuthorityMixin`
scoping), every write is audited (the services), and a form opened before someone else's save is refused
with their change shown (`OptimisticLockMixin`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView

from sufficiency.authorities.permissions import FRAMEWORK_EDIT_ROLES, FRAMEWORK_READ_ROLES
from sufficiency.core.locking import OptimisticLockMixin, StaleEdit

from ...models import FrameworkMembership
from .. import forms, services
from .base import RecordFormView, RecordListView, RecordMixin, fmt_date, link


class FrameworkMixin(RecordMixin):
    model = FrameworkMembership
    noun = "framework membership"
    url_prefix = "framework"
    allowed_roles = FRAMEWORK_READ_ROLES
    edit_roles = FRAMEWORK_EDIT_ROLES

    def records(self) -> Any:
        return self.scoped(FrameworkMembership.objects.select_related("setting")).order_by(
            "framework", "tier", "setting__name", "pk"
        )

    def url(self, action: str, obj: Any = None) -> str:
        # A membership has no page of its own: after a save the list shows it.
        if action == "detail":
            action, obj = "list", None
        return super().url(action, obj)


class FrameworkListView(FrameworkMixin, RecordListView):  # type: ignore[misc]  # `model` narrows ListView's Optional
    intro = (
        "The homes and fostering agencies on your own frameworks, with the tier you gave each. The matching "
        'search names them ("On your framework: name, tier N") and ranks a framework placement after '
        "in-house and block places. These are your authority's records: no other authority sees or changes them."
    )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["title"] = "Framework memberships"
        return context

    @property
    def headers(self) -> list[Any]:  # type: ignore[override]  # the edit column is for editors only
        columns: list[Any] = ["Home or agency", "URN", "Kind", "Framework", {"text": "Tier", "numeric": True}]
        columns.append("Last changed")
        if self.holds(self.edit_roles):
            columns += ["", ""]
        return columns

    def row(self, m: FrameworkMembership) -> list[Any]:
        setting = m.setting
        cells: list[Any] = [
            setting.name or setting.urn,
            setting.urn,
            setting.get_provision_type_display(),
            m.framework,
            m.tier if m.tier else "No tier",
            fmt_date(timezone.localtime(m.updated_at).date()),
        ]
        if self.holds(self.edit_roles):
            cells += [link(self.url("update", m), "Change"), link(self.url("end", m), "End")]
        return cells


class FrameworkFormView(FrameworkMixin, RecordFormView):
    form_class = forms.FrameworkMembershipForm
    create_service = staticmethod(services.framework_membership_create)
    update_service = staticmethod(services.framework_membership_update)
    update_kwarg = "membership"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.object is not None:
            context["title"] = (
                f"Change framework membership: {self.object.setting.name or self.object.setting.urn}"
            )
        context["intro"] = (
            "Matching shows the framework and tier as a reason beside the home or agency. A provider can be on "
            "one of your frameworks at a time."
        )
        return context


class FrameworkEndView(OptimisticLockMixin, FrameworkMixin, FormView):
    """End a membership: the provider is no longer on the authority's framework."""

    template_name = "placements/supply/record_form.html"
    form_class = forms.FrameworkMembershipEndForm

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self.allowed_roles = self.edit_roles
        return super().dispatch(request, *args, **kwargs)

    def membership(self) -> FrameworkMembership:
        if not hasattr(self, "_membership"):
            self._membership = get_object_or_404(self.records(), pk=self.kwargs["pk"])
        return self._membership

    def locked_object(self) -> FrameworkMembership:
        return self.membership()

    def current_values(self, current: Any) -> dict[str, Any]:
        return {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        m = self.membership()
        context.update(
            title=f"End framework membership: {m.setting.name or m.setting.urn}",
            intro=f"{m.setting.name or m.setting.urn} ({m.setting.urn}) is on {m.label}. Once ended, the "
            "matching search no longer names it as on your framework. The audit trail keeps the record.",
            back_url=reverse("placements:framework-list", kwargs={"code": self.authority.dfe_code}),
            submit="End membership",
        )
        return context

    def form_valid(self, form: Any) -> Any:
        try:
            services.framework_membership_end(
                membership=self.membership(),
                acting_user=self.request.user,
                request=self.request,
                version=self.submitted_version(form),
            )
        except StaleEdit as exc:
            return self.stale(form, exc)
        messages.success(self.request, "The framework membership was ended.")
        return redirect("placements:framework-list", code=self.authority.dfe_code)
