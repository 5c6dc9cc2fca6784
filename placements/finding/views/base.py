"""Shared by the placement-finding pages: who may do what, and the request lookup.

Who may do what (tested in tests/placements/finding/test_views.py):
- placement requests are child-level records: commissioners, placement finders, data managers and
  administrators of the authority read them; board members and regional analysts never do;
- commissioners, placement finders and administrators log and work requests (search, referrals, offers,
  declines, outcome); data managers read only;
- the unmet-need ledger is aggregate: every dashboard role reads it, board members and regional analysts
  included. It names no child and no request.
Every view resolves its authority through `AuthorityMixin`, so another authority's request is 404.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.urls import reverse

from sufficiency.authorities.permissions import FINDING_READ_ROLES, FINDING_WORK_ROLES
from sufficiency.core.audit import audit
from sufficiency.core.formatting import date_short
from sufficiency.core.views import AuthorityMixin

from ...models import Approach, PlacementRequest

# The pages' names for the one set of formatters (`sufficiency.core.formatting`).
fmt_date = date_short


class RequestMixin(AuthorityMixin):
    """Pages about one authority's placement requests."""

    allowed_roles = FINDING_READ_ROLES

    def requests(self) -> Any:
        return self.scoped(PlacementRequest.objects.all())

    def get_request(self) -> PlacementRequest:
        """The request of the URL (404 if not this authority's). Showing it (any GET: the request page,
        its edit form, search and action forms) is a read of a child-level record and is audited once."""
        if not hasattr(self, "_placement_request"):
            self._placement_request = get_object_or_404(
                self.requests().select_related("placed_setting", "placed_household__agency", "created_by"),
                pk=self.kwargs["pk"],
            )
            if self.request.method in ("GET", "HEAD"):
                audit(
                    action="placement_request.viewed",
                    actor=self.request.user,
                    authority=self.authority,
                    obj=self._placement_request,
                    detail={"page": self.request.resolver_match.url_name},
                    request=self.request,
                )
        return self._placement_request

    def get_approach(self) -> Approach:
        return get_object_or_404(
            Approach.objects.filter(placement_request=self.get_request()).select_related(
                "setting", "household__agency"
            ),
            pk=self.kwargs["approach_pk"],
        )

    def can_work(self) -> bool:
        return self.holds(FINDING_WORK_ROLES)

    def request_url(self, name: str = "request-detail", **kwargs: Any) -> str:
        return reverse(
            f"placements:{name}",
            kwargs={"code": self.authority.dfe_code, "pk": self.get_request().pk, **kwargs},
        )
