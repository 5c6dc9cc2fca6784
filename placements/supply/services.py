"""Writes to the supply side of the register: Ofsted settings, in-house capacity and vacancies.

Each service is atomic, takes the acting user and writes an audit row (docs/architecture.md principle 6). Audit
details carry ids, codes and counts only. Capacity records (households, homes, block contracts,
vacancies) also keep a full change history (django-simple-history), attributed to the acting user.

Settings and providers are shared national data (every authority reads the same Ofsted register);
households, homes, contracts and vacancies belong to one authority.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

import pandas as pd
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from sufficiency.authorities.models import LocalAuthority
from sufficiency.core.audit import acting_user_or_none, audit
from sufficiency.core.locking import check_version

from ..categories import PLANNING_CATEGORY_LABELS
from ..choices import (
    HouseholdStatusChoices,
    JudgementChoices,
    JudgementScaleChoices,
    ProvisionTypeChoices,
    RegistrationStatusChoices,
    SectorChoices,
    VacancyStatusChoices,
)
from ..importing import ImportOutcome, RowError
from ..models import (
    BlockContract,
    FosteringHousehold,
    FrameworkMembership,
    HouseholdPlacesUnavailable,
    InHouseHome,
    Inspection,
    PlacementEpisode,
    Provider,
    Setting,
    Vacancy,
)
from ..ofsted import authority_key, read_ofsted
from ..ofsted.columns import COLUMN_LABELS
from ..upload_limits import UploadLimits
from .readers import read_households

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, str], None]
CHUNK = 2_000
SETTING_FIELDS = [
    "name",
    "postcode",
    "provider",
    "provision_type",
    "ofsted_provision_type",
    "sector",
    "local_authority",
    "registered_places",
    "registration_status",
    "registration_date",
    "closed_date",
    "judgement_scale",
]


# --- Ofsted settings -----------------------------------------------------------------------------------------


def _authority_ids_by_key() -> dict[str, int]:
    return {authority_key(name): pk for pk, name in LocalAuthority.objects.values_list("id", "name")}


def ofsted_import(
    *,
    files: Sequence[tuple[str, bytes]],
    acting_user: Any = None,
    authority: LocalAuthority | None = None,
    progress: ProgressCallback | None = None,
    import_job_id: int | None = None,
    publish: bool = False,
) -> ImportOutcome:
    """Read Ofsted provider files and update the register of settings with every row that could be read.

    A row that cannot be read is skipped and reported (``outcome.warnings``, "Row skipped: ..."); the
    import is refused, writing nothing, only when a file cannot be used at all (``outcome.errors``).
    Only a platform data steward's import, or the command line's (``acting_user`` None and ``publish``
    True, said explicitly), writes to the national register, each setting recording who supplied and
    published it; anything else (an authority's upload, or a queued upload whose uploader's account has
    since been deleted) is staged as a proposal for a steward to review (``outcome.counts["proposal_id"]``),
    and the register is left as it is. Settings are matched by URN and updated in place; new URNs are added; settings absent from the file
    are left as they are (a monthly file lists only active settings). Every dated judgement is added to
    the setting's inspection history, and the setting's latest judgement is the most recent one held.
    Episodes with a URN but no setting are then linked. `authority` is the uploader's authority, recorded
    on the audit row only: the settings are national data. ``outcome.files`` has one entry per sheet read
    (rows read and skipped).
    """
    report = progress or (lambda percent, stage: None)
    started = time.perf_counter()
    report(5, "Reading and checking the Ofsted file")
    result = read_ofsted(list(files), limits=UploadLimits.from_settings(django_settings))
    outcome = ImportOutcome(
        ok=False,
        errors=[_row_error(e) for e in result.errors],
        warnings=[_row_error(w, skipped=True) for w in result.skipped]
        + [_row_error(w) for w in result.warnings],
        files=_file_entries(result),
    )
    if outcome.errors:
        return outcome
    settings = result.settings
    if not settings.empty:
        la_ids = _authority_ids_by_key()
        settings = settings.copy()
        settings["local_authority_id"] = settings["local_authority_key"].map(la_ids)
        unknown = settings[settings["local_authority_key"].notna() & settings["local_authority_id"].isna()]
        outcome.warnings += [
            RowError(
                file=_where(row["source_file"], row["source_sheet"]),
                row=row["source_row"],
                column=COLUMN_LABELS["local_authority"],
                value=row["local_authority"],
                message="Not the name of an English local authority with children's services: the setting is "
                "imported without an authority area",
            )
            for row in unknown.head(1000).to_dict("records")
        ]

    from ..reference_data import (
        reference_proposal_create,
        reference_publication_record,
        user_is_data_steward,
    )

    publishes = user_is_data_steward(acting_user) if acting_user is not None else publish
    if not publishes:
        # An authority's upload is a proposal: the national register changes only when a platform data
        # steward publishes it (placements.reference_data). No user is no licence to publish: only the
        # command line says `publish`.
        report(50, "Staging the settings and inspections for review")
        with transaction.atomic():
            proposal = reference_proposal_create(
                settings=settings,
                inspections=result.inspections,
                files=files,
                authority=authority,
                acting_user=acting_user,
                supplied_by_label=None if acting_user is not None else _no_uploader_label(import_job_id),
            )
        outcome.counts = {
            **proposal.counts,
            "proposal_id": proposal.pk,
            "rows_read": sum(s.rows_read for s in result.sheets),
            "rows_skipped": len(result.skipped),
        }
        outcome.timings = {"total": time.perf_counter() - started}
        outcome.ok = True
        report(100, "Awaiting review")
        return outcome

    report(50, "Saving settings and inspections")
    with transaction.atomic():
        publication = reference_publication_record(
            files=files, authority=authority, acting_user=acting_user, counts={}
        )
        provenance = {name: getattr(publication, name) for name in publication.PROVENANCE_FIELDS}
        outcome.counts = _write_settings(settings, result.inspections, provenance=provenance)
        publication.counts = dict(outcome.counts)
        publication.save(update_fields=["counts"])
        outcome.counts["episodes_linked"] = settings_link_episodes()
        outcome.counts["rows_read"] = sum(s.rows_read for s in result.sheets)
        outcome.counts["rows_skipped"] = len(result.skipped)
        audit(
            action="ofsted.imported",
            actor=acting_user,
            authority=authority,
            object_type="placements.ImportJob" if import_job_id else "placements.Setting",
            object_id=import_job_id or "",
            detail={"counts": outcome.counts, "files": len(files)},
        )
    outcome.timings = {"total": time.perf_counter() - started}
    outcome.ok = True
    report(100, "Finished")
    logger.info(
        "ofsted import settings=%s skipped=%s seconds=%.2f",
        len(settings),
        len(result.skipped),
        outcome.timings["total"],
    )
    return outcome


def _no_uploader_label(import_job_id: int | None) -> str:
    """Who supplied a proposal nobody signed in to make: a queued upload whose uploader was deleted."""
    return (
        f"import job {import_job_id} (uploader's account deleted)" if import_job_id else "no signed-in user"
    )


def _where(file: str, sheet: str | None) -> str:
    """A file as reports name it: with the sheet for a workbook ("providers.xlsx (sheet Providers)")."""
    return f"{file} (sheet {sheet})" if sheet else file


def _row_error(issue: Any, *, skipped: bool = False) -> RowError:
    return RowError(
        file=_where(issue.file, getattr(issue, "sheet", "")),
        row=issue.row or "",
        column=issue.column,
        value=issue.value,
        message=f"Row skipped: {issue.message}" if skipped else issue.message,
    )


def _file_entries(result: Any) -> list[dict[str, Any]]:
    """One entry per sheet read (rows read and skipped), and one per file none of whose sheets was read."""
    entries = [
        {"name": s.file, "sheet": s.sheet, "kind": s.kind, "rows": s.rows_read, "skipped": s.rows_skipped}
        for s in result.sheets
    ]
    read = {s.file for s in result.sheets}
    entries += [
        {"name": f.name, "sheet": "", "kind": f.kind, "rows": f.rows, "skipped": 0}
        for f in result.files
        if f.name not in read
    ]
    return entries


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _providers(settings: pd.DataFrame) -> tuple[dict[str, int], int]:
    """Provider ids by name, creating providers not yet held (their sector from the first setting)."""
    wanted: dict[str, str] = {}
    for owner, sector in zip(settings["owner"], settings["sector"], strict=True):
        if owner:
            wanted.setdefault(owner, sector or "")
    names = list(wanted)
    held: dict[str, int] = {}
    for chunk in _chunks(names):
        held.update(Provider.objects.filter(name__in=chunk).values_list("name", "id"))
    missing = [Provider(name=name, sector=wanted[name]) for name in names if name not in held]
    Provider.objects.bulk_create(missing, batch_size=CHUNK)
    for chunk in _chunks([p.name for p in missing]):
        held.update(Provider.objects.filter(name__in=chunk).values_list("name", "id"))
    return held, len(missing)


def _write_settings(
    settings: pd.DataFrame, inspections: pd.DataFrame, *, provenance: dict[str, Any] | None = None
) -> dict[str, int]:
    """Upsert settings by URN, add judgements to their history, then refresh each latest judgement.
    Every setting in the rows records `provenance` (who supplied and published its values) when given."""
    if settings.empty:
        return {"settings_created": 0, "settings_updated": 0, "inspections_added": 0, "providers_created": 0}
    provider_ids, providers_created = _providers(settings)
    urns = list(settings["urn"])
    existing: dict[str, Setting] = {}
    for chunk in _chunks(urns):
        existing.update(Setting.objects.in_bulk(chunk, field_name="urn"))

    to_create: list[Setting] = []
    to_update: list[Setting] = []
    for row in settings.to_dict("records"):
        setting = existing.get(row["urn"]) or Setting(urn=row["urn"])
        # Children's homes' names and postcodes are published as REDACTED (None here): keep ours.
        if row["name"] is not None:
            setting.name = row["name"]
        if row["postcode"] is not None:
            setting.postcode = row["postcode"]
        if row["owner"]:
            setting.provider_id = provider_ids[row["owner"]]
        setting.provision_type = row["provision_type"]
        setting.ofsted_provision_type = row.get("ofsted_provision_type") or ""
        setting.sector = row["sector"] or ""
        la_id = row.get("local_authority_id")
        setting.local_authority_id = None if la_id is None or pd.isna(la_id) else int(la_id)
        setting.registered_places = row["registered_places"]
        setting.registration_status = row["registration_status"]
        setting.registration_date = row["registration_date"]
        setting.closed_date = row["closed_date"]
        setting.judgement_scale = row["judgement_scale"]
        for name, value in (provenance or {}).items():
            setattr(setting, name, value)
        (to_update if setting.pk else to_create).append(setting)
    now = timezone.now()
    for setting in to_create:
        setting.created_at = setting.updated_at = now
    for setting in to_update:
        setting.updated_at = now
    Setting.objects.bulk_create(to_create, batch_size=CHUNK)
    provenance_fields = list(Setting.PROVENANCE_FIELDS) if provenance else []
    Setting.objects.bulk_update(
        to_update, [*SETTING_FIELDS, *provenance_fields, "updated_at"], batch_size=500
    )

    ids: dict[str, int] = {}
    for chunk in _chunks(urns):
        ids.update(Setting.objects.filter(urn__in=chunk).values_list("urn", "id"))
    added = _write_inspections(inspections, ids)
    # A setting the file says is inspected within its authority's ILACS inspection has that as its state.
    stated = {}
    if "judgement" in settings:
        stated = {
            ids[urn]: judgement
            for urn, judgement in zip(settings["urn"], settings["judgement"], strict=True)
            if judgement == JudgementChoices.ILACS
        }
    _refresh_latest_judgements(list(ids.values()), stated=stated)
    return {
        "settings_created": len(to_create),
        "settings_updated": len(to_update),
        "inspections_added": added,
        "providers_created": providers_created,
    }


def _write_inspections(inspections: pd.DataFrame, ids: dict[str, int]) -> int:
    """Add judgements not yet held; a corrected judgement for a held date replaces the old one."""
    if inspections.empty:
        return 0
    held: dict[tuple[int, dt.date], Inspection] = {}
    for chunk in _chunks(list(ids.values())):
        for inspection in Inspection.objects.filter(setting_id__in=chunk):
            held[(inspection.setting_id, inspection.inspection_date)] = inspection
    new: list[Inspection] = []
    changed: list[Inspection] = []
    for row in inspections.to_dict("records"):
        key = (ids[row["urn"]], row["inspection_date"])
        inspection = held.get(key)
        if inspection is None:
            new.append(
                Inspection(
                    setting_id=key[0],
                    inspection_date=key[1],
                    judgement=row["judgement"],
                    judgement_scale=row["judgement_scale"],
                )
            )
        elif inspection.judgement != row["judgement"]:
            inspection.judgement, inspection.judgement_scale = row["judgement"], row["judgement_scale"]
            changed.append(inspection)
    Inspection.objects.bulk_create(new, batch_size=CHUNK)
    Inspection.objects.bulk_update(changed, ["judgement", "judgement_scale"], batch_size=500)
    # A corrected judgement changes its setting's history: the setting's time stamp says so (what the KPI
    # comparators' register signature watches, sufficiency.reports.kpi_snapshots).
    touched = sorted({inspection.setting_id for inspection in changed})
    for chunk in _chunks(touched):
        Setting.objects.filter(id__in=chunk).update(updated_at=timezone.now())
    return len(new)


def _refresh_latest_judgements(setting_ids: list[int], *, stated: dict[int, str] | None = None) -> None:
    """Each setting's latest judgement is its most recent inspection held (not yet inspected if none),
    unless the file states an undated state for it (``stated``: inspected within the ILACS inspection),
    which is its current state; its inspection history is kept."""
    stated = stated or {}
    latest: dict[int, tuple[str, dt.date]] = {}
    for chunk in _chunks(setting_ids):
        for setting_id, judgement, date in (
            Inspection.objects.filter(setting_id__in=chunk)
            .order_by("setting_id", "inspection_date")
            .values_list("setting_id", "judgement", "inspection_date")
        ):
            latest[setting_id] = (judgement, date)
    settings = []
    for chunk in _chunks(setting_ids):
        for setting in Setting.objects.filter(id__in=chunk).only(
            "id", "latest_judgement", "latest_judgement_date"
        ):
            judgement, date = latest.get(setting.pk, (JudgementChoices.NOT_YET_INSPECTED, None))
            if setting.pk in stated:
                judgement, date = stated[setting.pk], None
            if (setting.latest_judgement, setting.latest_judgement_date) != (judgement, date):
                setting.latest_judgement, setting.latest_judgement_date = judgement, date
                setting.updated_at = timezone.now()
                settings.append(setting)
    Setting.objects.bulk_update(
        settings, ["latest_judgement", "latest_judgement_date", "updated_at"], batch_size=500
    )


def settings_link_episodes() -> int:
    """Link every authority's episodes that carry a URN but no setting to the setting with that URN.

    Runs after each settings import: the SSDA903 import links what it can, and settings that arrive
    later are linked here. Returns how many episodes were linked.
    """
    return (
        PlacementEpisode.objects.filter(setting__isnull=True)
        .exclude(urn="")
        .filter(urn__in=Setting.objects.values("urn"))
        .update(setting_id=Subquery(Setting.objects.filter(urn=OuterRef("urn")).values("id")[:1]))
    )


def settings_upsert(*, rows: Iterable[dict[str, Any]], acting_user: Any = None) -> dict[str, int]:
    """Add or update settings from dicts (the demo loader and tests), as an Ofsted import would.

    Keys: ``urn`` and ``provision_type`` (codes of `ProvisionTypeChoices`) are required; optional
    ``name``, ``postcode``, ``sector``, ``local_authority`` (a LocalAuthority or DfE code),
    ``registered_places``, ``registration_status``, ``registration_date``, ``closed_date``, ``owner``,
    and either ``inspection_date`` + ``judgement`` or ``inspections`` (a list of dicts with those two
    keys). Raises ValueError on an unknown code; writes nothing then.
    """
    authorities = {la.dfe_code: la.pk for la in LocalAuthority.objects.only("id", "dfe_code")}
    records: list[dict[str, Any]] = []
    inspections: list[dict[str, Any]] = []
    for given in rows:
        row = dict(given)
        urn = str(row["urn"]).strip().upper()
        provision = row["provision_type"]
        _check_choice("provision_type", provision, ProvisionTypeChoices)
        scale = (
            JudgementScaleChoices.THREE_OUTCOME
            if provision == ProvisionTypeChoices.SUPPORTED_ACCOMMODATION
            else JudgementScaleChoices.FOUR_POINT
        )
        sector = row.get("sector") or ""
        if sector:
            _check_choice("sector", sector, SectorChoices)
        status = row.get("registration_status") or RegistrationStatusChoices.ACTIVE
        _check_choice("registration_status", status, RegistrationStatusChoices)
        authority = row.get("local_authority")
        la_id = (
            authority.pk if isinstance(authority, LocalAuthority) else authorities.get(str(authority or ""))
        )
        if authority and la_id is None:
            raise ValueError(f"Unknown local authority {authority!r}")
        dated = list(row.get("inspections") or [])
        if row.get("inspection_date") and row.get("judgement"):
            dated.append({"inspection_date": row["inspection_date"], "judgement": row["judgement"]})
        for inspection in dated:
            _check_choice("judgement", inspection["judgement"], JudgementChoices)
            _check_scale(inspection["judgement"], scale)
            inspections.append({"urn": urn, **inspection, "judgement_scale": scale})
        records.append(
            {
                "urn": urn,
                "name": row.get("name"),
                "postcode": row.get("postcode"),
                "provision_type": provision,
                "ofsted_provision_type": ProvisionTypeChoices(provision).label,
                "sector": sector,
                "local_authority_id": la_id,
                "registered_places": row.get("registered_places"),
                "registration_status": status,
                "registration_date": row.get("registration_date"),
                "closed_date": row.get("closed_date"),
                "owner": row.get("owner"),
                "judgement_scale": scale,
            }
        )
    settings = pd.DataFrame(records).drop_duplicates("urn", keep="last") if records else pd.DataFrame()
    inspection_frame = pd.DataFrame(
        inspections, columns=["urn", "inspection_date", "judgement", "judgement_scale"]
    )
    inspection_frame = inspection_frame.drop_duplicates(["urn", "inspection_date"], keep="last")
    with transaction.atomic():
        counts = _write_settings(settings.astype(object).where(settings.notna(), None), inspection_frame)
        counts["episodes_linked"] = settings_link_episodes()
        audit(action="settings.upserted", actor=acting_user, object_type="placements.Setting", detail=counts)
    return counts


def _check_choice(field: str, value: Any, choices: type[models.TextChoices]) -> None:
    if value not in choices.values:
        raise ValueError(f"{field} {value!r} is not one of {', '.join(choices.values)}")


_THREE_OUTCOME = {JudgementChoices.SA_STRONG, JudgementChoices.SA_INCONSISTENT, JudgementChoices.SA_SERIOUS}
# Ofsted's states outside both scales are allowed on either.
_OFF_SCALE = {
    JudgementChoices.NOT_YET_INSPECTED,
    JudgementChoices.ILACS,
    JudgementChoices.ADEQUATE,
    JudgementChoices.MET,
    JudgementChoices.NOT_MET,
}


def _check_scale(judgement: str, scale: str) -> None:
    if judgement in _OFF_SCALE:
        return
    if (judgement in _THREE_OUTCOME) != (scale == JudgementScaleChoices.THREE_OUTCOME):
        raise ValueError(f"judgement {judgement!r} is not on the {scale} scale")


# --- Capacity records (households, in-house homes, block contracts) -------------------------------------------


def _save(obj: models.Model, *, acting_user: Any, reason: str) -> None:
    """Validate and save a capacity record, attributing the history row to the acting user."""
    obj.full_clean()
    obj._history_user = acting_user_or_none(acting_user)
    obj._change_reason = reason
    obj.save()


def _create(
    model: type[models.Model],
    *,
    authority: LocalAuthority,
    data: dict[str, Any],
    acting_user: Any,
    request: Any,
) -> Any:
    obj = model(authority=authority, **data)
    with transaction.atomic():
        _save(obj, acting_user=acting_user, reason="created")
        audit(
            action=f"{model._meta.model_name}.created",
            actor=acting_user,
            authority=authority,
            obj=obj,
            detail={"fields": sorted(data)},
            request=request,
        )
    return obj


def _update(
    obj: Any, *, data: dict[str, Any], acting_user: Any, request: Any, version: str | None = None
) -> Any:
    """Write the changed fields; refuse (StaleEdit) if the record moved on from the form's `version`."""
    changed = sorted(name for name, value in data.items() if getattr(obj, name) != value)
    if not changed:
        return obj
    for name in changed:
        setattr(obj, name, data[name])
    with transaction.atomic():
        check_version(obj, version)
        _save(obj, acting_user=acting_user, reason="updated")
        audit(
            action=f"{obj._meta.model_name}.updated",
            actor=acting_user,
            authority=obj.authority,
            obj=obj,
            detail={"fields": changed},
            request=request,
        )
    return obj


