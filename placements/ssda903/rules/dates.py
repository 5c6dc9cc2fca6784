"""Rules on dates: real dates, dates in the right order, and dates that fit the collection year."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pandas as pd

from ..normalise import date_problem, map_distinct
from ..schema import EPISODES, HEADER, OC3, UASC
from .base import Breach, MaskRule, Rule, Ssda903Tables, add_years, as_mask


class _RealDateRule(Rule):
    """Base for rules that a date column holds a real date (dd/mm/yyyy; yyyy-mm-dd is also read)."""

    table: ClassVar[str]
    column: ClassVar[str]
    blank_allowed: ClassVar[bool] = True

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        frame = tables.table(self.table)
        raw = frame[self.column]
        given = tables.filled(self.table, self.column)
        bad = given & frame[self.column.lower()].isna().to_numpy()
        if bad.any():
            yield Breach(self.table, bad, self.column, map_distinct(raw.to_numpy()[bad], date_problem))
        if not self.blank_allowed:
            blank = ~given
            yield Breach(
                self.table,
                blank,
                self.column,
                f"{self.column} is blank. It must be a date, written dd/mm/yyyy.",
            )


class DateOfBirthMustBeRealDate(_RealDateRule):
    """DOB in the Header must be given and be a real date, written dd/mm/yyyy."""

    code = "102"
    tables = (HEADER,)
    table = HEADER
    column = "DOB"
    blank_allowed = False


class EpisodeStartMustBeRealDate(_RealDateRule):
    """DECOM (date episode commenced), when given, must be a real date, written dd/mm/yyyy."""

    code = "141"
    table = EPISODES
    column = "DECOM"


class EpisodeEndMustBeRealDate(_RealDateRule):
    """DEC (date episode ceased), when given, must be a real date, written dd/mm/yyyy."""

    code = "147"
    table = EPISODES
    column = "DEC"


class DatesMustBeRealDates(Rule):
    """Dates of birth in the UASC and OC3 files, when given, must be real dates written dd/mm/yyyy.

    31/02/2020 is not a real date; 2020/02/01 and 1/2/20 are not formats we can read safely. (The DfE's
    rules 102, 141, 147 and 104 check the other dates.)
    """

    tables = (UASC, OC3)

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        for kind in (UASC, OC3):
            frame = tables.table(kind)
            raw = frame["DOB"]
            bad = as_mask((raw != "") & frame["dob"].isna())
            if bad.any():
                yield Breach(kind, bad, "DOB", map_distinct(raw.to_numpy()[bad], date_problem))


class UascCeasedDateMustBeRealDateInYear(Rule):
    """DUC (date UASC status ceased), when given, must be a real date, and not before the start of the
    collection year (1 April)."""

    code = "104"
    tables = (UASC,)

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        u = tables.uasc
        raw = u["DUC"]
        bad = as_mask((raw != "") & u["duc"].isna())
        if bad.any():
            yield Breach(UASC, bad, "DUC", map_distinct(raw.to_numpy()[bad], date_problem))
        early = as_mask(u["duc"] < tables.collection_start(UASC))
        yield Breach(
            UASC,
            early,
            "DUC",
            "DUC (date UASC status ceased) is before the start of the collection year. Give a date from 1 April "
            "of the year the return covers, or leave the child out of the UASC file.",
        )


class DateOfBirthMustNotBeAfterYearEnd(MaskRule):
    """A child's date of birth (DOB) must not be after the end of the collection year (31 March)."""

    code = "301"
    tables = (HEADER,)
    table = HEADER
    column = "DOB"
    message = "DOB is after the end of the collection year (31 March). A child's date of birth must be in or before the year."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.header["dob"] > t.collection_end(HEADER)


