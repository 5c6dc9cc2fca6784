"""The published statement's counts of children as one linked table.

A statement prints the same children many times: by type of placement (this year and a year earlier), by
the groups of a board paper, in the fostering and residential tables, by age, ethnicity and legal status,
by the area they live in, in the supported accommodation outcomes, in the homes the authority runs and in
its key figures and their percentages. Every one of those counts is a cell of one set of sums (a group is
the sum of its types, the total the sum of the groups, and so on), so they are suppressed together with
`sufficiency.core.suppression.suppress_linked`: no suppressed count can be worked out from the printed
ones by adding and subtracting across tables.

The cells are read from the tables the board report's sections draw (their printed counts, before
suppression), so the statement never counts a figure a second time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from typing import Any

from placements.categories import (
    ADOPTION,
    COARSE_GROUPS,
    OTHER,
    PLANNING_CATEGORY_LABELS,
    TEMPORARY,
    WITH_PARENTS,
)
from placements.categories import SUPPORTED as SUPPORTED_CATEGORY
from sufficiency.core.suppression import REGION, Figure, Relation, suppress_linked

Key = Hashable

#: Printed in place of a suppressed count (primary or secondary).
SUPPRESSED_TEXT = "fewer than 5"
#: Printed in place of a share or other figure made of a suppressed count.
DASH = "–"

#: The board paper's "where children live" groups (their table labels) and their types of placement.
LIVING_GROUP_CATEGORIES: dict[str, tuple[str, ...]] = {
    "foster": COARSE_GROUPS["FOSTERING"],
    "residential": COARSE_GROUPS["RESIDENTIAL"],
    "supported": (SUPPORTED_CATEGORY,),
    "parents": (WITH_PARENTS,),
    "adoption": (ADOPTION,),
    "other": (OTHER, TEMPORARY),
}
_CATEGORY_BY_LABEL = {label: c for c, label in PLANNING_CATEGORY_LABELS.items()}
_NUMBER = re.compile(r"^-?[\d,]+$")
_IN_TEXT = re.compile(r"(?<![\d.,£:/-])\d[\d,]*(?![\d.,%:/])")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:\d{{1,2}} )?(?:{_MONTHS}) \d{{4}}\b")


def cell_text(cell: Any) -> str:
    return str(cell.get("text", "")) if isinstance(cell, dict) else str(cell)


def put_text(row: list[Any], i: int, value: str) -> None:
    if isinstance(row[i], dict):
        row[i] = {**row[i], "text": value}
        row[i].pop("tag", None)
    else:
        row[i] = value


def parse_count(cell: Any) -> int | None:
    """A printed whole count ("1,234") as a number; None for anything else."""
    text = cell_text(cell).strip()
    return int(text.replace(",", "")) if _NUMBER.match(text) else None


class LinkedCounts:
    """Cells (counts of children) and the sums that tie them, suppressed at once by `solve`."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.relations: list[Relation] = []
        self.figures: dict[Key, Figure] = {}
        self.conflicts: set[Key] = set()
        self.known: set[Key] = set()

    def add(self, key: Key, value: int | None) -> None:
        """Adds a cell. A count read twice must agree; if two tables ever disagree, the cell is suppressed
        wherever it is printed."""
        if value is None:
            return
        if key in self.values and self.values[key] != int(value):
            self.conflicts.add(key)
        self.values.setdefault(key, int(value))

    def add_known(self, key: Key, value: int) -> None:
        """A cell every reader knows without it being printed (a type of placement with no row is 0)."""
        if key not in self.values:
            self.values[key] = int(value)
            self.known.add(key)

    def relate(self, total: Key, parts: Iterable[Key]) -> None:
        """total = sum of parts, when every cell of it is in the table."""
        parts = list(parts)
        if total in self.values and parts and all(p in self.values for p in parts):
            self.relations.append((total, parts))

    def relate_if_equal(self, total: Key, parts: Iterable[Key]) -> None:
        """As `relate`, for a sum that holds by definition only when the counts agree (two counting rules)."""
        parts = [p for p in parts if p in self.values]
        if total in self.values and parts and self.values[total] == sum(self.values[p] for p in parts):
            self.relations.append((total, parts))

    def solve(self) -> None:
        self.figures = suppress_linked(self.values, self.relations, known=self.known)

    def hidden(self, key: Key | None) -> bool:
        if key is None or key not in self.figures:
            return False
        return self.figures[key].suppressed or key in self.conflicts

    def text(self, key: Key) -> str:
        return SUPPRESSED_TEXT if self.hidden(key) else f"{self.values[key]:,}"

    def hidden_values(self) -> set[int]:
        """The suppressed counts of 5 or more (a sentence that states one of them is left out)."""
        return {v for k, v in self.values.items() if self.hidden(k) and v >= 5}

    def states_hidden(self, text: str) -> bool:
        """True when a generated sentence states a number equal to a suppressed count of 5 or more."""
        hidden = self.hidden_values()
        return any(int(n.replace(",", "")) in hidden for n in _IN_TEXT.findall(_DATE.sub("", text)))


#: How each table the statement publishes maps to cells: (row label, column) -> cell key, for the
#: table's counts of children. `None` rows are not counts of children.
RowMap = Callable[[int, str], Key | None]


def _by_label(mapping: dict[str, Key]) -> RowMap:
    return lambda _i, label: mapping.get(label)


def category_row(year: str) -> RowMap:
    return lambda _i, label: (
        ("category", _CATEGORY_BY_LABEL[label], year) if label in _CATEGORY_BY_LABEL else None
    )


