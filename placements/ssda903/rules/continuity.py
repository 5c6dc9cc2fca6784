"""Rules on one child's episodes together: order, overlaps, and what changed from one episode to the next.

Episodes are sorted by child and start date; "previous" and "next" are the same child's neighbouring
episodes (see `Ssda903Tables.previous_episode`). Several years' files are merged first, so a child's
episodes from last year's return and this year's are checked together.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from ..schema import EPISODES
from .base import Breach, MaskRule, Rule, Ssda903Tables, as_mask, fmt_date, take
from .codes_by_year import TEMPORARY_PLACES

LEFT_CARE_REC = frozenset(
    {"E2", "E3", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E11", "E12", "E13", "E14", "E15", "E16", "E17"}
    | {"E41", "E45", "E46", "E47", "E48"}
)


def _where(e: pd.DataFrame, index: np.ndarray) -> list[str]:
    files = e["_file"].to_numpy()[index]
    rows = e["_row"].to_numpy()[index]
    return [f"{f} row {r}" for f, r in zip(files, rows, strict=True)]


def _prev(t: Ssda903Tables, column: str, fill: object = None) -> np.ndarray:
    return take(t.episodes[column], t.previous_episode(), fill)


def _next(t: Ssda903Tables, column: str, fill: object = None) -> np.ndarray:
    return take(t.episodes[column], t.next_episode(), fill)


def _shift(values: np.ndarray, index: np.ndarray, fill: object) -> np.ndarray:
    """``values`` at row positions ``index``, ``fill`` where ``index`` is -1 (no such episode)."""
    if not len(values):
        return values
    return np.where(index >= 0, values[np.maximum(index, 0)], fill)


def _code(t: Ssda903Tables, column: str) -> np.ndarray:
    """A column's integer codes (blank is -1, so two blanks compare equal)."""
    return t.codes(EPISODES, column)[0]


def _same_as(t: Ssda903Tables, column: str, index: np.ndarray) -> np.ndarray:
    """True where ``column`` equals its value on the episode at ``index`` (False where there is none)."""
    codes = _code(t, column)
    return (index >= 0) & (codes == _shift(codes, index, -2))


class EpisodesMustNotOverlap(Rule):
    """A child's episode must not start (DECOM) before the child's previous episode ended (DEC)."""

    code = "501"

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        previous = tables.previous_episode()
        prev_dec = pd.Series(_prev(tables, "dec"), index=e.index)
        mask = as_mask(e["decom"] < prev_dec)
        if not mask.any():
            return
        yield Breach(
            EPISODES,
            mask,
            "DECOM",
            [
                f"This episode starts before the child's previous episode ends ({fmt_date(pd.Timestamp(d))}, "
                f"{w}). Each episode must start on or after the day the previous one ends."
                for d, w in zip(prev_dec.to_numpy()[mask], _where(e, previous[mask]), strict=True)
            ],
        )


