"""The home page: which authorities the signed-in person works for, and in which roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.generic import TemplateView

from .selectors import memberships_for_user


class HomeView(LoginRequiredMixin, TemplateView):
    """Lists the user's authorities with their roles and what each role can open."""

    template_name = "authorities/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        authorities = memberships_for_user(user=self.request.user)
        if len(authorities) == 1:
            # One authority: the navigation offers its pages (the ones the person's roles may open).
            self.request.nav_authority = authorities[0].authority  # type: ignore[attr-defined]  # for the context processor
        context["authorities"] = authorities
        return context


def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database readiness for load balancers and compose health checks."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"status": "ok"})
    except Exception:  # noqa: BLE001 - any database failure means not ready
        return JsonResponse({"status": "database unavailable"}, status=503)
