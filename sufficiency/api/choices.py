"""Scopes an API client may be granted (see `sufficiency.core.api` for what each one opens)."""

from django.db import models


class ScopeChoices(models.TextChoices):
    """What an API client may do, always within its own authority (plus suppressed regional figures)."""

    READ_CHILD = "read:child", "Read the authority's child-level records (pseudonymised)"
    READ_AGGREGATE = (
        "read:aggregate",
        "Read aggregates: own in full, the region's with small numbers suppressed",
    )
    WRITE_IMPORT = "write:import", "Upload SSDA903 files and read import jobs and error reports"
