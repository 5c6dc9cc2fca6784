"""An authority's sufficiency strategy: its objectives, the measures that track them, and the
commissioning plan (actions). Every change is kept (django-simple-history) and audited.

Only the strategy holds the authority; objectives, measures and actions belong to it, and their querysets
scope through it (``visible_to``/``for_authority`` follow ``strategy__authority``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from sufficiency.core.models import AuthorityOwnedModel, TimeStampedModel
from sufficiency.core.querysets import AuthorityScopedQuerySet

from .board.choices import BoardReportStatusChoices, PublishStatusChoices, SectionChoices
from .choices import ActionStatusChoices, DirectionChoices
from .statement.choices import StatementSectionChoices, StatementStatusChoices


class ObjectiveQuerySet(AuthorityScopedQuerySet):
    authority_field = "strategy__authority"


class ActionQuerySet(AuthorityScopedQuerySet):
    authority_field = "strategy__authority"


class MeasureQuerySet(AuthorityScopedQuerySet):
    authority_field = "objective__strategy__authority"


class Strategy(AuthorityOwnedModel):
    """A published sufficiency strategy (Children Act 1989 s22G), e.g. "Placement Sufficiency Strategy
    2023-2026". An authority may hold several (past and current); the current one is the one whose period
    covers the date the board is looking at."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="strategies"
    )
    title = models.CharField(max_length=200)
    start_year = models.PositiveSmallIntegerField(help_text="First year of the strategy's period, e.g. 2023")
    end_year = models.PositiveSmallIntegerField(help_text="Last year of the strategy's period, e.g. 2026")
    summary = models.TextField(blank=True, help_text="What the strategy sets out to achieve")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["authority", "-start_year", "title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_year__lte=models.F("end_year")), name="strategy_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}"

    def clean(self) -> None:
        if self.start_year and self.end_year and self.start_year > self.end_year:
            raise ValidationError({"end_year": "The last year must be the same as or after the first year"})


class Objective(TimeStampedModel):
    """One of a strategy's objectives, e.g. "Achieve a rate of 90% of fostered children placed within 20
    miles of home by 2024", numbered as the strategy numbers them."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "number", "id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Measure(TimeStampedModel):
    """How an objective's progress is measured: a KPI from the catalogue (by its stable key), with a
    baseline and a target, each dated, which direction is good, and the tolerance within which a miss is
    amber rather than red (in the KPI's own units, e.g. 5 percentage points)."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measures")
    kpi_key = models.CharField("KPI", max_length=64, help_text="A key from the KPI catalogue")
    baseline_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(max_digits=12, decimal_places=2)
    target_date = models.DateField()
    direction = models.CharField(max_length=6, choices=DirectionChoices.choices)
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="How far short of the target still counts as amber, in the KPI's units",
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["objective", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(tolerance__gte=0), name="measure_tolerance")]

    def __str__(self) -> str:
        return f"{self.kpi_key}: target {self.target_value} by {self.target_date}"

    @property
    def kpi(self) -> Any:
        """The catalogue entry, or None when the key is no longer in the catalogue."""
        from .kpis import registry

        return registry.get(self.kpi_key)


