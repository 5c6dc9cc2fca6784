"""A demo sufficiency strategy and Corporate Parenting Board reports for the synthetic demo region.

The strategy is modelled on the seeds' (objectives with measures from the KPI catalogue, a commissioning
plan with leads and timescales); two quarterly reports are published so that a board member signing in
finds the latest report, and the later one shows the change since the earlier one. Synthetic only.
Safe to run again: nothing is created twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta

from sufficiency.authorities.models import LocalAuthority
from sufficiency.reports import services as strategy_services
from sufficiency.reports.board import services as board_services
from sufficiency.reports.models import BoardReport, Strategy

OBJECTIVES = [
    (
        "More children live in family settings, with our own foster carers",
        [
            ("pct_foster_care", 70, 72, "higher", 3),
            ("pct_fostering_inhouse", 48, 55, "higher", 3),
            ("fostering_households_net_change", 2, 8, "higher", 3),
        ],
    ),
    (
        "Children live close to home, in good homes",
        [
            ("pct_placed_over_20_miles", 16, 10, "lower", 2),
            ("pct_good_or_outstanding", 80, 90, "higher", 5),
            ("stability_3_plus_placements", 11, 9, "lower", 1),
        ],
    ),
    (
        "Fewer children wait for a home in an emergency",
        [("median_days_to_place", 21, 14, "lower", 3), ("pct_placed_to_plan", 80, 90, "higher", 5)],
    ),
]

ACTIONS = [
    ("Fostering recruitment and retention plan", "Ongoing", None, "on_track",
     "Marketing refreshed; households in assessment are tracked monthly."),
    ("Open a further in-house children's home (3 places)", "2025-26", (2026, 1, 31), "at_risk",
     "Registration with Ofsted delayed; opening now expected in the summer."),
    ("Residential sufficiency review", "October 2025", (2025, 10, 31), "complete",
     "Review reported to the Regulated Board in November."),
    ("Track supported accommodation providers' Ofsted registration", "Ongoing", None, "on_track", ""),
    ("Needs assessment with every newly placed child", "April 2026", (2026, 4, 30), "not_started", ""),
]  # fmt: skip

COMMENTARY = {
    "introduction": (
        "The Board is asked to note the progress made in delivering the Placement Sufficiency Strategy and to "
        "comment on the areas where progress is slower than planned."
    ),
    "consultation": (
        "The Children in Care Council met this quarter and helped shortlist providers for the supported "
        "accommodation tender. Young people's views on where they live are gathered at every review."
    ),
    "where_children_live": "Most children continue to live in foster care, the majority within 20 miles of home.",
    "fostering": "Recruitment of in-house foster carers remains our first priority.",
    "residential": "Our own homes remain judged Good by Ofsted and occupancy stays high.",
    "conclusion": (
        "Progress is being made against most objectives. The main risks are the delay to the new home and the "
        "continued reliance on external residential care."
    ),
}


def demo_strategy_load(*, authority: LocalAuthority, acting_user: Any = None) -> Strategy:
    """The authority's demo strategy 2023-2026 (created once)."""
    existing = Strategy.objects.filter(authority=authority).first()
    if existing is not None:
        return existing
    strategy = strategy_services.strategy_create(
        authority=authority,
        acting_user=acting_user,
        title="Placement Sufficiency Strategy",
        start_year=2023,
        end_year=2026,
    )
    for number, (title, measures) in enumerate(OBJECTIVES, start=1):
        objective = strategy_services.objective_create(
            strategy=strategy, acting_user=acting_user, number=number, title=title
        )
        for kpi_key, baseline, target, direction, tolerance in measures:
            strategy_services.measure_create(
                objective=objective,
                acting_user=acting_user,
                kpi_key=kpi_key,
                baseline_value=baseline,
                baseline_date=dt.date(2023, 3, 31),
                target_value=target,
                target_date=dt.date(2026, 3, 31),
                direction=direction,
                tolerance=tolerance,
            )
    for activity, timescale, due, status, notes in ACTIONS:
        strategy_services.action_create(
            strategy=strategy,
            acting_user=acting_user,
            activity=activity,
            timescale=timescale,
            due_date=dt.date(*due) if due else None,
            status=status,
            update_notes=notes,
            childrens_services_lead="Head of Service, Children in Care",
            commissioning_lead="Commissioning Manager",
        )
    return strategy


def demo_board_reports_load(*, authority: LocalAuthority, as_at: dt.date, acting_user: Any = None) -> int:
    """Publish the quarter before `as_at` and `as_at` itself, unless reports exist already."""
    if BoardReport.objects.filter(authority=authority).exists():
        return 0
    previous_quarter = as_at + relativedelta(months=-3, day=31)  # the month end three months earlier
    published = 0
    for report_date in (previous_quarter, as_at):
        report = board_services.report_create(
            authority=authority,
            as_at=report_date,
            acting_user=acting_user,
            author_name="Head of Service, Children's Placements",
        )
        board_services.commentary_update(report=report, texts=COMMENTARY, acting_user=acting_user)
        board_services.report_publish(
            report=report,
            meeting_name="Corporate Parenting Board",
            meeting_date=report_date + dt.timedelta(days=60),
            acting_user=acting_user,
        )
        published += 1
    return published
