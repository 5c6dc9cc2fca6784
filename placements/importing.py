"""Importing an authority's SSDA903 files into the register: validate everything, then replace the
authority's data in one transaction, or write nothing at all.

Reading and validation are pure (`placements.ssda903`); this module adds what needs the database: the
field widths of the register, links to Ofsted settings by URN, distances and boundaries from postcodes,
and the atomic replace. Other authorities' rows are never touched: every delete is filtered by authority.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import audit
from sufficiency.core.bulk import insert_frame
from sufficiency.core.csv import safe_writer

from . import geo
from .constants import BULK_BATCH_SIZE, MAX_CHILD_REF, MAX_POSTCODE, MAX_URN
from .models import CareLeaverRecord, Child, PlacementEpisode, Setting
from .ssda903 import read_ssda903

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, str], None]


@dataclass(frozen=True)
class RowError:
    """One problem with one cell of an uploaded file, as shown in the error report."""

    file: str
    row: int | str
    column: str
    value: str
    message: str


@dataclass
class ImportOutcome:
    """What an import did: counts when it succeeded, every error when it did not (and then wrote nothing)."""

    ok: bool
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def error_report_csv(self) -> str:
        return errors_to_csv(self.errors)

    def summary(self) -> dict[str, Any]:
        """A JSON-safe summary (counts and file kinds only: no personal data)."""
        by_message: dict[str, int] = {}
        for error in self.errors:
            by_message[error.message] = by_message.get(error.message, 0) + 1
        warnings_by_message: dict[str, int] = {}
        for warning in self.warnings:
            warnings_by_message[warning.message] = warnings_by_message.get(warning.message, 0) + 1
        return {
            "ok": self.ok,
            "files": self.files,
            "counts": self.counts,
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "errors_by_message": dict(sorted(by_message.items(), key=lambda kv: -kv[1])[:20]),
            "warnings_by_message": dict(sorted(warnings_by_message.items(), key=lambda kv: -kv[1])[:20]),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


def errors_to_csv(errors: Sequence[RowError]) -> str:
    """The downloadable error report: one line per problem (file, row, column, value, message)."""
    buffer = io.StringIO()
    writer = safe_writer(buffer)  # formula-leading cells made inert
    writer.writerow(["file", "row", "column", "value", "message"])
    for error in errors:
        writer.writerow([error.file, error.row, error.column, error.value, error.message])
    return buffer.getvalue()


def _as_row_error(error: Any) -> RowError:
    return RowError(
        file=str(getattr(error, "file", "")),
        row=getattr(error, "row", ""),
        column=str(getattr(error, "column", "")),
        value="" if getattr(error, "value", None) is None else str(error.value),
        message=str(getattr(error, "message", error)),
    )


def _width_errors(frame: pd.DataFrame, column: str, label: str, limit: int) -> list[RowError]:
    """Values too long for the register (the DfE specification's own limits)."""
    if frame.empty or column not in frame:
        return []
    values = frame[column].fillna("").astype(str)
    too_long = frame[values.str.len() > limit]
    return [
        RowError(
            file=str(row.get("source_file", "")),
            row=int(row["source_row"]) if "source_row" in row and pd.notna(row["source_row"]) else "",
            column=label,
            value=str(row[column]),
            message=f"{label} must be at most {limit} characters",
        )
        for _, row in too_long.head(1000).iterrows()
    ]


def _collection_year(episodes: pd.DataFrame) -> int:
    """The SSDA903 collection year (ending 31 March) that the latest date in the files falls in."""
    latest = pd.concat([episodes["decom"], episodes["dec"]]).max()
    if pd.isna(latest):
        return timezone.localdate().year
    return latest.year + 1 if latest.month >= 4 else latest.year


def _enrich_geography(episodes: pd.DataFrame, authority: LocalAuthority) -> pd.DataFrame:
    """Distance from home in miles (DfE method) and the authority the placement is in."""
    distances = geo.distances_miles(episodes["home_post"], episodes["pl_post"])
    episodes["distance_miles"] = distances["miles"].to_numpy()
    episodes["distance_method"] = distances["method"].fillna("").to_numpy()
    ons = geo.upper_tier_ons_code(episodes["pl_post"])
    la_ids = dict(LocalAuthority.objects.values_list("ons_code", "id"))
    episodes["placement_la_id"] = ons.map(la_ids).to_numpy()
    return episodes


def ssda903_import(
    *,
    authority: LocalAuthority,
    files: Sequence[tuple[str, bytes]],
    acting_user: Any = None,
    progress: ProgressCallback | None = None,
    import_job_id: int | None = None,
) -> ImportOutcome:
    """Validate SSDA903 files and, only if every row is valid, replace the authority's register with them.

    All or nothing: any invalid row means nothing is written and every error is returned. A successful
    import deletes the authority's previous children, episodes and care-leaver records and writes the new
    ones in the same transaction, so readers see either the old register or the new one, never a mix.
    """
    report = progress or (lambda percent, stage: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    report(5, "Reading and checking the files")
    result = read_ssda903(list(files))
    timings["read_validate"] = time.perf_counter() - started
    outcome = ImportOutcome(
        ok=False,
        errors=[_as_row_error(e) for e in result.errors],
        warnings=[_as_row_error(w) for w in getattr(result, "warnings", [])],
        files=[_file_summary(f) for f in getattr(result, "files", [])],
        timings=timings,
    )
    header, episodes = result.header, result.episodes
    if not outcome.errors:
        outcome.errors += _width_errors(header, "child", "CHILD", MAX_CHILD_REF)
        outcome.errors += _width_errors(episodes, "home_post", "HOME_POST", MAX_POSTCODE)
        outcome.errors += _width_errors(episodes, "pl_post", "PL_POST", MAX_POSTCODE)
        outcome.errors += _width_errors(episodes, "urn", "URN", MAX_URN)
    if outcome.errors:
        return outcome

    report(45, "Working out distances from home")
    step = time.perf_counter()
    episodes = _enrich_geography(episodes.copy(), authority)
    urns = set(episodes["urn"].dropna().unique())
    setting_ids = dict(Setting.objects.filter(urn__in=urns).values_list("urn", "id")) if urns else {}
    episodes["setting_id"] = episodes["urn"].map(setting_ids)
    timings["geography"] = time.perf_counter() - step

    report(65, "Saving the register")
    step = time.perf_counter()
    with transaction.atomic():
        deleted = _delete_authority_register(authority)
        child_ids = _write_children(authority, header, result.uasc)
        episode_count = _write_episodes(authority, episodes, child_ids)
        leaver_count = _write_care_leavers(authority, result.oc3, child_ids, _collection_year(episodes))
        outcome.counts = {
            "children": len(child_ids),
            "episodes": episode_count,
            "care_leaver_records": leaver_count,
            "uasc": int(result.uasc["child"].nunique()) if not result.uasc.empty else 0,
            "replaced_children": deleted["children"],
            "replaced_episodes": deleted["episodes"],
            "distance_known": int(episodes["distance_miles"].notna().sum()),
            "linked_to_setting": int(episodes["setting_id"].notna().sum()),
        }
        audit(
            action="ssda903.imported",
            actor=acting_user,
            authority=authority,
            object_type="placements.ImportJob" if import_job_id else "placements.PlacementEpisode",
            object_id=import_job_id or "",
            detail={"counts": outcome.counts, "files": len(files)},
        )
    timings["write"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    outcome.ok = True
    report(100, "Finished")
    logger.info(
        "ssda903 import authority=%s children=%s episodes=%s seconds=%.2f",
        authority.dfe_code,
        outcome.counts["children"],
        outcome.counts["episodes"],
        timings["total"],
    )
    return outcome


def _file_summary(info: Any) -> dict[str, Any]:
    if isinstance(info, dict):
        return {k: info.get(k) for k in ("name", "kind", "rows", "label", "collection_year")}
    return {
        "name": getattr(info, "name", ""),
        "kind": getattr(info, "kind", ""),
        "rows": getattr(info, "rows", getattr(info, "row_count", None)),
        "label": getattr(info, "label", ""),
        "collection_year": getattr(info, "collection_year", None),
    }


def _delete_authority_register(authority: LocalAuthority) -> dict[str, int]:
    """Remove the authority's previous register (this authority only); returns how many rows went."""
    # Raw deletes skip Django's per-row cascade collection: a national re-import removes ~1M rows.
    episodes = PlacementEpisode.objects.filter(authority=authority)
    episode_count = episodes._raw_delete(episodes.db)
    leavers = CareLeaverRecord.objects.filter(authority=authority)
    leavers._raw_delete(leavers.db)
    children = Child.objects.filter(authority=authority)
    child_count = children._raw_delete(children.db)
    return {"children": child_count, "episodes": episode_count}


def _write_children(authority: LocalAuthority, header: pd.DataFrame, uasc: pd.DataFrame) -> dict[str, int]:
    uasc_ceased: dict[str, str | None] = {}
    if not uasc.empty:
        last = uasc.drop_duplicates("child", keep="last")
        uasc_ceased = dict(zip(last["child"], last["duc"].dt.strftime("%Y-%m-%d"), strict=True))
    now = timezone.now().isoformat()
    table = pd.DataFrame(
        {
            "authority_id": authority.pk,
            "child_ref": header["child"],
            "sex": header["sex"].fillna("U"),
            "dob": header["dob"].dt.strftime("%Y-%m-%d"),
            "ethnicity": header["ethnic"].fillna("").str.slice(0, 4),
            "uasc": header["child"].isin(uasc_ceased.keys()),
            "uasc_ceased": header["child"].map(uasc_ceased),
            "created_at": now,
            "updated_at": now,
        }
    )
    insert_frame(Child, table)
    return dict(Child.objects.filter(authority=authority).values_list("child_ref", "id"))


EPISODE_DB_COLUMNS = [
    "authority_id",
    "child_id",
    "decom",
    "rne",
    "ls",
    "cin",
    "place",
    "place_provider",
    "dec",
    "rec",
    "reason_place_change",
    "home_post",
    "pl_post",
    "urn",
    "setting_id",
    "category",
    "distance_miles",
    "distance_method",
    "placement_la_id",
    "created_at",
    "updated_at",
]


def _episode_table(
    authority: LocalAuthority, episodes: pd.DataFrame, child_ids: dict[str, int]
) -> pd.DataFrame:
    now = timezone.now()
    table = pd.DataFrame(
        {
            "authority_id": authority.pk,
            "child_id": episodes["child"].map(child_ids).astype("int64"),
            "decom": episodes["decom"].dt.strftime("%Y-%m-%d"),
            "rne": episodes["rne"],
            "ls": episodes["ls"],
            "cin": episodes["cin"].fillna(""),
            "place": episodes["place"],
            "place_provider": episodes["place_provider"].fillna(""),
            "dec": episodes["dec"].dt.strftime("%Y-%m-%d"),
            "rec": episodes["rec"].fillna(""),
            "reason_place_change": episodes["reason_place_change"].fillna(""),
            "home_post": episodes["home_post"].fillna(""),
            "pl_post": episodes["pl_post"].fillna(""),
            "urn": episodes["urn"].fillna(""),
            "setting_id": episodes["setting_id"].astype("Int64"),
            "category": episodes["category"],
            "distance_miles": episodes["distance_miles"].round(1),
            "distance_method": episodes["distance_method"],
            "placement_la_id": episodes["placement_la_id"].astype("Int64"),
            "created_at": now.isoformat(),
            "updated_at": now.isoformat(),
        }
    )
    return table[EPISODE_DB_COLUMNS]


def _write_episodes(authority: LocalAuthority, episodes: pd.DataFrame, child_ids: dict[str, int]) -> int:
    if episodes.empty:
        return 0
    insert_frame(PlacementEpisode, _episode_table(authority, episodes, child_ids))
    return len(episodes)


def _write_care_leavers(
    authority: LocalAuthority, oc3: pd.DataFrame, child_ids: dict[str, int], collection_year: int
) -> int:
    if oc3.empty:
        return 0
    now = timezone.now()
    objs = [
        CareLeaverRecord(
            authority=authority,
            child_id=child_ids[child],
            collection_year=collection_year,
            in_touch=(in_touch or "")[:4],
            activity=(activ or "")[:4],
            accommodation=(accom or "")[:2],
            created_at=now,
            updated_at=now,
        )
        for child, in_touch, activ, accom in zip(
            oc3["child"], oc3["in_touch"], oc3["activ"], oc3["accom"], strict=True
        )
        if child in child_ids
    ]
    CareLeaverRecord.objects.bulk_create(objs, batch_size=BULK_BATCH_SIZE, ignore_conflicts=False)
    return len(objs)
