"""Pages: the KPI catalogue (definitions), an authority's KPIs on a date, and its strategies.

Every authority page resolves its authority through `AuthorityMixin` (another authority's is 404).
Board members, regional analysts and every child-level role read; commissioners and administrators
write. Views are adapters: fetch, call one service or selector, render.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from placements.as_at import as_at_for_request
from placements.national.measures import MEASURES
from placements.national.selectors import neighbour_list_label, provenance_is_synthetic
from sufficiency.authorities.permissions import DASHBOARD_ROLES, STRATEGY_EDIT_ROLES
from sufficiency.core.charts import GRID, chart_layout
from sufficiency.core.downloads import TableDownloadMixin
from sufficiency.core.locking import OptimisticLockMixin, StaleEdit
from sufficiency.core.views import AuthorityMixin

from . import services
from .benchmarking import BenchmarkRow, benchmark_rows, comparator_groups
from .forms import (
    ActionForm,
    BenchmarkForm,
    ComparatorGroupForm,
    KpiDateForm,
    MeasureForm,
    ObjectiveForm,
    StrategyForm,
)
from .kpis import KpiSession, registry
from .kpis.base import Group
from .kpis.labels import basis_words, direction_words, unit_words
from .models import Action, Measure, Objective, Strategy
from .selectors import (
    action_summary_for_strategy,
    format_kpi_value,
    kpi_page_rows,
    measure_progress_for_strategy,
    strategy_current_for_authority,
    strategy_for_authority,
    strategy_history,
    strategy_list,
)

#: Roles that may create and change strategies.


class KpiDefinitionsView(LoginRequiredMixin, TemplateView):
    """Every KPI's definition, grouped as docs/domain.md section 6 groups them. Anchors are the KPI keys
    (``/kpis/definitions/#pct_placed_over_20_miles``) so any figure can link to its definition."""

    template_name = "reports/kpi_definitions.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        groups: dict[str, list[Any]] = {str(g): [] for g in Group}
        for kpi in registry:
            measure = MEASURES.get(kpi.key)
            groups[str(kpi.group)].append({"kpi": kpi, "national": measure.label if measure else ""})
        context["groups"] = [(name, kpis) for name, kpis in groups.items() if kpis]
        context["kpi_count"] = len(registry)
        return context


class ReadMixin(AuthorityMixin):
    allowed_roles = DASHBOARD_ROLES

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.holds(STRATEGY_EDIT_ROLES)
        return context


class KpiListView(TableDownloadMixin, ReadMixin, TemplateView):
    """An authority's KPIs on a date with the previous value, change and comparators: read from the
    figures precomputed after the last import when the date is one of those, else counted live."""

    template_name = "reports/kpi_list.html"
    download_name = "kpis"

    def download_keys(self) -> list[str]:
        return ["kpis"]

    def table_for_download(self, context: dict[str, Any], key: str) -> tuple[str, list[Any], list[Any]]:
        """Every KPI of the page, one row each, with the unit in its own column (units differ by row): the
        figures the page formats, unrounded."""
        headers = [
            "Group",
            "KPI",
            "Unit",
            "Value (in the unit)",
            "Previous (in the unit)",
            "Change (in the unit)",
            "Target",
            "Better when",
            "Statistical neighbours' average, published (in the unit)",
            f"{self.authority.region.name} (in the unit)",
            "England, published (in the unit)",
        ]
        rows = []
        for group, items in context["groups"].items():
            for item in items:
                row = item["row"]
                national = row.national
                rows.append(
                    [
                        group,
                        row.kpi.name,
                        item["unit"],
                        row.value.value,
                        row.previous.value,
                        row.change,
                        item["target"] or "No target in the current strategy",
                        item["direction"],
                        national.statistical_neighbours["mean"] if national is not None else None,
                        row.regional.value if row.regional else None,
                        row.england.value if row.england else None,
                    ]
                )
        return f"Key performance indicators on {context['on']:%Y-%m-%d}", headers, rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = KpiDateForm(self.request.GET or None)
        # Without a date asked for, the page shows the latest precomputed date (the month end the register
        # runs to, counted by a worker after the last import); other dates are counted live.
        asked = form.cleaned_data.get("on") if form.is_bound and form.is_valid() else None
        as_at = as_at_for_request(self.request, authority=self.authority, requested=asked or None)
        on, period = form.resolved(as_at.on)
        rows, snapshot = kpi_page_rows(authority=self.authority, on=on, period=period)
        targets = _targets(authority=self.authority, on=on)
        groups: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            groups.setdefault(str(row.kpi.group), []).append(
                {
                    "row": row,
                    "value": format_kpi_value(row.value.value, row.kpi.unit),
                    "previous": format_kpi_value(row.previous.value, row.kpi.unit),
                    "change": "" if row.change is None else f"{row.change:+,.1f}",
                    "regional": format_kpi_value(row.regional.value, row.kpi.unit)
                    if row.regional
                    else "Not applicable",
                    "england": format_kpi_value(row.england.value, row.kpi.unit) if row.england else "",
                    **_national_columns(row),
                    "unit": unit_words(row.kpi),
                    "basis": basis_words(row.kpi, row.value),
                    "direction": direction_words(row.kpi),
                    "target": targets.get(row.key),
                }
            )
        sources = sorted({p for row in rows if row.national is not None for p in row.national.provenance})
        context.update(
            form=form,
            on=on,
            period=period,
            groups=groups,
            national_sources=sources,
            national_synthetic=provenance_is_synthetic(sources),
            neighbour_list=neighbour_list_label(),
            previous_on=rows[0].previous_on if rows else None,
            snapshot=snapshot,
        )
        return context


class BenchmarkingView(TableDownloadMixin, ReadMixin, TemplateView):
    """The authority ranked among a comparator set (statistical neighbours, region, England, all
    authorities or one of its custom groups) for every KPI with a national equivalent, from the DfE's
    published tables: its own figure, what the DfE published for it, the set's figures, the region and
    England, with a chart of one measure and its table."""

    template_name = "reports/benchmarking.html"
    download_name = "benchmarking"

    def download_keys(self) -> list[str]:
        return ["measures"]

    def table_for_download(self, context: dict[str, Any], key: str) -> tuple[str, list[Any], list[Any]]:
        """Every measure compared, one row each, the unit in its own column: the figures the page formats."""
        label = context["set_label"]
        headers = [
            "Measure",
            "Unit",
            "Year",
            "Your register (in the unit)",
            "Published for you (in the unit)",
            "Rank (1 is highest)",
            "Ranked among",
            f"{label}: average (in the unit)",
            f"{label}: lowest (in the unit)",
            f"{label}: highest (in the unit)",
            f"{self.authority.region.name}, published (in the unit)",
            "England, published (in the unit)",
            "Your count against the published count",
        ]
        rows = []
        for item in context["rows"]:
            r = item["row"]
            national, summary = r.national, r.summary if r.members else {}
            rows.append(
                [
                    r.row.kpi.name,
                    unit_words(r.row.kpi),
                    r.year,
                    r.row.value.value,
                    national.published_own if national is not None else None,
                    r.rank,
                    r.ranked or None,
                    summary.get("mean"),
                    summary.get("min") if summary.get("n") else None,
                    summary.get("max") if summary.get("n") else None,
                    national.region if national is not None else None,
                    national.england if national is not None else None,
                    item["differs"],
                ]
            )
        return f"Compared with {label} on {context['on']:%Y-%m-%d}", headers, rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from placements.national.selectors import COMPARATOR_SETS

        context = super().get_context_data(**kwargs)
        form = BenchmarkForm(self.request.GET or None, groups=comparator_groups(self.authority))
        valid = form.is_bound and form.is_valid()
        data = form.cleaned_data if valid else {}
        as_at = as_at_for_request(self.request, authority=self.authority, requested=data.get("on") or None)
        on = data.get("on") or as_at.on
        comparator_set = data.get("comparator_set") or "statistical_neighbours"
        group = data.get("group_obj")
        measure_key = data.get("measure") or "cla_rate_per_10000"
        rows = benchmark_rows(authority=self.authority, on=on, comparator_set=comparator_set, group=group)
        set_label = group.name if group is not None else COMPARATOR_SETS[comparator_set]
        if comparator_set == "england":
            set_label = "All authorities in England"
        chosen = next((r for r in rows if r.key == measure_key), None)
        context.update(
            form=form,
            on=on,
            comparator_set=comparator_set,
            set_label=set_label,
            rows=[_benchmark_item(r) for r in rows],
            published_any=any(r.year is not None for r in rows),
            sources=sorted({p for r in rows if r.national is not None for p in r.national.provenance}),
            neighbour_list=neighbour_list_label(),
            chart=_benchmark_chart(chosen, set_label) if chosen is not None and chosen.members else None,
        )
        return context


class ComparatorGroupView(AuthorityMixin, FormView):
    """Create, change or delete one of the authority's own comparator groups (commissioners and
    administrators); another authority's group is 404."""

    allowed_roles = STRATEGY_EDIT_ROLES
    template_name = "reports/comparator_group_form.html"
    form_class = ComparatorGroupForm

    @cached_property
    def group(self) -> Any:
        from placements.models import ComparatorGroup

        pk = self.kwargs.get("pk")
        if pk is None:
            return None
        return get_object_or_404(ComparatorGroup.objects.for_authority(self.authority), pk=pk)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        names = {g.name.lower() for g in comparator_groups(self.authority) if g != self.group}
        kwargs.update(authority=self.authority, taken=names)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        if self.group is None:
            return {}
        return {"name": self.group.name, "members": list(self.group.members.all())}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["group"] = self.group
        return context

    def _back(self, group: Any = None) -> HttpResponseRedirect:
        url = reverse("reports:kpi-benchmarking", kwargs={"code": self.authority.dfe_code})
        if group is not None:
            url += f"?comparator_set=custom&group={group.pk}"
        return HttpResponseRedirect(url)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from placements.national.services import comparator_group_delete

        if "delete" in request.POST and self.group is not None:
            comparator_group_delete(authority=self.authority, group=self.group, acting_user=request.user)
            messages.success(request, "Group deleted.")
            return self._back()
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: ComparatorGroupForm) -> Any:
        from placements.national.services import comparator_group_save

        group = comparator_group_save(
            authority=self.authority,
            name=form.cleaned_data["name"],
            members=list(form.cleaned_data["members"]),
            acting_user=self.request.user,
            group=self.group,
        )
        messages.success(self.request, f"Group saved: {group.name}.")
        return self._back(group)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _benchmark_item(r: BenchmarkRow) -> dict[str, Any]:
    unit = r.row.kpi.unit
    national = r.national
    summary = r.summary

    def fmt(value: Any) -> str:
        return format_kpi_value(value, unit) if value is not None else "Not published"

    differs = r.row.published_count_differs
    return {
        "row": r,
        "own": format_kpi_value(r.row.value.value, unit),
        "published_own": fmt(national.published_own) if national is not None else "Not published",
        "rank": f"{_ordinal(r.rank)} of {r.ranked}" if r.rank is not None else "Not ranked",
        "rank_basis": "from the register (not published)" if r.own_basis == "register" and r.rank else "",
        "mean": fmt(summary.get("mean")) if r.members else "",
        "range": f"{fmt(summary['min'])} to {fmt(summary['max'])}" if r.members and summary.get("n") else "",
        "region": fmt(national.region) if national is not None else "",
        "england": fmt(national.england) if national is not None else "",
        "differs": {True: "Differs", False: "Agrees", None: ""}[differs],
        "published_count": national.published_own_count if national is not None else None,
        "own_count": r.row.own_count,
    }


