"""Choices of the dashboards app."""

from django.db import models


class RollupStatusChoices(models.TextChoices):
    """A rollup's life: queued -> running -> succeeded | failed, and queued again when new data arrives.

    Only the worker that claims a queued rollup (a conditional update) computes it, so a redelivered task
    does nothing. The last good figures stay readable while a new computation is queued or running.
    """

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
