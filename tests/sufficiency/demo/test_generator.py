"""The synthetic demo region: deterministic, calibrated to the councils' published figures, and valid SSDA903.

Run without Django: ``pytest -p no:django tests/sufficiency/demo/test_generator.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import pytest

from placements import categories as cat
from sufficiency.demo import profiles as pf
from sufficiency.demo.generator import collection_years, generate_region

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
        oc3 = la.files_by_year[label].get("oc3")
        oc3_children = set(_read(oc3)["CHILD"]) if oc3 is not None else set()
        header = _read(la.files_by_year[label]["header"])
        e = _episodes(la.files_by_year[label]["episodes"])
        assert header["CHILD"].is_unique
        assert header["CHILD"].str.match(r"^D\d{9}$").all()
        assert set(e["CHILD"]) <= set(header["CHILD"])  # every episode's child is in the header ...
        assert set(header["CHILD"]) - set(e["CHILD"]) <= oc3_children  # ... and so is every care leaver
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
        # Era-correct placement codes: K3 only in the returns from 2024-25 (an H5 episode registered from
        # 28 October 2023 and still open on 1 April 2024 is re-coded K3), Z11-Z14 from 2025-26.
        assert start_year >= 2024 or "K3" not in set(e["PLACE"])
        assert (e.loc[e["PLACE"] == "K3", "decom"] >= pd.Timestamp(2023, 10, 28)).all()
        assert start_year >= 2025 or not e["PLACE"].isin(["Z11", "Z12", "Z13", "Z14"]).any()
        if start_year >= 2025:  # H5 and P2 leave the code list, and Z1 splits, in 2025-26
            assert not e["PLACE"].isin(["H5", "P2", "Z1"]).any()
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


# --- The DfE rules of each collection year -------------------------------------------------------------------
# The DfE's SSDA903 rules change by collection year (1 April to 31 March). The checks below state, directly on
# the generated rows of each year's return, what that year's rules require. They are our reading of the
# DfE-aligned validator's rules for the year (rule numbers in brackets); years before 2022-23 are held to the
# 2022-23 rules, the oldest set the validator carries.
_T = ["T0", "T1", "T2", "T3", "T4"]
_Z1X = ["Z11", "Z12", "Z13", "Z14"]
_BASE_PLACES = ["A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5", "S1"]
_BASE_PLACES += [*_T, "U1", "U2", "U3", "U4", "U5", "U6", "Z1"]
_FOSTER_OR_ADOPTION = ["A3", "A4", "A5", "A6", "U1", "U2", "U3", "U4", "U5", "U6"]
_NEEDS_SETTING_URN = ["K1", "K2", "K3", "R3", "S1", "U1", "U2", "U3", "U4", "U5", "U6"]
_REGISTRATION_DAY = pd.Timestamp(2023, 10, 28)  # supported accommodation must be registered with Ofsted


def _places_valid_in(start_year: int) -> set[str]:
    """Placement types in the year's code list (146): K3 from 2024-25; H5, P2 and Z1 out, Z11-Z14 in, 2025-26."""
    places = set(_BASE_PLACES) | ({"K3"} if start_year >= 2024 else set())
    return (places - {"H5", "P2", "Z1"}) | set(_Z1X) if start_year >= 2025 else places


def _no_provider_places(start_year: int) -> list[str]:
    """Placement types that take no PLACE_PROVIDER (213, 526): T0-T4 and Z1, Z11-Z14 from 2025-26."""
    return _T + (_Z1X if start_year >= 2025 else ["Z1"])


def _no_urn_places(start_year: int) -> list[str]:
    """Placement types whose URN must be blank or XXXXXXX (222): H5 until 2022-23, P2 until 2023-24."""
    places = ["P1", "P3", "R1", "R2", "R5", *_T] + (_Z1X if start_year >= 2025 else ["Z1"])
    return places + (["P2"] if start_year <= 2023 else []) + (["H5"] if start_year <= 2022 else [])


