"""Shared national reference data (the Ofsted register) has an owner and a review.

Every authority reads the same settings and judgements: they decide which homes a placement search
offers and how the gap counts registered places. So no authority may change them on its own. A platform
data steward (`User.is_data_steward`) imports Ofsted's files directly; a data manager's upload becomes a
`ReferenceDataProposal` that a steward reviews (the differences per setting) and publishes or rejects.
Every published setting records who supplied its values and when (`NationalProvenance`), and pages show
that line wherever the values are used. An authority's own additions (its in-house homes, contracts,
vacancies, notes) are authority-owned records and never pass through here.

Proposals are staged apart from the register, so matching and the gap, which read the register, read
only published values.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from sufficiency.core.audit import acting_user_or_none, actor_label, audit
from sufficiency.core.formatting import date_short

from .choices import JudgementChoices, ProposalStatusChoices, ReferenceDatasetChoices
from .models import Inspection, ReferenceDataProposal, Setting

# What a proposal keeps of the reader's rows, and which of those are dates.
SETTING_ROW_FIELDS = (
    "urn",
    "name",
    "postcode",
    "provision_type",
    "ofsted_provision_type",
    "sector",
    "local_authority_key",
    "local_authority_id",
    "registered_places",
    "registration_status",
    "registration_date",
    "closed_date",
    "owner",
    "judgement",
    "judgement_scale",
)
INSPECTION_ROW_FIELDS = ("urn", "inspection_date", "judgement", "judgement_scale")
DATE_FIELDS = frozenset({"registration_date", "closed_date", "inspection_date"})
# Settings whose differences the review page lists (the counts cover every setting).
DIFF_LIMIT = 500


class ProposalAlreadyDecided(Exception):
    """The proposal was published or rejected already (perhaps by another steward a moment ago)."""


def user_is_data_steward(user: Any) -> bool:
    """Whether the person holds the platform data steward role."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_data_steward)


def _steward_required(user: Any) -> None:
    if not user_is_data_steward(user):
        raise PermissionDenied("Only a platform data steward may publish national reference data.")


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # a numpy scalar
        return _json_value(value.item())
    return value


def rows_to_json(frame: pd.DataFrame, fields: Sequence[str]) -> list[dict[str, Any]]:
    """The reader's rows as JSON-safe dicts (dates as ISO strings, missing values as None)."""
    if frame.empty:
        return []
    present = [f for f in fields if f in frame.columns]
    return [{k: _json_value(v) for k, v in row.items()} for row in frame[present].to_dict("records")]


def rows_from_json(rows: list[dict[str, Any]], fields: Sequence[str]) -> pd.DataFrame:
    """The rows back as the frame the register writer takes (object columns, dates as dates)."""
    frame = pd.DataFrame(rows, columns=list(fields), dtype=object)
    for field in DATE_FIELDS.intersection(frame.columns):
        frame[field] = [dt.date.fromisoformat(v) if v else None for v in frame[field]]
    return frame.astype(object).where(frame.notna(), None)


def _provenance_of(proposal: ReferenceDataProposal) -> dict[str, Any]:
    return {name: getattr(proposal, name) for name in ReferenceDataProposal.PROVENANCE_FIELDS}


def _source_of(files: Sequence[tuple[str, bytes]]) -> str:
    names = ", ".join(name for name, _ in files)
    label = "Ofsted file" if len(files) == 1 else "Ofsted files"
    return f"{label} {names}"[:255]


def reference_proposal_create(
    *,
    settings: pd.DataFrame,
    inspections: pd.DataFrame,
    files: Sequence[tuple[str, bytes]],
    authority: Any,
    acting_user: Any,
    supplied_by_label: str | None = None,
) -> ReferenceDataProposal:
    """Stage an authority's Ofsted rows for review. Nothing in the register changes. `supplied_by_label`
    names the supplier when no signed-in user did (the acting user's e-mail otherwise)."""
    return proposal_stage(
        dataset=ReferenceDatasetChoices.OFSTED,
        source=_source_of(files),
        authority=authority,
        acting_user=acting_user,
        supplied_by_label=supplied_by_label,
        diff=lambda proposal: reference_proposal_diff(proposal=proposal, limit=0)["counts"],
        setting_rows=rows_to_json(settings, SETTING_ROW_FIELDS),
        inspection_rows=rows_to_json(inspections, INSPECTION_ROW_FIELDS),
    )


def proposal_stage(
    *,
    dataset: str,
    source: str,
    authority: Any,
    acting_user: Any,
    diff: Callable[[ReferenceDataProposal], dict[str, Any]],
    audit_detail: dict[str, Any] | None = None,
    supplied_by_label: str | None = None,
    **staged: Any,
) -> ReferenceDataProposal:
    """A pending proposal of `dataset` holding what an authority supplied (`staged`: rows or files), with
    the counts of what publishing it would change (`diff`), saved and audited. Any dataset's review
    (Ofsted here, national statistics in `placements.national.review`) stages through it."""
    proposal = ReferenceDataProposal(
        dataset=dataset,
        status=ProposalStatusChoices.PENDING,
        source=source,
        supplied_by_authority=authority,
        supplied_by=acting_user_or_none(acting_user),
        supplied_by_label=(actor_label(acting_user) or supplied_by_label or "")[:254],
        supplied_at=timezone.now(),
        **staged,
    )
    proposal.counts = diff(proposal)
    proposal.save()
    audit(
        action="reference_data.proposed",
        actor=acting_user,
        authority=authority,
        obj=proposal,
        detail={**(audit_detail or {}), "counts": proposal.counts},
    )
    return proposal


