"""URLs of the placement register, under /authorities/<DfE code>/."""

from django.urls import path

from . import supply_views, views

app_name = "placements"
urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="import-list"),
    path("imports/new/", views.ImportCreateView.as_view(), name="import-create"),
    path("imports/<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("imports/<int:pk>/status/", views.ImportStatusView.as_view(), name="import-status"),
    path("imports/<int:pk>/errors.csv", views.ImportErrorReportView.as_view(), name="import-errors"),
    path("children/", views.ChildListView.as_view(), name="child-list"),
    path("children/<int:pk>/", views.ChildDetailView.as_view(), name="child-detail"),
    # Supply: Ofsted settings, in-house capacity, block contracts, vacancies (placements/supply_views/).
    path("supply/", supply_views.SupplyOverviewView.as_view(), name="supply-overview"),
    path("supply/settings/", supply_views.SettingListView.as_view(), name="setting-list"),
    path("supply/settings/<int:pk>/", supply_views.SettingDetailView.as_view(), name="setting-detail"),
    path("supply/ofsted/upload/", supply_views.OfstedImportView.as_view(), name="ofsted-import"),
    path("supply/households/", supply_views.HouseholdListView.as_view(), name="household-list"),
    path("supply/households/new/", supply_views.HouseholdFormView.as_view(), name="household-create"),
    path("supply/households/import/", supply_views.HouseholdImportView.as_view(), name="household-import"),
    path("supply/households/<int:pk>/", supply_views.HouseholdDetailView.as_view(), name="household-detail"),
    path("supply/households/<int:pk>/edit/", supply_views.HouseholdFormView.as_view(), name="household-update"),
    path("supply/homes/", supply_views.HomeListView.as_view(), name="home-list"),
    path("supply/homes/new/", supply_views.HomeFormView.as_view(), name="home-create"),
    path("supply/homes/<int:pk>/", supply_views.HomeDetailView.as_view(), name="home-detail"),
    path("supply/homes/<int:pk>/edit/", supply_views.HomeFormView.as_view(), name="home-update"),
    path("supply/contracts/", supply_views.ContractListView.as_view(), name="contract-list"),
    path("supply/contracts/new/", supply_views.ContractFormView.as_view(), name="contract-create"),
    path("supply/contracts/<int:pk>/", supply_views.ContractDetailView.as_view(), name="contract-detail"),
    path("supply/contracts/<int:pk>/edit/", supply_views.ContractFormView.as_view(), name="contract-update"),
    path("supply/vacancies/", supply_views.VacancyListView.as_view(), name="vacancy-list"),
    path("supply/vacancies/new/", supply_views.VacancyCreateView.as_view(), name="vacancy-create"),
    path("supply/vacancies/<int:pk>/confirm/", supply_views.VacancyConfirmView.as_view(), name="vacancy-confirm"),
    path("supply/vacancies/<int:pk>/close/", supply_views.VacancyCloseView.as_view(), name="vacancy-close"),
]