def _urn_exempt_places(start_year: int) -> list[str]:
    """Placement types that need no URN (218): as 222, H5 exempt until 2023-24 (230 covers it from 2023-24)."""
    return _no_urn_places(start_year) + (["H5", "P2"] if start_year <= 2023 else [])


def dfe_rule_breaches(
    header: pd.DataFrame,
    episodes: pd.DataFrame,
    start_year: int,
    register: dict[str, str],
    oc3: pd.DataFrame | None = None,
    uasc: pd.DataFrame | None = None,
) -> dict[str, pd.Series]:
    """What a collection year's DfE rules require of one return, as named masks of the offending rows.

    ``header``/``episodes`` are one year's files as read by :func:`_read`; ``register`` the demo's Ofsted
    register as URN -> setting postcode. Each mask is aligned on ``episodes`` (or on ``header``, ``oc3``,
    ``uasc`` for the ones named so).
    """
    ys = pd.Timestamp(start_year, 4, 1)
    e = episodes.assign(
        decom=pd.to_datetime(episodes["DECOM"], format="%d/%m/%Y"),
        dec=pd.to_datetime(episodes["DEC"].replace("", None), format="%d/%m/%Y"),
    ).sort_values(["CHILD", "decom"])
    dob = pd.to_datetime(header.set_index("CHILD")["DOB"], format="%d/%m/%Y")
    born = e["CHILD"].map(dob)
    leap_born = (born.dt.month == 2) & (born.dt.day == 29)  # their birthdays fall on 1 March in other years

    def birthday(n: int) -> pd.Series:
        b = born + pd.DateOffset(years=n)
        return b + pd.to_timedelta((leap_born & (b.dt.day == 28)).astype(int), unit="D")

    fourteen, sixteen, eighteen = birthday(14), birthday(16), birthday(18)
    prev = e.shift(1).where(e["CHILD"].eq(e["CHILD"].shift(1)))
    nxt = e.shift(-1).where(e["CHILD"].eq(e["CHILD"].shift(-1)))
    fields = ["PLACE", "PLACE_PROVIDER", "URN", "PL_POST"]
    placement_changed = (e[fields] != prev[fields]).any(axis=1)
    ls_changed = e["LS"] != prev["LS"]
    has_prev = prev["CHILD"].notna()
    short_break = e["LS"].isin(["V3", "V4"])
    no_urn = e["URN"].isin(["", "XXXXXXX"])
    # Rules 217t and 230 come with the 2023-24 return; an older return's open episode is not judged by them.
    after_registration = (e["dec"].isna() | (e["dec"] > _REGISTRATION_DAY)) & (start_year >= 2023)
    reason_required = (  # 225: an episode ending in a move to another (not temporary) placement
        e["REC"].eq("X1")
        & nxt["RNE"].isin(["P", "B", "T", "U"])
        & ~e["PLACE"].isin(_T)
        & ~nxt["PLACE"].isin(_T)
    )
    v3_days = (e["dec"].fillna(pd.Timestamp(start_year + 1, 3, 31)) - e["decom"].clip(lower=ys)).dt.days
    out = {
        # Placement types of the year, and of the child's age.
        "PLACE not in the year's code list (146)": ~e["PLACE"].isin(_places_valid_in(start_year)),
        "P2 open after 28 October 2023 (217t)": e["PLACE"].eq("P2") & after_registration,
        "H5 without URN after 28 October 2023 (230)": e["PLACE"].eq("H5") & no_urn & after_registration,
        "supported accommodation under 16 (370, 371)": e["PLACE"].isin(["H5", "K3", "P2"])
        & (e["decom"] < sixteen),
        # Placement providers.
        "provider given where none is (213)": e["PLACE"].isin(_no_provider_places(start_year))
        & e["PLACE_PROVIDER"].ne(""),
        "provider missing (526)": ~e["PLACE"].isin(_no_provider_places(start_year))
        & e["PLACE_PROVIDER"].eq(""),
        "PR0 without P1 or P1 without PR0 (530, 531, 550)": e["PLACE_PROVIDER"].eq("PR0")
        != e["PLACE"].eq("P1"),
        "PR1/PR2 with R2 or R5 (527, 528)": e["PLACE_PROVIDER"].isin(["PR1", "PR2"])
        & e["PLACE"].isin(["R2", "R5"]),
        "PR3 with fostering, adoption or a children's home (529)": e["PLACE_PROVIDER"].eq("PR3")
        & e["PLACE"].isin([*_FOSTER_OR_ADOPTION, "K1", "K2"]),
        # URNs: required (a setting of the register where the demo has one), or forbidden.
        "URN missing (218)": ~short_break
        & ~e["PLACE"].isin(_urn_exempt_places(start_year))
        & e["URN"].eq("")
        & (e["dec"].isna() | (e["dec"] >= ys)),
        "URN of a registered setting missing": ~short_break
        & (e["PLACE"].isin(_NEEDS_SETTING_URN) | (e["PLACE"].eq("H5") & after_registration))
        & ~e["URN"].isin(list(register)),
        "URN of a setting elsewhere than the placement postcode (221)": e["PLACE"].isin(
            ["K1", "K2", "K3", "R3", "S1"]
        )
        & e["URN"].isin(list(register))
        & (e["URN"].map(register) != e["PL_POST"]),
        "placed at the home postcode other than with parents (392d)": e["PLACE"].ne("P1")
        & e["HOME_POST"].eq(e["PL_POST"]),
        "URN given where none may be (222)": e["PLACE"].isin(_no_urn_places(start_year)) & ~no_urn,
        # Short breaks.
        "short break with placement location (214)": short_break & (e["PL_POST"].ne("") | e["URN"].ne("")),
        "short break not a new episode (366)": e["LS"].eq("V3") & e["RNE"].ne("S"),
        "short break over 17 days (365)": e["LS"].eq("V3") & (v3_days > 17),
        "short breaks over 75 days in the year (367)": e["LS"].eq("V3")
        & (v3_days.where(e["LS"].eq("V3"), 0).groupby(e["CHILD"]).transform("sum") > 75),
        "short break in long-term fostering or temporary (382, 384)": short_break
        & e["PLACE"].isin(["U1", "U4", *_T]),
        "V3 and V4 for one child (426)": e.groupby("CHILD")["LS"].transform(
            lambda ls: ls.eq("V3").any() & ls.eq("V4").any()
        ),
        # Reason for new episode against what changed since the episode before.
        "continuation not starting the day the last ended (433)": e["RNE"].isin(["P", "L", "T", "U", "B"])
        & has_prev
        & (prev["dec"] != e["decom"]),
        "S starting the day the last ended (431)": e["RNE"].eq("S") & has_prev & (prev["dec"] >= e["decom"]),
        "not S after care ended (432)": has_prev & prev["REC"].ne("X1") & e["RNE"].ne("S"),
        "L without a legal change only (434)": has_prev
        & e["RNE"].eq("L")
        & (~ls_changed | placement_changed),
        "P/T without a placement change only (435)": has_prev
        & e["RNE"].isin(["P", "T"])
        & (ls_changed | ~placement_changed),
        "B/U without both changing (436)": has_prev
        & e["RNE"].isin(["B", "U"])
        & (~ls_changed | ~placement_changed),
        # Reason for placement change exactly where a placement ends in a move.
        "reason for placement change missing (225)": reason_required & e["REASON_PLACE_CHANGE"].eq(""),
        "reason for placement change not required (226, 233)": ~reason_required
        & e["REASON_PLACE_CHANGE"].ne(""),
        # Episode endings.
        "DEC and REC not paired (148)": e["DEC"].eq("") != e["REC"].eq(""),
        "X1 without a same-day episode (388)": e["REC"].eq("X1") & (nxt["decom"] != e["dec"]),
        "care ended but a same-day episode follows (388)": e["REC"].ne("X1")
        & e["REC"].ne("")
        & nxt["decom"].eq(e["dec"]),
        "episode after death or age assessment (437)": e["REC"].isin(["E2", "E15"]) & nxt["CHILD"].notna(),
        # Temporary placements.
        "temporary placement not a move (380)": e["PLACE"].isin(_T) & ~e["RNE"].isin(["P", "B"]),
        "care ends in a temporary placement (381)": e["PLACE"].isin(_T) & e["REC"].ne("X1") & e["REC"].ne(""),
        "no return to the placement before a temporary one (383)": prev["PLACE"].isin(_T)
        & e.shift(2)["CHILD"].eq(e["CHILD"])
        & (e["RNE"].ne("P") | e["PLACE"].ne(e.shift(2)["PLACE"]) | e["PL_POST"].ne(e.shift(2)["PL_POST"])),
        # Adoption.
        "placed for adoption with carers not S/T/U (217)": e["PLACE"].isin(["A3", "A5"])
        & ~e["RNE"].isin(["S", "T", "U"]),
        "placed for adoption not from foster care (336)": e["PLACE"].isin(["A3", "A4"])
        & has_prev
        & ~prev["PLACE"].isin(_FOSTER_OR_ADOPTION),
        # Plausible dates and ages.
        "episode before birth or at 18+ (302, 352)": (e["decom"] < born) | (e["decom"] >= eighteen),
        "episode ends after the 18th birthday": e["dec"] > eighteen,
        "adopted or special guardianship at 18+ (386, 407)": e["REC"].isin(
            ["E11", "E12", "E45", "E46", "E47", "E48"]
        )
        & (e["dec"] >= eighteen),
        "staying put under 18 (460)": e["REC"].eq("E17") & (e["dec"] < eighteen),
        "independent living under 14 or adult care under 16 (387, 389)": (
            e["REC"].isin(["E5", "E6"]) & (e["dec"] < fourteen)
        )
        | (e["REC"].eq("E7") & (e["dec"] < sixteen)),
    }
    looked_after = set(e.loc[~short_break, "CHILD"])
    out["header: SEX not in the year's codes (101)"] = ~header["SEX"].isin(
        ["M", "F", "U"] if start_year >= 2024 else ["1", "2"]
    )
    female = header["SEX"].isin(["F", "2"])
    out["header: looked-after girl without the mother field (393)"] = (
        female & header["CHILD"].isin(looked_after) & header["MOTHER"].eq("")
    )
    if oc3 is not None:
        out["oc3: care leaver not in the header, or another DOB (INT06, INT15)"] = oc3["DOB"] != oc3[
            "CHILD"
        ].map(header.set_index("CHILD")["DOB"])
        out["oc3: care leaver listed twice (INT34)"] = oc3["CHILD"].duplicated(keep=False)
    if uasc is not None:
        h = header.set_index("CHILD")
        out["uasc: not in the header, or another DOB or SEX (INT09, INT18, INT21)"] = (
            uasc["DOB"] != uasc["CHILD"].map(h["DOB"])
        ) | (uasc["SEX"] != uasc["CHILD"].map(h["SEX"]))
        out["uasc: status ceased after the 18th birthday (304)"] = pd.to_datetime(
            uasc["DUC"].replace("", None), format="%d/%m/%Y"
        ) > pd.to_datetime(uasc["DOB"], format="%d/%m/%Y") + pd.DateOffset(years=18)
        out["uasc: child with no episode in the year"] = ~uasc["CHILD"].isin(looked_after)
    return out


