"""Collect every figure the service shows for one authority and date, from every surface, and compare.

Each figure is recorded as (measure, date, source, value, decimals). Two figures naming the same measure
and date must agree: numbers after rounding both to the coarser of their two precisions, labels (RAG,
Ofsted judgements) exactly. A surface that names a different date than the one asked for is itself a
disagreement (the "as at" date must be the same everywhere).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html


@dataclass
class Figure:
    measure: str
    on: str
    source: str
    value: Any
    decimals: int | None = None  # None: exact (labels, or raw unrounded numbers)


@dataclass
class Ledger:
    """Figures by measure and date; `disagreements` lists every pair that differs."""

    on: str
    figures: list[Figure] = field(default_factory=list)

    def add(
        self, measure: str, source: str, value: Any, *, on: str | None = None, decimals: int | None = None
    ):
        self.figures.append(Figure(measure, on or self.on, source, value, decimals))

    def date_seen(self, source: str, on: str | None) -> None:
        """The date a surface says it shows: anything else than the ledger's date disagrees."""
        self.add("as_at_date", source, on or "none", on=self.on)

    def compared(self) -> int:
        groups = self._groups()
        return sum(len(items) for items in groups.values() if len(items) > 1)

    def _groups(self) -> dict[tuple[str, str], list[Figure]]:
        groups: dict[tuple[str, str], list[Figure]] = defaultdict(list)
        for figure in self.figures:
            groups[(figure.measure, figure.on)].append(figure)
        return groups

    def disagreements(self) -> list[str]:
        out = []
        groups = self._groups()
        if ("as_at_date", self.on) in groups:
            for figure in groups[("as_at_date", self.on)]:
                if figure.value != self.on:
                    out.append(f"as_at_date: {figure.source} shows {figure.value}, asked for {self.on}")
        for (measure, on), items in sorted(groups.items()):
            if measure == "as_at_date":
                continue
            first = items[0]
            for other in items[1:]:
                if not agree(first, other):
                    out.append(
                        f"{measure} on {on}: {first.source}={first.value!r} but {other.source}={other.value!r}"
                    )
        return out


def agree(a: Figure, b: Figure) -> bool:
    """Whether two figures agree: labels exactly, numbers to the coarser of their precisions."""
    if a.value is None or b.value is None:
        return a.value is None and b.value is None
    if isinstance(a.value, str) or isinstance(b.value, str):
        return str(a.value) == str(b.value)
    places = [d for d in (a.decimals, b.decimals) if d is not None]
    if not places:
        return abs(float(a.value) - float(b.value)) < 1e-6
    decimals = min(places)
    # Half a unit of the coarser precision, allowing for the other side's own rounding.
    return abs(float(a.value) - float(b.value)) <= 0.5 * 10 ** (-decimals) + 1e-9


# --- parsing helpers ----------------------------------------------------------------------------------


def page(content: bytes) -> Any:
    return lxml_html.fromstring(content)


def banner_date(tree: Any) -> str | None:
    found = tree.xpath("//*[@data-as-at]/@data-as-at")
    return found[0] if found else None


def measures(tree: Any) -> list[tuple[str, str, str | None]]:
    """(measure, raw value, RAG or None) of every element marked with data-measure."""
    return [
        (el.get("data-measure"), el.get("data-value", ""), el.get("data-rag"))
        for el in tree.xpath("//*[@data-measure]")
    ]


def number(text: str) -> float | None:
    """A figure as shown ("1,234", "£6.4m", "20.7%", "£41,830") as a number; None for blanks."""
    text = (text or "").strip().replace(",", "").replace("£", "").replace("%", "")
    if not text or text in {"–", "-", "Not applicable", "No data"}:
        return None
    scale = 1.0
    if text.endswith("m"):
        scale, text = 1_000_000.0, text[:-1]
    elif text.endswith("k"):
        scale, text = 1_000.0, text[:-1]
    match = re.fullmatch(r"-?\d+(\.\d+)?", text)
    return None if match is None else float(text) * scale


def iso(day: dt.date | str | None) -> str | None:
    if day is None:
        return None
    return day if isinstance(day, str) else day.isoformat()
