"""Writes of the fostering recruitment funnel: one month and route entered by form, or a CSV of months.

Each write is audited with counts only. A CSV with a file-level problem is refused whole; rows with
problems are reported and left out, and the other rows are saved.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import transaction

from sufficiency.core.audit import audit

from ..choices import DeregistrationReasonChoices
from ..models import FosteringRecruitmentMonth
from .funnel import FunnelMonth
from .funnel_reader import FunnelReadResult, read_funnel_csv


def _values(month: FunnelMonth) -> dict[str, Any]:
    values = asdict(month)
    values.pop("month")
    values.pop("route")
    values["deregistration_reasons"] = dict(month.deregistration_reasons)
    return values


def fostering_recruitment_month_save(
    *, authority: Any, month: FunnelMonth, acting_user: Any, request: Any = None
) -> FosteringRecruitmentMonth:
    """Create or replace the authority's record for the month and route."""
    with transaction.atomic():
        record, created = FosteringRecruitmentMonth.objects.update_or_create(
            authority=authority, month=month.month.replace(day=1), route=month.route, defaults=_values(month)
        )
        audit(
            action="fostering_recruitment_month.created"
            if created
            else "fostering_recruitment_month.updated",
            actor=acting_user,
            authority=authority,
            obj=record,
            detail={"month": month.month.strftime("%Y-%m"), "route": month.route},
            request=request,
        )
    return record


def fostering_funnel_import(
    *, authority: Any, data: bytes, acting_user: Any, request: Any = None
) -> FunnelReadResult:
    """Read a funnel CSV and save every good row (replacing the months and routes it holds). Raises
    :class:`~placements.supply.funnel_reader.FunnelFileError` when the file cannot be read at all."""
    result = read_funnel_csv(data, reason_codes=set(DeregistrationReasonChoices.values))
    with transaction.atomic():
        for month in result.months:
            FosteringRecruitmentMonth.objects.update_or_create(
                authority=authority, month=month.month, route=month.route, defaults=_values(month)
            )
        audit(
            action="fostering_recruitment_months.imported",
            actor=acting_user,
            authority=authority,
            object_type="placements.FosteringRecruitmentMonth",
            detail={"saved": len(result.months), "rows_with_errors": len(result.errors)},
            request=request,
        )
    return result