# The DfE rules a year's validator may flag on the demo's returns, and why a real return would be flagged
# too. When the rules package lands, the test below becomes: run the year's rules on each return and assert
# that the rule codes flagged are among these. Everything else must stay clean.
DFE_RULES_EXPECTED_TO_FLAG: dict[str, dict[str, str]] = {
    "2024-25": {
        "146": "the validator's 2024-25 code list spells K3 as 'k3', so every K3 episode is flagged",
    },
    "2025-26": {
        "218": "short breaks (V3) carry no URN (rule 214 forbids one) and 218 makes no exception for them",
    },
}


def dfe_rules_expected_to_flag(year: str) -> set[str]:
    """Rule codes the DfE rules of ``year`` ("2025-26") may flag on a demo return (see the table above)."""
    return set(DFE_RULES_EXPECTED_TO_FLAG.get(year, {}))


@pytest.mark.parametrize("code", pf.DEFAULT_AUTHORITIES)
def test_every_return_obeys_the_dfe_rules_of_its_year(region, code):
    la = region.authorities[code]
    register = {s["urn"]: s["postcode"] for s in region.settings}
    broken = {}
    for label in region.years:
        files = la.files_by_year[label]
        header, episodes = _read(files["header"]), _read(files["episodes"])
        oc3 = _read(files["oc3"]) if "oc3" in files else None
        uasc = _read(files["uasc"]) if "uasc" in files else None
        for check, mask in dfe_rule_breaches(header, episodes, int(label[:4]), register, oc3, uasc).items():
            if mask.any():
                broken[(label, check)] = int(mask.sum())
    assert not broken, "\n".join(f"{year} {check}: {n} rows" for (year, check), n in broken.items())


