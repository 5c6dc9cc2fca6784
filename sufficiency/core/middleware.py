"""Error pages in the service's own templates, even where DEBUG is on (local settings).

With DEBUG on, Django answers a page that is not found (a URL that matches nothing, or a view raising
Http404, which is also what a person gets for a page their role may not open) and a bad request with its
technical page, which lists the URL patterns and settings. People must see the same plain page they would
see in production, so this middleware answers those with Django's own handlers (`django.views.defaults`),
which render `404.html`, `403.html` and `400.html` with the request and its context processors.

Server errors (500) keep Django's technical page under DEBUG: there the traceback is what a developer
needs, and production always renders `500.html`. The API keeps its own JSON errors.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.views import defaults

from .errors import API_PREFIX


class ServiceErrorPagesMiddleware:
    """Under DEBUG, render the service's 400, 403 and 404 pages instead of Django's technical pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.DEBUG and not request.path.startswith(API_PREFIX):
            try:
                resolve(request.path_info)
            except Resolver404 as exc:
                # Nothing matches: the page Django's handler would give in production. CommonMiddleware
                # (outside this one) still redirects "/page" to "/page/" when the latter exists.
                return defaults.page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not settings.DEBUG or request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return defaults.bad_request(request, exception)
        return None
