"""Published figures for England that an authority's figures are compared with: reference constants, each
with the year and source it comes from.

They sit with the register, below the surfaces, so that the KPI catalogue (`sufficiency.reports.kpis`) and
the dashboards read the same values without importing each other.
"""

from __future__ import annotations

from typing import NamedTuple


class EnglandValue(NamedTuple):
    value: float
    year: str
    source: str


DFE_CLA_2025 = "DfE, Children looked after in England including adoptions, year ending 31 March 2025"

#: Children looked after in England on 31 March 2025.
CHILDREN_IN_CARE = EnglandValue(81_770, "31 March 2025", DFE_CLA_2025)
#: Children looked after per 10,000 children in England on 31 March 2025.
CLA_RATE_PER_10000 = EnglandValue(67, "31 March 2025", DFE_CLA_2025)
