"""What a KPI is: a named, documented calculation with a stable key, computed from a `KpiContext`.

Each KPI is a class in `catalogue.py` registered with `@register`. Its ``compute(ctx)`` returns a
`KpiValue`: the value, and for ratios the numerator and denominator it came from (so that a board paper
can say "12 of 96" and so that the regional comparator is the region's own ratio, not a mean of the
authorities' percentages). ``None`` means "no data" (nothing to count, or the feature that holds the
data does not exist yet); it is never zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from .context import KpiContext


class Unit(StrEnum):
    """How a KPI's value is measured and shown."""

    COUNT = "count"
    PERCENT = "percent"  # 0-100
    RATE_PER_10000 = "per_10000"
    DAYS = "days"
    MILES = "miles"
    GBP_PER_WEEK = "gbp_per_week"
    GBP_PER_YEAR = "gbp_per_year"
    NUMBER = "number"


UNIT_LABELS = {
    Unit.COUNT: "children",
    Unit.PERCENT: "%",
    Unit.RATE_PER_10000: "per 10,000 children",
    Unit.DAYS: "days",
    Unit.MILES: "miles",
    Unit.GBP_PER_WEEK: "£ per week",
    Unit.GBP_PER_YEAR: "£ per year",
    Unit.NUMBER: "",
}


class Direction(StrEnum):
    """Which way is better. NEUTRAL: a fact to plan by, not a performance measure (e.g. children in
    care); a strategy measure on such a KPI must say its own direction."""

    HIGHER = "higher"
    LOWER = "lower"
    NEUTRAL = "neutral"


class Kind(StrEnum):
    """SNAPSHOT: as at the date (31 March for year end). ROLLING_12M: the 12 months to the date inclusive
    (1 April 2024 to 31 March 2025 for 31 March 2025). COLLECTION_YEAR: the latest SSDA903 collection
    year ending on or before the date."""

    SNAPSHOT = "snapshot"
    ROLLING_12M = "rolling_12m"
    COLLECTION_YEAR = "collection_year"


class Group(StrEnum):
    """docs/domain.md section 6 headings, in the order boards read them."""

    DEMAND = "Demand"
    MIX = "Placement mix"
    LOCALITY = "Locality"
    QUALITY = "Quality"
    STABILITY = "Stability"
    FINDING = "Placement finding"
    COST = "Cost"
    CARERS = "Foster carer supply"
    CARE_LEAVERS = "Care leavers"
    DELIVERY = "Strategy delivery"


@dataclass(frozen=True)
class KpiValue:
    """A computed KPI: ``value`` (None for no data) and, for ratios and means, what it was made of."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None

    @classmethod
    def none(cls) -> KpiValue:
        return cls(None)

    @classmethod
    def count(cls, n: int | float | None) -> KpiValue:
        return cls(None if n is None else float(n), None if n is None else float(n), None)

    @classmethod
    def percent(cls, numerator: int | float, denominator: int | float) -> KpiValue:
        """numerator / denominator x 100 to 1 decimal place; no data when the denominator is 0."""
        if not denominator:
            return cls(None, float(numerator), float(denominator or 0))
        return cls(round(numerator / denominator * 100, 1), float(numerator), float(denominator))

    @classmethod
    def mean(cls, total: int | float, n: int | float, places: int = 1) -> KpiValue:
        """total / n to ``places`` decimal places; no data when n is 0."""
        if not n:
            return cls(None, float(total), float(n or 0))
        return cls(round(total / n, places), float(total), float(n))


@dataclass(frozen=True)
class EnglandFigure:
    """A published national figure held as a reference constant, with where and when it comes from."""

    value: float
    year: str
    source: str


class Kpi:
    """Base class of every KPI. Subclasses set the class attributes and implement ``compute``."""

    key: ClassVar[str]
    name: ClassVar[str]
    unit: ClassVar[Unit]
    definition: ClassVar[str]
    direction: ClassVar[Direction] = Direction.NEUTRAL
    group: ClassVar[Group]
    kind: ClassVar[Kind] = Kind.SNAPSHOT
    #: False when a regional figure makes no sense (e.g. one authority's own strategy actions).
    regional: ClassVar[bool] = True
    #: Where the data comes from: "register" (SSDA903, Ofsted, carers, OC3, costs), "placement_requests"
    #: (the placement-finding feature) or "strategy" (this app).
    source: ClassVar[str] = "register"
    england: ClassVar[EnglandFigure | None] = None

    def compute(self, ctx: KpiContext) -> KpiValue:
        raise NotImplementedError

    def evaluate(self, ctx: KpiContext) -> KpiValue:
        """``compute`` unless a source has been plugged in for this key (see ``sources.py``)."""
        from .sources import get_kpi_source

        plugged = get_kpi_source(self.key)
        if plugged is not None:
            result = plugged(ctx)
            if result is None or isinstance(result, KpiValue):
                return result or KpiValue.none()
            return KpiValue(float(result))
        return self.compute(ctx)

    def __repr__(self) -> str:
        return f"<Kpi {self.key}>"


class KpiRegistry:
    """The catalogue: KPI instances by stable key, in registration (display) order."""

    def __init__(self) -> None:
        self._kpis: dict[str, Kpi] = {}

    def register(self, cls: type[Kpi]) -> type[Kpi]:
        if cls.key in self._kpis:
            raise ValueError(f"KPI key {cls.key!r} is registered twice")
        for attr in ("key", "name", "unit", "definition", "group"):
            if not getattr(cls, attr, None):
                raise ValueError(f"KPI {cls.__name__} has no {attr}")
        self._kpis[cls.key] = cls()
        return cls

    def get(self, key: str) -> Kpi | None:
        return self._kpis.get(key)

    def __getitem__(self, key: str) -> Kpi:
        return self._kpis[key]

    def __contains__(self, key: object) -> bool:
        return key in self._kpis

    def __iter__(self) -> Iterator[Kpi]:
        return iter(self._kpis.values())

    def __len__(self) -> int:
        return len(self._kpis)

    def keys(self) -> list[str]:
        return list(self._kpis)

    def choices(self) -> list[tuple[str, str]]:
        return [(k.key, f"{k.name} ({k.group})") for k in self]


registry = KpiRegistry()
register: Callable[[type[Kpi]], type[Kpi]] = registry.register

__all__: list[Any] = [
    "Direction",
    "EnglandFigure",
    "Group",
    "Kind",
    "Kpi",
    "KpiValue",
    "Unit",
    "UNIT_LABELS",
    "register",
    "registry",
]
