"""The placement register's API routes, registered on the /api/v1/ router by `sufficiency.api.urls`.

(prefix, viewset, basename): URL names are `api:<basename>-list`, `api:<basename>-detail`.
"""

from . import finding, vacancies, views

ROUTES = [
    ("children", views.ChildViewSet, "child"),
    ("episodes", views.EpisodeViewSet, "episode"),
    ("settings", views.SettingViewSet, "setting"),
    ("providers", views.ProviderViewSet, "provider"),
    ("imports", views.ImportJobViewSet, "import"),
    ("placement-requests", finding.PlacementRequestViewSet, "placement-request"),
    ("vacancies", vacancies.VacancyViewSet, "vacancy"),
]
