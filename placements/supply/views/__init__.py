"""Pages of the supply side: Ofsted settings, in-house capacity, block contracts and vacancies.

Who may do what (tested in tests/placements/supply/test_views.py):
- any member of the authority, board members and regional analysts included, reads the supply
  overview, Ofsted settings, in-house homes and block contracts: capacity, never a child;
- fostering households and vacancies are operational records about carers and places: only
  commissioners, placement finders, data managers and administrators see them;
- commissioners (and administrators) edit capacity and the authority's own framework memberships; placement finders and commissioners record and
  confirm vacancies; data managers upload Ofsted files; commissioners and data managers import households.
Every view resolves its authority through `AuthorityMixin`, so another authority's record is 404.
"""

from .capacity import (
    ContractDetailView,
    ContractFormView,
    ContractListView,
    HomeDetailView,
    HomeFormView,
    HomeListView,
    HouseholdDetailView,
    HouseholdFormView,
    HouseholdImportView,
    HouseholdListView,
)
from .fostering import FosteringCapacityView, PlacesUnavailableCreateView, PlacesUnavailableEndView
from .frameworks import FrameworkEndView, FrameworkFormView, FrameworkListView
from .funnel import FunnelImportView, FunnelMonthFormView
from .overview import OfstedImportView, SettingDetailView, SettingListView, SupplyOverviewView
from .residential import ResidentialOccupancyView
from .vacancies import VacancyCloseView, VacancyConfirmView, VacancyCreateView, VacancyListView

__all__ = [
    "ContractDetailView",
    "ContractFormView",
    "ContractListView",
    "FosteringCapacityView",
    "FrameworkEndView",
    "FrameworkFormView",
    "FrameworkListView",
    "FunnelImportView",
    "FunnelMonthFormView",
    "HomeDetailView",
    "HomeFormView",
    "HomeListView",
    "HouseholdDetailView",
    "HouseholdFormView",
    "HouseholdImportView",
    "HouseholdListView",
    "OfstedImportView",
    "PlacesUnavailableCreateView",
    "PlacesUnavailableEndView",
    "ResidentialOccupancyView",
    "SettingDetailView",
    "SettingListView",
    "SupplyOverviewView",
    "VacancyCloseView",
    "VacancyConfirmView",
    "VacancyCreateView",
    "VacancyListView",
]
