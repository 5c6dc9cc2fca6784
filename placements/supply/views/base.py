"""Shared by the supply pages: who may do what, small formatting helpers, and generic list, detail and
form views for capacity records (each kind of record is a few lines of subclass)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView

from sufficiency.authorities.permissions import CAPACITY_EDIT_ROLES
from sufficiency.core.formatting import date_short
from sufficiency.core.locking import OptimisticLockMixin, StaleEdit
from sufficiency.core.views import AuthorityMixin

from .. import forms

# The pages' name for the one date formatter (`sufficiency.core.formatting`).
fmt_date = date_short


def link(url: str, text: Any) -> Any:
    return {"text": text, "href": url}


def page_range(context: dict[str, Any]) -> list[Any]:
    paginator, page = context.get("paginator"), context.get("page_obj")
    if not paginator or not page:
        return []
    return list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


# --- Capacity records: generic list, detail and form views ---------------------------------------------------


class RecordMixin(AuthorityMixin):
    """Shared by the pages of one kind of capacity record (households, homes, block contracts)."""

    model: type[models.Model]
    noun = ""
    url_prefix = ""
    edit_roles: frozenset[str] = CAPACITY_EDIT_ROLES

    def url(self, action: str, obj: Any = None) -> str:
        kwargs: dict[str, Any] = {"code": self.authority.dfe_code}
        if obj is not None:
            kwargs["pk"] = obj.pk
        return reverse(f"placements:{self.url_prefix}-{action}", kwargs=kwargs)

    def records(self) -> Any:
        return self.scoped(self.model.objects.all())


class RecordListView(RecordMixin, ListView):
    template_name = "placements/supply/record_list.html"
    paginate_by = 50
    headers: list[Any] = []
    intro = ""

    def row(self, obj: Any) -> list[Any]:
        raise NotImplementedError

    def rows(self, objects: list[Any]) -> list[list[Any]]:
        return [self.row(obj) for obj in objects]

    def get_queryset(self) -> Any:
        return self.records()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=f"{self.noun.capitalize()}s",
            intro=self.intro,
            headers=self.headers,
            numeric_columns=[
                i for i, h in enumerate(self.headers) if isinstance(h, dict) and h.get("numeric")
            ],
            rows=self.rows(list(context["object_list"])),
            page_range=page_range(context),
            create_url=self.url("create") if self.holds(self.edit_roles) else None,
            create_text=f"Add a {self.noun}",
            extra_links=self.extra_links(),
        )
        return context

    def extra_links(self) -> list[dict[str, str]]:
        return []


class RecordDetailView(RecordMixin, DetailView):
    """A capacity record's details and its full change history (who changed what, when)."""

    template_name = "placements/supply/record_detail.html"

    def get_queryset(self) -> Any:
        return self.records()

    def summary(self, obj: Any) -> list[dict[str, Any]]:
        raise NotImplementedError

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = self.object
        context.update(
            title=f"{self.noun.capitalize()} {obj}",
            rows=self.summary(obj),
            edit_url=self.url("update", obj) if self.holds(self.edit_roles) else None,
            list_url=self.url("list"),
            history_rows=history_rows(obj),
            history_headers=["When", "Who", "Change", "Reason", "Fields changed"],
        )
        return context


def history_rows(obj: Any, limit: int = 100) -> list[list[Any]]:
    """The record's history, newest first: when, who, what kind of change, which fields changed."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    )
    tracked = [f.attname for f in obj.history.model._meta.fields if not f.name.startswith("history_")]
    labels = {f.attname: f.verbose_name for f in obj._meta.fields}
    kinds = {"+": "Created", "~": "Changed", "-": "Deleted"}
    rows = []
    for index, record in enumerate(records):
        older = records[index + 1] if index + 1 < len(records) else None
        if older is None or record.history_type != "~":
            changed = ""
        else:
            names = [
                labels.get(n, n)
                for n in tracked
                if n not in ("id", "created_at") and getattr(record, n) != getattr(older, n)
            ]
            changed = ", ".join(str(n) for n in names)
        rows.append(
            [
                f"{timezone.localtime(record.history_date):%-d %b %Y %H:%M}",
                record.history_user.email if record.history_user else "Import or system",
                kinds.get(record.history_type, record.history_type),
                record.history_change_reason or "",
                changed or "–",
            ]
        )
    return rows


class RecordFormView(OptimisticLockMixin, RecordMixin, FormView):
    """Create (no pk) or update (pk) a capacity record through its service. An update form carries the
    record's version and is refused, with the other person's change shown, if someone saved it since."""

    template_name = "placements/supply/record_form.html"
    create_service: Callable[..., Any]
    update_service: Callable[..., Any]
    update_kwarg = ""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        self.allowed_roles = self.edit_roles
        return super().dispatch(request, *args, **kwargs)

    def get_object(self) -> Any:
        pk = self.kwargs.get("pk")
        return get_object_or_404(self.records(), pk=pk) if pk else None

    def locked_object(self) -> Any:
        return self.object

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        self.object = self.get_object()
        kwargs["authority"] = self.authority
        if issubclass(self.form_class, forms.forms.ModelForm):
            kwargs["instance"] = self.object or self.model(authority=self.authority)
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=f"Change {self.noun} {self.object}" if self.object else f"Add a {self.noun}",
            back_url=self.url("detail", self.object) if self.object else self.url("list"),
            submit="Save",
        )
        return context

    def form_valid(self, form: Any) -> Any:
        data = form.service_data()
        try:
            if self.object is None:
                obj = type(self).create_service(
                    authority=self.authority, data=data, acting_user=self.request.user, request=self.request
                )
            else:
                # A fresh copy: the form has already written its values onto the instance it validated.
                fresh = self.get_object()
                obj = type(self).update_service(
                    **{self.update_kwarg: fresh},
                    data=data,
                    acting_user=self.request.user,
                    request=self.request,
                    version=self.submitted_version(form),
                )
        except StaleEdit as exc:
            return self.stale(form, exc)
        except ValidationError as exc:
            form.add_error(None, exc.messages if hasattr(exc, "messages") else str(exc))
            return self.form_invalid(form)
        messages.success(self.request, f"The {self.noun} was saved.")
        return redirect(self.url("detail", obj))
