"""The partner API, version 1: one router for every app's viewsets, the OpenAPI schema and its docs.

Apps register their viewsets in `<app>/api/urls.py` as ROUTES = [(prefix, viewset, basename)] and are
added here. Anything under /api/v1/ that matches no route is a JSON 404 in the API's error body.
"""

from csp.decorators import csp_update
from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from placements.api.urls import ROUTES as PLACEMENT_ROUTES

from . import views

app_name = "api"

# Swagger UI's page has a small inline <style> and React sets inline styles: allowed on this page only.
docs_view = csp_update({"style-src": ["'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api:schema")
)

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("authorities", views.AuthorityViewSet, basename="authority")
for prefix, viewset, basename in PLACEMENT_ROUTES:
    router.register(prefix, viewset, basename=basename)


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown API paths answer in the API's error body, not with the HTML 404 page."""
    return JsonResponse({"status": 404, "code": "not_found", "detail": "Not found."}, status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs_view, name="docs"),
    *router.urls,
    re_path(r"^(?P<rest>.*)$", not_found),
]
