"""Small-number suppression for figures shown outside the authority that owns them.

When a partner in the region sees another authority's counts, a count under the threshold (5, as the
Department for Education does in its children looked after statistics) could identify a child, so it is
shown as suppressed instead of as a number. A single suppressed cell in a breakdown whose total is shown
can be worked out by subtraction, so the next smallest cell is suppressed as well (secondary suppression).

Numbers an authority sees about itself are never suppressed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

SUPPRESSION_THRESHOLD = 5


@dataclass(frozen=True)
class Figure:
    """A count as published: the number, or None with `suppressed=True` when it is too small to show."""

    value: int | None
    suppressed: bool

    def as_dict(self) -> dict[str, int | bool | None]:
        return {"value": self.value, "suppressed": self.suppressed}


def suppress_small(value: int | None, threshold: int = SUPPRESSION_THRESHOLD) -> Figure:
    """One count: suppressed when under `threshold` (0 to 4 by default), shown otherwise."""
    if value is None:
        return Figure(value=None, suppressed=False)
    if value < threshold:
        return Figure(value=None, suppressed=True)
    return Figure(value=int(value), suppressed=False)


def suppress_breakdown(
    counts: Mapping[str, int], total: int, threshold: int = SUPPRESSION_THRESHOLD
) -> tuple[Figure, dict[str, Figure]]:
    """A total and its breakdown (e.g. children in care by placement category) with primary and secondary
    suppression, so that no suppressed cell can be recovered by subtracting the others from the total.

    If the total itself is under the threshold, everything is suppressed.
    """
    total_figure = suppress_small(total, threshold)
    if total_figure.suppressed:
        return total_figure, {key: Figure(value=None, suppressed=True) for key in counts}
    figures = {key: suppress_small(value, threshold) for key, value in counts.items()}
    hidden = [key for key, fig in figures.items() if fig.suppressed]
    # Secondary suppression: one hidden cell equals the total minus the cells shown, so hide the smallest
    # cell still shown as well.
    if len(hidden) == 1:
        shown = sorted((counts[key], key) for key, fig in figures.items() if not fig.suppressed)
        if shown:
            figures[shown[0][1]] = Figure(value=None, suppressed=True)
    return total_figure, figures