def reference_publication_record(
    *, files: Sequence[tuple[str, bytes]], authority: Any, acting_user: Any, counts: dict[str, Any]
) -> ReferenceDataProposal:
    """A steward's direct import, recorded as an already published proposal (no rows kept): the
    provenance its settings receive and a line in the publication history."""
    now = timezone.now()
    user = acting_user_or_none(acting_user)
    return ReferenceDataProposal.objects.create(
        dataset=ReferenceDatasetChoices.OFSTED,
        status=ProposalStatusChoices.PUBLISHED,
        source=_source_of(files),
        supplied_by_authority=None,
        supplied_by=user,
        supplied_by_label=actor_label(acting_user) or "command line",
        supplied_at=now,
        published_by=user,
        published_at=now,
        reviewed_by=user,
        reviewed_at=now,
        counts=counts,
    )


def reference_proposal_publish(
    *, proposal_id: int, acting_user: Any, request: Any = None
) -> ReferenceDataProposal:
    """Publish a pending proposal: write its settings and judgements to the register, each setting
    recording the proposal's provenance. Only a steward; only once."""
    from .supply.services import _write_settings, settings_link_episodes

    _steward_required(acting_user)
    with transaction.atomic():
        proposal = ReferenceDataProposal.objects.select_for_update().get(pk=proposal_id)
        if proposal.status != ProposalStatusChoices.PENDING:
            raise ProposalAlreadyDecided(
                f"This proposal was {proposal.get_status_display().lower()} already."
            )
        now = timezone.now()
        proposal.published_by, proposal.published_at = acting_user, now
        proposal.reviewed_by, proposal.reviewed_at = acting_user, now
        proposal.status = ProposalStatusChoices.PUBLISHED
        if proposal.dataset == ReferenceDatasetChoices.NATIONAL_STATISTICS:
            from .national.review import national_proposal_publish

            written = national_proposal_publish(proposal=proposal, acting_user=acting_user)
        else:
            settings = rows_from_json(proposal.setting_rows, SETTING_ROW_FIELDS)
            inspections = rows_from_json(proposal.inspection_rows, INSPECTION_ROW_FIELDS)
            written = _write_settings(settings, inspections, provenance=_provenance_of(proposal))
            written["episodes_linked"] = settings_link_episodes()
        proposal.counts = {**proposal.counts, "published": written}
        proposal.save()
        audit(
            action="reference_data.published",
            actor=acting_user,
            authority=proposal.supplied_by_authority,
            obj=proposal,
            detail={"counts": written},
            request=request,
        )
    return proposal


def reference_proposal_reject(
    *, proposal_id: int, acting_user: Any, reason: str = "", request: Any = None
) -> ReferenceDataProposal:
    """Reject a pending proposal: the register is left exactly as it was. Only a steward; only once."""
    _steward_required(acting_user)
    with transaction.atomic():
        proposal = ReferenceDataProposal.objects.select_for_update().get(pk=proposal_id)
        if proposal.status != ProposalStatusChoices.PENDING:
            raise ProposalAlreadyDecided(
                f"This proposal was {proposal.get_status_display().lower()} already."
            )
        proposal.status = ProposalStatusChoices.REJECTED
        proposal.reviewed_by, proposal.reviewed_at = acting_user, timezone.now()
        proposal.review_note = reason[:2000]
        proposal.save()
        audit(
            action="reference_data.rejected",
            actor=acting_user,
            authority=proposal.supplied_by_authority,
            obj=proposal,
            request=request,
        )
    return proposal


# --- Selectors ------------------------------------------------------------------------------------------------


def reference_proposal_list(*, user: Any) -> Any:
    """Proposals a person may see: every one for a steward; none otherwise."""
    if not user_is_data_steward(user):
        return ReferenceDataProposal.objects.none()
    return ReferenceDataProposal.objects.select_related("supplied_by_authority").defer(
        "setting_rows", "inspection_rows", "staged_files"
    )


def ofsted_publication_latest() -> ReferenceDataProposal | None:
    """The latest publication of Ofsted data, for the provenance line of pages that use the register."""
    return (
        ReferenceDataProposal.objects.filter(
            dataset=ReferenceDatasetChoices.OFSTED, status=ProposalStatusChoices.PUBLISHED
        )
        .select_related("supplied_by_authority")
        .defer("setting_rows", "inspection_rows", "staged_files")
        .order_by("-published_at", "-pk")
        .first()
    )


