"""Counting rules (placements.counting): hand-checkable fixtures for every rule in docs/domain.md section 3.

Synthetic children only. Every test asserts exact numbers, so each one fails if its rule is broken.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from placements import counting
from placements.categories import AGE_BANDS, PLANNING_CATEGORIES, age_band, planning_category
from placements.counting import (
    cic_snapshot,
    in_care_on,
    locality_on,
    long_term_stability,
    long_term_stability_counts,
    monthly_counts,
    periods_of_care,
    placements_in_window,
    prepare_episodes,
    stability_3_plus,
    stability_3_plus_counts,
    window_start,
)

ON = dt.date(2024, 3, 31)  # a year-end snapshot; the 12 months to it start on 1 April 2023


# --- builders -----------------------------------------------------------------------------------------------
def category(place: object, provider: object) -> str:
    """Planning category as the importer fills it (missing codes are None)."""
    return planning_category(
        place if isinstance(place, str) else None, provider if isinstance(provider, str) else None
    )


def ep(
    child: str,
    decom: str,
    dec: str | None = None,
    *,
    rne: str = "P",
    ls: str = "C2",
    rec: str | None = None,
    place: str | None = "U4",
    provider: str | None = "PR1",
    **extra: object,
) -> dict[str, object]:
    """One SSDA903 episode row. A closed episode with no REC given ends X1 (still in care)."""
    if dec is not None and rec is None:
        rec = "X1"
    return {
        "child": child,
        "decom": decom,
        "dec": dec,
        "rne": rne,
        "ls": ls,
        "rec": rec,
        "place": place,
        "place_provider": provider,
        **extra,
    }


def episodes(*rows: dict[str, object], with_category: bool = True) -> pd.DataFrame:
    """Canonical episodes frame (category filled in, as the importer does) from ``ep`` rows."""
    frame = pd.DataFrame(list(rows))
    frame["decom"] = pd.to_datetime(frame["decom"])
    frame["dec"] = pd.to_datetime(frame["dec"])
    if with_category:
        frame["category"] = [
            category(p, pp) for p, pp in zip(frame["place"], frame["place_provider"], strict=True)
        ]
    return frame


def kids(**dobs: str) -> pd.DataFrame:
    """Children frame with exactly the children named, each with the DOB given."""
    return pd.DataFrame({"child": list(dobs), "dob": pd.to_datetime(list(dobs.values()))})


def kids_for(frame: pd.DataFrame, default_dob: str = "2012-06-15", **dobs: str) -> pd.DataFrame:
    """A children frame with a DOB for every child in ``frame`` (``default_dob`` unless named)."""
    children = sorted(frame["child"].unique())
    return pd.DataFrame(
        {"child": children, "dob": pd.to_datetime([dobs.get(c, default_dob) for c in children])}
    )


def synthetic(n_children: int = 1400, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Random but plausible episodes for ``n_children`` (about 7 episodes each), with re-entries,
    legal status changes, temporary and short-break episodes, and some children who turn 18."""
    rng = np.random.default_rng(seed)
    places = np.array(
        ["U4", "U6", "U1", "U3", "K2", "R1", "K1", "S1", "H5", "K3", "P1", "A5", "R2", "T1", "Z1"]
    )
    providers = np.array(["PR1", "PR2", "PR4", "PR5", "PR0", None], dtype=object)
    rows: list[dict[str, object]] = []
    child_rows = []
    base = np.datetime64("2016-01-01")
    for i in range(n_children):
        child = f"C{i:05d}"
        dob = base - np.timedelta64(int(rng.integers(0, 17 * 365)), "D") + np.timedelta64(6 * 365, "D")
        child_rows.append({"child": child, "dob": pd.Timestamp(dob)})
        day = max(dob, base) + np.timedelta64(int(rng.integers(0, 8 * 365)), "D")
        n_eps = int(rng.integers(3, 12))
        start_of_period = True
        ls = "V3" if rng.random() < 0.02 else "C2"
        for k in range(n_eps):
            length = int(rng.integers(5, 500))
            last = k == n_eps - 1
            leaves = (not last) and rng.random() < 0.08
            dec = day + np.timedelta64(length, "D")
            open_ = last and rng.random() < 0.6
            rne = "S" if start_of_period else str(rng.choice(["P", "L", "T", "B", "U", "P"]))
            rows.append(
                {
                    "child": child,
                    "decom": pd.Timestamp(day),
                    "dec": pd.NaT if open_ else pd.Timestamp(dec),
                    "rne": rne,
                    "ls": ls,
                    "rec": None if open_ else ("E13" if (leaves or last) else "X1"),
                    "place": str(rng.choice(places)),
                    "place_provider": rng.choice(providers),
                    "distance_miles": float(np.round(rng.gamma(2.0, 8.0), 1))
                    if rng.random() < 0.8
                    else np.nan,
                }
            )
            start_of_period = leaves
            day = dec + (
                np.timedelta64(int(rng.integers(30, 300)), "D") if leaves else np.timedelta64(0, "D")
            )
    frame = pd.DataFrame(rows)
    frame["category"] = [
        category(p, pp) for p, pp in zip(frame["place"], frame["place_provider"], strict=True)
    ]
    return frame, pd.DataFrame(child_rows)


