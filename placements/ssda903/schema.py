"""The SSDA903 files we read: their exact columns, how each column is cleaned, and the canonical form.

A council exports its SSDA903 ("903") return as one CSV file per table, or as one XML file (see
`xml.py`). We recognise a CSV file by its column names, never by its file name: names are compared after
trimming spaces and upper-casing, in any order. A file holding every column of a table is that table; any
further columns are dropped as soon as the file is parsed (we keep only what we use). Every table of the
return is known here, with the columns it has had in each collection year since 2022-23: the four we read
(Header, Episodes, UASC, OC3) and the others, which are noted and skipped.

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
DOLO = "dolo"


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

    ``columns`` must all be present for a file to be this table. ``dropped`` columns belong to the table
    but are optional and are dropped as soon as the file is parsed: we do not need them and must not hold
    them (UPN, MOTHER, MC_DOB). ``optional`` columns are part of the table in some collection years only
    (SWEpisodes has DOB from 2024-25); for a table we do not read they are simply ignored.
    ``recency_columns`` are the dates that place a file in a collection year when nothing better is known
    (see the reader). ``key`` identifies one record across years' files (one child, or one episode).
    """

    name: str
    label: str
    columns: tuple[Column, ...]
    dropped: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    recency_columns: tuple[str, ...] = ()
    key: tuple[str, ...] = ("CHILD",)
    used: bool = True

    @property
    def required(self) -> frozenset[str]:
        """The columns a file must have to be this table."""
        return frozenset(c.name for c in self.columns)

    @property
    def signature(self) -> frozenset[str]:
        """Every column the table has in any collection year (required, dropped and optional)."""
        return self.required | frozenset(self.dropped) | frozenset(self.optional)

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


def _unused(name: str, label: str, columns: str, optional: str = "") -> FileKind:
    """An SSDA903 file this service does not read; ``columns`` are its column names, space-separated.

    Only the child's reference is ever kept from such a file (to place it in a collection year).
    """
    return FileKind(
        name=name,
        label=label,
        columns=tuple(Column(c, "id" if c == "CHILD" else "code") for c in columns.split()),
        optional=tuple(optional.split()),
        used=False,
    )


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
        # Social worker episodes, collected from 2023-24; DOB was added in 2024-25.
        _unused(SW_EPISODES, "SWEpisodes", "CHILD SW_ID SW_DECOM SW_DEC SW_REASON", optional="DOB"),
        # Deprivation of liberty orders, collected from 2026-27.
        _unused(DOLO, "DoLo (deprivation of liberty)", "CHILD DOB DOLO_START DOLO_END"),
    )
}

ALL_FILE_KINDS: dict[str, FileKind] = {**FILE_KINDS, **UNUSED_FILE_KINDS}

# Columns most SSDA903 tables share: a file holding only these is not close to any one table.
_COMMON_COLUMNS = frozenset({"CHILD", "DOB", "SEX"})


@dataclass(frozen=True)
class Recognition:
    """Which SSDA903 table a file's columns make it.

    ``kind`` is the table when the file has every one of its required columns; ``extra`` are the file's
    columns the table does not have (dropped). When no table's columns are all there, ``closest`` is the
    table the file most resembles (if it shares at least one of that table's own columns) and ``missing``
    the required columns it lacks; both are empty when the file looks like no SSDA903 table at all.
    """

    kind: FileKind | None
    extra: tuple[str, ...] = ()
    closest: FileKind | None = None
    missing: tuple[str, ...] = ()


def recognise(columns: frozenset[str]) -> Recognition:
    """Recognise a file from its (trimmed, upper-cased) column names.

    Of the tables whose required columns are all present, the one with the most columns wins (a Header
    file with a UASC flag added is still the Header), then the one with fewest columns left over.
    """
    complete = [k for k in ALL_FILE_KINDS.values() if k.required <= columns]
    if complete:
        kind = max(complete, key=lambda k: (len(k.required), -len(columns - k.signature), k.used))
        return Recognition(kind, extra=tuple(sorted(columns - kind.signature)))

    def likeness(kind: FileKind) -> float:
        return len(columns & kind.signature) / len(columns | kind.signature)

    closest = max(ALL_FILE_KINDS.values(), key=likeness)
    if not (columns & closest.signature) - _COMMON_COLUMNS:
        return Recognition(None)
    return Recognition(None, closest=closest, missing=tuple(sorted(closest.required - columns)))
