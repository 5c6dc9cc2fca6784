"""Precomputed dashboard figures: one rollup row per authority, with a JSON document per page.

Dashboard pages read these rows and nothing else of the register: every count follows the counting
rules (placements.counting) and was computed by a worker after the last import or forecast.
"""

from __future__ import annotations

from django.db import models

from sufficiency.core.models import AuthorityOwnedModel

from .choices import RollupStatusChoices


class DashboardRollup(AuthorityOwnedModel):
    """Everything an authority's dashboards show, as at the date its register's data runs to.

    * ``headline``: the few figures the region page compares (children, rate, mix, distance, spend, growth)
    * ``overview``: snapshots at recent month ends and past 31 Marches (counts by category, age band and
      Ofsted quality; distance; where children live; stability), the monthly trend, and spend
    * ``forecast``: fan charts, backtest, scenarios and costs of the latest forecast
    * ``gap``: the sufficiency gap (forecasting.gap_services) as at the same date
    * ``market``: settings in and near the area, their places, judgements, usage and prices seen
    """

    authority = models.OneToOneField(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="dashboard_rollup"
    )
    status = models.CharField(
        max_length=10, choices=RollupStatusChoices.choices, default=RollupStatusChoices.QUEUED
    )
    rerun_requested = models.BooleanField(
        default=False, help_text="New data arrived while a computation was running: compute again after it"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the figures below were computed"
    )
    as_at = models.DateField(null=True, blank=True, help_text="The month end the figures are counted at")
    data_date = models.DateField(null=True, blank=True, help_text="The latest date the register holds")
    headline = models.JSONField(default=dict, blank=True)
    overview = models.JSONField(default=dict, blank=True)
    forecast = models.JSONField(default=dict, blank=True)
    gap = models.JSONField(default=dict, blank=True)
    market = models.JSONField(default=dict, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["authority"]

    def __str__(self) -> str:
        return f"Dashboards of {self.authority} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        """True once figures have been computed at least once (they stay while a recompute runs)."""
        return self.computed_at is not None
