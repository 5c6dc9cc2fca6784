"""The KPI catalogue: ``registry`` holds every KPI by its stable key (see catalogue.py).

from sufficiency.reports.kpis import registry
registry["children_in_care"].evaluate(ctx)
"""

from . import catalogue  # noqa: F401  (registers every KPI)
from .base import Direction, EnglandFigure, Group, Kind, Kpi, KpiValue, Unit, registry
from .context import KpiContext, KpiSession, RegisterData, previous_date
from .sources import register_kpi_source

__all__ = [
    "Direction",
    "EnglandFigure",
    "Group",
    "Kind",
    "Kpi",
    "KpiContext",
    "KpiSession",
    "KpiValue",
    "RegisterData",
    "Unit",
    "previous_date",
    "register_kpi_source",
    "registry",
]
