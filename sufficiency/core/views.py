"""Base view mixins: every authority page resolves its authority here, once, and 404s for outsiders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest

from sufficiency.authorities.models import LocalAuthority
from sufficiency.authorities.permissions import CHILD_LEVEL_ROLES, authority_ids_for, holds


class AuthorityMixin(LoginRequiredMixin):
    """Resolve the `code` URL argument (DfE code) to an authority the user may act for in this view.

    `allowed_roles` says which roles may open the view. Anyone else, including members of other
    authorities, gets 404: we do not reveal whether a record exists.
    """

    allowed_roles: Iterable[str] = CHILD_LEVEL_ROLES
    authority: LocalAuthority

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        code = kwargs.get("code", "")
        ids = self.permitted_authority_ids(request)
        try:
            self.authority = LocalAuthority.objects.select_related("region").get(dfe_code=code, id__in=ids)
        except LocalAuthority.DoesNotExist:
            raise Http404("No such authority") from None
        request.authority = self.authority  # type: ignore[attr-defined]  # for the context processor
        return super().dispatch(request, *args, **kwargs)

    def permitted_authority_ids(self, request: HttpRequest) -> list[int]:
        """The authorities the user may open this view for: by `allowed_roles`, unless the view follows a
        policy shared with the API (then it calls that policy's function)."""
        return authority_ids_for(request.user, self.allowed_roles)

    def holds(self, roles: Iterable[str]) -> bool:
        """Whether the signed-in person holds one of `roles` in this page's authority (what a page may
        offer beyond what opened it: an edit link, an import button, a drill-down)."""
        return holds(self.request.user, self.authority, roles)  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]  # a mixin: the view class it is combined with provides this
        context["authority"] = self.authority
        return context

    def scoped(self, queryset: Any) -> Any:
        """Restrict an authority-owned queryset to this view's authority and the user's visibility."""
        return queryset.visible_to(self.request.user, self.allowed_roles).for_authority(self.authority)  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this
