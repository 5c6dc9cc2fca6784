"""Rules across files: every child in the Header, one row per child, and the same facts in every file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import numpy as np
import pandas as pd

from ..schema import EPISODES, FILE_KINDS, HEADER, OC3, UASC
from .base import Breach, MaskRule, Rule, Ssda903Tables, as_mask


class RequiredFieldsMustBePresent(Rule):
    """Every row must give the fields counting depends on: an episode needs CHILD, DECOM, RNE, LS and
    PLACE; Header, UASC and OC3 rows need CHILD.

    (The Header's SEX and DOB are required by the DfE's rules 101 and 102.)
    """

    tables = (HEADER, EPISODES, UASC, OC3)
    REQUIRED: ClassVar[dict[str, tuple[str, ...]]] = {
        HEADER: ("CHILD",),
        EPISODES: ("CHILD", "DECOM", "RNE", "LS", "PLACE"),
        UASC: ("CHILD",),
        OC3: ("CHILD",),
    }

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        for kind, columns in self.REQUIRED.items():
            tables.table(kind)
            label = FILE_KINDS[kind].label
            for column in columns:
                yield Breach(
                    kind,
                    ~tables.filled(kind, column),
                    column,
                    f"{column} is blank. Every {label} row must give {column}.",
                )


class _ChildInHeaderRule(MaskRule):
    column = "CHILD"

    def check(self, tables: Ssda903Tables) -> Iterator[Breach]:
        if HEADER not in tables.given:
            return  # the missing Header file is reported once, not once per row
        yield from super().check(tables)

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        t.table(self.table)
        return t.filled(self.table, "child") & ~t.in_header(self.table)


class EpisodeChildMustBeInHeader(_ChildInHeaderRule):
    """Every child with an episode must have a row in the Header file."""

    code = "INT03"
    tables = (EPISODES, HEADER)
    table = EPISODES
    message = "This child has an episode but no row in the Header file. Add the child to the Header file."


class CareLeaverMustBeInHeader(_ChildInHeaderRule):
    """Every child in the OC3 (care leavers) file must have a row in the Header file."""

    code = "INT06"
    tables = (OC3, HEADER)
    table = OC3
    message = (
        "This young person is in the OC3 file but has no row in the Header file. Add them to the Header file."
    )


class UascChildMustBeInHeader(_ChildInHeaderRule):
    """Every child in the UASC file must have a row in the Header file."""

    code = "INT09"
    tables = (UASC, HEADER)
    table = UASC
    message = (
        "This child is in the UASC file but has no row in the Header file. Add the child to the Header file."
    )


class _SameAsHeaderRule(MaskRule):
    header_column: ClassVar[str]

    def flag(self, t: Ssda903Tables) -> pd.Series:
        frame = t.table(self.table)
        col = self.header_column
        theirs = t.from_header(self.table, col)
        ours = frame[col]
        return ours.notna() & theirs.notna() & (ours != theirs)


class CareLeaverDateOfBirthMatchesHeader(_SameAsHeaderRule):
    """A young person's DOB in the OC3 file must be the same as in the Header file."""

    code = "INT15"
    tables = (OC3, HEADER)
    table = OC3
    column = "DOB"
    header_column = "dob"
    message = (
        "DOB in the OC3 file differs from the child's DOB in the Header file. Give the same date in both."
    )


class UascDateOfBirthMatchesHeader(_SameAsHeaderRule):
    """A child's DOB in the UASC file must be the same as in the Header file."""

    code = "INT18"
    tables = (UASC, HEADER)
    table = UASC
    column = "DOB"
    header_column = "dob"
    message = (
        "DOB in the UASC file differs from the child's DOB in the Header file. Give the same date in both."
    )


class UascSexMatchesHeader(_SameAsHeaderRule):
    """A child's SEX in the UASC file must be the same as in the Header file (1 and M, 2 and F are the same)."""

    code = "INT21"
    tables = (UASC, HEADER)
    table = UASC
    column = "SEX"
    header_column = "sex"
    message = (
        "SEX in the UASC file differs from the child's SEX in the Header file. Give the same sex in both."
    )


class _OncePerFileRule(MaskRule):
    """Base: a child appears once in a table (every row of a repeated child is flagged)."""

    column = "CHILD"

    def flag(self, t: Ssda903Tables) -> np.ndarray:
        child = t.table(self.table)["child"]
        return as_mask(child.notna() & child.duplicated(keep=False))


class ChildMustAppearOnceInHeader(_OncePerFileRule):
    """A child appears once in the Header file: the same CHILD must not be on two rows.

    (The same child in different years' Header files is expected: the later file's row is used.)
    """

    code = "INT32"
    tables = (HEADER,)
    table = HEADER
    message = "This child has more than one row in the Header file. Give each child one Header row."


class CareLeaverMustAppearOnceInOc3(_OncePerFileRule):
    """A young person appears once in the OC3 file."""

    code = "INT34"
    tables = (OC3,)
    table = OC3
    message = "This young person has more than one row in the OC3 file. Give each young person one row."


class UascChildMustAppearOnce(_OncePerFileRule):
    """A child appears once in the UASC file."""

    code = "INT36"
    tables = (UASC,)
    table = UASC
    message = "This child has more than one row in the UASC file. Give each child one row."


class CareLeaverItemsAllOrNone(MaskRule):
    """IN_TOUCH, ACTIV and ACCOM in the OC3 file are either all given or all left blank."""

    code = "153"
    tables = (OC3,)
    table = OC3
    column = "IN_TOUCH"
    message = "Give all three of IN_TOUCH, ACTIV and ACCOM, or leave all three blank."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        o = t.oc3
        given = [(o[c] != "") for c in ("IN_TOUCH", "ACTIV", "ACCOM")]
        all_given = given[0] & given[1] & given[2]
        none_given = ~given[0] & ~given[1] & ~given[2]
        return ~all_given & ~none_given


class CareLeaverInTouchHasActivityAndAccommodation(MaskRule):
    """When the council is in touch with a care leaver (IN_TOUCH YES), ACTIV and ACCOM are not 0."""

    code = "345"
    tables = (OC3,)
    table = OC3
    column = "IN_TOUCH"
    message = "IN_TOUCH is YES, so give the young person's activity (ACTIV) and accommodation (ACCOM), not 0."

    def flag(self, t: Ssda903Tables) -> pd.Series:
        return t.eq(OC3, "in_touch", "YES") & (t.eq(OC3, "ACTIV", "0") | t.eq(OC3, "ACCOM", "0"))