def test_own_provision_other_than_fostering_is_in_the_authority(region):
    """PR1 for a home, supported accommodation or other setting means the authority's own, in its own area
    (DfE rule 1015); foster carers and adopters may live anywhere."""
    from placements.geo import upper_tier_ons_code

    for la in region.authorities.values():
        e = _merged_episodes(la)
        own = e[
            e["PLACE_PROVIDER"].eq("PR1")
            & ~e["PLACE"].isin(_FOSTER_OR_ADOPTION)
            & ~e["LS"].isin(["V3", "V4"])
        ]
        assert len(own) > 0
        assert (upper_tier_ons_code(own["PL_POST"].reset_index(drop=True)) == la.ons_code).all(), la.dfe_code


def test_dfe_rule_checks_catch_what_the_rules_forbid():
    """The checks fail on the breaches the demo used to carry: Z14 with PR4, H5 and P2 in 2025-26."""
    header = pd.DataFrame(
        {"CHILD": ["A", "B"], "SEX": ["M", "F"], "DOB": ["01/01/2008"] * 2, "MOTHER": ["", "0"]}
    )
    row = {
        "RNE": "S",
        "LS": "V2",
        "DEC": "",
        "REC": "",
        "REASON_PLACE_CHANGE": "",
        "PL_POST": "WS1 1TP",
        "HOME_POST": "WV1 1RQ",
    }
    episodes = pd.DataFrame(
        [
            {
                **row,
                "CHILD": "A",
                "DECOM": "01/05/2025",
                "PLACE": "Z14",
                "PLACE_PROVIDER": "PR4",
                "URN": "XXXXXXX",
            },
            {
                **row,
                "CHILD": "B",
                "DECOM": "01/05/2025",
                "PLACE": "H5",
                "PLACE_PROVIDER": "PR4",
                "URN": "XXXXXXX",
            },
        ]
    )
    flagged = {check for check, mask in dfe_rule_breaches(header, episodes, 2025, {}).items() if mask.any()}
    assert "provider given where none is (213)" in flagged
    assert "PLACE not in the year's code list (146)" in flagged
    assert "H5 without URN after 28 October 2023 (230)" in flagged
    z1_in_2024 = dfe_rule_breaches(header, episodes.replace({"Z14": "Z1"}), 2024, {})
    assert z1_in_2024["provider given where none is (213)"].tolist() == [True, False]
    assert not z1_in_2024["PLACE not in the year's code list (146)"].any()  # Z1 and H5 are still valid
    fixed = episodes.assign(PLACE=["Z14", "K3"], PLACE_PROVIDER=["", "PR4"], URN=["XXXXXXX", "2700001"])
    register = {"2700001": "WS1 1TP"}
    assert not any(mask.any() for mask in dfe_rule_breaches(header, fixed, 2025, register).values())
    assert dfe_rules_expected_to_flag("2025-26") == {"218"}


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
    # The generator does not yet follow these DfE rules in every row (a real return also flags a few rows):
    # "P" moves that keep the same placement (435), P2 still open in 2025-26 (146), care ending in a
    # temporary placement (381), an "L" episode whose placement details differ from the episode before
    # (434, one row) and a return from a temporary placement to another placement (383, one row). Every
    # other rule must pass; remove codes from this set as the generator is fixed.
    not_yet_followed = {"435", "146", "381", "434", "383"}
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


