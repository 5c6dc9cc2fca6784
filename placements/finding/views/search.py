"""The matching search for one request: every candidate with why it is in or out and its score; sending
the referral to a shortlist records the approaches."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.views.generic import TemplateView

from sufficiency.authorities.permissions import FINDING_WORK_ROLES
from sufficiency.core.formatting import money

from ...categories import PLANNING_CATEGORY_LABELS
from ...choices import RouteChoices
from ...models import FosteringHousehold, Setting
from ...reference_data import ofsted_provenance_text
from .. import forms, selectors, services
from ..lifecycle import FINAL_STATUSES, FindingRuleViolation
from ..matching import FAIL, PASS, WARN, Match, candidate_type, sibling_options
from .base import RequestMixin

#: Candidates not included are listed in the matching order up to this many (with their total): with
#: "include those without a vacancy" a county's market is hundreds of rows nobody reads to the end.
EXCLUDED_SHOWN = 50

REASON_CLASSES = {PASS: "govuk-tag--green", WARN: "govuk-tag--yellow", FAIL: "govuk-tag--red"}
REASON_WORDS = {PASS: "Meets", WARN: "Check", FAIL: "Excluded"}


def _row(match: Match, approached: set[str]) -> dict[str, Any]:
    """One candidate as the page shows it."""
    c = match.candidate
    return {
        "key": c.key,
        "name": c.name,
        "type": candidate_type(c),
        "kind": "In-house" if c.route == "in_house" else "External",
        "category": PLANNING_CATEGORY_LABELS.get(c.category, c.category),
        "route": RouteChoices(c.route).label if c.route in RouteChoices.values else c.route,
        "framework": c.framework,
        "included": match.included,
        "preferred": match.preferred,
        "score": match.score,
        "components": match.components,
        "cost": money(c.weekly_cost),
        "places": c.places,
        "distance": c.distance_miles,
        "approached": c.key in approached,
        "reasons": [
            {
                "status": r.status,
                "text": r.text,
                "classes": REASON_CLASSES[r.status],
                "word": REASON_WORDS[r.status],
            }
            for r in match.reasons
        ],
    }


class RequestSearchView(RequestMixin, TemplateView):
    """GET: the candidates (in-house and agency carers, fostering agencies, homes and supported
    accommodation on one list), best first, then those excluded and why. For a sibling group: how many
    can take the whole group together, and, apart, those that can take part of it and pairs of them.
    POST: send the referral to the ticked shortlist (one approach each)."""

    allowed_roles = FINDING_WORK_ROLES
    template_name = "placements/finding/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        placement_request = self.get_request()
        form = forms.SearchOptionsForm(self.request.GET or None)
        options = form.cleaned_data if form.is_bound and form.is_valid() else {}
        min_judgement = options.get("min_judgement") or settings.MATCHING_MIN_JUDGEMENT
        if not form.is_bound:
            form = forms.SearchOptionsForm(initial={"min_judgement": min_judgement})
        matches = selectors.match_candidates_for_request(
            placement_request=placement_request,
            min_judgement=min_judgement,
            include_without_vacancy=bool(options.get("include_without_vacancy")),
        )
        siblings = sibling_options(
            selectors.request_spec(placement_request, min_judgement=min_judgement), matches
        )
        approached = {
            f"setting:{a.setting_id}" if a.setting_id else f"household:{a.household_id}"
            for a in placement_request.approaches.all()
        }
        rows = [_row(match, approached) for match in matches]
        included = [r for r in rows if r["included"]]
        excluded = [r for r in rows if not r["included"]]
        by_type: dict[str, int] = {}
        for r in included:
            by_type[r["type"]] = by_type.get(r["type"], 0) + 1
        sibling_context: dict[str, Any] | None = None
        if siblings is not None:
            row_of = {r["key"]: r for r in included}
            sibling_context = {
                "group_size": siblings.group_size,
                "together": len(siblings.together),
                "unknown": len(siblings.unknown),
                "none_together": siblings.none_together,
                "split": [row_of[m.candidate.key] for m in siblings.split],
                "pairs": [
                    {
                        "first": row_of[a.candidate.key],
                        "second": row_of[b.candidate.key],
                        "places": (a.candidate.places or 0) + (b.candidate.places or 0),
                    }
                    for a, b in siblings.pairs
                ],
            }
            split_keys = {m.candidate.key for m in siblings.split}
            included = [r for r in included if r["key"] not in split_keys]
        context.update(
            ofsted_provenance=ofsted_provenance_text(),
            title=f"Find a placement for request {placement_request.pk}",
            placement_request=placement_request,
            form=form,
            included=included,
            excluded=excluded[:EXCLUDED_SHOWN],
            excluded_total=len(excluded),
            by_type=sorted(by_type.items()),
            siblings=sibling_context,
            can_send=placement_request.status not in FINAL_STATUSES,
            back_url=self.request_url(),
            stale_days=settings.VACANCY_STALE_DAYS,
        )
        return context

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        placement_request = self.get_request()
        keys = request.POST.getlist("candidate")
        setting_ids = [
            int(k.split(":")[1]) for k in keys if k.startswith("setting:") and k.split(":")[1].isdigit()
        ]
        household_ids = [
            int(k.split(":")[1]) for k in keys if k.startswith("household:") and k.split(":")[1].isdigit()
        ]
        if not setting_ids and not household_ids:
            messages.error(request, "Select at least one provider or carer to send the referral to")
            return redirect(self.request_url("request-search"))
        try:
            new = services.placement_request_approach(
                placement_request=placement_request,
                settings=Setting.objects.filter(id__in=setting_ids),
                # Only the authority's own households can be referred to (scoped, never by id alone).
                households=FosteringHousehold.objects.for_authority(self.authority).filter(
                    id__in=household_ids
                ),
                acting_user=request.user,
                request=request,
            )
        except FindingRuleViolation as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(self.request_url())
        messages.success(
            request,
            f"The referral was sent to {len(new)} provider{'s' if len(new) != 1 else ''} or carer{'s' if len(new) != 1 else ''}."
            if new
            else "Those providers had already been approached.",
        )
        return redirect(self.request_url())
