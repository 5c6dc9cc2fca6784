"""What every dashboard page shares: who may open it, its rollup, its filters, and number formatting.

A page is a *builder* (a function from a `Page` to template context with a list of charts) plus a thin
view. The CSV view calls the same builder and serves one chart's table, so a download always matches the
page it came from, filters and scoping included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from placements.as_at import as_at_for_request
from placements.categories import PLANNING_CATEGORY_LABELS
from sufficiency.authorities.models import LocalAuthority
from sufficiency.authorities.permissions import (
    CHILD_LEVEL_ROLES,
    DASHBOARD_ROLES,
    IMPORT_ROLES,
    holds,
)
from sufficiency.core.formatting import date_long, money_short, number, percent, share, whole
from sufficiency.core.views import AuthorityMixin

from ..forms import DashboardFilterForm
from ..models import DashboardRollup
from ..selectors import rollup_for_authority, rollup_state_for_authority

#: Rendered figures are cached per rollup computation (the key holds computed_at), so this only bounds memory.
CACHE_SECONDS = 60 * 60

PAGES = (
    ("overview", "Overview", "dashboards:overview"),
    ("forecast", "Forecast", "dashboards:forecast"),
    ("gap", "Sufficiency gap", "dashboards:gap"),
    ("market", "Market", "dashboards:market"),
)


# --- formatting ---------------------------------------------------------------------------------------------
# The pages' names for the one set of formatters (`sufficiency.core.formatting`).
fmt_int, fmt_num, fmt_pct, pct, fmt_date = whole, number, percent, share, date_long


def fmt_money(value: Any) -> str:
    """£47.3m, £850k, £950 as budget papers print spend; "–" for none."""
    return money_short(value, empty="–")


def category_label(key: str) -> str:
    return PLANNING_CATEGORY_LABELS.get(key, key)


def definition_url(key: str) -> str:
    """Where a figure's definition is (the KPI catalogue, docs/domain.md section 6)."""
    try:
        base = reverse("reports:kpi-definitions")
    except NoReverseMatch:
        base = "/kpis/definitions/"
    return f"{base}#{key}"


# --- one page ---------------------------------------------------------------------------------------------
@dataclass
class Page:
    """What a builder needs: the authority, its rollup, the filters, and what the viewer may open."""

    name: str
    authority: LocalAuthority
    rollup: DashboardRollup
    filters: dict[str, str]
    can_drill: bool
    query: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def csv_url(self, key: str) -> str:
        url = reverse(
            "dashboards:csv", kwargs={"code": self.authority.dfe_code, "page": self.name, "key": key}
        )
        return f"{url}?{self.query}" if self.query else url

    def drill_url(self, on: str | dt.date | None, category: str = "") -> str | None:
        """The scoped list of children behind a number (child-level roles only)."""
        if not self.can_drill or not on:
            return None
        day = dt.date.fromisoformat(on) if isinstance(on, str) else on
        params = {"on_day": day.day, "on_month": day.month, "on_year": day.year}
        if category:
            params["category"] = category
        url = reverse("placements:child-list", kwargs={"code": self.authority.dfe_code})
        return f"{url}?{urlencode(params)}"


def _cells(rows: list[list[Any]]) -> list[list[dict[str, Any]]]:
    """Every cell as a dict with all the keys table.html looks up: a template lookup that misses costs a
    dir() call, and a dashboard table has hundreds of cells."""
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, dict):
                cells.append({"href": None, "numeric": False, "classes": "", **cell})
            else:
                cells.append({"text": cell, "href": None, "numeric": False, "classes": ""})
        out.append(cells)
    return out


def _headers(headers: list[Any]) -> list[dict[str, Any]]:
    return [
        {"numeric": False, **h} if isinstance(h, dict) else {"text": h, "numeric": False} for h in headers
    ]


def chart(
    page: Page | None,
    key: str,
    title: str,
    figure: dict[str, Any],
    headers: list[Any],
    rows: list[list[Any]],
    *,
    description: str = "",
    definition: str = "",
    numeric: list[int] | None = None,
    csv_url: str | None = None,
) -> dict[str, Any]:
    """A chart for includes/govuk/chart.html, with its table, CSV link and definition link."""
    if numeric is None:
        numeric = list(range(1, len(headers)))
    return {
        "kind": "chart",
        "id": f"chart-{key}",
        "key": key,
        "title": title,
        "description": description,
        "figure": figure,
        "table": {
            "headers": _headers(headers),
            "rows": _cells(rows),
            "numeric_columns": numeric,
            "first_cell_is_header": True,
        },
        "csv_url": csv_url if csv_url is not None else (page.csv_url(key) if page else None),
        "definition_url": definition_url(definition) if definition else None,
    }


def table(key: str, title: str, headers: list[Any], rows: list[list[Any]], **extra: Any) -> dict[str, Any]:
    """A table without a chart (also downloadable as CSV by key). ``extra``: numeric_columns, caption,
    description, csv_url, definition_url, empty_text."""
    return {
        "kind": "table",
        "key": key,
        "title": title,
        "headers": _headers(headers),
        "rows": _cells(rows),
        **extra,
    }


Builder = Callable[[Page], dict[str, Any]]


