"""Demand forecasts: saved scenarios, forecast runs (background jobs) and their persisted results."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sufficiency.core.models import AuthorityOwnedModel

from .choices import BASELINE, DimensionChoices, RunStatusChoices, RunTriggerChoices


class Scenario(AuthorityOwnedModel):
    """A named "what if" an authority wants compared with its baseline forecast, e.g. "Edge of care: 10%
    fewer 16-17 year olds entering care", "Step-down: 15% of residential to fostering a year", "+20 in-house
    foster places from April 2027". The levers are stored as JSON in the engine's terms:

    * ``entry_rate_changes``: {age band: fractional change}, e.g. {"16_17": -0.10}
    * ``transfers``: [{from_category, to_category, annual_share, start (ISO date or null)}]
    * ``capacity_changes``: [{category, extra_places, from_date (ISO date or null)}]
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    entry_rate_changes = models.JSONField(default=dict, blank=True)
    transfers = models.JSONField(default=list, blank=True)
    capacity_changes = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True, help_text="Included in every forecast run")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["authority", "name"]
        constraints = [models.UniqueConstraint(fields=["authority", "name"], name="uniq_scenario_name")]

    def __str__(self) -> str:
        return self.name


class ForecastRun(AuthorityOwnedModel):
    """One computation of an authority's forecast: the baseline plus every active scenario, with its
    backtest and costs. Runs are computed by a Celery worker, never inside a web request."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="forecast_runs"
    )
    status = models.CharField(
        max_length=10, choices=RunStatusChoices.choices, default=RunStatusChoices.QUEUED
    )
    trigger = models.CharField(
        max_length=10, choices=RunTriggerChoices.choices, default=RunTriggerChoices.MANUAL
    )
    as_at = models.DateField(null=True, blank=True, help_text="Empty: the date the register's data runs to")
    horizon_months = models.PositiveSmallIntegerField(default=36)
    reference_years = models.PositiveSmallIntegerField(default=3)
    n_paths = models.PositiveIntegerField(default=1000)
    seed = models.PositiveIntegerField(default=0)
    inflation = models.FloatField(default=0.03)
    reference_start = models.DateField(null=True, blank=True)
    reference_end = models.DateField(null=True, blank=True)
    reference_summary = models.JSONField(default=dict, blank=True)
    unit_costs = models.JSONField(default=dict, blank=True, help_text="Weekly cost per category used")
    scenario_names = models.JSONField(default=list, blank=True)
    register_version = models.CharField(
        max_length=64,
        blank=True,
        help_text="Identifies the register the run used (changes with every import)",
    )
    backtest_reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="An earlier run on the same register whose backtest this run reuses",
    )  # fmt: skip
    model_choice = models.JSONField(
        default=dict,
        blank=True,
        help_text="The model configuration chosen by backtests, why, and its error beside the naive baselines'",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["authority", "status", "-finished_at"])]

    def __str__(self) -> str:
        return f"Forecast {self.pk} ({self.get_status_display()})"


class ForecastValue(models.Model):
    """A projected number of children in care at a month end, for the total, a category or an age band,
    with its Monte Carlo distribution (mean, median, 80% and 95% intervals)."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="values")
    scenario = models.CharField(max_length=80, default=BASELINE)
    month_end = models.DateField()
    months_ahead = models.PositiveSmallIntegerField()
    dimension = models.CharField(max_length=10, choices=DimensionChoices.choices)
    key = models.CharField(max_length=24)
    mean = models.FloatField()
    p50 = models.FloatField()
    p10 = models.FloatField()
    p90 = models.FloatField()
    p2_5 = models.FloatField()
    p97_5 = models.FloatField()

    class Meta:
        ordering = ["run", "scenario", "month_end", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "scenario", "month_end", "dimension", "key"], name="uniq_forecast_value"
            )
        ]