# --- in care on a date --------------------------------------------------------------------------------------
def test_in_care_requires_start_on_or_before_and_end_after_the_date():
    frame = episodes(
        ep("A", "2020-01-01", rne="S"),  # open: in care
        ep("B", "2020-01-01", "2024-03-31", rne="S", rec="E13"),  # ended on the date: not in care
        ep("C", "2020-01-01", "2024-04-01", rne="S", rec="E13"),  # ends the day after: in care
        ep("D", "2024-04-01", rne="S"),  # starts the day after: not yet
        ep("E", "2024-03-31", rne="S"),  # starts on the date: in care
    )
    assert sorted(in_care_on(frame, ON)["child"]) == ["A", "C", "E"]
    assert cic_snapshot(frame, kids_for(frame), ON)["total"] == 3


def test_episode_ending_on_snapshot_date_is_ceased_not_in_care():
    frame = episodes(ep("B", "2020-01-01", "2024-03-31", rne="S", rec="E13"))
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert snap["total"] == 0
    assert snap["ceased_12m"] == 1
    # The day before, the child was still looked after.
    assert cic_snapshot(frame, kids_for(frame), dt.date(2024, 3, 30))["total"] == 1


def test_x1_chain_across_snapshot_date_counts_once_in_the_new_placement():
    frame = episodes(
        ep("A", "2022-01-01", "2024-03-31", rne="S", rec="X1", place="U4", provider="PR1"),
        ep("A", "2024-03-31", rne="P", place="K2", provider="PR4"),
    )
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert snap["total"] == 1
    assert snap["by_category"]["residential_external"] == 1
    assert snap["by_category"]["fostering_inhouse"] == 0
    assert snap["ceased_12m"] == 0
    before = cic_snapshot(frame, kids_for(frame), dt.date(2024, 3, 30))
    assert before["by_category"]["fostering_inhouse"] == 1
    assert before["by_category"]["residential_external"] == 0
    assert len(periods_of_care(frame)) == 1


def test_legal_status_change_is_the_same_placement_and_the_child_counts_once():
    frame = episodes(
        ep("A", "2023-05-01", "2023-08-01", rne="S", ls="C1", rec="X1"),
        ep("A", "2023-08-01", rne="L", ls="C2"),
    )
    assert len(in_care_on(frame, ON)) == 1
    assert placements_in_window(frame, "2023-04-01", ON).to_dict("records") == [
        {"child": "A", "placements": 1}
    ]
    periods = periods_of_care(frame)
    assert len(periods) == 1
    assert int(periods.loc[0, "episodes"]) == 2
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert (snap["total"], snap["started_12m"], snap["by_category"]["fostering_inhouse"]) == (1, 1, 1)


