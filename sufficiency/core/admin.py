"""The one audited Django admin: every save and delete an administrator makes through it writes an audit
event in the same transaction (what changed, by whom, ids and codes only, never personal data)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction

from .audit import audit


class AuditedModelAdmin(admin.ModelAdmin):
    """Set `audit_prefix` (events are `<prefix>.created`, `.updated` and `.<deleted_verb>`); override
    `audit_detail` for the ids and codes that say what the record is, and `audit_authority` where the
    record belongs to an authority (the event is then in that authority's trail)."""

    audit_prefix = ""
    deleted_verb = "deleted"

    def audit_detail(self, obj: Any) -> dict[str, Any]:  # noqa: ARG002
        return {}

    def audit_authority(self, obj: Any) -> Any:  # noqa: ARG002
        return None

    def _audit(self, request: Any, obj: Any, verb: str, **extra: Any) -> None:
        audit(
            action=f"{self.audit_prefix}.{verb}",
            actor=request.user,
            authority=self.audit_authority(obj),
            obj=obj,
            detail={**self.audit_detail(obj), **extra},
            request=request,
        )

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            self._audit(
                request, obj, "updated" if change else "created", fields=sorted(form.changed_data)[:20]
            )

    def delete_model(self, request: Any, obj: Any) -> None:
        with transaction.atomic():
            self._audit(request, obj, self.deleted_verb)
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
