"""Choices for sufficiency statements. Stored values are stable; labels are what the statement prints."""

from django.db import models


class StatementStatusChoices(models.TextChoices):
    """A statement is written as a draft, sent for review, approved and then published. Review can send it
    back to draft; publishing is one-way and freezes its figures and narrative."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"


class StatementSectionChoices(models.TextChoices):
    """The sections of a sufficiency statement (the annual assessment and strategy under s22G of the
    Children Act 1989), in the order councils publish them."""

    CONTEXT = "context", "Context and our duties"
    CHILDREN = "children", "Our children in care"
    WHERE_THEY_LIVE = "where_they_live", "Where our children live"
    STABILITY = "stability", "Stability"
    QUALITY = "quality", "Quality of provision"
    SUPPLY = "supply", "Supply by type of placement"
    UNMET_NEED = "unmet_need", "Unmet need and placement finding"
    COSTS = "costs", "Costs and spend"
    FORECAST = "forecast", "Forecast demand and the sufficiency gap"
    CARE_LEAVERS = "care_leavers", "Care leavers' accommodation"
    WHAT_WE_WILL_DO = "what_we_will_do", "What we will do"