def _benchmark_chart(r: BenchmarkRow, set_label: str) -> dict[str, Any]:
    """A horizontal bar per authority (highest first; this authority in orange), with the region and
    England as grey bars, and the same figures as a table."""
    unit = r.row.kpi.unit
    shown = [m for m in r.members if m.value is not None]
    labels = [m.name for m in shown]
    values: list[float | None] = [m.value for m in shown]
    colours = ["#f47738" if m.is_self else "#1d70b8" for m in shown]
    national = r.national
    for name, value in ((national.region_name, national.region), ("England", national.england)):
        if value is not None:
            labels.append(name)
            values.append(value)
            colours.append("#505a5f")
    figure = {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "name": r.row.kpi.name,
                "y": labels,
                "x": values,
                "marker": {"color": colours},
            }
        ],
        "layout": chart_layout(
            height=max(260, 28 * len(labels) + 90),
            margin={"l": 16, "r": 16, "t": 24, "b": 40},
            xaxis={"gridcolor": GRID, "rangemode": "tozero", "automargin": True, "fixedrange": True},
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            showlegend=False,
            hovermode="closest",
        ),
    }
    table_rows = [
        [m.name + (" (you)" if m.is_self else ""), str(m.rank or ""), format_kpi_value(m.value, unit)]
        for m in shown
    ]
    table_rows += [
        [m.name, "", f"Not published ({m.marker})" if m.marker else "Not published"]
        for m in r.members
        if m.value is None
    ]
    for name, value in ((national.region_name, national.region), ("England", national.england)):
        table_rows.append([name, "", format_kpi_value(value, unit) if value is not None else "Not published"])
    return {
        "id": "benchmark-chart",
        "title": f"{r.row.kpi.name}: {set_label}, {r.year}",
        "description": f"Each authority's published figure for 31 March {r.year}, highest first; yours in orange, "
        f"the region and England in grey.",
        "figure": figure,
        "table": {
            "headers": ["Authority", "Rank", "Value"],
            "rows": table_rows,
            "numeric_columns": [1, 2],
            "first_cell_is_header": True,
        },
        "table_open": False,
    }


