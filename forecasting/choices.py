"""Choices of the forecasting app."""

from django.db import models


class RunStatusChoices(models.TextChoices):
    """A forecast run's life: queued -> running -> succeeded | failed. Only the worker that claims a queued
    run (a conditional update) computes it, so a redelivered task never duplicates results."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class RunTriggerChoices(models.TextChoices):
    IMPORT = "import", "After a data import"
    NIGHTLY = "nightly", "Nightly recomputation"
    MANUAL = "manual", "Requested by a user"
    COMMAND = "command", "Command line"
    DEMO = "demo", "Demo load"


class DimensionChoices(models.TextChoices):
    TOTAL = "total", "Total"
    CATEGORY = "category", "Placement category"
    AGE_BAND = "age_band", "Age band"


BASELINE = "baseline"
