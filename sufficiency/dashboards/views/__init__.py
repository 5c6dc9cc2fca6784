"""Dashboard pages, one module per page (docs/architecture.md: pages split by use case)."""

from .csv import DashboardCsvView, RegionCsvView
from .forecast import ForecastView
from .gap import GapView
from .market import MarketView
from .overview import OverviewView
from .region import RegionView

__all__ = [
    "DashboardCsvView",
    "ForecastView",
    "GapView",
    "MarketView",
    "OverviewView",
    "RegionCsvView",
    "RegionView",
]
