"""National statistics go through the same review as the Ofsted register (`placements.reference_data`).

Every authority reads the DfE's published figures as its comparators, so no authority changes them on its
own: an authority's data manager's file becomes a `ReferenceDataProposal` (dataset "dfe_cla") holding the
files as supplied, and nothing anyone reads changes until a platform data steward reviews what publishing
would change (figures new, changed, unchanged, per year) and publishes it; a rejected proposal changes
nothing. A steward's own import, or the command line's, publishes directly and is recorded as an already
published proposal. Every import then points at its publication, so the provenance line names who supplied
the figures and who published them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from sufficiency.core.audit import acting_user_or_none, actor_label

from ..choices import ProposalStatusChoices, ReferenceDatasetChoices
from ..models import NationalFigure, ReferenceDataProposal
from ..reference_data import proposal_stage
from .measures import MEASURES, measures_fed
from .reader import LOCAL_AUTHORITY, NATIONAL, FileRefused, decode_text, read_dfe_csv

#: Changed figures the review page lists (the counts cover every figure).
DIFF_LIMIT = 200


def _source_of(files: Sequence[tuple[str, bytes]]) -> str:
    names = ", ".join(name for name, _ in files)
    return (f"DfE statistics file{'s' if len(files) > 1 else ''} {names}")[:255]


def national_proposal_create(
    *, files: Sequence[tuple[str, bytes]], authority: Any, acting_user: Any
) -> ReferenceDataProposal:
    """Stage an authority's DfE files for review. Each is read first: a file the reader refuses is refused
    here too (FileRefused, naming the file), and nothing is staged."""
    staged = []
    for name, data in files:
        try:
            read_dfe_csv(data)
            text = decode_text(data)
        except FileRefused as exc:
            raise FileRefused(f"{name}: {exc}") from None
        # The text as the reader decoded it (UTF-8 or Windows-1252), kept as UTF-8 from here on.
        staged.append({"name": name[:255], "text": text})
    return proposal_stage(
        dataset=ReferenceDatasetChoices.NATIONAL_STATISTICS,
        source=_source_of(files),
        authority=authority,
        acting_user=acting_user,
        diff=lambda proposal: national_proposal_diff(proposal=proposal, limit=0)["counts"],
        audit_detail={"dataset": ReferenceDatasetChoices.NATIONAL_STATISTICS},
        staged_files=staged,
    )


def national_publication_record(
    *, files: Sequence[tuple[str, bytes]], acting_user: Any, label: str = ""
) -> ReferenceDataProposal:
    """A steward's or the command line's direct import, recorded as an already published proposal."""
    now = timezone.now()
    user = acting_user_or_none(acting_user)
    return ReferenceDataProposal.objects.create(
        dataset=ReferenceDatasetChoices.NATIONAL_STATISTICS,
        status=ProposalStatusChoices.PUBLISHED,
        source=_source_of(files),
        supplied_by=user,
        supplied_by_label=(label or actor_label(acting_user) or "command line")[:254],
        supplied_at=now,
        published_by=user,
        published_at=now,
        reviewed_by=user,
        reviewed_at=now,
    )


def national_proposal_publish(*, proposal: ReferenceDataProposal, acting_user: Any) -> dict[str, Any]:
    """Write a pending proposal's files through the national import (the caller holds the proposal's row
    lock and has checked the steward). The imports point at the proposal for their provenance."""
    from .services import national_statistics_import

    files = [(f["name"], f["text"].encode()) for f in proposal.staged_files]
    outcome = national_statistics_import(
        files=files,
        acting_user=acting_user,
        supplied_by_label=proposal.supplied_by_label,
        publication=proposal,
    )
    return {
        "files": len(files),
        "refused": [f.name for f in outcome.files if not f.ok],
        "figures": sum(f.statistics_import.figures_imported for f in outcome.files if f.statistics_import),
    }


def national_proposal_diff(*, proposal: ReferenceDataProposal, limit: int = DIFF_LIMIT) -> dict[str, Any]:
    """What publishing would change: per year, the figures new, changed (value or marker), unchanged and
    removed against what is held, and the first ``limit`` changed and removed figures.

    Publishing replaces every held figure of the same year, row (filter key) and indicator, for every
    geography, so a figure held there that the files do not hold is removed. ``coverage`` names each year
    where the files hold fewer authorities than hold figures in those rows now (a partial file)."""
    counts: Counter[str] = Counter()
    by_year: dict[int, Counter[str]] = {}
    entries: list[dict[str, Any]] = []
    held_all: dict[tuple[int, str, str, str, str], NationalFigure] = {}
    proposed: set[tuple[int, str, str, str, str]] = set()
    file_authorities: dict[int, set[str]] = {}
    fed: dict[str, bool] = dict.fromkeys(MEASURES, False)
    for staged in proposal.staged_files:
        read = read_dfe_csv(staged["text"].encode())
        for kpi_key, held_row in measures_fed(read.figures).items():
            fed[kpi_key] = fed[kpi_key] or held_row
        counts["rows_rejected"] += len(read.problems)
        keys = {f.filter_key for f in read.figures}
        held = {
            (f.year, f.geographic_level, f.area_code, f.filter_key, f.indicator): f
            for f in NationalFigure.objects.filter(
                year__in=read.years, filter_key__in=keys, indicator__in=read.indicator_columns
            )
        }
        held_all.update(held)
        for f in read.figures:
            year = by_year.setdefault(f.year, Counter())
            key = (f.year, f.geographic_level, f.area_code, f.filter_key, f.indicator)
            proposed.add(key)
            if f.geographic_level == LOCAL_AUTHORITY:
                file_authorities.setdefault(f.year, set()).add(f.old_la_code)
            now = held.get(key)
            if now is None:
                kind = "new"
            elif now.value == f.value and now.marker == f.marker:
                kind = "unchanged"
            else:
                kind = "changed"
                if len(entries) < limit:
                    entries.append(
                        {
                            "year": f.year,
                            "area": f.area_name,
                            "row": _row_label(f.filters),
                            "indicator": f.indicator,
                            "now": _shown(now.value, now.marker),
                            "proposed": _shown(f.value, f.marker),
                        }
                    )
            counts[kind] += 1
            year[kind] += 1
    removed = sorted(
        (f for key, f in held_all.items() if key not in proposed),
        key=lambda f: (f.year, f.geographic_level != NATIONAL, f.area_name, f.filter_key, f.indicator),
    )
    held_authorities: dict[int, set[str]] = {}
    for figure in held_all.values():
        if figure.geographic_level == LOCAL_AUTHORITY:
            held_authorities.setdefault(figure.year, set()).add(figure.old_la_code)
    for figure in removed:
        by_year.setdefault(figure.year, Counter())["removed"] += 1
    counts["removed"] = len(removed)
    coverage = [
        {"year": y, "authorities": len(file_authorities.get(y, ())), "held": len(held)}
        for y, held in sorted(held_authorities.items())
        if len(file_authorities.get(y, ())) < len(held)
    ]
    return {
        "counts": {"new": counts["new"], "changed": counts["changed"], "unchanged": counts["unchanged"],
                   "removed": counts["removed"], "rows_rejected": counts["rows_rejected"]},
        "years": {y: dict(c) for y, c in sorted(by_year.items())},
        "entries": entries,
        "removed": [
            {"year": f.year, "area": f.area_name, "row": _row_label(tuple(f.filters.items())),
             "indicator": f.indicator, "now": _shown(f.value, f.marker)}
            for f in removed[:limit]
        ],
        "coverage": coverage,
        "measures": [{"key": k, "label": MEASURES[k].label, "fed": v} for k, v in fed.items()],
    }  # fmt: skip


def _row_label(filters: Sequence[tuple[str, str]]) -> str:
    return ", ".join(v for _, v in filters) or "Total"


def _shown(value: float | None, marker: str) -> str:
    if value is None:
        return f"not published ({marker})" if marker else "not published"
    return f"{value:g}"
