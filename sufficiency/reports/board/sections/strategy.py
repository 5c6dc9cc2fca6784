"""The strategy's sections: the introduction, progress against its measures, and its actions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from ...choices import ActionStatusChoices, RagChoices
from ...kpis import KpiSession
from ...kpis.base import Unit
from ...models import Action, Objective, Strategy
from ...selectors import action_summary_for_strategy, format_kpi_value, measure_progress_for_strategy
from ..choices import SectionChoices
from ..formatting import column, long_date, make_section, make_table

if TYPE_CHECKING:
    from sufficiency.authorities.models import LocalAuthority


RAG_TAGS = {
    RagChoices.GREEN: "green",
    RagChoices.AMBER: "yellow",
    RagChoices.RED: "red",
    RagChoices.NO_DATA: "grey",
}


ACTION_TAGS = {
    ActionStatusChoices.COMPLETE: "green",
    ActionStatusChoices.ON_TRACK: "turquoise",
    ActionStatusChoices.AT_RISK: "red",
    ActionStatusChoices.NOT_STARTED: "grey",
}


def introduction(authority: LocalAuthority, as_at: dt.date, strategy: Strategy | None) -> dict[str, Any]:
    strategy_text = (
        f"progress against the {strategy.title} ({strategy.period})"
        if strategy
        else "progress in securing sufficiency"
    )
    facts = [
        f"This report updates the Corporate Parenting Board on {authority.name}'s placement sufficiency as at "
        f"{long_date(as_at)}: where our children in care live, the foster carers, children's homes and "
        f"supported accommodation available to them, forecast demand and cost, and {strategy_text}.",
        "The local authority has a duty under section 22G of the Children Act 1989 to take steps to secure, so "
        "far as reasonably practicable, sufficient accommodation within its area which meets the needs of the "
        "children it looks after.",
        "The figures are generated from the authority's placement register (its SSDA903 return, Ofsted provider "
        "data, its foster carer and children's home records and its costs). The commentary is written by the "
        "report's author.",
    ]
    return make_section(SectionChoices.INTRODUCTION, facts=facts)


def progress(strategy: Strategy | None, as_at: dt.date, session: KpiSession) -> dict[str, Any]:
    if strategy is None:
        return make_section(SectionChoices.PROGRESS, empty=f"No sufficiency strategy covering {as_at.year} is recorded, "
                            "so there are no targets to report against.")  # fmt: skip
    progress = measure_progress_for_strategy(strategy=strategy, on=as_at, session=session)
    objectives = list(Objective.objects.filter(strategy=strategy).order_by("number", "id"))
    rows = []
    rag_counts: Counter[str] = Counter()
    measures = []
    for objective in objectives:
        for item in progress.get(objective.pk, []):
            unit = item.kpi.unit if item.kpi else Unit.NUMBER
            m = item.measure
            rag_counts[item.rag.value] += 1
            baseline = (
                "–"
                if m.baseline_value is None
                else format_kpi_value(float(m.baseline_value), unit)
                + (f" ({long_date(m.baseline_date)})" if m.baseline_date else "")
            )
            rows.append(
                [f"{objective.number}. {objective.title}", item.name, baseline,
                 f"{format_kpi_value(float(m.target_value), unit)} by {long_date(m.target_date)}",
                 format_kpi_value(item.value.value, unit), format_kpi_value(item.previous.value, unit),
                 {"text": item.rag.label, "tag": RAG_TAGS[item.rag]}]
            )  # fmt: skip
            measures.append({"objective": objective.number, "kpi_key": m.kpi_key, "value": item.value.value,
                             "target": float(m.target_value), "direction": m.direction, "rag": item.rag.value})  # fmt: skip
    if not rows:
        return make_section(SectionChoices.PROGRESS, empty=f"The {strategy.title} has no measures with targets yet.",
                            data={"strategy": strategy.title})  # fmt: skip
    total = len(rows)
    facts = [
        f"The {strategy.title} ({strategy.period}) has {len(objectives):,} objectives measured by {total:,} "
        f"indicators. As at {long_date(as_at)}, {rag_counts[RagChoices.GREEN]:,} are on target (green), "
        f"{rag_counts[RagChoices.AMBER]:,} are short of target but within tolerance (amber) and "
        f"{rag_counts[RagChoices.RED]:,} are off target (red)"
        + (
            f"; {rag_counts[RagChoices.NO_DATA]:,} have no data yet."
            if rag_counts[RagChoices.NO_DATA]
            else "."
        )
    ]
    alt = (
        f"Bar showing the status of {total} measures: {rag_counts[RagChoices.GREEN]} on target, "
        f"{rag_counts[RagChoices.AMBER]} within tolerance, {rag_counts[RagChoices.RED]} off target, "
        f"{rag_counts[RagChoices.NO_DATA]} no data."
    )
    return make_section(
        SectionChoices.PROGRESS,
        facts=facts,
        tables=[
            make_table(
                "Progress against the strategy's targets",
                [column("Objective"), column("Measure"), column("Baseline"), column("Target"),
                 column("Now", True), column("Three months ago", True), column("Status")],
                rows,
                "table-progress",
            )
        ],  # fmt: skip
        charts=[{"id": "chart-rag", "kind": "rag", "title": "Measures by status", "alt": alt}],
        notes=["Green: at or better than the target. Amber: short of the target by no more than the tolerance "
               "the strategy sets for the measure. Red: further short than that. No data: the register does not "
               "yet hold the figure."],
        data={"strategy": strategy.title, "rag_counts": {r.value: rag_counts.get(r.value, 0) for r in RagChoices},
              "measures": measures},
    )  # fmt: skip


def actions(strategy: Strategy | None, as_at: dt.date) -> dict[str, Any]:
    if strategy is None:
        return make_section(SectionChoices.ACTIONS, empty="No sufficiency strategy is recorded, so there is no action plan "
                            "to report on.")  # fmt: skip
    summary = action_summary_for_strategy(strategy=strategy, on=as_at)
    if not summary["total"]:
        return make_section(SectionChoices.ACTIONS, empty=f"The {strategy.title} has no actions in its plan yet.",
                            data=summary)  # fmt: skip
    actions = Action.objects.filter(strategy=strategy).select_related("objective").order_by("due_date", "id")
    labels = dict(ActionStatusChoices.choices)
    rows = []
    for action in actions:
        overdue = (
            action.due_date is not None
            and action.due_date < as_at
            and action.status != ActionStatusChoices.COMPLETE
        )
        when = action.timescale or ""
        if action.due_date:
            when = f"{when} (due {long_date(action.due_date)})".strip()
        leads = " / ".join(x for x in (action.childrens_services_lead, action.commissioning_lead) if x)
        status = {"text": labels[action.status] + (" – overdue" if overdue else ""),
                  "tag": "red" if overdue else ACTION_TAGS.get(action.status, "grey")}  # fmt: skip
        rows.append([action.activity, when or "–", leads or "–", status, action.update_notes or "–"])
    by_status = summary["by_status"]
    facts = [
        f"The action plan has {summary['total']:,} actions: {by_status['complete']:,} complete, "
        f"{by_status['on_track']:,} on track, {by_status['at_risk']:,} at risk and {by_status['not_started']:,} "
        f"not started. {summary['overdue']:,} {'is' if summary['overdue'] == 1 else 'are'} overdue."
    ]
    return make_section(
        SectionChoices.ACTIONS,
        facts=facts,
        tables=[
            make_table(
                "Actions and their status",
                [
                    column("Action"),
                    column("Timescale"),
                    column("Leads"),
                    column("Status"),
                    column("Latest update"),
                ],
                rows,
                "table-actions",
            )
        ],
        data=summary,
    )