class BacktestValue(models.Model):
    """How the method did here: a projection refitted with data only up to an earlier date, compared with
    what the register shows actually happened."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="backtests")
    offset_months = models.PositiveSmallIntegerField()
    origin = models.DateField(help_text="The earlier as-at date the model was refitted at")
    month_end = models.DateField()
    months_ahead = models.PositiveSmallIntegerField()
    dimension = models.CharField(max_length=10, choices=DimensionChoices.choices)
    key = models.CharField(max_length=24)
    actual = models.FloatField()
    mean = models.FloatField()
    p10 = models.FloatField()
    p90 = models.FloatField()
    p2_5 = models.FloatField()
    p97_5 = models.FloatField()
    ape = models.FloatField(null=True, blank=True, help_text="Absolute percentage error of the mean")
    in_80 = models.BooleanField()
    in_95 = models.BooleanField()

    class Meta:
        ordering = ["run", "offset_months", "month_end", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "offset_months", "month_end", "dimension", "key"], name="uniq_backtest_value"
            )
        ]


class CostValue(models.Model):
    """Projected bed-nights and spend for a financial year (April-March), total or by category."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="costs")
    scenario = models.CharField(max_length=80, default=BASELINE)
    financial_year = models.CharField(max_length=7, help_text="e.g. 2026-27")
    months = models.PositiveSmallIntegerField(help_text="Projected months falling in the year")
    dimension = models.CharField(max_length=10, choices=DimensionChoices.choices)
    key = models.CharField(max_length=24)
    bed_nights_mean = models.FloatField()
    bed_nights_p10 = models.FloatField()
    bed_nights_p90 = models.FloatField()
    spend_mean = models.FloatField()
    spend_p10 = models.FloatField()
    spend_p90 = models.FloatField()

    class Meta:
        ordering = ["run", "scenario", "financial_year", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "scenario", "financial_year", "dimension", "key"], name="uniq_cost_value"
            )
        ]


class GapAssessment(AuthorityOwnedModel):
    """An authority's sufficiency gap as computed after its latest import or forecast (forecasting/gap.py):
    demand against in-house, block and local capacity per financial year, and the current position. One
    row per authority, replaced on every recomputation; pages read it, never recompute it."""

    authority = models.OneToOneField(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="gap_assessment"
    )
    forecast_run = models.ForeignKey(
        ForecastRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    as_at = models.DateField(help_text="The date the current position and capacity are counted on")
    computed_at = models.DateTimeField()
    local_radius_miles = models.FloatField(default=20.0)
    capacity = models.JSONField(default=dict, blank=True, help_text="In-house places and block beds used")
    local = models.JSONField(default=list, blank=True, help_text="Local settings, places and usage by group")
    current = models.JSONField(default=list, blank=True, help_text="Current position by planning category")
    share_local = models.JSONField(default=dict, blank=True, help_text="Children placed locally by group")

    class Meta:
        ordering = ["authority"]

    def __str__(self) -> str:
        return f"Gap for {self.authority} at {self.as_at}"


class GapValue(models.Model):
    """Demand against capacity for one financial year and kind of place (gap group)."""

    assessment = models.ForeignKey(GapAssessment, on_delete=models.CASCADE, related_name="values")
    financial_year = models.CharField(max_length=7)
    month_end = models.DateField(help_text="The month end demand is read at (31 March within the horizon)")
    group = models.CharField(max_length=16)
    demand_mean = models.FloatField()
    demand_p90 = models.FloatField()
    inhouse_places = models.IntegerField()
    block_beds = models.IntegerField()
    external_mean = models.FloatField()
    external_p90 = models.FloatField()
    external_share = models.FloatField(null=True, blank=True)
    local_places = models.IntegerField()
    local_used_ours = models.IntegerField()
    local_used_others = models.IntegerField()
    local_available = models.IntegerField()
    local_shortfall = models.FloatField()
    local_cover = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "financial_year", "group"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "financial_year", "group"], name="uniq_gap_value")
        ]
