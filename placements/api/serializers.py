"""API representations of the placement register. Serializers only shape data: no logic, no writes.

Child references are pseudonymised per API client: a token sees `P` + 15 hex characters (HMAC of the
authority and the SSDA903 CHILD reference with the client's own key), the same for the same child on every
call, and different for every other client. People signed in to the service (browser sessions) see the
authority's own references, as on the register pages. Dates of birth and postcodes are never served: age,
age band, distance and inside/outside the boundary are.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from sufficiency.core.api import credential_of

from ..categories import age_band, age_on
from ..models import Child, ImportJob, PlacementEpisode, Provider, Setting


def child_reference(context: dict[str, Any], authority_code: str, child_ref: str) -> str:
    """The child reference this caller may see: the client's pseudonym for a token, the reference itself
    for a signed-in member of the authority."""
    credential = credential_of(context.get("request"))
    return credential.pseudonym(authority_code, child_ref) if credential is not None else child_ref


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A child",
            value={
                "id": 1042,
                "authority": "335",
                "reference": "P3FA90C2B7D41E08",
                "sex": "F",
                "age": 13,
                "age_band": "10_15",
                "uasc": False,
            },
            response_only=True,
        )
    ]
)
class ChildSerializer(serializers.ModelSerializer):
    """A child the authority looks after or has looked after (pseudonymous)."""

    authority = serializers.SlugRelatedField(slug_field="dfe_code", read_only=True)
    reference = serializers.SerializerMethodField(help_text="Pseudonymous child reference (per API client)")
    age = serializers.SerializerMethodField(help_text="Age in completed years today")
    age_band = serializers.SerializerMethodField(
        help_text="DfE age band today: under_1, 1_4, 5_9, 10_15, 16_17"
    )

    class Meta:
        model = Child
        fields = ["id", "authority", "reference", "sex", "age", "age_band", "uasc"]

    def get_reference(self, obj: Child) -> str:
        return child_reference(self.context, obj.authority.dfe_code, obj.child_ref)

    def get_age(self, obj: Child) -> int:
        return age_on(obj.dob, timezone.localdate())

    def get_age_band(self, obj: Child) -> str:
        return age_band(age_on(obj.dob, timezone.localdate()))


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "An open episode in in-house fostering",
            value={
                "id": 88120,
                "authority": "335",
                "child": 1042,
                "child_reference": "P3FA90C2B7D41E08",
                "decom": "2024-04-01",
                "dec": None,
                "rne": "P",
                "ls": "C2",
                "cin": "N1",
                "place": "U4",
                "place_provider": "PR1",
                "rec": "",
                "reason_place_change": "",
                "category": "fostering_inhouse",
                "urn": "SC045099",
                "setting": 12,
                "distance_miles": 6.3,
                "inside_boundary": True,
                "placement_authority": "335",
            },
            response_only=True,
        )
    ]
)
class EpisodeSerializer(serializers.ModelSerializer):
    """One SSDA903 episode, without postcodes (distance and boundary are given instead)."""

    authority = serializers.SlugRelatedField(slug_field="dfe_code", read_only=True)
    child_reference = serializers.SerializerMethodField(help_text="The child's pseudonymous reference")
    distance_miles = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Home to placement (DfE)"
    )
    inside_boundary = serializers.BooleanField(read_only=True, allow_null=True)
    placement_authority = serializers.SlugRelatedField(
        source="placement_la", slug_field="dfe_code", read_only=True, allow_null=True
    )

    class Meta:
        model = PlacementEpisode
        fields = [
            "id",
            "authority",
            "child",
            "child_reference",
            "decom",
            "dec",
            "rne",
            "ls",
            "cin",
            "place",
            "place_provider",
            "rec",
            "reason_place_change",
            "category",
            "urn",
            "setting",
            "distance_miles",
            "inside_boundary",
            "placement_authority",
        ]

    def get_child_reference(self, obj: PlacementEpisode) -> str:
        return child_reference(self.context, obj.authority.dfe_code, obj.child.child_ref)


class ProviderSerializer(serializers.ModelSerializer):
    """An organisation that runs settings."""

    class Meta:
        model = Provider
        fields = ["id", "name", "sector"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A children's home",
            value={
                "id": 12,
                "urn": "SC045099",
                "name": "Oak Lodge",
                "provider": 3,
                "provision_type": "childrens_home",
                "sector": "private",
                "local_authority": "335",
                "postcode": "WS1",
                "registered_places": 4,
                "registration_status": "active",
                "registration_date": "2019-06-01",
                "closed_date": None,
                "judgement_scale": "four_point",
                "latest_judgement": "good",
                "latest_judgement_date": "2025-01-14",
                "framework": "WM Residential FCA",
            },
            response_only=True,
        )
    ]
)
class SettingSerializer(serializers.ModelSerializer):
    """An Ofsted-registered setting (public data, shared by all authorities)."""

    local_authority = serializers.SlugRelatedField(slug_field="dfe_code", read_only=True, allow_null=True)

    class Meta:
        model = Setting
        fields = [
            "id",
            "urn",
            "name",
            "provider",
            "provision_type",
            "sector",
            "local_authority",
            "postcode",
            "registered_places",
            "registration_status",
            "registration_date",
            "closed_date",
            "judgement_scale",
            "latest_judgement",
            "latest_judgement_date",
            "framework",
        ]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A finished import",
            value={
                "id": 7,
                "authority": "335",
                "kind": "ssda903",
                "status": "succeeded",
                "progress": 100,
                "stage": "Finished",
                "file_names": ["header.csv", "episodes.csv"],
                "summary": {"ok": True, "counts": {"children": 812, "episodes": 2950}},
                "error_count": 0,
                "failure": "",
                "created_at": "2026-04-02T09:15:00+01:00",
                "started_at": "2026-04-02T09:15:01+01:00",
                "finished_at": "2026-04-02T09:15:09+01:00",
                "url": "/api/v1/imports/7/",
                "error_report_url": "/api/v1/imports/7/errors/",
            },
            response_only=True,
        )
    ]
)
class ImportJobSerializer(serializers.ModelSerializer):
    """A data import: poll `url` until `status` is succeeded or failed; then fetch `error_report_url`."""

    authority = serializers.SlugRelatedField(slug_field="dfe_code", read_only=True)
    file_names = serializers.ListField(child=serializers.CharField(), read_only=True)
    summary = serializers.DictField(read_only=True, help_text="Counts and file kinds (no personal data)")
    url = serializers.SerializerMethodField()
    error_report_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "authority",
            "kind",
            "status",
            "progress",
            "stage",
            "file_names",
            "summary",
            "error_count",
            "failure",
            "strict",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "error_report_url",
        ]
        read_only_fields = fields

    def to_representation(self, instance: ImportJob) -> dict:
        data = super().to_representation(instance)
        # The summary's examples name children and cell values: the API keeps to counts (the error report
        # has every row for those who need them).
        summary = dict(data.get("summary") or {})
        if "problems" in summary:
            summary["problems"] = [
                {k: v for k, v in problem.items() if k != "examples"} for problem in summary["problems"]
            ]
        data["summary"] = summary
        return data

    def get_url(self, obj: ImportJob) -> str:
        return reverse("api:import-detail", kwargs={"pk": obj.pk})

    def get_error_report_url(self, obj: ImportJob) -> str:
        return reverse("api:import-errors", kwargs={"pk": obj.pk})


class ImportJobCreateInputSerializer(serializers.Serializer):
    """Upload SSDA903 CSV files (multipart/form-data, one `files` part per file)."""

    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        allow_empty=False,
        help_text="The SSDA903 CSV files: Header and Episodes (and UASC, OC3), one or more years",
    )
    authority = serializers.CharField(
        required=False,
        max_length=3,
        help_text="DfE code; only needed by a person who imports for several authorities. A token always "
        "imports for its own authority.",
    )
    strict = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Refuse the whole import if any row has an error. By default rows that break the DfE rules "
        "are repaired or held back (quarantined) by the import policy and the rest is imported.",
    )
