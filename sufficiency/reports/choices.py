"""Choices for strategies, measures and actions. Stored values are stable; labels are plain English."""

from django.db import models


class DirectionChoices(models.TextChoices):
    """Which way is better for a measure: a higher value (e.g. % placed in foster care) or a lower one
    (e.g. % placed over 20 miles from home)."""

    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class ActionStatusChoices(models.TextChoices):
    """Where a commissioning-plan action stands. not_started -> on_track | at_risk -> complete; an action
    can move between on track and at risk as often as its updates say. Complete actions stay on the plan."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    COMPLETE = "complete", "Complete"


class RagChoices(models.TextChoices):
    """The board's traffic light for a measure against its target (see sufficiency.reports.rag)."""

    GREEN = "green", "On target"
    AMBER = "amber", "Within tolerance"
    RED = "red", "Off target"
    NO_DATA = "no_data", "No data"
