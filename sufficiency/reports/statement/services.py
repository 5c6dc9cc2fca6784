"""Writes to sufficiency statements: create a draft, edit its narrative, move it through review, publish.

Draft -> in review -> approved -> published; review can send it back to draft (``statement_return``).
Only a draft's narrative and date can change. Publishing freezes the whole document (figures, tables,
narrative, the comparison with the last published version) as a `StatementVersion`, numbered per
authority (and per region for a regional statement); nothing changes it afterwards.

Each service is atomic, takes the acting user and writes an audit row (ids, codes and section names only,
never narrative text).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority, Region
from sufficiency.core.audit import acting_user_or_none, audit, fields_update_audited

from ..models import Statement, StatementSection, StatementVersion
from .builder import build_regional_document, build_statement_document
from .choices import StatementSectionChoices, StatementStatusChoices

#: Longest narrative accepted for one section (a generous two pages of text).
NARRATIVE_MAX_CHARS = 20_000

#: The moves review allows: from status -> to status, with the audit action.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    StatementStatusChoices.IN_REVIEW: ((StatementStatusChoices.DRAFT,), "statement.submitted"),
    StatementStatusChoices.APPROVED: ((StatementStatusChoices.IN_REVIEW,), "statement.approved"),
    StatementStatusChoices.DRAFT: (
        (StatementStatusChoices.IN_REVIEW, StatementStatusChoices.APPROVED),
        "statement.returned",
    ),
}


def latest_published_document(*, statement: Statement) -> dict[str, Any] | None:
    """The frozen document of the last version published for the same scope (the authority alone, or the
    same region), before this statement: what its figures are compared with."""
    versions = StatementVersion.objects.for_authority(statement.authority).filter(
        region_id=statement.region_id
    )
    if statement.pk:
        versions = versions.exclude(statement_id=statement.pk)
    return versions.order_by("-version").values_list("document", flat=True).first()


def statement_document(*, statement: Statement) -> dict[str, Any]:
    """The statement's document: frozen if published, else built live from the register as at its date."""
    if statement.status == StatementStatusChoices.PUBLISHED:
        return statement.published.document
    narrative = {s.section: s.narrative for s in statement.sections.all()}
    previous = latest_published_document(statement=statement)
    if statement.region_id:
        document = build_regional_document(
            authority=statement.authority,
            region=statement.region,
            as_at=statement.as_at,
            title=statement.title,
            narrative=narrative,
            previous=previous,
        )
    else:
        document = build_statement_document(
            authority=statement.authority,
            as_at=statement.as_at,
            title=statement.title,
            narrative=narrative,
            previous=previous,
        )
    document.update(status=statement.status, status_text=statement.get_status_display(), version=None)
    return document


@transaction.atomic
def statement_create(
    *,
    authority: LocalAuthority,
    as_at: dt.date,
    acting_user: Any,
    title: str = "",
    region: Region | None = None,
    request: Any = None,
) -> Statement:
    """Start a draft statement for an authority (or, with ``region``, for the authority's region)."""
    if region is not None and authority.region_id != region.pk:
        raise ValidationError({"region": "A regional statement must be for the authority's own region"})
    default = "Regional placement sufficiency statement" if region else "Placement sufficiency statement"
    statement = Statement(
        authority=authority,
        region=region,
        as_at=as_at,
        title=title.strip() or default,
        author=acting_user_or_none(acting_user),
    )
    statement.full_clean()
    statement.save()
    audit(
        action="statement.created",
        actor=acting_user,
        authority=authority,
        obj=statement,
        detail={"region": region.code if region else None, "as_at": as_at.isoformat()},
        request=request,
    )
    return statement


def _check_editable(statement: Statement) -> None:
    if statement.status != StatementStatusChoices.DRAFT:
        raise ValidationError(
            f"This statement is {statement.get_status_display().lower()} and can no longer be changed"
        )


@transaction.atomic
def statement_update(
    *, statement: Statement, acting_user: Any, request: Any = None, **data: Any
) -> Statement:
    """Change a draft's title or 'as at' date."""
    _check_editable(statement)
    fields_update_audited(
        statement,
        data=data,
        allowed={"title", "as_at"},
        action="statement.updated",
        acting_user=acting_user,
        request=request,
    )
    return statement


@transaction.atomic
def narrative_update(
    *, statement: Statement, texts: dict[str, str], acting_user: Any, request: Any = None
) -> Statement:
    """Save the narrative of some or all sections of a draft (plain text; blank clears it)."""
    _check_editable(statement)
    unknown = set(texts) - set(StatementSectionChoices.values)
    if unknown:
        raise ValueError(f"unknown sections: {', '.join(sorted(unknown))}")
    errors = {
        key: f"Narrative must be {NARRATIVE_MAX_CHARS:,} characters or fewer"
        for key, text in texts.items()
        if len((text or "").strip()) > NARRATIVE_MAX_CHARS
    }
    if errors:
        raise ValidationError(errors)
    existing = {s.section: s for s in StatementSection.objects.filter(statement=statement)}
    changed = []
    for key, text in texts.items():
        text = (text or "").replace("\r\n", "\n").strip()
        row = existing.get(key)
        if row is None:
            if text:
                StatementSection.objects.create(statement=statement, section=key, narrative=text)
                changed.append(key)
        elif row.narrative != text:
            row.narrative = text
            row.save(update_fields=["narrative", "updated_at"])
            changed.append(key)
    if changed:
        statement.save(update_fields=["updated_at"])
    audit(
        action="statement.narrative_updated",
        actor=acting_user,
        authority=statement.authority,
        obj=statement,
        detail={"sections": sorted(changed)},
        request=request,
    )
    return statement