def test_two_current_episodes_take_the_latest_start():
    frame = episodes(
        ep("A", "2023-01-01", rne="S", place="U4", provider="PR1"),
        ep("A", "2023-06-01", rne="P", place="K2", provider="PR4"),
    )
    current = in_care_on(frame, ON)
    assert current["decom"].tolist() == [pd.Timestamp("2023-06-01")]
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert (snap["total"], snap["by_category"]["residential_external"]) == (1, 1)


# --- periods of care ----------------------------------------------------------------------------------------
def test_reentry_to_care_makes_two_periods_and_both_count_as_started():
    frame = episodes(
        ep("A", "2023-05-01", "2023-07-01", rne="S", ls="V2", rec="E13"),
        ep("A", "2023-10-01", rne="S", ls="C1", place="U6", provider="PR4"),
    )
    periods = periods_of_care(frame)
    assert periods[["period", "started", "ceased"]].to_dict("records") == [
        {"period": 1, "started": True, "ceased": True},
        {"period": 2, "started": True, "ceased": False},
    ]
    assert periods["end"].tolist()[0] == pd.Timestamp("2023-07-01")
    assert pd.isna(periods["end"].tolist()[1])
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert (snap["total"], snap["started_12m"], snap["ceased_12m"]) == (1, 2, 1)
    assert placements_in_window(frame, "2023-04-01", ON)["placements"].tolist() == [2]


def test_chain_not_starting_with_s_is_in_care_but_never_started():
    # Data starting mid-period (first year of an extract): the first episode is a move.
    frame = episodes(
        ep("A", "2023-06-01", "2023-09-01", rne="P", rec="X1"),
        ep("A", "2023-09-01", rne="L"),
    )
    periods = periods_of_care(frame)
    assert len(periods) == 1
    assert periods.loc[0, "started"] == False  # noqa: E712
    assert periods.loc[0, "start"] == pd.Timestamp("2023-06-01")
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert (snap["total"], snap["started_12m"]) == (1, 0)


def test_period_ends_at_first_non_x1_reason_and_blank_reason_is_not_ceased():
    frame = episodes(
        ep("A", "2020-01-01", "2021-01-01", rne="S", rec="X1"),
        ep("A", "2021-01-01", "2022-01-01", rne="P", rec="E4A"),
        ep("B", "2020-01-01", "2021-01-01", rne="S", rec="X1"),  # trailing X1: next episode missing
        ep("C", "2020-01-01", "2021-01-01", rne="S", rec=""),  # invalid: closed with no reason
        ep("C", "2021-01-01", rne="P"),
        ep("D", "2020-01-01", "2021-01-01", rne="S", rec="X1"),  # invalid: X1 then a fresh start
        ep("D", "2021-01-01", rne="S"),
    )
    periods = periods_of_care(frame).set_index(["child", "period"])
    assert periods.loc[("A", 1), "end"] == pd.Timestamp("2022-01-01")
    assert (periods.loc[("A", 1), "episodes"], periods.loc[("A", 1), "ceased"]) == (2, True)
    assert pd.isna(periods.loc[("B", 1), "end"]) and not periods.loc[("B", 1), "ceased"]
    # A blank REC closes the chain (literal rule) but is not a leaving reason: neither ceased nor started.
    assert len(periods.loc["C"]) == 2
    assert not periods.loc[("C", 1), "ceased"] and not periods.loc[("C", 2), "started"]
    # An S always starts a new period; the one it interrupts ends there without having ceased.
    assert periods.loc["D", "started"].tolist() == [True, True]
    assert periods.loc[("D", 1), "end"] == pd.Timestamp("2021-01-01") and not periods.loc[("D", 1), "ceased"]


