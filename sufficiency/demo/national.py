"""A synthetic national table for the demo, in the layout the DfE publishes its statistics of children
looked after (explore-education-statistics tidy CSV), so statistical neighbours, the region and England show
on `make run` without any file downloaded.

Every figure is synthetic and says so: the import's publisher, source file name and supplier all read
"synthetic". For the authorities the demo simulates, the "published" figures are counted from their own
demo register on each 31 March (as the DfE's would be from their SSDA903 return), except one count of the
primary authority, published a few children higher so the "differs from published" check has something to
show. Every other authority gets figures shaped like the real ones (rate per 10,000 between about 35 and 130,
two thirds in foster care, and so on), drawn from a seeded generator. Regions and England are the sums of
their authorities, as the DfE's are. Counts of 1 to 5 are published as "c", as the DfE does.

The table goes through the national import service like a real file, and a second load of the same table
imports nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from placements.models import NationalFigure
from placements.national.measures import MEASURES, Measure
from placements.national.selectors import neighbour_list_current, published_year_for
from placements.national.services import (
    NationalImportOutcome,
    national_statistics_import,
    statistical_neighbours_load,
)
from sufficiency.authorities.models import AuthorityPopulation, LocalAuthority

PUBLISHER = "Synthetic demo table in the DfE's published layout (not DfE statistics)"
LICENCE = "Synthetic demo data: not published statistics"
SUPPLIED_BY = "Sufficiency demo generator (synthetic)"
COUNTRY = ("E92000001", "England")
GEOGRAPHY = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
)
CHARACTERISTICS_FILE = "demo-synthetic-dfe-la-cla-characteristics.csv"
RATES_FILE = "demo-synthetic-dfe-la-cla-rates.csv"
#: The primary authority's count published higher than its register holds (kpi key, children).
DEMO_DIFFERENCE = ("pct_placed_over_20_miles", 3)

# England-shaped shares (per cent) each synthetic authority varies around, with how far it may vary, and
# what the share is of: the children looked after ("cla"), those who started ("started"), or care leavers.
_SHAPES: dict[str, tuple[float, float, str]] = {
    "pct_uasc": (8.5, 6.0, "cla"),
    "pct_aged_16_17": (26.0, 5.0, "cla"),
    "pct_aged_under_5": (15.0, 4.0, "cla"),
    "pct_section_20": (15.0, 6.0, "cla"),
    "pct_foster_care": (68.0, 7.0, "cla"),
    "pct_kinship_care": (14.0, 5.0, "cla"),
    "children_in_residential": (11.0, 4.0, "cla"),
    "placed_with_parents": (6.0, 3.0, "cla"),
    "supported_accommodation": (6.0, 3.0, "cla"),
    "pct_placed_outside_la": (43.0, 12.0, "cla"),
    "pct_placed_over_20_miles": (16.0, 7.0, "cla"),
    "stability_3_plus_placements": (10.0, 3.0, "cla"),
    "stability_long_term": (70.0, 7.0, "cla"),
    "care_leavers_suitable_accommodation": (88.0, 6.0, "leavers"),
    "care_leavers_eet": (56.0, 9.0, "leavers"),
}
_FLOWS = {"started_care_12m": 0.38, "ceased_care_12m": 0.37}


@dataclass(frozen=True)
class Cell:
    """One authority's figure for one measure: the count and what it is a share of."""

    number: int
    base: int


def _round_share(number: float, base: float) -> str:
    return str(round(100 * number / base)) if base else "z"


def _suppressed(number: int) -> bool:
    return 1 <= number <= 5


