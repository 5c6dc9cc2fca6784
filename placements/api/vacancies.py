"""API of vacancies: the places offered now to the caller's own authority (scope `read:child`).

A vacancy holds no child data, but it is the authority's operational record of what it has been offered:
the same policy as the vacancy pages (`placements.permissions.vacancy_authority_ids`), so aggregate-only
tokens and roles are refused (403) and another authority's vacancy is 404. Only open vacancies are listed; a stale one (not confirmed within
`VACANCY_STALE_DAYS`) is flagged with `is_stale` and left out by `?fresh=true`, as the counts leave it out.
Free-text notes never leave the service.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.permissions import BasePermission, IsAuthenticated

from sufficiency.core.api import AuthorityScopedViewSet

from ..models import Vacancy
from ..permissions import VACANCY_READ, vacancy_authority_ids
from ..supply.filtersets import VacancyFilterSet


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A vacancy at a children's home",
            value={
                "id": 42,
                "authority": "335",
                "offered_by": "setting",
                "setting_urn": "SC123456",
                "setting_name": "Oak Lodge",
                "household_reference": None,
                "places": 1,
                "age_min": 12,
                "age_max": 17,
                "categories": ["residential_external"],
                "recorded_at": "2026-03-02T09:15:00Z",
                "is_stale": False,
            },
            response_only=True,
        )
    ]
)
class VacancySerializer(serializers.ModelSerializer):
    """An open vacancy: where (a setting by URN, or one of the authority's fostering households by its
    pseudonymous reference), how many places, ages and planning categories, and whether it is stale."""

    authority = serializers.SlugRelatedField(slug_field="dfe_code", read_only=True)
    offered_by = serializers.SerializerMethodField(help_text="setting or household")
    setting_urn = serializers.SlugRelatedField(
        source="setting", slug_field="urn", read_only=True, allow_null=True, help_text="Ofsted URN"
    )
    setting_name = serializers.SlugRelatedField(
        source="setting", slug_field="name", read_only=True, allow_null=True
    )
    household_reference = serializers.SlugRelatedField(
        source="household",
        slug_field="reference",
        read_only=True,
        allow_null=True,
        help_text="The authority's pseudonymous reference of the fostering household",
    )
    categories = serializers.ListField(child=serializers.CharField(), read_only=True)
    is_stale = serializers.BooleanField(
        read_only=True, help_text="Not confirmed within VACANCY_STALE_DAYS: not counted until confirmed"
    )

    class Meta:
        model = Vacancy
        fields = [
            "id",
            "authority",
            "offered_by",
            "setting_urn",
            "setting_name",
            "household_reference",
            "places",
            "age_min",
            "age_max",
            "categories",
            "recorded_at",
            "is_stale",
        ]

    def get_offered_by(self, obj: Vacancy) -> str:
        return "setting" if obj.setting_id else "household"


class MayReadVacancies(BasePermission):
    """403 unless the vacancy read policy grants the caller at least one authority."""

    message = "Your credentials do not allow vacancies (scope read:child, or a child-level role)."

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(vacancy_authority_ids(request))


@extend_schema_view(
    list=extend_schema(summary="List your authority's open vacancies", tags=["vacancies"]),
    retrieve=extend_schema(summary="One open vacancy", tags=["vacancies"]),
)
class VacancyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuthorityScopedViewSet):
    """Open vacancies of the caller's own authority (scope `read:child`); another authority's are 404.
    `?fresh=true|false`, `?category=`."""

    capability = VACANCY_READ
    permission_classes = [IsAuthenticated, MayReadVacancies]
    queryset = Vacancy.objects.open().select_related("authority", "setting", "household")
    serializer_class = VacancySerializer
    filterset_class = VacancyFilterSet
    ordering_fields = ["id", "recorded_at"]
    ordering = ["id"]

    def get_queryset(self) -> Any:
        # The vacancy policy decides, not the generic capability scoping: pages call the same function.
        return self.queryset.filter(authority_id__in=vacancy_authority_ids(self.request))

    def allowed_authority_ids(self) -> list[int]:
        return vacancy_authority_ids(self.request)