def test_started_and_ceased_windows_are_exactly_twelve_months_inclusive():
    frame = episodes(
        ep("S1", "2023-03-31", rne="S"),  # a day too early
        ep("S2", "2023-04-01", rne="S"),  # first day of the window
        ep("S3", "2024-03-31", rne="S"),  # the snapshot date
        ep("S4", "2024-04-01", rne="S"),  # after the date
        ep("C1", "2020-01-01", "2023-03-31", rne="S", rec="E13"),  # a day too early
        ep("C2", "2020-01-01", "2023-04-01", rne="S", rec="E4A"),
        ep("C3", "2020-01-01", "2024-03-31", rne="S", rec="E13"),
        ep("C4", "2020-01-01", "2024-01-01", rne="S", rec="X1"),  # a move, not leaving care
        ep("C4", "2024-01-01", rne="P"),
    )
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert (snap["started_12m"], snap["ceased_12m"]) == (2, 2)
    assert window_start(ON) == pd.Timestamp("2023-04-01")
    assert window_start(dt.date(2024, 2, 29)) == pd.Timestamp("2023-03-01")


# --- age ----------------------------------------------------------------------------------------------------
def test_children_are_not_counted_from_their_18th_birthday():
    frame = episodes(
        ep("BEFORE", "2020-01-01", rne="S"),
        ep("ON", "2020-01-01", rne="S"),
        ep("AFTER", "2020-01-01", rne="S"),
    )
    children = kids(BEFORE="2006-03-30", ON="2006-03-31", AFTER="2006-04-01")
    snap = cic_snapshot(frame, children, ON)
    assert snap["total"] == 1
    assert snap["by_age_band"]["16_17"] == 1
    assert in_care_on(frame, ON, children=children)["child"].tolist() == ["AFTER"]
    assert len(in_care_on(frame, ON)) == 3  # without DOBs no age rule can apply


def test_leap_day_birthday_turns_18_on_1_march():
    frame = episodes(ep("A", "2020-01-01", rne="S"))
    children = kids(A="2004-02-29")
    assert cic_snapshot(frame, children, dt.date(2022, 2, 28))["total"] == 1
    assert cic_snapshot(frame, children, dt.date(2022, 3, 1))["total"] == 0


def test_age_bands_use_age_on_the_date_with_birthdays_on_the_date():
    dobs = {
        "U1": "2023-04-01",  # 0
        "B1": "2023-03-31",  # first birthday today: 1
        "B4": "2019-04-01",  # 4
        "B5": "2019-03-31",  # 5 today
        "B10": "2014-03-31",  # 10 today
        "B15": "2008-04-01",  # 15
        "B16": "2008-03-31",  # 16 today
    }
    frame = episodes(*[ep(c, "2024-01-01", rne="S") for c in dobs])
    snap = cic_snapshot(frame, kids(**dobs), ON)
    assert snap["by_age_band"] == {"under_1": 1, "1_4": 2, "5_9": 1, "10_15": 2, "16_17": 1}


def test_vectorised_age_bands_agree_with_categories_age_band():
    ages = pd.Series(range(18), dtype=float)
    assert counting._age_bands(ages).tolist() == [age_band(a) for a in range(18)]


def test_child_without_a_known_dob_is_counted_in_total_but_no_age_band():
    frame = episodes(ep("A", "2020-01-01", rne="S"), ep("B", "2020-01-01", rne="S"))
    snap = cic_snapshot(frame, kids(A="2015-01-01"), ON)
    assert snap["total"] == 2
    assert sum(snap["by_age_band"].values()) == 1


# --- short breaks and categories ----------------------------------------------------------------------------
def test_short_breaks_v3_v4_are_excluded_from_every_count():
    frame = episodes(
        ep("A", "2023-06-01", rne="S", ls="V3"),
        ep("B", "2023-04-01", rne="S", ls="V4"),
        ep("C", "2023-05-01", "2023-05-03", rne="S", ls="V3", rec="E13"),
        ep("D", "2023-05-01", rne="S", ls="C2"),
    )
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert (snap["total"], snap["started_12m"], snap["ceased_12m"]) == (1, 1, 0)
    assert periods_of_care(frame)["child"].tolist() == ["D"]
    assert placements_in_window(frame, "2023-04-01", ON)["child"].tolist() == ["D"]
    assert monthly_counts(frame, kids_for(frame), "2023-06-01", "2023-06-30")["total"].tolist() == [1]