def synthetic_cells(*, code: str, year: int, population: int, seed: int, first_year: int) -> dict[str, Cell]:
    """Figures shaped like the published ones for an authority the demo does not simulate. The authority's
    character (its rate, its mix) is fixed by the seed; each later year drifts a little."""
    base_rng = random.Random(f"{seed}-dfe-{code}")
    year_rng = random.Random(f"{seed}-dfe-{code}-{year}")
    rate = base_rng.triangular(35, 130, 60) * (1 + 0.02 * (year - first_year)) * year_rng.uniform(0.97, 1.03)
    cla = max(20, round(population * rate / 10_000))
    leavers = max(10, round(cla * base_rng.uniform(0.45, 0.7)))
    cells = {"children_in_care": Cell(cla, cla), "cla_rate_per_10000": Cell(cla, population)}
    for key, share in _FLOWS.items():
        cells[key] = Cell(round(cla * share * base_rng.uniform(0.8, 1.2) * year_rng.uniform(0.95, 1.05)), cla)
    for key, (centre, spread, of) in _SHAPES.items():
        pct = centre + base_rng.uniform(-spread, spread) + year_rng.uniform(-1.0, 1.0)
        base = leavers if of == "leavers" else cla
        cells[key] = Cell(max(0, round(base * max(pct, 0.5) / 100)), base)
    return cells


def register_cells(*, authority: LocalAuthority, dates: list[dt.date]) -> dict[int, dict[str, Cell]]:
    """What the DfE would publish for a simulated authority: its own register counted on each 31 March
    (the same calculation as its KPI page). A measure the register cannot count is left out."""
    from sufficiency.reports.kpis import KpiSession
    from sufficiency.reports.selectors import kpi_rows_for_authority

    session = KpiSession(authority)
    out: dict[int, dict[str, Cell]] = {}
    for on in dates:
        rows = kpi_rows_for_authority(
            authority=authority, on=on, keys=list(MEASURES), comparators=False, session=session
        )
        cells: dict[str, Cell] = {}
        cla = next((r.value.value for r in rows if r.key == "children_in_care"), None)
        for row in rows:
            if row.value.value is None:
                continue
            if row.key == "cla_rate_per_10000":
                if row.value.numerator is not None and row.value.denominator:
                    cells[row.key] = Cell(round(row.value.numerator), round(row.value.denominator))
            elif row.own_count is not None:
                base = row.value.denominator if row.value.denominator is not None else cla
                cells[row.key] = Cell(round(row.own_count), round(base or 0))
        out[on.year] = cells
    return out


def _population(authority: LocalAuthority, year: int, held: dict[tuple[int, int], int], seed: int) -> int:
    for y in (year, year - 1, year + 1):
        if (authority.pk, y) in held:
            return held[authority.pk, y]
    rng = random.Random(f"{seed}-dfe-population-{authority.dfe_code}")
    return round(rng.triangular(20_000, 200_000, 40_000) * (1 + 0.003 * (year - 2024)))


