"""National statistics: the DfE's published tables of children looked after (every authority, region and
England, by year), each import with its provenance, and the DfE's statistical neighbours.

These are shared national data: imported by the platform (the `import_dfe_statistics` command, run by an
operator, or a data steward), or proposed by an authority's data manager and published by a steward after
review (`ReferenceDataProposal`), and every figure carries the import it came from so a page can say who
supplied it, when, from which file and under which licence."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sufficiency.core.models import AuthorityOwnedModel, TimeStampedModel

OGL = "Open Government Licence v3.0"


class NationalStatisticsImport(TimeStampedModel):
    """One published file loaded: who supplied it, when, which file and under which licence."""

    source_file = models.CharField(max_length=255, help_text="The file's name as supplied")
    sha256 = models.CharField(max_length=64)
    publisher = models.CharField(
        max_length=200,
        default="Department for Education, Children looked after in England including adoptions",
    )
    licence = models.CharField(max_length=120, default=OGL)
    supplied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supplied_by_label = models.CharField(
        max_length=254, blank=True, help_text="Who supplied it (kept if the user is deleted)"
    )
    years = models.JSONField(default=list, help_text="The years (31 March) the file describes")
    filter_columns = models.JSONField(default=list)
    indicator_columns = models.JSONField(default=list)
    figures_imported = models.PositiveIntegerField(default=0)
    figures_replaced = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Row problems (capped)")
    publication = models.ForeignKey(
        "placements.ReferenceDataProposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="national_imports",
        help_text="The reviewed publication the figures came in (who supplied and who published them)",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_file} ({', '.join(str(y) for y in self.years)})"

    @property
    def provenance(self) -> str:
        who = self.supplied_by_label or "the platform"
        publication = self.publication
        if publication is not None and publication.supplied_by_authority_id and publication.published_at:
            who = (
                f"{publication.supplier}, published by a data steward on {publication.published_at:%d %B %Y}"
            )
            return f"{self.publisher}; file {self.source_file}, supplied by {who}; {self.licence}"
        return f"{self.publisher}; file {self.source_file}, imported by {who} on {self.created_at:%d %B %Y}; {self.licence}"


class NationalFigure(models.Model):
    """One published cell. ``value`` is None when the DfE published a marker (``marker``) instead: not
    published, never zero."""

    statistics_import = models.ForeignKey(
        NationalStatisticsImport, on_delete=models.CASCADE, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(
        help_text="The year the figure describes (31 March, or year ending)"
    )
    time_period = models.CharField(max_length=8)
    time_identifier = models.CharField(max_length=40)
    geographic_level = models.CharField(max_length=20)
    area_code = models.CharField(max_length=9, help_text="new_la_code, region_code or country_code")
    old_la_code = models.CharField(max_length=3, blank=True, db_index=True)
    area_name = models.CharField(max_length=100)
    filters = models.JSONField(default=dict)
    filter_key = models.CharField(max_length=300)
    indicator = models.CharField(max_length=60)
    value = models.FloatField(null=True, blank=True)
    marker = models.CharField(max_length=4, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["year", "geographic_level", "area_code", "filter_key", "indicator"],
                name="national_figure_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["filter_key", "indicator", "year"], name="national_figure_measure")]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else f"not published ({self.marker})"
        return f"{self.year} {self.area_name} {self.filter_key} {self.indicator}: {shown}"


class StatisticalNeighbourList(TimeStampedModel):
    """A published list of statistical neighbours (one per edition), with its source and licence."""

    name = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    licence = models.CharField(max_length=120, default=OGL)
    synthetic = models.BooleanField(
        default=False, help_text="True when the neighbours are made up (demo and tests), not the DfE's list"
    )

    def __str__(self) -> str:
        return self.name


class StatisticalNeighbour(models.Model):
    """One of an authority's ten statistical neighbours, closest first (rank 1)."""

    neighbour_list = models.ForeignKey(
        StatisticalNeighbourList, on_delete=models.CASCADE, related_name="entries"
    )
    authority = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    neighbour = models.ForeignKey("authorities.LocalAuthority", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["authority", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbour_list", "authority", "rank"], name="neighbour_unique_rank"
            ),
            models.UniqueConstraint(
                fields=["neighbour_list", "authority", "neighbour"], name="neighbour_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority} neighbour {self.rank}: {self.neighbour}"


class ComparatorGroup(AuthorityOwnedModel):
    """An authority's own group of comparator authorities (e.g. its commissioning consortium)."""

    name = models.CharField(max_length=100)
    members = models.ManyToManyField("authorities.LocalAuthority", related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="comparator_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
