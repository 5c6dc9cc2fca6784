"""Every SSDA903 rule, one by one: rows in, the rows flagged out, failing and passing, by collection year.

Each case builds the working tables from a few synthetic rows (every row in the collection year given, as
the year ending 31 March: 2024 is 2023-24) and runs that rule alone. The cases follow the DfE's wording of
each rule and the rows the DfE-aligned validator flags; the rules' docstrings note where we differ.
"""

from __future__ import annotations

import pytest

from placements.ssda903 import rules as r
from placements.ssda903.rules import ALL_RULES
from tests.placements.ssda903.rule_cases import ep, flagged, hd, oc3, tables_for, uasc

E2, E3, E4 = ("e", 2), ("e", 3), ("e", 4)
H2, H3 = ("h", 2), ("h", 3)
U2, U3 = ("u", 2), ("u", 3)
O2, O3 = ("o", 2), ("o", 3)


def case(rule: type[r.Rule], name: str, expected: list[tuple[str, int]], **tables: object):
    return pytest.param(rule, tables, expected, id=f"{rule.code or rule.__name__}-{name}")


def moved(**kw: str) -> list[dict[str, str]]:
    """Child A's two episodes: in-house fostering until 01/09/2023 (X1), then the second episode ``kw``."""
    second = {
        "decom": "01/09/2023",
        "rne": "P",
        "place": "K2",
        "prov": "PR4",
        "pl": "ST4 1HH",
        "urn": "1234567",
    }
    second.update(kw)
    return [ep(dec="01/09/2023", rec="X1", rpc="CARPL"), ep(**second)]


def last_year(**kw: str) -> dict[str, str]:
    """Child A's episode in last year's return (2022-23), open at its end unless ``kw`` says otherwise."""
    row = ep(**{"decom": "01/05/2022", **kw})
    row["_year"] = (
        "2023" if "decom" not in kw or kw["decom"].endswith("2022") else str(int(kw["decom"][-4:]) + 1)
    )
    return row