def _csv(header: Iterable[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return out.getvalue().encode()


def demo_national_tables(
    *,
    years: list[int],
    seed: int = 2026,
    register: dict[str, dict[int, dict[str, Cell]]] | None = None,
    difference: tuple[str, str, int] | None = None,
) -> dict[str, bytes]:
    """The two tables as CSV bytes (file name -> content): the numbers and rates (no filter columns), and
    the characteristics (``cla_group``, ``characteristic``, ``number``, ``percentage``), for every
    authority, region and England and each year. ``register`` gives the simulated authorities' own counts
    (DfE code -> year -> measure -> cell); ``difference`` is (DfE code, measure, children added)."""
    register = register or {}
    authorities = list(LocalAuthority.objects.select_related("region").order_by("dfe_code"))
    held = {
        (p.authority_id, p.year): p.population_0_17
        for p in AuthorityPopulation.objects.filter(year__in=set(years) | {y - 1 for y in years})
    }
    rates: list[list[Any]] = []
    characteristics: list[list[Any]] = []
    for year in years:
        period = [str(year), "Reporting year"]
        la_cells: dict[str, dict[str, Cell]] = {}
        for la in authorities:
            population = _population(la, year, held, seed)
            cells = synthetic_cells(
                code=la.dfe_code, year=year, population=population, seed=seed, first_year=years[0]
            )
            own = register.get(la.dfe_code, {}).get(year, {})
            cells.update(own)
            if "cla_rate_per_10000" not in own and "children_in_care" in own:
                cells["cla_rate_per_10000"] = Cell(own["children_in_care"].number, population)
            if difference and difference[0] == la.dfe_code and difference[1] in cells:
                cell = cells[difference[1]]
                more = cell.number + difference[2]
                cells[difference[1]] = Cell(more, max(cell.base, more))
            la_cells[la.dfe_code] = cells
        areas: list[tuple[list[str], dict[str, Cell], bool]] = []
        areas.append(([*period, "National", *COUNTRY, "", "", "", "", ""], _sum(la_cells.values()), False))
        regions = sorted({(la.region.code, la.region.name) for la in authorities})
        for code, name in regions:
            members = [la_cells[la.dfe_code] for la in authorities if la.region.code == code]
            areas.append(([*period, "Regional", *COUNTRY, code, name, "", "", ""], _sum(members), False))
        for la in authorities:
            geo = [*period, "Local authority", *COUNTRY, la.region.code, la.region.name]
            areas.append(([*geo, la.ons_code, la.dfe_code, la.name], la_cells[la.dfe_code], True))
        for geo, cells, is_la in areas:
            rate = cells["cla_rate_per_10000"]
            rates.append([*geo, rate.base, rate.number, round(rate.number * 10_000 / rate.base)])
            for measure in _unique_rows():
                found = cells.get(measure.kpi_key)
                if found is None:
                    characteristics.append([*geo, measure.cla_group, measure.characteristic, "x", "x"])
                elif is_la and _suppressed(found.number):
                    characteristics.append([*geo, measure.cla_group, measure.characteristic, "c", "c"])
                else:
                    share = _round_share(found.number, found.base)
                    characteristics.append(
                        [*geo, measure.cla_group, measure.characteristic, found.number, share]
                    )
    return {
        RATES_FILE: _csv([*GEOGRAPHY, "population_estimate", "number", "rate_per_10000"], rates),
        CHARACTERISTICS_FILE: _csv(
            [*GEOGRAPHY, "cla_group", "characteristic", "number", "percentage"], characteristics
        ),
    }


def _unique_rows() -> list[Measure]:
    """One characteristics row per published row (the rate comes from the rates table)."""
    return [m for m in MEASURES.values() if m.kpi_key != "cla_rate_per_10000"]


def _sum(cells: Iterable[dict[str, Cell]]) -> dict[str, Cell]:
    total: dict[str, Cell] = {}
    for one in cells:
        for key, cell in one.items():
            held = total.get(key, Cell(0, 0))
            total[key] = Cell(held.number + cell.number, held.base + cell.base)
    return total


def demo_neighbours_ensure(*, acting_user: Any = None) -> None:
    """The synthetic list of statistical neighbours, if no list is held (a flushed database has none)."""
    if neighbour_list_current() is not None:
        return
    path = Path(__file__).resolve().parents[2] / "placements" / "data" / "statistical_neighbours.csv"
    statistical_neighbours_load(
        data=path.read_bytes(),
        name="Statistical neighbours (synthetic stand-in for the DfE's list)",
        source="Synthetic: same kind of authority and region first (placements/data/statistical_neighbours.md)",
        synthetic=True,
        acting_user=acting_user,
    )


def demo_national_load(
    *,
    as_at: dt.date,
    simulated: list[LocalAuthority],
    primary: str | None = None,
    seed: int = 2026,
    acting_user: Any = None,
) -> NationalImportOutcome | None:
    """Build the synthetic table for the DfE year of ``as_at`` and the year before, and import it through
    the national import service. None when the same table is already imported (nothing changes)."""
    demo_neighbours_ensure(acting_user=acting_user)
    last = published_year_for(as_at)
    years = [last - 1, last]
    register: dict[str, dict[int, dict[str, Cell]]] = {}
    for authority in simulated:
        register[authority.dfe_code] = register_cells(
            authority=authority, dates=[dt.date(y, 3, 31) for y in years]
        )
    difference = (primary, *DEMO_DIFFERENCE) if primary is not None and primary in register else None
    tables = demo_national_tables(years=years, seed=seed, register=register, difference=difference)
    digests = {hashlib.sha256(data).hexdigest() for data in tables.values()}
    if NationalFigure.objects.filter(statistics_import__sha256__in=digests).values(
        "statistics_import__sha256"
    ).distinct().count() == len(digests):
        return None
    return national_statistics_import(
        files=list(tables.items()),
        acting_user=acting_user,
        supplied_by_label=SUPPLIED_BY,
        publisher=PUBLISHER,
        licence=LICENCE,
    )