class ChildMustNotBeOver25(MaskRule):
    """A child must not have been over 25 at the start of the collection year (DOB more than 25 years before
    1 April)."""

    code = "351"
    tables = (HEADER,)
    table = HEADER
    column = "DOB"
    message = (
        "The child was over 25 at the start of the collection year. Check the date of birth: children in the "
        "return are under 26."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.collection_start(HEADER) > add_years(t.header["dob"], 25)


_FIRST_DECOM_ALLOWED = pd.Timestamp("1991-10-14")


class EpisodeMustNotStartBefore1991(MaskRule):
    """No episode may start (DECOM) before 14 October 1991, when the Children Act 1989 came into force."""

    code = "353"
    column = "DECOM"
    message = "DECOM is before 14/10/1991. No episode in the return can start before 14 October 1991."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.episodes["decom"] < _FIRST_DECOM_ALLOWED


class EpisodeMustNotStartAfterYearEnd(MaskRule):
    """An episode must not start (DECOM) after the end of the collection year (31 March).

    The reader places a file in the collection year of its latest date, so this can only be broken when a
    file's year is known otherwise (for example, stated by the council).
    """

    code = "354"
    column = "DECOM"
    message = (
        "DECOM is after the end of the collection year (31 March). Episodes starting after 31 March belong "
        "in next year's return."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.episodes["decom"] > t.collection_end(EPISODES)


class EpisodeMustNotEndAfterYearEnd(MaskRule):
    """An episode's end date (DEC) must not be after the end of the collection year (31 March): an episode
    still open on 31 March has no DEC.

    As for 354, this can only be broken when a file's year is known otherwise than from its dates.
    """

    code = "385"
    column = "DEC"
    message = (
        "DEC is after the end of the collection year (31 March). An episode still open on 31 March must have "
        "DEC and REC blank; its end goes in next year's return."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.episodes["dec"] > t.collection_end(EPISODES)


class EpisodeShouldLastMoreThanADay(MaskRule):
    """An episode should not end on the day it starts (DEC equal to DECOM): it would have lasted less than
    24 hours.

    (The validator compares the cells as text, so an episode with neither date given is flagged too; we
    flag only episodes with both dates, as the DfE's wording says.)
    """

    code = "355"
    severity = "warning"
    column = "DEC"
    message = (
        "DEC is the same day as DECOM: the episode lasted less than 24 hours. Check the dates; an episode "
        "normally ends on a later day than it starts."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return e["decom"].notna() & (e["decom"] == e["dec"])


class EpisodeMustNotEndBeforeItStarts(MaskRule):
    """An episode's end date (DEC), when given, must be on or after its start date (DECOM)."""

    code = "356"
    column = "DEC"
    message = (
        "DEC (date episode ceased) is before DECOM (date episode commenced). "
        "An episode must end on or after the day it starts."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return e["dec"] < e["decom"]


class EndDateAndReasonMustBeGivenTogether(Rule):
    """An episode that has ended gives both its end date (DEC) and the reason it ended (REC); an open
    episode gives neither."""

    code = "148"

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        dec_given = tables.filled(EPISODES, "DEC")
        rec_given = tables.filled(EPISODES, "REC")
        yield Breach(
            EPISODES,
            dec_given & ~rec_given,
            "REC",
            "REC (reason episode ceased) is blank but DEC (date episode ceased) is given. "
            "Give both for an episode that has ended, or neither for an open episode.",
        )
        yield Breach(
            EPISODES,
            rec_given & ~dec_given,
            "DEC",
            "DEC (date episode ceased) is blank but REC (reason episode ceased) is given. "
            "Give both for an episode that has ended, or neither for an open episode.",
        )


class UascMustCeaseByEighteen(MaskRule):
    """The date UASC status ceased (DUC) must be on or before the child's 18th birthday (DOB in the UASC
    file)."""

    code = "304"
    tables = (UASC,)
    table = UASC
    column = "DUC"
    message = "DUC is after the child's 18th birthday. UASC status ceases on or before the child turns 18."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        u = t.uasc
        return u["duc"].notna() & (u["duc"] > add_years(u["dob"], 18))


class CareLeaverMustBeAged17To21(MaskRule):
    """Care leaver information (OC3: IN_TOUCH, ACTIV, ACCOM) is returned only for young people aged 17 or
    over by the end of the collection year."""

    code = "391"
    tables = (OC3,)
    table = OC3
    column = "DOB"
    message = (
        "This young person is not 17 or over by the end of the collection year, so no care leaver information "
        "(IN_TOUCH, ACTIV, ACCOM) is returned for them. Check the date of birth or remove the OC3 row."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        o = t.oc3
        any_given = (o["IN_TOUCH"] != "") | (o["ACTIV"] != "") | (o["ACCOM"] != "")
        return (add_years(o["dob"], 17) > t.collection_end(OC3)) & any_given


class FreeingOrderNotAfter2005(MaskRule):
    """Legal status D1 (freeing order granted) cannot be given to an episode starting after 31 December 2005:
    freeing orders were replaced by placement orders that month (retired by the DfE from 2024-25)."""

    code = "445"
    last_year = 2024
    column = "LS"
    message = "LS is D1 (freeing order) for an episode starting after 2005. Freeing orders ended in December 2005; use E1 (placement order)."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return t.eq(EPISODES, "ls", "D1") & (e["decom"] > pd.Timestamp("2005-12-31"))


class PlacementOrderNotBeforeDecember2005(MaskRule):
    """Legal status E1 (placement order granted) cannot start before 1 December 2005, when placement orders
    began."""

    code = "446"
    column = "LS"
    message = (
        "LS is E1 (placement order) for an episode starting before 01/12/2005, when placement orders began."
    )

    def flag(self, t: Ssda903Tables) -> pd.Series:
        e = t.episodes
        return t.eq(EPISODES, "ls", "E1") & (e["decom"] < pd.Timestamp("2005-12-01"))