def household_create(
    *, authority: LocalAuthority, data: dict[str, Any], acting_user: Any, request: Any = None
) -> FosteringHousehold:
    """Record a fostering household newly approved for the authority (in-house or an agency's)."""
    return _create(
        FosteringHousehold, authority=authority, data=data, acting_user=acting_user, request=request
    )


def household_update(
    *,
    household: FosteringHousehold,
    data: dict[str, Any],
    acting_user: Any,
    request: Any = None,
    version: str | None = None,
) -> FosteringHousehold:
    """Change a household's approval, places, age range or status (available, on hold, deregistered)."""
    return _update(household, data=data, acting_user=acting_user, request=request, version=version)


def inhouse_home_create(
    *, authority: LocalAuthority, data: dict[str, Any], acting_user: Any, request: Any = None
) -> InHouseHome:
    """Record one of the authority's own children's homes (an Ofsted-registered setting it runs)."""
    return _create(InHouseHome, authority=authority, data=data, acting_user=acting_user, request=request)


def inhouse_home_update(
    *,
    home: InHouseHome,
    data: dict[str, Any],
    acting_user: Any,
    request: Any = None,
    version: str | None = None,
) -> InHouseHome:
    """Change an in-house home's places, places out of use, status or age range."""
    return _update(home, data=data, acting_user=acting_user, request=request, version=version)


