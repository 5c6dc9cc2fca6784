"""Imports: SSDA903 and Ofsted import jobs, their files, held-back records and quality reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sufficiency.core.models import AuthorityOwnedModel

from ..choices import (
    ImportKindChoices,
    JobStatusChoices,
)
from ..querysets import (
    ImportJobQuerySet,
)


class ImportJob(AuthorityOwnedModel):
    """One upload of data files for an authority, processed in the background with progress.

    The uploaded bytes are kept only until the job finishes (data minimisation). The error report keeps
    file, row, column, value and message: the value may be a child's reference or date, so the report is
    visible only to the authority's data managers and deleted with the job.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(
        max_length=10, choices=ImportKindChoices.choices, default=ImportKindChoices.SSDA903
    )
    status = models.CharField(
        max_length=10, choices=JobStatusChoices.choices, default=JobStatusChoices.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent complete")
    stage = models.CharField(max_length=100, blank=True)
    file_names = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    error_report = models.TextField(blank=True, help_text="CSV: file,row,column,value,message")
    failure = models.TextField(blank=True, help_text="Why the job failed, in plain English")
    strict = models.BooleanField(
        default=False, help_text="Refuse the whole import if any row has an error (no repairs, no quarantine)"
    )

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatusChoices.SUCCEEDED, JobStatusChoices.FAILED)


class ImportFile(models.Model):
    """An uploaded file waiting for its import job. Deleted when the job finishes."""

    job = models.ForeignKey("placements.ImportJob", on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        ordering = ["id"]


# --- Placement finding: requests, their history, and approaches to providers -------------------------


class QuarantinedRecord(AuthorityOwnedModel):
    """A row of a council's SSDA903 files held back by the import policy (placements/ssda903/policy.py):
    the child's record could not be read one way only, so every row of that child is kept here, out of
    every count, until a corrected file is imported. Replaced at each import of the authority.

    ``values`` holds the row's cells as given (never UPN, MOTHER or MC_DOB, which are not read).
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="quarantined_records"
    )
    import_job = models.ForeignKey(
        "placements.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="quarantined"
    )
    table = models.CharField(max_length=20, help_text="SSDA903 file kind: header, episodes, uasc, oc3")
    file = models.CharField(max_length=255)
    row = models.PositiveIntegerField(help_text="Row number as a spreadsheet shows it")
    child_ref = models.CharField(max_length=50, blank=True, help_text="CHILD as given (blank if none)")
    column = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=100, blank=True)
    rule = models.CharField(max_length=80, help_text="Import policy rule that held the child back")
    code = models.CharField(max_length=40, blank=True, help_text="DfE validation rule code(s)")
    message = models.TextField()
    values = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["child_ref", "table", "file", "row"]
        indexes = [models.Index(fields=["authority", "child_ref"], name="quarantine_la_child")]

    def __str__(self) -> str:
        return f"{self.file} row {self.row} ({self.rule})"


class ImportQualityReport(AuthorityOwnedModel):
    """The data quality of one SSDA903 import, kept for trends: problems by DfE rule and severity, what
    the import policy repaired and held back, and what changed in the register since the previous import.

    Counts only, no child-level data. One per successful import (web, API or command line).
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="import_quality_reports"
    )
    import_job = models.OneToOneField(
        "placements.ImportJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="quality"
    )
    strict = models.BooleanField(default=False)
    issues = models.JSONField(
        default=list, blank=True, help_text="[{rule, code, severity, count}] of the files as given"
    )
    repairs = models.JSONField(default=dict, blank=True, help_text="{policy rule: rows repaired}")
    quarantine = models.JSONField(default=dict, blank=True, help_text="{policy rule: children held back}")
    quarantined_children = models.PositiveIntegerField(default=0)
    quarantined_rows = models.PositiveIntegerField(default=0)
    released_children = models.PositiveIntegerField(
        default=0, help_text="Children held back by the previous import and counted now"
    )
    changes = models.JSONField(
        default=dict,
        blank=True,
        help_text="Children and episodes added, removed, changed since the previous import",
    )
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import quality {self.created_at:%Y-%m-%d %H:%M}"
