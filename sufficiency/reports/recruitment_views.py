"""The fostering recruitment page: the funnel by month and route (enquiries to approvals, de-registrations
with reasons, net gain in households and places, conversion between stages, time from enquiry to approval),
a chart with its table, and the strategy's targets for these figures with their RAG.

A report rather than a supply page because the targets live in the strategy; the funnel's figures come from
placements.supply (funnel, funnel_charts) and the RAG from the strategy's measures (`measure_progress`), as
on the strategy page and the board report."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from placements.as_at import as_at_for_request
from placements.supply.funnel import funnel_months_for_authority, twelve_months_to
from placements.supply.funnel_charts import funnel_context
from sufficiency.authorities.permissions import DASHBOARD_ROLES, HOUSEHOLD_IMPORT_ROLES
from sufficiency.core.downloads import TableDownloadMixin
from sufficiency.core.views import AuthorityMixin

from .board.sections.strategy import RAG_TAGS
from .kpis import KpiSession
from .models import Measure
from .selectors import format_kpi_value, measure_progress, strategy_current_for_authority

#: The KPIs a fostering recruitment target is set on (the funnel's own and the carers' capacity).
RECRUITMENT_KPIS = (
    "fostering_households_net_change",
    "fostering_approvals_12m",
    "fostering_enquiries_12m",
    "fostering_enquiry_to_approval_pct",
    "fostering_deregistrations_12m",
    "fostering_usable_vacancies",
    "inhouse_foster_occupancy",
)


def _months_back(first: Any, n: int) -> Any:
    """The first day of the month ``n`` months before ``first`` (a first-of-month date)."""
    index = first.year * 12 + first.month - 1 - n
    return first.replace(year=index // 12, month=index % 12 + 1)


class FosteringRecruitmentView(TableDownloadMixin, AuthorityMixin, TemplateView):
    """The 12 months to the as-at date beside the 12 before, month by month over 24 months, and targets."""

    allowed_roles = DASHBOARD_ROLES
    template_name = "reports/fostering_recruitment.html"
    download_name = "fostering-recruitment"
    download_tables = {
        "stages": ("Fostering recruitment in the 12 months", "current.stage_headers", "current.stage_rows"),
        "conversion": ("Conversion between stages", "current.conversion_headers", "current.conversion_rows"),
        "deregistrations": ("De-registrations by reason", "current.reason_headers", "current.reason_rows"),
        "previous_stages": (
            "Fostering recruitment in the previous 12 months",
            "previous.stage_headers",
            "previous.stage_rows",
        ),
    }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        on = as_at_for_request(self.request, authority=self.authority).on
        start, end = twelve_months_to(on)
        previous_start = _months_back(start, 12)
        months = funnel_months_for_authority(authority=self.authority, start=previous_start, end=end)
        current = funnel_context(months, start=start, end=end)
        previous = funnel_context(months, start=previous_start, end=_months_back(start, 1))
        chart = funnel_context(months, start=previous_start, end=end)["chart"]
        strategy = strategy_current_for_authority(authority=self.authority, on=on)
        targets = []
        if strategy is not None:
            measures = list(
                Measure.objects.filter(objective__strategy=strategy, kpi_key__in=RECRUITMENT_KPIS)
                .select_related("objective")
                .order_by("kpi_key", "target_date")
            )
            for item in measure_progress(
                measures=measures, authority=self.authority, on=on, session=KpiSession(self.authority)
            ):
                unit = item.kpi.unit if item.kpi else "number"
                targets.append(
                    {
                        "key": item.measure.kpi_key,
                        "raw": item.value.value,
                        "name": item.name,
                        "value": format_kpi_value(item.value.value, unit),
                        "target": f"{format_kpi_value(float(item.measure.target_value), unit)} by "
                        f"{item.measure.target_date:%B %Y}",
                        "rag": str(item.rag),
                        "rag_label": item.rag.label,
                        "colour": RAG_TAGS[item.rag],
                    }
                )
        context.update(
            on=on,
            start=start,
            end=end,
            previous_start=previous_start,
            current=current,
            previous=previous,
            chart=chart,
            strategy=strategy,
            targets=targets,
            can_enter=self.holds(HOUSEHOLD_IMPORT_ROLES),
        )
        return context