def block_contract_create(
    *, authority: LocalAuthority, data: dict[str, Any], acting_user: Any, request: Any = None
) -> BlockContract:
    """Record a block contract: beds bought from a provider for a period at a weekly cost per bed."""
    return _create(BlockContract, authority=authority, data=data, acting_user=acting_user, request=request)


def block_contract_update(
    *,
    contract: BlockContract,
    data: dict[str, Any],
    acting_user: Any,
    request: Any = None,
    version: str | None = None,
) -> BlockContract:
    """Change a block contract's beds, dates or cost (a variation or extension)."""
    return _update(contract, data=data, acting_user=acting_user, request=request, version=version)


# --- Framework memberships: the authority's own frameworks and tiers ----------------------------------------


def _membership_detail(membership: FrameworkMembership) -> dict[str, Any]:
    return {"setting": membership.setting_id, "tier": membership.tier}


def framework_membership_create(
    *, authority: LocalAuthority, data: dict[str, Any], acting_user: Any, request: Any = None
) -> FrameworkMembership:
    """Put a home or fostering agency on one of the authority's frameworks, with its tier. Matching reads it
    at once ("On your framework: ..."); no other authority's membership is touched."""
    membership = FrameworkMembership(authority=authority, **data)
    with transaction.atomic():
        _save(membership, acting_user=acting_user, reason="created")
        audit(
            action="frameworkmembership.created",
            actor=acting_user,
            authority=authority,
            obj=membership,
            detail=_membership_detail(membership),
            request=request,
        )
    return membership