@transaction.atomic
def statement_transition(
    *, statement: Statement, to: str, acting_user: Any, request: Any = None
) -> Statement:
    """Move a statement through review: submit (draft -> in review), approve (in review -> approved) or
    return (in review or approved -> draft). Publishing is `statement_publish`."""
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if to not in TRANSITIONS:
        raise ValidationError("Use publish to publish a statement")
    allowed_from, action = TRANSITIONS[to]
    if statement.status not in allowed_from:
        raise ValidationError(
            f"A statement that is {statement.get_status_display().lower()} cannot be moved to "
            f"{StatementStatusChoices(to).label.lower()}"
        )
    before = statement.status
    statement.status = to
    if to == StatementStatusChoices.APPROVED:
        statement.approved_by = acting_user_or_none(acting_user)
        statement.approved_at = timezone.now()
    elif to == StatementStatusChoices.DRAFT:
        statement.approved_by = None
        statement.approved_at = None
    statement.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit(
        action=action,
        actor=acting_user,
        authority=statement.authority,
        obj=statement,
        detail={"from": before, "to": to},
        request=request,
    )
    return statement


@transaction.atomic
def statement_publish(*, statement: Statement, acting_user: Any, request: Any = None) -> StatementVersion:
    """Publish an approved statement: freeze its document (figures, tables, narrative and the comparison
    with the last published version) as the scope's next version. Irreversible."""
    statement = (
        Statement.objects.select_for_update()
        .select_related("authority__region", "region")
        .get(pk=statement.pk)
    )
    if statement.status != StatementStatusChoices.APPROVED:
        raise ValidationError("Only an approved statement can be published")
    scope = StatementVersion.objects.select_for_update().for_authority(statement.authority)
    last = (
        scope.filter(region_id=statement.region_id)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    version = (last or 0) + 1
    published_at = timezone.now()
    document = statement_document(statement=statement)
    document.update(
        status=StatementStatusChoices.PUBLISHED.value,
        status_text=StatementStatusChoices.PUBLISHED.label,
        version=version,
        published_at=published_at.isoformat(timespec="seconds"),
    )
    # A JSON round trip proves the document is plain data and fixes exactly what is stored.
    document = json.loads(json.dumps(document, allow_nan=False))
    published = StatementVersion.objects.create(
        authority=statement.authority,
        statement=statement,
        region=statement.region,
        version=version,
        title=statement.title,
        as_at=statement.as_at,
        published_at=published_at,
        published_by=acting_user_or_none(acting_user),
        document=document,
        document_sha256=hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest(),
    )
    statement.status = StatementStatusChoices.PUBLISHED
    statement.save(update_fields=["status", "updated_at"])
    audit(
        action="statement.published",
        actor=acting_user,
        authority=statement.authority,
        obj=published,
        detail={
            "statement": statement.pk,
            "version": version,
            "region": document.get("region") and document["region"]["code"],
        },
        request=request,
    )
    return published


def current_draft_document(
    *, as_at: dt.date, authority: LocalAuthority | None = None, region: Region | None = None
) -> dict[str, Any]:
    """The current draft of an authority's (or a region's) statement as at a date, as a document: the
    newest unpublished statement for that scope and date, with its narrative; with none, the statement as
    the register would draft it (figures only). A regional statement without a draft is drafted in the
    name of the first of the region's authorities (by name) with children in the register."""
    if (authority is None) == (region is None):
        raise ValueError("Give an authority or a region")
    drafts = Statement.objects.exclude(status=StatementStatusChoices.PUBLISHED).filter(as_at=as_at)
    if region is not None:
        drafts = drafts.filter(region=region)
    else:
        drafts = drafts.filter(authority=authority, region__isnull=True)
    statement = drafts.select_related("authority__region", "region").order_by("-updated_at", "-id").first()
    if statement is not None:
        return statement_document(statement=statement)
    if region is not None:
        from placements.models import PlacementEpisode

        with_data = set(
            PlacementEpisode.objects.filter(authority__region=region)
            .values_list("authority_id", flat=True)
            .distinct()
        )
        lead = (
            LocalAuthority.objects.filter(region=region, pk__in=with_data)
            .select_related("region")
            .order_by("name")
            .first()
        )
        if lead is None:
            raise ValidationError(f"No authority of {region.name} has children in the register")
        document = build_regional_document(authority=lead, region=region, as_at=as_at)
    else:
        document = build_statement_document(authority=authority, as_at=as_at)
    document.update(status=StatementStatusChoices.DRAFT.value, status_text="Draft", version=None)
    return document
