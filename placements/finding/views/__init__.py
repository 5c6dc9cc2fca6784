"""Pages of placement finding: placement requests, the matching search, referrals, offers and declines,
outcomes, and the unmet-need ledger. Who may do what: see `base`."""

from .approaches import ApproachDeclineView, ApproachOfferView
from .ledger import LedgerCsvView, LedgerView
from .requests import (
    RequestCloseView,
    RequestCreateView,
    RequestDetailView,
    RequestListView,
    RequestPlaceView,
    RequestUpdateView,
)
from .search import RequestSearchView

__all__ = [
    "ApproachDeclineView",
    "ApproachOfferView",
    "LedgerCsvView",
    "LedgerView",
    "RequestCloseView",
    "RequestCreateView",
    "RequestDetailView",
    "RequestListView",
    "RequestPlaceView",
    "RequestSearchView",
    "RequestUpdateView",
]