def framework_membership_update(
    *,
    membership: FrameworkMembership,
    data: dict[str, Any],
    acting_user: Any,
    request: Any = None,
    version: str | None = None,
) -> FrameworkMembership:
    """Change a membership's framework, tier or setting. `version` is the one the edit form was opened on:
    if someone saved the membership since, nothing is written and StaleEdit is raised."""
    return _update(membership, data=data, acting_user=acting_user, request=request, version=version)


def framework_membership_end(
    *, membership: FrameworkMembership, acting_user: Any, request: Any = None, version: str | None = None
) -> None:
    """End a membership: the provider is no longer on the authority's framework, and matching stops naming
    it at once. The audit trail keeps what it was (setting, tier) and who ended it."""
    with transaction.atomic():
        current = cast(FrameworkMembership, check_version(membership, version))
        audit(
            action="frameworkmembership.ended",
            actor=acting_user,
            authority=current.authority,
            obj=current,
            detail=_membership_detail(current),
            request=request,
        )
        current.delete()


# --- Household CSV import -------------------------------------------------------------------------------------


def households_import(
    *, authority: LocalAuthority, name: str, content: bytes, acting_user: Any = None, request: Any = None
) -> ImportOutcome:
    """Validate a CSV of the authority's fostering households and, only if every row is valid, add new
    households and update existing ones (matched by reference). Households not in the file are left as
    they are: deregister them in the file or on screen. Every change is kept in each household's history.
    """
    outcome = ImportOutcome(ok=False, files=[{"name": name, "kind": "households", "rows": 0}])
    read = read_households(
        content, agency_ids=lambda urns: dict(Setting.objects.filter(urn__in=urns).values_list("urn", "id"))
    )
    outcome.files[0]["rows"] = read.rows
    outcome.errors = [RowError(name, p.row, p.column, p.value, p.message) for p in read.problems]
    parsed = read.households
    if outcome.errors:
        return outcome
    created = updated = 0
    with transaction.atomic():
        held = {h.reference: h for h in FosteringHousehold.objects.for_authority(authority)}
        for data in parsed:
            household = held.get(data["reference"])
            if household is None:
                _save(
                    FosteringHousehold(authority=authority, **data),
                    acting_user=acting_user,
                    reason="imported",
                )
                created += 1
                continue
            if any(getattr(household, k) != v for k, v in data.items()):
                for key, value in data.items():
                    setattr(household, key, value)
                _save(household, acting_user=acting_user, reason="imported")
                updated += 1
        outcome.counts = {"households_created": created, "households_updated": updated, "rows": len(parsed)}
        audit(
            action="households.imported",
            actor=acting_user,
            authority=authority,
            object_type="placements.FosteringHousehold",
            detail={"counts": outcome.counts},
            request=request,
        )
    outcome.ok = True
    return outcome


