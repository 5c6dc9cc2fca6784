"""Rules on an episode's placement: provider, Ofsted URN, legal status and the child's age."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import numpy as np
import pandas as pd

from ..schema import EPISODES, HEADER
from .base import MaskRule, Ssda903Tables, add_years
from .codes_by_year import (
    INDEPENDENT_LIVING_MIN_AGE_BY_YEAR,
    NO_PROVIDER_PLACES_BY_YEAR,
    PROVIDER_OPTIONAL_PLACES_BY_YEAR,
    SEMI_INDEPENDENT_MIN_AGE_BY_YEAR,
    TEMPORARY_PLACES,
    URN_EXEMPT_PLACES_BY_YEAR,
    URN_FORBIDDEN_PLACES_BY_YEAR,
    for_year,
    per_year,
)

SHORT_BREAKS = frozenset({"V3", "V4"})


# --- Placement provider -----------------------------------------------------------------------------------


class PlacementProviderRequiredUnlessTemporary(MaskRule):
    """PLACE_PROVIDER may be blank only for placements without a provider: temporary placements (T0-T4)
    and Z1 up to 2024-25, T0-T4 and Z11-Z14 from 2025-26; every other placement says who provides it
    (PR0-PR5)."""

    code = "526"
    column = "PLACE_PROVIDER"
    message = (
        "PLACE_PROVIDER is blank. Give the provider (PR0-PR5) for every placement except temporary "
        "placements (T0-T4) and, up to 2024-25, Z1 (from 2025-26, Z11-Z14)."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        optional = t.isin_by_year(EPISODES, "place", PROVIDER_OPTIONAL_PLACES_BY_YEAR)
        return ~t.filled(EPISODES, "PLACE_PROVIDER") & ~optional


class ProviderNotGivenForTemporaryPlacement(MaskRule):
    """PLACE_PROVIDER must be blank for temporary placements (T0-T4) and, from 2025-26, for Z11-Z14."""

    code = "213"
    column = "PLACE_PROVIDER"
    message = (
        "PLACE_PROVIDER is given for a placement that has no provider. Leave it blank for temporary "
        "placements (T0-T4) and, from 2025-26, for Z11-Z14."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        none = t.isin_by_year(EPISODES, "place", NO_PROVIDER_PLACES_BY_YEAR)
        return none & t.filled(EPISODES, "PLACE_PROVIDER")


class ParentsProviderOnlyWhenPlacedWithParents(MaskRule):
    """PLACE_PROVIDER PR0 (parents) is used only with placement type P1 (placed with parents)."""

    code = "550"
    column = "PLACE_PROVIDER"
    message = (
        "PLACE_PROVIDER is PR0 (parents) but the placement type is not P1 (placed with parents). PR0 is only "
        "used with P1; give the provider of this placement (PR1-PR5)."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.eq(EPISODES, "place_provider", "PR0") & ~t.eq(EPISODES, "place", "P1")


class _ProviderPlacementRule(MaskRule):
    provider: ClassVar[str]
    places: ClassVar[frozenset[str]]
    column = "PLACE_PROVIDER"

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return (e["place_provider"] == self.provider) & t.isin(EPISODES, "place", self.places)


class OwnProvisionNotForParentsHealthOrCustody(_ProviderPlacementRule):
    """PLACE_PROVIDER PR1 (the council's own provision) cannot go with placements P1 (with parents), R2
    (NHS or health care) or R5 (youth custody)."""

    code = "527"
    provider = "PR1"
    places = frozenset({"P1", "R2", "R5"})
    message = "PLACE_PROVIDER PR1 (own provision) cannot be used with placement P1, R2 or R5. Give the real provider."


class OtherCouncilNotForParentsHealthOrCustody(_ProviderPlacementRule):
    """PLACE_PROVIDER PR2 (another council's provision) cannot go with placements P1, R2 or R5."""

    code = "528"
    provider = "PR2"
    places = frozenset({"P1", "R2", "R5"})
    message = "PLACE_PROVIDER PR2 (other local authority) cannot be used with placement P1, R2 or R5. Give the real provider."


class OtherPublicProviderNotForFamilyPlacements(_ProviderPlacementRule):
    """PLACE_PROVIDER PR3 (other public provision) cannot go with placements P1, A3-A6, K1, K2 or U1-U6,
    which other public bodies do not provide."""

    code = "529"
    provider = "PR3"
    places = frozenset({"A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"})
    message = (
        "PLACE_PROVIDER PR3 (other public provision) cannot be used with placements P1, A3-A6, K1, K2 or U1-U6. "
        "Give the real provider."
    )


class PrivateProviderNotForPlacedWithParents(_ProviderPlacementRule):
    """PLACE_PROVIDER PR4 (private provision) cannot go with placement P1 (placed with parents)."""

    code = "530"
    provider = "PR4"
    places = frozenset({"P1"})
    message = "PLACE_PROVIDER PR4 (private) cannot be used with placement P1 (placed with parents); use PR0."


class VoluntaryProviderNotForPlacedWithParents(_ProviderPlacementRule):
    """PLACE_PROVIDER PR5 (voluntary or third sector) cannot go with placement P1 (placed with parents)."""

    code = "531"
    provider = "PR5"
    places = frozenset({"P1"})
    message = (
        "PLACE_PROVIDER PR5 (voluntary) cannot be used with placement P1 (placed with parents); use PR0."
    )


# --- Ofsted URN ---------------------------------------------------------------------------------------------


class UrnRequiredForOfstedPlacement(MaskRule):
    """URN is required for placements in Ofsted-registered settings that were open during the collection
    year (DEC on or after 1 April, or open); placements that are never Ofsted-registered are exempt (the
    list narrows by year as H5 and P2 come under Ofsted).

    (The DfE and the validator also exempt placements outside England, known from PL_LA, which this
    service does not read: an out-of-England placement of an Ofsted type without a URN is flagged here.
    The validator's 218 does not exempt short breaks (LS V3 or V4), which its rule 214 forbids to give a
    URN; we follow 214 and do not ask short breaks for a URN.)
    """

    code = "218"
    column = "URN"
    message = "URN is blank. Give the Ofsted URN of the setting (or XXXXXXX if it has none) for this placement type."

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        e = t.episodes
        exempt = t.isin_by_year(EPISODES, "place", URN_EXEMPT_PLACES_BY_YEAR) | t.isin(
            EPISODES, "ls", SHORT_BREAKS
        )
        in_year = (e["dec"] >= t.collection_start(EPISODES)) | ~t.filled(EPISODES, "DEC")
        return (in_year & ~t.filled(EPISODES, "URN")).to_numpy() & ~exempt


class ShortBreaksGiveNoPlacementLocation(MaskRule):
    """A short break (LS V3 or V4) gives no placement postcode (PL_POST) and no URN."""

    code = "214"
    column = "LS"
    message = (
        "This is a short break (LS V3 or V4): leave PL_POST and URN blank. Short breaks do not record where "
        "the child stayed."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        return t.isin(EPISODES, "ls", SHORT_BREAKS) & (
            t.filled(EPISODES, "PL_POST") | t.filled(EPISODES, "URN")
        )


class UrnNotGivenForNonOfstedPlacement(MaskRule):
    """URN must not be given (blank or XXXXXXX) for placements that are not Ofsted-registered: P1, P3,
    R1, R2, R5, T0-T4 and Z1 (Z11-Z14 from 2025-26), plus H5 up to 2022-23 and P2 up to 2023-24."""

    code = "222"
    column = "URN"
    message = (
        "URN is given for a placement type that is not registered with Ofsted. Leave URN blank or give "
        "XXXXXXX for this placement type."
    )

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        forbidden = t.isin_by_year(EPISODES, "place", URN_FORBIDDEN_PLACES_BY_YEAR)
        return forbidden & t.filled(EPISODES, "urn")


# --- Placement and legal status -------------------------------------------------------------------------


class AdoptionByFosterCarerStartsWithRightReason(MaskRule):
    """An episode placed for adoption with the current foster carer (A3 or A5) starting on or after
    1 April 2015 must have RNE S, T or U (the carer stays the same)."""

    code = "217"
    column = "RNE"
    message = (
        "RNE must be S, T or U for placement A3 or A5 (placed for adoption with the current foster carer): "
        "the carer does not change."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return (
            t.isin(EPISODES, "place", {"A3", "A5"})
            & (e["decom"] >= pd.Timestamp("2015-04-01"))
            & ~t.isin(EPISODES, "rne", {"S", "T", "U"})
        )


class PlacedWithParentsNotUnderSection20(MaskRule):
    """A child placed with parents (P1) cannot be looked after under a single period of accommodation
    under section 20 (V2)."""

    code = "378"
    column = "LS"
    message = "LS is V2 (section 20) but the placement is P1 (placed with parents). These cannot go together."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.eq(EPISODES, "place", "P1") & t.eq(EPISODES, "ls", "V2")


class CareDoesNotStartWithTemporaryPlacement(MaskRule):
    """A temporary placement (T0-T4) can only follow a change of placement (RNE P or B): a period of care
    cannot start with one."""

    code = "380"
    column = "RNE"
    message = (
        "This temporary placement (T0-T4) has RNE other than P or B. A temporary placement follows a change "
        "of placement; a period of care cannot start with one."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.isin(EPISODES, "place", TEMPORARY_PLACES) & ~t.isin(EPISODES, "rne", {"P", "B"})


class CareDoesNotEndWithTemporaryPlacement(MaskRule):
    """A period of care cannot end in a temporary placement (T0-T4): its REC, when given, is X1."""

    code = "381"
    column = "REC"
    message = "A period of care cannot end with a temporary placement (T0-T4): REC must be X1 or blank here."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return (
            t.isin(EPISODES, "place", TEMPORARY_PLACES)
            & ~t.eq(EPISODES, "rec", "X1")
            & t.filled(EPISODES, "rec")
        )


class ShortBreaksNotInTemporaryPlacement(MaskRule):
    """A child on short breaks (LS V3 or V4) cannot be in a temporary placement (T0-T4)."""

    code = "382"
    column = "PLACE"
    message = "A child on short breaks (LS V3 or V4) cannot be in a temporary placement (T0-T4)."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.isin(EPISODES, "ls", SHORT_BREAKS) & t.isin(EPISODES, "place", TEMPORARY_PLACES)


class ShortBreaksNotInLongTermFostering(MaskRule):
    """A child on short breaks (LS V3 or V4) cannot be in a long-term foster placement (U1 or U4)."""

    code = "384"
    column = "PLACE"
    message = "A child on short breaks (LS V3 or V4) cannot be in long-term fostering (U1 or U4)."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.isin(EPISODES, "ls", SHORT_BREAKS) & t.isin(EPISODES, "place", {"U1", "U4"})


# --- The child's age --------------------------------------------------------------------------------------


class EpisodeMustNotStartBeforeBirth(MaskRule):
    """A child's first episode cannot start (DECOM) before the child's date of birth (DOB in the Header).

    (The validator also points at the child's Header row; we point at the episode, where the dates meet.)
    """

    code = "302"
    tables = (EPISODES, HEADER)
    column = "DECOM"
    message = (
        "DECOM (date episode commenced) is before the child's date of birth (DOB in the Header file). "
        "An episode must start on or after the child's date of birth."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        first = pd.Series(t.previous_episode() < 0, index=e.index)
        return first & (e["decom"] < t.dob(EPISODES))


class _AgeAtStartRule(MaskRule):
    """Base: episodes of a placement type that start before the child reaches an age."""

    tables = (EPISODES, HEADER)
    column = "DECOM"
    by_year: ClassVar[Mapping[int, tuple[str, int] | None]]

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        e = t.episodes
        dob = t.dob(EPISODES)
        decom = e["decom"]
        place = e["place"].to_numpy(dtype=object)

        def in_year(year: int, pos: np.ndarray) -> np.ndarray:
            rule = for_year(self.by_year, year)
            if rule is None:
                return np.zeros(len(pos), dtype=bool)
            code, age = rule
            chosen = pos[place[pos] == code]
            out = np.zeros(len(pos), dtype=bool)
            out[place[pos] == code] = (
                (decom.iloc[chosen] < add_years(dob.iloc[chosen], age)).fillna(False).to_numpy(bool)
            )
            return out

        return per_year(t.years(EPISODES), in_year)


class IndependentLivingMinimumAge(_AgeAtStartRule):
    """A child starting in independent living (P2) must be at least 15 (16 in 2023-24); P2 ends in
    2025-26 and the rule with it.

    (The validator checks only episodes that have ended; the DfE's wording covers every episode, so open
    episodes are checked too.)
    """

    code = "370"
    last_year = 2024
    by_year = INDEPENDENT_LIVING_MIN_AGE_BY_YEAR
    message = (
        "A child in independent living (P2) must be at least 15 (16 from 2023-24) when the episode starts."
    )


class SupportedAccommodationMinimumAge(_AgeAtStartRule):
    """A child starting in semi-independent living (H5) must be at least 14 (16 from 2023-24); from
    2024-25, a child starting in supported accommodation (K3) must be at least 16.

    (As for 370, the validator checks only episodes that have ended; we check open episodes too.)
    """

    code = "371"
    by_year = SEMI_INDEPENDENT_MIN_AGE_BY_YEAR
    message = (
        "The child is too young for this placement when the episode starts: H5 needs 14 (16 from 2023-24) "
        "and K3 (supported accommodation) needs 16."
    )


def _fixed(place: str, age: int) -> Mapping[int, tuple[str, int] | None]:
    return {0: (place, age)}


class YouthCustodyMinimumAge(_AgeAtStartRule):
    """A child placed in youth custody or prison (R5) must be at least 10 when the episode starts.

    (As for 370, the validator checks only episodes that have ended; we check open episodes too.)
    """

    code = "372"
    by_year = _fixed("R5", 10)
    message = (
        "A child in a young offender institution or prison (R5) must be at least 10 when the episode starts."
    )


class ResidentialSchoolMinimumAge(_AgeAtStartRule):
    """A child placed in a residential school (S1) must be at least 4 when the episode starts.

    (As for 370, the validator checks only episodes that have ended; we check open episodes too.)
    """

    code = "373"
    by_year = _fixed("S1", 4)
    message = "A child placed in a residential school (S1) must be at least 4 when the episode starts."


class ResidentialEmploymentMinimumAge(_AgeAtStartRule):
    """A child in residential employment (P3) must be at least 14 when the episode starts.

    (As for 370, the validator checks only episodes that have ended; we check open episodes too.)
    """

    code = "374"
    by_year = _fixed("P3", 14)
    message = "A child in residential employment (P3) must be at least 14 when the episode starts."


class _AgeEpisodeRule(MaskRule):
    tables = (EPISODES, HEADER)


class YouthJusticeStatusMinimumAge(_AgeEpisodeRule):
    """A child with a youth justice legal status (J1, J2 or J3) must be over 10 when the episode starts."""

    code = "358"
    column = "LS"
    message = (
        "LS J1, J2 or J3 (youth justice) cannot apply to a child aged 10 or under when the episode starts."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return t.isin(EPISODES, "ls", {"J1", "J2", "J3"}) & (t.birthday(EPISODES, 10) >= e["decom"])


class CareMustStartBeforeEighteen(_AgeEpisodeRule):
    """A child cannot start to be looked after (RNE S) at 18 or over."""

    code = "352"
    column = "DECOM"
    message = "The child was 18 or over when this period of care started (RNE S). Check DECOM and the date of birth."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return t.eq(EPISODES, "rne", "S") & (t.birthday(EPISODES, 18) <= e["decom"])


class OverEighteenMustBeSection20InCommunityHome(_AgeEpisodeRule):
    """A young person still looked after past their 18th birthday at the end of the year (open episode)
    must be accommodated under section 20(5) (LS V2) in a community home (PLACE K2)."""

    code = "359"
    column = "LS"
    message = (
        "This young person is over 18 at the end of the collection year and still looked after, so the open "
        "episode must be LS V2 in placement K2. Otherwise end the episode at the 18th birthday."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        over = t.birthday(EPISODES, 18) < t.collection_end(EPISODES)
        v2_k2 = t.eq(EPISODES, "ls", "V2") & t.eq(EPISODES, "place", "K2")
        return over & e["dec"].isna() & ~v2_k2


class _AgeAtEndRule(_AgeEpisodeRule):
    column = "REC"
    reasons: ClassVar[frozenset[str]]
    age: ClassVar[int]
    under: ClassVar[bool]  # True: flag when the child is under ``age`` on DEC; False: when that age or over

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        birthday = t.birthday(EPISODES, self.age)
        age_ok = birthday > e["dec"] if self.under else birthday <= e["dec"]
        return t.isin(EPISODES, "rec", self.reasons) & e["dec"].notna() & birthday.notna() & age_ok


class AdoptedMustBeUnderEighteen(_AgeAtEndRule):
    """A child cannot leave care adopted (REC E11 or E12) at 18 or over."""

    code = "386"
    reasons = frozenset({"E11", "E12"})
    age, under = 18, False
    message = "REC is adopted (E11 or E12) but the child was 18 or over on DEC. Check REC, DEC and the date of birth."


class IndependentLivingExitMinimumAge(_AgeAtEndRule):
    """A child cannot leave care to independent living (REC E5 or E6) under the age of 14.

    (The validator also flags such episodes when the date of birth is unknown; we flag only children
    known to be under 14.)
    """

    code = "387"
    reasons = frozenset({"E5", "E6"})
    age, under = 14, True
    message = "REC is independent living (E5 or E6) but the child was under 14 on DEC. Check REC, DEC and the date of birth."


class AdultSocialCareExitMinimumAge(_AgeAtEndRule):
    """A child cannot leave care to adult social care (REC E7) under the age of 16.

    (As for 387, the validator also flags episodes whose date of birth is unknown; we flag only children
    known to be under 16.)
    """

    code = "389"
    reasons = frozenset({"E7"})
    age, under = 16, True
    message = "REC is E7 (transferred to adult social care) but the child was under 16 on DEC."


class SpecialGuardianshipMustBeUnderEighteen(_AgeAtEndRule):
    """A child cannot leave care under a special guardianship order (REC E45-E48) after turning 18."""

    code = "407"
    reasons = frozenset({"E45", "E46", "E47", "E48"})
    age, under = 18, False
    message = "REC is a special guardianship order (E45-E48) but the child was over 18 on DEC."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return t.isin(EPISODES, "rec", self.reasons) & (t.birthday(EPISODES, 18) < e["dec"])


class StayingPutMustBeEighteen(_AgeAtEndRule):
    """REC E17 (aged 18 and staying put with the current carers) is only for young people aged 18 or over
    on DEC."""

    code = "460"
    reasons = frozenset({"E17"})
    age, under = 18, True
    message = "REC is E17 (staying put at 18) but the young person was under 18 on DEC."