def test_temporary_placement_counts_as_temporary():
    frame = episodes(
        ep("A", "2023-01-01", "2024-03-20", rne="S", place="U4", provider="PR1"),
        ep("A", "2024-03-20", rne="P", place="T1", provider=None),
        with_category=False,  # category derived from PLACE/PLACE_PROVIDER when absent
    )
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert snap["by_category"]["temporary"] == 1
    assert sum(snap["by_category"].values()) == 1
    assert snap["by_place"] == {"T1": 1}


def test_by_category_has_every_key_and_by_place_is_sorted():
    frame = episodes(
        ep("A", "2023-01-01", rne="S", place="U4", provider="PR1"),
        ep("B", "2023-01-01", rne="S", place="K2", provider="PR4"),
        ep("C", "2023-01-01", rne="S", place="A5", provider="PR1"),
        ep("D", "2023-01-01", rne="S", place="U4", provider="PR2"),
        ep("E", "2023-01-01", rne="S", place=None, provider=None),
    )
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert list(snap["by_category"]) == list(PLANNING_CATEGORIES)
    assert list(snap["by_place"].items()) == [("A5", 1), ("K2", 1), ("U4", 2), ("unknown", 1)]
    assert snap["by_category"]["fostering_external"] == 1
    assert snap["by_category"]["other"] == 1  # no PLACE recorded


# --- distance and rate --------------------------------------------------------------------------------------
def test_over_20_miles_is_strictly_greater_and_only_known_distances_count():
    frame = episodes(
        ep("A", "2023-01-01", rne="S", distance_miles=20.0),
        ep("B", "2023-01-01", rne="S", distance_miles=20.1),
        ep("C", "2023-01-01", rne="S", distance_miles=np.nan),
        ep("D", "2023-01-01", rne="S", distance_miles=3.5),
        ep("E", "2023-01-01", "2024-01-01", rne="S", rec="E13", distance_miles=80.0),  # left care
    )
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert (snap["distance_known"], snap["over_20_miles"]) == (3, 1)


def test_distance_counts_are_zero_without_a_distance_column():
    frame = episodes(ep("A", "2023-01-01", rne="S"))
    snap = cic_snapshot(frame, kids_for(frame), ON)
    assert (snap["distance_known"], snap["over_20_miles"]) == (0, 0)


def test_locality_counts_children_placed_outside_the_boundary():
    frame = episodes(
        ep("A", "2023-01-01", rne="S", placement_la_inside=True),
        ep("B", "2023-01-01", rne="S", placement_la_inside=False),
        ep("C", "2023-01-01", rne="S", placement_la_inside=None),
    )
    assert locality_on(frame, kids_for(frame), ON) == {
        "distance_known": 0,
        "over_20_miles": 0,
        "boundary_known": 2,
        "outside_la": 1,
    }


def test_rate_per_10000_with_and_without_population():
    # Sandwell, November 2021 (docs/domain.md): 848 children, 82,995 under-18s, rate 102.
    frame = episodes(*[ep(f"C{i}", "2021-01-01", rne="S") for i in range(848)])
    children = kids_for(frame)
    on = dt.date(2021, 11, 30)
    assert cic_snapshot(frame, children, on, population=82995)["rate_per_10000"] == 102.2
    assert cic_snapshot(frame, children, on)["rate_per_10000"] is None
    assert cic_snapshot(frame, children, on, population=0)["rate_per_10000"] is None
    assert counting._rate(81770, 12183016) == 67.1  # England 2025


def test_snapshot_has_exactly_the_agreed_keys_and_is_json_serialisable():
    frame, children = synthetic(n_children=60)
    snap = cic_snapshot(frame, children, ON, population=50000)
    assert set(snap) == {
        "total",
        "by_category_age",
        "by_category",
        "by_age_band",
        "by_place",
        "started_12m",
        "ceased_12m",
        "over_20_miles",
        "distance_known",
        "rate_per_10000",
    }
    assert list(snap["by_age_band"]) == list(AGE_BANDS)
    assert json.loads(json.dumps(snap)) == snap
    assert all(type(v) is int for v in snap["by_category"].values())
    assert sum(snap["by_category"].values()) == snap["total"] == sum(snap["by_place"].values())
    assert sum(snap["by_age_band"].values()) == snap["total"]
    assert type(snap["rate_per_10000"]) is float