# --- Vacancies ---------------------------------------------------------------------------------------------------


def _check_vacancy(vacancy: Vacancy) -> None:
    if (vacancy.setting_id is None) == (vacancy.household_id is None):
        raise ValidationError("A vacancy is either at a setting or with a fostering household")
    if vacancy.household_id is not None:
        household = vacancy.household
        if household.authority_id != vacancy.authority_id:
            raise ValidationError("The household is not one of this authority's households")
        if household.status == HouseholdStatusChoices.DEREGISTERED:
            raise ValidationError("A deregistered household cannot have a vacancy")
    unknown = [c for c in vacancy.categories if c not in PLANNING_CATEGORY_LABELS]
    if unknown:
        raise ValidationError(f"Unknown placement categories: {', '.join(unknown)}")


def vacancy_record(
    *,
    authority: LocalAuthority,
    acting_user: Any,
    setting: Setting | None = None,
    household: FosteringHousehold | None = None,
    places: int = 1,
    age_min: int = 0,
    age_max: int = 17,
    categories: Sequence[str] = (),
    notes: str = "",
    recorded_at: dt.datetime | None = None,
    request: Any = None,
) -> Vacancy:
    """Record a vacancy offered to the authority: at a setting or with one of its fostering households.

    `recorded_at` defaults to now (the demo loader passes older times to seed stale vacancies).
    """
    vacancy = Vacancy(
        authority=authority,
        setting=setting,
        household=household,
        places=places,
        age_min=age_min,
        age_max=age_max,
        categories=sorted(set(categories)),
        notes=notes,
        recorded_by=acting_user_or_none(acting_user),
        recorded_at=recorded_at or timezone.now(),
    )
    _check_vacancy(vacancy)
    with transaction.atomic():
        _save(vacancy, acting_user=acting_user, reason="recorded")
        audit(
            action="vacancy.recorded",
            actor=acting_user,
            authority=authority,
            obj=vacancy,
            detail={"places": places, "categories": vacancy.categories},
            request=request,
        )
    return vacancy