class DashboardView(AuthorityMixin, TemplateView):
    """Base of an authority's dashboard pages: dashboard roles (board members and regional analysts
    read-only, no drill-down), the page's rollup sections, the filter form and the page builder."""

    allowed_roles = DASHBOARD_ROLES
    page_name = ""
    page_title = ""
    sections: tuple[str, ...] = ()
    filter_fields: tuple[str, ...] = ()
    template_name = ""
    builder: Builder
    page_extra: dict[str, Any] = {}

    def base_context(self, rollup: DashboardRollup | None) -> dict[str, Any]:
        """What the page shows around its figures: title, breadcrumbs, tabs, the rollup's state."""
        return {
            "rollup": rollup,
            "page_title": self.page_title,
            "breadcrumbs": [
                {"text": "Your authorities", "href": reverse("home")},
                {
                    "text": self.authority.name,
                    "href": reverse("dashboards:overview", kwargs={"code": self.authority.dfe_code}),
                },
            ],
            "page_name": self.page_name,
            "tabs": [
                {"key": key, "label": label, "url": reverse(name, kwargs={"code": self.authority.dfe_code})}
                for key, label, name in PAGES
            ],
            "region_url": reverse("dashboards:region", kwargs={"region": self.authority.region.code}),
            "can_import": self.holds(IMPORT_ROLES),
            "member": holds(self.request.user, self.authority, None),
        }

    #: Whether the page's figures follow the date chosen in the banner: counted from the register for that
    #: date (`figures_on`) when the stored ones are for another. Otherwise (the forecast and the gap, which
    #: start from the forecast's month end) the page shows its stored date and the banner says so plainly.
    follows_chosen_date = False

    def figures_on(self, rollup: DashboardRollup, on: dt.date) -> None:
        """Replace, on this request's copy of the rollup, the sections the page reads by ones counted as
        at `on` (pages that follow the chosen date)."""

    def build_page(self) -> tuple[Page | None, dict[str, Any]]:
        rollup = rollup_for_authority(authority=self.authority, sections=self.sections)
        context = self.base_context(rollup)
        if rollup is None or not rollup.is_ready:
            return None, context
        # The date chosen once (banner, kept in the session; the overview's date filter is the same
        # parameter). A page that follows it counts its figures for it when the stored ones are for another
        # date; a page that cannot shows its stored date and the banner names that date instead.
        on = as_at_for_request(self.request, authority=self.authority).on
        chosen = on.isoformat()
        stored = rollup.as_at.isoformat() if rollup.as_at else None
        choices = self.as_at_choices(rollup)
        if self.follows_chosen_date and stored is not None and chosen != stored:
            self.figures_on(rollup, on)
            context["as_at_live"] = True  # counted from the register for this date, not the stored figures
        if self.follows_chosen_date and choices and chosen not in {c for c, _ in choices}:
            choices = sorted([*choices, (chosen, fmt_date(chosen))], reverse=True)
        form = DashboardFilterForm(self.request.GET or None, as_at_choices=choices)
        filters = form.values()
        filters["as_at"] = chosen if self.follows_chosen_date else (stored or "")
        query = urlencode({k: v for k, v in self.request.GET.items() if k in self.filter_fields and v})
        page = Page(
            name=self.page_name,
            authority=self.authority,
            rollup=rollup,
            filters=filters,
            can_drill=self.holds(CHILD_LEVEL_ROLES),
            query=query,
            extra=dict(self.page_extra),
        )
        context.update(
            form=form,
            filters=filters,
            filter_form_fields=[form[name] for name in self.filter_fields],
        )
        built = self.get_builder()(page)
        for block in built.get("blocks", []):
            if block.get("kind") == "table" and not block.get("csv_url"):
                block["csv_url"] = page.csv_url(block["key"])
        context.update(built)
        shown = str(built.get("as_at") or filters["as_at"] or "")[:10]
        context["as_at_text"] = fmt_date(shown)
        if shown and shown != chosen:
            context["as_at_differs"] = fmt_date(shown)
            context["as_at_shown"] = shown  # ISO: the banner names the date this page shows
        return page, context

    def get_builder(self) -> Builder:
        """The page's builder (a plain function held on the view class)."""
        return type(self).builder

    def as_at_choices(self, rollup: DashboardRollup) -> list[tuple[str, str]]:
        if rollup.as_at is None:
            return []
        return [(rollup.as_at.isoformat(), fmt_date(rollup.as_at))]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """The page, with its filters, charts and tables rendered once per rollup, filter set and viewer
        kind, and then served from the cache until the rollup is recomputed (its computed_at changes)."""
        context = super().get_context_data(**kwargs)
        state = rollup_state_for_authority(authority=self.authority)
        key = None
        if state is not None and state.is_ready:
            can_drill = self.holds(CHILD_LEVEL_ROLES)
            query = urlencode(sorted((k, v) for k, v in self.request.GET.items() if k in self.filter_fields))
            chosen = as_at_for_request(self.request, authority=self.authority).on.isoformat()
            key = (
                f"dashboards:{self.page_name}:{self.authority.pk}:{state.computed_at.timestamp()}:{can_drill}"
                f":{chosen}:{query}"
            )
            cached = cache.get(key)
            if cached is not None:
                context.update(self.base_context(state), **cached)
                return context
        _, page_context = self.build_page()
        context.update(page_context)
        if key is not None and "blocks" in page_context:
            body = render_to_string("dashboards/includes/_body.html", context, request=self.request)
            cached = {
                "body_html": mark_safe(body),  # noqa: S308
                "as_at_text": context.get("as_at_text", ""),
                "as_at_differs": context.get("as_at_differs", ""),
                "as_at_shown": context.get("as_at_shown", ""),
                "as_at_live": context.get("as_at_live", False),
            }
            cache.set(key, cached, timeout=CACHE_SECONDS)
            context.update(cached)
        return context


def find_table(context: dict[str, Any], key: str) -> dict[str, Any]:
    """A chart's or table's headers and rows by key, from a built page's context (404 if absent)."""
    for item in context.get("blocks", []):
        if item.get("kind") in ("chart", "table") and item.get("key") == key:
            data = item.get("table", item)
            return {"title": item["title"], "headers": data["headers"], "rows": data["rows"]}
    raise Http404("No such table")