def ofsted_provenance_text() -> str:
    """The line pages that use the register show: "Ofsted data: published 3 Nov 2026 from Ofsted file X,
    supplied by Walsall"."""
    latest = ofsted_publication_latest()
    if latest is None:
        return "Ofsted data: published before provenance was recorded."
    return f"Ofsted data: {latest.provenance_line}."


def _label(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, dt.date):
        return date_short(value)
    return str(value)


_COMPARED = (
    ("name", "Name"),
    ("postcode", "Postcode"),
    ("provision_type", "Provision type"),
    ("registered_places", "Registered places"),
    ("registration_status", "Registration status"),
    ("closed_date", "Closed"),
    ("local_authority_id", "Local authority area"),
)


def reference_proposal_diff(*, proposal: ReferenceDataProposal, limit: int = DIFF_LIMIT) -> dict[str, Any]:
    """What publishing the proposal would change, setting by setting: new settings, changed details,
    and new or corrected judgements (with the latest judgement they would give). Counts cover every
    setting; `entries` lists the first `limit` settings that would change. National statistics: see
    `placements.national.review.national_proposal_diff`."""
    from sufficiency.authorities.models import LocalAuthority

    if proposal.dataset == ReferenceDatasetChoices.NATIONAL_STATISTICS:
        from .national.review import national_proposal_diff

        return national_proposal_diff(proposal=proposal, limit=limit)

    settings = rows_from_json(proposal.setting_rows, SETTING_ROW_FIELDS)
    inspections = rows_from_json(proposal.inspection_rows, INSPECTION_ROW_FIELDS)
    urns = list(settings["urn"]) if not settings.empty else []
    held: dict[str, Setting] = {}
    for start in range(0, len(urns), 2000):
        held.update(Setting.objects.in_bulk(urns[start : start + 2000], field_name="urn"))
    held_judgements: dict[tuple[str, dt.date], str] = {}
    ids = {s.pk: urn for urn, s in held.items()}
    id_list = list(ids)
    for start in range(0, len(id_list), 2000):
        for setting_id, date, judgement in Inspection.objects.filter(
            setting_id__in=id_list[start : start + 2000]
        ).values_list("setting_id", "inspection_date", "judgement"):
            held_judgements[(ids[setting_id], date)] = judgement
    authorities = dict(LocalAuthority.objects.values_list("id", "name"))
    judgement_labels = dict(JudgementChoices.choices)
    staged_by_urn: dict[str, list[dict[str, Any]]] = {}
    for row in inspections.to_dict("records") if not inspections.empty else []:
        staged_by_urn.setdefault(row["urn"], []).append(row)

    counts = {"settings_new": 0, "settings_changed": 0, "judgements_changed": 0, "settings_read": len(urns)}
    entries: list[dict[str, Any]] = []
    for row in settings.to_dict("records") if not settings.empty else []:
        urn = row["urn"]
        current = held.get(urn)
        changes: list[tuple[str, str, str]] = []
        for field, label in _COMPARED:
            proposed = row.get(field)
            if field in ("name", "postcode") and proposed is None:
                continue  # published as REDACTED: the value held is kept
            if field == "local_authority_id":
                proposed = int(proposed) if proposed is not None else None
            now_value = getattr(current, field) if current is not None else None
            if current is not None and now_value in ("", None) and proposed in ("", None):
                continue
            if now_value != proposed:
                if field == "local_authority_id":
                    changes.append(
                        (label, authorities.get(now_value, "(none)"), authorities.get(proposed, "(none)"))
                    )
                else:
                    changes.append((label, _label(now_value), _label(proposed)))
        judgement_changes = []
        latest = (current.latest_judgement_date, current.latest_judgement) if current else (None, None)
        for staged in sorted(staged_by_urn.get(urn, []), key=lambda r: r["inspection_date"]):
            before = held_judgements.get((urn, staged["inspection_date"]))
            if before != staged["judgement"]:
                judgement_changes.append(
                    (
                        f"Judgement of {_label(staged['inspection_date'])}",
                        judgement_labels.get(before, "(none)") if before else "(none)",
                        judgement_labels.get(staged["judgement"], staged["judgement"]),
                    )
                )
            if latest[0] is None or staged["inspection_date"] >= latest[0]:
                latest = (staged["inspection_date"], staged["judgement"])
        if judgement_changes:
            counts["judgements_changed"] += len(judgement_changes)
            if current is not None and latest[1] != current.latest_judgement:
                judgement_changes.append(
                    (
                        "Latest judgement",
                        current.get_latest_judgement_display(),
                        judgement_labels.get(latest[1], latest[1]),
                    )
                )
        if current is None:
            counts["settings_new"] += 1
        elif changes or judgement_changes:
            counts["settings_changed"] += 1
        else:
            continue
        if len(entries) < limit:
            entries.append(
                {
                    "urn": urn,
                    "name": (current.name if current else None) or row.get("name") or "Withheld by Ofsted",
                    "is_new": current is None,
                    "changes": changes + judgement_changes,
                }
            )
    return {"counts": counts, "entries": entries}