def vacancy_confirm(*, vacancy: Vacancy, acting_user: Any, request: Any = None) -> Vacancy:
    """Confirm an open vacancy is still vacant: it becomes fresh again, confirmed by this user."""
    if vacancy.status != VacancyStatusChoices.OPEN:
        raise ValidationError("Only an open vacancy can be confirmed")
    with transaction.atomic():
        vacancy.recorded_at = timezone.now()
        vacancy.recorded_by = acting_user_or_none(acting_user)
        _save(vacancy, acting_user=acting_user, reason="confirmed")
        audit(
            action="vacancy.confirmed",
            actor=acting_user,
            authority=vacancy.authority,
            obj=vacancy,
            request=request,
        )
    return vacancy


def vacancy_close(
    *, vacancy: Vacancy, status: str, acting_user: Any, request: Any = None, version: str | None = None
) -> Vacancy:
    """Close an open vacancy as filled (a child moved in) or withdrawn (no longer offered). With the close
    form's `version`, refused (StaleEdit) if someone confirmed or changed the vacancy since it was opened."""
    if status not in (VacancyStatusChoices.FILLED, VacancyStatusChoices.WITHDRAWN):
        raise ValidationError("A vacancy is closed as filled or withdrawn")
    if vacancy.status != VacancyStatusChoices.OPEN:
        raise ValidationError("This vacancy is already closed")
    with transaction.atomic():
        if check_version(vacancy, version).status != VacancyStatusChoices.OPEN:
            raise ValidationError("This vacancy is already closed")
        vacancy.status = status
        vacancy.closed_at = timezone.now()
        _save(vacancy, acting_user=acting_user, reason=status)
        audit(
            action=f"vacancy.{status}",
            actor=acting_user,
            authority=vacancy.authority,
            obj=vacancy,
            request=request,
        )
    return vacancy


