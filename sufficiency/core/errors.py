"""The server-error handler: the HTML 500 page for people, the API's JSON error body for API callers.

Django calls it for any exception no view handled, including a database that cannot be reached, which
happens before the API's own exception handler could run (e.g. while authenticating the token).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

API_PREFIX = "/api/"


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in the API's error body under /api/ (without personal data or internals), else the 500 page."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {
                "status": 500,
                "code": "server_error",
                "detail": "The server could not complete the request; try again shortly.",
            },
            status=500,
        )
    return defaults.server_error(request)
