"""Placement requests: list, log (quick), see, change, place, withdraw or close as not placed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.generic import DetailView, FormView, ListView

from sufficiency.authorities.permissions import FINDING_WORK_ROLES
from sufficiency.core.audit import audit
from sufficiency.core.formatting import money
from sufficiency.core.locking import OptimisticLockMixin, StaleEdit

from ...categories import LS_CODES, PLANNING_CATEGORY_LABELS
from ...choices import (
    ApproachStatusChoices,
    CloseReasonChoices,
    NeedChoices,
    PlacementRequestStatusChoices,
    SiblingsOutcomeChoices,
    SuitabilityChoices,
)
from .. import forms, services
from ..filtersets import PlacementRequestFilterSet
from ..lifecycle import (
    FINAL_STATUSES,
    KIND_LABELS,
    KINDS,
    FindingRuleViolation,
    approach_actions,
    not_to_plan_reason,
)
from .base import RequestMixin, fmt_date

Status = PlacementRequestStatusChoices
STATUS_TAGS = {
    Status.OPEN: "govuk-tag--blue",
    Status.SEARCHING: "govuk-tag--light-blue",
    Status.OFFERS_RECEIVED: "govuk-tag--purple",
    Status.PLACED: "govuk-tag--green",
    Status.WITHDRAWN: "govuk-tag--grey",
    Status.NOT_PLACED: "govuk-tag--red",
}
FILTERS = [("active", "Being worked"), ("all", "All"), *Status.choices]


def status_tag(status: str) -> Any:
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', STATUS_TAGS.get(status, ""), Status(status).label
    )


def plan_summary(placement_request: Any) -> str:
    preferred = [
        KIND_LABELS[k] for k in KINDS if getattr(placement_request, k) == SuitabilityChoices.PREFERRED
    ]
    return ", ".join(preferred) or "No preference"


class RequestListView(RequestMixin, ListView):
    """The authority's placement requests, those still being worked first by default."""

    template_name = "placements/finding/request_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.status = self.request.GET.get("status", "active")
        if self.status not in dict(FILTERS):
            self.status = "active"
        requests = self.requests().annotate(
            approach_count=Count("approaches", distinct=True),
            offer_count=Count("approaches", filter=Q(approaches__offered_at__isnull=False), distinct=True),
        )
        # "all" is no status filter; the rest is the API's FilterSet, so the page lists what the API lists.
        status = "" if self.status == "all" else self.status
        requests = PlacementRequestFilterSet({"status": status}, queryset=requests).qs
        return requests.order_by("-requested_on", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        code = self.authority.dfe_code
        context.update(
            filters=FILTERS,
            status=self.status,
            query=f"status={self.status}",
            can_work=self.can_work(),
            headers=[
                "Request",
                "Requested",
                "Urgency",
                "Child",
                "Preferred",
                "Status",
                {"text": "Approached", "numeric": True},
                {"text": "Offers", "numeric": True},
            ],
            numeric=[6, 7],
            rows=[
                [
                    {
                        "text": f"Request {r.pk}",
                        "href": reverse("placements:request-detail", kwargs={"code": code, "pk": r.pk}),
                    },
                    fmt_date(r.requested_on),
                    r.get_urgency_display(),
                    r.child_ref or "New referral",
                    plan_summary(r),
                    status_tag(r.status),
                    r.approach_count,
                    r.offer_count,
                ]
                for r in context["object_list"]
            ],
        )
        audit(
            action="placement_request.list_viewed",
            actor=self.request.user,
            authority=self.authority,
            object_type="placements.PlacementRequest",
            detail={"status": self.status, "rows": len(context["object_list"])},
            request=self.request,
        )
        if context.get("paginator") and context.get("page_obj"):
            context["page_range"] = list(
                context["paginator"].get_elided_page_range(
                    context["page_obj"].number, on_each_side=1, on_ends=1
                )
            )
        return context


class RequestFormMixin(RequestMixin):
    allowed_roles = FINDING_WORK_ROLES
    template_name = "placements/finding/request_form.html"
    form_class = forms.PlacementRequestForm


class RequestCreateView(RequestFormMixin, FormView):
    """Log a placement request: the required fields first, everything else optional below."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title="Log a placement request",
            submit="Log request",
            back_url=reverse("placements:request-list", kwargs={"code": self.authority.dfe_code}),
        )
        return context

    def form_valid(self, form: forms.PlacementRequestForm) -> Any:
        try:
            placement_request = services.placement_request_create(
                authority=self.authority,
                data=form.service_data(),
                acting_user=self.request.user,
                request=self.request,
            )
        except FindingRuleViolation as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Request {placement_request.pk} was logged. Search for a placement next."
        )
        return redirect("placements:request-detail", code=self.authority.dfe_code, pk=placement_request.pk)


class RequestUpdateView(OptimisticLockMixin, RequestFormMixin, FormView):
    """Change a request's details while it is being worked. The form carries the request's version: a
    form opened before someone else saved the request is refused with their change shown."""

    def locked_object(self) -> Any:
        return self.get_request()

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_request()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=f"Change request {self.get_request().pk}",
            submit="Save changes",
            back_url=self.request_url(),
            details_open=True,
        )
        return context

    def form_valid(self, form: forms.PlacementRequestForm) -> Any:
        try:
            services.placement_request_update(
                placement_request=self.get_request(),
                data=form.service_data(),
                acting_user=self.request.user,
                request=self.request,
                version=self.submitted_version(form),
            )
        except StaleEdit as exc:
            return self.stale(form, exc)
        except FindingRuleViolation as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, "The request was changed.")
        return redirect(self.request_url())


def _risks(r: Any) -> str:
    parts = []
    for name in forms.RISK_FIELDS:
        value = getattr(r, name)
        if value:
            parts.append(
                f"{r._meta.get_field(name).verbose_name.capitalize()}: {getattr(r, f'get_{name}_display')().lower()}"
            )
    return "; ".join(parts) or "Not assessed"


class RequestDetailView(RequestMixin, DetailView):
    """One request: the child's needs, the search (approaches, offers, declines), the outcome, its history."""

    template_name = "placements/finding/request_detail.html"
    context_object_name = "placement_request"

    def get_object(self, queryset: Any = None) -> Any:
        return self.get_request()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        r = self.get_request()
        code = self.authority.dfe_code
        can_work = self.can_work() and r.status not in FINAL_STATUSES
        today = timezone.localdate()
        age = None
        if r.birth_month:
            from ...categories import age_on

            age = age_on(r.birth_month, today)
        child_rows = [
            {"key": "Child", "value": r.child_ref or "New referral (not yet in the register)"},
            {"key": "Age", "value": f"{age} (born {r.birth_month:%B %Y})" if age is not None else ""},
            {"key": "Sex", "value": r.get_sex_display()},
            {
                "key": "Legal status",
                "value": f"{r.legal_status}: {LS_CODES.get(r.legal_status, '')}" if r.legal_status else "",
            },
            {"key": "Home postcode district or sector", "value": r.home_postcode},
        ]
        request_rows = [
            {"key": "Status", "value": status_tag(r.status)},
            {"key": "Date requested", "value": fmt_date(r.requested_on)},
            {"key": "Latest start date", "value": fmt_date(r.latest_start) if r.latest_start else ""},
            {"key": "Urgency", "value": r.get_urgency_display()},
            *[{"key": KIND_LABELS[k], "value": getattr(r, f"get_{k}_display")()} for k in KINDS],
            {"key": "Needs", "value": ", ".join(NeedChoices(n).label for n in r.needs) or "None recorded"},
            {"key": "Risks", "value": _risks(r)},
            {"key": "Siblings to place with", "value": str(r.siblings)},
            {
                "key": "Maximum distance",
                "value": f"{r.max_distance_miles} miles" if r.max_distance_miles else "No limit",
            },
            {"key": "Areas to avoid", "value": r.areas_to_avoid or "None"},
            {"key": "Minimum staffing ratio", "value": r.get_staffing_ratio_display() or "Usual staffing"},
            {"key": "Social worker", "value": r.social_worker},
            {"key": "Notes", "value": r.notes},
            {"key": "Logged by", "value": r.created_by.email if r.created_by else "Import or system"},
        ]
        outcome_rows = []
        if r.status == Status.PLACED:
            outcome_rows = [
                {"key": "Placed with", "value": r.placed_with_label},
                {
                    "key": "Placement started",
                    "value": f"{fmt_date(r.placed_on)} ({r.days_to_place} days after the request)",
                },
                {
                    "key": "Category",
                    "value": PLANNING_CATEGORY_LABELS.get(r.placed_category, r.placed_category),
                },
                {"key": "Route", "value": r.get_placed_route_display()},
                {"key": "Agreed weekly cost", "value": money(r.agreed_weekly_cost)},
                {
                    "key": "Distance from home",
                    "value": f"about {r.distance_miles} miles (from the home district or sector)"
                    if r.distance_miles is not None
                    else "Unknown",
                },
                {
                    "key": "Placed to plan",
                    "value": "Yes"
                    if r.placed_to_plan
                    else "No: "
                    + (
                        not_to_plan_reason(
                            {kind: getattr(r, kind) for kind in KINDS},
                            r.placed_category,
                            siblings=r.siblings,
                            siblings_outcome=r.siblings_outcome,
                        )
                        or "the placement did not meet the plan"
                    ),
                },
                {
                    "key": "SSDA903 episode",
                    "value": f"Linked: episode from {fmt_date(r.episode_decom)}"
                    if r.episode_decom
                    else "Not yet linked (after the next SSDA903 import)",
                },
            ]
            if r.siblings:
                outcome_rows.insert(
                    6,
                    {
                        "key": "Siblings",
                        "value": SiblingsOutcomeChoices(r.siblings_outcome or "together").label,
                    },
                )
        elif r.status in (Status.WITHDRAWN, Status.NOT_PLACED):
            outcome_rows = [
                {"key": "Outcome", "value": r.get_status_display()},
                {
                    "key": "Reason",
                    "value": CloseReasonChoices(r.close_reason).label if r.close_reason else "",
                },
                {"key": "Date", "value": fmt_date(r.closed_on)},
            ]
        approaches = []
        for a in r.approaches.select_related("setting", "household__agency", "approached_by"):
            links = {
                "offer": (
                    "Record offer",
                    reverse(
                        "placements:approach-offer", kwargs={"code": code, "pk": r.pk, "approach_pk": a.pk}
                    ),
                ),
                "decline": (
                    "Record decline",
                    reverse(
                        "placements:approach-decline",
                        kwargs={"code": code, "pk": r.pk, "approach_pk": a.pk},
                    ),
                ),
                "place": (
                    "Place here",
                    reverse("placements:request-place", kwargs={"code": code, "pk": r.pk})
                    + f"?approach={a.pk}",
                ),
            }
            actions = [links[action] for action in approach_actions(a.status)] if can_work else []
            outcome = a.get_status_display()
            if a.status == ApproachStatusChoices.DECLINED:
                outcome = (
                    f"Declined by {a.get_declined_by_display().lower()}: {a.get_decline_reason_display()}"
                )
            elif a.offered_at:
                outcome = f"{outcome}" + (
                    f", {money(a.offer_weekly_cost)} a week" if a.offer_weekly_cost is not None else ""
                )
            approaches.append(
                {
                    "label": a.target_label,
                    "sent": f"{timezone.localtime(a.approached_at):%-d %b %Y %H:%M}",
                    "outcome": outcome,
                    "actions": [{"text": text, "href": href} for text, href in actions],
                }
            )
        events = [
            [
                f"{timezone.localtime(e.at):%-d %b %Y %H:%M}",
                e.by.email if e.by else "Import or system",
                e.get_action_display()
                + (
                    f": {Status(e.from_status).label} to {Status(e.to_status).label}"
                    if e.from_status and e.to_status
                    else ""
                ),
            ]
            for e in r.events.select_related("by").order_by("-at", "-id")
        ]
        context.update(
            title=f"Request {r.pk}",
            child_rows=child_rows,
            request_rows=request_rows,
            outcome_rows=outcome_rows,
            approaches=approaches,
            event_headers=["When", "Who", "What"],
            event_rows=events,
            can_work=can_work,
            list_url=reverse("placements:request-list", kwargs={"code": code}),
            search_url=self.request_url("request-search"),
            place_url=self.request_url("request-place"),
            withdraw_url=self.request_url("request-withdraw"),
            not_placed_url=self.request_url("request-not-placed"),
            update_url=self.request_url("request-update"),
        )
        return context


class ActionMixin(RequestMixin):
    """A form that acts on a request still being worked (an illegal move is a GOV.UK error, not a 500)."""

    allowed_roles = FINDING_WORK_ROLES
    template_name = "placements/finding/action_form.html"
    title = ""
    submit = "Save"
    intro = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            submit=self.submit,
            intro=self.intro,
            placement_request=self.get_request(),
            back_url=self.request_url(),
        )
        return context

    def act(self, form: Any) -> str:
        raise NotImplementedError

    def form_valid(self, form: Any) -> Any:
        try:
            message = self.act(form)
        except FindingRuleViolation as exc:
            form.add_error(None, exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.request_url())


