"""Plug-in points for KPIs whose data lives in features built outside this app.

The placement-finding KPIs (``placement_requests``, ``median_days_to_place`` ...) are defined and tested
here, against a frame of placement requests. Until the placement-finding feature exists they are "no
data". The feature plugs in in one of two ways:

1. **Preferred: provide the frame.** Add to ``placements/selectors.py``::

       def placement_request_frame_for_authorities(*, authority_ids: list[int]) -> pd.DataFrame

   returning one row per placement request of those authorities with the columns of
   `PLACEMENT_REQUEST_COLUMNS` below. `KpiContext.placement_requests` imports it when it exists (a
   guarded import, so nothing breaks before), once per context, and the catalogue's definitions then
   compute real values (regional comparators included) with no further change.

2. **Override one KPI's computation** (e.g. a figure the frame cannot express)::

       from sufficiency.reports.kpis.sources import register_kpi_source

       @register_kpi_source("providers_approached_per_request")
       def _providers(ctx): ...  # returns a KpiValue, a number, or None for no data

   in the providing app's ``AppConfig.ready()``. A registered source replaces ``compute`` for that key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import KpiContext

#: Columns of the placement-request frame (docs/domain.md section 5):
#:   authority_id (int), requested_on (datetime64), emergency (bool: a same-day search),
#:   fostering_preferred (bool: fostering marked "preferred"), placed_on (datetime64, NaT if not placed),
#:   placed_category (planning category of the placement made, or None), weekly_cost (float, NaN unknown),
#:   placed_to_plan (boolean, NA unknown), sibling_group (bool: to be placed with siblings),
#:   siblings_split (boolean, NA unknown), providers_approached (int), foster_preferred_residential (bool:
#:   fostering preferred, placed in residential care), extra_annual_cost (float, NaN unknown: that child's
#:   extra cost a year, as the unmet-need ledger defines it in placements.finding.ledger).
PLACEMENT_REQUEST_COLUMNS = (
    "authority_id",
    "requested_on",
    "emergency",
    "fostering_preferred",
    "placed_on",
    "placed_category",
    "weekly_cost",
    "placed_to_plan",
    "sibling_group",
    "siblings_split",
    "providers_approached",
    "foster_preferred_residential",
    "extra_annual_cost",
)

KpiSource = Callable[["KpiContext"], Any]
_SOURCES: dict[str, KpiSource] = {}


def register_kpi_source(key: str) -> Callable[[KpiSource], KpiSource]:
    """Decorator: compute the KPI ``key`` with the decorated function instead of its own ``compute``."""

    def decorator(func: KpiSource) -> KpiSource:
        _SOURCES[key] = func
        return func

    return decorator


def unregister_kpi_source(key: str) -> None:
    _SOURCES.pop(key, None)


def get_kpi_source(key: str) -> KpiSource | None:
    return _SOURCES.get(key)
