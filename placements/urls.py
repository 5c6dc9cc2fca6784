"""URLs of the placement register, under /authorities/<DfE code>/."""

from django.urls import path

from . import views
from .finding import views as finding_views
from .national import views as national_views
from .supply import views as supply_views

app_name = "placements"
urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/new/", views.ImportCreateView.as_view(), name="import-create"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/status/", views.ImportStatusView.as_view(), name="import-status"),
    path("imports/<int:pk>/errors.csv", views.ImportErrorReportView.as_view(), name="import-errors"),
    path("data-quality/", views.DataQualityView.as_view(), name="data-quality"),
    path(
        "national-statistics/upload/",
        national_views.NationalStatisticsUploadView.as_view(),
        name="national-upload",
    ),
    path("children/", views.ChildListView.as_view(), name="child-list"),
    path("children/<int:pk>/", views.ChildDetailView.as_view(), name="child-detail"),
    # Supply: Ofsted settings, in-house capacity, block contracts, vacancies (placements/supply/views/).
    path("supply/", supply_views.SupplyOverviewView.as_view(), name="supply-overview"),
    path("supply/settings/", supply_views.SettingListView.as_view(), name="setting-list"),
    path("supply/settings/<int:pk>/", supply_views.SettingDetailView.as_view(), name="setting-detail"),
    path("supply/ofsted/upload/", supply_views.OfstedImportView.as_view(), name="ofsted-import"),
    path("supply/households/", supply_views.HouseholdListView.as_view(), name="household-list"),
    path("supply/households/new/", supply_views.HouseholdFormView.as_view(), name="household-create"),
    path("supply/households/import/", supply_views.HouseholdImportView.as_view(), name="household-import"),
    path("supply/households/<int:pk>/", supply_views.HouseholdDetailView.as_view(), name="household-detail"),
    path(
        "supply/households/<int:pk>/edit/", supply_views.HouseholdFormView.as_view(), name="household-update"
    ),
    path("supply/fostering/", supply_views.FosteringCapacityView.as_view(), name="fostering-capacity"),
    path(
        "supply/residential/", supply_views.ResidentialOccupancyView.as_view(), name="residential-occupancy"
    ),
    path("supply/recruitment/new/", supply_views.FunnelMonthFormView.as_view(), name="funnel-month-create"),
    path("supply/recruitment/import/", supply_views.FunnelImportView.as_view(), name="funnel-import"),
    path(
        "supply/households/<int:pk>/unavailable/new/",
        supply_views.PlacesUnavailableCreateView.as_view(),
        name="unavailable-create",
    ),
    path(
        "supply/unavailable/<int:pk>/end/",
        supply_views.PlacesUnavailableEndView.as_view(),
        name="unavailable-end",
    ),
    path("supply/homes/", supply_views.HomeListView.as_view(), name="home-list"),
    path("supply/homes/new/", supply_views.HomeFormView.as_view(), name="home-create"),
    path("supply/homes/<int:pk>/", supply_views.HomeDetailView.as_view(), name="home-detail"),
    path("supply/homes/<int:pk>/edit/", supply_views.HomeFormView.as_view(), name="home-update"),
    path("supply/contracts/", supply_views.ContractListView.as_view(), name="contract-list"),
    path("supply/contracts/new/", supply_views.ContractFormView.as_view(), name="contract-create"),
    path("supply/contracts/<int:pk>/", supply_views.ContractDetailView.as_view(), name="contract-detail"),
    path("supply/contracts/<int:pk>/edit/", supply_views.ContractFormView.as_view(), name="contract-update"),
    path("supply/frameworks/", supply_views.FrameworkListView.as_view(), name="framework-list"),
    path("supply/frameworks/new/", supply_views.FrameworkFormView.as_view(), name="framework-create"),
    path(
        "supply/frameworks/<int:pk>/edit/", supply_views.FrameworkFormView.as_view(), name="framework-update"
    ),
    path("supply/frameworks/<int:pk>/end/", supply_views.FrameworkEndView.as_view(), name="framework-end"),
    path("supply/vacancies/", supply_views.VacancyListView.as_view(), name="vacancy-list"),
    path("supply/vacancies/new/", supply_views.VacancyCreateView.as_view(), name="vacancy-create"),
    path(
        "supply/vacancies/<int:pk>/confirm/",
        supply_views.VacancyConfirmView.as_view(),
        name="vacancy-confirm",
    ),
    path("supply/vacancies/<int:pk>/close/", supply_views.VacancyCloseView.as_view(), name="vacancy-close"),
    # Placement finding: requests, matching search, approaches, outcomes, ledger (placements/finding/views/).
    path("placement-requests/", finding_views.RequestListView.as_view(), name="request-list"),
    path("placement-requests/new/", finding_views.RequestCreateView.as_view(), name="request-create"),
    path("placement-requests/ledger/", finding_views.LedgerView.as_view(), name="finding-ledger"),
    path("placement-requests/ledger.csv", finding_views.LedgerCsvView.as_view(), name="finding-ledger-csv"),
    path("placement-requests/<int:pk>/", finding_views.RequestDetailView.as_view(), name="request-detail"),
    path(
        "placement-requests/<int:pk>/edit/", finding_views.RequestUpdateView.as_view(), name="request-update"
    ),
    path(
        "placement-requests/<int:pk>/search/",
        finding_views.RequestSearchView.as_view(),
        name="request-search",
    ),
    path(
        "placement-requests/<int:pk>/place/", finding_views.RequestPlaceView.as_view(), name="request-place"
    ),
    path(
        "placement-requests/<int:pk>/withdraw/",
        finding_views.RequestCloseView.as_view(),
        {"outcome": "withdraw"},
        name="request-withdraw",
    ),
    path(
        "placement-requests/<int:pk>/not-placed/",
        finding_views.RequestCloseView.as_view(),
        {"outcome": "not-placed"},
        name="request-not-placed",
    ),
    path(
        "placement-requests/<int:pk>/approaches/<int:approach_pk>/offer/",
        finding_views.ApproachOfferView.as_view(),
        name="approach-offer",
    ),
    path(
        "placement-requests/<int:pk>/approaches/<int:approach_pk>/decline/",
        finding_views.ApproachDeclineView.as_view(),
        name="approach-decline",
    ),
]
