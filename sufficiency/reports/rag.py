"""Red, amber, green: how a board reads a measure against its target. Pure Python, no database."""

from __future__ import annotations

from decimal import Decimal

from .choices import DirectionChoices, RagChoices

Number = int | float | Decimal


def rag_status(
    *, value: Number | None, target: Number, direction: str, tolerance: Number | None = 0
) -> RagChoices:
    """The RAG rating of a value against a target.

    * no data: there is no value (the register or feature does not hold the figure for the date);
    * green: at or better than the target (at or above it when higher is better, at or below when lower
      is better): meeting the target exactly is green;
    * amber: short of the target by no more than the tolerance (both in the KPI's units): a boundary
      value exactly ``tolerance`` short is amber;
    * red: further short than that.
    """
    if value is None:
        return RagChoices.NO_DATA
    value, target = Decimal(str(value)), Decimal(str(target))
    tolerance = abs(Decimal(str(tolerance or 0)))
    if direction == DirectionChoices.HIGHER:
        shortfall = target - value
    elif direction == DirectionChoices.LOWER:
        shortfall = value - target
    else:
        raise ValueError(f"unknown direction of good: {direction!r}")
    if shortfall <= 0:
        return RagChoices.GREEN
    if shortfall <= tolerance:
        return RagChoices.AMBER
    return RagChoices.RED