def _national_columns(row: Any) -> dict[str, Any]:
    """The KPI page's published comparators for a row (the same `KpiRow.national` the board report and the
    API read): the statistical neighbours' average and range, the published region, and whether the
    register's count differs from what the DfE published for the authority."""
    national = row.national
    if national is None:
        return {"neighbours": "", "neighbours_range": "", "published_region": "", "differs": None}
    unit = row.kpi.unit
    sn = national.statistical_neighbours
    return {
        "neighbours": format_kpi_value(sn["mean"], unit) if sn["mean"] is not None else "Not published",
        "neighbours_range": f"{format_kpi_value(sn['min'], unit)} to {format_kpi_value(sn['max'], unit)}"
        if sn["n"]
        else "",
        "published_region": format_kpi_value(national.region, unit) if national.region is not None else "",
        "differs": row.published_count_differs,
        "published_count": national.published_own_count,
        "own_count": row.own_count,
    }


def _targets(*, authority: Any, on: Any) -> dict[str, str]:
    """Each KPI's target in the strategy covering the date ("60% by March 2027"), by KPI key."""
    strategy = strategy_current_for_authority(authority=authority, on=on)
    if strategy is None:
        return {}
    out: dict[str, str] = {}
    for measure in Measure.objects.filter(objective__strategy=strategy).order_by("target_date"):
        kpi = registry.get(measure.kpi_key)
        unit = kpi.unit if kpi is not None else "number"
        out.setdefault(
            measure.kpi_key,
            f"{format_kpi_value(float(measure.target_value), unit)} by {measure.target_date:%B %Y}",
        )
    return out


