"""URLs of the review of national reference data, under /reference-data/ (no authority: platform pages)."""

from django.urls import path

from . import reference_views

app_name = "reference"
urlpatterns = [
    path("proposals/", reference_views.ReferenceProposalListView.as_view(), name="proposal-list"),
    path(
        "proposals/<int:pk>/", reference_views.ReferenceProposalDetailView.as_view(), name="proposal-detail"
    ),
]