def group_row(labels: dict[str, str], year: str) -> RowMap:
    """Rows labelled with the board paper's group labels (`labels`: label -> group key), and "Total"."""

    def row(_i: int, label: str) -> Key | None:
        if label == "Total":
            return ("total", year)
        group = labels.get(label)
        return ("group", group, year) if group else None

    return row


def apply_counts(
    linked: LinkedCounts,
    table: dict[str, Any],
    columns: dict[int, RowMap],
    shares: dict[int, tuple[int, Key | None]],
) -> dict[str, Any]:
    """A table with its mapped count columns printed from the linked figures, and each share column
    (column -> (its count column, the base's key or None for the table's Total row)) withheld where its
    count or its base is suppressed."""
    rows = [list(row) for row in table["rows"]]
    total_row_key: dict[int, Key | None] = {}
    for col, row_map in columns.items():
        for i, row in enumerate(rows):
            if cell_text(row[0]) == "Total":
                total_row_key[col] = row_map(i, "Total")
    for i, row in enumerate(rows):
        label = cell_text(row[0])
        for col, row_map in columns.items():
            key = row_map(i, label)
            if key is None or key not in linked.values or col >= len(row):
                continue
            put_text(row, col, linked.text(key))
        for share_col, (count_col, base) in shares.items():
            key = columns[count_col](i, label)
            base_key = base if base is not None else total_row_key.get(count_col)
            if share_col < len(row) and (linked.hidden(key) or linked.hidden(base_key)):
                put_text(row, share_col, DASH)
    return {**table, "rows": rows}


def read_counts(linked: LinkedCounts, table: dict[str, Any], columns: dict[int, RowMap]) -> None:
    """Adds the table's printed counts to the linked cells."""
    for i, row in enumerate(table["rows"]):
        label = cell_text(row[0])
        for col, row_map in columns.items():
            key = row_map(i, label)
            if key is not None and col < len(row):
                linked.add(key, parse_count(row[col]))


# --- A regional statement: the pooled region beside each authority ------------------------------------------
#: The slot of "every other authority" (the region less the reader's own) in `regional_suppressed`'s keys.
OTHERS = "__others__"


def regional_suppressed(
    region: Mapping[Key, int],
    members: Mapping[Key, Mapping[Key, int]],
    *,
    printed: Collection[Key],
    sums: Sequence[Relation] = (),
) -> set[tuple[Key, Key]]:
    """The cells of a regional statement to suppress: (cell, REGION) for a pooled count, (cell, authority)
    for an authority's own count printed beside it.

    `region` holds every count of children the statement prints for the region as a whole (and every
    numerator and denominator of a printed ratio), `members` each authority's value of the same cells,
    `printed` the cells also printed for each authority (side by side), and `sums` the sums that hold within
    any one authority and within the region (all children = the sum of the age bands, and so on). An
    authority's parts of a sum whose total is printed for it are cells too, though not printed: two printed
    counts of one authority (all its children, its fostered children) differ by a count of its children. The
    pooled figure is the sum of the authorities', so the cells are suppressed as one linked table by
    `suppress_linked`, once for each possible reader: the public (who knows nothing) and each authority of
    the region (who knows its own figures, so the region less its own figures is a cell of the table). A
    cell is suppressed when it is suppressed for any of them; suppressing more never makes a cell
    derivable, so the union protects every reader.
    """
    hidden: set[tuple[Key, Key]] = set()
    # The parts of a sum whose total is printed for each authority: not printed themselves, but two printed
    # totals can differ by some of them (all children less the fostered ones), so each authority's parts are
    # cells too (treated as printed when 5 or more, so that no small one can be worked out).
    summed = {part for total, parts in sums if total in printed for part in parts}
    for viewer in [None, *members]:
        values: dict[Key, int] = {}
        relations: list[Relation] = []
        known: set[Key] = set()
        others = [la for la in members if la != viewer]
        rest = REGION if viewer is None else OTHERS
        for cell, total in region.items():
            values[cell, REGION] = int(total)
            if viewer is not None:  # the region less the reader's own figure
                own = int(members[viewer].get(cell, 0))
                values[cell, viewer], values[cell, OTHERS] = own, int(total) - own
                known.add((cell, viewer))
                relations.append(((cell, REGION), [(cell, viewer), (cell, OTHERS)]))
            if cell in printed:
                shown = [la for la in others if cell in members[la]]
                for la in shown:
                    values[cell, la] = int(members[la][cell])
                if shown and values[cell, rest] == sum(values[cell, la] for la in shown):
                    relations.append(((cell, rest), [(cell, la) for la in shown]))
            elif cell in summed:  # not printed for an authority, but the difference of cells that are
                for la in others:
                    if cell in members[la]:
                        values[cell, la] = int(members[la][cell])
        slots = [REGION, *([viewer, OTHERS] if viewer is not None else []), *others]
        for sum_total, sum_parts in sums:
            for slot in slots:
                keys = [(p, slot) for p in sum_parts]
                whole = (sum_total, slot) in values and keys and all(k in values for k in keys)
                if whole and values[sum_total, slot] == sum(values[k] for k in keys):
                    relations.append(((sum_total, slot), keys))
        figures = suppress_linked(values, relations, known=known)
        hidden |= {k for k, f in figures.items() if f.suppressed and k not in known and k[1] != OTHERS}  # type: ignore[index,misc]
    return hidden