def test_empty_data_gives_zeroes():
    frame = episodes(ep("A", "2023-01-01", rne="S", ls="V3"))
    snap = cic_snapshot(frame, kids_for(frame), ON, population=1000)
    assert snap["total"] == 0 and snap["rate_per_10000"] == 0.0
    assert snap["by_place"] == {} and sum(snap["by_category"].values()) == 0
    assert stability_3_plus(frame, ON) is None
    assert long_term_stability(frame, kids_for(frame), ON) is None


# --- stability ----------------------------------------------------------------------------------------------
def stability_frame() -> pd.DataFrame:
    return episodes(
        # A: in a placement when the window opens, then two moves: 3 placements.
        ep("A", "2022-01-01", "2023-06-01", rne="S"),
        ep("A", "2023-06-01", "2023-09-01", rne="P"),
        ep("A", "2023-09-01", rne="P"),
        # B: a legal status change is not a move: 2 placements.
        ep("B", "2022-01-01", "2023-05-01", rne="S"),
        ep("B", "2023-05-01", "2023-10-01", rne="L"),
        ep("B", "2023-10-01", rne="P"),
        # C: a placement that ended before the window does not count; one that ended on its first day does.
        ep("C", "2021-01-01", "2023-03-01", rne="S"),
        ep("C", "2023-03-01", "2023-04-01", rne="P"),
        ep("C", "2023-04-01", rne="T"),
        # D: three placements but left care before the date: not in the measure at all.
        ep("D", "2023-05-01", "2023-06-01", rne="S"),
        ep("D", "2023-06-01", "2023-07-01", rne="P"),
        ep("D", "2023-07-01", "2023-08-01", rne="B", rec="E13"),
        # E: a temporary placement counts as a placement.
        ep("E", "2023-05-01", "2023-06-01", rne="S"),
        ep("E", "2023-06-01", "2023-06-10", rne="P", place="T1", provider=None),
        ep("E", "2023-06-10", rne="P"),
    )


def test_placements_in_window_counts_distinct_placements_including_the_one_at_the_start():
    counts = placements_in_window(stability_frame(), "2023-04-01", ON)
    assert dict(zip(counts["child"], counts["placements"], strict=True)) == {
        "A": 3,
        "B": 2,
        "C": 2,
        "D": 3,
        "E": 3,
    }


def test_stability_3_plus_is_share_of_children_in_care_with_3_or_more_placements():
    frame = stability_frame()
    assert stability_3_plus_counts(frame, ON) == (2, 4)
    assert stability_3_plus(frame, ON) == 50.0
    # With DOBs, a child aged 18 leaves the denominator (and here the numerator).
    children = kids_for(frame, A="2006-01-01")
    assert stability_3_plus_counts(frame, ON, children=children) == (1, 3)
    assert stability_3_plus(frame, ON, children=children) == 33.3


