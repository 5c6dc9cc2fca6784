"""Importing an authority's SSDA903 files into the register: read and check everything, then replace
the authority's data in one transaction, or write nothing at all.

Problems with whole files always refuse the import. Rows that break the DfE rules are handled by the
import policy (`placements.ssda903.policy`, docs/ssda903-import-policy.md): repaired where one reading is
clearly right, held back (quarantined, `QuarantinedRecord`) with the rest of the child's record where
none is, otherwise counted as given. ``strict=True`` keeps the old gate: any error row refuses the import.

Reading and validation are pure (`placements.ssda903`); this module adds what needs the database: the
field widths of the register, links to Ofsted settings by URN, distances and boundaries from postcodes,
what changed since the previous import, and the atomic replace. Other authorities' rows are never
touched: every read and delete is filtered by authority.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import audit
from sufficiency.core.bulk import insert_frame
from sufficiency.core.csv import safe_writer

from . import geo
from .constants import BULK_BATCH_SIZE, MAX_CHILD_REF, MAX_POSTCODE, MAX_URN
from .models import (
    CareLeaverRecord,
    Child,
    ImportQualityReport,
    PlacementEpisode,
    QuarantinedRecord,
    Setting,
)
from .ssda903 import read_ssda903
from .ssda903.result import QUARANTINED, REPAIRED, REPORTED, Ssda903Result
from .upload_limits import MESSAGE_CHARS, REPORT_LINES, VALUE_CHARS, UploadLimits, clip

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
    code: str = ""
    severity: str = "error"
    action: str = REPORTED
    rule: str = ""
    child: str = ""


# How many examples of each problem the console summary and the result page name.
EXAMPLES_PER_PROBLEM = 3


@dataclass
class ImportOutcome:
    """What an import did: counts, repairs and quarantine when it went ahead; every error when it was
    refused (and then wrote nothing).

    ``errors`` and ``warnings`` are the DfE rules broken in the files as given, each with the ``action``
    taken (reported, repaired or quarantined); ``notices`` are the import policy's own lines (one per row
    repaired or held back).
    """

    ok: bool
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    notices: list[RowError] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    strict: bool = False
    quality: dict[str, Any] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return not self.ok

    @property
    def error_report_csv(self) -> str:
        return errors_to_csv(self._lines())

    def _lines(self) -> list[RowError]:
        """Every line of the report: errors, warnings (marked so), then the policy's own lines."""
        warnings = [w if w.severity == "warning" else replace(w, severity="warning") for w in self.warnings]
        return [*self.errors, *warnings, *self.notices]

    def examples(self) -> list[dict[str, Any]]:
        """The first few rows of each problem (file, row, child, column, value), for the data manager."""
        seen: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        lines = self._lines()
        for item in lines:
            key = (item.rule or item.message, item.severity, item.action)
            rows = seen.setdefault(key, [])
            if len(rows) < EXAMPLES_PER_PROBLEM + 1:  # one more than shown, to say "and more"
                rows.append(
                    {
                        "file": clip(item.file, VALUE_CHARS),
                        "row": item.row,
                        "child": item.child,
                        "column": clip(item.column, VALUE_CHARS),
                        "value": item.value[:40],
                    }
                )
        counts: dict[tuple[str, str, str], int] = {}
        messages: dict[tuple[str, str, str], tuple[str, str]] = {}
        for item in lines:
            key = (item.rule or item.message, item.severity, item.action)
            counts[key] = counts.get(key, 0) + 1
            messages.setdefault(key, (item.message, item.code))
        return [
            {
                "rule": clip(key[0]),
                "severity": key[1],
                "action": key[2],
                "code": messages[key][1],
                "message": clip(messages[key][0]),
                "count": counts[key],
                "examples": rows[:EXAMPLES_PER_PROBLEM],
            }
            for key, rows in sorted(seen.items(), key=lambda kv: -counts[kv[0]])
        ][:30]

    def summary(self) -> dict[str, Any]:
        """A JSON-safe summary for the job page: counts, and the first examples of each problem (file,
        row, child reference, column, value), which only the authority's data managers see."""
        by_message: dict[str, int] = {}
        for error in self.errors:
            message = clip(error.message)
            by_message[message] = by_message.get(message, 0) + 1
        warnings_by_message: dict[str, int] = {}
        for warning in self.warnings:
            message = clip(warning.message)
            warnings_by_message[message] = warnings_by_message.get(message, 0) + 1
        return {
            "ok": self.ok,
            "strict": self.strict,
            "files": self.files,
            "counts": self.counts,
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "repaired_rows": sum(1 for n in self.notices if n.action == REPAIRED),
            "quarantined_rows": sum(1 for n in self.notices if n.action == QUARANTINED),
            "errors_by_message": dict(sorted(by_message.items(), key=lambda kv: -kv[1])[:20]),
            "warnings_by_message": dict(sorted(warnings_by_message.items(), key=lambda kv: -kv[1])[:20]),
            "problems": self.examples(),
            "quality": self.quality,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


REPORT_HEADER = ["file", "row", "column", "value", "message", "code", "severity", "action"]


def errors_to_csv(errors: Sequence[RowError]) -> str:
    """The downloadable error report: one line per problem (file, row, column, value, message, DfE code,
    severity, and the action taken: reported, repaired or quarantined)."""
    buffer = io.StringIO()
    writer = safe_writer(buffer)  # every cell that starts like a formula is made inert
    writer.writerow(REPORT_HEADER)
    # Bounded whatever the file: each cell is clipped and at most REPORT_LINES problems are listed.
    for error in errors[:REPORT_LINES]:
        writer.writerow(
            [
                clip(error.file, VALUE_CHARS),
                clip(str(error.row), VALUE_CHARS),
                clip(error.column, VALUE_CHARS),
                clip(error.value, VALUE_CHARS),
                clip(error.message, MESSAGE_CHARS),
                clip(error.code, VALUE_CHARS),
                error.severity,
                error.action,
            ]
        )
    if len(errors) > REPORT_LINES:
        more = len(errors) - REPORT_LINES
        writer.writerow(["", "", "", "", f"{more:,} more problems were not listed", "", "", ""])
    return buffer.getvalue()


def _as_row_error(error: Any, action: str = REPORTED) -> RowError:
    return RowError(
        file=str(getattr(error, "file", "")),
        row=getattr(error, "row", ""),
        column=str(getattr(error, "column", "")),
        value="" if getattr(error, "value", None) is None else str(error.value),
        message=str(getattr(error, "message", error)),
        code=str(getattr(error, "code", "") or ""),
        severity=str(getattr(error, "severity", "error")),
        action=action,
        rule=str(getattr(error, "rule", "")),
    )


def _name_children(items: list[RowError], result: Ssda903Result) -> None:
    """Fill in the child reference of each problem row (for the examples a data manager sees), looked up
    in one step from every row read: the tables, the held-back rows and the rows removed as repeats."""
    if not items:
        return
    where = [
        (frame["source_file"], frame["source_row"], frame["child"])
        for frame in (result.header, result.episodes, result.uasc, result.oc3)
        if not frame.empty
    ]
    where += [(f["file"], f["row"], f["child"]) for f in (result.quarantine, result.repairs) if not f.empty]
    if not where:
        return
    lookup = pd.Series(
        pd.concat([c for _, _, c in where], ignore_index=True).to_numpy(dtype=object),
        index=pd.MultiIndex.from_arrays(
            [
                pd.concat([f for f, _, _ in where], ignore_index=True).astype(str),
                pd.concat([r for _, r, _ in where], ignore_index=True).astype("int64"),
            ]
        ),
    )
    lookup = lookup[~lookup.index.duplicated()]
    keys = pd.MultiIndex.from_arrays(
        [[i.file for i in items], [i.row if isinstance(i.row, int) else -1 for i in items]]
    )
    found = lookup.reindex(keys).to_numpy(dtype=object)
    for i, child in enumerate(found):
        if isinstance(child, str):
            items[i] = replace(items[i], child=child)


def _policy_notices(result: Ssda903Result) -> list[RowError]:
    """The policy's own lines for the report: every row repaired, every row held back."""
    out: list[RowError] = []
    for frame, action, severity in (
        (result.repairs, REPAIRED, "warning"),
        (result.quarantine, QUARANTINED, "error"),
    ):
        if frame.empty:
            continue
        for file, row, child, column, value, message, code, rule in zip(
            frame["file"],
            frame["row"],
            frame["child"],
            frame["column"],
            frame["value"],
            frame["message"],
            frame["code"],
            frame["rule"],
            strict=True,
        ):
            out.append(
                RowError(
                    str(file),
                    int(row),
                    str(column),
                    str(value),
                    str(message),
                    str(code),
                    severity,
                    action,
                    str(rule),
                    str(child),
                )
            )
    return out


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
    strict: bool = False,
) -> ImportOutcome:
    """Read SSDA903 files and replace the authority's register with what can be counted.

    A problem with a whole file (not an SSDA903 file, unreadable, no Header or Episodes) refuses the
    import: nothing is written. Rows that break the DfE rules are handled by the import policy: repaired,
    held back (stored as `QuarantinedRecord` rows, replacing the authority's previous ones) or counted as
    given, and every one is in the report. With ``strict`` any error row refuses the import instead.

    The replace is one transaction: the authority's children, episodes, care-leaver records and held-back
    rows go and the new ones are written, with an `ImportQualityReport` (problems by rule, repairs, held
    back, what changed since the previous import), so readers see the old register or the new one.
    """
    report = progress or (lambda percent, stage: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    report(5, "Reading and checking the files")
    result = read_ssda903(list(files), strict=strict, limits=UploadLimits.from_settings(settings))
    timings["read_validate"] = time.perf_counter() - started
    outcome = ImportOutcome(
        ok=False,
        errors=[
            _as_row_error(e, a) for e, a in zip(result.errors, result.actions(result.errors), strict=True)
        ],
        warnings=[
            _as_row_error(w, a) for w, a in zip(result.warnings, result.actions(result.warnings), strict=True)
        ],
        notices=_policy_notices(result),
        files=[_file_summary(f) for f in getattr(result, "files", [])],
        timings=timings,
        strict=strict,
    )
    _name_children(outcome.errors, result)
    _name_children(outcome.warnings, result)
    header, episodes = result.header, result.episodes
    width_errors: list[RowError] = []
    if result.ok:
        width_errors += _width_errors(header, "child", "CHILD", MAX_CHILD_REF)
        width_errors += _width_errors(episodes, "home_post", "HOME_POST", MAX_POSTCODE)
        width_errors += _width_errors(episodes, "pl_post", "PL_POST", MAX_POSTCODE)
        width_errors += _width_errors(episodes, "urn", "URN", MAX_URN)
        outcome.errors += width_errors
    if not result.ok or width_errors:
        return outcome

    report(45, "Working out distances from home")
    step = time.perf_counter()
    episodes = _enrich_geography(episodes.copy(), authority)
    urns = set(episodes["urn"].dropna().unique())
    setting_ids = dict(Setting.objects.filter(urn__in=urns).values_list("urn", "id")) if urns else {}
    episodes["setting_id"] = episodes["urn"].map(setting_ids)
    timings["geography"] = time.perf_counter() - step

    report(55, "Comparing with the previous import")
    step = time.perf_counter()
    changes = register_changes(authority=authority, header=header, episodes=episodes)
    timings["compare"] = time.perf_counter() - step

    report(65, "Saving the register")
    step = time.perf_counter()
    with transaction.atomic():
        previously_held = set(
            QuarantinedRecord.objects.filter(authority=authority)
            .exclude(child_ref="")
            .values_list("child_ref", flat=True)
            .distinct()
        )
        deleted = _delete_authority_register(authority)
        child_ids = _write_children(authority, header, result.uasc)
        episode_count = _write_episodes(authority, episodes, child_ids)
        leaver_count = _write_care_leavers(authority, result.oc3, child_ids, _collection_year(episodes))
        held_rows = _write_quarantine(authority, result, import_job_id)
        held_now = set(result.quarantine["child"]) - {""}
        released = len({c for c in previously_held - held_now if c in child_ids})
        outcome.counts = {
            "children": len(child_ids),
            "episodes": episode_count,
            "care_leaver_records": leaver_count,
            "uasc": int(result.uasc["child"].nunique()) if not result.uasc.empty else 0,
            "replaced_children": deleted["children"],
            "replaced_episodes": deleted["episodes"],
            "distance_known": int(episodes["distance_miles"].notna().sum()),
            "linked_to_setting": int(episodes["setting_id"].notna().sum()),
            "repaired_rows": len(result.repairs),
            "quarantined_children": result.quarantined_children,
            "quarantined_rows": held_rows,
            "released_children": released,
        }
        outcome.quality = _write_quality_report(
            authority=authority,
            result=result,
            import_job_id=import_job_id,
            strict=strict,
            counts=outcome.counts,
            changes=changes,
        )
        audit(
            action="ssda903.imported",
            actor=acting_user,
            authority=authority,
            object_type="placements.ImportJob" if import_job_id else "placements.PlacementEpisode",
            object_id=import_job_id or "",
            detail={"counts": outcome.counts, "files": len(files), "strict": strict},
        )
    timings["write"] = time.perf_counter() - step
    timings["total"] = time.perf_counter() - started
    outcome.ok = True
    report(100, "Finished")
    logger.info(
        "ssda903 import authority=%s children=%s episodes=%s held_back=%s seconds=%.2f",
        authority.dfe_code,
        outcome.counts["children"],
        outcome.counts["episodes"],
        outcome.counts["quarantined_children"],
        timings["total"],
    )
    return outcome


# --- What changed since the previous import ----------------------------------------------------------------

# Fields compared to say a child's or an episode's record changed between two imports.
CHILD_COMPARED = ["sex", "dob", "ethnicity"]
EPISODE_COMPARED = ["dec", "rne", "ls", "cin", "place", "place_provider", "rec", "urn", "pl_post"]


def register_changes(
    *, authority: LocalAuthority, header: pd.DataFrame, episodes: pd.DataFrame
) -> dict[str, int]:
    """Children and episodes added, removed and changed between the authority's register and the tables
    about to replace it (vectorised: one outer merge per table). An episode is keyed by child and start
    date (DECOM); a child by their reference.

    ``previous`` is False when the authority had no register before (everything is then "added").
    """
    old_children = pd.DataFrame.from_records(
        Child.objects.filter(authority=authority).values_list("child_ref", *CHILD_COMPARED),
        columns=["child", *CHILD_COMPARED],
    )
    old_episodes = pd.DataFrame.from_records(
        PlacementEpisode.objects.filter(authority=authority).values_list(
            "child__child_ref", "decom", *EPISODE_COMPARED
        ),
        columns=["child", "decom", *EPISODE_COMPARED],
    )
    new_children = pd.DataFrame(
        {
            "child": header["child"],
            "sex": header["sex"].fillna("U"),
            "dob": header["dob"].dt.date,
            "ethnicity": header["ethnic"].fillna("").str.slice(0, 4),
        }
    )
    new_episodes = pd.DataFrame(
        {
            "child": episodes["child"],
            "decom": episodes["decom"].dt.date,
            **{c: episodes[c] for c in EPISODE_COMPARED if c != "dec"},
            "dec": episodes["dec"].dt.date,
        }
    )
    for frame in (new_episodes, old_episodes):
        for column in EPISODE_COMPARED:
            if column != "dec":
                frame[column] = frame[column].fillna("").astype(str)
        frame["dec"] = frame["dec"].astype(object).where(frame["dec"].notna(), None)
    children = _compare(old_children, new_children, ["child"], CHILD_COMPARED)
    episode_changes = _compare(old_episodes, new_episodes, ["child", "decom"], EPISODE_COMPARED)
    return {
        "previous": bool(len(old_children)),
        "children_added": children["added"],
        "children_removed": children["removed"],
        "children_changed": children["changed"],
        "episodes_added": episode_changes["added"],
        "episodes_removed": episode_changes["removed"],
        "episodes_changed": episode_changes["changed"],
    }


def _compare(old: pd.DataFrame, new: pd.DataFrame, key: list[str], compared: list[str]) -> dict[str, int]:
    old = old.drop_duplicates(key)
    new = new.drop_duplicates(key)
    merged = old.merge(new, on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    both = merged["_merge"] == "both"
    differs = pd.Series(False, index=merged.index)
    for column in compared:
        a = merged[f"{column}_old"].astype(object)
        b = merged[f"{column}_new"].astype(object)
        differs |= ~((a == b) | (a.isna() & b.isna()))
    return {
        "added": int((merged["_merge"] == "right_only").sum()),
        "removed": int((merged["_merge"] == "left_only").sum()),
        "changed": int((both & differs).sum()),
    }


# --- Quarantine and quality statistics ---------------------------------------------------------------------


def _write_quarantine(authority: LocalAuthority, result: Ssda903Result, import_job_id: int | None) -> int:
    """Replace the authority's held-back rows with this import's (this authority only)."""
    previous = QuarantinedRecord.objects.filter(authority=authority)
    previous._raw_delete(previous.db)
    q = result.quarantine
    if q.empty:
        return 0
    now = timezone.now()
    records = [
        QuarantinedRecord(
            authority=authority,
            import_job_id=import_job_id,
            table=table,
            file=str(file)[:255],
            row=int(row),
            child_ref=str(child)[:50],
            column=str(column)[:40],
            value=str(value)[:100],
            rule=str(rule)[:80],
            code=str(code)[:40],
            message=str(message),
            values={k: str(v)[:200] for k, v in values.items()},
            created_at=now,
            updated_at=now,
        )
        for table, file, row, child, column, value, rule, code, message, values in zip(
            q["table"],
            q["file"],
            q["row"],
            q["child"],
            q["column"],
            q["value"],
            q["rule"],
            q["code"],
            q["message"],
            q["values"],
            strict=True,
        )
    ]
    QuarantinedRecord.objects.bulk_create(records, batch_size=BULK_BATCH_SIZE)
    return len(records)


def _write_quality_report(
    *,
    authority: LocalAuthority,
    result: Ssda903Result,
    import_job_id: int | None,
    strict: bool,
    counts: dict[str, int],
    changes: dict[str, int],
) -> dict[str, Any]:
    """Store this import's statistics for the data quality page's trends; returns them."""
    by_rule: dict[tuple[str, str, str], int] = {}
    for issue in [*result.errors, *result.warnings]:
        key = (issue.rule, getattr(issue, "code", "") or "", issue.severity)
        by_rule[key] = by_rule.get(key, 0) + 1
    issues = [
        {"rule": r, "code": c, "severity": s, "count": n}
        for (r, c, s), n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    repairs = {str(k): int(v) for k, v in result.repairs["rule"].value_counts().items()}
    held = result.quarantine.loc[result.quarantine["child"] != ""]
    quarantine = {str(k): int(v) for k, v in held.drop_duplicates("child")["rule"].value_counts().items()}
    unattributed = int((result.quarantine["child"] == "").sum())
    if unattributed:
        quarantine["RowWithoutChildReference"] = unattributed
    report = ImportQualityReport.objects.create(
        authority=authority,
        import_job_id=import_job_id,
        strict=strict,
        issues=issues,
        repairs=repairs,
        quarantine=quarantine,
        quarantined_children=counts["quarantined_children"],
        quarantined_rows=counts["quarantined_rows"],
        released_children=counts["released_children"],
        changes=changes,
        counts={k: counts[k] for k in ("children", "episodes", "care_leaver_records")},
    )
    return {
        "report_id": report.pk,
        "issues": issues,
        "repairs": repairs,
        "quarantine": quarantine,
        "changes": changes,
        "released_children": counts["released_children"],
    }


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
