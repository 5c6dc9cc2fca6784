"""The SSDA903 files we read: their exact columns, how each column is cleaned, and the canonical form.

A council exports its SSDA903 ("903") return as one CSV file per table. We recognise a file by its exact
set of column names (never by file name): names are compared after trimming spaces and upper-casing,
and column order does not matter (DOMAIN.md section 3).

Each column has a *kind* that says how its values are cleaned (see `normalise.py`):

- ``id``: the child's reference; surrounding spaces trimmed, case kept.
- ``code``: an SSDA903 code; trimmed and upper-cased (``u4`` becomes ``U4``).
- ``sex``: a code, and the pre-2024-25 ``1``/``2`` become ``M``/``F``.
- ``date``: ``dd/mm/yyyy`` or ``yyyy-mm-dd``, read into a ``datetime64[ns]`` column.
- ``postcode``: upper-cased, one space before the inward code when the postcode is complete.
- ``urn``: an Ofsted URN, upper-cased; ``XXXXXXX`` ("no URN") becomes blank.

Data minimisation: the Header's UPN (unique pupil number), MOTHER and MC_DOB (the child's own child's
date of birth) are dropped as soon as the file is parsed, before any value is cleaned or checked, so they
never reach a table, an error report or a log.
"""

from __future__ import annotations

from dataclasses import dataclass

HEADER = "header"
EPISODES = "episodes"
UASC = "uasc"
OC3 = "oc3"

# Kinds of file that are part of the SSDA903 return but are not used by this service. A file with one of
# these exact column sets is skipped with a warning (rather than refused) so that a council can upload its
# whole export folder.
AD1 = "ad1"
OC2 = "oc2"
PLACED_ADOPTION = "placed_adoption"
PREV_PERM = "prev_perm"
MISSING = "missing"
REVIEWS = "reviews"
SW_EPISODES = "sw_episodes"


@dataclass(frozen=True)
class Column:
    """One column of an SSDA903 file: its name in the file, its canonical name and how it is cleaned."""

    name: str
    kind: str = "code"

    @property
    def canonical(self) -> str:
        """The column's name in the canonical DataFrame, e.g. ``PLACE_PROVIDER`` -> ``place_provider``."""
        return self.name.lower()


@dataclass(frozen=True)
class FileKind:
    """A kind of SSDA903 file, recognised by its exact set of column names.

    ``dropped`` columns are part of the file's signature (so the file is recognised) but are dropped as
    soon as the file is parsed: we do not need them and must not hold them. ``recency_columns`` are the
    dates that place a file in a collection year, used to decide which of several years' files is the
    later one. ``key`` identifies one record across years' files (one child, or one episode of a child).
    """

    name: str
    label: str
    columns: tuple[Column, ...]
    dropped: tuple[str, ...] = ()
    recency_columns: tuple[str, ...] = ()
    key: tuple[str, ...] = ("CHILD",)
    used: bool = True

    @property
    def signature(self) -> frozenset[str]:
        """Every column name the file must have, and no others."""
        return frozenset(c.name for c in self.columns) | frozenset(self.dropped)

    @property
    def canonical_columns(self) -> list[str]:
        """The columns of the canonical DataFrame, in order."""
        return [c.canonical for c in self.columns]


FILE_KINDS: dict[str, FileKind] = {
    HEADER: FileKind(
        name=HEADER,
        label="Header",
        columns=(Column("CHILD", "id"), Column("SEX", "sex"), Column("DOB", "date"), Column("ETHNIC")),
        dropped=("UPN", "MOTHER", "MC_DOB"),
        recency_columns=("DOB",),
    ),
    EPISODES: FileKind(
        name=EPISODES,
        label="Episodes",
        columns=(
            Column("CHILD", "id"),
            Column("DECOM", "date"),
            Column("RNE"),
            Column("LS"),
            Column("CIN"),
            Column("PLACE"),
            Column("PLACE_PROVIDER"),
            Column("DEC", "date"),
            Column("REC"),
            Column("REASON_PLACE_CHANGE"),
            Column("HOME_POST", "postcode"),
            Column("PL_POST", "postcode"),
            Column("URN", "urn"),
        ),
        recency_columns=("DECOM", "DEC"),
        key=("CHILD", "DECOM"),
    ),
    UASC: FileKind(
        name=UASC,
        label="UASC",
        columns=(Column("CHILD", "id"), Column("SEX", "sex"), Column("DOB", "date"), Column("DUC", "date")),
        recency_columns=("DUC", "DOB"),
    ),
    OC3: FileKind(
        name=OC3,
        label="OC3 (care leavers)",
        columns=(
            Column("CHILD", "id"),
            Column("DOB", "date"),
            Column("IN_TOUCH"),
            Column("ACTIV"),
            Column("ACCOM"),
        ),
        recency_columns=("DOB",),
    ),
}


def _unused(name: str, label: str, columns: str) -> FileKind:
    """An SSDA903 file this service does not read; ``columns`` are its column names, space-separated."""
    return FileKind(name=name, label=label, columns=tuple(Column(c) for c in columns.split()), used=False)


UNUSED_FILE_KINDS: dict[str, FileKind] = {
    k.name: k
    for k in (
        _unused(
            AD1,
            "AD1 (adoption)",
            "CHILD DOB DATE_INT DATE_MATCH FOSTER_CARE NB_ADOPTR SEX_ADOPTR LS_ADOPTR",
        ),
        _unused(
            OC2,
            "OC2 (outcomes)",
            "CHILD DOB SDQ_SCORE SDQ_REASON CONVICTED HEALTH_CHECK IMMUNISATIONS TEETH_CHECK "
            "HEALTH_ASSESSMENT SUBSTANCE_MISUSE INTERVENTION_RECEIVED INTERVENTION_OFFERED",
        ),
        _unused(
            PLACED_ADOPTION,
            "PlacedAdoption",
            "CHILD DOB DATE_PLACED DATE_PLACED_CEASED REASON_PLACED_CEASED",
        ),
        _unused(PREV_PERM, "PrevPerm", "CHILD DOB PREV_PERM LA_PERM DATE_PERM"),
        _unused(MISSING, "Missing", "CHILD DOB MISSING MIS_START MIS_END"),
        _unused(REVIEWS, "Reviews", "CHILD DOB REVIEW REVIEW_CODE"),
        _unused(SW_EPISODES, "SWEpisodes", "CHILD SW_ID SW_DECOM SW_DEC SW_REASON"),
    )
}

ALL_FILE_KINDS: dict[str, FileKind] = {**FILE_KINDS, **UNUSED_FILE_KINDS}