# --- Optional extract problems -----------------------------------------------------------------------------
def test_extract_problems_are_two_flagged_rows_that_change_no_count(region):
    from placements.counting import in_care_on, periods_of_care
    from placements.ssda903 import read_ssda903

    with_problems = generate_region(authorities=["335"], extract_problems=True).authorities["335"]
    clean = region.authorities["335"]
    changed = {name for name, data in with_problems.files.items() if clean.files[name] != data}
    assert changed == {"ssda903_335_2025-26_episodes.csv"}  # only the latest Episodes file
    before = _read(clean.files_by_year["2025-26"]["episodes"])
    after = _read(with_problems.files_by_year["2025-26"]["episodes"])
    differs = (before != after).any(axis=1)
    assert differs.sum() == 2
    assert sorted((before != after).sum()[lambda n: n > 0].index) == ["DEC", "REC"]
    rec_on_open = after[differs & after["DEC"].eq("") & after["REC"].ne("")]
    assert len(rec_on_open) == 1

    problems = read_ssda903(list(with_problems.files.items()))
    clean_result = read_ssda903(list(clean.files.items()))
    # What the two problems add to what the clean files flag: the REC without a DEC (148); the overlap
    # (501, and 433 on the later episode), which also leaves the X1 episode without a same-day successor.
    known = {(e.file, e.row, e.code) for e in clean_result.errors}
    flagged = sorted(e.code for e in problems.errors if (e.file, e.row, e.code) not in known)
    assert flagged == ["148", "388", "433", "501"], problems.errors
    assert clean_result.ok and problems.ok  # imported by the policy: both problems are repaired
    assert len(problems.repairs) == 2 and problems.quarantine.empty
    # The same children in care on every 31 March, and the same periods of care started and ceased.
    ok = read_ssda903(list(clean.files.items())).episodes
    for _, _, end in collection_years(AS_AT):
        day = dt.date.fromordinal(end)
        assert set(in_care_on(problems.episodes, day)["child"]) == set(in_care_on(ok, day)["child"])
    columns = ["child", "start", "started", "ceased"]
    assert periods_of_care(problems.episodes)[columns].equals(periods_of_care(ok)[columns])