class EarlierEpisodeMustHaveEnded(MaskRule):
    """Every episode of a child except the latest must have ended: DEC and REC are given."""

    code = "142"
    column = "DEC"
    message = (
        "This episode has no end date or reason ended (DEC, REC) but the child has a later episode. Only the "
        "child's latest episode may be open; give DEC and REC."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        return (t.next_episode() >= 0) & (~t.filled(EPISODES, "DEC") | ~t.filled(EPISODES, "REC"))


class SameDayMoveMustBeFollowedByNewEpisode(Rule):
    """REC X1 (a new episode begins the same day) is used exactly when the child's next episode starts on
    the day this one ends: an X1 episode must be followed by one starting on its DEC, and an episode
    followed by one starting on its DEC must end with X1."""

    code = "388"

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        t = tables
        e = tables.episodes
        following = tables.next_episode()
        has_next = following >= 0
        next_decom = pd.Series(_next(tables, "decom"), index=e.index)
        dec_given = e["dec"].notna()
        x1 = t.eq(EPISODES, "rec", "X1") & dec_given
        gap = as_mask(x1 & (next_decom != e["dec"])) & has_next
        if gap.any():
            yield Breach(
                EPISODES,
                gap,
                "REC",
                [
                    f"REC is X1 (a new episode starts the same day) but the child's next episode starts on "
                    f"{fmt_date(pd.Timestamp(d))} ({w}). Either correct the dates so the next episode starts "
                    "on this DEC, or give the reason the child left care (an E code)."
                    for d, w in zip(next_decom.to_numpy()[gap], _where(e, following[gap]), strict=True)
                ],
            )
        yield Breach(
            EPISODES,
            as_mask(x1) & ~has_next,
            "REC",
            "REC is X1 (a new episode starts the same day) but there is no later episode for this child. "
            "Either add the episode that starts on this DEC, or give the reason the child left care (an E code).",
        )
        yield Breach(
            EPISODES,
            as_mask(
                t.filled(EPISODES, "rec")
                & ~t.eq(EPISODES, "rec", "X1")
                & dec_given
                & (next_decom == e["dec"])
            )
            & has_next,
            "REC",
            "The child's next episode starts on the day this one ends, so REC must be X1 (still looked after). "
            "If the child really left care and came back the same day, check the dates.",
        )


class FirstEpisodeMustStartCare(MaskRule):
    """A child's first episode, when it starts in the collection year, must have RNE S (started to be
    looked after).

    With several years' returns uploaded together, "first" is the child's earliest episode in them.
    """

    code = "357"
    column = "RNE"
    message = (
        "This is the child's first episode and it starts in this collection year, so RNE must be S "
        "(started to be looked after). If the child was looked after before, include last year's episodes."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        e = t.episodes
        first = (t.previous_episode() < 0) & e["decom"].notna().to_numpy() & t.filled(EPISODES, "child")
        return first & as_mask(e["decom"] >= t.collection_start(EPISODES)) & ~t.eq(EPISODES, "rne", "S")


class NewCareMustNotStartWhilePreviousOpen(MaskRule):
    """An episode with RNE S (a new period of care) must start after the previous episode ended, not on or
    before its DEC."""

    code = "431"
    column = "RNE"
    message = (
        "RNE is S (started to be looked after) but the previous episode ended on or after this DECOM. A new "
        "period of care starts after the last one ended; otherwise use the RNE for what changed."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return t.eq(EPISODES, "rne", "S") & (e["decom"] <= pd.Series(_prev(t, "dec"), index=e.index))


class EpisodeAfterLeavingCareMustStartCare(MaskRule):
    """When the previous episode ended with the child leaving care (an E reason), the next episode starts a
    new period of care: RNE S."""

    code = "432"
    column = "RNE"
    message = (
        "The child's previous episode ended with the child leaving care (REC E...), so this episode starts a "
        "new period of care and RNE must be S."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        prev_left = _shift(t.isin(EPISODES, "rec", LEFT_CARE_REC), t.previous_episode(), False)
        return prev_left & ~t.eq(EPISODES, "rne", "S")


class ContinuingEpisodeMustStartWhenPreviousEnds(MaskRule):
    """An episode continuing a period of care (RNE L, P, T, U or B) must start (DECOM) on the day the
    child's previous episode ended (DEC)."""

    code = "433"
    column = "DECOM"
    message = (
        "RNE says this episode continues the period of care, but it does not start on the day the previous "
        "episode ended. Give DECOM equal to the previous DEC, or RNE S for a new period of care."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        e = t.episodes
        prev_dec = pd.Series(_prev(t, "dec"), index=e.index)
        mismatch = (prev_dec != e["decom"]) | prev_dec.isna()
        return (t.previous_episode() >= 0) & as_mask(
            t.isin(EPISODES, "rne", {"P", "L", "T", "U", "B"}) & mismatch
        )


_PLACEMENT_DETAILS = ("place", "pl_post", "urn", "place_provider")


def _placement_same(t: Ssda903Tables) -> np.ndarray:
    """True where the placement (PLACE, PL_POST, URN, PLACE_PROVIDER) is the same as the previous episode's."""
    same = np.ones(len(t.episodes), dtype=bool)
    for column in _PLACEMENT_DETAILS:
        same &= _same_as(t, column, t.previous_episode())
    return same


def _legal_status_same(t: Ssda903Tables) -> np.ndarray:
    return _same_as(t, "ls", t.previous_episode())


class LegalStatusChangeOnlyMustChangeOnlyLegalStatus(MaskRule):
    """RNE L (change of legal status only) means LS differs from the previous episode's and the placement
    (PLACE, PL_POST, URN, PLACE_PROVIDER) is the same."""

    code = "434"
    column = "RNE"
    message = (
        "RNE is L (legal status changed, placement the same) but either LS is the same as in the previous "
        "episode or the placement (PLACE, PL_POST, URN or PLACE_PROVIDER) changed. Give the RNE for what changed."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        return (
            (t.previous_episode() >= 0)
            & t.eq(EPISODES, "rne", "L")
            & (_legal_status_same(t) | ~_placement_same(t))
        )


class PlacementChangeOnlyMustChangeOnlyPlacement(MaskRule):
    """RNE P or T (change of placement only) means LS is the same as the previous episode's and the
    placement (PLACE, PL_POST, URN or PLACE_PROVIDER) differs.

    (The validator treats two blank URNs or postcodes as different, so it misses unchanged placements
    without a URN; we treat blanks as equal.)
    """

    code = "435"
    column = "RNE"
    message = (
        "RNE is P or T (placement changed, legal status the same) but either LS changed or the placement "
        "(PLACE, PL_POST, URN and PLACE_PROVIDER) is the same as in the previous episode. Give the RNE for "
        "what changed."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        return (
            (t.previous_episode() >= 0)
            & t.isin(EPISODES, "rne", {"P", "T"})
            & (~_legal_status_same(t) | _placement_same(t))
        )


class BothChangedMustChangeBoth(MaskRule):
    """RNE B or U (legal status and placement changed together) means both LS and the placement (PLACE,
    PL_POST, URN or PLACE_PROVIDER) differ from the previous episode's."""

    code = "436"
    column = "RNE"
    message = (
        "RNE is B or U (legal status and placement both changed) but LS or the placement is the same as in "
        "the previous episode. Give the RNE for what changed."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        return (
            (t.previous_episode() >= 0)
            & t.isin(EPISODES, "rne", {"B", "U"})
            & (_legal_status_same(t) | _placement_same(t))
        )


class NoEpisodesAfterDeathOrAdulthood(MaskRule):
    """A child whose episode ended because they died (REC E2) or were assessed as 18 or over (E15) cannot
    have later episodes."""

    code = "437"
    column = "REC"
    message = (
        "REC is E2 (died) or E15 (assessed as 18 or over) but the child has a later episode. Check REC and the "
        "later episode."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        return (t.next_episode() >= 0) & t.episodes["rec"].isin({"E2", "E15"}).to_numpy()


class CategoryOfNeedKeptWithinPeriodOfCare(MaskRule):
    """CIN (category of need) stays as it was at the start of the period of care: an episode that follows
    an X1 episode on the same day has the same CIN.

    (The validator treats two blank CINs as different; we treat them as the same.)
    """

    code = "504"
    column = "CIN"
    message = (
        "CIN differs from the previous episode in the same period of care. The category of need is the one "
        "recorded when the child started to be looked after."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        e = t.episodes
        previous = t.previous_episode()
        x1_before = _shift(t.eq(EPISODES, "rec", "X1"), previous, False) & as_mask(
            pd.Series(_prev(t, "dec"), index=e.index) == e["decom"]
        )
        return (previous >= 0) & x1_before & ~_same_as(t, "cin", previous)


class ReasonForPlacementChangeRequired(MaskRule):
    """REASON_PLACE_CHANGE must be given when an episode ends with X1 because the placement changed (the
    next episode has RNE P, B, T or U) and neither placement is temporary (T0-T4)."""

    code = "225"
    column = "REASON_PLACE_CHANGE"
    message = (
        "REASON_PLACE_CHANGE is blank but the child moved placement when this episode ended. Give the reason "
        "for the placement change (e.g. CARPL)."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        nxt = t.next_episode()
        next_moved = _shift(t.isin(EPISODES, "rne", {"P", "B", "T", "U"}), nxt, False)
        temporary = t.isin(EPISODES, "place", TEMPORARY_PLACES)
        return (
            (nxt >= 0)
            & t.eq(EPISODES, "rec", "X1")
            & ~t.filled(EPISODES, "REASON_PLACE_CHANGE")
            & ~temporary
            & next_moved
            & ~_shift(temporary, nxt, False)
        )


class ReasonForPlacementChangeNotForTemporary(MaskRule):
    """REASON_PLACE_CHANGE is not given for a temporary placement (T0-T4), nor for the episode just before
    it (the move into a temporary placement is not a placement change)."""

    code = "226"
    column = "REASON_PLACE_CHANGE"
    message = (
        "This is a temporary placement (T0-T4): leave REASON_PLACE_CHANGE blank on it and on the episode just "
        "before it."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        reason = t.filled(EPISODES, "REASON_PLACE_CHANGE")
        given = reason | _shift(reason, t.previous_episode(), False)
        return t.isin(EPISODES, "place", TEMPORARY_PLACES) & given


class ReturnToNormalPlacementAfterTemporary(MaskRule):
    """After a temporary placement (T0-T4) the child returns to their normal placement: the next episode
    has RNE P and the same PLACE as the episode before the temporary one (from 2025-26, the same placement
    postcode too)."""

    code = "383"
    column = "PLACE"
    message = (
        "The previous episode was a temporary placement (T0-T4), so this episode returns the child to their "
        "usual placement: RNE P and the same placement as before the temporary move."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        previous = t.previous_episode()
        before = _shift(previous, previous, -1)
        after_temp = (before >= 0) & _shift(t.isin(EPISODES, "place", TEMPORARY_PLACES), previous, False)
        changed = ~t.eq(EPISODES, "rne", "P") | ~_same_as(t, "place", before)
        moved = ~_same_as(t, "pl_post", before) & (t.years(EPISODES) >= 2026)
        return after_temp & (changed | moved)


class EpisodeMustAppearOnceInFile(Rule):
    """A child cannot have two episodes starting on the same day (same CHILD and DECOM) in one file."""

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        e = tables.episodes
        if len(e) < 2:
            return
        # Episodes are sorted by child, start date, file and row: copies of an episode are next to each other.
        child, _ = tables.codes(EPISODES, "child")
        decom = e["decom"].to_numpy()
        file_codes, _ = pd.factorize(e["_file"].to_numpy(dtype=object))
        keyed = (child >= 0) & ~np.isnat(decom)
        same = np.zeros(len(e), dtype=bool)
        same[1:] = (child[1:] == child[:-1]) & (decom[1:] == decom[:-1]) & (file_codes[1:] == file_codes[:-1])
        same &= keyed
        if not same.any():
            return
        start = np.maximum.accumulate(np.where(same, 0, np.arange(len(e))))
        firsts = e["_row"].to_numpy()[start[same]]
        yield Breach(
            EPISODES,
            same,
            "DECOM",
            [
                f"This child already has an episode starting on this date in this file (row {int(r)}). "
                "Each episode must start on a different day; remove or correct the duplicate."
                for r in firsts
            ],
        )
