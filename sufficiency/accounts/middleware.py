"""Two-factor authentication (required for staff and some roles, enforced once set up for everyone), and no-store
caching for everything a signed-in person sees."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .security import two_factor_required

# Pages a signed-in person can open before the second step: signing out, the two-factor pages, and the
# public pages. Static files and the health check never need a person.
_ALWAYS_OPEN = ("/static/", "/healthz/", "/accessibility/", "/cookies/", "/privacy/")


class TwoFactorMiddleware:
    """After sign-in, send a person who must use two-factor authentication to enrol (staff, and roles in
    TWO_FACTOR_ROLES, without a device) or to enter a code (anyone with a confirmed device), before any other
    page, the Django admin included.

    Runs after django-otp's OTPMiddleware, which sets `request.user.is_verified()`. API requests made with a
    token are not affected (the token is the credential); API requests on an unverified session get 403.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._is_open(request.path):
            return self.get_response(request)
        if getattr(user, "is_verified", lambda: False)():
            return self.get_response(request)
        step = two_factor_required(user, request=request)
        if step is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "status": 403,
                    "code": "two_factor_required",
                    "detail": "Complete two-factor authentication.",
                },
                status=403,
            )
        target = reverse("accounts:two-factor-setup" if step == "enrol" else "accounts:two-factor-verify")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def _is_open(path: str) -> bool:
        if path.startswith(_ALWAYS_OPEN) or path.startswith(settings.STATIC_URL):
            return True
        return path in (
            reverse("accounts:two-factor-setup"),
            reverse("accounts:two-factor-verify"),
            reverse("logout"),
            reverse("login"),
        )


class NoStoreMiddleware:
    """Nothing a signed-in person sees, and no download, may be kept by a browser or a shared cache:
    `Cache-Control: no-store` (with `Pragma: no-cache` for old proxies) on every response to an
    authenticated user and on every attachment. A page with children's data left in a library
    computer's cache, or a CSV in a proxy, would outlive the session that was allowed to see it.

    Static files are served by WhiteNoise before this middleware runs, so their long cache lifetimes
    are kept. API requests authenticated by token count: DRF sets `request.user` once the view ran.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = "attachment" in response.get("Content-Disposition", "") or response.streaming
        if signed_in or download:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
            response["Pragma"] = "no-cache"
        return response