def test_long_term_stability_follows_the_dfe_definition():
    # On 31 March 2024: 2.5 years before is 30 September 2021; 2 years before is 31 March 2022.
    frame = episodes(
        ep("A", "2021-09-30", rne="S"),  # exactly 2.5 years in care and in placement: yes
        ep("B", "2021-10-01", rne="S"),  # a day short of 2.5 years: not in the cohort
        ep("C", "2020-01-01", "2022-04-01", rne="S"),  # placement a day short of 2 years: no
        ep("C", "2022-04-01", rne="P"),
        ep("D", "2020-01-01", "2022-03-31", rne="S"),  # placement exactly 2 years: yes
        ep("D", "2022-03-31", rne="P"),
        ep("E", "2020-01-01", "2021-01-01", rne="S", place="U6"),  # legal status change only: yes
        ep("E", "2021-01-01", rne="L", place="U6"),
        ep("F", "2021-01-01", "2023-06-01", rne="S"),  # adoption + previous placement 2+ years: yes
        ep("F", "2023-06-01", rne="P", place="A5", ls="E1"),
        ep("G", "2021-01-01", "2022-06-01", rne="S", place="K2"),  # adoption + short previous: no
        ep("G", "2022-06-01", "2023-06-01", rne="P"),
        ep("G", "2023-06-01", rne="P", place="A4", ls="E1"),
        ep("H", "2015-01-01", rne="S"),  # 16 on the date: not in the cohort
        ep("I", "2015-01-01", rne="S"),  # 15: yes
        ep("J", "2019-01-01", "2022-01-01", rne="S", rec="E13"),  # re-entered 2022: not continuous
        ep("J", "2022-02-01", rne="S"),
    )
    children = kids_for(frame, H="2008-03-31", I="2008-04-01")
    assert long_term_stability_counts(frame, children, ON) == (5, 7)
    assert long_term_stability(frame, children, ON) == 71.4


def test_prepare_records_period_and_placement_starts():
    frame = episodes(
        ep("A", "2021-01-01", "2022-01-01", rne="S"),
        ep("A", "2022-01-01", "2022-06-01", rne="L"),
        ep("A", "2022-06-01", rne="P", place="A5"),
    )
    prepared = prepare_episodes(frame)
    assert prepared["placement_start"].tolist() == [pd.Timestamp("2021-01-01")] * 2 + [
        pd.Timestamp("2022-06-01")
    ]
    assert prepared["prev_placement_start"].isna().tolist() == [True, True, False]
    assert prepared["prev_placement_start"].iloc[2] == pd.Timestamp("2021-01-01")
    assert prepared["period_start"].nunique() == 1
    assert prepare_episodes(prepared).equals(prepared)


def test_a_prepared_frame_is_not_prepared_again_but_a_slice_or_copy_is():
    frame, children = synthetic(n_children=300)
    prepared = prepare_episodes(frame)
    assert counting.is_prepared(prepared) and not counting.is_prepared(frame)
    assert prepare_episodes(prepared) is prepared  # the very frame: no second sort or copy
    copy = prepared.copy()
    assert not counting.is_prepared(copy) and prepare_episodes(copy) is not copy
    assert prepare_episodes(copy).equals(prepared)
    # A slice may have lost episodes of a period: it is prepared again, with its own periods.
    one_child = prepared.loc[prepared["child"] == prepared["child"].iloc[0]]
    assert prepare_episodes(one_child) is not one_child
    # Counting from the prepared frame gives what counting from the raw frame gives.
    for on in (dt.date(2022, 3, 31), dt.date(2024, 3, 31)):
        assert cic_snapshot(prepared, children, on) == cic_snapshot(frame, children, on)
        assert stability_3_plus_counts(prepared, on, children=children) == stability_3_plus_counts(
            frame, on, children=children
        )
        assert long_term_stability_counts(prepared, children, on) == long_term_stability_counts(
            frame, children, on
        )


def test_tables_counted_from_a_prepared_frame_are_shared_but_handed_out_as_copies():
    frame, children = synthetic(n_children=300)
    prepared = prepare_episodes(frame)
    first = in_care_on(prepared, ON, children=children)
    first["category"] = "changed by the caller"
    second = in_care_on(prepared, ON, children=children)
    assert second is not first and "changed by the caller" not in set(second["category"])
    assert second.equals(in_care_on(frame, ON, children=children))
    periods = periods_of_care(prepared)
    periods.loc[:, "child"] = "changed by the caller"
    assert periods_of_care(prepared).equals(periods_of_care(frame)) and len(periods) > 0
    # Other children (another object, even with the same references) are never served a stale table.
    older = children.assign(dob=children["dob"] - pd.DateOffset(years=10))
    assert len(in_care_on(prepared, ON, children=older)) < len(second)
    assert in_care_on(prepared, ON, children=older).equals(in_care_on(frame, ON, children=older))


