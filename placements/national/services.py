"""Importing the DfE's published tables: each file read whole first (a file-level problem refuses it and
nothing from it is written), then its figures written in one transaction, replacing what was held for the
same years, characteristics and indicators (a re-import of a year replaces that year)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import audit

from ..models import (
    ComparatorGroup,
    NationalFigure,
    NationalStatisticsImport,
    StatisticalNeighbour,
    StatisticalNeighbourList,
)
from ..models.national import OGL
from .measures import measures_fed
from .neighbours import read_neighbours_csv
from .reader import FileRefused, read_dfe_csv

MAX_STORED_PROBLEMS = 200


@dataclass
class FileOutcome:
    name: str
    refused: str = ""
    statistics_import: NationalStatisticsImport | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    #: For each KPI in `MEASURES`, whether the file held its row (`measures_fed`).
    measures: dict[str, bool] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.refused


@dataclass
class NationalImportOutcome:
    files: list[FileOutcome] = field(default_factory=list)
    #: Set when the files were staged for a data steward's review instead of imported.
    proposal: Any = None

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.files)


def national_statistics_import(
    *,
    files: list[tuple[str, bytes]],
    acting_user: Any = None,
    supplied_by_label: str = "",
    publisher: str | None = None,
    licence: str | None = None,
    authority: Any = None,
    publication: Any = None,
) -> NationalImportOutcome:
    """Import DfE open-data CSVs. Each file stands alone: one refused does not stop the others.

    Only a platform data steward's import, or the command line's (``acting_user`` None), writes the
    figures, recorded as a publication. Anyone else's (an authority's data manager, through the web or a
    job) is staged as a proposal for a steward to review (``outcome.proposal``; see ``review.py``) and
    nothing anyone reads changes; a file the reader refuses is then refused whole and nothing is staged.
    ``publication`` is the reviewed proposal being published (the steward's own call)."""
    from ..reference_data import user_is_data_steward
    from .review import national_proposal_create, national_publication_record

    outcome = NationalImportOutcome()
    if publication is None and acting_user is not None and not user_is_data_steward(acting_user):
        try:
            outcome.proposal = national_proposal_create(
                files=files, authority=authority, acting_user=acting_user
            )
        except FileRefused as exc:
            outcome.files.append(FileOutcome(name=", ".join(n for n, _ in files)[:200], refused=str(exc)))
        return outcome
    for name, data in files:
        entry = FileOutcome(name=name)
        outcome.files.append(entry)
        try:
            result = read_dfe_csv(data)
        except FileRefused as exc:
            entry.refused = str(exc)
            audit(
                action="national.import_refused",
                actor=acting_user,
                detail={"file": name[:100], "reason": str(exc)[:200]},
            )
            continue
        entry.measures = measures_fed(result.figures)
        entry.problems = [{"row": p.row, "column": p.column, "message": p.message} for p in result.problems]
        if not result.figures:
            entry.refused = "No row in the file could be read: " + (
                entry.problems[0]["message"] if entry.problems else "no England, region or authority rows."
            )
            continue
        label = (
            supplied_by_label
            or (getattr(acting_user, "email", "") if acting_user else "")
            or "platform operator"
        )
        if publication is None:
            publication = national_publication_record(
                files=files, acting_user=acting_user, label=supplied_by_label
            )
        with transaction.atomic():
            record = NationalStatisticsImport.objects.create(
                publication=publication,
                source_file=name[:255],
                sha256=hashlib.sha256(data).hexdigest(),
                supplied_by=acting_user if getattr(acting_user, "pk", None) else None,
                supplied_by_label=label[:254],
                years=list(result.years),
                filter_columns=list(result.filter_columns),
                indicator_columns=list(result.indicator_columns),
                rows_rejected=len(result.problems),
                problems=entry.problems[:MAX_STORED_PROBLEMS],
                **({"publisher": publisher} if publisher else {}),
                **({"licence": licence} if licence else {}),
            )
            keys = {f.filter_key for f in result.figures}
            replaced, _ = NationalFigure.objects.filter(
                year__in=result.years, filter_key__in=keys, indicator__in=result.indicator_columns
            ).delete()
            unique: dict[tuple, NationalFigure] = {}
            for f in result.figures:
                unique[(f.year, f.geographic_level, f.area_code, f.filter_key, f.indicator)] = NationalFigure(
                    statistics_import=record,
                    year=f.year,
                    time_period=f.time_period[:8],
                    time_identifier=f.time_identifier[:40],
                    geographic_level=f.geographic_level,
                    area_code=f.area_code[:9],
                    old_la_code=f.old_la_code,
                    area_name=f.area_name[:100],
                    filters=dict(f.filters),
                    filter_key=f.filter_key[:300],
                    indicator=f.indicator[:60],
                    value=f.value,
                    marker=f.marker,
                )
            NationalFigure.objects.bulk_create(unique.values(), batch_size=2000)
            record.figures_imported = len(unique)
            record.figures_replaced = replaced
            record.save(update_fields=["figures_imported", "figures_replaced"])
            # Imports that no longer hold any figure are kept: they are the provenance trail.
        entry.statistics_import = record
        audit(
            action="national.imported",
            actor=acting_user,
            obj=record,
            detail={
                "years": list(result.years),
                "figures": len(unique),
                "replaced": replaced,
                "rows_rejected": len(result.problems),
            },
        )
    return outcome


def statistical_neighbours_load(
    *,
    data: bytes,
    name: str,
    source: str,
    licence: str = OGL,
    synthetic: bool = False,
    acting_user: Any = None,
) -> StatisticalNeighbourList:
    """Load a list of statistical neighbours as the current list (earlier lists are kept as history).
    Refused whole (FileRefused) if the file is malformed or names an authority that does not exist."""
    rows = read_neighbours_csv(data)
    by_code = {la.dfe_code: la for la in LocalAuthority.objects.all()}
    unknown = sorted({c for code, _, n in rows for c in (code, n) if c not in by_code})
    if unknown:
        raise FileRefused("The neighbours file names unknown authorities: " + ", ".join(unknown[:10]))
    with transaction.atomic():
        current = StatisticalNeighbourList.objects.create(
            name=name[:200], source=source[:300], licence=licence[:120], synthetic=synthetic
        )
        StatisticalNeighbour.objects.bulk_create(
            StatisticalNeighbour(neighbour_list=current, authority=by_code[c], neighbour=by_code[n], rank=r)
            for c, r, n in rows
        )
    audit(action="national.neighbours_loaded", actor=acting_user, obj=current, detail={"rows": len(rows)})
    return current


def comparator_group_save(
    *,
    authority: LocalAuthority,
    name: str,
    members: list[LocalAuthority],
    acting_user: Any,
    group: Any = None,
) -> ComparatorGroup:
    """Create (or, with ``group``, change) one of the authority's own comparator groups. The authority
    itself is never a member (it is always shown beside the group). Names are unique per authority."""
    if group is not None and group.authority_id != authority.pk:
        raise ComparatorGroup.DoesNotExist
    chosen = [m for m in members if m.pk != authority.pk]
    with transaction.atomic():
        if group is None:
            group = ComparatorGroup.objects.create(authority=authority, name=name[:100])
        else:
            group.name = name[:100]
            group.save(update_fields=["name", "updated_at"])
        group.members.set(chosen)
    audit(
        action="national.comparator_group_saved",
        actor=acting_user,
        authority=authority,
        obj=group,
        detail={"members": len(chosen)},
    )
    return group


def comparator_group_delete(*, authority: LocalAuthority, group: Any, acting_user: Any) -> None:
    if group.authority_id != authority.pk:
        raise ComparatorGroup.DoesNotExist
    pk = group.pk
    group.delete()
    audit(
        action="national.comparator_group_deleted",
        actor=acting_user,
        authority=authority,
        detail={"group": pk},
    )