class StrategyListView(ReadMixin, TemplateView):
    template_name = "reports/strategy_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["strategies"] = strategy_list(authority=self.authority)
        return context


class StrategyDetailView(TableDownloadMixin, ReadMixin, TemplateView):
    """A strategy: objectives with their measures' progress on a date (RAG), and the commissioning plan."""

    template_name = "reports/strategy_detail.html"
    download_name = "strategy"

    def download_keys(self) -> list[str]:
        return ["measures"]

    def table_for_download(self, context: dict[str, Any], key: str) -> tuple[str, list[Any], list[Any]]:
        """Every measure of every objective, one row each, with its unit in its own column (units differ by
        row): the values and targets the page formats, unrounded, and the status the page shows."""
        headers = [
            "Objective",
            "Measure",
            "Unit",
            "Baseline (in the unit)",
            "Baseline date",
            "Target (in the unit)",
            "Target date",
            "Better when",
            f"Value on {context['on']:%Y-%m-%d} (in the unit)",
            "Previous value (in the unit)",
            "Status",
        ]
        rows = []
        for entry in context["objectives"]:
            objective = entry["objective"]
            for m in entry["measures"]:
                item = m["progress"]
                measure = item.measure
                rows.append(
                    [
                        f"{objective.number}. {objective.title}",
                        item.name,
                        unit_words(item.kpi) if item.kpi else "",
                        None if measure.baseline_value is None else float(measure.baseline_value),
                        measure.baseline_date,
                        float(measure.target_value),
                        measure.target_date,
                        measure.get_direction_display(),
                        item.value.value,
                        item.previous.value,
                        item.rag.label,
                    ]
                )
        return f"Strategy measures on {context['on']:%Y-%m-%d}", headers, rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        try:
            strategy = strategy_for_authority(authority=self.authority, pk=self.kwargs["pk"])
        except Strategy.DoesNotExist:
            raise Http404("No such strategy") from None
        form = KpiDateForm(self.request.GET or None)
        asked = form.cleaned_data.get("on") if form.is_bound and form.is_valid() else None
        as_at = as_at_for_request(self.request, authority=self.authority, requested=asked or None)
        on, period = form.resolved(as_at.on)
        progress = measure_progress_for_strategy(
            strategy=strategy, on=on, period=period, session=KpiSession(self.authority)
        )
        objectives = []
        for objective in strategy.objectives.all():
            items = []
            for item in progress.get(objective.pk, []):
                unit = item.kpi.unit if item.kpi else "number"
                items.append(
                    {
                        "progress": item,
                        "value": format_kpi_value(item.value.value, unit),
                        "previous": format_kpi_value(item.previous.value, unit),
                        "baseline": ""
                        if item.measure.baseline_value is None
                        else format_kpi_value(float(item.measure.baseline_value), unit),
                        "target": format_kpi_value(float(item.measure.target_value), unit),
                    }
                )
            objectives.append({"objective": objective, "measures": items})
        context.update(
            strategy=strategy,
            objectives=objectives,
            actions=strategy.actions.all(),
            action_summary=action_summary_for_strategy(strategy=strategy, on=on),
            form=form,
            on=on,
        )
        return context