class Action(TimeStampedModel):
    """An activity in the strategy's commissioning plan (as in Dudley's plan): what, a brief description,
    the timescale as the plan words it ("Ongoing", "January - March 2022") and optionally a due date,
    the children's services and commissioning leads (officers, by name or post), its status and the
    latest update. Optionally tied to one objective."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    activity = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    timescale = models.CharField(max_length=120, blank=True)
    due_date = models.DateField(
        null=True, blank=True, help_text="When the action should be complete, if dated"
    )
    childrens_services_lead = models.CharField("children's services lead", max_length=120, blank=True)
    commissioning_lead = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatusChoices.choices, default=ActionStatusChoices.NOT_STARTED
    )
    update_notes = models.TextField(
        blank=True, help_text="The latest progress update. No information about children"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["strategy", "due_date", "id"]

    def __str__(self) -> str:
        return self.activity

    def clean(self) -> None:
        if self.objective_id and self.strategy_id and self.objective.strategy_id != self.strategy_id:
            raise ValidationError({"objective": "Choose an objective of this strategy"})


# --- Board progress reports ---------------------------------------------------------------------------------
class BoardReport(AuthorityOwnedModel):
    """A sufficiency progress report to the Corporate Parenting Board, as at a date (usually a quarter
    end). While a draft, its numbers are computed live from the register as at ``as_at`` and its author
    edits the commentary; publishing (``board.services.report_publish``) records the meeting, gives it
    the authority's next version number and freezes everything in a `PublishedReport`."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="board_reports"
    )
    title = models.CharField(max_length=200, default="Placement sufficiency strategy update")
    as_at = models.DateField("as at", help_text="The date the report's figures are counted on")
    status = models.CharField(
        max_length=10, choices=BoardReportStatusChoices.choices, default=BoardReportStatusChoices.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(
        max_length=120, blank=True, help_text="How the paper names its author, e.g. Head of Service"
    )
    meeting_name = models.CharField(max_length=200, blank=True)
    meeting_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True, help_text="Set when published")
    # A request to publish, carried out by a worker (board.services.report_publish_request/_execute).
    publish_status = models.CharField(
        max_length=10, choices=PublishStatusChoices.choices, default=PublishStatusChoices.NONE, blank=True
    )
    publish_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    publish_requested_at = models.DateTimeField(null=True, blank=True)
    publish_started_at = models.DateTimeField(null=True, blank=True)
    publish_finished_at = models.DateTimeField(null=True, blank=True)
    publish_error = models.TextField(blank=True, help_text="Why the last request to publish failed")

    class Meta:
        ordering = ["authority", "-as_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "version"], name="board_report_version_unique_per_authority"
            )
        ]

    def __str__(self) -> str:
        suffix = f"version {self.version}" if self.version else "draft"
        return f"{self.title} as at {self.as_at:%d %B %Y} ({suffix})"

    @property
    def is_draft(self) -> bool:
        return self.status == BoardReportStatusChoices.DRAFT

    @property
    def is_publishing(self) -> bool:
        """True while a request to publish waits for or runs in a worker."""
        return self.publish_status in (PublishStatusChoices.QUEUED, PublishStatusChoices.RUNNING)


class ReportSection(TimeStampedModel):
    """The author's commentary for one section of a board report: plain text, paragraphs separated by a
    blank line; always printed escaped. No information about individual children."""

    report = models.ForeignKey(BoardReport, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=24, choices=SectionChoices.choices)
    commentary = models.TextField(blank=True)

    class Meta:
        ordering = ["report", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "section"], name="report_section_unique")]

    def __str__(self) -> str:
        return f"{self.get_section_display()} ({self.report_id})"