# --- Fostering places not available --------------------------------------------------------------------------


def household_places_unavailable_record(
    *,
    household: FosteringHousehold,
    places: int,
    reason: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    acting_user: Any,
    request: Any = None,
) -> HouseholdPlacesUnavailable:
    """Record that some of a household's approved places cannot be offered for a period, and why. Refused
    when the places exceed what the household is approved for, or the period ends before it starts."""
    if places > household.approved_places:
        raise ValidationError(
            f"The household is approved for {household.approved_places} place(s): no more than that can be "
            "unavailable"
        )
    record = HouseholdPlacesUnavailable(
        authority=household.authority,
        household=household,
        places=places,
        reason=reason,
        start_date=start_date,
        end_date=end_date,
    )
    with transaction.atomic():
        _save(record, acting_user=acting_user, reason="recorded")
        audit(
            action="household_places_unavailable.recorded",
            actor=acting_user,
            authority=household.authority,
            obj=record,
            detail={"household_id": household.pk, "places": places, "reason": reason},
            request=request,
        )
    return record


def household_places_unavailable_end(
    *, record: HouseholdPlacesUnavailable, end_date: dt.date, acting_user: Any, request: Any = None
) -> HouseholdPlacesUnavailable:
    """End a period of places not available: the places can be offered again from the day after
    ``end_date``. Refused for a period already ended or an end before its start."""
    if record.end_date is not None:
        raise ValidationError("These places are already available again")
    if end_date < record.start_date:
        raise ValidationError("The end date must be on or after the start date")
    with transaction.atomic():
        record.end_date = end_date
        _save(record, acting_user=acting_user, reason="ended")
        audit(
            action="household_places_unavailable.ended",
            actor=acting_user,
            authority=record.authority,
            obj=record,
            detail={"household_id": record.household_id},
            request=request,
        )
    return record