class RequestCloseView(ActionMixin, FormView):
    """Withdraw a request (no longer needed) or close it as not placed (no home was found)."""

    form_class = forms.CloseForm

    @property
    def withdrawing(self) -> bool:
        return self.kwargs["outcome"] == "withdraw"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.title = (
            f"{'Withdraw' if self.withdrawing else 'Close as not placed:'} request {self.get_request().pk}"
        )
        self.submit = "Withdraw request" if self.withdrawing else "Close as not placed"
        self.intro = (
            "The placement is no longer needed."
            if self.withdrawing
            else "The search ended without a home being found. This counts as unmet need."
        )
        return super().get_context_data(**kwargs)

    def act(self, form: forms.CloseForm) -> str:
        service = (
            services.placement_request_withdraw
            if self.withdrawing
            else services.placement_request_mark_not_placed
        )
        service(
            placement_request=self.get_request(),
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data.get("closed_on"),
            acting_user=self.request.user,
            request=self.request,
        )
        return "The request was withdrawn." if self.withdrawing else "The request was closed as not placed."


class RequestPlaceView(ActionMixin, FormView):
    """Record the outcome: the child was placed (through an offer, or recorded directly)."""

    form_class = forms.PlaceForm
    submit = "Record placement"
    intro = "The distance from home and whether the child was placed to plan are worked out for you."

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = {**super().get_form_kwargs(), "placement_request": self.get_request()}
        chosen = self.request.GET.get("approach")
        if chosen and self.request.method == "GET":
            kwargs["initial"] = {"placed_on": timezone.localdate(), "approach": chosen}
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        self.title = f"Record the placement for request {self.get_request().pk}"
        return super().get_context_data(**kwargs)

    def act(self, form: forms.PlaceForm) -> str:
        placement_request = services.placement_request_place(
            placement_request=self.get_request(),
            acting_user=self.request.user,
            request=self.request,
            **form.service_data(),
        )
        plan = "to plan" if placement_request.placed_to_plan else "not to plan"
        return f"The placement was recorded ({plan}). It will be linked to the SSDA903 episode after the next import."