CASES = [
    # --- Fields and codes -------------------------------------------------------------------------------
    case(r.RequiredFieldsMustBePresent, "ls-blank", [E2], episodes=[ep(ls="")]),
    case(r.RequiredFieldsMustBePresent, "complete", [], episodes=[ep()]),
    case(r.DateOfBirthMustBeRealDate, "not-a-day", [H2], header=[hd(dob="31/02/2010")]),
    case(r.DateOfBirthMustBeRealDate, "blank", [H2], header=[hd(dob="")]),
    case(r.DateOfBirthMustBeRealDate, "real", [], header=[hd()]),
    case(r.EpisodeStartMustBeRealDate, "format", [E2], episodes=[ep(decom="2023/05/01")]),
    case(r.EpisodeStartMustBeRealDate, "real", [], episodes=[ep()]),
    case(r.EpisodeEndMustBeRealDate, "not-a-day", [E2], episodes=[ep(dec="32/01/2024", rec="E13")]),
    case(r.EpisodeEndMustBeRealDate, "blank", [], episodes=[ep()]),
    case(
        r.UascCeasedDateMustBeRealDateInYear,
        "before-year",
        [U2],
        episodes=[ep()],
        uasc_rows=[uasc(duc="31/03/2023")],
    ),
    case(
        r.UascCeasedDateMustBeRealDateInYear, "unreadable", [U2], episodes=[ep()], uasc_rows=[uasc(duc="x")]
    ),
    case(
        r.UascCeasedDateMustBeRealDateInYear,
        "in-year",
        [],
        episodes=[ep()],
        uasc_rows=[uasc(duc="01/04/2023")],
    ),
    case(r.DatesMustBeRealDates, "oc3-dob", [O2], oc3_rows=[oc3(dob="2005/01/01")]),
    case(r.DatesMustBeRealDates, "oc3-dob-ok", [], oc3_rows=[oc3()]),
    case(r.SexMustBeKnownCode, "2023-24-letter", [H2], year=2024, header=[hd(sex="M")]),
    case(r.SexMustBeKnownCode, "2023-24-digit", [], year=2024, header=[hd(sex="1")]),
    case(r.SexMustBeKnownCode, "2024-25-digit", [H2], year=2025, header=[hd(sex="2")]),
    case(r.SexMustBeKnownCode, "2024-25-letter", [], year=2025, header=[hd(sex="u")]),
    case(r.SexMustBeKnownCode, "blank", [H2], year=2025, header=[hd(sex="")]),
    case(r.UascSexMustBeKnownCode, "unknown", [U2], uasc_rows=[uasc(sex="X")]),
    case(r.UascSexMustBeKnownCode, "known", [], uasc_rows=[uasc(sex="F")]),
    case(r.EthnicityMustBeKnownCode, "unknown", [H2], header=[hd(ethnic="XXXX")]),
    case(r.EthnicityMustBeKnownCode, "blank", [H2], header=[hd(ethnic="")]),
    case(r.EthnicityMustBeKnownCode, "known", [], header=[hd(ethnic="refu")]),
    case(r.ReasonForNewEpisodeMustBeKnownCode, "unknown", [E2], episodes=[ep(rne="Q")]),
    case(r.ReasonForNewEpisodeMustBeKnownCode, "blank", [], episodes=[ep(rne="")]),
    case(r.LegalStatusMustBeKnownCode, "unknown", [E2], episodes=[ep(ls="C9")]),
    case(r.LegalStatusMustBeKnownCode, "known", [], episodes=[ep(ls="v2")]),
    case(r.CategoryOfNeedMustBeKnownCode, "unknown", [E2], episodes=[ep(cin="N9")]),
    case(r.CategoryOfNeedMustBeKnownCode, "blank", [], episodes=[ep(cin="")]),
    case(r.PlacementTypeMustBeKnownCode, "k3-2023-24", [E2], year=2024, episodes=[ep(place="K3")]),
    case(r.PlacementTypeMustBeKnownCode, "k3-2024-25", [], year=2025, episodes=[ep(place="K3")]),
    case(r.PlacementTypeMustBeKnownCode, "z11-2024-25", [E2], year=2025, episodes=[ep(place="Z11")]),
    case(r.PlacementTypeMustBeKnownCode, "h5-2025-26", [E2], year=2026, episodes=[ep(place="H5")]),
    case(r.PlacementTypeMustBeKnownCode, "z1-2025-26", [E2], year=2026, episodes=[ep(place="Z1")]),
    case(r.PlacementTypeMustBeKnownCode, "z11-2025-26", [], year=2026, episodes=[ep(place="Z11")]),
    case(r.PlacementProviderMustBeKnownCode, "unknown", [E2], episodes=[ep(prov="PR9")]),
    case(r.PlacementProviderMustBeKnownCode, "temporary", [E2], episodes=[ep(place="T0", prov="PR1")]),
    case(
        r.PlacementProviderMustBeKnownCode,
        "z1-2024-25",
        [E2],
        year=2025,
        episodes=[ep(place="Z1", prov="PR4")],
    ),
    case(
        r.PlacementProviderMustBeKnownCode,
        "z12-2025-26",
        [E2],
        year=2026,
        episodes=[ep(place="Z12", prov="PR4")],
    ),
    case(r.PlacementProviderMustBeKnownCode, "known", [], episodes=[ep(prov="pr4")]),
    case(r.ReasonEpisodeCeasedMustBeKnownCode, "unknown", [E2], episodes=[ep(dec="01/06/2023", rec="E99")]),
    case(r.ReasonEpisodeCeasedMustBeKnownCode, "known", [], episodes=[ep(dec="01/06/2023", rec="E4A")]),
    case(r.ReasonPlacementChangedMustBeKnownCode, "unknown", [E2], episodes=[ep(rpc="BORED")]),
    case(r.ReasonPlacementChangedMustBeKnownCode, "known", [], episodes=[ep(rpc="CARPL")]),
    case(r.UrnMustBeWellFormed, "short", [E2], episodes=[ep(urn="SC04509")]),
    case(r.UrnMustBeWellFormed, "no-urn", [], episodes=[ep(urn="XXXXXXX")]),
    case(r.CareLeaverInTouchMustBeKnownCode, "unknown", [O2], oc3_rows=[oc3(in_touch="MAYBE")]),
    case(r.CareLeaverInTouchMustBeKnownCode, "blank", [O2], oc3_rows=[oc3(in_touch="")]),
    case(r.CareLeaverInTouchMustBeKnownCode, "known", [], oc3_rows=[oc3(in_touch="rhom")]),
    case(r.CareLeaverActivityMustBeKnownCode, "unknown", [O2], oc3_rows=[oc3(activ="Q1")]),
    case(r.CareLeaverActivityMustBeKnownCode, "zero", [], oc3_rows=[oc3(activ="0")]),
    case(r.CareLeaverAccommodationMustBeKnownCode, "unknown", [O2], oc3_rows=[oc3(accom="S")]),
    case(r.CareLeaverAccommodationMustBeKnownCode, "known", [], oc3_rows=[oc3(accom="Z2")]),
    # --- Dates ---------------------------------------------------------------------------------------------
    case(r.DateOfBirthMustNotBeAfterYearEnd, "after", [H2], year=2024, header=[hd(dob="01/04/2024")]),
    case(r.DateOfBirthMustNotBeAfterYearEnd, "on-year-end", [], year=2024, header=[hd(dob="31/03/2024")]),
    case(r.ChildMustNotBeOver25, "over-25", [H2], year=2024, header=[hd(dob="31/03/1998")]),
    case(r.ChildMustNotBeOver25, "25", [], year=2024, header=[hd(dob="01/04/1998")]),
    case(r.EpisodeMustNotStartBefore1991, "before", [E2], episodes=[ep(decom="13/10/1991")]),
    case(r.EpisodeMustNotStartBefore1991, "on", [], episodes=[ep(decom="14/10/1991")]),
    case(r.EpisodeMustNotStartAfterYearEnd, "after", [E2], year=2024, episodes=[ep(decom="01/04/2024")]),
    case(r.EpisodeMustNotStartAfterYearEnd, "in-year", [], year=2024, episodes=[ep(decom="31/03/2024")]),
    case(
        r.EpisodeMustNotEndAfterYearEnd, "after", [E2], year=2024, episodes=[ep(dec="01/04/2024", rec="E13")]
    ),
    case(
        r.EpisodeMustNotEndAfterYearEnd, "in-year", [], year=2024, episodes=[ep(dec="31/03/2024", rec="E13")]
    ),
    case(r.EpisodeShouldLastMoreThanADay, "same-day", [E2], episodes=[ep(dec="01/05/2023", rec="E13")]),
    case(r.EpisodeShouldLastMoreThanADay, "next-day", [], episodes=[ep(dec="02/05/2023", rec="E13")]),
    case(r.EpisodeShouldLastMoreThanADay, "no-dates", [], episodes=[ep(decom="")]),
    case(r.EpisodeMustNotEndBeforeItStarts, "before", [E2], episodes=[ep(dec="30/04/2023", rec="E13")]),
    case(r.EpisodeMustNotEndBeforeItStarts, "after", [], episodes=[ep(dec="02/05/2023", rec="E13")]),
    case(r.EndDateAndReasonMustBeGivenTogether, "dec-only", [E2], episodes=[ep(dec="02/05/2023")]),
    case(r.EndDateAndReasonMustBeGivenTogether, "rec-only", [E2], episodes=[ep(rec="E13")]),
    case(r.EndDateAndReasonMustBeGivenTogether, "both", [], episodes=[ep(dec="02/05/2023", rec="E13")]),
    case(r.UascMustCeaseByEighteen, "after-18", [U2], uasc_rows=[uasc(dob="01/01/2006", duc="02/01/2024")]),
    case(r.UascMustCeaseByEighteen, "at-18", [], uasc_rows=[uasc(dob="01/01/2006", duc="01/01/2024")]),
    case(r.CareLeaverMustBeAged17To21, "too-young", [O2], year=2024, oc3_rows=[oc3(dob="01/04/2007")]),
    case(r.CareLeaverMustBeAged17To21, "17", [], year=2024, oc3_rows=[oc3(dob="31/03/2007")]),
    case(
        r.CareLeaverMustBeAged17To21,
        "no-items",
        [],
        year=2024,
        oc3_rows=[oc3(dob="01/04/2010", in_touch="", activ="", accom="")],
    ),
    case(r.FreeingOrderNotAfter2005, "2006", [E2], year=2024, episodes=[ep(ls="D1", decom="01/01/2006")]),
    case(r.FreeingOrderNotAfter2005, "2005", [], year=2024, episodes=[ep(ls="D1", decom="01/06/2005")]),
    case(
        r.FreeingOrderNotAfter2005,
        "retired-2024-25",
        [],
        year=2025,
        episodes=[ep(ls="D1", decom="01/01/2006")],
    ),
    case(r.PlacementOrderNotBeforeDecember2005, "before", [E2], episodes=[ep(ls="E1", decom="30/11/2005")]),
    case(r.PlacementOrderNotBeforeDecember2005, "after", [], episodes=[ep(ls="E1", decom="01/12/2005")]),
    # --- Placement, provider, URN ------------------------------------------------------------------------
    case(r.PlacementProviderRequiredUnlessTemporary, "blank", [E2], episodes=[ep(prov="")]),
    case(
        r.PlacementProviderRequiredUnlessTemporary,
        "z1-2024-25",
        [],
        year=2025,
        episodes=[ep(place="Z1", prov="")],
    ),
    case(
        r.PlacementProviderRequiredUnlessTemporary,
        "z11-2025-26",
        [],
        year=2026,
        episodes=[ep(place="Z11", prov="")],
    ),
    case(r.PlacementProviderRequiredUnlessTemporary, "temporary", [], episodes=[ep(place="T4", prov="")]),
    case(r.ProviderNotGivenForTemporaryPlacement, "temporary", [E2], episodes=[ep(place="T2", prov="PR1")]),
    case(
        r.ProviderNotGivenForTemporaryPlacement,
        "z14-2025-26",
        [E2],
        year=2026,
        episodes=[ep(place="Z14", prov="PR4")],
    ),
    case(
        r.ProviderNotGivenForTemporaryPlacement,
        "z1-2024-25",
        [],
        year=2025,
        episodes=[ep(place="Z1", prov="PR4")],
    ),
    case(r.ParentsProviderOnlyWhenPlacedWithParents, "foster", [E2], episodes=[ep(prov="PR0")]),
    case(r.ParentsProviderOnlyWhenPlacedWithParents, "parents", [], episodes=[ep(place="P1", prov="PR0")]),
    case(r.OwnProvisionNotForParentsHealthOrCustody, "p1", [E2], episodes=[ep(place="P1", prov="PR1")]),
    case(r.OwnProvisionNotForParentsHealthOrCustody, "u4", [], episodes=[ep(place="U4", prov="PR1")]),
    case(r.OtherCouncilNotForParentsHealthOrCustody, "r2", [E2], episodes=[ep(place="R2", prov="PR2")]),
    case(r.OtherCouncilNotForParentsHealthOrCustody, "u4", [], episodes=[ep(place="U4", prov="PR2")]),
    case(r.OtherPublicProviderNotForFamilyPlacements, "k2", [E2], episodes=[ep(place="K2", prov="PR3")]),
    case(r.OtherPublicProviderNotForFamilyPlacements, "r2", [], episodes=[ep(place="R2", prov="PR3")]),
    case(r.PrivateProviderNotForPlacedWithParents, "p1", [E2], episodes=[ep(place="P1", prov="PR4")]),
    case(r.PrivateProviderNotForPlacedWithParents, "k2", [], episodes=[ep(place="K2", prov="PR4")]),
    case(r.VoluntaryProviderNotForPlacedWithParents, "p1", [E2], episodes=[ep(place="P1", prov="PR5")]),
    case(r.VoluntaryProviderNotForPlacedWithParents, "k2", [], episodes=[ep(place="K2", prov="PR5")]),
    case(r.UrnRequiredForOfstedPlacement, "foster", [E2], year=2024, episodes=[ep(urn="")]),
    case(r.UrnRequiredForOfstedPlacement, "no-urn-code", [], year=2024, episodes=[ep(urn="XXXXXXX")]),
    case(
        r.UrnRequiredForOfstedPlacement,
        "short-break",
        [],
        year=2024,
        episodes=[ep(ls="V3", place="U6", urn="", pl="")],
    ),
    case(r.ShortBreaksGiveNoPlacementLocation, "urn", [E2], episodes=[ep(ls="V3", pl="")]),
    case(r.ShortBreaksGiveNoPlacementLocation, "postcode", [E2], episodes=[ep(ls="V4", urn="")]),
    case(r.ShortBreaksGiveNoPlacementLocation, "neither", [], episodes=[ep(ls="V3", pl="", urn="")]),
    case(r.UrnRequiredForOfstedPlacement, "h5-2023-24", [], year=2024, episodes=[ep(place="H5", urn="")]),
    case(r.UrnRequiredForOfstedPlacement, "h5-2024-25", [E2], year=2025, episodes=[ep(place="H5", urn="")]),
    case(
        r.UrnRequiredForOfstedPlacement,
        "ended-before-year",
        [],
        year=2024,
        episodes=[ep(decom="01/01/2023", dec="01/03/2023", rec="E13", urn="")],
    ),
    case(r.UrnNotGivenForNonOfstedPlacement, "h5-2022-23", [E2], year=2023, episodes=[ep(place="H5")]),
    case(r.UrnNotGivenForNonOfstedPlacement, "h5-2023-24", [], year=2024, episodes=[ep(place="H5")]),
    case(r.UrnNotGivenForNonOfstedPlacement, "p2-2023-24", [E2], year=2024, episodes=[ep(place="P2")]),
    case(r.UrnNotGivenForNonOfstedPlacement, "p2-2024-25", [], year=2025, episodes=[ep(place="P2")]),
    case(
        r.UrnNotGivenForNonOfstedPlacement,
        "z13-2025-26",
        [E2],
        year=2026,
        episodes=[ep(place="Z13", prov="")],
    ),
    case(r.UrnNotGivenForNonOfstedPlacement, "p1-no-urn", [], episodes=[ep(place="P1", urn="XXXXXXX")]),
    case(r.AdoptionByFosterCarerStartsWithRightReason, "new-carer", [E2], episodes=[ep(place="A3", rne="P")]),
    case(r.AdoptionByFosterCarerStartsWithRightReason, "same-carer", [], episodes=[ep(place="A5", rne="T")]),
    case(r.PlacedWithParentsNotUnderSection20, "v2", [E2], episodes=[ep(place="P1", ls="V2")]),
    case(r.PlacedWithParentsNotUnderSection20, "c2", [], episodes=[ep(place="P1", ls="C2")]),
    case(r.CareDoesNotStartWithTemporaryPlacement, "start", [E2], episodes=[ep(place="T0", rne="S")]),
    case(r.CareDoesNotStartWithTemporaryPlacement, "move", [], episodes=[ep(place="T0", rne="P")]),
    case(
        r.CareDoesNotEndWithTemporaryPlacement,
        "leaves",
        [E2],
        episodes=[ep(place="T1", dec="02/05/2023", rec="E13")],
    ),
    case(
        r.CareDoesNotEndWithTemporaryPlacement,
        "returns",
        [],
        episodes=[ep(place="T1", dec="02/05/2023", rec="X1")],
    ),
    case(r.ShortBreaksNotInTemporaryPlacement, "temporary", [E2], episodes=[ep(ls="V3", place="T1")]),
    case(r.ShortBreaksNotInTemporaryPlacement, "foster", [], episodes=[ep(ls="V3", place="U6")]),
    case(r.ShortBreaksNotInLongTermFostering, "long-term", [E2], episodes=[ep(ls="V4", place="U1")]),
    case(r.ShortBreaksNotInLongTermFostering, "short-term", [], episodes=[ep(ls="V4", place="U6")]),
    # --- The child's age -----------------------------------------------------------------------------------
    case(r.EpisodeMustNotStartBeforeBirth, "before", [E2], header=[hd(dob="02/05/2023")], episodes=[ep()]),
    case(r.EpisodeMustNotStartBeforeBirth, "birthday", [], header=[hd(dob="01/05/2023")], episodes=[ep()]),
    case(
        r.IndependentLivingMinimumAge,
        "14-in-2022-23",
        [E2],
        year=2023,
        header=[hd(dob="02/05/2007")],
        episodes=[ep(decom="01/05/2022", place="P2")],
    ),
    case(
        r.IndependentLivingMinimumAge,
        "15-in-2022-23",
        [],
        year=2023,
        header=[hd(dob="01/05/2007")],
        episodes=[ep(decom="01/05/2022", place="P2")],
    ),
    case(
        r.IndependentLivingMinimumAge,
        "15-in-2023-24",
        [E2],
        year=2024,
        header=[hd(dob="01/05/2008")],
        episodes=[ep(place="P2")],
    ),
    case(
        r.IndependentLivingMinimumAge,
        "retired-2024-25",
        [],
        year=2025,
        header=[hd(dob="01/05/2010")],
        episodes=[ep(place="P2")],
    ),
    case(
        r.SupportedAccommodationMinimumAge,
        "h5-14-in-2022-23",
        [],
        year=2023,
        header=[hd(dob="01/05/2008")],
        episodes=[ep(decom="01/05/2022", place="H5")],
    ),
    case(
        r.SupportedAccommodationMinimumAge,
        "h5-15-in-2023-24",
        [E2],
        year=2024,
        header=[hd(dob="01/05/2008")],
        episodes=[ep(place="H5")],
    ),
    case(
        r.SupportedAccommodationMinimumAge,
        "k3-15-in-2024-25",
        [E2],
        year=2025,
        header=[hd(dob="01/05/2009")],
        episodes=[ep(decom="30/04/2025", place="K3")],
    ),
    case(
        r.SupportedAccommodationMinimumAge,
        "k3-16-in-2024-25",
        [],
        year=2025,
        header=[hd(dob="01/05/2008")],
        episodes=[ep(decom="01/05/2024", place="K3")],
    ),
    case(r.YouthCustodyMinimumAge, "9", [E2], header=[hd(dob="01/01/2014")], episodes=[ep(place="R5")]),
    case(r.YouthCustodyMinimumAge, "13", [], episodes=[ep(place="R5")]),
    case(r.ResidentialSchoolMinimumAge, "3", [E2], header=[hd(dob="01/01/2020")], episodes=[ep(place="S1")]),
    case(r.ResidentialSchoolMinimumAge, "13", [], episodes=[ep(place="S1")]),
    case(r.ResidentialEmploymentMinimumAge, "13", [E2], episodes=[ep(place="P3")]),
    case(
        r.ResidentialEmploymentMinimumAge, "14", [], header=[hd(dob="01/05/2009")], episodes=[ep(place="P3")]
    ),
    case(r.YouthJusticeStatusMinimumAge, "10", [E2], header=[hd(dob="01/05/2013")], episodes=[ep(ls="J1")]),
    case(r.YouthJusticeStatusMinimumAge, "13", [], episodes=[ep(ls="J2")]),
    case(r.CareMustStartBeforeEighteen, "18", [E2], header=[hd(dob="01/05/2005")], episodes=[ep()]),
    case(r.CareMustStartBeforeEighteen, "17", [], header=[hd(dob="02/05/2005")], episodes=[ep()]),
    case(
        r.OverEighteenMustBeSection20InCommunityHome,
        "open",
        [E2],
        year=2024,
        header=[hd(dob="01/01/2006")],
        episodes=[ep()],
    ),
    case(
        r.OverEighteenMustBeSection20InCommunityHome,
        "v2-k2",
        [],
        year=2024,
        header=[hd(dob="01/01/2006")],
        episodes=[ep(ls="V2", place="K2")],
    ),
    case(
        r.OverEighteenMustBeSection20InCommunityHome,
        "under-18",
        [],
        year=2024,
        header=[hd(dob="01/04/2006")],
        episodes=[ep()],
    ),
    case(
        r.AdoptedMustBeUnderEighteen,
        "18",
        [E2],
        header=[hd(dob="01/06/2005")],
        episodes=[ep(dec="01/06/2023", rec="E11")],
    ),
    case(
        r.AdoptedMustBeUnderEighteen,
        "17",
        [],
        header=[hd(dob="02/06/2005")],
        episodes=[ep(dec="01/06/2023", rec="E12")],
    ),
    case(r.IndependentLivingExitMinimumAge, "13", [E2], episodes=[ep(dec="01/06/2023", rec="E5")]),
    case(
        r.IndependentLivingExitMinimumAge,
        "14",
        [],
        header=[hd(dob="01/06/2009")],
        episodes=[ep(dec="01/06/2023", rec="E6")],
    ),
    case(r.AdultSocialCareExitMinimumAge, "13", [E2], episodes=[ep(dec="01/06/2023", rec="E7")]),
    case(
        r.AdultSocialCareExitMinimumAge,
        "16",
        [],
        header=[hd(dob="01/06/2007")],
        episodes=[ep(dec="01/06/2023", rec="E7")],
    ),
    case(
        r.SpecialGuardianshipMustBeUnderEighteen,
        "over",
        [E2],
        header=[hd(dob="31/05/2005")],
        episodes=[ep(dec="01/06/2023", rec="E45")],
    ),
    case(
        r.SpecialGuardianshipMustBeUnderEighteen,
        "birthday",
        [],
        header=[hd(dob="01/06/2005")],
        episodes=[ep(dec="01/06/2023", rec="E48")],
    ),
    case(r.StayingPutMustBeEighteen, "17", [E2], episodes=[ep(dec="01/06/2023", rec="E17")]),
    case(
        r.StayingPutMustBeEighteen,
        "18",
        [],
        header=[hd(dob="01/06/2005")],
        episodes=[ep(dec="01/06/2023", rec="E17")],
    ),
    # --- One child's episodes together -------------------------------------------------------------------
    case(r.EpisodesMustNotOverlap, "overlap", [E3], episodes=[ep(dec="02/09/2023", rec="X1"), *moved()[1:]]),
    case(r.EpisodesMustNotOverlap, "adjoining", [], episodes=moved()),
    case(r.EarlierEpisodeMustHaveEnded, "open", [E2], episodes=[ep(), *moved()[1:]]),
    case(r.EarlierEpisodeMustHaveEnded, "ended", [], episodes=moved()),
    case(r.SameDayMoveMustBeFollowedByNewEpisode, "gap", [E2], episodes=moved(decom="02/09/2023")),
    case(r.SameDayMoveMustBeFollowedByNewEpisode, "last", [E2], episodes=[ep(dec="01/09/2023", rec="X1")]),
    case(
        r.SameDayMoveMustBeFollowedByNewEpisode,
        "left-and-back",
        [E2],
        episodes=[ep(dec="01/09/2023", rec="E13"), *moved(rne="S")[1:]],
    ),
    case(r.SameDayMoveMustBeFollowedByNewEpisode, "same-day", [], episodes=moved()),
    case(r.FirstEpisodeMustStartCare, "in-year", [E2], year=2024, episodes=[ep(rne="P")]),
    case(
        r.FirstEpisodeMustStartCare, "before-year", [], year=2024, episodes=[ep(decom="01/05/2022", rne="P")]
    ),
    case(r.FirstEpisodeMustStartCare, "start", [], year=2024, episodes=[ep()]),
    case(r.NewCareMustNotStartWhilePreviousOpen, "same-day", [E3], episodes=moved(rne="S")),
    case(
        r.NewCareMustNotStartWhilePreviousOpen,
        "later",
        [],
        episodes=[ep(dec="01/09/2023", rec="E13"), *moved(decom="02/09/2023", rne="S")[1:]],
    ),
    case(
        r.EpisodeAfterLeavingCareMustStartCare,
        "continues",
        [E3],
        episodes=[ep(dec="01/09/2023", rec="E13"), *moved(decom="02/09/2023")[1:]],
    ),
    case(
        r.EpisodeAfterLeavingCareMustStartCare,
        "starts",
        [],
        episodes=[ep(dec="01/09/2023", rec="E13"), *moved(decom="02/09/2023", rne="S")[1:]],
    ),
    case(r.ContinuingEpisodeMustStartWhenPreviousEnds, "gap", [E3], episodes=moved(decom="02/09/2023")),
    case(r.ContinuingEpisodeMustStartWhenPreviousEnds, "same-day", [], episodes=moved()),
    case(
        r.LegalStatusChangeOnlyMustChangeOnlyLegalStatus,
        "ls-same",
        [E3],
        episodes=[moved()[0], ep(decom="01/09/2023", rne="L")],
    ),
    case(
        r.LegalStatusChangeOnlyMustChangeOnlyLegalStatus,
        "placement-changed",
        [E3],
        episodes=moved(rne="L", ls="E1"),
    ),
    case(
        r.LegalStatusChangeOnlyMustChangeOnlyLegalStatus,
        "ls-only",
        [],
        episodes=[moved()[0], ep(decom="01/09/2023", rne="L", ls="E1")],
    ),
    case(r.PlacementChangeOnlyMustChangeOnlyPlacement, "ls-changed", [E3], episodes=moved(ls="E1")),
    case(
        r.PlacementChangeOnlyMustChangeOnlyPlacement,
        "nothing-changed",
        [E3],
        episodes=[moved()[0], ep(decom="01/09/2023", rne="P")],
    ),
    case(
        r.PlacementChangeOnlyMustChangeOnlyPlacement,
        "postcode-changed",
        [],
        episodes=[moved()[0], ep(decom="01/09/2023", rne="T", pl="ST4 1HH")],
    ),
    case(r.BothChangedMustChangeBoth, "ls-same", [E3], episodes=moved(rne="B")),
    case(r.BothChangedMustChangeBoth, "both", [], episodes=moved(rne="U", ls="E1")),
    case(
        r.NoEpisodesAfterDeathOrAdulthood,
        "after-e2",
        [E2],
        episodes=[ep(dec="01/09/2023", rec="E2"), *moved(rne="S")[1:]],
    ),
    case(r.NoEpisodesAfterDeathOrAdulthood, "last", [], episodes=[ep(dec="01/09/2023", rec="E15")]),
    case(r.CategoryOfNeedKeptWithinPeriodOfCare, "changed", [E3], episodes=moved(cin="N2")),
    case(r.CategoryOfNeedKeptWithinPeriodOfCare, "kept", [], episodes=moved()),
    case(
        r.ReasonForPlacementChangeRequired,
        "blank",
        [E2],
        episodes=[ep(dec="01/09/2023", rec="X1"), *moved()[1:]],
    ),
    case(r.ReasonForPlacementChangeRequired, "given", [], episodes=moved()),
    case(
        r.ReasonForPlacementChangeRequired,
        "to-temporary",
        [],
        episodes=[ep(dec="01/09/2023", rec="X1"), *moved(place="T0", prov="")[1:]],
    ),
    case(
        r.ReasonForPlacementChangeNotForTemporary, "on-the-way-in", [E3], episodes=moved(place="T1", prov="")
    ),
    case(
        r.ReasonForPlacementChangeNotForTemporary,
        "on-temporary",
        [E2],
        episodes=[ep(place="T1", prov="", rpc="CARPL")],
    ),
    case(
        r.ReasonForPlacementChangeNotForTemporary,
        "none",
        [],
        episodes=[ep(dec="01/09/2023", rec="X1"), *moved(place="T1", prov="")[1:]],
    ),
    case(
        r.ReturnToNormalPlacementAfterTemporary,
        "returns",
        [],
        episodes=[*moved(place="T3", prov="", dec="08/09/2023", rec="X1"), ep(decom="08/09/2023", rne="P")],
    ),
    case(
        r.ReturnToNormalPlacementAfterTemporary,
        "elsewhere",
        [E4],
        episodes=[
            *moved(place="T3", prov="", dec="08/09/2023", rec="X1"),
            ep(decom="08/09/2023", rne="P", place="K2"),
        ],
    ),
    case(
        r.ReturnToNormalPlacementAfterTemporary,
        "moved-2024-25",
        [],
        year=2025,
        episodes=[
            *moved(decom="01/09/2024", place="T3", prov="", dec="08/09/2024", rec="X1"),
            ep(decom="08/09/2024", rne="P", pl="B1 1AA"),
        ],
    ),
    case(
        r.ReturnToNormalPlacementAfterTemporary,
        "moved-2025-26",
        [E4],
        year=2026,
        episodes=[
            *moved(decom="01/09/2025", place="T3", prov="", dec="08/09/2025", rec="X1"),
            ep(decom="08/09/2025", rne="P", pl="B1 1AA"),
        ],
    ),
    case(r.EpisodeMustAppearOnceInFile, "twice", [E3], episodes=[ep(), ep()]),
    case(r.EpisodeMustAppearOnceInFile, "once", [], episodes=moved()),
    # --- Last year's return and this year's -------------------------------------------------------------
    case(
        r.FirstEpisodeContinuesLastYearsOpenEpisode,
        "other-start",
        [E3],
        episodes=[last_year(), ep(decom="01/06/2022")],
    ),
    case(
        r.FirstEpisodeContinuesLastYearsOpenEpisode,
        "same-start",
        [],
        episodes=[ep(decom="01/05/2022")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeContinuesLastYearsOpenEpisode,
        "last-year-ended",
        [],
        episodes=[last_year(dec="01/06/2022", rec="X1"), ep(decom="01/06/2022", rne="P")],
    ),
    case(r.FirstEpisodeContinuesLastYearsOpenEpisode, "one-year-only", [], episodes=[ep(decom="01/06/2022")]),
    case(
        r.FirstEpisodeKeepsReasonForNewEpisode,
        "changed",
        [E2],
        episodes=[ep(decom="01/05/2022", rne="P")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsReasonForNewEpisode,
        "kept",
        [],
        episodes=[ep(decom="01/05/2022")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsLegalStatus,
        "changed",
        [E2],
        episodes=[ep(decom="01/05/2022", ls="C1")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsLegalStatus,
        "kept",
        [],
        episodes=[ep(decom="01/05/2022")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsCategoryOfNeed,
        "changed",
        [E2],
        episodes=[ep(decom="01/05/2022", cin="N2")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsCategoryOfNeed,
        "kept",
        [],
        episodes=[ep(decom="01/05/2022")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsPlacementType,
        "changed",
        [E2],
        episodes=[ep(decom="01/05/2022", place="U6")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsPlacementType,
        "h5-to-k3-2024-25",
        [],
        year=2025,
        episodes=[ep(decom="01/05/2023", place="K3")],
        superseded=[last_year(decom="01/05/2023", place="H5")],
    ),
    case(
        r.FirstEpisodeKeepsPlacementType,
        "h5-to-k3-2025-26",
        [E2],
        year=2026,
        episodes=[ep(decom="01/05/2024", place="K3")],
        superseded=[last_year(decom="01/05/2024", place="H5")],
    ),
    case(
        r.FirstEpisodeKeepsPlacementType,
        "z1-to-z13-2025-26",
        [],
        year=2026,
        episodes=[ep(decom="01/05/2024", place="Z13")],
        superseded=[last_year(decom="01/05/2024", place="Z1")],
    ),
    case(
        r.FirstEpisodeKeepsPlacementProvider,
        "changed",
        [E2],
        episodes=[ep(decom="01/05/2022", prov="PR4")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsPlacementProvider,
        "kept",
        [],
        episodes=[ep(decom="01/05/2022")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsUrn,
        "changed",
        [E2],
        episodes=[ep(decom="01/05/2022", urn="XXXXXXX")],
        superseded=[last_year()],
    ),
    case(
        r.FirstEpisodeKeepsUrn,
        "kept",
        [],
        episodes=[ep(decom="01/05/2022", urn="sc045099")],
        superseded=[last_year()],
    ),
    # --- Across files ----------------------------------------------------------------------------------
    case(r.EpisodeChildMustBeInHeader, "missing", [E2], episodes=[ep(child="B")]),
    case(r.EpisodeChildMustBeInHeader, "present", [], episodes=[ep()]),
    case(r.CareLeaverMustBeInHeader, "missing", [O2], oc3_rows=[oc3(child="B")]),
    case(r.CareLeaverMustBeInHeader, "present", [], header=[hd(dob="01/01/2005")], oc3_rows=[oc3()]),
    case(r.UascChildMustBeInHeader, "missing", [U2], uasc_rows=[uasc(child="B")]),
    case(r.UascChildMustBeInHeader, "present", [], uasc_rows=[uasc()]),
    case(r.CareLeaverDateOfBirthMatchesHeader, "differs", [O2], oc3_rows=[oc3(dob="01/01/2009")]),
    case(r.CareLeaverDateOfBirthMatchesHeader, "same", [], oc3_rows=[oc3(dob="01/01/2010")]),
    case(r.UascDateOfBirthMatchesHeader, "differs", [U2], uasc_rows=[uasc(dob="02/01/2010")]),
    case(r.UascDateOfBirthMatchesHeader, "same", [], uasc_rows=[uasc()]),
    case(r.UascSexMatchesHeader, "differs", [U2], uasc_rows=[uasc(sex="2")]),
    case(r.UascSexMatchesHeader, "same-either-convention", [], uasc_rows=[uasc(sex="M")]),
    case(r.ChildMustAppearOnceInHeader, "twice", [H2, H3], header=[hd(), hd()]),
    case(r.ChildMustAppearOnceInHeader, "once", [], header=[hd(), hd(child="B")]),
    case(r.CareLeaverMustAppearOnceInOc3, "twice", [O2, O3], oc3_rows=[oc3(), oc3()]),
    case(r.CareLeaverMustAppearOnceInOc3, "once", [], oc3_rows=[oc3(), oc3(child="B")]),
    case(r.UascChildMustAppearOnce, "twice", [U2, U3], uasc_rows=[uasc(), uasc()]),
    case(r.UascChildMustAppearOnce, "once", [], uasc_rows=[uasc()]),
    case(r.CareLeaverItemsAllOrNone, "some", [O2], oc3_rows=[oc3(activ="", accom="")]),
    case(r.CareLeaverItemsAllOrNone, "none", [], oc3_rows=[oc3(in_touch="", activ="", accom="")]),
    case(r.CareLeaverInTouchHasActivityAndAccommodation, "zero", [O2], oc3_rows=[oc3(accom="0")]),
    case(
        r.CareLeaverInTouchHasActivityAndAccommodation,
        "not-in-touch",
        [],
        oc3_rows=[oc3(in_touch="NO", activ="0", accom="0")],
    ),
]


@pytest.mark.parametrize(("rule", "tables", "expected"), CASES)
def test_rule_case(rule, tables, expected):
    assert flagged(rule(), tables_for(**tables)) == expected


def test_every_rule_has_a_failing_and_a_passing_case():
    failing = {p.values[0] for p in CASES if p.values[2]}
    passing = {p.values[0] for p in CASES if not p.values[2]}
    every = {type(rule) for rule in ALL_RULES}
    assert every - failing == set()
    assert every - passing == set()


def test_rules_have_codes_severities_and_years():
    codes = [rule.code for rule in ALL_RULES if rule.code]
    assert len(codes) == len(set(codes)) >= 60
    for rule in ALL_RULES:
        assert rule.severity in ("error", "warning")
        assert rule.first_year is None or rule.last_year is None or rule.first_year <= rule.last_year


def test_a_row_of_unknown_year_is_checked_as_the_latest_year_present():
    tables = tables_for(year=2025, episodes=[ep(decom="01/05/2024", place="K3", urn="1234567")])
    tables.episodes.loc[0, "_year"] = 0
    tables.header.loc[0, "_year"] = 0
    assert flagged(r.PlacementTypeMustBeKnownCode(), tables) == []  # nothing known: the newest year, K3 valid
    old = tables_for(year=2024, episodes=[ep(child="B", place="K3")])
    both = tables_for(year=2024, episodes=[ep(place="K3"), ep(child="B", place="U4")])
    both.episodes.loc[0, "_year"] = 0  # unknown, while another row is 2023-24: checked as 2023-24
    assert old.latest_year() == 2024 and both.latest_year() == 2024
    assert flagged(r.PlacementTypeMustBeKnownCode(), both) == [E2]


def test_header_rows_follow_the_year_of_the_childs_episodes():
    tables = tables_for(
        year=2025, header=[hd(sex="1"), hd(child="B", sex="1")], episodes=[ep(decom="01/05/2024")]
    )
    tables.header.loc[:, "_year"] = 2011  # a Header file's own year comes from dates of birth
    tables.episodes.loc[:, "_year"] = 2025
    assert tables.years("header").tolist() == [
        2025,
        2025,
    ]  # A from its episode; B, with none, the latest year
    assert flagged(r.SexMustBeKnownCode(), tables) == [H2, H3]


def test_the_rules_document_lists_exactly_the_rules_and_is_up_to_date():
    from pathlib import Path

    from placements.ssda903.rules.docs import rules_markdown

    path = Path(__file__).resolve().parents[3] / "docs" / "ssda903-rules.md"
    text = path.read_text(encoding="utf-8")
    assert text == rules_markdown(), (
        "run: .venv/bin/python -m placements.ssda903.rules.docs > docs/ssda903-rules.md"
    )
    listed = [
        line.split(" | ")[1] for line in text.splitlines() if line.startswith("| ") and " | " in line[2:]
    ]
    assert listed[1:] == [rule.name() for rule in ALL_RULES]  # after the column titles


def test_no_rule_fails_on_odd_rows():
    """Blank, unreadable and unknown values in every combination: every rule runs and reports in rows."""
    import random

    rng = random.Random(903)
    values = {
        "child": ["A", "B", ""],
        "decom": ["01/05/2023", "", "xx", "01/09/2023", "01/05/2022"],
        "rne": ["S", "P", "", "Q", "L"],
        "ls": ["C2", "", "V3", "J1"],
        "place": ["U4", "T0", "", "K3", "Z11", "H5"],
        "prov": ["PR1", "", "PR0", "PR9"],
        "dec": ["", "01/09/2023", "bad"],
        "rec": ["", "X1", "E13", "E2"],
        "urn": ["", "XXXXXXX", "SC045099", "12"],
    }
    for _ in range(40):
        rows = [ep(**{k: rng.choice(v) for k, v in values.items()}) for _ in range(rng.randint(0, 5))]
        header = [
            hd(child=rng.choice(["A", ""]), dob=rng.choice(["01/01/2010", "", "31/02/2010"]))
            for _ in range(2)
        ]
        earlier = [ep(decom="01/05/2022", prov=rng.choice(["", "PR1"]))] if rng.random() < 0.5 else None
        tables = tables_for(
            year=rng.choice([0, 2024, 2026]), header=header, episodes=rows, superseded=earlier
        )
        errors, warnings = r.run_rules(tables, ALL_RULES)
        assert all(i.row is not None and i.row >= 2 for i in [*errors, *warnings])