class StrategyHistoryView(ReadMixin, TemplateView):
    template_name = "reports/strategy_history.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        strategy = get_object_or_404(Strategy.objects.for_authority(self.authority), pk=self.kwargs["pk"])
        context.update(strategy=strategy, entries=strategy_history(strategy=strategy))
        return context


# --- Writes (commissioners and administrators) --------------------------------------------------------------
class EditMixin(OptimisticLockMixin, AuthorityMixin):
    """A strategy form page: only editors of this authority; anyone else 404. Change pages name the record
    they edit (`locked_object`): their form carries its version, refused if someone saved it since."""

    def locked_object(self) -> Any:
        return None

    allowed_roles = STRATEGY_EDIT_ROLES
    template_name = "reports/strategy_form.html"
    page_title = ""
    success_message = "Saved"

    def strategy(self) -> Strategy:
        if not hasattr(self, "_strategy"):
            self._strategy = get_object_or_404(
                Strategy.objects.for_authority(self.authority), pk=self.kwargs["pk"]
            )
        return self._strategy

    def strategy_url(self, strategy: Strategy) -> str:
        return reverse("reports:strategy-detail", kwargs={"code": self.authority.dfe_code, "pk": strategy.pk})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["page_title"] = self.page_title
        context["back_url"] = (
            self.strategy_url(self.strategy())
            if "pk" in self.kwargs
            else reverse("reports:strategy-list", kwargs={"code": self.authority.dfe_code})
        )
        return context

    def done(self, strategy: Strategy) -> HttpResponseRedirect:
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.strategy_url(strategy))

    def call(self, form: Any, func: Any, **kwargs: Any) -> Any:
        """Call a service with the form's data, showing validation errors on the form."""
        from django.core.exceptions import ValidationError

        try:
            return func(acting_user=self.request.user, request=self.request, **kwargs, **form.cleaned_data)
        except StaleEdit as exc:
            self.mark_stale(form, exc)
            return None
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return None


class StrategyCreateView(EditMixin, FormView):
    form_class = StrategyForm
    page_title = "Add a strategy"
    success_message = "Strategy added"

    def form_valid(self, form: StrategyForm) -> Any:
        strategy = self.call(form, services.strategy_create, authority=self.authority)
        return self.done(strategy) if strategy else self.form_invalid(form)