def test_a_prepared_frame_is_forgotten_when_it_is_freed():
    import gc

    prepared = prepare_episodes(episodes(ep("A", "2021-01-01", rne="S")))
    key = id(prepared)
    # The tables kept with it (children in care, placements, periods) do not keep it alive.
    assert len(in_care_on(prepared, ON, children=kids(A="2015-01-01"))) == 1
    assert stability_3_plus_counts(prepared, ON) == (0, 1)
    assert len(counting._PREPARED[key][1]) >= 2
    del prepared
    gc.collect()
    assert key not in counting._PREPARED


# --- monthly trend ------------------------------------------------------------------------------------------
def test_monthly_counts_small_example():
    frame = episodes(
        ep("A", "2023-01-15", "2023-03-10", rne="S", rec="E13"),
        ep("B", "2023-02-01", "2023-02-28", rne="S", rec="X1"),
        ep("B", "2023-02-28", rne="P"),
        ep("C", "2023-03-31", rne="S"),
    )
    months = monthly_counts(frame, kids_for(frame), "2023-01-01", "2023-04-15")
    assert months["month_end"].dt.strftime("%Y-%m-%d").tolist() == [
        "2023-01-31",
        "2023-02-28",
        "2023-03-31",
        "2023-04-30",
    ]
    assert months["total"].tolist() == [1, 2, 2, 2]
    assert months["started"].tolist() == [1, 1, 1, 0]
    assert months["ceased"].tolist() == [0, 0, 1, 0]


def test_monthly_counts_agree_with_snapshots():
    frame, children = synthetic(n_children=300, seed=3)
    months = monthly_counts(frame, children, "2022-04-01", "2024-03-31")
    for month_end, total in zip(months["month_end"], months["total"], strict=True):
        assert total == cic_snapshot(frame, children, month_end)["total"]
    last_year = months[months["month_end"] >= pd.Timestamp("2023-04-01")]
    snap = cic_snapshot(frame, children, ON)
    assert int(last_year["started"].sum()) == snap["started_12m"]
    assert int(last_year["ceased"].sum()) == snap["ceased_12m"]
    assert months["total"].min() > 0


def test_in_care_on_returns_one_row_per_child_on_synthetic_data():
    frame, children = synthetic(n_children=300, seed=5)
    current = in_care_on(frame, ON, children=children)
    assert current["child"].is_unique
    assert (current["age"] < 18).all()
    assert not current["ls"].isin(["V3", "V4"]).any()


def test_snapshot_of_10000_episodes_counts_each_child_once():
    """At the size of a large authority's register (its speed is reported by benchmarks/, not asserted)."""
    frame, children = synthetic(n_children=1400)
    assert 8000 <= len(frame) <= 12000
    snapshot = cic_snapshot(frame, children, ON, population=60000)
    assert 0 < snapshot["total"] <= 1400


@pytest.mark.parametrize("on", [dt.date(2024, 3, 31), "2024-03-31", pd.Timestamp("2024-03-31 15:30")])
def test_snapshot_accepts_dates_strings_and_timestamps(on):
    frame = episodes(ep("A", "2024-03-31", rne="S"))
    assert cic_snapshot(frame, kids_for(frame), on)["total"] == 1


def test_snapshot_of_an_authority_with_episodes_but_no_header_rows_counts_without_ages():
    """A register whose children are unknown (no Header rows yet) still counts; ages are unknown."""
    eps = pd.DataFrame(
        {
            "child": ["A"], "decom": pd.to_datetime(["2024-01-01"]), "dec": pd.to_datetime([None]),
            "rne": ["S"], "ls": ["C2"], "rec": [None], "place": ["U4"], "place_provider": ["PR1"],
            "category": ["fostering_inhouse"],
        }
    )  # fmt: skip
    children = pd.DataFrame(
        {"child": pd.Series([], dtype=object), "dob": pd.Series([], dtype="datetime64[ns]")}
    )
    snap = cic_snapshot(eps, children, dt.date(2025, 1, 1))
    assert snap["total"] == 1
    assert sum(snap["by_age_band"].values()) == 0