def test_own_homes_are_near_but_not_over_their_places_and_block_beds_are_used(region):
    """Each authority's own children's homes (short-break homes aside) hold every authority's children up to
    their places, rarely one over; the block-contracted home holds the authority's children in its beds."""
    from sufficiency.demo.generator import is_short_break_home

    settings = {s["urn"]: s for s in region.settings}
    own_homes = {
        urn: s
        for urn, s in settings.items()
        if s["sector"] == "local_authority"
        and s["provision_type"] == "childrens_home"
        and s["closed_date"] is None
        and s["la_dfe_code"] in region.authorities  # the simulated authorities' own homes
        and not is_short_break_home(s["name"])
    }
    rows = pd.concat([_in_care_rows(_merged_episodes(la), AS_AT) for la in region.authorities.values()])
    rows = rows[~rows["LS"].isin(["V4"])]
    children = rows.groupby("URN")["CHILD"].nunique()
    places = sum(s["registered_places"] or 4 for s in own_homes.values())
    placed = sum(int(children.get(urn, 0)) for urn in own_homes)
    assert 0.70 <= placed / places <= 1.10, (placed, places)
    over = {urn: int(children.get(urn, 0)) - (s["registered_places"] or 4) for urn, s in own_homes.items()}
    assert max(over.values()) <= 1 and sum(1 for n in over.values() if n > 0) <= 2, over
    for la in region.authorities.values():
        assert la.block_home_urn and la.block_beds > 0, la.dfe_code
        own_rows = _in_care_rows(_merged_episodes(la), AS_AT)
        in_block = own_rows.loc[own_rows["URN"] == la.block_home_urn, "CHILD"].nunique()
        assert 1 <= in_block <= la.block_beds, (la.dfe_code, in_block, la.block_beds)
