"""Time reading and validating a national-scale SSDA903 upload (synthetic data only).

Generates, in memory, a Header file for 85,000 children and an Episodes file of 1,000,000 episodes (valid
903 data under every DfE rule we check: consecutive X1 placement moves with the same legal status and
category of need, Ofsted URNs only for Ofsted-registered placements, the latest episode open), then times
`read_ssda903` on the CSV bytes: decoding, recognition, parsing, cleaning, merging and every validation
rule, and the rules on their own.

    .venv/bin/python benchmarks/bench_ssda903_parse.py [--episodes 1000000] [--children 85000] [--profile]

The target: well under 20 s (the whole national import, database writes included, must take under 60 s).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from placements.ssda903 import read_ssda903, summary_text  # noqa: E402
from placements.upload_limits import UploadLimits  # noqa: E402

PLACEMENTS = np.array(["U4", "U6", "U3", "K2", "R1", "P1", "A4", "U1", "K1"], dtype=object)
PROVIDERS = np.array(["PR1", "PR4", "PR1", "PR4", "PR1", "PR0", "PR1", "PR1", "PR1"], dtype=object)
NOT_OFSTED = np.isin(PLACEMENTS, ["R1", "P1"])  # these placements give no URN (XXXXXXX)


def postcodes(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random postcode-shaped strings (not checked against the real postcode directory)."""
    areas = np.array(["B", "WS", "WV", "DY", "CV", "ST", "TF", "HR", "WR"])
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    outward = np.char.add(rng.choice(areas, n), rng.integers(1, 30, n).astype(str))
    inward = np.char.add(rng.integers(0, 10, n).astype(str), rng.choice(letters, n))
    return np.char.add(np.char.add(outward, " "), np.char.add(inward, rng.choice(letters, n))).astype(object)


def synthetic_files(n_episodes: int, n_children: int, seed: int = 903) -> tuple[bytes, bytes]:
    """A synthetic Header and Episodes file (CSV bytes, dd/mm/yyyy dates, with a BOM like real exports)."""
    rng = np.random.default_rng(seed)
    counts = np.full(n_children, n_episodes // n_children)
    counts[rng.choice(n_children, n_episodes - counts.sum(), replace=False)] += 1
    child_index = np.repeat(np.arange(n_children), counts)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    last = np.cumsum(counts) - 1

    start = np.datetime64("2012-04-01") + rng.integers(0, 3000, n_children).astype("timedelta64[D]")
    length = rng.integers(1, 60, n_episodes).astype("timedelta64[D]")
    offset = np.cumsum(length) - length  # days since the child's first episode, per child below
    offset = offset - np.repeat(offset[first], counts)
    decom = np.repeat(start, counts) + offset
    dec = decom + length
    is_last = np.zeros(n_episodes, dtype=bool)
    is_last[last] = True
    # Children aged under 5 when first looked after, so none is 18 by the end of the generated years.
    dob = start - rng.integers(0, 365 * 5, n_children).astype("timedelta64[D]")

    children = np.char.add("C", np.char.zfill(np.arange(n_children).astype(str), 7)).astype(object)
    header = pd.DataFrame(
        {
            "CHILD": children,
            "SEX": rng.choice(np.array(["1", "2"], dtype=object), n_children),  # up to 2023-24: 1 or 2
            "DOB": pd.Series(dob).dt.strftime("%d/%m/%Y"),
            "ETHNIC": rng.choice(np.array(["WBRI", "MWBC", "AIND", "BAFR"], dtype=object), n_children),
            "UPN": "",
            "MOTHER": "",
            "MC_DOB": "",
        }
    )
    pl_pool = postcodes(rng, 150_000)[rng.integers(0, 150_000, n_episodes)]
    urns = np.char.add("SC", np.char.zfill(rng.integers(0, 999999, 5_000).astype(str), 6)).astype(object)
    # Each move is to a different placement type, so every P episode changes placement (DfE 435).
    place_index = np.cumsum(rng.integers(1, len(PLACEMENTS), n_episodes)) % len(PLACEMENTS)
    dec_text = pd.Series(dec).dt.strftime("%d/%m/%Y").to_numpy(dtype=object)
    dec_text[is_last] = ""
    episodes = pd.DataFrame(
        {
            "CHILD": children[child_index],
            "DECOM": pd.Series(decom).dt.strftime("%d/%m/%Y"),
            "RNE": np.where(np.isin(np.arange(n_episodes), first), "S", "P"),
            # A placement move keeps the child's legal status and category of need (DfE 435, 504).
            "LS": rng.choice(np.array(["C2", "C1", "E1"], dtype=object), n_children)[child_index],
            "CIN": rng.choice(np.array(["N1", "N2", "N4"], dtype=object), n_children)[child_index],
            "PLACE": PLACEMENTS[place_index],
            "PLACE_PROVIDER": PROVIDERS[place_index],
            "DEC": dec_text,
            "REC": np.where(is_last, "", "X1"),
            "REASON_PLACE_CHANGE": np.where(is_last, "", "CARPL"),
            # One home postcode per child; placements drawn from 150,000 addresses, some written
            # carelessly (lower case, no space) as real files have them; 5,000 Ofsted settings.
            "HOME_POST": postcodes(rng, n_children)[child_index],
            "PL_POST": np.where(
                rng.random(n_episodes) < 0.1,
                np.char.lower(np.char.replace(pl_pool.astype(str), " ", "")).astype(object),
                pl_pool,
            ),
            "URN": np.where(NOT_OFSTED[place_index], "XXXXXXX", urns[rng.integers(0, len(urns), n_episodes)]),
        }
    )
    bom = "\ufeff"
    return (
        (bom + header.to_csv(index=False)).encode(),
        (bom + episodes.to_csv(index=False, lineterminator="\r\n")).encode(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--children", type=int, default=85_000)
    parser.add_argument("--profile", action="store_true", help="print the 25 costliest functions")
    args = parser.parse_args()

    t0 = time.perf_counter()
    header, episodes = synthetic_files(args.episodes, args.children)
    print(
        f"generated {args.children:,} children and {args.episodes:,} episodes "
        f"({len(episodes) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
    )

    # Time the rules on their own too, by wrapping the reader's call to them.
    from placements.ssda903 import reader

    rules_time: list[float] = []
    run_rules = reader.run_rules

    def timed_rules(*a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        out = run_rules(*a, **k)
        rules_time.append(time.perf_counter() - t)
        return out

    reader.run_rules = timed_rules

    profiler = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    # One file far larger than an authority's return: the upload limits (UPLOAD_MAX_*) are lifted for it.
    big = UploadLimits(max_rows=10**8, max_cells=10**9, max_decompressed_bytes=10**10)
    result = read_ssda903([("header.csv", header), ("episodes.csv", episodes)], limits=big)
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - t0

    print(summary_text(result))
    print(f"parse + validate: {elapsed:.2f} s (of which the validation rules: {sum(rules_time):.2f} s)")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
