"""Rules comparing a child's first episode in one year's return with the end of the previous year's return.

When several years' returns are uploaded together, an episode still open at the end of last year's return is
sent again in this year's, with the same start date (DECOM), and the later copy is kept. The earlier copy
is kept aside (`Ssda903Tables.superseded_episodes`) so that these rules can check that this year's return
continues last year's: same start date and the same details. With one year's return alone there is nothing
to compare and they flag nothing.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd

from ..schema import EPISODES
from .base import MaskRule, Ssda903Tables

_FIELDS = ("rne", "ls", "cin", "place", "place_provider", "URN")


def _upper(values: pd.Series) -> np.ndarray:
    """Text upper-cased, blank for missing (each distinct value once)."""
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))  # missing values get -1
    upper = np.array([str(u).upper() for u in uniques] + [""], dtype=object)
    return upper[codes]


def _boundaries(t: Ssda903Tables) -> pd.DataFrame | None:
    """Each child's first episode of each year's return beside their last episode of the year before.

    Columns: ``pos`` (the first episode's row position), ``open_before`` (last year's last episode had no
    DEC), ``decom``/``decom_before`` and each compared field with and without ``_before``. None when the
    upload holds one collection year.
    """

    def build() -> pd.DataFrame | None:
        e = t.episodes
        earlier = t.superseded_episodes
        years = t.years(EPISODES)
        latest = t.latest_year()
        if (earlier is None or not len(earlier)) and (not len(years) or years.min() == years.max()):
            return None  # one collection year: nothing to compare
        keep = (e["child"].notna() & e["decom"].notna()).to_numpy()
        current = pd.DataFrame(
            {
                "pos": np.arange(len(e))[keep],
                "child": e["child"].to_numpy(dtype=object)[keep],
                "year": years[keep],
                "decom": e["decom"].to_numpy()[keep],
                "open": (e["DEC"] == "").to_numpy()[keep],
                **{f: _upper(e[f])[keep] for f in _FIELDS},
            }
        )
        parts = [current]
        if earlier is not None and len(earlier):
            own = earlier["_year"].to_numpy(dtype="int64")
            ok = (earlier["child"].notna() & earlier["decom"].notna()).to_numpy()
            parts.append(
                pd.DataFrame(
                    {
                        "pos": np.full(ok.sum(), -1),
                        "child": earlier["child"].to_numpy(dtype=object)[ok],
                        "year": np.where(own > 0, own, latest)[ok],
                        "decom": earlier["decom"].to_numpy()[ok],
                        "open": (earlier["DEC"] == "").to_numpy()[ok],
                        **{f: _upper(earlier[f])[ok] for f in _FIELDS},
                    }
                )
            )
        every = pd.concat(parts, ignore_index=True)
        if every["year"].nunique() < 2:
            return None
        # Current rows are sorted by child and DECOM: the first of each (child, year) is the year's first.
        first = current.drop_duplicates(["child", "year"], keep="first")
        last = every.sort_values(["child", "year", "decom"], kind="stable").drop_duplicates(
            ["child", "year"], keep="last"
        )
        last = last.assign(year=last["year"] + 1).drop(columns="pos")
        joined = first.merge(last, on=["child", "year"], suffixes=("", "_before"))
        return joined

    return t._cached("previous_year_boundaries", build)


class _ContinuesLastYearRule(MaskRule):
    """Base: this year's first episode against last year's episode that was still open."""

    field: ClassVar[str]

    def _differs(self, b: pd.DataFrame) -> np.ndarray:
        return (b[self.field] != b[f"{self.field}_before"]).to_numpy()

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        out = np.zeros(len(t.episodes), dtype=bool)
        b = _boundaries(t)
        if b is None or not len(b):
            return out
        hit = b["open_before"].to_numpy() & self._differs(b)
        out[b["pos"].to_numpy()[hit]] = True
        return out


class FirstEpisodeContinuesLastYearsOpenEpisode(_ContinuesLastYearRule):
    """When last year's return ended with the child's episode still open, this year's return starts with
    that episode: the first episode has the same start date (DECOM)."""

    code = "502"
    column = "DECOM"
    field = "decom"
    message = (
        "Last year's return ended with this child's episode still open, but this year's first episode has a "
        "different DECOM. Start this year's return with that open episode, with the same DECOM."
    )


class FirstEpisodeKeepsReasonForNewEpisode(_ContinuesLastYearRule):
    """This year's first episode has the same RNE as last year's episode that was still open."""

    code = "503A"
    column = "RNE"
    field = "rne"
    message = "RNE differs from last year's open episode, which this year's first episode continues. Give the same RNE."


class FirstEpisodeKeepsLegalStatus(_ContinuesLastYearRule):
    """This year's first episode has the same LS as last year's episode that was still open."""

    code = "503B"
    column = "LS"
    field = "ls"
    message = "LS differs from last year's open episode, which this year's first episode continues. Give the same LS."


class FirstEpisodeKeepsCategoryOfNeed(_ContinuesLastYearRule):
    """This year's first episode has the same CIN as last year's episode that was still open."""

    code = "503C"
    column = "CIN"
    field = "cin"
    message = "CIN differs from last year's open episode, which this year's first episode continues. Give the same CIN."


class FirstEpisodeKeepsPlacementType(_ContinuesLastYearRule):
    """This year's first episode has the same PLACE as last year's episode that was still open, except where
    the code itself changed: H5 may become K3 (2023-24 and 2024-25) and Z1 may become Z11-Z14 (2025-26)."""

    code = "503D"
    column = "PLACE"
    field = "place"
    message = (
        "PLACE differs from last year's open episode, which this year's first episode continues. Give the same "
        "placement type (H5 may become K3, and Z1 one of Z11-Z14, where the codes changed)."
    )

    def _differs(self, b: pd.DataFrame) -> np.ndarray:
        now, before, year = b["place"], b["place_before"], b["year"]
        recoded = ((before == "H5") & (now == "K3") & year.between(2024, 2025)) | (
            (before == "Z1") & now.isin({"Z11", "Z12", "Z13", "Z14"}) & (year == 2026)
        )
        return ((now != before) & ~recoded).to_numpy()


class FirstEpisodeKeepsPlacementProvider(_ContinuesLastYearRule):
    """This year's first episode has the same PLACE_PROVIDER as last year's episode that was still open."""

    code = "503E"
    column = "PLACE_PROVIDER"
    field = "place_provider"
    message = (
        "PLACE_PROVIDER differs from last year's open episode, which this year's first episode continues. Give "
        "the same provider."
    )


class FirstEpisodeKeepsUrn(_ContinuesLastYearRule):
    """This year's first episode has the same URN as last year's episode that was still open."""

    code = "503F"
    column = "URN"
    field = "URN"
    message = "URN differs from last year's open episode, which this year's first episode continues. Give the same URN."
