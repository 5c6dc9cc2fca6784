"""URLs of the placement register, under /authorities/<DfE code>/."""

from django.urls import path

from . import views

app_name = "placements"
urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/new/", views.ImportCreateView.as_view(), name="import-create"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/status/", views.ImportStatusView.as_view(), name="import-status"),
    path("imports/<int:pk>/errors.csv", views.ImportErrorReportView.as_view(), name="import-errors"),
    path("children/", views.ChildListView.as_view(), name="child-list"),
    path("children/<int:pk>/", views.ChildDetailView.as_view(), name="child-detail"),
]
