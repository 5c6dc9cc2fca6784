"""Top-level URL configuration: pages, the placement register, and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from sufficiency.accounts import views as account_views
from sufficiency.accounts.oidc import SignOutView
from sufficiency.authorities import views as authority_views
from sufficiency.core.errors import server_error
from sufficiency.reports.home import LandingView

urlpatterns = [
    path("", LandingView.as_view(), name="home"),
    path("sign-in/", account_views.SignInView.as_view(), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path(
        "accessibility/", TemplateView.as_view(template_name="pages/accessibility.html"), name="accessibility"
    ),
    path("cookies/", TemplateView.as_view(template_name="pages/cookies.html"), name="cookies"),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("healthz/", authority_views.health, name="health"),
    path("authorities/<str:code>/", include("placements.urls")),
    path("reference-data/", include("placements.reference_urls")),
    path("", include("sufficiency.reports.urls")),
    path("", include("sufficiency.dashboards.urls")),
    path("api/v1/", include("sufficiency.api.urls")),
    path("", include("sufficiency.accounts.urls")),
    path("admin/", admin.site.urls),
]

# A failure nobody handled (e.g. the database is unreachable): the HTML error page, or for the API its
# JSON error body.
handler500 = server_error