class StrategyUpdateView(EditMixin, FormView):
    form_class = StrategyForm
    page_title = "Change strategy"
    success_message = "Strategy updated"

    def locked_object(self) -> Any:
        return self.strategy()

    def get_initial(self) -> dict[str, Any]:
        s = self.strategy()
        return {"title": s.title, "start_year": s.start_year, "end_year": s.end_year, "summary": s.summary}

    def form_valid(self, form: StrategyForm) -> Any:
        strategy = self.call(form, services.strategy_update, strategy=self.strategy())
        return self.done(strategy) if strategy else self.form_invalid(form)


class ObjectiveCreateView(EditMixin, FormView):
    form_class = ObjectiveForm
    page_title = "Add an objective"
    success_message = "Objective added"

    def get_initial(self) -> dict[str, Any]:
        return {"number": self.strategy().objectives.count() + 1}

    def form_valid(self, form: ObjectiveForm) -> Any:
        objective = self.call(form, services.objective_create, strategy=self.strategy())
        return self.done(self.strategy()) if objective else self.form_invalid(form)


class ObjectiveUpdateView(EditMixin, FormView):
    form_class = ObjectiveForm
    page_title = "Change objective"
    success_message = "Objective updated"

    def locked_object(self) -> Any:
        return self.objective()

    def objective(self) -> Objective:
        return get_object_or_404(Objective.objects.filter(strategy=self.strategy()), pk=self.kwargs["item"])

    def get_initial(self) -> dict[str, Any]:
        o = self.objective()
        return {"number": o.number, "title": o.title, "description": o.description}

    def form_valid(self, form: ObjectiveForm) -> Any:
        objective = self.call(form, services.objective_update, objective=self.objective())
        return self.done(self.strategy()) if objective else self.form_invalid(form)


class MeasureCreateView(EditMixin, FormView):
    form_class = MeasureForm
    page_title = "Add a measure"
    success_message = "Measure added"

    def objective(self) -> Objective:
        return get_object_or_404(Objective.objects.filter(strategy=self.strategy()), pk=self.kwargs["item"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["caption"] = str(self.objective())
        return context

    def form_valid(self, form: MeasureForm) -> Any:
        measure = self.call(form, services.measure_create, objective=self.objective())
        return self.done(self.strategy()) if measure else self.form_invalid(form)


class MeasureUpdateView(EditMixin, FormView):
    form_class = MeasureForm
    page_title = "Change measure"
    success_message = "Measure updated"

    def locked_object(self) -> Any:
        return self.measure()

    def measure(self) -> Measure:
        return get_object_or_404(
            Measure.objects.filter(objective__strategy=self.strategy()).select_related("objective"),
            pk=self.kwargs["item"],
        )

    def get_initial(self) -> dict[str, Any]:
        m = self.measure()
        return {name: getattr(m, name) for name in services.MEASURE_FIELDS}

    def form_valid(self, form: MeasureForm) -> Any:
        measure = self.call(form, services.measure_update, measure=self.measure())
        return self.done(self.strategy()) if measure else self.form_invalid(form)


class ActionCreateView(EditMixin, FormView):
    form_class = ActionForm
    page_title = "Add an action to the commissioning plan"
    success_message = "Action added"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "strategy": self.strategy()}

    def get_initial(self) -> dict[str, Any]:
        return {"status": "not_started"}

    def form_valid(self, form: ActionForm) -> Any:
        action = self.call(form, services.action_create, strategy=self.strategy())
        return self.done(self.strategy()) if action else self.form_invalid(form)


class ActionUpdateView(EditMixin, FormView):
    form_class = ActionForm
    page_title = "Update action"
    success_message = "Action updated"

    def locked_object(self) -> Any:
        return self.action()

    def action(self) -> Action:
        return get_object_or_404(Action.objects.filter(strategy=self.strategy()), pk=self.kwargs["item"])

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "strategy": self.strategy()}

    def get_initial(self) -> dict[str, Any]:
        a = self.action()
        return {name: getattr(a, name) for name in services.ACTION_FIELDS}

    def form_valid(self, form: ActionForm) -> Any:
        action = self.call(form, services.action_update, action=self.action())
        return self.done(self.strategy()) if action else self.form_invalid(form)