class PublishedReport(AuthorityOwnedModel):
    """A board report exactly as published: the frozen document (every number, table and text), the
    rendered chart SVGs, the printable HTML and the PDF the board received, with SHA-256 digests.
    Written once by ``report_publish`` and never changed: nothing in the app updates or deletes it, and
    later changes to the register do not touch it."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="published_board_reports"
    )
    report = models.OneToOneField(BoardReport, on_delete=models.PROTECT, related_name="published")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    as_at = models.DateField("as at")
    meeting_name = models.CharField(max_length=200)
    meeting_date = models.DateField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.JSONField(help_text="Every number, table and text of the report, as published")
    charts = models.JSONField(default=dict, help_text="Chart id to SVG text, as published")
    body_html = models.TextField(help_text="The report body as published (shown on screen)")
    html = models.TextField(help_text="The standalone printable HTML the PDF was made from")
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    document_sha256 = models.CharField(max_length=64)
    page_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["authority", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "version"], name="published_report_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} version {self.version} ({self.meeting_name}, {self.meeting_date:%d %B %Y})"


# --- Precomputed KPI figures --------------------------------------------------------------------------------
class KpiSnapshot(AuthorityOwnedModel):
    """Every KPI of an authority on one date, computed by a worker so that the KPI page reads them instead
    of counting the register during the request (see ``kpi_snapshots.py``).

    Written with the dashboards rollup after each import and forecast, for the rollup's as-at month end and
    the latest 31 March. ``rows`` maps each KPI key to its value and, as ``[value, numerator, denominator]``
    lists: ``value``, ``quarter`` (three months earlier), ``year`` (a year earlier) and ``regional`` (None
    where a regional figure makes no sense). England figures are constants of the catalogue, not stored.
    """

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="kpi_snapshots"
    )
    on = models.DateField(help_text="The date the KPIs are counted on")
    computed_at = models.DateTimeField()
    data_date = models.DateField(null=True, blank=True, help_text="The latest date the register held")
    previous = models.JSONField(
        default=dict, help_text='Previous dates by period: {"quarter": ..., "year": ...}'
    )
    rows = models.JSONField(default=dict)

    class Meta:
        ordering = ["authority", "-on"]
        constraints = [models.UniqueConstraint(fields=["authority", "on"], name="kpi_snapshot_unique_date")]

    def __str__(self) -> str:
        return f"KPIs of {self.authority} on {self.on:%d %B %Y}"


class RegionalKpiSnapshot(models.Model):
    """The regional comparators of the KPI catalogue for one region on one date, counted once and shared by
    the rollups of the region's authorities (see ``kpi_snapshots.py``). Regional figures are ratios of the
    region's totals, never a child's record; nothing here is shown directly: each authority's
    `KpiSnapshot` copies them.

    ``signature`` fingerprints the region's register (row counts, last ids and last changes of every table
    the catalogue reads) when the counting began; the figures are reused only while it is unchanged and
    for at most ``KPI_REGIONAL_REUSE_SECONDS``. ``rows`` maps each regional KPI key to
    ``[value, numerator, denominator]``.
    """

    region = models.ForeignKey("authorities.Region", on_delete=models.CASCADE, related_name="+")
    on = models.DateField(help_text="The date the KPIs are counted on")
    computed_at = models.DateTimeField(help_text="When the counting began (the signature was taken)")
    signature = models.CharField(max_length=64)
    rows = models.JSONField(default=dict)

    class Meta:
        ordering = ["region", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["region", "on"], name="regional_kpi_snapshot_unique_date")
        ]

    def __str__(self) -> str:
        return f"Regional KPIs of {self.region} on {self.on:%d %B %Y}"


# --- Sufficiency statements ---------------------------------------------------------------------------------
class Statement(AuthorityOwnedModel):
    """A sufficiency statement (the annual assessment and strategy an authority publishes), as at one date.

    Its figures are generated live from the register as at ``as_at`` until it is published; its narrative
    is written by the authority, section by section (`StatementSection`). With ``region`` set it is a
    regional statement for every authority of the region, owned (drafted, reviewed and published) by
    ``authority``, e.g. the lead authority of a Regional Care Co-operative. Publishing freezes it in a
    `StatementVersion`."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="statements"
    )
    region = models.ForeignKey(
        "authorities.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200, default="Placement sufficiency statement")
    as_at = models.DateField("as at", help_text="The date the statement's figures are counted on")
    status = models.CharField(
        max_length=10, choices=StatementStatusChoices.choices, default=StatementStatusChoices.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["authority", "-as_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} as at {self.as_at:%d %B %Y} ({self.get_status_display()})"

    @property
    def is_regional(self) -> bool:
        return self.region_id is not None

    @property
    def is_editable(self) -> bool:
        return self.status == StatementStatusChoices.DRAFT


class StatementSection(TimeStampedModel):
    """The authority's narrative for one section of a statement: plain text, paragraphs separated by a
    blank line; always printed escaped. No information about individual children."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="sections")
    section = models.CharField(max_length=24, choices=StatementSectionChoices.choices)
    narrative = models.TextField(blank=True)

    class Meta:
        ordering = ["statement", "id"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "section"], name="statement_section_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_section_display()} ({self.statement_id})"


class StatementVersion(AuthorityOwnedModel):
    """A statement exactly as published: every figure, table and narrative as one JSON document, numbered
    per authority (and per region for regional statements). Written once by ``statement_publish`` and
    never changed; later changes to the register do not touch it."""

    authority = models.ForeignKey(
        "authorities.LocalAuthority", on_delete=models.CASCADE, related_name="statement_versions"
    )
    statement = models.OneToOneField(Statement, on_delete=models.PROTECT, related_name="published")
    region = models.ForeignKey(
        "authorities.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    as_at = models.DateField("as at")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    document = models.JSONField(help_text="Every figure, table and narrative of the statement, as published")
    document_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["authority", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "version"],
                condition=models.Q(region__isnull=True),
                name="statement_version_unique_per_authority",
            ),
            models.UniqueConstraint(
                fields=["authority", "region", "version"],
                condition=models.Q(region__isnull=False),
                name="statement_version_unique_per_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} version {self.version} as at {self.as_at:%d %B %Y}"
