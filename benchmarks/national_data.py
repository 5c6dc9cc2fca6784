"""A national-scale synthetic SSDA903 file set for benchmarks: 150 authorities, ~85,000 children in care
on 31 March 2026, ~1,000,000 episode rows. Synthetic only; valid under the DfE rules the importer checks.

    python benchmarks/national_data.py [--out var/national] [--authorities 150] [--seed 1]

Writes one Header and one Episodes CSV per authority (`<dfe_code>_header.csv`, `<dfe_code>_episodes.csv`).
Vectorised with numpy: the whole set is built in well under a minute.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from placements import geo  # noqa: E402

AS_AT = dt.date(2026, 3, 31)
HISTORY_START = dt.date(2016, 4, 1)
EPOCH = np.datetime64("1970-01-01")

# Placement mix of new placements (PLACE, PLACE_PROVIDER, share) - roughly England's.
PLACEMENTS = [
    ("U4", "PR1", 0.16),
    ("U6", "PR1", 0.12),
    ("U4", "PR4", 0.12),
    ("U6", "PR4", 0.10),
    ("U1", "PR1", 0.06),
    ("U3", "PR1", 0.07),
    ("K2", "PR4", 0.08),
    ("K2", "PR1", 0.02),
    ("K3", "PR4", 0.07),  # supported accommodation (H5 and P2 end in 2025-26, the year of this file)
    ("P1", "PR0", 0.07),
    ("A5", "PR1", 0.04),
    ("R3", "PR4", 0.01),
    ("S1", "PR4", 0.01),
    ("K1", "PR2", 0.005),
    ("Z14", "", 0.01),
    ("R5", "PR3", 0.005),
    ("R2", "PR3", 0.005),
]
EXIT_REASONS = np.array(["E13", "E4A", "E12", "E11", "E45", "E46", "E48", "E8", "E41", "E5"])
EXIT_WEIGHTS = np.array([0.18, 0.18, 0.07, 0.05, 0.07, 0.05, 0.05, 0.15, 0.08, 0.12])


def _authorities(n: int) -> list[tuple[str, str]]:
    path = ROOT / "sufficiency" / "authorities" / "data" / "local_authorities.csv"
    with path.open(encoding="utf-8") as handle:
        rows = [(r["dfe_code"], r["ons_code"]) for r in csv.DictReader(handle)]
    # Leave out the two smallest (City of London, Isles of Scilly) first: they hold a handful of children.
    rows = [r for r in rows if r[0] not in {"201", "420"}]
    return rows[:n]


def _fmt(days: np.ndarray) -> np.ndarray:
    """Day numbers since 1970 -> dd/mm/yyyy strings ('' for NaN)."""
    series = pd.to_datetime(pd.Series(days), unit="D", errors="coerce")
    return series.dt.strftime("%d/%m/%Y").fillna("").to_numpy()


def build_authority(
    code: str, postcodes: np.ndarray, away: np.ndarray, rng: np.random.Generator
) -> tuple[str, str]:
    """One authority's Header and Episodes CSV text."""
    as_at = (np.datetime64(AS_AT) - EPOCH).astype(int)
    start0 = (np.datetime64(HISTORY_START) - EPOCH).astype(int)
    n_children = int(rng.normal(1490, 160))
    # Periods of care start through the ten years; ages at entry peak under 1 and at 14-16.
    starts = rng.integers(start0, as_at - 30, n_children)
    ages = np.clip(np.where(rng.random(n_children) < 0.2, 0, rng.integers(0, 18, n_children)), 0, 17)
    dob = starts - ages * 365 - rng.integers(1, 364, n_children)
    # Nobody in the file is over 25 at the start of its year (DfE 351): born after 1 April 2000.
    dob = np.maximum(dob, (np.datetime64("2000-04-02") - EPOCH).astype(int))
    eighteenth = dob + 18 * 365 + 4
    n_eps = 1 + rng.poisson(5.0, n_children)
    total = int(n_eps.sum())
    child_idx = np.repeat(np.arange(n_children), n_eps)
    first = np.r_[0, np.cumsum(n_eps)[:-1]]
    pos = np.arange(total) - np.repeat(first, n_eps)
    durations = np.maximum(1, rng.exponential(258, total).astype(int))
    offsets = (
        np.cumsum(durations)
        - np.repeat(np.cumsum(durations)[first], n_eps)
        + np.repeat(durations[first], n_eps)
    )
    decom = starts[child_idx] + offsets - durations
    dec = decom + durations
    last = pos == (n_eps[child_idx] - 1)
    # Cut at 18th birthday and at the as-at date; drop episodes starting after either.
    cut = np.minimum(eighteenth[child_idx], as_at + 1)
    keep = decom < cut
    over = dec >= cut
    last = last | (over & keep)
    dec = np.where(over, np.where(eighteenth[child_idx] <= as_at, eighteenth[child_idx], np.nan), dec).astype(
        float
    )
    decom, dec, last, pos, child_idx = decom[keep], dec[keep], last[keep], pos[keep], child_idx[keep]
    n = len(decom)
    choice = rng.choice(
        len(PLACEMENTS), n, p=np.array([p[2] for p in PLACEMENTS]) / sum(p[2] for p in PLACEMENTS)
    )
    place = np.array([PLACEMENTS[i][0] for i in range(len(PLACEMENTS))])[choice]
    provider = np.array([PLACEMENTS[i][1] for i in range(len(PLACEMENTS))])[choice]
    # Young children are not placed in custody (R5, from 10), a residential school (S1, from 4) or
    # supported accommodation (K3, from 16).
    age_years = (decom - dob[child_idx]) / 365.25
    young = (
        ((place == "R5") & (age_years < 10))
        | ((place == "S1") & (age_years < 4))
        | ((place == "K3") & (age_years < 16))
    )
    place, provider = np.where(young, "U4", place), np.where(young, "PR1", provider)
    # A new placement (P) changes the placement; an L episode changes only the legal status and keeps the
    # placement of the one before it (its type, provider, postcode and URN). Adoption by the child's foster
    # carer (A5) is a move with the same carer (T), and is not followed by an L episode.
    rne = np.where(pos == 0, "S", np.where(rng.random(n) < 0.15, "L", "P"))
    rne = np.where((rne == "L") & (np.r_[[""], place[:-1]] == "A5"), "P", rne)
    prev_same = rne == "L"
    idx = np.arange(n)
    src = idx.copy()
    for _ in range(8):  # a run of L episodes takes the placement of the episode before the run
        src = np.where(prev_same[src] & (src > 0), src - 1, src)
    place, provider = place[src], provider[src]
    repeated = (rne == "P") & (place == np.r_[[""], place[:-1]])
    place = np.where(repeated, np.where(place == "U6", "U4", "U6"), place)
    provider = np.where(repeated, "PR1", provider)
    place, provider = place[src], provider[src]
    rne = np.where((rne == "P") & (place == "A5"), "T", rne)
    # Legal status: the child's own (C2, C1 or V2), changing at each L episode; section 20 (V2) is never used
    # with a placement with parents (P1).
    base = rng.choice(np.array(["C2", "C2", "C2", "C1", "V2"]), n_children)[child_idx]
    with_parents = pd.Series(place == "P1").groupby(child_idx).transform("max").to_numpy()
    base = np.where(with_parents & (base == "V2"), "C1", base)
    flips = pd.Series(prev_same.astype(int)).groupby(child_idx).cumsum().to_numpy() % 2 == 1
    ls = np.where(flips, np.where(base == "C2", "C1", "C2"), base)
    rec = np.where(
        np.isnan(dec),
        "",
        np.where(last, rng.choice(EXIT_REASONS, n, p=EXIT_WEIGHTS / EXIT_WEIGHTS.sum()), "X1"),
    )
    aged_out = ~np.isnan(dec) & last & (dec == eighteenth[child_idx])
    rec = np.where(aged_out, "E8", rec)
    # Independent living (E5) only from 14.
    rec = np.where((rec == "E5") & ((dec - dob[child_idx]) / 365.25 < 14), "E13", rec)
    rpc = np.where(rec == "X1", "CARPL", "")
    # rpc describes the end of a placement: only when the next episode is a new placement.
    next_is_l = np.r_[rne[1:] == "L", False]
    rpc = np.where(next_is_l, "", rpc)
    home = postcodes[rng.integers(0, len(postcodes), n_children)][child_idx]
    pl = np.where(
        rng.random(n) < 0.78,
        postcodes[rng.integers(0, len(postcodes), n)],
        away[rng.integers(0, len(away), n)],
    )
    pl = np.where(place == "P1", home, pl)
    urn = np.where(
        np.isin(place, ["K2", "K1", "K3"]),
        np.char.add("SC", rng.integers(100000, 999999, n).astype(str)),
        "XXXXXXX",
    )
    # A move to the same type of placement is to another address (DfE 435: a move changes the placement).
    same = (rne != "L") & (place == np.r_[[""], place[:-1]]) & (pl[src] == np.r_[[""], pl[src][:-1]])
    pl = np.where(same & (pl == postcodes[0]), postcodes[-1], np.where(same, postcodes[0], pl))
    pl, urn = pl[src], urn[src]  # an L episode keeps the placement's postcode and URN too
    refs = np.char.add(f"{code}-", np.arange(n_children).astype(str))
    episodes = pd.DataFrame(
        {
            "CHILD": refs[child_idx],
            "DECOM": _fmt(decom),
            "RNE": rne,
            "LS": ls,
            "CIN": "N1",
            "PLACE": place,
            "PLACE_PROVIDER": provider,
            "DEC": _fmt(dec),
            "REC": rec,
            "REASON_PLACE_CHANGE": rpc,
            "HOME_POST": home,
            "PL_POST": pl,
            "URN": urn,
        }
    )
    used = np.unique(child_idx)
    header = pd.DataFrame(
        {
            "CHILD": refs[used],
            "SEX": np.where(rng.random(len(used)) < 0.55, "M", "F"),
            "DOB": _fmt(dob[used]),
            "ETHNIC": "WBRI",
            "UPN": "",
            "MOTHER": "",
            "MC_DOB": "",
        }
    )
    return header.to_csv(index=False), episodes.to_csv(index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "national"))
    parser.add_argument("--authorities", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    directory = geo.default_directory()
    directory.load()
    rng = np.random.default_rng(args.seed)
    authorities = _authorities(args.authorities)
    all_pc: dict[str, np.ndarray] = {}
    frame = directory.frame() if hasattr(directory, "frame") else None
    for code, ons in authorities:
        all_pc[code] = np.array(directory.sample_postcodes(ons, 300, seed=args.seed))
    codes = list(all_pc)
    episodes_total = 0
    for i, (code, _ons) in enumerate(authorities):
        away = np.concatenate([all_pc[codes[(i + k) % len(codes)]][:60] for k in (1, 2, 3)])
        header, episodes = build_authority(code, all_pc[code], away, rng)
        (out / f"{code}_header.csv").write_text(header, encoding="utf-8")
        (out / f"{code}_episodes.csv").write_text(episodes, encoding="utf-8")
        episodes_total += episodes.count("\n") - 1
    del frame
    print(
        f"wrote {len(authorities)} authorities, {episodes_total} episode rows to {out} "
        f"in {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
