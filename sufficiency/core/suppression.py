"""Small-number suppression for figures shown outside the authority that owns them.

When a partner in the region sees another authority's counts, a count under the threshold (5, as the
Department for Education does in its children looked after statistics) could identify a child, so it is
shown as suppressed instead of as a number. A single suppressed cell in a breakdown whose total is shown
can be worked out by subtraction, so the next smallest cell is suppressed as well (secondary suppression).

Numbers an authority sees about itself are never suppressed.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

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


# --- Linked tables: secondary suppression that survives differencing ------------------------------------
#
# A published table is a set of cells tied by sums: an authority's category x age band grid has row
# totals, column totals and a grand total, and the region's figures are sums across authorities. A
# reader who sees every cell but one of such a sum gets the last one by subtraction, and can chain sums
# across page filters, CSVs and the API. So the whole linked table is suppressed at once, and cells are
# added to the suppressed set until no suppressed count can be worked out from the published ones.

Key = Hashable
Relation = tuple[Key, Sequence[Key]]  # (total, parts): total = sum of parts
REGION = "__region__"  # the authority slot of a region-wide sum in `suppress_region_grid` keys


def _relation_matrix(relations: Sequence[Relation], hidden: Sequence[Key]) -> np.ndarray:
    """One row per relation, one column per suppressed cell: the coefficients of the unknowns."""
    index = {key: i for i, key in enumerate(hidden)}
    matrix = np.zeros((len(relations), len(hidden)))
    for row, (total, parts) in enumerate(relations):
        if total in index:
            matrix[row, index[total]] += 1.0
        for part in parts:
            if part in index:
                matrix[row, index[part]] -= 1.0
    return matrix


def derivable_cells(relations: Sequence[Relation], hidden: Collection[Key]) -> set[Key]:
    """The suppressed cells a reader can work out exactly by adding and subtracting published figures
    along any combination of the relations (linear algebra: a cell is determined when no change to the
    suppressed cells that keeps every sum true can move it, i.e. its row of the null space is zero)."""
    unknowns = sorted(hidden, key=repr)
    if not unknowns:
        return set()
    useful = [r for r in relations if r[0] in hidden or any(p in hidden for p in r[1])]
    if not useful:
        return set()  # no sum involves them: nothing to derive them from
    matrix = _relation_matrix(useful, unknowns)
    _, singular, vt = np.linalg.svd(matrix)
    rank = int((singular > 1e-9).sum())
    null_space = vt[rank:]
    if null_space.shape[0] == 0:
        return set(unknowns)
    return {key for i, key in enumerate(unknowns) if np.abs(null_space[:, i]).max() < 1e-9}


def _complement(
    candidates: Sequence[Key], values: Mapping[Key, int], hidden: Collection[Key], known: Collection[Key]
) -> Key | None:
    """The smallest cell still shown among `candidates`: a positive count first (suppressing a zero
    protects little), a zero only when nothing else is left."""
    open_cells = [k for k in candidates if k not in hidden and k not in known]
    if not open_cells:
        return None
    return min(open_cells, key=lambda k: (values[k] <= 0, values[k], repr(k)))


def suppress_linked(
    values: Mapping[Key, int],
    relations: Sequence[Relation],
    *,
    known: Collection[Key] = (),
    threshold: int = SUPPRESSION_THRESHOLD,
) -> dict[Key, Figure]:
    """Every cell of a linked table, suppressed so that no suppressed cell can be derived.

    * Primary: a count from 1 to threshold - 1 is suppressed (zero may be shown).
    * Secondary: in every relation (a total and its parts), a suppressed cell never stands alone: the
      smallest cell still shown joins it, until a fixed point. Then a check of all relations together
      (chains across rows, columns and authorities) adds cells while any suppressed count is still
      determined by the published ones.
    * `known` cells (the viewer's own authority) are never suppressed, and count as published.
    """
    hidden = {k for k, v in values.items() if 0 < v < threshold and k not in known}
    for _ in range(len(values) + 1):
        changed = True
        while changed:  # the row-and-column rule, to a fixed point
            changed = False
            for total, parts in relations:
                members = [total, *parts]
                if sum(1 for k in members if k in hidden) == 1:
                    extra = _complement(members, values, hidden, known)
                    if extra is not None:
                        hidden.add(extra)
                        changed = True
        exposed = {k for k in derivable_cells(relations, hidden) if values[k] > 0}
        if not exposed:
            break
        # Protect one exposed cell at a time with the smallest shown cell of a relation it is in.
        target = min(exposed, key=repr)
        options = [k for total, parts in relations if target in (total, *parts) for k in (total, *parts)]
        extra = _complement(options, values, hidden, known)
        if extra is None:
            extra = _complement(list(values), values, hidden, known)
        if extra is None:
            break
        hidden.add(extra)
    return {k: Figure(None, True) if k in hidden else Figure(int(v), False) for k, v in values.items()}


def published_share(numerator: Figure, denominator: Figure, places: int = 1) -> float | None:
    """A percentage, only when both its numerator and denominator are published (so it can never give
    back a suppressed count when multiplied by a published total), rounded to `places` decimals."""
    if numerator.suppressed or denominator.suppressed or numerator.value is None or not denominator.value:
        return None
    return round(numerator.value / denominator.value * 100, places)


def suppress_region_grid(
    cells: Mapping[Key, Mapping[tuple[str, str], int]],
    *,
    totals: Mapping[Key, int],
    categories: Sequence[str],
    age_bands: Sequence[str],
    groups: Mapping[str, Sequence[str]],
    own: Collection[Key] = (),
    threshold: int = SUPPRESSION_THRESHOLD,
) -> dict[Key, Figure]:
    """Children in care by authority x category x age band, with every sum a page, CSV or API can show,
    suppressed as one linked table.

    `cells` maps an authority to its (category, age band) counts; `totals` its children in care. Keys of
    the answer: ("cell", la, category, band), ("category", la, category), ("age_band", la, band),
    ("group", la, group), ("total", la), with la = REGION for the sum across the region's authorities.
    The grid is computed whole once, so every filter (a category, an age band, both) reads cells of the
    same suppressed table, and a filter can never show what the full grid hides.
    """
    authorities = sorted(cells, key=repr)  # the same grid whichever surface asks
    values: dict[Key, int] = {}
    for la in authorities:
        grid = cells[la]
        for c in categories:
            for b in age_bands:
                values["cell", la, c, b] = int(grid.get((c, b), 0))
            values["category", la, c] = sum(values["cell", la, c, b] for b in age_bands)
        for b in age_bands:
            values["age_band", la, b] = sum(values["cell", la, c, b] for c in categories)
        for g, members in groups.items():
            values["group", la, g] = sum(values["category", la, c] for c in members)
        values["total", la] = int(totals.get(la, sum(values["category", la, c] for c in categories)))
    # Region-wide sums of every kind of cell.
    for key in [k for k in values if k[1] == authorities[0]] if authorities else []:
        region_key = (key[0], REGION, *key[2:])
        values[region_key] = sum(values[(key[0], la, *key[2:])] for la in authorities)
    relations: list[Relation] = []
    grouped = set().union(*groups.values()) == set(categories) if groups else False
    for la in [*authorities, REGION]:
        for c in categories:
            relations.append((("category", la, c), [("cell", la, c, b) for b in age_bands]))
        for b in age_bands:
            relations.append((("age_band", la, b), [("cell", la, c, b) for c in categories]))
        relations.append((("total", la), [("category", la, c) for c in categories]))
        relations.append((("total", la), [("age_band", la, b) for b in age_bands]))
        for g, members in groups.items():
            relations.append((("group", la, g), [("category", la, c) for c in members]))
        if grouped:
            relations.append((("total", la), [("group", la, g) for g in groups]))
    for key in [k for k in values if k[1] == REGION]:
        relations.append((key, [(key[0], la, *key[2:]) for la in authorities]))
    known_keys = {k for k in values if k[1] in set(own)}
    return suppress_linked(values, relations, known=known_keys, threshold=threshold)


def suppress_region_split(
    numerators: Mapping[Key, int],
    denominators: Mapping[Key, int],
    *,
    own: Collection[Key] = (),
    threshold: int = SUPPRESSION_THRESHOLD,
) -> dict[Key, Figure]:
    """A count out of a base per authority (e.g. placed over 20 miles out of those with a known distance),
    with the rest of the base and the region's sums, as one linked table. Keys: ("part", la), ("rest",
    la), ("base", la), la = REGION for the region."""
    values: dict[Key, int] = {}
    for la, base in denominators.items():
        part = int(numerators.get(la, 0))
        values["part", la], values["rest", la], values["base", la] = part, int(base) - part, int(base)
    authorities = list(denominators)
    for kind in ("part", "rest", "base"):
        values[kind, REGION] = sum(values[kind, la] for la in authorities)
    relations: list[Relation] = [
        (("base", la), [("part", la), ("rest", la)]) for la in [*authorities, REGION]
    ]
    relations += [((kind, REGION), [(kind, la) for la in authorities]) for kind in ("part", "rest", "base")]
    known_keys = {k for k in values if k[1] in set(own)}
    return suppress_linked(values, relations, known=known_keys, threshold=threshold)


def suppress_with_sums(
    cells: Mapping[Key, int], sums: Mapping[Key, Sequence[Key]], *, threshold: int = SUPPRESSION_THRESHOLD
) -> dict[Key, Figure]:
    """Counts shown one by one elsewhere too (e.g. other authorities' children in a named home, also on
    that setting's own page) and sums of them that each part belongs to once (per provision type).

    Each cell is suppressed on its own merits only (primary), so that it reads the same wherever it is
    shown; a sum with a suppressed part is suppressed instead of a complementary cell, which leaves every
    sum with none or at least two suppressed members, so nothing can be derived."""
    figures: dict[Key, Figure] = {key: _primary(int(value), threshold) for key, value in cells.items()}
    for key, parts in sums.items():
        total = sum(int(cells[p]) for p in parts)
        hidden = any(figures[p].suppressed for p in parts) or 0 < total < threshold
        figures[key] = Figure(None, True) if hidden else Figure(total, False)
    return figures


def suppress_other_count(value: int, threshold: int = SUPPRESSION_THRESHOLD) -> Figure:
    """One count of another authority's children that is in no published sum (zero is shown)."""
    return _primary(int(value), threshold)


def _primary(value: int, threshold: int) -> Figure:
    return Figure(None, True) if 0 < value < threshold else Figure(value, False)
