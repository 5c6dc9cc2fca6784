"""URLs of the KPI catalogue and strategies. Included at the site root (one include, one namespace)."""

from django.urls import path

from . import views

app_name = "reports"
_S = "authorities/<str:code>/strategy/"
urlpatterns = [
    path("kpis/definitions/", views.KpiDefinitionsView.as_view(), name="kpi-definitions"),
    path("authorities/<str:code>/kpis/", views.KpiListView.as_view(), name="kpi-list"),
    path(_S, views.StrategyListView.as_view(), name="strategy-list"),
    path(f"{_S}new/", views.StrategyCreateView.as_view(), name="strategy-create"),
    path(f"{_S}<int:pk>/", views.StrategyDetailView.as_view(), name="strategy-detail"),
    path(f"{_S}<int:pk>/edit/", views.StrategyUpdateView.as_view(), name="strategy-update"),
    path(f"{_S}<int:pk>/history/", views.StrategyHistoryView.as_view(), name="strategy-history"),
    path(f"{_S}<int:pk>/objectives/new/", views.ObjectiveCreateView.as_view(), name="objective-create"),
    path(
        f"{_S}<int:pk>/objectives/<int:item>/edit/",
        views.ObjectiveUpdateView.as_view(),
        name="objective-update",
    ),
    path(
        f"{_S}<int:pk>/objectives/<int:item>/measures/new/",
        views.MeasureCreateView.as_view(),
        name="measure-create",
    ),
    path(f"{_S}<int:pk>/measures/<int:item>/edit/", views.MeasureUpdateView.as_view(), name="measure-update"),
    path(f"{_S}<int:pk>/actions/new/", views.ActionCreateView.as_view(), name="action-create"),
    path(f"{_S}<int:pk>/actions/<int:item>/edit/", views.ActionUpdateView.as_view(), name="action-update"),
]
