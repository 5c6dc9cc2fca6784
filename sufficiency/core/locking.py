"""Optimistic locking of edit forms: two people editing the same record never silently overwrite each other.

An edit form carries the record's version (a hidden `version` field: its `updated_at`, which every save
moves on, so no extra column is needed). The update service checks it under a row lock (`check_version`)
and refuses a form opened before someone else's save (`StaleEdit`). The page then shows the other person's
change next to the user's own and keeps what the user typed, with the new version: saving again is a
deliberate choice to overwrite, made with both versions in view.

Services accept `version=None` from callers that are not edit forms (imports, commands, the demo).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db import models
from django.utils import timezone

from sufficiency.authorities.models import AuditEvent
from sufficiency.core.formatting import date_long

VERSION_FIELD = "version"
STALE_MESSAGE = (
    "Someone else changed this record after you opened this page. Your changes have not been saved: "
    "check their change below, then save again to keep yours."
)


def version_of(obj: models.Model) -> str:
    """The record's version token: its last-saved time to the microsecond, in UTC."""
    stamp = getattr(obj, "updated_at", None)
    if stamp is None:
        return ""
    return stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class StaleEdit(Exception):
    """The form was opened on an older version of the record. `current` is the record as saved now,
    `changed_by` who saved it last (from the audit trail) and `changed_at` when."""

    def __init__(self, current: models.Model, changed_by: str, changed_at: dt.datetime | None) -> None:
        super().__init__(STALE_MESSAGE)
        self.current = current
        self.changed_by = changed_by
        self.changed_at = changed_at


def check_version(obj: models.Model, version: str | None) -> models.Model:
    """Lock the record's row and compare its version with the form's; raise StaleEdit if it moved on.

    Call inside the update's transaction, before writing. Returns the locked, current row. `None` skips the
    comparison (callers other than edit forms) but still locks.
    """
    current = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    if version is not None and version != version_of(current):
        last = (
            AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
            # Reads of the record are audited too: only a write names who changed it.
            .exclude(action__endswith="viewed")
            .exclude(action__endswith="_read")
            .order_by("-created_at", "-id")
            .values_list("actor_label", flat=True)
            .first()
        )
        raise StaleEdit(current, last or "someone else", getattr(current, "updated_at", None))
    return current


class VersionField(forms.CharField):
    """The hidden version of the record an edit form was opened on."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Version")
        kwargs.setdefault(
            "error_messages",
            {
                "required": "This page is out of date or incomplete: open the record again and make your change."
            },
        )
        super().__init__(**kwargs)


def _shown(value: Any) -> str:
    if value in (None, "", [], ()):
        return "–"
    if isinstance(value, dt.date):
        return date_long(value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


class OptimisticLockMixin:
    """For edit views (FormView): adds the hidden version of `locked_object()` to the form, and turns a
    StaleEdit from the service into the form page again, with the other person's change shown."""

    edit_conflict: dict[str, Any] | None = None
    form_field_names: list[str] = []

    def locked_object(self) -> models.Model | None:
        """The record being edited (None on a create page: nothing to lock)."""
        raise NotImplementedError

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]  # a mixin: the view class it is combined with provides this
        obj = self.locked_object()
        if obj is not None:
            form.fields[VERSION_FIELD] = VersionField(initial=version_of(obj))
        return form

    def current_values(self, current: models.Model) -> dict[str, Any]:
        """The saved values to compare with the form's, by field name (the record's attributes by default;
        a form over related rows, such as a report's commentary, overrides this)."""
        return {name: getattr(current, name) for name in self.form_field_names if hasattr(current, name)}

    def submitted_version(self, form: Any) -> str | None:
        return form.cleaned_data.get(VERSION_FIELD) if VERSION_FIELD in form.fields else None

    def stale(self, form: Any, exc: StaleEdit) -> Any:
        """The form page again, refused as out of date (see `mark_stale`)."""
        self.mark_stale(form, exc)
        return self.form_invalid(form)  # type: ignore[attr-defined]  # a mixin: the view class it is combined with provides this

    def mark_stale(self, form: Any, exc: StaleEdit) -> None:
        """Keep the user's values, show the other person's change beside them, and carry the current
        version, so that saving again overwrites knowingly."""
        rows = []
        self.form_field_names = [name for name in form.fields if name != VERSION_FIELD]
        saved = self.current_values(exc.current)
        for name, field in form.fields.items():
            if name not in saved:
                continue
            theirs = saved[name]
            yours = form.cleaned_data.get(name)
            if hasattr(exc.current, f"get_{name}_display"):
                theirs = getattr(exc.current, f"get_{name}_display")()
                yours = dict(getattr(field, "choices", [])).get(yours, yours)
            if _shown(theirs) != _shown(yours):
                rows.append([str(field.label or name), _shown(theirs), _shown(yours)])
        when = timezone.localtime(exc.changed_at) if exc.changed_at else None
        self.edit_conflict = {
            "changed_by": exc.changed_by,
            "changed_at": f"{when:%-d %B %Y at %H:%M}" if when else "",
            "headers": ["Field", f"Saved by {exc.changed_by}", "Your change (not saved)"],
            "rows": rows,
        }
        data = form.data.copy()
        data[form.add_prefix(VERSION_FIELD)] = version_of(exc.current)
        form.data = data
        form.add_error(None, STALE_MESSAGE)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]  # a mixin: the view class it is combined with provides this
        context["edit_conflict"] = self.edit_conflict
        return context
