"""Dashboard URLs: an authority's pages under /authorities/<DfE code>/dashboards/, and a region's page
under /regions/<ONS region code>/dashboards/. Included at the site root (one include, one namespace)."""

from django.urls import path

from . import views

app_name = "dashboards"
_A = "authorities/<str:code>/dashboards/"
_R = "regions/<str:region>/dashboards/"
urlpatterns = [
    path(_A, views.OverviewView.as_view(), name="overview"),
    path(f"{_A}forecast/", views.ForecastView.as_view(), name="forecast"),
    path(f"{_A}gap/", views.GapView.as_view(), name="gap"),
    path(f"{_A}market/", views.MarketView.as_view(), name="market"),
    path(f"{_A}<slug:page>/csv/<slug:key>/", views.DashboardCsvView.as_view(), name="csv"),
    path(_R, views.RegionView.as_view(), name="region"),
    path(f"{_R}csv/<slug:key>/", views.RegionCsvView.as_view(), name="region-csv"),
]
